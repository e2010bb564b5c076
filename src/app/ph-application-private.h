/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-application*.c share, and what tests reach. */

#include "posthouse-core.h"

#include "ph-application.h"
#include "ph-background.h"
#include "ph-notifier.h"
#include "ph-outbox.h"
#include "ph-settings.h"
#include "ph-window.h"

G_BEGIN_DECLS

/* The state lives in these objects, made at startup; the application
 * only ties them together. */
struct _PhApplication
{
  AdwApplication    parent_instance;

  PhSettings       *settings;
  PhReceiveSession *session;     /* receiving, bound to the settings */
  PhBrowser        *browser;     /* started while a window is on screen */
  PhBatchList      *batches;     /* sent and received, as the window lists them */
  PhOutbox         *outbox;
  PhNotifier       *notifier;
  PhBackground     *background;
  PhIdentity       *identity;    /* read when first needed (ph-application-trust.c) */
  PhDevices        *devices;     /* read when first needed */
  PhPairing        *pending_pairing; /* a device asked to pair with no window on screen */
  guint             n_shown;     /* windows on screen */
  char             *history_path;  /* NULL: the user's own */
  GCancellable     *cancellable;
};

PhWindow         *ph_application_get_window     (PhApplication *self);
void              ph_application_report         (PhApplication *self,
                                                 const char    *message);

/* ph-application-actions.c */
void              ph_application_add_actions    (PhApplication *self);

/* ph-application-trust.c */
PhDevices        *ph_application_get_devices    (PhApplication *self);
PhIdentity       *ph_application_get_identity   (PhApplication *self,
                                                 GError       **error);
void              ph_application_save_devices   (PhApplication *self);
void              ph_application_pair           (PhApplication *self,
                                                 const char    *text);
void              ph_application_ask_pairing    (PhApplication *self,
                                                 PhPairing     *pairing);
void              ph_application_accept_and_pair (PhApplication *self,
                                                 PhBatch       *batch);
void              ph_application_add_trust_actions (PhApplication *self);

/* For tests */
PhSettings       *ph_application_get_settings   (PhApplication *self);
PhReceiveSession *ph_application_get_session    (PhApplication *self);
PhBrowser        *ph_application_get_browser    (PhApplication *self);
PhBatchList      *ph_application_get_batches    (PhApplication *self);
PhBackground     *ph_application_get_background (PhApplication *self);
void              ph_application_set_history_path (PhApplication *self,
                                                   const char    *path);

G_END_DECLS
