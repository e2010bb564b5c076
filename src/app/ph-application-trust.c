/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the application knows of trust: this installation's identity and
 * the list of devices (both read when first needed, shared with
 * posthouse-cli), pairing with a receiver nearby (app.pair), and the
 * question of a device that asks to pair: a dialog on the window, or a
 * notification that opens it when there is no window
 * (app.show-pairing); and "Pair…" from a request
 * (app.accept-and-pair-batch): the sender's files wait for the
 * comparison, arrive once both people said the same, and are declined
 * when the numbers differed. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-application-private.h"
#include "ph-pairing-dialog.h"

#define PAIRING_NOTIFICATION "pairing"

typedef struct
{
  PhApplication   *app;
  PhPairing       *pairing;
  PhPairingDialog *dialog;        /* (nullable): weak */
  GCancellable    *cancellable;
  char            *text;
  char            *expected;      /* (nullable): the key it must prove */
  PhBatch         *batch;         /* (nullable): a request that waits for the pairing */
} Start;

static void
start_free (Start *start)
{
  if (start->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (start->dialog, start);
      g_object_remove_weak_pointer (G_OBJECT (start->dialog), (gpointer *) &start->dialog);
    }
  g_clear_object (&start->app);
  g_clear_object (&start->pairing);
  g_clear_object (&start->cancellable);
  g_clear_object (&start->batch);
  g_free (start->text);
  g_free (start->expected);
  g_free (start);
}

/* Returns: (transfer none): the list of devices, read when first asked for */
PhDevices *
ph_application_get_devices (PhApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (self->devices != NULL)
    return self->devices;

  path = ph_devices_default_path ();
  self->devices = ph_devices_new (path);
  if (!ph_devices_load (self->devices, &error))
    ph_application_report (self, error->message);
  return self->devices;
}

/* Returns: (transfer none) (nullable): this installation's identity,
 * made when first needed */
PhIdentity *
ph_application_get_identity (PhApplication  *self,
                             GError        **error)
{
  if (self->identity == NULL)
    self->identity = ph_identity_load_default (error);
  return self->identity;
}

/* Before the program ends: what changed in the list is on disk. */
void
ph_application_save_devices (PhApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (self->devices != NULL && !ph_devices_flush (self->devices, &error))
    g_warning ("%s", error->message);
}

static void
fail (Start        *start,
      const GError *error)
{
  if (start->dialog != NULL)
    ph_pairing_dialog_fail (start->dialog, error);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ph_application_report (start->app, error->message);
}

static void
paired_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Start *start = user_data;
  g_autoptr(GError) error = NULL;
  gboolean paired = ph_pairing_run_finish (PH_PAIRING (object), result, &error);

  /* The dialog says how it ended; without one, a toast does. */
  if (!paired && start->dialog == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ph_application_report (start->app, error->message);

  /* A request that waited: its files come once paired, not when the
   * numbers differed or the key was another; otherwise it still asks. */
  if (start->batch != NULL && !ph_batch_is_finished (start->batch))
    {
      if (paired)
        ph_batch_accept (start->batch);
      else if (g_error_matches (error, PH_ERROR, PH_ERROR_MISMATCH) ||
               g_error_matches (error, PH_ERROR, PH_ERROR_WRONG_KEY))
        ph_batch_decline (start->batch);
    }
  start_free (start);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Start *start = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);

  if (connection == NULL)
    {
      fail (start, error);
      start_free (start);
      return;
    }

  ph_pairing_run_async (start->pairing, connection, start->cancellable, paired_cb, start);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Start *start = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PhDestination) destination = ph_destination_resolve_finish (result, &error);
  g_autoptr(GSocketClient) client = NULL;

  if (destination == NULL)
    {
      fail (start, error);
      start_free (start);
      return;
    }

  /* The key it announced, when it did (or the one that sent the files
   * asked about): comparing the numbers checks it too. */
  ph_pairing_set_expected_fingerprint (start->pairing, start->expected ? start->expected
                                                       : ph_destination_get_fingerprint (destination));

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, 10);
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_to_host_async (client, ph_destination_get_host (destination),
                                         ph_destination_get_port (destination), start->cancellable,
                                         connected_cb, start);
}

static void
dialog_closed_cb (Start *start)
{
  /* Closed while connecting: nothing more to start. */
  if (ph_pairing_get_state (start->pairing) == PH_PAIRING_STARTING)
    g_cancellable_cancel (start->cancellable);
}

static void
start_pairing (PhApplication *self,
               const char    *text,
               const char    *name,
               const char    *expected,
               PhBatch       *batch)
{
  g_autoptr(GError) error = NULL;
  PhIdentity *identity = ph_application_get_identity (self, &error);
  PhNearbyReceiver *nearby;
  PhWindow *window;
  Start *start;

  if (identity == NULL)
    {
      ph_application_report (self, error->message);
      return;
    }

  window = ph_application_get_window (self);
  gtk_window_present (GTK_WINDOW (window));

  /* A receiver nearby that cannot speak the secure channel: said at
   * once, and nothing is sent to it (the original receiver would take
   * the handshake for a file). */
  nearby = ph_destination_find_nearby (self->browser, text);
  if (nearby != NULL && expected == NULL &&
      !ph_destination_check_pairable (ph_application_get_devices (self), nearby, &error))
    {
      ph_application_report (self, error->message);
      return;
    }
  if (name == NULL)
    name = nearby ? ph_nearby_receiver_get_name (nearby) : text;

  start = g_new0 (Start, 1);
  start->app = g_object_ref (self);
  start->text = g_strdup (text);
  start->expected = g_strdup (expected);
  start->batch = batch ? g_object_ref (batch) : NULL;
  start->cancellable = g_cancellable_new ();
  start->pairing = ph_pairing_new (identity, ph_application_get_devices (self));
  if (ph_receive_session_get_announced_name (self->session) != NULL)
    ph_pairing_set_device_name (start->pairing, ph_receive_session_get_announced_name (self->session));

  start->dialog = ph_pairing_dialog_new (GTK_WINDOW (window), start->pairing,
                                         ph_application_get_devices (self), name);
  g_object_add_weak_pointer (G_OBJECT (start->dialog), (gpointer *) &start->dialog);
  g_signal_connect_swapped (start->dialog, "close-request", G_CALLBACK (dialog_closed_cb), start);
  gtk_window_present (GTK_WINDOW (start->dialog));

  ph_destination_resolve_async (self->browser, text, -1, FALSE, start->cancellable, resolved_cb, start);
}

/**
 * ph_application_pair:
 * @text: a receiver: its name nearby, or HOST[:PORT]
 *
 * Pairs with it, the dialog on the window.
 */
void
ph_application_pair (PhApplication *self,
                     const char    *text)
{
  start_pairing (self, text, NULL, NULL, NULL);
}

/* Where the sender of @batch receives: where this computer sent it files,
 * a receiver announced on its host, or its host on the usual port. */
static char *
sender_receives_at (PhApplication *self,
                    PhBatch       *batch)
{
  PhDevice *device = ph_devices_lookup (ph_application_get_devices (self), ph_batch_get_fingerprint (batch));
  g_autofree char *host = NULL;
  GListModel *nearby = self->browser != NULL ? G_LIST_MODEL (self->browser) : NULL;
  guint n;

  if (device != NULL && ph_device_get_receiver_address (device) != NULL)
    return g_strdup (ph_device_get_receiver_address (device));

  if (!ph_address_parse (ph_batch_get_peer (batch), PH_DEFAULT_PORT, &host, NULL, NULL))
    return g_strdup (ph_batch_get_peer (batch));

  n = nearby ? g_list_model_get_n_items (nearby) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhNearbyReceiver) receiver = g_list_model_get_item (nearby, i);
      g_auto(GStrv) addresses = ph_nearby_receiver_dup_addresses (receiver);

      for (guint j = 0; addresses && addresses[j]; j++)
        {
          g_autofree char *other = NULL;

          if (ph_address_parse (addresses[j], PH_DEFAULT_PORT, &other, NULL, NULL) &&
              g_str_equal (other, host))
            return g_strdup (addresses[j]);
        }
    }

  return ph_address_format (host, PH_DEFAULT_PORT);
}

/**
 * ph_application_accept_and_pair:
 * @batch: a request from a device in the secure channel
 *
 * Pairs with the device that asks to send @batch (the key that sent
 * it, where it receives); its files come once both people saw the same
 * six digits.
 */
void
ph_application_accept_and_pair (PhApplication *self,
                                PhBatch       *batch)
{
  g_autofree char *address = NULL;

  g_return_if_fail (PH_IS_BATCH (batch));

  if (ph_batch_get_fingerprint (batch) == NULL || ph_batch_is_finished (batch))
    return;

  address = sender_receives_at (self, batch);
  start_pairing (self, address, ph_batch_get_device_name (batch), ph_batch_get_fingerprint (batch), batch);
}

static void
show_pairing (PhApplication *self,
              PhPairing     *pairing)
{
  PhWindow *window = ph_application_get_window (self);
  PhPairingDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  dialog = ph_pairing_dialog_new (GTK_WINDOW (window), pairing, ph_application_get_devices (self), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
pending_state_cb (PhApplication *self)
{
  PhPairingState state = ph_pairing_get_state (self->pending_pairing);

  /* Over before anyone looked (cancelled, timed out): nothing to open. */
  if (state == PH_PAIRING_PAIRED || state == PH_PAIRING_FAILED)
    {
      g_application_withdraw_notification (G_APPLICATION (self), PAIRING_NOTIFICATION);
      g_signal_handlers_disconnect_by_data (self->pending_pairing, self);
      g_clear_object (&self->pending_pairing);
      g_application_release (G_APPLICATION (self));
    }
}

/**
 * ph_application_ask_pairing:
 * @pairing: a responder's pairing (PhSecureReceive::pairing)
 *
 * Asks this person: the dialog on the window when one is on screen,
 * else a notification that opens it.
 */
void
ph_application_ask_pairing (PhApplication *self,
                            PhPairing     *pairing)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  const char *name = ph_pairing_get_peer_name (pairing);

  g_return_if_fail (PH_IS_PAIRING (pairing));

  /* Refused already (pairing with it is paused): nothing to ask. */
  if (ph_pairing_get_state (pairing) == PH_PAIRING_FAILED)
    return;

  /* One question at a time: a device cannot bury the window in dialogs. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PH_IS_PAIRING_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        PhPairingState state = ph_pairing_get_state (ph_pairing_dialog_get_pairing (l->data));

        if (state != PH_PAIRING_PAIRED && state != PH_PAIRING_FAILED)
          {
            ph_pairing_cancel (pairing);
            return;
          }
      }

  if (self->n_shown > 0)
    {
      show_pairing (self, pairing);
      return;
    }

  /* One question at a time: an older one nobody opened is dropped. */
  if (self->pending_pairing != NULL)
    {
      ph_pairing_cancel (self->pending_pairing);
      if (self->pending_pairing != NULL)
        pending_state_cb (self);
    }

  self->pending_pairing = g_object_ref (pairing);
  /* Alive while the question waits, window or not. */
  g_application_hold (G_APPLICATION (self));
  g_signal_connect_swapped (pairing, "notify::state", G_CALLBACK (pending_state_cb), self);

  title = g_strdup_printf (_("“%s” Wants to Pair"), name && *name ? name : ph_pairing_get_peer_address (pairing));
  notification = g_notification_new (title);
  g_notification_set_body (notification, _("Compare the six digits on both screens to pair"));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app.show-pairing");
  g_notification_add_button (notification, _("Compare…"), "app.show-pairing");
  g_application_send_notification (G_APPLICATION (self), PAIRING_NOTIFICATION, notification);
}

static void
show_pairing_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  PhApplication *self = user_data;
  g_autoptr(PhPairing) pairing = NULL;

  if (self->pending_pairing == NULL)
    {
      gtk_window_present (GTK_WINDOW (ph_application_get_window (self)));
      return;
    }

  pairing = g_object_ref (self->pending_pairing);
  g_application_withdraw_notification (G_APPLICATION (self), PAIRING_NOTIFICATION);
  g_signal_handlers_disconnect_by_data (self->pending_pairing, self);
  g_clear_object (&self->pending_pairing);
  show_pairing (self, pairing);
  g_application_release (G_APPLICATION (self));
}

static void
pair_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ph_application_pair (user_data, g_variant_get_string (parameter, NULL));
}

static void
accept_and_pair_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PhApplication *self = user_data;
  PhBatch *batch = ph_batch_list_find (self->batches, g_variant_get_string (parameter, NULL));

  if (batch != NULL && ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE)
    ph_application_accept_and_pair (self, batch);
}

/* app.pair (s: a receiver's name or HOST[:PORT]), app.show-pairing,
 * app.accept-and-pair-batch (s: a batch's id) */
void
ph_application_add_trust_actions (PhApplication *self)
{
  static const GActionEntry entries[] = {
    { "pair", pair_activated, "s" },
    { "show-pairing", show_pairing_activated },
    { "accept-and-pair-batch", accept_and_pair_activated, "s" },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}
