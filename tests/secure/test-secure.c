/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The secure channel end to end on loopback: PhSecureSend against
 * PhSecureReceive, each with its own identity. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ph-test-util.h"
#include "secure-rig.h"

/* Big enough not to be over before a cancel: sparse, so cheap to make. */
#define BIG ((gint64) 1024 * 1024 * 1024)

typedef struct
{
  SecureRig *rig;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->rig = secure_rig_new ();
  secure_rig_listen (fixture->rig);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  secure_rig_free (fixture->rig);
}

static void
assert_arrived (SecureRig  *rig,
                const char *relative,
                const char *saved_as)
{
  g_autofree char *source = g_build_filename (rig->src_dir, relative, NULL);
  g_autofree char *saved = g_build_filename (rig->recv_dir, saved_as, NULL);

  ph_test_assert_same_file (source, saved);
}

static void
assert_all_done (GListModel *model)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (model, i);

      g_assert_cmpstr (ph_transfer_get_error_message (transfer), ==, NULL);
      g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_DONE);
    }
}

static void
test_one_file (Fixture       *fixture,
               gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "postcard.jpg", NULL };
  g_autofree char *path = secure_rig_write_file (rig, files[0], 3 * 1024 * 1024 + 17, 1);
  g_autoptr(GListStore) transfers = secure_rig_transfers (rig, files);
  g_autoptr(GError) error = NULL;
  PhTransfer *received;

  secure_rig_send (rig, G_LIST_MODEL (transfers),
                   ph_identity_get_fingerprint (rig->receiver_id), NULL, &error);
  g_assert_no_error (error);
  g_assert_no_error (rig->receive_error);
  g_assert_true (rig->receive_ok);
  assert_all_done (G_LIST_MODEL (transfers));
  assert_arrived (rig, "postcard.jpg", "postcard.jpg");

  /* Each side knows the other by its key, and by the name it gave. */
  g_assert_cmpstr (ph_secure_send_get_peer_fingerprint (rig->sender), ==,
                   ph_identity_get_fingerprint (rig->receiver_id));
  g_assert_cmpstr (ph_secure_receive_get_peer_fingerprint (rig->session), ==,
                   ph_identity_get_fingerprint (rig->sender_id));
  g_assert_cmpstr (ph_secure_send_get_peer_name (rig->sender), ==, "Receiving Rig");
  g_assert_cmpstr (ph_secure_receive_get_peer_name (rig->session), ==, "Sending Rig");
  g_assert_cmpuint (ph_secure_receive_get_announced_files (rig->session), ==, 1);
  g_assert_cmpuint (ph_secure_receive_get_announced_bytes (rig->session), ==, 3 * 1024 * 1024 + 17);
  g_assert_true (ph_secure_send_get_peer_accepts_paths (rig->sender));

  g_assert_cmpuint (rig->received->len, ==, 1);
  received = g_ptr_array_index (rig->received, 0);
  g_assert_cmpint (ph_transfer_get_state (received), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_transfer_get_name (received), ==, "postcard.jpg");
  g_assert_cmpint (ph_transfer_get_bytes_done (received), ==, 3 * 1024 * 1024 + 17);
  g_assert_cmpuint (ph_secure_receive_get_n_saved (rig->session), ==, 1);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 1);
}

static void
test_many_files (Fixture       *fixture,
                 gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  guint n = GPOINTER_TO_UINT (data);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      char *name = g_strdup_printf ("small-%04u.txt", i);

      g_free (secure_rig_write_file (rig, name, i % 7 == 0 ? 0 : 100 + (i * 37) % 8000, i));
      g_ptr_array_add (names, name);
    }
  g_ptr_array_add (names, NULL);
  transfers = secure_rig_transfers (rig, (const char *const *) names->pdata);

  secure_rig_send (rig, G_LIST_MODEL (transfers),
                   ph_identity_get_fingerprint (rig->receiver_id), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (rig->receive_ok);
  assert_all_done (G_LIST_MODEL (transfers));
  g_assert_cmpuint (rig->received->len, ==, n);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, n);
  for (guint i = 0; i < n; i += 97)
    assert_arrived (rig, g_ptr_array_index (names, i), g_ptr_array_index (names, i));
}

static void
test_paths (Fixture       *fixture,
            gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "Holiday/Day 1/beach.jpg", "Holiday/Day 2/beach.jpg", "notes.txt", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; files[i]; i++)
    g_free (secure_rig_write_file (rig, files[i], 10000 + i, 10 + i));

  /* Kept where the receiver keeps folders... */
  transfers = secure_rig_transfers (rig, files);
  secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error);
  g_assert_no_error (error);
  assert_all_done (G_LIST_MODEL (transfers));
  for (guint i = 0; files[i]; i++)
    assert_arrived (rig, files[i], files[i]);

  /* ...base names where it does not, as with the original format. */
  secure_rig_reset (rig);
  rig->accepts_paths = FALSE;
  g_clear_object (&transfers);
  transfers = secure_rig_transfers (rig, files);
  secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error);
  g_assert_no_error (error);
  assert_all_done (G_LIST_MODEL (transfers));
  assert_arrived (rig, files[0], "beach.jpg");
  assert_arrived (rig, files[1], "beach (2).jpg");
  assert_arrived (rig, files[2], "notes (2).txt");
}

/* The first contact: no fingerprint expected, the one proved is told. */
static void
test_first_contact (Fixture       *fixture,
                    gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "a.txt", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;

  g_free (secure_rig_write_file (rig, files[0], 5, 3));
  transfers = secure_rig_transfers (rig, files);
  secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ph_secure_send_get_peer_fingerprint (rig->sender), ==,
                   ph_identity_get_fingerprint (rig->receiver_id));
}

/* A receiver that proves another key gets nothing of any file. */
static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "secret.txt", NULL };
  g_autoptr(PhIdentity) other = secure_rig_identity (rig->tmp, "other-id");
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PhTransfer) transfer = NULL;

  g_free (secure_rig_write_file (rig, files[0], 100000, 4));
  transfers = secure_rig_transfers (rig, files);
  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers),
                                   ph_identity_get_fingerprint (other), NULL, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "not who it claims to be"));
  g_assert_nonnull (strstr (error->message, ph_identity_get_short_fingerprint (rig->receiver_id)));

  transfer = g_list_model_get_item (G_LIST_MODEL (transfers), 0);
  g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
  g_assert_error ((GError *) ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_WRONG_KEY);

  /* The receiver never got as far as a hello, let alone a file. */
  g_assert_false (rig->receive_ok);
  g_assert_cmpuint (rig->n_decide, ==, 0);
  g_assert_cmpuint (rig->received->len, ==, 0);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 0);
}

static void
test_declined (Fixture       *fixture,
               gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "a.txt", "b.txt", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;

  rig->policy = GPOINTER_TO_INT (data);
  rig->ask_delay_ms = 200;
  g_free (secure_rig_write_file (rig, files[0], 50, 5));
  g_free (secure_rig_write_file (rig, files[1], 60, 6));
  transfers = secure_rig_transfers (rig, files);
  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_DECLINED);
  g_assert_nonnull (strstr (error->message, "declined"));

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PhTransfer) transfer = g_list_model_get_item (G_LIST_MODEL (transfers), i);

      g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
      g_assert_error ((GError *) ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_DECLINED);
    }
  g_assert_true (rig->receive_ok);
  g_assert_cmpuint (rig->received->len, ==, 0);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 0);
}

/* "Asking" first, accepted a while later: the sender waits and says so. */
static void
test_asked (Fixture       *fixture,
            gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "a.txt", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean waited = FALSE;

  rig->policy = RIG_ASK_THEN_ACCEPT;
  rig->ask_delay_ms = 1500;
  /* An answer slower than the idle timeout is still waited for. */
  rig->idle_timeout = 1000;
  g_free (secure_rig_write_file (rig, files[0], 70000, 7));
  transfers = secure_rig_transfers (rig, files);
  secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error);
  g_assert_no_error (error);
  assert_all_done (G_LIST_MODEL (transfers));
  assert_arrived (rig, files[0], files[0]);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1500 * 1000);

  for (guint i = 0; i < rig->phases->len; i++)
    if (GPOINTER_TO_UINT (g_ptr_array_index (rig->phases, i)) == PH_SECURE_SEND_WAITING)
      {
        waited = TRUE;
        g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (rig->phases, i + 1)), ==,
                          PH_SECURE_SEND_SENDING);
      }
  g_assert_true (waited);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
progress_cancel_cb (PhTransfer   *transfer,
                    GParamSpec   *pspec,
                    GCancellable *cancellable)
{
  if (ph_transfer_get_bytes_done (transfer) > 0)
    g_idle_add (cancel_cb, cancellable);
}

/* The sender cancels the batch in the middle of a file: the receiver
 * keeps what it committed and nothing else. */
static void
test_cancel_batch (Fixture       *fixture,
                   gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "first.bin", "big.bin", "last.bin", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PhTransfer) big = NULL;
  g_autoptr(GError) error = NULL;

  g_free (secure_rig_write_file (rig, files[0], 1000, 8));
  g_free (ph_test_make_sparse_file (rig->src_dir, files[1], BIG));
  g_free (secure_rig_write_file (rig, files[2], 1000, 10));
  transfers = secure_rig_transfers (rig, files);
  big = g_list_model_get_item (G_LIST_MODEL (transfers), 1);
  g_signal_connect (big, "notify::bytes-done", G_CALLBACK (progress_cancel_cb), cancellable);

  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpint (ph_transfer_get_state (big), ==, PH_TRANSFER_CANCELLED);
  g_assert_cmpint (ph_transfer_get_bytes_done (big), <, BIG);
  g_assert_false (rig->receive_ok);
  /* Only the first file, and no part file. */
  assert_arrived (rig, files[0], files[0]);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 1);
}

/* One transfer cancelled on each side: the batch goes on without it. */
static void
test_cancel_one (Fixture       *fixture,
                 gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  gboolean receiver_side = GPOINTER_TO_INT (data);
  const char *files[] = { "big.bin", "after.bin", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(PhTransfer) big = NULL;
  g_autoptr(PhTransfer) after = NULL;
  g_autoptr(GError) error = NULL;

  g_free (ph_test_make_sparse_file (rig->src_dir, files[0], BIG));
  g_free (secure_rig_write_file (rig, files[1], 1000, 12));
  transfers = secure_rig_transfers (rig, files);
  big = g_list_model_get_item (G_LIST_MODEL (transfers), 0);
  after = g_list_model_get_item (G_LIST_MODEL (transfers), 1);

  if (receiver_side)
    rig->cancel_first_received = TRUE;
  else
    g_signal_connect_swapped (big, "notify::bytes-done", G_CALLBACK (ph_transfer_cancel), big);

  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error));
  g_assert_nonnull (error);
  if (receiver_side)
    {
      g_assert_cmpint (ph_transfer_get_state (big), ==, PH_TRANSFER_FAILED);
      g_assert_nonnull (strstr (ph_transfer_get_error_message (big), "cancelled by the receiver"));
    }
  else
    g_assert_cmpint (ph_transfer_get_state (big), ==, PH_TRANSFER_CANCELLED);

  g_assert_cmpint (ph_transfer_get_state (after), ==, PH_TRANSFER_DONE);
  g_assert_true (rig->receive_ok);
  g_assert_cmpuint (rig->received->len, ==, 2);
  g_assert_cmpint (ph_transfer_get_state (g_ptr_array_index (rig->received, 0)), ==,
                   PH_TRANSFER_CANCELLED);
  assert_arrived (rig, files[1], files[1]);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 1);
}

/* The receiver stops in the middle: the sender says the connection
 * broke, nothing half-written stays. */
static void
test_receiver_stops (Fixture       *fixture,
                     gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "big.bin", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(PhTransfer) big = NULL;
  g_autoptr(GError) error = NULL;

  rig->cancel_session_after = 1;
  g_free (ph_test_make_sparse_file (rig->src_dir, files[0], BIG));
  transfers = secure_rig_transfers (rig, files);
  big = g_list_model_get_item (G_LIST_MODEL (transfers), 0);

  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_CONNECTION);
  g_assert_cmpint (ph_transfer_get_state (big), ==, PH_TRANSFER_FAILED);
  g_assert_error (rig->receive_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ph_transfer_get_state (g_ptr_array_index (rig->received, 0)), ==,
                   PH_TRANSFER_CANCELLED);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 0);
}

/* A file that cannot be read fails alone; the others arrive. */
static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "gone.txt", "there.txt", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(PhTransfer) gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gone_path = secure_rig_write_file (rig, files[0], 10, 14);

  g_free (secure_rig_write_file (rig, files[1], 10, 15));
  transfers = secure_rig_transfers (rig, files);
  g_unlink (gone_path);

  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.txt"));
  gone = g_list_model_get_item (G_LIST_MODEL (transfers), 0);
  g_assert_cmpint (ph_transfer_get_state (gone), ==, PH_TRANSFER_FAILED);
  g_assert_true (rig->receive_ok);
  assert_arrived (rig, files[1], files[1]);
  g_assert_cmpuint (ph_secure_receive_get_announced_files (rig->session), ==, 1);
}

static void
waiting_cancel_cb (PhSecureSend *sender,
                   GParamSpec   *pspec,
                   GCancellable *cancellable)
{
  if (ph_secure_send_get_phase (sender) == PH_SECURE_SEND_WAITING)
    g_cancellable_cancel (cancellable);
}

static gboolean
cancel_session_cb (gpointer user_data)
{
  SecureRig *rig = user_data;

  g_cancellable_cancel (rig->session_cancel);
  return G_SOURCE_REMOVE;
}

/* Either side gives up while the receiver's person is asked. */
static void
test_cancel_while_asked (Fixture       *fixture,
                         gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  gboolean receiver_side = GPOINTER_TO_INT (data);
  const char *files[] = { "a.txt", NULL };
  g_autoptr(GListStore) transfers = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(PhTransfer) transfer = NULL;
  gint64 start = g_get_monotonic_time ();

  rig->policy = RIG_ASK_THEN_ACCEPT;
  rig->ask_delay_ms = 20000;
  g_free (secure_rig_write_file (rig, files[0], 10, 16));
  transfers = secure_rig_transfers (rig, files);
  transfer = g_list_model_get_item (G_LIST_MODEL (transfers), 0);

  connection = secure_rig_connect (rig);
  rig->sender = ph_secure_send_new (rig->sender_id, NULL);
  if (!receiver_side)
    g_signal_connect (rig->sender, "notify::phase", G_CALLBACK (waiting_cancel_cb), cancellable);
  else
    g_timeout_add (300, cancel_session_cb, rig);
  ph_secure_send_run_async (rig->sender, connection, G_LIST_MODEL (transfers), cancellable, NULL, NULL);

  secure_rig_wait_receiver (rig);
  while (!ph_transfer_is_finished (transfer))
    g_main_context_iteration (NULL, TRUE);
  while (ph_secure_send_get_phase (rig->sender) != PH_SECURE_SEND_FINISHED)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (rig->n_decide, ==, 1);
  if (receiver_side)
    {
      g_assert_error (rig->receive_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
    }
  else
    {
      g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_CONNECTION);
      g_assert_nonnull (strstr (rig->receive_error->message, "before its files were accepted"));
      g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_CANCELLED);
    }
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 0);
}

/* Nothing that can be sent: no handshake at all. */
static void
test_nothing_to_send (Fixture       *fixture,
                      gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  const char *files[] = { "missing.txt", NULL };
  g_autoptr(GListStore) transfers = secure_rig_transfers (rig, files);
  g_autoptr(GError) error = NULL;

  g_assert_false (secure_rig_send (rig, G_LIST_MODEL (transfers), NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (rig->n_decide, ==, 0);
  g_assert_null (rig->session);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/secure/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("one-file", test_one_file, NULL);
  ADD ("many-files", test_many_files, GUINT_TO_POINTER (1000));
  ADD ("paths", test_paths, NULL);
  ADD ("first-contact", test_first_contact, NULL);
  ADD ("wrong-key", test_wrong_key, NULL);
  ADD ("declined", test_declined, GINT_TO_POINTER (RIG_DECLINE));
  ADD ("declined-after-asking", test_declined, GINT_TO_POINTER (RIG_ASK_THEN_DECLINE));
  ADD ("asked", test_asked, NULL);
  ADD ("cancel-batch", test_cancel_batch, NULL);
  ADD ("cancel-one/sender", test_cancel_one, GINT_TO_POINTER (FALSE));
  ADD ("cancel-one/receiver", test_cancel_one, GINT_TO_POINTER (TRUE));
  ADD ("receiver-stops", test_receiver_stops, NULL);
  ADD ("unreadable", test_unreadable, NULL);
  ADD ("cancel-while-asked/sender", test_cancel_while_asked, GINT_TO_POINTER (FALSE));
  ADD ("cancel-while-asked/receiver", test_cancel_while_asked, GINT_TO_POINTER (TRUE));
  ADD ("nothing-to-send", test_nothing_to_send, NULL);

  return g_test_run ();
}
