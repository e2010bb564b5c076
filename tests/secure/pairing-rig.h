/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "posthouse-core.h"

G_BEGIN_DECLS

/* Two Posthouse installations on loopback, each with an identity and a
 * list of devices of its own: an initiator that connects to pair, and
 * a receiver whose PhSecureReceive answers as the responder. Each side
 * has a "person" who answers when the code is shown. */

typedef enum
{
  PERSON_CONFIRM,   /* says the same, after delay_ms */
  PERSON_REJECT,    /* says it differs, after delay_ms */
  PERSON_SILENT,    /* never answers */
  PERSON_CANCEL,    /* cancels, after delay_ms */
  PERSON_MANUAL,    /* the test answers */
} Person;

typedef struct
{
  PhIdentity  *identity;
  PhDevices   *devices;
  Person       person;
  guint        delay_ms;
  PhPairing   *pairing;
  guint        person_id;     /* the person's answer, due */
  char        *code;          /* as shown */
  gboolean     done;
  gboolean     ok;
  GError      *error;
} PairingSide;

typedef struct
{
  char            *tmp;
  PairingSide      initiator;
  PairingSide      responder;
  GSocketListener *listener;
  guint16          port;
  GCancellable    *stop;
  gboolean         handles_pairing;   /* the receiver connects to "pairing" */
  gboolean         foreign_initiator; /* not the rig's initiator (a stranger, the CLI) */
  guint            people_timeout;    /* 0: the default */
  PhSecureReceive *session;
  guint            n_sessions;
} PairingRig;

PairingRig *pairing_rig_new       (void);
void        pairing_rig_free      (PairingRig  *rig);
void        pairing_rig_listen    (PairingRig  *rig);
void        pairing_rig_start     (PairingRig  *rig,
                                   guint16      port,
                                   const char  *expected);
void        pairing_rig_wait      (PairingRig  *rig);
gboolean    pairing_rig_run       (PairingRig  *rig,
                                   const char  *expected);
void        pairing_rig_clear_run (PairingRig  *rig);
void        pairing_rig_answer    (PairingSide *side,
                                   gboolean     same);
PhDevices  *pairing_rig_devices   (const char  *tmp,
                                   const char  *name);

G_END_DECLS
