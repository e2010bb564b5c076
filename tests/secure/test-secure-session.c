/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The secure channel through a real receive session: the receiver sees
 * the first byte and hands the connection over, the trust policy
 * decides by key, and the admission rules hold the handshakes (time
 * limits, fair turns, 1,000 half-open handshakes while an honest sender
 * sends), the questions (asked as a whole, answered late, or never)
 * and the data slots. */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "ph-receive-session-private.h"
#include "ph-receiver-private.h"
#include "ph-test-util.h"
#include "secure-rig.h"

typedef struct
{
  SecureRig        *rig;
  PhReceiveSession *session;
  PhDevices        *devices;
  guint16           port;
  GPtrArray        *batches;     /* PhBatch * */
  GPtrArray        *failures;    /* char * */
  PhBatch          *answer_later;
} Fixture;

static void
batch_added_cb (PhReceiveSession *session,
                PhBatch          *batch,
                Fixture          *f)
{
  g_ptr_array_add (f->batches, g_object_ref (batch));
}

static void
failed_cb (PhReceiveSession *session,
           const char       *peer,
           const GError     *error,
           Fixture          *f)
{
  g_test_message ("connection failed: %s", error->message);
  g_ptr_array_add (f->failures, g_strdup (error->message));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  f->rig = secure_rig_new ();
  path = g_build_filename (f->rig->tmp, "devices.ini", NULL);
  f->devices = secure_rig_open_devices (path);
  f->batches = g_ptr_array_new_with_free_func (g_object_unref);
  f->failures = g_ptr_array_new_with_free_func (g_free);

  folder = g_file_new_for_path (f->rig->recv_dir);
  f->session = ph_receive_session_new ();
  g_object_set (f->session, "port", 0, "bind-address", "127.0.0.1", "folder", folder,
                "announce", FALSE, "identity", f->rig->receiver_id, "devices", f->devices,
                "ask-before-accepting", GPOINTER_TO_INT (data) != 0, NULL);
  g_signal_connect (f->session, "batch-added", G_CALLBACK (batch_added_cb), f);
  g_signal_connect (f->session, "connection-failed", G_CALLBACK (failed_cb), f);
  g_assert_true (ph_receive_session_start (f->session, &error));
  g_assert_no_error (error);
  f->port = ph_receive_session_get_bound_port (f->session);
  f->rig->port = f->port;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ph_receive_session_stop (f->session);
  ph_receive_session_cancel_all (f->session);
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_assert_finalize_object (f->session);
  g_clear_pointer (&f->batches, g_ptr_array_unref);
  g_clear_pointer (&f->failures, g_ptr_array_unref);
  secure_rig_flush_devices (f->devices);
  g_clear_object (&f->devices);
  secure_rig_free (f->rig);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Sent;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  sent->ok = ph_secure_send_run_finish (PH_SECURE_SEND (object), result, &sent->error);
  sent->done = TRUE;
}

/* Sends @name (made @size bytes) with @identity's key; waits at most @limit_ms. */
static gboolean
send_file (Fixture     *f,
           PhIdentity  *identity,
           const char  *name,
           gsize        size,
           guint        limit_ms,
           GError     **error)
{
  const char *names[] = { name, NULL };
  g_autofree char *path = secure_rig_write_file (f->rig, name, size, 7);
  g_autoptr(GListStore) transfers = secure_rig_transfers (f->rig, names);
  g_autoptr(GSocketConnection) connection = secure_rig_connect (f->rig);
  g_autoptr(PhSecureSend) sender = ph_secure_send_new (identity,
                                                       ph_identity_get_fingerprint (f->rig->receiver_id));
  Sent sent = { 0 };

  ph_secure_send_run_async (sender, connection, G_LIST_MODEL (transfers), NULL, sent_cb, &sent);
  secure_rig_iterate_until (&sent.done, limit_ms);
  if (sent.error != NULL)
    g_propagate_error (error, sent.error);
  return sent.ok;
}

static void
wait_for_items (PhBatch *batch,
                guint    n)
{
  gint64 start = g_get_monotonic_time ();

  while (g_list_model_get_n_items (G_LIST_MODEL (batch)) < n || !ph_batch_is_finished (batch))
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (batch)), ==, n);
}

static gboolean
file_arrived (Fixture    *f,
              const char *name)
{
  g_autofree char *path = g_build_filename (f->rig->recv_dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
test_one_file (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PhBatch *batch;

  g_assert_true (send_file (f, f->rig->sender_id, "one.bin", 300000, 20000, &error));
  g_assert_no_error (error);
  g_assert_true (file_arrived (f, "one.bin"));
  g_assert_cmpuint (f->batches->len, ==, 1);
  batch = f->batches->pdata[0];
  /* The batch says who sent it: a key, not an address. */
  g_assert_cmpstr (ph_batch_get_fingerprint (batch), ==, ph_identity_get_fingerprint (f->rig->sender_id));
  g_assert_cmpstr (ph_batch_get_device_name (batch), !=, NULL);
  g_assert_nonnull (ph_devices_lookup (f->devices, ph_identity_get_fingerprint (f->rig->sender_id)));
}

/* 1,000 connections that begin a TLS handshake (0x16 and a few bytes)
 * and go silent, from 50 addresses: an honest sender still gets its
 * file through, within a few seconds. */
static void
test_half_open_flood (Fixture       *f,
                      gconstpointer  data)
{
  static const guint8 partial[] = { 0x16, 0x03, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00 };
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GError) error = NULL;
  struct rlimit limit;
  gint64 start, took;
  guint n = 1000;

  /* Both ends of each connection are in this process. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 2 * n + 200)
    n = (guint) (limit.rlim_cur - 200) / 2;

  for (guint i = 0; i < n; i++)
    {
      struct sockaddr_in from = { .sin_family = AF_INET };
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (f->port) };
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      char source[32];

      g_assert_cmpint (fd, >=, 0);
      g_snprintf (source, sizeof source, "127.0.1.%u", 1 + i % 50);
      inet_pton (AF_INET, source, &from.sin_addr);
      inet_pton (AF_INET, "127.0.0.1", &to.sin_addr);
      g_assert_cmpint (bind (fd, (struct sockaddr *) &from, sizeof from), ==, 0);
      g_assert_cmpint (connect (fd, (struct sockaddr *) &to, sizeof to), ==, 0);
      g_assert_cmpint (send (fd, partial, sizeof partial, MSG_NOSIGNAL), ==, sizeof partial);
      g_array_append_val (fds, fd);
      if (i % 50 == 0)
        while (g_main_context_iteration (NULL, FALSE))
          ;
    }
  /* Let them all be seen, and grow old. */
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 1200 * 1000)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);

  start = g_get_monotonic_time ();
  g_assert_true (send_file (f, f->rig->sender_id, "honest.bin", 1024 * 1024, 20000, &error));
  g_assert_no_error (error);
  took = g_get_monotonic_time () - start;
  g_test_message ("%u half-open handshakes from 50 addresses: the honest sender took %.2f s",
                  n, took / 1e6);
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);
  g_assert_true (file_arrived (f, "honest.bin"));
  /* Never more handshakes at once than the few GIO's threads allow. */
  g_assert_cmpuint (ph_receive_session_get_receiver (f->session)->n_handshakes, <=, 8);

  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
}

/* A handshake that never ends is a connection without its header. */
static void
test_stalled_handshake (Fixture       *f,
                        gconstpointer  data)
{
  PhReceiver *receiver = ph_receive_session_get_receiver (f->session);
  g_autoptr(GSocketConnection) connection = NULL;
  guint8 byte = 0x16, answer[16];
  GSocket *socket;
  gint64 start;
  gssize got;

  ph_receiver_set_header_timeout (receiver, 400);
  connection = secure_rig_connect (f->rig);
  socket = g_socket_connection_get_socket (connection);
  g_assert_cmpint (g_socket_send (socket, (const char *) &byte, 1, NULL, NULL), ==, 1);

  start = g_get_monotonic_time ();
  while (f->failures->len == 0)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
  g_assert_nonnull (strstr (f->failures->pdata[0], "did not finish the secure channel"));
  /* Ended: the peer reads the end (or a reset), not a header's worth of silence. */
  g_socket_set_timeout (socket, 5);
  got = g_socket_receive (socket, (char *) answer, sizeof answer, NULL, NULL);
  g_assert_cmpint (got, <=, 0);
  while (ph_receiver_get_n_held (receiver) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }
}

/* A blocked sender: reset after the handshake, before a byte of a file. */
static void
test_blocked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ph_devices_block (f->devices, ph_identity_get_fingerprint (f->rig->sender_id), "Sending Rig");
  g_assert_false (send_file (f, f->rig->sender_id, "blocked.bin", 100000, 20000, &error));
  g_assert_nonnull (error);
  g_assert_false (file_arrived (f, "blocked.bin"));
  g_assert_cmpuint (secure_rig_count_files (f->rig->recv_dir), ==, 0);
  g_assert_cmpuint (f->batches->len, ==, 0);
}

static gboolean
answer_later_cb (gpointer user_data)
{
  Fixture *f = user_data;

  ph_batch_accept (f->answer_later);
  return G_SOURCE_REMOVE;
}

static void
asked_batch_cb (PhReceiveSession *session,
                PhBatch          *batch,
                Fixture          *f)
{
  g_assert_true (ph_batch_get_asking (batch));
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_WAITING);
  g_assert_cmpuint (ph_batch_get_announced_files (batch), ==, 1);
  g_assert_cmpint (ph_batch_get_announced_bytes (batch), ==, 50000);
  f->answer_later = batch;
  g_timeout_add (1500, answer_later_cb, f);
}

/* Asked once for the whole batch, answered late: the sender waits. */
static void
test_ask_answered_late (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_signal_connect (f->session, "batch-added", G_CALLBACK (asked_batch_cb), f);
  g_assert_true (send_file (f, f->rig->sender_id, "late.bin", 50000, 20000, &error));
  g_assert_no_error (error);
  g_assert_true (file_arrived (f, "late.bin"));
  g_assert_false (ph_batch_get_asking (f->answer_later));
  /* The receiver's side hears of it on its own context. */
  wait_for_items (f->answer_later, 1);
}

/* Nobody answers: the question gives its place up. */
static void
test_ask_unanswered (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ph_receiver_set_answer_timeout (ph_receive_session_get_receiver (f->session), 500);
  g_assert_false (send_file (f, f->rig->sender_id, "never.bin", 50000, 20000, &error));
  g_assert_nonnull (error);
  g_assert_false (file_arrived (f, "never.bin"));
  g_assert_cmpuint (f->failures->len, ==, 1);
  g_assert_nonnull (strstr (f->failures->pdata[0], "Nobody answered"));
  g_assert_cmpuint (f->batches->len, ==, 1);
  wait_for_items (f->batches->pdata[0], 0);
}

/* Accept All is bound to the key: another key from the same address is asked. */
static void
test_accept_all_by_key (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PhIdentity) other = secure_rig_identity (f->rig->tmp, "other-id");
  g_autoptr(GError) error = NULL;

  g_signal_connect (f->session, "batch-added", G_CALLBACK (asked_batch_cb), f);
  g_assert_true (send_file (f, f->rig->sender_id, "first.bin", 50000, 20000, &error));
  ph_receive_session_accept_all (f->session, f->batches->pdata[0]);
  g_signal_handlers_disconnect_by_func (f->session, asked_batch_cb, f);
  g_assert_nonnull (ph_devices_lookup_accept_all (f->devices, ph_identity_get_fingerprint (f->rig->sender_id)));

  /* The same key again: no question. */
  g_assert_true (send_file (f, f->rig->sender_id, "second.bin", 50000, 20000, &error));
  g_assert_no_error (error);
  g_assert_false (ph_batch_get_asking (f->batches->pdata[1]));

  /* Another key, same address: asked (and declined here). */
  ph_receiver_set_answer_timeout (ph_receive_session_get_receiver (f->session), 300);
  g_assert_false (send_file (f, other, "third.bin", 50000, 20000, &error));
  g_assert_false (file_arrived (f, "third.bin"));
}

/* One data slot, two keys: both get their turn. */
static void
test_one_slot (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PhIdentity) other = secure_rig_identity (f->rig->tmp, "other-id");
  g_autoptr(GError) error = NULL;

  ph_receiver_set_max_transfers (ph_receive_session_get_receiver (f->session), 1);
  g_assert_true (send_file (f, f->rig->sender_id, "a.bin", 200000, 20000, &error));
  g_assert_true (send_file (f, other, "b.bin", 200000, 20000, &error));
  g_assert_no_error (error);
  g_assert_true (file_arrived (f, "a.bin") && file_arrived (f, "b.bin"));
  /* The sender has its receipt when the receiver closes; the receiver
   * lets its hold go on its own loop just after. */
  {
    PhReceiver *receiver = ph_receive_session_get_receiver (f->session);
    gint64 start = g_get_monotonic_time ();

    while (ph_receiver_get_n_held (receiver) != 0)
      {
        g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
        g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, ask) \
  g_test_add ("/posthouse/secure/session/" path, Fixture, GINT_TO_POINTER (ask), \
              fixture_set_up, func, fixture_tear_down)
  ADD ("one-file", test_one_file, 0);
  ADD ("half-open-flood", test_half_open_flood, 0);
  ADD ("stalled-handshake", test_stalled_handshake, 0);
  ADD ("blocked", test_blocked, 0);
  ADD ("ask-answered-late", test_ask_answered_late, 1);
  ADD ("ask-unanswered", test_ask_unanswered, 1);
  ADD ("accept-all-by-key", test_accept_all_by_key, 1);
  ADD ("one-slot", test_one_slot, 0);
#undef ADD

  return g_test_run ();
}
