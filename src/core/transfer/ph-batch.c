/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-batch-private.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-transfer-private.h"

static void ph_batch_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhBatch, ph_batch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_batch_list_model_init))

GParamSpec *ph_batch_properties[N_PROPS];
guint ph_batch_signals[N_SIGNALS];

/* GListModel */

static GType
ph_batch_get_item_type (GListModel *model)
{
  return PH_TYPE_TRANSFER;
}

static guint
ph_batch_get_n_items (GListModel *model)
{
  return PH_BATCH (model)->entries->len;
}

static gpointer
ph_batch_get_item (GListModel *model,
                   guint       position)
{
  PhBatch *self = PH_BATCH (model);
  Entry *entry;

  if (position >= self->entries->len)
    return NULL;

  entry = g_ptr_array_index (self->entries, position);
  return g_object_ref (entry->transfer);
}

static void
ph_batch_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ph_batch_get_item_type;
  iface->get_n_items = ph_batch_get_n_items;
  iface->get_item = ph_batch_get_item;
}

/* GObject */

static void
ph_batch_dispose (GObject *object)
{
  PhBatch *self = PH_BATCH (object);

  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  if (self->cancellable != NULL)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;

  G_OBJECT_CLASS (ph_batch_parent_class)->dispose (object);
}

static void
ph_batch_finalize (GObject *object)
{
  PhBatch *self = PH_BATCH (object);

  g_clear_pointer (&self->active, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->peer, g_free);
  g_clear_pointer (&self->device_name, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_object (&self->first_file);
  g_clear_pointer (&self->published.title, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  ph_batch_sender_clear (self);

  G_OBJECT_CLASS (ph_batch_parent_class)->finalize (object);
}

static void
ph_batch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PhBatch *self = PH_BATCH (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_TITLE:
      g_value_take_string (value, ph_batch_dup_title (self));
      break;
    case PROP_N_FILES:
      g_value_set_uint (value, ph_batch_get_n_files (self));
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, ph_batch_get_n_done (self));
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, ph_batch_get_n_failed (self));
      break;
    case PROP_N_CANCELLED:
      g_value_set_uint (value, ph_batch_get_n_cancelled (self));
      break;
    case PROP_N_WAITING:
      g_value_set_uint (value, ph_batch_get_n_waiting (self));
      break;
    case PROP_TOTAL_SIZE:
      g_value_set_int64 (value, ph_batch_get_total_size (self));
      break;
    case PROP_BYTES_DONE:
      g_value_set_int64 (value, ph_batch_get_bytes_done (self));
      break;
    case PROP_SPEED:
      g_value_set_double (value, ph_batch_get_speed (self));
      break;
    case PROP_SECONDS_LEFT:
      g_value_set_int64 (value, ph_batch_get_seconds_left (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, ph_batch_get_state (self));
      break;
    case PROP_FLATTENED:
      g_value_set_boolean (value, self->flattened);
      break;
    case PROP_DEVICE_NAME:
      g_value_set_string (value, self->device_name);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_PAIRED:
      g_value_set_boolean (value, self->paired);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_batch_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  PhBatch *self = PH_BATCH (object);

  switch (prop_id)
    {
    case PROP_DIRECTION:
      self->direction = g_value_get_enum (value);
      break;
    case PROP_PEER:
      self->peer = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_FLATTENED:
      ph_batch_set_flattened (self, g_value_get_boolean (value));
      break;
    case PROP_DEVICE_NAME:
      ph_batch_set_device_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_batch_class_init (PhBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_batch_dispose;
  object_class->finalize = ph_batch_finalize;
  object_class->get_property = ph_batch_get_property;
  object_class->set_property = ph_batch_set_property;

  ph_batch_properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, ro);
  ph_batch_properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL,
                       PH_TYPE_TRANSFER_DIRECTION, PH_TRANSFER_SEND, construct);
  ph_batch_properties[PROP_PEER] =
    g_param_spec_string ("peer", NULL, NULL, NULL, construct);
  /* Construct with a title to name the batch (a folder's name); read
   * it for what to show: that name, the single file's, or "3 files". */
  ph_batch_properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  ph_batch_properties[PROP_N_FILES] =
    g_param_spec_uint ("n-files", NULL, NULL, 0, G_MAXUINT, 0, ro);
  ph_batch_properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  ph_batch_properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  ph_batch_properties[PROP_N_CANCELLED] =
    g_param_spec_uint ("n-cancelled", NULL, NULL, 0, G_MAXUINT, 0, ro);
  ph_batch_properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0, ro);
  ph_batch_properties[PROP_TOTAL_SIZE] =
    g_param_spec_int64 ("total-size", NULL, NULL, 0, G_MAXINT64, 0, ro);
  ph_batch_properties[PROP_BYTES_DONE] =
    g_param_spec_int64 ("bytes-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  ph_batch_properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  ph_batch_properties[PROP_SECONDS_LEFT] =
    g_param_spec_int64 ("seconds-left", NULL, NULL, -1, G_MAXINT64, -1, ro);
  ph_batch_properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       PH_TYPE_TRANSFER_STATE, PH_TRANSFER_QUEUED, ro);
  ph_batch_properties[PROP_FLATTENED] =
    g_param_spec_boolean ("flattened", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The peer's name as people know it ("Workshop PC"), when known: the
   * name a receiver announced nearby, or (secure channel) the name a
   * sender proved; NULL for an address alone. */
  ph_batch_properties[PROP_DEVICE_NAME] =
    g_param_spec_string ("device-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Who sends, in the secure channel: NULL for the original format. */
  ph_batch_properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL, ro);
  ph_batch_properties[PROP_PAIRED] =
    g_param_spec_boolean ("paired", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, ph_batch_properties);

  /* After the properties that changed were notified, once for all of
   * them: what a row redraws on. */
  ph_batch_signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* As each transfer ends, once and before its "notify::state"
   * handlers: one handler for a batch of 100,000 files. */
  ph_batch_signals[SIGNAL_TRANSFER_FINISHED] =
    g_signal_new ("transfer-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PH_TYPE_TRANSFER);
}

static void
ph_batch_init (PhBatch *self)
{
  static guint last_id;

  self->id = g_strdup_printf ("%u", g_atomic_int_add (&last_id, 1) + 1);
  self->entries = g_ptr_array_new_with_free_func (ph_batch_entry_free);
  self->active = g_ptr_array_new ();
  self->start_time = g_get_real_time ();
  self->last_activity = g_get_monotonic_time ();
  self->seconds_left = -1;
  ph_rate_init (&self->rate, SPEED_SAMPLES);
  self->published.seconds_left = -1;
  self->published.state = PH_TRANSFER_QUEUED;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (ph_batch_cancelled_cb), self, NULL);
}

/**
 * ph_batch_new:
 * @direction: whether the batch sends or receives
 * @peer: the destination (`HOST[:PORT]`) or, incoming, the sender's host
 * @title: (nullable): a name for the batch, such as the folder dropped
 *
 * Returns: (transfer full): an empty batch
 */
PhBatch *
ph_batch_new (PhTransferDirection  direction,
              const char          *peer,
              const char          *title)
{
  g_return_val_if_fail (peer != NULL, NULL);

  return g_object_new (PH_TYPE_BATCH,
                       "direction", direction,
                       "peer", peer,
                       "title", title,
                       NULL);
}

/* Returns: an identifier unique in this process, for action targets. */
const char *
ph_batch_get_id (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->id;
}

PhTransferDirection
ph_batch_get_direction (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), PH_TRANSFER_SEND);

  return self->direction;
}

const char *
ph_batch_get_peer (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->peer;
}

/* Returns: (nullable): the peer's name as people know it */
const char *
ph_batch_get_device_name (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->device_name;
}

void
ph_batch_set_device_name (PhBatch    *self,
                          const char *device_name)
{
  g_return_if_fail (PH_IS_BATCH (self));

  if (g_strcmp0 (self->device_name, device_name) == 0)
    return;

  g_free (self->device_name);
  self->device_name = g_strdup (device_name);
  g_object_notify_by_pspec (G_OBJECT (self), ph_batch_properties[PROP_DEVICE_NAME]);
}

/* Returns: (transfer full): the given title, else the single file's
 * name, else "N files" (before any file arrived, as many as the sender
 * announced). */
char *
ph_batch_dup_title (PhBatch *self)
{
  guint n;

  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  n = self->entries->len;
  if (self->title != NULL)
    return g_strdup (self->title);
  if (n == 1)
    return g_strdup (ph_transfer_get_name (((Entry *) g_ptr_array_index (self->entries, 0))->transfer));
  if (n == 0)
    n = self->announced_files;

  /* Translators: the name of a group of files sent or received together */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file", "%'u files", n), n);
}

guint
ph_batch_get_n_files (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->entries->len;
}

guint
ph_batch_get_n_done (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->counts[PH_TRANSFER_DONE];
}

/* Returns: how many failed, not counting declined ones. */
guint
ph_batch_get_n_failed (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->counts[PH_TRANSFER_FAILED] - self->n_declined;
}

guint
ph_batch_get_n_cancelled (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->counts[PH_TRANSFER_CANCELLED];
}

guint
ph_batch_get_n_declined (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->n_declined;
}

guint
ph_batch_get_n_waiting (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->counts[PH_TRANSFER_WAITING];
}

/* Returns: the sum of the sizes known so far. */
gint64
ph_batch_get_total_size (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->total_size;
}

/* Returns: the bytes of the files done plus those under way, now. */
gint64
ph_batch_get_bytes_done (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return ph_batch_live_bytes (self);
}

/* Returns: bytes per second over about the last second; once finished,
 * the average from the first byte to the last. */
double
ph_batch_get_speed (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->speed;
}

/* Returns: the estimated seconds left, or -1 when unknown. */
gint64
ph_batch_get_seconds_left (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), -1);

  return self->seconds_left;
}

PhTransferState
ph_batch_get_state (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), PH_TRANSFER_FAILED);

  /* Asked about as a whole: nothing arrived yet. */
  if (self->answer_func != NULL)
    return PH_TRANSFER_WAITING;

  if (self->entries->len == 0)
    return !self->closed ? PH_TRANSFER_QUEUED
           : self->error_message != NULL ? PH_TRANSFER_FAILED : PH_TRANSFER_CANCELLED;

  if (n_finished (self) == self->entries->len)
    {
      if (ph_batch_get_n_failed (self) > 0)
        return PH_TRANSFER_FAILED;
      if (self->counts[PH_TRANSFER_CANCELLED] > 0 || self->n_declined > 0)
        return PH_TRANSFER_CANCELLED;
      return PH_TRANSFER_DONE;
    }

  if (self->counts[PH_TRANSFER_WAITING] > 0)
    return PH_TRANSFER_WAITING;
  if (self->counts[PH_TRANSFER_SENDING] > 0)
    return PH_TRANSFER_SENDING;
  if (self->counts[PH_TRANSFER_RECEIVING] > 0)
    return PH_TRANSFER_RECEIVING;
  if (self->counts[PH_TRANSFER_CONNECTING] > 0)
    return PH_TRANSFER_CONNECTING;
  return PH_TRANSFER_QUEUED;
}

/* Whether every transfer of the batch (at least one) is over. An
 * incoming batch may still grow while its burst goes on. */
gboolean
ph_batch_is_finished (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), TRUE);

  if (self->entries->len == 0)
    return self->closed;
  return n_finished (self) == self->entries->len;
}

/* Returns: when the batch was created, in µs of g_get_real_time(). */
gint64
ph_batch_get_start_time (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->start_time;
}

/* Returns: when a transfer was last added or finished, in µs of
 * g_get_monotonic_time(). */
gint64
ph_batch_get_last_activity (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), 0);

  return self->last_activity;
}

/* Returns: (nullable): why the first failed transfer failed. */
const char *
ph_batch_get_error_message (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->error_message;
}

/* Returns: (nullable) (transfer none): the first file the batch saved
 * (incoming), for Show in Folder and Open. */
GFile *
ph_batch_get_first_file (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->first_file;
}

/* Whether folders were sent as their files side by side (the receiver
 * gets base names only, so their structure is not kept). */
gboolean
ph_batch_get_flattened (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), FALSE);

  return self->flattened;
}

void
ph_batch_set_flattened (PhBatch  *self,
                        gboolean  flattened)
{
  g_return_if_fail (PH_IS_BATCH (self));

  flattened = !!flattened;
  if (self->flattened == flattened)
    return;

  self->flattened = flattened;
  g_object_notify_by_pspec (G_OBJECT (self), ph_batch_properties[PROP_FLATTENED]);
}

/* Cancelling it cancels every transfer of the batch not yet finished,
 * and those an incoming batch gets later. */
GCancellable *
ph_batch_get_cancellable (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->cancellable;
}

