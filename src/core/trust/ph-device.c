/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ph-device.h"
#include "ph-devices-private.h"
#include "ph-enums.h"
#include "ph-fingerprint.h"

struct _PhDevice
{
  GObject        parent_instance;

  char          *fingerprint;
  char          *short_fingerprint;
  char          *name;
  PhDeviceState  state;
  gint64         first_seen;
  gint64         last_seen;
  gint64         paired_since;
  char          *last_address;
  char          *receiver_address;
  char          *installation_id;
  guint          pairing_failures;
  gint64         pairing_paused_until;
};

G_DEFINE_FINAL_TYPE (PhDevice, ph_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FINGERPRINT,
  PROP_SHORT_FINGERPRINT,
  PROP_NAME,
  PROP_STATE,
  PROP_FIRST_SEEN,
  PROP_LAST_SEEN,
  PROP_PAIRED_SINCE,
  PROP_LAST_ADDRESS,
  PROP_RECEIVER_ADDRESS,
  PROP_INSTALLATION_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const state_names[] = {
  [PH_DEVICE_KNOWN] = "known",
  [PH_DEVICE_PAIRED] = "paired",
  [PH_DEVICE_BLOCKED] = "blocked",
};

/* Returns: how the state is written in the list's file */
const char *
ph_device_state_to_string (PhDeviceState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "known");

  return state_names[state];
}

gboolean
ph_device_state_from_string (const char    *text,
                             PhDeviceState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }

  return FALSE;
}

static void
ph_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PhDevice *self = PH_DEVICE (object);

  switch (prop_id)
    {
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_SHORT_FINGERPRINT:
      g_value_set_string (value, self->short_fingerprint);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_FIRST_SEEN:
      g_value_set_int64 (value, self->first_seen);
      break;
    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;
    case PROP_PAIRED_SINCE:
      g_value_set_int64 (value, self->paired_since);
      break;
    case PROP_LAST_ADDRESS:
      g_value_set_string (value, self->last_address);
      break;
    case PROP_RECEIVER_ADDRESS:
      g_value_set_string (value, self->receiver_address);
      break;
    case PROP_INSTALLATION_ID:
      g_value_set_string (value, self->installation_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_device_finalize (GObject *object)
{
  PhDevice *self = PH_DEVICE (object);

  g_free (self->fingerprint);
  g_free (self->short_fingerprint);
  g_free (self->name);
  g_free (self->last_address);
  g_free (self->receiver_address);
  g_free (self->installation_id);

  G_OBJECT_CLASS (ph_device_parent_class)->finalize (object);
}

static void
ph_device_class_init (PhDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = ph_device_get_property;
  object_class->finalize = ph_device_finalize;

  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_SHORT_FINGERPRINT] = g_param_spec_string ("short-fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PH_TYPE_DEVICE_STATE,
                                              PH_DEVICE_KNOWN, flags);
  properties[PROP_FIRST_SEEN] = g_param_spec_int64 ("first-seen", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LAST_SEEN] = g_param_spec_int64 ("last-seen", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PAIRED_SINCE] = g_param_spec_int64 ("paired-since", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_LAST_ADDRESS] = g_param_spec_string ("last-address", NULL, NULL, NULL, flags);
  properties[PROP_RECEIVER_ADDRESS] = g_param_spec_string ("receiver-address", NULL, NULL, NULL, flags);
  properties[PROP_INSTALLATION_ID] = g_param_spec_string ("installation-id", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_device_init (PhDevice *self)
{
}

PhDevice *
ph_device_new (const char *fingerprint)
{
  PhDevice *self = g_object_new (PH_TYPE_DEVICE, NULL);

  self->fingerprint = g_strdup (fingerprint);
  self->short_fingerprint = ph_fingerprint_format_short (fingerprint);
  return self;
}

static void
set_string (PhDevice   *self,
            char      **field,
            GKeyFile   *keyfile,
            const char *group,
            const char *key,
            guint       prop)
{
  g_autofree char *value = g_key_file_get_string (keyfile, group, key, NULL);

  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_steal_pointer (&value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_time (PhDevice   *self,
          gint64     *field,
          GKeyFile   *keyfile,
          const char *group,
          const char *key,
          guint       prop)
{
  gint64 value = MAX (g_key_file_get_int64 (keyfile, group, key, NULL), 0);

  if (*field == value)
    return;

  *field = value;
  if (prop != PROP_0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Takes what @group of @keyfile says (ph-devices-file.c writes it),
 * notifying what changed. */
void
ph_device_load (PhDevice   *self,
                GKeyFile   *keyfile,
                const char *group)
{
  g_autofree char *state_text = g_key_file_get_string (keyfile, group, PH_DEVICES_KEY_STATE, NULL);
  PhDeviceState state = PH_DEVICE_KNOWN;
  gint64 failures;

  g_object_freeze_notify (G_OBJECT (self));

  set_string (self, &self->name, keyfile, group, PH_DEVICES_KEY_NAME, PROP_NAME);
  set_string (self, &self->last_address, keyfile, group, PH_DEVICES_KEY_LAST_ADDRESS, PROP_LAST_ADDRESS);
  set_string (self, &self->receiver_address, keyfile, group, PH_DEVICES_KEY_RECEIVER_ADDRESS,
              PROP_RECEIVER_ADDRESS);
  set_string (self, &self->installation_id, keyfile, group, PH_DEVICES_KEY_INSTALLATION_ID,
              PROP_INSTALLATION_ID);
  set_time (self, &self->first_seen, keyfile, group, PH_DEVICES_KEY_FIRST_SEEN, PROP_FIRST_SEEN);
  set_time (self, &self->last_seen, keyfile, group, PH_DEVICES_KEY_LAST_SEEN, PROP_LAST_SEEN);
  set_time (self, &self->paired_since, keyfile, group, PH_DEVICES_KEY_PAIRED_SINCE, PROP_PAIRED_SINCE);
  set_time (self, &self->pairing_paused_until, keyfile, group, PH_DEVICES_KEY_PAUSED_UNTIL, PROP_0);
  failures = g_key_file_get_int64 (keyfile, group, PH_DEVICES_KEY_FAILURES, NULL);
  self->pairing_failures = (guint) CLAMP (failures, 0, G_MAXUINT);

  /* A state this version does not know counts as the least trust that is not a block. */
  ph_device_state_from_string (state_text, &state);
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/* Returns: the key's fingerprint (43 base64url characters) */
const char *
ph_device_get_fingerprint (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), NULL);

  return self->fingerprint;
}

/* Returns: what people compare ("Xk3v 9-aQ Lm0_ p2Rt") */
const char *
ph_device_get_short_fingerprint (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), NULL);

  return self->short_fingerprint;
}

/* Returns: (nullable): the name it last gave itself (its own choice,
 * proving nothing; escape it before showing it as markup) */
const char *
ph_device_get_name (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), NULL);

  return self->name;
}

PhDeviceState
ph_device_get_state (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), PH_DEVICE_KNOWN);

  return self->state;
}

gboolean
ph_device_is_paired (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), FALSE);

  return self->state == PH_DEVICE_PAIRED;
}

/* Returns: seconds since the Unix epoch; 0 when unknown */
gint64
ph_device_get_first_seen (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), 0);

  return self->first_seen;
}

/* Returns: seconds since the Unix epoch; 0 when unknown */
gint64
ph_device_get_last_seen (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), 0);

  return self->last_seen;
}

/* Returns: seconds since the Unix epoch; 0 when not paired */
gint64
ph_device_get_paired_since (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), 0);

  return self->paired_since;
}

/* Returns: (nullable): the address it was last seen at (no port) */
const char *
ph_device_get_last_address (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), NULL);

  return self->last_address;
}

/* Returns: (nullable): "HOST:PORT" where it last received files from
 * this computer, for a destination typed without an announcement */
const char *
ph_device_get_receiver_address (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), NULL);

  return self->receiver_address;
}

/* Returns: (nullable): the id= it announced (public; proves nothing) */
const char *
ph_device_get_installation_id (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), NULL);

  return self->installation_id;
}

/* Returns: failed comparisons in a row since the last pause or pairing */
guint
ph_device_get_pairing_failures (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), 0);

  return self->pairing_failures;
}

/* Returns: until when (Unix seconds) pairing with it is paused; 0: not */
gint64
ph_device_get_pairing_paused_until (PhDevice *self)
{
  g_return_val_if_fail (PH_IS_DEVICE (self), 0);

  return self->pairing_paused_until;
}
