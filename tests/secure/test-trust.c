/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhDevices, the list of devices: kept on disk whole or not at all,
 * shared by programs changing it at once, followed when another program
 * changes it, kept aside when damaged; and who is trusted how. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ph-devices-private.h"
#include "ph-test-util.h"
#include "secure-rig.h"

typedef struct
{
  char *tmp;
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->tmp = ph_test_make_tmp_dir ("posthouse-trust-XXXXXX");
  fixture->dir = g_build_filename (fixture->tmp, "posthouse", "devices", NULL);
  fixture->path = g_build_filename (fixture->dir, "devices.ini", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ph_test_rm_rf (fixture->tmp);
  g_free (fixture->tmp);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_remembered (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autoptr(PhDevices) again = NULL;
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *short_form = ph_fingerprint_format_short (study);
  PhDevice *device;
  GStatBuf st;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (devices)), ==, 0);
  g_assert_null (ph_devices_lookup (devices, study));

  ph_devices_record_seen (devices, study, "Study Laptop", "192.168.7.20", "192.168.7.20:6666", "0123abcd");
  /* At once in this process, before the file. */
  device = ph_devices_lookup (devices, study);
  g_assert_nonnull (device);
  g_assert_cmpstr (ph_device_get_name (device), ==, "Study Laptop");
  g_assert_cmpint (ph_device_get_state (device), ==, PH_DEVICE_KNOWN);
  g_assert_cmpint (ph_device_get_last_seen (device), >, 0);
  secure_rig_flush_devices (devices);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (fixture->dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);

  again = secure_rig_open_devices (fixture->path);
  device = ph_devices_lookup (again, study);
  g_assert_nonnull (device);
  g_assert_cmpstr (ph_device_get_name (device), ==, "Study Laptop");
  g_assert_cmpstr (ph_device_get_last_address (device), ==, "192.168.7.20");
  g_assert_cmpstr (ph_device_get_receiver_address (device), ==, "192.168.7.20:6666");
  g_assert_cmpstr (ph_device_get_installation_id (device), ==, "0123abcd");
  g_assert_cmpstr (ph_device_get_short_fingerprint (device), ==, short_form);
  g_assert_true (ph_devices_lookup_receiver (again, "192.168.7.20:6666") == device);
  g_assert_null (ph_devices_lookup_receiver (again, "192.168.7.20:6667"));
}

static void
test_states (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autoptr(PhDevices) again = NULL;
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *desk = secure_rig_key ("desk");
  guint changes = 0;
  PhDevice *device;

  g_signal_connect (devices, "items-changed", G_CALLBACK (count_changes_cb), &changes);

  ph_devices_pair (devices, study, "Study Laptop");
  g_assert_cmpuint (changes, ==, 1);
  device = ph_devices_lookup (devices, study);
  g_assert_true (ph_device_is_paired (device));
  g_assert_cmpint (ph_device_get_paired_since (device), >, 0);

  /* Seen again: still paired, no new item. */
  ph_devices_record_seen (devices, study, "Study Laptop (2)", NULL, NULL, NULL);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (ph_device_is_paired (device));
  g_assert_cmpstr (ph_device_get_name (device), ==, "Study Laptop (2)");

  ph_devices_block (devices, study, NULL);
  g_assert_cmpint (ph_device_get_state (device), ==, PH_DEVICE_BLOCKED);
  g_assert_cmpint (ph_device_get_paired_since (device), ==, 0);
  /* Unblocked is known, not paired again. */
  g_assert_true (ph_devices_unblock (devices, study));
  g_assert_cmpint (ph_device_get_state (device), ==, PH_DEVICE_KNOWN);
  g_assert_false (ph_devices_unblock (devices, study));

  /* Blocking a key never seen remembers it, blocked. */
  ph_devices_block (devices, desk, NULL);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpint (ph_device_get_state (ph_devices_lookup (devices, desk)), ==, PH_DEVICE_BLOCKED);
  secure_rig_flush_devices (devices);

  again = secure_rig_open_devices (fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  g_assert_cmpint (ph_device_get_state (ph_devices_lookup (again, desk)), ==, PH_DEVICE_BLOCKED);
  g_clear_object (&again);

  g_assert_true (ph_devices_forget (devices, study));
  g_assert_false (ph_devices_forget (devices, study));
  g_assert_cmpuint (changes, ==, 3);
  g_assert_null (ph_devices_lookup (devices, study));
  secure_rig_flush_devices (devices);

  again = secure_rig_open_devices (fixture->path);
  g_assert_null (ph_devices_lookup (again, study));
  g_assert_nonnull (ph_devices_lookup (again, desk));
}

/* Two lists on one file in one process: flock() is per open file, so
 * they exclude each other as two programs would. */
static gboolean
has_both (gpointer data)
{
  PhDevices **lists = data;
  g_autofree char *a = secure_rig_key ("a");
  g_autofree char *b = secure_rig_key ("b");

  return ph_devices_lookup (lists[0], b) != NULL && ph_devices_lookup (lists[1], a) != NULL;
}

static void
test_two_lists (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(PhDevices) first = secure_rig_open_devices (fixture->path);
  g_autoptr(PhDevices) second = secure_rig_open_devices (fixture->path);
  g_autofree char *a = secure_rig_key ("a");
  g_autofree char *b = secure_rig_key ("b");
  PhDevices *lists[2] = { first, second };

  /* Both change before either wrote: neither loses the other's. */
  ph_devices_pair (first, a, "A");
  ph_devices_block (second, b, "B");
  secure_rig_flush_devices (first);
  secure_rig_flush_devices (second);

  secure_rig_iterate_until_true (has_both, lists, 10000);
  g_assert_true (ph_device_is_paired (ph_devices_lookup (second, a)));
  g_assert_cmpint (ph_device_get_state (ph_devices_lookup (first, b)), ==, PH_DEVICE_BLOCKED);
}

static char *self_path;

#define N_CHILDREN 6
#define N_PER_CHILD 15

static void
child_write (const char *path,
             const char *who)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (path);

  for (guint i = 0; i < N_PER_CHILD; i++)
    {
      g_autofree char *seed = g_strdup_printf ("%s-%u", who, i);
      g_autofree char *fingerprint = secure_rig_key (seed);

      if (i % 3 == 0)
        ph_devices_pair (devices, fingerprint, seed);
      else
        ph_devices_record_seen (devices, fingerprint, seed, NULL, NULL, NULL);
      /* A write each: as many rounds of the lock as possible. */
      secure_rig_flush_devices (devices);
    }
}

/* Programs changing the list at once lose nothing of each other's. */
static void
test_processes (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(PhDevices) after = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  for (guint i = 0; i < N_CHILDREN; i++)
    {
      g_autofree char *who = g_strdup_printf ("child%u", i);
      /* Not /proc/self/exe: under valgrind that is valgrind. */
      GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_path,
                                             "--write", fixture->path, who, NULL);

      g_assert_no_error (error);
      g_ptr_array_add (children, child);
    }
  /* And this one too, meanwhile. */
  child_write (fixture->path, "parent");

  for (guint i = 0; i < N_CHILDREN; i++)
    {
      g_subprocess_wait (g_ptr_array_index (children, i), NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_successful (g_ptr_array_index (children, i)));
    }

  after = secure_rig_open_devices (fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, (N_CHILDREN + 1) * N_PER_CHILD);
  for (guint i = 0; i <= N_CHILDREN; i++)
    for (guint j = 0; j < N_PER_CHILD; j++)
      {
        g_autofree char *seed = i < N_CHILDREN ? g_strdup_printf ("child%u-%u", i, j)
                                               : g_strdup_printf ("parent-%u", j);
        g_autofree char *fingerprint = secure_rig_key (seed);
        PhDevice *device = ph_devices_lookup (after, fingerprint);

        g_assert_nonnull (device);
        g_assert_cmpstr (ph_device_get_name (device), ==, seed);
        g_assert_cmpint (ph_device_is_paired (device), ==, j % 3 == 0);
      }

  /* No temporary file left behind. */
  dir = g_dir_open (fixture->dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_true (g_str_equal (name, "devices.ini") || g_str_equal (name, "devices.ini.lock"));
}

static gboolean
sees_device (gpointer data)
{
  PhDevices *devices = data;
  g_autofree char *desk = secure_rig_key ("desk");
  PhDevice *device = ph_devices_lookup (devices, desk);

  return device != NULL && ph_device_is_paired (device);
}

static gboolean
forgot_device (gpointer data)
{
  PhDevices *devices = data;

  return g_list_model_get_n_items (G_LIST_MODEL (devices)) == 0;
}

/* What another program writes shows here without asking. */
static void
test_monitor (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(PhDevices) watching = secure_rig_open_devices (fixture->path);
  g_autofree char *desk = secure_rig_key ("desk");
  guint changes = 0;

  g_signal_connect (watching, "items-changed", G_CALLBACK (count_changes_cb), &changes);

  {
    g_autoptr(PhDevices) other = secure_rig_open_devices (fixture->path);

    ph_devices_pair (other, desk, "Desk");
    secure_rig_flush_devices (other);
  }
  secure_rig_iterate_until_true (sees_device, watching, 10000);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpstr (ph_device_get_name (ph_devices_lookup (watching, desk)), ==, "Desk");

  {
    g_autoptr(PhDevices) other = secure_rig_open_devices (fixture->path);

    ph_devices_forget (other, desk);
    secure_rig_flush_devices (other);
  }
  secure_rig_iterate_until_true (forgot_device, watching, 10000);
  g_assert_cmpuint (changes, ==, 2);
}

static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  const char *garbage = data;
  g_autoptr(PhDevices) devices = ph_devices_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *study = secure_rig_key ("study");

  g_mkdir_with_parents (fixture->dir, 0700);
  g_file_set_contents (fixture->path, garbage, -1, &error);
  g_assert_no_error (error);

  g_assert_false (ph_devices_load (devices, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_TRUST_STORE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "devices.ini.damaged-"));
  g_assert_nonnull (ph_devices_get_write_error (devices));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (devices)), ==, 0);
  g_clear_error (&error);

  /* Kept aside whole, under a name of its own. */
  names = ph_test_list_dir (fixture->dir);
  for (guint i = 0; i < names->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (names, i), "devices.ini.damaged-"))
      aside = g_build_filename (fixture->dir, g_ptr_array_index (names, i), NULL);
  g_assert_nonnull (aside);
  g_file_get_contents (aside, &kept, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, garbage);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  /* The new list works. */
  ph_devices_pair (devices, study, "Study Laptop");
  secure_rig_flush_devices (devices);
  g_clear_object (&devices);
  devices = secure_rig_open_devices (fixture->path);
  g_assert_true (ph_device_is_paired (ph_devices_lookup (devices, study)));
}

/* What this version does not understand is kept as it is. */
static void
test_unknown_kept (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *text = g_strdup_printf ("[Posthouse Devices]\nVersion=1\nLater=kept\n\n"
                                           "[Device not-a-fingerprint]\nName=Odd\n\n"
                                           "[Device %s]\nName=Study Laptop\nState=trusted-later\n"
                                           "Colour=green\n", study);
  g_autoptr(PhDevices) devices = ph_devices_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) written = g_key_file_new ();
  g_autofree char *group = ph_devices_group_name (study);
  g_autofree char *desk = secure_rig_key ("desk");
  g_autofree char *colour = NULL;

  g_mkdir_with_parents (fixture->dir, 0700);
  g_file_set_contents (fixture->path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ph_devices_load (devices, &error));

  /* An unknown state is no trust. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (devices)), ==, 1);
  g_assert_cmpint (ph_device_get_state (ph_devices_lookup (devices, study)), ==, PH_DEVICE_KNOWN);

  ph_devices_pair (devices, desk, "Desk");
  secure_rig_flush_devices (devices);
  g_key_file_load_from_file (written, fixture->path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_key_file_has_group (written, "Device not-a-fingerprint"));
  colour = g_key_file_get_string (written, group, "Colour", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (colour, ==, "green");
}

/* A list that cannot be saved says so, and keeps its changes in memory. */
static void
test_write_fails (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (fixture->tmp, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, "devices.ini", NULL);
  g_autoptr(PhDevices) devices = ph_devices_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *study = secure_rig_key ("study");

  g_file_set_contents (blocker, "a file", -1, &error);
  g_assert_no_error (error);
  g_assert_true (ph_devices_load (devices, &error) || error != NULL);
  g_clear_error (&error);

  ph_devices_pair (devices, study, "Study Laptop");
  g_assert_false (ph_devices_flush (devices, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "devices.ini"));
  g_assert_nonnull (ph_devices_get_write_error (devices));
  g_assert_true (ph_device_is_paired (ph_devices_lookup (devices, study)));
}

static void
test_default_path (void)
{
  g_autofree char *path = ph_devices_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "posthouse", "devices",
                                                "devices.ini", NULL);

  g_assert_cmpstr (path, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  /* The helper of the processes test: change the list, flush, exit. */
  if (argc == 4 && strcmp (argv[1], "--write") == 0)
    {
      child_write (argv[2], argv[3]);
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  self_path = g_canonicalize_filename (argv[0], NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/trust/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("remembered", test_remembered, NULL);
  ADD ("states", test_states, NULL);
  ADD ("two-lists", test_two_lists, NULL);
  ADD ("processes", test_processes, NULL);
  ADD ("monitor", test_monitor, NULL);
  ADD ("damaged/garbage", test_damaged, "this is not a list\n");
  ADD ("damaged/binary", test_damaged, "\x89PNG\r\n\x1a\n\x7f\x01binary");
  ADD ("damaged/no-group", test_damaged, "Name=Study Laptop\n");
  ADD ("unknown-kept", test_unknown_kept, NULL);
  ADD ("write-fails", test_write_fails, NULL);
  g_test_add_func ("/posthouse/trust/default-path", test_default_path);

  ret = g_test_run ();
  g_free (self_path);
  return ret;
}
