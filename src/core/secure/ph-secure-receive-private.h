/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-disk-space-private.h"
#include "ph-frame.h"
#include "ph-pairing.h"
#include "ph-secure-receive.h"

G_BEGIN_DECLS

/* Test knobs: the shipped receiver keeps SPEC's time limits. */
void ph_secure_receive_set_handshake_timeout (PhSecureReceive *self,
                                              guint            msec);
void ph_secure_receive_set_idle_timeout      (PhSecureReceive *self,
                                              guint            msec);

/* PhSecureReceive is split in three:
 *   ph-secure-receive.c        the object, its settings and signals;
 *   ph-secure-receive-hello.c  the handshake, the hellos and the
 *                              decision, on the caller's context;
 *   ph-secure-receive-data.c   the files, on a worker thread. */

struct _PhSecureReceive
{
  GObject               parent_instance;

  GSocketConnection    *connection;
  PhIdentity           *identity;
  GFile                *directory;
  char                 *device_name;
  char                 *prefix;
  gboolean              accepts_paths;
  guint                 handshake_timeout;
  guint                 idle_timeout;
  PhDiskSpace          *space;          /* (nullable): the receiver's */
  PhDevices            *devices;        /* (nullable) */

  PhSecureReceivePhase  phase;
  GMainContext         *context;
  GTask                *task;
  GCancellable         *abort;          /* ends whatever runs */
  gulong                cancel_id;
  GCancellable         *caller_cancellable;
  GSource              *timeout_source;
  gboolean              timed_out;
  GSource              *watch_source;   /* the sender giving up while we decide */
  GTlsConnection       *tls;
  char                 *peer;
  char                 *peer_fingerprint;
  PhMessage             hello;          /* the sender's */
  PhFrameReader         reader;         /* until the worker starts */
  gboolean              hello_read;
  gboolean              declined;       /* the answer is out; only the close is left */

  /* Frames written on the main context, then what follows. */
  struct _PhFrameQueue *frames;
  int                   after_write;

  /* The data phase. */
  struct _PhSecureEvents *events;
  guint                 n_saved;
};

/* ph-secure-receive.c */
void ph_secure_receive_finish              (PhSecureReceive      *self,
                                            GError               *error);
void ph_secure_receive_set_phase           (PhSecureReceive      *self,
                                            PhSecureReceivePhase  phase);
void ph_secure_receive_emit_decide         (PhSecureReceive      *self);
gboolean ph_secure_receive_emit_pairing    (PhSecureReceive      *self,
                                            PhPairing            *pairing);
void ph_secure_receive_emit_transfer_added (PhSecureReceive      *self,
                                            PhTransfer           *transfer);

/* ph-secure-receive-data.c */
void ph_secure_receive_start_data (PhSecureReceive *self);
void ph_secure_receive_set_disk_space (PhSecureReceive *self,
                                       PhDiskSpace     *space);

G_END_DECLS
