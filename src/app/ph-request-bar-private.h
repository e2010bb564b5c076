/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests read of the request bar: what it asks about and its buttons. */

#include "ph-request-bar.h"

G_BEGIN_DECLS

PhBatch    *ph_request_bar_get_batch    (PhRequestBar *self);
gboolean    ph_request_bar_get_revealed (PhRequestBar *self);
const char *ph_request_bar_get_title    (PhRequestBar *self);
GtkButton  *ph_request_bar_get_button   (PhRequestBar *self,
                                         const char   *name);
const char *ph_request_bar_get_state_text (PhRequestBar *self);
const char *ph_request_bar_get_detail   (PhRequestBar *self);
const char *ph_request_bar_get_fingerprint_text (PhRequestBar *self);
const char *ph_request_bar_get_warning  (PhRequestBar *self);

G_END_DECLS
