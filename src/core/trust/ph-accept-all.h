/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_ACCEPT_ALL (ph_accept_all_get_type ())

/* "Accept everything from this device for 10 minutes" (SPEC, Trust). */
#define PH_ACCEPT_ALL_SECONDS (10 * 60)

/* Files from one device, named by its key's fingerprint (never an
 * address), are accepted without a question until a fixed time: new
 * files do not move it. "remaining" counts down each second for a
 * banner; "active" turns FALSE for good when the time is up or
 * ph_accept_all_stop() is called. The clock is the wall clock, so a
 * computer that slept through the end finds it over. Made by
 * ph_devices_accept_all(). */
G_DECLARE_FINAL_TYPE (PhAcceptAll, ph_accept_all, PH, ACCEPT_ALL, GObject)

const char *ph_accept_all_get_fingerprint (PhAcceptAll *self);
const char *ph_accept_all_get_name        (PhAcceptAll *self);
gint64      ph_accept_all_get_expires     (PhAcceptAll *self);
guint       ph_accept_all_get_remaining   (PhAcceptAll *self);
gboolean    ph_accept_all_get_active      (PhAcceptAll *self);
void        ph_accept_all_stop            (PhAcceptAll *self);

G_END_DECLS
