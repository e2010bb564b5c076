/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ph-batch.h"
#include "ph-devices.h"
#include "ph-history-batch.h"
#include "ph-history-file.h"

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
char *ph_format_device    (const char *device_name,
                           const char *address,
                           gboolean    keep_port);
char *ph_format_device_with_address (const char *device_name,
                                     const char *address,
                                     gboolean    keep_port);
char *ph_format_when      (gint64      usec,
                           gint64      now_usec);
char *ph_format_text_title (const char *name);

/* What the words about a batch depend on, read from a batch of this
 * session (PhBatch) or of the history (PhHistoryBatch) alike. */
typedef struct
{
  PhTransferDirection  direction;
  PhTransferState      state;
  gboolean             finished;
  gboolean             stored;         /* a PhHistoryBatch */
  const char          *peer;           /* HOST[:PORT] */
  const char          *device_name;    /* nullable */
  const char          *fingerprint;    /* nullable: the key proved (PhBatch only); NULL: not encrypted */
  gboolean             paired;
  char                *title;
  char                *reason;         /* nullable: why it failed, ph_format_reason() */
  guint                n_files;
  guint                n_done;
  guint                n_failed;
  guint                n_declined;
  gint64               total_size;
  gint64               bytes_done;
  double               speed;
  gint64               seconds_left;
  gint64               start_time;     /* µs of g_get_real_time() */
  gboolean             flattened;
  PhTransfer          *single;         /* its one file (PhBatch only) */
} PhBatchFacts;

void     ph_batch_facts_init          (PhBatchFacts       *facts,
                                       gpointer            item);
void     ph_batch_facts_clear         (PhBatchFacts       *facts);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PhBatchFacts, ph_batch_facts_clear)

char    *ph_format_reason             (const char         *message,
                                       const char         *peer,
                                       const char         *device_name,
                                       gboolean            incoming);
char    *ph_format_transfer_reason    (PhTransfer         *transfer,
                                       const char         *device_name);
char    *ph_format_transfer_status    (PhTransfer         *transfer);
char    *ph_format_stored_file_status (PhHistoryFile      *file,
                                       gboolean            incoming);
PhDevice *ph_batch_facts_key_change  (const PhBatchFacts *facts,
                                       PhDevices          *devices);
char    *ph_format_facts_peer         (const PhBatchFacts *facts);
char    *ph_format_facts_status       (const PhBatchFacts *facts);
char    *ph_format_batch_peer         (PhBatch            *batch);
char    *ph_format_batch_who          (PhBatch            *batch);
char    *ph_format_batch_status       (PhBatch            *batch);
gboolean ph_format_batch_notification (PhBatch            *batch,
                                       char              **title,
                                       char              **body);

G_END_DECLS
