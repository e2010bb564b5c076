/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "ph-error.h"
#include "ph-fingerprint.h"
#include "ph-pairing-code.h"

/* g_random_*() is no source of secrets: GnuTLS's generator is. */
gboolean
ph_pairing_make_nonce (guint8   nonce[PH_PAIR_NONCE_SIZE],
                       GError **error)
{
  int ret = gnutls_rnd (GNUTLS_RND_RANDOM, nonce, PH_PAIR_NONCE_SIZE);

  if (ret == 0)
    return TRUE;

  g_set_error (error, PH_ERROR, PH_ERROR_FAILED,
               _("No random numbers for pairing: %s"), gnutls_strerror (ret));
  return FALSE;
}

void
ph_pairing_commitment (const guint8 nonce[PH_PAIR_NONCE_SIZE],
                       guint8       commitment[PH_PAIR_NONCE_SIZE])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = PH_PAIR_NONCE_SIZE;

  g_checksum_update (checksum, nonce, PH_PAIR_NONCE_SIZE);
  g_checksum_get_digest (checksum, commitment, &len);
}

/* Returns: whether @nonce is the one @commitment was made to */
gboolean
ph_pairing_check_commitment (const guint8 commitment[PH_PAIR_NONCE_SIZE],
                             const guint8 nonce[PH_PAIR_NONCE_SIZE])
{
  guint8 expected[PH_PAIR_NONCE_SIZE];
  guint8 diff = 0;

  ph_pairing_commitment (nonce, expected);
  /* All of it, whatever differs first. */
  for (guint i = 0; i < PH_PAIR_NONCE_SIZE; i++)
    diff |= expected[i] ^ commitment[i];

  return diff == 0;
}

/**
 * ph_pairing_derive_code:
 * @initiator_fingerprint: the key of the side that committed first
 * @responder_fingerprint: the other key
 *
 * Returns: the number both people compare, below 1,000,000
 */
guint32
ph_pairing_derive_code (const char   *initiator_fingerprint,
                        const char   *responder_fingerprint,
                        const guint8  initiator_nonce[PH_PAIR_NONCE_SIZE],
                        const guint8  responder_nonce[PH_PAIR_NONCE_SIZE])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 value = 0;

  g_return_val_if_fail (ph_fingerprint_is_valid (initiator_fingerprint), 0);
  g_return_val_if_fail (ph_fingerprint_is_valid (responder_fingerprint), 0);

  g_checksum_update (checksum, (const guchar *) PH_PAIRING_CONTEXT, strlen (PH_PAIRING_CONTEXT));
  g_checksum_update (checksum, (const guchar *) initiator_fingerprint, PH_FINGERPRINT_LENGTH);
  g_checksum_update (checksum, (const guchar *) responder_fingerprint, PH_FINGERPRINT_LENGTH);
  g_checksum_update (checksum, initiator_nonce, PH_PAIR_NONCE_SIZE);
  g_checksum_update (checksum, responder_nonce, PH_PAIR_NONCE_SIZE);
  g_checksum_get_digest (checksum, digest, &len);

  for (guint i = 0; i < 8; i++)
    value = (value << 8) | digest[i];

  return (guint32) (value % 1000000);
}

/* Returns: (transfer full): six digits, leading zeros kept: "042917" */
char *
ph_pairing_code_to_string (guint32 code)
{
  return g_strdup_printf ("%06u", code % 1000000);
}
