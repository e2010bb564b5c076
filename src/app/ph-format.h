/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ph-batch.h"

G_BEGIN_DECLS

char *ph_format_size      (gint64 bytes);
char *ph_format_speed     (double bytes_per_second);
char *ph_format_time_left (gint64 seconds);
char *ph_format_progress  (gint64 bytes_done,
                           gint64 size,
                           double bytes_per_second,
                           gint64 seconds_left);
char *ph_format_peer      (const char *peer,
                           gboolean    keep_port);
char *ph_format_folder    (const char *path);

char    *ph_format_transfer_status    (PhTransfer  *transfer);
char    *ph_format_batch_peer         (PhBatch     *batch);
char    *ph_format_batch_who          (PhBatch     *batch);
char    *ph_format_batch_status       (PhBatch     *batch);
gboolean ph_format_batch_notification (PhBatch     *batch,
                                       char       **title,
                                       char       **body);

G_END_DECLS
