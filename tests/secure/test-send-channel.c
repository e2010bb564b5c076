/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How files go to a destination (ph_destination_decide_channel()):
 * through the secure channel to a receiver known to speak it, to the key
 * it is known by; never in the clear to a device known by its key (no
 * downgrade); a new key never trusted silently. */
#include "config.h"

#include <string.h>

#include "ph-test-util.h"
#include "secure-rig.h"

#define ID_STUDY "0123456789abcdef0123456789abcdef"
#define ID_OTHER "fedcba9876543210fedcba9876543210"

typedef struct
{
  char      *tmp;
  PhDevices *devices;
  char      *study;     /* Study Laptop's key */
  char      *intruder;  /* someone else's */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = NULL;

  fixture->tmp = ph_test_make_tmp_dir ("posthouse-channel-XXXXXX");
  path = g_build_filename (fixture->tmp, "devices.ini", NULL);
  fixture->devices = secure_rig_open_devices (path);
  fixture->study = secure_rig_key ("study");
  fixture->intruder = secure_rig_key ("intruder");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  secure_rig_flush_devices (fixture->devices);
  g_clear_object (&fixture->devices);
  ph_test_rm_rf (fixture->tmp);
  g_free (fixture->tmp);
  g_free (fixture->study);
  g_free (fixture->intruder);
}

/* A destination as resolution makes it: announced nearby, or typed. */
static PhDestination *
nearby (const char *name,
        const char *id,
        const char *fingerprint,
        gboolean    by_name)
{
  PhDestination *destination = ph_destination_new ("192.0.2.7", 6666);

  ph_destination_set_name (destination, name);
  ph_destination_set_found_by_name (destination, by_name);
  ph_destination_set_announcement (destination, id, fingerprint);
  return destination;
}

static void
test_unknown (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(PhDestination) announced = nearby ("Study Laptop", ID_STUDY, fixture->study, TRUE);
  g_autoptr(PhDestination) plain = nearby ("Old Posthouse", ID_OTHER, NULL, TRUE);
  g_autoptr(PhDestination) typed = ph_destination_new ("192.0.2.9", 6666);
  g_autoptr(PhDestination) first = ph_destination_new ("192.0.2.9", 6666);
  g_autoptr(PhDestination) refused = nearby ("Old Posthouse", ID_OTHER, NULL, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;

  /* Announced with tls=1: encrypted, to the announced key. */
  g_assert_true (ph_destination_decide_channel (announced, fixture->devices, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (ph_destination_get_secure (announced));
  g_assert_cmpstr (ph_destination_get_fingerprint (announced), ==, fixture->study);
  g_assert_false (ph_destination_get_paired (announced));
  said = ph_destination_describe (announced);
  g_assert_cmpstr (said, ==, "encrypted, to Study Laptop");
  g_clear_pointer (&said, g_free);

  /* Announced without it, or typed and never met: the original format. */
  g_assert_true (ph_destination_decide_channel (plain, fixture->devices, FALSE, &error));
  g_assert_false (ph_destination_get_secure (plain));
  said = ph_destination_describe (plain);
  g_assert_cmpstr (said, ==, "not encrypted, to Old Posthouse");
  g_clear_pointer (&said, g_free);
  g_assert_true (ph_destination_decide_channel (typed, fixture->devices, FALSE, &error));
  g_assert_false (ph_destination_get_secure (typed));
  g_assert_null (ph_destination_get_fingerprint (typed));

  /* --require-encryption: a first contact, or nothing. */
  g_assert_true (ph_destination_decide_channel (first, fixture->devices, TRUE, &error));
  g_assert_true (ph_destination_get_secure (first));
  g_assert_null (ph_destination_get_fingerprint (first));
  g_assert_false (ph_destination_decide_channel (refused, fixture->devices, TRUE, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
}

static void
test_remembered (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(PhDestination) typed = ph_destination_new ("192.0.2.7", 6666);
  g_autoptr(PhDestination) paired = nearby (NULL, ID_STUDY, fixture->study, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;

  ph_devices_record_seen (fixture->devices, fixture->study, "Study Laptop", "192.0.2.7",
                          "192.0.2.7:6666", ID_STUDY);

  /* Typed, not announced: the key it received files under before. */
  g_assert_true (ph_destination_decide_channel (typed, fixture->devices, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (ph_destination_get_secure (typed));
  g_assert_cmpstr (ph_destination_get_fingerprint (typed), ==, fixture->study);
  g_assert_cmpstr (ph_destination_get_name (typed), ==, "Study Laptop");

  ph_devices_pair (fixture->devices, fixture->study, NULL);
  g_assert_true (ph_destination_decide_channel (paired, fixture->devices, FALSE, &error));
  g_assert_true (ph_destination_get_paired (paired));
  said = ph_destination_describe (paired);
  g_assert_cmpstr (said, ==, "encrypted, to Study Laptop (paired)");
}

/* SPEC, No downgrade: a device known by its key, announced without
 * tls=1 or with another key, gets nothing. */
static void
test_no_downgrade (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PhDestination) plain = nearby ("Study Laptop", ID_STUDY, NULL, TRUE);
  g_autoptr(PhDestination) other_key = nearby ("Study Laptop", ID_STUDY, fixture->intruder, TRUE);
  g_autoptr(PhDestination) by_name = nearby ("Study Laptop", ID_OTHER, fixture->intruder, TRUE);
  g_autoptr(PhDestination) by_address = nearby ("Study Laptop", ID_OTHER, fixture->intruder, FALSE);
  g_autoptr(PhDestination) plain_at_address = nearby ("Desk", ID_OTHER, NULL, FALSE);
  g_autoptr(GError) error = NULL;

  ph_devices_record_seen (fixture->devices, fixture->study, "Study Laptop", "192.0.2.7",
                          "192.0.2.7:6666", ID_STUDY);

  g_assert_false (ph_destination_decide_channel (plain, fixture->devices, FALSE, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_NOT_ENCRYPTED);
  g_assert_nonnull (strstr (error->message, "Study Laptop"));
  g_clear_error (&error);

  /* Its id announced with another key: a clone, or a reinstall. */
  g_assert_false (ph_destination_decide_channel (other_key, fixture->devices, FALSE, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "new key"));
  g_clear_error (&error);

  /* Only paired names count: a known device's name under another id is
   * another computer of the same name. */
  g_assert_true (ph_destination_decide_channel (by_name, fixture->devices, FALSE, &error));
  g_assert_no_error (error);
  ph_devices_pair (fixture->devices, fixture->study, NULL);
  g_assert_false (ph_destination_decide_channel (by_name, fixture->devices, FALSE, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_WRONG_KEY);
  g_clear_error (&error);
  /* Chosen by address, the name proves nothing either way. */
  g_assert_true (ph_destination_decide_channel (by_address, fixture->devices, FALSE, &error));
  g_assert_cmpstr (ph_destination_get_fingerprint (by_address), ==, fixture->intruder);
  /* Typed where Study Laptop received files, announced there by someone
   * without tls=1: still encrypted, to the key remembered there. */
  g_assert_true (ph_destination_decide_channel (plain_at_address, fixture->devices, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (ph_destination_get_secure (plain_at_address));
  g_assert_cmpstr (ph_destination_get_fingerprint (plain_at_address), ==, fixture->study);
}

static void
test_blocked (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(PhDestination) announced = nearby ("Study Laptop", ID_STUDY, fixture->study, TRUE);
  g_autoptr(GError) error = NULL;

  ph_devices_block (fixture->devices, fixture->study, "Study Laptop");
  g_assert_false (ph_destination_decide_channel (announced, fixture->devices, FALSE, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_BLOCKED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/posthouse/secure/channel/unknown", test_unknown);
  ADD ("/posthouse/secure/channel/remembered", test_remembered);
  ADD ("/posthouse/secure/channel/no-downgrade", test_no_downgrade);
  ADD ("/posthouse/secure/channel/blocked", test_blocked);
#undef ADD

  return g_test_run ();
}
