/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiveSession, the receiving that the app and the CLI share, on
 * 127.0.0.1: starting and stopping, listening again where the port
 * changed, what it says about itself, and files arriving in batches. */
#include "config.h"

#include "test-common.h"
#include "ph-inbox-private.h"
#include "ph-receive-session-private.h"

typedef struct
{
  char             *dir;
  char             *src;
  PhReceiveSession *session;
  GPtrArray        *transfers;   /* from ::transfer-added */
  GPtrArray        *batches;     /* from ::batch-added */
  GPtrArray        *failures;    /* GError from ::failed */
  GHashTable       *notified;    /* property name → count */
  guint             tick_id;
} SessionFixture;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
transfer_added_cb (PhReceiveSession *session,
                   PhTransfer       *transfer,
                   SessionFixture   *f)
{
  g_ptr_array_add (f->transfers, g_object_ref (transfer));
}

static void
batch_added_cb (PhReceiveSession *session,
                PhBatch          *batch,
                SessionFixture   *f)
{
  g_ptr_array_add (f->batches, g_object_ref (batch));
}

static void
failed_cb (PhReceiveSession *session,
           const GError     *error,
           SessionFixture   *f)
{
  g_ptr_array_add (f->failures, g_error_copy (error));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           SessionFixture *f)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (f->notified, pspec->name));

  g_hash_table_insert (f->notified, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
n_notified (SessionFixture *f,
            const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->notified, name));
}

static void
setup (SessionFixture *f,
       gconstpointer  data)
{
  g_autoptr(GFile) folder = NULL;

  f->dir = ph_test_make_tmp_dir ("posthouse-session-XXXXXX");
  f->src = ph_test_make_tmp_dir ("posthouse-session-src-XXXXXX");
  folder = g_file_new_for_path (f->dir);
  f->transfers = g_ptr_array_new_with_free_func (g_object_unref);
  f->batches = g_ptr_array_new_with_free_func (g_object_unref);
  f->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->notified = g_hash_table_new (g_str_hash, g_str_equal);
  f->tick_id = g_timeout_add (100, tick_cb, NULL);

  f->session = ph_receive_session_new ();
  g_object_set (f->session,
                "port", 0,
                "bind-address", "127.0.0.1",
                "folder", folder,
                "announce", FALSE,
                NULL);
  g_signal_connect (f->session, "transfer-added", G_CALLBACK (transfer_added_cb), f);
  g_signal_connect (f->session, "batch-added", G_CALLBACK (batch_added_cb), f);
  g_signal_connect (f->session, "failed", G_CALLBACK (failed_cb), f);
  g_signal_connect (f->session, "notify", G_CALLBACK (notify_cb), f);
}

static void
teardown (SessionFixture *f,
          gconstpointer  data)
{
  flush_main_context ();
  g_ptr_array_unref (f->batches);
  g_ptr_array_unref (f->transfers);
  g_assert_finalize_object (f->session);
  g_ptr_array_unref (f->failures);
  g_hash_table_unref (f->notified);
  g_source_remove (f->tick_id);
  ph_test_rm_rf (f->dir);
  ph_test_rm_rf (f->src);
  g_free (f->dir);
  g_free (f->src);
}

static char *
destination (SessionFixture *f)
{
  return ph_address_format ("127.0.0.1", ph_receive_session_get_bound_port (f->session));
}

static void
test_start_stop (SessionFixture *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) addresses = NULL;
  g_autofree char *to = NULL;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) sent = NULL;
  guint port;

  g_assert_false (ph_receive_session_get_receiving (f->session));
  g_assert_cmpuint (ph_receive_session_get_bound_port (f->session), ==, 0);
  addresses = ph_receive_session_dup_addresses (f->session);
  g_assert_cmpuint (g_strv_length (addresses), ==, 0);
  g_clear_pointer (&addresses, g_strfreev);

  g_assert_true (ph_receive_session_start (f->session, &error));
  g_assert_no_error (error);
  g_assert_true (ph_receive_session_get_receiving (f->session));
  g_assert_cmpuint (n_notified (f, "receiving"), ==, 1);
  port = ph_receive_session_get_bound_port (f->session);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpstr (ph_receive_session_get_listen_address (f->session), ==, "127.0.0.1");

  /* The one address it listens on is the one to give a sender. */
  to = destination (f);
  addresses = ph_receive_session_dup_addresses (f->session);
  g_assert_cmpuint (g_strv_length (addresses), ==, 1);
  g_assert_cmpstr (addresses[0], ==, to);

  /* Not announced: a folder's paths are not kept (nobody learns of paths=1). */
  g_assert_false (ph_receive_session_get_accepts_paths (f->session));
  g_assert_cmpint (ph_receive_session_get_announce_state (f->session), ==, PH_ANNOUNCER_STOPPED);

  path = make_file (f->src, "session-letter.txt", 70000, 7);
  sent = send_file (sender, path, to);
  WAIT_UNTIL (sent->done);
  g_assert_no_error (sent->error);
  g_assert_cmpuint (f->transfers->len, ==, 1);
  g_assert_cmpuint (f->batches->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (g_ptr_array_index (f->batches, 0)), ==, 1);
  saved = g_build_filename (f->dir, "session-letter.txt", NULL);
  ph_test_assert_same_file (path, saved);

  ph_receive_session_stop (f->session);
  g_assert_false (ph_receive_session_get_receiving (f->session));
  g_assert_cmpuint (ph_receive_session_get_bound_port (f->session), ==, 0);
  g_assert_null (ph_receive_session_get_listen_address (f->session));
  g_assert_cmpuint (n_notified (f, "receiving"), ==, 2);

  /* Stopped means nobody listens there any more. */
  g_clear_pointer (&sent, send_result_free);
  sent = send_file (sender, path, to);
  WAIT_UNTIL (sent->done);
  g_assert_nonnull (sent->error);
}

/* Changing the port while receiving listens on the new one; a port
 * that is taken ends receiving with "failed", as the app's switch and
 * the CLI show it. */
static void
test_restart (SessionFixture *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) squatter = g_socket_listener_new ();
  guint16 wanted = ph_test_unused_port ();
  guint taken;

  g_object_set (f->session, "receiving", TRUE, NULL);
  g_assert_true (ph_receive_session_get_receiving (f->session));

  ph_receive_session_set_port (f->session, wanted);
  WAIT_UNTIL (ph_receive_session_get_bound_port (f->session) == wanted);
  g_assert_true (ph_receive_session_get_receiving (f->session));
  g_assert_cmpuint (f->failures->len, ==, 0);

  taken = g_socket_listener_add_any_inet_port (squatter, NULL, &error);
  g_assert_no_error (error);
  ph_receive_session_set_port (f->session, taken);
  WAIT_UNTIL (f->failures->len > 0);
  g_assert_false (ph_receive_session_get_receiving (f->session));
  g_assert_error ((GError *) g_ptr_array_index (f->failures, 0), G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_socket_listener_close (squatter);
}

static void
test_no_interface_address (SessionFixture *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ph_receive_session_set_interface (f->session, "ph-nowhere0");
  g_assert_false (ph_receive_session_start (f->session, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "ph-nowhere0"));
  g_assert_false (ph_receive_session_get_receiving (f->session));
}

/* A receiver only this computer reaches is not announced, and says why. */
static void
test_loopback_not_announced (SessionFixture *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ph_receive_session_set_announce (f->session, TRUE);
  g_assert_true (ph_receive_session_start (f->session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ph_receive_session_get_announce_state (f->session), ==, PH_ANNOUNCER_STOPPED);
  g_assert_nonnull (ph_receive_session_get_announce_error (f->session));
  g_assert_nonnull (strstr (ph_receive_session_get_announce_error (f->session), "127.0.0.1"));
  g_assert_false (ph_receive_session_get_accepts_paths (f->session));

  ph_receive_session_stop (f->session);
  g_assert_null (ph_receive_session_get_announce_error (f->session));
}

/* Asking holds the batch; Accept All lets its sender's next file in. */
static void
test_ask (SessionFixture *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) first = NULL;
  g_autofree char *to = NULL;
  g_autofree char *path = NULL;
  PhBatch *batch;

  ph_receive_session_set_ask_before_accepting (f->session, TRUE);
  g_assert_true (ph_receive_session_start (f->session, &error));
  g_assert_true (ph_receiver_get_require_approval (ph_receive_session_get_receiver (f->session)));

  to = destination (f);
  path = make_file (f->src, "session-asked.bin", 4096, 3);
  first = send_file (sender, path, to);
  WAIT_UNTIL (f->batches->len == 1 &&
              ph_batch_get_state (g_ptr_array_index (f->batches, 0)) == PH_TRANSFER_WAITING);
  batch = g_ptr_array_index (f->batches, 0);
  g_assert_false (first->done);

  ph_receive_session_accept_all (f->session, batch);
  WAIT_UNTIL (first->done);
  g_assert_no_error (first->error);
  g_assert_true (ph_inbox_is_allowed (ph_receive_session_get_inbox (f->session), "127.0.0.1"));

  /* Not asking any more: the next sender is not held. */
  ph_receive_session_set_ask_before_accepting (f->session, FALSE);
  g_assert_false (ph_receiver_get_require_approval (ph_receive_session_get_receiver (f->session)));
}

/* Unless a folder is chosen, files go to the Downloads folder, made if
 * it is missing. */
static void
test_default_folder (void)
{
  g_autoptr(PhReceiveSession) session = ph_receive_session_new ();
  g_autoptr(GFile) expected = NULL;
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  expected = g_file_new_for_path (downloads ? downloads : g_get_home_dir ());
  g_assert_true (g_file_equal (ph_receive_session_get_folder (session), expected));

  ph_receive_session_set_folder (session, NULL);
  g_assert_true (g_file_equal (ph_receive_session_get_folder (session), expected));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/session/" path, SessionFixture, NULL, setup, func, teardown)
  ADD ("start-stop", test_start_stop);
  ADD ("restart", test_restart);
  ADD ("no-interface-address", test_no_interface_address);
  ADD ("loopback-not-announced", test_loopback_not_announced);
  ADD ("ask", test_ask);
#undef ADD
  g_test_add_func ("/posthouse/session/default-folder", test_default_folder);

  return g_test_run ();
}
