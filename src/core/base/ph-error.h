/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PH_ERROR (ph_error_quark ())

typedef enum
{
  PH_ERROR_FAILED,          /* anything without a better code */
  PH_ERROR_INVALID_ADDRESS, /* HOST[:PORT] that does not parse */
  PH_ERROR_CONNECTION,      /* refused, unreachable, reset by the peer */
  PH_ERROR_TIMED_OUT,       /* connect timeout, silent peer */
  PH_ERROR_BAD_HEADER,      /* incomplete or malformed header */
  PH_ERROR_NEGATIVE_SIZE,   /* header announces a negative size */
  PH_ERROR_NO_SPACE,        /* announced size exceeds the folder's free space */
  PH_ERROR_SHORT,           /* the stream ended before `size` bytes */
  PH_ERROR_FILE_CHANGED,    /* the file being sent grew or shrank */
  PH_ERROR_BUSY,            /* too many connections at once */
  PH_ERROR_DECLINED,        /* refused by the person receiving */
  PH_ERROR_FOLDER,          /* receive folder missing or not writable */
  PH_ERROR_NOT_REGULAR,     /* tried to send a folder, device, ... */
  PH_ERROR_STALLED,         /* a peer sent too little for too long */
  PH_ERROR_PREFIX,          /* the receiver's prefix leaves no room for names */
  PH_ERROR_NOT_FOUND,       /* no receiver of that name nearby */
  PH_ERROR_AMBIGUOUS,       /* several receivers of that name nearby */
  PH_ERROR_NO_DISCOVERY,    /* no mDNS responder (Avahi) to ask */
  PH_ERROR_NEWER_VERSION,   /* data kept by a newer Posthouse (history) */
  PH_ERROR_IDENTITY,        /* this installation's key cannot be made or read */
  PH_ERROR_WRONG_KEY,       /* the peer proved another key than the one expected */
  PH_ERROR_HANDSHAKE,       /* no secure channel: not TLS 1.3, no certificate, ... */
  PH_ERROR_PROTOCOL,        /* the peer broke the secure channel's protocol */
  PH_ERROR_TRUST_STORE,     /* the list of devices cannot be read (a damaged one is kept aside) */
  PH_ERROR_MISMATCH,        /* pairing: a person said the six digits differ */
  PH_ERROR_PAUSED,          /* pairing with that device is paused after failed comparisons */
  PH_ERROR_BLOCKED,         /* the device is blocked */
  PH_ERROR_NOT_ENCRYPTED,   /* the secure channel is required: no downgrade, --require-encryption, --no-plain */
} PhError;

GQuark ph_error_quark (void);

G_END_DECLS
