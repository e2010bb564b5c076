/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-devices.h"
#include "ph-identity.h"

G_BEGIN_DECLS

#define PH_TYPE_PAIRING (ph_pairing_get_type ())

typedef enum
{
  PH_PAIRING_INITIATOR,   /* connected, and committed first */
  PH_PAIRING_RESPONDER,   /* was asked (a receiver, through PhSecureReceive::pairing) */
} PhPairingRole;

typedef enum
{
  PH_PAIRING_STARTING,    /* the secure channel, the hellos, the commitment, the nonces */
  PH_PAIRING_COMPARING,   /* "code" is there: the person compares it with the other screen */
  PH_PAIRING_WAITING,     /* this person said the same; the other has not answered yet */
  PH_PAIRING_PAIRED,      /* both said the same: remembered as paired */
  PH_PAIRING_FAILED,      /* see ph_pairing_get_error() */
} PhPairingState;

/* Pairing by numeric comparison with a commitment (SPEC, Pairing;
 * docs/secure-channel.md): one connection of the secure channel that
 * pairs instead of sending files. The initiator commits to a random
 * nonce, the responder answers with its own, the initiator reveals its
 * nonce; both sides show the same six digits, derived from both keys
 * and both nonces. Each person says whether the other screen shows the
 * same number (ph_pairing_confirm()) or not (ph_pairing_reject(): a
 * failed comparison); only when both say the same does each side
 * remember the other as paired, in the list of devices. Three failed
 * comparisons in a row with one device pause pairing with it.
 *
 * The initiator: ph_pairing_new(), then ph_pairing_run_async() on a
 * new connection to a receiver. The responder's PhPairing comes from
 * PhSecureReceive's "pairing" signal. Both tell their progress through
 * "state"; everything happens on the main context of the run. */
G_DECLARE_FINAL_TYPE (PhPairing, ph_pairing, PH, PAIRING, GObject)

PhPairing      *ph_pairing_new                 (PhIdentity          *identity,
                                                PhDevices           *devices);
void            ph_pairing_set_device_name     (PhPairing           *self,
                                                const char          *name);
void            ph_pairing_set_expected_fingerprint (PhPairing      *self,
                                                const char          *fingerprint);
void            ph_pairing_set_timeout         (PhPairing           *self,
                                                guint                msec);
void            ph_pairing_run_async           (PhPairing           *self,
                                                GSocketConnection   *connection,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        ph_pairing_run_finish          (PhPairing           *self,
                                                GAsyncResult        *result,
                                                GError             **error);

PhPairingRole   ph_pairing_get_role            (PhPairing           *self);
PhPairingState  ph_pairing_get_state           (PhPairing           *self);
const char     *ph_pairing_get_code            (PhPairing           *self);
char           *ph_pairing_format_code         (const char          *code);
const char     *ph_pairing_get_peer_name       (PhPairing           *self);
const char     *ph_pairing_get_peer_fingerprint (PhPairing          *self);
const char     *ph_pairing_get_peer_address    (PhPairing           *self);
gboolean        ph_pairing_get_peer_confirmed  (PhPairing           *self);
const GError   *ph_pairing_get_error           (PhPairing           *self);

void            ph_pairing_confirm             (PhPairing           *self);
void            ph_pairing_reject              (PhPairing           *self);
void            ph_pairing_cancel              (PhPairing           *self);

G_END_DECLS
