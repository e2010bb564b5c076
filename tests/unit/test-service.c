/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What discovery announces and how it reads what others announce,
 * without a network: TXT records, names, addresses, the installation
 * id, the device name. */
#include "config.h"

#include <net/if.h>
#include <string.h>

#include <glib/gstdio.h>

#include "posthouse-core.h"
#include "ph-test-hostnamed.h"
#include "ph-test-util.h"

#define ID "0123456789abcdef0123456789abcdef"

static void
test_txt_build (void)
{
  g_auto(GStrv) plain = ph_dns_sd_txt_build (ID, FALSE, FALSE);
  g_auto(GStrv) both = ph_dns_sd_txt_build (ID, TRUE, TRUE);
  const char * const expected_plain[] = { "txtvers=1", "id=" ID, "ask=0", "paths=0", NULL };
  const char * const expected_both[] = { "txtvers=1", "id=" ID, "ask=1", "paths=1", NULL };

  g_assert_cmpstrv (plain, expected_plain);
  g_assert_cmpstrv (both, expected_both);
}

static void
test_txt_parse (void)
{
  static const struct {
    const char *pairs[6];
    const char *id;
    gboolean    asks;
    gboolean    paths;
  } cases[] = {
    { { "txtvers=1", "id=" ID, "ask=1", "paths=1" }, ID, TRUE, TRUE },
    { { "txtvers=1", "id=" ID, "ask=0", "paths=0" }, ID, FALSE, FALSE },
    /* Keys are case-insensitive, ids are read in lower case. */
    { { "ID=0123456789ABCDEF0123456789ABCDEF", "ASK=1", "Paths=1" }, ID, TRUE, TRUE },
    /* The first occurrence of a key counts (RFC 6763, 6.4). */
    { { "ask=0", "ask=1", "id=" ID, "id=ffffffffffffffffffffffffffffffff" }, ID, FALSE, FALSE },
    /* Anything unexpected reads as "no". */
    { { "ask", "paths=", "id=" }, NULL, FALSE, FALSE },
    { { "ask=true", "paths=yes", "id=0123" }, NULL, FALSE, FALSE },
    { { "ask=11", "paths= 1", "id=0123456789abcdef0123456789abcdeg" }, NULL, FALSE, FALSE },
    { { "id=0123456789abcdef0123456789abcdef0" }, NULL, FALSE, FALSE },
    { { "=1", "", "x=y" }, NULL, FALSE, FALSE },
    { { NULL }, NULL, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PhDnsSdTxt txt;

      g_test_message ("case %u", i);
      ph_dns_sd_txt_parse (cases[i].pairs, NULL, &txt);
      g_assert_cmpstr (txt.id, ==, cases[i].id);
      g_assert_cmpint (txt.asks, ==, cases[i].asks);
      g_assert_cmpint (txt.accepts_paths, ==, cases[i].paths);
      ph_dns_sd_txt_clear (&txt);
      g_assert_null (txt.id);
    }
}

static void
test_txt_parse_binary (void)
{
  /* TXT strings are bytes: a NUL inside a value is not its end. */
  const char id_with_nul[] = "id=0123456789abcdef\0" "123456789abcdef";
  const char ask_with_nul[] = "ask=1\0";
  const char * const pairs[] = { id_with_nul, ask_with_nul, "paths=1", NULL };
  const gssize lengths[] = { sizeof id_with_nul - 1, sizeof ask_with_nul - 1, -1 };
  PhDnsSdTxt txt;

  ph_dns_sd_txt_parse (pairs, lengths, &txt);
  g_assert_null (txt.id);
  g_assert_false (txt.asks);
  g_assert_true (txt.accepts_paths);
  ph_dns_sd_txt_clear (&txt);

  ph_dns_sd_txt_parse (NULL, NULL, &txt);
  g_assert_null (txt.id);
}

static void
test_id_valid (void)
{
  g_assert_true (ph_dns_sd_id_is_valid (ID));
  g_assert_true (ph_dns_sd_id_is_valid ("0123456789ABCDEF0123456789ABCDEF"));
  g_assert_false (ph_dns_sd_id_is_valid (NULL));
  g_assert_false (ph_dns_sd_id_is_valid (""));
  g_assert_false (ph_dns_sd_id_is_valid ("0123456789abcdef0123456789abcde"));
  g_assert_false (ph_dns_sd_id_is_valid ("0123456789abcdef0123456789abcdef0"));
  g_assert_false (ph_dns_sd_id_is_valid ("0123456789abcdef 123456789abcdef"));
}

static void
test_clip_name (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "Alice’s Laptop", "Alice’s Laptop" },
    { "  padded  ", "padded" },
    { "tab\there\nnewline", "tab here newline" },
    { "bell\a", "bell" },
    { "line\xe2\x80\xa8separator", "line separator" },
    { "bad \xff utf8", "bad \xef\xbf\xbd utf8" },
    { "", "Posthouse" },
    { " \t\n", "Posthouse" },
    { NULL, "Posthouse" },
    /* 63 bytes at most, cut between characters: 21 × "日" is 63 bytes. */
    { "日日日日日日日日日日日日日日日日日日日日日日", "日日日日日日日日日日日日日日日日日日日日日" },
    { "a日日日日日日日日日日日日日日日日日日日日日", "a日日日日日日日日日日日日日日日日日日日日" },
    /* Cleaned as every name from elsewhere is: nothing invisible, no
     * override, one way of writing it, single spaces. */
    { "Study Laptop\u200B", "Study Laptop" },
    { "\uFEFFStudy\u00A0\u00A0Laptop\u202F", "Study Laptop" },
    { "Study\u202Epot\u202CLa", "Study_pot_La" },
    { "\u2067Study\u2069", "_Study_" },
    { "\u3164", "Posthouse" },
    { "Jose\u0301’s Mac", "Jos\u00E9’s Mac" },
    { "<b>Study</b> & <a href=\"x\">", "<b>Study</b> & <a href=\"x\">" },
    /* A joiner is not left alone at the cut: 18 × "日", "👨", ZWJ, "日". */
    { "日日日日日日日日日日日日日日日日日日\U0001F468\u200D日", "日日日日日日日日日日日日日日日日日日\U0001F468" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clipped = ph_dns_sd_clip_name (cases[i].in);

      g_test_message ("case %u", i);
      g_assert_cmpstr (clipped, ==, cases[i].out);
      g_assert_cmpuint (strlen (clipped), <=, PH_SERVICE_NAME_MAX);
      g_assert_true (g_utf8_validate (clipped, -1, NULL));
    }
}

static void
test_format_host (void)
{
  unsigned lo = if_nametoindex ("lo");
  g_autofree char *v4 = ph_interface_format_host ("192.168.1.7", lo);
  g_autofree char *global = ph_interface_format_host ("2001:db8::7", lo);
  g_autofree char *no_index = ph_interface_format_host ("fe80::7", 0);
  g_autofree char *scoped = ph_interface_format_host ("fe80::7", lo);
  g_autofree char *unknown = ph_interface_format_host ("fe80::7", 999999);
  g_autofree char *address = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  g_assert_cmpuint (lo, >, 0);
  g_assert_cmpstr (v4, ==, "192.168.1.7");
  g_assert_cmpstr (global, ==, "2001:db8::7");
  g_assert_cmpstr (no_index, ==, "fe80::7");
  g_assert_cmpstr (scoped, ==, "fe80::7%lo");
  g_assert_cmpstr (unknown, ==, "fe80::7%999999");

  /* What the sender gets back from the address it is given. */
  address = ph_address_format (scoped, 7000);
  g_assert_cmpstr (address, ==, "[fe80::7%lo]:7000");
  g_assert_true (ph_address_parse (address, 6666, &host, &port, NULL));
  g_assert_cmpstr (host, ==, "fe80::7%lo");
  g_assert_cmpuint (port, ==, 7000);
}

static void
test_interface_for_address (void)
{
  static const char *refused[] = { "127.0.0.1", "::1", "192.0.2.1", "not-an-address", "" };
  guint index = 99;
  GSocketFamily family = G_SOCKET_FAMILY_UNIX;

  g_assert_true (ph_interface_for_address ("0.0.0.0", &index, &family, NULL));
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpint (family, ==, G_SOCKET_FAMILY_INVALID);
  g_assert_true (ph_interface_for_address ("::", &index, &family, NULL));
  g_assert_cmpuint (index, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", refused[i]);
      g_assert_false (ph_interface_for_address (refused[i], &index, &family, &error));
      g_assert_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS);
    }
}

/* The installation id ------------------------------------------------ */

static char *
id_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "posthouse", "installation-id", NULL);
}

static void
test_installation_id (void)
{
  g_autofree char *path = id_path ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *upper = NULL;
  GStatBuf st;

  /* A fresh configuration folder (main() made it). */
  g_unlink (path);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  first = ph_installation_id_get ();
  g_assert_true (ph_dns_sd_id_is_valid (first));
  for (const char *p = first; *p; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));

  /* Stable: kept, and read back. */
  second = ph_installation_id_get ();
  g_assert_cmpstr (second, ==, first);
  g_assert_true (g_file_get_contents (path, &stored, NULL, NULL));
  g_assert_cmpstr (g_strstrip (stored), ==, first);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);

  /* Upper case written by hand is the same id. */
  g_assert_true (g_file_set_contents (path, "0123456789ABCDEF0123456789ABCDEF\n", -1, NULL));
  upper = ph_installation_id_get ();
  g_assert_cmpstr (upper, ==, ID);

  /* A damaged file gets a new id, which then stays. */
  g_assert_true (g_file_set_contents (path, "garbage", -1, NULL));
  replaced = ph_installation_id_get ();
  g_assert_true (ph_dns_sd_id_is_valid (replaced));
  g_assert_cmpstr (replaced, !=, ID);
  g_free (second);
  second = ph_installation_id_get ();
  g_assert_cmpstr (second, ==, replaced);
}

static void
test_installation_id_unstorable (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_config_dir (), "posthouse", NULL);
  g_autofree char *moved = g_strconcat (folder, ".moved", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  /* A file where the folder should be: nothing can be stored, not even
   * by root. */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (g_rename (folder, moved), ==, 0);
  g_assert_true (g_file_set_contents (folder, "in the way", -1, NULL));
  a = ph_installation_id_get ();
  b = ph_installation_id_get ();
  g_assert_cmpint (g_unlink (folder), ==, 0);
  g_assert_cmpint (g_rename (moved, folder), ==, 0);

  /* Usable, if only for this run. */
  g_assert_true (ph_dns_sd_id_is_valid (a));
  g_assert_true (ph_dns_sd_id_is_valid (b));
  g_assert_cmpstr (a, !=, b);
}

/* The device name ---------------------------------------------------- */

static void
test_name_from_host_name (void)
{
  g_autofree char *plain = ph_device_name_from_host_name ("desk");
  g_autofree char *fqdn = ph_device_name_from_host_name ("desk.example.com");
  g_autofree char *empty = ph_device_name_from_host_name ("");
  g_autofree char *own = ph_device_name_from_host_name (NULL);

  g_assert_cmpstr (plain, ==, "desk");
  g_assert_cmpstr (fqdn, ==, "desk");
  g_assert_cmpstr (empty, ==, "Posthouse");
  g_assert_nonnull (own);
  g_assert_null (strchr (own, '.'));
}

static void
name_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  char **name = user_data;
  g_autoptr(GError) error = NULL;

  *name = ph_device_name_query_finish (result, &error);
  g_assert_no_error (error);
}

static char *
query_name (void)
{
  char *name = NULL;

  ph_device_name_query_async (NULL, name_cb, &name);
  while (name == NULL)
    g_main_context_iteration (NULL, TRUE);

  return name;
}

static void
test_name_without_system_bus (void)
{
  g_autofree char *expected = ph_device_name_from_host_name (NULL);
  g_autofree char *name = NULL;

  /* tests/meson.build points the system bus nowhere. */
  g_assert_nonnull (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"));
  name = query_name ();
  g_assert_cmpstr (name, ==, expected);
}

static void
cancelled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = ph_device_name_query_finish (result, &error);

  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_name_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean done = FALSE;

  ph_device_name_query_async (cancellable, cancelled_cb, &done);
  g_cancellable_cancel (cancellable);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* systemd-hostnamed, played by this process on a bus of its own. */

static void
name_from_hostnamed (const char *pretty,
                     const char *expected)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gboolean owned = FALSE;
  guint owner_id;

  g_test_dbus_up (bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);

  service = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  owner_id = ph_test_hostnamed_serve (service, pretty, &owned);
  while (!owned)
    g_main_context_iteration (NULL, TRUE);

  name = query_name ();
  g_assert_cmpstr (name, ==, expected);

  g_bus_unown_name (owner_id);
  g_dbus_connection_close_sync (service, NULL, NULL);
  g_test_dbus_down (bus);
}

static void
test_name_from_hostnamed (void)
{
  /* In a child: the system bus connection is a process-wide singleton. */
  if (g_test_subprocess ())
    {
      name_from_hostnamed ("Alice’s Laptop\n", "Alice’s Laptop");
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_name_from_empty_hostnamed (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *expected = ph_device_name_from_host_name (NULL);

      /* No pretty name set: the host name. */
      name_from_hostnamed ("", expected);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = ph_test_isolate_config ();
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/service/txt/build", test_txt_build);
  g_test_add_func ("/posthouse/service/txt/parse", test_txt_parse);
  g_test_add_func ("/posthouse/service/txt/parse-binary", test_txt_parse_binary);
  g_test_add_func ("/posthouse/service/id-valid", test_id_valid);
  g_test_add_func ("/posthouse/service/clip-name", test_clip_name);
  g_test_add_func ("/posthouse/service/format-host", test_format_host);
  g_test_add_func ("/posthouse/service/interface-for-address", test_interface_for_address);
  g_test_add_func ("/posthouse/service/installation-id", test_installation_id);
  g_test_add_func ("/posthouse/service/installation-id-unstorable", test_installation_id_unstorable);
  g_test_add_func ("/posthouse/service/device-name/from-host-name", test_name_from_host_name);
  g_test_add_func ("/posthouse/service/device-name/no-system-bus", test_name_without_system_bus);
  g_test_add_func ("/posthouse/service/device-name/cancelled", test_name_cancelled);
  g_test_add_func ("/posthouse/service/device-name/hostnamed", test_name_from_hostnamed);
  g_test_add_func ("/posthouse/service/device-name/hostnamed-empty", test_name_from_empty_hostnamed);

  status = g_test_run ();
  ph_test_rm_rf (config);
  return status;
}
