/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The identity lives in one file, <data dir>/posthouse/identity/identity.pem
 * (mode 0600, in a folder of mode 0700): the private key, then the
 * certificate. One file, so that no reader ever sees a key with another
 * key's certificate.
 *
 * Made once: a new identity is written whole to a temporary file and
 * then link()ed to its name, which never replaces a file, so that the
 * app and the CLI starting at the same moment agree on the one that
 * got there first. A certificate is renewed (same key, so the same
 * fingerprint) by writing the whole file anew and rename()ing it over.
 *
 * A file that holds no readable key is never replaced: that would
 * silently change this computer's identity, and every paired device
 * would then see a stranger. Loading fails with PH_ERROR_IDENTITY and
 * a sentence that names the file; moving the file away makes a new
 * identity on the next start. A key whose certificate is missing,
 * damaged or expiring gets a new certificate: nothing changes for the
 * peers. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ph-certificate-private.h"
#include "ph-error.h"
#include "ph-fingerprint.h"
#include "ph-identity.h"

#define IDENTITY_FILE "identity.pem"
/* An identity file is a key and a certificate: a few KiB at most. */
#define MAX_FILE_SIZE (64 * 1024)
/* Rounds of "someone else wrote it meanwhile" before giving up. */
#define MAX_ATTEMPTS 4

struct _PhIdentity
{
  GObject          parent_instance;

  GTlsCertificate *certificate;
  char            *fingerprint;
  char            *short_fingerprint;
  char            *path;
};

G_DEFINE_FINAL_TYPE (PhIdentity, ph_identity, G_TYPE_OBJECT)

static void
ph_identity_finalize (GObject *object)
{
  PhIdentity *self = PH_IDENTITY (object);

  g_clear_object (&self->certificate);
  g_free (self->fingerprint);
  g_free (self->short_fingerprint);
  g_free (self->path);

  G_OBJECT_CLASS (ph_identity_parent_class)->finalize (object);
}

static void
ph_identity_class_init (PhIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ph_identity_finalize;
}

static void
ph_identity_init (PhIdentity *self)
{
}

typedef enum
{
  FAILED_READ,
  FAILED_STORE,
  FAILED_FOLDER,
  FAILED_PROTECT,
} Failure;

static gboolean
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *path,
                 Failure      failure)
{
  g_autofree char *display = g_filename_display_name (path);
  const char *cause = g_strerror (errsv);

  switch (failure)
    {
    case FAILED_READ:
      g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                   _("Could not read this computer’s key from “%s”: %s"), display, cause);
      break;
    case FAILED_STORE:
      g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                   _("Could not store this computer’s key in “%s”: %s"), display, cause);
      break;
    case FAILED_FOLDER:
      g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                   _("Could not create the folder “%s” for this computer’s key: %s"), display, cause);
      break;
    case FAILED_PROTECT:
    default:
      g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                   _("Could not protect the folder “%s” of this computer’s key: %s"), display, cause);
      break;
    }

  return FALSE;
}

/* The folder, 0700 whatever it was made with. */
static gboolean
prepare_directory (const char  *directory,
                   GError     **error)
{
  struct stat st;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    return set_errno_error (error, errno, directory, FAILED_FOLDER);

  if (stat (directory, &st) == 0 && (st.st_mode & 077) != 0 && chmod (directory, 0700) != 0)
    return set_errno_error (error, errno, directory, FAILED_PROTECT);

  return TRUE;
}

/* Returns: (nullable): the file's contents, or NULL with *@missing set
 * when there is none yet, or NULL with @error */
static char *
read_identity (const char  *path,
               gsize       *len,
               gboolean    *missing,
               GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gssize got;
  int errsv = 0;
  int fd;

  *missing = FALSE;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    {
      *missing = errno == ENOENT;
      if (!*missing)
        set_errno_error (error, errno, path, FAILED_READ);
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    errsv = errno;
  else if (!S_ISREG (st.st_mode))
    errsv = EINVAL;
  else if (st.st_size > MAX_FILE_SIZE)
    errsv = EFBIG;
  if (errsv != 0)
    {
      close (fd);
      set_errno_error (error, errsv, path, FAILED_READ);
      return NULL;
    }

  /* A key others can read is no secret: close that at once. */
  if ((st.st_mode & 077) != 0)
    fchmod (fd, 0600);

  contents = g_malloc (st.st_size + 1);
  got = read (fd, contents, st.st_size);
  close (fd);
  if (got < 0)
    {
      set_errno_error (error, errno, path, FAILED_READ);
      return NULL;
    }

  contents[got] = '\0';
  *len = got;
  return g_steal_pointer (&contents);
}

/* Writes @contents to a new file beside @path, flushed to disk; then
 * link()s it to @path (@replace FALSE: fails with EEXIST if it exists)
 * or rename()s it over @path. */
static gboolean
write_identity (const char  *path,
                const char  *contents,
                gboolean     replace,
                int         *errsv)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_build_filename (dir, ".identity-XXXXXX", NULL);
  gsize len = strlen (contents);
  gboolean ok;
  int fd;

  /* mkstemp makes it 0600. */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      *errsv = errno;
      return FALSE;
    }

  ok = write (fd, contents, len) == (gssize) len && fsync (fd) == 0;
  *errsv = errno;
  close (fd);

  if (ok)
    {
      ok = replace ? rename (tmp, path) == 0 : link (tmp, path) == 0;
      *errsv = errno;
    }
  if (!ok || !replace)
    g_unlink (tmp);

  if (ok)
    {
      int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (dir_fd >= 0)
        {
          fsync (dir_fd);
          close (dir_fd);
        }
    }

  return ok;
}

static PhIdentity *
identity_new (const char  *path,
              const char  *key_pem,
              const char  *certificate_pem,
              GError     **error)
{
  g_autoptr(PhIdentity) self = g_object_new (PH_TYPE_IDENTITY, NULL);
  g_autofree char *pem = g_strconcat (certificate_pem, key_pem, NULL);
  g_autoptr(GError) local_error = NULL;

  self->certificate = g_tls_certificate_new_from_pem (pem, -1, &local_error);
  if (self->certificate != NULL)
    self->fingerprint = ph_fingerprint_from_certificate (self->certificate, &local_error);

  if (self->fingerprint == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                   _("This computer’s key in “%s” cannot be used: %s"), display, local_error->message);
      return NULL;
    }

  self->short_fingerprint = ph_fingerprint_format_short (self->fingerprint);
  self->path = g_strdup (path);
  return g_steal_pointer (&self);
}

/* Makes a new identity at @path unless one appeared meanwhile.
 * Returns: TRUE with *@made when it is ours, TRUE without when another
 * process was first (read it again), FALSE with @error. */
static gboolean
create_identity (const char  *path,
                 char       **key_pem,
                 char       **certificate_pem,
                 GError     **error)
{
  g_autofree char *key = ph_certificate_new_key (error);
  g_autofree char *certificate = NULL;
  g_autofree char *contents = NULL;
  int errsv = 0;

  if (key == NULL || (certificate = ph_certificate_issue (key, error)) == NULL)
    return FALSE;

  contents = g_strconcat (key, certificate, NULL);
  if (write_identity (path, contents, FALSE, &errsv))
    {
      *key_pem = g_steal_pointer (&key);
      *certificate_pem = g_steal_pointer (&certificate);
      return TRUE;
    }

  if (errsv == EEXIST)
    return TRUE;

  return set_errno_error (error, errsv, path, FAILED_STORE);
}

/**
 * ph_identity_load:
 * @directory: the folder of the identity (ph_identity_default_directory())
 *
 * Loads the identity, making it first if there is none: a new ECDSA
 * P-256 key and a self-signed certificate, stored with mode 0600. Safe
 * when several processes do it at once: all get the same identity.
 *
 * Returns: (transfer full) (nullable): the identity, or NULL with
 *   PH_ERROR_IDENTITY, whose message names the file
 */
PhIdentity *
ph_identity_load (const char  *directory,
                  GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (directory != NULL, NULL);

  if (!prepare_directory (directory, error))
    return NULL;
  path = g_build_filename (directory, IDENTITY_FILE, NULL);

  for (guint attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
    {
      g_autofree char *contents = NULL;
      g_autofree char *key = NULL;
      g_autofree char *certificate = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean missing;
      gsize len = 0;

      contents = read_identity (path, &len, &missing, error);
      if (contents == NULL && !missing)
        return NULL;

      if (missing)
        {
          if (!create_identity (path, &key, &certificate, error))
            return NULL;
          if (key == NULL)
            continue;   /* another process made it: read theirs */
          return identity_new (path, key, certificate, error);
        }

      if (!ph_certificate_inspect (contents, len, &key, &certificate, &local_error))
        {
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                       _("This computer’s key in “%s” is damaged: %s. Posthouse does not replace "
                         "it by itself, as paired devices would no longer recognise this computer; "
                         "move the file away to make a new key."),
                       display, local_error->message);
          return NULL;
        }

      if (certificate == NULL)
        {
          g_autofree char *renewed = NULL;
          int errsv = 0;

          certificate = ph_certificate_issue (key, error);
          if (certificate == NULL)
            return NULL;
          renewed = g_strconcat (key, certificate, NULL);
          /* Kept in memory if it cannot be stored: the key is what counts. */
          if (!write_identity (path, renewed, TRUE, &errsv))
            g_debug ("Could not store a renewed certificate in %s: %s", path, g_strerror (errsv));
        }

      return identity_new (path, key, certificate, error);
    }

  {
    g_autofree char *display = g_filename_display_name (path);

    g_set_error (error, PH_ERROR, PH_ERROR_IDENTITY,
                 _("This computer’s key in “%s” keeps changing; is another program writing it?"),
                 display);
  }
  return NULL;
}

/* Returns: (transfer full): <user data dir>/posthouse/identity */
char *
ph_identity_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "posthouse", "identity", NULL);
}

/**
 * ph_identity_load_default:
 *
 * The identity of this user's Posthouse, app and CLI alike.
 *
 * Returns: (transfer full) (nullable): see ph_identity_load()
 */
PhIdentity *
ph_identity_load_default (GError **error)
{
  g_autofree char *directory = ph_identity_default_directory ();

  return ph_identity_load (directory, error);
}

/* Returns: (transfer none): the certificate, with its private key */
GTlsCertificate *
ph_identity_get_certificate (PhIdentity *self)
{
  g_return_val_if_fail (PH_IS_IDENTITY (self), NULL);

  return self->certificate;
}

/* Returns: the fingerprint, 43 base64url characters */
const char *
ph_identity_get_fingerprint (PhIdentity *self)
{
  g_return_val_if_fail (PH_IS_IDENTITY (self), NULL);

  return self->fingerprint;
}

/* Returns: its short form, for people */
const char *
ph_identity_get_short_fingerprint (PhIdentity *self)
{
  g_return_val_if_fail (PH_IS_IDENTITY (self), NULL);

  return self->short_fingerprint;
}

/* Returns: the file it is kept in */
const char *
ph_identity_get_path (PhIdentity *self)
{
  g_return_val_if_fail (PH_IS_IDENTITY (self), NULL);

  return self->path;
}
