/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "ph-certificate-private.h"
#include "ph-error.h"

#define DAY ((time_t) 24 * 60 * 60)


static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *text = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  return text;
}

/* Returns: (transfer full): a new ECDSA P-256 key, PKCS #8 PEM */
char *
ph_certificate_new_key (GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t out = { NULL, 0 };
  char *pem = NULL;
  int ret;

  if ((ret = gnutls_x509_privkey_init (&key)) == 0 &&
      (ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                            0, NULL, 0)) == 0)
    ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                             &out);

  if (ret == 0)
    pem = datum_to_string (&out);
  else
    g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                 _("Could not make a key for this computer: %s"), gnutls_strerror (ret));

  if (key)
    gnutls_x509_privkey_deinit (key);
  return pem;
}

static int
fill_certificate (gnutls_x509_crt_t     crt,
                  gnutls_x509_privkey_t key)
{
  static const char name[] = "Posthouse";
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_len = sizeof key_id;
  time_t now = time (NULL);
  int ret;

  /* Positive, as DER wants it. */
  if ((ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
    return ret;
  serial[0] &= 0x7f;
  serial[0] |= 0x01;

  /* No person's or computer's name in it: anyone who connects sees it. */
  if ((ret = gnutls_x509_crt_set_version (crt, 3)) < 0 ||
      (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0 ||
      (ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                            name, strlen (name))) < 0 ||
      (ret = gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                   name, strlen (name))) < 0 ||
      /* A clock a day behind still takes it. */
      (ret = gnutls_x509_crt_set_activation_time (crt, now - DAY)) < 0 ||
      (ret = gnutls_x509_crt_set_expiration_time (crt, now + PH_CERTIFICATE_VALID_DAYS * DAY)) < 0 ||
      (ret = gnutls_x509_crt_set_key (crt, key)) < 0 ||
      (ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0 ||
      (ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
      (ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0)) < 0 ||
      (ret = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_len)) < 0 ||
      (ret = gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_len)) < 0)
    return ret;

  return gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0);
}

static int
import_key (gnutls_x509_privkey_t *key,
            const char            *pem,
            gsize                  len)
{
  gnutls_datum_t in = { (unsigned char *) pem, (unsigned int) len };
  int ret;

  if (len > G_MAXUINT)
    return GNUTLS_E_MEMORY_ERROR;
  if ((ret = gnutls_x509_privkey_init (key)) < 0)
    return ret;

  return gnutls_x509_privkey_import2 (*key, &in, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
}

/**
 * ph_certificate_issue:
 * @key_pem: the identity's key
 *
 * Returns: (transfer full): a new self-signed certificate for @key_pem
 */
char *
ph_certificate_issue (const char  *key_pem,
                      GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t out = { NULL, 0 };
  char *pem = NULL;
  int ret;

  g_return_val_if_fail (key_pem != NULL, NULL);

  if ((ret = import_key (&key, key_pem, strlen (key_pem))) == 0 &&
      (ret = gnutls_x509_crt_init (&crt)) == 0 &&
      (ret = fill_certificate (crt, key)) == 0)
    ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out);

  if (ret == 0)
    pem = datum_to_string (&out);
  else
    g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                 _("Could not make a certificate for this computer: %s"), gnutls_strerror (ret));

  if (crt)
    gnutls_x509_crt_deinit (crt);
  if (key)
    gnutls_x509_privkey_deinit (key);
  return pem;
}

/* Whether @crt is for @key and has more than PH_CERTIFICATE_RENEW_DAYS
 * left: otherwise the identity gets a new one for the same key. */
static gboolean
certificate_usable (gnutls_x509_crt_t     crt,
                    gnutls_x509_privkey_t key)
{
  guint8 crt_id[64], key_id[64];
  size_t crt_id_len = sizeof crt_id, key_id_len = sizeof key_id;
  time_t expires = gnutls_x509_crt_get_expiration_time (crt);

  if (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, crt_id, &crt_id_len) < 0 ||
      gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_len) < 0 ||
      crt_id_len != key_id_len || memcmp (crt_id, key_id, key_id_len) != 0)
    return FALSE;

  return expires != (time_t) -1 && expires - time (NULL) > PH_CERTIFICATE_RENEW_DAYS * DAY;
}

/**
 * ph_certificate_inspect:
 * @pem: (array length=len): what an identity file holds
 * @len: its length
 * @key_pem: (out) (transfer full): the key, re-exported
 * @certificate_pem: (out) (transfer full) (nullable): the certificate,
 *   or NULL when it is missing, unreadable, not for this key, or about
 *   to expire: then the caller issues a new one
 *
 * Returns: FALSE with PH_ERROR_IDENTITY when @pem holds no usable key
 */
gboolean
ph_certificate_inspect (const char  *pem,
                        gsize        len,
                        char       **key_pem,
                        char       **certificate_pem,
                        GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t in = { (unsigned char *) pem, (unsigned int) len };
  gnutls_datum_t out = { NULL, 0 };
  gboolean ok = FALSE;
  int ret;

  g_return_val_if_fail (pem != NULL || len == 0, FALSE);
  g_return_val_if_fail (key_pem != NULL && certificate_pem != NULL, FALSE);

  *key_pem = NULL;
  *certificate_pem = NULL;

  ret = import_key (&key, pem, len);
  if (ret == 0 && gnutls_x509_privkey_get_pk_algorithm (key) != GNUTLS_PK_ECDSA)
    ret = GNUTLS_E_UNKNOWN_PK_ALGORITHM;
  if (ret == 0)
    ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                             &out);
  if (ret != 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY, _("It holds no key that can be read (%s)"),
                   gnutls_strerror (ret));
      goto out;
    }
  *key_pem = datum_to_string (&out);
  ok = TRUE;

  if (gnutls_x509_crt_init (&crt) == 0 &&
      gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_PEM) == 0 &&
      certificate_usable (crt, key) &&
      gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out) == 0)
    *certificate_pem = datum_to_string (&out);

out:
  if (crt)
    gnutls_x509_crt_deinit (crt);
  if (key)
    gnutls_x509_privkey_deinit (key);
  return ok;
}
