/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "pairing-rig.h"
#include "ph-test-util.h"
#include "secure-rig.h"

PhDevices *
pairing_rig_devices (const char *tmp,
                     const char *name)
{
  g_autofree char *path = g_build_filename (tmp, name, "devices.ini", NULL);

  return secure_rig_open_devices (path);
}

PairingRig *
pairing_rig_new (void)
{
  PairingRig *rig = g_new0 (PairingRig, 1);

  rig->tmp = ph_test_make_tmp_dir ("posthouse-pairing-XXXXXX");
  rig->initiator.identity = secure_rig_identity (rig->tmp, "initiator-id");
  rig->responder.identity = secure_rig_identity (rig->tmp, "responder-id");
  rig->initiator.devices = pairing_rig_devices (rig->tmp, "initiator-devices");
  rig->responder.devices = pairing_rig_devices (rig->tmp, "responder-devices");
  rig->stop = g_cancellable_new ();
  rig->handles_pairing = TRUE;
  return rig;
}

static void
clear_side (PairingSide *side)
{
  if (side->pairing != NULL)
    g_signal_handlers_disconnect_by_data (side->pairing, side);
  g_clear_object (&side->pairing);
  g_clear_handle_id (&side->person_id, g_source_remove);
  g_clear_pointer (&side->code, g_free);
  g_clear_error (&side->error);
  side->done = side->ok = FALSE;
}

void
pairing_rig_clear_run (PairingRig *rig)
{
  clear_side (&rig->initiator);
  clear_side (&rig->responder);
  g_clear_object (&rig->session);
}

void
pairing_rig_free (PairingRig *rig)
{
  g_cancellable_cancel (rig->stop);
  if (rig->listener != NULL)
    g_socket_listener_close (rig->listener);
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  pairing_rig_clear_run (rig);
  secure_rig_flush_devices (rig->initiator.devices);
  secure_rig_flush_devices (rig->responder.devices);
  g_clear_object (&rig->initiator.devices);
  g_clear_object (&rig->responder.devices);
  g_clear_object (&rig->initiator.identity);
  g_clear_object (&rig->responder.identity);
  g_clear_object (&rig->listener);
  g_clear_object (&rig->stop);
  ph_test_rm_rf (rig->tmp);
  g_free (rig->tmp);
  g_free (rig);
}

void
pairing_rig_answer (PairingSide *side,
                    gboolean     same)
{
  if (same)
    ph_pairing_confirm (side->pairing);
  else
    ph_pairing_reject (side->pairing);
}

static gboolean
person_cb (gpointer user_data)
{
  PairingSide *side = user_data;

  side->person_id = 0;
  if (side->pairing == NULL)
    return G_SOURCE_REMOVE;

  switch (side->person)
    {
    case PERSON_CONFIRM:
      ph_pairing_confirm (side->pairing);
      break;
    case PERSON_REJECT:
      ph_pairing_reject (side->pairing);
      break;
    case PERSON_CANCEL:
      ph_pairing_cancel (side->pairing);
      break;
    case PERSON_SILENT:
    case PERSON_MANUAL:
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
state_cb (PhPairing   *pairing,
          GParamSpec  *pspec,
          PairingSide *side)
{
  if (ph_pairing_get_state (pairing) != PH_PAIRING_COMPARING)
    return;

  g_assert_nonnull (ph_pairing_get_code (pairing));
  g_assert_cmpuint (strlen (ph_pairing_get_code (pairing)), ==, 6);
  g_free (side->code);
  side->code = g_strdup (ph_pairing_get_code (pairing));
  /* People take a moment; the answer never comes inside the notification. */
  g_clear_handle_id (&side->person_id, g_source_remove);
  side->person_id = g_timeout_add (side->delay_ms, person_cb, side);
}

static void
watch (PairingSide *side,
       PhPairing   *pairing)
{
  g_clear_object (&side->pairing);
  side->pairing = g_object_ref (pairing);
  g_signal_connect (pairing, "notify::state", G_CALLBACK (state_cb), side);
}

static void
responder_pairing_cb (PhSecureReceive *session,
                      PhPairing       *pairing,
                      PairingRig      *rig)
{
  g_assert_cmpint (ph_pairing_get_role (pairing), ==, PH_PAIRING_RESPONDER);
  if (!rig->foreign_initiator)
    {
      g_assert_cmpstr (ph_pairing_get_peer_fingerprint (pairing), ==,
                       ph_identity_get_fingerprint (rig->initiator.identity));
      g_assert_cmpstr (ph_pairing_get_peer_name (pairing), ==, "Initiating Rig");
    }
  if (rig->people_timeout)
    ph_pairing_set_timeout (pairing, rig->people_timeout);
  watch (&rig->responder, pairing);
}

static void
decide_cb (PhSecureReceive *session,
           PairingRig      *rig)
{
  /* A batch, not a pairing: the tests of batches are elsewhere. */
  ph_secure_receive_decline (session);
}

static void
session_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PairingRig *rig = user_data;

  rig->responder.ok = ph_secure_receive_run_finish (PH_SECURE_RECEIVE (object), result,
                                                    &rig->responder.error);
  rig->responder.done = TRUE;
}

static void
peeked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  PairingRig *rig = user_data;
  g_autoptr(GSocketConnection) connection = G_SOCKET_CONNECTION (object);
  g_autofree char *dir_path = g_build_filename (rig->tmp, "received", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  gboolean is_tls = FALSE;

  if (!ph_first_byte_peek_finish (connection, result, &is_tls, NULL) || !is_tls)
    return;

  g_mkdir_with_parents (dir_path, 0700);
  rig->n_sessions++;
  g_clear_object (&rig->session);
  rig->session = ph_secure_receive_new (connection, rig->responder.identity, dir);
  ph_secure_receive_set_device_name (rig->session, "Responding Rig");
  ph_secure_receive_set_devices (rig->session, rig->responder.devices);
  g_signal_connect (rig->session, "decide", G_CALLBACK (decide_cb), rig);
  if (rig->handles_pairing)
    g_signal_connect (rig->session, "pairing", G_CALLBACK (responder_pairing_cb), rig);
  ph_secure_receive_run_async (rig->session, rig->stop, session_done_cb, rig);
}

static void accept_next (PairingRig *rig);

static void
accepted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PairingRig *rig = user_data;
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;

  ph_first_byte_peek_async (connection, NULL, peeked_cb, rig);
  accept_next (rig);
}

static void
accept_next (PairingRig *rig)
{
  g_socket_listener_accept_async (rig->listener, rig->stop, accepted_cb, rig);
}

void
pairing_rig_listen (PairingRig *rig)
{
  rig->listener = secure_rig_loopback_listener (&rig->port);
  accept_next (rig);
}

static void
initiated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PairingSide *side = user_data;

  side->ok = ph_pairing_run_finish (PH_PAIRING (object), result, &side->error);
  side->done = TRUE;
}

/* Starts pairing with the receiver on @port (0: the rig's). */
void
pairing_rig_start (PairingRig *rig,
                   guint16     port,
                   const char *expected)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PhPairing) pairing = NULL;

  pairing_rig_clear_run (rig);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port ? port : rig->port, NULL, &error);
  g_assert_no_error (error);

  pairing = ph_pairing_new (rig->initiator.identity, rig->initiator.devices);
  ph_pairing_set_device_name (pairing, "Initiating Rig");
  ph_pairing_set_expected_fingerprint (pairing, expected);
  if (rig->people_timeout)
    ph_pairing_set_timeout (pairing, rig->people_timeout);
  watch (&rig->initiator, pairing);
  ph_pairing_run_async (pairing, connection, NULL, initiated_cb, &rig->initiator);
}

/* Until both ends finished. */
void
pairing_rig_wait (PairingRig *rig)
{
  secure_rig_iterate_until (&rig->initiator.done, 30000);
  if (rig->session != NULL)
    secure_rig_iterate_until (&rig->responder.done, 30000);
}

/* Returns: whether the initiator paired */
gboolean
pairing_rig_run (PairingRig *rig,
                 const char *expected)
{
  pairing_rig_start (rig, 0, expected);
  pairing_rig_wait (rig);
  return rig->initiator.ok;
}
