/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-identity.h"

G_BEGIN_DECLS

/* The TLS layer of the secure channel, through GIO (glib-networking):
 * TLS 1.3 only, ALPN "posthouse/1", each side presenting its identity's
 * certificate, no certificate authority: each side computes the other's
 * fingerprint itself.
 *
 * The client (the sender) gives the fingerprint it expects: the
 * handshake fails at once for another key (its accept-certificate
 * handler), and ph_secure_tls_verify() checks it again after the
 * handshake, so that no system trust store can let another key in. The
 * server (the receiver) requires a certificate and accepts any: its
 * fingerprint is who is sending. */

GTlsConnection *ph_secure_tls_client_new (GIOStream       *base,
                                          PhIdentity      *identity,
                                          const char      *expected,
                                          GError         **error);
GTlsConnection *ph_secure_tls_server_new (GIOStream       *base,
                                          PhIdentity      *identity,
                                          GError         **error);
char           *ph_secure_tls_verify     (GTlsConnection  *tls,
                                          const char      *expected,
                                          const char      *peer,
                                          GError         **error);
GError         *ph_secure_tls_explain    (GTlsConnection  *tls,
                                          const char      *expected,
                                          const char      *peer,
                                          GError          *error);
void            ph_secure_reset          (GIOStream       *connection);

G_END_DECLS
