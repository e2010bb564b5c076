/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiveSession: receiving as the desktop program and posthouse-cli
 * both do it (see the header). Announcing is in
 * ph-receive-session-announce.c. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-interfaces.h"
#include "ph-pairing.h"
#include "ph-receive-session-private.h"

/* A new port or address waits this long before the receiver is made
 * again, so that a spin button stepping through ports does not rebind
 * at every step. */
#define RESTART_DELAY_MSEC 800

G_DEFINE_FINAL_TYPE (PhReceiveSession, ph_receive_session, G_TYPE_OBJECT)

GParamSpec *ph_receive_session_properties[PH_RECEIVE_SESSION_N_PROPS];
#define properties ph_receive_session_properties
#define notify(self, prop) \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PH_RECEIVE_SESSION_PROP_##prop])

enum {
  TRANSFER_ADDED,
  BATCH_ADDED,
  CONNECTION_FAILED,
  FAILED,
  LEFTOVERS_REMOVED,
  PAIRING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * ph_receive_session_default_folder:
 *
 * Returns: (transfer full): where files are saved unless another folder
 *   is chosen: the XDG Downloads folder, else the home folder
 */
GFile *
ph_receive_session_default_folder (void)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  return g_file_new_for_path (downloads != NULL ? downloads : g_get_home_dir ());
}

/* The folder to save into now. The Downloads folder may simply not
 * exist yet: it is made (a chosen folder must exist), and when it
 * cannot be, the home folder serves. */
GFile *
ph_receive_session_dup_folder_to_use (PhReceiveSession *self)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;

  if (self->folder != NULL)
    return g_object_ref (self->folder);

  folder = ph_receive_session_default_folder ();
  if (!g_file_make_directory_with_parents (folder, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_debug ("Receiving into the home folder: %s", error->message);
      return g_file_new_for_path (g_get_home_dir ());
    }

  return g_steal_pointer (&folder);
}

/* Who may send and what is asked: the one place a sender's admission
 * is decided (the trust policy of paired devices joins here). */
void
ph_receive_session_apply_policy (PhReceiveSession *self)
{
  if (self->receiver == NULL)
    return;

  ph_receiver_set_require_approval (self->receiver, self->ask);
  ph_receiver_set_accepts_paths (self->receiver, self->accepts_paths);
  /* The original format has no identity: only paired devices leaves
   * nobody there to take. */
  ph_receiver_set_accepts_plain (self->receiver, self->accept_plain && !self->only_paired);
}

/* Receiving */

static void
transfer_added_cb (PhReceiver       *receiver,
                   PhTransfer       *transfer,
                   PhReceiveSession *self)
{
  g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
}

static void
connection_failed_cb (PhReceiver       *receiver,
                      const char       *peer,
                      const GError     *error,
                      PhReceiveSession *self)
{
  g_signal_emit (self, signals[CONNECTION_FAILED], 0, peer, error);
}

static void
batch_added_cb (PhInbox          *inbox,
                PhBatch          *batch,
                PhReceiveSession *self)
{
  g_signal_emit (self, signals[BATCH_ADDED], 0, batch);
}

void
ph_receive_session_emit_transfer_added (PhReceiveSession *self,
                                        PhTransfer       *transfer)
{
  g_signal_emit (self, signals[TRANSFER_ADDED], 0, transfer);
}

void
ph_receive_session_emit_batch_added (PhReceiveSession *self,
                                     PhBatch          *batch)
{
  g_signal_emit (self, signals[BATCH_ADDED], 0, batch);
}

/* Returns: whether someone shows a pairing (a "pairing" handler) */
gboolean
ph_receive_session_emit_pairing (PhReceiveSession *self,
                                 PhPairing        *pairing)
{
  if (pairing == NULL)
    return g_signal_has_handler_pending (self, signals[PAIRING], 0, FALSE);

  g_signal_emit (self, signals[PAIRING], 0, pairing);
  return TRUE;
}

void
ph_receive_session_emit_connection_failed (PhReceiveSession *self,
                                           const char       *peer,
                                           const GError     *error)
{
  g_signal_emit (self, signals[CONNECTION_FAILED], 0, peer, error);
}

static void
network_changed_cb (PhReceiveSession *self)
{
  notify (self, ADDRESSES);
}

static void
drop_receiver (PhReceiveSession *self)
{
  if (self->receiver == NULL)
    return;

  ph_receiver_set_secure_func (self->receiver, NULL, NULL, NULL);
  g_signal_handlers_disconnect_by_data (self->receiver, self);
  g_clear_object (&self->receiver);
}

static void
notify_receiving (PhReceiveSession *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  notify (self, RECEIVING);
  notify (self, BOUND_PORT);
  notify (self, LISTEN_ADDRESS);
  notify (self, ACCEPTS_PATHS);
  notify (self, ADDRESSES);
  notify (self, FOLDER);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The address to listen on: the interface's, the one given, or NULL
 * for every interface. */
static gboolean
dup_listen_address (PhReceiveSession  *self,
                    char             **address,
                    GError           **error)
{
  *address = NULL;

  if (self->interface != NULL && self->interface[0] != '\0')
    {
      *address = ph_interface_address (self->interface);
      if (*address == NULL)
        {
          g_set_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                       _("The network interface “%s” has no address right now"), self->interface);
          return FALSE;
        }
    }
  else
    *address = g_strdup (self->bind_address);

  return TRUE;
}

/**
 * ph_receive_session_start:
 *
 * Starts listening (and announcing, unless "announce" is off). Part
 * files a killed run left in the folder are removed first.
 *
 * Returns: %FALSE with @error when the receiver cannot listen (port in
 *   use, folder missing, interface without an address, ...)
 */
gboolean
ph_receive_session_start (PhReceiveSession  *self,
                          GError           **error)
{
  g_autoptr(PhReceiver) receiver = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *listen_address = NULL;
  guint leftovers;

  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_handle_id (&self->restart_source, g_source_remove);
  if (self->receiving)
    return TRUE;

  if (!dup_listen_address (self, &listen_address, error))
    return FALSE;

  folder = ph_receive_session_dup_folder_to_use (self);
  receiver = ph_receiver_new (folder);
  ph_receiver_set_port (receiver, self->port);
  if (listen_address != NULL)
    ph_receiver_set_bind_address (receiver, listen_address);
  if (self->prefix != NULL)
    ph_receiver_set_prefix (receiver, self->prefix);

  /* Who this computer is, and whom it knows: the secure channel on the
   * same port, when there is an identity. */
  ph_receive_session_secure_start (self);
  if (self->identity != NULL)
    ph_receiver_set_secure_func (receiver, ph_receive_session_take_secure, self, NULL);

  leftovers = ph_receiver_clean_leftovers (receiver);
  if (leftovers > 0)
    g_signal_emit (self, signals[LEFTOVERS_REMOVED], 0, leftovers);

  g_signal_connect_object (receiver, "transfer-added", G_CALLBACK (transfer_added_cb), self, 0);
  g_signal_connect_object (receiver, "connection-failed", G_CALLBACK (connection_failed_cb), self, 0);

  /* A folder's paths are kept only where the sender learns it may send
   * them: from the announcement (paths=1). */
  self->accepts_paths = ph_receive_session_can_announce (self, listen_address);
  drop_receiver (self);
  self->receiver = g_steal_pointer (&receiver);
  ph_receive_session_apply_policy (self);

  if (!ph_receiver_start (self->receiver, error))
    {
      drop_receiver (self);
      self->accepts_paths = FALSE;
      return FALSE;
    }

  self->inbox = ph_inbox_new (self->receiver);
  g_signal_connect_object (self->inbox, "batch-added", G_CALLBACK (batch_added_cb), self, 0);
  self->listen_address = g_steal_pointer (&listen_address);
  self->receiving = TRUE;
  self->network_id = g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                                              G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);

  ph_receive_session_start_announcing (self);
  notify_receiving (self);

  return TRUE;
}

/**
 * ph_receive_session_stop:
 *
 * Stops listening and withdraws the announcement. Transfers under way
 * finish (ph_receive_session_cancel_all() ends them).
 */
void
ph_receive_session_stop (PhReceiveSession *self)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  g_clear_handle_id (&self->restart_source, g_source_remove);
  if (!self->receiving)
    return;

  ph_receive_session_stop_announcing (self);
  ph_receiver_stop (self->receiver);
  if (self->inbox != NULL)
    g_signal_handlers_disconnect_by_data (self->inbox, self);
  g_clear_object (&self->inbox);
  g_clear_signal_handler (&self->network_id, g_network_monitor_get_default ());
  g_clear_pointer (&self->listen_address, g_free);
  self->accepts_paths = FALSE;
  self->receiving = FALSE;

  notify_receiving (self);
}

/* Cancels every transfer of the latest receiver that is not finished,
 * also once it stopped listening. */
void
ph_receive_session_cancel_all (PhReceiveSession *self)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (self->receiver != NULL)
    ph_receiver_cancel_all (self->receiver);
  ph_receive_session_secure_cancel_all (self);
}

void
ph_receive_session_start_or_fail (PhReceiveSession *self)
{
  g_autoptr(GError) error = NULL;

  if (!ph_receive_session_start (self, &error))
    g_signal_emit (self, signals[FAILED], 0, error);
}

static gboolean
restart_cb (gpointer user_data)
{
  PhReceiveSession *self = user_data;

  self->restart_source = 0;
  ph_receive_session_stop (self);
  ph_receive_session_start_or_fail (self);

  return G_SOURCE_REMOVE;
}

/* Where it listens changed: listen there instead, once it settles. */
void
ph_receive_session_schedule_restart (PhReceiveSession *self)
{
  if (!self->receiving)
    return;

  g_clear_handle_id (&self->restart_source, g_source_remove);
  self->restart_source = g_timeout_add (RESTART_DELAY_MSEC, restart_cb, self);
}

/* For tests */

PhReceiver *
ph_receive_session_get_receiver (PhReceiveSession *self)
{
  return self->receiver;
}

PhInbox *
ph_receive_session_get_inbox (PhReceiveSession *self)
{
  return self->inbox;
}

/* GObject */

static void
ph_receive_session_dispose (GObject *object)
{
  PhReceiveSession *self = PH_RECEIVE_SESSION (object);

  ph_receive_session_stop (self);
  ph_receive_session_dispose_announcer (self);
  ph_receive_session_secure_dispose (self);
  drop_receiver (self);

  G_OBJECT_CLASS (ph_receive_session_parent_class)->dispose (object);
}

static void
ph_receive_session_finalize (GObject *object)
{
  PhReceiveSession *self = PH_RECEIVE_SESSION (object);

  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->bind_address, g_free);
  g_clear_object (&self->folder);
  g_clear_object (&self->default_folder);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->device_name, g_free);

  G_OBJECT_CLASS (ph_receive_session_parent_class)->finalize (object);
}

static void
ph_receive_session_class_init (PhReceiveSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_receive_session_dispose;
  object_class->finalize = ph_receive_session_finalize;
  object_class->get_property = ph_receive_session_get_gproperty;
  object_class->set_property = ph_receive_session_set_gproperty;

  properties[PH_RECEIVE_SESSION_PROP_RECEIVING] =
    g_param_spec_boolean ("receiving", NULL, NULL, FALSE, rw);
  properties[PH_RECEIVE_SESSION_PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, PH_DEFAULT_PORT, rw);
  properties[PH_RECEIVE_SESSION_PROP_BOUND_PORT] =
    g_param_spec_uint ("bound-port", NULL, NULL, 0, G_MAXUINT16, 0, ro);
  properties[PH_RECEIVE_SESSION_PROP_INTERFACE] =
    g_param_spec_string ("interface", NULL, NULL, "", rw);
  properties[PH_RECEIVE_SESSION_PROP_BIND_ADDRESS] =
    g_param_spec_string ("bind-address", NULL, NULL, NULL, rw);
  properties[PH_RECEIVE_SESSION_PROP_LISTEN_ADDRESS] =
    g_param_spec_string ("listen-address", NULL, NULL, NULL, ro);
  properties[PH_RECEIVE_SESSION_PROP_FOLDER] =
    g_param_spec_object ("folder", NULL, NULL, G_TYPE_FILE, rw);
  properties[PH_RECEIVE_SESSION_PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, NULL, "", rw);
  properties[PH_RECEIVE_SESSION_PROP_ASK_BEFORE_ACCEPTING] =
    g_param_spec_boolean ("ask-before-accepting", NULL, NULL, FALSE, rw);
  properties[PH_RECEIVE_SESSION_PROP_ANNOUNCE] =
    g_param_spec_boolean ("announce", NULL, NULL, TRUE, rw);
  properties[PH_RECEIVE_SESSION_PROP_ACCEPTS_PATHS] =
    g_param_spec_boolean ("accepts-paths", NULL, NULL, FALSE, ro);
  properties[PH_RECEIVE_SESSION_PROP_ANNOUNCE_STATE] =
    g_param_spec_enum ("announce-state", NULL, NULL, PH_TYPE_ANNOUNCER_STATE,
                       PH_ANNOUNCER_STOPPED, ro);
  properties[PH_RECEIVE_SESSION_PROP_ANNOUNCED_NAME] =
    g_param_spec_string ("announced-name", NULL, NULL, NULL, ro);
  properties[PH_RECEIVE_SESSION_PROP_ANNOUNCE_ERROR] =
    g_param_spec_string ("announce-error", NULL, NULL, NULL, ro);
  properties[PH_RECEIVE_SESSION_PROP_ADDRESSES] =
    g_param_spec_boxed ("addresses", NULL, NULL, G_TYPE_STRV, ro);
  properties[PH_RECEIVE_SESSION_PROP_IDENTITY] =
    g_param_spec_object ("identity", NULL, NULL, PH_TYPE_IDENTITY, rw);
  properties[PH_RECEIVE_SESSION_PROP_DEVICES] =
    g_param_spec_object ("devices", NULL, NULL, PH_TYPE_DEVICES, rw);
  properties[PH_RECEIVE_SESSION_PROP_ONLY_PAIRED] =
    g_param_spec_boolean ("only-paired", NULL, NULL, FALSE, rw);
  properties[PH_RECEIVE_SESSION_PROP_ACCEPT_UNENCRYPTED] =
    g_param_spec_boolean ("accept-unencrypted", NULL, NULL, TRUE, rw);

  g_object_class_install_properties (object_class, PH_RECEIVE_SESSION_N_PROPS, properties);

  signals[TRANSFER_ADDED] =
    g_signal_new ("transfer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_TRANSFER);
  signals[BATCH_ADDED] =
    g_signal_new ("batch-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_BATCH);
  signals[CONNECTION_FAILED] =
    g_signal_new ("connection-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* A sender asks to pair (the six digits, shown by whoever handles it). */
  signals[PAIRING] =
    g_signal_new ("pairing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PH_TYPE_PAIRING);
  signals[LEFTOVERS_REMOVED] =
    g_signal_new ("leftovers-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ph_receive_session_init (PhReceiveSession *self)
{
  self->port = PH_DEFAULT_PORT;
  self->announce = TRUE;
  ph_receive_session_init_announcer (self);
  ph_receive_session_secure_init (self);
}

PhReceiveSession *
ph_receive_session_new (void)
{
  return g_object_new (PH_TYPE_RECEIVE_SESSION, NULL);
}
