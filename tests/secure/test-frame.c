/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frames of the secure channel, without TLS: what a hostile sender
 * can put in a frame. The seed corpus of the fuzz target comes from
 * here too (--write-corpus). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ph-frame.h"
#include "posthouse-core.h"

static GBytes *
encode (const PhMessage *message)
{
  GBytes *frame = ph_message_encode (message);

  g_assert_nonnull (frame);
  return frame;
}

/* Feeds @stream to a reader @step bytes at a time; returns the units. */
static GPtrArray *
read_all (GBytes  *stream,
          gsize    step,
          GError **error)
{
  GPtrArray *units = g_ptr_array_new_with_free_func (g_free);
  PhFrameReader reader;
  gsize len;
  const guint8 *data = g_bytes_get_data (stream, &len);
  gsize at = 0;

  ph_frame_reader_init (&reader, 100);
  while (at < len)
    {
      gsize want, n;
      guint8 *space = ph_frame_reader_space (&reader, &want);
      PhMessage message = { 0 };
      const guint8 *out;
      gsize out_len;
      PhUnitKind kind;

      n = MIN (MIN (want, step), len - at);
      memcpy (space, data + at, n);
      at += n;
      kind = ph_frame_reader_commit (&reader, n, &message, &out, &out_len, error);
      if (error && *error)
        break;
      if (kind == PH_UNIT_MESSAGE)
        g_ptr_array_add (units, g_strdup_printf ("%s", ph_message_type_name (message.type)));
      else if (kind == PH_UNIT_CHUNK)
        g_ptr_array_add (units, g_strdup_printf ("chunk %" G_GSIZE_FORMAT, out_len));
      else if (kind == PH_UNIT_DATA)
        g_ptr_array_add (units, g_strdup_printf ("data %.*s", (int) out_len, out));
      ph_message_clear (&message);
    }
  ph_frame_reader_clear (&reader);

  return units;
}

static void
test_round_trip (void)
{
  PhMessage messages[] = {
    { .type = PH_MESSAGE_HELLO, .version = 1, .name = "Study Laptop", .has_summary = TRUE,
      .files = 3, .bytes = G_GUINT64_CONSTANT (5368709120) },
    { .type = PH_MESSAGE_HELLO, .version = 7, .name = "", .paths = TRUE },
    { .type = PH_MESSAGE_DECISION, .decision = PH_DECISION_ASKING },
    { .type = PH_MESSAGE_DECISION, .decision = PH_DECISION_DECLINED, .reason = "busy" },
    { .type = PH_MESSAGE_FILE, .id = 42 },
    { .type = PH_MESSAGE_CANCEL, .id = 9 },
    { .type = PH_MESSAGE_RECEIPT, .id = 3, .saved = TRUE, .name = "Holiday/beach (2).jpg" },
    { .type = PH_MESSAGE_RECEIPT, .id = 4, .saved = FALSE, .reason = "no-space" },
    { .type = PH_MESSAGE_END },
    { .type = PH_MESSAGE_ERROR, .reason = "bye" },
    { .type = PH_MESSAGE_HELLO, .version = 2, .name = "Desk", .pair = TRUE },
    { .type = PH_MESSAGE_PAIR_COMMIT },
    { .type = PH_MESSAGE_PAIR_NONCE },
    { .type = PH_MESSAGE_PAIR_REVEAL },
    { .type = PH_MESSAGE_PAIR_ANSWER, .same = TRUE },
    { .type = PH_MESSAGE_PAIR_ANSWER, .same = FALSE },
  };

  for (guint i = 0; i < PH_PAIR_NONCE_SIZE; i++)
    {
      messages[11].nonce[i] = i;
      messages[12].nonce[i] = 0xff - i;
      messages[13].nonce[i] = 0x80 ^ i;
    }
  ph_wire_encode_header ("Holiday/Day 1/beach.jpg", 123456789, messages[4].header);

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr(GBytes) frame = encode (&messages[i]);
      g_autoptr(GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (frame, &len);
      PhMessage out = { 0 };
      guint32 word;

      memcpy (&word, data, 4);
      g_assert_cmpuint (GUINT32_FROM_BE (word), ==, len - 4);
      g_assert_true (ph_message_decode (data + 4, len - 4, &out, &error));
      g_assert_no_error (error);
      g_assert_cmpint (out.type, ==, messages[i].type);
      g_assert_cmpuint (out.version, ==, messages[i].version);
      g_assert_cmpstr (out.name, ==, messages[i].name);
      g_assert_cmpint (out.has_summary, ==, messages[i].has_summary);
      g_assert_cmpuint (out.files, ==, messages[i].files);
      g_assert_cmpuint (out.bytes, ==, messages[i].bytes);
      g_assert_cmpint (out.paths, ==, messages[i].paths);
      g_assert_cmpint (out.decision, ==, messages[i].decision);
      g_assert_cmpstr (out.reason, ==, messages[i].reason);
      g_assert_cmpuint (out.id, ==, messages[i].id);
      g_assert_cmpint (out.saved, ==, messages[i].saved);
      g_assert_cmpmem (out.header, sizeof out.header, messages[i].header, sizeof messages[i].header);
      g_assert_cmpint (out.pair, ==, messages[i].pair);
      g_assert_cmpmem (out.nonce, sizeof out.nonce, messages[i].nonce, sizeof messages[i].nonce);
      g_assert_cmpint (out.same, ==, messages[i].same);
      ph_message_clear (&out);
    }
}

/* Frames and file bytes, however the stream is cut. */
static void
test_reader (void)
{
  PhMessage hello = { .type = PH_MESSAGE_HELLO, .version = 1, .name = "x" };
  PhMessage end = { .type = PH_MESSAGE_END };
  g_autoptr(GBytes) a = encode (&hello);
  g_autoptr(GBytes) b = encode (&end);
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  guint8 word[4];

  g_byte_array_append (stream, g_bytes_get_data (a, NULL), g_bytes_get_size (a));
  ph_frame_data_word (5, word);
  g_byte_array_append (stream, word, 4);
  g_byte_array_append (stream, (const guint8 *) "hello", 5);
  g_byte_array_append (stream, g_bytes_get_data (b, NULL), g_bytes_get_size (b));

  for (gsize step = 1; step <= stream->len; step++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (stream->data, stream->len);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) units = read_all (bytes, step, &error);
      g_autofree char *joined = NULL;
      GString *all = g_string_new (NULL);

      g_assert_no_error (error);
      for (guint i = 0; i < units->len; i++)
        g_string_append_printf (all, "%s;", (char *) g_ptr_array_index (units, i));
      joined = g_string_free (all, FALSE);

      /* Data comes in the pieces it arrived in. */
      if (step >= 9)
        g_assert_cmpstr (joined, ==, "hello;chunk 5;data hello;end;");
      else
        {
          g_assert_true (g_str_has_prefix (joined, "hello;chunk 5;data "));
          g_assert_true (g_str_has_suffix (joined, "end;"));
        }
    }
}

static void
assert_stream_fails (const guint8 *data,
                     gsize         len,
                     const char   *message)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = read_all (bytes, len, &error);

  g_assert_error (error, PH_ERROR, PH_ERROR_PROTOCOL);
  if (message != NULL)
    g_assert_nonnull (strstr (error->message, message));
}

static void
test_sizes (void)
{
  /* 64 KiB + 1, zero, a chunk of zero bytes, a chunk over 16 MiB. */
  assert_stream_fails ((const guint8 *) "\x00\x01\x00\x01", 4, "65537");
  assert_stream_fails ((const guint8 *) "\x00\x00\x00\x00", 4, NULL);
  assert_stream_fails ((const guint8 *) "\x80\x00\x00\x00", 4, NULL);
  assert_stream_fails ((const guint8 *) "\x81\x00\x00\x01", 4, NULL);
  assert_stream_fails ((const guint8 *) "\x7f\xff\xff\xff", 4, NULL);
}

static void
assert_decode_fails (GVariant   *dict,
                     const char *message)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (dict);
  g_autoptr(GError) error = NULL;
  PhMessage out = { 0 };

  g_assert_false (ph_message_decode (g_variant_get_data (owned), g_variant_get_size (owned),
                                     &out, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_PROTOCOL);
  if (message != NULL && strstr (error->message, message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message);
  ph_message_clear (&out);
}

/* Names the other side chose arrive cleaned, as names announced nearby
 * are: no override, nothing invisible, no line break, NFC. */
static void
test_names_cleaned (void)
{
  static const struct { const char *type; const char *name; const char *expected; } cases[] = {
    { "hello", "Study\u202Epot\u202CLa\u200B", "Study_pot_La" },
    { "hello", "Jose\u0301\u00A0\u00A0Mac\n", "Jos\u00E9 Mac" },
    { "hello", "<b>Desk</b> & co", "<b>Desk</b> & co" },
    { "receipt", "Holiday/beach\u2066 (2).jpg", "Holiday/beach_ (2).jpg" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GVariantBuilder builder;
      g_autoptr(GVariant) dict = NULL;
      g_autoptr(GError) error = NULL;
      PhMessage out = { 0 };

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string (cases[i].type));
      g_variant_builder_add (&builder, "{sv}", "version", g_variant_new_uint32 (1));
      g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_uint32 (1));
      g_variant_builder_add (&builder, "{sv}", "saved", g_variant_new_boolean (TRUE));
      g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (cases[i].name));
      dict = g_variant_ref_sink (g_variant_builder_end (&builder));
      g_assert_true (ph_message_decode (g_variant_get_data (dict), g_variant_get_size (dict), &out, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out.name, ==, cases[i].expected);
      ph_message_clear (&out);
    }
}

static void
test_malformed (void)
{
  g_autofree char *long_name = g_strnfill (2000, 'x');
  g_autoptr(GError) error = NULL;
  PhMessage out = { 0 };

  assert_decode_fails (g_variant_new_parsed ("@a{sv} {}"), "0 bytes");
  assert_decode_fails (g_variant_new_parsed ("{'type': <42>}"), "without a type");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'hello'>, 'name': <'x'>}"), "version");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'hello'>, 'version': <uint32 0>, 'name': <'x'>}"),
                       "version");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'hello'>, 'version': <'1'>, 'name': <'x'>}"),
                       "version");
  assert_decode_fails (g_variant_new ("{sv}", "type", g_variant_new_string ("x")), NULL);
  {
    GVariantBuilder builder;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("hello"));
    g_variant_builder_add (&builder, "{sv}", "version", g_variant_new_uint32 (1));
    g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (long_name));
    assert_decode_fails (g_variant_builder_end (&builder), "name");
  }
  assert_decode_fails (g_variant_new_parsed ("{'type': <'file'>, 'id': <uint32 0>, 'header': <b'short'>}"),
                       "header");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'file'>, 'header': <b'x'>}"), "id");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'decision'>, 'answer': <'maybe'>}"), "answer");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'receipt'>, 'id': <uint32 1>, 'saved': <true>}"),
                       "name");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'receipt'>, 'id': <uint32 1>, 'saved': <false>}"),
                       "reason");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'pair-commit'>}"), "nonce");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'pair-nonce'>, 'nonce': <b'short'>}"), "nonce");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'pair-reveal'>, 'nonce': <'text'>}"), "nonce");
  assert_decode_fails (g_variant_new_parsed ("{'type': <'pair-answer'>, 'same': <1>}"), "same");

  /* Not a dictionary at all. */
  g_assert_false (ph_message_decode ((const guint8 *) "garbage!", 8, &out, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_PROTOCOL);
  ph_message_clear (&out);
}

/* The receiver faces anyone: only the normal form is taken. */
static void
test_normal_form (void)
{
  PhMessage hello = { .type = PH_MESSAGE_HELLO, .version = 1, .name = "x", .paths = TRUE };
  g_autoptr(GBytes) frame = encode (&hello);
  gsize len = g_bytes_get_size (frame);
  guint8 *data = g_memdup2 (g_bytes_get_data (frame, NULL), len);
  g_autoptr(GError) error = NULL;
  PhMessage out = { 0 };
  gboolean patched = FALSE;

  /* A boolean is 0 or 1: make it 2 ("\x01\0b" is the variant <true>). */
  for (gsize i = 4; i + 2 < len; i++)
    if (data[i] == 1 && data[i + 1] == 0 && data[i + 2] == 'b')
      {
        data[i] = 2;
        patched = TRUE;
      }
  g_assert_true (patched);

  g_assert_false (ph_message_decode (data + 4, len - 4, &out, &error));
  g_assert_error (error, PH_ERROR, PH_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "normal form"));
  ph_message_clear (&out);
  g_free (data);
}

/* Later versions may add keys and frames: this one ignores them. */
static void
test_unknown (void)
{
  g_autoptr(GVariant) dict = g_variant_ref_sink (
    g_variant_new_parsed ("{'type': <'hello'>, 'version': <uint32 2>, 'name': <'x'>, "
                          "'colour': <'blue'>, 'files': <uint64 1>, 'bytes': <uint64 2>}"));
  g_autoptr(GVariant) other = g_variant_ref_sink (
    g_variant_new_parsed ("{'type': <'thumbnail'>, 'id': <uint32 1>}"));
  g_autoptr(GError) error = NULL;
  PhMessage out = { 0 };

  g_assert_true (ph_message_decode (g_variant_get_data (dict), g_variant_get_size (dict), &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.type, ==, PH_MESSAGE_HELLO);
  g_assert_cmpuint (out.version, ==, 2);
  g_assert_true (out.has_summary);
  ph_message_clear (&out);

  g_assert_true (ph_message_decode (g_variant_get_data (other), g_variant_get_size (other), &out, &error));
  g_assert_cmpint (out.type, ==, PH_MESSAGE_UNKNOWN);
  ph_message_clear (&out);
}

static PhMessage
file_message (guint32     id,
              const char *name,
              gint64      size)
{
  PhMessage message = { .type = PH_MESSAGE_FILE, .id = id };

  ph_wire_encode_header (name, size, message.header);
  return message;
}

/* A key twice: the first counts, as g_variant_lookup_value() takes it. */
static void
test_first_key (void)
{
  GVariantBuilder builder;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GError) error = NULL;
  PhMessage out = { 0 };

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("cancel"));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_uint32 (7));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string ("8"));
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("end"));
  dict = g_variant_ref_sink (g_variant_builder_end (&builder));
  g_assert_true (ph_message_decode (g_variant_get_data (dict), g_variant_get_size (dict), &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.type, ==, PH_MESSAGE_CANCEL);
  g_assert_cmpuint (out.id, ==, 7);
  ph_message_clear (&out);

  /* The first of the wrong type makes the frame wrong, whatever follows. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("cancel"));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string ("7"));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_uint32 (7));
  assert_decode_fails (g_variant_builder_end (&builder), "id");
}

/* The frames of every small file and every receipt, as a builder of
 * the dictionary makes them: the wire the first version spoke. */
static void
test_same_bytes (void)
{
  PhMessage file = file_message (3, "photo.jpg", 4096);
  PhMessage receipt = { .type = PH_MESSAGE_RECEIPT, .id = 3, .saved = TRUE, .name = "photo (2).jpg" };
  g_autoptr(GBytes) file_frame = encode (&file);
  g_autoptr(GBytes) receipt_frame = encode (&receipt);
  g_autoptr(GVariant) file_dict = NULL;
  g_autoptr(GVariant) receipt_dict = NULL;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("file"));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_uint32 (3));
  g_variant_builder_add (&builder, "{sv}", "header",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, file.header,
                                                    PH_WIRE_HEADER_SIZE, 1));
  file_dict = g_variant_ref_sink (g_variant_builder_end (&builder));
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (file_frame, NULL) + 4,
                   g_bytes_get_size (file_frame) - 4,
                   g_variant_get_data (file_dict), g_variant_get_size (file_dict));

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("receipt"));
  g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_uint32 (3));
  g_variant_builder_add (&builder, "{sv}", "saved", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string ("photo (2).jpg"));
  receipt_dict = g_variant_ref_sink (g_variant_builder_end (&builder));
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (receipt_frame, NULL) + 4,
                   g_bytes_get_size (receipt_frame) - 4,
                   g_variant_get_data (receipt_dict), g_variant_get_size (receipt_dict));
}

/* The seed corpus of tests/fuzz/fuzz-frame: streams a sender could
 * send, well-formed and not, each after one byte that says how the
 * fuzz target cuts it (bits 0-5: piece size - 1) and whether paths are
 * kept (bit 6). */
static void
append_frame (GByteArray      *stream,
              const PhMessage *message)
{
  g_autoptr(GBytes) frame = encode (message);

  g_byte_array_append (stream, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

static void
append_file (GByteArray *stream,
             guint32     id,
             const char *name,
             const char *content,
             gsize       pieces)
{
  PhMessage file = file_message (id, name, strlen (content));
  gsize len = strlen (content), at = 0;

  append_frame (stream, &file);
  while (at < len)
    {
      gsize n = MIN (len - at, MAX (1, len / pieces));
      guint8 word[4];

      ph_frame_data_word (n, word);
      g_byte_array_append (stream, word, 4);
      g_byte_array_append (stream, (const guint8 *) content + at, n);
      at += n;
    }
}

static void
write_seed (const char *dir,
            const char *name,
            guint8      first,
            GByteArray *stream)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_byte_array_append (all, &first, 1);
  g_byte_array_append (all, stream->data, stream->len);
  g_file_set_contents (path, (const char *) all->data, all->len, &error);
  g_assert_no_error (error);
}

static int
write_corpus (const char *dir)
{
  PhMessage hello = { .type = PH_MESSAGE_HELLO, .version = 1, .name = "Seed",
                      .has_summary = TRUE, .files = 3, .bytes = 15 };
  PhMessage end = { .type = PH_MESSAGE_END };
  PhMessage cancel = { .type = PH_MESSAGE_CANCEL, .id = 0 };
  PhMessage negative = file_message (0, "negative", -1);
  PhMessage big = file_message (0, "big", 1000);
  PhMessage receipt = { .type = PH_MESSAGE_RECEIPT, .id = 0, .saved = TRUE, .name = "x" };
  g_autoptr(GVariant) unknown = g_variant_ref_sink (
    g_variant_new_parsed ("{'type': <'thumbnail'>, 'id': <uint32 0>, 'png': <b'x'>}"));
  GByteArray *s;

  g_mkdir_with_parents (dir, 0755);

  s = g_byte_array_new ();
  append_frame (s, &hello);
  append_file (s, 0, "a.txt", "hello", 1);
  append_file (s, 1, "Holiday/Day 1/b.jpg", "0123456789", 3);
  append_file (s, 2, "empty", "", 1);
  append_frame (s, &end);
  write_seed (dir, "batch", 0x7f, s);
  write_seed (dir, "batch-bytewise", 0x00, s);
  write_seed (dir, "batch-no-paths", 0x3f, s);
  g_byte_array_unref (s);

  s = g_byte_array_new ();
  append_frame (s, &hello);
  {
    /* Three of its five bytes, then the cancel. */
    PhMessage partial = file_message (0, "a.txt", 5);
    guint8 word[4];

    append_frame (s, &partial);
    ph_frame_data_word (3, word);
    g_byte_array_append (s, word, 4);
    g_byte_array_append (s, (const guint8 *) "hel", 3);
  }
  append_frame (s, &cancel);
  append_file (s, 1, "../../etc/passwd", "x", 1);
  append_frame (s, &end);
  write_seed (dir, "cancel-and-escape", 0x47, s);
  g_byte_array_unref (s);

  s = g_byte_array_new ();
  append_frame (s, &hello);
  append_frame (s, &negative);
  append_frame (s, &big);
  write_seed (dir, "negative-then-too-big", 0x4f, s);
  g_byte_array_unref (s);

  s = g_byte_array_new ();
  append_frame (s, &hello);
  append_file (s, 1, "out-of-order", "x", 1);
  write_seed (dir, "out-of-order", 0x4f, s);
  g_byte_array_unref (s);

  s = g_byte_array_new ();
  append_frame (s, &hello);
  {
    guint32 word = GUINT32_TO_BE (g_variant_get_size (unknown));

    g_byte_array_append (s, (const guint8 *) &word, 4);
    g_byte_array_append (s, g_variant_get_data (unknown), g_variant_get_size (unknown));
  }
  append_frame (s, &receipt);
  write_seed (dir, "unknown-then-receipt", 0x5f, s);
  g_byte_array_unref (s);

  s = g_byte_array_new ();
  g_byte_array_append (s, (const guint8 *) "\x00\x01\x00\x01", 4);
  write_seed (dir, "oversized", 0x03, s);
  g_byte_array_unref (s);

  /* Version 2: a pairing, and pairing frames inside a batch. */
  {
    PhMessage pair_hello = { .type = PH_MESSAGE_HELLO, .version = 2, .name = "Seed", .pair = TRUE };
    PhMessage commit = { .type = PH_MESSAGE_PAIR_COMMIT };
    PhMessage reveal = { .type = PH_MESSAGE_PAIR_REVEAL };
    PhMessage answer = { .type = PH_MESSAGE_PAIR_ANSWER, .same = TRUE };

    memset (commit.nonce, 0x63, sizeof commit.nonce);
    memset (reveal.nonce, 0x01, sizeof reveal.nonce);

    s = g_byte_array_new ();
    append_frame (s, &pair_hello);
    append_frame (s, &commit);
    append_frame (s, &reveal);
    append_frame (s, &answer);
    write_seed (dir, "pairing", 0x4f, s);
    g_byte_array_unref (s);

    s = g_byte_array_new ();
    append_frame (s, &hello);
    append_file (s, 0, "a.txt", "hello", 1);
    append_frame (s, &answer);
    append_frame (s, &end);
    write_seed (dir, "pair-answer-in-batch", 0x4f, s);
    g_byte_array_unref (s);
  }

  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--write-corpus") == 0)
    return write_corpus (argv[2]);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/frame/round-trip", test_round_trip);
  g_test_add_func ("/posthouse/frame/reader", test_reader);
  g_test_add_func ("/posthouse/frame/sizes", test_sizes);
  g_test_add_func ("/posthouse/frame/malformed", test_malformed);
  g_test_add_func ("/posthouse/frame/names-cleaned", test_names_cleaned);
  g_test_add_func ("/posthouse/frame/normal-form", test_normal_form);
  g_test_add_func ("/posthouse/frame/unknown", test_unknown);
  g_test_add_func ("/posthouse/frame/first-key", test_first_key);
  g_test_add_func ("/posthouse/frame/same-bytes", test_same_bytes);

  return g_test_run ();
}
