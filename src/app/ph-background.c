/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A receiver is useful when it is always there. While receive mode is on
 * the application is held, closing the window lets it go (the list is
 * the application's: launching again shows it in a new window), and the
 * notifications carry the work (their actions need no window). Inside
 * Flatpak the Background portal is asked first, and its refusal respected.
 * Receive mode is remembered, so a session that ends or a crash does not
 * silently end it; `posthouse --background` (the login entry) starts with
 * no window. Quit stops receiving and ends it, asking while transfers run. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-autostart.h"
#include "ph-background-private.h"
#include "ph-notification-text.h"
#include "ph-notifier.h"
#include "ph-window.h"

#define NOTICE_ID "background"
#define PROBLEM_ID "background-problem"

struct _PhBackground
{
  GObject           parent_instance;

  GtkApplication   *app;           /* owns us */
  PhSettings       *settings;      /* from startup on */
  PhReceiveSession *session;
  PhBatchList      *batches;
  PhAutostart      *autostart;     /* from startup on, in the primary instance */
  GCancellable     *cancellable;
  GtkWindow        *asking;        /* weak: closed, waiting for the portal's answer */
  AdwMessageDialog *quit_dialog;   /* weak */
  guint             n_incoming;    /* incoming transfers not finished */
  gboolean          held;
};

G_DEFINE_FINAL_TYPE (PhBackground, ph_background, G_TYPE_OBJECT)

static gboolean
receive_mode_on (PhBackground *self)
{
  return self->session != NULL && ph_receive_session_get_receiving (self->session);
}

static void
set_receive_mode (PhBackground *self,
                  gboolean      on)
{
  if (self->session != NULL)
    ph_receive_session_set_receiving (self->session, on);
}

static gboolean
has_visible_window (PhBackground *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->app)); l != NULL; l = l->next)
    if (PH_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return TRUE;

  return FALSE;
}

/* Running with no window, until there is nothing left to do. */
static void
update_hold (PhBackground *self)
{
  gboolean hold = receive_mode_on (self) || self->n_incoming > 0;

  if (hold == self->held)
    return;

  self->held = hold;
  if (hold)
    g_application_hold (G_APPLICATION (self->app));
  else
    g_application_release (G_APPLICATION (self->app));
}

static void
notify_problem (PhBackground *self,
                const char   *title,
                const char   *body)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autoptr(GIcon) icon = ph_notifier_app_icon ();

  ph_notification_text_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_application_send_notification (G_APPLICATION (self->app), PROBLEM_ID, notification);
}

/* Said once, the first time the window goes while receiving goes on. */
static void
show_notice (PhBackground *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = NULL;

  if (ph_settings_get_background_notice_shown (self->settings))
    return;
  ph_settings_set_background_notice_shown (self->settings, TRUE);

  notification = g_notification_new (_("Posthouse keeps receiving in the background"));
  ph_notification_text_set_body (notification,
                                 _("Files sent to this computer are still received while the window is closed."));
  icon = ph_notifier_app_icon ();
  g_notification_set_icon (notification, icon);
  g_notification_add_button (notification, _("Stop Receiving"), "app.stop-receiving");
  g_application_send_notification (G_APPLICATION (self->app), NOTICE_ID, notification);
}

/* The window goes rather than hides: nothing is drawn or kept for it in
 * the background, and GTK 4.8's window would keep a stale drop across a
 * hide (criticals on the next drag). */
static void
go_background (PhBackground *self,
               GtkWindow    *window)
{
  gtk_window_destroy (window);
  show_notice (self);
}

/* Closing the window */

static void
background_answer_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PhBackground *self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  /* Cancelled: we are going away. */
  if (!ph_autostart_request_background_finish (PH_AUTOSTART (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  window = self->asking;
  g_clear_weak_pointer (&self->asking);

  if (error == NULL)
    {
      if (window != NULL && receive_mode_on (self))
        go_background (self, window);
      return;
    }

  /* Refused: closing ends Posthouse, as it would without receive mode. */
  notify_problem (self, _("Posthouse stopped receiving"), error->message);
  set_receive_mode (self, FALSE);
  if (window != NULL)
    gtk_window_destroy (window);
}

/* After the window's own handler (it saves its size). */
static gboolean
close_request_cb (GtkWindow    *window,
                  PhBackground *self)
{
  if (!receive_mode_on (self))
    return FALSE;

  if (self->autostart == NULL || !ph_autostart_get_sandboxed (self->autostart))
    {
      go_background (self, window);
      return TRUE;
    }

  /* Asked every time (the choice can change in Settings, and "ask" means
   * ask); the window stays until the answer: it is the dialog's parent. */
  if (self->asking == NULL)
    {
      g_set_weak_pointer (&self->asking, window);
      ph_autostart_request_background_async (self->autostart, window, self->cancellable,
                                             background_answer_cb, self);
    }

  return TRUE;
}

/* Closing @window while receiving lets it go, and receiving goes on. */
void
ph_background_watch_window (PhBackground *self,
                            GtkWindow    *window)
{
  g_return_if_fail (PH_IS_BACKGROUND (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  g_signal_connect_object (window, "close-request", G_CALLBACK (close_request_cb),
                           self, G_CONNECT_AFTER);
}

/* Receive mode */

static void
receiving_changed_cb (PhBackground *self)
{
  /* Remembered for the next start, after a crash or a logout. */
  ph_settings_set_receive_mode (self->settings, receive_mode_on (self));

  update_hold (self);
}

static void
receive_failed_cb (PhReceiveSession *session,
                   const GError     *error,
                   PhBackground     *self)
{
  /* The window explains it with a dialog; without one, a notification. */
  if (!has_visible_window (self))
    notify_problem (self, _("Posthouse can't receive files"), error->message);
}

static void
incoming_state_cb (PhTransfer   *transfer,
                   GParamSpec   *pspec,
                   PhBackground *self)
{
  if (!ph_transfer_is_finished (transfer))
    return;

  g_signal_handlers_disconnect_by_func (transfer, incoming_state_cb, self);
  self->n_incoming--;
  update_hold (self);
}

/* Incoming transfers finish even after receive mode went off. */
static void
transfer_added_cb (PhReceiveSession *session,
                   PhTransfer       *transfer,
                   PhBackground     *self)
{
  if (ph_transfer_is_finished (transfer))
    return;

  self->n_incoming++;
  g_signal_connect_object (transfer, "notify::state", G_CALLBACK (incoming_state_cb), self, 0);
  update_hold (self);
}

/* Starting: --background, and receive mode as it was */

static void
autostart_failed_cb (PhAutostart  *autostart,
                     const GError *error,
                     PhBackground *self)
{
  /* Said where the switch was flipped, if it still is on screen. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->app)); l != NULL; l = l->next)
    if (ADW_IS_PREFERENCES_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      {
        g_autofree char *title = g_markup_escape_text (error->message, -1);
        AdwToast *toast = adw_toast_new (title);

        adw_toast_set_timeout (toast, 0);
        adw_preferences_window_add_toast (l->data, toast);
        return;
      }

  notify_problem (self, _("Posthouse can't start when you log in"), error->message);
}

/**
 * ph_background_startup:
 *
 * From the application's startup: receive mode comes back on if it
 * was on when Posthouse last ended without quitting, and the
 * "receive-at-login" preference is kept real from now on.
 */
void
ph_background_startup (PhBackground     *self,
                       PhSettings       *settings,
                       PhReceiveSession *session,
                       PhBatchList      *batches)
{
  g_return_if_fail (PH_IS_BACKGROUND (self));
  g_return_if_fail (PH_IS_SETTINGS (settings));
  g_return_if_fail (PH_IS_RECEIVE_SESSION (session));
  g_return_if_fail (PH_IS_BATCH_LIST (batches));

  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);
  self->batches = g_object_ref (batches);

  self->autostart = ph_autostart_new (settings);
  g_signal_connect (self->autostart, "failed", G_CALLBACK (autostart_failed_cb), self);

  g_signal_connect_swapped (session, "notify::receiving", G_CALLBACK (receiving_changed_cb), self);
  g_signal_connect (session, "failed", G_CALLBACK (receive_failed_cb), self);
  g_signal_connect (session, "transfer-added", G_CALLBACK (transfer_added_cb), self);

  if (ph_settings_get_receive_mode (settings))
    set_receive_mode (self, TRUE);
}

/* From the application's shutdown, before receiving stops: receive
 * mode stays remembered as it was (a logout, not a Quit). */
void
ph_background_shutdown (PhBackground *self)
{
  g_return_if_fail (PH_IS_BACKGROUND (self));

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->held)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self->app));
    }
}

static void
start_allowed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PhBackground *self = user_data;
  g_autoptr(GError) error = NULL;

  if (ph_autostart_request_background_finish (PH_AUTOSTART (object), result, &error))
    set_receive_mode (self, TRUE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else
    notify_problem (self, _("Posthouse can't receive files"), error->message);

  /* Held while asking; receive mode holds it from now on. */
  g_application_release (G_APPLICATION (self->app));
}

/**
 * ph_background_start_hidden:
 *
 * `posthouse --background` (the login entry): receiving with no
 * window, in the running instance if there is one.
 *
 * Returns: the exit status of this process
 */
int
ph_background_start_hidden (PhBackground *self)
{
  GApplication *app = G_APPLICATION (self->app);
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PH_IS_BACKGROUND (self), 1);

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Already running: it receives, and its window stays as it is. */
  if (g_application_get_is_remote (app))
    {
      g_action_group_change_action_state (G_ACTION_GROUP (app), "receive-mode",
                                          g_variant_new_boolean (TRUE));
      return 0;
    }

  /* No window: the portal is asked without a parent, before receiving. */
  g_application_hold (app);
  ph_autostart_request_background_async (self->autostart, NULL, self->cancellable,
                                         start_allowed_cb, self);

  /* Kept running by the holds, not by a window. */
  return 0;
}

/* Quitting */

static guint
count_running (PhBackground *self)
{
  return self->batches != NULL ? ph_batch_list_count_running (self->batches) : 0;
}

typedef struct
{
  GTask    *task;
  gboolean  answered;
  gboolean  quit;
} QuitQuestion;

/* The first answer counts: closing after it emits the close response. */
static void
quit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  QuitQuestion     *question)
{
  if (question->answered)
    return;

  question->answered = TRUE;
  question->quit = g_str_equal (response, "quit");
}

static gboolean
quit_answer_cb (gpointer data)
{
  QuitQuestion *question = data;

  g_task_return_boolean (question->task, question->quit);
  return G_SOURCE_REMOVE;
}

static void
quit_question_free (gpointer data)
{
  QuitQuestion *question = data;

  g_object_unref (question->task);
  g_free (question);
}

/* Answered once the dialog is gone: quitting destroys the window it is
 * transient for, which must not happen while it still refers to it. */
static void
quit_dialog_gone (gpointer  data,
                  GObject  *where_the_dialog_was)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, quit_answer_cb, data, quit_question_free);
}

/* Resolves to TRUE when Posthouse should quit: nothing is running, or
 * the person said so. Asking shows the window if it was hidden. */
void
ph_background_confirm_quit_async (PhBackground        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QuitQuestion *question;
  GtkWindow *window = NULL;
  guint running;

  g_return_if_fail (PH_IS_BACKGROUND (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_background_confirm_quit_async);

  running = count_running (self);
  if (running == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Asked already: the question on screen answers for both. */
  if (self->quit_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->quit_dialog));
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (!has_visible_window (self))
    g_application_activate (G_APPLICATION (self->app));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->app)); l != NULL && window == NULL; l = l->next)
    if (PH_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      window = l->data;

  self->quit_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Stop Transfers and Quit?"), NULL));
  /* Not shown; named for window lists and tests. */
  gtk_window_set_title (GTK_WINDOW (self->quit_dialog), _("Stop Transfers and Quit?"));
  g_object_add_weak_pointer (G_OBJECT (self->quit_dialog), (gpointer *) &self->quit_dialog);
  adw_message_dialog_format_body (self->quit_dialog,
                                  ngettext ("%u transfer is still running. Quitting stops it.",
                                            "%u transfers are still running. Quitting stops them.",
                                            running),
                                  running);
  adw_message_dialog_add_responses (self->quit_dialog,
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (self->quit_dialog, "quit", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (self->quit_dialog, "cancel");
  adw_message_dialog_set_close_response (self->quit_dialog, "cancel");
  question = g_new0 (QuitQuestion, 1);
  question->task = g_steal_pointer (&task);
  g_object_weak_ref (G_OBJECT (self->quit_dialog), quit_dialog_gone, question);
  g_signal_connect (self->quit_dialog, "response", G_CALLBACK (quit_response_cb), question);
  gtk_window_present (GTK_WINDOW (self->quit_dialog));
}

gboolean
ph_background_confirm_quit_finish (PhBackground  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (PH_IS_BACKGROUND (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_background_confirm_quit_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ph_background_get_held (PhBackground *self)
{
  g_return_val_if_fail (PH_IS_BACKGROUND (self), FALSE);

  return self->held;
}

AdwMessageDialog *
ph_background_get_quit_dialog (PhBackground *self)
{
  g_return_val_if_fail (PH_IS_BACKGROUND (self), NULL);

  return self->quit_dialog;
}

/* GObject */

static void
ph_background_dispose (GObject *object)
{
  PhBackground *self = PH_BACKGROUND (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->asking);
  g_clear_weak_pointer (&self->quit_dialog);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->autostart != NULL)
    g_signal_handlers_disconnect_by_data (self->autostart, self);
  g_clear_object (&self->autostart);

  G_OBJECT_CLASS (ph_background_parent_class)->dispose (object);
}

static void
ph_background_finalize (GObject *object)
{
  PhBackground *self = PH_BACKGROUND (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->batches);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ph_background_parent_class)->finalize (object);
}

static void
ph_background_class_init (PhBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_background_dispose;
  object_class->finalize = ph_background_finalize;
}

static void
ph_background_init (PhBackground *self)
{
  self->cancellable = g_cancellable_new ();
}

/* @application: the application, which owns the new object */
PhBackground *
ph_background_new (GtkApplication *application)
{
  PhBackground *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  self = g_object_new (PH_TYPE_BACKGROUND, NULL);
  self->app = application;

  return self;
}
