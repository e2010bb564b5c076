/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhPairing: the object, the people's answers and the outcome. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-enums.h"
#include "ph-error.h"
#include "ph-fingerprint.h"
#include "ph-frame-queue-private.h"
#include "ph-pairing-code.h"
#include "ph-pairing-private.h"

G_DEFINE_FINAL_TYPE (PhPairing, ph_pairing, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROLE,
  PROP_STATE,
  PROP_CODE,
  PROP_PEER_NAME,
  PROP_PEER_FINGERPRINT,
  PROP_PEER_CONFIRMED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ph_pairing_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PhPairing *self = PH_PAIRING (object);

  switch (prop_id)
    {
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_PEER_NAME:
      g_value_set_string (value, self->peer_name);
      break;
    case PROP_PEER_FINGERPRINT:
      g_value_set_string (value, self->peer_fingerprint);
      break;
    case PROP_PEER_CONFIRMED:
      g_value_set_boolean (value, self->peer_confirmed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_pairing_finalize (GObject *object)
{
  PhPairing *self = PH_PAIRING (object);

  g_assert (self->task == NULL);
  g_clear_object (&self->identity);
  g_clear_object (&self->devices);
  g_clear_object (&self->abort);
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->tls);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->frames, ph_frame_queue_free);
  g_clear_error (&self->error);
  ph_frame_reader_clear (&self->reader);
  g_free (self->device_name);
  g_free (self->expected);
  g_free (self->code);
  g_free (self->peer_name);
  g_free (self->peer_fingerprint);
  g_free (self->peer_address);

  G_OBJECT_CLASS (ph_pairing_parent_class)->finalize (object);
}

static void
ph_pairing_class_init (PhPairingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = ph_pairing_get_property;
  object_class->finalize = ph_pairing_finalize;

  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, PH_TYPE_PAIRING_ROLE,
                                             PH_PAIRING_INITIATOR, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PH_TYPE_PAIRING_STATE,
                                              PH_PAIRING_STARTING, flags);
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, flags);
  properties[PROP_PEER_FINGERPRINT] = g_param_spec_string ("peer-fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_PEER_CONFIRMED] = g_param_spec_boolean ("peer-confirmed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_pairing_init (PhPairing *self)
{
  self->timeout = PH_PAIRING_DEFAULT_TIMEOUT;
  ph_frame_reader_init (&self->reader, 0);
}

/**
 * ph_pairing_new:
 * @identity: this installation's identity
 * @devices: the list of devices, where the outcome is remembered
 *
 * Returns: (transfer full): an initiator; see ph_pairing_run_async()
 */
PhPairing *
ph_pairing_new (PhIdentity *identity,
                PhDevices  *devices)
{
  PhPairing *self;

  g_return_val_if_fail (PH_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  self = g_object_new (PH_TYPE_PAIRING, NULL);
  self->identity = g_object_ref (identity);
  self->devices = g_object_ref (devices);
  return self;
}

PhPairing *
ph_pairing_new_responder (PhIdentity        *identity,
                          PhDevices         *devices,
                          GTlsConnection    *tls,
                          GSocketConnection *connection,
                          const char        *peer_fingerprint,
                          const char        *peer_name,
                          const char        *peer_address)
{
  PhPairing *self = ph_pairing_new (identity, devices);

  self->role = PH_PAIRING_RESPONDER;
  self->tls = g_object_ref (tls);
  self->connection = g_object_ref (connection);
  self->peer_fingerprint = g_strdup (peer_fingerprint);
  self->peer_name = g_strdup (peer_name);
  self->peer_address = g_strdup (peer_address);
  return self;
}

/* The name the responder is shown; the host name if unset. */
void
ph_pairing_set_device_name (PhPairing  *self,
                            const char *name)
{
  g_return_if_fail (PH_IS_PAIRING (self));

  g_free (self->device_name);
  self->device_name = g_strdup (name);
}

/* The key the responder must prove (announced in fp=); unset, any key
 * will do: comparing the numbers is what checks it. */
void
ph_pairing_set_expected_fingerprint (PhPairing  *self,
                                     const char *fingerprint)
{
  g_return_if_fail (PH_IS_PAIRING (self));

  g_free (self->expected);
  self->expected = g_strdup (fingerprint);
}

/* How long the people have to compare and answer (default two minutes). */
void
ph_pairing_set_timeout (PhPairing *self,
                        guint      msec)
{
  g_return_if_fail (PH_IS_PAIRING (self));

  self->timeout = msec;
}

void
ph_pairing_set_state (PhPairing      *self,
                      PhPairingState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
ph_pairing_set_code (PhPairing *self,
                     guint32    code)
{
  g_free (self->code);
  self->code = ph_pairing_code_to_string (code);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

void
ph_pairing_set_peer (PhPairing  *self,
                     const char *fingerprint,
                     const char *name)
{
  if (fingerprint != NULL && g_strcmp0 (fingerprint, self->peer_fingerprint) != 0)
    {
      g_free (self->peer_fingerprint);
      self->peer_fingerprint = g_strdup (fingerprint);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_FINGERPRINT]);
    }
  if (name != NULL && g_strcmp0 (name, self->peer_name) != 0)
    {
      g_free (self->peer_name);
      self->peer_name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
    }
}

/* Returns: (transfer full): the other side, as messages name it */
char *
ph_pairing_describe_peer (PhPairing *self)
{
  if (self->peer_name != NULL && *self->peer_name != '\0')
    return g_strdup_printf ("“%s”", self->peer_name);
  if (self->peer_address != NULL)
    return g_strdup (self->peer_address);
  return g_strdup (_("the other computer"));
}

/* Ends the pairing unpaired; the connection closes in order (the peer
 * is told, or told already) or with a reset. */
void
ph_pairing_fail (PhPairing *self,
                 GError    *error,
                 gboolean   graceful)
{
  if (self->state == PH_PAIRING_PAIRED || self->state == PH_PAIRING_FAILED)
    {
      g_clear_error (&error);
      return;
    }

  g_clear_error (&self->error);
  self->error = error;
  ph_pairing_set_state (self, PH_PAIRING_FAILED);

  if (graceful)
    ph_pairing_close (self);
  else
    ph_pairing_reset (self);
}

static void
record_failure (PhPairing *self)
{
  if (self->peer_fingerprint != NULL)
    ph_devices_record_pairing_failure (self->devices, self->peer_fingerprint, self->peer_name);
}

/* Where the peer is, in the list of devices. */
void
ph_pairing_record_seen (PhPairing *self)
{
  const char *receiver = self->role == PH_PAIRING_INITIATOR ? self->peer_address : NULL;
  g_autofree char *host = NULL;

  /* The initiator reached the responder's receive port: that is where it receives. */
  if (self->peer_address != NULL)
    {
      const char *colon = strrchr (self->peer_address, ':');

      host = colon ? g_strndup (self->peer_address, colon - self->peer_address) : g_strdup (self->peer_address);
      if (host[0] == '[' && host[strlen (host) - 1] == ']')
        {
          char *bare = g_strndup (host + 1, strlen (host) - 2);

          g_free (host);
          host = bare;
        }
    }

  ph_devices_record_seen (self->devices, self->peer_fingerprint, self->peer_name, host, receiver, NULL);
}

static void
succeed (PhPairing *self)
{
  ph_pairing_record_seen (self);
  ph_devices_pair (self->devices, self->peer_fingerprint, self->peer_name);
  ph_pairing_set_state (self, PH_PAIRING_PAIRED);
  ph_pairing_close_saved (self);
}

/* The other person's answer arrived. */
void
ph_pairing_peer_answered (PhPairing *self,
                          gboolean   same)
{
  g_autofree char *peer = ph_pairing_describe_peer (self);

  if (!same)
    {
      record_failure (self);
      /* Translators: %s is the other computer's name in quotes, or its address */
      ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_MISMATCH,
                                          _("The person at %s saw a different number; the computers "
                                            "were not paired. Someone may be in the middle: pair again "
                                            "only when both screens show the same number."),
                                          peer),
                       TRUE);
      return;
    }

  self->peer_confirmed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CONFIRMED]);
  if (self->confirmed)
    succeed (self);
}

/**
 * ph_pairing_confirm:
 *
 * This person says the other screen shows the same number. Paired once
 * the other person says so too ("state" WAITING until then).
 */
void
ph_pairing_confirm (PhPairing *self)
{
  PhMessage answer = { .type = PH_MESSAGE_PAIR_ANSWER, .same = TRUE };

  g_return_if_fail (PH_IS_PAIRING (self));

  if (self->state != PH_PAIRING_COMPARING)
    return;

  self->confirmed = TRUE;
  ph_pairing_send (self, &answer);
  if (self->peer_confirmed)
    succeed (self);
  else
    ph_pairing_set_state (self, PH_PAIRING_WAITING);
}

/**
 * ph_pairing_reject:
 *
 * This person says the other screen shows another number: a failed
 * comparison (someone may be in the middle). Not paired; the other
 * side is told.
 */
void
ph_pairing_reject (PhPairing *self)
{
  PhMessage answer = { .type = PH_MESSAGE_PAIR_ANSWER, .same = FALSE };

  g_return_if_fail (PH_IS_PAIRING (self));

  if (self->state != PH_PAIRING_COMPARING)
    return;

  ph_pairing_send (self, &answer);
  record_failure (self);
  ph_pairing_fail (self, g_error_new_literal (PH_ERROR, PH_ERROR_MISMATCH,
                                              _("The numbers were not the same; the computers were "
                                                "not paired. Someone may be in the middle: pair again "
                                                "only when both screens show the same number.")),
                   TRUE);
}

/* Stops without an answer (not a failed comparison); the other side is told. */
void
ph_pairing_cancel (PhPairing *self)
{
  PhMessage stop = { .type = PH_MESSAGE_ERROR, .reason = (char *) PH_PAIRING_REASON_CANCELLED };
  gboolean can_say;

  g_return_if_fail (PH_IS_PAIRING (self));

  if (self->task == NULL || self->state == PH_PAIRING_PAIRED || self->state == PH_PAIRING_FAILED)
    return;

  /* A responder can always say so (the hellos are done); an initiator
   * once its handshake is over. */
  can_say = self->tls != NULL && (self->role == PH_PAIRING_RESPONDER || self->state != PH_PAIRING_STARTING);
  if (can_say)
    ph_pairing_send (self, &stop);
  ph_pairing_fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Pairing was cancelled")),
                   can_say);
}

PhPairingRole
ph_pairing_get_role (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), PH_PAIRING_INITIATOR);

  return self->role;
}

PhPairingState
ph_pairing_get_state (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), PH_PAIRING_FAILED);

  return self->state;
}

/* Returns: (nullable): the six digits ("042917"), once both nonces are known */
const char *
ph_pairing_get_code (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), NULL);

  return self->code;
}

/* Returns: (transfer full): @code as people read it: "042 917" */
char *
ph_pairing_format_code (const char *code)
{
  g_return_val_if_fail (code != NULL, NULL);

  if (strlen (code) != PH_PAIRING_CODE_DIGITS)
    return g_strdup (code);
  return g_strdup_printf ("%.3s %.3s", code, code + 3);
}

/* Returns: (nullable): the name the other computer gave itself (its own
 * choice: the number is what proves who it is) */
const char *
ph_pairing_get_peer_name (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), NULL);

  return self->peer_name;
}

/* Returns: (nullable): the other computer's key, once the handshake is done */
const char *
ph_pairing_get_peer_fingerprint (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), NULL);

  return self->peer_fingerprint;
}

/* Returns: (nullable): the other computer's "address:port" */
const char *
ph_pairing_get_peer_address (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), NULL);

  return self->peer_address;
}

/* Returns: whether the other person said the numbers are the same */
gboolean
ph_pairing_get_peer_confirmed (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), FALSE);

  return self->peer_confirmed;
}

/* Returns: (nullable): why it failed, once "state" is FAILED */
const GError *
ph_pairing_get_error (PhPairing *self)
{
  g_return_val_if_fail (PH_IS_PAIRING (self), NULL);

  return self->error;
}
