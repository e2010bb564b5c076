/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Receive files when I log in" outside a sandbox: the XDG autostart entry
 * is written when the preference goes on, valid for desktop-file-validate,
 * and removed when it goes off. Runs in a private XDG_CONFIG_HOME. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ph-test-util.h"

#include "ph-autostart.h"

#define KEY "receive-at-login"
#define WAIT_TIMEOUT_S 30

typedef struct
{
  GSettings   *settings;      /* the keys, as gsettings would set them */
  PhSettings  *app_settings;  /* what the application follows */
  PhAutostart *autostart;
  char        *path;
  guint        n_failed;
  GError      *error;
} Fixture;

static char *config_home;

static void
failed_cb (PhAutostart  *autostart,
           const GError *error,
           Fixture      *fixture)
{
  fixture->n_failed++;
  g_clear_error (&fixture->error);
  fixture->error = g_error_copy (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->settings = g_settings_new (APPLICATION_ID);
  g_settings_reset (fixture->settings, KEY);
  fixture->path = ph_autostart_dup_entry_path ();
  g_assert_true (g_str_has_prefix (fixture->path, config_home));
}

static void
start (Fixture *fixture)
{
  fixture->app_settings = ph_settings_new ();
  fixture->autostart = ph_autostart_new (fixture->app_settings);
  g_assert_false (ph_autostart_get_sandboxed (fixture->autostart));
  g_signal_connect (fixture->autostart, "failed", G_CALLBACK (failed_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->autostart != NULL)
    g_assert_finalize_object (fixture->autostart);
  if (fixture->app_settings != NULL)
    g_assert_finalize_object (fixture->app_settings);
  g_clear_object (&fixture->settings);
  g_clear_error (&fixture->error);
  g_free (fixture->path);

  ph_test_rm_rf (config_home);
  g_mkdir_with_parents (config_home, 0700);
}

typedef gboolean (*Condition) (Fixture *fixture);

static void
wait_until (Condition   condition,
            Fixture    *fixture,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC;

  while (!condition (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for: %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
entry_exists (Fixture *fixture)
{
  return g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR);
}

static gboolean
entry_gone (Fixture *fixture)
{
  return !g_file_test (fixture->path, G_FILE_TEST_EXISTS);
}

static gboolean
has_failed (Fixture *fixture)
{
  return fixture->n_failed > 0;
}

/* Settles: whatever is under way has finished. */
static void
drain (void)
{
  for (guint i = 0; i < 200; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static void
assert_valid_desktop_file (const char *path)
{
  const char *validate = g_getenv ("PH_DESKTOP_FILE_VALIDATE");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (validate == NULL || validate[0] == '\0')
    {
      g_test_message ("desktop-file-validate not installed: not validated");
      return;
    }

  g_spawn_sync (NULL, (char *[]) { (char *) validate, (char *) path, NULL }, NULL,
                G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("desktop-file-validate: %s%s", out, err);
  /* It exits 0 on some errors ("will be fatal in the future"): any word is a failure. */
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "");
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static void
test_entry (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *type = NULL;

  start (fixture);
  g_assert_true (entry_gone (fixture));

  g_settings_set_boolean (fixture->settings, KEY, TRUE);
  wait_until (entry_exists, fixture, "the autostart entry");
  assert_valid_desktop_file (fixture->path);

  g_key_file_load_from_file (entry, fixture->path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  type = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, NULL);
  g_assert_cmpstr (type, ==, "Application");
  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, NULL);
  g_assert_cmpstr (exec, ==, "posthouse --background");
  /* D-Bus activation would open the window: it must start as a command. */
  g_assert_false (g_key_file_has_key (entry, G_KEY_FILE_DESKTOP_GROUP, "DBusActivatable", NULL));

  g_settings_set_boolean (fixture->settings, KEY, FALSE);
  wait_until (entry_gone, fixture, "the autostart entry to be removed");

  drain ();
  g_assert_cmpuint (fixture->n_failed, ==, 0);
}

/* On, off and on again faster than the disk: the last word counts. */
static void
test_quick_changes (Fixture       *fixture,
                    gconstpointer  data)
{
  start (fixture);

  for (guint i = 0; i < 5; i++)
    {
      g_settings_set_boolean (fixture->settings, KEY, TRUE);
      g_settings_set_boolean (fixture->settings, KEY, FALSE);
    }
  g_settings_set_boolean (fixture->settings, KEY, TRUE);
  drain ();
  wait_until (entry_exists, fixture, "the autostart entry");

  g_settings_set_boolean (fixture->settings, KEY, FALSE);
  g_settings_set_boolean (fixture->settings, KEY, TRUE);
  g_settings_set_boolean (fixture->settings, KEY, FALSE);
  drain ();
  wait_until (entry_gone, fixture, "the autostart entry to be removed");
  g_assert_cmpuint (fixture->n_failed, ==, 0);
}

/* The folder cannot be made: said, and the preference is off again. */
static void
test_write_fails (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (dir, "not a folder", -1, &error);
  g_assert_no_error (error);

  start (fixture);
  g_settings_set_boolean (fixture->settings, KEY, TRUE);
  wait_until (has_failed, fixture, "the failure");

  g_assert_nonnull (fixture->error);
  g_assert_nonnull (strstr (fixture->error->message, dir));
  g_assert_false (g_settings_get_boolean (fixture->settings, KEY));
  drain ();
  g_assert_cmpuint (fixture->n_failed, ==, 1);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_REGULAR));
}

/* Removed by hand (GNOME Tweaks, rm) while Posthouse was not running. */
static void
test_removed_by_hand (Fixture       *fixture,
                      gconstpointer  data)
{
  g_settings_set_boolean (fixture->settings, KEY, TRUE);
  g_assert_true (entry_gone (fixture));

  start (fixture);
  g_assert_false (g_settings_get_boolean (fixture->settings, KEY));
  drain ();
  g_assert_true (entry_gone (fixture));
  g_assert_cmpuint (fixture->n_failed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before anything reads it: the user's own folder is never touched. */
  config_home = ph_test_make_tmp_dir ("posthouse-autostart-XXXXXX");
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/posthouse/autostart/entry", Fixture, NULL,
              fixture_set_up, test_entry, fixture_tear_down);
  g_test_add ("/posthouse/autostart/quick-changes", Fixture, NULL,
              fixture_set_up, test_quick_changes, fixture_tear_down);
  g_test_add ("/posthouse/autostart/write-fails", Fixture, NULL,
              fixture_set_up, test_write_fails, fixture_tear_down);
  g_test_add ("/posthouse/autostart/removed-by-hand", Fixture, NULL,
              fixture_set_up, test_removed_by_hand, fixture_tear_down);

  status = g_test_run ();
  ph_test_rm_rf (config_home);
  g_free (config_home);

  return status;
}
