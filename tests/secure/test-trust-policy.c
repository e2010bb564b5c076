/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who is trusted how (ph_devices_decide()), "Accept everything from
 * this device for 10 minutes", new keys under paired names, pauses
 * after failed comparisons, and strangers kept within bounds. */
#include "config.h"

#include <string.h>

#include "ph-browser-private.h"
#include "ph-destination-resolve.h"
#include "ph-destination-trust.h"
#include "ph-error.h"
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

#define NOW (g_get_real_time () / G_USEC_PER_SEC)

static void
test_pairing_pause (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  gint64 until = 0;

  ph_devices_set_pairing_pause (devices, 2);
  ph_devices_record_pairing_failure (devices, study, "Study Laptop");
  ph_devices_record_pairing_failure (devices, study, NULL);
  g_assert_false (ph_devices_is_pairing_paused (devices, study, NULL));
  /* Pairing in between resets the count. */
  ph_devices_pair (devices, study, NULL);
  ph_devices_record_pairing_failure (devices, study, NULL);
  ph_devices_record_pairing_failure (devices, study, NULL);
  g_assert_false (ph_devices_is_pairing_paused (devices, study, NULL));
  ph_devices_record_pairing_failure (devices, study, NULL);
  g_assert_true (ph_devices_is_pairing_paused (devices, study, &until));
  g_assert_cmpint (until, >=, NOW + 1);
  g_assert_cmpint (until, <=, NOW + 2);
  secure_rig_flush_devices (devices);

  /* Another program sees the pause too. */
  {
    g_autoptr(PhDevices) other = secure_rig_open_devices (fixture->path);

    g_assert_true (ph_devices_is_pairing_paused (other, study, NULL));
  }

  while (NOW < until)
    g_usleep (100 * 1000);
  g_assert_false (ph_devices_is_pairing_paused (devices, study, NULL));
  /* A new round of three. */
  ph_devices_record_pairing_failure (devices, study, NULL);
  g_assert_false (ph_devices_is_pairing_paused (devices, study, NULL));
  secure_rig_flush_devices (devices);
}

/* Anyone can make keys: strangers are remembered up to a bound. */
static void
test_bounded (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *bad = secure_rig_key ("bad");
  g_autofree char *first = secure_rig_key ("stranger-0");
  g_autofree char *last = secure_rig_key ("stranger-399");
  guint known = 0;

  ph_devices_pair (devices, study, "Study Laptop");
  ph_devices_block (devices, bad, "Bad");
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *seed = g_strdup_printf ("stranger-%u", i);
      g_autofree char *fingerprint = secure_rig_key (seed);

      ph_devices_record_seen (devices, fingerprint, seed, NULL, NULL, NULL);
    }
  secure_rig_flush_devices (devices);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (devices)); i++)
    {
      g_autoptr(PhDevice) device = g_list_model_get_item (G_LIST_MODEL (devices), i);

      known += ph_device_get_state (device) == PH_DEVICE_KNOWN;
    }
  g_assert_cmpuint (known, ==, PH_DEVICES_MAX_KNOWN);
  g_assert_true (ph_device_is_paired (ph_devices_lookup (devices, study)));
  g_assert_nonnull (ph_devices_lookup (devices, bad));
  g_assert_null (ph_devices_lookup (devices, first));
  g_assert_nonnull (ph_devices_lookup (devices, last));
}

static void
test_resolve (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *desk = secure_rig_key ("desk");
  g_autofree char *desk2 = secure_rig_key ("desk2");
  g_autofree char *short_form = ph_fingerprint_format_short (study);
  g_autoptr(GError) error = NULL;
  char prefix[8] = { 0 };

  ph_devices_pair (devices, study, "Study Laptop");
  ph_devices_record_seen (devices, desk, "Desk", NULL, NULL, NULL);

  g_assert_true (ph_devices_resolve (devices, study, &error) == ph_devices_lookup (devices, study));
  g_assert_true (ph_devices_resolve (devices, short_form, &error) == ph_devices_lookup (devices, study));
  memcpy (prefix, study, 6);
  g_assert_true (ph_devices_resolve (devices, prefix, &error) == ph_devices_lookup (devices, study));
  g_assert_true (ph_devices_resolve (devices, "study laptop", &error) == ph_devices_lookup (devices, study));
  g_assert_no_error (error);

  g_assert_null (ph_devices_resolve (devices, "Nobody", &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  ph_devices_record_seen (devices, desk2, "Desk", NULL, NULL, NULL);
  g_assert_null (ph_devices_resolve (devices, "Desk", &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_AMBIGUOUS);
  secure_rig_flush_devices (devices);
}

typedef struct
{
  const char    *name;
  PhTrustPolicy  policy;
  const char    *who;          /* "paired", "known", "blocked", "stranger", "plain", "impostor" */
  PhTrustVerdict verdict;
  PhTrustReason  reason;
} PolicyCase;

static const PolicyCase policy_cases[] = {
  { "paired, asking", { TRUE, FALSE, TRUE }, "paired", PH_TRUST_ACCEPT, PH_TRUST_BECAUSE_PAIRED },
  { "paired, only paired", { TRUE, TRUE, FALSE }, "paired", PH_TRUST_ACCEPT, PH_TRUST_BECAUSE_PAIRED },
  { "known, asking", { TRUE, FALSE, TRUE }, "known", PH_TRUST_ASK, PH_TRUST_BECAUSE_PREFERENCE },
  { "known, not asking", { FALSE, FALSE, TRUE }, "known", PH_TRUST_ACCEPT, PH_TRUST_BECAUSE_PREFERENCE },
  { "stranger, asking", { TRUE, FALSE, TRUE }, "stranger", PH_TRUST_ASK, PH_TRUST_BECAUSE_PREFERENCE },
  { "stranger, only paired", { FALSE, TRUE, TRUE }, "stranger", PH_TRUST_DECLINE, PH_TRUST_BECAUSE_ONLY_PAIRED },
  { "blocked, not asking", { FALSE, FALSE, TRUE }, "blocked", PH_TRUST_REFUSE, PH_TRUST_BECAUSE_BLOCKED },
  { "blocked, asking", { TRUE, FALSE, TRUE }, "blocked", PH_TRUST_REFUSE, PH_TRUST_BECAUSE_BLOCKED },
  { "plain, asking", { TRUE, FALSE, TRUE }, "plain", PH_TRUST_ASK, PH_TRUST_BECAUSE_PREFERENCE },
  { "plain, not asking", { FALSE, FALSE, TRUE }, "plain", PH_TRUST_ACCEPT, PH_TRUST_BECAUSE_PREFERENCE },
  { "plain, switched off", { FALSE, FALSE, FALSE }, "plain", PH_TRUST_REFUSE, PH_TRUST_BECAUSE_PLAIN },
  { "plain, only paired", { FALSE, TRUE, TRUE }, "plain", PH_TRUST_REFUSE, PH_TRUST_BECAUSE_ONLY_PAIRED },
  /* A new key under a paired name: asked about with a warning (only
   * pairing again takes its files), or, with nobody asked, declined at
   * once with the reason: never accepted by the preference. */
  { "new key, asking", { TRUE, FALSE, TRUE }, "impostor", PH_TRUST_ASK, PH_TRUST_BECAUSE_KEY_CHANGED },
  { "new key, not asking", { FALSE, FALSE, TRUE }, "impostor", PH_TRUST_DECLINE, PH_TRUST_BECAUSE_KEY_CHANGED },
  { "new key, only paired", { FALSE, TRUE, TRUE }, "impostor", PH_TRUST_DECLINE, PH_TRUST_BECAUSE_ONLY_PAIRED },
};

static void
test_policy (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *paired = secure_rig_key ("paired");
  g_autofree char *known = secure_rig_key ("known");
  g_autofree char *blocked = secure_rig_key ("blocked");
  g_autofree char *stranger = secure_rig_key ("stranger");
  g_autofree char *impostor = secure_rig_key ("impostor");

  ph_devices_pair (devices, paired, "Study Laptop");
  ph_devices_record_seen (devices, known, "Desk", NULL, NULL, NULL);
  ph_devices_block (devices, blocked, "Pest");

  for (guint i = 0; i < G_N_ELEMENTS (policy_cases); i++)
    {
      const PolicyCase *c = &policy_cases[i];
      const char *fingerprint = g_str_equal (c->who, "paired") ? paired :
                                g_str_equal (c->who, "known") ? known :
                                g_str_equal (c->who, "blocked") ? blocked :
                                g_str_equal (c->who, "stranger") ? stranger :
                                g_str_equal (c->who, "impostor") ? impostor : NULL;
      /* The impostor calls itself what the paired device is called. */
      const char *name = g_str_equal (c->who, "impostor") ? "study laptop " : "Someone";
      PhTrustReason reason = -1;
      PhDevice *key_change = NULL;
      PhTrustVerdict verdict;

      verdict = ph_devices_decide (devices, &c->policy, fingerprint, name, &reason, &key_change);
      g_test_message ("%s: %d because %s", c->name, verdict, ph_trust_reason_to_string (reason));
      g_assert_cmpint (verdict, ==, c->verdict);
      g_assert_cmpint (reason, ==, c->reason);
      if (g_str_equal (c->who, "impostor"))
        g_assert_true (key_change == ph_devices_lookup (devices, paired));
      else
        g_assert_null (key_change);
    }
  secure_rig_flush_devices (devices);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static gboolean
no_grants (gpointer data)
{
  return g_list_model_get_n_items (data) == 0;
}

/* Bound to a key, for a fixed time, not renewed by what it lets in. */
static void
test_accept_all (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *other = secure_rig_key ("same-address-other-key");
  PhTrustPolicy policy = PH_TRUST_POLICY_DEFAULT;
  g_autoptr(PhAcceptAll) grant = NULL;
  g_autoptr(PhAcceptAll) second = NULL;
  GListModel *grants = ph_devices_get_accept_all (devices);
  PhTrustReason reason;
  gint64 expires;
  guint remaining_notified = 0;

  ph_devices_record_seen (devices, study, "Study Laptop", "192.168.7.20", NULL, NULL);
  ph_devices_record_seen (devices, other, "Other", "192.168.7.20", NULL, NULL);

  grant = g_object_ref (ph_devices_accept_all (devices, study, "Study Laptop", 2));
  g_signal_connect (grant, "notify::remaining", G_CALLBACK (count_notify_cb), &remaining_notified);

  expires = ph_accept_all_get_expires (grant);
  g_assert_cmpuint (g_list_model_get_n_items (grants), ==, 1);
  g_assert_true (ph_accept_all_get_active (grant));
  g_assert_cmpuint (ph_accept_all_get_remaining (grant), <=, 2);
  g_assert_cmpuint (ph_accept_all_get_remaining (grant), >=, 1);

  g_assert_cmpint (ph_devices_decide (devices, &policy, study, NULL, &reason, NULL), ==, PH_TRUST_ACCEPT);
  g_assert_cmpint (reason, ==, PH_TRUST_BECAUSE_ACCEPT_ALL);
  /* Another key from the same address is still asked about. */
  g_assert_cmpint (ph_devices_decide (devices, &policy, other, NULL, &reason, NULL), ==, PH_TRUST_ASK);
  /* Deciding (files arriving) does not move the end. */
  g_assert_cmpint (ph_accept_all_get_expires (grant), ==, expires);

  secure_rig_iterate_until_true (no_grants, grants, 5000);
  g_assert_false (ph_accept_all_get_active (grant));
  g_assert_cmpint (g_get_real_time (), >=, expires);
  g_assert_cmpuint (remaining_notified, >=, 1);
  g_assert_cmpuint (ph_accept_all_get_remaining (grant), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (grants), ==, 0);
  g_assert_cmpint (ph_devices_decide (devices, &policy, study, NULL, &reason, NULL), ==, PH_TRUST_ASK);

  /* Stop ends it at once; blocking the device too. */
  second = g_object_ref (ph_devices_accept_all (devices, study, "Study Laptop", 600));
  g_assert_cmpuint (g_list_model_get_n_items (grants), ==, 1);
  ph_accept_all_stop (second);
  g_assert_cmpuint (g_list_model_get_n_items (grants), ==, 0);
  g_assert_null (ph_devices_lookup_accept_all (devices, study));
  g_clear_object (&second);
  second = g_object_ref (ph_devices_accept_all (devices, study, "Study Laptop", 600));
  ph_devices_block (devices, study, NULL);
  g_assert_false (ph_accept_all_get_active (second));
  g_assert_cmpint (ph_devices_decide (devices, &policy, study, NULL, &reason, NULL), ==, PH_TRUST_REFUSE);
  secure_rig_flush_devices (devices);
}

static void
test_key_change (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *renewed = secure_rig_key ("study-reinstalled");
  g_autofree char *desk = secure_rig_key ("desk");

  ph_devices_record_seen (devices, study, "Study Laptop", NULL, NULL, "0123abcd");
  /* Nothing paired yet: a new key under a known name is just a stranger. */
  g_assert_null (ph_devices_find_key_change (devices, renewed, "Study Laptop", NULL));

  ph_devices_pair (devices, study, "Study Laptop");
  g_assert_true (ph_devices_find_key_change (devices, renewed, "STUDY LAPTOP", NULL) ==
                 ph_devices_lookup (devices, study));
  /* The same installation announced under another name. */
  g_assert_true (ph_devices_find_key_change (devices, renewed, "Renamed", "0123abcd") ==
                 ph_devices_lookup (devices, study));
  g_assert_null (ph_devices_find_key_change (devices, desk, "Desk", NULL));
  g_assert_null (ph_devices_find_key_change (devices, study, "Study Laptop", NULL));

  /* Paired again, the new key is no change any more. */
  ph_devices_pair (devices, renewed, "Study Laptop");
  g_assert_null (ph_devices_find_key_change (devices, renewed, "Study Laptop", NULL));
  secure_rig_flush_devices (devices);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* What a receiver nearby announces (key, name, id) against the list:
 * what the Nearby rows and `list` warn of, as sending refuses it. And
 * "changed" for every change, also one in place (paired, blocked). */
static void
test_announced_key_change (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *renewed = secure_rig_key ("study-reinstalled");
  g_autofree char *desk = secure_rig_key ("desk");
  g_autofree char *clone = secure_rig_key ("someone with desk's id");
  guint changed = 0;

  g_signal_connect_swapped (devices, "changed", G_CALLBACK (count_cb), &changed);
  g_assert_null (ph_destination_find_key_change (devices, renewed, "Study Laptop", "0123abcd"));
  g_assert_null (ph_destination_find_key_change (devices, NULL, "Study Laptop", "0123abcd"));

  ph_devices_record_seen (devices, study, "Study Laptop", NULL, NULL, "0123abcd");
  g_assert_cmpuint (changed, ==, 1);
  ph_devices_pair (devices, study, "Study Laptop");
  g_assert_cmpuint (changed, ==, 2);
  /* Under its name, or its id, with another key. */
  g_assert_true (ph_destination_find_key_change (devices, renewed, "Study Laptop", NULL) ==
                 ph_devices_lookup (devices, study));
  g_assert_true (ph_destination_find_key_change (devices, renewed, "Renamed", "0123abcd") ==
                 ph_devices_lookup (devices, study));
  g_assert_null (ph_destination_find_key_change (devices, study, "Study Laptop", "0123abcd"));
  /* No key announced: the original format, not a new key. */
  g_assert_null (ph_destination_find_key_change (devices, NULL, "Study Laptop", "0123abcd"));

  /* Known, not paired, by its id: sending to another key there is
   * refused, so it is a new key too; blocked, still. */
  ph_devices_record_seen (devices, desk, "Desk", NULL, NULL, "4567cdef");
  g_assert_true (ph_destination_find_key_change (devices, clone, "Desk", "4567cdef") ==
                 ph_devices_lookup (devices, desk));
  g_assert_null (ph_destination_find_key_change (devices, clone, "Desk", NULL));
  ph_devices_block (devices, desk, NULL);
  g_assert_cmpuint (changed, ==, 4);
  g_assert_nonnull (ph_destination_find_key_change (devices, clone, "Desk", "4567cdef"));
  g_assert_true (ph_devices_forget (devices, desk));
  g_assert_cmpuint (changed, ==, 5);
  g_assert_null (ph_destination_find_key_change (devices, clone, "Desk", "4567cdef"));

  /* The new key paired: no warning; known only, it still is one. */
  ph_devices_record_seen (devices, renewed, "Study Laptop", NULL, NULL, "0123abcd");
  g_assert_nonnull (ph_destination_find_key_change (devices, renewed, "Study Laptop", "0123abcd"));
  ph_devices_pair (devices, renewed, "Study Laptop");
  g_assert_null (ph_destination_find_key_change (devices, renewed, "Study Laptop", "0123abcd"));
  g_assert_cmpuint (changed, ==, 7);
  g_signal_handlers_disconnect_by_data (devices, &changed);
  secure_rig_flush_devices (devices);
}

/* A receiver announced without a key that this computer knows by one
 * (its installation id; a paired one by its name): the downgrade the
 * Nearby rows and `list` warn of, as sending refuses it. */
static void
test_announced_downgrade (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *desk = secure_rig_key ("desk");
  g_autofree char *said = NULL;

  g_assert_null (ph_destination_find_downgrade (devices, NULL, "Study Laptop", "0123abcd"));

  /* Known by its id, not paired: no encryption there is refused too. */
  ph_devices_record_seen (devices, study, "Study Laptop", NULL, NULL, "0123abcd");
  g_assert_true (ph_destination_find_downgrade (devices, NULL, "Renamed", "0123abcd") ==
                 ph_devices_lookup (devices, study));
  /* By its name alone only once paired (a name proves nothing). */
  g_assert_null (ph_destination_find_downgrade (devices, NULL, "Study Laptop", NULL));
  ph_devices_pair (devices, study, "Study Laptop");
  g_assert_true (ph_destination_find_downgrade (devices, NULL, "study laptop", NULL) ==
                 ph_devices_lookup (devices, study));
  /* Announced with a key: no downgrade (a new key is another warning). */
  g_assert_null (ph_destination_find_downgrade (devices, study, "Study Laptop", "0123abcd"));
  g_assert_null (ph_destination_find_downgrade (devices, desk, "Study Laptop", "0123abcd"));
  g_assert_null (ph_destination_find_downgrade (devices, NULL, "Desk", "4567cdef"));

  said = ph_destination_describe_downgrade (ph_devices_lookup (devices, study), "Renamed");
  g_assert_cmpstr (said, ==, "“Study Laptop” is now announced without encryption: files will not be sent to it");

  /* Blocked, still; forgotten, nothing. */
  ph_devices_block (devices, study, NULL);
  g_assert_nonnull (ph_destination_find_downgrade (devices, NULL, "Renamed", "0123abcd"));
  g_assert_true (ph_devices_forget (devices, study));
  g_assert_null (ph_destination_find_downgrade (devices, NULL, "Study Laptop", "0123abcd"));
  secure_rig_flush_devices (devices);
}

static PhNearbyReceiver *
announce_nearby (PhBrowser  *browser,
                 const char *instance,
                 const char *name,
                 const char *id,
                 guint16     port,
                 const char *fingerprint)
{
  g_autofree char *id_pair = g_strconcat ("id=", id, NULL);
  g_autofree char *fp_pair = fingerprint ? g_strconcat ("fp=", fingerprint, NULL) : NULL;
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  const char *txt[] = { "txtvers=1", id_pair, "ask=0", "paths=1", fp_pair ? "tls=1" : NULL, fp_pair, NULL };
  PhAnnouncement announcement = {
    .instance = instance, .name = name, .host_name = "localhost.local", .txt = txt,
    .host = "127.0.0.1", .port = port, .local = TRUE,
  };

  ph_browser_resolved (browser, &announcement);
  return ph_destination_find_nearby (browser, address);
}

/* A row chosen (or dropped on) is judged as its name would be, even
 * when another receiver announces that name and the row falls back to
 * its address: no downgrade, no new key, whatever the text. */
static void
test_nearby_check (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autoptr(PhBrowser) browser = ph_browser_new ();
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *renewed = secure_rig_key ("study, reinstalled");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  PhNearbyReceiver *one, *two, *other, *keyed;

  ph_devices_record_seen (devices, study, "Study Laptop", "127.0.0.1", "127.0.0.1:7001",
                          "cccccccccccccccccccccccccccccccc");
  ph_devices_pair (devices, study, "Study Laptop");

  one = announce_nearby (browser, "one", "Study Laptop", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", 7101, NULL);
  two = announce_nearby (browser, "two", "Study Laptop", "ffffffffffffffffffffffffffffffff", 7102, NULL);
  other = announce_nearby (browser, "other", "Desk", "dddddddddddddddddddddddddddddddd", 7103, NULL);
  keyed = announce_nearby (browser, "keyed", "STUDY LAPTOP", "abababababababababababababababab", 7104, renewed);
  g_assert_nonnull (one);
  g_assert_nonnull (two);
  g_assert_nonnull (other);
  g_assert_nonnull (keyed);

  /* Two share the name: the text is the address, the refusal stays. */
  text = ph_destination_text_for_nearby (browser, one);
  g_assert_cmpstr (text, ==, "127.0.0.1:7101");
  g_assert_nonnull (ph_destination_find_downgrade (devices, NULL, "Study Laptop",
                                                   ph_nearby_receiver_get_id (one)));
  g_assert_false (ph_destination_check_nearby (devices, one, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
  g_assert_cmpstr (error->message, ==,
                   "“Study Laptop” is known to this computer by its key, but is now announced without "
                   "encryption: nothing was sent (someone may be posing as it)");
  g_clear_error (&error);
  g_assert_false (ph_destination_check_nearby (devices, two, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
  g_clear_error (&error);

  /* A new key under the paired name (written otherwise): refused too. */
  g_assert_false (ph_destination_check_nearby (devices, keyed, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_WRONG_KEY);
  g_clear_error (&error);

  /* A stranger's name, or nothing remembered: a first contact. */
  g_assert_true (ph_destination_check_nearby (devices, other, &error));
  g_assert_no_error (error);
  g_assert_true (ph_destination_check_nearby (NULL, one, &error));
  g_assert_no_error (error);

  /* Forgotten, the same rows are first contacts. */
  g_assert_true (ph_devices_forget (devices, study));
  g_assert_true (ph_destination_check_nearby (devices, one, &error));
  g_assert_true (ph_destination_check_nearby (devices, keyed, &error));
  g_assert_no_error (error);
  secure_rig_flush_devices (devices);
}

/* Pair… only where the secure channel can carry it: a receiver that
 * announced its key; one without a key only where this computer sent
 * files to a key at its address; never a device known by its key now
 * announced without one. */
static void
test_pairable (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PhDevices) devices = secure_rig_open_devices (fixture->path);
  g_autoptr(PhBrowser) browser = ph_browser_new ();
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *shed_key = secure_rig_key ("shed");
  g_autoptr(GError) error = NULL;
  PhNearbyReceiver *plain, *keyed, *poser;

  plain = announce_nearby (browser, "plain", "Garden Shed", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", 7201, NULL);
  keyed = announce_nearby (browser, "keyed", "Desk", "dddddddddddddddddddddddddddddddd", 7202, study);
  poser = announce_nearby (browser, "poser", "Study Laptop", "ffffffffffffffffffffffffffffffff", 7203, NULL);

  g_assert_true (ph_destination_check_pairable (devices, keyed, &error));
  g_assert_true (ph_destination_check_pairable (NULL, keyed, &error));
  g_assert_no_error (error);

  g_assert_false (ph_destination_check_pairable (devices, plain, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
  g_assert_cmpstr (error->message, ==, "“Garden Shed” receives only unencrypted files (another program, "
                                       "or an older Posthouse): pairing needs encryption");
  g_clear_error (&error);
  g_assert_false (ph_destination_check_pairable (NULL, plain, NULL));

  /* Sent to encrypted at its address before: its key is known there. */
  ph_devices_record_seen (devices, shed_key, "Garden Shed", "127.0.0.1", "127.0.0.1:7201", NULL);
  g_assert_true (ph_destination_check_pairable (devices, plain, &error));
  g_assert_no_error (error);

  /* Without a key under a paired device's name: what sending says. */
  ph_devices_record_seen (devices, study, "Study Laptop", "127.0.0.1", NULL, NULL);
  ph_devices_pair (devices, study, "Study Laptop");
  g_assert_false (ph_destination_check_pairable (devices, poser, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
  g_assert_cmpstr (error->message, ==, "“Study Laptop” is now announced without encryption: "
                                       "files will not be sent to it");
  secure_rig_flush_devices (devices);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/trust/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("pairing-pause", test_pairing_pause, NULL);
  ADD ("bounded", test_bounded, NULL);
  ADD ("resolve", test_resolve, NULL);
  ADD ("policy", test_policy, NULL);
  ADD ("accept-all", test_accept_all, NULL);
  ADD ("key-change", test_key_change, NULL);
  ADD ("announced-key-change", test_announced_key_change, NULL);
  ADD ("announced-downgrade", test_announced_downgrade, NULL);
  ADD ("nearby-check", test_nearby_check, NULL);
  ADD ("pairable", test_pairable, NULL);

  return g_test_run ();
}
