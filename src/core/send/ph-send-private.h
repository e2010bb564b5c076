/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-send-window-private.h"
#include "ph-sender.h"
#include "ph-transfer.h"

G_BEGIN_DECLS

/* How a send batch (ph-send-run.c, on the caller's main context) and its
 * lanes (ph-send-lane.c, worker threads) share the work.
 *
 * The batch hands out one job per file, in model order, through a
 * queue; a lane takes a job, owns it until it posts PH_SEND_FINISHED,
 * and posts what happens to it; the batch applies that to the
 * PhTransfer on the main context, where its state must change. There
 * are as many lanes as the batch's PhSendWindow says files may be in
 * flight: one file past its header per lane. */

typedef struct _PhSendRun PhSendRun;

typedef enum
{
  PH_SEND_OPENED,    /* the file is open and its size known */
  PH_SEND_SENDING,   /* connected: the header and data go out */
  PH_SEND_FINISHED,  /* delivered (error NULL) or failed; the job goes back */
  PH_SEND_LANE_ENDED, /* no job: a lane ended */
} PhSendEvent;

typedef struct
{
  /* Set by the batch before the job is handed out, then read-only. */
  PhTransfer        *transfer;
  GCancellable      *cancellable;    /* the transfer's */
  guint              position;       /* in the batch's model */
  char              *name;           /* what goes on the wire */
  char              *host;
  guint16            port;
  char              *peer;           /* host:port, for messages */
  guint              connect_timeout;  /* seconds */
  guint              idle_timeout;     /* msec, 0: none */

  /* The lane's while it owns the job; the batch reads them once
   * the matching event arrived. */
  gint64             size;
  gboolean           opened;
  gboolean           tried_connect;  /* a connection was attempted */
  gboolean           all_written;    /* only the receipt was missing */
  int                fd;
  GInputStream      *stream;         /* a file that is not local */
  GSocketConnection *connection;
  gint64             connected_at;   /* monotonic µs */
  gint64             sent_at;        /* the header went out */
  gint64             receipt_at;     /* the receipt came */
  GError            *error;

  /* The batch's only, on its context. */
  PhSendWindowMark   mark;
  gboolean           marked;         /* counted in flight by the window */
} PhSendJob;

void       ph_send_run_start (GListModel   *model,
                                PhSendWindow *window,
                                gboolean      single,
                                guint         connect_timeout,
                                guint         idle_timeout,
                                GCancellable *cancellable,
                                GTask        *task);

/* Lanes' side of the batch (thread-safe). */
gboolean   ph_send_run_is_cancelled (PhSendRun *batch);
/* Whether the last receipt a lane waited for came quickly: a lane that
 * starts then connects its next file ahead at once. */
gboolean   ph_send_run_get_quick_receipts (PhSendRun *batch);
void       ph_send_run_set_quick_receipts (PhSendRun *batch,
                                           gboolean   quick);
PhSendJob *ph_send_run_take  (PhSendRun  *batch,
                                gboolean      wait,
                                gboolean     *ended);
void       ph_send_run_post  (PhSendRun  *batch,
                                PhSendJob    *job,
                                PhSendEvent   event);
PhSendRun *ph_send_run_ref (PhSendRun *batch);
void       ph_send_run_unref (PhSendRun  *batch);

/* The batch's window settled on a new size (ph-sender.c). */
void       ph_sender_emit_window_changed (PhSender     *sender,
                                          GListModel   *transfers,
                                          guint         files,
                                          const char   *reason);

/* Starts a lane on a worker thread; it takes a reference on @batch
 * and runs until ph_send_run_take() says the batch has ended. */
gboolean   ph_send_lane_start  (PhSendRun  *batch,
                                GError      **error);

G_END_DECLS
