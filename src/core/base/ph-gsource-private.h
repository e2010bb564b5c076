/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Timers and watches that the engine keeps as GSource pointers, so
 * that they can be removed before they fire. */

GSource *ph_gsource_attach (GSource      *source,
                           const char   *name,
                           GSourceFunc   func,
                           gpointer      user_data,
                           GMainContext *context);
void     ph_gsource_clear  (GSource     **source);

G_END_DECLS
