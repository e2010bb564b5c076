/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every command shares: how it complains, and how it is interrupted. */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>

#include "ph-cli.h"

void
ph_cli_error (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", PH_CLI_NAME, message);
}

static gboolean
sigint_cb (gpointer user_data)
{
  PhCliSignals *self = user_data;

  self->func (SIGINT, self->user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
sigterm_cb (gpointer user_data)
{
  PhCliSignals *self = user_data;

  self->func (SIGTERM, self->user_data);
  return G_SOURCE_CONTINUE;
}

void
ph_cli_signals_watch (PhCliSignals       *self,
                      PhCliInterruptFunc  func,
                      gpointer            user_data)
{
  self->func = func;
  self->user_data = user_data;
  self->sigint_id = g_unix_signal_add (SIGINT, sigint_cb, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, sigterm_cb, self);
}

void
ph_cli_signals_unwatch (PhCliSignals *self)
{
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
}
