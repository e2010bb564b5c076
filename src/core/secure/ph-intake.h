/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-frame.h"

G_BEGIN_DECLS

/* The receiving side of a batch once it is accepted, without any I/O
 * of its own: it takes the units the sender sends (frames and file
 * bytes), holds the sender to the protocol's order and to the batch it
 * announced, and drives a sink that puts files in place. It says what
 * receipt to send for each file, and only after the sink committed it.
 *
 * The sink is the seam to the receiver: PhSecureReceive's writes into
 * the receive folder (ph-secure-file); the fuzz target's too, in a
 * scratch folder. Every function is called on the thread that feeds
 * the intake. */

typedef struct _PhIntake PhIntake;

typedef struct
{
  /* A file's header arrived. @name is already cleaned (a plain name,
   * or "Folder/name" when the receiver keeps paths); @size may be
   * negative (refuse it: PH_ERROR_NEGATIVE_SIZE). Returns: (nullable):
   * the sink's handle, or NULL with an error that says why it is
   * refused (its code picks the receipt's reason). */
  gpointer (*open)    (gpointer       sink_data,
                       guint32        id,
                       const char    *name,
                       gint64         size,
                       GError       **error);
  gboolean (*write)   (gpointer       sink_data,
                       gpointer       file,
                       const guint8  *bytes,
                       gsize          len,
                       GError       **error);
  /* Every byte arrived. Returns: (transfer full) (nullable): the
   * final name relative to the receive folder, once in place. */
  char    *(*commit)  (gpointer       sink_data,
                       gpointer       file,
                       GError       **error);
  /* Frees a handle, throwing the file away unless it was committed;
   * @why: (nullable): what ended it (NULL once committed). */
  void     (*close)   (gpointer       sink_data,
                       gpointer       file,
                       const GError  *why);
  /* A receipt to send. */
  void     (*receipt) (gpointer       sink_data,
                       const PhMessage *receipt);
} PhIntakeSink;

/* Reasons a receipt gives for a file that was not saved. */
#define PH_REASON_CANCELLED "cancelled"
#define PH_REASON_REFUSED   "refused"
#define PH_REASON_NO_SPACE  "no-space"
#define PH_REASON_FAILED    "failed"

PhIntake   *ph_intake_new         (const PhIntakeSink *sink,
                                   gpointer            sink_data,
                                   const PhMessage    *hello,
                                   gboolean            paths);
void        ph_intake_free        (PhIntake           *self);
gboolean    ph_intake_message     (PhIntake           *self,
                                   const PhMessage    *message,
                                   GError            **error);
gboolean    ph_intake_chunk       (PhIntake           *self,
                                   gsize               len,
                                   GError            **error);
gboolean    ph_intake_data        (PhIntake           *self,
                                   const guint8       *data,
                                   gsize               len,
                                   GError            **error);
void        ph_intake_cancel_file (PhIntake           *self,
                                   guint32             id);
void        ph_intake_abort       (PhIntake           *self,
                                   const GError       *why);
gboolean    ph_intake_is_ended    (PhIntake           *self);
guint       ph_intake_get_n_saved (PhIntake           *self);
const char *ph_intake_reason_for  (const GError       *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhIntake, ph_intake_free)

G_END_DECLS
