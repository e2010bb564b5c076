/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-readahead-private.h"
#include "ph-secure-channel-private.h"

/* Units smaller than this (frames, their words, a small file's bytes)
 * are cut from one TLS read of up to a record's worth, not read one by
 * one through TLS: a small file's frame, word and bytes are one read. */
#define AHEAD_SIZE (16 * 1024)

void
ph_channel_init (PhChannel      *channel,
                 GTlsConnection *tls,
                 GCancellable   *cancellable)
{
  GSocket *socket;

  g_return_if_fail (channel != NULL && G_IS_TLS_CONNECTION (tls));

  memset (channel, 0, sizeof *channel);
  channel->tls = g_object_ref (tls);
  channel->in = g_io_stream_get_input_stream (G_IO_STREAM (tls));
  channel->out = g_io_stream_get_output_stream (G_IO_STREAM (tls));
  channel->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  socket = ph_readahead_find_socket (G_IO_STREAM (tls));
  channel->socket = socket ? g_object_ref (socket) : NULL;
  channel->readahead = ph_readahead_find (G_IO_STREAM (tls));
  ph_frame_reader_init (&channel->reader, PH_SECURE_CHUNK);
  channel->ahead = g_malloc (AHEAD_SIZE);
}

void
ph_channel_clear (PhChannel *channel)
{
  g_return_if_fail (channel != NULL);

  ph_frame_reader_clear (&channel->reader);
  g_clear_pointer (&channel->ahead, g_free);
  g_clear_object (&channel->socket);
  g_clear_object (&channel->cancellable);
  g_clear_object (&channel->tls);
}

/* A peer that moves nothing for @msec (rounded up to seconds; 0: no
 * limit) makes the blocking read or write under way fail with
 * G_IO_ERROR_TIMED_OUT. */
void
ph_channel_set_idle (PhChannel *channel,
                     guint      msec)
{
  if (channel->socket != NULL)
    g_socket_set_timeout (channel->socket, (msec + 999) / 1000);
}

/* The handshake done: what TLS writes for one call of ours leaves in
 * one system call, not one per record. */
void
ph_channel_buffer_writes (PhChannel *channel)
{
  if (channel->readahead != NULL)
    ph_readahead_set_buffering (channel->readahead, TRUE);
}

gboolean
ph_channel_write (PhChannel     *channel,
                  const void    *data,
                  gsize          len,
                  GError       **error)
{
  return g_output_stream_write_all (channel->out, data, len, NULL, channel->cancellable, error) &&
         (channel->readahead == NULL ||
          ph_readahead_flush (channel->readahead, channel->cancellable, error));
}

gboolean
ph_channel_send (PhChannel        *channel,
                 const PhMessage  *message,
                 GError          **error)
{
  g_autoptr(GBytes) frame = ph_message_encode (message);
  gsize len;
  const void *data = g_bytes_get_data (frame, &len);

  return ph_channel_write (channel, data, len, error);
}

/* Puts up to @want bytes of the stream into @space: what was read
 * ahead, else one read (ahead for a small unit, straight in for a
 * large one). Returns: how many; 0 at the end of the stream; -1 with
 * @error (G_IO_ERROR_WOULD_BLOCK when not @blocking and nothing is
 * there) */
static gssize
channel_fill (PhChannel  *channel,
              gboolean    blocking,
              guint8     *space,
              gsize       want,
              GError    **error)
{
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (channel->in);
  gsize got = 0;

  if (channel->ahead_pos == channel->ahead_len && want < AHEAD_SIZE)
    {
      gssize n = blocking
                 ? g_input_stream_read (channel->in, channel->ahead, AHEAD_SIZE, channel->cancellable, error)
                 : g_pollable_input_stream_read_nonblocking (pollable, channel->ahead, AHEAD_SIZE,
                                                             channel->cancellable, error);

      if (n <= 0)
        return n;
      channel->ahead_pos = 0;
      channel->ahead_len = n;
    }

  if (channel->ahead_pos < channel->ahead_len)
    {
      got = MIN (want, channel->ahead_len - channel->ahead_pos);
      memcpy (space, channel->ahead + channel->ahead_pos, got);
      channel->ahead_pos += got;
      return got;
    }

  if (!blocking)
    return g_pollable_input_stream_read_nonblocking (pollable, space, want, channel->cancellable, error);
  if (!g_input_stream_read_all (channel->in, space, want, &got, channel->cancellable, error))
    return -1;
  return got;
}

/**
 * ph_channel_read:
 * @blocking: wait for the unit to complete; otherwise read only what
 *   is there (PH_UNIT_NONE without an error when that is not enough)
 * @eof: (out): set when the stream ended cleanly between two units
 *
 * Returns: the next unit (see ph_frame_reader_commit()); PH_UNIT_NONE
 *   with @error when the stream broke or is not well-formed
 */
PhUnitKind
ph_channel_read (PhChannel      *channel,
                 gboolean        blocking,
                 PhMessage      *message,
                 const guint8  **data,
                 gsize          *len,
                 gboolean       *eof,
                 GError        **error)
{
  *eof = FALSE;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize want = 0;
      guint8 *space = ph_frame_reader_space (&channel->reader, &want);
      gboolean boundary = ph_frame_reader_at_boundary (&channel->reader);
      gssize got = channel_fill (channel, blocking, space, want, &local_error);
      PhUnitKind kind;

      if (got < 0)
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_propagate_error (error, g_steal_pointer (&local_error));
          return PH_UNIT_NONE;
        }

      if (got == 0)
        {
          if (boundary)
            *eof = TRUE;
          else
            g_set_error_literal (error, PH_ERROR, PH_ERROR_SHORT,
                                 _("The connection ended in the middle of a frame"));
          return PH_UNIT_NONE;
        }

      kind = ph_frame_reader_commit (&channel->reader, got, message, data, len, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return PH_UNIT_NONE;
        }
      if (kind != PH_UNIT_NONE)
        return kind;
    }
}

/* Waits until the channel has something to read, @wake_fd is readable
 * (or -1), or @timeout_msec passed (-1: no limit).
 * Returns: TRUE when there may be something to read */
gboolean
ph_channel_wait (PhChannel *channel,
                 int        wake_fd,
                 gint       timeout_msec)
{
  struct pollfd fds[2];
  nfds_t n = 1;

  if (channel->ahead_pos < channel->ahead_len ||
      g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (channel->in)))
    return TRUE;
  if (channel->socket == NULL)
    return TRUE;

  fds[0].fd = g_socket_get_fd (channel->socket);
  fds[0].events = POLLIN;
  if (wake_fd >= 0)
    {
      fds[1].fd = wake_fd;
      fds[1].events = POLLIN;
      n = 2;
    }

  while (poll (fds, n, timeout_msec) < 0)
    if (errno != EINTR)
      return TRUE;

  return fds[0].revents != 0;
}

struct _PhSecureEvents
{
  GObject           *owner;   /* weak: the owner frees the queue */
  PhSecureEventFunc  func;
  GMainContext      *context;
  GAsyncQueue       *queue;
  GMutex             lock;
  GSource           *source;  /* attached while events wait */
};

static gboolean
dispatch_cb (gpointer user_data)
{
  PhSecureEvents *events = user_data;

  g_mutex_lock (&events->lock);
  g_clear_pointer (&events->source, g_source_unref);
  g_mutex_unlock (&events->lock);

  ph_secure_events_flush (events);
  return G_SOURCE_REMOVE;
}

static void
release_owner (gpointer user_data)
{
  PhSecureEvents *events = user_data;

  g_object_unref (events->owner);
}

/* @owner: whose context (the thread-default one now) handles events */
PhSecureEvents *
ph_secure_events_new (GObject           *owner,
                      PhSecureEventFunc  func)
{
  PhSecureEvents *events = g_new0 (PhSecureEvents, 1);

  events->owner = owner;
  events->func = func;
  events->context = g_main_context_ref_thread_default ();
  events->queue = g_async_queue_new ();
  g_mutex_init (&events->lock);

  return events;
}

static gboolean
source_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  return callback (user_data);
}

/* Ready at its ready time only. */
static GSourceFuncs source_funcs = { NULL, NULL, source_dispatch, NULL, NULL, NULL };

/**
 * ph_secure_events_post:
 * @urgent: handle it at once; otherwise within PH_SECURE_EVENTS_DELAY_MS,
 *   with whatever else came meanwhile
 *
 * Thread-safe. Events of a thousand small files wake the owner's
 * context a few times, not thousands.
 */
void
ph_secure_events_post (PhSecureEvents *events,
                       gpointer        event,
                       gboolean        urgent)
{
  g_async_queue_push (events->queue, event);

  g_mutex_lock (&events->lock);
  if (events->source == NULL)
    {
      events->source = g_source_new (&source_funcs, sizeof (GSource));
      g_source_set_priority (events->source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (events->source, "[posthouse] secure channel events");
      g_source_set_ready_time (events->source,
                               urgent ? 0 : g_get_monotonic_time () + PH_SECURE_EVENTS_DELAY_MS * 1000);
      /* The owner (who frees the queue) stays until it ran. */
      g_object_ref (events->owner);
      g_source_set_callback (events->source, dispatch_cb, events, release_owner);
      g_source_attach (events->source, events->context);
    }
  else if (urgent)
    g_source_set_ready_time (events->source, 0);
  g_mutex_unlock (&events->lock);
}

/* On the owner's context: handles what arrived, in order. */
void
ph_secure_events_flush (PhSecureEvents *events)
{
  gpointer event;

  g_object_ref (events->owner);
  while ((event = g_async_queue_try_pop (events->queue)) != NULL)
    events->func (events->owner, event);
  g_object_unref (events->owner);
}

/* From the owner's finalize: nothing posts any more, and what was
 * posted was handled (each post holds the owner until then). */
void
ph_secure_events_free (PhSecureEvents *events)
{
  if (events == NULL)
    return;

  g_mutex_lock (&events->lock);
  if (events->source != NULL)
    {
      g_source_destroy (events->source);
      g_clear_pointer (&events->source, g_source_unref);
    }
  g_mutex_unlock (&events->lock);

  g_async_queue_unref (events->queue);
  g_main_context_unref (events->context);
  g_mutex_clear (&events->lock);
  g_free (events);
}

typedef struct
{
  GFunc    func;
  gpointer data;
} Job;

static void
thread_run (gpointer data,
            gpointer pool_data)
{
  Job *job = data;

  job->func (job->data, NULL);
  g_free (job);
}

/* Runs func(data) on a thread of its own: a batch blocks for as long
 * as it takes, so it does not belong in GTask's pool. Idle threads go
 * back to GLib's shared set and are reused. */
gboolean
ph_secure_run_in_thread (GFunc     func,
                         gpointer  data,
                         GError  **error)
{
  static GThreadPool *pool;
  Job *job = g_new (Job, 1);

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (thread_run, NULL, -1, FALSE, NULL));

  job->func = func;
  job->data = data;
  if (!g_thread_pool_push (pool, job, error))
    {
      g_free (job);
      return FALSE;
    }

  return TRUE;
}

/* Returns: (transfer full) (nullable): the peer's "address:port" */
char *
ph_secure_describe_peer (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) address = g_socket_connection_get_remote_address (connection, NULL);
  g_autofree char *host = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return ph_address_format (host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/* For g_cancellable_connect(): cancels @other too. */
void
ph_secure_cancel_other_cb (GCancellable *cancellable,
                           gpointer      other)
{
  g_cancellable_cancel (G_CANCELLABLE (other));
}

/**
 * ph_secure_explain:
 * @error: (transfer full): how the connection failed once its files moved
 * @peer: the other end, for the sentence
 * @idle_msec: the time limit that ran out, for a timeout
 * @receiving: which end says it
 *
 * Returns: (transfer full): a sentence about @peer for @error
 */
GError *
ph_secure_explain (GError     *error,
                   const char *peer,
                   guint       idle_msec,
                   gboolean    receiving)
{
  g_autoptr(GError) owned = error;
  guint seconds = (idle_msec + 999) / 1000;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_PROTOCOL))
    return g_error_new (PH_ERROR, PH_ERROR_PROTOCOL,
                        _("%s broke the secure channel’s protocol: %s"), peer, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) && receiving)
    return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "%s sent nothing for %u second",
                                     "%s sent nothing for %u seconds",
                                     seconds),
                        peer, seconds);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The receiver at %s stopped reading for %u second",
                                     "The receiver at %s stopped reading for %u seconds",
                                     seconds),
                        peer, seconds);
  /* Said already, and well enough: declined, wrong key, a file's reason. */
  if (error->domain == PH_ERROR && error->code != PH_ERROR_SHORT && error->code != PH_ERROR_CONNECTION)
    return g_steal_pointer (&owned);

  return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                      receiving ? _("The connection from %s failed: %s")
                                : _("The connection to %s failed: %s"),
                      peer, error->message);
}
