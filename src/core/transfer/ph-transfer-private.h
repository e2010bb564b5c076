/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

/* Called once on the transfer's context when a WAITING transfer is
 * accepted (TRUE) or declined (FALSE). */
typedef void (*PhTransferDecisionFunc) (PhTransfer *transfer,
                                        gboolean    accepted,
                                        gpointer    user_data);

/* What changed, for the one watch a transfer has (its batch's). */
typedef enum {
  PH_TRANSFER_WATCH_STATE,
  PH_TRANSFER_WATCH_SIZE,
} PhTransferWatchKind;

typedef void (*PhTransferWatchFunc) (PhTransfer          *transfer,
                                     PhTransferWatchKind  kind,
                                     gpointer             user_data);

/* What a state means, for the transfer and its batch alike. */
static inline gboolean
ph_transfer_state_is_final (PhTransferState state)
{
  return state == PH_TRANSFER_DONE ||
         state == PH_TRANSFER_FAILED ||
         state == PH_TRANSFER_CANCELLED;
}

/* Data moves (or is about to: connecting). */
static inline gboolean
ph_transfer_state_is_active (PhTransferState state)
{
  return state == PH_TRANSFER_CONNECTING ||
         state == PH_TRANSFER_SENDING ||
         state == PH_TRANSFER_RECEIVING;
}

static inline gboolean
ph_transfer_state_moves_data (PhTransferState state)
{
  return state == PH_TRANSFER_SENDING || state == PH_TRANSFER_RECEIVING;
}

/* The transfer's cancellable if anyone made it yet, else NULL (then
 * nobody cancelled it): lets a worker check per write without making
 * one per file. Any thread. */
GCancellable *ph_transfer_peek_cancellable (PhTransfer *self);

/* Engine-side mutators. set_bytes_done may be called from a worker
 * thread; the others only from the transfer's main context. */
PhTransfer *ph_transfer_new_incoming   (const char     *peer,
                                        const char     *name,
                                        gint64          size);
void        ph_transfer_set_state      (PhTransfer     *self,
                                        PhTransferState state);
void        ph_transfer_set_size       (PhTransfer     *self,
                                        gint64          size);
void        ph_transfer_set_name       (PhTransfer     *self,
                                        const char     *name);
void        ph_transfer_set_peer_fingerprint (PhTransfer *self,
                                        const char     *fingerprint);
void        ph_transfer_set_peer       (PhTransfer     *self,
                                        const char     *peer);
void        ph_transfer_set_folder     (PhTransfer     *self,
                                        const char     *folder);
void        ph_transfer_set_bytes_done (PhTransfer     *self,
                                        gint64          bytes_done);
void        ph_transfer_set_file       (PhTransfer     *self,
                                        GFile          *file);
void        ph_transfer_fail           (PhTransfer     *self,
                                        const GError   *error);
void        ph_transfer_set_decision_func (PhTransfer             *self,
                                           PhTransferDecisionFunc  func,
                                           gpointer                user_data);
gboolean    ph_transfer_set_watch      (PhTransfer          *self,
                                        PhTransferWatchFunc  func,
                                        gpointer             user_data);
void        ph_transfer_clear_watch    (PhTransfer          *self,
                                        gpointer             user_data);

G_END_DECLS
