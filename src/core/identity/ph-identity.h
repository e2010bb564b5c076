/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_IDENTITY (ph_identity_get_type ())

/* This installation's key pair and self-signed certificate (SPEC,
 * Identity), shared by the app and the CLI of one user: made on first
 * use, then loaded. Immutable once loaded; safe to share between
 * threads. */

G_DECLARE_FINAL_TYPE (PhIdentity, ph_identity, PH, IDENTITY, GObject)

char            *ph_identity_default_directory   (void);
PhIdentity      *ph_identity_load_default        (GError     **error);
PhIdentity      *ph_identity_load                (const char  *directory,
                                                  GError     **error);
GTlsCertificate *ph_identity_get_certificate     (PhIdentity  *self);
const char      *ph_identity_get_fingerprint     (PhIdentity  *self);
const char      *ph_identity_get_short_fingerprint (PhIdentity *self);
const char      *ph_identity_get_path            (PhIdentity  *self);

G_END_DECLS
