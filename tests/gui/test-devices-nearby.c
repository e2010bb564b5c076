/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Nearby rows of known devices: "Paired" on the rows of paired
 * receivers, the warning on those that announce a new key under a
 * paired name or no key where this computer knows one, and drops and
 * choices refused on those rows as sending by the name is.
 * Preferences › Devices itself is test-devices.c.
 * Screenshots go to $PH_SCREENSHOT_DIR (default: screenshots/ in the
 * build folder of the tests). */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-browser-private.h"
#include "ph-destination-trust.h"
#include "ph-fingerprint.h"
#include "ph-nearby-list-private.h"
#include "ph-nearby-row-private.h"
#include "trust-common.h"

typedef TrustFixture Fixture;

static PhNearbyRow *
nearby_row (Fixture    *fixture,
            const char *name)
{
  PhNearbyRow *row = trust_find_nearby_row (fixture->window, name);

  g_assert_nonnull (row);
  return row;
}

static gboolean
two_rows (gpointer list)
{
  return ph_nearby_list_get_row (list, 1) != NULL;
}

/* Whether files may go to the receiver at PORT as it announced itself
 * (installation id, no key): what the row must agree with. */
static gboolean
may_send (Fixture    *fixture,
          guint16     port,
          const char *id,
          GError    **error)
{
  g_autoptr(PhDestination) destination = ph_destination_new ("127.0.0.1", port);

  ph_destination_set_name (destination, "Desk");
  ph_destination_set_announcement (destination, id, NULL);
  return ph_destination_decide_channel (destination, trust_fixture_devices (fixture), FALSE, error);
}

/* A receiver nearby is marked paired where it announces the key this
 * computer paired with; forgotten, it is not. A device known by its
 * key announced without encryption (by its installation id, or a
 * paired one by its name) is never "Paired": sending there is refused
 * (SPEC: no downgrade), and the row warns instead. (This case said
 * "Paired" before, while sending was refused.) */
static void
test_nearby_paired (Fixture       *fixture,
                    gconstpointer  data)
{
  PhDevices *devices = trust_fixture_devices (fixture);
  g_autofree char *study = trust_key ("study");
  g_autofree char *desk = trust_key ("desk");
  g_autofree char *desk_warning = g_strdup_printf (_("“%s” is now announced without encryption: files will not be sent to it"), "Desk");
  g_autofree char *study_warning = g_strdup_printf (_("“%s” is now announced without encryption: files will not be sent to it"), "Study Laptop");
  const char *desk_id = "dddddddddddddddddddddddddddddddd";
  g_autoptr(GError) error = NULL;
  PhNearbyRow *row;
  PhNearbyRow *desk_row;

  ph_browser_stop (ph_application_get_browser (fixture->app));
  trust_announce (fixture->app, "study-v4", "Study Laptop", "cccccccccccccccccccccccccccccccc", 7001, TRUE, study);
  trust_announce (fixture->app, "desk-v4", "Desk", desk_id, 7002, TRUE, NULL);
  row = trust_wait_nearby_row (fixture->window, "Study Laptop");
  trust_wait_row (row, FALSE, NULL, "127.0.0.1:7001", "Study Laptop's row");

  /* Paired from its row (seen with its key first). */
  ph_devices_record_seen (devices, study, "Study Laptop", "127.0.0.1", "127.0.0.1:7001", NULL);
  g_assert_false (ph_nearby_row_get_paired (row));
  ph_devices_pair (devices, study, "Study Laptop");
  trust_wait_row (row, TRUE, NULL, "127.0.0.1:7001 · Paired", "Paired on the row");
  trust_screenshot (GTK_WIDGET (fixture->window), "nearby-paired.png");

  /* Desk announces no key: nothing known of it, files go unencrypted. */
  desk_row = trust_wait_nearby_row (fixture->window, "Desk");
  trust_wait_row (desk_row, -1, NULL, "127.0.0.1:7002", "Desk's row");
  g_assert_true (may_send (fixture, 7002, desk_id, NULL));

  /* Known by its installation id (files went to it encrypted), then
   * paired: announced without encryption, it is not sent to, and its
   * row says so instead of "Paired". */
  ph_devices_record_seen (devices, desk, "Desk", "127.0.0.1", NULL, desk_id);
  trust_wait_row (desk_row, -1, desk_warning, NULL, "the warning on Desk's row");
  ph_devices_pair (devices, desk, "Desk");
  trust_wait_row (desk_row, FALSE, desk_warning, "127.0.0.1:7002 · No longer encrypted: files will not be sent",
                  "Desk's row to say it is not sent to");
  g_assert_false (may_send (fixture, 7002, desk_id, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
  trust_screenshot (GTK_WIDGET (fixture->window), "nearby-not-encrypted.png");

  /* Study Laptop announced again, without its key: a paired name. */
  trust_announce (fixture->app, "study-v4", "Study Laptop", "cccccccccccccccccccccccccccccccc", 7001, TRUE, NULL);
  trust_wait_row (row, FALSE, study_warning, NULL, "the warning on Study Laptop's row");

  /* Forgotten: nothing to warn of, nothing paired. */
  ph_devices_forget (devices, study);
  ph_devices_forget (devices, desk);
  trust_wait_row (row, FALSE, NULL, "127.0.0.1:7001", "Study Laptop's row, forgotten");
  trust_wait_row (desk_row, -1, NULL, "127.0.0.1:7002", "Desk's row, forgotten");
}

/* A receiver nearby that announces a key other than the one paired
 * under its name (reinstalled, or someone posing as it): a warning,
 * never "Paired", even at the paired device's address, until the new
 * key is paired or the old one forgotten. */
static void
test_nearby_new_key (Fixture       *fixture,
                     gconstpointer  data)
{
  PhDevices *devices = trust_fixture_devices (fixture);
  g_autofree char *old_key = trust_key ("the laptop, before it was reinstalled");
  g_autofree char *new_key = trust_key ("the laptop, reinstalled");
  g_autofree char *desk_old = trust_key ("desk");
  g_autofree char *desk_new = trust_key ("desk, reinstalled");
  g_autofree char *warning = g_strdup_printf (_("“%s” has a new key: pair again to trust it"), "Study Laptop");
  const char *study_id = "cccccccccccccccccccccccccccccccc";
  PhNearbyRow *row;

  ph_browser_stop (ph_application_get_browser (fixture->app));
  trust_announce (fixture->app, "study-v4", "Study Laptop", study_id, 7001, TRUE, new_key);
  row = trust_wait_nearby_row (fixture->window, "Study Laptop");
  trust_wait_row (row, -1, NULL, "127.0.0.1:7001", "Study Laptop's row");

  /* Paired under the old key, where it receives now. */
  ph_devices_record_seen (devices, old_key, "Study Laptop", "127.0.0.1", "127.0.0.1:7001", study_id);
  ph_devices_pair (devices, old_key, "Study Laptop");
  trust_wait_row (row, FALSE, warning, "127.0.0.1:7001 · Has a new key: pair again to trust it",
                  "the new key on the row");
  trust_screenshot (GTK_WIDGET (fixture->window), "nearby-new-key.png");

  /* The old key forgotten: nothing to warn of, nothing paired. */
  ph_devices_forget (devices, old_key);
  trust_wait_row (row, FALSE, NULL, "127.0.0.1:7001", "the row, the old key forgotten");

  /* Paired again under the old key (in place, no device added), then
   * with the new one: paired, no warning. */
  ph_devices_record_seen (devices, new_key, "Study Laptop", "127.0.0.1", NULL, study_id);
  ph_devices_pair (devices, old_key, "Study Laptop");
  trust_wait_row (row, -1, warning, NULL, "the new key on the row again");
  ph_devices_pair (devices, new_key, "Study Laptop");
  trust_wait_row (row, TRUE, NULL, "127.0.0.1:7001 · Paired", "the new key paired");

  /* Known (not paired) by its installation id under another key:
   * sending there is refused, so the row warns too. */
  ph_devices_record_seen (devices, desk_old, "Desk", "127.0.0.1", NULL, "dddddddddddddddddddddddddddddddd");
  trust_announce (fixture->app, "desk-v4", "Desk", "dddddddddddddddddddddddddddddddd", 7002, TRUE, desk_new);
  trust_wait_row (trust_wait_nearby_row (fixture->window, "Desk"), -1, TRUST_SOME_WARNING, NULL, "the warning on Desk's row");
  /* Blocked: a while, and it still warns. */
  ph_devices_block (devices, desk_old, "Desk");
  gui_iterate (100);
  g_assert_nonnull (ph_nearby_row_get_warning (nearby_row (fixture, "Desk")));
  ph_devices_forget (devices, desk_old);
  trust_wait_row (nearby_row (fixture, "Desk"), -1, NULL, NULL, "Desk's row, the old key forgotten");
}

/* Files dropped on a row are refused where choosing that row is, with
 * the same words: the row stands for the receiver it shows (its name,
 * its announced identity), not for its address alone. A receiver
 * announced without a key under a paired device's name, with an id and
 * at an address this computer has no record of, was sent to in the
 * clear by a drop before. So was one announcing a new key under a
 * paired name. Neither row offers "Pair…" that cannot work: the one
 * without encryption has no menu, the new key's says "Pair Again…". */
static void
test_nearby_drop_refused (Fixture       *fixture,
                          gconstpointer  data)
{
  PhDevices *devices = trust_fixture_devices (fixture);
  g_autofree char *study = trust_key ("study");
  g_autofree char *desk_old = trust_key ("desk");
  g_autofree char *desk_new = trust_key ("desk, reinstalled");
  g_autofree char *new_short = ph_fingerprint_format_short (desk_new);
  g_autofree char *old_short = ph_fingerprint_format_short (desk_old);
  g_autofree char *in_dir = ph_test_make_tmp_dir ("posthouse-devices-in-XXXXXX");
  g_autofree char *study_dir = ph_test_make_tmp_dir ("posthouse-devices-study-XXXXXX");
  g_autofree char *desk_dir = ph_test_make_tmp_dir ("posthouse-devices-desk-XXXXXX");
  g_autofree char *path = gui_make_file (in_dir, "plans.txt", 1000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PhReceiver) study_receiver = trust_plain_receiver (study_dir);
  g_autoptr(PhReceiver) desk_receiver = trust_plain_receiver (desk_dir);
  guint16 study_port = (guint16) ph_receiver_get_port (study_receiver);
  g_autofree char *downgrade =
    g_strdup_printf (_("“%s” is known to this computer by its key, but is now announced without "
                       "encryption: nothing was sent (someone may be posing as it)"), "Study Laptop");
  g_autofree char *new_key =
    g_strdup_printf (_("“%s” has a new key (%s), not the one this computer knows (%s): nothing was sent. "
                       "If it was set up again, pair with it again, or forget the old key "
                       "(posthouse-cli devices forget)."), "Desk", new_short, old_short);
  g_autofree char *pair_target = NULL;
  PhNearbyRow *row;
  PhNearbyRow *desk_row;

  /* Paired where they received before (other ports), under other ids. */
  ph_devices_record_seen (devices, study, "Study Laptop", "127.0.0.1", "127.0.0.1:7001",
                          "cccccccccccccccccccccccccccccccc");
  ph_devices_pair (devices, study, "Study Laptop");
  ph_devices_record_seen (devices, desk_old, "Desk", "127.0.0.1", "127.0.0.1:7002",
                          "dddddddddddddddddddddddddddddddd");
  ph_devices_pair (devices, desk_old, "Desk");

  ph_browser_stop (ph_application_get_browser (fixture->app));
  trust_announce (fixture->app, "study-v4", "Study Laptop", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                  study_port, TRUE, NULL);
  trust_announce (fixture->app, "desk-v4", "Desk", "ffffffffffffffffffffffffffffffff",
                  ph_receiver_get_port (desk_receiver), TRUE, desk_new);
  row = trust_wait_nearby_row (fixture->window, "Study Laptop");
  desk_row = trust_wait_nearby_row (fixture->window, "Desk");
  trust_wait_row (row, -1, TRUST_SOME_WARNING, NULL, "the warning on Study Laptop's row");
  trust_wait_row (desk_row, -1, TRUST_SOME_WARNING, NULL, "the warning on Desk's row");
  gui_wait_until (trust_row_has_menu, desk_row, "Pair Again… on Desk's row");

  /* No Pair… without encryption; Pair Again… for the new key. */
  g_assert_null (ph_nearby_row_get_menu (row));
  pair_target = gui_menu_target (ph_nearby_row_get_menu (desk_row), "app.pair");
  g_assert_nonnull (pair_target);
  {
    g_autofree char *label = NULL;

    g_assert_true (g_menu_model_get_item_attribute (ph_nearby_row_get_menu (desk_row), 0,
                                                    G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, _("_Pair Again…"));
  }

  /* Dropped on the row: refused, as sending by its name is. */
  trust_drop_on_row (row, file);
  gui_wait_toast (fixture->window, downgrade, "the refusal of a drop without encryption");
  trust_drop_on_row (desk_row, file);
  gui_wait_toast (fixture->window, new_key, "the refusal of a drop to a new key");

  /* Chosen: the same refusal at once, and Send to is left as it was
   * (ph_destination_check_nearby()). */
  ph_window_show_toast (fixture->window, "(before choosing)");
  gtk_widget_activate (GTK_WIDGET (row));
  gui_wait_toast (fixture->window, downgrade, "the refusal of the chosen row");
  g_assert_cmpstr (ph_panel_get_destination (ph_window_get_panel (fixture->window)), ==, "");

  /* Typed by its name, then files dropped on the window: the same. */
  ph_panel_set_destination (ph_window_get_panel (fixture->window), "Study Laptop");
  ph_window_show_toast (fixture->window, "(before dropping)");
  gui_drop_files (fixture->window, &file, 1);
  gui_wait_toast (fixture->window, downgrade, "the refusal of the name typed");

  /* Nothing went, nothing arrived. */
  gui_iterate (300);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 0);
  g_assert_cmpuint (gui_count_files (study_dir), ==, 0);
  g_assert_cmpuint (gui_count_files (desk_dir), ==, 0);

  /* Forgotten, the same receiver is a first contact: a drop sends
   * (in the clear, as to any receiver announced without a key). Pair…
   * is not offered: without a key it cannot work (test-choose). */
  ph_devices_forget (devices, study);
  trust_wait_row (row, -1, NULL, NULL, "the warning gone, the key forgotten");
  g_assert_null (ph_nearby_row_get_menu (row));
  trust_drop_on_row (row, file);
  gui_wait_until (gui_first_finished, fixture->app, "the drop once the key is forgotten");
  g_assert_cmpuint (gui_count_files (study_dir), ==, 1);

  ph_receiver_stop (study_receiver);
  ph_receiver_stop (desk_receiver);
  ph_test_rm_rf (in_dir);
  ph_test_rm_rf (study_dir);
  ph_test_rm_rf (desk_dir);
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *dialog;
  const char *text;
} Hint;

static gboolean
hint_shown (gpointer data)
{
  Hint *hint = data;
  GtkWidget *label = find_label (hint->dialog, hint->text);

  return label != NULL && gtk_widget_get_visible (label);
}

/* Two receivers announce a paired device's name without a key (a
 * stranger posing as it twice): the name finds neither, so their rows
 * stand for their addresses, which alone would be a first contact in
 * the clear. Both rows warn, and choosing or dropping on either is
 * refused with the words sending by the name gives, in the window and
 * in the dialog that asks where; nothing arrives. (Both were sent to in
 * the clear before.) */
static void
test_nearby_same_name_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  PhDevices *devices = trust_fixture_devices (fixture);
  PhPanel *panel = ph_window_get_panel (fixture->window);
  PhNearbyList *list = ph_panel_get_nearby_list (panel);
  g_autofree char *study = trust_key ("study");
  g_autofree char *in_dir = ph_test_make_tmp_dir ("posthouse-devices-in-XXXXXX");
  g_autofree char *one_dir = ph_test_make_tmp_dir ("posthouse-devices-one-XXXXXX");
  g_autofree char *two_dir = ph_test_make_tmp_dir ("posthouse-devices-two-XXXXXX");
  g_autofree char *path = gui_make_file (in_dir, "plans.txt", 1000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PhReceiver) one = trust_plain_receiver (one_dir);
  g_autoptr(PhReceiver) two = trust_plain_receiver (two_dir);
  g_autofree char *downgrade =
    g_strdup_printf (_("“%s” is known to this computer by its key, but is now announced without "
                       "encryption: nothing was sent (someone may be posing as it)"), "Study Laptop");
  g_autofree char *warning =
    g_strdup_printf (_("“%s” is now announced without encryption: files will not be sent to it"),
                     "Study Laptop");
  PhNearbyRow *rows[2];

  ph_devices_record_seen (devices, study, "Study Laptop", "127.0.0.1", "127.0.0.1:7001",
                          "cccccccccccccccccccccccccccccccc");
  ph_devices_pair (devices, study, "Study Laptop");

  ph_browser_stop (ph_application_get_browser (fixture->app));
  trust_announce (fixture->app, "study-one", "Study Laptop", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                  ph_receiver_get_port (one), TRUE, NULL);
  trust_announce (fixture->app, "study-two", "Study Laptop", "ffffffffffffffffffffffffffffffff",
                  ph_receiver_get_port (two), TRUE, NULL);
  gui_wait_until (two_rows, list, "both rows of Study Laptop");
  rows[0] = ph_nearby_list_get_row (list, 0);
  rows[1] = ph_nearby_list_get_row (list, 1);
  trust_wait_row (rows[0], -1, warning, NULL, "the warning on the first row");
  trust_wait_row (rows[1], -1, warning, NULL, "the warning on the second row");
  g_assert_null (ph_nearby_list_get_row (list, 2));
  g_assert_null (ph_destination_find_nearby (ph_application_get_browser (fixture->app), "Study Laptop"));

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *before = g_strdup (ph_panel_get_destination (panel));

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (rows[i])), ==, "Study Laptop");
      g_assert_cmpstr (ph_nearby_row_get_warning (rows[i]), ==, warning);

      /* Chosen: refused, and Send to is left as it was. */
      ph_window_show_toast (fixture->window, "(before choosing)");
      gtk_widget_activate (GTK_WIDGET (rows[i]));
      gui_wait_toast (fixture->window, downgrade, "the refusal of a chosen row of a shared name");
      g_assert_cmpstr (ph_panel_get_destination (panel), ==, before);

      /* Dropped on: the same refusal. */
      ph_window_show_toast (fixture->window, "(before dropping)");
      trust_drop_on_row (rows[i], file);
      gui_wait_toast (fixture->window, downgrade, "the refusal of a drop on a row of a shared name");
    }

  /* Files dropped on the window with Send to empty: chosen in the
   * dialog that asks where, either row is refused there too. */
  g_assert_cmpstr (ph_panel_get_destination (panel), ==, "");
  gui_drop_files (fixture->window, &file, 1);
  {
    /* Held: without the refusal, choosing closes it. */
    g_autoptr(AdwMessageDialog) dialog = g_object_ref (gui_wait_dialog (fixture->window));
    PhNearbyList *asked = PH_NEARBY_LIST (gui_find_widget (GTK_WIDGET (dialog), PH_TYPE_NEARBY_LIST));
    Hint hint = { GTK_WIDGET (dialog), downgrade };

    gui_wait_until (two_rows, asked, "both rows in the dialog");
    for (guint i = 0; i < 2; i++)
      {
        gui_iterate (100);
        g_assert_nonnull (ph_nearby_list_get_row (asked, i));
        gtk_widget_activate (GTK_WIDGET (ph_nearby_list_get_row (asked, i)));
        /* A while: the dialog must stay. */
        gui_iterate (100);
        gui_wait_until (hint_shown, &hint, "the dialog's hint");
        g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
      }
    gtk_window_close (GTK_WINDOW (dialog));
  }

  /* Nothing went, nothing arrived. */
  gui_iterate (300);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 0);
  g_assert_cmpuint (gui_count_files (one_dir), ==, 0);
  g_assert_cmpuint (gui_count_files (two_dir), ==, 0);

  ph_receiver_stop (one);
  ph_receiver_stop (two);
  ph_test_rm_rf (in_dir);
  ph_test_rm_rf (one_dir);
  ph_test_rm_rf (two_dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = trust_init (&argc, &argv);
  int ret;

#define ADD(path, func, data) \
  g_test_add ("/posthouse/gui/devices/" path, Fixture, data, trust_fixture_set_up, func, trust_fixture_tear_down)

  ADD ("nearby-paired", test_nearby_paired, NULL);
  ADD ("nearby-new-key", test_nearby_new_key, NULL);
  ADD ("nearby-drop-refused", test_nearby_drop_refused, NULL);
  ADD ("nearby-same-name-refused", test_nearby_same_name_refused, NULL);

  ret = g_test_run ();
  ph_test_rm_rf (data_home);
  return ret;
}
