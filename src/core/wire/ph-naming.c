/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ph-naming.h"
#include "ph-naming-private.h"
#include "ph-wire.h"

/* Longest extension (dot included) that shortening keeps and variants
 * put the number in front of. */
#define MAX_EXTENSION_BYTES 16

/* Byte offset of the extension's dot in @name, or strlen (@name) when it
 * has none. "archive.tar.gz" keeps ".tar.gz"; a leading dot is not an
 * extension; "version 1.2 notes" has none (no spaces in extensions). */
static gsize
find_extension (const char *name)
{
  gsize len = strlen (name);
  const char *dot = strrchr (name, '.');
  gsize offset;

  if (dot == NULL || dot == name || dot[1] == '\0')
    return len;
  if (strchr (dot, ' ') != NULL || len - (dot - name) > MAX_EXTENSION_BYTES)
    return len;

  offset = dot - name;
  if (offset > 4 && g_ascii_strncasecmp (name + offset - 4, ".tar", 4) == 0 &&
      len - (offset - 4) <= MAX_EXTENSION_BYTES)
    offset -= 4;

  return offset;
}

/* No space between a name and its extension, which would push it out
 * of sight ("report.pdf<40 spaces>.desktop" is "report.pdf.desktop"):
 * the extension is what follows the last dot, when no space does. */
static void
tidy_extension (GString *name)
{
  const char *dot = strrchr (name->str, '.');
  gsize stem, kept;

  if (dot == NULL || dot == name->str || dot[1] == '\0' || strchr (dot, ' ') != NULL)
    return;

  stem = kept = dot - name->str;
  while (kept > 0 && name->str[kept - 1] == ' ')
    kept--;
  g_string_erase (name, kept, stem - kept);
}

/**
 * ph_naming_truncate:
 * @name: valid UTF-8
 * @max_bytes: the longest result wanted, in bytes (at least 2 * 16)
 *
 * Shortens @name to at most @max_bytes bytes, cutting at a character
 * boundary and keeping the extension.
 *
 * Returns: (transfer full): the shortened name, or a copy of @name
 */
char *
ph_naming_truncate (const char *name,
                    gsize       max_bytes)
{
  GString *shortened;
  gsize len;
  gsize ext;
  gsize cut;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (max_bytes >= 2 * MAX_EXTENSION_BYTES, NULL);

  len = strlen (name);
  if (len <= max_bytes)
    return g_strdup (name);

  ext = find_extension (name);
  cut = max_bytes - (len - ext);

  /* name[cut] is the first byte left out: never let it be the middle of
   * a character, nor leave a space or a joiner at the end of the stem. */
  while (cut > 0 && ((guchar) name[cut] & 0xC0) == 0x80)
    cut--;
  while (cut > 0 && (name[cut - 1] == ' ' ||
                     (cut >= 3 && (g_str_has_prefix (name + cut - 3, "\u200C") ||
                                   g_str_has_prefix (name + cut - 3, "\u200D")))))
    cut -= name[cut - 1] == ' ' ? 1 : 3;

  /* What is left may end in another extension. */
  shortened = g_string_new_len (name, cut);
  g_string_append (shortened, name + ext);
  tidy_extension (shortened);
  return g_string_free (shortened, FALSE);
}

/* Where a name cut at byte 128 by struct.pack() really ends: before an
 * incomplete last character. */
static gsize
drop_partial_tail (const guint8 *p,
                   gsize         len)
{
  gsize i = len;
  guint8 lead;
  gsize need;

  while (i > 0 && len - i < 3 && (p[i - 1] & 0xC0) == 0x80)
    i--;
  if (i == 0)
    return len;

  lead = p[i - 1];
  if (lead >= 0xF0 && lead <= 0xF4)
    need = 4;
  else if (lead >= 0xE0 && lead < 0xF0)
    need = 3;
  else if (lead >= 0xC2 && lead < 0xE0)
    need = 2;
  else
    return len;

  return len - (i - 1) < need ? i - 1 : len;
}

/* NULs at both ends and a character cut at the end, as struct.pack()
 * leaves them: what is left of @raw starts at *start and ends at the
 * returned offset. */
static gsize
trim_raw (const guint8 *raw,
          gsize         len,
          gsize        *start)
{
  *start = 0;
  while (*start < len && raw[*start] == '\0')
    (*start)++;
  while (len > *start && raw[len - 1] == '\0')
    len--;

  return *start + drop_partial_tail (raw + *start, len - *start);
}

static gboolean
is_separator (guint8 byte)
{
  return byte == '/' || byte == '\\';
}

/* One component of a name, [p, end) without separators, made safe:
 * cleaned as any text someone else chose (ph_naming_clean_text(): no
 * control or invisible characters, NFC, single spaces), then leading
 * dots and spaces removed so that nothing is hidden (nor "." or ".."),
 * and the spaces before an extension, which would push it out of sight
 * ("report.pdf<40 spaces>.desktop" is "report.pdf.desktop").
 * Returns: (transfer full): the component, possibly empty */
static GString *
clean_component (const char *p,
                 const char *end)
{
  GString *name = ph_naming_clean_text (p, end, PH_NAMING_TEXT_FILE);
  gsize skip = 0;

  while (skip < name->len && (name->str[skip] == '.' || name->str[skip] == ' '))
    skip++;
  g_string_erase (name, 0, skip);

  tidy_extension (name);
  return name;
}

/**
 * ph_naming_sanitize:
 * @raw: (array length=len): the name bytes of a received header
 * @len: length of @raw
 *
 * Turns whatever a peer sent into a safe file name, following the
 * receiving rules of SPEC.md: NULs stripped at both ends, a character cut
 * at the end dropped, only the last component after '/' or '\\' kept,
 * then cleaned (see clean_component()), at most %PH_NAMING_MAX_BYTES
 * bytes; an empty result becomes %PH_NAMING_DEFAULT_NAME.
 *
 * Returns: (transfer full): a valid UTF-8 name without any '/'
 */
char *
ph_naming_sanitize (const guint8 *raw,
                    gsize         len)
{
  g_autoptr(GString) name = NULL;
  gsize start;
  gsize last;

  g_return_val_if_fail (raw != NULL || len == 0, NULL);

  /* An empty name may come as NULL (an empty GBytes has no data): no
   * pointer arithmetic on it. */
  if (len == 0)
    return g_strdup (PH_NAMING_DEFAULT_NAME);

  len = trim_raw (raw, len, &start);
  /* '/' and '\\' never occur inside a UTF-8 sequence: bytes will do. */
  last = len;
  while (last > start && !is_separator (raw[last - 1]))
    last--;

  name = clean_component ((const char *) raw + last, (const char *) raw + len);
  if (name->len == 0)
    return g_strdup (PH_NAMING_DEFAULT_NAME);

  return ph_naming_truncate (name->str, PH_NAMING_MAX_BYTES);
}

/**
 * ph_naming_sanitize_path:
 * @raw: (array length=len): the name bytes of a received header
 * @len: length of @raw
 *
 * What a receiver that accepts folder paths makes of a name (SPEC,
 * Folder paths), from any sender, hostile ones included: the bytes are
 * trimmed as ph_naming_sanitize() does, split at '/' and '\\', and each
 * component is cleaned the same way; components that are empty, "." or
 * ".." (or that nothing is left of) are dropped, so the path never goes
 * up, and at most %PH_NAMING_MAX_FOLDERS folders are kept, the first
 * ones. The last component is the file's name, %PH_NAMING_DEFAULT_NAME
 * when nothing is left of it.
 *
 * Returns: (transfer full): "Folder/Sub folder/name", or a plain name;
 *   components separated by '/', each a safe name
 */
char *
ph_naming_sanitize_path (const guint8 *raw,
                         gsize         len)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GString) file = NULL;
  const char *text = (const char *) raw;
  gsize start;
  gsize last;
  guint folders = 0;

  g_return_val_if_fail (raw != NULL || len == 0, NULL);

  if (len == 0)
    return g_strdup (PH_NAMING_DEFAULT_NAME);

  len = trim_raw (raw, len, &start);
  last = len;
  while (last > start && !is_separator (raw[last - 1]))
    last--;

  for (gsize i = start; i < last; )
    {
      gsize j = i;
      g_autoptr(GString) folder = NULL;

      while (j < last && !is_separator (raw[j]))
        j++;
      folder = clean_component (text + i, text + j);
      i = j + 1;

      if (folder->len == 0 || folders == PH_NAMING_MAX_FOLDERS)
        continue;

      {
        g_autofree char *short_folder = ph_naming_truncate (folder->str, PH_NAMING_MAX_BYTES);

        g_string_append (path, short_folder);
        g_string_append_c (path, '/');
        folders++;
      }
    }

  file = clean_component (text + last, text + len);
  if (file->len == 0)
    g_string_append (path, PH_NAMING_DEFAULT_NAME);
  else
    {
      g_autofree char *short_file = ph_naming_truncate (file->str, PH_NAMING_MAX_BYTES);

      g_string_append (path, short_file);
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

/**
 * ph_naming_variant:
 * @name: a sanitised name
 * @n: the variant number
 *
 * "photo.jpg", 2 → "photo (2).jpg"; "archive.tar.gz" → "archive (2).tar.gz";
 * "README" → "README (2)". Variant 1 (or 0) is the name itself.
 *
 * Returns: (transfer full): the numbered name
 */
char *
ph_naming_variant (const char *name,
                   guint       n)
{
  gsize ext;
  const char *space;

  g_return_val_if_fail (name != NULL, NULL);

  if (n <= 1)
    return g_strdup (name);

  ext = find_extension (name);
  /* A stem may end in a space before ".tar.gz" (tidy_extension() looks
   * at the last dot only): never two in a row (found by fuzz-header). */
  space = ext > 0 && name[ext - 1] == ' ' ? "" : " ";

  return g_strdup_printf ("%.*s%s(%u)%s", (int) ext, name, space, n, name + ext);
}


/**
 * ph_naming_budget:
 * @name_max: the longest name the folder's file system takes, in bytes
 * @prefix: (nullable): what the receiver puts before every name
 *
 * How many bytes of the sender's name fit once @prefix and a numbered
 * variant are added: at most %PH_NAMING_MAX_BYTES.
 *
 * Returns: the room for the name, or 0 when @prefix leaves less than
 *   %PH_NAMING_MIN_BYTES
 */
gsize
ph_naming_budget (gsize       name_max,
                  const char *prefix)
{
  gsize used = (prefix ? strlen (prefix) : 0) + PH_NAMING_VARIANT_BYTES;

  if (name_max < used + PH_NAMING_MIN_BYTES)
    return 0;

  return MIN (name_max - used, PH_NAMING_MAX_BYTES);
}


/**
 * ph_naming_path_is_valid:
 * @path: a name to send
 *
 * Whether @path may go on the wire as a folder path (SPEC, Folder
 * paths): valid UTF-8 of at most %PH_WIRE_NAME_SIZE bytes, components
 * separated by '/', none empty, "." or "..".
 */
gboolean
ph_naming_path_is_valid (const char *path)
{
  gsize len;

  if (path == NULL || *path == '\0' || (len = strlen (path)) > PH_WIRE_NAME_SIZE ||
      !g_utf8_validate_len (path, len, NULL))
    return FALSE;

  /* Each component, in place: a sender asks this once per file. */
  for (const char *start = path;;)
    {
      const char *end = strchr (start, '/');
      gsize n = end != NULL ? (gsize) (end - start) : strlen (start);

      if (n == 0 || (n == 1 && start[0] == '.') || (n == 2 && start[0] == '.' && start[1] == '.'))
        return FALSE;
      if (end == NULL)
        return TRUE;
      start = end + 1;
    }
}

/**
 * ph_naming_relative_path:
 * @top: a folder being sent
 * @file: a file somewhere inside it
 *
 * What a sender puts on the wire for @file to a receiver that announced
 * paths=1: the folder's own name, then the path below it
 * ("Holiday/Day 1/beach.jpg" for a dropped "Holiday"), in UTF-8 (odd
 * bytes in a local name repaired).
 *
 * Returns: (transfer full) (nullable): the path, or %NULL when @file is
 *   not inside @top or the path does not fit the header (the caller
 *   sends the base name then, as to any other receiver)
 */
char *
ph_naming_relative_path (GFile *top,
                         GFile *file)
{
  g_autofree char *below = NULL;
  g_autofree char *top_name = NULL;

  g_return_val_if_fail (G_IS_FILE (top), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  below = g_file_get_relative_path (top, file);
  top_name = g_file_get_basename (top);

  return ph_naming_folder_path (top_name, below);
}

/**
 * ph_naming_folder_path:
 * @top_name: (nullable): the base name of a folder being sent
 * @below: (nullable): the path of a file below it, in the file
 *   system's encoding
 *
 * ph_naming_relative_path() from its parts, for a walk that knows them.
 *
 * Returns: (transfer full) (nullable): the path, or %NULL when either
 *   is missing or the path does not fit the header
 */
char *
ph_naming_folder_path (const char *top_name,
                       const char *below)
{
  g_autofree char *joined = NULL;
  char *path;

  if (below == NULL || top_name == NULL || g_str_equal (top_name, "/"))
    return NULL;

  /* g_build_path() trims separators; a sender asks this once per file,
   * so only names that have some to trim go through it. */
  if (*top_name != '\0' && strchr (top_name, '/') == NULL &&
      *below != '\0' && *below != '/' && !g_str_has_suffix (below, "/"))
    joined = g_strconcat (top_name, "/", below, NULL);
  else
    joined = g_build_path ("/", top_name, below, NULL);
  path = g_utf8_make_valid (joined, -1);
  if (!ph_naming_path_is_valid (path))
    g_clear_pointer (&path, g_free);

  return path;
}
