/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-devices.h"
#include "ph-identity.h"
#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_SECURE_RECEIVE (ph_secure_receive_get_type ())

typedef enum
{
  PH_SECURE_RECEIVE_HANDSHAKE,   /* TLS and the hellos, within the handshake timeout */
  PH_SECURE_RECEIVE_DECIDING,    /* "decide" was emitted; nobody answered yet */
  PH_SECURE_RECEIVE_ASKING,      /* the sender was told that someone is asked */
  PH_SECURE_RECEIVE_RECEIVING,   /* accepted: the files arrive */
  PH_SECURE_RECEIVE_PAIRING,     /* the sender asked to pair: see "pairing" */
  PH_SECURE_RECEIVE_FINISHED,
} PhSecureReceivePhase;

/* One secure connection on the receiving side, from its first byte
 * (0x16, ph_first_byte_peek_async()) to its end (docs/secure-channel.md):
 *
 * 1. ph_secure_receive_run_async() makes the TLS handshake (the
 *    sender's certificate required) and exchanges the hellos, all
 *    within the handshake time limit: a handshake that stalls ends the
 *    connection like a header that never comes.
 * 2. "decide" () is emitted on the caller's context: the sender's
 *    fingerprint, name and announced batch are known. The owner calls
 *    ph_secure_receive_accept(), _decline() or _refuse() then or
 *    later; until it does, the sender is told that someone is asked
 *    (ph_secure_receive_ask() says so at once), and a sender that gives
 *    up meanwhile ends the run.
 * 3. Once accepted, the files arrive on a worker thread: each one
 *    emits "transfer-added" (PhTransfer *) as its header arrives, is
 *    written into the receive folder and committed, and only then
 *    gets its receipt. A transfer cancelled here gets a receipt that
 *    says so. Idle longer than its idle time limit ends the connection.
 * A sender may ask to pair instead of sending files (version 2): with
 * a list of devices set (ph_secure_receive_set_devices()) and a
 * handler, "pairing" (PhPairing *) is emitted instead of "decide", and
 * the run returns when the pairing ended (TRUE: paired). Without
 * either, the sender is told this receiver cannot pair. With a list of
 * devices, a blocked sender is reset right after the handshake, before
 * it can send a byte of a file.
 *
 * 4. The run returns when the sender said it sent everything and every
 *    receipt is out (TRUE), when the owner declined or refused (TRUE),
 *    or on any failure (FALSE): a connection that fails is reset, and
 *    what was not committed is thrown away. */

G_DECLARE_FINAL_TYPE (PhSecureReceive, ph_secure_receive, PH, SECURE_RECEIVE, GObject)

PhSecureReceive     *ph_secure_receive_new              (GSocketConnection   *connection,
                                                         PhIdentity          *identity,
                                                         GFile               *directory);
void                 ph_secure_receive_set_device_name  (PhSecureReceive     *self,
                                                         const char          *name);
void                 ph_secure_receive_set_prefix       (PhSecureReceive     *self,
                                                         const char          *prefix);
void                 ph_secure_receive_set_accepts_paths (PhSecureReceive    *self,
                                                         gboolean             accepts_paths);
void                 ph_secure_receive_set_devices      (PhSecureReceive     *self,
                                                         PhDevices           *devices);
void                 ph_secure_receive_run_async        (PhSecureReceive     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean             ph_secure_receive_run_finish       (PhSecureReceive     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
PhSecureReceivePhase ph_secure_receive_get_phase        (PhSecureReceive     *self);
const char          *ph_secure_receive_get_peer         (PhSecureReceive     *self);
const char          *ph_secure_receive_get_peer_fingerprint (PhSecureReceive *self);
const char          *ph_secure_receive_get_peer_name    (PhSecureReceive     *self);
guint64              ph_secure_receive_get_announced_files (PhSecureReceive  *self);
guint64              ph_secure_receive_get_announced_bytes (PhSecureReceive  *self);
guint                ph_secure_receive_get_n_saved      (PhSecureReceive     *self);
void                 ph_secure_receive_ask              (PhSecureReceive     *self);
void                 ph_secure_receive_accept           (PhSecureReceive     *self);
void                 ph_secure_receive_decline          (PhSecureReceive     *self);
void                 ph_secure_receive_decline_with_reason (PhSecureReceive  *self,
                                                         const char          *reason);
void                 ph_secure_receive_refuse           (PhSecureReceive     *self);

G_END_DECLS
