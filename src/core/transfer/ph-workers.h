/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-data-path.h"

G_BEGIN_DECLS

/* Where data paths run. Data transfers block for as long as a file
 * takes, so they do not belong in GTask's shared pool.
 *
 * PhWorkers is a pool of at most @max_threads threads, made as they
 * are needed and kept while there is work (an idle one ends after a
 * while): many short files cost no thread each. A thread keeps what a
 * data path needs from one file to the next (a wake-up descriptor, a
 * pipe for splice), which ph_data_path_init() takes on its own. Give
 * a pool as many threads as jobs may run at once (a receiver: its data
 * slots; a sender's lanes could share one sized for both): a job past
 * that waits for a thread. Thread-safe. */

typedef struct _PhWorkers PhWorkers;

PhWorkers *ph_workers_new          (const char     *name,
                                    guint           max_threads);
PhWorkers *ph_workers_ref          (PhWorkers      *self);
void       ph_workers_unref        (PhWorkers      *self);
void       ph_workers_set_max_threads (PhWorkers   *self,
                                       guint        max_threads);
void       ph_workers_run          (PhWorkers      *self,
                                    GTask          *task,
                                    PhDataPathFunc  func);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhWorkers, ph_workers_unref)

G_END_DECLS
