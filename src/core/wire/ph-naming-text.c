/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a name may hold once it is shown: the characters people see,
 * one way of writing them (NFC), and single spaces. A sender chooses
 * every byte of a name, and a receiver nearby chooses its own: nothing
 * invisible may change what a name seems to say ("photo\u202Egpj.exe",
 * "Annual Report.pdf<40 spaces>.desktop") or make two names that look
 * the same ("alpha" and "alpha\u200B", NFC and NFD). */
#include "config.h"

#include <string.h>

#include "ph-naming.h"
#include "ph-naming-private.h"

#define ZWNJ            0x200C
#define ZWJ             0x200D
#define KEYCAP          0x20E3
#define BLACK_FLAG      0x1F3F4
#define CANCEL_TAG      0xE007F
#define IDEOGRAPHIC_SPACE 0x3000

/* Bidirectional embeddings, overrides and isolates: they reorder what
 * follows them. Replaced by '_' so that the name shows that something
 * was there. */
static gboolean
is_bidi_control (gunichar c)
{
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Unicode's Default_Ignorable_Code_Point: characters drawn as nothing
 * at all (zero-width spaces and joiners, bidi marks, word joiner, BOM,
 * soft hyphen, Hangul fillers, variation selectors, tag characters...). */
static gboolean
is_default_ignorable (gunichar c)
{
  return c == 0x00AD || c == 0x034F || c == 0x061C ||
         (c >= 0x115F && c <= 0x1160) ||
         (c >= 0x17B4 && c <= 0x17B5) ||
         (c >= 0x180B && c <= 0x180F) ||
         (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x206F) ||
         c == 0x3164 ||
         (c >= 0xFE00 && c <= 0xFE0F) ||
         c == 0xFEFF || c == 0xFFA0 ||
         (c >= 0xFFF0 && c <= 0xFFF8) ||
         (c >= 0x1BCA0 && c <= 0x1BCA3) ||
         (c >= 0x1D173 && c <= 0x1D17A) ||
         (c >= 0xE0000 && c <= 0xE0FFF);
}

static gboolean
is_variation_selector (gunichar c)
{
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

/* Every space (no-break, thin, figure, ideographic...) and the braille
 * blank, which looks like one. */
static gboolean
is_space (gunichar c)
{
  return c == ' ' || c == 0x2800 || g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR;
}

static gboolean
is_control (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029;
}

/* A character a joiner or a variation selector may follow or precede
 * with a meaning: a visible character outside ASCII (an emoji, a
 * letter of a script that joins). */
static gboolean
is_visible_non_ascii (gunichar c)
{
  return c >= 0x80 && !is_space (c) && !is_control (c) && !is_default_ignorable (c);
}

/* Decodes the character at @p, (gunichar) -1 for an invalid byte. */
static gunichar
peek (const char *p,
      const char *end)
{
  gunichar c;

  if (p >= end)
    return 0;
  if (*p == '\0')
    return 0;
  c = g_utf8_get_char_validated (p, end - p);
  return c == (gunichar) -2 ? (gunichar) -1 : c;
}

/* The bytes of an emoji tag sequence (a subdivision flag such as
 * England's: two to seven tag letters or digits, then CANCEL TAG)
 * starting at @p, right after BLACK FLAG; 0 when there is none. */
static gsize
flag_tags_length (const char *p,
                  const char *end)
{
  const char *q = p;
  guint n = 0;

  while (q < end)
    {
      gunichar c = peek (q, end);

      if (c == CANCEL_TAG)
        return n >= 2 && n <= 7 ? (gsize) (g_utf8_next_char (q) - p) : 0;
      if (!((c >= 0xE0030 && c <= 0xE0039) || (c >= 0xE0061 && c <= 0xE007A)))
        return 0;
      n++;
      q = g_utf8_next_char (q);
    }

  return 0;
}

static gunichar
last_char (GString *text)
{
  if (text->len == 0)
    return 0;
  return g_utf8_get_char (g_utf8_prev_char (text->str + text->len));
}

/* Whether an invisible character at @p is kept: joiners between two
 * characters they join (emoji sequences, Persian and Indic words), a
 * variation selector after a character it varies (an emoji, an
 * ideograph, a keycap's digit). Anywhere else it only hides. */
static gboolean
keep_invisible (GString    *out,
                gunichar    c,
                const char *next,
                const char *end)
{
  gunichar before = last_char (out);
  gunichar after = peek (next, end);

  if (c == ZWJ || c == ZWNJ)
    return (is_visible_non_ascii (before) || is_variation_selector (before) || before == CANCEL_TAG) &&
           is_visible_non_ascii (after);

  if (is_variation_selector (c))
    {
      if (is_visible_non_ascii (before))
        return TRUE;
      /* 1️⃣: digit, VS16, combining enclosing keycap. */
      return (g_ascii_isdigit (before) || before == '#' || before == '*') && after == KEYCAP;
    }

  return FALSE;
}

/**
 * ph_naming_clean_text:
 * @p: the first byte
 * @end: the byte after the last
 * @kind: what the text becomes: a file name keeps a trace ('_') of each
 *   control character, a label turns them into spaces
 *
 * Invalid UTF-8 becomes U+FFFD (one per bad byte); control characters
 * and bidirectional embeddings, overrides and isolates become '_'
 * (file names) or a space (labels); characters drawn as nothing are
 * left out but where they mean something (see keep_invisible()); every
 * kind of space becomes ' ' (the ideographic space stays itself), a run
 * of spaces one space, none at either end; the result is in NFC.
 *
 * Returns: (transfer full): the text, possibly empty
 */
GString *
ph_naming_clean_text (const char   *p,
                      const char   *end,
                      PhNamingText  kind)
{
  g_autoptr(GString) out = g_string_sized_new (end - p + 1);
  g_autofree char *composed = NULL;

  while (p < end)
    {
      gunichar c = peek (p, end);
      const char *next;

      if (c == (gunichar) -1)
        {
          g_string_append_unichar (out, 0xFFFD);
          p++;
          continue;
        }
      next = c == 0 ? p + 1 : g_utf8_next_char (p);

      if (is_control (c))
        c = kind == PH_NAMING_TEXT_FILE ? '_' : ' ';
      else if (is_bidi_control (c))
        c = '_';
      else if (c == BLACK_FLAG)
        {
          gsize tags = flag_tags_length (next, end);

          g_string_append_len (out, p, next - p + tags);
          p = next + tags;
          continue;
        }
      else if (is_default_ignorable (c))
        {
          if (keep_invisible (out, c, next, end))
            g_string_append_len (out, p, next - p);
          p = next;
          continue;
        }

      if (is_space (c))
        {
          gunichar before = last_char (out);

          /* None first, one at a time; an ideographic space stays
           * itself only when alone. */
          if (out->len > 0 && before != ' ' && before != IDEOGRAPHIC_SPACE)
            g_string_append_unichar (out, c == IDEOGRAPHIC_SPACE ? c : ' ');
          else if (before == IDEOGRAPHIC_SPACE)
            {
              g_string_truncate (out, g_utf8_prev_char (out->str + out->len) - out->str);
              g_string_append_c (out, ' ');
            }
          p = next;
          continue;
        }

      g_string_append_unichar (out, c);
      p = next;
    }

  /* None last either. */
  while (out->len > 0 && is_space (last_char (out)))
    g_string_truncate (out, g_utf8_prev_char (out->str + out->len) - out->str);

  composed = g_utf8_normalize (out->str, out->len, G_NORMALIZE_DEFAULT_COMPOSE);
  if (composed != NULL)
    g_string_assign (out, composed);

  return g_steal_pointer (&out);
}

/**
 * ph_naming_clean_label:
 * @text: (nullable): a name someone else chose (a receiver nearby),
 *   in any encoding
 *
 * Cleans @text as names are (see ph_naming_clean_text()), to be shown
 * on one line: control characters and line breaks become spaces.
 *
 * Returns: (transfer full): the label, possibly empty
 */
char *
ph_naming_clean_label (const char *text)
{
  GString *label;

  if (text == NULL)
    return g_strdup ("");

  label = ph_naming_clean_text (text, text + strlen (text), PH_NAMING_TEXT_LABEL);
  return g_string_free (label, FALSE);
}
