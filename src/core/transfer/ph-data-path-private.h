/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-data-path.h"

G_BEGIN_DECLS

/* Shared by ph-data-path.c, ph-data-path-receive.c and ph-workers.c. */

/* What a PhWorkers thread keeps from one file to the next. */
struct _PhDataPathWorker
{
  GCancellable *wake;     /* cancelled when the running file's cancellable is */
  int           wake_fd;
  int           pipe[2];  /* for splice; -1 until first used, emptied after each file */
  int           pipe_size;
};

PhDataPathWorker *ph_data_path_worker_get    (void);
gboolean          ph_data_path_worker_pipe   (PhDataPathWorker *worker);
void              ph_data_path_worker_drop_pipe (PhDataPathWorker *worker);

int      ph_data_path_make_pipe       (int           pipe_fds[2]);
void     ph_data_path_report          (PhDataPath   *pump,
                                       gint64        done);
gboolean ph_data_path_set_errno_error (GError      **error,
                                       int           errsv);
gboolean ph_data_path_wait_for        (PhDataPath   *pump,
                                       int           fd,
                                       short         events,
                                       GError      **error);

G_END_DECLS
