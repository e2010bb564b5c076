/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What only tests set and read of PhInbox: its times, and whom it
 * lets in without asking. */

#include "ph-inbox.h"

G_BEGIN_DECLS

PhReceiver *ph_inbox_get_receiver   (PhInbox    *self);
guint       ph_inbox_get_burst_gap  (PhInbox    *self);
void        ph_inbox_set_burst_gap  (PhInbox    *self,
                                     guint       msec);
guint       ph_inbox_get_allow_time (PhInbox    *self);
void        ph_inbox_set_allow_time (PhInbox    *self,
                                     guint       msec);
gboolean    ph_inbox_is_allowed     (PhInbox    *self,
                                     const char *host);
char       *ph_inbox_peer_host      (const char *peer);

G_END_DECLS
