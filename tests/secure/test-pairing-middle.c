/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A stranger in the middle: a proxy that ends TLS toward each side with
 * keys of its own and relays everything in between. Both sides then
 * compute their six digits over different keys: they differ in every
 * run, and pairing completes only when both people confirm numbers
 * that are not the same (and then each side has paired the stranger,
 * never the other side). */
#include "config.h"

#include <string.h>

#include "pairing-rig.h"
#include "ph-secure-tls-private.h"
#include "ph-test-util.h"
#include "secure-rig.h"

#define RUNS 12

typedef struct
{
  char            *tmp;
  GSocketListener *listener;
  guint16          port;
  guint16          target;
  GCancellable    *stop;
  GThread         *thread;
  GMutex           lock;
  PhIdentity      *toward_initiator;   /* what the initiator sees */
  PhIdentity      *toward_responder;   /* what the responder sees */
  guint            n_relayed;
} Middle;

typedef struct
{
  GIOStream *from;
  GIOStream *to;
} Pipe;

/* One direction, until its end; then the end goes on (a half-close). */
static gpointer
pipe_thread (gpointer data)
{
  Pipe *pipe = data;
  guint8 buffer[16384];

  for (;;)
    {
      gssize got = g_input_stream_read (g_io_stream_get_input_stream (pipe->from), buffer,
                                        sizeof buffer, NULL, NULL);

      if (got <= 0 ||
          !g_output_stream_write_all (g_io_stream_get_output_stream (pipe->to), buffer, got,
                                      NULL, NULL, NULL))
        break;
    }

  g_output_stream_close (g_io_stream_get_output_stream (pipe->to), NULL, NULL);
  return NULL;
}

static void
relay_one (Middle            *middle,
           GSocketConnection *from_initiator)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) to_responder = NULL;
  g_autoptr(GTlsConnection) a = NULL;
  g_autoptr(GTlsConnection) b = NULL;
  g_autoptr(PhIdentity) mine_a = NULL;
  g_autoptr(PhIdentity) mine_b = NULL;
  g_autoptr(GError) error = NULL;
  Pipe forward, backward;
  GThread *back;

  g_mutex_lock (&middle->lock);
  mine_a = g_object_ref (middle->toward_initiator);
  mine_b = g_object_ref (middle->toward_responder);
  g_mutex_unlock (&middle->lock);

  g_socket_client_set_enable_proxy (client, FALSE);
  to_responder = g_socket_client_connect_to_host (client, "127.0.0.1", middle->target, NULL, &error);
  g_assert_no_error (error);

  a = ph_secure_tls_server_new (G_IO_STREAM (from_initiator), mine_a, &error);
  g_assert_no_error (error);
  b = ph_secure_tls_client_new (G_IO_STREAM (to_responder), mine_b, NULL, &error);
  g_assert_no_error (error);
  if (!g_tls_connection_handshake (a, NULL, NULL) || !g_tls_connection_handshake (b, NULL, NULL))
    return;

  forward = (Pipe) { G_IO_STREAM (a), G_IO_STREAM (b) };
  backward = (Pipe) { G_IO_STREAM (b), G_IO_STREAM (a) };
  back = g_thread_new ("middle-back", pipe_thread, &backward);
  pipe_thread (&forward);
  g_thread_join (back);

  g_io_stream_close (G_IO_STREAM (a), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (b), NULL, NULL);
  g_mutex_lock (&middle->lock);
  middle->n_relayed++;
  g_mutex_unlock (&middle->lock);
}

static gpointer
middle_thread (gpointer data)
{
  Middle *middle = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection =
        g_socket_listener_accept (middle->listener, NULL, middle->stop, NULL);

      if (connection == NULL)
        return NULL;
      relay_one (middle, connection);
    }
}

/* Fresh keys, as a stranger would make for each try. */
static void
middle_new_keys (Middle *middle,
                 guint   run)
{
  g_autofree char *a = g_strdup_printf ("middle-a-%u", run);
  g_autofree char *b = g_strdup_printf ("middle-b-%u", run);
  PhIdentity *toward_initiator = secure_rig_identity (middle->tmp, a);
  PhIdentity *toward_responder = secure_rig_identity (middle->tmp, b);

  g_mutex_lock (&middle->lock);
  g_clear_object (&middle->toward_initiator);
  g_clear_object (&middle->toward_responder);
  middle->toward_initiator = toward_initiator;
  middle->toward_responder = toward_responder;
  g_mutex_unlock (&middle->lock);
}

static Middle *
middle_new (guint16 target)
{
  Middle *middle = g_new0 (Middle, 1);

  middle->tmp = ph_test_make_tmp_dir ("posthouse-middle-XXXXXX");
  middle->target = target;
  middle->stop = g_cancellable_new ();
  g_mutex_init (&middle->lock);
  middle_new_keys (middle, 0);

  middle->listener = secure_rig_loopback_listener (&middle->port);
  middle->thread = g_thread_new ("middle", middle_thread, middle);
  return middle;
}

static void
middle_free (Middle *middle)
{
  g_cancellable_cancel (middle->stop);
  g_thread_join (middle->thread);
  g_socket_listener_close (middle->listener);
  g_clear_object (&middle->listener);
  g_clear_object (&middle->stop);
  g_clear_object (&middle->toward_initiator);
  g_clear_object (&middle->toward_responder);
  g_mutex_clear (&middle->lock);
  ph_test_rm_rf (middle->tmp);
  g_free (middle->tmp);
  g_free (middle);
}

static gboolean
both_shown (PairingRig *rig)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (rig->initiator.code == NULL || rig->responder.code == NULL)
    {
      if (rig->initiator.done || g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    }

  return TRUE;
}

static gboolean
paired_with (PairingSide *side,
             PhIdentity  *identity)
{
  PhDevice *device = ph_devices_lookup (side->devices, ph_identity_get_fingerprint (identity));

  return device != NULL && ph_device_is_paired (device);
}

/* Honest people: each confirms only what the other screen shows. */
static void
test_codes_differ (void)
{
  PairingRig *rig = pairing_rig_new ();
  Middle *middle = NULL;
  guint paired = 0;

  pairing_rig_listen (rig);
  rig->foreign_initiator = TRUE;
  middle = middle_new (rig->port);
  rig->initiator.person = PERSON_MANUAL;
  rig->responder.person = PERSON_MANUAL;

  for (guint run = 0; run < RUNS; run++)
    {
      gboolean same;

      middle_new_keys (middle, run);
      pairing_rig_start (rig, middle->port, NULL);
      g_assert_true (both_shown (rig));

      /* Each side saw the stranger's key, not the other's. */
      g_assert_cmpstr (ph_pairing_get_peer_fingerprint (rig->initiator.pairing), ==,
                       ph_identity_get_fingerprint (middle->toward_initiator));
      g_assert_cmpstr (ph_pairing_get_peer_fingerprint (rig->responder.pairing), ==,
                       ph_identity_get_fingerprint (middle->toward_responder));

      g_test_message ("run %u: the initiator shows %s, the responder %s", run,
                      rig->initiator.code, rig->responder.code);
      /* Equal by chance one run in a million: the stranger's only hope. */
      same = g_str_equal (rig->initiator.code, rig->responder.code);
      g_assert_false (same);

      pairing_rig_answer (&rig->initiator, same);
      pairing_rig_answer (&rig->responder, same);
      pairing_rig_wait (rig);
      g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_MISMATCH);
      g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_MISMATCH);
      paired += rig->initiator.ok + rig->responder.ok;
    }

  g_assert_cmpuint (paired, ==, 0);
  g_assert_false (paired_with (&rig->initiator, rig->responder.identity));
  g_assert_false (paired_with (&rig->responder, rig->initiator.identity));
  g_assert_cmpuint (middle->n_relayed, >=, RUNS - 1);

  pairing_rig_free (rig);
  middle_free (middle);
}

/* Two people each looking at their own screen, a stranger between
 * them: both are shown a number, and the numbers differ. */
static Middle *
start_through_middle (PairingRig *rig)
{
  Middle *middle;

  pairing_rig_listen (rig);
  rig->foreign_initiator = TRUE;
  middle = middle_new (rig->port);
  rig->initiator.person = PERSON_MANUAL;
  rig->responder.person = PERSON_MANUAL;

  pairing_rig_start (rig, middle->port, NULL);
  g_assert_true (both_shown (rig));
  g_assert_cmpstr (rig->initiator.code, !=, rig->responder.code);
  return middle;
}

/* One person looks, the other does not: still not paired. */
static void
test_one_confirms (void)
{
  PairingRig *rig = pairing_rig_new ();
  Middle *middle = start_through_middle (rig);

  pairing_rig_answer (&rig->initiator, TRUE);
  pairing_rig_answer (&rig->responder, FALSE);
  pairing_rig_wait (rig);

  g_assert_false (rig->initiator.ok);
  g_assert_false (rig->responder.ok);
  g_assert_error (rig->initiator.error, PH_ERROR, PH_ERROR_MISMATCH);
  g_assert_false (paired_with (&rig->initiator, middle->toward_initiator));
  g_assert_false (paired_with (&rig->responder, middle->toward_responder));

  pairing_rig_free (rig);
  middle_free (middle);
}

/* People who confirm different numbers pair... with the stranger. */
static void
test_both_confirm_anyway (void)
{
  PairingRig *rig = pairing_rig_new ();
  Middle *middle = start_through_middle (rig);

  pairing_rig_answer (&rig->initiator, TRUE);
  pairing_rig_answer (&rig->responder, TRUE);
  pairing_rig_wait (rig);

  g_assert_true (rig->initiator.ok);
  g_assert_true (rig->responder.ok);
  g_assert_true (paired_with (&rig->initiator, middle->toward_initiator));
  g_assert_true (paired_with (&rig->responder, middle->toward_responder));
  g_assert_false (paired_with (&rig->initiator, rig->responder.identity));
  g_assert_false (paired_with (&rig->responder, rig->initiator.identity));

  pairing_rig_free (rig);
  middle_free (middle);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/pairing/middle/codes-differ", test_codes_differ);
  g_test_add_func ("/posthouse/pairing/middle/one-confirms", test_one_confirms);
  g_test_add_func ("/posthouse/pairing/middle/both-confirm-anyway", test_both_confirm_anyway);

  return g_test_run ();
}
