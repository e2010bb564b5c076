/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* PhSender's knobs only tests turn: what ships keeps the defaults. */

#include "ph-sender.h"

G_BEGIN_DECLS

/* How long a connection may take to open (10 s by default). */
void      ph_sender_set_connect_timeout (PhSender            *self,
                                         guint                seconds);

/* How many lanes (threads' turns at sending) were started in this
 * process: one per file in flight, not one per wake-up. */
guint     ph_sender_count_lanes_started (void);

G_END_DECLS
