/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-batch.h"
#include "ph-history-batch.h"
#include "ph-history-file.h"

G_BEGIN_DECLS

#define PH_TYPE_HISTORY (ph_history_get_type ())

/* The history: batches sent and received, kept across restarts in one
 * SQLite database that the app and the CLI of one user share. All of
 * its I/O runs on a thread of its own; what the main thread does is
 * take snapshots of the batches it tracks. Dropping the last reference
 * writes what is pending and waits for it. */
G_DECLARE_FINAL_TYPE (PhHistory, ph_history, PH, HISTORY, GObject)

char      *ph_history_default_path         (void);

void       ph_history_open_async           (const char           *path,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
PhHistory *ph_history_open_finish          (GAsyncResult         *result,
                                            GError              **error);
const char *ph_history_get_path            (PhHistory            *self);

void       ph_history_track                (PhHistory            *self,
                                            PhBatch              *batch);
void       ph_history_set_peer             (PhHistory            *self,
                                            PhBatch              *batch,
                                            const char           *device_name,
                                            const char           *fingerprint,
                                            gboolean              encrypted);
const char *ph_history_get_batch_id        (PhHistory            *self,
                                            PhBatch              *batch);
gboolean   ph_history_is_live              (PhHistory            *self,
                                            const char           *id);

void       ph_history_load_batches_async   (PhHistory            *self,
                                            PhHistoryBatch       *after,
                                            guint                 limit,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray *ph_history_load_batches_finish  (PhHistory            *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void       ph_history_load_files_async     (PhHistory            *self,
                                            PhHistoryBatch       *batch,
                                            guint                 from_position,
                                            guint                 limit,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray *ph_history_load_files_finish    (PhHistory            *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void       ph_history_delete_async         (PhHistory            *self,
                                            const char           *id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean   ph_history_delete_finish        (PhHistory            *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void       ph_history_expire_async         (PhHistory            *self,
                                            guint                 days,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
void       ph_history_clear_async          (PhHistory            *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gint64     ph_history_expire_finish        (PhHistory            *self,
                                            GAsyncResult         *result,
                                            GError              **error);
gint64     ph_history_clear_finish         (PhHistory            *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void       ph_history_flush_async          (PhHistory            *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean   ph_history_flush_finish         (PhHistory            *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
