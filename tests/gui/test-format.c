/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>
#include <math.h>

#include <glib/gstdio.h>

#include "ph-error.h"
#include "ph-interfaces.h"
#include "ph-format.h"
#include "ph-transfer-private.h"

/* g_format_size puts a no-break space between number and unit. */
#define NBSP "\xc2\xa0"

static void
assert_text (char       *text,
             const char *expected)
{
  g_autofree char *owned = text;
  g_autofree char *normal = NULL;
  GString *s = g_string_new (owned);

  g_string_replace (s, NBSP, " ", 0);
  normal = g_string_free (s, FALSE);
  g_assert_cmpstr (normal, ==, expected);
}

static void
test_size (void)
{
  assert_text (ph_format_size (0), "0 bytes");
  assert_text (ph_format_size (1), "1 byte");
  assert_text (ph_format_size (999), "999 bytes");
  assert_text (ph_format_size (12300000), "12.3 MB");
  assert_text (ph_format_size (45000000), "45.0 MB");
  assert_text (ph_format_size (G_GINT64_CONSTANT (5368709120)), "5.4 GB");
  assert_text (ph_format_size (-5), "0 bytes");
}

static void
test_speed (void)
{
  assert_text (ph_format_speed (110e6), "110.0 MB/s");
  assert_text (ph_format_speed (1500), "1.5 kB/s");
  assert_text (ph_format_speed (0), "0 bytes/s");
  assert_text (ph_format_speed (-1), "0 bytes/s");
  assert_text (ph_format_speed (NAN), "0 bytes/s");
}

static void
test_time_left (void)
{
  g_assert_null (ph_format_time_left (-1));
  assert_text (ph_format_time_left (0), "0 s left");
  assert_text (ph_format_time_left (3), "3 s left");
  assert_text (ph_format_time_left (59), "59 s left");
  assert_text (ph_format_time_left (60), "1 min left");
  assert_text (ph_format_time_left (61), "2 min left");
  assert_text (ph_format_time_left (3540), "59 min left");
  assert_text (ph_format_time_left (3599), "1 h left");
  assert_text (ph_format_time_left (3600), "1 h left");
  assert_text (ph_format_time_left (3601), "1 h 1 min left");
  assert_text (ph_format_time_left (5400), "1 h 30 min left");
  assert_text (ph_format_time_left (40000), "11 h left");
}

static void
test_progress (void)
{
  assert_text (ph_format_progress (12300000, 45000000, 110e6, 3),
               "12.3 MB of 45.0 MB · 110.0 MB/s · 3 s left");
  /* Unknown speed and time left are left out, not shown as zero. */
  assert_text (ph_format_progress (0, 45000000, 0, -1), "0 bytes of 45.0 MB");
  assert_text (ph_format_progress (500, 1000, 250, -1), "500 bytes of 1.0 kB · 250 bytes/s");
}

static void
test_peer (void)
{
  assert_text (ph_format_peer ("192.168.1.50:6666", TRUE), "192.168.1.50");
  assert_text (ph_format_peer ("192.168.1.50:7000", TRUE), "192.168.1.50:7000");
  assert_text (ph_format_peer ("192.168.1.50:54321", FALSE), "192.168.1.50");
  assert_text (ph_format_peer ("192.168.1.50", TRUE), "192.168.1.50");
  assert_text (ph_format_peer ("[::1]:7000", FALSE), "::1");
  assert_text (ph_format_peer (NULL, FALSE), "");
}

/* The receive folder as the panel and Preferences show it, with the
 * home and config folders that main() made for this test. */
static void
test_folder (void)
{
  const char *home = g_get_home_dir ();
  g_autofree char *downloads = g_build_filename (home, "Downloads", NULL);
  g_autofree char *downloads_slash = g_strconcat (downloads, G_DIR_SEPARATOR_S, NULL);
  g_autofree char *inbox = g_build_filename (home, "Pictures", "inbox", NULL);
  g_autofree char *music = g_build_filename (home, "Music", NULL);
  g_autofree char *beside = g_strconcat (home, "-other", NULL);
  g_autofree char *beside_expected = g_filename_display_name (beside);

  g_assert_cmpstr (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD), ==, downloads);

  assert_text (ph_format_folder (downloads), "Downloads");
  assert_text (ph_format_folder (downloads_slash), "Downloads");
  assert_text (ph_format_folder (home), "Home");
  assert_text (ph_format_folder (inbox), "~/Pictures/inbox");
  /* The music folder is disabled (it is the home folder itself). */
  assert_text (ph_format_folder (music), "~/Music");
  assert_text (ph_format_folder (beside), beside_expected);
  assert_text (ph_format_folder ("/srv/shared/"), "/srv/shared");
  assert_text (ph_format_folder ("/"), "/");
}

/* GLib reads HOME and the XDG user dirs once, so they are set before
 * anything asks for them. */
static char *
make_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("test-format-XXXXXX", &error);
  g_autofree char *home = NULL;
  g_autofree char *config = NULL;
  g_autofree char *dirs = NULL;

  g_assert_no_error (error);
  home = g_build_filename (tmp, "home", NULL);
  config = g_build_filename (tmp, "config", NULL);
  dirs = g_build_filename (config, "user-dirs.dirs", NULL);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (config, 0700), ==, 0);
  g_file_set_contents (dirs,
                       "XDG_DOWNLOAD_DIR=\"$HOME/Downloads\"\n"
                       "XDG_PICTURES_DIR=\"$HOME/Pictures\"\n"
                       "XDG_MUSIC_DIR=\"$HOME/\"\n",
                       -1, &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  return g_steal_pointer (&tmp);
}

static void
remove_home (const char *tmp)
{
  g_autofree char *home = g_build_filename (tmp, "home", NULL);
  g_autofree char *config = g_build_filename (tmp, "config", NULL);
  g_autofree char *dirs = g_build_filename (config, "user-dirs.dirs", NULL);

  g_remove (dirs);
  g_rmdir (config);
  g_rmdir (home);
  g_rmdir (tmp);
}

/* What the receive panel offers: addresses another machine can use. */
static void
test_local_addresses (void)
{
  g_autoptr(GPtrArray) addresses = ph_interface_list_addresses ();
  gboolean seen_v6 = FALSE;

  for (guint i = 0; i < addresses->len; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (g_ptr_array_index (addresses, i));

      g_assert_nonnull (address);
      g_assert_false (g_inet_address_get_is_loopback (address));
      g_assert_false (g_inet_address_get_is_link_local (address));
      /* IPv4 ones come first. */
      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
        seen_v6 = TRUE;
      else
        g_assert_false (seen_v6);
    }
}

static PhTransfer *
add_incoming (PhBatch         *batch,
              const char      *name,
              gint64           size,
              PhTransferState  state)
{
  g_autoptr(PhTransfer) transfer = ph_transfer_new_incoming ("192.168.1.7:40000", name, size);

  ph_transfer_set_state (transfer, state);
  if (state == PH_TRANSFER_DONE)
    ph_transfer_set_bytes_done (transfer, size);
  ph_batch_add (batch, transfer);
  return transfer;  /* the batch keeps it */
}

static void
assert_notification (PhBatch    *batch,
                     const char *title,
                     const char *body)
{
  g_autofree char *t = NULL;
  g_autofree char *b = NULL;

  g_assert_true (ph_format_batch_notification (batch, &t, &b));
  assert_text (g_strdup (t), title);
  assert_text (g_strdup (b), body);
}

/* What a batch row and its notification say, from asking to done. */
static void
test_batch_incoming (void)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.168.1.7", NULL);
  g_autoptr(GError) full = g_error_new_literal (PH_ERROR, PH_ERROR_NO_SPACE, "No space left");
  PhTransfer *first;
  PhTransfer *second;
  PhTransfer *third;

  first = add_incoming (batch, "a.jpg", 1000, PH_TRANSFER_WAITING);
  assert_text (ph_format_batch_status (batch), "Wants to send you 1.0 kB");
  assert_notification (batch, "192.168.1.7 (not encrypted) wants to send you files", "a.jpg (1.0 kB)");
  assert_text (ph_format_batch_peer (batch), "From 192.168.1.7 (not encrypted)");

  second = add_incoming (batch, "b.jpg", 2000, PH_TRANSFER_RECEIVING);
  third = add_incoming (batch, "c.jpg", 3000, PH_TRANSFER_RECEIVING);
  assert_notification (batch, "192.168.1.7 (not encrypted) wants to send you files", "3 files so far (6.0 kB)");

  /* (No receiver here: states are set as one would.) */
  ph_transfer_set_state (first, PH_TRANSFER_RECEIVING);
  assert_text (ph_format_batch_status (batch), "0 of 3 files · 0 bytes of 6.0 kB");
  assert_notification (batch, "Receiving 3 files from 192.168.1.7 (not encrypted)", "0 of 3 files · 0 bytes of 6.0 kB");

  ph_transfer_set_bytes_done (second, 2000);
  ph_transfer_set_state (second, PH_TRANSFER_DONE);
  ph_transfer_fail (third, full);
  ph_transfer_set_bytes_done (first, 1000);
  ph_transfer_set_state (first, PH_TRANSFER_DONE);
  assert_text (ph_format_batch_status (batch), "2 received, 1 failed: No space left");
  assert_notification (batch, "Received 2 of 3 files from 192.168.1.7 (not encrypted)", "1 failed: No space left");
}

static void
test_batch_outgoing (void)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_SEND, "192.168.1.50:7000", "holiday");
  g_autoptr(PhBatch) single = ph_batch_new (PH_TRANSFER_SEND, "192.168.1.50", NULL);
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp/beach.jpg");
  g_autoptr(GError) refused = g_error_new_literal (PH_ERROR, PH_ERROR_CONNECTION, "Connection refused");
  PhTransfer *transfer;

  for (guint i = 0; i < 2000; i++)
    {
      transfer = ph_batch_add_file (batch, file, 10000);
      ph_transfer_set_bytes_done (transfer, 10000);
      ph_transfer_set_state (transfer, PH_TRANSFER_DONE);
    }
  assert_text (ph_format_batch_peer (batch), "To 192.168.1.50:7000 (not encrypted)");
  assert_text (ph_format_batch_status (batch), "2000 files sent · 20.0 MB");
  assert_notification (batch, "Sent 2000 files to 192.168.1.50:7000 (not encrypted)", "20.0 MB");

  transfer = ph_batch_add_file (single, file, 5);
  assert_text (ph_format_batch_status (single), "Waiting for its turn");
  ph_transfer_fail (transfer, refused);
  assert_text (ph_format_batch_status (single), "Connection refused");
  assert_notification (single, "Couldn't send beach.jpg", "Connection refused");
  assert_text (ph_format_batch_peer (single), "To 192.168.1.50 (not encrypted)");
}

/* A failure in the window's words: the sender's temporary port gone,
 * the other side by its name, a received file's name not repeated. */
static void
test_reasons (void)
{
  g_autoptr(PhBatch) batch = ph_batch_new (PH_TRANSFER_RECEIVE, "192.168.1.7:40000", NULL);
  g_autoptr(GError) negative = g_error_new_literal (PH_ERROR, PH_ERROR_NEGATIVE_SIZE,
                                                    "192.168.1.7:40000 announced “evil.bin” with a negative size; refused");
  g_autoptr(GError) full = g_error_new_literal (PH_ERROR, PH_ERROR_NO_SPACE,
                                                "“big.iso” from 192.168.1.7:40000 needs 1.0 kB but only 1 byte are free; refused");
  g_autoptr(GError) shortened = g_error_new_literal (PH_ERROR, PH_ERROR_SHORT,
                                                     "The connection from 192.168.1.7:40000 ended after 500 bytes of 1.0 kB; nothing was saved");
  g_autoptr(GError) stalled = g_error_new_literal (PH_ERROR, PH_ERROR_TIMED_OUT,
                                                   "192.168.1.7:40000 sent nothing for 30 seconds after 0 bytes of 1.0 kB; nothing was saved");
  PhTransfer *transfer;

  assert_text (ph_format_reason ("“a.jpg” from 192.168.1.7:40000 needs 5 GB; refused", "192.168.1.7:40000", NULL, TRUE),
               "“a.jpg” from 192.168.1.7 needs 5 GB; refused");
  assert_text (ph_format_reason ("“a.jpg” from 192.168.1.7:40000 needs 5 GB; refused", "192.168.1.7:40000", "Study Laptop", TRUE),
               "“a.jpg” from Study Laptop needs 5 GB; refused");
  assert_text (ph_format_reason ("Could not connect to 192.168.1.50:7000 (No route to host)", "192.168.1.50:7000", NULL, FALSE),
               "Could not connect to 192.168.1.50:7000 (No route to host)");
  assert_text (ph_format_reason ("Could not connect to 192.168.1.50:7000 (No route to host)", "192.168.1.50:7000", "Desk", FALSE),
               "Could not connect to Desk (No route to host)");
  g_assert_null (ph_format_reason (NULL, "192.168.1.50", NULL, FALSE));

  transfer = add_incoming (batch, "evil.bin", -1, PH_TRANSFER_RECEIVING);
  ph_transfer_fail (transfer, negative);
  assert_text (ph_format_batch_status (batch), "Refused: the sender announced a negative size");
  assert_notification (batch, "Couldn't receive evil.bin", "Refused: the sender announced a negative size");

  transfer = ph_transfer_new_incoming ("192.168.1.7:40000", "big.iso", 1000);
  ph_transfer_fail (transfer, full);
  assert_text (ph_format_transfer_status (transfer), "Refused: not enough free space for 1.0 kB");
  g_object_unref (transfer);

  transfer = ph_transfer_new_incoming ("192.168.1.7:40000", "cut.bin", 1000);
  ph_transfer_set_state (transfer, PH_TRANSFER_RECEIVING);
  ph_transfer_set_bytes_done (transfer, 500);
  ph_transfer_fail (transfer, shortened);
  assert_text (ph_format_transfer_status (transfer), "The sender stopped after 500 bytes of 1.0 kB; nothing was saved");
  g_object_unref (transfer);

  transfer = ph_transfer_new_incoming ("192.168.1.7:40000", "slow.bin", 1000);
  ph_transfer_fail (transfer, stalled);
  assert_text (ph_format_transfer_status (transfer), "192.168.1.7 sent nothing for 30 seconds after 0 bytes of 1.0 kB; nothing was saved");
  g_object_unref (transfer);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp = make_home ();
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/format/size", test_size);
  g_test_add_func ("/posthouse/format/speed", test_speed);
  g_test_add_func ("/posthouse/format/time-left", test_time_left);
  g_test_add_func ("/posthouse/format/progress", test_progress);
  g_test_add_func ("/posthouse/format/peer", test_peer);
  g_test_add_func ("/posthouse/format/folder", test_folder);
  g_test_add_func ("/posthouse/format/local-addresses", test_local_addresses);
  g_test_add_func ("/posthouse/format/batch-incoming", test_batch_incoming);
  g_test_add_func ("/posthouse/format/batch-outgoing", test_batch_outgoing);
  g_test_add_func ("/posthouse/format/reasons", test_reasons);

  ret = g_test_run ();
  remove_home (tmp);

  return ret;
}
