/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Choosing a computer nearby, every way a person does (issue 23's
 * gaps): files dropped on a row of "Send to Which Computer?" go there
 * (refused as choosing the row is), files dropped elsewhere in it wait
 * with the rest; "Pair…" only where pairing can work; and a name two
 * receivers share completed in Send to is the receiver picked, with
 * its key, or refused as its row is. The browser is fed what Avahi
 * would report (ph-browser-private.h), pointing at real receivers on
 * loopback: a plain one and a Posthouse with its own key. */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-browser-private.h"
#include "ph-pairing-dialog.h"
#include "trust-common.h"

#define SHED_ID  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DESK_ID  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define STUDY_ID "cccccccccccccccccccccccccccccccc"
#define POSER_ID "dddddddddddddddddddddddddddddddd"

typedef struct
{
  PhApplication    *app;
  PhWindow         *window;
  char             *tmp;
  char             *in_dir;
  char             *shed_dir;      /* a plain receiver: the original format only */
  char             *desk_dir;      /* another plain one */
  char             *study_dir;     /* a Posthouse receiving with a key of its own */
  PhReceiver       *shed;
  PhReceiver       *desk;
  PhReceiveSession *study;
  PhIdentity       *study_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) study_folder = NULL;
  g_autoptr(PhDevices) study_devices = NULL;
  g_autofree char *id_dir = NULL;
  g_autofree char *list = NULL;

  f->tmp = ph_test_make_tmp_dir ("posthouse-gui-choose-XXXXXX");
  f->in_dir = g_build_filename (f->tmp, "in", NULL);
  f->shed_dir = g_build_filename (f->tmp, "shed", NULL);
  f->desk_dir = g_build_filename (f->tmp, "desk", NULL);
  f->study_dir = g_build_filename (f->tmp, "study", NULL);
  g_mkdir (f->in_dir, 0700);
  g_mkdir (f->shed_dir, 0700);
  g_mkdir (f->desk_dir, 0700);
  g_mkdir (f->study_dir, 0700);
  f->shed = trust_plain_receiver (f->shed_dir);
  f->desk = trust_plain_receiver (f->desk_dir);

  /* Study Laptop: another installation, its key and list its own. */
  id_dir = g_build_filename (f->tmp, "study-identity", NULL);
  f->study_id = ph_identity_load (id_dir, &error);
  g_assert_no_error (error);
  list = g_build_filename (f->tmp, "study-devices", NULL);
  study_devices = ph_devices_new (list);
  study_folder = g_file_new_for_path (f->study_dir);
  f->study = ph_receive_session_new ();
  g_object_set (f->study, "port", 0u, "bind-address", "127.0.0.1", "folder", study_folder,
                "announce", FALSE, NULL);
  ph_receive_session_set_identity (f->study, f->study_id);
  ph_receive_session_set_devices (f->study, study_devices);
  ph_receive_session_set_ask_before_accepting (f->study, FALSE);
  g_assert_true (ph_receive_session_start (f->study, &error));
  g_assert_no_error (error);

  f->app = gui_app_new ();
  f->window = gui_app_window (f->app);
  /* Stopped: without a system bus it would look again and forget them. */
  ph_browser_stop (ph_application_get_browser (f->app));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  trust_app_free (f->app);
  ph_receiver_stop (f->shed);
  ph_receiver_stop (f->desk);
  ph_receive_session_stop (f->study);
  g_clear_object (&f->shed);
  g_clear_object (&f->desk);
  g_clear_object (&f->study);
  g_clear_object (&f->study_id);
  ph_test_rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->in_dir);
  g_free (f->shed_dir);
  g_free (f->desk_dir);
  g_free (f->study_dir);
}

static const char *
study_key (Fixture *f)
{
  return ph_identity_get_fingerprint (f->study_id);
}

static GFile *
make_file (Fixture    *f,
           const char *name)
{
  g_autofree char *path = gui_make_file (f->in_dir, name, 2000);

  return g_file_new_for_path (path);
}

static PhNearbyRow *
row_named (PhNearbyList *list,
           const char   *name,
           const char   *address)
{
  for (guint i = 0; ph_nearby_list_get_row (list, i) != NULL; i++)
    {
      PhNearbyRow *row = ph_nearby_list_get_row (list, i);
      PhNearbyReceiver *peer = ph_nearby_row_get_peer (row);

      if (g_str_equal (ph_nearby_receiver_get_name (peer), name) &&
          (address == NULL || g_str_equal (ph_nearby_receiver_get_address (peer), address)))
        return row;
    }
  return NULL;
}

static gboolean
drop_on (GtkDropTarget *target,
         GFile         *file)
{
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  return handled;
}

static PhNearbyList *
dialog_list (AdwMessageDialog *dialog)
{
  return PH_NEARBY_LIST (gui_find_widget (adw_message_dialog_get_extra_child (dialog), PH_TYPE_NEARBY_LIST));
}

static gboolean
dialog_gone (gpointer data)
{
  return ph_window_get_message_dialog (data) == NULL;
}

/* The dialog's own drop target, for what is dropped beside the rows. */
static GtkDropTarget *
dialog_drop_target (AdwMessageDialog *dialog)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (dialog));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

/* The line under the field that says why. */
static GtkLabel *
dialog_hint (AdwMessageDialog *dialog)
{
  return GTK_LABEL (gtk_widget_get_last_child (adw_message_dialog_get_extra_child (dialog)));
}

/* Files dropped on a computer's row in Send to Which Computer?: that
 * computer is chosen, and they go there with the files asked about,
 * as one batch. Nothing happened before. */
static void
test_dialog_drop_on_row (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GFile) asked = make_file (f, "menu.txt");
  g_autoptr(GFile) dropped = make_file (f, "map.png");
  g_autofree char *shed = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (f->shed));
  AdwMessageDialog *dialog;
  PhNearbyRow *row;
  PhBatch *batch;

  trust_announce (f->app, SHED_ID, "Garden Shed", SHED_ID, ph_receiver_get_port (f->shed), FALSE, NULL);
  trust_announce (f->app, DESK_ID, "Desk", DESK_ID, ph_receiver_get_port (f->desk), FALSE, NULL);
  gui_iterate (50);

  ph_window_send_files (f->window, &asked, 1);
  dialog = gui_wait_dialog (f->window);
  row = row_named (dialog_list (dialog), "Garden Shed", NULL);
  g_assert_nonnull (row);
  g_assert_true (drop_on (ph_nearby_row_get_drop_target (row), dropped));

  gui_wait_until (dialog_gone, f->window, "the dialog to close once a row took the drop");
  gui_wait_until (gui_first_finished, f->app, "the files to Garden Shed");
  batch = gui_batch_at (f->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, 2);
  g_assert_cmpstr (ph_batch_get_peer (batch), ==, shed);
  g_assert_cmpuint (gui_count_files (f->shed_dir), ==, 2);
  g_assert_cmpuint (gui_count_files (f->desk_dir), ==, 0);
  g_assert_cmpstr (ph_panel_get_destination (ph_window_get_panel (f->window)), ==, "Garden Shed");
}

/* Dropped on a row that may not be sent to (a receiver without a key
 * under a paired device's name): refused in the dialog's words, the
 * dialog stays, nothing goes; dropped beside the rows, the files wait
 * with the rest (the body counts them) and go with them once a
 * computer is chosen. */
static void
test_dialog_drop_refused_and_elsewhere (Fixture       *f,
                                        gconstpointer  data)
{
  PhDevices *devices = ph_application_get_devices (f->app);
  g_autofree char *paired = trust_key ("the real Desk");
  g_autoptr(GFile) asked = make_file (f, "menu.txt");
  g_autoptr(GFile) refused = make_file (f, "secret.pdf");
  g_autoptr(GFile) beside = make_file (f, "notes.odt");
  g_autofree char *downgrade =
    g_strdup_printf (_("“%s” is known to this computer by its key, but is now announced without "
                       "encryption: nothing was sent (someone may be posing as it)"), "Desk");
  g_autofree char *two = NULL;
  AdwMessageDialog *dialog;
  GtkDropTarget *target;
  GtkLabel *hint;
  PhNearbyRow *row;

  ph_devices_record_seen (devices, paired, "Desk", "192.168.7.3", NULL, NULL);
  ph_devices_pair (devices, paired, "Desk");
  trust_announce (f->app, SHED_ID, "Garden Shed", SHED_ID, ph_receiver_get_port (f->shed), FALSE, NULL);
  trust_announce (f->app, DESK_ID, "Desk", DESK_ID, ph_receiver_get_port (f->desk), FALSE, NULL);
  gui_iterate (50);

  ph_window_send_files (f->window, &asked, 1);
  dialog = gui_wait_dialog (f->window);
  row = row_named (dialog_list (dialog), "Desk", NULL);
  g_assert_nonnull (ph_nearby_row_get_warning (row));
  drop_on (ph_nearby_row_get_drop_target (row), refused);
  hint = dialog_hint (dialog);
  gui_wait_until (gui_widget_visible, hint, "the dialog's hint");
  g_assert_cmpstr (gtk_label_get_label (hint), ==, downgrade);
  g_assert_true (ph_window_get_message_dialog (f->window) == GTK_WINDOW (dialog));
  g_assert_cmpuint (gui_n_batches (f->app), ==, 0);

  /* Beside the rows: taken, and counted. */
  target = dialog_drop_target (dialog);
  g_assert_nonnull (target);
  g_assert_true (drop_on (target, beside));
  two = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send %u file.",
                                      "Choose a computer nearby, or enter the name or address Posthouse shows on the receiving computer, to send %u files.",
                                      2), 2);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, two);
  trust_screenshot (GTK_WIDGET (dialog), "choose-drop-refused.png");

  /* Chosen: the file asked about and the one dropped beside, not the
   * refused one. */
  row = row_named (dialog_list (dialog), "Garden Shed", NULL);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  gui_wait_until (gui_first_finished, f->app, "the files to Garden Shed");
  g_assert_cmpuint (ph_batch_get_n_done (gui_batch_at (f->app, 0)), ==, 2);
  g_assert_cmpuint (gui_count_files (f->shed_dir), ==, 2);
  {
    g_autofree char *notes = g_build_filename (f->shed_dir, "notes.odt", NULL);

    g_assert_true (g_file_test (notes, G_FILE_TEST_IS_REGULAR));
  }
  g_assert_cmpuint (gui_count_files (f->desk_dir), ==, 0);
}

/* Pair… only where the secure channel can carry it: not for a
 * receiver announced without a key that this computer never sent
 * files to encrypted (the original receiver would take the handshake
 * for a file); asked for all the same (app.pair), it is refused at
 * once, before a byte goes. */
static gboolean
both_listed_study_pairs (gpointer list)
{
  PhNearbyRow *study = row_named (list, "Study Laptop", NULL);

  return row_named (list, "Garden Shed", NULL) != NULL && study != NULL && ph_nearby_row_get_menu (study) != NULL;
}

static void
test_pair_offered (Fixture       *f,
                   gconstpointer  data)
{
  PhNearbyList *list = ph_panel_get_nearby_list (ph_window_get_panel (f->window));
  g_autofree char *shed = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (f->shed));
  g_autofree char *refusal =
    g_strdup_printf (_("“%s” receives only unencrypted files (another program, or an older Posthouse): "
                       "pairing needs encryption"), "Garden Shed");
  g_autofree char *target = NULL;
  g_autofree char *shed_key = trust_key ("the shed, encrypted");
  PhNearbyRow *row;

  trust_announce (f->app, SHED_ID, "Garden Shed", SHED_ID, ph_receiver_get_port (f->shed), FALSE, NULL);
  trust_announce (f->app, STUDY_ID, "Study Laptop", STUDY_ID,
                  ph_receive_session_get_bound_port (f->study), FALSE, study_key (f));
  gui_wait_until (both_listed_study_pairs, list, "both rows, Pair… on Study Laptop's");

  /* Without a key: no menu, and its lock says why. */
  row = row_named (list, "Garden Shed", NULL);
  g_assert_null (ph_nearby_row_get_menu (row));
  trust_screenshot (GTK_WIDGET (f->window), "nearby-no-pair.png");
  /* With one: Pair…. */
  target = gui_menu_target (ph_nearby_row_get_menu (row_named (list, "Study Laptop", NULL)), "app.pair");
  g_assert_nonnull (target);

  /* Asked for by its address all the same: said at once, no dialog,
   * nothing arrives. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "pair", g_variant_new_string (shed));
  gui_wait_toast (f->window, refusal, "the refusal to pair without encryption");
  g_assert_null (trust_find_window (f->app, PH_TYPE_PAIRING_DIALOG));
  gui_iterate (300);
  g_assert_cmpuint (gui_count_files (f->shed_dir), ==, 0);

  /* Once this computer sent it files encrypted at that address, its
   * key is known there: Pair… is offered. */
  ph_devices_record_seen (ph_application_get_devices (f->app), shed_key, "Garden Shed", "127.0.0.1", shed, NULL);
  gui_wait_until (trust_row_has_menu, row, "Pair… on the row");
}

static GtkListBoxRow *
suggestion (PhPanel    *panel,
            const char *address)
{
  GtkWidget *list = gui_find_widget (gtk_popover_get_child (ph_panel_get_completion (panel)), GTK_TYPE_LIST_BOX);

  for (GtkWidget *child = gtk_widget_get_first_child (list); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) &&
        g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (child)), address) == 0)
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static gboolean
completion_shown (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (ph_panel_get_completion (data)));
}

static void
type_and_pick (Fixture    *f,
               const char *typed,
               const char *address)
{
  PhPanel *panel = ph_window_get_panel (f->window);
  GtkListBoxRow *row;

  ph_window_focus_destination (f->window);
  gui_iterate (100);
  gtk_editable_set_text (GTK_EDITABLE (ph_panel_get_destination_row (panel)), typed);
  /* Waited for, not slept for: a loaded machine takes longer. */
  gui_wait_until (completion_shown, panel, "the suggestions");
  row = suggestion (panel, address);
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Two receivers nearby called Study Laptop: the real one (its key,
 * paired) and one announced without a key. Completing the name to the
 * one without a key is refused as choosing its row is (it wrote its
 * address, and files went in the clear to whoever poses as the paired
 * device); completing to the real one sends encrypted, to its key. */
static void
test_complete_shared_name (Fixture       *f,
                           gconstpointer  data)
{
  PhDevices *devices = ph_application_get_devices (f->app);
  PhPanel *panel = ph_window_get_panel (f->window);
  g_autoptr(GFile) file = make_file (f, "thesis.pdf");
  g_autofree char *poser = g_strdup_printf ("127.0.0.1:%u", ph_receiver_get_port (f->shed));
  g_autofree char *study = g_strdup_printf ("127.0.0.1:%u", ph_receive_session_get_bound_port (f->study));
  g_autofree char *downgrade =
    g_strdup_printf (_("“%s” is known to this computer by its key, but is now announced without "
                       "encryption: nothing was sent (someone may be posing as it)"), "Study Laptop");
  PhBatch *batch;

  ph_devices_record_seen (devices, study_key (f), "Study Laptop", "127.0.0.1", NULL, STUDY_ID);
  ph_devices_pair (devices, study_key (f), "Study Laptop");
  trust_announce (f->app, STUDY_ID, "Study Laptop", STUDY_ID,
                  ph_receive_session_get_bound_port (f->study), FALSE, study_key (f));
  trust_announce (f->app, POSER_ID, "Study Laptop", POSER_ID, ph_receiver_get_port (f->shed), FALSE, NULL);
  gui_wait_until (window_mapped, f->window, "the window");
  gui_iterate (50);

  /* The one without a key: refused, Send to as typed. */
  type_and_pick (f, "stu", poser);
  gui_wait_toast (f->window, downgrade, "the refusal of the suggestion without a key");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ph_panel_get_destination_row (panel))), ==, "stu");

  /* The real one: its address, which finds it with its key. */
  type_and_pick (f, "stud", study);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ph_panel_get_destination_row (panel))), ==, study);
  gui_drop_files (f->window, &file, 1);
  gui_wait_until (gui_first_finished, f->app, "the file to Study Laptop");
  batch = gui_batch_at (f->app, 0);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_batch_get_fingerprint (batch), ==, study_key (f));
  g_assert_cmpuint (gui_count_files (f->study_dir), ==, 1);
  g_assert_cmpuint (gui_count_files (f->shed_dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = ph_test_make_tmp_dir ("posthouse-gui-data-XXXXXX");
  int ret;

  /* This app's identity and list, in a tree of their own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  setlocale (LC_ALL, "");
  gui_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/posthouse/gui/choose/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("dialog-drop-on-row", test_dialog_drop_on_row);
  ADD ("dialog-drop-refused-and-elsewhere", test_dialog_drop_refused_and_elsewhere);
  ADD ("pair-offered", test_pair_offered);
  ADD ("complete-shared-name", test_complete_shared_name);

  ret = g_test_run ();
  ph_test_rm_rf (data_home);
  return ret;
}
