/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A control frame's dictionary read once: the value of each key this
 * version knows, the first of a key counting, as g_variant_lookup_value()
 * would take it. A frame of every small file and every receipt then
 * costs one walk over its entries, not one per key. */

enum
{
  PH_KEY_TYPE,
  PH_KEY_VERSION,
  PH_KEY_NAME,
  PH_KEY_FILES,
  PH_KEY_BYTES,
  PH_KEY_PATHS,
  PH_KEY_PAIR,
  PH_KEY_ANSWER,
  PH_KEY_REASON,
  PH_KEY_ID,
  PH_KEY_HEADER,
  PH_KEY_SAVED,
  PH_KEY_NONCE,
  PH_KEY_SAME,
  PH_N_KEYS
};

typedef struct
{
  GVariant *values[PH_N_KEYS];
} PhFields;

void     ph_fields_read      (PhFields   *fields,
                              GVariant   *dict);
void     ph_fields_clear     (PhFields   *fields);
gboolean ph_fields_get       (PhFields   *fields,
                              guint       key,
                              const char *format,
                              gpointer    out);
gboolean ph_fields_get_text  (PhFields   *fields,
                              guint       key,
                              char      **value);
gboolean ph_fields_get_name  (PhFields   *fields,
                              guint       key,
                              char      **value);
gboolean ph_fields_get_bytes (PhFields   *fields,
                              guint       key,
                              guint8     *out,
                              gsize       size);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PhFields, ph_fields_clear)

G_END_DECLS
