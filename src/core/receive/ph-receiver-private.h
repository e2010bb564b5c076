/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-incoming-private.h"
#include "ph-receiver.h"
#include "ph-receiver-held.h"
#include "ph-disk-space-private.h"

G_BEGIN_DECLS

/* PhReceiver is split by concern:
 *   ph-receiver.c         the object: properties, start, stop;
 *   ph-receiver-accept.c  listening, accepting, the header phase;
 *   ph-receiver-admission.c   data slots: the queue, the per-peer cap and
 *                         the stall rule. */

struct _PhReceiver
{
  GObject         parent_instance;

  GFile          *directory;
  char           *prefix;
  char           *bind_address;
  guint           port;
  guint           bound_port;
  guint           header_timeout;
  guint           idle_timeout;
  guint           max_transfers;
  guint           max_per_peer;
  guint           max_pending;
  guint           stall_window;  /* ms; 0: no stall rule */
  guint64         stall_bytes;
  gboolean        require_approval;
  gboolean        accepts_paths;
  gboolean        accepts_plain;

  /* The secure channel (ph-receiver-held.c) */
  PhReceiverSecureFunc secure_func;
  gpointer        secure_data;
  GDestroyNotify  secure_destroy;

  GMainContext   *context;
  GSocketService *service;
  PhDiskSpace        *space;         /* claimed by transfers in their data phase */

  GQueue          pending;       /* Pending, oldest first: waiting for a header */
  GQueue          queued;        /* PhIncoming waiting for a data slot */
  GPtrArray      *incoming;      /* every PhIncoming not finished */
  GPtrArray      *slots;         /* Slot: every PhIncoming in its data phase */
  GSource        *stall_source;
};

/* ph-receiver.c */
void     ph_receiver_emit_transfer_added    (PhReceiver        *self,
                                             PhTransfer        *transfer);
void     ph_receiver_emit_connection_failed (PhReceiver        *self,
                                             const char        *peer,
                                             const GError      *error);

/* ph-receiver-accept.c */
gboolean ph_receiver_listen                 (PhReceiver        *self,
                                             GSocketListener   *listener,
                                             GError           **error);
gboolean ph_receiver_accept_cb              (GSocketService    *service,
                                             GSocketConnection *connection,
                                             GObject           *source_object,
                                             gpointer           user_data);
void     ph_receiver_close_pending          (PhReceiver        *self);

/* ph-receiver-held.c */
PhDiskSpace *ph_receiver_get_disk_space     (PhReceiver        *self);
void     ph_receiver_take_secure            (PhReceiver        *self,
                                             GSocketConnection *connection,
                                             const char        *host,
                                             const char        *peer);
void     ph_receiver_held_finalize          (PhReceiver        *self);

/* ph-receiver-admission.c */
void     ph_receiver_admission_init             (PhReceiver        *self);
void     ph_receiver_admission_finalize         (PhReceiver        *self);
void     ph_receiver_track                  (PhReceiver        *self,
                                             PhIncoming        *in);
gboolean ph_receiver_can_start              (PhReceiver        *self,
                                             PhIncoming        *in);
guint    ph_receiver_n_waiting              (PhReceiver        *self);
void     ph_receiver_admit                  (PhReceiver        *self,
                                             PhIncoming        *in);
void     ph_receiver_run_queue              (PhReceiver        *self);
void     ph_receiver_restart_stall_timer    (PhReceiver        *self);

G_END_DECLS
