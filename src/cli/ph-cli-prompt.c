/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The six digits on a terminal, for either side of a pairing: the
 * question on standard error, the answer read from standard input. */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <string.h>

#include "posthouse-core.h"

#include "ph-cli.h"

struct _PhCliPrompt
{
  PhPairing        *pairing;
  PhDevices        *devices;
  GDataInputStream *input;
  GCancellable     *cancellable;
  gboolean          asked;
  gboolean          answered;
};

static char *
peer_label (PhPairing *pairing)
{
  const char *name = ph_pairing_get_peer_name (pairing);

  if (name != NULL && *name != '\0')
    return g_strdup_printf ("“%s”", name);
  return g_strdup (ph_pairing_get_peer_address (pairing));
}

static gboolean
is_yes (const char *line)
{
  g_autofree char *answer = g_utf8_casefold (g_strstrip ((char *) line), -1);
  /* Translators: what a person types for yes at a [y/N] question, short and long */
  g_autofree char *y = g_utf8_casefold (_("y"), -1);
  g_autofree char *yes = g_utf8_casefold (_("yes"), -1);

  return g_str_equal (answer, "y") || g_str_equal (answer, "yes") ||
         g_str_equal (answer, y) || g_str_equal (answer, yes);
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PhCliPrompt *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                                     result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->answered = TRUE;
  /* Nobody to answer (the end of the input): no answer, no failed comparison. */
  if (line == NULL)
    {
      g_printerr ("\n");
      ph_cli_error (_("No answer (standard input ended); pairing cancelled"));
      ph_pairing_cancel (self->pairing);
      return;
    }

  if (is_yes (line))
    {
      ph_pairing_confirm (self->pairing);
      if (ph_pairing_get_state (self->pairing) == PH_PAIRING_WAITING)
        {
          g_autofree char *peer = peer_label (self->pairing);

          g_printerr (_("Waiting for the person at %s to confirm…\n"), peer);
        }
    }
  else
    ph_pairing_reject (self->pairing);
}

static void
ask (PhCliPrompt *self)
{
  PhPairing *pairing = self->pairing;
  const char *fingerprint = ph_pairing_get_peer_fingerprint (pairing);
  g_autofree char *peer = peer_label (pairing);
  g_autofree char *code = ph_pairing_format_code (ph_pairing_get_code (pairing));
  g_autofree char *short_form = ph_fingerprint_format_short (fingerprint);
  PhDevice *replaced = ph_devices_find_key_change (self->devices, fingerprint,
                                                   ph_pairing_get_peer_name (pairing), NULL);

  self->asked = TRUE;
  if (ph_pairing_get_role (pairing) == PH_PAIRING_RESPONDER)
    g_printerr (_("%s at %s asks to pair with this computer (key %s).\n"), peer,
                ph_pairing_get_peer_address (pairing), short_form);
  else
    g_printerr (_("Connected to %s at %s (key %s).\n"), peer, ph_pairing_get_peer_address (pairing),
                short_form);

  if (replaced != NULL)
    g_printerr (_("Careful: this computer was paired with another key under that name (%s). It may "
                  "have a new key, or someone else is using its name.\n"),
                ph_device_get_short_fingerprint (replaced));

  g_printerr (_("Compare the number with the one on the other screen: answer “y” only if they "
                "are the same, there too.\n"));
  /* Translators: %s is the other computer's name in quotes, then six digits "123 456" */
  g_printerr (_("Does %s show %s? [y/N] "), peer, code);

  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable, line_cb, self);
}

static void
state_cb (PhPairing   *pairing,
          GParamSpec  *pspec,
          PhCliPrompt *self)
{
  switch (ph_pairing_get_state (pairing))
    {
    case PH_PAIRING_COMPARING:
      if (!self->asked)
        ask (self);
      break;
    case PH_PAIRING_PAIRED:
    case PH_PAIRING_FAILED:
      /* Whoever was typing is not needed any more. */
      if (self->asked && !self->answered)
        g_printerr ("\n");
      g_cancellable_cancel (self->cancellable);
      break;
    case PH_PAIRING_STARTING:
    case PH_PAIRING_WAITING:
    default:
      break;
    }
}

/**
 * ph_cli_prompt_new:
 * @pairing: a pairing, either side
 * @devices: the list of devices (for a warning about a new key)
 *
 * Asks the person at the terminal once the code is there.
 */
PhCliPrompt *
ph_cli_prompt_new (PhPairing *pairing,
                   PhDevices *devices)
{
  PhCliPrompt *self = g_new0 (PhCliPrompt, 1);
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);

  self->pairing = g_object_ref (pairing);
  self->devices = g_object_ref (devices);
  self->input = g_data_input_stream_new (in);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (pairing, "notify::state", G_CALLBACK (state_cb), self);
  state_cb (pairing, NULL, self);
  return self;
}

void
ph_cli_prompt_free (PhCliPrompt *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (self->pairing, self);
  g_clear_object (&self->pairing);
  g_clear_object (&self->devices);
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_free (self);
}
