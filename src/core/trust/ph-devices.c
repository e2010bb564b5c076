/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhDevices: the list in memory, its model, and the changes people
 * and connections make to it (ph-devices-sync.c writes them). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ph-devices-private.h"
#include "ph-error.h"
#include "ph-fingerprint.h"

static void ph_devices_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhDevices, ph_devices, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_devices_list_model_init))

enum {
  PROP_0,
  PROP_ERROR,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GType
ph_devices_get_item_type (GListModel *model)
{
  return PH_TYPE_DEVICE;
}

static guint
ph_devices_get_n_items (GListModel *model)
{
  return PH_DEVICES (model)->items->len;
}

static gpointer
ph_devices_get_item (GListModel *model,
                     guint       position)
{
  PhDevices *self = PH_DEVICES (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ph_devices_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_devices_get_item_type;
  iface->get_n_items = ph_devices_get_n_items;
  iface->get_item = ph_devices_get_item;
}

void
ph_devices_set_error (PhDevices *self,
           GError    *error)
{
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* The items follow self->keyfile: gone ones leave, new ones come last,
 * the others change in place. */
void
ph_devices_sync_items (PhDevices *self)
{
  g_auto(GStrv) groups = g_key_file_get_groups (self->keyfile, NULL);
  guint before;

  for (guint i = self->items->len; i > 0; i--)
    {
      PhDevice *device = g_ptr_array_index (self->items, i - 1);
      g_autofree char *group = ph_devices_group_name (ph_device_get_fingerprint (device));

      if (!g_key_file_has_group (self->keyfile, group))
        {
          g_hash_table_remove (self->by_fingerprint, ph_device_get_fingerprint (device));
          g_ptr_array_remove_index (self->items, i - 1);
          g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
        }
    }

  before = self->items->len;
  for (guint i = 0; groups[i]; i++)
    {
      const char *fingerprint = ph_devices_group_fingerprint (groups[i]);
      PhDevice *device;

      if (fingerprint == NULL)
        continue;

      device = g_hash_table_lookup (self->by_fingerprint, fingerprint);
      if (device == NULL)
        {
          device = ph_device_new (fingerprint);
          g_hash_table_insert (self->by_fingerprint, (char *) ph_device_get_fingerprint (device), device);
          g_ptr_array_add (self->items, device);
        }
      ph_device_load (device, self->keyfile, groups[i]);
    }

  if (self->items->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->items->len - before);
  g_signal_emit (self, signals[CHANGED], 0);
}

static PhDevicesOp *
op_new (PhDevicesOpKind  kind,
        const char      *fingerprint,
        const char      *name)
{
  PhDevicesOp *op = g_new0 (PhDevicesOp, 1);

  op->kind = kind;
  op->fingerprint = g_strdup (fingerprint);
  op->name = g_strdup (name);
  return op;
}

static void
ph_devices_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PhDevices *self = PH_DEVICES (object);

  switch (prop_id)
    {
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_devices_dispose (GObject *object)
{
  PhDevices *self = PH_DEVICES (object);

  /* A write under way or due holds a reference: only changes that
   * failed to be saved can be left. */
  if (self->pending->len > 0)
    g_debug ("%u changes to the list of devices were not saved", self->pending->len);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->grants)); i++)
    {
      g_autoptr(PhAcceptAll) grant = g_list_model_get_item (G_LIST_MODEL (self->grants), i);

      g_signal_handlers_disconnect_by_data (grant, self);
    }
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }

  G_OBJECT_CLASS (ph_devices_parent_class)->dispose (object);
}

static void
ph_devices_finalize (GObject *object)
{
  PhDevices *self = PH_DEVICES (object);

  g_key_file_unref (self->keyfile);
  g_hash_table_unref (self->by_fingerprint);
  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->flushes);
  g_object_unref (self->grants);
  g_clear_error (&self->error);
  g_free (self->path);

  G_OBJECT_CLASS (ph_devices_parent_class)->finalize (object);
}

static void
ph_devices_class_init (PhDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ph_devices_get_property;
  object_class->dispose = ph_devices_dispose;
  object_class->finalize = ph_devices_finalize;

  /* The last thing that went wrong with the file (nullable). */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Anything in the list changed: a device came, went, or changed in
   * place (paired, blocked, renamed, seen). What depends on more than
   * one device (a new key under a paired name) is worked out again. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ph_devices_init (PhDevices *self)
{
  self->keyfile = g_key_file_new ();
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_fingerprint = g_hash_table_new (g_str_hash, g_str_equal);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) ph_devices_op_free);
  self->flushes = g_ptr_array_new_with_free_func (g_object_unref);
  self->grants = g_list_store_new (PH_TYPE_ACCEPT_ALL);
  self->pause = PH_DEVICES_PAIRING_PAUSE;
}

/* Returns: (transfer full): <user data dir>/posthouse/devices/devices.ini */
char *
ph_devices_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "posthouse", "devices", "devices.ini", NULL);
}

/**
 * ph_devices_new:
 * @path: the list's file (ph_devices_default_path())
 *
 * Returns: (transfer full): an empty list; ph_devices_load() reads it
 */
PhDevices *
ph_devices_new (const char *path)
{
  PhDevices *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (PH_TYPE_DEVICES, NULL);
  self->path = g_strdup (path);
  return self;
}

/**
 * ph_devices_load:
 *
 * Reads the list and follows the file from now on. A damaged list is
 * moved aside (never deleted) and an empty one started.
 *
 * Returns: FALSE with PH_ERROR_TRUST_STORE when the list could not be
 *   read; the message says where a damaged one was kept. The object
 *   works either way.
 */
gboolean
ph_devices_load (PhDevices  *self,
                 GError    **error)
{
  g_autofree char *dir = NULL;
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (PH_IS_DEVICES (self), FALSE);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("Could not create %s: %s", dir, g_strerror (errno));

  ph_devices_follow_file (self);
  ok = ph_devices_reload (self, &local_error);
  if (!ok)
    {
      ph_devices_set_error (self, g_error_copy (local_error));
      g_propagate_error (error, local_error);
    }
  return ok;
}

const char *
ph_devices_get_path (PhDevices *self)
{
  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  return self->path;
}

/* Returns: (nullable): what last went wrong with the file: a damaged
 * list kept aside (PH_ERROR_TRUST_STORE), or changes that could not be
 * saved (they stay in memory and are tried again with the next one) */
const GError *
ph_devices_get_write_error (PhDevices *self)
{
  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  return self->error;
}

/* Returns: (transfer none) (nullable): the device of that key */
PhDevice *
ph_devices_lookup (PhDevices  *self,
                   const char *fingerprint)
{
  g_return_val_if_fail (PH_IS_DEVICES (self), NULL);

  if (fingerprint == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_fingerprint, fingerprint);
}

void
ph_devices_set_pairing_pause (PhDevices *self,
                              guint      seconds)
{
  self->pause = seconds;
}

/**
 * ph_devices_record_seen:
 * @fingerprint: a key proved in the secure channel
 * @name: (nullable): the name it gave itself
 * @address: (nullable): the address it came from or was reached at (no port)
 * @receiver_address: (nullable): "HOST:PORT" where it received files
 * @installation_id: (nullable): its announced id=
 *
 * Remembers a device (as known, if it is new) and when it was seen;
 * changes no state.
 */
void
ph_devices_record_seen (PhDevices  *self,
                        const char *fingerprint,
                        const char *name,
                        const char *address,
                        const char *receiver_address,
                        const char *installation_id)
{
  PhDevicesOp *op;

  g_return_if_fail (PH_IS_DEVICES (self));
  g_return_if_fail (ph_fingerprint_is_valid (fingerprint));

  op = op_new (PH_DEVICES_OP_SEEN, fingerprint, name);
  op->address = g_strdup (address);
  op->receiver_address = g_strdup (receiver_address);
  op->installation_id = g_strdup (installation_id);
  ph_devices_change (self, op);
}

static void
set_state (PhDevices     *self,
           const char    *fingerprint,
           const char    *name,
           PhDeviceState  state)
{
  PhDevicesOp *op = op_new (PH_DEVICES_OP_STATE, fingerprint, name);

  op->state = state;
  ph_devices_change (self, op);
}

/* Both people confirmed the same six digits: paired from now on. */
void
ph_devices_pair (PhDevices  *self,
                 const char *fingerprint,
                 const char *name)
{
  g_return_if_fail (PH_IS_DEVICES (self));
  g_return_if_fail (ph_fingerprint_is_valid (fingerprint));

  set_state (self, fingerprint, name, PH_DEVICE_PAIRED);
}

/* A comparison that failed; the third in a row pauses pairing with it. */
void
ph_devices_record_pairing_failure (PhDevices  *self,
                                   const char *fingerprint,
                                   const char *name)
{
  PhDevicesOp *op;

  g_return_if_fail (PH_IS_DEVICES (self));
  g_return_if_fail (ph_fingerprint_is_valid (fingerprint));

  op = op_new (PH_DEVICES_OP_PAIRING_FAILED, fingerprint, name);
  op->pause = self->pause;
  ph_devices_change (self, op);
}

/**
 * ph_devices_is_pairing_paused:
 * @until: (out) (optional): when it ends, Unix seconds
 *
 * Returns: whether three failed comparisons in a row paused pairing
 *   with that device, and the pause is not over
 */
gboolean
ph_devices_is_pairing_paused (PhDevices  *self,
                              const char *fingerprint,
                              gint64     *until)
{
  PhDevice *device;
  gint64 end;

  g_return_val_if_fail (PH_IS_DEVICES (self), FALSE);

  device = ph_devices_lookup (self, fingerprint);
  end = device ? ph_device_get_pairing_paused_until (device) : 0;
  if (until != NULL)
    *until = end;
  return end > g_get_real_time () / G_USEC_PER_SEC;
}

/* Removes the device from the list (paired or not): a stranger again.
 * Returns: whether it was there */
gboolean
ph_devices_forget (PhDevices  *self,
                   const char *fingerprint)
{
  gboolean known;

  g_return_val_if_fail (PH_IS_DEVICES (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);

  known = ph_devices_lookup (self, fingerprint) != NULL;
  ph_devices_stop_accept_all (self, fingerprint);
  if (known)
    ph_devices_change (self, op_new (PH_DEVICES_OP_FORGET, fingerprint, NULL));
  return known;
}

/* Refused from now on, before a byte of a file is read; no longer paired. */
void
ph_devices_block (PhDevices  *self,
                  const char *fingerprint,
                  const char *name)
{
  g_return_if_fail (PH_IS_DEVICES (self));
  g_return_if_fail (ph_fingerprint_is_valid (fingerprint));

  ph_devices_stop_accept_all (self, fingerprint);
  set_state (self, fingerprint, name, PH_DEVICE_BLOCKED);
}

/* Known again, not paired. Returns: whether it was blocked */
gboolean
ph_devices_unblock (PhDevices  *self,
                    const char *fingerprint)
{
  PhDevice *device;

  g_return_val_if_fail (PH_IS_DEVICES (self), FALSE);

  device = ph_devices_lookup (self, fingerprint);
  if (device == NULL || ph_device_get_state (device) != PH_DEVICE_BLOCKED)
    return FALSE;

  set_state (self, fingerprint, NULL, PH_DEVICE_KNOWN);
  return TRUE;
}
