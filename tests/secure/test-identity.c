/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhIdentity and fingerprints: made once, kept private, shared by
 * processes starting together, never silently replaced. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "posthouse-core.h"
#include "ph-test-util.h"

typedef struct
{
  char *tmp;
  char *dir;
  char *file;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->tmp = ph_test_make_tmp_dir ("posthouse-identity-XXXXXX");
  fixture->dir = g_build_filename (fixture->tmp, "posthouse", "identity", NULL);
  fixture->file = g_build_filename (fixture->dir, "identity.pem", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ph_test_rm_rf (fixture->tmp);
  g_free (fixture->tmp);
  g_free (fixture->dir);
  g_free (fixture->file);
}

static guint
mode_of (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Not inlined: GCC 12's -Wdangling-pointer at -O3 took the returned
 * buffer for a local of this function (release builds warned). */
G_GNUC_NO_INLINE static char *
contents_of (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static PhIdentity *
load (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  PhIdentity *identity = ph_identity_load (fixture->dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (identity);
  return identity;
}

static void
test_made_once (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(PhIdentity) first = load (fixture);
  g_autoptr(PhIdentity) again = NULL;
  g_autofree char *stored = contents_of (fixture->file);
  g_autofree char *stored_again = NULL;
  const char *fingerprint = ph_identity_get_fingerprint (first);

  g_assert_true (ph_fingerprint_is_valid (fingerprint));
  g_assert_cmpuint (strlen (fingerprint), ==, 43);
  g_assert_cmpstr (ph_identity_get_path (first), ==, fixture->file);
  g_assert_cmpuint (mode_of (fixture->file), ==, 0600);
  g_assert_cmpuint (mode_of (fixture->dir), ==, 0700);
  g_assert_nonnull (strstr (stored, "-----BEGIN PRIVATE KEY-----"));
  g_assert_nonnull (strstr (stored, "-----BEGIN CERTIFICATE-----"));
  g_assert_true (G_IS_TLS_CERTIFICATE (ph_identity_get_certificate (first)));

  /* Loaded again: the same key and the same certificate, file untouched. */
  again = load (fixture);
  stored_again = contents_of (fixture->file);
  g_assert_cmpstr (ph_identity_get_fingerprint (again), ==, fingerprint);
  g_assert_true (g_tls_certificate_is_same (ph_identity_get_certificate (first),
                                            ph_identity_get_certificate (again)));
  g_assert_cmpstr (stored, ==, stored_again);

  /* Short form: the first 16 characters in groups of four. */
  {
    g_autofree char *expected = g_strdup_printf ("%.4s %.4s %.4s %.4s", fingerprint, fingerprint + 4,
                                                 fingerprint + 8, fingerprint + 12);

    g_assert_cmpstr (ph_identity_get_short_fingerprint (first), ==, expected);
  }
}

/* Two installations, two keys. */
static void
test_distinct (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *other_dir = g_build_filename (fixture->tmp, "other", NULL);
  g_autoptr(PhIdentity) one = load (fixture);
  g_autoptr(PhIdentity) other = ph_identity_load (other_dir, NULL);

  g_assert_nonnull (other);
  g_assert_cmpstr (ph_identity_get_fingerprint (one), !=, ph_identity_get_fingerprint (other));
}

/* The fingerprint is SHA-256 over the SubjectPublicKeyInfo: as OpenSSL
 * computes it from the certificate alone. */
static void
test_fingerprint_is_spki (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(PhIdentity) identity = load (fixture);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  char *b64url;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  script = g_strdup_printf ("openssl x509 -in '%s' -pubkey -noout | openssl pkey -pubin -outform DER"
                            " | openssl dgst -sha256 -binary | openssl base64 -A", fixture->file);
  {
    const char *argv[] = { "/bin/sh", "-c", script, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                  &error);
  }
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  /* base64 to unpadded base64url */
  b64url = g_strdelimit (g_strstrip (out), "+", '-');
  g_strdelimit (b64url, "/", '_');
  if (strchr (b64url, '=') != NULL)
    *strchr (b64url, '=') = '\0';
  g_assert_cmpstr (b64url, ==, ph_identity_get_fingerprint (identity));
}

/* A peer's certificate, without its key, has the same fingerprint. */
static void
test_peer_certificate (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PhIdentity) identity = load (fixture);
  g_autofree char *stored = contents_of (fixture->file);
  g_autoptr(GTlsCertificate) peer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  const char *begin = strstr (stored, "-----BEGIN CERTIFICATE-----");

  peer = g_tls_certificate_new_from_pem (begin, -1, &error);
  g_assert_no_error (error);
  fingerprint = ph_fingerprint_from_certificate (peer, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fingerprint, ==, ph_identity_get_fingerprint (identity));

  g_clear_pointer (&fingerprint, g_free);
  fingerprint = ph_fingerprint_from_der ((const guint8 *) "not a certificate", 17, &error);
  g_assert_null (fingerprint);
  g_assert_error (error, PH_ERROR, PH_ERROR_WRONG_KEY);
}

/* Damage in the key is said, never repaired by a new identity. */
static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  const char *contents = data;
  g_autoptr(PhIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (fixture->dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->file, contents, -1, NULL));

  identity = ph_identity_load (fixture->dir, &error);
  g_assert_null (identity);
  g_assert_error (error, PH_ERROR, PH_ERROR_IDENTITY);
  g_assert_nonnull (strstr (error->message, fixture->file));
  g_assert_nonnull (strstr (error->message, "move the file away"));

  after = contents_of (fixture->file);
  g_assert_cmpstr (after, ==, contents);
}

/* A key whose certificate is gone or damaged gets a new certificate:
 * the same key, the same fingerprint. */
static void
test_certificate_renewed (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(PhIdentity) first = load (fixture);
  g_autofree char *stored = contents_of (fixture->file);
  g_autofree char *fingerprint = g_strdup (ph_identity_get_fingerprint (first));
  g_autoptr(PhIdentity) again = NULL;
  g_autofree char *renewed = NULL;
  char *cert = strstr (stored, "-----BEGIN CERTIFICATE-----");

  /* Cut in the middle of the certificate. */
  cert[strlen (cert) / 2] = '\0';
  g_assert_true (g_file_set_contents (fixture->file, stored, -1, NULL));
  g_chmod (fixture->file, 0600);

  again = load (fixture);
  g_assert_cmpstr (ph_identity_get_fingerprint (again), ==, fingerprint);
  renewed = contents_of (fixture->file);
  g_assert_nonnull (strstr (renewed, "-----END CERTIFICATE-----"));
  g_assert_cmpuint (mode_of (fixture->file), ==, 0600);
}

/* A certificate about to expire is renewed for the same key. */
static void
test_expiring (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(PhIdentity) first = load (fixture);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *stored = contents_of (fixture->file);
  g_autofree char *key = NULL;
  g_autofree char *key_path = g_build_filename (fixture->tmp, "key.pem", NULL);
  g_autofree char *short_cert = NULL;
  g_autofree char *script = NULL;
  g_autoptr(PhIdentity) again = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  key = g_strndup (stored, strstr (stored, "-----BEGIN CERTIFICATE-----") - stored);
  g_assert_true (g_file_set_contents (key_path, key, -1, NULL));
  script = g_strdup_printf ("openssl req -new -x509 -key '%s' -days 30 -subj /CN=Posthouse", key_path);
  {
    const char *argv[] = { "/bin/sh", "-c", script, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &short_cert,
                  NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  {
    g_autofree char *contents = g_strconcat (key, short_cert, NULL);

    g_assert_true (g_file_set_contents (fixture->file, contents, -1, NULL));
  }

  again = load (fixture);
  g_assert_cmpstr (ph_identity_get_fingerprint (again), ==, ph_identity_get_fingerprint (first));
  g_object_get (ph_identity_get_certificate (again), "not-valid-after", &not_after, NULL);
  g_assert_cmpint (g_date_time_to_unix (not_after), >,
                   g_get_real_time () / G_USEC_PER_SEC + 10 * 365 * 24 * 3600);
}

/* A key others could read is made private again, so is its folder. */
static void
test_permissions (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PhIdentity) first = load (fixture);
  g_autoptr(PhIdentity) again = NULL;

  g_chmod (fixture->file, 0644);
  g_chmod (fixture->dir, 0755);
  again = load (fixture);
  g_assert_cmpuint (mode_of (fixture->file), ==, 0600);
  g_assert_cmpuint (mode_of (fixture->dir), ==, 0700);
}

/* The app and the CLI starting at the same moment: one identity. */
static void
test_race (Fixture       *fixture,
           gconstpointer  data)
{
  const guint n = 8;
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(PhIdentity) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  for (guint i = 0; i < n; i++)
    {
      GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                             "/proc/self/exe",
                                             "--load", fixture->dir, NULL);

      g_assert_no_error (error);
      g_ptr_array_add (children, child);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *out = NULL;

      g_subprocess_communicate_utf8 (g_ptr_array_index (children, i), NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_successful (g_ptr_array_index (children, i)));
      g_hash_table_add (seen, g_strdup (g_strstrip (out)));
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 1);
  after = load (fixture);
  g_assert_true (g_hash_table_contains (seen, ph_identity_get_fingerprint (after)));

  /* No temporary file left behind. */
  dir = g_dir_open (fixture->dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_cmpstr (name, ==, "identity.pem");
}

static void
test_default_directory (void)
{
  g_autofree char *dir = ph_identity_default_directory ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "posthouse", "identity", NULL);

  g_assert_cmpstr (dir, ==, expected);
}

static void
test_fingerprint_text (void)
{
  g_autofree char *fingerprint = ph_fingerprint_from_spki ((const guint8 *) "", 0);
  g_autofree char *short_form = NULL;

  /* SHA-256 of nothing, e3b0c442…, in base64url. */
  g_assert_cmpstr (fingerprint, ==, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  g_assert_true (ph_fingerprint_is_valid (fingerprint));
  short_form = ph_fingerprint_format_short (fingerprint);
  g_assert_cmpstr (short_form, ==, "47DE Qpj8 HBSa -_TI");

  g_assert_false (ph_fingerprint_is_valid (NULL));
  g_assert_false (ph_fingerprint_is_valid (""));
  g_assert_false (ph_fingerprint_is_valid ("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU="));
  g_assert_false (ph_fingerprint_is_valid ("47DEQpj8HBSa+/TImW-5JCeuQeRkm5NMpJWZG3hSuFU"));
  /* The last character carries two unused bits. */
  g_assert_false (ph_fingerprint_is_valid ("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFV"));
  g_assert_true (ph_fingerprint_equal (fingerprint, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"));
  g_assert_false (ph_fingerprint_equal (fingerprint, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFQ"));
}

int
main (int    argc,
      char **argv)
{
  /* The helper of the race: load, print, exit. */
  if (argc == 3 && strcmp (argv[1], "--load") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PhIdentity) identity = ph_identity_load (argv[2], &error);

      if (identity == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("%s\n", ph_identity_get_fingerprint (identity));
      return 0;
    }

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/posthouse/identity/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("made-once", test_made_once, NULL);
  ADD ("distinct", test_distinct, NULL);
  ADD ("fingerprint-is-spki", test_fingerprint_is_spki, NULL);
  ADD ("peer-certificate", test_peer_certificate, NULL);
  ADD ("damaged/garbage", test_damaged, "this is not a key\n");
  ADD ("damaged/empty", test_damaged, "");
  ADD ("damaged/truncated-key", test_damaged, "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n");
  ADD ("certificate-renewed", test_certificate_renewed, NULL);
  ADD ("expiring", test_expiring, NULL);
  ADD ("permissions", test_permissions, NULL);
  ADD ("race", test_race, NULL);
  g_test_add_func ("/posthouse/identity/default-directory", test_default_directory);
  g_test_add_func ("/posthouse/fingerprint/text", test_fingerprint_text);

  return g_test_run ();
}
