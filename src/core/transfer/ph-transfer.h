/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  PH_TRANSFER_SEND,
  PH_TRANSFER_RECEIVE,
} PhTransferDirection;

typedef enum
{
  PH_TRANSFER_QUEUED,
  PH_TRANSFER_WAITING,     /* incoming, held until accepted or declined */
  PH_TRANSFER_CONNECTING,
  PH_TRANSFER_SENDING,
  PH_TRANSFER_RECEIVING,
  PH_TRANSFER_DONE,
  PH_TRANSFER_FAILED,
  PH_TRANSFER_CANCELLED,
} PhTransferState;

#define PH_TYPE_TRANSFER (ph_transfer_get_type ())

/* Properties notify on the context the transfer was created in:
 * "state" at once, "bytes-done", "speed" (bytes/s) and "seconds-left"
 * (-1: unknown) at most ten times a second. A finished transfer is
 * DONE, FAILED (error set, "error-message" says why) or CANCELLED
 * (error is G_IO_ERROR_CANCELLED). ph_transfer_decline() ends a WAITING
 * transfer FAILED with PH_ERROR_DECLINED, writing nothing. */

G_DECLARE_FINAL_TYPE (PhTransfer, ph_transfer, PH, TRANSFER, GObject)

PhTransfer          *ph_transfer_new_outgoing    (GFile      *source,
                                                  const char *destination);
PhTransfer          *ph_transfer_new_outgoing_path (GFile      *source,
                                                    const char *destination,
                                                    const char *path);
PhTransferDirection  ph_transfer_get_direction   (PhTransfer *self);
const char          *ph_transfer_get_peer        (PhTransfer *self);
const char          *ph_transfer_get_peer_fingerprint (PhTransfer *self);
const char          *ph_transfer_get_name        (PhTransfer *self);
char                *ph_transfer_dup_folder      (PhTransfer *self);
gint64               ph_transfer_get_size        (PhTransfer *self);
gint64               ph_transfer_get_bytes_done  (PhTransfer *self);
PhTransferState      ph_transfer_get_state       (PhTransfer *self);
const char          *ph_transfer_get_error_message (PhTransfer *self);
const GError        *ph_transfer_get_error       (PhTransfer *self);
GFile               *ph_transfer_get_source      (PhTransfer *self);
GFile               *ph_transfer_get_file        (PhTransfer *self);
gint64               ph_transfer_get_start_time  (PhTransfer *self);
double               ph_transfer_get_speed       (PhTransfer *self);
gint64               ph_transfer_get_seconds_left (PhTransfer *self);
gboolean             ph_transfer_is_finished     (PhTransfer *self);
GCancellable        *ph_transfer_get_cancellable (PhTransfer *self);
void                 ph_transfer_cancel          (PhTransfer *self);
void                 ph_transfer_accept          (PhTransfer *self);
void                 ph_transfer_decline         (PhTransfer *self);

G_END_DECLS
