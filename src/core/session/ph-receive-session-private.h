/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-receive-session*.c share, and what only tests reach. */

#include "ph-devices.h"
#include "ph-identity.h"
#include "ph-inbox.h"
#include "ph-pairing.h"
#include "ph-receive-session.h"
#include "ph-receiver-held.h"
#include "ph-receiver.h"

G_BEGIN_DECLS

struct _PhReceiveSession
{
  GObject        parent_instance;

  /* What the face asked for */
  guint          port;
  char          *interface;
  char          *bind_address;
  GFile         *folder;          /* NULL: the default folder */
  GFile         *default_folder;
  char          *prefix;
  gboolean       ask;
  gboolean       announce;

  /* While receiving */
  gboolean       receiving;
  PhReceiver    *receiver;        /* the latest: kept after stopping, so
                                   * that its transfers can be cancelled */
  PhInbox       *inbox;
  char          *listen_address;  /* NULL: every interface */
  gboolean       accepts_paths;
  guint          restart_source;
  gulong         network_id;

  /* Announcing (ph-receive-session-announce.c) */
  PhAnnouncer   *announcer;
  GCancellable  *announce_cancellable;
  char          *announce_error;  /* why it cannot be announced */
  char          *device_name;     /* as people know this computer */

  /* The secure channel (ph-receive-session-secure.c) */
  PhIdentity    *identity;        /* NULL: none (yet) */
  PhDevices     *devices;
  gboolean       only_paired;
  gboolean       accept_plain;
  GPtrArray     *secure;          /* PhSessionSecure *, its connections */
};

typedef struct _PhSessionSecure PhSessionSecure;

enum {
  PH_RECEIVE_SESSION_PROP_0,
  PH_RECEIVE_SESSION_PROP_RECEIVING,
  PH_RECEIVE_SESSION_PROP_PORT,
  PH_RECEIVE_SESSION_PROP_BOUND_PORT,
  PH_RECEIVE_SESSION_PROP_INTERFACE,
  PH_RECEIVE_SESSION_PROP_BIND_ADDRESS,
  PH_RECEIVE_SESSION_PROP_LISTEN_ADDRESS,
  PH_RECEIVE_SESSION_PROP_FOLDER,
  PH_RECEIVE_SESSION_PROP_PREFIX,
  PH_RECEIVE_SESSION_PROP_ASK_BEFORE_ACCEPTING,
  PH_RECEIVE_SESSION_PROP_ANNOUNCE,
  PH_RECEIVE_SESSION_PROP_ACCEPTS_PATHS,
  PH_RECEIVE_SESSION_PROP_ANNOUNCE_STATE,
  PH_RECEIVE_SESSION_PROP_ANNOUNCED_NAME,
  PH_RECEIVE_SESSION_PROP_ANNOUNCE_ERROR,
  PH_RECEIVE_SESSION_PROP_ADDRESSES,
  PH_RECEIVE_SESSION_PROP_IDENTITY,
  PH_RECEIVE_SESSION_PROP_DEVICES,
  PH_RECEIVE_SESSION_PROP_ONLY_PAIRED,
  PH_RECEIVE_SESSION_PROP_ACCEPT_UNENCRYPTED,
  PH_RECEIVE_SESSION_N_PROPS
};

extern GParamSpec *ph_receive_session_properties[PH_RECEIVE_SESSION_N_PROPS];

/* ph-receive-session.c */
GFile    *ph_receive_session_dup_folder_to_use  (PhReceiveSession *self);
void      ph_receive_session_apply_policy       (PhReceiveSession *self);
void      ph_receive_session_schedule_restart   (PhReceiveSession *self);
void      ph_receive_session_start_or_fail      (PhReceiveSession *self);
void      ph_receive_session_emit_transfer_added (PhReceiveSession *self,
                                                 PhTransfer       *transfer);
void      ph_receive_session_emit_batch_added   (PhReceiveSession *self,
                                                 PhBatch          *batch);
gboolean  ph_receive_session_emit_pairing       (PhReceiveSession *self,
                                                 PhPairing        *pairing);
void      ph_receive_session_emit_connection_failed (PhReceiveSession *self,
                                                 const char       *peer,
                                                 const GError     *error);

/* ph-receive-session-secure.c */
void      ph_receive_session_secure_init        (PhReceiveSession *self);
void      ph_receive_session_secure_dispose     (PhReceiveSession *self);
void      ph_receive_session_secure_start       (PhReceiveSession *self);
void      ph_receive_session_secure_cancel_all  (PhReceiveSession *self);
void      ph_receive_session_take_secure        (PhReceiver       *receiver,
                                                 GSocketConnection *connection,
                                                 const char       *peer,
                                                 PhReceiverHeld   *held,
                                                 gpointer          user_data);

/* ph-receive-session-properties.c */
void      ph_receive_session_get_gproperty      (GObject          *object,
                                                 guint             prop_id,
                                                 GValue           *value,
                                                 GParamSpec       *pspec);
void      ph_receive_session_set_gproperty      (GObject          *object,
                                                 guint             prop_id,
                                                 const GValue     *value,
                                                 GParamSpec       *pspec);

/* ph-receive-session-announce.c */
void      ph_receive_session_init_announcer     (PhReceiveSession *self);
gboolean  ph_receive_session_can_announce       (PhReceiveSession *self,
                                                 const char       *listen_address);
void      ph_receive_session_start_announcing   (PhReceiveSession *self);
void      ph_receive_session_stop_announcing    (PhReceiveSession *self);
void      ph_receive_session_update_announcement (PhReceiveSession *self);
void      ph_receive_session_dispose_announcer  (PhReceiveSession *self);

/* For tests */
PhReceiver *ph_receive_session_get_receiver     (PhReceiveSession *self);
PhInbox    *ph_receive_session_get_inbox        (PhReceiveSession *self);

G_END_DECLS
