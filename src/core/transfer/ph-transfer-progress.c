/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhTransfer's engine side: the state the engine sets, and progress
 * turned into at most ten notifications a second with the speed and
 * time left of the one rate estimator (ph-rate.c). */
#include "config.h"

#include "ph-transfer-fields-private.h"

#define properties ph_transfer_properties

/* All the figures are set before any is notified, without a freeze
 * (it costs more than the emissions): a handler sees them together. */
static void
flush_progress (PhTransfer *self)
{
  gint64 bytes = ph_transfer_get_bytes_done (self);
  double speed = 0;
  gint64 seconds_left = -1;
  gboolean bytes_changed, speed_changed, left_changed;

  if (ph_transfer_state_moves_data (self->state))
    ph_rate_add_sample (&self->rate, g_get_monotonic_time (), bytes);

  if (ph_transfer_state_is_final (self->state))
    {
      /* Once finished, the speed is the average of the whole run. */
      speed = ph_rate_average (bytes, self->data_start ? g_get_monotonic_time () - self->data_start : 0);
      seconds_left = self->state == PH_TRANSFER_DONE ? 0 : -1;
    }
  else
    {
      speed = ph_rate_get_speed (&self->rate);
      seconds_left = ph_rate_get_seconds_left (&self->rate, self->size, bytes);
    }

  bytes_changed = bytes != self->notified_bytes;
  speed_changed = speed != self->speed;
  left_changed = seconds_left != self->seconds_left;
  self->notified_bytes = bytes;
  self->speed = speed;
  self->seconds_left = seconds_left;

  if (bytes_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
  if (speed_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  if (left_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
}

/* One timer per main context ticks all its transfers that move data:
 * a file of a few KiB starts and ends between two ticks, and a source
 * made, attached and destroyed for each cost more than the file's
 * notifications. It goes at the first tick with nothing to tick. */
struct _PhTicker
{
  GMainContext *context;
  GSource      *source;
  GPtrArray    *transfers;   /* PhTransfer, unowned; each knows its index */
};

static GMutex tickers_lock;
static GSList *tickers;      /* PhTicker; one per context in use */

static gboolean
ticker_cb (gpointer user_data)
{
  PhTicker *ticker = user_data;
  g_autoptr(GPtrArray) moving = NULL;

  g_mutex_lock (&tickers_lock);
  if (ticker->transfers->len == 0)
    {
      tickers = g_slist_remove (tickers, ticker);
      g_mutex_unlock (&tickers_lock);
      g_source_unref (ticker->source);
      g_ptr_array_unref (ticker->transfers);
      g_main_context_unref (ticker->context);
      g_free (ticker);
      return G_SOURCE_REMOVE;
    }

  /* Held: a handler may stop any of them, or drop the last reference. */
  moving = g_ptr_array_new_full (ticker->transfers->len, g_object_unref);
  for (guint i = 0; i < ticker->transfers->len; i++)
    g_ptr_array_add (moving, g_object_ref (g_ptr_array_index (ticker->transfers, i)));
  g_mutex_unlock (&tickers_lock);

  for (guint i = 0; i < moving->len; i++)
    {
      PhTransfer *transfer = g_ptr_array_index (moving, i);

      if (g_atomic_pointer_get (&transfer->ticker) == ticker)
        flush_progress (transfer);
    }

  return G_SOURCE_CONTINUE;
}

void
ph_transfer_stop_ticking (PhTransfer *self)
{
  PhTicker *ticker;
  guint index;

  if (g_atomic_pointer_get (&self->ticker) == NULL)
    return;

  g_mutex_lock (&tickers_lock);
  ticker = self->ticker;
  index = self->tick_index;
  g_assert (index < ticker->transfers->len && g_ptr_array_index (ticker->transfers, index) == self);
  g_ptr_array_remove_index_fast (ticker->transfers, index);
  if (index < ticker->transfers->len)
    ((PhTransfer *) g_ptr_array_index (ticker->transfers, index))->tick_index = index;
  g_atomic_pointer_set (&self->ticker, NULL);
  g_mutex_unlock (&tickers_lock);
}

static void
start_ticking (PhTransfer *self)
{
  PhTicker *ticker = NULL;
  GSource *source = NULL;

  if (g_atomic_pointer_get (&self->ticker) != NULL)
    return;

  g_mutex_lock (&tickers_lock);
  for (GSList *l = tickers; l != NULL && ticker == NULL; l = l->next)
    if (((PhTicker *) l->data)->context == self->context)
      ticker = l->data;
  if (ticker == NULL)
    {
      ticker = g_new0 (PhTicker, 1);
      ticker->context = g_main_context_ref (self->context);
      ticker->transfers = g_ptr_array_new ();
      ticker->source = g_timeout_source_new (TICK_MSEC);
      g_source_set_static_name (ticker->source, "[posthouse] transfer progress");
      g_source_set_callback (ticker->source, ticker_cb, ticker, NULL);
      tickers = g_slist_prepend (tickers, ticker);
      source = ticker->source;
    }
  self->tick_index = ticker->transfers->len;
  g_ptr_array_add (ticker->transfers, self);
  g_atomic_pointer_set (&self->ticker, ticker);
  g_mutex_unlock (&tickers_lock);

  /* Outside the lock: attaching takes the context's. Nothing frees the
   * ticker before its source runs. */
  if (source != NULL)
    g_source_attach (source, self->context);
}

void
ph_transfer_set_decision_func (PhTransfer             *self,
                               PhTransferDecisionFunc  func,
                               gpointer                user_data)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  self->decision_func = func;
  self->decision_data = user_data;
}

void
ph_transfer_set_state (PhTransfer      *self,
                       PhTransferState  state)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (self->state == state || ph_transfer_state_is_final (self->state))
    return;

  self->state = state;
  if (ph_transfer_state_moves_data (state))
    {
      if (self->data_start == 0)
        self->data_start = g_get_monotonic_time ();
      start_ticking (self);
    }
  else
    ph_transfer_stop_ticking (self);

  /* The last progress is said before the state: whoever sees the
   * end sees final figures. No freeze for a lone notification (it
   * costs more than the emission, 100,000 times). */
  if (ph_transfer_state_is_final (state))
    {
      self->decision_func = NULL;
      self->decision_data = NULL;
      flush_progress (self);
    }

  if (self->watch_func != NULL)
    self->watch_func (self, PH_TRANSFER_WATCH_STATE, self->watch_data);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
ph_transfer_set_size (PhTransfer *self,
                      gint64      size)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (self->size == size)
    return;

  self->size = size;
  if (self->watch_func != NULL)
    self->watch_func (self, PH_TRANSFER_WATCH_SIZE, self->watch_data);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

/**
 * ph_transfer_set_watch:
 *
 * Gives the transfer's batch what "notify::state" and "notify::size"
 * would, called first and without a signal handler's cost (a secure
 * connection brings 100,000 files into one batch). One watch per
 * transfer, on its context.
 *
 * Returns: %FALSE if it has one already (then connect to the signals)
 */
gboolean
ph_transfer_set_watch (PhTransfer          *self,
                       PhTransferWatchFunc  func,
                       gpointer             user_data)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->watch_func != NULL)
    return FALSE;

  self->watch_func = func;
  self->watch_data = user_data;
  return TRUE;
}

/* Removes the watch ph_transfer_set_watch() set with @user_data. */
void
ph_transfer_clear_watch (PhTransfer *self,
                         gpointer    user_data)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (self->watch_data != user_data)
    return;

  self->watch_func = NULL;
  self->watch_data = NULL;
}

void
ph_transfer_set_name (PhTransfer *self,
                      const char *name)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
ph_transfer_set_peer (PhTransfer *self,
                      const char *peer)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (g_strcmp0 (self->peer, peer) == 0)
    return;

  g_free (self->peer);
  self->peer = g_strdup (peer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER]);
}

/* The key the peer proved in the secure channel; set before the
 * transfer is announced. */
void
ph_transfer_set_peer_fingerprint (PhTransfer *self,
                                  const char *fingerprint)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  g_free (self->peer_fingerprint);
  self->peer_fingerprint = g_strdup (fingerprint);
}

/* Returns: (nullable): the key the peer proved in the secure channel;
 *   NULL in the original format (not encrypted, no identity) */
const char *
ph_transfer_get_peer_fingerprint (PhTransfer *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER (self), NULL);

  return self->peer_fingerprint;
}

/* Thread-safe; the timer publishes the value. */
void
ph_transfer_set_bytes_done (PhTransfer *self,
                            gint64      bytes_done)
{
  atomic_store_explicit (&self->bytes_done, bytes_done, memory_order_relaxed);
}

void
ph_transfer_set_file (PhTransfer *self,
                      GFile      *file)
{
  g_return_if_fail (PH_IS_TRANSFER (self));

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

/* Ends the transfer: CANCELLED for G_IO_ERROR_CANCELLED, FAILED for
 * anything else. The first error wins. */
void
ph_transfer_fail (PhTransfer   *self,
                  const GError *error)
{
  g_return_if_fail (PH_IS_TRANSFER (self));
  g_return_if_fail (error != NULL);

  if (ph_transfer_state_is_final (self->state))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  ph_transfer_set_state (self,
                         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ?
                         PH_TRANSFER_CANCELLED : PH_TRANSFER_FAILED);
  g_object_thaw_notify (G_OBJECT (self));
}
