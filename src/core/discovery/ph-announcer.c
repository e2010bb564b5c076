/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-announcer-private.h"
#include "ph-device-name.h"
#include "ph-enums.h"
#include "ph-installation-id.h"
#include "ph-dns-sd.h"
#include "ph-interfaces.h"
#include "ph-gsource-private.h"

G_DEFINE_FINAL_TYPE (PhAnnouncer, ph_announcer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_ID,
  PROP_PORT,
  PROP_ASKS_BEFORE_ACCEPTING,
  PROP_ACCEPTS_PATHS,
  PROP_FINGERPRINT,
  PROP_STATE,
  PROP_ANNOUNCED_NAME,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
replace_str (char       **pointer,
             const char  *value)
{
  if (g_strcmp0 (*pointer, value) == 0)
    return FALSE;

  g_free (*pointer);
  *pointer = g_strdup (value);
  return TRUE;
}

void
ph_announcer_set_state (PhAnnouncer      *self,
                        PhAnnouncerState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
ph_announcer_set_announced_name (PhAnnouncer *self,
                                 const char  *name)
{
  if (replace_str (&self->announced_name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOUNCED_NAME]);
}

void
ph_announcer_set_error_message (PhAnnouncer *self,
                                const char  *message)
{
  if (replace_str (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  ph_announcer_set_state (self, PH_ANNOUNCER_FAILED);
}


static gboolean
republish_cb (gpointer user_data)
{
  PhAnnouncer *self = user_data;

  ph_gsource_clear (&self->republish);
#ifdef HAVE_AVAHI
  if (self->started)
    ph_announcer_publish (self, ph_avahi_get_client (self->avahi));
#endif

  return G_SOURCE_REMOVE;
}

/* Several settings often change together: announce once for all. */
static void
queue_republish (PhAnnouncer *self)
{
  if (!self->started || self->republish != NULL)
    return;

  self->republish = ph_gsource_attach (g_idle_source_new (), "[posthouse] announce again",
                                      republish_cb, self, g_main_context_get_thread_default ());
}

static void
ph_announcer_dispose (GObject *object)
{
  PhAnnouncer *self = PH_ANNOUNCER (object);

  ph_announcer_stop (self);

  G_OBJECT_CLASS (ph_announcer_parent_class)->dispose (object);
}

static void
ph_announcer_finalize (GObject *object)
{
  PhAnnouncer *self = PH_ANNOUNCER (object);

  g_free (self->name);
  g_free (self->id);
  g_free (self->fingerprint);
  g_free (self->announced_name);
  g_free (self->error_message);

  G_OBJECT_CLASS (ph_announcer_parent_class)->finalize (object);
}

static void
ph_announcer_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PhAnnouncer *self = PH_ANNOUNCER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_ASKS_BEFORE_ACCEPTING:
      g_value_set_boolean (value, self->asks);
      break;
    case PROP_ACCEPTS_PATHS:
      g_value_set_boolean (value, self->accepts_paths);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ANNOUNCED_NAME:
      g_value_set_string (value, self->announced_name);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_announcer_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PhAnnouncer *self = PH_ANNOUNCER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      ph_announcer_set_name (self, g_value_get_string (value));
      break;
    case PROP_ID:
      ph_announcer_set_id (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      ph_announcer_set_port (self, g_value_get_uint (value));
      break;
    case PROP_ASKS_BEFORE_ACCEPTING:
      ph_announcer_set_asks_before_accepting (self, g_value_get_boolean (value));
      break;
    case PROP_ACCEPTS_PATHS:
      ph_announcer_set_accepts_paths (self, g_value_get_boolean (value));
      break;
    case PROP_FINGERPRINT:
      ph_announcer_set_fingerprint (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_announcer_class_init (PhAnnouncerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_announcer_dispose;
  object_class->finalize = ph_announcer_finalize;
  object_class->get_property = ph_announcer_get_property;
  object_class->set_property = ph_announcer_set_property;

  /* NULL: the host name, until the device name is known. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, rw);
  /* NULL: this installation's id. */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, rw);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, PH_DEFAULT_PORT, rw);
  properties[PROP_ASKS_BEFORE_ACCEPTING] =
    g_param_spec_boolean ("asks-before-accepting", NULL, NULL, FALSE, rw);
  properties[PROP_ACCEPTS_PATHS] =
    g_param_spec_boolean ("accepts-paths", NULL, NULL, FALSE, rw);
  /* The key of the secure channel it speaks (tls=1, fp=); NULL: the
   * original format only. */
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PH_TYPE_ANNOUNCER_STATE, PH_ANNOUNCER_STOPPED, ro);
  /* The name on the network, after Avahi resolved collisions. */
  properties[PROP_ANNOUNCED_NAME] =
    g_param_spec_string ("announced-name", NULL, NULL, NULL, ro);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_announcer_init (PhAnnouncer *self)
{
  self->port = PH_DEFAULT_PORT;
  self->family = G_SOCKET_FAMILY_INVALID;
}

PhAnnouncer *
ph_announcer_new (void)
{
  return g_object_new (PH_TYPE_ANNOUNCER, NULL);
}

const char *
ph_announcer_get_name (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), NULL);

  return self->name;
}

/**
 * ph_announcer_set_name:
 * @name: (nullable): the device's name (ph_device_name_query_async())
 */
void
ph_announcer_set_name (PhAnnouncer *self,
                       const char  *name)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));

  if (!replace_str (&self->name, name))
    return;

  if (self->started)
    {
      g_autofree char *clipped = name ? ph_dns_sd_clip_name (name)
                                      : ph_device_name_from_host_name (NULL);

      ph_announcer_set_announced_name (self, clipped);
      queue_republish (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
ph_announcer_get_id (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), NULL);

  return self->id;
}

/**
 * ph_announcer_set_id:
 * @id: (nullable): 32 hex digits; %NULL for ph_installation_id_get()
 */
void
ph_announcer_set_id (PhAnnouncer *self,
                     const char  *id)
{
  g_autofree char *lower = NULL;

  g_return_if_fail (PH_IS_ANNOUNCER (self));
  g_return_if_fail (id == NULL || ph_dns_sd_id_is_valid (id));

  lower = id ? g_ascii_strdown (id, -1) : ph_installation_id_get ();
  if (!replace_str (&self->id, lower))
    return;

  queue_republish (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

guint
ph_announcer_get_port (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), 0);

  return self->port;
}

void
ph_announcer_set_port (PhAnnouncer *self,
                       guint        port)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));
  g_return_if_fail (port > 0 && port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  queue_republish (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

gboolean
ph_announcer_get_asks_before_accepting (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), FALSE);

  return self->asks;
}

void
ph_announcer_set_asks_before_accepting (PhAnnouncer *self,
                                        gboolean     asks)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));

  asks = !!asks;
  if (self->asks == asks)
    return;

  self->asks = asks;
  queue_republish (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASKS_BEFORE_ACCEPTING]);
}

gboolean
ph_announcer_get_accepts_paths (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), FALSE);

  return self->accepts_paths;
}

void
ph_announcer_set_accepts_paths (PhAnnouncer *self,
                                gboolean     accepts_paths)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));

  accepts_paths = !!accepts_paths;
  if (self->accepts_paths == accepts_paths)
    return;

  self->accepts_paths = accepts_paths;
  queue_republish (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPTS_PATHS]);
}

const char *
ph_announcer_get_fingerprint (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), NULL);

  return self->fingerprint;
}

void
ph_announcer_set_fingerprint (PhAnnouncer *self,
                              const char  *fingerprint)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));
  g_return_if_fail (fingerprint == NULL || ph_dns_sd_fingerprint_is_valid (fingerprint, -1));

  if (!replace_str (&self->fingerprint, fingerprint))
    return;

  queue_republish (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGERPRINT]);
}

/**
 * ph_announcer_restrict:
 * @interface_index: announce on this interface only, 0 for all
 * @family: announce over this family only, %G_SOCKET_FAMILY_INVALID
 *   for IPv4 and IPv6
 *
 * For a receiver listening on one address (see
 * ph_interface_for_address()).
 */
void
ph_announcer_restrict (PhAnnouncer   *self,
                       guint          interface_index,
                       GSocketFamily  family)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));
  g_return_if_fail (family == G_SOCKET_FAMILY_INVALID || family == G_SOCKET_FAMILY_IPV4 ||
                    family == G_SOCKET_FAMILY_IPV6);

  if (self->interface_index == interface_index && self->family == family)
    return;

  self->interface_index = interface_index;
  self->family = family;
  queue_republish (self);
}

PhAnnouncerState
ph_announcer_get_state (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), PH_ANNOUNCER_STOPPED);

  return self->state;
}

/* Returns: (nullable): the name announced (or being announced), NULL when stopped */
const char *
ph_announcer_get_announced_name (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), NULL);

  return self->announced_name;
}

/* Returns: (nullable): why the state is PH_ANNOUNCER_FAILED */
const char *
ph_announcer_get_error_message (PhAnnouncer *self)
{
  g_return_val_if_fail (PH_IS_ANNOUNCER (self), NULL);

  return self->error_message;
}

/**
 * ph_announcer_start:
 *
 * Announces the receiver, now if the Avahi daemon runs, else as soon
 * as it does ("state" is %PH_ANNOUNCER_UNAVAILABLE meanwhile). Does
 * nothing when already started.
 */
void
ph_announcer_start (PhAnnouncer *self)
{
  g_autofree char *name = NULL;

  g_return_if_fail (PH_IS_ANNOUNCER (self));

  if (self->started)
    return;

  if (self->id == NULL)
    ph_announcer_set_id (self, NULL);
  self->started = TRUE;
  name = self->name ? ph_dns_sd_clip_name (self->name) : ph_device_name_from_host_name (NULL);
  ph_announcer_set_announced_name (self, name);
  if (self->error_message != NULL)
    {
      g_clear_pointer (&self->error_message, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }

#ifdef HAVE_AVAHI
  self->avahi = ph_avahi_new (NULL, ph_announcer_avahi_state_cb, self);
#else
  ph_announcer_set_state (self, PH_ANNOUNCER_UNSUPPORTED);
#endif
}

/**
 * ph_announcer_stop:
 *
 * Withdraws the announcement (the daemon says goodbye on the network).
 */
void
ph_announcer_stop (PhAnnouncer *self)
{
  g_return_if_fail (PH_IS_ANNOUNCER (self));

  if (!self->started)
    return;

  self->started = FALSE;
  ph_gsource_clear (&self->republish);
#ifdef HAVE_AVAHI
  /* Frees the group with the client. */
  self->group = NULL;
  g_clear_pointer (&self->avahi, ph_avahi_free);
#endif
  ph_announcer_set_announced_name (self, NULL);
  ph_announcer_set_state (self, PH_ANNOUNCER_STOPPED);
}
