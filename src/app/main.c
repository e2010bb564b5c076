/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ph-application.h"
#include "ph-secure-tls.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PhApplication) app = NULL;
  const char *localedir = g_getenv ("POSTHOUSE_LOCALEDIR");

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
