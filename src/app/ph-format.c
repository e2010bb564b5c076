/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text for the transfer rows: sizes, speeds, times, peers, folders.
 * What batches say is in ph-format-batch.c. GLib only, so it can be
 * unit tested without a display. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-error.h"
#include "ph-format.h"

char *
ph_format_size (gint64 bytes)
{
  return g_format_size (MAX (bytes, 0));
}

char *
ph_format_speed (double bytes_per_second)
{
  g_autofree char *size = NULL;

  if (bytes_per_second < 0 || isnan (bytes_per_second))
    bytes_per_second = 0;

  size = g_format_size ((guint64) (bytes_per_second + 0.5));
  /* Translators: a transfer speed, %s is a size like "110 MB" */
  return g_strdup_printf (_("%s/s"), size);
}

char *
ph_format_time_left (gint64 seconds)
{
  gint64 hours, minutes;

  if (seconds < 0)
    return NULL;

  if (seconds < 60)
    /* Translators: time left for a transfer, in seconds */
    return g_strdup_printf (_("%d s left"), (int) seconds);

  /* Round up so "1 min left" never means 1 min 59 s. */
  minutes = (seconds + 59) / 60;
  if (minutes < 60)
    /* Translators: time left for a transfer, in minutes */
    return g_strdup_printf (_("%d min left"), (int) minutes);

  hours = minutes / 60;
  minutes %= 60;
  if (minutes == 0 || hours >= 10)
    /* Translators: time left for a transfer, in hours */
    return g_strdup_printf (_("%d h left"), (int) hours);

  /* Translators: time left for a transfer, in hours and minutes */
  return g_strdup_printf (_("%d h %d min left"), (int) hours, (int) minutes);
}

/* "12.3 MB of 45.0 MB · 110 MB/s · 3 s left"; the speed and the time
 * left are dropped while they are not known yet. */
char *
ph_format_progress (gint64 bytes_done,
                    gint64 size,
                    double bytes_per_second,
                    gint64 seconds_left)
{
  g_autofree char *done = ph_format_size (bytes_done);
  g_autofree char *total = ph_format_size (size);
  g_autofree char *left = ph_format_time_left (seconds_left);
  GString *str = g_string_new (NULL);

  /* Translators: bytes done of the total, e.g. "12.3 MB of 45.0 MB" */
  g_string_append_printf (str, _("%s of %s"), done, total);

  if (bytes_per_second > 0)
    {
      g_autofree char *speed = ph_format_speed (bytes_per_second);
      g_string_append_printf (str, " · %s", speed);
    }

  if (left != NULL)
    g_string_append_printf (str, " · %s", left);

  return g_string_free (str, FALSE);
}

/* A peer as people read it: an incoming peer's port is a random one and
 * means nothing; an outgoing peer keeps its port unless it is the default. */
char *
ph_format_peer (const char *peer,
                gboolean    keep_port)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (peer == NULL)
    return g_strdup ("");

  if (!ph_address_parse (peer, PH_DEFAULT_PORT, &host, &port, NULL))
    return g_strdup (peer);

  if (keep_port && port != PH_DEFAULT_PORT)
    return ph_address_format (host, port);

  return g_steal_pointer (&host);
}

/* A folder as a file manager names it: a special folder such as
 * Downloads by its own name, anything else in the home folder as
 * "~/Pictures/inbox"; the full path is left for a tooltip. */
char *
ph_format_folder (const char *path)
{
  g_autofree char *canonical = NULL;
  g_autofree char *home = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  canonical = g_canonicalize_filename (path, NULL);
  home = g_canonicalize_filename (g_get_home_dir (), NULL);

  /* A home of "/" (system users) would make every path "~/…". */
  if (g_str_equal (home, G_DIR_SEPARATOR_S))
    return g_filename_display_name (canonical);

  if (g_str_equal (canonical, home))
    /* Translators: the home folder, as the file manager names it */
    return g_strdup (_("Home"));

  for (int i = 0; i < G_USER_N_DIRECTORIES; i++)
    {
      const char *special = g_get_user_special_dir (i);
      g_autofree char *special_canonical = NULL;

      /* A special folder that is unset points at the home folder. */
      if (special == NULL)
        continue;
      special_canonical = g_canonicalize_filename (special, NULL);
      if (g_str_equal (special_canonical, canonical) && !g_str_equal (special_canonical, home))
        return g_filename_display_basename (canonical);
    }

  if (g_str_has_prefix (canonical, home) && canonical[strlen (home)] == G_DIR_SEPARATOR)
    {
      g_autofree char *display = g_filename_display_name (canonical + strlen (home) + 1);

      return g_strconcat ("~" G_DIR_SEPARATOR_S, display, NULL);
    }

  return g_filename_display_name (canonical);
}

/**
 * ph_format_device:
 * @device_name: (nullable): the device's name as people know it
 * @address: (nullable): where it was reached, `HOST[:PORT]`
 * @keep_port: whether a port other than the default is worth showing
 *   (a destination's is; a sender's is a random one)
 *
 * How a device is named wherever the window speaks of one: by its name
 * when it has one, by its address only when it has none. The one place
 * to teach what else a device may be (encrypted, paired).
 *
 * Returns: (transfer full): "Workshop PC", or "192.168.1.7"
 */
char *
ph_format_device (const char *device_name,
                  const char *address,
                  gboolean    keep_port)
{
  if (device_name != NULL && device_name[0] != '\0')
    return g_strdup (device_name);

  return ph_format_peer (address, keep_port);
}

/* The same, with the address after the name: "Workshop PC (192.168.1.7)". */
char *
ph_format_device_with_address (const char *device_name,
                               const char *address,
                               gboolean    keep_port)
{
  g_autofree char *where = ph_format_peer (address, keep_port);

  if (device_name == NULL || device_name[0] == '\0')
    return g_steal_pointer (&where);

  /* Translators: a device's name, then its address */
  return g_strdup_printf (_("%s (%s)"), device_name, where);
}

/**
 * ph_format_when:
 * @usec: a moment, µs of g_get_real_time()
 * @now_usec: now, the same way
 *
 * Returns: (transfer full): when something happened, as GNOME's apps
 *   say it: "14:03" today, "Yesterday 14:03", "Monday 14:03" this week,
 *   "3 May" this year, "3 May 2023" before
 */
char *
ph_format_when (gint64 usec,
                gint64 now_usec)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) day = NULL;
  GTimeSpan ago;

  if (when == NULL || now == NULL)
    return g_strdup ("");

  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  day = g_date_time_new_local (g_date_time_get_year (when), g_date_time_get_month (when),
                               g_date_time_get_day_of_month (when), 0, 0, 0);
  ago = g_date_time_difference (today, day);

  if (ago <= 0)
    /* Translators: a time today, see strftime(3): "14:03" */
    return g_date_time_format (when, _("%H:%M"));
  if (ago <= G_TIME_SPAN_DAY + G_TIME_SPAN_HOUR)
    /* Translators: a time yesterday, see strftime(3): "Yesterday 14:03" */
    return g_date_time_format (when, _("Yesterday %H:%M"));
  if (ago < 6 * G_TIME_SPAN_DAY)
    /* Translators: a day of this week and a time, see strftime(3): "Monday 14:03" */
    return g_date_time_format (when, _("%A %H:%M"));
  if (g_date_time_get_year (when) == g_date_time_get_year (now))
    /* Translators: a day of this year, see strftime(3): "3 May" */
    return g_date_time_format (when, _("%-d %B"));
  /* Translators: a day of another year, see strftime(3): "3 May 2023" */
  return g_date_time_format (when, _("%-d %B %Y"));
}

/* A text's file name without what only a file needs: "Text from Study
 * Laptop, 2024-05-01 14.03.27 (2).txt" reads "Text from Study Laptop"
 * (the time is on the line below). */
char *
ph_format_text_title (const char *name)
{
  g_autofree char *title = g_strdup (name);
  char *end;

  if (g_str_has_suffix (title, ".txt"))
    title[strlen (title) - 4] = '\0';
  /* A numbered variant, " (2)". */
  end = strrchr (title, ' ');
  if (end != NULL && end[1] == '(' && g_str_has_suffix (end, ")"))
    *end = '\0';
  /* The date and time, "2024-05-01 14.03.27", then what parted it. */
  if (strlen (title) > 19)
    title[strlen (title) - 19] = '\0';
  g_strchomp (title);
  while (g_str_has_suffix (title, ",") || g_str_has_suffix (title, "，"))
    {
      title[strlen (title) - (g_str_has_suffix (title, ",") ? 1 : strlen ("，"))] = '\0';
      g_strchomp (title);
    }

  return title[0] != '\0' ? g_steal_pointer (&title) : g_strdup (name);
}
