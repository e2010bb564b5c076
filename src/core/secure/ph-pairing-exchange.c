/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhPairing's exchange (docs/secure-channel.md, Pairing): what each
 * frame from the peer means at each step, the commitment, the nonces,
 * the code. ph-pairing-run.c reads and writes; nothing here blocks. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-pairing-code.h"
#include "ph-pairing-private.h"

void
ph_pairing_violation (PhPairing  *self,
                      const char *what)
{
  g_autofree char *peer = ph_pairing_describe_peer (self);

  ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_PROTOCOL,
                                      _("%s broke the secure channel’s protocol: %s"), peer, what),
                   FALSE);
}

static void
show_code (PhPairing *self)
{
  const char *mine = ph_identity_get_fingerprint (self->identity);
  guint32 code;

  if (self->role == PH_PAIRING_INITIATOR)
    code = ph_pairing_derive_code (mine, self->peer_fingerprint, self->nonce, self->peer_nonce);
  else
    code = ph_pairing_derive_code (self->peer_fingerprint, mine, self->peer_nonce, self->nonce);

  /* Remembered as known from now on, whatever the people say. */
  ph_pairing_record_seen (self);
  self->expect = PH_PAIRING_EXPECT_ANSWER;
  ph_pairing_set_code (self, code);
  ph_pairing_arm_timer (self, self->timeout);
  ph_pairing_set_state (self, PH_PAIRING_COMPARING);
}

/* Initiator: the responder's hello came; ours asks to pair, with the commitment. */
static void
hello_received (PhPairing       *self,
                const PhMessage *hello)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *peer = NULL;
  PhMessage ours = {
    .type = PH_MESSAGE_HELLO,
    .version = PH_SECURE_VERSION,
    .name = self->device_name ? self->device_name : (char *) g_get_host_name (),
    .pair = TRUE,
  };
  PhMessage commit = { .type = PH_MESSAGE_PAIR_COMMIT };

  ph_pairing_set_peer (self, NULL, hello->name);
  peer = ph_pairing_describe_peer (self);

  /* Nothing that an older receiver could take for a batch goes out. */
  if (hello->version < PH_SECURE_PAIRING_VERSION)
    {
      ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_DECLINED,
                                          _("%s runs an older Posthouse that cannot pair"), peer),
                       TRUE);
      return;
    }

  if (!ph_pairing_make_nonce (self->nonce, &error))
    {
      ph_pairing_fail (self, g_steal_pointer (&error), FALSE);
      return;
    }
  ph_pairing_commitment (self->nonce, commit.nonce);

  ph_pairing_send (self, &ours);
  ph_pairing_send (self, &commit);
  self->expect = PH_PAIRING_EXPECT_NONCE;
}

static void
declined (PhPairing       *self,
          const PhMessage *decision)
{
  g_autofree char *peer = ph_pairing_describe_peer (self);

  if (decision->decision != PH_DECISION_DECLINED)
    ph_pairing_violation (self, _("a decision other than “declined”"));
  else if (g_strcmp0 (decision->reason, PH_PAIRING_REASON_PAUSED) == 0)
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_PAUSED,
                                        _("%s paused pairing with this computer after three failed "
                                          "comparisons; try again later"), peer),
                     TRUE);
  else if (g_strcmp0 (decision->reason, PH_PAIRING_REASON_UNSUPPORTED) == 0)
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_DECLINED,
                                        _("%s cannot pair now: nobody there can be asked to compare "
                                          "the numbers"), peer),
                     TRUE);
  else
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_DECLINED, _("%s declined to pair"), peer),
                     TRUE);
}

static void
gave_up (PhPairing       *self,
         const PhMessage *message)
{
  g_autofree char *peer = ph_pairing_describe_peer (self);

  if (g_strcmp0 (message->reason, PH_PAIRING_REASON_CANCELLED) == 0)
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_DECLINED,
                                        _("The person at %s cancelled the pairing"), peer),
                     TRUE);
  else if (g_strcmp0 (message->reason, PH_PAIRING_REASON_TIMED_OUT) == 0)
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                                        _("Nobody at %s confirmed the number in time"), peer),
                     TRUE);
  else
    ph_pairing_fail (self, g_error_new (PH_ERROR, PH_ERROR_CONNECTION, _("%s gave up: %s"), peer,
                                        message->reason),
                     TRUE);
}

void
ph_pairing_handle_message (PhPairing       *self,
                           const PhMessage *message)
{
  gboolean initiator = self->role == PH_PAIRING_INITIATOR;
  PhMessage reply = { 0 };
  g_autoptr(GError) error = NULL;

  /* Once the outcome is known, only the close counts. */
  if (self->closing || message->type == PH_MESSAGE_UNKNOWN)
    return;

  switch (message->type)
    {
    case PH_MESSAGE_ERROR:
      gave_up (self, message);
      return;

    case PH_MESSAGE_DECISION:
      if (initiator && (self->expect == PH_PAIRING_EXPECT_HELLO || self->expect == PH_PAIRING_EXPECT_NONCE))
        declined (self, message);
      else
        ph_pairing_violation (self, _("a decision during pairing"));
      return;

    case PH_MESSAGE_HELLO:
      if (initiator && self->expect == PH_PAIRING_EXPECT_HELLO)
        hello_received (self, message);
      else
        ph_pairing_violation (self, _("a second hello"));
      return;

    case PH_MESSAGE_PAIR_COMMIT:
      if (initiator || self->expect != PH_PAIRING_EXPECT_COMMIT)
        break;
      memcpy (self->commitment, message->nonce, PH_PAIR_NONCE_SIZE);
      if (!ph_pairing_make_nonce (self->nonce, &error))
        {
          ph_pairing_fail (self, g_steal_pointer (&error), FALSE);
          return;
        }
      reply.type = PH_MESSAGE_PAIR_NONCE;
      memcpy (reply.nonce, self->nonce, PH_PAIR_NONCE_SIZE);
      ph_pairing_send (self, &reply);
      self->expect = PH_PAIRING_EXPECT_REVEAL;
      return;

    case PH_MESSAGE_PAIR_NONCE:
      if (!initiator || self->expect != PH_PAIRING_EXPECT_NONCE)
        break;
      memcpy (self->peer_nonce, message->nonce, PH_PAIR_NONCE_SIZE);
      reply.type = PH_MESSAGE_PAIR_REVEAL;
      memcpy (reply.nonce, self->nonce, PH_PAIR_NONCE_SIZE);
      ph_pairing_send (self, &reply);
      show_code (self);
      return;

    case PH_MESSAGE_PAIR_REVEAL:
      if (initiator || self->expect != PH_PAIRING_EXPECT_REVEAL)
        break;
      if (!ph_pairing_check_commitment (self->commitment, message->nonce))
        {
          /* Only someone choosing its nonce after seeing ours does this. */
          ph_devices_record_pairing_failure (self->devices, self->peer_fingerprint, self->peer_name);
          ph_pairing_violation (self, _("its nonce is not the one it committed to"));
          return;
        }
      memcpy (self->peer_nonce, message->nonce, PH_PAIR_NONCE_SIZE);
      show_code (self);
      return;

    case PH_MESSAGE_PAIR_ANSWER:
      if (self->expect != PH_PAIRING_EXPECT_ANSWER || self->peer_confirmed)
        break;
      ph_pairing_peer_answered (self, message->same);
      return;

    case PH_MESSAGE_FILE:
    case PH_MESSAGE_CANCEL:
    case PH_MESSAGE_RECEIPT:
    case PH_MESSAGE_END:
    case PH_MESSAGE_UNKNOWN:
    default:
      break;
    }

  /* Translators: a frame type, such as "pair-nonce" */
  {
    g_autofree char *what = g_strdup_printf (_("a “%s” frame out of order"),
                                             ph_message_type_name (message->type));

    ph_pairing_violation (self, what);
  }
}
