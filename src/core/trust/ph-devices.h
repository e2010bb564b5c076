/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-accept-all.h"
#include "ph-device.h"

G_BEGIN_DECLS

#define PH_TYPE_DEVICES (ph_devices_get_type ())

/* Three failed comparisons in a row pause pairing with a device this long. */
#define PH_DEVICES_MAX_FAILURES  3
#define PH_DEVICES_PAIRING_PAUSE (10 * 60)

/* The devices this computer remembers (SPEC, Trust), one list for the
 * app and the CLI of one user: $XDG_DATA_HOME/posthouse/devices/devices.ini.
 *
 * A GListModel of PhDevice for the Devices page, in the order they were
 * first seen. Changes show at once in this process and are written on a
 * worker thread, atomically, under a lock, after reading the file again
 * (another program's changes are kept); what another program writes
 * shows here through a file monitor. A main-context object; "changed"
 * says anything in it changed (items-changed only says what came or went).
 *
 * Who is trusted how: ph_devices_decide() (ph-trust-policy.h). */
G_DECLARE_FINAL_TYPE (PhDevices, ph_devices, PH, DEVICES, GObject)

char        *ph_devices_default_path          (void);
PhDevices   *ph_devices_new                   (const char    *path);
gboolean     ph_devices_load                  (PhDevices     *self,
                                               GError       **error);
const char  *ph_devices_get_path              (PhDevices     *self);
const GError *ph_devices_get_write_error      (PhDevices     *self);

PhDevice    *ph_devices_lookup                (PhDevices     *self,
                                               const char    *fingerprint);
PhDevice    *ph_devices_lookup_receiver       (PhDevices     *self,
                                               const char    *address);
PhDevice    *ph_devices_find_key_change       (PhDevices     *self,
                                               const char    *fingerprint,
                                               const char    *name,
                                               const char    *installation_id);
gboolean     ph_devices_is_pairing_paused     (PhDevices     *self,
                                               const char    *fingerprint,
                                               gint64        *until);

void         ph_devices_record_seen           (PhDevices     *self,
                                               const char    *fingerprint,
                                               const char    *name,
                                               const char    *address,
                                               const char    *receiver_address,
                                               const char    *installation_id);
void         ph_devices_pair                  (PhDevices     *self,
                                               const char    *fingerprint,
                                               const char    *name);
void         ph_devices_record_pairing_failure (PhDevices    *self,
                                               const char    *fingerprint,
                                               const char    *name);
gboolean     ph_devices_forget                (PhDevices     *self,
                                               const char    *fingerprint);
void         ph_devices_block                 (PhDevices     *self,
                                               const char    *fingerprint,
                                               const char    *name);
gboolean     ph_devices_unblock               (PhDevices     *self,
                                               const char    *fingerprint);
PhDevice    *ph_devices_resolve               (PhDevices     *self,
                                               const char    *text,
                                               GError       **error);

void         ph_devices_flush_async           (PhDevices     *self,
                                               GCancellable  *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer       user_data);
gboolean     ph_devices_flush_finish          (PhDevices     *self,
                                               GAsyncResult  *result,
                                               GError       **error);
gboolean     ph_devices_flush                 (PhDevices     *self,
                                               GError       **error);

PhAcceptAll *ph_devices_accept_all            (PhDevices     *self,
                                               const char    *fingerprint,
                                               const char    *name,
                                               guint          seconds);
PhAcceptAll *ph_devices_lookup_accept_all     (PhDevices     *self,
                                               const char    *fingerprint);
GListModel  *ph_devices_get_accept_all        (PhDevices     *self);
void         ph_devices_stop_accept_all       (PhDevices     *self,
                                               const char    *fingerprint);

G_END_DECLS
