/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-receiver.h"

G_BEGIN_DECLS

/* A connection of the secure channel, held by the receiver (SPEC,
 * Admission: its time limits and fair shares apply to the secure
 * channel too). The receiver sees its first byte, 0x16, and hands it to
 * whoever speaks the secure channel (ph_receiver_set_secure_func(): the
 * receive session, which knows the keys and the trust policy):
 *
 *   handshake  counts as a connection without its header: the header
 *              time limit, and a sender with too many unfinished ones
 *              loses its oldest; by the sender's address;
 *   set_sender the hellos are in: from now on the sender is its key
 *              (its fingerprint), for its fair share of waiting;
 *   ask        a person is asked: the answer time limit;
 *   start      accepted: it waits for a data slot with everyone else,
 *              turn() when it has one; the stall rule applies to it;
 *   release    the connection is over.
 *
 * When the receiver ends it (a time limit, eviction, the stall rule,
 * receiving stopped, cancel all), it cancels the abort cancellable and
 * says why with "connection-failed"; the owner then resets the
 * connection and releases it. */

typedef struct _PhReceiverHeld PhReceiverHeld;

typedef void   (*PhReceiverHeldFunc)     (gpointer user_data);
typedef gint64 (*PhReceiverHeldBytesFunc) (gpointer user_data);

/* @connection is new: its first byte (0x16) is still unread. */
typedef void (*PhReceiverSecureFunc) (PhReceiver        *receiver,
                                      GSocketConnection *connection,
                                      const char        *peer,
                                      PhReceiverHeld    *held,
                                      gpointer           user_data);

void        ph_receiver_set_secure_func   (PhReceiver              *self,
                                           PhReceiverSecureFunc     func,
                                           gpointer                 user_data,
                                           GDestroyNotify           destroy);
gboolean    ph_receiver_get_accepts_plain (PhReceiver              *self);
void        ph_receiver_set_accepts_plain (PhReceiver              *self,
                                           gboolean                 accepts);

void        ph_receiver_held_configure    (PhReceiverHeld          *held,
                                           GCancellable            *abort,
                                           PhReceiverHeldFunc       turn,
                                           PhReceiverHeldBytesFunc  bytes,
                                           gpointer                 user_data);
void        ph_receiver_held_set_sender   (PhReceiverHeld          *held,
                                           const char              *key);
void        ph_receiver_held_ask          (PhReceiverHeld          *held);
void        ph_receiver_held_start        (PhReceiverHeld          *held);
void        ph_receiver_held_release      (PhReceiverHeld          *held);

G_END_DECLS
