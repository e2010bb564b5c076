/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A send run's state, for ph-send-run.c (handing out, lanes, events)
 * and ph-send-run-end.c (how files end, and the run's result) only. */

#include "ph-send-failures.h"
#include "ph-send-private.h"

G_BEGIN_DECLS

struct _PhSendRun
{
  gatomicrefcount  ref_count;

  /* Shared with the lanes. */
  GAsyncQueue     *ready;          /* PhSendJob *, or &end_mark */
  GAsyncQueue     *events;         /* Event * */
  gint             dispatching;    /* atomic: a dispatch source is attached */
  gint             quick_receipts; /* atomic */
  gint             waiting;        /* atomic: jobs in ready that no lane took yet */
  GMainContext    *context;

  /* The caller's context only. */
  GTask           *task;           /* until the result is returned */
  GListModel      *model;
  GCancellable    *cancellable;
  gulong           cancel_id;
  PhSendWindow    *window;
  gulong           settled_id;
  guint            connect_timeout;
  guint            idle_timeout;
  gboolean         single;         /* ph_sender_send_async(): the transfer's own error */

  guint            next;           /* the model position handed out next */
  gboolean         exhausted;      /* every item handed out, or cancelled */
  gboolean         reached;        /* a connection to a receiver was tried */
  gboolean         closed;         /* every lane was told to end */
  guint            lanes;          /* started and not told to end */
  guint            running;        /* started and not ended */
  guint            retiring;       /* told to end ahead of the jobs */
  GHashTable      *in_play;        /* PhSendJob * handed out, not finished */

  PhSendFailures   failures;
};

void        ph_send_run_job_finished   (PhSendRun    *batch,
                                        PhSendJob    *job);
GError     *ph_send_run_unavailable    (gpointer      item);
const char *ph_send_run_item_name      (gpointer      item);
void        ph_send_run_complete       (PhSendRun    *batch);
void        ph_send_run_end_the_rest   (PhSendRun    *batch,
                                        const GError *error);

G_END_DECLS
