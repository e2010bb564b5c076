/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser as a list model, fed what Avahi's resolvers would report
 * (ph-browser-private.h); PhAnnouncer and PhBrowser without a daemon.
 * The real network is the mdns suite's. */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "posthouse-core.h"
#include "ph-test-util.h"
#include "ph-browser-private.h"

#define OWN   "00000000000000000000000000000000"
#define ALICE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BOB   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CAROL "cccccccccccccccccccccccccccccccc"

/* For g_signal_connect_swapped(): counts emissions into @counter. */
static void
count_cb (guint *counter)
{
  (*counter)++;
}

typedef struct
{
  PhBrowser *browser;
  GString   *changes;   /* "position-removed+added " per items-changed */
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fx)
{
  g_string_append_printf (fx->changes, "%u-%u+%u ", position, removed, added);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->browser = ph_browser_new ();
  fx->changes = g_string_new (NULL);
  ph_browser_set_own_id (fx->browser, OWN);
  g_signal_connect (fx->browser, "items-changed", G_CALLBACK (items_changed_cb), fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_assert_finalize_object (fx->browser);
  g_string_free (fx->changes, TRUE);
}

/* The changes since the last call, and forget them. */
static char *
changes (Fixture *fx)
{
  char *text = g_strdup (g_strchomp (fx->changes->str));

  g_string_truncate (fx->changes, 0);
  return text;
}

/* One announcement resolved: of @id (NULL for none) on @host_name. */
static void
announce_from (Fixture    *fx,
               const char *instance,
               const char *name,
               const char *id,
               gboolean    asks,
               gboolean    paths,
               const char *host,
               guint16     port,
               const char *host_name,
               gboolean    local)
{
  g_autofree char *id_pair = id ? g_strconcat ("id=", id, NULL) : g_strdup ("txtvers=1");
  const char *txt[] = { "txtvers=1", id_pair, asks ? "ask=1" : "ask=0", paths ? "paths=1" : "paths=0", NULL };
  PhAnnouncement announcement = {
    .instance = instance, .name = name, .host_name = host_name, .txt = txt,
    .host = host, .port = port, .local = local,
  };

  ph_browser_resolved (fx->browser, &announcement);
}

/* From another computer, "host.local". */
static void
announce (Fixture    *fx,
          const char *instance,
          const char *name,
          const char *id,
          gboolean    asks,
          gboolean    paths,
          const char *host,
          guint16     port)
{
  announce_from (fx, instance, name, id, asks, paths, host, port, "host.local", FALSE);
}

static PhNearbyReceiver *
item (Fixture *fx,
      guint    position)
{
  PhNearbyReceiver *peer = g_list_model_get_item (G_LIST_MODEL (fx->browser), position);

  /* The model keeps its own reference. */
  g_object_unref (peer);
  return peer;
}

static char *
names (Fixture *fx)
{
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fx->browser));

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i ? "," : "", ph_nearby_receiver_get_name (item (fx, i)));

  return g_string_free (text, FALSE);
}

static void
test_model_type (Fixture       *fx,
                 gconstpointer  data)
{
  g_assert_true (G_IS_LIST_MODEL (fx->browser));
  g_assert_cmpint (g_list_model_get_item_type (G_LIST_MODEL (fx->browser)), ==, PH_TYPE_NEARBY_RECEIVER);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fx->browser)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (fx->browser), 0));
  g_assert_cmpint (ph_browser_get_state (fx->browser), ==, PH_BROWSER_STOPPED);
  g_assert_false (ph_browser_get_available (fx->browser));
}

static void
test_sorted_with_exact_positions (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *seen = NULL;
  guint n_items = 0;

  announce (fx, "1/4/bob", "Bob", BOB, FALSE, FALSE, "198.51.100.2", 6666);
  announce (fx, "1/4/carol", "carol", CAROL, FALSE, FALSE, "198.51.100.3", 6666);
  announce (fx, "1/4/alice", "Alice", ALICE, FALSE, FALSE, "198.51.100.1", 6666);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-0+1 1-0+1 0-0+1");
  order = names (fx);
  g_assert_cmpstr (order, ==, "Alice,Bob,carol");

  g_object_get (fx->browser, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 3);

  ph_browser_lost (fx->browser, "1/4/bob");
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "1-1+0");
  ph_browser_lost (fx->browser, "1/4/bob");
  ph_browser_lost (fx->browser, "never/seen");
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "");
}

static void
test_one_item_per_id (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(PhNearbyReceiver) alice = NULL;
  g_autofree char *seen = NULL;
  g_auto(GStrv) addresses = NULL;
  guint notified = 0;

  /* Seen over IPv6 first, then IPv4, then on a second interface. */
  announce (fx, "2/6/Alice", "Alice", ALICE, FALSE, FALSE, "fe80::1%lo", 6666);
  alice = g_object_ref (item (fx, 0));
  g_assert_cmpstr (ph_nearby_receiver_get_address (alice), ==, "[fe80::1%lo]:6666");
  g_signal_connect_swapped (alice, "notify::address", G_CALLBACK (count_cb), &notified);

  announce (fx, "2/4/Alice", "Alice", ALICE, FALSE, FALSE, "203.0.113.10", 6666);
  announce (fx, "3/4/Alice", "Alice", ALICE, FALSE, FALSE, "203.0.113.20", 6666);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-0+1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fx->browser)), ==, 1);

  /* IPv4 first; the first seen among equals, so that rows stay put. */
  g_assert_cmpstr (ph_nearby_receiver_get_address (alice), ==, "203.0.113.10:6666");
  g_assert_cmpstr (ph_nearby_receiver_get_host (alice), ==, "203.0.113.10");
  g_assert_cmpuint (ph_nearby_receiver_get_port (alice), ==, 6666);
  g_assert_cmpstr (ph_nearby_receiver_get_id (alice), ==, ALICE);
  g_assert_cmpuint (notified, ==, 1);
  addresses = ph_nearby_receiver_dup_addresses (alice);
  g_assert_cmpuint (g_strv_length (addresses), ==, 3);
  g_assert_cmpstr (addresses[0], ==, "203.0.113.10:6666");
  g_assert_cmpstr (addresses[1], ==, "203.0.113.20:6666");
  g_assert_cmpstr (addresses[2], ==, "[fe80::1%lo]:6666");
  g_assert_true (ph_nearby_receiver_has_address (alice, "203.0.113.10", 6666));
  g_assert_true (ph_nearby_receiver_has_address (alice, "fe80::1", 6666));
  g_assert_true (ph_nearby_receiver_has_address (alice, "FE80:0::1%eth7", 6666));
  g_assert_false (ph_nearby_receiver_has_address (alice, "203.0.113.10", 6667));
  g_assert_false (ph_nearby_receiver_has_address (alice, "203.0.113.11", 6666));
  g_assert_true (ph_browser_find_by_address (fx->browser, "203.0.113.20", 6666) == alice);
  g_assert_null (ph_browser_find_by_address (fx->browser, "203.0.113.21", 6666));

  /* It goes only with its last address. */
  ph_browser_lost (fx->browser, "2/4/Alice");
  g_assert_cmpstr (ph_nearby_receiver_get_address (alice), ==, "203.0.113.20:6666");
  ph_browser_lost (fx->browser, "3/4/Alice");
  g_assert_cmpstr (ph_nearby_receiver_get_address (alice), ==, "[fe80::1%lo]:6666");
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "");
  ph_browser_lost (fx->browser, "2/6/Alice");
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-1+0");

  g_signal_handlers_disconnect_by_data (alice, &notified);
}

static void
test_never_ourselves (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *seen = NULL;

  announce_from (fx, "1/4/me", "Me", OWN, FALSE, FALSE, "198.51.100.9", 6666, "me.local", TRUE);
  announce_from (fx, "1/4/ME", "Me", "00000000000000000000000000000000", TRUE, TRUE, "198.51.100.9", 7000,
                 "me.local", TRUE);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "");

  /* An instance that turns out to be ours leaves the list. */
  announce_from (fx, "1/4/x", "X", BOB, FALSE, FALSE, "198.51.100.2", 6666, "me.local", TRUE);
  announce_from (fx, "1/4/x", "X", OWN, FALSE, FALSE, "198.51.100.2", 6666, "me.local", TRUE);
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-0+1 0-1+0");

  /* Our id announced from another computer is not us: someone copied
   * it, and is shown for what it is. */
  announce (fx, "2/4/Me", "Me", OWN, FALSE, FALSE, "198.51.100.66", 6666);
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-0+1");
  g_assert_cmpstr (ph_nearby_receiver_get_address (item (fx, 0)), ==, "198.51.100.66:6666");
}

static void
test_without_id_by_name (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *seen = NULL;

  /* Someone else's announcement without (a valid) id: one per name. */
  announce (fx, "1/4/Old", "Old", NULL, FALSE, FALSE, "198.51.100.5", 6666);
  announce (fx, "1/6/Old", "Old", NULL, FALSE, FALSE, "fe80::5%lo", 6666);
  announce (fx, "1/4/Other", "Other", "not-an-id", FALSE, FALSE, "198.51.100.6", 6666);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-0+1 1-0+1");
  g_assert_null (ph_nearby_receiver_get_id (item (fx, 0)));
  g_assert_cmpstr (ph_nearby_receiver_get_address (item (fx, 0)), ==, "198.51.100.5:6666");
}

static void
test_changes_follow (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *seen = NULL;
  g_autofree char *order = NULL;
  g_autoptr(PhNearbyReceiver) bob = NULL;
  guint asks_notified = 0;

  announce (fx, "1/4/Alice", "Alice", ALICE, FALSE, FALSE, "198.51.100.1", 6666);
  announce (fx, "1/4/Bob", "Bob", BOB, FALSE, FALSE, "198.51.100.2", 6666);
  announce (fx, "1/4/Carol", "Carol", CAROL, FALSE, FALSE, "198.51.100.3", 6666);
  g_free (changes (fx));

  /* New TXT values: the same item, its properties notify. */
  bob = g_object_ref (item (fx, 1));
  g_signal_connect_swapped (bob, "notify::asks-before-accepting", G_CALLBACK (count_cb), &asks_notified);
  announce (fx, "1/4/Bob", "Bob", BOB, TRUE, TRUE, "198.51.100.2", 7000);
  g_assert_true (item (fx, 1) == bob);
  g_assert_true (ph_nearby_receiver_get_asks_before_accepting (bob));
  g_assert_true (ph_nearby_receiver_get_accepts_paths (bob));
  g_assert_cmpstr (ph_nearby_receiver_get_address (bob), ==, "198.51.100.2:7000");
  g_assert_cmpuint (asks_notified, ==, 1);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "");

  /* Renamed (its settings, or Avahi after a collision): it moves, and
   * the rows between change. */
  ph_browser_lost (fx->browser, "1/4/Bob");
  announce (fx, "1/4/Zed", "Zed", BOB, TRUE, TRUE, "198.51.100.2", 7000);
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "1-1+0 2-0+1");
  announce (fx, "1/6/Zed", "Aaron", BOB, TRUE, TRUE, "fe80::2%lo", 7000);
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "0-3+3");
  order = names (fx);
  g_assert_cmpstr (order, ==, "Aaron,Alice,Carol");

  /* The same announcement now says it is someone else. */
  announce (fx, "1/4/Carol", "Carol", ALICE, FALSE, FALSE, "198.51.100.3", 6666);
  g_free (seen);
  seen = changes (fx);
  g_assert_cmpstr (seen, ==, "2-1+0");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fx->browser)), ==, 2);

  g_signal_handlers_disconnect_by_data (bob, &asks_notified);
}

static void
test_hostile_names (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *long_name = g_strnfill (300, 'x');

  announce (fx, "1/4/a", "two\tfields\nand lines", ALICE, FALSE, FALSE, "198.51.100.1", 6666);
  announce (fx, "1/4/b", long_name, BOB, FALSE, FALSE, "198.51.100.2", 6666);
  announce (fx, "1/4/c", "\xff\xfe", CAROL, FALSE, FALSE, "198.51.100.3", 6666);

  for (guint i = 0; i < 3; i++)
    {
      const char *name = ph_nearby_receiver_get_name (item (fx, i));

      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_null (strpbrk (name, "\t\n"));
      g_assert_cmpuint (strlen (name), <=, PH_SERVICE_NAME_MAX);
    }
}

/* Merge rules: what is one receiver ------------------------------------ */

static guint
n_items (Fixture *fx)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fx->browser));
}

static guint
n_matches (Fixture    *fx,
           const char *name)
{
  g_autoptr(GPtrArray) found = ph_browser_dup_matches (fx->browser, name);

  return found->len;
}

/* An id is public: another computer announcing Alice's is another
 * receiver, never one of Alice's addresses. */
static void
test_cloned_id_is_another_receiver (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(PhNearbyReceiver) alice = NULL;
  g_autoptr(PhNearbyReceiver) mallory = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *seen = NULL;
  guint shares_notified = 0;

  announce_from (fx, "2/4/Alice", "Alice", ALICE, FALSE, TRUE, "198.51.100.1", 6666, "alice.local", FALSE);
  alice = g_object_ref (item (fx, 0));
  g_assert_cmpstr (ph_nearby_receiver_get_host_name (alice), ==, "alice.local");
  g_assert_false (ph_nearby_receiver_get_shares_name (alice));
  g_signal_connect_swapped (alice, "notify::shares-name", G_CALLBACK (count_cb), &shares_notified);

  /* The copy, on another link, under the same name. */
  announce_from (fx, "3/4/Alice", "Alice", ALICE, FALSE, TRUE, "203.0.113.66", 6666, "mallory.local", FALSE);
  seen = changes (fx);
  g_assert_cmpuint (n_items (fx), ==, 2);
  mallory = g_object_ref (item (fx, item (fx, 0) == alice ? 1 : 0));
  g_assert_cmpstr (ph_nearby_receiver_get_address (alice), ==, "198.51.100.1:6666");
  g_assert_cmpstr (ph_nearby_receiver_get_address (mallory), ==, "203.0.113.66:6666");
  g_assert_false (ph_nearby_receiver_has_address (alice, "203.0.113.66", 6666));
  g_assert_true (ph_nearby_receiver_get_shares_name (alice));
  g_assert_true (ph_nearby_receiver_get_shares_name (mallory));
  g_assert_cmpuint (shares_notified, ==, 1);

  /* The name alone cannot say which: both are its matches. */
  found = ph_browser_dup_matches (fx->browser, "Alice");
  g_assert_cmpuint (found->len, ==, 2);

  /* Under a name of its own, the copy is just another receiver. */
  ph_browser_lost (fx->browser, "3/4/Alice");
  announce_from (fx, "3/4/Mallory", "Mallory", ALICE, FALSE, TRUE, "203.0.113.66", 6666, "mallory.local", FALSE);
  g_assert_cmpuint (n_items (fx), ==, 2);
  g_assert_false (ph_nearby_receiver_get_shares_name (alice));
  g_assert_cmpuint (shares_notified, ==, 2);
  g_assert_cmpuint (n_matches (fx, "Alice"), ==, 1);
  g_assert_cmpstr (ph_nearby_receiver_get_name (item (fx, 0)), ==, "Alice");
  g_assert_cmpstr (ph_nearby_receiver_get_name (item (fx, 1)), ==, "Mallory");

  /* One computer's interfaces and protocols stay one receiver (host
   * names compare without case). */
  announce_from (fx, "2/6/Alice", "Alice", ALICE, FALSE, TRUE, "fe80::1%lo", 6666, "Alice.local", FALSE);
  announce_from (fx, "5/4/Alice", "Alice", ALICE, FALSE, TRUE, "203.0.113.1", 6666, "alice.local", FALSE);
  g_assert_cmpuint (n_items (fx), ==, 2);
  g_assert_true (ph_nearby_receiver_has_address (alice, "203.0.113.1", 6666));
  g_assert_true (ph_nearby_receiver_has_address (alice, "fe80::1", 6666));

  g_signal_handlers_disconnect_by_data (alice, &shares_notified);
}

/* Names that look the same are the same name: each such receiver says
 * it shares its name, and a lookup of it finds them all. */
static void
test_shares_name (Fixture       *fx,
                  gconstpointer  data)
{
  announce_from (fx, "1/4/a", "alpha", ALICE, FALSE, FALSE, "198.51.100.1", 6666, "a.local", FALSE);
  g_assert_false (ph_nearby_receiver_get_shares_name (item (fx, 0)));

  /* A zero-width space, an override: cleaned, "alpha" again. */
  announce_from (fx, "1/4/b", "alpha\u200B", BOB, FALSE, FALSE, "198.51.100.2", 6666, "b.local", FALSE);
  announce_from (fx, "1/4/c", "ALPHA", CAROL, FALSE, FALSE, "198.51.100.3", 6666, "c.local", FALSE);
  announce_from (fx, "1/4/d", "\uFF41\uFF4C\uFF50\uFF48\uFF41", NULL, FALSE, FALSE, "198.51.100.4", 6666,
                 "d.local", FALSE);
  announce_from (fx, "1/4/e", "alphabet", NULL, FALSE, FALSE, "198.51.100.5", 6666, "e.local", FALSE);
  g_assert_cmpuint (n_items (fx), ==, 5);
  for (guint i = 0; i < n_items (fx); i++)
    g_assert_true (ph_nearby_receiver_get_shares_name (item (fx, i)) ==
                   !g_str_equal (ph_nearby_receiver_get_name (item (fx, i)), "alphabet"));

  /* Written exactly so: the two "alpha"; else all that look alike. */
  g_assert_cmpuint (n_matches (fx, "alpha"), ==, 2);
  g_assert_cmpuint (n_matches (fx, "ALPHA"), ==, 1);
  g_assert_cmpuint (n_matches (fx, "Alpha"), ==, 4);
  g_assert_cmpuint (n_matches (fx, "alpha\u00A0"), ==, 2);
  g_assert_cmpuint (n_matches (fx, "alphabet"), ==, 1);
  g_assert_cmpuint (n_matches (fx, "beta"), ==, 0);

  /* They go: the last one alone no longer shares its name. */
  ph_browser_lost (fx->browser, "1/4/b");
  ph_browser_lost (fx->browser, "1/4/c");
  ph_browser_lost (fx->browser, "1/4/d");
  g_assert_cmpuint (n_items (fx), ==, 2);
  g_assert_false (ph_nearby_receiver_get_shares_name (item (fx, 0)));
  g_assert_cmpuint (n_matches (fx, "ALPHA"), ==, 1);

  /* Renamed into a taken name, and out of it. */
  announce_from (fx, "1/4/e", "Alpha", NULL, FALSE, FALSE, "198.51.100.5", 6666, "e.local", FALSE);
  g_assert_true (ph_nearby_receiver_get_shares_name (item (fx, 0)));
  g_assert_true (ph_nearby_receiver_get_shares_name (item (fx, 1)));
  ph_browser_lost (fx->browser, "1/4/e");
  announce_from (fx, "1/4/e", "Omega", NULL, FALSE, FALSE, "198.51.100.5", 6666, "e.local", FALSE);
  g_assert_false (ph_nearby_receiver_get_shares_name (item (fx, 0)));
  g_assert_false (ph_nearby_receiver_get_shares_name (item (fx, 1)));
}

/* An address of this computer of its own (a loopback address, 0.0.0.0,
 * one of its interfaces') announced from elsewhere would have files
 * sent to a local service: left out. From this computer's own daemon,
 * it is this computer's receiver. */
static void
test_leads_here (Fixture       *fx,
                 gconstpointer  data)
{
  static const char *hosts[] = { "127.0.0.1", "127.3.4.5", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1" };
  struct ifaddrs *list = NULL;
  char own[INET6_ADDRSTRLEN] = "";

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    announce_from (fx, hosts[i], "Evil", BOB, FALSE, FALSE, hosts[i], 22, "evil.local", FALSE);
  g_assert_cmpuint (n_items (fx), ==, 0);

  /* Any address this computer has. */
  g_assert_cmpint (getifaddrs (&list), ==, 0);
  for (struct ifaddrs *ifa = list; ifa != NULL && *own == '\0'; ifa = ifa->ifa_next)
    if (ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET &&
        !(ifa->ifa_flags & IFF_LOOPBACK))
      inet_ntop (AF_INET, &((struct sockaddr_in *) ifa->ifa_addr)->sin_addr, own, sizeof own);
  freeifaddrs (list);
  if (*own != '\0')
    {
      announce_from (fx, "own", "Evil", BOB, FALSE, FALSE, own, 22, "evil.local", FALSE);
      g_assert_cmpuint (n_items (fx), ==, 0);
    }

  /* Shown at a fair address, then moved here: it goes. */
  announce_from (fx, "moved", "Moved", CAROL, FALSE, FALSE, "198.51.100.7", 6666, "moved.local", FALSE);
  g_assert_cmpuint (n_items (fx), ==, 1);
  announce_from (fx, "moved", "Moved", CAROL, FALSE, FALSE, "127.0.0.1", 6666, "moved.local", FALSE);
  g_assert_cmpuint (n_items (fx), ==, 0);

  /* This computer's own daemon, for this computer: another
   * installation here. */
  announce_from (fx, "here", "Here", CAROL, FALSE, FALSE, "127.0.0.1", 6666, "me.local", TRUE);
  g_assert_cmpuint (n_items (fx), ==, 1);
  g_assert_cmpstr (ph_nearby_receiver_get_address (item (fx, 0)), ==, "127.0.0.1:6666");
}

/* Names are shown cleaned: no override reverses them, no invisible
 * character, one way of writing them. */
static void
test_names_cleaned (Fixture       *fx,
                    gconstpointer  data)
{
  announce (fx, "1/4/a", "Study\u202Epot\u202CLa", ALICE, FALSE, FALSE, "198.51.100.1", 6666);
  announce (fx, "1/4/b", "Jose\u0301\u00A0\u00A0Mac\u200B", BOB, FALSE, FALSE, "198.51.100.2", 6666);
  announce (fx, "1/4/c", "<b>Bold</b> & <a href=\"x\">", CAROL, FALSE, FALSE, "198.51.100.3", 6666);
  g_assert_cmpstr (ph_nearby_receiver_get_name (item (fx, 0)), ==, "<b>Bold</b> & <a href=\"x\">");
  g_assert_cmpstr (ph_nearby_receiver_get_name (item (fx, 1)), ==, "Jos\u00E9 Mac");
  g_assert_cmpstr (ph_nearby_receiver_get_name (item (fx, 2)), ==, "Study_pot_La");
}

/* Without an Avahi daemon --------------------------------------------- */

static void
test_browser_without_daemon (void)
{
  g_autoptr(PhBrowser) browser = ph_browser_new ();
  guint available_notified = 0;

  g_signal_connect_swapped (browser, "notify::state", G_CALLBACK (count_cb), &available_notified);
  ph_browser_start (browser);

  /* Known at once, so that the CLI can say so without waiting. */
#ifdef HAVE_AVAHI
  g_assert_cmpint (ph_browser_get_state (browser), ==, PH_BROWSER_UNAVAILABLE);
#else
  g_assert_cmpint (ph_browser_get_state (browser), ==, PH_BROWSER_UNSUPPORTED);
#endif
  g_assert_false (ph_browser_get_available (browser));
  g_assert_false (ph_browser_get_settled (browser));
  g_assert_cmpuint (available_notified, ==, 1);
  /* Its own id is this installation's. */
  g_assert_true (ph_dns_sd_id_is_valid (ph_browser_get_own_id (browser)));

  ph_browser_stop (browser);
  g_assert_cmpint (ph_browser_get_state (browser), ==, PH_BROWSER_STOPPED);
  g_signal_handlers_disconnect_by_data (browser, &available_notified);
  g_assert_finalize_object (g_steal_pointer (&browser));
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(PhNearbyReceiver) peer = ph_browser_lookup_finish (PH_BROWSER (object), result, error);

  g_assert_null (peer);
  g_assert_nonnull (*error);
}

static void
test_lookup_without_daemon (void)
{
  g_autoptr(PhBrowser) browser = ph_browser_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  ph_browser_start (browser);
  ph_browser_lookup_async (browser, "Alice", 10000, NULL, lookup_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* At once, not after the 10 s it was given. */
  g_assert_error (error, PH_ERROR, PH_ERROR_NO_DISCOVERY);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_finalize_object (g_steal_pointer (&browser));
}

static void
test_announcer_without_daemon (void)
{
  g_autoptr(PhAnnouncer) announcer = ph_announcer_new ();
  g_autofree char *default_name = ph_device_name_from_host_name (NULL);

  g_assert_cmpint (ph_announcer_get_state (announcer), ==, PH_ANNOUNCER_STOPPED);
  g_assert_cmpuint (ph_announcer_get_port (announcer), ==, PH_DEFAULT_PORT);
  g_assert_null (ph_announcer_get_announced_name (announcer));

  ph_announcer_set_port (announcer, 7000);
  ph_announcer_set_asks_before_accepting (announcer, TRUE);
  ph_announcer_set_accepts_paths (announcer, TRUE);
  ph_announcer_start (announcer);

#ifdef HAVE_AVAHI
  g_assert_cmpint (ph_announcer_get_state (announcer), ==, PH_ANNOUNCER_UNAVAILABLE);
#else
  g_assert_cmpint (ph_announcer_get_state (announcer), ==, PH_ANNOUNCER_UNSUPPORTED);
#endif
  /* Without a name of its own, the host name. */
  g_assert_cmpstr (ph_announcer_get_announced_name (announcer), ==, default_name);
  g_assert_true (ph_dns_sd_id_is_valid (ph_announcer_get_id (announcer)));

  /* A name is clipped to what DNS-SD takes. */
  ph_announcer_set_name (announcer, "  Desk\tTop  ");
  g_assert_cmpstr (ph_announcer_get_name (announcer), ==, "  Desk\tTop  ");
  g_assert_cmpstr (ph_announcer_get_announced_name (announcer), ==, "Desk Top");

  /* Settings change while waiting for a daemon: nothing breaks. */
  ph_announcer_set_port (announcer, 7001);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  ph_announcer_stop (announcer);
  g_assert_cmpint (ph_announcer_get_state (announcer), ==, PH_ANNOUNCER_STOPPED);
  g_assert_null (ph_announcer_get_announced_name (announcer));
  g_assert_finalize_object (g_steal_pointer (&announcer));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = ph_test_isolate_config ();
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/posthouse/browser/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("model-type", test_model_type);
  ADD ("sorted", test_sorted_with_exact_positions);
  ADD ("one-item-per-id", test_one_item_per_id);
  ADD ("never-ourselves", test_never_ourselves);
  ADD ("without-id", test_without_id_by_name);
  ADD ("changes-follow", test_changes_follow);
  ADD ("hostile-names", test_hostile_names);
  ADD ("cloned-id", test_cloned_id_is_another_receiver);
  ADD ("shares-name", test_shares_name);
  ADD ("leads-here", test_leads_here);
  ADD ("names-cleaned", test_names_cleaned);
#undef ADD
  g_test_add_func ("/posthouse/browser/without-daemon", test_browser_without_daemon);
  g_test_add_func ("/posthouse/browser/lookup-without-daemon", test_lookup_without_daemon);
  g_test_add_func ("/posthouse/announcer/without-daemon", test_announcer_without_daemon);

  status = g_test_run ();
  ph_test_rm_rf (config);
  return status;
}
