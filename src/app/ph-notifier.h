/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "posthouse-core.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_NOTIFIER (ph_notifier_get_type ())

G_DECLARE_FINAL_TYPE (PhNotifier, ph_notifier, PH, NOTIFIER, GObject)

PhNotifier *ph_notifier_new      (GApplication *application,
                                  PhSettings   *settings,
                                  PhBatchList  *batches,
                                  PhDevices    *devices);
GIcon      *ph_notifier_app_icon (void);

G_END_DECLS
