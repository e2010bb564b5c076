/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <glib/gi18n.h>
#include <gnutls/gnutls.h>

#include "ph-error.h"
#include "ph-fingerprint.h"
#include "ph-frame.h"
#include "ph-readahead-private.h"
#include "ph-secure-tls-private.h"
#include "ph-secure-tls.h"

/* glib-networking's GnuTLS backend reads its priority string once, from
 * this variable, when the first TLS connection is made. */
#define PRIORITY_VARIABLE "G_TLS_GNUTLS_PRIORITY"

typedef int (*PriorityListFunc) (gnutls_priority_t, const unsigned int **);

/* Whether every algorithm @list gives for @candidate is one @base has. */
static gboolean
priority_within (PriorityListFunc   list,
                 gnutls_priority_t  candidate,
                 gnutls_priority_t  base)
{
  const unsigned int *mine, *allowed;
  int n_mine = list (candidate, &mine);
  int n_allowed = list (base, &allowed);

  if (n_mine < 0 || n_allowed < 0)
    return FALSE;
  for (int i = 0; i < n_mine; i++)
    {
      int j = 0;

      while (j < n_allowed && allowed[j] != mine[i])
        j++;
      if (j == n_allowed)
        return FALSE;
    }
  return TRUE;
}

/* The backend's own default ("%COMPAT" after the system's priority)
 * with its ciphers reordered, AES-128-GCM first; NULL when that cipher
 * is not allowed here, or already first, or when the string would
 * allow anything the default does not. */
static char *
preferred_priority (void)
{
  gnutls_priority_t base = NULL, candidate = NULL;
  g_autoptr(GString) text = NULL;
  const unsigned int *ciphers;
  int n, at = -1;

  if (gnutls_priority_init2 (&base, "%COMPAT", NULL, GNUTLS_PRIORITY_INIT_DEF_APPEND) < 0)
    return NULL;

  n = gnutls_priority_cipher_list (base, &ciphers);
  for (int i = 0; i < n && at < 0; i++)
    if (ciphers[i] == GNUTLS_CIPHER_AES_128_GCM)
      at = i;
  if (at <= 0)
    {
      gnutls_priority_deinit (base);
      return NULL;
    }

  text = g_string_new ("NORMAL:%COMPAT:-CIPHER-ALL:+AES-128-GCM");
  for (int i = 0; i < n; i++)
    if (ciphers[i] != GNUTLS_CIPHER_AES_128_GCM && gnutls_cipher_get_name (ciphers[i]) != NULL)
      g_string_append_printf (text, ":+%s", gnutls_cipher_get_name (ciphers[i]));

  /* A system policy stricter than GnuTLS' NORMAL wins: nothing is
   * allowed here that the default would not allow. */
  if (gnutls_priority_init2 (&candidate, text->str, NULL, 0) < 0 ||
      !priority_within (gnutls_priority_cipher_list, candidate, base) ||
      !priority_within (gnutls_priority_mac_list, candidate, base) ||
      !priority_within (gnutls_priority_kx_list, candidate, base) ||
      !priority_within (gnutls_priority_protocol_list, candidate, base) ||
      !priority_within (gnutls_priority_group_list, candidate, base) ||
      !priority_within (gnutls_priority_sign_list, candidate, base))
    g_string_truncate (text, 0);

  if (candidate != NULL)
    gnutls_priority_deinit (candidate);
  gnutls_priority_deinit (base);
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/**
 * ph_secure_tls_init:
 *
 * Prefers AES-128-GCM in the secure channel, unless the person chose a
 * priority of their own (G_TLS_GNUTLS_PRIORITY). GnuTLS puts AES-256-GCM
 * first; AES-128 has ten rounds instead of fourteen, so each side spends
 * less on every byte (7 % with GnuTLS 3.7 on a CPU with AES-NI, where the
 * GCM hash costs as much; more without). Both ends are Posthouse, so
 * both prefer it. Call it at the start of main(), before any thread or
 * connection: it may set an environment variable.
 */
void
ph_secure_tls_init (void)
{
  g_autofree char *priority = NULL;

  if (g_getenv (PRIORITY_VARIABLE) != NULL)
    return;

  priority = preferred_priority ();
  if (priority != NULL)
    g_setenv (PRIORITY_VARIABLE, priority, FALSE);
}

/* What the peer's certificate said during the handshake, for the
 * message when it is refused. */
#define SEEN_KEY "ph-seen-fingerprint"

static const char *const alpn[] = { PH_SECURE_ALPN, NULL };

static gboolean
client_accept_cb (GTlsConnection       *tls,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  gpointer              user_data)
{
  const char *expected = user_data;
  char *fingerprint = ph_fingerprint_from_certificate (peer, NULL);
  gboolean ok = fingerprint != NULL && (expected == NULL || ph_fingerprint_equal (fingerprint, expected));

  /* Certificate errors (no authority, expired) say nothing here: the
   * key is what is checked. */
  g_object_set_data_full (G_OBJECT (tls), SEEN_KEY, fingerprint, g_free);
  return ok;
}

static gboolean
server_accept_cb (GTlsConnection       *tls,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  gpointer              user_data)
{
  return TRUE;
}

/* Made with no database from the start: g_tls_client_connection_new()
 * would load the system's certificate authorities first (100 ms and
 * megabytes, for nothing: no authority is asked about anything here). */
static GTlsConnection *
connection_new (GType         type,
                GIOStream    *base,
                PhIdentity   *identity,
                GError      **error)
{
  GError *local_error = NULL;
  g_autoptr(GIOStream) readahead = NULL;
  GInitable *tls;

  if (G_IS_SOCKET_CONNECTION (base))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));

      /* Frames are small and answered: Nagle's wait for an ACK the peer
       * delays (40 ms) would stall every hello, decision and receipt.
       * Bulk data is written in large pieces anyway (ph-readahead). */
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      base = readahead = G_IO_STREAM (ph_readahead_new (G_SOCKET_CONNECTION (base)));
    }

  tls = g_initable_new (type, NULL, &local_error,
                        "base-io-stream", base,
                        "certificate", ph_identity_get_certificate (identity),
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_HANDSHAKE,
                   _("The secure channel is not available: %s (is glib-networking installed?)"),
                   local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  return G_TLS_CONNECTION (tls);
}

static gboolean backend_available (GError **error);

/* A connection of @type (the backend's client or server one), set up
 * the way both ends want it. */
static GTlsConnection *
tls_new (GType        type,
         GIOStream   *base,
         PhIdentity  *identity,
         GError     **error)
{
  GTlsConnection *tls;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);
  g_return_val_if_fail (PH_IS_IDENTITY (identity), NULL);

  if (!backend_available (error))
    return NULL;
  tls = connection_new (type, base, identity, error);
  if (tls == NULL)
    return NULL;

  g_tls_connection_set_advertised_protocols (tls, alpn);
  /* A reset is how a Posthouse peer gives up; it is not an attack. */
  g_tls_connection_set_require_close_notify (tls, FALSE);
  return tls;
}

static gboolean
backend_available (GError **error)
{
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return TRUE;

  g_set_error_literal (error, PH_ERROR, PH_ERROR_HANDSHAKE,
                       _("The secure channel is not available: TLS is not supported here "
                         "(is glib-networking installed?)"));
  return FALSE;
}

/**
 * ph_secure_tls_client_new:
 * @base: a connection to the receiver
 * @expected: (nullable): the receiver's fingerprint; NULL accepts any
 *   key (the caller reads which from ph_secure_tls_verify())
 *
 * Returns: (transfer full) (nullable): the TLS connection, not yet
 *   handshaken
 */
GTlsConnection *
ph_secure_tls_client_new (GIOStream   *base,
                          PhIdentity  *identity,
                          const char  *expected,
                          GError     **error)
{
  GTlsConnection *tls =
    tls_new (g_tls_backend_get_client_connection_type (g_tls_backend_get_default ()), base,
             identity, error);

  if (tls == NULL)
    return NULL;

  g_signal_connect_data (tls, "accept-certificate", G_CALLBACK (client_accept_cb),
                         g_strdup (expected), (GClosureNotify) G_CALLBACK (g_free), 0);

  return tls;
}

/**
 * ph_secure_tls_server_new:
 * @base: a connection whose first byte was 0x16
 *
 * Returns: (transfer full) (nullable): the TLS connection, not yet
 *   handshaken; it requires the client's certificate
 */
GTlsConnection *
ph_secure_tls_server_new (GIOStream   *base,
                          PhIdentity  *identity,
                          GError     **error)
{
  GTlsConnection *tls =
    tls_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()), base,
             identity, error);

  if (tls == NULL)
    return NULL;

  g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (server_accept_cb), NULL);

  return tls;
}

/**
 * ph_secure_tls_verify:
 * @tls: a handshaken connection
 * @expected: (nullable): the fingerprint the peer must prove
 * @peer: the peer, for messages
 *
 * What the handshake must have given: TLS 1.3, our protocol, a peer
 * certificate, and the expected key.
 *
 * Returns: (transfer full) (nullable): the peer's fingerprint, or NULL
 *   with PH_ERROR_HANDSHAKE or PH_ERROR_WRONG_KEY
 */
char *
ph_secure_tls_verify (GTlsConnection  *tls,
                      const char      *expected,
                      const char      *peer,
                      GError         **error)
{
  GTlsCertificate *certificate;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (G_IS_TLS_CONNECTION (tls), NULL);

  if (g_tls_connection_get_protocol_version (tls) != G_TLS_PROTOCOL_VERSION_TLS_1_3)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_HANDSHAKE,
                   _("%s offered an older version of TLS than 1.3; refused"), peer);
      return NULL;
    }

  if (g_strcmp0 (g_tls_connection_get_negotiated_protocol (tls), PH_SECURE_ALPN) != 0)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_HANDSHAKE,
                   _("%s does not speak Posthouse’s secure channel"), peer);
      return NULL;
    }

  certificate = g_tls_connection_get_peer_certificate (tls);
  if (certificate == NULL)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_HANDSHAKE, _("%s presented no certificate"), peer);
      return NULL;
    }

  fingerprint = ph_fingerprint_from_certificate (certificate, error);
  if (fingerprint == NULL)
    return NULL;

  if (expected != NULL && !ph_fingerprint_equal (fingerprint, expected))
    {
      g_autofree char *seen = ph_fingerprint_format_short (fingerprint);
      g_autofree char *wanted = ph_fingerprint_format_short (expected);

      g_set_error (error, PH_ERROR, PH_ERROR_WRONG_KEY,
                   /* Translators: a computer, then two short fingerprints */
                   _("%s is not who it claims to be: it proved the key %s, not %s; nothing was sent"),
                   peer, seen, wanted);
      return NULL;
    }

  return g_steal_pointer (&fingerprint);
}

/**
 * ph_secure_tls_explain:
 * @error: (transfer full): how the handshake failed
 *
 * Returns: (transfer full): a sentence about @peer for @error
 */
GError *
ph_secure_tls_explain (GTlsConnection *tls,
                       const char     *expected,
                       const char     *peer,
                       GError         *error)
{
  g_autoptr(GError) owned = error;
  const char *seen = tls ? g_object_get_data (G_OBJECT (tls), SEEN_KEY) : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == PH_ERROR)
    return g_steal_pointer (&owned);

  if (seen != NULL && expected != NULL && !ph_fingerprint_equal (seen, expected))
    {
      g_autofree char *seen_short = ph_fingerprint_format_short (seen);
      g_autofree char *wanted = ph_fingerprint_format_short (expected);

      return g_error_new (PH_ERROR, PH_ERROR_WRONG_KEY,
                          _("%s is not who it claims to be: it proved the key %s, not %s; nothing was sent"),
                          peer, seen_short, wanted);
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (PH_ERROR, PH_ERROR_TIMED_OUT,
                        _("%s did not complete the secure handshake in time"), peer);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED))
    return g_error_new (PH_ERROR, PH_ERROR_HANDSHAKE, _("%s presented no certificate"), peer);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    return g_error_new (PH_ERROR, PH_ERROR_HANDSHAKE,
                        _("%s does not speak Posthouse’s secure channel"), peer);

  return g_error_new (PH_ERROR, PH_ERROR_HANDSHAKE,
                      _("The secure channel with %s could not be set up: %s"), peer, error->message);
}

/* Ends @connection (a GSocketConnection, or a TLS connection over one)
 * with a reset: how either side says it gave up. */
void
ph_secure_reset (GIOStream *connection)
{
  struct linger reset = { .l_onoff = 1, .l_linger = 0 };
  GSocket *socket;

  g_return_if_fail (G_IS_IO_STREAM (connection));

  socket = ph_readahead_find_socket (connection);
  if (socket != NULL)
    {
      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      g_socket_close (socket, NULL);
    }
}
