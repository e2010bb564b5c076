/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-transfer.h"

G_BEGIN_DECLS

void ph_notify_transfer (GApplication *application,
                         GSettings    *settings,
                         PhTransfer   *transfer);
void ph_notify_refused  (GApplication *application,
                         GSettings    *settings,
                         PhTransfer   *transfer);
void ph_notify_withdraw (GApplication *application,
                         PhTransfer   *transfer);
GIcon *ph_notify_app_icon (void);

G_END_DECLS
