/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Preferences › Devices (the list the CLI shares, Block, Forget, the
 * two switches) and the banner of "Accept everything from this
 * device". The Nearby rows of known devices are test-devices-nearby.c.
 * Run again in Chinese as test-devices-zh_CN (the page only).
 * Screenshots go to $PH_SCREENSHOT_DIR (default: screenshots/ in the
 * build folder of the tests). */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-device-row.h"
#include "ph-devices-page.h"
#include "trust-common.h"

typedef TrustFixture Fixture;

/* Under LANGUAGE=zh_CN (test-devices-zh_CN): the page in Chinese. */
static gboolean chinese;

static PhDeviceRow *
row_at (GtkListBox *list,
        int         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  return row ? PH_DEVICE_ROW (row) : NULL;
}

static gboolean
preferences_open (gpointer app)
{
  return trust_find_window (app, PH_TYPE_PREFERENCES) != NULL;
}

typedef struct
{
  GtkListBox *list;
  const char *first;
  const char *fourth;
} Order;

static gboolean
listed_in_order (gpointer data)
{
  Order *order = data;
  PhDeviceRow *first = row_at (order->list, 0);
  PhDeviceRow *fourth = row_at (order->list, 3);

  return first != NULL && fourth != NULL &&
         g_strcmp0 (ph_device_get_fingerprint (ph_device_row_get_device (first)), order->first) == 0 &&
         g_strcmp0 (ph_device_get_fingerprint (ph_device_row_get_device (fourth)), order->fourth) == 0;
}

static gboolean
three_rows (gpointer list)
{
  return row_at (list, 2) != NULL && row_at (list, 3) == NULL;
}

static void
test_page (Fixture       *fixture,
           gconstpointer  data)
{
  PhDevices *devices = trust_fixture_devices (fixture);
  g_autofree char *study = trust_key ("study");
  g_autofree char *desk = trust_key ("desk");
  g_autofree char *pest = trust_key ("pest");
  g_autofree char *impostor = trust_key ("impostor");
  g_autoptr(GSettings) settings = gui_settings ();
  GtkWindow *preferences;
  PhDevicesPage *page;
  GtkListBox *list;

  ph_devices_record_seen (devices, desk, "Desk", "192.168.7.3", NULL, NULL);
  ph_devices_pair (devices, study, "Study Laptop");
  ph_devices_block (devices, pest, "Pest");
  ph_devices_record_seen (devices, impostor, "Study Laptop", "192.168.7.66", NULL, NULL);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  gui_wait_until (preferences_open, fixture->app, "the preferences");
  preferences = trust_find_window (fixture->app, PH_TYPE_PREFERENCES);
  gtk_window_set_default_size (preferences, 560, 720);
  page = PH_DEVICES_PAGE (trust_find_child (GTK_WIDGET (preferences), PH_TYPE_DEVICES_PAGE));
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences), ADW_PREFERENCES_PAGE (page));
  list = ph_devices_page_get_list (page);

  /* Paired first, blocked last; the new key under a paired name is flagged. */
  {
    Order order = { list, study, pest };

    gui_wait_until (listed_in_order, &order, "the paired first, the blocked last");
  }
  for (int i = 1; i <= 2; i++)
    {
      PhDeviceRow *row = row_at (list, i);
      gboolean is_impostor = g_str_equal (ph_device_get_fingerprint (ph_device_row_get_device (row)), impostor);

      g_assert_cmpint (ph_device_row_get_key_changed (row), ==, is_impostor);
    }
  /* In Chinese, the states are. */
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row_at (list, 0))), _("Paired")));
  if (chinese)
    g_assert_cmpstr (_("Paired"), !=, "Paired");
  trust_screenshot (GTK_WIDGET (preferences), chinese ? "devices-page-zh_CN.png" : "devices-page.png");

  /* Block from the row's menu; then forget. */
  for (int i = 0; row_at (list, i) != NULL; i++)
    if (g_str_equal (ph_device_get_fingerprint (ph_device_row_get_device (row_at (list, i))), desk))
      gtk_widget_activate_action (GTK_WIDGET (row_at (list, i)), "device.block", NULL);
  g_assert_cmpint (ph_device_get_state (ph_devices_lookup (devices, desk)), ==, PH_DEVICE_BLOCKED);
  gui_iterate (100);
  g_assert_cmpstr (ph_device_get_fingerprint (ph_device_row_get_device (row_at (list, 3))), !=, study);

  gtk_widget_activate_action (GTK_WIDGET (row_at (list, 0)), "device.forget", NULL);
  g_assert_null (ph_devices_lookup (devices, study));
  gui_wait_until (three_rows, list, "the forgotten device's row to go");

  /* The switches are the settings. */
  g_assert_false (g_settings_get_boolean (settings, "only-paired"));
  g_assert_true (g_settings_get_boolean (settings, "accept-unencrypted"));
  g_object_set (ph_application_get_settings (fixture->app), "only-paired", TRUE, NULL);
  g_assert_true (g_settings_get_boolean (settings, "only-paired"));
  g_settings_reset (settings, "only-paired");

  gtk_window_destroy (preferences);
}

/* What the CLI (another program) changes shows on the page. */
static gboolean
has_rows (gpointer data)
{
  return gtk_list_box_get_row_at_index (data, 0) != NULL;
}

static void
test_page_follows_file (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *desk = trust_key ("desk");
  GtkWindow *preferences;
  GtkListBox *list;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  gui_iterate (200);
  gui_wait_until (preferences_open, fixture->app, "the preferences");
  preferences = trust_find_window (fixture->app, PH_TYPE_PREFERENCES);
  list = ph_devices_page_get_list (PH_DEVICES_PAGE (trust_find_child (GTK_WIDGET (preferences), PH_TYPE_DEVICES_PAGE)));
  g_assert_null (gtk_list_box_get_row_at_index (list, 0));

  {
    g_autoptr(PhDevices) other = ph_devices_new (ph_devices_get_path (trust_fixture_devices (fixture)));

    ph_devices_load (other, NULL);
    ph_devices_pair (other, desk, "Desk");
    ph_devices_flush (other, NULL);
  }
  gui_wait_until (has_rows, list, "the device another program paired");
  gtk_window_destroy (preferences);
}

static gboolean
bar_hidden (gpointer data)
{
  return !ph_accept_all_bar_get_shown (data);
}

typedef struct
{
  PhAcceptAllBar *bar;
  const char     *text;
} BarText;

static gboolean
bar_says (gpointer data)
{
  BarText *said = data;

  return ph_accept_all_bar_get_shown (said->bar) &&
         g_strcmp0 (ph_accept_all_bar_get_text (said->bar), said->text) == 0;
}

static void
wait_bar (PhAcceptAllBar *bar,
          const char     *text)
{
  BarText said = { bar, text };

  gui_wait_until (bar_says, &said, text);
}

/* "Accept everything from this device": said above the window with the
 * time left, gone when the time is up or on Stop. */
static void
test_accept_all_bar (Fixture       *fixture,
                     gconstpointer  data)
{
  PhAcceptAllBar *bar = ph_window_get_accept_all_bar (fixture->window);
  g_autofree char *study = trust_key ("study");
  g_autoptr(PhAcceptAll) grant = NULL;

  g_assert_false (ph_accept_all_bar_get_shown (bar));
  grant = g_object_ref (ph_devices_accept_all (trust_fixture_devices (fixture), study, "Study Laptop", 3));
  wait_bar (bar, "Accepting everything from “Study Laptop” · 3 s left");
  trust_screenshot (GTK_WIDGET (fixture->window), "accept-all-bar.png");
  g_assert_false (ph_accept_all_get_active (grant) && ph_accept_all_get_remaining (grant) > 3);

  gui_wait_until (bar_hidden, bar, "the end of the three seconds");
  g_assert_false (ph_accept_all_get_active (grant));

  g_clear_object (&grant);
  grant = g_object_ref (ph_devices_accept_all (trust_fixture_devices (fixture), study, "Study Laptop", PH_ACCEPT_ALL_SECONDS));
  wait_bar (bar, "Accepting everything from “Study Laptop” · 10 min left");
  ph_accept_all_bar_stop (bar);
  g_assert_false (ph_accept_all_get_active (grant));
  gui_wait_until (bar_hidden, bar, "the bar to go on Stop");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = trust_init (&argc, &argv);
  int ret;

  /* Under LANGUAGE=zh_CN, only the page: the other cases check English words. */
  chinese = g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "zh");

#define ADD(path, func, data) \
  g_test_add ("/posthouse/gui/devices/" path, Fixture, data, trust_fixture_set_up, func, trust_fixture_tear_down)

  ADD ("page", test_page, NULL);
  if (!chinese)
    {
      ADD ("page-follows-file", test_page_follows_file, NULL);
      ADD ("accept-all-bar", test_accept_all_bar, NULL);
    }

  ret = g_test_run ();
  ph_test_rm_rf (data_home);
  return ret;
}
