/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-frame.h"

G_BEGIN_DECLS

/* Frames written in order, one asynchronous write at a time, on the
 * caller's context: what the receiver says before the files (hellos,
 * decisions) and everything a pairing says. @drained runs each time the
 * queue has written all it held (error NULL), or once when a write
 * failed; the owner is held while a write is under way. */

typedef struct _PhFrameQueue PhFrameQueue;
typedef void (*PhFrameQueueFunc) (GObject      *owner,
                                  const GError *error);

PhFrameQueue *ph_frame_queue_new     (GObject          *owner,
                                      GIOStream        *stream,
                                      GCancellable     *cancellable,
                                      PhFrameQueueFunc  drained);
void          ph_frame_queue_push    (PhFrameQueue     *queue,
                                      const PhMessage  *message);
gboolean      ph_frame_queue_is_busy (PhFrameQueue     *queue);
void          ph_frame_queue_free    (PhFrameQueue     *queue);

G_END_DECLS
