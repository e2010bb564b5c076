/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "ph-error.h"
#include "ph-incoming-private.h"
#include "ph-naming.h"
#include "ph-pump.h"
#include "ph-source-private.h"
#include "ph-space-private.h"
#include "ph-transfer-private.h"

#define PART_TEMPLATE PH_PART_PREFIX "XXXXXX" PH_PART_SUFFIX

struct _PhIncoming
{
  GObject            parent_instance;

  GSocketConnection *connection;
  GMainContext      *context;
  PhTransfer        *transfer;
  GFile             *directory;
  GFile             *file;
  PhSpace           *space;
  char              *peer;
  char              *name;         /* as the sender named it, cleaned */
  char              *save_name;    /* the same with the receiver's prefix */
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
static mode_t file_mode = 0644;

static void
unwatch (PhIncoming *self)
{
  ph_clear_source (&self->hangup_source);
  ph_clear_source (&self->cancel_source);
}

/* Ends the transfer with @error (NULL: done). Closing after the rename
 * is the sender's delivery receipt. */
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
    ph_transfer_fail (self->transfer, error);
  else
    {
      g_autofree char *final_name = g_file_get_basename (self->file);

      /* "photo (2).jpg" when "photo.jpg" was taken. */
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

static gboolean
hangup_cb (int          fd,
           GIOCondition condition,
           gpointer     user_data)
{
  PhIncoming *self = user_data;
  int available = 0;

  /* A sender that finished writing and closed (as the original does)
   * is not gone: if the whole file is already in our receive queue,
   * keep it. Anything less can never complete. */
  if (!(condition & (G_IO_HUP | G_IO_ERR)) &&
      ioctl (fd, FIONREAD, &available) == 0 && available >= self->size)
    {
      g_clear_pointer (&self->hangup_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  g_clear_pointer (&self->hangup_source, g_source_unref);
  /* A reset is how a sender cancels (see ph-sender.c). */
  if (condition & G_IO_ERR)
    ph_incoming_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                           _("%s cancelled sending “%s”; nothing was saved"),
                                           self->peer, self->name));
  else
    ph_incoming_finish (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                                           _("%s hung up before the transfer started"), self->peer));
  return G_SOURCE_REMOVE;
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
  GSocket *socket;

  g_return_if_fail (PH_IS_INCOMING (self));

  socket = g_socket_connection_get_socket (self->connection);
  if (self->hangup_source == NULL)
    self->hangup_source =
      ph_source_attach (g_unix_fd_source_new (g_socket_get_fd (socket),
                                              (GIOCondition) (POLLRDHUP | G_IO_HUP | G_IO_ERR)),
                        "[posthouse] sender hang-up", G_SOURCE_FUNC (hangup_cb), self, self->context);

  if (self->cancel_source == NULL)
    self->cancel_source =
      ph_source_attach (g_cancellable_source_new (ph_transfer_get_cancellable (self->transfer)),
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
  g_autofree char *done = g_format_size (ph_transfer_get_bytes_done (self->transfer));
  g_autofree char *size = g_format_size (self->size);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_SHORT))
    return g_error_new (PH_ERROR, PH_ERROR_SHORT,
                        _("The connection from %s ended after %s of %s; nothing was saved"),
                        self->peer, done, size);
  if (g_error_matches (error, PH_ERROR, PH_ERROR_CONNECTION))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("The connection from %s broke after %s of %s; nothing was saved"),
                        self->peer, done, size);
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

static gboolean
receive_thread (gpointer       task_data,
                GCancellable  *cancellable,
                GError       **error)
{
  PhIncoming *self = task_data;
  g_autofree char *dir = g_file_get_path (self->directory);
  g_autofree char *dir_display = g_file_get_parse_name (self->directory);
  g_autofree char *path = NULL;
  g_autoptr(GFile) part = NULL;
  g_autoptr(GError) local_error = NULL;
  PhPump pump;
  gboolean ok;
  int fd;

  if (dir == NULL)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("“%s” is not a local folder"), dir_display);
      return FALSE;
    }

  path = g_build_filename (dir, PART_TEMPLATE, NULL);
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("Could not create a file in “%s”: %s"),
                   dir_display, g_strerror (errsv));
      return FALSE;
    }
  flock (fd, LOCK_EX);

  if (!ph_space_reserve (self->space, fd, self->size))
    {
      g_autofree char *size = g_format_size (self->size);

      g_set_error (error, PH_ERROR, PH_ERROR_NO_SPACE,
                   _("Not enough space in “%s” for “%s” (%s); refused"), dir_display, self->name, size);
      ok = FALSE;
      goto out;
    }

  ph_pump_init (&pump, cancellable, self->transfer, self->idle_timeout);
  ok = ph_pump_receive (&pump, g_socket_get_fd (g_socket_connection_get_socket (self->connection)),
                        fd, self->size, &local_error);
  ph_pump_clear (&pump);

  if (ok)
    {
      part = g_file_new_for_path (path);
      fchmod (fd, file_mode);
      self->file = ph_naming_commit (part, self->directory, self->save_name, &local_error);
      ok = self->file != NULL;
      if (!ok)
        {
          /* Its message already names the file and the folder. */
          g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, local_error->message);
          goto out;
        }
    }

  if (!ok && local_error)
    g_propagate_error (error, explain_receive_error (self, g_steal_pointer (&local_error)));

out:
  if (!ok)
    g_unlink (path);
  ph_space_release (self->space, fd);
  close (fd);

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

  task = g_task_new (self, ph_transfer_get_cancellable (self->transfer), receive_done_cb, NULL);
  g_task_set_source_tag (task, ph_incoming_receive);
  /* A file committed just before a cancel stays saved. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_object_ref (self), g_object_unref);
  ph_pump_run_in_thread (task, receive_thread);
}

/* Refusals that need no byte of data: a size that cannot be right or
 * cannot fit. Returns: (nullable): why it is refused */
GError *
ph_incoming_check (PhIncoming *self)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint64 free_space;

  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  if (self->size < 0)
    return g_error_new (PH_ERROR, PH_ERROR_NEGATIVE_SIZE,
                        _("%s announced “%s” with a negative size; refused"), self->peer, self->name);

  if (self->directory == NULL)
    return g_error_new_literal (PH_ERROR, PH_ERROR_FOLDER, _("No folder to save received files in"));

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

  G_OBJECT_CLASS (ph_incoming_parent_class)->dispose (object);
}

static void
ph_incoming_finalize (GObject *object)
{
  PhIncoming *self = PH_INCOMING (object);

  g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_object_unref (self->connection);
  g_object_unref (self->transfer);
  g_clear_object (&self->directory);
  g_clear_object (&self->file);
  ph_space_unref (self->space);
  g_main_context_unref (self->context);
  g_free (self->peer);
  g_free (self->name);
  g_free (self->save_name);

  G_OBJECT_CLASS (ph_incoming_parent_class)->finalize (object);
}

static void
ph_incoming_class_init (PhIncomingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  mode_t mask;

  object_class->dispose = ph_incoming_dispose;
  object_class->finalize = ph_incoming_finalize;

  signals[ACCEPTED] =
    g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  mask = umask (022);
  umask (mask);
  file_mode = 0666 & ~mask;
}

static void
ph_incoming_init (PhIncoming *self)
{
  self->context = g_main_context_ref_thread_default ();
}

/* @name: the sanitised name the sender gave; @prefix: (nullable);
 * @space: what the receiver's transfers reserved */
PhIncoming *
ph_incoming_new (GSocketConnection *connection,
                 const char        *peer,
                 const char        *name,
                 const char        *prefix,
                 gint64             size,
                 GFile             *directory,
                 guint              idle_timeout,
                 PhSpace           *space)
{
  PhIncoming *self;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (connection), NULL);
  g_return_val_if_fail (peer != NULL && name != NULL, NULL);

  self = g_object_new (PH_TYPE_INCOMING, NULL);
  self->connection = g_object_ref (connection);
  self->peer = g_strdup (peer);
  self->name = g_strdup (name);
  self->save_name = g_strconcat (prefix ? prefix : "", name, NULL);
  self->size = size;
  self->directory = directory ? g_object_ref (directory) : NULL;
  self->idle_timeout = idle_timeout;
  self->space = ph_space_ref (space);
  /* The person decides about the sender's name; once saved, the
   * transfer takes the final name (prefix, numbered variant). */
  self->transfer = ph_transfer_new_incoming (peer, name, size);

  return self;
}

PhTransfer *
ph_incoming_get_transfer (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return self->transfer;
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
