/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSecureSend on the caller's context: a run's start, what its worker
 * reports (applied to each PhTransfer, whose state changes here), and
 * its result. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-secure-send-private.h"
#include "ph-send-failures.h"
#include "ph-transfer-private.h"

#define DEFAULT_HANDSHAKE_TIMEOUT 10000
#define DEFAULT_IDLE_TIMEOUT      30000

struct _PhSecureSend
{
  GObject            parent_instance;

  PhIdentity        *identity;
  char              *expected;
  char              *device_name;
  guint              window;          /* the caller's, or the run's latest */
  gboolean           window_fixed;
  char              *window_reason;
  guint              handshake_timeout;
  guint              idle_timeout;

  PhSecureSendPhase  phase;
  char              *peer_fingerprint;
  char              *peer_name;
  gboolean           peer_paths;

  GTask             *task;
  PhSecureRun       *run;
  PhSecureEvents    *events;
  GCancellable      *caller_cancellable;
  gulong             cancel_id;

  PhSendFailures     failures;
  gboolean           any_sent;
};

G_DEFINE_FINAL_TYPE (PhSecureSend, ph_secure_send, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PHASE,
  PROP_WINDOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_phase (PhSecureSend      *self,
           PhSecureSendPhase  phase)
{
  if (self->phase == phase)
    return;

  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

static void
job_free (PhSecureJob *job)
{
  g_object_unref (job->transfer);
  g_object_unref (job->source);
  g_clear_error (&job->error);
  g_free (job->name);
  g_free (job);
}

static void
run_free (PhSecureRun *run)
{
  g_clear_object (&run->connection);
  g_clear_object (&run->window);
  g_clear_object (&run->identity);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->jobs, g_ptr_array_unref);
  g_free (run->expected);
  g_free (run->device_name);
  g_free (run->peer);
  g_free (run);
}

/* The result: TRUE when every file's receipt said saved. */
static void
complete (PhSecureSend *self,
          GError       *run_error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GError) owned = run_error;

  g_clear_pointer (&self->run, run_free);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (self->caller_cancellable, self->cancel_id);
  self->cancel_id = 0;
  g_clear_object (&self->caller_cancellable);
  set_phase (self, PH_SECURE_SEND_FINISHED);

  if (self->failures.n_failed == 0)
    g_task_return_boolean (task, TRUE);
  /* Nothing left: the one reason is the whole story ("not who it claims to be"). */
  else if (run_error != NULL && !self->any_sent)
    g_task_return_error (task, g_steal_pointer (&owned));
  else
    g_task_return_error (task, ph_send_failures_summary (&self->failures));
}

static void
show_window (PhSecureSend *self,
             guint         files,
             char         *reason)
{
  g_free (self->window_reason);
  self->window_reason = reason;
  /* Also for the same size with a new reason. */
  self->window = files;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

static void
event_cb (GObject  *owner,
          gpointer  data)
{
  PhSecureSend *self = PH_SECURE_SEND (owner);
  PhSecureEvent *event = data;
  PhSecureJob *job = event->job;

  switch (event->kind)
    {
    case PH_SECURE_EVENT_PHASE:
      set_phase (self, event->phase);
      break;

    case PH_SECURE_EVENT_PEER:
      g_free (self->peer_fingerprint);
      self->peer_fingerprint = g_steal_pointer (&event->fingerprint);
      g_free (self->peer_name);
      self->peer_name = g_steal_pointer (&event->name);
      self->peer_paths = event->paths;
      break;

    case PH_SECURE_EVENT_SIZE:
      ph_transfer_set_size (job->transfer, job->size);
      break;

    case PH_SECURE_EVENT_SENDING:
      self->any_sent = TRUE;
      ph_transfer_set_state (job->transfer, PH_TRANSFER_SENDING);
      break;

    case PH_SECURE_EVENT_ENDED:
      if (job->error == NULL)
        {
          ph_transfer_set_bytes_done (job->transfer, job->size);
          ph_transfer_set_state (job->transfer, PH_TRANSFER_DONE);
        }
      else
        ph_transfer_fail (job->transfer, job->error);

      if (ph_transfer_get_state (job->transfer) != PH_TRANSFER_DONE)
        ph_send_failures_record (&self->failures, job->position, job->name,
                        ph_transfer_get_error (job->transfer) ? ph_transfer_get_error (job->transfer)
                                                              : job->error);
      break;

    case PH_SECURE_EVENT_WINDOW:
      show_window (self, event->window, g_steal_pointer (&event->name));
      break;

    case PH_SECURE_EVENT_FINISHED:
    default:
      complete (self, g_steal_pointer (&event->error));
      break;
    }

  g_free (event->fingerprint);
  g_free (event->name);
  g_clear_error (&event->error);
  g_free (event);
}

/* The worker's thread: its window decided. */
static void
window_settled_cb (PhSendWindow *window,
                   GParamSpec   *pspec,
                   PhSecureRun  *run)
{
  PhSecureEvent *event = g_new0 (PhSecureEvent, 1);

  event->kind = PH_SECURE_EVENT_WINDOW;
  event->window = ph_send_window_get_size (window);
  event->name = g_strdup (ph_send_window_get_reason (window));
  ph_secure_send_post (run, event);
}

/* Thread-safe. */
void
ph_secure_send_post (PhSecureRun   *run,
                     PhSecureEvent *event)
{
  /* What a person waits to see, at once; a file's progress may wait a little. */
  ph_secure_events_post (run->self->events, event,
                         event->kind == PH_SECURE_EVENT_PHASE || event->kind == PH_SECURE_EVENT_PEER ||
                         event->kind == PH_SECURE_EVENT_FINISHED);
}

/* A job for @item, or NULL (the failure recorded) when it cannot go. */
static PhSecureJob *
job_new (PhSecureSend *self,
         gpointer      item,
         guint         position)
{
  PhTransfer *transfer = item;
  g_autoptr(GError) error = NULL;
  PhSecureJob *job;

  if (!PH_IS_TRANSFER (item) || ph_transfer_get_direction (transfer) != PH_TRANSFER_SEND)
    {
      g_critical ("A secure batch holds an item that is not an outgoing PhTransfer");
      return NULL;
    }

  /* Cancelled before its turn, typically. */
  if (ph_transfer_get_error (transfer) != NULL)
    error = g_error_copy (ph_transfer_get_error (transfer));
  else if (ph_transfer_get_state (transfer) != PH_TRANSFER_QUEUED)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PENDING,
                                 _("This transfer was already started"));
  if (error != NULL)
    {
      ph_send_failures_record (&self->failures, position, ph_transfer_get_name (transfer), error);
      return NULL;
    }

  job = g_new0 (PhSecureJob, 1);
  job->transfer = g_object_ref (transfer);
  job->source = g_object_ref (ph_transfer_get_source (transfer));
  job->name = g_strdup (ph_transfer_get_name (transfer));
  job->cancellable = ph_transfer_get_cancellable (transfer);
  job->position = position;
  job->size = -1;

  /* In the engine's hands from now on: a cancel goes through it. */
  ph_transfer_set_state (transfer, PH_TRANSFER_CONNECTING);
  return job;
}

/**
 * ph_secure_send_run_async:
 * @connection: a new connection to the receiver, nothing sent on it
 * @transfers: a model of queued outgoing PhTransfers, in the order they
 *   go; each one's name is what the receiver is told (a folder path
 *   goes as its base name to a receiver that keeps no folders)
 * @cancellable: (nullable): cancels the whole batch
 *
 * Sends the batch; see the type's description. Transfers change state
 * on the thread-default context of this call.
 */
void
ph_secure_send_run_async (PhSecureSend        *self,
                          GSocketConnection   *connection,
                          GListModel          *transfers,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  PhSecureRun *run;
  guint n;

  g_return_if_fail (PH_IS_SECURE_SEND (self));
  g_return_if_fail (G_IS_SOCKET_CONNECTION (connection));
  g_return_if_fail (G_IS_LIST_MODEL (transfers));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, ph_secure_send_run_async);
  /* Files saved before a cancel stay saved: the result says what happened. */
  g_task_set_check_cancellable (self->task, FALSE);
  ph_send_failures_clear (&self->failures);
  self->any_sent = FALSE;

  run = g_new0 (PhSecureRun, 1);
  /* The worker's, until its very last event is posted. */
  run->self = g_object_ref (self);
  run->connection = g_object_ref (connection);
  run->identity = g_object_ref (self->identity);
  run->expected = g_strdup (self->expected);
  run->device_name = g_strdup (self->device_name ? self->device_name : g_get_host_name ());
  run->peer = ph_secure_describe_peer (connection);
  if (run->peer == NULL)
    run->peer = g_strdup (_("the receiver"));
  run->handshake_timeout = self->handshake_timeout;
  run->idle_timeout = self->idle_timeout;
  /* Unless the caller fixed it, the window adapts (see ph-send-window.c). */
  run->window = self->window_fixed ? ph_send_window_new_fixed (self->window)
                                   : ph_send_window_new (PH_SEND_WINDOW_SECURE_INITIAL,
                                                         PH_SECURE_SEND_MAX_WINDOW);
  show_window (self, ph_send_window_get_size (run->window),
               g_strdup (ph_send_window_get_reason (run->window)));
  g_signal_connect (run->window, "notify::settled-size", G_CALLBACK (window_settled_cb), run);
  run->cancellable = g_cancellable_new ();
  run->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
  self->run = run;

  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (ph_secure_cancel_other_cb),
                                               g_object_ref (run->cancellable), g_object_unref);
    }

  n = g_list_model_get_n_items (transfers);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (transfers, i);
      PhSecureJob *job = job_new (self, item, i);

      if (job != NULL)
        g_ptr_array_add (run->jobs, job);
    }

  if (self->events == NULL)
    self->events = ph_secure_events_new (G_OBJECT (self), event_cb);

  if (!ph_secure_run_in_thread (ph_secure_send_thread, run, &error))
    {
      g_object_unref (self);
      for (guint i = 0; i < run->jobs->len; i++)
        {
          PhSecureJob *job = g_ptr_array_index (run->jobs, i);

          ph_transfer_fail (job->transfer, error);
          ph_send_failures_record (&self->failures, job->position, job->name, error);
        }
      complete (self, g_steal_pointer (&error));
    }
}

gboolean
ph_secure_send_run_finish (PhSecureSend  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
ph_secure_send_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PhSecureSend *self = PH_SECURE_SEND (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    case PROP_WINDOW:
      g_value_set_uint (value, ph_secure_send_get_window (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_secure_send_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_WINDOW:
      ph_secure_send_set_window (PH_SECURE_SEND (object), g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_secure_send_finalize (GObject *object)
{
  PhSecureSend *self = PH_SECURE_SEND (object);

  g_assert (self->task == NULL && self->run == NULL);
  g_clear_pointer (&self->events, ph_secure_events_free);
  g_clear_object (&self->identity);
  ph_send_failures_clear (&self->failures);
  g_free (self->expected);
  g_free (self->device_name);
  g_free (self->peer_fingerprint);
  g_free (self->peer_name);
  g_free (self->window_reason);

  G_OBJECT_CLASS (ph_secure_send_parent_class)->finalize (object);
}

static void
ph_secure_send_class_init (PhSecureSendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ph_secure_send_get_property;
  object_class->set_property = ph_secure_send_set_property;
  object_class->finalize = ph_secure_send_finalize;

  properties[PROP_PHASE] =
    g_param_spec_enum ("phase", NULL, NULL,
                       PH_TYPE_SECURE_SEND_PHASE, PH_SECURE_SEND_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WINDOW] =
    g_param_spec_uint ("window", NULL, NULL,
                       1, PH_SECURE_SEND_MAX_WINDOW, PH_SEND_WINDOW_SECURE_INITIAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_secure_send_init (PhSecureSend *self)
{
  self->window = PH_SEND_WINDOW_SECURE_INITIAL;
  self->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
}

/**
 * ph_secure_send_new:
 * @identity: this installation's identity, presented to the receiver
 * @expected_fingerprint: (nullable): the key the receiver must prove
 *   (announced in fp=, or remembered); NULL accepts whichever key it
 *   proves, for a first contact the caller then remembers (read it
 *   with ph_secure_send_get_peer_fingerprint())
 *
 * Returns: (transfer full): a sender for one batch at a time
 */
PhSecureSend *
ph_secure_send_new (PhIdentity *identity,
                    const char *expected_fingerprint)
{
  PhSecureSend *self;

  g_return_val_if_fail (PH_IS_IDENTITY (identity), NULL);

  self = g_object_new (PH_TYPE_SECURE_SEND, NULL);
  self->identity = g_object_ref (identity);
  self->expected = g_strdup (expected_fingerprint);

  return self;
}

/* The name the receiver is shown (the hello); the host name if unset. */
void
ph_secure_send_set_device_name (PhSecureSend *self,
                                const char   *name)
{
  g_return_if_fail (PH_IS_SECURE_SEND (self));

  g_free (self->device_name);
  self->device_name = g_strdup (name);
}

/* Fixes the files sent ahead of their receipts, for the runs that
 * start from now on (--parallel); otherwise the window adapts. */
void
ph_secure_send_set_window (PhSecureSend *self,
                           guint         files)
{
  g_return_if_fail (PH_IS_SECURE_SEND (self));

  self->window_fixed = TRUE;
  files = CLAMP (files, 1, PH_SECURE_SEND_MAX_WINDOW);
  if (self->window == files)
    return;

  self->window = files;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
}

/* The files in flight the run decided on last (or was given). */
guint
ph_secure_send_get_window (PhSecureSend *self)
{
  g_return_val_if_fail (PH_IS_SECURE_SEND (self), 0);

  return self->window;
}

/**
 * ph_secure_send_get_window_reason:
 *
 * Returns: (nullable): why the window has its size, in a few words for
 *   people (send --verbose), once a run started
 */
const char *
ph_secure_send_get_window_reason (PhSecureSend *self)
{
  g_return_val_if_fail (PH_IS_SECURE_SEND (self), NULL);

  return self->window_reason;
}

/* How long the receiver may take nothing and answer nothing once it
 * accepted (0: no limit); not while its person is asked. */
void
ph_secure_send_set_idle_timeout (PhSecureSend *self,
                                 guint         msec)
{
  g_return_if_fail (PH_IS_SECURE_SEND (self));

  self->idle_timeout = msec;
}

PhSecureSendPhase
ph_secure_send_get_phase (PhSecureSend *self)
{
  g_return_val_if_fail (PH_IS_SECURE_SEND (self), PH_SECURE_SEND_FINISHED);

  return self->phase;
}

/* Returns: (nullable): the key the receiver proved, once it did */
const char *
ph_secure_send_get_peer_fingerprint (PhSecureSend *self)
{
  g_return_val_if_fail (PH_IS_SECURE_SEND (self), NULL);

  return self->peer_fingerprint;
}

/* Returns: (nullable): the name the receiver gave itself in its hello */
const char *
ph_secure_send_get_peer_name (PhSecureSend *self)
{
  g_return_val_if_fail (PH_IS_SECURE_SEND (self), NULL);

  return self->peer_name;
}

/* Returns: whether the receiver said it keeps folder paths */
gboolean
ph_secure_send_get_peer_accepts_paths (PhSecureSend *self)
{
  g_return_val_if_fail (PH_IS_SECURE_SEND (self), FALSE);

  return self->peer_paths;
}
