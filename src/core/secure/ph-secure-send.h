/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-identity.h"
#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_SECURE_SEND (ph_secure_send_get_type ())

/* The most files in flight ahead of their receipts (the window adapts
 * up to it unless fixed): the receiver's receipts for them must fit in
 * the sockets' buffers while the sender writes (docs/secure-channel.md). */
#define PH_SECURE_SEND_MAX_WINDOW     256

typedef enum
{
  PH_SECURE_SEND_IDLE,
  PH_SECURE_SEND_HANDSHAKE,   /* TLS, the receiver's key, the hellos */
  PH_SECURE_SEND_WAITING,     /* the receiver asks its person */
  PH_SECURE_SEND_SENDING,     /* accepted: files go out */
  PH_SECURE_SEND_FINISHED,
} PhSecureSendPhase;

/* A whole batch over one secure connection (docs/secure-channel.md).
 * The caller connects; ph_secure_send_run_async() makes the TLS
 * handshake, proceeds only if the receiver proves the expected key
 * (otherwise not a byte of any file is sent, and every transfer fails
 * with PH_ERROR_WRONG_KEY), sends its hello with the batch's file
 * count and size, waits for the receiver's decision ("phase" is
 * WAITING while its person is asked), then sends the files, up to
 * "window" of them ahead of their receipts (adapted to what the run
 * measures, unless fixed by the caller), and moves each PhTransfer
 * as the plain sender does: SENDING, then DONE only for a receipt
 * that says saved. Bytes are pumped on a worker thread; transfers
 * change state on the caller's context. Cancelling the run resets the
 * connection; cancelling one transfer stops its bytes and tells the
 * receiver. */

G_DECLARE_FINAL_TYPE (PhSecureSend, ph_secure_send, PH, SECURE_SEND, GObject)

PhSecureSend      *ph_secure_send_new                   (PhIdentity          *identity,
                                                         const char          *expected_fingerprint);
void               ph_secure_send_set_device_name       (PhSecureSend        *self,
                                                         const char          *name);
void               ph_secure_send_set_window            (PhSecureSend        *self,
                                                         guint                files);
guint              ph_secure_send_get_window            (PhSecureSend        *self);
const char        *ph_secure_send_get_window_reason     (PhSecureSend        *self);
void               ph_secure_send_set_idle_timeout      (PhSecureSend        *self,
                                                         guint                msec);
void               ph_secure_send_run_async             (PhSecureSend        *self,
                                                         GSocketConnection   *connection,
                                                         GListModel          *transfers,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean           ph_secure_send_run_finish            (PhSecureSend        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
PhSecureSendPhase  ph_secure_send_get_phase             (PhSecureSend        *self);
const char        *ph_secure_send_get_peer_fingerprint  (PhSecureSend        *self);
const char        *ph_secure_send_get_peer_name         (PhSecureSend        *self);
gboolean           ph_secure_send_get_peer_accepts_paths (PhSecureSend       *self);

G_END_DECLS
