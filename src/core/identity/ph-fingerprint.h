/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fingerprint names a key, not a certificate (SPEC, Identity): the
 * SHA-256 of the DER SubjectPublicKeyInfo, in unpadded base64url. A
 * renewed certificate for the same key keeps it. */
#define PH_FINGERPRINT_LENGTH 43
/* What people compare: the first 16 characters, in groups of four. */
#define PH_FINGERPRINT_SHORT_CHARS 16

char     *ph_fingerprint_from_spki        (const guint8    *spki,
                                           gsize            len);
char     *ph_fingerprint_from_der         (const guint8    *der,
                                           gsize            len,
                                           GError         **error);
char     *ph_fingerprint_from_certificate (GTlsCertificate *certificate,
                                           GError         **error);
gboolean  ph_fingerprint_is_valid         (const char      *fingerprint);
gboolean  ph_fingerprint_equal            (const char      *a,
                                           const char      *b);
char     *ph_fingerprint_format_short     (const char      *fingerprint);

G_END_DECLS
