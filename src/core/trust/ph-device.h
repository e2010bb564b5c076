/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PH_TYPE_DEVICE (ph_device_get_type ())

/* What this computer knows of another Posthouse (SPEC, Trust). */
typedef enum
{
  PH_DEVICE_KNOWN,     /* seen in the secure channel, not paired */
  PH_DEVICE_PAIRED,    /* both people compared the six digits */
  PH_DEVICE_BLOCKED,   /* refused before a byte of a file is read */
} PhDeviceState;

/* One remembered device, named by its key's fingerprint. Its other
 * properties follow the list of devices (PhDevices), which is the only
 * one to change them; they change on the main context. */
G_DECLARE_FINAL_TYPE (PhDevice, ph_device, PH, DEVICE, GObject)

const char    *ph_device_get_fingerprint       (PhDevice *self);
const char    *ph_device_get_short_fingerprint (PhDevice *self);
const char    *ph_device_get_name              (PhDevice *self);
PhDeviceState  ph_device_get_state             (PhDevice *self);
gint64         ph_device_get_first_seen        (PhDevice *self);
gint64         ph_device_get_last_seen         (PhDevice *self);
gint64         ph_device_get_paired_since      (PhDevice *self);
const char    *ph_device_get_last_address      (PhDevice *self);
const char    *ph_device_get_receiver_address  (PhDevice *self);
const char    *ph_device_get_installation_id   (PhDevice *self);
guint          ph_device_get_pairing_failures  (PhDevice *self);
gint64         ph_device_get_pairing_paused_until (PhDevice *self);
gboolean       ph_device_is_paired             (PhDevice *self);

const char    *ph_device_state_to_string       (PhDeviceState  state);
gboolean       ph_device_state_from_string     (const char    *text,
                                                PhDeviceState *state);

G_END_DECLS
