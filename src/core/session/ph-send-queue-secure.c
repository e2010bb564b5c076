/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendQueue: a batch through the secure channel. The identity and
 * the device's name are found when first needed; the batch goes over
 * one connection, or several for a big batch (each a PhSecureSend with
 * its share of the files); the receiver met is remembered. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-device-name.h"
#include "ph-error.h"
#include "ph-send-failures.h"
#include "ph-send-queue-private.h"
#include "ph-transfer-private.h"

/* Connections per batch when nobody says (bench/linkbench, RESULTS.md):
 * one carries a batch at the link's speed on every profile measured;
 * a second helps only where the CPU is the limit, for large batches. */
#define SECURE_CONNECTIONS      1
#define SECURE_MAX_CONNECTIONS  8

typedef struct
{
  PhSendQueueJob *job;
  PhSecureSend   *send;
  GListModel     *transfers;   /* its share */
  GSocketClient  *client;
} SecureRun;

static void
secure_run_free (SecureRun *run)
{
  if (run->send != NULL)
    g_signal_handlers_disconnect_by_data (run->send, run);
  g_clear_object (&run->send);
  g_clear_object (&run->transfers);
  g_clear_object (&run->client);
  g_free (run);
}

/* Frees what a secure job holds; its runs are over by then. */
void
ph_send_queue_secure_job_clear (PhSendQueueJob *job)
{
  g_clear_pointer (&job->runs, g_ptr_array_unref);
  g_clear_error (&job->error);
}

static void
run_ended (SecureRun *run,
           GError    *error)
{
  PhSendQueueJob *job = run->job;

  if (error != NULL && job->error == NULL)
    job->error = error;
  else
    g_clear_error (&error);

  g_assert (job->n_running > 0);
  if (--job->n_running == 0)
    ph_send_queue_job_done (job, g_steal_pointer (&job->error));
}

/* The receiver proved its key: it is remembered (as known, if new),
 * where it received files and under which name, so that the next batch
 * to it goes through the secure channel even without an announcement,
 * and never in the clear. */
static void
remember (SecureRun *run)
{
  PhSendQueueJob *job = run->job;
  PhDevices *devices = job->self->devices;
  const char *fingerprint = ph_secure_send_get_peer_fingerprint (run->send);
  const char *expected = ph_destination_get_fingerprint (job->target);
  g_autofree char *host = NULL;

  if (devices == NULL || fingerprint == NULL ||
      (expected != NULL && g_strcmp0 (expected, fingerprint) != 0))
    return;

  host = g_strdup (ph_destination_get_host (job->target));
  ph_devices_record_seen (devices, fingerprint, ph_secure_send_get_peer_name (run->send), host,
                          ph_destination_get_address (job->target),
                          ph_destination_get_installation_id (job->target));
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  SecureRun *run = user_data;
  GError *error = NULL;

  ph_secure_send_run_finish (PH_SECURE_SEND (object), result, &error);
  remember (run);
  run_ended (run, error);
}

/* The secure channel's window, told as the plain lanes' is
 * (PhSender::window-changed, for `send --verbose`): with several
 * connections, the files in flight on all of them, and why the one
 * that changed did. */
static void
window_cb (PhSecureSend *send,
           GParamSpec   *pspec,
           SecureRun    *run)
{
  PhSendQueueJob *job = run->job;
  guint files = 0;

  for (guint i = 0; i < job->runs->len; i++)
    {
      SecureRun *other = g_ptr_array_index (job->runs, i);

      if (other->send != NULL && ph_secure_send_get_phase (other->send) != PH_SECURE_SEND_FINISHED)
        files += ph_secure_send_get_window (other->send);
    }

  g_signal_emit_by_name (job->self->sender, "window-changed", job->transfers,
                         MAX (files, ph_secure_send_get_window (send)),
                         ph_secure_send_get_window_reason (send));
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SecureRun *run = user_data;
  PhSendQueueJob *job = run->job;
  PhSendQueue *self = job->self;
  g_autoptr(GSocketConnection) connection = NULL;
  GError *error = NULL;
  guint idle;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      error = ph_send_connect_error (job->destination, ph_destination_get_host (job->target),
                                     ph_sender_get_connect_timeout (self->sender), error);
      ph_send_queue_fail_transfers (run->transfers, error);
      run_ended (run, error);
      return;
    }

  /* The connect timeout is not one for the batch (the channel has its own). */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 0);

  run->send = ph_secure_send_new (self->identity, ph_destination_get_fingerprint (job->target));
  ph_secure_send_set_device_name (run->send, self->device_name);
  idle = ph_sender_get_idle_timeout (self->sender);
  ph_secure_send_set_idle_timeout (run->send, idle);
  if (job->parallel > 0)
    ph_secure_send_set_window (run->send, job->parallel);
  g_signal_connect (run->send, "notify::window", G_CALLBACK (window_cb), run);
  ph_secure_send_run_async (run->send, connection, run->transfers, job->cancellable, run_cb, run);
}

/* How many connections @n files of @job take. */
static guint
n_connections (PhSendQueueJob *job,
               guint           n)
{
  guint wanted = job->self->connections ? job->self->connections : SECURE_CONNECTIONS;

  /* --parallel 1 sends in the order given: one connection. */
  if (job->parallel == 1)
    return 1;
  return CLAMP (MIN (wanted, n), 1, SECURE_MAX_CONNECTIONS);
}

/* The files dealt out in turn, so that each connection has some of the
 * big ones and some of the small ones, and the first files go first. */
static GPtrArray *
deal (GListModel *transfers,
      guint       n_runs)
{
  GPtrArray *shares = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (transfers);

  if (n_runs == 1)
    {
      g_ptr_array_add (shares, g_object_ref (transfers));
      return shares;
    }

  for (guint i = 0; i < n_runs; i++)
    g_ptr_array_add (shares, g_list_store_new (PH_TYPE_TRANSFER));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (transfers, i);

      g_list_store_append (shares->pdata[i % n_runs], item);
    }

  return shares;
}

static void
connect_all (PhSendQueueJob *job)
{
  PhSendQueue *self = job->self;
  g_autoptr(GPtrArray) shares = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  guint n_runs;

  n_runs = n_connections (job, g_list_model_get_n_items (job->transfers));
  shares = deal (job->transfers, n_runs);
  address = g_network_address_new (ph_destination_get_host (job->target),
                                    (guint16) ph_destination_get_port (job->target));

  job->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) secure_run_free);
  job->n_running = n_runs;
  for (guint i = 0; i < n_runs; i++)
    {
      SecureRun *run = g_new0 (SecureRun, 1);

      run->job = job;
      run->transfers = g_object_ref (shares->pdata[i]);
      run->client = g_socket_client_new ();
      g_socket_client_set_enable_proxy (run->client, FALSE);
      g_socket_client_set_timeout (run->client, ph_sender_get_connect_timeout (self->sender));
      g_ptr_array_add (job->runs, run);
      g_socket_client_connect_async (run->client, address, job->cancellable, connected_cb, run);
    }
}

static void
device_name_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PhSendQueueJob *job = user_data;
  PhSendQueue *self = job->self;
  g_autofree char *name = ph_device_name_query_finish (result, NULL);

  /* Set meanwhile by the caller: that one. */
  if (!self->device_name_asked)
    {
      self->device_name = g_steal_pointer (&name);
      self->device_name_asked = TRUE;
    }
  connect_all (job);
}

/**
 * ph_send_queue_start_secure:
 *
 * Sends @job's batch through the secure channel; ends it with
 * ph_send_queue_job_done().
 */
void
ph_send_queue_start_secure (PhSendQueueJob *job)
{
  PhSendQueue *self = job->self;

  if (self->identity == NULL)
    {
      GError *error = NULL;

      self->identity = ph_identity_load_default (&error);
      if (self->identity == NULL)
        {
          ph_send_queue_fail_transfers (job->transfers, error);
          ph_send_queue_job_done (job, error);
          return;
        }
    }

  if (!self->device_name_asked)
    {
      ph_device_name_query_async (job->cancellable, device_name_cb, job);
      return;
    }

  connect_all (job);
}
