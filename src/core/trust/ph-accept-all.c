/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-devices-private.h"
#include "ph-fingerprint.h"

struct _PhAcceptAll
{
  GObject   parent_instance;

  char     *fingerprint;
  char     *name;
  gint64    expires;     /* wall clock, µs */
  guint     remaining;   /* seconds, as last told */
  gboolean  active;
};

G_DEFINE_FINAL_TYPE (PhAcceptAll, ph_accept_all, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FINGERPRINT,
  PROP_NAME,
  PROP_EXPIRES,
  PROP_REMAINING,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ph_accept_all_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PhAcceptAll *self = PH_ACCEPT_ALL (object);

  switch (prop_id)
    {
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_EXPIRES:
      g_value_set_int64 (value, self->expires);
      break;
    case PROP_REMAINING:
      g_value_set_uint (value, ph_accept_all_get_remaining (self));
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, ph_accept_all_get_active (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_accept_all_finalize (GObject *object)
{
  PhAcceptAll *self = PH_ACCEPT_ALL (object);

  g_free (self->fingerprint);
  g_free (self->name);

  G_OBJECT_CLASS (ph_accept_all_parent_class)->finalize (object);
}

static void
ph_accept_all_class_init (PhAcceptAllClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = ph_accept_all_get_property;
  object_class->finalize = ph_accept_all_finalize;

  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_EXPIRES] = g_param_spec_int64 ("expires", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_REMAINING] = g_param_spec_uint ("remaining", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_accept_all_init (PhAcceptAll *self)
{
}

PhAcceptAll *
ph_accept_all_new (const char *fingerprint,
                   const char *name,
                   guint       seconds)
{
  PhAcceptAll *self = g_object_new (PH_TYPE_ACCEPT_ALL, NULL);

  self->fingerprint = g_strdup (fingerprint);
  self->name = g_strdup (name);
  self->expires = g_get_real_time () + seconds * G_USEC_PER_SEC;
  self->remaining = seconds;
  self->active = seconds > 0;
  return self;
}

/* Once a second from the list of devices: tells the time left.
 * Returns: whether it is still active */
gboolean
ph_accept_all_tick (PhAcceptAll *self)
{
  guint remaining;

  if (!self->active)
    return FALSE;

  remaining = ph_accept_all_get_remaining (self);
  if (remaining != self->remaining)
    {
      self->remaining = remaining;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
    }
  if (remaining == 0)
    {
      self->active = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
    }

  return self->active;
}

/* Returns: the device's fingerprint */
const char *
ph_accept_all_get_fingerprint (PhAcceptAll *self)
{
  g_return_val_if_fail (PH_IS_ACCEPT_ALL (self), NULL);

  return self->fingerprint;
}

/* Returns: (nullable): the device's name when it was granted */
const char *
ph_accept_all_get_name (PhAcceptAll *self)
{
  g_return_val_if_fail (PH_IS_ACCEPT_ALL (self), NULL);

  return self->name;
}

/* Returns: when it ends, wall clock (g_get_real_time()) */
gint64
ph_accept_all_get_expires (PhAcceptAll *self)
{
  g_return_val_if_fail (PH_IS_ACCEPT_ALL (self), 0);

  return self->expires;
}

/* Returns: whole seconds left, rounded up; 0 once over */
guint
ph_accept_all_get_remaining (PhAcceptAll *self)
{
  gint64 left;

  g_return_val_if_fail (PH_IS_ACCEPT_ALL (self), 0);

  if (!self->active)
    return 0;

  left = self->expires - g_get_real_time ();
  return left <= 0 ? 0 : (guint) MIN ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, G_MAXUINT);
}

/* Returns: whether files from the device are accepted without a question now */
gboolean
ph_accept_all_get_active (PhAcceptAll *self)
{
  g_return_val_if_fail (PH_IS_ACCEPT_ALL (self), FALSE);

  return self->active && g_get_real_time () < self->expires;
}

/* Ends it now (the banner's Stop). */
void
ph_accept_all_stop (PhAcceptAll *self)
{
  g_return_if_fail (PH_IS_ACCEPT_ALL (self));

  if (!self->active)
    return;

  self->active = FALSE;
  self->remaining = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/* The list of devices keeps the active grants. */

static gboolean
tick_cb (gpointer user_data)
{
  PhDevices *self = user_data;

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->grants)); i > 0; i--)
    {
      g_autoptr(PhAcceptAll) grant = g_list_model_get_item (G_LIST_MODEL (self->grants), i - 1);

      /* Over: it leaves the list from its notify::active. */
      ph_accept_all_tick (grant);
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->grants)) > 0)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
grant_active_cb (PhAcceptAll *grant,
                 GParamSpec  *pspec,
                 PhDevices   *self)
{
  guint position;

  if (ph_accept_all_get_active (grant))
    return;

  g_signal_handlers_disconnect_by_func (grant, grant_active_cb, self);
  if (g_list_store_find (self->grants, grant, &position))
    g_list_store_remove (self->grants, position);
}

/**
 * ph_devices_accept_all:
 * @fingerprint: the device's key
 * @name: (nullable): its name, for the banner
 * @seconds: for how long (PH_ACCEPT_ALL_SECONDS)
 *
 * Accepts everything from that device, without a question, until a
 * fixed time; an earlier grant for it ends. Kept in memory only.
 *
 * Returns: (transfer none): the grant, active
 */
PhAcceptAll *
ph_devices_accept_all (PhDevices  *self,
                       const char *fingerprint,
                       const char *name,
                       guint       seconds)
{
  g_autoptr(PhAcceptAll) grant = NULL;

  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);
  g_return_val_if_fail (ph_fingerprint_is_valid (fingerprint), NULL);
  g_return_val_if_fail (seconds > 0, NULL);

  ph_devices_stop_accept_all (self, fingerprint);
  grant = ph_accept_all_new (fingerprint, name, seconds);
  g_signal_connect (grant, "notify::active", G_CALLBACK (grant_active_cb), self);
  g_list_store_append (self->grants, grant);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);

  return grant;
}

/* Returns: (transfer none) (nullable): the active grant for that key */
PhAcceptAll *
ph_devices_lookup_accept_all (PhDevices  *self,
                              const char *fingerprint)
{
  guint n;

  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->grants));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhAcceptAll) grant = g_list_model_get_item (G_LIST_MODEL (self->grants), i);

      if (g_strcmp0 (ph_accept_all_get_fingerprint (grant), fingerprint) == 0 &&
          ph_accept_all_get_active (grant))
        return grant;
    }

  return NULL;
}

/* Returns: (transfer none): the active grants (PhAcceptAll), for banners */
GListModel *
ph_devices_get_accept_all (PhDevices *self)
{
  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  return G_LIST_MODEL (self->grants);
}

/* Ends the grant for that key, if there is one. */
void
ph_devices_stop_accept_all (PhDevices  *self,
                            const char *fingerprint)
{
  PhAcceptAll *grant;

  g_return_if_fail (PH_IS_DEVICES (self));

  grant = ph_devices_lookup_accept_all (self, fingerprint);
  if (grant != NULL)
    ph_accept_all_stop (grant);
}
