/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Nearby": the receivers a PhBrowser finds, one row each, bound to its
 * model, or what stands in their way (no Avahi service, nobody
 * receiving yet). The destination's row is marked. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-nearby-list-private.h"

struct _PhNearbyList
{
  GtkWidget    parent_instance;

  PhBrowser   *browser;
  PhDevices   *devices;      /* (nullable): say which receivers are paired */
  PhNearbyReceiver      *drop_peer; /* files are dragged over its row */
  char        *destination;  /* as typed: a name or an address */

  GtkLabel    *heading;
  GtkSpinner  *spinner;
  GtkListBox  *list;
  GtkLabel    *status_label;
};

G_DEFINE_FINAL_TYPE (PhNearbyList, ph_nearby_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BROWSER,
  PROP_DROP_PEER,
  N_PROPS
};

enum {
  PEER_ACTIVATED,
  FILES_DROPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
is_destination (PhNearbyList *self,
                PhNearbyReceiver       *peer)
{
  return self->destination != NULL && ph_destination_find_nearby (self->browser, self->destination) == peer;
}

static void
update_chosen (PhNearbyList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (PH_IS_NEARBY_ROW (child))
        ph_nearby_row_set_chosen (PH_NEARBY_ROW (child),
                                  is_destination (self, ph_nearby_row_get_peer (PH_NEARBY_ROW (child))));
    }
}

/* What the list says while it has no row. */
static void
update_status (PhNearbyList *self)
{
  PhBrowserState state = self->browser ? ph_browser_get_state (self->browser) : PH_BROWSER_UNSUPPORTED;
  gboolean settled = self->browser != NULL && ph_browser_get_settled (self->browser);
  gboolean looking = FALSE;
  const char *status = NULL;

  switch (state)
    {
    case PH_BROWSER_UNSUPPORTED:
      /* Built without Avahi: no section at all. */
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    case PH_BROWSER_UNAVAILABLE:
      status = ph_dns_sd_unavailable_message ();
      break;
    case PH_BROWSER_RUNNING:
      if (settled)
        {
          status = _("No computer nearby is receiving. On the other computer, turn on Receive in Posthouse.");
          break;
        }
      G_GNUC_FALLTHROUGH;
    case PH_BROWSER_STOPPED:
    default:
      looking = TRUE;
      status = _("Looking for computers nearby…");
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), looking);
  gtk_spinner_set_spinning (self->spinner, looking);
}

static void
row_activated_cb (PhNearbyList  *self,
                  GtkListBoxRow *row)
{
  if (PH_IS_NEARBY_ROW (row))
    g_signal_emit (self, signals[PEER_ACTIVATED], 0, ph_nearby_row_get_peer (PH_NEARBY_ROW (row)));
}

static void
row_files_dropped_cb (PhNearbyRow  *row,
                      GdkFileList  *files,
                      PhNearbyList *self)
{
  g_signal_emit (self, signals[FILES_DROPPED], 0, ph_nearby_row_get_peer (row), files);
}

static void
peer_notify_cb (PhNearbyReceiver      *peer,
                GParamSpec  *pspec,
                PhNearbyRow *row)
{
  GtkWidget *self = gtk_widget_get_ancestor (GTK_WIDGET (row), PH_TYPE_NEARBY_LIST);

  if (self != NULL)
    ph_nearby_row_set_chosen (row, is_destination (PH_NEARBY_LIST (self), peer));
}

static void
row_drop_hover_cb (PhNearbyRow  *row,
                   GParamSpec   *pspec,
                   PhNearbyList *self)
{
  PhNearbyReceiver *peer = ph_nearby_row_get_peer (row);

  if (ph_nearby_row_get_drop_hover (row))
    {
      if (g_set_object (&self->drop_peer, peer))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROP_PEER]);
    }
  else if (self->drop_peer == peer)
    {
      g_clear_object (&self->drop_peer);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROP_PEER]);
    }
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  PhNearbyList *self = user_data;
  PhNearbyRow *row = ph_nearby_row_new (PH_NEARBY_RECEIVER (item));

  ph_nearby_row_set_devices (row, self->devices);

  ph_nearby_row_set_chosen (row, is_destination (self, PH_NEARBY_RECEIVER (item)));
  g_signal_connect_object (row, "files-dropped", G_CALLBACK (row_files_dropped_cb), self, 0);
  g_signal_connect_object (row, "notify::drop-hover", G_CALLBACK (row_drop_hover_cb), self, 0);
  /* A receiver seen at one more address may turn out to be the destination. */
  g_signal_connect_object (item, "notify", G_CALLBACK (peer_notify_cb), row, 0);

  return GTK_WIDGET (row);
}

static void
browser_notify_cb (PhNearbyList *self)
{
  update_status (self);
}

/* GObject */

static void
ph_nearby_list_dispose (GObject *object)
{
  PhNearbyList *self = PH_NEARBY_LIST (object);
  GtkWidget *child;

  ph_nearby_list_set_browser (self, NULL);
  g_clear_object (&self->devices);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_NEARBY_LIST);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ph_nearby_list_parent_class)->dispose (object);
}

static void
ph_nearby_list_finalize (GObject *object)
{
  PhNearbyList *self = PH_NEARBY_LIST (object);

  g_free (self->destination);
  g_clear_object (&self->drop_peer);

  G_OBJECT_CLASS (ph_nearby_list_parent_class)->finalize (object);
}

static void
ph_nearby_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PhNearbyList *self = PH_NEARBY_LIST (object);

  switch (prop_id)
    {
    case PROP_BROWSER:
      g_value_set_object (value, self->browser);
      break;
    case PROP_DROP_PEER:
      g_value_set_object (value, self->drop_peer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_nearby_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PhNearbyList *self = PH_NEARBY_LIST (object);

  switch (prop_id)
    {
    case PROP_BROWSER:
      ph_nearby_list_set_browser (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_nearby_list_class_init (PhNearbyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_nearby_list_dispose;
  object_class->finalize = ph_nearby_list_finalize;
  object_class->get_property = ph_nearby_list_get_property;
  object_class->set_property = ph_nearby_list_set_property;

  properties[PROP_BROWSER] =
    g_param_spec_object ("browser", NULL, NULL, PH_TYPE_BROWSER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The receiver whose row files are being dragged over, if any. */
  properties[PROP_DROP_PEER] =
    g_param_spec_object ("drop-peer", NULL, NULL, PH_TYPE_NEARBY_RECEIVER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A receiver was chosen: make it the destination. */
  signals[PEER_ACTIVATED] =
    g_signal_new ("peer-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PH_TYPE_NEARBY_RECEIVER);

  /* Files were dropped on a receiver's row. */
  signals[FILES_DROPPED] =
    g_signal_new ("files-dropped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, PH_TYPE_NEARBY_RECEIVER, GDK_TYPE_FILE_LIST);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-nearby-list.ui");
  gtk_widget_class_bind_template_child (widget_class, PhNearbyList, heading);
  gtk_widget_class_bind_template_child (widget_class, PhNearbyList, spinner);
  gtk_widget_class_bind_template_child (widget_class, PhNearbyList, list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
ph_nearby_list_init (PhNearbyList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_justify (self->status_label, GTK_JUSTIFY_CENTER);
  g_object_set (self->status_label, "margin-top", 12, "margin-bottom", 12,
                "margin-start", 12, "margin-end", 12, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_list_box_set_placeholder (self->list, GTK_WIDGET (self->status_label));

  update_status (self);
}

/* Returns: (transfer none) (nullable): the browser whose receivers are shown */
PhBrowser *
ph_nearby_list_get_browser (PhNearbyList *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_LIST (self), NULL);

  return self->browser;
}

/**
 * ph_nearby_list_set_browser:
 * @browser: (nullable): whose receivers to show (it is started and
 *   stopped by its owner)
 */
void
ph_nearby_list_set_browser (PhNearbyList *self,
                            PhBrowser    *browser)
{
  g_return_if_fail (PH_IS_NEARBY_LIST (self));
  g_return_if_fail (browser == NULL || PH_IS_BROWSER (browser));

  if (self->browser == browser)
    return;

  if (self->browser != NULL)
    g_signal_handlers_disconnect_by_data (self->browser, self);
  g_set_object (&self->browser, browser);

  gtk_list_box_bind_model (self->list, G_LIST_MODEL (browser), browser ? create_row_cb : NULL,
                           self, NULL);
  if (browser != NULL)
    {
      g_signal_connect_object (browser, "notify::state", G_CALLBACK (browser_notify_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (browser, "notify::settled", G_CALLBACK (browser_notify_cb),
                               self, G_CONNECT_SWAPPED);
    }
  update_status (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROWSER]);
}

/* Returns: (transfer none) (nullable): the devices the rows are judged by */
PhDevices *
ph_nearby_list_get_devices (PhNearbyList *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_LIST (self), NULL);

  return self->devices;
}

/**
 * ph_nearby_list_set_devices:
 * @devices: (nullable): the devices this computer remembers, for the
 *   rows to say which receivers are paired
 */
void
ph_nearby_list_set_devices (PhNearbyList *self,
                            PhDevices    *devices)
{
  g_return_if_fail (PH_IS_NEARBY_LIST (self));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  if (!g_set_object (&self->devices, devices))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (PH_IS_NEARBY_ROW (child))
      ph_nearby_row_set_devices (PH_NEARBY_ROW (child), devices);
}

/**
 * ph_nearby_list_set_destination:
 * @destination: (nullable): the destination field's name or `HOST[:PORT]`
 *
 * Marks the receiver it finds, if any.
 */
void
ph_nearby_list_set_destination (PhNearbyList *self,
                                const char   *destination)
{
  g_return_if_fail (PH_IS_NEARBY_LIST (self));

  g_free (self->destination);
  self->destination = g_strdup (destination);
  update_chosen (self);
}

/* Returns: (transfer none) (nullable): the receiver whose row files
 * are being dragged over */
PhNearbyReceiver *
ph_nearby_list_get_drop_peer (PhNearbyList *self)
{
  g_return_val_if_fail (PH_IS_NEARBY_LIST (self), NULL);

  return self->drop_peer;
}

/* Test accessors */

PhNearbyRow *
ph_nearby_list_get_row (PhNearbyList *self,
                        guint         position)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) position);

  return PH_IS_NEARBY_ROW (row) ? PH_NEARBY_ROW (row) : NULL;
}

const char *
ph_nearby_list_get_status (PhNearbyList *self)
{
  return gtk_label_get_label (self->status_label);
}
