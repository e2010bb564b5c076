/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The floor of the secure channel for many small files: what the SPEC
 * demands per file and nothing else. ph-stream-floor does the receiving
 * rules alone; this adds what the secure channel must do on top, with
 * the stack the product must use: TLS through GIO (glib-networking, the
 * product's cipher preference), the real units (a `file` frame, an
 * a{sv} checked for normal form, then a data unit) and a checked
 * receipt frame back for each file once it is in place. No PhTransfer,
 * no events, no main loop, no window: one blocking thread a side, the
 * sender writing 64 KiB at a time and taking receipts as they come.
 * The product's per-file cost above this is what its own layers add.
 *
 *   ph-secure-floor receive IDENTITY_DIR PORT DIR COUNT
 *   ph-secure-floor send IDENTITY_DIR PORT DIR       every file in DIR
 *   ph-secure-floor frames [COUNT]   what one file's frames cost alone:
 *                                    encoding and decoding (checked) a
 *                                    file frame and a receipt, µs each
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posthouse-core.h"
#include "ph-frame.h"
#include "ph-secure-tls.h"

#define BUFFER (64 * 1024)

static int
fail (const char *what,
      GError     *error)
{
  g_printerr ("ph-secure-floor: %s: %s\n", what, error ? error->message : g_strerror (errno));
  return 1;
}

static gboolean
accept_cb (GTlsConnection       *conn,
           GTlsCertificate      *peer,
           GTlsCertificateFlags  errors,
           gpointer              user_data)
{
  return TRUE;   /* pinning is once per batch, not per file */
}

/* Buffered reading of units from the TLS stream. */
typedef struct
{
  GInputStream  *in;
  PhFrameReader  frames;
  guint8         data[BUFFER];
  gsize          at, end;
} Reader;

/* Returns: the next unit, PH_UNIT_NONE at the end or on error */
static PhUnitKind
next_unit (Reader         *r,
           PhMessage      *message,
           const guint8  **data,
           gsize          *len,
           GError        **error)
{
  for (;;)
    {
      gsize want = 0, take;
      guint8 *space = ph_frame_reader_space (&r->frames, &want);
      PhUnitKind kind;

      if (r->at == r->end)
        {
          gssize n = g_input_stream_read (r->in, r->data, sizeof r->data, NULL, error);

          if (n <= 0)
            return PH_UNIT_NONE;
          r->at = 0;
          r->end = n;
        }
      take = MIN (want, r->end - r->at);
      memcpy (space, r->data + r->at, take);
      r->at += take;
      kind = ph_frame_reader_commit (&r->frames, take, message, data, len, error);
      if (kind != PH_UNIT_NONE || (error && *error))
        return kind;
    }
}

static int
do_receive (PhIdentity *identity,
            guint16     port,
            const char *dir,
            long        count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketConnection) plain = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GByteArray) receipts = g_byte_array_new ();
  g_autofree guint8 *bytes = NULL;
  static Reader r;
  gsize room = 0;
  int folder;

  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error))
    return fail ("listen", error);
  g_print ("listening\n");
  plain = g_socket_listener_accept (listener, NULL, NULL, &error);
  if (plain == NULL)
    return fail ("accept", error);
  g_socket_set_option (g_socket_connection_get_socket (plain), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  tls = g_tls_server_connection_new (G_IO_STREAM (plain), ph_identity_get_certificate (identity), &error);
  if (tls == NULL)
    return fail ("tls", error);
  g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUESTED, NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_cb), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error))
    return fail ("handshake", error);

  r.in = g_io_stream_get_input_stream (tls);
  ph_frame_reader_init (&r.frames, BUFFER);
  folder = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (folder < 0)
    return fail (dir, NULL);

  for (long i = 0; i < count; i++)
    {
      PhMessage file = { 0 }, receipt = { PH_MESSAGE_RECEIPT };
      const guint8 *data;
      gsize len, got = 0;
      g_autoptr(GBytes) raw = NULL;
      g_autoptr(GBytes) frame = NULL;
      g_autofree char *name = NULL;
      gint64 size;
      char proc[64];
      int fd;

      if (next_unit (&r, &file, &data, &len, &error) != PH_UNIT_MESSAGE ||
          file.type != PH_MESSAGE_FILE)
        return fail ("a file frame", error);
      ph_wire_decode_header (file.header, &raw, &size);
      name = ph_naming_sanitize (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
      if (size < 0 || size > PH_FRAME_MAX_CHUNK)
        return fail ("size", NULL);
      if ((gsize) size > room)
        bytes = g_realloc (bytes, room = size);
      while (got < (gsize) size)
        {
          PhUnitKind kind = next_unit (&r, &file, &data, &len, &error);

          if (kind == PH_UNIT_DATA)
            {
              memcpy (bytes + got, data, MIN (len, size - got));
              got += len;
            }
          else if (kind != PH_UNIT_CHUNK)
            return fail ("file bytes", error);
        }

      fd = openat (folder, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
      if (fd < 0 || write (fd, bytes, size) != size)
        return fail ("write", NULL);
      g_snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
      if (linkat (AT_FDCWD, proc, folder, name, AT_SYMLINK_FOLLOW) != 0)
        return fail (name, NULL);
      close (fd);

      receipt.id = file.id;
      receipt.saved = TRUE;
      receipt.name = name;
      frame = ph_message_encode (&receipt);
      g_byte_array_append (receipts, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
      ph_message_clear (&file);
      /* Gathered, or nothing more has arrived: the sender may be waiting. */
      if (receipts->len >= 16 * 1024 || r.at == r.end || i + 1 == count)
        {
          if (!g_output_stream_write_all (g_io_stream_get_output_stream (tls), receipts->data,
                                          receipts->len, NULL, NULL, &error))
            return fail ("receipt", error);
          g_byte_array_set_size (receipts, 0);
        }
    }

  ph_frame_reader_clear (&r.frames);
  close (folder);
  return g_io_stream_close (tls, NULL, NULL) ? 0 : 0;
}

/* Takes every receipt that is there (all of them when @wait), checking each. */
static gboolean
take_receipts (Reader    *r,
               gboolean   wait,
               long      *got,
               long       sent,
               GError   **error)
{
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (r->in);

  while (*got < sent)
    {
      PhMessage receipt = { 0 };
      const guint8 *data;
      gsize len;

      if (!wait && r->at == r->end && !g_pollable_input_stream_is_readable (pollable))
        return TRUE;
      if (next_unit (r, &receipt, &data, &len, error) != PH_UNIT_MESSAGE ||
          receipt.type != PH_MESSAGE_RECEIPT || !receipt.saved)
        {
          ph_message_clear (&receipt);
          if (error && *error == NULL)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "not a saved receipt");
          return FALSE;
        }
      ph_message_clear (&receipt);
      (*got)++;
    }
  return TRUE;
}

static int
do_send (PhIdentity *identity,
         guint16     port,
         const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) plain = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) where = g_network_address_new ("127.0.0.1", port);
  GOutputStream *out;
  DIR *listing = opendir (dir);
  struct dirent *entry;
  static guint8 buffer[BUFFER + 8192];
  static Reader r;
  gsize used = 0;
  long sent = 0, got = 0;

  plain = g_socket_client_connect (client, where, NULL, &error);
  if (plain == NULL)
    return fail ("connect", error);
  g_socket_set_option (g_socket_connection_get_socket (plain), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  tls = g_tls_client_connection_new (G_IO_STREAM (plain), NULL, &error);
  if (tls == NULL)
    return fail ("tls", error);
  g_tls_connection_set_certificate (G_TLS_CONNECTION (tls), ph_identity_get_certificate (identity));
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_cb), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error))
    return fail ("handshake", error);
  out = g_io_stream_get_output_stream (tls);
  r.in = g_io_stream_get_input_stream (tls);
  ph_frame_reader_init (&r.frames, BUFFER);

  if (listing == NULL)
    return fail (dir, NULL);
  while ((entry = readdir (listing)) != NULL)
    {
      PhMessage file = { PH_MESSAGE_FILE };
      g_autoptr(GBytes) frame = NULL;
      struct stat st;
      gsize flen;
      const guint8 *fdata;
      int fd;

      if (entry->d_type != DT_REG)
        continue;
      fd = openat (dirfd (listing), entry->d_name, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || fstat (fd, &st) != 0 || st.st_size > 8192)
        return fail (entry->d_name, NULL);
      file.id = sent++;
      ph_wire_encode_header (entry->d_name, st.st_size, file.header);
      frame = ph_message_encode (&file);
      fdata = g_bytes_get_data (frame, &flen);
      if (used + flen + PH_FRAME_WORD_SIZE + st.st_size > BUFFER)
        {
          if (!g_output_stream_write_all (out, buffer, used, NULL, NULL, &error) ||
              !take_receipts (&r, FALSE, &got, sent - 1, &error))
            return fail ("send", error);
          used = 0;
        }
      memcpy (buffer + used, fdata, flen);
      used += flen;
      if (st.st_size > 0)
        {
          ph_frame_data_word (st.st_size, buffer + used);
          used += PH_FRAME_WORD_SIZE;
          if (read (fd, buffer + used, st.st_size) != st.st_size)
            return fail (entry->d_name, NULL);
          used += st.st_size;
        }
      close (fd);
    }
  closedir (listing);
  if (!g_output_stream_write_all (out, buffer, used, NULL, NULL, &error) ||
      !take_receipts (&r, TRUE, &got, sent, &error))
    return fail ("send", error);
  ph_frame_reader_clear (&r.frames);
  g_print ("%ld files, every receipt in\n", got);
  return 0;
}

static double
per_call (gint64 start,
          long   count)
{
  return (g_get_monotonic_time () - start) / (double) count;
}

static int
do_frames (long count)
{
  PhMessage file = { PH_MESSAGE_FILE }, receipt = { PH_MESSAGE_RECEIPT };
  g_autoptr(GBytes) file_frame = NULL;
  g_autoptr(GBytes) receipt_frame = NULL;
  GBytes *frames[2];
  double encode[2], decode[2];

  file.id = 1234;
  ph_wire_encode_header ("f001234.bin", 4096, file.header);
  receipt.id = 1234;
  receipt.saved = TRUE;
  receipt.name = (char *) "f001234.bin";
  frames[0] = file_frame = ph_message_encode (&file);
  frames[1] = receipt_frame = ph_message_encode (&receipt);

  for (guint k = 0; k < 2; k++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (frames[k], &len);
      gint64 start = g_get_monotonic_time ();

      for (long i = 0; i < count; i++)
        g_bytes_unref (ph_message_encode (k == 0 ? &file : &receipt));
      encode[k] = per_call (start, count);

      start = g_get_monotonic_time ();
      for (long i = 0; i < count; i++)
        {
          PhMessage out;

          if (!ph_message_decode (data + PH_FRAME_WORD_SIZE, len - PH_FRAME_WORD_SIZE, &out, NULL))
            return fail ("decode", NULL);
          ph_message_clear (&out);
        }
      decode[k] = per_call (start, count);
    }

  g_print ("file frame (%zu bytes): encode %.2f us, decode %.2f us\n"
           "receipt (%zu bytes): encode %.2f us, decode %.2f us\n"
           "per file, both sides: %.2f us\n",
           g_bytes_get_size (file_frame), encode[0], decode[0],
           g_bytes_get_size (receipt_frame), encode[1], decode[1],
           encode[0] + decode[0] + encode[1] + decode[1]);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PhIdentity) identity = NULL;

  if (argc >= 2 && strcmp (argv[1], "frames") == 0)
    return do_frames (argc > 2 ? atol (argv[2]) : 200000);
  if (argc < 5)
    {
      g_printerr ("usage: %s receive ID PORT DIR COUNT | send ID PORT DIR | frames [COUNT]\n", argv[0]);
      return 2;
    }
  ph_secure_tls_init ();
  identity = ph_identity_load (argv[2], &error);
  if (identity == NULL)
    return fail ("identity", error);

  if (strcmp (argv[1], "receive") == 0 && argc == 6)
    return do_receive (identity, atoi (argv[3]), argv[4], atol (argv[5]));
  if (strcmp (argv[1], "send") == 0 && argc == 5)
    return do_send (identity, atoi (argv[3]), argv[4]);
  return 2;
}
