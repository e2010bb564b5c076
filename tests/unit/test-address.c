/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "posthouse-core.h"

static void
test_address_valid (void)
{
  static const struct { const char *text; const char *host; guint16 port; } cases[] = {
    { "example.com", "example.com", 6666 },
    { "example.com:80", "example.com", 80 },
    { "  example.com:1234 \n", "example.com", 1234 },
    { "localhost:1", "localhost", 1 },
    { "my-box.local.", "my-box.local.", 6666 },
    { "192.168.1.50", "192.168.1.50", 6666 },
    { "192.168.1.50:7000", "192.168.1.50", 7000 },
    { "[::1]:6666", "::1", 6666 },
    { "[::1]:65535", "::1", 65535 },
    { "[::1]", "::1", 6666 },
    { "::1", "::1", 6666 },
    { "fe80::1", "fe80::1", 6666 },
    { "[2001:db8::42]:7", "2001:db8::42", 7 },
    { "bücher.example:8080", "bücher.example", 8080 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_test_message ("%s", cases[i].text);
      g_assert_true (ph_address_parse (cases[i].text, 6666, &host, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpuint (port, ==, cases[i].port);
    }

  /* The outputs are optional. */
  g_assert_true (ph_address_parse ("example.com", 6666, NULL, NULL, NULL));
}

static void
test_address_invalid (void)
{
  static const char *cases[] = {
    "",
    "   ",
    "host:0",
    "host:65536",
    "host:99999",
    "host:-1",
    "host:",
    ":6666",
    "[::1]:70000",
    "[::1",
    "[::1]x",
    "[]:6666",
    "my host",
    "a..b",
    "-dash",
    "host:6666:7777",
    "http://example.com",
    "exa$mple.com",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      char *host = (char *) "untouched";
      guint16 port = 42;

      g_test_message ("“%s”", cases[i]);
      g_assert_false (ph_address_parse (cases[i], 6666, &host, &port, &error));
      g_assert_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS);
      g_assert_cmpuint (strlen (error->message), >, 10);
      g_assert_cmpstr (host, ==, "untouched");
      g_assert_cmpuint (port, ==, 42);
    }
}

/* A port out of range is named as such, with the range. */
static void
test_address_port_range (void)
{
  static const char *cases[] = { "host:0", "192.168.1.50:99999", "[::1]:70000", "host:65536" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ph_address_parse (cases[i], 6666, NULL, NULL, &error));
      g_assert_nonnull (strstr (error->message, "between 1 and 65535"));
    }
}

/* Without a default port, the address must carry one. */
static void
test_address_no_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  g_assert_false (ph_address_parse ("example.com", 0, &host, &port, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "example.com"));
  g_clear_error (&error);

  g_assert_true (ph_address_parse ("example.com:9", 0, &host, &port, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (port, ==, 9);
}

static void
test_address_format (void)
{
  static const struct { const char *host; guint16 port; const char *text; } cases[] = {
    { "example.com", 6666, "example.com:6666" },
    { "192.168.1.50", 80, "192.168.1.50:80" },
    { "::1", 6666, "[::1]:6666" },
    { "2001:db8::42", 65535, "[2001:db8::42]:65535" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ph_address_format (cases[i].host, cases[i].port);
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_assert_cmpstr (text, ==, cases[i].text);

      /* And back. */
      g_assert_true (ph_address_parse (text, 1, &host, &port, NULL));
      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpuint (port, ==, cases[i].port);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/address/valid", test_address_valid);
  g_test_add_func ("/posthouse/address/invalid", test_address_invalid);
  g_test_add_func ("/posthouse/address/port-range", test_address_port_range);
  g_test_add_func ("/posthouse/address/no-default", test_address_no_default);
  g_test_add_func ("/posthouse/address/format", test_address_format);

  return g_test_run ();
}
