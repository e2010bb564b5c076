/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_DESTINATION (ph_destination_get_type ())

/* Where files go, as resolved (ph_destination_resolve_async()): the
 * host and port to connect to, and what is known of the receiver there:
 * the name it announced nearby, whether it keeps folder paths
 * (paths=1), what its announcement said of the secure channel (its
 * installation id, tls=1 and fp=); then, once the trust store had its
 * say (ph_destination_decide_channel()), whether the files go through
 * the secure channel ("secure"), the key the receiver must prove
 * ("fingerprint", NULL for a first contact) and whether it is paired. */

G_DECLARE_FINAL_TYPE (PhDestination, ph_destination, PH, DESTINATION, GObject)

PhDestination *ph_destination_new               (const char     *host,
                                                 guint           port);
const char    *ph_destination_get_host          (PhDestination  *self);
guint          ph_destination_get_port          (PhDestination  *self);
const char    *ph_destination_get_address       (PhDestination  *self);
const char    *ph_destination_get_name          (PhDestination  *self);
void           ph_destination_set_name          (PhDestination  *self,
                                                 const char     *name);
gboolean       ph_destination_get_found_by_name (PhDestination  *self);
void           ph_destination_set_found_by_name (PhDestination  *self,
                                                 gboolean        found_by_name);
gboolean       ph_destination_get_accepts_paths (PhDestination  *self);
void           ph_destination_set_accepts_paths (PhDestination  *self,
                                                 gboolean        accepts_paths);
const char    *ph_destination_get_fingerprint   (PhDestination  *self);
void           ph_destination_set_fingerprint   (PhDestination  *self,
                                                 const char     *fingerprint);

gboolean       ph_destination_get_nearby        (PhDestination  *self);
const char    *ph_destination_get_installation_id (PhDestination *self);
const char    *ph_destination_get_announced_fingerprint (PhDestination *self);
void           ph_destination_set_announcement  (PhDestination  *self,
                                                 const char     *installation_id,
                                                 const char     *fingerprint);
gboolean       ph_destination_get_secure        (PhDestination  *self);
void           ph_destination_set_secure        (PhDestination  *self,
                                                 gboolean        secure);
gboolean       ph_destination_get_paired        (PhDestination  *self);
void           ph_destination_set_paired        (PhDestination  *self,
                                                 gboolean        paired);

gboolean       ph_destination_text_is_valid     (const char     *text,
                                                 GError        **error);

G_END_DECLS
