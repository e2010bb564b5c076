/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-transfer.h"

G_BEGIN_DECLS

#define PH_TYPE_RECEIVER (ph_receiver_get_type ())

/* Signals:
 *   "transfer-added" (PhTransfer *transfer): a complete header arrived.
 *     A refused one (negative size, no room) comes already FAILED with
 *     its reason; with require-approval the transfer is WAITING for
 *     ph_transfer_accept()/ph_transfer_decline(); one that waits for a
 *     slot is QUEUED. Nothing is refused for being one too many (SPEC,
 *     Admission): past what it holds, the receiver stops accepting.
 *   "connection-failed" (const char *peer, GError *error): a connection
 *     ended before a full header (time limit, early end, one of too
 *     many unfinished headers from one sender).
 * ph_receiver_stop() stops listening and lets announced transfers
 * finish. A connection ends in order only once its file is saved under
 * its final name, with a reset on every failure: that is the sender's
 * receipt. ph_receiver_start() refuses a prefix that leaves too little
 * room for names (PH_ERROR_PREFIX). Its limits and time limits are
 * fixed (see README, Security model); tests set them through
 * ph-receiver-private.h. */

G_DECLARE_FINAL_TYPE (PhReceiver, ph_receiver, PH, RECEIVER, GObject)

PhReceiver *ph_receiver_new                  (GFile       *directory);
GFile      *ph_receiver_get_directory        (PhReceiver  *self);
void        ph_receiver_set_directory        (PhReceiver  *self,
                                              GFile       *directory);
const char *ph_receiver_get_prefix           (PhReceiver  *self);
void        ph_receiver_set_prefix           (PhReceiver  *self,
                                              const char  *prefix);
const char *ph_receiver_get_bind_address     (PhReceiver  *self);
void        ph_receiver_set_bind_address     (PhReceiver  *self,
                                              const char  *address);
guint       ph_receiver_get_port             (PhReceiver  *self);
void        ph_receiver_set_port             (PhReceiver  *self,
                                              guint        port);
gboolean    ph_receiver_get_require_approval (PhReceiver  *self);
void        ph_receiver_set_require_approval (PhReceiver  *self,
                                              gboolean     require_approval);
gboolean    ph_receiver_get_accepts_paths    (PhReceiver  *self);
void        ph_receiver_set_accepts_paths    (PhReceiver  *self,
                                              gboolean     accepts_paths);
gboolean    ph_receiver_get_listening        (PhReceiver  *self);
gboolean    ph_receiver_start                (PhReceiver  *self,
                                              GError     **error);
void        ph_receiver_stop                 (PhReceiver  *self);
void        ph_receiver_cancel_all           (PhReceiver  *self);
guint       ph_receiver_clean_leftovers      (PhReceiver  *self);

G_END_DECLS
