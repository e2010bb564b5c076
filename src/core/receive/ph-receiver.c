/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiver, the object: its properties, starting and stopping. The
 * header phase is in ph-receiver-accept.c, the data slots in
 * ph-receiver-admission.c. */
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
#define DEFAULT_IDLE_TIMEOUT   30000
#define DEFAULT_MAX_TRANSFERS  16
/* A parallel Posthouse sender opens up to 8 connections at once. */
#define DEFAULT_MAX_PER_PEER   8
#define DEFAULT_MAX_PENDING    256
#define DEFAULT_STALL_WINDOW   30000
#define DEFAULT_STALL_BYTES    (64 * 1024)
/* Connections the kernel completes before we accept them; the kernel
 * caps it at net.core.somaxconn. A burst must not see SYNs dropped. */
#define LISTEN_BACKLOG         4096

G_DEFINE_FINAL_TYPE (PhReceiver, ph_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_PREFIX,
  PROP_BIND_ADDRESS,
  PROP_PORT,
  PROP_HEADER_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  PROP_MAX_TRANSFERS,
  PROP_MAX_TRANSFERS_PER_PEER,
  PROP_MAX_PENDING,
  PROP_STALL_WINDOW,
  PROP_STALL_BYTES,
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

void
ph_receiver_emit_transfer_added (PhReceiver *self,
                                 PhTransfer *transfer)
{
  g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
}

void
ph_receiver_emit_connection_failed (PhReceiver   *self,
                                    const char   *peer,
                                    const GError *error)
{
  g_signal_emit (self, signals[CONNECTION_FAILED], 0, peer, error);
}

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
  ph_receiver_held_finalize (self);
  ph_receiver_admission_finalize (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->space, ph_disk_space_unref);

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
    case PROP_HEADER_TIMEOUT:
      g_value_set_uint (value, self->header_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_MAX_TRANSFERS:
      g_value_set_uint (value, self->max_transfers);
      break;
    case PROP_MAX_TRANSFERS_PER_PEER:
      g_value_set_uint (value, self->max_per_peer);
      break;
    case PROP_MAX_PENDING:
      g_value_set_uint (value, self->max_pending);
      break;
    case PROP_STALL_WINDOW:
      g_value_set_uint (value, self->stall_window);
      break;
    case PROP_STALL_BYTES:
      g_value_set_uint64 (value, self->stall_bytes);
      break;
    case PROP_REQUIRE_APPROVAL:
      g_value_set_boolean (value, self->require_approval);
      break;
    case PROP_ACCEPTS_PATHS:
      g_value_set_boolean (value, self->accepts_paths);
      break;
    case PROP_LISTENING:
      g_value_set_boolean (value, self->service != NULL);
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
    case PROP_HEADER_TIMEOUT:
      ph_receiver_set_header_timeout (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      ph_receiver_set_idle_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_TRANSFERS:
      ph_receiver_set_max_transfers (self, g_value_get_uint (value));
      break;
    case PROP_MAX_TRANSFERS_PER_PEER:
      ph_receiver_set_max_transfers_per_peer (self, g_value_get_uint (value));
      break;
    case PROP_MAX_PENDING:
      ph_receiver_set_max_pending (self, g_value_get_uint (value));
      break;
    case PROP_STALL_WINDOW:
      ph_receiver_set_stall_window (self, g_value_get_uint (value));
      break;
    case PROP_STALL_BYTES:
      ph_receiver_set_stall_bytes (self, g_value_get_uint64 (value));
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
  properties[PROP_HEADER_TIMEOUT] =
    g_param_spec_uint ("header-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_HEADER_TIMEOUT, rw);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXINT, DEFAULT_IDLE_TIMEOUT, rw);
  properties[PROP_MAX_TRANSFERS] =
    g_param_spec_uint ("max-transfers", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_TRANSFERS, rw);
  /* Slots one peer (an IP address) may hold at once; past it, its
   * transfers wait for their own. */
  properties[PROP_MAX_TRANSFERS_PER_PEER] =
    g_param_spec_uint ("max-transfers-per-peer", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_PER_PEER, rw);
  /* The stall rule: a transfer must receive stall-bytes in every
   * stall-window milliseconds (0: no rule); see ph-receiver-admission.c. */
  properties[PROP_STALL_WINDOW] =
    g_param_spec_uint ("stall-window", NULL, NULL, 0, G_MAXINT, DEFAULT_STALL_WINDOW, rw);
  properties[PROP_STALL_BYTES] =
    g_param_spec_uint64 ("stall-bytes", NULL, NULL, 0, G_MAXINT64, DEFAULT_STALL_BYTES, rw);
  properties[PROP_MAX_PENDING] =
    g_param_spec_uint ("max-pending", NULL, NULL, 1, G_MAXINT, DEFAULT_MAX_PENDING, rw);
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
  self->port = PH_DEFAULT_PORT;
  self->header_timeout = DEFAULT_HEADER_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  self->max_transfers = DEFAULT_MAX_TRANSFERS;
  self->max_per_peer = DEFAULT_MAX_PER_PEER;
  self->max_pending = DEFAULT_MAX_PENDING;
  self->stall_window = DEFAULT_STALL_WINDOW;
  self->stall_bytes = DEFAULT_STALL_BYTES;
  self->accepts_plain = TRUE;
  ph_receiver_admission_init (self);
  self->context = g_main_context_ref_thread_default ();
  self->space = ph_disk_space_new ();
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
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY]);
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

  return self->service ? self->bound_port : self->port;
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

guint
ph_receiver_get_header_timeout (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->header_timeout;
}

void
ph_receiver_set_header_timeout (PhReceiver *self,
                                guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (msec > 0);

  if (self->header_timeout == msec)
    return;

  self->header_timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADER_TIMEOUT]);
}

guint
ph_receiver_get_idle_timeout (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->idle_timeout;
}

/* Milliseconds a sender may stay silent mid-file; 0: no limit. */
void
ph_receiver_set_idle_timeout (PhReceiver *self,
                              guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->idle_timeout == msec)
    return;

  self->idle_timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

guint
ph_receiver_get_max_transfers (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_transfers;
}

void
ph_receiver_set_max_transfers (PhReceiver *self,
                               guint       max_transfers)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_transfers > 0);

  if (self->max_transfers == max_transfers)
    return;

  self->max_transfers = max_transfers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_TRANSFERS]);
  ph_receiver_run_queue (self);
}

guint
ph_receiver_get_max_transfers_per_peer (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_per_peer;
}

void
ph_receiver_set_max_transfers_per_peer (PhReceiver *self,
                                        guint       max_per_peer)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_per_peer > 0);

  if (self->max_per_peer == max_per_peer)
    return;

  self->max_per_peer = max_per_peer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_TRANSFERS_PER_PEER]);
  ph_receiver_run_queue (self);
}

guint
ph_receiver_get_stall_window (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->stall_window;
}

/* Milliseconds in which a transfer must receive stall-bytes; 0: no
 * stall rule (the idle timeout still applies). */
void
ph_receiver_set_stall_window (PhReceiver *self,
                              guint       msec)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->stall_window == msec)
    return;

  self->stall_window = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALL_WINDOW]);
  ph_receiver_restart_stall_timer (self);
}

guint64
ph_receiver_get_stall_bytes (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->stall_bytes;
}

void
ph_receiver_set_stall_bytes (PhReceiver *self,
                             guint64     bytes)
{
  g_return_if_fail (PH_IS_RECEIVER (self));

  if (self->stall_bytes == bytes)
    return;

  self->stall_bytes = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALL_BYTES]);
}

guint
ph_receiver_get_max_pending (PhReceiver *self)
{
  g_return_val_if_fail (PH_IS_RECEIVER (self), 0);

  return self->max_pending;
}

void
ph_receiver_set_max_pending (PhReceiver *self,
                             guint       max_pending)
{
  g_return_if_fail (PH_IS_RECEIVER (self));
  g_return_if_fail (max_pending > 0);

  if (self->max_pending == max_pending)
    return;

  self->max_pending = max_pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PENDING]);
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

  return self->service != NULL;
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
  g_autoptr(GSocketService) service = NULL;

  g_return_val_if_fail (PH_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (!error || !*error, FALSE);

  if (self->service)
    return TRUE;

  if (!check_directory (self, error) ||
      !ph_incoming_name_budget (self->directory, self->prefix, NULL, error))
    return FALSE;

  service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), LISTEN_BACKLOG);

  if (!ph_receiver_listen (self, G_SOCKET_LISTENER (service), error))
    {
      g_socket_listener_close (G_SOCKET_LISTENER (service));
      return FALSE;
    }

  g_signal_connect_object (service, "incoming", G_CALLBACK (ph_receiver_accept_cb), self, 0);
  g_socket_service_start (service);
  self->service = g_steal_pointer (&service);

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

  if (self->service == NULL)
    return;

  g_signal_handlers_disconnect_by_func (self->service, ph_receiver_accept_cb, self);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);

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
