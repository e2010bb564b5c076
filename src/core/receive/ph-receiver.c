/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver, the object: its properties and signals, starting and
 * stopping. The top layer (see OVERVIEW.md): the limits are in
 * ph-receiver-limits.c, listening and the header in
 * ph-receiver-accept.c, who waits in ph-receiver-admission.c, the data
 * slots in ph-receiver-stall.c; what happens below comes back up
 * through `events`. */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-part-file-private.h"
#include "ph-receiver-private.h"
#include "ph-gsource-private.h"
#include "ph-transfer-private.h"
#include "ph-wire.h"

#define DEFAULT_HEADER_TIMEOUT 10000
/* The first data byte comes with the header or right after it. */
#define DEFAULT_DATA_TIMEOUT   10000
#define DEFAULT_ANSWER_TIMEOUT (2 * 60 * 1000)
#define DEFAULT_IDLE_TIMEOUT   30000
#define DEFAULT_MAX_TRANSFERS  16
/* A parallel Posthouse sender opens up to 8 connections at once. */
#define DEFAULT_MAX_PER_SENDER 8
/* Far more than a sender keeps under way (8 connections, or one for
 * the original sender): only a flood has more unfinished headers. */
#define DEFAULT_MAX_PENDING_PER_SENDER 64
#define DEFAULT_STALL_WINDOW   30000
#define DEFAULT_STALL_BYTES    (64 * 1024)

G_DEFINE_FINAL_TYPE (PhReceiver, ph_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_PREFIX,
  PROP_BIND_ADDRESS,
  PROP_PORT,
  PROP_REQUIRE_APPROVAL,
  PROP_ACCEPTS_PATHS,
  PROP_LISTENING,
  N_PROPS
};

enum {
  TRANSFER_ADDED,
  CONNECTION_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
emit_transfer_added (PhReceiver *self,
                     PhTransfer *transfer)
{
  g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
}

static void
emit_connection_failed (PhReceiver   *self,
                        const char   *peer,
                        const GError *error)
{
  g_signal_emit (self, signals[CONNECTION_FAILED], 0, peer, error);
}

/* How the layers below tell what happened. */
static const PhReceiverEvents events = {
  .transfer_added = emit_transfer_added,
  .connection_failed = emit_connection_failed,
  .released = ph_receiver_update_accepting,
};

static void
ph_receiver_dispose (GObject *object)
{
  PhReceiver *self = PH_RECEIVER (object);

  ph_receiver_stop (self);

  G_OBJECT_CLASS (ph_receiver_parent_class)->dispose (object);
}

static void
ph_receiver_finalize (GObject *object)
{
  PhReceiver *self = PH_RECEIVER (object);

  g_clear_object (&self->directory);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->bind_address, g_free);
  ph_gsource_clear (&self->deadline_source);
  ph_gsource_clear (&self->handshake_timer);
  ph_receiver_held_finalize (self);
  ph_receiver_admission_finalize (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->space, ph_disk_space_unref);
  g_clear_pointer (&self->folder_users, ph_folder_users_unref);
  g_clear_pointer (&self->folder, ph_incoming_folder_unref);
  g_clear_pointer (&self->workers, ph_workers_unref);
  g_clear_pointer (&self->listen_sockets, g_ptr_array_unref);
  g_clear_pointer (&self->accept_sources, g_ptr_array_unref);

  G_OBJECT_CLASS (ph_receiver_parent_class)->finalize (object);
}

static void
ph_receiver_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PhReceiver *self = PH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_PREFIX:
      g_value_set_string (value, self->prefix);
      break;
    case PROP_BIND_ADDRESS:
      g_value_set_string (value, self->bind_address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, ph_receiver_get_port (self));
      break;
    case PROP_REQUIRE_APPROVAL:
      g_value_set_boolean (value, self->require_approval);
      break;
    case PROP_ACCEPTS_PATHS:
      g_value_set_boolean (value, self->accepts_paths);
      break;
    case PROP_LISTENING:
      g_value_set_boolean (value, self->listener != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_receiver_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PhReceiver *self = PH_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      ph_receiver_set_directory (self, g_value_get_object (value));
      break;
    case PROP_PREFIX:
      ph_receiver_set_prefix (self, g_value_get_string (value));
      break;
    case PROP_BIND_ADDRESS:
      ph_receiver_set_bind_address (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      ph_receiver_set_port (self, g_value_get_uint (value));
      break;
    case PROP_REQUIRE_APPROVAL:
      ph_receiver_set_require_approval (self, g_value_get_boolean (value));
      break;
    case PROP_ACCEPTS_PATHS:
      ph_receiver_set_accepts_paths (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_receiver_class_init (PhReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_receiver_dispose;
  object_class->finalize = ph_receiver_finalize;
  object_class->get_property = ph_receiver_get_property;
  object_class->set_property = ph_receiver_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE, rw);
  /* Prepended to every saved name; "new_" mimics the original. */
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, NULL, NULL, rw);
  /* NULL or empty: every interface, IPv4 and IPv6. */
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_string ("bind-address", NULL, NULL, NULL, rw);
  /* 0: any free port; once listening, the port actually bound. */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, PH_DEFAULT_PORT, rw);
  properties[PROP_REQUIRE_APPROVAL] =
    g_param_spec_boolean ("require-approval", NULL, NULL, FALSE, rw);
  /* Keep the folders of "Folder/name" (SPEC, Folder paths); announce
   * paths=1 along with it. */
  properties[PROP_ACCEPTS_PATHS] =
    g_param_spec_boolean ("accepts-paths", NULL, NULL, FALSE, rw);
  properties[PROP_LISTENING] =
    g_param_spec_boolean ("listening", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PhReceiver::transfer-added:
   * @transfer: the new incoming transfer
   *
   * A complete header arrived. A refused one is announced already
   * FAILED, with the reason as its error message.
   */
  signals[TRANSFER_ADDED] =
    g_signal_new ("transfer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_TRANSFER);

  /**
   * PhReceiver::connection-failed:
   * @peer: "address:port" of the peer
   * @error: why: timeout, early end, too many connections, ...
   *
   * A connection ended before delivering a complete header.
   */
  signals[CONNECTION_FAILED] =
    g_signal_new ("connection-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_ERROR);
}

static void
ph_receiver_init (PhReceiver *self)
{
  self->events = &events;
  self->port = PH_DEFAULT_PORT;
  self->header_timeout = DEFAULT_HEADER_TIMEOUT;
  self->data_timeout = DEFAULT_DATA_TIMEOUT;
  self->answer_timeout = DEFAULT_ANSWER_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  self->max_transfers = DEFAULT_MAX_TRANSFERS;
  self->max_per_sender = DEFAULT_MAX_PER_SENDER;
  self->max_pending_per_sender = DEFAULT_MAX_PENDING_PER_SENDER;
  self->stall_window = DEFAULT_STALL_WINDOW;
  self->stall_bytes = DEFAULT_STALL_BYTES;
  self->accepts_plain = TRUE;
  ph_receiver_admission_init (self);
  self->context = g_main_context_ref_thread_default ();
  self->space = ph_disk_space_new ();
  self->folder_users = ph_folder_users_new ();
  self->workers = ph_workers_new ("ph-receive", self->max_transfers);
  self->listen_sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->accept_sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
}

PhReceiver *
ph_receiver_new (GFile *directory)
{
  g_return_val_if_fail (!directory || G_IS_FILE (directory), NULL);

  return g_object_new (PH_TYPE_RECEIVER, "directory", directory, NULL);
}

GFile *
ph_receiver_get_directory (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), NULL);

  return self->directory;
}

/* Takes effect for transfers whose header arrives afterwards. */
void
ph_receiver_set_directory (PhReceiver *self,
                           GFile      *directory)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (!directory || G_IS_FILE (directory));

  if (g_set_object (&self->directory, directory))
    {
      g_clear_pointer (&self->folder, ph_incoming_folder_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY]);
    }
}

const char *
ph_receiver_get_prefix (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), NULL);

  return self->prefix;
}

void
ph_receiver_set_prefix (PhReceiver *self,
                        const char *prefix)
{
  g_autofree char *safe = NULL;

  g_return_if_fail (PH_IS_RECEIVER (self));

  /* The prefix is part of a file name, never a path. */
  if (prefix && *prefix)
    safe = g_strdelimit (g_strdup (prefix), "/", '_');

  if (g_strcmp0 (self->prefix, safe) == 0)
    return;

  g_free (self->prefix);
  self->prefix = g_steal_pointer (&safe);
  g_clear_pointer (&self->folder, ph_incoming_folder_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFIX]);
}

const char *
ph_receiver_get_bind_address (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), NULL);

  return self->bind_address;
}

/* Takes effect at the next ph_receiver_start(). */
void
ph_receiver_set_bind_address (PhReceiver *self,
                              const char *address)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (address && !*address)
    address = NULL;
  if (g_strcmp0 (self->bind_address, address) == 0)
    return;

  g_free (self->bind_address);
  self->bind_address = g_strdup (address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
}

/* Returns: the port actually bound while listening, else the setting. */
guint
ph_receiver_get_port (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->listener ? self->bound_port : self->port;
}

/* Takes effect at the next ph_receiver_start(). */
void
ph_receiver_set_port (PhReceiver *self,
                      guint       port)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

gboolean
ph_receiver_get_require_approval (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);

  return self->require_approval;
}

/* With approval required, each new transfer waits in
 * PH_TRANSFER_WAITING for ph_transfer_accept() or ph_transfer_decline(). */
void
ph_receiver_set_require_approval (PhReceiver *self,
                                  gboolean    require_approval)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  require_approval = !!require_approval;
  if (self->require_approval == require_approval)
    return;

  self->require_approval = require_approval;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRE_APPROVAL]);
}

gboolean
ph_receiver_get_accepts_paths (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);

  return self->accepts_paths;
}

/* With paths accepted, "Holiday/Day 1/beach.jpg" is saved as such in
 * the folder (made or merged, never through a symbolic link, at most
 * eight levels deep); else as "beach.jpg", as the originals do. Applies
 * to the headers that arrive from now on. */
void
ph_receiver_set_accepts_paths (PhReceiver *self,
                               gboolean    accepts_paths)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  accepts_paths = !!accepts_paths;
  if (self->accepts_paths == accepts_paths)
    return;

  self->accepts_paths = accepts_paths;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPTS_PATHS]);
}

gboolean
ph_receiver_get_listening (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);

  return self->listener != NULL;
}

static gboolean
check_directory (PhReceiver  *self,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (self->directory == NULL)
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_FOLDER, _("No folder to save received files in"));
      return FALSE;
    }

  name = g_file_get_parse_name (self->directory);
  path = g_file_get_path (self->directory);
  if (path == NULL)
    g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("“%s” is not a local folder"), name);
  else if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("The folder “%s” does not exist"), name);
  else if (access (path, W_OK | X_OK) != 0)
    g_set_error (error, PH_ERROR, PH_ERROR_FOLDER, _("The folder “%s” is not writable"), name);
  else
    return TRUE;

  return FALSE;
}

/**
 * ph_receiver_start:
 *
 * Checks the folder and starts listening. Errors: PH_ERROR_FOLDER,
 * PH_ERROR_INVALID_ADDRESS, G_IO_ERROR_ADDRESS_IN_USE (with a sentence
 * saying so) or another G_IO_ERROR.
 */
gboolean
ph_receiver_start (PhReceiver  *self,
                   GError     **error)
{
  g_autoptr(GSocketListener) listener = NULL;

  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (!error || !*error, FALSE);

  if (self->listener)
    return TRUE;

  /* Learnt again: the person may have just made or fixed it. */
  g_clear_pointer (&self->folder, ph_incoming_folder_unref);
  if (!check_directory (self, error) ||
      !ph_incoming_name_budget (self->directory, self->prefix, NULL, error))
    return FALSE;

  /* GIO binds and listens (IPv6 and IPv4, the errors); the receiver
   * accepts on the sockets itself (ph-receiver-accept.c). */
  listener = g_socket_listener_new ();
  g_socket_listener_set_backlog (listener, ph_receiver_listen_backlog ());
  if (self->max_held == 0)
    self->max_held = ph_receiver_default_max_held ();
  g_ptr_array_set_size (self->listen_sockets, 0);
  g_signal_connect (listener, "event", G_CALLBACK (ph_receiver_listener_event_cb), self);

  if (!ph_receiver_listen (self, listener, error))
    {
      g_signal_handlers_disconnect_by_data (listener, self);
      g_socket_listener_close (listener);
      g_ptr_array_set_size (self->listen_sockets, 0);
      return FALSE;
    }
  g_signal_handlers_disconnect_by_data (listener, self);

  self->listener = g_steal_pointer (&listener);
  self->paused = FALSE;
  ph_receiver_accept_start (self);
  ph_receiver_update_accepting (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
  if (self->port == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);

  return TRUE;
}

/* Stops listening and resets the connections that sent no header yet
 * (quietly: nothing is reported); announced transfers go on. */
void
ph_receiver_stop (PhReceiver *self)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->listener == NULL)
    return;

  ph_receiver_accept_stop (self);
  g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  g_ptr_array_set_size (self->listen_sockets, 0);
  self->paused = FALSE;

  ph_receiver_close_pending (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
}

/* Cancels every announced transfer that is not finished. */
void
ph_receiver_cancel_all (PhReceiver *self)
{
  g_autoptr(GPtrArray) transfers = NULL;

  g_return_if_fail (PH_IS_RECEIVER (self));

  transfers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->incoming->len; i++)
    {
      PhIncoming *in = g_ptr_array_index (self->incoming, i);

      g_ptr_array_add (transfers, g_object_ref (ph_incoming_get_transfer (in)));
    }

  for (guint i = 0; i < transfers->len; i++)
    ph_transfer_cancel (g_ptr_array_index (transfers, i));
}

/**
 * ph_receiver_clean_leftovers:
 *
 * Removes the partial files that a killed receiver left in the folder:
 * named part files (".posthouse-*.part", used where the file system
 * has no unnamed files) nobody holds a lock on. Call it when receiving
 * starts.
 *
 * Returns: how many files were removed
 */
guint
ph_receiver_clean_leftovers (PhReceiver *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  if (self->directory == NULL || (path = g_file_get_path (self->directory)) == NULL)
    return 0;

  return ph_part_file_clean_leftovers (path);
}
