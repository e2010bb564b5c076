/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "posthouse-core.h"
#include "ph-settings.h"

G_BEGIN_DECLS

#define PH_TYPE_OUTBOX (ph_outbox_get_type ())

/* Sending from the desktop program: what is dropped, chosen or pasted
 * together becomes one batch in the list, handed to the send queue; a
 * destination sent to is remembered. "busy" while a batch sends or
 * waits to. */

G_DECLARE_FINAL_TYPE (PhOutbox, ph_outbox, PH, OUTBOX, GObject)

PhOutbox *ph_outbox_new               (PhSettings           *settings,
                                       PhBrowser            *browser,
                                       PhBatchList          *batches);
void        ph_outbox_plan_async      (PhOutbox             *self,
                                       GFile               **files,
                                       guint                 n_files,
                                       const char           *destination,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
PhSendPlan *ph_outbox_plan_finish     (PhOutbox             *self,
                                       GAsyncResult         *result,
                                       GError              **error);
PhBatch    *ph_outbox_send_plan       (PhOutbox             *self,
                                       PhSendPlan           *plan,
                                       const char           *title);
void        ph_outbox_dup_sources_async (PhOutbox           *self,
                                       gpointer              item,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray  *ph_outbox_dup_sources_finish (PhOutbox          *self,
                                       GAsyncResult         *result,
                                       char                **destination,
                                       GError              **error);
void      ph_outbox_retry             (PhOutbox             *self,
                                       PhBatch              *batch);
void      ph_outbox_cancel_all        (PhOutbox             *self);
gboolean  ph_outbox_get_busy          (PhOutbox             *self);

void      ph_outbox_set_devices       (PhOutbox             *self,
                                       PhDevices            *devices);

G_END_DECLS
