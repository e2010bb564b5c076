/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_TYPE_PAIRING_DIALOG (ph_pairing_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PhPairingDialog, ph_pairing_dialog, PH, PAIRING_DIALOG, AdwWindow)

PhPairingDialog *ph_pairing_dialog_new         (GtkWindow       *parent,
                                                PhPairing       *pairing,
                                                PhDevices       *devices,
                                                const char      *name);
void             ph_pairing_dialog_fail        (PhPairingDialog *self,
                                                const GError    *error);
PhPairing       *ph_pairing_dialog_get_pairing (PhPairingDialog *self);

/* For tests */
const char      *ph_pairing_dialog_get_heading (PhPairingDialog *self);
const char      *ph_pairing_dialog_get_code    (PhPairingDialog *self);
gboolean         ph_pairing_dialog_get_warning_shown (PhPairingDialog *self);
GtkButton       *ph_pairing_dialog_get_button  (PhPairingDialog *self,
                                                const char      *which);

G_END_DECLS
