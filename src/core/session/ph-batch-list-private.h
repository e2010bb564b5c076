/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-batch-list.c (the batches of this session) and
 * ph-batch-list-history.c (the stored ones, and keeping them) share. */

#include "ph-batch-list.h"
#include "ph-history-model.h"

G_BEGIN_DECLS

/* Stored batches come in pages of this many. */
#define PH_BATCH_LIST_PAGE 50

struct _PhBatchList
{
  GObject         parent_instance;

  GListStore     *batches;      /* PhBatch, newest first */
  GListStore     *requests;     /* PhBatch waiting for an answer, oldest first */
  gboolean        can_clear;
  gboolean        can_cancel;

  /* The history (ph-batch-list-history.c) */
  PhHistory      *history;
  PhHistoryModel *stored;       /* NULL without a history */
  int             history_days; /* -1 for ever, 0 not at all */
  guint           expire_id;
};

enum {
  PROP_0,
  PROP_CAN_CLEAR,
  PROP_CAN_CANCEL,
  PROP_STORED,
  PROP_HISTORY_DAYS,
  N_PROPS
};

extern GParamSpec *ph_batch_list_properties[N_PROPS];

void ph_batch_list_update_can       (PhBatchList *self);
void ph_batch_list_give_memory_back (void);

/* ph-batch-list-history.c */
void ph_batch_list_track            (PhBatchList *self,
                                     PhBatch     *batch);
void ph_batch_list_history_dispose  (PhBatchList *self);

G_END_DECLS
