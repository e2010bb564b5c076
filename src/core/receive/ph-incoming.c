/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhIncoming, the connection's life: waiting for the person's answer
 * or a slot (watching for the sender giving up), the data phase on a
 * worker thread (ph-incoming-save.c), and the end that is the
 * sender's receipt. */
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

#include "ph-data-path.h"
#include "ph-error.h"
#include "ph-gsource-private.h"
#include "ph-incoming-private.h"
#include "ph-transfer-private.h"

G_DEFINE_FINAL_TYPE (PhIncoming, ph_incoming, G_TYPE_OBJECT)


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

      setsockopt (self->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
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

  close (self->fd);
  self->fd = -1;
  if (self->owner != NULL)
    self->owner->finished (self, self->owner_data);
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

  if (!(condition & G_IO_ERR) && ioctl (fd, FIONREAD, &available) == 0)
    {
      /* Data behind the header at last: it may have a slot now. */
      if (self->wants_data && available > 0)
        {
          self->wants_data = FALSE;
          watch_hangup (self, (GIOCondition) (POLLRDHUP | G_IO_HUP | G_IO_ERR));
          if (self->owner != NULL)
            self->owner->ready (self, self->owner_data);
          return G_SOURCE_REMOVE;
        }

      /* The header and then the end: as short as a stream gets. */
      if (self->wants_data && available == 0)
        {
          g_autofree char *none = g_format_size (0);
          g_autofree char *size = g_format_size (self->size);

          ph_incoming_finish (self, g_error_new (PH_ERROR, PH_ERROR_SHORT,
                                                 _("The connection from %s ended after %s of %s; "
                                                   "nothing was saved"),
                                                 self->peer, none, size));
          return G_SOURCE_REMOVE;
        }

      /* A sender that sent everything and ended its stream (as
       * Posthouse and the original do) is not gone: it waits for us.
       * Keep watching, for a reset only: that is how it gives up. */
      if (!(condition & G_IO_HUP) && available >= self->size)
        {
          watch_hangup (self, G_IO_HUP | G_IO_ERR);
          return G_SOURCE_REMOVE;
        }
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
  self->hangup_source =
    ph_gsource_attach (g_unix_fd_source_new (self->fd, condition),
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

/* Like ph_incoming_wait(), for a transfer with nothing behind its
 * header yet: "ready" says when data arrives. */
void
ph_incoming_wait_for_data (PhIncoming *self)
{
  g_return_if_fail (PH_IS_INCOMING (self));

  ph_gsource_clear (&self->hangup_source);
  self->wants_data = TRUE;
  watch_hangup (self, (GIOCondition) (G_IO_IN | POLLRDHUP | G_IO_HUP | G_IO_ERR));
  ph_incoming_wait (self);
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
      if (self->owner != NULL)
        self->owner->accepted (self, self->owner_data);
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

/* The data phase, on one of the receiver's worker threads: the
 * receiver gave it a slot. */
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
  ph_workers_run (self->workers, task, ph_incoming_save);
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

  if (self->fd >= 0)
    close (self->fd);
  g_object_unref (self->transfer);
  g_object_unref (self->abort);
  g_clear_error (&self->end_error);
  g_clear_object (&self->directory);
  g_clear_pointer (&self->folder, ph_incoming_folder_unref);
  g_clear_pointer (&self->workers, ph_workers_unref);
  g_clear_object (&self->file);
  ph_disk_space_unref (self->space);
  ph_folder_users_unref (self->folder_users);
  g_main_context_unref (self->context);
  g_free (self->sender_key);
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
}

static void
ph_incoming_init (PhIncoming *self)
{
  self->fd = -1;
  self->context = g_main_context_ref_thread_default ();
  self->abort = g_cancellable_new ();
}

static void
cancel_abort_cb (GCancellable *cancellable,
                 gpointer      abort)
{
  g_cancellable_cancel (G_CANCELLABLE (abort));
}

/* @fd: the connection, which it takes (closing it is the receipt);
 * @sender_key: who sends, for fair shares (the peer's address, or a
 * fingerprint); @peer: "address:port" for messages; @name: the
 * sanitised name the sender gave ("Folder/name" where the receiver
 * accepts paths) */
PhIncoming *
ph_incoming_new (int                    fd,
                 const char            *sender_key,
                 const char            *peer,
                 const char            *name,
                 gint64                 size,
                 const PhIncomingSetup *setup)
{
  PhIncoming *self;
  const char *slash;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (sender_key != NULL && peer != NULL && name != NULL, NULL);
  g_return_val_if_fail (setup != NULL && setup->space != NULL && setup->folder_users != NULL &&
                        setup->workers != NULL, NULL);

  self = g_object_new (PH_TYPE_INCOMING, NULL);
  self->fd = fd;
  self->sender_key = g_strdup (sender_key);
  self->peer = g_strdup (peer);
  self->name = g_strdup (name);
  slash = strrchr (name, '/');
  if (slash != NULL)
    self->folders = g_strndup (name, slash - name);
  self->prefix = g_strdup (setup->prefix);
  self->save_name = g_strconcat (self->prefix ? self->prefix : "", slash ? slash + 1 : name, NULL);
  self->size = size;
  if (setup->folder != NULL)
    {
      self->folder = ph_incoming_folder_ref (setup->folder);
      self->directory = g_object_ref (setup->folder->directory);
    }
  self->workers = ph_workers_ref (setup->workers);
  self->idle_timeout = setup->idle_timeout;
  self->space = ph_disk_space_ref (setup->space);
  self->folder_users = ph_folder_users_ref (setup->folder_users);
  self->place.queue_link.data = self;
  self->place.silent_link.data = self;
  self->place.asking_link.data = self;
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

/* Whom @self tells that it was accepted, is ready or finished (the
 * receiver): plain calls, not signals, a file costs enough already. */
void
ph_incoming_set_owner (PhIncoming            *self,
                       const PhIncomingOwner *owner,
                       gpointer               data)
{
  g_return_if_fail (PH_IS_INCOMING (self));

  self->owner = owner;
  self->owner_data = data;
}

/* Returns: who sends: the key the receiver shares its queue by */
const char *
ph_incoming_get_sender_key (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return self->sender_key;
}

gint64
ph_incoming_get_size (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), 0);

  return self->size;
}

PhIncomingPlace *
ph_incoming_get_place (PhIncoming *self)
{
  g_return_val_if_fail (PH_IS_INCOMING (self), NULL);

  return &self->place;
}

/* Returns: whether something follows the header already (data, or the
 * sender's end of an empty file): it is not merely holding a place */
gboolean
ph_incoming_has_data (PhIncoming *self)
{
  int available = 0;

  g_return_val_if_fail (PH_IS_INCOMING (self), FALSE);

  if (self->size == 0 || self->receiving)
    return TRUE;

  return ioctl (self->fd, FIONREAD, &available) == 0 && available > 0;
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
