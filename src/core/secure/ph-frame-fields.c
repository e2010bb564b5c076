/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ph-frame.h"
#include "ph-frame-fields-private.h"
#include "ph-naming.h"

static const char *const key_names[PH_N_KEYS] = {
  [PH_KEY_TYPE] = "type",
  [PH_KEY_VERSION] = "version",
  [PH_KEY_NAME] = "name",
  [PH_KEY_FILES] = "files",
  [PH_KEY_BYTES] = "bytes",
  [PH_KEY_PATHS] = "paths",
  [PH_KEY_PAIR] = "pair",
  [PH_KEY_ANSWER] = "answer",
  [PH_KEY_REASON] = "reason",
  [PH_KEY_ID] = "id",
  [PH_KEY_HEADER] = "header",
  [PH_KEY_SAVED] = "saved",
  [PH_KEY_NONCE] = "nonce",
  [PH_KEY_SAME] = "same",
};

/* @dict: an a{sv} in normal form */
void
ph_fields_read (PhFields *fields,
                GVariant *dict)
{
  gsize n = g_variant_n_children (dict);

  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (dict, i);
      g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
      const char *name = g_variant_get_string (key, NULL);

      for (guint k = 0; k < PH_N_KEYS; k++)
        if (strcmp (name, key_names[k]) == 0)
          {
            if (fields->values[k] == NULL)
              {
                g_autoptr(GVariant) boxed = g_variant_get_child_value (entry, 1);

                fields->values[k] = g_variant_get_variant (boxed);
              }
            break;
          }
    }
}

void
ph_fields_clear (PhFields *fields)
{
  for (guint k = 0; k < PH_N_KEYS; k++)
    g_clear_pointer (&fields->values[k], g_variant_unref);
}

/* Returns: (transfer none) (nullable): @key's value when it is of @type */
static GVariant *
field (PhFields           *fields,
       guint               key,
       const GVariantType *type)
{
  GVariant *value = fields->values[key];

  return value != NULL && g_variant_is_of_type (value, type) ? value : NULL;
}

/* @format: a basic type ("u", "t", "b"), as for g_variant_get() */
gboolean
ph_fields_get (PhFields   *fields,
               guint       key,
               const char *format,
               gpointer    out)
{
  GVariant *value = field (fields, key, G_VARIANT_TYPE (format));

  if (value != NULL)
    g_variant_get (value, format, out);
  return value != NULL;
}

/* A string of at most PH_FRAME_MAX_TEXT bytes (GVariant checked it is
 * UTF-8 without NULs), or NULL when the key is absent or not a string. */
gboolean
ph_fields_get_text (PhFields  *fields,
                    guint      key,
                    char     **value)
{
  GVariant *text = field (fields, key, G_VARIANT_TYPE_STRING);
  gsize len = 0;
  const char *s;

  *value = NULL;
  if (text == NULL)
    return FALSE;

  s = g_variant_get_string (text, &len);
  if (len > PH_FRAME_MAX_TEXT)
    return FALSE;

  *value = g_strdup (s);
  return TRUE;
}

/* A name the other side chose (its device's, a saved file's): shown as
 * any name from elsewhere is, cleaned (wire/ph-naming: no control or
 * invisible characters, no bidi override, NFC, single spaces). */
gboolean
ph_fields_get_name (PhFields  *fields,
                    guint      key,
                    char     **value)
{
  g_autofree char *text = NULL;

  if (!ph_fields_get_text (fields, key, &text))
    return FALSE;

  *value = ph_naming_clean_label (text);
  return TRUE;
}

/* A byte string of exactly @size bytes into @out. */
gboolean
ph_fields_get_bytes (PhFields *fields,
                     guint     key,
                     guint8   *out,
                     gsize     size)
{
  GVariant *bytes = field (fields, key, G_VARIANT_TYPE_BYTESTRING);

  if (bytes == NULL || g_variant_get_size (bytes) != size)
    return FALSE;
  memcpy (out, g_variant_get_data (bytes), size);
  return TRUE;
}
