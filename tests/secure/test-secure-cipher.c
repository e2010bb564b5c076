/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which cipher the secure channel's TLS uses: AES-128-GCM under TLS 1.3
 * when Posthouse chooses (ph_secure_tls_init()), and whatever the person
 * chose when they set G_TLS_GNUTLS_PRIORITY themselves. glib-networking
 * reads that variable once per process, so the person's choice is
 * tried in a child process of this test. */
#include "config.h"

#include "ph-secure-tls-private.h"
#include "ph-test-util.h"
#include "secure-rig.h"

#define PRIORITY_VARIABLE "G_TLS_GNUTLS_PRIORITY"
#define CHILD_VARIABLE    "PH_TEST_CIPHER_CHILD"
/* A choice Posthouse would never make for itself. */
#define USER_PRIORITY     "NORMAL:-CIPHER-ALL:+CHACHA20-POLY1305"

static char *program;
static gboolean priority_inherited;

typedef struct
{
  GSocketListener *listener;
  PhIdentity      *identity;
  GTlsConnection  *tls;
  GError          *error;
} Server;

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(GSocketConnection) connection =
    g_socket_listener_accept (server->listener, NULL, NULL, &server->error);

  if (connection == NULL)
    return NULL;
  server->tls = ph_secure_tls_server_new (G_IO_STREAM (connection), server->identity, &server->error);
  if (server->tls != NULL && !g_tls_connection_handshake (server->tls, NULL, &server->error))
    g_clear_object (&server->tls);
  return NULL;
}

/* One handshake on loopback, as the secure channel makes it; the
 * suite both ends agreed on. */
static char *
handshake (void)
{
  g_autofree char *tmp = ph_test_make_tmp_dir ("ph-cipher-XXXXXX");
  g_autoptr(PhIdentity) sender = secure_rig_identity (tmp, "sender");
  g_autoptr(PhIdentity) receiver = secure_rig_identity (tmp, "receiver");
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GTlsConnection) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *server_suite = NULL;
  Server server = { 0 };
  GThread *thread;
  guint16 port;
  char *suite;

  server.listener = secure_rig_loopback_listener (&port);
  server.identity = receiver;
  thread = g_thread_new ("cipher-server", server_thread, &server);

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  tls = ph_secure_tls_client_new (G_IO_STREAM (connection), sender,
                                  ph_identity_get_fingerprint (receiver), &error);
  g_assert_no_error (error);
  g_tls_connection_handshake (tls, NULL, &error);
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_no_error (server.error);

  /* What the channel itself insists on still holds. */
  fingerprint = ph_secure_tls_verify (tls, ph_identity_get_fingerprint (receiver), "receiver",
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_connection_get_protocol_version (server.tls), ==,
                   G_TLS_PROTOCOL_VERSION_TLS_1_3);

  /* (transfer full) */
  suite = g_tls_connection_get_ciphersuite_name (tls);
  server_suite = g_tls_connection_get_ciphersuite_name (server.tls);
  g_assert_cmpstr (suite, ==, server_suite);

  g_io_stream_close (G_IO_STREAM (tls), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (server.tls), NULL, NULL);
  g_object_unref (server.tls);
  g_socket_listener_close (server.listener);
  g_object_unref (server.listener);
  ph_test_rm_rf (tmp);
  return suite;
}

static void
test_preferred (void)
{
  g_autofree char *suite = NULL;

  if (priority_inherited)
    {
      g_test_skip (PRIORITY_VARIABLE " is set where this test runs");
      return;
    }

  g_assert_nonnull (g_getenv (PRIORITY_VARIABLE));
  suite = handshake ();
  g_assert_cmpstr (suite, ==, "TLS_AES_128_GCM_SHA256");
}

static void
test_user_choice (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv (CHILD_VARIABLE) != NULL)
    {
      g_autofree char *suite = handshake ();

      g_assert_cmpstr (g_getenv (PRIORITY_VARIABLE), ==, USER_PRIORITY);
      g_assert_cmpstr (suite, ==, "TLS_CHACHA20_POLY1305_SHA256");
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, PRIORITY_VARIABLE, USER_PRIORITY, TRUE);
  g_subprocess_launcher_setenv (launcher, CHILD_VARIABLE, "1", TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, program,
                                       "-p", "/posthouse/secure/cipher/user-choice", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (child, NULL, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  /* Before anything else, as Posthouse's own programs do. */
  priority_inherited = g_getenv (PRIORITY_VARIABLE) != NULL && g_getenv (CHILD_VARIABLE) == NULL;
  ph_secure_tls_init ();
  program = argv[0];

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/secure/cipher/preferred", test_preferred);
  g_test_add_func ("/posthouse/secure/cipher/user-choice", test_user_choice);

  return g_test_run ();
}
