/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-transfer.h"

G_BEGIN_DECLS

/* The data path. Everything here blocks and runs on a worker thread;
 * sockets are the non-blocking descriptors GSocket creates, waited on
 * with poll() next to the cancellable's descriptor. On a thread of a
 * PhWorkers pool, ph_data_path_init() takes the thread's own wake-up
 * descriptor and pipe instead of making them for each file.
 *
 * Errors: PH_ERROR_TIMED_OUT (nothing moved for idle_msec),
 * PH_ERROR_SHORT (end of stream before `size` bytes),
 * PH_ERROR_FILE_CHANGED (the source is not `size` bytes long any more),
 * PH_ERROR_CONNECTION (reset or broken pipe), G_IO_ERROR_CANCELLED,
 * or a G_IO_ERROR from errno. Callers turn them into sentences. */

/* Called by ph_data_path_receive() before it reads more, with the bytes
 * written so far: a chance to reserve disk ahead of the data. */
typedef gboolean (*PhDataPathReserveFunc) (gpointer       data,
                                       gint64         done,
                                       GError       **error);

typedef struct _PhDataPathWorker PhDataPathWorker;

typedef struct
{
  GCancellable      *cancellable;
  PhTransfer        *progress;    /* (nullable): gets set_bytes_done() */
  guint              idle_msec;   /* 0: wait as long as it takes */
  int                cancel_fd;
  gboolean           own_fd;      /* the cancellable's, released by ph_data_path_clear() */
  gboolean           zerocopy;    /* FALSE with POSTHOUSE_NO_ZEROCOPY set (tests) */
  PhDataPathReserveFunc  reserve;     /* (nullable) */
  gpointer           reserve_data;
  PhDataPathWorker  *worker;      /* (nullable): the PhWorkers thread it runs on */
  gulong             wake_id;
} PhDataPath;

typedef gboolean (*PhDataPathFunc) (gpointer       task_data,
                                GCancellable  *cancellable,
                                GError       **error);

void     ph_data_path_init        (PhDataPath        *pump,
                              GCancellable  *cancellable,
                              PhTransfer    *progress,
                              guint          idle_msec);
void     ph_data_path_init_woken  (PhDataPath        *pump,
                              GCancellable  *cancellable,
                              int            wake_fd,
                              PhTransfer    *progress,
                              guint          idle_msec);
void     ph_data_path_clear       (PhDataPath        *pump);

/* @flags: for send(), such as MSG_MORE */
gboolean ph_data_path_write_all   (PhDataPath        *pump,
                              int            sock,
                              const void    *buffer,
                              gsize          len,
                              int            flags,
                              GError       **error);
gboolean ph_data_path_send_fd     (PhDataPath        *pump,
                              int            sock,
                              int            file_fd,
                              gint64         size,
                              GError       **error);
gboolean ph_data_path_send_stream (PhDataPath        *pump,
                              int            sock,
                              GInputStream  *stream,
                              gint64         size,
                              GError       **error);
gboolean ph_data_path_receive     (PhDataPath        *pump,
                              int            sock,
                              int            file_fd,
                              gint64         size,
                              GError       **error);
gboolean ph_data_path_wait_eof    (PhDataPath        *pump,
                              int            sock,
                              GError       **error);
gboolean ph_data_path_receive_end (PhDataPath        *pump,
                              int            sock,
                              guint          grace_msec,
                              GError       **error);
gboolean ph_data_path_peer_reset  (int            sock);

/* Where data paths run: ph-workers.h. */

G_END_DECLS
