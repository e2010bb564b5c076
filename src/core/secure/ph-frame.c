/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Control frames: what each message carries, its checks, and the
 * reader that cuts a stream into frames and file bytes. A peer may be
 * anyone: every frame is checked for size, normal form, its keys'
 * types and its strings' lengths before a field is used. Keys this
 * version does not know are ignored, and so are frames of a type it
 * does not know (later versions may add both). */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-error.h"
#include "ph-frame.h"
#include "ph-frame-fields-private.h"
#include "ph-naming.h"

enum { STATE_WORD, STATE_FRAME, STATE_DATA };

static const char *const type_names[] = {
  [PH_MESSAGE_UNKNOWN] = "unknown",
  [PH_MESSAGE_HELLO] = "hello",
  [PH_MESSAGE_DECISION] = "decision",
  [PH_MESSAGE_FILE] = "file",
  [PH_MESSAGE_CANCEL] = "cancel",
  [PH_MESSAGE_RECEIPT] = "receipt",
  [PH_MESSAGE_END] = "end",
  [PH_MESSAGE_ERROR] = "error",
  [PH_MESSAGE_PAIR_COMMIT] = "pair-commit",
  [PH_MESSAGE_PAIR_NONCE] = "pair-nonce",
  [PH_MESSAGE_PAIR_REVEAL] = "pair-reveal",
  [PH_MESSAGE_PAIR_ANSWER] = "pair-answer",
};

static const char *const decision_names[] = {
  [PH_DECISION_ACCEPTED] = "accepted",
  [PH_DECISION_DECLINED] = "declined",
  [PH_DECISION_ASKING] = "asking",
};

void
ph_message_clear (PhMessage *message)
{
  g_return_if_fail (message != NULL);

  g_free (message->name);
  g_free (message->reason);
  memset (message, 0, sizeof *message);
}

const char *
ph_message_type_name (PhMessageType type)
{
  if ((guint) type >= G_N_ELEMENTS (type_names))
    type = PH_MESSAGE_UNKNOWN;

  return type_names[type];
}

/* A frame's dictionary, entry by entry: no format strings to parse
 * for every small file's frame and receipt. */
typedef struct
{
  GVariant *entries[8];
  guint     n;
} Entries;

static void
put (Entries    *dict,
     const char *key,
     GVariant   *value)
{
  g_assert (dict->n < G_N_ELEMENTS (dict->entries));
  dict->entries[dict->n++] = g_variant_new_dict_entry (g_variant_new_string (key),
                                                       g_variant_new_variant (value));
}

/* Entries that are alike in every frame of their kind (its type, a
 * receipt's "saved"), made once: GVariant's type lookups are much of
 * the cost of a small file's frame and receipt. Returns: (transfer none) */
static GVariant *
constant_entry (guint type,
                gint  saved)
{
  static GVariant *entries[G_N_ELEMENTS (type_names) + 2];
  static gsize once;

  if (g_once_init_enter (&once))
    {
      for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
        {
          GVariant *name = g_variant_new_variant (g_variant_new_string (type_names[i]));

          entries[i] = g_variant_ref_sink (g_variant_new_dict_entry (g_variant_new_string ("type"), name));
        }
      for (guint i = 0; i < 2; i++)
        entries[G_N_ELEMENTS (type_names) + i] =
          g_variant_ref_sink (g_variant_new_dict_entry (g_variant_new_string ("saved"),
                                                        g_variant_new_variant (g_variant_new_boolean (i))));
      g_once_init_leave (&once, 1);
    }

  if (type >= G_N_ELEMENTS (type_names))
    type = PH_MESSAGE_UNKNOWN;
  return saved < 0 ? entries[type] : entries[G_N_ELEMENTS (type_names) + (saved ? 1 : 0)];
}

static void
add_string (Entries    *dict,
            const char *key,
            const char *value)
{
  if (value != NULL)
    put (dict, key, g_variant_new_string (value));
}

/**
 * ph_message_encode:
 * @message: a message of a known type
 *
 * Returns: (transfer full): the frame: its length word, then the
 *   dictionary
 */
GBytes *
ph_message_encode (const PhMessage *message)
{
  Entries entries = { { NULL }, 0 };
  g_autoptr(GVariant) dict = NULL;
  guint8 *frame;
  gsize size;
  guint32 word;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (message->type != PH_MESSAGE_UNKNOWN, NULL);

  /* Borrowed: the array takes a reference of its own. */
  entries.entries[entries.n++] = constant_entry (message->type, -1);

  switch (message->type)
    {
    case PH_MESSAGE_HELLO:
      put (&entries, "version", g_variant_new_uint32 (message->version));
      add_string (&entries, "name", message->name ? message->name : "");
      if (message->has_summary)
        {
          put (&entries, "files", g_variant_new_uint64 (message->files));
          put (&entries, "bytes", g_variant_new_uint64 (message->bytes));
        }
      else if (message->pair)
        put (&entries, "pair", g_variant_new_boolean (TRUE));
      else
        put (&entries, "paths", g_variant_new_boolean (message->paths));
      break;

    case PH_MESSAGE_DECISION:
      add_string (&entries, "answer", decision_names[message->decision]);
      add_string (&entries, "reason", message->reason);
      break;

    case PH_MESSAGE_FILE:
      put (&entries, "id", g_variant_new_uint32 (message->id));
      put (&entries, "header",
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, message->header,
                                                        PH_WIRE_HEADER_SIZE, 1));
      break;

    case PH_MESSAGE_CANCEL:
      put (&entries, "id", g_variant_new_uint32 (message->id));
      break;

    case PH_MESSAGE_RECEIPT:
      put (&entries, "id", g_variant_new_uint32 (message->id));
      entries.entries[entries.n++] = constant_entry (0, message->saved);
      add_string (&entries, message->saved ? "name" : "reason",
                  message->saved ? message->name : message->reason);
      break;

    case PH_MESSAGE_ERROR:
      add_string (&entries, "reason", message->reason ? message->reason : "");
      break;

    case PH_MESSAGE_PAIR_COMMIT:
    case PH_MESSAGE_PAIR_NONCE:
    case PH_MESSAGE_PAIR_REVEAL:
      put (&entries, "nonce",
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, message->nonce,
                                                        PH_PAIR_NONCE_SIZE, 1));
      break;

    case PH_MESSAGE_PAIR_ANSWER:
      put (&entries, "same", g_variant_new_boolean (message->same));
      break;

    case PH_MESSAGE_END:
    case PH_MESSAGE_UNKNOWN:
    default:
      break;
    }

  dict = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries.entries, entries.n));
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (dict);

      g_variant_unref (dict);
      dict = swapped;
    }

  size = g_variant_get_size (dict);
  g_return_val_if_fail (size > 0 && size <= PH_FRAME_MAX_SIZE, NULL);

  frame = g_malloc (PH_FRAME_WORD_SIZE + size);
  word = GUINT32_TO_BE ((guint32) size);
  memcpy (frame, &word, sizeof word);
  /* Copied: g_variant_store() wants its target aligned. */
  memcpy (frame + PH_FRAME_WORD_SIZE, g_variant_get_data (dict), size);

  return g_bytes_new_take (frame, PH_FRAME_WORD_SIZE + size);
}

/* The word before @len bytes of file data. */
void
ph_frame_data_word (guint32 len,
                    guint8  word[PH_FRAME_WORD_SIZE])
{
  guint32 be;

  g_return_if_fail (len > 0 && len <= PH_FRAME_MAX_CHUNK);

  be = GUINT32_TO_BE (len | PH_FRAME_DATA_FLAG);
  memcpy (word, &be, sizeof be);
}

static gboolean
bad_frame (GError     **error,
           const char  *type,
           const char  *key)
{
  /* Translators: a frame type ("hello") and one of its keys ("version") */
  g_set_error (error, PH_ERROR, PH_ERROR_PROTOCOL,
               _("a “%s” frame without a valid “%s”"), type, key);
  return FALSE;
}

static gboolean
decode_fields (PhFields     *fields,
               PhMessage    *message,
               const char   *type,
               GError      **error)
{
  g_autofree char *answer = NULL;

  switch (message->type)
    {
    case PH_MESSAGE_HELLO:
      if (!ph_fields_get (fields, PH_KEY_VERSION, "u", &message->version) || message->version == 0)
        return bad_frame (error, type, "version");
      if (!ph_fields_get_name (fields, PH_KEY_NAME, &message->name))
        return bad_frame (error, type, "name");
      message->has_summary = ph_fields_get (fields, PH_KEY_FILES, "t", &message->files) &&
                             ph_fields_get (fields, PH_KEY_BYTES, "t", &message->bytes);
      if (!ph_fields_get (fields, PH_KEY_PATHS, "b", &message->paths))
        message->paths = FALSE;
      if (!ph_fields_get (fields, PH_KEY_PAIR, "b", &message->pair))
        message->pair = FALSE;
      return TRUE;

    case PH_MESSAGE_DECISION:
      if (!ph_fields_get_text (fields, PH_KEY_ANSWER, &answer))
        return bad_frame (error, type, "answer");
      for (guint i = 0; i < G_N_ELEMENTS (decision_names); i++)
        if (g_strcmp0 (answer, decision_names[i]) == 0)
          {
            message->decision = i;
            ph_fields_get_text (fields, PH_KEY_REASON, &message->reason);
            return TRUE;
          }
      return bad_frame (error, type, "answer");

    case PH_MESSAGE_FILE:
      if (!ph_fields_get (fields, PH_KEY_ID, "u", &message->id))
        return bad_frame (error, type, "id");
      if (!ph_fields_get_bytes (fields, PH_KEY_HEADER, message->header, PH_WIRE_HEADER_SIZE))
        return bad_frame (error, type, "header");
      return TRUE;

    case PH_MESSAGE_CANCEL:
      if (!ph_fields_get (fields, PH_KEY_ID, "u", &message->id))
        return bad_frame (error, type, "id");
      return TRUE;

    case PH_MESSAGE_RECEIPT:
      if (!ph_fields_get (fields, PH_KEY_ID, "u", &message->id))
        return bad_frame (error, type, "id");
      if (!ph_fields_get (fields, PH_KEY_SAVED, "b", &message->saved))
        return bad_frame (error, type, "saved");
      if (message->saved && !ph_fields_get_name (fields, PH_KEY_NAME, &message->name))
        return bad_frame (error, type, "name");
      if (!message->saved && !ph_fields_get_text (fields, PH_KEY_REASON, &message->reason))
        return bad_frame (error, type, "reason");
      return TRUE;

    case PH_MESSAGE_ERROR:
      if (!ph_fields_get_text (fields, PH_KEY_REASON, &message->reason))
        return bad_frame (error, type, "reason");
      return TRUE;

    case PH_MESSAGE_PAIR_COMMIT:
    case PH_MESSAGE_PAIR_NONCE:
    case PH_MESSAGE_PAIR_REVEAL:
      if (!ph_fields_get_bytes (fields, PH_KEY_NONCE, message->nonce, PH_PAIR_NONCE_SIZE))
        return bad_frame (error, type, "nonce");
      return TRUE;

    case PH_MESSAGE_PAIR_ANSWER:
      if (!ph_fields_get (fields, PH_KEY_SAME, "b", &message->same))
        return bad_frame (error, type, "same");
      return TRUE;

    case PH_MESSAGE_END:
    case PH_MESSAGE_UNKNOWN:
    default:
      return TRUE;
    }
}

/**
 * ph_message_decode:
 * @payload: (array length=len): a control frame's bytes, after its word
 * @len: their number
 * @message: (out caller-allocates): the message; clear it with
 *   ph_message_clear() whatever the result
 *
 * Returns: FALSE with PH_ERROR_PROTOCOL for anything but a well-formed
 *   frame
 */
gboolean
ph_message_decode (const guint8  *payload,
                   gsize          len,
                   PhMessage     *message,
                   GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_auto(PhFields) fields = { { NULL } };
  g_autofree char *type = NULL;

  g_return_val_if_fail (payload != NULL || len == 0, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  memset (message, 0, sizeof *message);

  if (len == 0 || len > PH_FRAME_MAX_SIZE)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_PROTOCOL, _("a frame of %u bytes"), (guint) MIN (len, G_MAXUINT));
      return FALSE;
    }

  /* A copy: GVariant wants its data aligned and kept. */
  bytes = g_bytes_new (payload, len);
  dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  if (!g_variant_is_normal_form (dict))
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_PROTOCOL, _("a frame not in normal form"));
      return FALSE;
    }
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    {
      GVariant *swapped = g_variant_byteswap (dict);

      g_variant_unref (dict);
      dict = swapped;
    }

  ph_fields_read (&fields, dict);
  if (!ph_fields_get_text (&fields, PH_KEY_TYPE, &type))
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_PROTOCOL, _("a frame without a type"));
      return FALSE;
    }

  message->type = PH_MESSAGE_UNKNOWN;
  for (guint i = PH_MESSAGE_UNKNOWN + 1; i < G_N_ELEMENTS (type_names); i++)
    if (strcmp (type, type_names[i]) == 0)
      message->type = i;

  return decode_fields (&fields, message, type, error);
}

/**
 * ph_frame_reader_init:
 * @reader: (out caller-allocates): a reader
 * @data_buffer: the most file bytes handed back at once
 */
void
ph_frame_reader_init (PhFrameReader *reader,
                      gsize          data_buffer)
{
  g_return_if_fail (reader != NULL);

  memset (reader, 0, sizeof *reader);
  reader->size = MAX (data_buffer, PH_FRAME_MAX_SIZE);
  reader->buffer = g_malloc (reader->size);
  reader->state = STATE_WORD;
  reader->need = PH_FRAME_WORD_SIZE;
}

void
ph_frame_reader_clear (PhFrameReader *reader)
{
  g_return_if_fail (reader != NULL);

  g_clear_pointer (&reader->buffer, g_free);
}

/**
 * ph_frame_reader_space:
 * @len: (out): how many bytes may go there: never more than the unit
 *   under way still needs
 *
 * Returns: where the next bytes of the stream go
 */
guint8 *
ph_frame_reader_space (PhFrameReader *reader,
                       gsize         *len)
{
  g_return_val_if_fail (reader != NULL && len != NULL, NULL);

  if (reader->state == STATE_DATA)
    {
      *len = MIN (reader->chunk_left, reader->size);
      return reader->buffer;
    }

  *len = reader->need - reader->have;
  return reader->buffer + reader->have;
}

/* Returns: whether the stream may end here (between two units) */
gboolean
ph_frame_reader_at_boundary (PhFrameReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);

  return reader->state == STATE_WORD && reader->have == 0;
}

static void
expect_word (PhFrameReader *reader)
{
  reader->state = STATE_WORD;
  reader->need = PH_FRAME_WORD_SIZE;
  reader->have = 0;
}

/**
 * ph_frame_reader_commit:
 * @n: how many bytes were put in the space
 * @message: (out caller-allocates): filled for PH_UNIT_MESSAGE (clear it)
 * @data: (out): for PH_UNIT_DATA, the file bytes (valid until the next
 *   call)
 * @data_len: (out): for PH_UNIT_DATA their number; for PH_UNIT_CHUNK
 *   the chunk's length
 *
 * Returns: what the bytes completed; PH_UNIT_NONE with @error set (the
 *   reader is then unusable) when the stream is not well-formed
 */
PhUnitKind
ph_frame_reader_commit (PhFrameReader  *reader,
                        gsize           n,
                        PhMessage      *message,
                        const guint8  **data,
                        gsize          *data_len,
                        GError        **error)
{
  guint32 word;

  g_return_val_if_fail (reader != NULL && message != NULL && data != NULL && data_len != NULL,
                        PH_UNIT_NONE);

  *data = NULL;
  *data_len = 0;

  if (reader->state == STATE_DATA)
    {
      g_return_val_if_fail (n <= reader->chunk_left && n <= reader->size, PH_UNIT_NONE);
      if (n == 0)
        return PH_UNIT_NONE;
      reader->chunk_left -= n;
      if (reader->chunk_left == 0)
        expect_word (reader);
      *data = reader->buffer;
      *data_len = n;
      return PH_UNIT_DATA;
    }

  g_return_val_if_fail (n <= reader->need - reader->have, PH_UNIT_NONE);
  reader->have += n;
  if (reader->have < reader->need)
    return PH_UNIT_NONE;

  if (reader->state == STATE_FRAME)
    {
      gboolean ok = ph_message_decode (reader->buffer, reader->need, message, error);

      expect_word (reader);
      return ok ? PH_UNIT_MESSAGE : PH_UNIT_NONE;
    }

  memcpy (&word, reader->buffer, sizeof word);
  word = GUINT32_FROM_BE (word);
  reader->have = 0;

  if (word & PH_FRAME_DATA_FLAG)
    {
      word &= ~PH_FRAME_DATA_FLAG;
      if (word == 0 || word > PH_FRAME_MAX_CHUNK)
        {
          g_set_error (error, PH_ERROR, PH_ERROR_PROTOCOL, _("a chunk of %u bytes"), word);
          return PH_UNIT_NONE;
        }
      reader->state = STATE_DATA;
      reader->chunk_left = word;
      *data_len = word;
      return PH_UNIT_CHUNK;
    }

  if (word == 0 || word > PH_FRAME_MAX_SIZE)
    {
      g_set_error (error, PH_ERROR, PH_ERROR_PROTOCOL, _("a frame of %u bytes"), word);
      return PH_UNIT_NONE;
    }

  reader->state = STATE_FRAME;
  reader->need = word;
  return PH_UNIT_NONE;
}
