/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The files a secure batch sends: measured for the hello, then read.
 * A descriptor where a file is local, a stream of a GVfs backend
 * otherwise. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-secure-send-private.h"

static GError *
read_error (PhSecureJob *job,
            int          errsv)
{
  return g_error_new (G_IO_ERROR, g_io_error_from_errno (errsv), _("Could not read “%s”: %s"),
                      job->name, g_strerror (errsv));
}

static GError *
not_regular (PhSecureJob *job,
             gboolean     is_folder)
{
  return g_error_new (PH_ERROR, PH_ERROR_NOT_REGULAR,
                      is_folder ? _("“%s” is a folder; only files can be sent")
                                : _("“%s” is not a regular file"),
                      job->name);
}

void
ph_secure_source_close (PhSecureSource *source)
{
  if (source->fd >= 0)
    close (source->fd);
  source->fd = -1;
  g_clear_object (&source->stream);
}

/* Opens @job's file and says how big it is now. */
gboolean
ph_secure_source_open (PhSecureJob     *job,
                       PhSecureSource  *source,
                       gint64          *size,
                       GError         **error)
{
  g_autofree char *path = g_file_get_path (job->source);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileInputStream *stream;
  struct stat st;

  source->fd = -1;
  source->stream = NULL;

  if (path != NULL)
    {
      /* O_NONBLOCK: a FIFO put in its place must not hang the batch. */
      source->fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (source->fd < 0 || fstat (source->fd, &st) != 0)
        {
          g_propagate_error (error, read_error (job, errno));
          ph_secure_source_close (source);
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        {
          g_propagate_error (error, not_regular (job, S_ISDIR (st.st_mode)));
          ph_secure_source_close (source);
          return FALSE;
        }
      *size = st.st_size;
      return TRUE;
    }

  stream = g_file_read (job->source, job->cancellable, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, G_IO_ERROR, local_error->code, _("Could not read “%s”: %s"),
                   job->name, local_error->message);
      return FALSE;
    }
  source->stream = G_INPUT_STREAM (stream);
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, job->cancellable,
                                         NULL);
  *size = info && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE)
          ? g_file_info_get_size (info) : job->size;
  return TRUE;
}

/* Reads @len bytes, fewer only at the end of the file. */
gboolean
ph_secure_source_read (PhSecureJob     *job,
                       PhSecureSource  *source,
                       guint8          *buffer,
                       gsize            len,
                       gsize           *got,
                       GError         **error)
{
  *got = 0;
  if (source->stream != NULL)
    return g_input_stream_read_all (source->stream, buffer, len, got, job->cancellable, error);

  while (*got < len)
    {
      gssize n = read (source->fd, buffer + *got, len - *got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_propagate_error (error, read_error (job, errno));
          return FALSE;
        }
      if (n == 0)
        break;
      *got += n;
    }

  return !g_cancellable_set_error_if_cancelled (job->cancellable, error);
}

/**
 * ph_secure_source_measure:
 * @size: (out): its size now
 *
 * The size each file has now, for the hello: what the batch may hold.
 * A local file costs a stat(), not a GFileInfo: a batch of 100,000
 * files is measured before its first byte goes out.
 *
 * Returns: FALSE with an error that names the file when it cannot go
 */
gboolean
ph_secure_source_measure (PhSecureJob   *job,
                          GCancellable  *cancellable,
                          gint64        *size,
                          GError       **error)
{
  g_autofree char *path = g_file_get_path (job->source);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;

  if (path != NULL)
    {
      if (stat (path, &st) != 0)
        {
          g_propagate_error (error, read_error (job, errno));
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        {
          g_propagate_error (error, not_regular (job, S_ISDIR (st.st_mode)));
          return FALSE;
        }
      *size = st.st_size;
      return TRUE;
    }

  info = g_file_query_info (job->source,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_set_error (error, G_IO_ERROR, local_error->code, _("Could not read “%s”: %s"),
                   job->name, local_error->message);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_propagate_error (error, not_regular (job, g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY));
      return FALSE;
    }

  *size = g_file_info_get_size (info);
  return TRUE;
}

