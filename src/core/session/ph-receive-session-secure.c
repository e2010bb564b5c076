/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiveSession: the secure channel on the receiving side. This
 * installation's identity and the devices it knows (the face's, or the
 * user's, read when receiving starts); the receiver's policy applied to
 * each sender by its key (ph_devices_decide(): blocked refused before a
 * byte of a file, paired accepted without a question, the rest asked
 * about or accepted as the preferences say); one batch per secure
 * connection, which asks as a whole; "Accept All" bound to the key. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-device-name.h"
#include "ph-error.h"
#include "ph-fingerprint.h"
#include "ph-receive-session-private.h"
#include "ph-receiver-private.h"
#include "ph-secure-receive-private.h"
#include "ph-transfer-private.h"
#include "ph-trust-policy.h"

#define notify(self, prop) \
  g_object_notify_by_pspec (G_OBJECT (self), ph_receive_session_properties[PH_RECEIVE_SESSION_PROP_##prop])

struct _PhSessionSecure
{
  PhReceiveSession *self;        /* (unowned) NULL once the session let go */
  PhSecureReceive  *receive;
  PhBatch          *batch;       /* (nullable): once accepted or asked about */
  GCancellable     *cancellable;
  PhReceiverHeld   *held;        /* the receiver's hold on the connection */
};

static void
secure_free (PhSessionSecure *secure)
{
  if (secure->receive != NULL)
    g_signal_handlers_disconnect_by_data (secure->receive, secure);
  g_clear_object (&secure->receive);
  g_clear_object (&secure->batch);
  g_clear_object (&secure->cancellable);
  g_clear_pointer (&secure->held, ph_receiver_held_release);
  g_free (secure);
}

static PhTrustPolicy
policy (PhReceiveSession *self)
{
  return (PhTrustPolicy) {
    .ask = self->ask,
    .only_paired = self->only_paired,
    .accept_plain = self->accept_plain,
  };
}

/* Who sends, for messages: its name and short key, and where from. */
static char *
describe_sender (PhSecureReceive *receive)
{
  const char *name = ph_secure_receive_get_peer_name (receive);
  g_autofree char *short_fp = ph_fingerprint_format_short (ph_secure_receive_get_peer_fingerprint (receive));

  /* Translators: a device's name, its short fingerprint, its address */
  return g_strdup_printf (_("“%s” (%s, at %s)"), name && *name ? name : _("Unnamed device"),
                          short_fp, ph_secure_receive_get_peer (receive));
}

static void
transfer_added_cb (PhSecureReceive *receive,
                   PhTransfer      *transfer,
                   PhSessionSecure *secure)
{
  PhReceiveSession *self = secure->self;

  ph_transfer_set_peer_fingerprint (transfer, ph_secure_receive_get_peer_fingerprint (receive));
  if (secure->batch != NULL)
    ph_batch_add (secure->batch, transfer);
  if (self != NULL)
    ph_receive_session_emit_transfer_added (self, transfer);
}

static void
answer_cb (PhBatch  *batch,
           gboolean  accepted,
           gpointer  user_data)
{
  PhSessionSecure *secure = user_data;

  if (secure->receive == NULL)
    return;
  if (accepted)
    ph_receiver_held_start (secure->held);
  else
    ph_secure_receive_decline (secure->receive);
}

/* The receiver gave the connection its turn: the files may come. */
static void
turn_cb (gpointer user_data)
{
  PhSessionSecure *secure = user_data;

  if (secure->receive != NULL)
    ph_secure_receive_accept (secure->receive);
}

/* What the connection received so far, for the stall rule. */
static gint64
bytes_cb (gpointer user_data)
{
  PhSessionSecure *secure = user_data;

  return secure->batch != NULL ? ph_batch_get_bytes_done (secure->batch) : 0;
}

/* One batch for the connection, shown by whoever shows batches. */
static void
add_batch (PhSessionSecure *secure,
           gboolean         paired)
{
  PhSecureReceive *receive = secure->receive;

  secure->batch = ph_batch_new (PH_TRANSFER_RECEIVE, ph_secure_receive_get_peer (receive), NULL);
  ph_batch_set_sender (secure->batch, ph_secure_receive_get_peer_fingerprint (receive), paired);
  ph_batch_set_announced (secure->batch, (guint) MIN (ph_secure_receive_get_announced_files (receive), G_MAXUINT),
                          (gint64) MIN (ph_secure_receive_get_announced_bytes (receive), G_MAXINT64));
  ph_batch_set_device_name (secure->batch, ph_secure_receive_get_peer_name (receive));
}

static void
decide_cb (PhSecureReceive *receive,
           PhSessionSecure *secure)
{
  PhReceiveSession *self = secure->self;
  const char *fingerprint = ph_secure_receive_get_peer_fingerprint (receive);
  const char *name = ph_secure_receive_get_peer_name (receive);
  PhTrustPolicy rules;
  PhTrustReason reason;
  PhTrustVerdict verdict;
  PhDevice *device;
  g_autofree char *host = NULL;
  g_autofree char *who = NULL;
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;

  if (self == NULL || self->devices == NULL)
    {
      ph_secure_receive_refuse (receive);
      return;
    }

  /* From now on the sender is its key, for the receiver's fair shares too. */
  ph_receiver_held_set_sender (secure->held, fingerprint);

  rules = policy (self);
  verdict = ph_devices_decide (self->devices, &rules, fingerprint, name, &reason, NULL);
  if (!ph_address_parse (ph_secure_receive_get_peer (receive), 1, &host, NULL, NULL))
    host = g_strdup (ph_secure_receive_get_peer (receive));
  ph_devices_record_seen (self->devices, fingerprint, name, host, NULL, NULL);
  device = ph_devices_lookup (self->devices, fingerprint);

  switch (verdict)
    {
    case PH_TRUST_REFUSE:
    case PH_TRUST_DECLINE:
      who = describe_sender (receive);
      why = ph_trust_describe_decline (reason);
      error = g_error_new (PH_ERROR, verdict == PH_TRUST_REFUSE ? PH_ERROR_BLOCKED : PH_ERROR_DECLINED,
                           /* Translators: a sender ("“Study Laptop” (47DE …, at 192.0.2.4:5123)"), then why */
                           _("Turned away %s: %s"), who, why);
      if (verdict == PH_TRUST_REFUSE)
        ph_secure_receive_refuse (receive);
      else
        ph_secure_receive_decline_with_reason (receive, why);
      ph_receive_session_emit_connection_failed (self, ph_secure_receive_get_peer (receive), error);
      return;

    case PH_TRUST_ACCEPT:
      add_batch (secure, device != NULL && ph_device_is_paired (device));
      ph_batch_accept (secure->batch);
      ph_receive_session_emit_batch_added (self, secure->batch);
      ph_receiver_held_start (secure->held);
      return;

    case PH_TRUST_ASK:
    default:
      add_batch (secure, FALSE);
      ph_secure_receive_ask (receive);
      ph_receiver_held_ask (secure->held);
      ph_batch_ask (secure->batch, answer_cb, secure, NULL);
      /* Shown asking; whoever shows it may answer at once. */
      ph_receive_session_emit_batch_added (self, secure->batch);
      return;
    }
}

/* A sender asks to pair: whoever shows the session's pairings shows it. */
static void
pairing_cb (PhSecureReceive *receive,
            PhPairing       *pairing,
            PhSessionSecure *secure)
{
  if (secure->self != NULL)
    ph_receive_session_emit_pairing (secure->self, pairing);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  PhSessionSecure *secure = user_data;
  PhReceiveSession *self = secure->self;
  g_autoptr(GError) error = NULL;

  if (!ph_secure_receive_run_finish (PH_SECURE_RECEIVE (object), result, &error) && self != NULL &&
      secure->batch == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ph_receive_session_emit_connection_failed (self, ph_secure_receive_get_peer (secure->receive), error);

  if (secure->batch != NULL)
    ph_batch_close (secure->batch, error);
  if (self != NULL)
    g_ptr_array_remove_fast (self->secure, secure);
  else
    secure_free (secure);
}

/* The receiver saw a TLS handshake begin: the secure channel, under the
 * receiver's hold (its time limits and fair shares). */
void
ph_receive_session_take_secure (PhReceiver        *receiver,
                                GSocketConnection *connection,
                                const char        *peer,
                                PhReceiverHeld    *held,
                                gpointer           user_data)
{
  PhReceiveSession *self = user_data;
  PhSessionSecure *secure;

  secure = g_new0 (PhSessionSecure, 1);
  secure->self = self;
  secure->held = held;
  secure->cancellable = g_cancellable_new ();
  secure->receive = ph_secure_receive_new (connection, self->identity,
                                           ph_receiver_get_directory (receiver));
  ph_secure_receive_set_device_name (secure->receive, self->device_name);
  ph_secure_receive_set_prefix (secure->receive, self->prefix);
  ph_secure_receive_set_accepts_paths (secure->receive, self->accepts_paths);
  ph_secure_receive_set_disk_space (secure->receive, ph_receiver_get_disk_space (receiver));
  /* Blocked senders are reset right after the handshake; pairing is
   * offered only where someone can show it. */
  ph_secure_receive_set_devices (secure->receive, self->devices);
  if (ph_receive_session_emit_pairing (self, NULL))
    g_signal_connect (secure->receive, "pairing", G_CALLBACK (pairing_cb), secure);
  ph_receiver_held_configure (held, secure->cancellable, turn_cb, bytes_cb, secure);
  g_signal_connect (secure->receive, "decide", G_CALLBACK (decide_cb), secure);
  g_signal_connect (secure->receive, "transfer-added", G_CALLBACK (transfer_added_cb), secure);
  g_ptr_array_add (self->secure, secure);

  ph_secure_receive_run_async (secure->receive, secure->cancellable, run_cb, secure);
}

/* Receiving starts: who this computer is, and whom it knows. Without an
 * identity only the original format is received. */
void
ph_receive_session_secure_start (PhReceiveSession *self)
{
  g_autoptr(GError) error = NULL;

  if (self->devices == NULL)
    {
      g_autofree char *path = ph_devices_default_path ();

      self->devices = ph_devices_new (path);
      if (!ph_devices_load (self->devices, &error))
        g_warning ("%s", error->message);
      g_clear_error (&error);
    }

  /* The name the hello gives until the device's name is known. */
  if (self->device_name == NULL)
    self->device_name = ph_device_name_from_host_name (g_get_host_name ());

  if (self->identity == NULL)
    {
      self->identity = ph_identity_load_default (&error);
      if (self->identity == NULL)
        g_warning (_("Receiving without encryption: %s"), error->message);
      else
        notify (self, IDENTITY);
    }
}

/* Cancels every secure connection not finished (their files too). */
void
ph_receive_session_secure_cancel_all (PhReceiveSession *self)
{
  g_autoptr(GPtrArray) running = g_ptr_array_new ();

  for (guint i = 0; i < self->secure->len; i++)
    g_ptr_array_add (running, self->secure->pdata[i]);
  for (guint i = 0; i < running->len; i++)
    {
      PhSessionSecure *secure = running->pdata[i];

      if (secure->batch != NULL)
        ph_batch_cancel (secure->batch);
      g_cancellable_cancel (secure->cancellable);
    }
}

/* The session goes: runs still under way finish on their own. */
static void
let_go (gpointer data)
{
  PhSessionSecure *secure = data;

  secure->self = NULL;
  g_cancellable_cancel (secure->cancellable);
}

void
ph_receive_session_secure_init (PhReceiveSession *self)
{
  self->accept_plain = TRUE;
  self->secure = g_ptr_array_new_with_free_func ((GDestroyNotify) secure_free);
}

void
ph_receive_session_secure_dispose (PhReceiveSession *self)
{
  if (self->secure != NULL)
    {
      g_ptr_array_set_free_func (self->secure, let_go);
      g_clear_pointer (&self->secure, g_ptr_array_unref);
    }
  g_clear_object (&self->identity);
  g_clear_object (&self->devices);
}

/**
 * ph_receive_session_accept_all:
 *
 * Accepts @batch and what its sender sends next, for a while: a sender
 * in the secure channel by its key for ten minutes (ph_devices_accept_all(),
 * visible and revocable there), one in the original format by its
 * address while it keeps sending.
 */
void
ph_receive_session_accept_all (PhReceiveSession *self,
                               PhBatch          *batch)
{
  const char *fingerprint;

  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));
  g_return_if_fail (PH_IS_BATCH (batch));

  fingerprint = ph_batch_get_fingerprint (batch);
  if (fingerprint != NULL && self->devices != NULL)
    {
      ph_devices_accept_all (self->devices, fingerprint, ph_batch_get_device_name (batch),
                             PH_ACCEPT_ALL_SECONDS);
      ph_batch_accept (batch);
    }
  else if (self->inbox != NULL)
    ph_inbox_accept_all (self->inbox, batch);
  else
    ph_batch_accept (batch);
}

/**
 * ph_receive_session_describe_sender:
 * @transfer: an incoming transfer of this session
 *
 * Returns: (transfer full): who sends it, as the CLI says it: the
 *   device's name, its short fingerprint and "paired" in the secure
 *   channel; the address and "not encrypted" in the original format
 */
char *
ph_receive_session_describe_sender (PhReceiveSession *self,
                                    PhTransfer       *transfer)
{
  const char *fingerprint;
  g_autofree char *short_fp = NULL;
  PhDevice *device;
  const char *name;

  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);
  g_return_val_if_fail (PH_IS_TRANSFER (transfer), NULL);

  fingerprint = ph_transfer_get_peer_fingerprint (transfer);
  if (fingerprint == NULL)
    /* Translators: the sender's address, in the original format */
    return g_strdup_printf (_("%s (not encrypted)"), ph_transfer_get_peer (transfer));

  short_fp = ph_fingerprint_format_short (fingerprint);
  device = self->devices ? ph_devices_lookup (self->devices, fingerprint) : NULL;
  name = device ? ph_device_get_name (device) : NULL;
  if (name == NULL || *name == '\0')
    name = ph_transfer_get_peer (transfer);
  if (device != NULL && ph_device_is_paired (device))
    /* Translators: a device's name, its short fingerprint */
    return g_strdup_printf (_("“%s” (%s, paired)"), name, short_fp);
  /* Translators: a device's name, its short fingerprint */
  return g_strdup_printf (_("“%s” (%s)"), name, short_fp);
}

/* Properties */

/* Returns: (transfer none) (nullable): this installation's identity */
PhIdentity *
ph_receive_session_get_identity (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return self->identity;
}

/* The face's identity (the app shares one); NULL: the user's, loaded
 * when receiving starts. */
void
ph_receive_session_set_identity (PhReceiveSession *self,
                                 PhIdentity       *identity)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));
  g_return_if_fail (identity == NULL || PH_IS_IDENTITY (identity));

  if (g_set_object (&self->identity, identity))
    notify (self, IDENTITY);
}

/* Returns: (transfer none) (nullable): the devices this computer knows */
PhDevices *
ph_receive_session_get_devices (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return self->devices;
}

/* The face's list of devices (the app's "Accept All" banners show
 * what it holds); NULL: the user's, read when receiving starts. */
void
ph_receive_session_set_devices (PhReceiveSession *self,
                                PhDevices        *devices)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));

  if (g_set_object (&self->devices, devices))
    notify (self, DEVICES);
}

gboolean
ph_receive_session_get_only_paired (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), FALSE);

  return self->only_paired;
}

/* Turn away everyone but paired devices (`receive --only-paired`). */
void
ph_receive_session_set_only_paired (PhReceiveSession *self,
                                    gboolean          only_paired)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (!only_paired == !self->only_paired)
    return;

  self->only_paired = !!only_paired;
  ph_receive_session_apply_policy (self);
  notify (self, ONLY_PAIRED);
}

gboolean
ph_receive_session_get_accept_unencrypted (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), TRUE);

  return self->accept_plain;
}

/* Whether the original format is received (`receive --no-plain` turns
 * it off): not encrypted, and says nothing of who sends. */
void
ph_receive_session_set_accept_unencrypted (PhReceiveSession *self,
                                           gboolean          accept)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (!accept == !self->accept_plain)
    return;

  self->accept_plain = !!accept;
  ph_receive_session_apply_policy (self);
  notify (self, ACCEPT_UNENCRYPTED);
}
