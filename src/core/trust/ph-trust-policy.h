/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-devices.h"

G_BEGIN_DECLS

/* What a receiver does with a sender (SPEC, Trust): the one place that
 * decides, for the app and the CLI alike. */
typedef enum
{
  PH_TRUST_ACCEPT,    /* take the files without a question */
  PH_TRUST_ASK,       /* ask the person */
  PH_TRUST_DECLINE,   /* say no (the secure channel's "declined", with a reason) */
  PH_TRUST_REFUSE,    /* end the connection with a reset, before a byte of a file is read */
} PhTrustVerdict;

typedef enum
{
  PH_TRUST_BECAUSE_PREFERENCE,   /* neither paired nor blocked: "Ask before accepting" says */
  PH_TRUST_BECAUSE_PAIRED,
  PH_TRUST_BECAUSE_ACCEPT_ALL,   /* "Accept everything from this device" is on */
  PH_TRUST_BECAUSE_BLOCKED,
  PH_TRUST_BECAUSE_ONLY_PAIRED,  /* "Only accept from paired devices" */
  PH_TRUST_BECAUSE_PLAIN,        /* "Accept unencrypted connections" is off */
  PH_TRUST_BECAUSE_KEY_CHANGED,  /* a new key under a paired device's name: asked, never trusted */
} PhTrustReason;

/* The receiver's preferences. */
typedef struct
{
  gboolean ask;            /* Ask before accepting (others than paired devices) */
  gboolean only_paired;    /* Only accept from paired devices */
  gboolean accept_plain;   /* Accept unencrypted connections (the Python scripts) */
} PhTrustPolicy;

#define PH_TRUST_POLICY_DEFAULT ((PhTrustPolicy) { .ask = TRUE, .only_paired = FALSE, .accept_plain = TRUE })

PhTrustVerdict ph_devices_decide          (PhDevices           *self,
                                           const PhTrustPolicy *policy,
                                           const char          *fingerprint,
                                           const char          *name,
                                           PhTrustReason       *reason,
                                           PhDevice           **key_change);
const char    *ph_trust_reason_to_string  (PhTrustReason        reason);
char          *ph_trust_describe_decline  (PhTrustReason        reason);

G_END_DECLS
