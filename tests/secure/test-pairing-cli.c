/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posthouse-cli pair and devices, run as a program with its own
 * identity and list of devices, against a receiver on loopback whose
 * person answers. */
#include "config.h"

#include <string.h>

#include "pairing-rig.h"
#include "ph-test-util.h"
#include "secure-rig.h"

typedef struct
{
  PairingRig *rig;
  char       *data_home;   /* the CLI's XDG_DATA_HOME */
} Fixture;

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  int       status;
} CliRun;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->rig = pairing_rig_new ();
  pairing_rig_listen (fixture->rig);
  fixture->rig->foreign_initiator = TRUE;
  fixture->data_home = g_build_filename (fixture->rig->tmp, "cli-data", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  pairing_rig_free (fixture->rig);
  g_free (fixture->data_home);
}

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                ? g_subprocess_get_exit_status (G_SUBPROCESS (object)) : -1;
  run->done = TRUE;
}

/* Runs posthouse-cli with @input on its standard input, the main loop
 * turning meanwhile (the receiver in this process answers). */
static int
cli (Fixture     *fixture,
     const char  *input,
     char       **out,
     char       **err,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  CliRun run = { 0 };
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("PH_CLI"));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (child, input, NULL, communicated_cb, &run);
  secure_rig_iterate_until (&run.done, 60000);

  g_test_message ("stdout: %s", run.out);
  g_test_message ("stderr: %s", run.err);
  *out = run.out;
  *err = run.err;
  return run.status;
}

static PhIdentity *
cli_identity (Fixture *fixture)
{
  g_autofree char *dir = g_build_filename (fixture->data_home, "posthouse", "identity", NULL);
  g_autoptr(GError) error = NULL;
  PhIdentity *identity = ph_identity_load (dir, &error);

  g_assert_no_error (error);
  return identity;
}

static void
test_pair (Fixture       *fixture,
           gconstpointer  data)
{
  PairingRig *rig = fixture->rig;
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", rig->port);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *shown = NULL, *question = NULL, *line = NULL;
  g_autofree char *list_out = NULL, *list_err = NULL;
  g_autoptr(PhIdentity) identity = NULL;
  const char *responder_key = ph_identity_get_fingerprint (rig->responder.identity);
  PhDevice *device;

  rig->responder.delay_ms = 200;
  g_assert_cmpint (cli (fixture, "y\n", &out, &err, "pair", destination, NULL), ==, 0);
  secure_rig_iterate_until (&rig->responder.done, 10000);
  g_assert_true (rig->responder.ok);

  /* The terminal showed what the other screen showed. */
  g_assert_nonnull (rig->responder.code);
  shown = ph_pairing_format_code (rig->responder.code);
  question = g_strdup_printf ("Does “Responding Rig” show %s? [y/N]", shown);
  g_assert_nonnull (strstr (err, question));
  line = g_strdup_printf ("paired %s Responding Rig\n", responder_key);
  g_assert_cmpstr (out, ==, line);

  /* Each remembers the other, paired. */
  identity = cli_identity (fixture);
  device = ph_devices_lookup (rig->responder.devices, ph_identity_get_fingerprint (identity));
  g_assert_nonnull (device);
  g_assert_true (ph_device_is_paired (device));

  g_assert_cmpint (cli (fixture, NULL, &list_out, &list_err, "devices", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (list_out, "Responding Rig\t"));
  g_assert_nonnull (strstr (list_out, "\tpaired\t"));
  g_assert_nonnull (strstr (list_out, "\t127.0.0.1\n"));
  g_free (list_out);
  g_free (list_err);
  g_assert_cmpint (cli (fixture, NULL, &list_out, &list_err, "devices", "--full", NULL), ==, 0);
  g_assert_nonnull (strstr (list_out, responder_key));
}

static void
test_declined (Fixture       *fixture,
               gconstpointer  data)
{
  PairingRig *rig = fixture->rig;
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", rig->port);
  g_autofree char *out = NULL, *err = NULL;

  rig->responder.person = PERSON_SILENT;
  g_assert_cmpint (cli (fixture, "n\n", &out, &err, "pair", destination, NULL), ==, 1);
  secure_rig_iterate_until (&rig->responder.done, 10000);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "not the same"));
  g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_MISMATCH);
}

/* Nobody at the terminal: no answer, which is no failed comparison. */
static void
test_no_answer (Fixture       *fixture,
                gconstpointer  data)
{
  PairingRig *rig = fixture->rig;
  g_autofree char *destination = g_strdup_printf ("127.0.0.1:%u", rig->port);
  g_autofree char *out = NULL, *err = NULL;

  rig->responder.person = PERSON_SILENT;
  g_assert_cmpint (cli (fixture, "", &out, &err, "pair", destination, NULL), ==, 1);
  secure_rig_iterate_until (&rig->responder.done, 10000);
  g_assert_nonnull (strstr (err, "No answer"));
  g_assert_error (rig->responder.error, PH_ERROR, PH_ERROR_DECLINED);
  g_assert_cmpuint (ph_device_get_pairing_failures (
                      ph_devices_lookup (rig->responder.devices,
                                         ph_pairing_get_peer_fingerprint (rig->responder.pairing))), ==, 0);
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL, *out5 = NULL, *err5 = NULL;

  g_assert_cmpint (cli (fixture, NULL, &out1, &err1, "pair", NULL), ==, 2);
  g_assert_cmpint (cli (fixture, NULL, &out2, &err2, "pair", "[::1", NULL), ==, 2);
  g_assert_cmpint (cli (fixture, NULL, &out3, &err3, "devices", "forget", NULL), ==, 2);
  g_assert_cmpint (cli (fixture, NULL, &out4, &err4, "devices", "rename", "x", NULL), ==, 2);
  /* A fingerprint may begin with '-': a device, not an option. */
  g_assert_cmpint (cli (fixture, NULL, &out5, &err5, "devices", "forget", "-IjEj9u", NULL), ==, 1);
  g_assert_nonnull (strstr (err5, "“-IjEj9u”"));
}

static void
test_devices (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->data_home, "posthouse", "devices", "devices.ini", NULL);
  g_autofree char *study = secure_rig_key ("study");
  g_autofree char *stranger = secure_rig_key ("stranger");
  g_autofree char *desk = secure_rig_key ("desk");
  g_autofree char *prefix = g_strndup (study, 8);
  char *out = NULL, *err = NULL;

  {
    g_autoptr(PhDevices) devices = secure_rig_open_devices (path);

    ph_devices_pair (devices, study, "Study Laptop");
    ph_devices_record_seen (devices, desk, "Desk", "192.168.7.3", NULL, NULL);
    secure_rig_flush_devices (devices);
  }

#define RUN(status, ...) \
  G_STMT_START { \
    g_clear_pointer (&out, g_free); \
    g_clear_pointer (&err, g_free); \
    g_assert_cmpint (cli (fixture, NULL, &out, &err, __VA_ARGS__, NULL), ==, status); \
  } G_STMT_END

  RUN (0, "devices");
  /* Paired first. */
  g_assert_true (g_str_has_prefix (out, "Study Laptop\t"));
  g_assert_nonnull (strstr (out, "\nDesk\t"));
  g_assert_nonnull (strstr (out, "\tknown\t"));
  g_assert_null (strstr (err, "new key"));

  /* Another key under the paired name: listed as known, and said. */
  {
    g_autoptr(PhDevices) devices = secure_rig_open_devices (path);
    g_autofree char *renewed = secure_rig_key ("study, reinstalled");

    ph_devices_record_seen (devices, renewed, "Study Laptop", "192.168.7.9", NULL, NULL);
    secure_rig_flush_devices (devices);
  }
  RUN (0, "devices");
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

    /* Three devices, one line each. */
    g_assert_cmpuint (g_strv_length (lines), ==, 4);
  }
  g_assert_nonnull (strstr (err, "“Study Laptop” has a new key ("));
  g_assert_nonnull (strstr (err, "pair again to trust it"));

  RUN (0, "devices", "block", "desk");
  g_assert_nonnull (strstr (err, "Blocked “Desk”"));
  RUN (1, "devices", "block", "Nobody");
  g_assert_nonnull (strstr (err, "No remembered device"));
  /* A key never seen, by its whole fingerprint. */
  RUN (0, "devices", "block", stranger);
  RUN (0, "devices", "unblock", "Desk");
  RUN (1, "devices", "unblock", "Desk");
  g_assert_nonnull (strstr (err, "is not blocked"));
  RUN (0, "devices", "forget", prefix);
  g_assert_nonnull (strstr (err, "Forgot “Study Laptop”"));

  {
    g_autoptr(PhDevices) devices = secure_rig_open_devices (path);

    g_assert_null (ph_devices_lookup (devices, study));
    g_assert_cmpint (ph_device_get_state (ph_devices_lookup (devices, stranger)), ==, PH_DEVICE_BLOCKED);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (devices)), ==, 3);
  }
  g_free (out);
  g_free (err);
#undef RUN
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("PH_CLI") == NULL)
    {
      g_test_skip ("PH_CLI is not set");
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/posthouse/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("pair", test_pair);
  ADD ("pair-declined", test_declined);
  ADD ("pair-no-answer", test_no_answer);
  ADD ("usage", test_usage);
  ADD ("devices", test_devices);

  return g_test_run ();
}
