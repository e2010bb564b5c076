/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-batch.h"

G_BEGIN_DECLS

/* Text and links travel as a file any receiver saves, the Python one
 * included: "Text from Study Laptop, 2024-05-01 14.03.27.txt". A
 * Posthouse receiver recognises one by its name (the date and time
 * last, before ".txt", whatever language the sender speaks) and its
 * size, and shows the text with Copy (and Open for a single link). */

/* The most a receiver shows as text; a larger file is only a file. */
#define PH_TEXT_FILE_MAX_BYTES (64 * 1024)

/* The most the name may take on the wire (the header's name field). */
#define PH_TEXT_FILE_NAME_MAX_BYTES 128

char     *ph_text_file_name          (const char           *device_name,
                                      GDateTime            *when);
gboolean  ph_text_file_name_matches  (const char           *name);
gboolean  ph_text_file_is_text       (const char           *name,
                                      gint64                size);

void      ph_text_file_new_async     (const char           *text,
                                      const char           *device_name,
                                      GDateTime            *when,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GFile    *ph_text_file_new_finish    (GAsyncResult         *result,
                                      GError              **error);
void      ph_text_file_delete_with   (GFile                *file,
                                      PhBatch              *batch);
void      ph_text_file_delete_async  (GFile                *file,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  ph_text_file_delete_finish (GAsyncResult         *result,
                                      GError              **error);
guint     ph_text_file_sweep         (gint64                older_than_seconds);

void      ph_text_file_load_async    (GFile                *file,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
char     *ph_text_file_load_finish   (GAsyncResult         *result,
                                      GError              **error);

char     *ph_text_dup_single_url     (const char           *text);

G_END_DECLS
