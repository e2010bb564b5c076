/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ph_sender_send_all_async(): many files over parallel connections,
 * against a real PhReceiver and against a probe receiver of this file
 * that counts what a receiver sees (connections, transfers at once,
 * header order) and can misbehave on purpose. */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "test-common.h"
#include "ph-send-window-private.h"
#include "ph-sender-private.h"

/* A receiver that reads each header and file, then closes (the
 * receipt); it counts, and can hold receipts, drop connections that stay
 * silent, stall one file, or take one connection only. */
typedef struct
{
  GSocketListener *listener;
  guint16          port;
  char            *destination;
  guint            receipt_delay;   /* msec before the close */
  guint            silent_close;    /* msec a connection may stay without header; 0: forever */
  char            *stall_name;      /* never read this file's data */
  char            *slow_name;       /* hold this file's receipt for slow_delay msec */
  guint            slow_delay;
  char            *refuse_name;     /* read this file, then reset instead of the receipt */
  gboolean         one_shot;        /* accept one connection, then stop listening */

  GPtrArray       *names;           /* headers in arrival order */
  GPtrArray       *stalled;         /* ProbeConn never read again */
  guint            connections;
  guint            max_connections;
  guint            transfers;       /* from header to close */
  guint            max_transfers;
  guint            silent_closed;
  guint            completed;
  GArray          *at_header;       /* transfers at once as each header came, with it */
} Probe;

typedef struct
{
  Probe             *probe;
  GSocketConnection *connection;
  guint8             header[PH_WIRE_HEADER_SIZE];
  guint8             buffer[65536];
  gint64             left;
  guint              index;           /* in probe->names */
  gboolean           has_header;
  GSource           *silence;
  GCancellable      *cancellable;
} ProbeConn;

static void probe_read_data (ProbeConn *c);

static void
probe_conn_close (ProbeConn *c)
{
  Probe *probe = c->probe;

  if (c->has_header)
    probe->transfers--;
  probe->connections--;
  if (c->silence)
    {
      g_source_destroy (c->silence);
      g_source_unref (c->silence);
    }
  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
  g_object_unref (c->connection);
  g_object_unref (c->cancellable);
  g_free (c);
}

static gboolean
probe_receipt_cb (gpointer data)
{
  ProbeConn *c = data;

  c->probe->completed++;
  probe_conn_close (c);
  return G_SOURCE_REMOVE;
}

static void
probe_data_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  ProbeConn *c = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      probe_conn_close (c);   /* reset or cut: no receipt to give */
      return;
    }
  c->left -= n;
  probe_read_data (c);
}

static void
probe_read_data (ProbeConn *c)
{
  if (c->left > 0)
    {
      g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (c->connection)),
                                 c->buffer, MIN (c->left, (gint64) sizeof c->buffer),
                                 G_PRIORITY_DEFAULT, c->cancellable, probe_data_cb, c);
      return;
    }

  if (c->probe->refuse_name != NULL &&
      g_strcmp0 (c->probe->refuse_name, g_ptr_array_index (c->probe->names, c->index)) == 0)
    {
      struct linger reset = { .l_onoff = 1, .l_linger = 0 };

      setsockopt (g_socket_get_fd (g_socket_connection_get_socket (c->connection)),
                  SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      probe_conn_close (c);
      return;
    }

  if (c->probe->slow_name != NULL &&
      g_strcmp0 (c->probe->slow_name, g_ptr_array_index (c->probe->names, c->index)) == 0)
    g_timeout_add (c->probe->slow_delay, probe_receipt_cb, c);
  else if (c->probe->receipt_delay)
    g_timeout_add (c->probe->receipt_delay, probe_receipt_cb, c);
  else
    probe_receipt_cb (c);
}

static void
probe_header_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  ProbeConn *c = data;
  Probe *probe = c->probe;
  g_autoptr(GBytes) name = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &got, NULL) ||
      got != PH_WIRE_HEADER_SIZE)
    {
      probe_conn_close (c);
      return;
    }

  c->has_header = TRUE;
  probe->transfers++;
  probe->max_transfers = MAX (probe->max_transfers, probe->transfers);
  g_array_append_val (probe->at_header, probe->transfers);
  ph_wire_decode_header (c->header, &name, &c->left);
  c->index = probe->names->len;
  g_ptr_array_add (probe->names, g_strndup (g_bytes_get_data (name, NULL), g_bytes_get_size (name)));

  /* Read nothing more: the sender blocks once the buffers are full. */
  if (g_strcmp0 (probe->stall_name, g_ptr_array_index (probe->names, probe->names->len - 1)) == 0)
    {
      g_ptr_array_add (probe->stalled, c);
      return;
    }
  probe_read_data (c);
}

static gboolean
probe_silence_cb (gpointer data)
{
  ProbeConn *c = data;

  g_clear_pointer (&c->silence, g_source_unref);
  if (!c->has_header)
    {
      c->probe->silent_closed++;
      g_cancellable_cancel (c->cancellable);   /* the header read ends and closes */
    }
  return G_SOURCE_REMOVE;
}

static void
probe_accept_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  Probe *probe = data;
  GSocketConnection *connection;
  ProbeConn *c;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;

  c = g_new0 (ProbeConn, 1);
  c->probe = probe;
  c->connection = connection;
  c->cancellable = g_cancellable_new ();
  probe->connections++;
  probe->max_connections = MAX (probe->max_connections, probe->connections);

  if (probe->silent_close)
    {
      c->silence = g_timeout_source_new (probe->silent_close);
      g_source_set_callback (c->silence, probe_silence_cb, c, NULL);
      g_source_attach (c->silence, NULL);
    }
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                 c->header, sizeof c->header, G_PRIORITY_DEFAULT,
                                 c->cancellable, probe_header_cb, c);

  /* The original receiver: one connection, then the port is gone and
   * whatever the kernel had queued is reset. */
  if (probe->one_shot)
    g_socket_listener_close (probe->listener);
  else
    g_socket_listener_accept_async (probe->listener, NULL, probe_accept_cb, probe);
}

static Probe *
probe_new (void)
{
  Probe *probe = g_new0 (Probe, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  probe->names = g_ptr_array_new_with_free_func (g_free);
  probe->at_header = g_array_new (FALSE, FALSE, sizeof (guint));
  probe->stalled = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_conn_close);
  probe->listener = g_socket_listener_new ();
  /* As a real receiver's: connections made ahead must not overflow it
   * while a busy machine's main loop is late to accept (a dropped SYN
   * costs a second, and the file arrives last). */
  g_socket_listener_set_backlog (probe->listener, 256);
  g_socket_listener_add_address (probe->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  probe->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  probe->destination = g_strdup_printf ("127.0.0.1:%u", probe->port);

  return probe;
}

static void
probe_start (Probe *probe)
{
  g_socket_listener_accept_async (probe->listener, NULL, probe_accept_cb, probe);
}

static void
probe_free (Probe *probe)
{
  flush_main_context ();
  g_socket_listener_close (probe->listener);
  g_ptr_array_unref (probe->stalled);
  flush_main_context ();
  g_assert_cmpuint (probe->connections, ==, 0);
  g_object_unref (probe->listener);
  g_ptr_array_unref (probe->names);
  g_array_unref (probe->at_header);
  g_free (probe->destination);
  g_free (probe->stall_name);
  g_free (probe->slow_name);
  g_free (probe->refuse_name);
  g_free (probe);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Probe, probe_free)

/* -- a batch and its end ------------------------------------------------ */

typedef struct
{
  GListStore *transfers;
  gboolean    done;
  gboolean    ok;
  GError     *error;
} Batch;

static void
batch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  Batch *b = data;

  b->ok = ph_sender_send_all_finish (PH_SENDER (object), result, &b->error);
  b->done = TRUE;
}

/* Queued transfers of @n files "file-NN.bin" of @size bytes each
 * (NULL names: made up), to @destination. */
static GListStore *
make_transfers (const char  *dir,
                guint        n,
                gsize        size,
                const char  *destination)
{
  GListStore *store = g_list_store_new (PH_TYPE_TRANSFER);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%02u.bin", i);
      g_autofree char *path = make_file (dir, name, size, i + 1);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(PhTransfer) transfer = ph_transfer_new_outgoing (file, destination);

      g_list_store_append (store, transfer);
    }

  return store;
}

static PhTransfer *
nth (GListStore *store,
     guint       i)
{
  PhTransfer *transfer = g_list_model_get_item (G_LIST_MODEL (store), i);

  g_object_unref (transfer);   /* the store keeps it */
  return transfer;
}

static void
run_batch (PhSender     *sender,
           Batch        *b,
           guint         parallel,
           GCancellable *cancellable)
{
  ph_sender_send_all_async (sender, G_LIST_MODEL (b->transfers), parallel, cancellable,
                            batch_cb, b);
  WAIT_UNTIL (b->done);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (b->transfers)); i++)
    g_assert_true (ph_transfer_is_finished (nth (b->transfers, i)));
}

static void
batch_clear (Batch *b)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (b->transfers));
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  flush_main_context ();
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_object_ref (nth (b->transfers, i)));
  g_object_unref (b->transfers);
  /* The engine keeps nothing once it returned. */
  for (guint i = 0; i < n; i++)
    g_assert_finalize_object (g_ptr_array_index (items, i));
  g_clear_error (&b->error);
}

/* -- tests ----------------------------------------------------------------- */

/* Every file arrives whole, whatever order the receiver saw them in. */
static void
test_all_arrive (Fixture       *f,
                 gconstpointer  data)
{
  static const gsize sizes[] = { 0, 1, 4096, 16384, 100000, 1024 * 1024 + 7 };
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GPtrArray) saved = NULL;
  Batch b = { g_list_store_new (PH_TYPE_TRANSFER) };
  guint n = 36;

  fixture_start (f, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("part %02u.bin", i);
      g_autofree char *path = make_file (f->src_dir, name, sizes[i % G_N_ELEMENTS (sizes)], i);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(PhTransfer) transfer = ph_transfer_new_outgoing (file, f->destination);

      g_list_store_append (b.transfers, transfer);
    }

  run_batch (sender, &b, 0, NULL);
  g_assert_no_error (b.error);
  g_assert_true (b.ok);

  WAIT_UNTIL (f->received->len == n);
  saved = list_dir (f->dst_dir);
  g_assert_cmpuint (saved->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      PhTransfer *out = nth (b.transfers, i);
      g_autofree char *src = g_file_get_path (ph_transfer_get_source (out));
      g_autofree char *dst = g_build_filename (f->dst_dir, ph_transfer_get_name (out), NULL);

      g_assert_cmpint (ph_transfer_get_state (out), ==, PH_TRANSFER_DONE);
      g_assert_cmpint (ph_transfer_get_size (out), ==, (gint64) sizes[i % G_N_ELEMENTS (sizes)]);
      g_assert_cmpint (ph_transfer_get_bytes_done (out), ==, ph_transfer_get_size (out));
      g_assert_cmpstr (ph_transfer_get_peer (out), ==, f->destination);
      WAIT_UNTIL (ph_transfer_is_finished (g_ptr_array_index (f->received, i)));
      ph_test_assert_same_file (src, dst);
    }

  batch_clear (&b);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

/* --parallel 1: one file after the other, in order, never two at once. */
static void
test_one_at_a_time (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };

  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 20, 20000, probe->destination);
  run_batch (sender, &b, 1, NULL);
  g_assert_no_error (b.error);

  g_assert_cmpuint (probe->names->len, ==, 20);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpstr (g_ptr_array_index (probe->names, i), ==,
                     ph_transfer_get_name (nth (b.transfers, i)));
  g_assert_cmpuint (probe->max_transfers, ==, 1);
  /* One being sent, and at most the next one's connection made ahead. */
  g_assert_cmpuint (probe->max_connections, <=, 2);

  batch_clear (&b);
}

/* At most `parallel` files in the receiver's hands at once, and no more
 * than twice that many connections (each may have the next one ahead). */
static void
test_at_most_parallel (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };

  probe->receipt_delay = 20;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 30, 3000, probe->destination);
  run_batch (sender, &b, 3, NULL);
  g_assert_no_error (b.error);

  g_assert_cmpuint (probe->completed, ==, 30);
  g_assert_cmpuint (probe->max_transfers, ==, 3);
  g_assert_cmpuint (probe->max_connections, <=, 6);

  batch_clear (&b);
}

/* A batch of three is handed out before the first connection allows
 * more than one lane: the other two still go at once, not after the
 * first file's receipt (a receiver that asks would hear of one file). */
static void
test_small_batch_together (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };

  probe->receipt_delay = 500;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 3, 4000, probe->destination);
  run_batch (sender, &b, 0, NULL);
  g_assert_no_error (b.error);
  g_assert_true (b.ok);

  g_assert_cmpuint (probe->completed, ==, 3);
  g_assert_cmpuint (probe->max_transfers, ==, 3);

  batch_clear (&b);
}

/* Once every file is handed out, a lane waiting for a slow receipt
 * holds the file it connected ahead too: no lane is started for that
 * file, which is taken already (20,000 lane starts here before, each
 * taking an end mark and ending at once; a lossy link made 32,000 of
 * 500 files). */
static void
test_tail_no_churn (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };
  guint before;

  probe->slow_name = g_strdup ("file-30.bin");
  probe->slow_delay = 800;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 40, 1000, probe->destination);
  before = ph_sender_count_lanes_started ();
  run_batch (sender, &b, 0, NULL);
  g_assert_no_error (b.error);
  g_assert_true (b.ok);

  g_assert_cmpuint (probe->completed, ==, 40);
  g_test_message ("%u lanes started", ph_sender_count_lanes_started () - before);
  g_assert_cmpuint (ph_sender_count_lanes_started () - before, <=, 40);

  batch_clear (&b);
}

/* A connection made ahead that the receiver drops while the previous
 * file waits for its receipt is replaced, silently. */
static void
test_ahead_dropped (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };

  probe->receipt_delay = 300;
  probe->silent_close = 50;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 5, 1000, probe->destination);
  run_batch (sender, &b, 1, NULL);
  g_assert_no_error (b.error);
  g_assert_true (b.ok);

  g_assert_cmpuint (probe->completed, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (g_ptr_array_index (probe->names, i), ==,
                     ph_transfer_get_name (nth (b.transfers, i)));
  /* Connections were made ahead, and the receiver dropped them. */
  g_assert_cmpuint (probe->silent_closed, >, 0);

  batch_clear (&b);
}

static void
cancel_when_sending_cb (PhTransfer   *transfer,
                        GParamSpec   *pspec,
                        GCancellable *cancellable)
{
  if (ph_transfer_get_state (transfer) == PH_TRANSFER_SENDING)
    g_cancellable_cancel (cancellable);
}

/* Cancelling the batch ends everything not finished, leaves nothing
 * partial at the receiver, and the result says cancelled. */
static void
test_cancel_batch (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) saved = NULL;
  Batch b = { 0 };
  guint n = 12, cancelled = 0, queued_cancelled = 0;

  fixture_start (f, NULL);
  b.transfers = make_transfers (f->src_dir, n, 8 * 1024 * 1024, f->destination);
  g_signal_connect (nth (b.transfers, 0), "notify::state",
                    G_CALLBACK (cancel_when_sending_cb), cancellable);
  run_batch (sender, &b, 2, cancellable);

  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("%s", b.error->message);
  for (guint i = 0; i < n; i++)
    {
      PhTransfer *transfer = nth (b.transfers, i);

      if (ph_transfer_get_state (transfer) == PH_TRANSFER_CANCELLED)
        {
          cancelled++;
          if (ph_transfer_get_bytes_done (transfer) == 0 && ph_transfer_get_size (transfer) < 0)
            queued_cancelled++;
        }
      else
        g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_DONE);
    }
  /* The last ones never had their turn. */
  g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, n - 1)), ==, PH_TRANSFER_CANCELLED);
  g_assert_cmpuint (queued_cancelled, >, 0);
  g_assert_nonnull (strstr (b.error->message, "not sent"));

  /* The receiver kept the delivered files (and perhaps one whose
   * receipt the cancel overtook), and threw away the rest. */
  for (guint i = 0; i < f->received->len; i++)
    WAIT_UNTIL (ph_transfer_is_finished (g_ptr_array_index (f->received, i)));
  saved = list_dir (f->dst_dir);
  g_assert_cmpuint (saved->len, >=, n - cancelled);
  g_assert_cmpuint (saved->len, <=, n - queued_cancelled);

  batch_clear (&b);
}

static void
cancel_one_cb (PhTransfer *transfer,
               GParamSpec *pspec,
               gpointer    data)
{
  if (ph_transfer_get_state (transfer) == PH_TRANSFER_SENDING && ph_transfer_get_bytes_done (transfer) > 0)
    ph_transfer_cancel (transfer);
}

/* Cancelling one transfer of a batch cancels that file only. */
static void
test_cancel_one (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };
  PhTransfer *stalled;

  probe->stall_name = g_strdup ("file-02.bin");
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 10, 20000, probe->destination);
  /* Larger than the socket buffers: it cannot end on its own. */
  g_free (make_file (f->src_dir, "file-02.bin", 32 * 1024 * 1024, 99));
  stalled = nth (b.transfers, 2);
  g_signal_connect (stalled, "notify::bytes-done", G_CALLBACK (cancel_one_cb), NULL);
  run_batch (sender, &b, 4, NULL);

  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (b.error->message, "file-02.bin"));
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, i)), ==,
                     i == 2 ? PH_TRANSFER_CANCELLED : PH_TRANSFER_DONE);
  g_assert_cmpuint (probe->completed, ==, 9);

  batch_clear (&b);
}

/* One failing file among many: the others are delivered. */
static void
test_one_failure (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  Batch b = { 0 };
  g_autofree char *missing_path = g_build_filename (f->src_dir, "missing.bin", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(PhTransfer) lost = NULL;
  g_autoptr(GPtrArray) saved = NULL;

  fixture_start (f, NULL);
  b.transfers = make_transfers (f->src_dir, 12, 5000, f->destination);
  lost = ph_transfer_new_outgoing (missing, f->destination);
  g_list_store_insert (b.transfers, 5, lost);
  run_batch (sender, &b, 0, NULL);

  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", b.error->message);
  g_assert_nonnull (strstr (b.error->message, "“missing.bin” was not sent"));
  g_assert_cmpint (ph_transfer_get_state (lost), ==, PH_TRANSFER_FAILED);
  for (guint i = 0; i < 13; i++)
    if (i != 5)
      g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, i)), ==, PH_TRANSFER_DONE);
  WAIT_UNTIL (f->received->len == 12);
  saved = list_dir (f->dst_dir);
  g_assert_cmpuint (saved->len, ==, 12);

  g_clear_object (&lost);
  batch_clear (&b);
}

/* Nobody listening: every file fails, and the result counts them. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", ph_test_unused_port ());
  Batch b = { 0 };

  b.transfers = make_transfers (f->src_dir, 5, 100, destination);
  run_batch (sender, &b, 0, NULL);

  g_assert_false (b.ok);
  g_assert_error (b.error, PH_ERROR, PH_ERROR_CONNECTION);
  g_test_message ("%s", b.error->message);
  g_assert_nonnull (strstr (b.error->message, "“file-00.bin” and 4 other files were not sent"));
  g_assert_nonnull (strstr (b.error->message, "refused"));
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, i)), ==, PH_TRANSFER_FAILED);

  batch_clear (&b);
}

/* A receiver that takes one connection and exits gets the first file;
 * the others fail with a message. */
static void
test_one_shot_receiver (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Batch b = { 0 };

  probe->one_shot = TRUE;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 6, 2000, probe->destination);
  run_batch (sender, &b, 8, NULL);

  g_assert_false (b.ok);
  g_assert_cmpuint (probe->names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (probe->names, 0), ==, "file-00.bin");
  g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, 0)), ==, PH_TRANSFER_DONE);
  for (guint i = 1; i < 6; i++)
    {
      PhTransfer *transfer = nth (b.transfers, i);

      g_assert_cmpint (ph_transfer_get_state (transfer), ==, PH_TRANSFER_FAILED);
      g_assert_true (g_error_matches (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_CONNECTION));
      g_test_message ("%s: %s", ph_transfer_get_name (transfer),
                      ph_transfer_get_error_message (transfer));
    }
  g_assert_nonnull (strstr (b.error->message, "“file-01.bin” and 4 other files"));

  batch_clear (&b);
}

/* A model that makes its transfers when asked, and counts. */
typedef struct
{
  GObject     parent_instance;
  char       *dir;
  char       *destination;
  guint       n;
  guint       asked;
  guint       finished;
  guint       most_ahead;    /* asked - finished, at most */
} Lazy;

typedef GObjectClass LazyClass;
static GType lazy_get_type (void);
static void lazy_model_init (GListModelInterface *iface);
G_DEFINE_TYPE_WITH_CODE (Lazy, lazy, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lazy_model_init))

static void
lazy_state_cb (PhTransfer *transfer,
               GParamSpec *pspec,
               Lazy       *self)
{
  if (ph_transfer_is_finished (transfer))
    {
      self->finished++;
      g_signal_handlers_disconnect_by_data (transfer, self);
    }
}

static GType
lazy_get_item_type (GListModel *model)
{
  return PH_TYPE_TRANSFER;
}

static guint
lazy_get_n_items (GListModel *model)
{
  return ((Lazy *) model)->n;
}

static gpointer
lazy_get_item (GListModel *model,
               guint       position)
{
  Lazy *self = (Lazy *) model;
  g_autofree char *path = g_build_filename (self->dir, "same.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  PhTransfer *transfer = ph_transfer_new_outgoing (file, self->destination);

  self->asked++;
  self->most_ahead = MAX (self->most_ahead, self->asked - self->finished);
  g_signal_connect (transfer, "notify::state", G_CALLBACK (lazy_state_cb), self);

  return transfer;
}

static void
lazy_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lazy_get_item_type;
  iface->get_n_items = lazy_get_n_items;
  iface->get_item = lazy_get_item;
}

static void
lazy_class_init (LazyClass *klass)
{
}

static void
lazy_init (Lazy *self)
{
}

/* A long model is read as the files' turns come, not all at first. */
static void
test_long_model (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  g_autofree char *path = make_file (f->src_dir, "same.bin", 500, 7);
  Lazy *lazy = g_object_new (lazy_get_type (), NULL);
  Batch b = { 0 };

  probe_start (probe);
  lazy->dir = f->src_dir;
  lazy->destination = probe->destination;
  lazy->n = 300;
  ph_sender_send_all_async (sender, G_LIST_MODEL (lazy), 4, NULL, batch_cb, &b);
  WAIT_UNTIL (b.done);

  g_assert_no_error (b.error);
  g_assert_cmpuint (lazy->asked, ==, 300);
  g_assert_cmpuint (lazy->finished, ==, 300);
  g_assert_cmpuint (probe->completed, ==, 300);
  /* Per lane: its file, the next one ahead, two queued, and one whose
   * end is on its way to the main context; never more with a longer model. */
  g_test_message ("items asked ahead of the finished ones: at most %u", lazy->most_ahead);
  g_assert_cmpuint (lazy->most_ahead, <=, 5 * 4);

  flush_main_context ();
  g_assert_finalize_object (lazy);
}

/* Cancelled before its turn: that one only. An empty model succeeds. */
static void
test_cancelled_before (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GListStore) empty = g_list_store_new (PH_TYPE_TRANSFER);
  Batch b = { 0 };
  Batch none = { empty };

  fixture_start (f, NULL);
  run_batch (sender, &none, 0, NULL);
  g_assert_true (none.ok);

  b.transfers = make_transfers (f->src_dir, 4, 100, f->destination);
  ph_transfer_cancel (nth (b.transfers, 1));
  run_batch (sender, &b, 0, NULL);

  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, 1)), ==, PH_TRANSFER_CANCELLED);
  for (guint i = 0; i < 4; i++)
    if (i != 1)
      g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, i)), ==, PH_TRANSFER_DONE);
  WAIT_UNTIL (f->received->len == 3);

  batch_clear (&b);
}

/* What PhSender::window-changed said, for one batch. */
typedef struct
{
  GListModel *transfers;
  GArray     *sizes;
  GPtrArray  *reasons;
} Windows;

static void
window_changed_cb (PhSender   *sender,
                   GListModel *transfers,
                   guint       files,
                   const char *reason,
                   Windows    *w)
{
  g_assert_true (transfers == w->transfers);
  g_assert_nonnull (reason);
  g_array_append_val (w->sizes, files);
  g_ptr_array_add (w->reasons, g_strdup (reason));
  g_test_message ("window: %u files in flight: %s", files, reason);
}

static void
windows_clear (Windows *w)
{
  g_array_unref (w->sizes);
  g_ptr_array_unref (w->reasons);
}

static guint
windows_most (Windows *w)
{
  guint most = 0;

  for (guint i = 0; i < w->sizes->len; i++)
    most = MAX (most, g_array_index (w->sizes, guint, i));
  return most;
}

/* Receipts that take long (a link with latency): the window grows past
 * where it starts, never past the most a receiver takes, and the
 * receiver never has more files at once than that. */
static void
test_window_grows (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Windows w = { NULL, g_array_new (FALSE, FALSE, sizeof (guint)),
                g_ptr_array_new_with_free_func (g_free) };
  Batch b = { 0 };

  probe->receipt_delay = 15;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 400, 3000, probe->destination);
  w.transfers = G_LIST_MODEL (b.transfers);
  g_signal_connect (sender, "window-changed", G_CALLBACK (window_changed_cb), &w);
  run_batch (sender, &b, 0, NULL);
  g_assert_no_error (b.error);

  g_assert_cmpuint (probe->completed, ==, 400);
  g_assert_cmpuint (g_array_index (w.sizes, guint, 0), ==, PH_SENDER_DEFAULT_PARALLEL);
  g_test_message ("at most %u files at the receiver at once, %u connections",
                  probe->max_transfers, probe->max_connections);
  g_assert_cmpuint (windows_most (&w), >=, 2 * PH_SENDER_DEFAULT_PARALLEL);
  g_assert_cmpuint (windows_most (&w), <=, PH_SEND_WINDOW_PLAIN_MAX);
  g_assert_cmpuint (probe->max_transfers, >, PH_SENDER_DEFAULT_PARALLEL);
  g_assert_cmpuint (probe->max_transfers, <=, PH_SEND_WINDOW_PLAIN_MAX);
  /* Each may have the next connection made ahead. */
  g_assert_cmpuint (probe->max_connections, <=, 2 * PH_SEND_WINDOW_PLAIN_MAX);

  windows_clear (&w);
  batch_clear (&b);
}

/* The receiver does not save a file: the window halves, the lanes too
 * many end after their file, and from then on the receiver never has
 * more files at once than the window allows. */
static void
test_window_shrinks (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Windows w = { NULL, g_array_new (FALSE, FALSE, sizeof (guint)),
                g_ptr_array_new_with_free_func (g_free) };
  Batch b = { 0 };
  guint refused_at = 0, after = 0, size = 0, before = 0, most_after = 0, window_after = 0;

  probe->receipt_delay = 15;
  probe->refuse_name = g_strdup ("file-300.bin");
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 500, 3000, probe->destination);
  w.transfers = G_LIST_MODEL (b.transfers);
  g_signal_connect (sender, "window-changed", G_CALLBACK (window_changed_cb), &w);
  run_batch (sender, &b, 0, NULL);

  g_assert_false (b.ok);
  g_assert_error (b.error, PH_ERROR, PH_ERROR_CONNECTION);
  g_assert_cmpint (ph_transfer_get_state (nth (b.transfers, 300)), ==, PH_TRANSFER_FAILED);
  g_assert_cmpuint (probe->completed, ==, 499);

  for (guint i = 0; i < w.sizes->len; i++)
    {
      if (size > 0)
        window_after = MAX (window_after, g_array_index (w.sizes, guint, i));
      else if (strstr (g_ptr_array_index (w.reasons, i), "did not save") != NULL)
        {
          size = window_after = g_array_index (w.sizes, guint, i);
          before = g_array_index (w.sizes, guint, i - 1);
          g_assert_cmpuint (size, <=, before / 2 + 1);
        }
    }
  g_assert_cmpuint (size, >, 0);

  /* Once the lanes it had have ended (a window's worth of files later),
   * no more than the window allowed since, however it grew again. */
  for (guint i = 0; i < probe->names->len; i++)
    if (g_str_equal (g_ptr_array_index (probe->names, i), "file-300.bin"))
      {
        refused_at = i;
        break;
      }
  for (guint i = refused_at + 2 * PH_SEND_WINDOW_PLAIN_MAX;
       i < MIN (probe->at_header->len, refused_at + 2 * PH_SEND_WINDOW_PLAIN_MAX + 20); i++, after++)
    most_after = MAX (most_after, g_array_index (probe->at_header, guint, i));
  g_test_message ("refused the %uth header; window %u → %u, at most %u since; then at most "
                  "%u at once over %u files", refused_at, before, size, window_after, most_after, after);
  g_assert_cmpuint (after, >, 0);
  /* What is said is the settled window: a trial may add a quarter. */
  g_assert_cmpuint (most_after, <=, window_after + (window_after + 3) / 4);

  windows_clear (&w);
  batch_clear (&b);
}

/* --parallel N fixes it: said once, never changed. */
static void
test_window_fixed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(Probe) probe = probe_new ();
  Windows w = { NULL, g_array_new (FALSE, FALSE, sizeof (guint)),
                g_ptr_array_new_with_free_func (g_free) };
  Batch b = { 0 };

  probe->receipt_delay = 10;
  probe_start (probe);
  b.transfers = make_transfers (f->src_dir, 120, 3000, probe->destination);
  w.transfers = G_LIST_MODEL (b.transfers);
  g_signal_connect (sender, "window-changed", G_CALLBACK (window_changed_cb), &w);
  run_batch (sender, &b, 5, NULL);
  g_assert_no_error (b.error);

  g_assert_cmpuint (w.sizes->len, ==, 1);
  g_assert_cmpuint (g_array_index (w.sizes, guint, 0), ==, 5);
  g_assert_cmpuint (probe->max_transfers, ==, 5);

  windows_clear (&w);
  batch_clear (&b);
}

/* A real receiver (8 files at once from one sender, the rest in its
 * queue) and many small files, with the window adapting: everything
 * arrives whole, under its own name. */
static void
test_window_real_receiver (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GPtrArray) saved = NULL;
  Windows w = { NULL, g_array_new (FALSE, FALSE, sizeof (guint)),
                g_ptr_array_new_with_free_func (g_free) };
  Batch b = { 0 };
  guint n = 1500;

  fixture_start (f, NULL);
  b.transfers = make_transfers (f->src_dir, n, 2048, f->destination);
  w.transfers = G_LIST_MODEL (b.transfers);
  g_signal_connect (sender, "window-changed", G_CALLBACK (window_changed_cb), &w);
  run_batch (sender, &b, 0, NULL);
  g_assert_no_error (b.error);
  g_assert_true (b.ok);

  WAIT_UNTIL (f->received->len == n);
  for (guint i = 0; i < n; i++)
    WAIT_UNTIL (ph_transfer_is_finished (g_ptr_array_index (f->received, i)));
  saved = list_dir (f->dst_dir);
  g_assert_cmpuint (saved->len, ==, n);
  for (guint i = 0; i < n; i += 97)
    {
      PhTransfer *out = nth (b.transfers, i);
      g_autofree char *src = g_file_get_path (ph_transfer_get_source (out));
      g_autofree char *dst = g_build_filename (f->dst_dir, ph_transfer_get_name (out), NULL);

      ph_test_assert_same_file (src, dst);
    }
  g_assert_cmpuint (windows_most (&w), <=, PH_SEND_WINDOW_PLAIN_MAX);
  g_assert_cmpuint (f->failures->len, ==, 0);

  windows_clear (&w);
  batch_clear (&b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/send-all/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("all-arrive", test_all_arrive);
  ADD ("one-at-a-time", test_one_at_a_time);
  ADD ("at-most-parallel", test_at_most_parallel);
  ADD ("small-batch-together", test_small_batch_together);
  ADD ("tail-no-churn", test_tail_no_churn);
  ADD ("ahead-dropped", test_ahead_dropped);
  ADD ("cancel-batch", test_cancel_batch);
  ADD ("cancel-one", test_cancel_one);
  ADD ("one-failure", test_one_failure);
  ADD ("refused", test_refused);
  ADD ("one-shot-receiver", test_one_shot_receiver);
  ADD ("long-model", test_long_model);
  ADD ("cancelled-before", test_cancelled_before);
  ADD ("window-grows", test_window_grows);
  ADD ("window-shrinks", test_window_shrinks);
  ADD ("window-fixed", test_window_fixed);
  ADD ("window-real-receiver", test_window_real_receiver);

  return g_test_run ();
}
