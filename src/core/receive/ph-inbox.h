/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-batch.h"
#include "ph-receiver.h"

G_BEGIN_DECLS

#define PH_TYPE_INBOX (ph_inbox_get_type ())

/* Groups what a receiver receives into batches: transfers from one host
 * (any source port) that overlap or follow each other within the burst
 * gap form one PhBatch.
 *
 * Signals:
 *   "batch-added" (PhBatch *batch): a new batch, with its first
 *     transfer. The inbox keeps only a weak reference: whoever shows
 *     the batch keeps it.
 *
 * With the receiver's require-approval, the first transfer of a batch
 * waits for ph_batch_accept()/ph_batch_decline(), and the answer holds
 * for the rest of the batch. ph_inbox_accept_all() also accepts what
 * that host sends later, for as long as it keeps sending and the allow
 * time after. */

G_DECLARE_FINAL_TYPE (PhInbox, ph_inbox, PH, INBOX, GObject)

PhInbox    *ph_inbox_new            (PhReceiver *receiver);
void        ph_inbox_accept_all     (PhInbox    *self,
                                     PhBatch    *batch);

G_END_DECLS
