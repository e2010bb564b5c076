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
 *   - files per second delivered in the round (plus one file's worth per
 *     64 KiB, so that large files count as what they are);
 *   - the receipt time: from a file's header to its receipt, on average,
 *     and the least such average over the last 10 s, when nothing waited.
 *
 * The receipt time against the per-file work (1 / files per second) is
 * how many files the path holds: by Little's law, files in flight beyond
 * that make receipts slower, not files faster. The window
 *
 *   - starts small and doubles every round while files per second rise
 *     (by a quarter at least) or the receipts take no longer than when
 *     nothing waited (half as long again at most): on a link with latency
 *     receipts take much longer than the per-file work, and the window
 *     fills it within a few round trips; two rounds with more files in
 *     flight and neither end it, at the size that delivered the most;
 *   - then every few rounds tries a quarter more (kept if files per
 *     second rose by 8 %) or a quarter fewer (kept if they fell by less
 *     than 3 %: the CPU or the link is the limit, and fewer files in
 *     flight cost less), measured over three rounds against the two
 *     before; a trial kept is tried again the same way, and trials that
 *     change nothing come less and less often;
 *   - halves when the receiver did not save a file it had;
 *   - stays between half where it started (fewer leave the sender and
 *     the receiver idle in turns) and its maximum (what the receiver
 *     takes without queueing in the kernel, PH_SEND_WINDOW_PLAIN_MAX).
 *
 * It knows nothing of connections or threads: it is told when a file
 * went out and when its receipt came back, and reads an injected clock,
 * so the secure channel can use it for files ahead of their receipts and
 * tests can drive it with a simulated one. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-send-window-private.h"

/* An adaptive window keeps at least half of where it started: fewer
 * leave the sender and the receiver idle in turns, and on a busy machine
 * a trial of fewer files can look as fast by chance. */
#define MIN_ADAPTIVE_SHARE  2
#define MIN_ROUND_USEC      10000
#define UNIT_BYTES          65536
#define STARTUP_RISE        1.25
#define STARTUP_SLOWER      1.5
/* Growing pays while fewer files are in flight than twice what the path
 * holds: receipts take much longer than the per-file work. */
#define PIPES_MOST          2.0
/* Files per second at best, forgotten by this share each steady round. */
#define MOST_FILES_DECAY    0.97
#define STARTUP_FLAT_ROUNDS 2
#define HOLD_ROUNDS         3
#define HOLD_ROUNDS_MOST    48
#define BASELINE_ROUNDS     2
#define MEASURE_ROUNDS      3
#define UP_KEEP             1.08
#define DOWN_KEEP           0.97
#define BASE_LIFETIME       (10 * G_USEC_PER_SEC)

typedef enum
{
  PHASE_FIXED,
  PHASE_STARTUP,
  PHASE_HOLD,
  PHASE_PROBE,
} Phase;

struct _PhSendWindow
{
  GObject            parent_instance;

  PhSendWindowClock  clock;
  gpointer           clock_data;

  guint              size;       /* in effect now (a probe included) */
  guint              settled;    /* outside probes; what faces show */
  guint              min;
  guint              initial;
  guint              max;
  Phase              phase;
  char              *reason;

  guint              in_flight;

  /* The current round. */
  guint64            round;
  gint64             round_start;
  guint              receipts;
  double             units;
  double             sum_in_flight;  /* over its receipts, as they were sent */
  double             sum_receipt;    /* usec */

  double             base_receipt;   /* usec: the least round's average, 0: none */
  gint64             base_at;
  double             most_files;     /* files per second at best, lately */

  /* Startup: the rate that last rose enough, and the best one with the
   * files in flight that made it. */
  double             rising_rate;
  double             rising_in_flight;
  double             best_rate;
  double             best_files;
  double             best_in_flight;
  guint              flat_rounds;

  /* Steady: the last rates at the settled size, and trials. */
  double             recent[BASELINE_ROUNDS];
  guint              rounds;       /* in this phase, settling rounds excluded */
  guint              hold_rounds;  /* before the next trial */
  gboolean           settling;     /* the round after a change measures the old size */
  gboolean           probe_up;     /* the next or current trial's way */
  guint              probe_size;
  double             probe_rate;
  guint              lost_probes;  /* in a row */
};

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
  self->min = MIN (MAX (initial / MIN_ADAPTIVE_SHARE, 2), max);
  self->size = self->settled = self->initial = CLAMP (initial, self->min, max);
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

static void
set_size (PhSendWindow *self,
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
static void
settle (PhSendWindow *self,
        guint         size,
        char         *reason)
{
  set_size (self, size);
  g_free (self->reason);
  self->reason = reason;

  /* Also for the same size with a new reason. */
  self->settled = self->size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLED_SIZE]);
}

/* At least @files, whole (a window is counted in files). */
static guint
whole_files (double files)
{
  guint whole;

  if (files <= 1)
    return 1;
  if (files >= G_MAXUINT)
    return G_MAXUINT;
  whole = (guint) files;
  return whole < files ? whole + 1 : whole;
}

static void
start_hold (PhSendWindow *self)
{
  self->phase = PHASE_HOLD;
  self->rounds = 0;
  if (self->hold_rounds == 0)
    self->hold_rounds = HOLD_ROUNDS;
}

/* What the path holds by Little's law: files per second at best times
 * the receipt time when nothing waited (the receipt over the per-file
 * work). */
static double
pipe_files (PhSendWindow *self)
{
  return self->most_files * self->base_receipt / G_USEC_PER_SEC;
}

static gboolean
worth_growing (PhSendWindow *self)
{
  return self->size < self->max && self->size < PIPES_MOST * pipe_files (self);
}

/* Where startup ends: what the path holds, with half as much again for
 * jitter; at least the files in flight of the last doubling that paid
 * and where it started, at most the present size. Trials trim from
 * there. */
static void
end_startup (PhSendWindow *self)
{
  double pipe = pipe_files (self);
  guint size = MIN (MAX (MAX (whole_files (STARTUP_SLOWER * pipe),
                              whole_files (self->rising_in_flight - 0.5)),
                         self->initial),
                    self->size);

  start_hold (self);
  settle (self, size,
          g_strdup_printf (_("files per second stopped rising at %.0f; receipts after %.1f ms"),
                           self->best_files, self->base_receipt / 1000.0));
}

static void
startup_round (PhSendWindow *self,
               double        rate,
               double        files,
               double        in_flight,
               double        receipt)
{
  gboolean rising = rate >= self->rising_rate * STARTUP_RISE;

  if (rate > self->best_rate)
    {
      self->best_rate = rate;
      self->best_files = files;
      self->best_in_flight = in_flight;
    }
  if (rising)
    {
      self->rising_rate = rate;
      self->rising_in_flight = in_flight;
    }

  if ((rising || receipt <= self->base_receipt * STARTUP_SLOWER) && worth_growing (self))
    {
      self->flat_rounds = 0;
      if (self->size < self->max)
        {
          settle (self, self->size * 2,
                  g_strdup_printf (_("files per second still rising (%.0f); receipts after %.1f ms"),
                                   files, receipt / 1000.0));
          return;
        }
      return;
    }

  /* At the most, and the last doubling is in flight. */
  if (self->size >= self->max && !rising && in_flight >= self->max / STARTUP_SLOWER)
    {
      end_startup (self);
      return;
    }

  /* No faster, and no more files in flight yet: the files sent since
   * the window grew are not back yet. */
  if (in_flight < self->rising_in_flight * STARTUP_RISE)
    return;

  if (++self->flat_rounds >= STARTUP_FLAT_ROUNDS)
    end_startup (self);
}

static guint
probe_step (guint size)
{
  return MAX (1, size / 4);
}

static void
start_probe (PhSendWindow *self)
{
  if (self->probe_up && !worth_growing (self))
    self->probe_up = FALSE;
  else if (!self->probe_up && self->size <= self->min)
    self->probe_up = TRUE;
  if (self->probe_up ? !worth_growing (self) : self->size <= self->min)
    {
      self->rounds = 0;
      return;
    }

  self->probe_size = self->probe_up ? self->size + probe_step (self->size)
                                    : self->size - probe_step (self->size);
  self->probe_rate = 0;
  self->phase = PHASE_PROBE;
  self->rounds = 0;
  set_size (self, self->probe_size);
}

static void
end_probe (PhSendWindow *self,
           double        files)
{
  double baseline = 0;

  for (guint i = 0; i < BASELINE_ROUNDS; i++)
    baseline += self->recent[i] / BASELINE_ROUNDS;

  start_hold (self);

  /* A trial of more kept is tried again at once; one of fewer is
   * checked by one of more. */
  if (self->probe_up && self->probe_rate >= baseline * UP_KEEP)
    {
      self->lost_probes = 0;
      self->hold_rounds = HOLD_ROUNDS;
      settle (self, self->probe_size,
              g_strdup_printf (_("more files in flight went faster (%.0f a second)"), files));
      return;
    }
  if (!self->probe_up && self->probe_rate >= baseline * DOWN_KEEP)
    {
      self->lost_probes = 0;
      self->hold_rounds = HOLD_ROUNDS;
      self->probe_up = TRUE;
      settle (self, self->probe_size,
              g_strdup_printf (_("fewer files in flight went as fast (%.0f a second): the "
                                 "computer or the link is the limit"), files));
      return;
    }

  /* Lost: the other way next, and after both ways lost, later. */
  set_size (self, self->settled);
  self->probe_up = !self->probe_up;
  if (++self->lost_probes >= 2)
    self->hold_rounds = MIN (self->hold_rounds * 2, HOLD_ROUNDS_MOST);
}

static void
steady_round (PhSendWindow *self,
              double        rate,
              double        files)
{
  self->rounds++;

  if (self->phase == PHASE_HOLD)
    {
      self->recent[self->rounds % BASELINE_ROUNDS] = rate;
      if (self->rounds >= MAX (self->hold_rounds, BASELINE_ROUNDS))
        start_probe (self);
      return;
    }

  self->probe_rate += rate / MEASURE_ROUNDS;
  if (self->rounds >= MEASURE_ROUNDS)
    end_probe (self, files);
}

static void
end_round (PhSendWindow *self,
           gint64        now)
{
  double seconds = (now - self->round_start) / (double) G_USEC_PER_SEC;
  double rate = self->units / seconds;
  double files = self->receipts / seconds;
  double in_flight = self->sum_in_flight / self->receipts;
  double receipt = self->sum_receipt / self->receipts;
  gboolean settling = self->settling;

  if (self->base_receipt == 0 || receipt <= self->base_receipt ||
      now - self->base_at > BASE_LIFETIME)
    {
      self->base_receipt = receipt;
      self->base_at = now;
    }
  if (self->phase != PHASE_STARTUP)
    self->most_files *= MOST_FILES_DECAY;
  self->most_files = MAX (self->most_files, files);

  self->round++;
  self->round_start = now;
  self->receipts = 0;
  self->units = 0;
  self->sum_in_flight = 0;
  self->sum_receipt = 0;
  self->settling = FALSE;

  switch (self->phase)
    {
    case PHASE_STARTUP:
      startup_round (self, rate, files, in_flight, receipt);
      break;
    case PHASE_HOLD:
    case PHASE_PROBE:
      /* The round after a change measured the size before it. */
      if (!settling)
        steady_round (self, rate, files);
      break;
    case PHASE_FIXED:
    default:
      break;
    }
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

  /* A round ends when a file sent during it is back. */
  if (mark->round >= self->round && now - self->round_start >= MIN_ROUND_USEC &&
      self->receipts > 0)
    end_round (self, now);
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

  start_hold (self);
  /* Below where trials stop, if need be: the receiver says so. */
  self->min = MAX (1, MIN (self->min, self->settled / 2));
  settle (self, self->settled / 2, g_strdup (_("the receiver did not save a file")));
}
