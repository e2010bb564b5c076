/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ph-error.h"
#include "ph-send-failures.h"

void
ph_send_failures_record (PhSendFailures *self,
                         guint           position,
                         const char     *name,
                         const GError   *error)
{
  gboolean cancel = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  gboolean first_cancel = self->first_error != NULL &&
                          g_error_matches (self->first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_return_if_fail (error != NULL);

  self->n_failed++;

  /* The summary names a real failure rather than a cancellation. */
  if (self->first_error == NULL || (first_cancel && !cancel) ||
      (first_cancel == cancel && position < self->first_position))
    {
      g_clear_error (&self->first_error);
      g_free (self->first_name);
      self->first_error = g_error_copy (error);
      self->first_position = position;
      self->first_name = g_strdup (name);
    }
}

/* NULL when every file was sent; else the first failure's reason, with
 * the file it is about and how many others failed too. */
GError *
ph_send_failures_summary (PhSendFailures *self)
{
  guint others;

  if (self->n_failed == 0)
    return NULL;

  others = self->n_failed - 1;
  if (others == 0)
    return g_error_new (self->first_error->domain, self->first_error->code,
                        _("“%s” was not sent: %s"),
                        self->first_name, self->first_error->message);

  return g_error_new (self->first_error->domain, self->first_error->code,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "“%s” and %u other file were not sent: %s",
                                   "“%s” and %u other files were not sent: %s",
                                   others),
                      self->first_name, others, self->first_error->message);
}

void
ph_send_failures_clear (PhSendFailures *self)
{
  g_clear_error (&self->first_error);
  g_clear_pointer (&self->first_name, g_free);
  self->n_failed = 0;
  self->first_position = 0;
}

/* One sentence for why a connection to @peer (typed as @host) could
 * not be made, not GIO's own ("Could not connect to HOST: …") after
 * ours; takes @error. */
GError *
ph_send_connect_error (const char *peer,
                       const char *host,
                       guint       timeout,
                       GError     *error)
{
  g_autoptr(GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("Connection refused by %s — is receive mode on there?"), peer);
  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("Could not find host “%s”"), host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("%s can’t be reached: is it on this network and switched on?"), peer);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                        _("%s can’t be reached: this computer is not on its network"), peer);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* GIO says "Could not connect to HOST: REASON": the reason alone. */
      const char *reason = strrchr (error->message, ':');

      reason = reason != NULL && reason[1] == ' ' ? reason + 2 : error->message;
      /* Translators: where, then why (from the system) */
      return g_error_new (PH_ERROR, PH_ERROR_CONNECTION,
                          _("Could not connect to %s (%s)"), peer, reason);
    }

  return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "No answer from %s within %u second",
                                   "No answer from %s within %u seconds",
                                   timeout),
                      peer, timeout);
}
