/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ph-progress.h"

#define REDRAW_INTERVAL_USEC (G_USEC_PER_SEC / 10)
#define MIN_BAR_WIDTH 10
#define MAX_BAR_WIDTH 30
#define STATS_WIDTH   56

struct _PhProgress
{
  int      fd;
  gint64   last_draw;
  gboolean drawn;
  guint    done;
  guint    total;
};

PhProgress *
ph_progress_new (int fd)
{
  PhProgress *self = g_new0 (PhProgress, 1);

  self->fd = fd;
  return self;
}

void
ph_progress_free (PhProgress *self)
{
  g_free (self);
}

static guint
terminal_columns (int fd)
{
  struct winsize ws = { 0 };

  if (ioctl (fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
    return ws.ws_col;
  return 80;
}

static guint
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));
  return width;
}

/* A file name as the terminal should see it: no control characters,
 * at most @max columns, cut with an ellipsis. */
static char *
printable_name (const char *name,
                guint       max)
{
  g_autofree char *valid = g_utf8_make_valid (name ? name : "", -1);
  GString *out = g_string_new (NULL);
  guint width = 0;
  guint total = display_width (valid);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint w;

      if (g_unichar_iscntrl (c))
        c = '?';
      w = char_width (c);
      if (total > max && width + w + 1 > max)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, c);
      width += w;
    }
  return g_string_free (out, FALSE);
}

static char *
format_duration (gint64 seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

static void
append_speed (GString *stats,
              double   speed)
{
  g_autofree char *speed_text = NULL;

  if (speed <= 0)
    return;
  speed_text = g_format_size ((guint64) speed);
  g_string_append (stats, "  ");
  /* TRANSLATORS: a transfer speed, %s is a size such as 4.5 MB */
  g_string_append_printf (stats, _("%s/s"), speed_text);
}

static void
write_all (PhProgress *self,
           const char *text)
{
  gsize len = strlen (text);

  while (len > 0)
    {
      gssize n = write (self->fd, text, len);

      if (n <= 0)
        return;
      text += n;
      len -= n;
    }
}

/* "name  [#####     ]  45%  12.3 MB of 27.1 MB  4.5 MB/s  0:03 left" */
static void
draw (PhProgress *self,
      PhTransfer *transfer,
      gboolean    final)
{
  gint64 size = ph_transfer_get_size (transfer);
  gint64 done = ph_transfer_get_bytes_done (transfer);
  double speed = ph_transfer_get_speed (transfer);
  guint columns = terminal_columns (self->fd) - 1;
  guint percent = size > 0 ? (guint) (MIN (done, size) * 100 / size) : (final ? 100 : 0);
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *size_text = g_format_size (MAX (size, 0));
  g_autoptr(GString) stats = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new ("\r");
  g_autofree char *name = NULL;
  /* In a batch, how far it got: "12/500". */
  g_autofree char *count = self->total > 1 ? g_strdup_printf ("%u/%u  ", self->done, self->total)
                                           : g_strdup ("");
  guint name_max, reserved, bar_width = 0;

  g_string_append_printf (stats, "%3u%%  ", percent);
  if (final)
    {
      gint64 elapsed = (g_get_real_time () - ph_transfer_get_start_time (transfer)) / G_USEC_PER_SEC;
      g_autofree char *duration = format_duration (MAX (elapsed, 0));

      g_string_append (stats, size_text);
      g_string_append (stats, "  ");
      /* TRANSLATORS: %s is a duration such as 1:05 */
      g_string_append_printf (stats, _("in %s"), duration);
      append_speed (stats, speed);
    }
  else
    {
      /* TRANSLATORS: bytes done “of” the file size */
      g_string_append_printf (stats, _("%s of %s"), done_text, size_text);
      append_speed (stats, speed);
      if (speed > 0 && ph_transfer_get_seconds_left (transfer) >= 0)
        {
          g_autofree char *duration = format_duration (ph_transfer_get_seconds_left (transfer));

          g_string_append (stats, "  ");
          /* TRANSLATORS: time left, %s is a duration such as 1:05 */
          g_string_append_printf (stats, _("%s left"), duration);
        }
    }

  /* The name gets at most a third of the line, the numbers a fixed
   * share so that the bar does not jump when the speed appears. */
  name_max = MAX (columns / 3, 8);
  name = printable_name (ph_transfer_get_name (transfer), name_max);
  reserved = strlen (count) + display_width (name) + 2 +
             MAX (display_width (stats->str), STATS_WIDTH) + 4;
  if (columns > reserved + MIN_BAR_WIDTH)
    bar_width = MIN (columns - reserved, MAX_BAR_WIDTH);

  g_string_append (line, count);
  g_string_append (line, name);
  g_string_append (line, "  ");
  if (bar_width > 0)
    {
      guint filled = bar_width * percent / 100;

      g_string_append_c (line, '[');
      for (guint i = 0; i < bar_width; i++)
        g_string_append_c (line, i < filled ? '#' : ' ');
      g_string_append (line, "]  ");
    }
  g_string_append (line, stats->str);
  g_string_append (line, "\033[K");
  if (final)
    g_string_append_c (line, '\n');

  write_all (self, line->str);
  self->drawn = !final;
}

/* With @total above 1, lines begin with "@done/@total". */
void
ph_progress_set_count (PhProgress *self,
                       guint       done,
                       guint       total)
{
  g_return_if_fail (self != NULL);

  self->done = done;
  self->total = total;
}

void
ph_progress_update (PhProgress *self,
                    PhTransfer *transfer,
                    gboolean    force)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (PH_IS_TRANSFER (transfer));

  /* Nothing to show before the file's size is known. */
  if (ph_transfer_get_size (transfer) < 0)
    return;
  if (!force && self->drawn && now - self->last_draw < REDRAW_INTERVAL_USEC)
    return;
  self->last_draw = now;
  draw (self, transfer, FALSE);
}

void
ph_progress_finish (PhProgress *self,
                    PhTransfer *transfer)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (PH_IS_TRANSFER (transfer));

  draw (self, transfer, TRUE);
}

/* Wipes a half-drawn bar so that a message can take the line. */
void
ph_progress_clear (PhProgress *self)
{
  g_return_if_fail (self != NULL);

  if (self->drawn)
    write_all (self, "\r\033[K");
  self->drawn = FALSE;
}
