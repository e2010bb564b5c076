/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pairing between two installations on loopback, each with its own
 * identity and list of devices: the same six digits on both sides,
 * paired only when both people say so, a failed comparison said
 * plainly, three in a row pause pairing; and the arithmetic itself
 * against the test vector in docs/secure-channel.md. */
#include "config.h"

#include <string.h>

#include "pairing-rig.h"
#include "ph-pairing-code.h"
#include "secure-rig.h"

static PairingRig *
rig_new (void)
{
  PairingRig *rig = pairing_rig_new ();

  pairing_rig_listen (rig);
  return rig;
}

static PhDevice *
known_to (PairingSide *side,
          PairingSide *other)
{
  return ph_devices_lookup (side->devices, ph_identity_get_fingerprint (other->identity));
}

/* The vector of docs/secure-channel.md, computed there with Python's hashlib. */
static void
test_vector (void)
{
  guint8 na[PH_PAIR_NONCE_SIZE], nb[PH_PAIR_NONCE_SIZE], commitment[PH_PAIR_NONCE_SIZE];
  g_autofree char *hex = NULL;
  g_autofree char *code = NULL;
  g_autofree char *shown = NULL;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < PH_PAIR_NONCE_SIZE; i++)
    {
      na[i] = i;
      nb[i] = 32 + i;
    }

  ph_pairing_commitment (na, commitment);
  for (guint i = 0; i < PH_PAIR_NONCE_SIZE; i++)
    g_string_append_printf (text, "%02x", commitment[i]);
  hex = g_string_free (text, FALSE);
  g_assert_cmpstr (hex, ==, "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");
  g_assert_true (ph_pairing_check_commitment (commitment, na));
  g_assert_false (ph_pairing_check_commitment (commitment, nb));

  g_assert_cmpuint (ph_pairing_derive_code ("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
                                            "ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs", na, nb),
                    ==, 500197);
  /* The order matters: initiator first. */
  g_assert_cmpuint (ph_pairing_derive_code ("ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs",
                                            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", na, nb),
                    !=, 500197);

  code = ph_pairing_code_to_string (42);
  g_assert_cmpstr (code, ==, "000042");
  shown = ph_pairing_format_code ("500197");
  g_assert_cmpstr (shown, ==, "500 197");
}

static void
test_nonces (void)
{
  guint8 a[PH_PAIR_NONCE_SIZE], b[PH_PAIR_NONCE_SIZE];
  g_autoptr(GError) error = NULL;

  g_assert_true (ph_pairing_make_nonce (a, &error));
  g_assert_true (ph_pairing_make_nonce (b, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
}

static void
test_both_confirm (void)
{
  PairingRig *rig = rig_new ();
  g_autofree char *address = NULL;
  PhDevice *device;

  /* One person quickly, the other later: the first waits. */
  rig->responder.delay_ms = 300;
  g_assert_true (pairing_rig_run (rig, ph_identity_get_fingerprint (rig->responder.identity)));
  g_assert_no_error (rig->initiator.error);
  g_assert_true (rig->responder.ok);
  g_assert_no_error (rig->responder.error);

  g_assert_nonnull (rig->initiator.code);
  g_assert_cmpstr (rig->initiator.code, ==, rig->responder.code);
  g_assert_cmpint (ph_pairing_get_state (rig->initiator.pairing), ==, PH_PAIRING_PAIRED);
  g_assert_cmpint (ph_pairing_get_state (rig->responder.pairing), ==, PH_PAIRING_PAIRED);
  g_assert_cmpstr (ph_pairing_get_peer_name (rig->initiator.pairing), ==, "Responding Rig");

  device = known_to (&rig->initiator, &rig->responder);
  g_assert_nonnull (device);
  g_assert_true (ph_device_is_paired (device));
  g_assert_cmpstr (ph_device_get_name (device), ==, "Responding Rig");
  /* Where it receives: a typed address is held to this key from now on. */
  address = g_strdup_printf ("127.0.0.1:%u", rig->port);
  g_assert_true (ph_devices_lookup_receiver (rig->initiator.devices, address) == device);
  device = known_to (&rig->responder, &rig->initiator);
  g_assert_nonnull (device);
  g_assert_true (ph_device_is_paired (device));
  g_assert_cmpstr (ph_device_get_name (device), ==, "Initiating Rig");
  g_assert_cmpstr (ph_device_get_last_address (device), ==, "127.0.0.1");

  /* And in the files, for the other programs of each user. */
  secure_rig_flush_devices (rig->initiator.devices);
  secure_rig_flush_devices (rig->responder.devices);
  {
    g_autoptr(PhDevices) again = pairing_rig_devices (rig->tmp, "responder-devices");

    g_assert_true (ph_device_is_paired (ph_devices_lookup (again, ph_identity_get_fingerprint (rig->initiator.identity))));
  }

  /* A second pairing shows another number. */
  {
    g_autofree char *first = g_strdup (rig->initiator.code);

    g_assert_true (pairing_rig_run (rig, NULL));
    g_assert_cmpstr (rig->initiator.code, ==, rig->responder.code);
    if (g_strcmp0 (first, rig->initiator.code) == 0)
      g_test_message ("the same number twice: one chance in a million");
  }
  pairing_rig_free (rig);
}

static void
test_declined (gconstpointer data)
{
  gboolean initiator_declines = GPOINTER_TO_INT (data);
  PairingRig *rig = rig_new ();
  PairingSide *decliner = initiator_declines ? &rig->initiator : &rig->responder;
  PairingSide *other = initiator_declines ? &rig->responder : &rig->initiator;

  decliner->person = PERSON_REJECT;
  other->delay_ms = 200;
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_cmpstr (rig->initiator.code, ==, rig->responder.code);

  /* Plainly, on both sides. */
  g_assert_error (decliner->error, PH_ERROR, PH_ERROR_MISMATCH);
  g_assert_error (other->error, PH_ERROR, PH_ERROR_MISMATCH);
  g_test_message ("%s", decliner->error->message);
  g_test_message ("%s", other->error->message);
  g_assert_nonnull (strstr (other->error->message, initiator_declines ? "Initiating Rig" : "Responding Rig"));
  g_assert_cmpint (ph_pairing_get_state (rig->initiator.pairing), ==, PH_PAIRING_FAILED);
  g_assert_cmpint (ph_pairing_get_state (rig->responder.pairing), ==, PH_PAIRING_FAILED);

  g_assert_false (ph_device_is_paired (known_to (&rig->initiator, &rig->responder)));
  g_assert_false (ph_device_is_paired (known_to (&rig->responder, &rig->initiator)));
  g_assert_cmpuint (ph_device_get_pairing_failures (known_to (&rig->initiator, &rig->responder)), ==, 1);
  g_assert_cmpuint (ph_device_get_pairing_failures (known_to (&rig->responder, &rig->initiator)), ==, 1);
  pairing_rig_free (rig);
}

/* Three failed comparisons in a row pause pairing, on both sides. */
static void
test_paused (void)
{
  PairingRig *rig = rig_new ();
  const char *initiator_key = ph_identity_get_fingerprint (rig->initiator.identity);
  const char *responder_key = ph_identity_get_fingerprint (rig->responder.identity);

  rig->responder.person = PERSON_REJECT;
  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (pairing_rig_run (rig, NULL));
      g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_MISMATCH);
    }
  g_assert_true (ph_devices_is_pairing_paused (rig->initiator.devices, responder_key, NULL));
  g_assert_true (ph_devices_is_pairing_paused (rig->responder.devices, initiator_key, NULL));

  /* This side will not even start. */
  rig->responder.person = PERSON_CONFIRM;
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_PAUSED);
  g_test_message ("%s", rig->initiator.error->message);
  g_assert_null (rig->initiator.code);

  /* Forgotten here, the other side still says no. */
  ph_devices_forget (rig->initiator.devices, responder_key);
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_PAUSED);
  g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_PAUSED);
  g_test_message ("%s", rig->initiator.error->message);
  g_assert_null (rig->initiator.code);
  g_assert_null (rig->responder.code);
  pairing_rig_free (rig);
}

static void
test_nobody_there (void)
{
  PairingRig *rig = rig_new ();

  /* A receiver that nobody can ask (the original CLI, say): no pairing. */
  rig->handles_pairing = FALSE;
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_DECLINED);
  g_test_message ("%s", rig->initiator.error->message);
  g_assert_true (rig->responder.ok);
  g_assert_null (rig->responder.pairing);
  pairing_rig_free (rig);
}

static void
test_timeout (void)
{
  PairingRig *rig = rig_new ();

  rig->people_timeout = 400;
  rig->initiator.person = PERSON_SILENT;
  rig->responder.person = PERSON_SILENT;
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_TIMED_OUT);
  g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_TIMED_OUT);
  g_test_message ("%s", rig->initiator.error->message);
  /* Nobody compared: no failed comparison. */
  g_assert_cmpuint (ph_device_get_pairing_failures (known_to (&rig->responder, &rig->initiator)), ==, 0);
  pairing_rig_free (rig);
}

static void
test_cancelled (void)
{
  PairingRig *rig = rig_new ();

  rig->responder.person = PERSON_CANCEL;
  rig->initiator.person = PERSON_SILENT;
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_error (rig->responder.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_DECLINED);
  g_test_message ("%s", rig->initiator.error->message);
  g_assert_nonnull (strstr (rig->initiator.error->message, "cancelled"));
  g_assert_false (ph_device_is_paired (known_to (&rig->responder, &rig->initiator)));
  pairing_rig_free (rig);
}

static void
test_wrong_key (void)
{
  PairingRig *rig = rig_new ();
  g_autofree char *other = secure_rig_key ("somebody else");

  g_assert_false (pairing_rig_run (rig, other));
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_WRONG_KEY);
  g_assert_null (rig->initiator.code);
  pairing_rig_free (rig);
}

static void
test_blocked (void)
{
  PairingRig *rig = rig_new ();
  const char *initiator_key = ph_identity_get_fingerprint (rig->initiator.identity);
  const char *responder_key = ph_identity_get_fingerprint (rig->responder.identity);

  /* Blocked by the receiver: reset after the handshake, nothing read. */
  ph_devices_block (rig->responder.devices, initiator_key, "Pest");
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_nonnull (rig->initiator.error);
  g_test_message ("%s", rig->initiator.error->message);
  g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_BLOCKED);
  g_assert_null (rig->responder.pairing);
  g_assert_cmpint (ph_device_get_state (known_to (&rig->responder, &rig->initiator)), ==, PH_DEVICE_BLOCKED);

  /* Blocked here: unblock it first. */
  ph_devices_unblock (rig->responder.devices, initiator_key);
  ph_devices_block (rig->initiator.devices, responder_key, NULL);
  g_assert_false (pairing_rig_run (rig, NULL));
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_BLOCKED);
  pairing_rig_free (rig);
}

static void
batch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (ph_secure_send_run_finish (PH_SECURE_SEND (object), result, error));
}

/* A blocked sender's batch: reset before a byte of a file, nobody asked. */
static void
test_blocked_batch (void)
{
  PairingRig *rig = rig_new ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(PhSecureSend) sender = ph_secure_send_new (rig->initiator.identity, NULL);
  g_autoptr(GListStore) transfers = g_list_store_new (PH_TYPE_TRANSFER);
  g_autofree char *path = g_build_filename (rig->tmp, "a.txt", NULL);
  g_autofree char *received = g_build_filename (rig->tmp, "received", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PhTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  GError *send_error = NULL;

  ph_devices_block (rig->responder.devices, ph_identity_get_fingerprint (rig->initiator.identity), NULL);
  g_file_set_contents (path, "hello", 5, &error);
  g_assert_no_error (error);
  transfer = ph_transfer_new_outgoing_path (file, "127.0.0.1", NULL);
  g_list_store_append (transfers, transfer);

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", rig->port, NULL, &error);
  g_assert_no_error (error);
  ph_secure_send_run_async (sender, connection, G_LIST_MODEL (transfers), NULL, batch_done_cb,
                            &send_error);
  while (send_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  secure_rig_iterate_until (&rig->responder.done, 10000);

  g_test_message ("%s", send_error->message);
  g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_BLOCKED);
  g_test_message ("%s", rig->responder.error->message);
  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
  g_assert_cmpuint (secure_rig_count_files (received), ==, 0);
  g_clear_error (&send_error);
  pairing_rig_free (rig);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/pairing/vector", test_vector);
  g_test_add_func ("/posthouse/pairing/nonces", test_nonces);
  g_test_add_func ("/posthouse/pairing/both-confirm", test_both_confirm);
  g_test_add_data_func ("/posthouse/pairing/declined/by-initiator", GINT_TO_POINTER (TRUE), test_declined);
  g_test_add_data_func ("/posthouse/pairing/declined/by-responder", GINT_TO_POINTER (FALSE), test_declined);
  g_test_add_func ("/posthouse/pairing/paused", test_paused);
  g_test_add_func ("/posthouse/pairing/nobody-there", test_nobody_there);
  g_test_add_func ("/posthouse/pairing/timeout", test_timeout);
  g_test_add_func ("/posthouse/pairing/cancelled", test_cancelled);
  g_test_add_func ("/posthouse/pairing/wrong-key", test_wrong_key);
  g_test_add_func ("/posthouse/pairing/blocked", test_blocked);
  g_test_add_func ("/posthouse/pairing/blocked-batch", test_blocked_batch);

  return g_test_run ();
}
