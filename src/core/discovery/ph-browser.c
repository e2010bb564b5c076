/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser: the receivers announced nearby as a list model. It sits
 * on top and calls down: what announcements make receivers is
 * ph-browser-merge.c (its rows), the Avahi side (browsing, resolving
 * within a budget) ph-browser-avahi.c; both report back through the
 * callbacks given here, never by calling PhBrowser. Finding one by name
 * (ph-browser-lookup.c) sits above, on the browser's API. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-browser-private.h"
#include "ph-dns-sd.h"
#include "ph-enums.h"
#include "ph-installation-id.h"
#include "ph-nearby-receiver-private.h"

struct _PhBrowser
{
  GObject               parent_instance;

  char                 *own_id;
  PhBrowserState        state;
  gboolean              started;
  gboolean              settled;

  PhBrowserRows         rows;          /* the model */
  PhBrowserAvahi       *avahi;
};

static void ph_browser_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhBrowser, ph_browser, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_browser_list_model_init))

enum {
  PROP_0,
  PROP_STATE,
  PROP_AVAILABLE,
  PROP_SETTLED,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  ANSWERED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The rows changed (ph-browser-merge.c). */
static void
rows_changed_cb (guint    position,
                 guint    removed,
                 guint    added,
                 gpointer user_data)
{
  PhBrowser *self = user_data;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* State: what the Avahi side reports ----------------------------------- */

static void
set_state (PhBrowser      *self,
                      PhBrowserState  state)
{
  gboolean was_available = ph_browser_get_available (self);

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_available != ph_browser_get_available (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
set_settled (PhBrowser *self,
             gboolean   settled)
{
  if (self->settled == settled)
    return;

  self->settled = settled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLED]);
}

#ifdef HAVE_AVAHI
static void
avahi_state_cb (PhBrowserState state,
                gpointer       user_data)
{
  set_state (user_data, state);
}

static void
avahi_settled_cb (gboolean settled,
                  gpointer user_data)
{
  set_settled (user_data, settled);
}

static void
avahi_resolved_cb (const PhAnnouncement *announcement,
                   gpointer              user_data)
{
  PhBrowser *self = user_data;

  ph_browser_rows_resolved (&self->rows, self->own_id, announcement);
}

static void
avahi_lost_cb (const char *instance,
               gpointer    user_data)
{
  PhBrowser *self = user_data;

  ph_browser_rows_lost (&self->rows, instance);
}

static void
avahi_forgotten_cb (gpointer user_data)
{
  PhBrowser *self = user_data;

  ph_browser_rows_clear (&self->rows);
  set_settled (self, FALSE);
}

/* An announcement was resolved (or could not be): lookups look again. */
static void
avahi_answered_cb (gpointer user_data)
{
  g_signal_emit (user_data, signals[ANSWERED], 0);
}

static const PhBrowserAvahiEvents avahi_events = {
  .state = avahi_state_cb,
  .settled = avahi_settled_cb,
  .resolved = avahi_resolved_cb,
  .lost = avahi_lost_cb,
  .forgotten = avahi_forgotten_cb,
  .answered = avahi_answered_cb,
};
#endif

void
ph_browser_want (PhBrowser  *self,
                 const char *folded,
                 gboolean    want)
{
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    ph_browser_avahi_want (self->avahi, folded, want);
#endif
}

gboolean
ph_browser_is_resolving (PhBrowser  *self,
                         const char *folded)
{
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    return ph_browser_avahi_is_resolving (self->avahi, folded);
#endif
  return FALSE;
}

gboolean
ph_browser_has_looked_around (PhBrowser *self)
{
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    return ph_browser_avahi_get_all_for_now (self->avahi);
#endif
  return self->settled;
}

void
ph_browser_get_avahi_objects (PhBrowser *self,
                              guint     *now,
                              guint     *peak)
{
  *now = *peak = 0;
#ifdef HAVE_AVAHI
  if (self->avahi != NULL)
    ph_browser_avahi_get_objects (self->avahi, now, peak);
#endif
}

/* GListModel --------------------------------------------------------- */

static GType
ph_browser_get_item_type (GListModel *model)
{
  return PH_TYPE_NEARBY_RECEIVER;
}

static guint
ph_browser_get_n_items (GListModel *model)
{
  return PH_BROWSER (model)->rows.peers->len;
}

static gpointer
ph_browser_get_item (GListModel *model,
                     guint       position)
{
  PhBrowser *self = PH_BROWSER (model);

  if (position >= self->rows.peers->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->rows.peers, position));
}

static void
ph_browser_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_browser_get_item_type;
  iface->get_n_items = ph_browser_get_n_items;
  iface->get_item = ph_browser_get_item;
}

/* GObject ------------------------------------------------------------ */

static void
ph_browser_dispose (GObject *object)
{
  PhBrowser *self = PH_BROWSER (object);

  ph_browser_stop (self);

  G_OBJECT_CLASS (ph_browser_parent_class)->dispose (object);
}

static void
ph_browser_finalize (GObject *object)
{
  PhBrowser *self = PH_BROWSER (object);

  g_free (self->own_id);
  ph_browser_rows_destroy (&self->rows);

  G_OBJECT_CLASS (ph_browser_parent_class)->finalize (object);
}

static void
ph_browser_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PhBrowser *self = PH_BROWSER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, ph_browser_get_available (self));
      break;
    case PROP_SETTLED:
      g_value_set_boolean (value, self->settled);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows.peers->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_browser_class_init (PhBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_browser_dispose;
  object_class->finalize = ph_browser_finalize;
  object_class->get_property = ph_browser_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PH_TYPE_BROWSER_STATE, PH_BROWSER_STOPPED, ro);
  /* FALSE: say that nearby computers can't be found, and why. */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE, ro);
  properties[PROP_SETTLED] =
    g_param_spec_boolean ("settled", NULL, NULL, FALSE, ro);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* For lookups (ph-browser-lookup.c): an announcement was resolved or
   * given up on, whether or not the model changed. */
  signals[ANSWERED] = g_signal_new ("answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ph_browser_init (PhBrowser *self)
{
  ph_browser_rows_init (&self->rows, rows_changed_cb, self);
}

PhBrowser *
ph_browser_new (void)
{
  return g_object_new (PH_TYPE_BROWSER, NULL);
}

const char *
ph_browser_get_own_id (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);

  return self->own_id;
}

/**
 * ph_browser_set_own_id:
 * @own_id: (nullable): 32 hex digits; %NULL for ph_installation_id_get()
 *   when started
 */
void
ph_browser_set_own_id (PhBrowser  *self,
                       const char *own_id)
{
  g_autofree char *lower = NULL;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (own_id == NULL || ph_dns_sd_id_is_valid (own_id));

  lower = own_id ? g_ascii_strdown (own_id, -1) : NULL;
  g_free (self->own_id);
  self->own_id = g_steal_pointer (&lower);
}

PhBrowserState
ph_browser_get_state (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), PH_BROWSER_STOPPED);

  return self->state;
}

gboolean
ph_browser_get_available (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), FALSE);

  return self->state == PH_BROWSER_RUNNING;
}

gboolean
ph_browser_get_settled (PhBrowser *self)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), FALSE);

  return self->settled;
}

/**
 * ph_browser_start:
 *
 * Starts listening. "state" says at once whether the Avahi daemon is
 * there (%PH_BROWSER_RUNNING) or not (%PH_BROWSER_UNAVAILABLE: the
 * browser waits for it and notices when it starts, or restarts). Only
 * the bus daemon is asked: a busy Avahi daemon never holds this up.
 */
void
ph_browser_start (PhBrowser *self)
{
  g_return_if_fail (PH_IS_BROWSER (self));

  if (self->started)
    return;

  self->started = TRUE;
  /* Announcements with this id are left out: this installation's own. */
  if (self->own_id == NULL)
    self->own_id = ph_installation_id_get ();

#ifdef HAVE_AVAHI
  self->avahi = ph_browser_avahi_new (&avahi_events, self);
#else
  set_state (self, PH_BROWSER_UNSUPPORTED);
#endif
}

void
ph_browser_stop (PhBrowser *self)
{
  g_return_if_fail (PH_IS_BROWSER (self));

  if (!self->started)
    return;

  self->started = FALSE;
#ifdef HAVE_AVAHI
  g_clear_pointer (&self->avahi, ph_browser_avahi_free);
#endif
  ph_browser_rows_clear (&self->rows);
  set_settled (self, FALSE);
  set_state (self, PH_BROWSER_STOPPED);
}

/**
 * ph_browser_find_by_address:
 *
 * Recognises an address typed by hand as a receiver nearby.
 *
 * Returns: (transfer none) (nullable): the receiver seen at @host:@port
 */
PhNearbyReceiver *
ph_browser_find_by_address (PhBrowser  *self,
                            const char *host,
                            guint       port)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  for (guint i = 0; i < self->rows.peers->len; i++)
    {
      PhNearbyReceiver *peer = g_ptr_array_index (self->rows.peers, i);

      if (ph_nearby_receiver_has_address (peer, host, port))
        return peer;
    }

  return NULL;
}

/**
 * ph_browser_dup_matches:
 * @self: a browser
 * @name: a receiver's name as a person typed or chose it
 *
 * The receivers @name designates now: those called exactly @name, or
 * when there are none, those called the same but for case, width and
 * the kind of space ("study laptop" for "Study Laptop"). More than one
 * means the name alone cannot say where to send: see
 * ph_nearby_receiver_get_shares_name().
 *
 * Returns: (transfer container) (element-type PhNearbyReceiver): the
 *   receivers, possibly none, in the model's order
 */
GPtrArray *
ph_browser_dup_matches (PhBrowser  *self,
                        const char *name)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return ph_browser_rows_dup_matches (&self->rows, name);
}

/**
 * ph_browser_resolved:
 *
 * One announcement resolved, or resolved again with new values: what
 * the Avahi side reports, and what tests feed the browser with.
 */
void
ph_browser_resolved (PhBrowser            *self,
                     const PhAnnouncement *announcement)
{
  const PhAnnouncement *a = announcement;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (a != NULL && a->instance != NULL && a->name != NULL && a->host != NULL);

  ph_browser_rows_resolved (&self->rows, self->own_id, a);
}

/**
 * ph_browser_lost:
 *
 * One announcement withdrawn (or no longer resolvable).
 */
void
ph_browser_lost (PhBrowser  *self,
                 const char *instance)
{
  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (instance != NULL);

  ph_browser_rows_lost (&self->rows, instance);
}
