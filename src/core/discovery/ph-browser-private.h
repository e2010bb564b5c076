/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-browser.h"

G_BEGIN_DECLS

/* What the Avahi callbacks feed the model with, and what the unit
 * tests feed it with to check merging and positions. @instance names
 * one announcement on one interface over one protocol; @txt are its
 * TXT strings in the order they arrived (with their @lengths, or NULL
 * for NUL-terminated strings). */

void ph_browser_resolved (PhBrowser          *self,
                          const char         *instance,
                          const char         *name,
                          const char * const *txt,
                          const gssize       *lengths,
                          const char         *host,
                          guint16             port);
void ph_browser_lost     (PhBrowser          *self,
                          const char         *instance);

G_END_DECLS
