/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The secure channel against peers that break it: clients without a
 * certificate, garbage after 0x16, handshakes that stall, old TLS,
 * frames that are malformed, oversized or out of order, and receivers
 * that send receipts for files never sent. */
#include "config.h"

#include <string.h>

#include "ph-frame.h"
#include "ph-test-util.h"
#include "secure-rig.h"

typedef struct
{
  SecureRig *rig;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->rig = secure_rig_new ();
  fixture->rig->handshake_timeout = 2000;
  fixture->rig->idle_timeout = 2000;
  secure_rig_listen (fixture->rig);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  secure_rig_free (fixture->rig);
}

/* A sender that does what a script says, on a thread of its own (the
 * receiver runs on the main context). */
typedef struct
{
  guint16     port;
  PhIdentity *identity;    /* NULL: no certificate */
  gboolean    tls;         /* FALSE: raw bytes right away */
  GBytes     *before;      /* sent first (after the handshake) */
  gboolean    wait_accept; /* then read up to the receiver's "accepted" */
  GBytes     *after;       /* then sent */
  gboolean    hang;        /* then keep the connection open until the peer ends it */
  gboolean    done;
  gboolean    accepted;
} Script;

static gboolean
read_until_accepted (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  PhFrameReader reader;
  gboolean accepted = FALSE;

  ph_frame_reader_init (&reader, 0);
  for (;;)
    {
      gsize want, got = 0;
      guint8 *space = ph_frame_reader_space (&reader, &want);
      PhMessage message = { 0 };
      const guint8 *data;
      gsize len;

      if (!g_input_stream_read_all (in, space, want, &got, NULL, NULL) || got < want)
        break;
      if (ph_frame_reader_commit (&reader, got, &message, &data, &len, NULL) == PH_UNIT_MESSAGE &&
          message.type == PH_MESSAGE_DECISION && message.decision == PH_DECISION_ACCEPTED)
        accepted = TRUE;
      ph_message_clear (&message);
      if (accepted)
        break;
    }
  ph_frame_reader_clear (&reader);

  return accepted;
}

static gpointer
script_thread (gpointer data)
{
  Script *script = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  GIOStream *stream;
  char buffer[4096];

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", script->port, NULL, NULL);
  g_assert_nonnull (connection);
  stream = G_IO_STREAM (connection);

  if (script->tls)
    {
      const char *const alpn[] = { PH_SECURE_ALPN, NULL };

      tls = g_tls_client_connection_new (stream, NULL, NULL);
      g_tls_connection_set_database (G_TLS_CONNECTION (tls), NULL);
      g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), alpn);
      if (script->identity != NULL)
        g_tls_connection_set_certificate (G_TLS_CONNECTION (tls),
                                          ph_identity_get_certificate (script->identity));
      g_signal_connect (tls, "accept-certificate", G_CALLBACK (secure_rig_accept_any_cb), NULL);
      if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
        goto out;
      stream = tls;
    }

  secure_rig_write_bytes (stream, script->before);
  if (script->wait_accept)
    script->accepted = read_until_accepted (stream);
  secure_rig_write_bytes (stream, script->after);

  /* Read until the receiver ends it. */
  if (script->hang)
    while (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer, sizeof buffer,
                                NULL, NULL) > 0)
      ;

out:
  g_atomic_int_set (&script->done, TRUE);
  return NULL;
}

static void
run_script (SecureRig *rig,
            Script    *script)
{
  GThread *thread;

  script->port = rig->port;
  thread = g_thread_new ("hostile sender", script_thread, script);
  secure_rig_wait_receiver (rig);
  while (!g_atomic_int_get (&script->done))
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_thread_join (thread);
  g_clear_pointer (&script->before, g_bytes_unref);
  g_clear_pointer (&script->after, g_bytes_unref);
}

static void
assert_nothing_saved (SecureRig *rig)
{
  g_assert_false (rig->receive_ok);
  g_assert_cmpuint (secure_rig_count_files (rig->recv_dir), ==, 0);
}

static void
test_no_certificate (Fixture       *fixture,
                     gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  Script script = { .tls = TRUE, .identity = NULL, .hang = TRUE };

  run_script (rig, &script);
  g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_HANDSHAKE);
  g_assert_nonnull (strstr (rig->receive_error->message, "no certificate"));
  g_assert_cmpuint (rig->n_decide, ==, 0);
  assert_nothing_saved (rig);
}

static void
test_garbage (Fixture       *fixture,
              gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  g_autofree char *garbage = g_strnfill (300, 'x');
  Script script = { .tls = FALSE, .hang = TRUE };

  garbage[0] = 0x16;
  script.before = g_bytes_new (garbage, 300);
  run_script (rig, &script);
  g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_HANDSHAKE);
  g_assert_cmpuint (rig->n_decide, ==, 0);
  assert_nothing_saved (rig);
}

/* A handshake that never completes ends like a header that never comes. */
static void
test_stalled_handshake (Fixture       *fixture,
                        gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  Script script = { .tls = FALSE, .hang = TRUE };
  gint64 start = g_get_monotonic_time ();

  rig->handshake_timeout = 500;
  script.before = g_bytes_new_static ("\x16\x03\x01\x00", 4);
  run_script (rig, &script);
  g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (rig->receive_error->message, "in time"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  assert_nothing_saved (rig);
}

/* The handshake done, the hello never sent: the same limit. */
static void
test_silent_after_handshake (Fixture       *fixture,
                             gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  Script script = { .tls = TRUE, .identity = rig->sender_id, .hang = TRUE };

  rig->handshake_timeout = 500;
  run_script (rig, &script);
  g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_TIMED_OUT);
  g_assert_cmpuint (rig->n_decide, ==, 0);
}

static void
test_old_tls (Fixture       *fixture,
              gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *port = g_strdup_printf ("127.0.0.1:%u", rig->port);
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *pem = ph_identity_get_path (rig->sender_id);

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  client = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                             G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             openssl, "s_client", "-connect", port, "-tls1_2", "-alpn", PH_SECURE_ALPN,
                             "-cert", pem, "-key", pem, NULL);
  g_assert_no_error (error);
  secure_rig_wait_receiver (rig);
  g_subprocess_force_exit (client);
  g_subprocess_wait (client, NULL, NULL);

  g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_HANDSHAKE);
  g_assert_nonnull (strstr (rig->receive_error->message, "1.3"));
  g_assert_cmpuint (rig->n_decide, ==, 0);
}

static PhMessage hello = { .type = PH_MESSAGE_HELLO, .version = 1, .name = "Hostile",
                           .has_summary = TRUE, .files = 2, .bytes = 10 };

/* What a sender may break once the handshake is done. */
typedef enum
{
  BREAK_NOT_NORMAL,
  BREAK_OVERSIZED,
  BREAK_FILE_FIRST,
  BREAK_BEFORE_ACCEPTED,
  BREAK_OUT_OF_ORDER,
  BREAK_MORE_BYTES,
  BREAK_CHUNK_OUTSIDE,
  BREAK_RECEIPT,
  BREAK_HALF_FILE,
} Break;

static void
test_broken_frames (Fixture       *fixture,
                    gconstpointer  data)
{
  SecureRig *rig = fixture->rig;
  Break what = GPOINTER_TO_INT (data);
  Script script = { .tls = TRUE, .identity = rig->sender_id, .hang = TRUE };
  PhMessage file0 = { .type = PH_MESSAGE_FILE, .id = 0 };
  PhMessage file1 = { .type = PH_MESSAGE_FILE, .id = 1 };
  PhMessage big = { .type = PH_MESSAGE_FILE, .id = 0 };
  PhMessage receipt = { .type = PH_MESSAGE_RECEIPT, .id = 0, .saved = TRUE, .name = "x" };
  guint8 word[4];
  const char *expected = NULL;

  ph_wire_encode_header ("a.txt", 5, file0.header);
  ph_wire_encode_header ("b.txt", 5, file1.header);
  ph_wire_encode_header ("big.txt", 11, big.header);
  script.wait_accept = what != BREAK_NOT_NORMAL && what != BREAK_OVERSIZED &&
                       what != BREAK_FILE_FIRST && what != BREAK_BEFORE_ACCEPTED;
  script.before = what == BREAK_FILE_FIRST ? secure_rig_frames (&file0, NULL) : secure_rig_frames (&hello, NULL);

  switch (what)
    {
    case BREAK_NOT_NORMAL:
      {
        /* The hello with "paths" true, its boolean made 2. */
        PhMessage bad = { .type = PH_MESSAGE_HELLO, .version = 1, .name = "x", .paths = TRUE };
        g_autoptr(GBytes) frame = ph_message_encode (&bad);
        gsize len = g_bytes_get_size (frame);
        guint8 *copy = g_memdup2 (g_bytes_get_data (frame, NULL), len);

        for (gsize i = 4; i + 2 < len; i++)
          if (copy[i] == 1 && copy[i + 1] == 0 && copy[i + 2] == 'b')
            copy[i] = 2;
        g_bytes_unref (script.before);
        script.before = g_bytes_new_take (copy, len);
        expected = "normal form";
      }
      break;
    case BREAK_OVERSIZED:
      g_bytes_unref (script.before);
      script.before = g_bytes_new_static ("\x00\x10\x00\x00", 4);
      expected = "1048576 bytes";
      break;
    case BREAK_FILE_FIRST:
      expected = "hello";
      break;
    case BREAK_BEFORE_ACCEPTED:
      rig->policy = RIG_ASK_THEN_ACCEPT;
      rig->ask_delay_ms = 5000;
      script.before = secure_rig_concat (script.before, NULL, 0);
      {
        g_autoptr(GBytes) early = secure_rig_frames (&file0, NULL);

        script.before = secure_rig_concat (script.before, g_bytes_get_data (early, NULL), g_bytes_get_size (early));
      }
      expected = "before its files were accepted";
      break;
    case BREAK_OUT_OF_ORDER:
      script.after = secure_rig_frames (&file1, NULL);
      expected = "out of order";
      break;
    case BREAK_MORE_BYTES:
      script.after = secure_rig_frames (&big, NULL);
      expected = "more bytes than the batch announced";
      break;
    case BREAK_CHUNK_OUTSIDE:
      ph_frame_data_word (5, word);
      script.after = g_bytes_new (word, 4);
      script.after = secure_rig_concat (script.after, "hello", 5);
      expected = "outside a file";
      break;
    case BREAK_RECEIPT:
      script.after = secure_rig_frames (&receipt, NULL);
      expected = "may not send";
      break;
    case BREAK_HALF_FILE:
      script.hang = FALSE;
      ph_frame_data_word (5, word);
      script.after = secure_rig_frames (&file0, NULL);
      script.after = secure_rig_concat (script.after, word, 4);
      script.after = secure_rig_concat (script.after, "he", 2);
      break;
    default:
      g_assert_not_reached ();
    }

  run_script (rig, &script);

  if (what == BREAK_HALF_FILE)
    g_assert_nonnull (rig->receive_error);
  else
    {
      g_assert_error (rig->receive_error, PH_ERROR, PH_ERROR_PROTOCOL);
      if (strstr (rig->receive_error->message, expected) == NULL)
        g_error ("“%s” does not say “%s”", rig->receive_error->message, expected);
    }
  g_assert_cmpint (script.accepted, ==, script.wait_accept);
  /* What had begun is thrown away, part file included. */
  for (guint i = 0; i < rig->received->len; i++)
    g_assert_cmpint (ph_transfer_get_state (g_ptr_array_index (rig->received, i)), !=,
                     PH_TRANSFER_DONE);
  assert_nothing_saved (rig);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/secure-hostile/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("no-certificate", test_no_certificate, NULL);
  ADD ("garbage-after-0x16", test_garbage, NULL);
  ADD ("stalled-handshake", test_stalled_handshake, NULL);
  ADD ("silent-after-handshake", test_silent_after_handshake, NULL);
  ADD ("old-tls", test_old_tls, NULL);
  ADD ("frames/not-normal", test_broken_frames, GINT_TO_POINTER (BREAK_NOT_NORMAL));
  ADD ("frames/oversized", test_broken_frames, GINT_TO_POINTER (BREAK_OVERSIZED));
  ADD ("frames/file-first", test_broken_frames, GINT_TO_POINTER (BREAK_FILE_FIRST));
  ADD ("frames/before-accepted", test_broken_frames, GINT_TO_POINTER (BREAK_BEFORE_ACCEPTED));
  ADD ("frames/out-of-order", test_broken_frames, GINT_TO_POINTER (BREAK_OUT_OF_ORDER));
  ADD ("frames/more-bytes", test_broken_frames, GINT_TO_POINTER (BREAK_MORE_BYTES));
  ADD ("frames/chunk-outside", test_broken_frames, GINT_TO_POINTER (BREAK_CHUNK_OUTSIDE));
  ADD ("frames/receipt-from-sender", test_broken_frames, GINT_TO_POINTER (BREAK_RECEIPT));
  ADD ("frames/half-file", test_broken_frames, GINT_TO_POINTER (BREAK_HALF_FILE));

  return g_test_run ();
}
