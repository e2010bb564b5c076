/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendWindow: how many files a sender keeps in flight.
 *
 * A small file costs round trips, not bytes: its header and data go out
 * at once, then it waits for its receipt. With too few files in flight a
 * link with latency idles; with too many, where the CPU (the sender's,
 * the receiver's) is the limit, files only wait behind each other and
 * hold connections at the receiver. So the window measures, in rounds (a
 * round ends when a file sent during it has its receipt, and lasts 10 ms
 * at least, so that a busy machine's jitter averages out):
 *
 *   - files per second delivered (plus one file's worth per 64 KiB, so
 *     that large files count as what they are);
 *   - the per-file work, 1 / files per second at best lately: what the
 *     slowest part (link, sender, receiver) spends on each file;
 *   - the receipt time, from a file's header to its receipt: each
 *     round's average, the least of them, and the quickest single
 *     receipt (when nothing waited), both over the last 10 s.
 *
 * By Little's law the path holds quickest receipt / per-file work files
 * before they only wait (the "pipe"). The window
 *
 *   - starts at PH_SEND_WINDOW_INITIAL and doubles every round while
 *     files per second rise (by a quarter) or receipts take no longer
 *     than at least (half as long again), and receipts take much longer
 *     than the per-file work (fewer in flight than two pipes): a link
 *     with latency fills within a few round trips. Two rounds with more
 *     files in flight and neither end the start, at one and a half
 *     pipes (at least where it started, at most where it is);
 *   - then every few rounds tries a quarter more (kept if files per
 *     second rose by 8 %; only within two pipes) or a quarter fewer
 *     (kept if they fell by less than 3 %: the CPU or the link is the
 *     limit, and fewer in flight cost less; never below one and a half
 *     pipes, which a receipt slower than the quickest would leave
 *     idle), measured over three rounds
 *     against the two before; more that was kept is tried again at once,
 *     fewer that was kept is checked by more, and trials that change
 *     nothing come less and less often;
 *   - halves when the receiver did not save a file it had;
 *   - stays between where it started and its maximum (what the receiver
 *     takes without queueing in the kernel, PH_SEND_WINDOW_PLAIN_MAX);
 *     only refusals go lower. Fewer than it starts with (what a Posthouse
 *     receiver serves one sender at once) were never faster where it was
 *     measured, CPU-bound included (100,000 files on loopback took 10 %
 *     longer with 5 or 6 than with 8, bench/RESULTS.md), while on a busy
 *     machine a trial of fewer can look as fast by chance.
 *
 * It knows nothing of connections or threads: it is told when a file
 * went out and when its receipt came back, and reads an injected clock,
 * so the secure channel can use it for files ahead of their receipts and
 * tests can drive it with a simulated one. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-send-window-internal.h"

#define MIN_ROUND_USEC     10000
#define UNIT_BYTES         65536

G_DEFINE_FINAL_TYPE (PhSendWindow, ph_send_window, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SIZE,
  PROP_SETTLED_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
ph_send_window_finalize (GObject *object)
{
  PhSendWindow *self = PH_SEND_WINDOW (object);

  g_free (self->reason);

  G_OBJECT_CLASS (ph_send_window_parent_class)->finalize (object);
}

static void
ph_send_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PhSendWindow *self = PH_SEND_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      g_value_set_uint (value, self->size);
      break;
    case PROP_SETTLED_SIZE:
      g_value_set_uint (value, self->settled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_send_window_class_init (PhSendWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ph_send_window_finalize;
  object_class->get_property = ph_send_window_get_property;

  /* Files in flight now, a trial of a few more or fewer included. */
  properties[PROP_SIZE] =
    g_param_spec_uint ("size", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The size decided on, with ph_send_window_get_reason(). */
  properties[PROP_SETTLED_SIZE] =
    g_param_spec_uint ("settled-size", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_send_window_init (PhSendWindow *self)
{
  self->clock = monotonic_clock;
  self->size = self->settled = self->min = self->max = 1;
}

/**
 * ph_send_window_new:
 * @initial: files in flight to start with
 * @max: the most files in flight ever
 *
 * Returns: (transfer full): a window that adapts to what it measures
 */
PhSendWindow *
ph_send_window_new (guint initial,
                    guint max)
{
  PhSendWindow *self;

  g_return_val_if_fail (max >= 1, NULL);

  self = g_object_new (PH_TYPE_SEND_WINDOW, NULL);
  self->max = max;
  /* Never fewer than it starts with, but for refusals: see the top. */
  self->size = self->settled = self->initial = self->min = CLAMP (initial, 1, max);
  self->phase = PHASE_STARTUP;
  self->reason = g_strdup (_("to start with"));

  return self;
}

/**
 * ph_send_window_new_fixed:
 * @size: files in flight, always
 *
 * Returns: (transfer full): a window that never changes
 */
PhSendWindow *
ph_send_window_new_fixed (guint size)
{
  PhSendWindow *self;

  g_return_val_if_fail (size >= 1, NULL);

  self = g_object_new (PH_TYPE_SEND_WINDOW, NULL);
  self->min = self->max = self->size = self->settled = size;
  self->phase = PHASE_FIXED;
  self->reason = g_strdup (_("as asked"));

  return self;
}

/**
 * ph_send_window_set_clock:
 * @clock: monotonic microseconds
 *
 * Replaces g_get_monotonic_time(), before the first file is sent.
 */
void
ph_send_window_set_clock (PhSendWindow      *self,
                          PhSendWindowClock  clock,
                          gpointer           user_data)
{
  g_return_if_fail (PH_IS_SEND_WINDOW (self));
  g_return_if_fail (clock != NULL);

  self->clock = clock;
  self->clock_data = user_data;
}

guint
ph_send_window_get_size (PhSendWindow *self)
{
  g_return_val_if_fail (PH_IS_SEND_WINDOW (self), 1);

  return self->size;
}

guint
ph_send_window_get_max (PhSendWindow *self)
{
  g_return_val_if_fail (PH_IS_SEND_WINDOW (self), 1);

  return self->max;
}

gboolean
ph_send_window_is_fixed (PhSendWindow *self)
{
  g_return_val_if_fail (PH_IS_SEND_WINDOW (self), TRUE);

  return self->phase == PHASE_FIXED;
}

/* Files sent whose receipts are not back. */
guint
ph_send_window_get_in_flight (PhSendWindow *self)
{
  g_return_val_if_fail (PH_IS_SEND_WINDOW (self), 0);

  return self->in_flight;
}

/**
 * ph_send_window_get_reason:
 *
 * Returns: why the window has its settled size, in a few words for
 *   people ("files per second still rising", ...)
 */
const char *
ph_send_window_get_reason (PhSendWindow *self)
{
  g_return_val_if_fail (PH_IS_SEND_WINDOW (self), NULL);

  return self->reason;
}

void
ph_send_window_set_size (PhSendWindow *self,
                         guint         size)
{
  size = CLAMP (size, self->min, self->max);
  if (size == self->size)
    return;

  self->size = size;
  /* Files in flight now were sent at the old size. */
  self->settling = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

/* A decision: the size faces show, and why. */
void
ph_send_window_settle (PhSendWindow *self,
                       guint         size,
                       char         *reason)
{
  ph_send_window_set_size (self, size);
  g_free (self->reason);
  self->reason = reason;

  /* Also for the same size with a new reason. */
  self->settled = self->size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLED_SIZE]);
}

/**
 * ph_send_window_sent:
 * @mark: (out caller-allocates): to give back with the file's receipt
 * @when: the clock's time the header went out, or -1 for now
 *
 * A file's header went out.
 */
void
ph_send_window_sent (PhSendWindow     *self,
                     PhSendWindowMark *mark,
                     gint64            when)
{
  g_return_if_fail (PH_IS_SEND_WINDOW (self));
  g_return_if_fail (mark != NULL);

  mark->sent_at = when >= 0 ? when : self->clock (self->clock_data);
  mark->round = self->round;
  mark->in_flight = ++self->in_flight;

  if (self->round_start == 0)
    self->round_start = mark->sent_at;
}

/**
 * ph_send_window_delivered:
 * @mark: what ph_send_window_sent() noted for the file
 * @bytes: the file's size
 * @when: the clock's time the receipt came, or -1 for now
 *
 * The file's receipt came back: it is saved. (Callers that learn of
 * receipts late, on another thread's behalf, give the time it came.)
 */
void
ph_send_window_delivered (PhSendWindow           *self,
                          const PhSendWindowMark *mark,
                          gint64                  bytes,
                          gint64                  when)
{
  gint64 now;

  g_return_if_fail (PH_IS_SEND_WINDOW (self));
  g_return_if_fail (mark != NULL);
  g_return_if_fail (self->in_flight > 0);

  self->in_flight--;
  if (self->phase == PHASE_FIXED)
    return;

  now = when >= 0 ? when : self->clock (self->clock_data);
  self->receipts++;
  self->sum_in_flight += mark->in_flight;
  self->units += 1.0 + MAX (bytes, 0) / (double) UNIT_BYTES;
  self->sum_receipt += MAX (1, now - mark->sent_at);
  if (self->round_quickest == 0 || now - mark->sent_at < self->round_quickest)
    self->round_quickest = MAX (1, now - mark->sent_at);

  /* A round ends when a file sent during it is back. */
  if (mark->round >= self->round && now - self->round_start >= MIN_ROUND_USEC &&
      self->receipts > 0)
    ph_send_window_end_round (self, now);
}

/**
 * ph_send_window_abandoned:
 * @mark: what ph_send_window_sent() noted for the file
 *
 * The file ended without a receipt for a reason of the sender's own
 * (cancelled, unreadable): it is no longer in flight, and says nothing
 * about the path.
 */
void
ph_send_window_abandoned (PhSendWindow           *self,
                          const PhSendWindowMark *mark)
{
  g_return_if_fail (PH_IS_SEND_WINDOW (self));
  g_return_if_fail (mark != NULL);
  g_return_if_fail (self->in_flight > 0);

  self->in_flight--;
}

/**
 * ph_send_window_refused:
 * @mark: what ph_send_window_sent() noted for the file
 *
 * The receiver did not save a file it had been sent (a reset instead of
 * the receipt): perhaps too many waited there.
 */
void
ph_send_window_refused (PhSendWindow           *self,
                        const PhSendWindowMark *mark)
{
  g_return_if_fail (PH_IS_SEND_WINDOW (self));
  g_return_if_fail (mark != NULL);
  g_return_if_fail (self->in_flight > 0);

  self->in_flight--;
  if (self->phase == PHASE_FIXED)
    return;

  ph_send_window_refuse (self);
}
