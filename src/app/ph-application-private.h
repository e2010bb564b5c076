/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-application*.c share. */

#include "posthouse-core.h"

#include "ph-application.h"
#include "ph-background.h"
#include "ph-notifier.h"
#include "ph-send-queue.h"
#include "ph-window.h"

G_BEGIN_DECLS

struct _PhApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GListStore     *batches;       /* PhBatch, newest first */
  GListStore     *requests;      /* PhBatch waiting for an answer, oldest first */
  PhSendQueue    *send_queue;
  PhNotifier     *notifier;
  PhReceiver     *receiver;      /* set while receive mode is on */
  PhBackground   *background;
  PhInbox        *inbox;         /* groups the receiver's transfers */
  char           *bind_address;  /* the receiver's, NULL for every interface */
  guint           restart_source;
  PhAnnouncer    *announcer;     /* started while receiving */
  GCancellable   *announce_cancellable;
  char           *announce_error;
  gboolean        announce_noticed;
  PhBrowser      *browser;       /* started while a window is shown */
  guint           n_browsing;
  gboolean        can_clear;
  gboolean        can_cancel;
};

void      ph_application_set_receive_mode      (PhApplication *self,
                                                gboolean       on);
void      ph_application_report_launch_failure (PhApplication *self,
                                                const char    *message);
void      ph_application_report_notice         (PhApplication *self,
                                                const char    *message);
PhWindow *ph_application_get_window            (PhApplication *self);
void      ph_application_track_batch           (PhApplication *self,
                                                PhBatch       *batch);

/* ph-application-send.c */
void      ph_application_init_sending          (PhApplication *self);

/* ph-application-nearby.c */
void      ph_application_init_nearby           (PhApplication *self);
void      ph_application_dispose_nearby        (PhApplication *self);
void      ph_application_start_announcing      (PhApplication *self);
void      ph_application_stop_announcing       (PhApplication *self);
void      ph_application_update_announcement   (PhApplication *self);
void      ph_application_remember_destination  (PhApplication *self,
                                                const char    *destination,
                                                const char    *name);

/* ph-application-actions.c */
void      ph_application_add_actions           (PhApplication *self);

G_END_DECLS
