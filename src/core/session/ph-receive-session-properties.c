/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhReceiveSession: what a face sets and reads. A new port or address
 * listens anew (once it settles); the folder, prefix and policy apply
 * at once to the receiver listening. */
#include "config.h"

#include "ph-address.h"
#include "ph-interfaces.h"
#include "ph-receive-session-private.h"

#define notify(self, prop) \
  g_object_notify_by_pspec (G_OBJECT (self), ph_receive_session_properties[PH_RECEIVE_SESSION_PROP_##prop])

gboolean
ph_receive_session_get_receiving (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), FALSE);

  return self->receiving;
}

/* Starts or stops; a start that fails emits "failed". */
void
ph_receive_session_set_receiving (PhReceiveSession *self,
                                  gboolean          receiving)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (receiving)
    ph_receive_session_start_or_fail (self);
  else
    ph_receive_session_stop (self);
}

guint
ph_receive_session_get_port (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), 0);

  return self->port;
}

void
ph_receive_session_set_port (PhReceiveSession *self,
                             guint             port)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (port == self->port)
    return;

  self->port = port;
  ph_receive_session_schedule_restart (self);
  notify (self, PORT);
}

/* Returns: the port listened on, 0 when not receiving */
guint
ph_receive_session_get_bound_port (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), 0);

  return self->receiving ? ph_receiver_get_port (self->receiver) : 0;
}

const char *
ph_receive_session_get_interface (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return self->interface ? self->interface : "";
}

/* @interface: (nullable): a network interface's name, "" or NULL for all */
void
ph_receive_session_set_interface (PhReceiveSession *self,
                                  const char       *interface)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (g_strcmp0 (ph_receive_session_get_interface (self), interface ? interface : "") == 0)
    return;

  g_free (self->interface);
  self->interface = g_strdup (interface);
  ph_receive_session_schedule_restart (self);
  notify (self, INTERFACE);
}

const char *
ph_receive_session_get_bind_address (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return self->bind_address;
}

/* @address: (nullable): the one local address to listen on when no
 * interface is set, NULL for all */
void
ph_receive_session_set_bind_address (PhReceiveSession *self,
                                     const char       *address)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (g_strcmp0 (self->bind_address, address) == 0)
    return;

  g_free (self->bind_address);
  self->bind_address = g_strdup (address);
  ph_receive_session_schedule_restart (self);
  notify (self, BIND_ADDRESS);
}

/* Returns: (nullable): the one address listened on, NULL for every
 * interface (or when not receiving) */
const char *
ph_receive_session_get_listen_address (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return self->listen_address;
}

/* Returns: (transfer none): the folder files are saved into: the one
 * receiving uses, else the one set, else the default folder */
GFile *
ph_receive_session_get_folder (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  if (self->receiving)
    return ph_receiver_get_directory (self->receiver);
  if (self->folder != NULL)
    return self->folder;
  if (self->default_folder == NULL)
    self->default_folder = ph_receive_session_default_folder ();

  return self->default_folder;
}

/* @folder: (nullable): where to save, NULL for the default folder */
void
ph_receive_session_set_folder (PhReceiveSession *self,
                               GFile            *folder)
{
  g_autoptr(GFile) to_use = NULL;

  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));
  g_return_if_fail (folder == NULL || G_IS_FILE (folder));

  if (folder == self->folder || (folder != NULL && self->folder != NULL && g_file_equal (folder, self->folder)))
    return;

  g_set_object (&self->folder, folder);
  if (self->receiver != NULL)
    {
      to_use = ph_receive_session_dup_folder_to_use (self);
      ph_receiver_set_directory (self->receiver, to_use);
    }
  notify (self, FOLDER);
}

const char *
ph_receive_session_get_prefix (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  return self->prefix ? self->prefix : "";
}

/* @prefix: (nullable): put before every saved name ("new_" names files
 * as the original receiver does) */
void
ph_receive_session_set_prefix (PhReceiveSession *self,
                               const char       *prefix)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (g_strcmp0 (ph_receive_session_get_prefix (self), prefix ? prefix : "") == 0)
    return;

  g_free (self->prefix);
  self->prefix = g_strdup (prefix);
  if (self->receiver != NULL)
    ph_receiver_set_prefix (self->receiver, ph_receive_session_get_prefix (self));
  notify (self, PREFIX);
}

gboolean
ph_receive_session_get_ask_before_accepting (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), FALSE);

  return self->ask;
}

void
ph_receive_session_set_ask_before_accepting (PhReceiveSession *self,
                                             gboolean          ask)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (!ask == !self->ask)
    return;

  self->ask = !!ask;
  ph_receive_session_apply_policy (self);
  if (self->receiving)
    ph_receive_session_update_announcement (self);
  notify (self, ASK_BEFORE_ACCEPTING);
}

gboolean
ph_receive_session_get_announce (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), FALSE);

  return self->announce;
}

void
ph_receive_session_set_announce (PhReceiveSession *self,
                                 gboolean          announce)
{
  g_return_if_fail (PH_IS_RECEIVE_SESSION (self));

  if (!announce == !self->announce)
    return;

  self->announce = !!announce;
  if (self->receiving)
    {
      self->accepts_paths = ph_receive_session_can_announce (self, self->listen_address);
      ph_receive_session_apply_policy (self);
      if (announce)
        ph_receive_session_start_announcing (self);
      else
        ph_receive_session_stop_announcing (self);
      notify (self, ACCEPTS_PATHS);
    }
  notify (self, ANNOUNCE);
}

/* Returns: whether folder paths are kept: receiving, announced as
 * paths=1 */
gboolean
ph_receive_session_get_accepts_paths (PhReceiveSession *self)
{
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), FALSE);

  return self->accepts_paths;
}

/**
 * ph_receive_session_dup_addresses:
 *
 * Returns: (transfer full): the `HOST:PORT` a sender can use while
 *   receiving: the address listened on, or each address of this
 *   computer others can reach (IPv4 first); empty when not receiving
 *   or without a network
 */
char **
ph_receive_session_dup_addresses (PhReceiveSession *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) hosts = NULL;
  guint port;

  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (self), NULL);

  if (!self->receiving)
    return g_strv_builder_end (builder);

  port = ph_receiver_get_port (self->receiver);
  if (self->listen_address != NULL)
    {
      hosts = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (hosts, g_strdup (self->listen_address));
    }
  else
    hosts = ph_interface_list_addresses ();

  for (guint i = 0; i < hosts->len; i++)
    {
      g_autofree char *address = ph_address_format (g_ptr_array_index (hosts, i), port);

      g_strv_builder_add (builder, address);
    }

  return g_strv_builder_end (builder);
}

/* GObject */

void
ph_receive_session_get_gproperty (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PhReceiveSession *self = PH_RECEIVE_SESSION (object);

  switch (prop_id)
    {
    case PH_RECEIVE_SESSION_PROP_RECEIVING:
      g_value_set_boolean (value, self->receiving);
      break;
    case PH_RECEIVE_SESSION_PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PH_RECEIVE_SESSION_PROP_BOUND_PORT:
      g_value_set_uint (value, ph_receive_session_get_bound_port (self));
      break;
    case PH_RECEIVE_SESSION_PROP_INTERFACE:
      g_value_set_string (value, ph_receive_session_get_interface (self));
      break;
    case PH_RECEIVE_SESSION_PROP_BIND_ADDRESS:
      g_value_set_string (value, self->bind_address);
      break;
    case PH_RECEIVE_SESSION_PROP_LISTEN_ADDRESS:
      g_value_set_string (value, self->listen_address);
      break;
    case PH_RECEIVE_SESSION_PROP_FOLDER:
      g_value_set_object (value, ph_receive_session_get_folder (self));
      break;
    case PH_RECEIVE_SESSION_PROP_PREFIX:
      g_value_set_string (value, ph_receive_session_get_prefix (self));
      break;
    case PH_RECEIVE_SESSION_PROP_ASK_BEFORE_ACCEPTING:
      g_value_set_boolean (value, self->ask);
      break;
    case PH_RECEIVE_SESSION_PROP_ANNOUNCE:
      g_value_set_boolean (value, self->announce);
      break;
    case PH_RECEIVE_SESSION_PROP_ACCEPTS_PATHS:
      g_value_set_boolean (value, self->accepts_paths);
      break;
    case PH_RECEIVE_SESSION_PROP_ANNOUNCE_STATE:
      g_value_set_enum (value, ph_receive_session_get_announce_state (self));
      break;
    case PH_RECEIVE_SESSION_PROP_ANNOUNCED_NAME:
      g_value_set_string (value, ph_receive_session_get_announced_name (self));
      break;
    case PH_RECEIVE_SESSION_PROP_ANNOUNCE_ERROR:
      g_value_set_string (value, ph_receive_session_get_announce_error (self));
      break;
    case PH_RECEIVE_SESSION_PROP_ADDRESSES:
      g_value_take_boxed (value, ph_receive_session_dup_addresses (self));
      break;
    case PH_RECEIVE_SESSION_PROP_IDENTITY:
      g_value_set_object (value, self->identity);
      break;
    case PH_RECEIVE_SESSION_PROP_DEVICES:
      g_value_set_object (value, self->devices);
      break;
    case PH_RECEIVE_SESSION_PROP_ONLY_PAIRED:
      g_value_set_boolean (value, self->only_paired);
      break;
    case PH_RECEIVE_SESSION_PROP_ACCEPT_UNENCRYPTED:
      g_value_set_boolean (value, self->accept_plain);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
ph_receive_session_set_gproperty (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PhReceiveSession *self = PH_RECEIVE_SESSION (object);

  switch (prop_id)
    {
    case PH_RECEIVE_SESSION_PROP_RECEIVING:
      ph_receive_session_set_receiving (self, g_value_get_boolean (value));
      break;
    case PH_RECEIVE_SESSION_PROP_PORT:
      ph_receive_session_set_port (self, g_value_get_uint (value));
      break;
    case PH_RECEIVE_SESSION_PROP_INTERFACE:
      ph_receive_session_set_interface (self, g_value_get_string (value));
      break;
    case PH_RECEIVE_SESSION_PROP_BIND_ADDRESS:
      ph_receive_session_set_bind_address (self, g_value_get_string (value));
      break;
    case PH_RECEIVE_SESSION_PROP_FOLDER:
      ph_receive_session_set_folder (self, g_value_get_object (value));
      break;
    case PH_RECEIVE_SESSION_PROP_PREFIX:
      ph_receive_session_set_prefix (self, g_value_get_string (value));
      break;
    case PH_RECEIVE_SESSION_PROP_ASK_BEFORE_ACCEPTING:
      ph_receive_session_set_ask_before_accepting (self, g_value_get_boolean (value));
      break;
    case PH_RECEIVE_SESSION_PROP_ANNOUNCE:
      ph_receive_session_set_announce (self, g_value_get_boolean (value));
      break;
    case PH_RECEIVE_SESSION_PROP_IDENTITY:
      ph_receive_session_set_identity (self, g_value_get_object (value));
      break;
    case PH_RECEIVE_SESSION_PROP_DEVICES:
      ph_receive_session_set_devices (self, g_value_get_object (value));
      break;
    case PH_RECEIVE_SESSION_PROP_ONLY_PAIRED:
      ph_receive_session_set_only_paired (self, g_value_get_boolean (value));
      break;
    case PH_RECEIVE_SESSION_PROP_ACCEPT_UNENCRYPTED:
      ph_receive_session_set_accept_unencrypted (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}
