/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The key and certificate of an identity, made and checked with GnuTLS
 * (GIO cannot make either). Everything is PEM: the private key as
 * unencrypted PKCS #8, the certificate self-signed. */

/* A certificate is made for this long... */
#define PH_CERTIFICATE_VALID_DAYS   (20 * 365)
/* ...and made anew, for the same key, once less than this is left. */
#define PH_CERTIFICATE_RENEW_DAYS   365

char     *ph_certificate_new_key (GError     **error);
char     *ph_certificate_issue   (const char  *key_pem,
                                  GError     **error);
gboolean  ph_certificate_inspect (const char  *pem,
                                  gsize        len,
                                  char       **key_pem,
                                  char       **certificate_pem,
                                  GError     **error);

G_END_DECLS
