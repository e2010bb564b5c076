/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

#include "ph-application.h"
#include "ph-secure-tls.h"

/* Before GLib 2.76, GSlice gives objects and signal handlers memory
 * that it keeps in caches of its own once freed, out of malloc_trim()'s
 * reach: 10,000 files received then cleared left 8 MiB behind
 * (bench/RESULTS.md). GSlice reads G_SLICE once, before main(), so the
 * program starts again with it set; since 2.76 GSlice is malloc. */
static void
use_malloc_for_slices (char *argv[])
{
  if (glib_check_version (2, 76, 0) == NULL || g_getenv ("G_SLICE") != NULL)
    return;

  g_setenv ("G_SLICE", "always-malloc", TRUE);
  execv ("/proc/self/exe", argv);
  /* No /proc: as it is. */
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PhApplication) app = NULL;
  const char *localedir;

  use_malloc_for_slices (argv);

  localedir = g_getenv ("POSTHOUSE_LOCALEDIR");
  /* The override serves tests and screenshots of an uninstalled or
   * DESTDIR copy, as for posthouse-cli. */
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Posthouse"));
  ph_secure_tls_init ();

  app = ph_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
