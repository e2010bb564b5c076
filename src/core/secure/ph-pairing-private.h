/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-frame.h"
#include "ph-pairing.h"

G_BEGIN_DECLS

/* PhPairing is split in two:
 *   ph-pairing.c      the object: its properties, the people's answers
 *                     and the outcome;
 *   ph-pairing-exchange.c  what the peer's frames mean, step by step;
 *   ph-pairing-run.c  the connection, on the main context: the TLS
 *                     handshake (initiator), frames in and out, the
 *                     timers and the close. */

/* What comes next from the peer. */
typedef enum
{
  PH_PAIRING_EXPECT_HELLO,    /* initiator: the responder's hello */
  PH_PAIRING_EXPECT_NONCE,    /* initiator: the responder's nonce */
  PH_PAIRING_EXPECT_COMMIT,   /* responder: the initiator's commitment */
  PH_PAIRING_EXPECT_REVEAL,   /* responder: the nonce committed to */
  PH_PAIRING_EXPECT_ANSWER,   /* both: the other person's answer */
  PH_PAIRING_EXPECT_END,      /* both: the outcome is known; the peer's close */
} PhPairingExpect;

/* Until the code is shown: the secure channel, the hellos, three frames. */
#define PH_PAIRING_EXCHANGE_TIMEOUT 10000
/* For the two people to compare and answer. */
#define PH_PAIRING_DEFAULT_TIMEOUT  (120 * 1000)
/* For the peer to close once the outcome is known. */
#define PH_PAIRING_CLOSE_TIMEOUT    3000

/* Reasons a responder gives when it does not pair (a "decision"
 * "declined"), and a side that gives up (an "error"). */
#define PH_PAIRING_REASON_PAUSED      "paused"
#define PH_PAIRING_REASON_UNSUPPORTED "unsupported"
#define PH_PAIRING_REASON_CANCELLED   "cancelled"
#define PH_PAIRING_REASON_TIMED_OUT   "timed-out"

struct _PhPairing
{
  GObject          parent_instance;

  PhIdentity      *identity;
  PhDevices       *devices;
  char            *device_name;
  char            *expected;
  guint            timeout;

  PhPairingRole    role;
  PhPairingState   state;
  char            *code;
  char            *peer_name;
  char            *peer_fingerprint;
  char            *peer_address;
  gboolean         confirmed;        /* this person said the same */
  gboolean         peer_confirmed;   /* the other person did */
  GError          *error;

  /* The run. */
  GTask           *task;
  GMainContext    *context;
  GCancellable    *abort;
  GCancellable    *caller_cancellable;
  gulong           cancel_id;
  GSocketConnection *connection;
  GTlsConnection  *tls;
  PhFrameReader    reader;
  PhPairingExpect  expect;
  struct _PhFrameQueue *frames;     /* (nullable): made with the first frame */
  gboolean         closing;          /* the outcome is known; closing in order */
  gboolean         output_closed;
  gboolean         saving;           /* "paired" is being written; the close waits */
  gboolean         eof_seen;         /* the peer closed its direction */
  GSource         *timer;
  guint8           nonce[PH_PAIR_NONCE_SIZE];
  guint8           peer_nonce[PH_PAIR_NONCE_SIZE];
  guint8           commitment[PH_PAIR_NONCE_SIZE];
};

/* ph-pairing.c */
void      ph_pairing_set_state      (PhPairing        *self,
                                     PhPairingState    state);
void      ph_pairing_set_code       (PhPairing        *self,
                                     guint32           code);
void      ph_pairing_set_peer       (PhPairing        *self,
                                     const char       *fingerprint,
                                     const char       *name);
void      ph_pairing_record_seen    (PhPairing        *self);
void      ph_pairing_peer_answered  (PhPairing        *self,
                                     gboolean          same);
void      ph_pairing_fail           (PhPairing        *self,
                                     GError           *error,
                                     gboolean          graceful);
char     *ph_pairing_describe_peer  (PhPairing        *self);

/* ph-pairing-exchange.c */
void      ph_pairing_handle_message (PhPairing        *self,
                                     const PhMessage  *message);
void      ph_pairing_violation      (PhPairing        *self,
                                     const char       *what);

/* ph-pairing-run.c */
void      ph_pairing_start          (PhPairing        *self,
                                     GCancellable     *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer          user_data);
void      ph_pairing_send           (PhPairing        *self,
                                     const PhMessage  *message);
void      ph_pairing_close          (PhPairing        *self);
void      ph_pairing_close_saved    (PhPairing        *self);
void      ph_pairing_reset          (PhPairing        *self);
void      ph_pairing_arm_timer      (PhPairing        *self,
                                     guint             msec);

/* For PhSecureReceive: the responder, on a connection whose hellos
 * were exchanged (the initiator's asked to pair). */
PhPairing *ph_pairing_new_responder (PhIdentity       *identity,
                                     PhDevices        *devices,
                                     GTlsConnection   *tls,
                                     GSocketConnection *connection,
                                     const char       *peer_fingerprint,
                                     const char       *peer_name,
                                     const char       *peer_address);
void      ph_pairing_respond_async  (PhPairing        *self,
                                     GCancellable     *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer          user_data);

G_END_DECLS
