/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ph-frame.h"

G_BEGIN_DECLS

/* The arithmetic of pairing (docs/secure-channel.md, Pairing): nonces,
 * the commitment to one, and the six digits both people compare.
 *
 *   commitment = SHA-256 (Na)
 *   digest     = SHA-256 ("posthouse-pairing-v1" ‖ fp_initiator ‖
 *                         fp_responder ‖ Na ‖ Nb)
 *   code       = (the first 8 bytes of digest, big-endian) mod 1,000,000
 *
 * where each fingerprint is its 43 base64url characters and each nonce
 * its 32 bytes. */

#define PH_PAIRING_CONTEXT "posthouse-pairing-v1"
#define PH_PAIRING_CODE_DIGITS 6

gboolean  ph_pairing_make_nonce   (guint8        nonce[PH_PAIR_NONCE_SIZE],
                                   GError      **error);
void      ph_pairing_commitment   (const guint8  nonce[PH_PAIR_NONCE_SIZE],
                                   guint8        commitment[PH_PAIR_NONCE_SIZE]);
gboolean  ph_pairing_check_commitment (const guint8 commitment[PH_PAIR_NONCE_SIZE],
                                   const guint8  nonce[PH_PAIR_NONCE_SIZE]);
guint32   ph_pairing_derive_code  (const char   *initiator_fingerprint,
                                   const char   *responder_fingerprint,
                                   const guint8  initiator_nonce[PH_PAIR_NONCE_SIZE],
                                   const guint8  responder_nonce[PH_PAIR_NONCE_SIZE]);
char     *ph_pairing_code_to_string (guint32     code);

G_END_DECLS
