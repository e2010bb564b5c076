/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-batch.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-transfer-private.h"

/* However many transfers run, a batch publishes its aggregate at most
 * this often: a window redraws a batch, not each of its files. */
#define FLUSH_MSEC   250
#define SPEED_SAMPLES 5    /* about one second at FLUSH_MSEC */
#define N_STATES     (PH_TRANSFER_CANCELLED + 1)

typedef enum
{
  DECISION_NONE,
  DECISION_ACCEPT,
  DECISION_DECLINE,
} Decision;

/* One transfer of the batch, with what was last counted for it: the
 * counters are kept up to date per event, never recounted. */
typedef struct
{
  PhBatch         *batch;
  PhTransfer      *transfer;
  PhTransferState  state;
  gint64           size;
  gboolean         declined;
  gboolean         active;
} Entry;

/* The values last notified, to notify only what changed. */
typedef struct
{
  guint           n_files;
  guint           n_done;
  guint           n_failed;
  guint           n_cancelled;
  guint           n_waiting;
  gint64          total_size;
  gint64          bytes_done;
  double          speed;
  gint64          seconds_left;
  PhTransferState state;
  char           *title;
} Published;

struct _PhBatch
{
  GObject              parent_instance;

  char                *id;
  PhTransferDirection  direction;
  char                *peer;
  char                *title;
  gboolean             flattened;
  gint64               start_time;      /* wall clock, µs */
  gint64               last_activity;   /* monotonic, µs */
  gint64               data_start;      /* monotonic, µs; 0 until data moves */
  gint64               finish_time;     /* monotonic, µs; when it last finished */
  char                *error_message;
  GFile               *first_file;      /* the first file saved */

  GPtrArray           *entries;         /* Entry*, owned, in order */
  GPtrArray           *active;          /* Entry*, those that may move bytes */
  guint                counts[N_STATES];
  guint                n_declined;
  gint64               total_size;
  gint64               finished_bytes;  /* bytes of DONE transfers */
  double               speed;
  gint64               seconds_left;

  Published            published;
  GMainContext        *context;
  GSource             *flush_source;
  gint64               last_flush;
  struct { gint64 time, bytes; } samples[SPEED_SAMPLES];
  guint                n_samples;
  guint                next_sample;

  GCancellable        *cancellable;
  gulong               cancelled_id;
  Decision             decision;
  gboolean             cancelled;
};

static void ph_batch_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhBatch, ph_batch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ph_batch_list_model_init))

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_PEER,
  PROP_TITLE,
  PROP_N_FILES,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_N_CANCELLED,
  PROP_N_WAITING,
  PROP_TOTAL_SIZE,
  PROP_BYTES_DONE,
  PROP_SPEED,
  PROP_SECONDS_LEFT,
  PROP_STATE,
  PROP_FLATTENED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
state_is_final (PhTransferState state)
{
  return state == PH_TRANSFER_DONE ||
         state == PH_TRANSFER_FAILED ||
         state == PH_TRANSFER_CANCELLED;
}

static gboolean
state_is_active (PhTransferState state)
{
  return state == PH_TRANSFER_CONNECTING ||
         state == PH_TRANSFER_SENDING ||
         state == PH_TRANSFER_RECEIVING;
}

static guint
n_finished (PhBatch *self)
{
  return self->counts[PH_TRANSFER_DONE] +
         self->counts[PH_TRANSFER_FAILED] +
         self->counts[PH_TRANSFER_CANCELLED];
}

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

/* Publishing */

static void schedule_flush (PhBatch *self);

static gint64
live_bytes (PhBatch *self)
{
  gint64 bytes = self->finished_bytes;

  for (guint i = 0; i < self->active->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->active, i);
      bytes += ph_transfer_get_bytes_done (entry->transfer);
    }

  return bytes;
}

static void
update_estimates (PhBatch *self,
                  gint64   bytes)
{
  gint64 now = g_get_monotonic_time ();

  if (ph_batch_is_finished (self))
    {
      gint64 elapsed = self->data_start ? self->finish_time - self->data_start : 0;

      /* Once finished, the speed is the average of the whole batch. */
      self->speed = elapsed > 0 ? bytes * (double) G_USEC_PER_SEC / elapsed : 0;
      self->seconds_left = ph_batch_get_state (self) == PH_TRANSFER_DONE ? 0 : -1;
      self->n_samples = 0;
      return;
    }

  self->samples[self->next_sample].time = now;
  self->samples[self->next_sample].bytes = bytes;
  self->next_sample = (self->next_sample + 1) % SPEED_SAMPLES;
  self->n_samples = MIN (self->n_samples + 1, SPEED_SAMPLES);

  self->speed = 0;
  self->seconds_left = -1;
  if (self->n_samples > 1)
    {
      guint newest = (self->next_sample + SPEED_SAMPLES - 1) % SPEED_SAMPLES;
      guint oldest = self->n_samples < SPEED_SAMPLES ? 0 : self->next_sample;
      gint64 dt = self->samples[newest].time - self->samples[oldest].time;
      gint64 db = self->samples[newest].bytes - self->samples[oldest].bytes;

      if (dt > 0 && db > 0)
        self->speed = db * (double) G_USEC_PER_SEC / dt;
      if (self->speed > 0 && self->total_size >= bytes)
        self->seconds_left = (gint64) ((self->total_size - bytes) / self->speed + 0.999);
    }
}

#define PUBLISH(field, value, prop)                                          \
  G_STMT_START {                                                             \
    if (self->published.field != (value))                                    \
      {                                                                      \
        self->published.field = (value);                                     \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);        \
        changed = TRUE;                                                      \
      }                                                                      \
  } G_STMT_END

static void
flush (PhBatch *self)
{
  gint64 bytes = live_bytes (self);
  g_autofree char *title = ph_batch_dup_title (self);
  gboolean changed = FALSE;

  self->last_flush = g_get_monotonic_time ();
  update_estimates (self, bytes);

  g_object_freeze_notify (G_OBJECT (self));
  PUBLISH (n_files, self->entries->len, PROP_N_FILES);
  PUBLISH (n_done, self->counts[PH_TRANSFER_DONE], PROP_N_DONE);
  PUBLISH (n_failed, self->counts[PH_TRANSFER_FAILED] - self->n_declined, PROP_N_FAILED);
  PUBLISH (n_cancelled, self->counts[PH_TRANSFER_CANCELLED], PROP_N_CANCELLED);
  PUBLISH (n_waiting, self->counts[PH_TRANSFER_WAITING], PROP_N_WAITING);
  PUBLISH (total_size, self->total_size, PROP_TOTAL_SIZE);
  PUBLISH (bytes_done, bytes, PROP_BYTES_DONE);
  PUBLISH (speed, self->speed, PROP_SPEED);
  PUBLISH (seconds_left, self->seconds_left, PROP_SECONDS_LEFT);
  PUBLISH (state, ph_batch_get_state (self), PROP_STATE);
  if (g_strcmp0 (self->published.title, title) != 0)
    {
      g_free (self->published.title);
      self->published.title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

#undef PUBLISH

static gboolean
flush_cb (gpointer user_data)
{
  PhBatch *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);

  /* Bytes move without events: keep sampling while anything runs. */
  if (self->active->len > 0)
    schedule_flush (self);

  return G_SOURCE_REMOVE;
}

/* The first change after a quiet spell is published on the next
 * iteration; later ones wait for the rest of the interval. */
static void
schedule_flush (PhBatch *self)
{
  gint64 delay;

  if (self->flush_source != NULL)
    return;

  delay = (self->last_flush + FLUSH_MSEC * 1000 - g_get_monotonic_time ()) / 1000;
  self->flush_source = g_timeout_source_new (CLAMP (delay, 0, FLUSH_MSEC));
  g_source_set_static_name (self->flush_source, "[posthouse] batch progress");
  g_source_set_callback (self->flush_source, flush_cb, self, NULL);
  g_source_attach (self->flush_source, self->context);
}

/* Counting */

static void
entry_count (Entry           *entry,
             PhTransferState  state)
{
  PhBatch *self = entry->batch;
  PhTransfer *transfer = entry->transfer;
  gboolean was_final = state_is_final (entry->state);
  gboolean active = state_is_active (state);

  self->counts[entry->state]--;
  self->counts[state]++;
  entry->state = state;

  if (active != entry->active)
    {
      entry->active = active;
      if (active)
        g_ptr_array_add (self->active, entry);
      else
        g_ptr_array_remove_fast (self->active, entry);
    }

  if ((state == PH_TRANSFER_SENDING || state == PH_TRANSFER_RECEIVING) && self->data_start == 0)
    self->data_start = g_get_monotonic_time ();

  if (state_is_final (state) && !was_final)
    {
      const GError *error = ph_transfer_get_error (transfer);

      self->last_activity = g_get_monotonic_time ();
      if (state == PH_TRANSFER_DONE)
        {
          self->finished_bytes += ph_transfer_get_bytes_done (transfer);
          if (self->first_file == NULL && ph_transfer_get_file (transfer) != NULL)
            self->first_file = g_object_ref (ph_transfer_get_file (transfer));
        }
      else if (error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        {
          entry->declined = TRUE;
          self->n_declined++;
        }
      else if (state == PH_TRANSFER_FAILED && self->error_message == NULL)
        self->error_message = g_strdup (ph_transfer_get_error_message (transfer));

      if (n_finished (self) == self->entries->len)
        self->finish_time = self->last_activity;
    }
}

static void
entry_uncount (Entry *entry)
{
  PhBatch *self = entry->batch;

  self->counts[entry->state]--;
  self->total_size -= entry->size;
  if (entry->state == PH_TRANSFER_DONE)
    self->finished_bytes -= ph_transfer_get_bytes_done (entry->transfer);
  if (entry->declined)
    self->n_declined--;
  if (entry->active)
    g_ptr_array_remove_fast (self->active, entry);
}

static void
transfer_state_cb (PhTransfer *transfer,
                   GParamSpec *pspec,
                   Entry      *entry)
{
  entry_count (entry, ph_transfer_get_state (transfer));
  schedule_flush (entry->batch);
}

static void
transfer_size_cb (PhTransfer *transfer,
                  GParamSpec *pspec,
                  Entry      *entry)
{
  gint64 size = MAX (ph_transfer_get_size (transfer), 0);

  entry->batch->total_size += size - entry->size;
  entry->size = size;
  schedule_flush (entry->batch);
}

static void
entry_free (Entry *entry)
{
  g_signal_handlers_disconnect_by_data (entry->transfer, entry);
  g_object_unref (entry->transfer);
  g_free (entry);
}

static Entry *
entry_new (PhBatch    *self,
           PhTransfer *transfer)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->batch = self;
  entry->transfer = g_object_ref (transfer);
  entry->state = PH_TRANSFER_QUEUED;
  self->counts[PH_TRANSFER_QUEUED]++;
  entry->size = MAX (ph_transfer_get_size (transfer), 0);
  self->total_size += entry->size;
  entry_count (entry, ph_transfer_get_state (transfer));

  g_signal_connect (transfer, "notify::state", G_CALLBACK (transfer_state_cb), entry);
  g_signal_connect (transfer, "notify::size", G_CALLBACK (transfer_size_cb), entry);

  return entry;
}

/* What the batch's decision or cancellation means for a transfer. */
static void
apply_decision (PhBatch    *self,
                PhTransfer *transfer)
{
  PhTransferState state = ph_transfer_get_state (transfer);

  if (state == PH_TRANSFER_WAITING)
    {
      if (self->decision == DECISION_ACCEPT)
        ph_transfer_accept (transfer);
      else if (self->decision == DECISION_DECLINE)
        ph_transfer_decline (transfer);
    }
  else if (self->cancelled && !state_is_final (state))
    ph_transfer_cancel (transfer);
}

/* The unfinished transfers, held: acting on one may run handlers. */
static GPtrArray *
dup_transfers (PhBatch *self)
{
  GPtrArray *transfers = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (!state_is_final (entry->state))
        g_ptr_array_add (transfers, g_object_ref (entry->transfer));
    }

  return transfers;
}

static void
cancelled_cb (GCancellable *cancellable,
              PhBatch      *self)
{
  g_autoptr(GPtrArray) transfers = NULL;

  self->cancelled = TRUE;
  if (self->decision == DECISION_NONE)
    self->decision = DECISION_DECLINE;

  /* Cancelling may finish transfers (and run handlers) at once. */
  transfers = dup_transfers (self);
  for (guint i = 0; i < transfers->len; i++)
    apply_decision (self, g_ptr_array_index (transfers, i));
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
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_object (&self->first_file);
  g_clear_pointer (&self->published.title, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

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

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL,
                       PH_TYPE_TRANSFER_DIRECTION, PH_TRANSFER_SEND, construct);
  properties[PROP_PEER] =
    g_param_spec_string ("peer", NULL, NULL, NULL, construct);
  /* Construct with a title to name the batch (a folder's name); read
   * it for what to show: that name, the single file's, or "3 files". */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FILES] =
    g_param_spec_uint ("n-files", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_CANCELLED] =
    g_param_spec_uint ("n-cancelled", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_TOTAL_SIZE] =
    g_param_spec_int64 ("total-size", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_BYTES_DONE] =
    g_param_spec_int64 ("bytes-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_int64 ("seconds-left", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       PH_TYPE_TRANSFER_STATE, PH_TRANSFER_QUEUED, ro);
  properties[PROP_FLATTENED] =
    g_param_spec_boolean ("flattened", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After the properties that changed were notified, once for all of
   * them: what a row redraws on. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ph_batch_init (PhBatch *self)
{
  static guint last_id;

  self->id = g_strdup_printf ("%u", g_atomic_int_add (&last_id, 1) + 1);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->active = g_ptr_array_new ();
  self->start_time = g_get_real_time ();
  self->last_activity = g_get_monotonic_time ();
  self->seconds_left = -1;
  self->published.seconds_left = -1;
  self->published.state = PH_TRANSFER_QUEUED;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (cancelled_cb), self, NULL);
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

/* Returns: (transfer full): the given title, else the single file's
 * name, else "N files". */
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

  return live_bytes (self);
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

  if (self->entries->len == 0)
    return PH_TRANSFER_QUEUED;

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

  return self->entries->len > 0 && n_finished (self) == self->entries->len;
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLATTENED]);
}

/* Cancelling it cancels every transfer of the batch not yet finished,
 * and those an incoming batch gets later. */
GCancellable *
ph_batch_get_cancellable (PhBatch *self)
{
  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  return self->cancellable;
}

/* Appends @transfer (same direction). A WAITING one is accepted or
 * declined at once when the batch was; one added to a cancelled batch
 * is declined or cancelled. */
void
ph_batch_add (PhBatch    *self,
              PhTransfer *transfer)
{
  guint position;

  g_return_if_fail (PH_IS_BATCH (self));
  g_return_if_fail (PH_IS_TRANSFER (transfer));
  g_return_if_fail (ph_transfer_get_direction (transfer) == self->direction);

  position = self->entries->len;
  g_ptr_array_add (self->entries, entry_new (self, transfer));
  self->last_activity = g_get_monotonic_time ();
  if (ph_batch_is_finished (self))
    self->finish_time = self->last_activity;

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  schedule_flush (self);

  apply_decision (self, transfer);
}

/**
 * ph_batch_add_file:
 * @file: a file to send to the batch's peer
 * @size: its size if known, else -1
 *
 * Appends a queued outgoing transfer of @file. The size counts in
 * "total-size" until the sender measures the file itself.
 *
 * Returns: (transfer none): the new transfer
 */
PhTransfer *
ph_batch_add_file (PhBatch *self,
                   GFile   *file,
                   gint64   size)
{
  g_autoptr(PhTransfer) transfer = NULL;

  g_return_val_if_fail (PH_IS_BATCH (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (self->direction == PH_TRANSFER_SEND, NULL);

  transfer = ph_transfer_new_outgoing (file, self->peer);
  if (size >= 0)
    ph_transfer_set_size (transfer, size);
  ph_batch_add (self, transfer);

  return transfer;
}

/* Cancels every unfinished transfer (a WAITING one is declined). */
void
ph_batch_cancel (PhBatch *self)
{
  g_return_if_fail (PH_IS_BATCH (self));

  g_cancellable_cancel (self->cancellable);
}

static void
decide (PhBatch  *self,
        Decision  decision)
{
  g_autoptr(GPtrArray) transfers = NULL;

  if (self->cancelled)
    return;

  self->decision = decision;
  transfers = dup_transfers (self);
  for (guint i = 0; i < transfers->len; i++)
    apply_decision (self, g_ptr_array_index (transfers, i));
}

/* Accepts the transfers waiting for an answer, and those that arrive
 * waiting later in this batch: one question per batch. */
void
ph_batch_accept (PhBatch *self)
{
  g_return_if_fail (PH_IS_BATCH (self));

  decide (self, DECISION_ACCEPT);
}

/* Declines the waiting transfers, and those that arrive later in this
 * batch waiting for an answer. */
void
ph_batch_decline (PhBatch *self)
{
  g_return_if_fail (PH_IS_BATCH (self));

  decide (self, DECISION_DECLINE);
}

/**
 * ph_batch_retry_failed:
 *
 * Replaces each failed or cancelled outgoing transfer with a new queued
 * one of the same file to the same peer, in the same place.
 *
 * Returns: (transfer full): the new transfers, to be sent
 */
GListModel *
ph_batch_retry_failed (PhBatch *self)
{
  GListStore *retried;

  g_return_val_if_fail (PH_IS_BATCH (self), NULL);

  retried = g_list_store_new (PH_TYPE_TRANSFER);
  if (self->direction != PH_TRANSFER_SEND)
    return G_LIST_MODEL (retried);

  /* A fresh start: the batch is no longer cancelled. */
  if (self->cancelled)
    {
      g_cancellable_disconnect (self->cancellable, self->cancelled_id);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      self->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (cancelled_cb), self, NULL);
      self->cancelled = FALSE;
      self->decision = DECISION_NONE;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *old = g_ptr_array_index (self->entries, i);
      g_autoptr(PhTransfer) transfer = NULL;
      GFile *source = ph_transfer_get_source (old->transfer);

      if ((old->state != PH_TRANSFER_FAILED && old->state != PH_TRANSFER_CANCELLED) || source == NULL)
        continue;

      transfer = ph_transfer_new_outgoing (source, ph_transfer_get_peer (old->transfer));
      if (old->size > 0)
        ph_transfer_set_size (transfer, old->size);
      entry_uncount (old);
      /* Frees the old entry. */
      g_ptr_array_index (self->entries, i) = entry_new (self, transfer);
      entry_free (old);
      g_list_store_append (retried, transfer);
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
    }

  g_clear_pointer (&self->error_message, g_free);
  self->last_activity = g_get_monotonic_time ();
  schedule_flush (self);

  return G_LIST_MODEL (retried);
}
