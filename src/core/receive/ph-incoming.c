/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "ph-error.h"
#include "ph-folders-private.h"
#include "ph-incoming-private.h"
#include "ph-naming.h"
#include "ph-part-file-private.h"
#include "ph-data-path.h"
#include "ph-gsource-private.h"
#include "ph-disk-space-private.h"
#include "ph-transfer-private.h"

struct _PhIncoming
{
  GObject            parent_instance;

  GSocketConnection *connection;
  GMainContext      *context;
  PhTransfer        *transfer;
  GCancellable      *abort;        /* the transfer's cancellable, or ph_incoming_end() */
  gulong             abort_id;
  GError            *end_error;    /* why ph_incoming_end() stopped the data phase */
  GFile             *directory;
  GFile             *file;
  PhDiskSpace           *space;
  char              *host;
  char              *peer;
  char              *name;         /* as the sender named it, cleaned: "Folder/name" with paths */
  char              *folders;      /* NULL, or the folders of name ("Holiday/Day 1") */
  char              *prefix;
  char              *save_name;    /* prefix + name, within the folder's name limit */
  gint64             size;
  guint              idle_timeout;
  GSource           *hangup_source;
  GSource           *cancel_source;
  gboolean           receiving;
  gboolean           finished;
};

G_DEFINE_FINAL_TYPE (PhIncoming, ph_incoming, G_TYPE_OBJECT)

enum {
  ACCEPTED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The file's own name, without its folders. */
static const char *
file_name (PhIncoming *self)
{
  const char *slash = strrchr (self->name, '/');

  return slash ? slash + 1 : self->name;
}

static void
unwatch (PhIncoming *self)
{
  ph_gsource_clear (&self->hangup_source);
  ph_gsource_clear (&self->cancel_source);
}

/* Ends the transfer with @error (NULL: saved). The way the connection
 * ends is the sender's receipt: in order once saved, a reset otherwise. */
void
ph_incoming_finish (PhIncoming *self,
                    GError     *error)
{
  g_return_if_fail (PH_IS_INCOMING (self));

  if (self->finished)
    {
      g_clear_error (&error);
      return;
    }

  g_object_ref (self);
  self->finished = TRUE;
  unwatch (self);

  if (error)
    {
      struct linger reset = { .l_onoff = 1, .l_linger = 0 };

      setsockopt (g_socket_get_fd (g_socket_connection_get_socket (self->connection)),
                  SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      ph_transfer_fail (self->transfer, error);
    }
  else
    {
      g_autofree char *final_name = g_file_get_relative_path (self->directory, self->file);

      /* "photo (2).jpg" when "photo.jpg" was taken; "Holiday (2)/photo.jpg"
       * when a file held the folder's name. */
      if (final_name == NULL)
        final_name = g_file_get_basename (self->file);
      ph_transfer_set_name (self->transfer, final_name);
      ph_transfer_set_file (self->transfer, self->file);
      ph_transfer_set_bytes_done (self->transfer, self->size);
      ph_transfer_set_state (self->transfer, PH_TRANSFER_DONE);
    }
  g_clear_error (&error);

  g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_signal_emit (self, signals[FINISHED], 0);
  g_object_unref (self);
}

/* Ends the transfer with @error whatever it is doing: at once while it
 * waits, through its data thread while it receives. */
void
ph_incoming_end (PhIncoming *self,
                 GError     *error)
{
  g_return_if_fail (PH_IS_INCOMING (self));
  g_return_if_fail (error != NULL);

  if (self->finished || !self->receiving)
    {
      ph_incoming_finish (self, error);
      return;
    }

  if (self->end_error == NULL)
    self->end_error = error;
  else
    g_error_free (error);
  g_cancellable_cancel (self->abort);
}

static void watch_hangup (PhIncoming   *self,
                          GIOCondition  condition);

static gboolean
hangup_cb (int          fd,
           GIOCondition condition,
           gpointer     user_data)
{
  PhIncoming *self = user_data;
  int available = 0;

  g_clear_pointer (&self->hangup_source, g_source_unref);

  /* A sender that sent everything and ended its stream (as Posthouse
   * and the original do) is not gone: it waits for us. Keep watching,
   * for a reset only: that is how it gives up. */
  if (!(condition & (G_IO_HUP | G_IO_ERR)) &&
      ioctl (fd, FIONREAD, &available) == 0 && available >= self->size)
    {
      watch_hangup (self, G_IO_HUP | G_IO_ERR);
      return G_SOURCE_REMOVE;
    }

  if (condition & G_IO_ERR)
    ph_incoming_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                           _("%s cancelled sending “%s”; nothing was saved"),
                                           self->peer, self->name));
  else
    ph_incoming_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                           _("%s hung up before the transfer started"), self->peer));
  return G_SOURCE_REMOVE;
}

static void
watch_hangup (PhIncoming   *self,
              GIOCondition  condition)
{
  GSocket *socket = g_socket_connection_get_socket (self->connection);

  self->hangup_source =
    ph_gsource_attach (g_unix_fd_source_new (g_socket_get_fd (socket), condition),
                      "[posthouse] sender hang-up", G_SOURCE_FUNC (hangup_cb), self, self->context);
}

static gboolean
waiting_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  PhIncoming *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  ph_incoming_finish (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
  return G_SOURCE_REMOVE;
}

/* While a transfer waits (for approval or a slot) nothing is read, so
 * TCP holds the sender; watch for its hang-up and for cancellation. */
void
ph_incoming_wait (PhIncoming *self)
{
  g_return_if_fail (PH_IS_INCOMING (self));

  if (self->hangup_source == NULL)
    watch_hangup (self, (GIOCondition) (POLLRDHUP | G_IO_HUP | G_IO_ERR));

  if (self->cancel_source == NULL)
    self->cancel_source =
      ph_gsource_attach (g_cancellable_source_new (ph_transfer_get_cancellable (self->transfer)),
                        "[posthouse] waiting transfer cancelled",
                        G_SOURCE_FUNC (waiting_cancelled_cb), self, self->context);
}

static void
decision_cb (PhTransfer *transfer,
             gboolean    accepted,
             gpointer    user_data)
{
  PhIncoming *self = user_data;

  if (accepted)
    {
      unwatch (self);
      g_signal_emit (self, signals[ACCEPTED], 0);
    }
  else
    ph_incoming_finish (self, g_error_new_literal (PH_ERROR, PH_ERROR_DECLINED, _("Declined")));
}

/* Holds the transfer WAITING for the person's decision. */
void
ph_incoming_ask (PhIncoming *self)
{
  g_return_if_fail (PH_IS_INCOMING (self));

  ph_transfer_set_state (self->transfer, PH_TRANSFER_WAITING);
  ph_transfer_set_decision_func (self->transfer, decision_cb, self);
  ph_incoming_wait (self);
}

static GError *
explain_receive_error (PhIncoming *self,
                       GError     *error)
{
  g_autoptr(GError) owned = error;
  gint64 bytes_done = ph_transfer_get_bytes_done (self->transfer);
  g_autofree char *done = g_format_size (bytes_done);
  g_autofree char *size = g_format_size (self->size);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_SHORT))
    return g_error_new (PH_ERROR, PH_ERROR_SHORT,
                        _("The connection from %s ended after %s of %s; nothing was saved"),
                        self->peer, done, size);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION) && bytes_done == self->size)
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("%s gave up on “%s” after sending all of it; nothing was saved"),
                        self->peer, self->name);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("The connection from %s broke after %s of %s; nothing was saved"),
                        self->peer, done, size);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_FILE_CHANGED))
    return g_error_new (PH_ERROR, PH_ERROR_FILE_CHANGED,
                        _("%s sent more than the %s it announced for “%s”; nothing was saved"),
                        self->peer, size, self->name);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_TIMED_OUT))
    {
      guint seconds = (self->idle_timeout + 999) / 1000;

      return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%s sent nothing for %u second after %s of %s; nothing was saved",
                                       "%s sent nothing for %u seconds after %s of %s; nothing was saved",
                                       seconds),
                          self->peer, seconds, done, size);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return g_error_new (PH_ERROR, PH_ERROR_NO_SPACE,
                        _("The disk became full while receiving “%s”; nothing was saved"),
                        self->name);
  if (error->domain == PH_ERROR)
    return g_steal_pointer (&owned);

  return g_error_new (PH_ERROR, PH_ERROR_FOLDER, _("Could not save “%s”: %s"),
                      self->name, error->message);
}

/* g_autofd is GLib 2.76. */
static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

static gboolean
reserve_cb (gpointer   data,
            gint64     done,
            GError   **error)
{
  return ph_disk_space_claim_advance (data, done, error);
}

/* The data phase: part file, data, end of stream, commit. Where the
 * name becomes a file: the only place that turns save_name into a path. */
static gboolean
receive_thread (gpointer       task_data,
                GCancellable  *cancellable,
                GError       **error)
{
  PhIncoming *self = task_data;
  g_autofree char *dir = g_file_get_path (self->directory);
  g_autofree char *dir_display = g_file_get_parse_name (self->directory);
  g_autoptr(PhPartFile) part = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) folder = g_object_ref (self->directory);
  int folder_fd __attribute__ ((cleanup (close_fd))) = -1;
  int sock = g_socket_get_fd (g_socket_connection_get_socket (self->connection));
  PhDiskSpaceClaim *claim;
  PhDataPath pump;
  gboolean ok;

  if (dir == NULL)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("“%s” is not a local folder"), dir_display);
      return FALSE;
    }

  /* The folders of a path, made or merged now: the part file goes
   * where the file will be. */
  if (self->folders != NULL)
    {
      int root_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (root_fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("Could not open the folder “%s”: %s"),
                       dir_display, g_strerror (saved_errno));
          return FALSE;
        }
      g_clear_object (&folder);
      folder_fd = ph_folders_open (root_fd, self->directory, self->folders, &folder, error);
      close (root_fd);
      if (folder_fd < 0)
        return FALSE;
    }

  part = ph_part_file_create_at (dir, folder_fd, &local_error);
  if (part == NULL)
    {
      /* Its message names the folder already. */
      g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, local_error->message);
      return FALSE;
    }

  claim = ph_disk_space_claim (self->space, ph_part_file_get_fd (part), self->size);
  if (claim == NULL)
    {
      g_autofree char *size = g_format_size (self->size);

      g_set_error (error, PH_ERROR, PH_ERROR_NO_SPACE,
                   _("Not enough space in “%s” for “%s” (%s); refused"), dir_display, self->name, size);
      return FALSE;
    }

  ph_data_path_init (&pump, cancellable, self->transfer, self->idle_timeout);
  pump.reserve = reserve_cb;
  pump.reserve_data = claim;
  ok = ph_data_path_receive (&pump, sock, ph_part_file_get_fd (part), self->size, &local_error) &&
       ph_data_path_receive_end (&pump, sock, PH_INCOMING_EOF_GRACE_MS, &local_error);
  ph_data_path_clear (&pump);

  /* As late as possible: a sender that gave up must not find its file
   * saved. (One that gives up after this moment is told it failed, and
   * the file stays: the harmless way round.) */
  if (ok && ph_data_path_peer_reset (sock))
    {
      g_set_error_literal (&local_error, PH_ERROR, PH_ERROR_CONNECTION, g_strerror (ECONNRESET));
      ok = FALSE;
    }

  if (ok)
    {
      self->file = ph_part_file_commit_at (part, folder_fd, folder, self->save_name, &local_error);
      if (self->file == NULL)
        {
          /* Its message names the file and the folder already. */
          g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, local_error->message);
          ph_disk_space_release (self->space, claim);
          return FALSE;
        }
    }
  else
    g_propagate_error (error, explain_receive_error (self, g_steal_pointer (&local_error)));

  /* Before the part file closes: the claim looks at it. */
  ph_disk_space_release (self->space, claim);

  return ok;
}

static void
receive_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PhIncoming *self = PH_INCOMING (object);
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (error && self->end_error)
    {
      g_clear_error (&error);
      error = g_steal_pointer (&self->end_error);
    }
  ph_incoming_finish (self, error);
}

/* The data phase, on a thread of its own: the receiver gave it a slot. */
void
ph_incoming_receive (PhIncoming *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PH_IS_INCOMING (self));
  g_return_if_fail (!self->receiving && !self->finished);

  unwatch (self);
  self->receiving = TRUE;
  ph_transfer_set_state (self->transfer, PH_TRANSFER_RECEIVING);

  task = g_task_new (self, self->abort, receive_done_cb, NULL);
  g_task_set_source_tag (task, ph_incoming_receive);
  /* A file committed just before a cancel stays saved. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (self), g_object_unref);
  ph_data_path_run_in_thread (task, receive_thread);
}

/**
 * ph_incoming_name_budget:
 * @directory: the receive folder
 * @prefix: (nullable): what goes before every name
 * @budget: (out) (optional): bytes left for the sender's name
 *
 * Checks @prefix against the longest name the folder's file system
 * takes, leaving room for a numbered variant.
 *
 * Returns: FALSE with PH_ERROR_PREFIX when the prefix is too long
 */
gboolean
ph_incoming_name_budget (GFile       *directory,
                         const char  *prefix,
                         gsize       *budget,
                         GError     **error)
{
  g_autofree char *path = directory ? g_file_get_path (directory) : NULL;
  long name_max = path ? pathconf (path, _PC_NAME_MAX) : -1;
  gsize room;

  if (name_max <= 0)
    name_max = 255;

  room = ph_naming_budget (name_max, prefix);
  if (budget)
    *budget = room;
  if (room > 0)
    return TRUE;

  {
    g_autofree char *display = path ? g_filename_display_name (path) : g_strdup ("?");
    guint longest = (guint) MAX (0, name_max - PH_NAMING_VARIANT_BYTES - PH_NAMING_MIN_BYTES);

    g_set_error (error, PH_ERROR, PH_ERROR_PREFIX,
                 /* Translators: the prefix, a folder, then two byte counts */
                 _("The prefix “%s” is too long for “%s”: names there are limited to %u bytes, "
                   "so a prefix may have at most %u"),
                 prefix ? prefix : "", display, (guint) name_max, longest);
  }
  return FALSE;
}

/* Refusals that need no byte of data: a size that cannot be right or
 * cannot fit, a name that cannot be made. Returns: (nullable): why it
 * is refused */
GError *
ph_incoming_check (PhIncoming *self)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *short_name = NULL;
  guint64 free_space;
  gsize budget;

  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  if (self->size < 0)
    return g_error_new (PH_ERROR, PH_ERROR_NEGATIVE_SIZE,
                        _("%s announced “%s” with a negative size; refused"), self->peer, self->name);

  if (self->directory == NULL)
    return g_error_new_literal (PH_ERROR, PH_ERROR_FOLDER, _("No folder to save received files in"));

  /* The final name is known to fit before a byte is read. */
  if (!ph_incoming_name_budget (self->directory, self->prefix, &budget, &error))
    return g_steal_pointer (&error);
  short_name = ph_naming_truncate (file_name (self), budget);
  g_free (self->save_name);
  self->save_name = g_strconcat (self->prefix ? self->prefix : "", short_name, NULL);

  info = g_file_query_filesystem_info (self->directory, G_FILE_ATTRIBUTE_FILESYSTEM_FREE,
                                       NULL, &error);
  if (info == NULL)
    {
      g_autofree char *dir = g_file_get_parse_name (self->directory);

      return g_error_new (PH_ERROR, PH_ERROR_FOLDER, _("Cannot use the folder “%s”: %s"),
                          dir, error->message);
    }

  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return NULL;

  free_space = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
  if ((guint64) self->size > free_space)
    {
      g_autofree char *size_str = g_format_size ((guint64) self->size);
      g_autofree char *free_str = g_format_size (free_space);

      return g_error_new (PH_ERROR, PH_ERROR_NO_SPACE,
                          _("“%s” from %s needs %s but only %s are free; refused"),
                          self->name, self->peer, size_str, free_str);
    }

  return NULL;
}

static void
ph_incoming_dispose (GObject *object)
{
  PhIncoming *self = PH_INCOMING (object);

  unwatch (self);
  if (self->abort_id)
    g_cancellable_disconnect (ph_transfer_get_cancellable (self->transfer), self->abort_id);
  self->abort_id = 0;

  G_OBJECT_CLASS (ph_incoming_parent_class)->dispose (object);
}

static void
ph_incoming_finalize (GObject *object)
{
  PhIncoming *self = PH_INCOMING (object);

  g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_object_unref (self->connection);
  g_object_unref (self->transfer);
  g_object_unref (self->abort);
  g_clear_error (&self->end_error);
  g_clear_object (&self->directory);
  g_clear_object (&self->file);
  ph_disk_space_unref (self->space);
  g_main_context_unref (self->context);
  g_free (self->host);
  g_free (self->peer);
  g_free (self->name);
  g_free (self->folders);
  g_free (self->prefix);
  g_free (self->save_name);

  G_OBJECT_CLASS (ph_incoming_parent_class)->finalize (object);
}

static void
ph_incoming_class_init (PhIncomingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_incoming_dispose;
  object_class->finalize = ph_incoming_finalize;

  signals[ACCEPTED] =
    g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ph_incoming_init (PhIncoming *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->abort = g_cancellable_new ();
}

static void
cancel_abort_cb (GCancellable *cancellable,
                 gpointer      abort)
{
  g_cancellable_cancel (G_CANCELLABLE (abort));
}

/* @host: the peer's address alone, @peer: "address:port" for messages;
 * @name: the sanitised name the sender gave ("Folder/name" where the
 * receiver accepts paths); @prefix: (nullable);
 * @space: what the receiver's transfers claimed */
PhIncoming *
ph_incoming_new (GSocketConnection *connection,
                 const char        *host,
                 const char        *peer,
                 const char        *name,
                 const char        *prefix,
                 gint64             size,
                 GFile             *directory,
                 guint              idle_timeout,
                 PhDiskSpace           *space)
{
  PhIncoming *self;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (connection), NULL);
  g_return_val_if_fail (host != NULL && peer != NULL && name != NULL, NULL);

  self = g_object_new (PH_TYPE_INCOMING, NULL);
  self->connection = g_object_ref (connection);
  self->host = g_strdup (host);
  self->peer = g_strdup (peer);
  self->name = g_strdup (name);
  if (strrchr (name, '/') != NULL)
    self->folders = g_strndup (name, strrchr (name, '/') - name);
  self->prefix = g_strdup (prefix);
  self->save_name = g_strconcat (prefix ? prefix : "", file_name (self), NULL);
  self->size = size;
  self->directory = directory ? g_object_ref (directory) : NULL;
  self->idle_timeout = idle_timeout;
  self->space = ph_disk_space_ref (space);
  /* The person decides about the sender's name; once saved, the
   * transfer takes the final name (prefix, numbered variant). */
  self->transfer = ph_transfer_new_incoming (peer, name, size);
  self->abort_id = g_cancellable_connect (ph_transfer_get_cancellable (self->transfer),
                                          G_CALLBACK (cancel_abort_cb), self->abort, NULL);

  return self;
}

PhTransfer *
ph_incoming_get_transfer (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return self->transfer;
}

/* Returns: the peer's address, without the port */
const char *
ph_incoming_get_host (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return self->host;
}

const char *
ph_incoming_get_peer (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return self->peer;
}

const char *
ph_incoming_get_name (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return self->name;
}

/* Returns: whether the data phase started (it holds a slot) */
gboolean
ph_incoming_get_receiving (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), FALSE);

  return self->receiving;
}
