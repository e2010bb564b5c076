/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application ties the objects that hold the state together (as
 * GNOME Text Editor's application does): the settings, bound to the
 * receive session; the batch list with its notifications; the outbox;
 * the browser, looking while a window is on screen; and the background
 * policy, called from the class methods below. Actions are in
 * ph-application-actions.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-accept-all-bar.h"
#include "ph-application-private.h"
#include "ph-request-bar.h"
#include "ph-window-private.h"

G_DEFINE_FINAL_TYPE (PhApplication, ph_application, ADW_TYPE_APPLICATION)

/* The window, made when there is none (an action of a notification
 * may come with no window shown). */
PhWindow *
ph_application_get_window (PhApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (PH_IS_WINDOW (window))
    return PH_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PH_IS_WINDOW (l->data))
      return l->data;

  return ph_window_new (GTK_APPLICATION (self), self->settings, self->session, self->browser,
                        self->batches, self->outbox, ph_application_get_devices (self));
}

/* Said in passing in each window (a toast), and in the log. */
void
ph_application_report (PhApplication *self,
                       const char    *message)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PH_IS_WINDOW (l->data))
      ph_window_show_toast (l->data, message);
}

static void
sweep_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  guint n = ph_text_file_sweep (24 * 60 * 60);

  if (n > 0)
    g_debug ("Removed %u texts a stopped run left", n);
  g_task_return_boolean (task, TRUE);
}

/* Texts a killed run left unsent, a day old: it blocks, so in a thread. */
static void
sweep_texts (void)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_run_in_thread (task, sweep_thread);
}

/* The history opened: batches are kept in it, and the stored ones
 * listed. Without it, the list is this session's alone. */
static void
history_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PhApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PhHistory) history = ph_history_open_finish (result, &error);

  if (history == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("History not kept: %s", error->message);
      return;
    }
  if (self->batches != NULL)
    ph_batch_list_set_history (self->batches, history);
}

static void
batch_added_cb (PhApplication *self,
                PhBatch       *batch)
{
  ph_batch_list_add (self->batches, batch);
}

/* Keep running until the last byte is out, even with no window. */
static void
outbox_busy_cb (PhApplication *self)
{
  if (ph_outbox_get_busy (self->outbox))
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

/* Receivers nearby are looked for while a window is on screen (not
 * while the application receives in the background). */
static void
window_mapped_cb (PhApplication *self)
{
  if (self->n_shown++ == 0)
    ph_browser_start (self->browser);
}

static void
window_unmapped_cb (PhApplication *self)
{
  g_return_if_fail (self->n_shown > 0);

  if (--self->n_shown == 0)
    ph_browser_stop (self->browser);
}

/* GApplication */

static int
ph_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  PhApplication *self = PH_APPLICATION (application);

  if (g_variant_dict_contains (options, "background"))
    return ph_background_start_hidden (self->background);

  return G_APPLICATION_CLASS (ph_application_parent_class)->handle_local_options (application, options);
}

static void
ph_application_startup (GApplication *application)
{
  PhApplication *self = PH_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *choose_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *back_accels[] = { "<Alt>Left", "Escape", NULL };
  static const char *focus_accels[] = { "<Control>l", NULL };
  static const char *text_accels[] = { "<Control>t", NULL };

  G_APPLICATION_CLASS (ph_application_parent_class)->startup (application);

  /* Found in our GResource (RESOURCE_BASE/icons) when not installed. */
  gtk_window_set_default_icon_name (APPLICATION_ID);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.choose-files", choose_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.back", back_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.focus-destination", focus_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.send-text", text_accels);

  self->settings = ph_settings_new ();
  self->session = ph_receive_session_new ();
  ph_settings_bind_receive_session (self->settings, self->session);
  g_signal_connect_swapped (self->session, "batch-added", G_CALLBACK (batch_added_cb), self);

  self->browser = ph_browser_new ();
  self->batches = ph_batch_list_new ();
  ph_settings_bind_batch_list (self->settings, self->batches);
  /* In its own thread: the window does not wait for it. */
  self->cancellable = g_cancellable_new ();
  ph_history_open_async (self->history_path, self->cancellable, history_opened_cb, g_object_ref (self));
  sweep_texts ();
  self->outbox = ph_outbox_new (self->settings, self->browser, self->batches);
  /* One list of devices for receiving and sending (and Accept All). */
  ph_receive_session_set_devices (self->session, ph_application_get_devices (self));
  ph_outbox_set_devices (self->outbox, ph_application_get_devices (self));
  g_signal_connect_swapped (self->outbox, "notify::busy", G_CALLBACK (outbox_busy_cb), self);
  self->notifier = ph_notifier_new (application, self->settings, self->batches,
                                    ph_application_get_devices (self));

  ph_application_add_actions (self);
  ph_application_add_trust_actions (self);
  /* A device asking to pair, once the session carries the secure channel. */
  if (g_signal_lookup ("pairing", PH_TYPE_RECEIVE_SESSION) != 0)
    g_signal_connect_swapped (self->session, "pairing", G_CALLBACK (ph_application_ask_pairing), self);
  ph_background_startup (self->background, self->settings, self->session, self->batches);
}

static void
ph_application_shutdown (GApplication *application)
{
  PhApplication *self = PH_APPLICATION (application);

  /* Receive mode stays remembered as it was: only Quit turns it off. */
  ph_background_shutdown (self->background);
  if (self->session != NULL)
    ph_receive_session_stop (self->session);
  ph_application_save_devices (self);

  G_APPLICATION_CLASS (ph_application_parent_class)->shutdown (application);
}

static void
ph_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ph_application_get_window (PH_APPLICATION (application))));
}

static void
ph_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  PhWindow *window = ph_application_get_window (PH_APPLICATION (application));

  gtk_window_present (GTK_WINDOW (window));
  ph_window_send_files (window, files, n_files);
}

/* GtkApplication */

static void
ph_application_window_added (GtkApplication *application,
                             GtkWindow      *window)
{
  PhApplication *self = PH_APPLICATION (application);

  GTK_APPLICATION_CLASS (ph_application_parent_class)->window_added (application, window);

  if (!PH_IS_WINDOW (window))
    return;

  ph_background_watch_window (self->background, window);
  ph_accept_all_bar_set_grants (ph_window_get_accept_all_bar (PH_WINDOW (window)),
                                ph_devices_get_accept_all (ph_application_get_devices (self)));
  ph_request_bar_set_devices (ph_window_get_request_bar (PH_WINDOW (window)), ph_application_get_devices (self));
  g_signal_connect_object (window, "map", G_CALLBACK (window_mapped_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "unmap", G_CALLBACK (window_unmapped_cb), self, G_CONNECT_SWAPPED);
  if (gtk_widget_get_mapped (GTK_WIDGET (window)))
    window_mapped_cb (self);
}

static void
ph_application_window_removed (GtkApplication *application,
                               GtkWindow      *window)
{
  PhApplication *self = PH_APPLICATION (application);

  if (PH_IS_WINDOW (window))
    {
      g_signal_handlers_disconnect_by_data (window, self);
      if (gtk_widget_get_mapped (GTK_WIDGET (window)))
        window_unmapped_cb (self);
    }

  GTK_APPLICATION_CLASS (ph_application_parent_class)->window_removed (application, window);
}

/* GObject */

static void
ph_application_dispose (GObject *object)
{
  PhApplication *self = PH_APPLICATION (object);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      ph_receive_session_stop (self->session);
    }
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  if (self->browser != NULL)
    ph_browser_stop (self->browser);
  self->n_shown = 0;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->background);
  g_clear_object (&self->notifier);
  g_clear_object (&self->outbox);
  g_clear_object (&self->batches);
  g_clear_object (&self->browser);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  if (self->pending_pairing != NULL)
    g_signal_handlers_disconnect_by_data (self->pending_pairing, self);
  g_clear_object (&self->pending_pairing);
  g_clear_object (&self->devices);
  g_clear_object (&self->identity);

  G_OBJECT_CLASS (ph_application_parent_class)->dispose (object);
}

static void
ph_application_finalize (GObject *object)
{
  PhApplication *self = PH_APPLICATION (object);

  g_free (self->history_path);

  G_OBJECT_CLASS (ph_application_parent_class)->finalize (object);
}

static void
ph_application_class_init (PhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = ph_application_dispose;
  object_class->finalize = ph_application_finalize;

  app_class->handle_local_options = ph_application_handle_local_options;
  app_class->startup = ph_application_startup;
  app_class->shutdown = ph_application_shutdown;
  app_class->activate = ph_application_activate;
  app_class->open = ph_application_open;

  gtk_app_class->window_added = ph_application_window_added;
  gtk_app_class->window_removed = ph_application_window_removed;
}

static void
ph_application_init (PhApplication *self)
{
  static const GOptionEntry options[] = {
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start without a window and receive files"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  self->background = ph_background_new (GTK_APPLICATION (self));
}

PhApplication *
ph_application_new (void)
{
  return g_object_new (PH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/* For tests */

PhSettings *
ph_application_get_settings (PhApplication *self)
{
  return self->settings;
}

PhReceiveSession *
ph_application_get_session (PhApplication *self)
{
  return self->session;
}

PhBrowser *
ph_application_get_browser (PhApplication *self)
{
  return self->browser;
}

PhBatchList *
ph_application_get_batches (PhApplication *self)
{
  return self->batches;
}

PhBackground *
ph_application_get_background (PhApplication *self)
{
  return self->background;
}

/* Where the history is kept, instead of the user's own (tests); before
 * the application starts up. */
void
ph_application_set_history_path (PhApplication *self,
                                 const char    *path)
{
  g_free (self->history_path);
  self->history_path = g_strdup (path);
}
