/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"

/* Sends @path, waits for both sides, checks the saved copy. */
static void
roundtrip (Fixture    *f,
           const char *path,
           const char *expected_name)
{
  g_autoptr(PhSender) sender = ph_sender_new ();
  g_autoptr(SendResult) r = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *sum_in = NULL;
  g_autofree char *sum_out = NULL;
  guint index = f->received->len;
  PhTransfer *in;

  r = send_file (sender, path, f->destination);
  WAIT_UNTIL (r->done);
  in = wait_received (f, index);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpstr (ph_transfer_get_error_message (in), ==, NULL);
  g_assert_no_error (r->error);
  g_assert_cmpint (ph_transfer_get_state (r->transfer), ==, PH_TRANSFER_DONE);

  in = wait_received (f, index);
  WAIT_UNTIL (ph_transfer_is_finished (in));
  g_assert_cmpstr (ph_transfer_get_error_message (in), ==, NULL);
  g_assert_cmpint (ph_transfer_get_state (in), ==, PH_TRANSFER_DONE);
  g_assert_cmpstr (ph_transfer_get_name (in), ==, expected_name);
  g_assert_cmpint (ph_transfer_get_size (in), ==, ph_transfer_get_size (r->transfer));
  g_assert_cmpint (ph_transfer_get_bytes_done (in), ==, ph_transfer_get_size (in));
  g_assert_cmpint (ph_transfer_get_bytes_done (r->transfer), ==, ph_transfer_get_size (in));

  saved = g_build_filename (f->dst_dir, expected_name, NULL);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr(GFile) expected = g_file_new_for_path (saved);
    g_assert_true (g_file_equal (ph_transfer_get_file (in), expected));
  }

  sum_in = checksum_file (path);
  sum_out = checksum_file (saved);
  g_assert_cmpstr (sum_in, ==, sum_out);

  g_clear_pointer (&r, send_result_free);
  g_assert_finalize_object (g_steal_pointer (&sender));
}

static void
test_sizes (Fixture       *f,
            gconstpointer  data)
{
  const gsize sizes[] = { 0, 1, 1024 * 1024 + 1 };

  fixture_start (f, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%" G_GSIZE_FORMAT ".bin", sizes[i]);
      g_autofree char *path = make_file (f->src_dir, name, sizes[i], i);

      roundtrip (f, path, name);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/posthouse/loopback/sizes", Fixture, NULL,
              fixture_setup, test_sizes, fixture_teardown);

  return g_test_run ();
}
