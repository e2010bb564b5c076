/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSecureSend's connection before the files, on the worker thread:
 * TLS and the receiver's key, the hellos, and the receiver's decision
 * (which may take a person's time). */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-secure-send-private.h"
#include "ph-secure-tls-private.h"

/* Reads frames until one of @type. */
static gboolean
expect (PhSecureRun    *run,
        PhMessageType   type,
        PhMessage      *message,
        GError        **error)
{
  const guint8 *data;
  gsize len;
  gboolean eof;

  for (;;)
    {
      PhUnitKind kind = ph_channel_read (&run->channel, TRUE, message, &data, &len, &eof, error);

      if (kind == PH_UNIT_MESSAGE && message->type == type)
        return TRUE;
      if (kind == PH_UNIT_MESSAGE && message->type == PH_MESSAGE_UNKNOWN)
        {
          ph_message_clear (message);
          continue;
        }
      if (kind == PH_UNIT_MESSAGE && message->type == PH_MESSAGE_ERROR)
        g_set_error (error, PH_ERROR, PH_ERROR_CONNECTION, _("The receiver gave up: %s"),
                     message->reason);
      else if (kind != PH_UNIT_NONE)
        {
          ph_message_clear (message);
          /* Translators: a frame type, such as "hello" */
          g_set_error (error, PH_ERROR, PH_ERROR_PROTOCOL, _("a frame other than “%s”"),
                       ph_message_type_name (type));
        }
      else if (eof)
        ph_secure_send_hung_up (error);
      ph_message_clear (message);
      return FALSE;
    }
}

/* TLS, the receiver's key, the hellos and the decision. */
gboolean
ph_secure_send_open_channel (PhSecureRun  *run,
                             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  PhMessage hello = {
    .type = PH_MESSAGE_HELLO,
    .version = PH_SECURE_VERSION,
    .name = run->device_name,
    .has_summary = TRUE,
  };
  PhMessage message = { 0 };
  PhSecureEvent *event;
  char *fingerprint;

  run->tls = ph_secure_tls_client_new (G_IO_STREAM (run->connection), run->identity, run->expected,
                                       error);
  if (run->tls == NULL)
    return FALSE;
  ph_channel_init (&run->channel, run->tls, run->cancellable);
  ph_channel_set_idle (&run->channel, run->handshake_timeout);

  if (!g_tls_connection_handshake (run->tls, run->cancellable, &local_error))
    {
      g_propagate_error (error, ph_secure_tls_explain (run->tls, run->expected, run->peer,
                                                       g_steal_pointer (&local_error)));
      return FALSE;
    }

  fingerprint = ph_secure_tls_verify (run->tls, run->expected, run->peer, error);
  if (fingerprint == NULL)
    return FALSE;
  ph_channel_buffer_writes (&run->channel);

  for (guint i = 0; i < run->jobs->len; i++)
    {
      PhSecureJob *job = g_ptr_array_index (run->jobs, i);

      if (!job->ended)
        {
          hello.files++;
          hello.bytes += job->size;
        }
    }

  /* Nothing of a file leaves before the receiver's answer: with TLS 1.3
   * a client learns only now whether its certificate was taken. */
  if (!ph_channel_send (&run->channel, &hello, error) ||
      !expect (run, PH_MESSAGE_HELLO, &message, error))
    {
      g_free (fingerprint);
      return FALSE;
    }

  event = g_new0 (PhSecureEvent, 1);
  event->kind = PH_SECURE_EVENT_PEER;
  event->fingerprint = fingerprint;
  event->name = g_steal_pointer (&message.name);
  event->paths = run->paths = message.paths;
  ph_secure_send_post (run, event);
  ph_message_clear (&message);

  for (;;)
    {
      if (!expect (run, PH_MESSAGE_DECISION, &message, error))
        return FALSE;

      switch (message.decision)
        {
        case PH_DECISION_ASKING:
          ph_message_clear (&message);
          /* A person may take their time; a vanished receiver ends the
           * connection through keepalives. */
          ph_channel_set_idle (&run->channel, 0);
          ph_secure_send_post_phase (run, PH_SECURE_SEND_WAITING);
          continue;

        case PH_DECISION_DECLINED:
          if (message.reason != NULL && *message.reason != '\0')
            {
              /* The receiver's words, one line of printable text. */
              g_autofree char *reason = g_utf8_make_valid (message.reason, -1);

              for (char *p = reason; *p != '\0'; p++)
                if (g_ascii_iscntrl (*p))
                  *p = ' ';
              g_set_error (error, PH_ERROR, PH_ERROR_DECLINED, _("%s declined the files: %s"),
                           run->peer, reason);
            }
          else
            g_set_error (error, PH_ERROR, PH_ERROR_DECLINED, _("%s declined the files"), run->peer);
          ph_message_clear (&message);
          return FALSE;

        case PH_DECISION_ACCEPTED:
        default:
          ph_message_clear (&message);
          ph_channel_set_idle (&run->channel, run->idle_timeout);
          ph_secure_send_post_phase (run, PH_SECURE_SEND_SENDING);
          return TRUE;
        }
    }
}
