/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-send-queue.c (the queue) and ph-send-queue-secure.c (a batch
 * through the secure channel) share. */

#include "ph-devices.h"
#include "ph-identity.h"
#include "ph-secure-send.h"
#include "ph-send-queue.h"

G_BEGIN_DECLS

struct _PhSendQueue
{
  GObject       parent_instance;

  PhSender     *sender;
  GQueue        waiting;      /* Job *, in the order pushed */
  GHashTable   *sending;      /* destination → Job * */

  /* The secure channel */
  PhIdentity   *identity;     /* NULL: loaded when first needed */
  PhDevices    *devices;      /* NULL: no device is known */
  char         *device_name;  /* NULL: looked up when first needed */
  gboolean      device_name_asked;
  gboolean      require_encryption;
  guint         connections;  /* per secure batch, 0: chosen by its size */
};

typedef struct
{
  PhSendQueue   *self;        /* owned while sending */
  char          *destination; /* HOST:PORT: the receiver it waits for */
  PhDestination *target;
  GListModel    *transfers;
  guint          parallel;
  GCancellable  *cancellable;
  GTask         *task;        /* NULL when nobody asked for the end */

  /* Through the secure channel */
  GPtrArray     *runs;        /* SecureRun *, one per connection */
  guint          n_running;
  GError        *error;       /* the first run's failure */
} PhSendQueueJob;

/* ph-send-queue.c */
void ph_send_queue_job_done           (PhSendQueueJob *job,
                                       GError         *error);
void ph_send_queue_fail_transfers     (GListModel     *transfers,
                                       const GError   *error);

/* ph-send-queue-secure.c */
void ph_send_queue_start_secure       (PhSendQueueJob *job);
void ph_send_queue_secure_job_clear   (PhSendQueueJob *job);

G_END_DECLS
