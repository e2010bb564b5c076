/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "harden-util.h"
#include "ph-sender-private.h"

static gboolean
timeout_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until @condition holds; FALSE when
 * @timeout_ms passed first. The limit only turns a hang into a failure. */
gboolean
hu_wait_until (HuCondition condition,
               gpointer    data,
               guint       timeout_ms)
{
  gboolean expired = FALSE;
  guint id;

  if (condition (data))
    return TRUE;

  id = g_timeout_add (timeout_ms, timeout_cb, &expired);
  /* Conditions on threads and files are not main-loop events: poll. */
  while (!expired && !condition (data))
    {
      g_main_context_iteration (NULL, FALSE);
      if (!condition (data))
        g_usleep (2000);
    }
  if (!expired)
    g_source_remove (id);

  return condition (data);
}

static gboolean
never_cb (gpointer data)
{
  return FALSE;
}

/* Sleeps while keeping the main context running. */
void
hu_sleep_ms (guint ms)
{
  hu_wait_until (never_cb, NULL, ms);
}

/* "a.bin (1048576), .posthouse-x.part (12)" for failure messages. */
char *
hu_describe_dir (const char *path)
{
  g_autoptr(GPtrArray) names = ph_test_list_dir (path);
  GString *text = g_string_new (NULL);

  if (names == NULL)
    return g_string_free (g_string_append (text, "(no folder)"), FALSE);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      GStatBuf st;

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, names->pdata[i]);
      if (g_lstat (child, &st) == 0)
        g_string_append_printf (text, " (%" G_GINT64_FORMAT ")", (gint64) st.st_size);
    }
  if (text->len == 0)
    g_string_append (text, "(empty)");

  return g_string_free (text, FALSE);
}

guint
hu_count_hidden (const char *path)
{
  g_autoptr(GPtrArray) names = ph_test_list_dir (path);
  guint n = 0;

  for (guint i = 0; names != NULL && i < names->len; i++)
    if (((const char *) names->pdata[i])[0] == '.')
      n++;

  return n;
}

GBytes *
hu_random_bytes (gsize   size,
                 guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint32 *words = g_malloc ((size + 3) / 4 * 4 + 4);

  for (gsize i = 0; i < (size + 3) / 4; i++)
    words[i] = g_rand_int (rand);

  return g_bytes_new_take (words, size);
}

void
hu_assert_file_equals (const char *path,
                       GBytes     *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, g_bytes_get_size (expected));
  g_assert_true (memcmp (contents, g_bytes_get_data (expected, NULL), len) == 0);
}

guint
hu_count_fds (void)
{
  g_autoptr(GPtrArray) names = ph_test_list_dir ("/proc/self/fd");

  g_assert_nonnull (names);
  /* minus the descriptor that listed them */
  return names->len - 1;
}

char *
hu_write_temp_file (const char *dir,
                    const char *name,
                    GBytes     *content)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (content, NULL),
                       g_bytes_get_size (content), &error);
  g_assert_no_error (error);

  return path;
}

GSocket *
hu_listen_on_loopback (int      backlog,
                       guint16 *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (socket, backlog);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return socket;
}

/* A TCP connection to 127.0.0.1:@port, from @source (NULL: any). */
static GSocket *
connect_to_loopback (const char *source,
                     guint16     port,
                     gboolean    blocking)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (source != NULL)
    {
      g_autoptr(GInetAddress) from = g_inet_address_new_from_string (source);
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new (from, 0);

      g_socket_bind (socket, local, FALSE, &error);
      g_assert_no_error (error);
    }
  g_socket_set_blocking (socket, blocking);
  if (!g_socket_connect (socket, address, NULL, &error) && !blocking)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  else
    g_assert_no_error (error);

  return socket;
}

GSocket *
hu_connect_raw (guint16  port,
                gboolean blocking)
{
  return connect_to_loopback (NULL, port, blocking);
}

GSocket *
hu_connect_from (const char *source,
                 guint16     port)
{
  GSocket *socket = connect_to_loopback (source, port, TRUE);

  g_socket_set_timeout (socket, 60);
  return socket;
}

gsize
hu_mount_small_fs (const char *kind,
                   const char *dir,
                   const char *image_dir,
                   guint       megabytes)
{
  struct statvfs st;

  if (geteuid () != 0)
    {
      g_test_skip ("Needs root to mount a small file system");
      return 0;
    }

  if (g_str_equal (kind, "tmpfs"))
    {
      g_autofree char *options = g_strdup_printf ("size=%um,mode=0700", megabytes);

      if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
        {
          g_autofree char *msg = g_strdup_printf ("Cannot mount a tmpfs here (%s): case not run",
                                                  g_strerror (errno));
          g_test_skip (msg);
          return 0;
        }
    }
  else
    {
      g_autofree char *image = g_build_filename (image_dir, "disk.img", NULL);
      g_autofree char *mkfs = g_strdup_printf ("mkfs.ext4 -q -F %s %uM", image, megabytes);
      g_autofree char *mnt = g_strdup_printf ("mount -o loop,nosuid,nodev %s %s", image, dir);
      g_autofree char *lost = g_build_filename (dir, "lost+found", NULL);
      int status = -1;

      if (!g_spawn_command_line_sync (mkfs, NULL, NULL, &status, NULL) || status != 0 ||
          !g_spawn_command_line_sync (mnt, NULL, NULL, &status, NULL) || status != 0)
        {
          g_test_skip ("Cannot make and loop-mount a small ext4 file system here "
                       "(mkfs.ext4, loop devices): case not run");
          return 0;
        }
      g_chmod (dir, 0700);
      /* An empty folder, as any receive folder starts. */
      g_rmdir (lost);
    }

  g_assert_cmpint (statvfs (dir, &st), ==, 0);
  g_test_message ("%s: %" G_GUINT64_FORMAT " bytes free", kind, (guint64) st.f_bavail * st.f_frsize);

  return st.f_bavail * st.f_frsize;
}

static void
hu_send_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HuSend *send = user_data;

  send->ok = ph_sender_send_finish (PH_SENDER (source), result, &send->error);
  send->done = TRUE;
}

HuSend *
hu_send_start (const char *path,
               guint16     port,
               guint       connect_timeout,
               guint       idle_timeout_ms)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", port);
  HuSend *send = g_new0 (HuSend, 1);

  send->transfer = ph_transfer_new_outgoing (file, destination);
  ph_sender_set_connect_timeout (sender, connect_timeout);
  ph_sender_set_idle_timeout (sender, idle_timeout_ms);
  /* The task holds the sender until it is done. */
  ph_sender_send_async (sender, send->transfer, NULL, hu_send_done_cb, send);

  return send;
}

static gboolean
hu_send_done (gpointer data)
{
  return ((HuSend *) data)->done;
}

/* Runs the main context until the send is over: FALSE after @timeout_ms. */
gboolean
hu_send_wait (HuSend *send,
              guint   timeout_ms)
{
  return hu_wait_until (hu_send_done, send, timeout_ms);
}

void
hu_send_free (HuSend *send)
{
  if (send == NULL)
    return;

  /* Never leave a callback pointing at freed memory. */
  if (!send->done)
    {
      ph_transfer_cancel (send->transfer);
      g_assert_true (hu_send_wait (send, 20000));
    }
  g_clear_error (&send->error);
  g_object_unref (send->transfer);
  g_free (send);
}

gpointer
hu_dying_receiver_thread (gpointer data)
{
  HuDying *dying = data;
  g_autoptr(GSocket) conn = g_socket_accept (dying->listener, NULL, NULL);
  struct linger linger = { 1, 0 };
  char buf[65536];
  gsize got = 0;

  g_assert_nonnull (conn);
  while (got < dying->read_before_dying)
    {
      gssize n = g_socket_receive (conn, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        break;
      got += n;
    }
  setsockopt (g_socket_get_fd (conn), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (conn, NULL);

  return NULL;
}

GBytes *
hu_header (const char *name,
           gint64      size)
{
  guint8 *header = g_malloc (PH_WIRE_HEADER_SIZE);

  ph_wire_encode_raw ((const guint8 *) name, strlen (name), size, header);
  return g_bytes_new_take (header, PH_WIRE_HEADER_SIZE);
}

/* Receiver */

static void
transfer_added_cb (PhReceiver *receiver,
                   PhTransfer *transfer,
                   HuReceiver *self)
{
  g_ptr_array_add (self->transfers, g_object_ref (transfer));
}

static void
connection_failed_cb (PhReceiver   *receiver,
                      const char   *peer,
                      const GError *error,
                      HuReceiver   *self)
{
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, !=, "");
  g_ptr_array_add (self->failures, g_strdup (error->message));
}

HuReceiver *
hu_receiver_new (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  HuReceiver *self = g_new0 (HuReceiver, 1);

  self->dir = g_strdup (dir);
  self->transfers = g_ptr_array_new_with_free_func (g_object_unref);
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->receiver = ph_receiver_new (folder);
  ph_receiver_set_bind_address (self->receiver, "127.0.0.1");
  ph_receiver_set_port (self->receiver, 0);
  g_signal_connect (self->receiver, "transfer-added",
                    G_CALLBACK (transfer_added_cb), self);
  g_signal_connect (self->receiver, "connection-failed",
                    G_CALLBACK (connection_failed_cb), self);
  ph_receiver_start (self->receiver, &error);
  g_assert_no_error (error);
  self->port = ph_receiver_get_port (self->receiver);
  g_assert_cmpuint (self->port, >, 0);

  return self;
}

static gboolean
all_finished_cb (gpointer data)
{
  HuReceiver *self = data;

  for (guint i = 0; i < self->transfers->len; i++)
    if (!ph_transfer_is_finished (self->transfers->pdata[i]))
      return FALSE;
  return TRUE;
}

void
hu_receiver_free (HuReceiver *self)
{
  ph_receiver_stop (self->receiver);
  ph_receiver_cancel_all (self->receiver);
  hu_wait_until (all_finished_cb, self, 10000);
  g_signal_handlers_disconnect_by_data (self->receiver, self);
  g_clear_pointer (&self->transfers, g_ptr_array_unref);
  g_assert_finalize_object (self->receiver);
  g_clear_pointer (&self->failures, g_ptr_array_unref);
  g_free (self->dir);
  g_free (self);
}

/* For failure messages: each transfer's state and error, each refusal. */
char *
hu_receiver_describe (HuReceiver *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->transfers->len; i++)
    {
      PhTransfer *transfer = self->transfers->pdata[i];
      const char *message = ph_transfer_get_error_message (transfer);

      g_string_append_printf (text, "[transfer “%s” state %d, %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "%s%s] ",
                              ph_transfer_get_name (transfer), ph_transfer_get_state (transfer),
                              ph_transfer_get_bytes_done (transfer), ph_transfer_get_size (transfer),
                              message ? ": " : "", message ? message : "");
    }
  for (guint i = 0; i < self->failures->len; i++)
    g_string_append_printf (text, "[refused: %s] ", (char *) self->failures->pdata[i]);
  if (text->len == 0)
    g_string_append (text, "(nothing announced)");

  return g_string_free (text, FALSE);
}

/* Transfers announced that are in @state now. */
guint
hu_receiver_count_state (HuReceiver      *self,
                         PhTransferState  state)
{
  guint n = 0;

  for (guint i = 0; i < self->transfers->len; i++)
    if (ph_transfer_get_state (self->transfers->pdata[i]) == state)
      n++;

  return n;
}

/* Transfers that ended, plus connections refused before a transfer. */
guint
hu_receiver_finished (HuReceiver *self)
{
  guint n = self->failures->len;

  for (guint i = 0; i < self->transfers->len; i++)
    if (ph_transfer_is_finished (self->transfers->pdata[i]))
      n++;

  return n;
}

typedef struct
{
  HuReceiver *self;
  guint       n;
} FinishedWait;

static gboolean
n_finished_cb (gpointer data)
{
  FinishedWait *wait = data;

  return hu_receiver_finished (wait->self) >= wait->n && all_finished_cb (wait->self);
}

gboolean
hu_receiver_wait_finished (HuReceiver *self,
                           guint       n,
                           guint       timeout_ms)
{
  FinishedWait wait = { self, n };

  if (!hu_wait_until (n_finished_cb, &wait, timeout_ms))
    {
      g_autofree char *state = hu_receiver_describe (self);

      g_test_message ("waited for %u finished, receiver: %s", n, state);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  HuReceiver *self;
  gsize       bytes;
} ReceivingWait;

static gboolean
receiving_cb (gpointer data)
{
  ReceivingWait *wait = data;
  PhTransfer *newest;

  if (wait->self->transfers->len == 0)
    return FALSE;
  newest = wait->self->transfers->pdata[wait->self->transfers->len - 1];
  return ph_transfer_get_state (newest) == PH_TRANSFER_RECEIVING &&
         (gsize) ph_transfer_get_bytes_done (newest) >= wait->bytes;
}

/* Waits until the newest transfer is in its data phase with @bytes
 * written: its part file may have no name to look for. */
gboolean
hu_receiver_wait_receiving (HuReceiver *self,
                            gsize       bytes,
                            guint       timeout_ms)
{
  ReceivingWait wait = { self, bytes };

  return hu_wait_until (receiving_cb, &wait, timeout_ms);
}

/* Raw peer */

struct _HuPeer
{
  GThread *thread;
  GMutex   lock;
  GCond    cond;
  guint16  port;
  GBytes  *header;
  GBytes  *data;
  gsize    pause_at;
  HuEnd    end;

  gboolean paused;
  gboolean resumed;
  gboolean done;
  gboolean saw_close;
  HuReceipt receipt;
  gsize    sent;
  GError  *write_error;
};

static gboolean
peer_send (HuPeer        *self,
           GSocket       *socket,
           const guint8  *data,
           gsize          len)
{
  while (len > 0)
    {
      GError *error = NULL;
      gssize n = g_socket_send (socket, (const char *) data, MIN (len, 65536), NULL, &error);

      if (n < 0)
        {
          g_mutex_lock (&self->lock);
          self->write_error = error;
          g_mutex_unlock (&self->lock);
          return FALSE;
        }
      data += n;
      len -= n;
      g_mutex_lock (&self->lock);
      self->sent += n;
      g_mutex_unlock (&self->lock);
    }

  return TRUE;
}

static gpointer
peer_thread (gpointer data)
{
  HuPeer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, self->port);
  const guint8 *bytes;
  gsize len;
  gsize first;
  gboolean ok;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 60);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);

  bytes = g_bytes_get_data (self->header, &len);
  ok = peer_send (self, socket, bytes, len);

  bytes = self->data ? g_bytes_get_data (self->data, &len) : NULL;
  if (bytes == NULL)
    len = 0;
  first = MIN (len, self->pause_at);
  ok = ok && (first == 0 || peer_send (self, socket, bytes, first));

  if (self->pause_at != G_MAXSIZE)
    {
      g_mutex_lock (&self->lock);
      self->paused = TRUE;
      while (!self->resumed)
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);
    }

  ok = ok && (len == first || peer_send (self, socket, bytes + first, len - first));

  if (ok && self->end == HU_END_RESET)
    {
      struct linger linger = { 1, 0 };

      g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
                                   &linger, sizeof linger), ==, 0);
    }
  else if (ok && self->end == HU_END_AWAIT_CLOSE)
    {
      char buf[4096];
      gssize n;

      g_socket_shutdown (socket, FALSE, TRUE, NULL);
      do
        n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      while (n > 0);
      if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        self->saw_close = TRUE;
      if (n == 0)
        self->receipt = HU_RECEIPT_EOF;
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        self->receipt = HU_RECEIPT_RESET;
    }
  else if (!ok)
    self->receipt = HU_RECEIPT_RESET;
  g_socket_close (socket, NULL);

  g_mutex_lock (&self->lock);
  self->done = TRUE;
  g_mutex_unlock (&self->lock);

  return NULL;
}

HuPeer *
hu_peer_start (guint16  port,
               GBytes  *header,
               GBytes  *data,
               gsize    pause_at,
               HuEnd    end)
{
  HuPeer *self = g_new0 (HuPeer, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->port = port;
  self->header = g_bytes_ref (header);
  self->data = data ? g_bytes_ref (data) : NULL;
  self->pause_at = pause_at;
  self->end = end;
  self->thread = g_thread_new ("hu-peer", peer_thread, self);

  return self;
}

gboolean
hu_peer_is_paused (HuPeer *self)
{
  gboolean paused;

  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);

  return paused;
}

void
hu_peer_resume (HuPeer *self)
{
  g_mutex_lock (&self->lock);
  self->resumed = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
hu_peer_is_done (HuPeer *self)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  done = self->done;
  g_mutex_unlock (&self->lock);

  return done;
}

gsize
hu_peer_get_sent (HuPeer *self)
{
  gsize sent;

  g_mutex_lock (&self->lock);
  sent = self->sent;
  g_mutex_unlock (&self->lock);

  return sent;
}

HuReceipt
hu_peer_join_receipt (HuPeer *self)
{
  HuReceipt receipt;

  hu_peer_resume (self);
  hu_wait_until ((HuCondition) hu_peer_is_done, self, 120000);
  receipt = self->receipt;
  hu_peer_join (self, NULL);

  return receipt;
}

gboolean
hu_peer_join (HuPeer  *self,
              GError **write_error)
{
  gboolean closed;

  hu_peer_resume (self);
  /* The receiver may need the main context to drain the peer. */
  hu_wait_until ((HuCondition) hu_peer_is_done, self, 120000);
  g_thread_join (self->thread);
  closed = self->saw_close || self->write_error != NULL;
  if (write_error != NULL)
    *write_error = g_steal_pointer (&self->write_error);
  g_clear_error (&self->write_error);
  g_bytes_unref (self->header);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);

  return closed;
}

/* Tight senders */

GSubprocess *
hu_tight_send_start (guint16     port,
                     guint       count,
                     gsize       size,
                     const char *source,
                     const char *prefix,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *script = g_getenv ("PH_TIGHT_SEND");
  const char *python = g_getenv ("PYTHON");
  const char *arg;
  GSubprocess *process;
  va_list args;

  g_assert_nonnull (script);
  g_ptr_array_add (argv, g_strdup (python ? python : "python3"));
  g_ptr_array_add (argv, g_strdup (script));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  g_ptr_array_add (argv, g_strdup_printf ("%u", count));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GSIZE_FORMAT, size));
  if (source != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--source"));
      g_ptr_array_add (argv, g_strdup (source));
    }
  g_ptr_array_add (argv, g_strdup ("--prefix"));
  g_ptr_array_add (argv, g_strdup (prefix));
  va_start (args, prefix);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Its "sent N" would break a TAP stream; failures go to stderr. */
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  return process;
}

static void
process_waited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_cb (gpointer data)
{
  return *(gboolean *) data;
}

/* Runs the main context until the sender is done; TRUE when it sent
 * every file. */
gboolean
hu_tight_send_wait (GSubprocess *process,
                    guint        timeout_ms)
{
  gboolean waited = FALSE;

  gboolean expired = FALSE;
  guint id;

  /* Blocking iterations: a receiver in this process runs at full speed. */
  g_subprocess_wait_async (process, NULL, process_waited_cb, &waited);
  id = g_timeout_add (timeout_ms, timeout_cb, &expired);
  while (!waited && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  if (!waited)
    {
      g_subprocess_force_exit (process);
      hu_wait_until (flag_cb, &waited, 10000);
      return FALSE;
    }
  return g_subprocess_get_successful (process);
}

GBytes *
hu_tight_content (const char *prefix,
                  guint       index,
                  gsize       size)
{
  g_autofree char *seed = g_strdup_printf ("%s%u", prefix, index);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *data = g_malloc (size);

  g_checksum_update (checksum, (const guchar *) seed, strlen (seed));
  g_checksum_get_digest (checksum, digest, &digest_len);
  for (gsize i = 0; i < size; i++)
    data[i] = digest[i % sizeof digest];

  return g_bytes_new_take (data, size);
}

void
hu_assert_tight_files (const char *dir,
                       const char *prefix,
                       guint       count,
                       gsize       size)
{
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%05u.bin", prefix, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) expected = hu_tight_content (prefix, i, size);

      hu_assert_file_equals (path, expected);
    }
}
