/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     ph_notification_text_probe        (GApplication  *application);
void     ph_notification_text_stop         (void);
gboolean ph_notification_text_reads_markup (void);
void     ph_notification_text_set_body     (GNotification *notification,
                                            const char    *body);

G_END_DECLS
