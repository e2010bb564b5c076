/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "ph-error.h"
#include "ph-fingerprint.h"

/**
 * ph_fingerprint_from_spki:
 * @spki: (array length=len): a DER SubjectPublicKeyInfo
 * @len: its length
 *
 * Returns: (transfer full): SHA-256 of @spki in unpadded base64url
 */
char *
ph_fingerprint_from_spki (const guint8 *spki,
                          gsize         len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  char *text;

  g_return_val_if_fail (spki != NULL || len == 0, NULL);

  g_checksum_update (checksum, spki, len);
  g_checksum_get_digest (checksum, digest, &digest_len);

  /* 32 bytes are 43 base64 characters and one '=' of padding. */
  text = g_base64_encode (digest, digest_len);
  text[PH_FINGERPRINT_LENGTH] = '\0';
  for (char *c = text; *c; c++)
    if (*c == '+')
      *c = '-';
    else if (*c == '/')
      *c = '_';

  return text;
}

/**
 * ph_fingerprint_from_der:
 * @der: (array length=len): an X.509 certificate in DER
 * @len: its length
 *
 * The fingerprint of the certificate's key, parsed by GnuTLS.
 *
 * Returns: (transfer full) (nullable): the fingerprint, or NULL with
 *   PH_ERROR_WRONG_KEY when @der is no certificate GnuTLS can read
 */
char *
ph_fingerprint_from_der (const guint8  *der,
                         gsize          len,
                         GError       **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t in = { (unsigned char *) der, (unsigned int) len };
  gnutls_datum_t spki = { NULL, 0 };
  char *fingerprint = NULL;
  int ret;

  g_return_val_if_fail (der != NULL || len == 0, NULL);

  if (len > G_MAXUINT)
    ret = GNUTLS_E_MEMORY_ERROR;
  else if ((ret = gnutls_x509_crt_init (&crt)) == 0 &&
           (ret = gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_DER)) == 0 &&
           (ret = gnutls_pubkey_init (&pubkey)) == 0 &&
           (ret = gnutls_pubkey_import_x509 (pubkey, crt, 0)) == 0)
    ret = gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &spki);

  if (ret == 0)
    fingerprint = ph_fingerprint_from_spki (spki.data, spki.size);
  else
    g_set_error (error, PH_ERROR, PH_ERROR_WRONG_KEY,
                 _("The other computer’s certificate cannot be read: %s"), gnutls_strerror (ret));

  gnutls_free (spki.data);
  if (pubkey)
    gnutls_pubkey_deinit (pubkey);
  if (crt)
    gnutls_x509_crt_deinit (crt);

  return fingerprint;
}

/**
 * ph_fingerprint_from_certificate:
 * @certificate: any certificate, typically a peer's
 *
 * Returns: (transfer full) (nullable): the fingerprint of its key
 */
char *
ph_fingerprint_from_certificate (GTlsCertificate  *certificate,
                                 GError          **error)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_WRONG_KEY,
                           _("The other computer’s certificate cannot be read"));
      return NULL;
    }

  return ph_fingerprint_from_der (der->data, der->len, error);
}

/* Returns: whether @fingerprint has the form of one (43 base64url
 * characters whose last one carries no stray bits) */
gboolean
ph_fingerprint_is_valid (const char *fingerprint)
{
  static const char last_ok[] = "AEIMQUYcgkosw048";

  if (fingerprint == NULL || strlen (fingerprint) != PH_FINGERPRINT_LENGTH)
    return FALSE;

  for (const char *c = fingerprint; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;

  /* 256 bits in 43 characters leave two bits of the last one unused. */
  return strchr (last_ok, fingerprint[PH_FINGERPRINT_LENGTH - 1]) != NULL;
}

/* Machines compare all of it. */
gboolean
ph_fingerprint_equal (const char *a,
                      const char *b)
{
  return ph_fingerprint_is_valid (a) && ph_fingerprint_is_valid (b) && strcmp (a, b) == 0;
}

/**
 * ph_fingerprint_format_short:
 * @fingerprint: a fingerprint
 *
 * What people read aloud and compare at a glance: "Xk3v 9-aQ Lm0_ p2Rt".
 * Spaces, because base64url uses '-' itself.
 *
 * Returns: (transfer full): the short form
 */
char *
ph_fingerprint_format_short (const char *fingerprint)
{
  GString *text;

  g_return_val_if_fail (fingerprint != NULL, NULL);

  text = g_string_sized_new (PH_FINGERPRINT_SHORT_CHARS + 4);
  for (guint i = 0; i < PH_FINGERPRINT_SHORT_CHARS && fingerprint[i]; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (text, ' ');
      g_string_append_c (text, fingerprint[i]);
    }

  return g_string_free (text, FALSE);
}
