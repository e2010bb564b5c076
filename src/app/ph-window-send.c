/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sending from the window: files or a text, to the destination in the
 * Send to field or one asked for ("Send to Which Computer?"); the plan
 * made first, and when it would merge folders for a receiver that does
 * not keep them, a question before anything goes (how many names will
 * collide). A text goes as a file any receiver saves. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-destination-dialog.h"
#include "ph-format.h"
#include "ph-window-private.h"

/* The longest start of a text that names its batch. */
#define TITLE_CHARS 40

/* What is on its way out: files, or a text, and where to. */
typedef struct
{
  PhWindow  *window;
  GPtrArray *files;        /* GFile* */
  char      *text;
  char      *title;
  char      *destination;
  GFile     *text_file;    /* made for the text; deleted once sent */
  gboolean   handed;       /* a batch took the text file */
} Pending;

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_clear_object (&pending->window);
  g_clear_pointer (&pending->files, g_ptr_array_unref);
  g_free (pending->text);
  g_free (pending->title);
  g_free (pending->destination);
  /* Never sent: the text's file goes at once. */
  if (pending->text_file != NULL && !pending->handed)
    ph_text_file_delete_async (pending->text_file, NULL, NULL, NULL);
  g_clear_object (&pending->text_file);
  g_free (pending);
}

static Pending *
pending_new (PhWindow *self)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->window = g_object_ref (self);
  pending->files = g_ptr_array_new_with_free_func (g_object_unref);
  return pending;
}

gboolean
ph_window_destination_is_valid (PhWindow   *self,
                                const char *text)
{
  return ph_destination_text_is_usable (self->browser, text, NULL);
}

static void
report_error (PhWindow     *self,
              const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ph_window_show_toast (self, error->message);
}

/* Sending */

static void
send_plan (Pending    *pending,
           PhSendPlan *plan)
{
  PhWindow *self = pending->window;
  g_autoptr(PhBatch) batch = NULL;

  /* Closed meanwhile (a dialog may outlive it). */
  if (self->outbox == NULL)
    return;

  batch = ph_outbox_send_plan (self->outbox, plan, pending->title);
  if (batch == NULL && ph_folder_walk_get_n_folders (ph_send_plan_get_walk (plan)) > 0)
    ph_window_show_toast (self, _("Nothing to send: the folder has no files"));
  if (batch != NULL && pending->text_file != NULL)
    {
      ph_text_file_delete_with (pending->text_file, batch);
      pending->handed = TRUE;
    }
}

static void
flatten_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     PhSendPlan       *plan)
{
  Pending *pending = g_object_get_data (G_OBJECT (dialog), "pending");

  if (g_str_equal (response, "send"))
    send_plan (pending, plan);
}

/* Folders go flat to this receiver: said before anything goes, with
 * what it costs. */
static void
ask_flatten (Pending    *pending,
             PhSendPlan *plan)
{
  PhWindow *self = pending->window;
  PhDestination *destination = ph_send_plan_get_destination (plan);
  PhFolderWalk *walk = ph_send_plan_get_walk (plan);
  g_autofree char *device = ph_format_device (ph_destination_get_name (destination),
                                              ph_destination_get_address (destination), TRUE);
  g_autofree char *example = NULL;
  g_autofree char *body = NULL;
  guint n_files = ph_folder_walk_get_n_files (walk);
  guint n_names = 0;
  guint colliding = ph_send_list_count_collisions (ph_send_plan_get_transfers (plan), &n_names, &example);
  GString *text = g_string_new (NULL);
  AdwMessageDialog *dialog;

  /* Translators: the receiver, then how many files go */
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "%s does not keep folders: the %'u file arrives on its own, without its folders.",
                                             "%s does not keep folders: the %'u files arrive side by side in one folder.",
                                             n_files),
                          device, n_files);
  if (n_names == 1)
    {
      g_autofree char *second = ph_naming_variant (example, 2);

      g_string_append (text, "\n\n");
      /* Translators: how many files have the one name that is taken
       * more than once, then that name; one keeps it */
      g_string_append_printf (text, _("%'u files are called “%s”: one keeps the name, the others arrive numbered, as “%s”."),
                              colliding, example, second);
    }
  else if (n_names > 1)
    {
      g_string_append (text, "\n\n");
      /* Translators: how many files share a name with another, how many
       * names that is, then one of them */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%'u files share %'u name (like “%s”): one of each keeps it, the others arrive numbered.",
                                                 "%'u files share %'u names (like “%s”): one of each keeps it, the others arrive numbered.",
                                                 n_names),
                              colliding, n_names, example);
    }
  body = g_string_free (text, FALSE);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Send Without Folders?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "send", _("_Send Anyway"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "pending", pending, pending_free);
  g_signal_connect_data (dialog, "response", G_CALLBACK (flatten_response_cb),
                         g_object_ref (plan), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  ph_window_track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
planned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(PhSendPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = ph_outbox_plan_finish (PH_OUTBOX (object), result, &error);
  if (plan == NULL)
    {
      report_error (pending->window, error);
      pending_free (pending);
      return;
    }

  if (ph_folder_walk_get_n_folders (ph_send_plan_get_walk (plan)) > 0 &&
      ph_send_list_get_flattened (ph_send_plan_get_transfers (plan)) &&
      g_list_model_get_n_items (G_LIST_MODEL (ph_send_plan_get_transfers (plan))) > 0)
    {
      ask_flatten (pending, plan);
      return;
    }

  send_plan (pending, plan);
  pending_free (pending);
}

static void
plan (Pending *pending)
{
  PhWindow *self = pending->window;

  if (self->outbox == NULL)
    {
      pending_free (pending);
      return;
    }

  ph_outbox_plan_async (self->outbox, (GFile **) pending->files->pdata, pending->files->len,
                        pending->destination, self->cancellable, planned_cb, pending);
}

/* Text */

static void
text_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = ph_text_file_new_finish (result, &error);

  if (file == NULL)
    {
      report_error (pending->window, error);
      pending_free (pending);
      return;
    }

  pending->text_file = g_object_ref (file);
  g_ptr_array_add (pending->files, g_steal_pointer (&file));
  plan (pending);
}

static void
device_name_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Pending *pending = user_data;
  g_autofree char *name = ph_device_name_query_finish (result, NULL);

  /* Named after this computer, as it is announced. */
  ph_text_file_new_async (pending->text, name, NULL, pending->window->cancellable,
                          text_file_cb, pending);
}

/* The start of a text, for its batch's name: “Meet at five…” */
static char *
text_title (const char *text)
{
  g_autofree char *line = NULL;
  const char *end = text;
  glong n = 0;

  while (*end != '\0' && *end != '\n' && n < TITLE_CHARS)
    end = g_utf8_next_char (end), n++;

  line = g_strstrip (g_strndup (text, end - text));
  /* Translators: the start of a text sent, as its batch is named */
  return g_strdup_printf (*end != '\0' ? _("“%s…”") : _("“%s”"), line);
}

static void
go (Pending *pending)
{
  if (pending->text == NULL)
    {
      plan (pending);
      return;
    }

  pending->title = text_title (pending->text);
  ph_device_name_query_async (pending->window->cancellable, device_name_cb, pending);
}

/* Where to, when the Send to field does not say */

/* Files dropped on the dialog go with the files asked about, as one
 * batch; with a text, as a batch of their own. */
static void
chosen_cb (const char *destination,
           GPtrArray  *dropped,
           gpointer    user_data)
{
  Pending *pending = user_data;
  PhWindow *self = pending->window;

  if (self->panel != NULL)
    ph_panel_set_destination (self->panel, destination);

  /* The dialog lets go of its pending send: this one goes on alone. */
  {
    Pending *copy = pending_new (self);

    for (guint i = 0; i < pending->files->len; i++)
      g_ptr_array_add (copy->files, g_object_ref (g_ptr_array_index (pending->files, i)));
    if (pending->text == NULL)
      for (guint i = 0; i < dropped->len; i++)
        g_ptr_array_add (copy->files, g_object_ref (g_ptr_array_index (dropped, i)));
    copy->text = g_strdup (pending->text);
    copy->destination = g_strdup (destination);
    go (copy);
  }

  if (pending->text != NULL && dropped->len > 0)
    ph_window_send_files_to (self, (GFile **) dropped->pdata, dropped->len, destination);
}

static void
send_or_ask (Pending *pending)
{
  PhWindow *self = pending->window;
  const char *destination = pending->destination ? pending->destination : ph_panel_get_destination (self->panel);

  if (ph_window_destination_is_valid (self, destination))
    {
      if (pending->destination == NULL)
        pending->destination = g_strdup (destination);
      go (pending);
      return;
    }

  ph_window_track_dialog (self, ph_destination_dialog_ask (GTK_WINDOW (self), self->browser, self->devices,
                                                           destination, pending->files->len,
                                                           pending->text != NULL, chosen_cb,
                                                           pending, pending_free));
}

/* Sends @files as one batch to @destination (a receiver nearby they
 * were dropped on, or the destination field's). */
void
ph_window_send_files_to (PhWindow    *self,
                         GFile      **files,
                         guint        n_files,
                         const char  *destination)
{
  Pending *pending;

  /* A file chooser answered after the window was closed. */
  if (self->outbox == NULL || n_files == 0)
    return;

  pending = pending_new (self);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (pending->files, g_object_ref (files[i]));
  pending->destination = g_strdup (destination);
  send_or_ask (pending);
}

/* Sends @files as one batch to the destination in the window, or asks
 * for one first. */
void
ph_window_send_files (PhWindow  *self,
                      GFile    **files,
                      guint      n_files)
{
  g_return_if_fail (PH_IS_WINDOW (self));

  ph_window_send_files_to (self, files, n_files, NULL);
}

/**
 * ph_window_send_text:
 * @destination: (nullable): where to, or %NULL for the Send to field's
 *
 * Sends @text as a file named after this computer and the time.
 */
void
ph_window_send_text (PhWindow   *self,
                     const char *text,
                     const char *destination)
{
  Pending *pending;

  g_return_if_fail (PH_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  if (self->outbox == NULL || text[0] == '\0')
    return;

  pending = pending_new (self);
  pending->text = g_utf8_make_valid (text, -1);
  pending->destination = g_strdup (destination);
  send_or_ask (pending);
}

/* Send Text… */

static void
text_changed_cb (GtkTextBuffer    *buffer,
                 AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "send", gtk_text_buffer_get_char_count (buffer) > 0);
}

static void
text_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  PhWindow         *self)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "buffer");
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (!g_str_equal (response, "send"))
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  ph_window_send_text (self, text, NULL);
}

static gboolean
send_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  AdwMessageDialog *dialog = user_data;

  if (!adw_message_dialog_get_response_enabled (dialog, "send"))
    return FALSE;

  adw_message_dialog_response (dialog, "send");
  gtk_window_close (GTK_WINDOW (dialog));
  return TRUE;
}

static void
send_text_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PhWindow *self = user_data;
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ph-send-text-dialog.ui");
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (gtk_builder_get_object (builder, "dialog"));
  GtkTextView *view = GTK_TEXT_VIEW (gtk_builder_get_object (builder, "text_view"));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  const char *destination = ph_panel_get_destination (self->panel);
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  g_autofree char *body = NULL;

  if (ph_window_destination_is_valid (self, destination))
    {
      PhNearbyReceiver *nearby = ph_destination_find_nearby (self->browser, destination);
      g_autofree char *device = ph_format_device (nearby ? ph_nearby_receiver_get_name (nearby) : NULL,
                                                  destination, TRUE);

      /* Translators: where a text goes */
      body = g_strdup_printf (_("To %s. Ctrl+Enter sends it."), device);
    }
  else
    body = g_strdup (_("Ctrl+Enter sends it; you choose where to next."));
  adw_message_dialog_set_body (dialog, body);

  /* In a text, Enter starts a new line: Ctrl+Enter sends. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                                                          gtk_callback_action_new (send_shortcut_cb, dialog, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (view), shortcuts);

  g_object_set_data (G_OBJECT (dialog), "buffer", buffer);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (text_changed_cb), dialog, 0);
  text_changed_cb (buffer, dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (text_response_cb), self, 0);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  ph_window_track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (view));
}

static const GActionEntry send_actions[] = {
  { "send-text", send_text_activated },
};

void
ph_window_send_init (PhWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), send_actions,
                                   G_N_ELEMENTS (send_actions), self);
}
