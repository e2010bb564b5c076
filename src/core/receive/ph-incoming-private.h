/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-disk-space-private.h"
#include "ph-folders-private.h"
#include "ph-transfer.h"
#include "ph-workers.h"

G_BEGIN_DECLS

/* One connection that delivered a valid header, owned by PhReceiver:
 * the refusal checks, the wait for approval or a slot, the part file,
 * the data, the sender's end of stream and the commit under a final
 * name. The receiver decides when it may start; it tells the receiver
 * when it is over.
 *
 *   ph-incoming.c       the connection's life: waiting, asking, ending;
 *   ph-incoming-save.c  the file: checks, part file, data, commit.
 *
 * The receipt: the connection is closed in order only once the file is
 * in place under its final name; every failure, at any moment, resets
 * it (SO_LINGER 0), so that a Posthouse sender reports the failure.
 *
 * Its owner (PhIncomingOwner) hears:
 *   accepted: the person accepted a WAITING transfer;
 *   ready: data arrived behind the header of a transfer that waited
 *     for it (ph_incoming_wait_for_data());
 *   finished: the transfer ended (done, failed or cancelled) and the
 *     connection is closed; once. */

/* How long the data phase waits for the sender's end of stream after
 * the last announced byte before it commits anyway. */
#define PH_INCOMING_EOF_GRACE_MS 1000

#define PH_TYPE_INCOMING (ph_incoming_get_type ())

G_DECLARE_FINAL_TYPE (PhIncoming, ph_incoming, PH, INCOMING, GObject)

/* The receive folder as its transfers use it, learnt once (not for
 * each file): its path, and how long a sender's name may be beside the
 * prefix. A receiver makes a new one when its folder or prefix
 * changes; transfers keep the one they started with. (Not a descriptor
 * held open: the folder at the path, as it is at each commit, is where
 * a file goes; one removed or made read-only meanwhile fails it.) */
typedef struct
{
  GFile *directory;
  char  *path;          /* NULL: not a local folder */
  gsize  name_budget;   /* 0: the prefix leaves no room */
} PhIncomingFolder;

PhIncomingFolder *ph_incoming_folder_new   (GFile            *directory,
                                            const char       *prefix);
PhIncomingFolder *ph_incoming_folder_ref   (PhIncomingFolder *folder);
void              ph_incoming_folder_unref (PhIncomingFolder *folder);

typedef struct
{
  void (*accepted) (PhIncoming *in,
                    gpointer    data);
  void (*ready)    (PhIncoming *in,
                    gpointer    data);
  void (*finished) (PhIncoming *in,
                    gpointer    data);
} PhIncomingOwner;

/* What a receiver gives each of its transfers. */
typedef struct
{
  PhIncomingFolder *folder;       /* (nullable): no folder */
  const char       *prefix;       /* (nullable) */
  guint             idle_timeout; /* msec; 0: none */
  PhDiskSpace      *space;
  PhFolderUsers    *folder_users;
  PhWorkers        *workers;      /* where data phases run */
} PhIncomingSetup;

/* Where a transfer waits in its receiver; the receiver's to use. */
typedef struct
{
  gpointer  sender;       /* PhSender */
  GList     queue_link;   /* in its sender's queue */
  GList     silent_link;  /* in the receiver's list of headers without data */
  GList     asking_link;  /* in the receiver's list of questions */
  gint64    since;        /* monotonic µs: the header was in */
  gint64    asked;        /* monotonic µs: the person was asked */
  gboolean  ready;        /* data behind the header: it may take a slot */
} PhIncomingPlace;

struct _PhIncoming
{
  GObject            parent_instance;

  int                fd;           /* the connection; -1 once closed */
  GMainContext      *context;
  PhTransfer        *transfer;
  GCancellable      *abort;        /* the transfer's cancellable, or ph_incoming_end() */
  gulong             abort_id;
  GError            *end_error;    /* why ph_incoming_end() stopped the data phase */
  GFile             *directory;
  PhIncomingFolder  *folder;
  PhWorkers         *workers;
  GFile             *file;
  PhDiskSpace       *space;
  PhFolderUsers     *folder_users;
  char              *sender_key;
  char              *peer;
  char              *name;         /* as the sender named it, cleaned: "Folder/name" with paths */
  char              *folders;      /* NULL, or the folders of name ("Holiday/Day 1") */
  char              *prefix;
  char              *save_name;    /* prefix + name, within the folder's name limit */
  gint64             size;
  guint              idle_timeout;
  GSource           *hangup_source;
  GSource           *cancel_source;
  gboolean           receiving;
  gboolean           finished;
  gboolean           wants_data;
  const PhIncomingOwner *owner;
  gpointer           owner_data;
  PhIncomingPlace    place;
};

PhIncoming      *ph_incoming_new            (int                    fd,
                                             const char            *sender_key,
                                             const char            *peer,
                                             const char            *name,
                                             gint64                 size,
                                             const PhIncomingSetup *setup);
void             ph_incoming_set_owner      (PhIncoming            *self,
                                             const PhIncomingOwner *owner,
                                             gpointer               data);
PhTransfer      *ph_incoming_get_transfer   (PhIncoming        *self);
const char      *ph_incoming_get_sender_key (PhIncoming        *self);
const char      *ph_incoming_get_peer       (PhIncoming        *self);
const char      *ph_incoming_get_name       (PhIncoming        *self);
gint64           ph_incoming_get_size       (PhIncoming        *self);
gboolean         ph_incoming_get_receiving  (PhIncoming        *self);
PhIncomingPlace *ph_incoming_get_place      (PhIncoming        *self);
gboolean         ph_incoming_has_data       (PhIncoming        *self);
GError          *ph_incoming_check          (PhIncoming        *self);
void             ph_incoming_ask            (PhIncoming        *self);
void             ph_incoming_wait           (PhIncoming        *self);
void             ph_incoming_wait_for_data  (PhIncoming        *self);
void             ph_incoming_receive        (PhIncoming        *self);
void             ph_incoming_end            (PhIncoming        *self,
                                             GError            *error);
void             ph_incoming_finish         (PhIncoming        *self,
                                             GError            *error);

gboolean         ph_incoming_name_budget    (GFile             *directory,
                                             const char        *prefix,
                                             gsize             *budget,
                                             GError           **error);

/* ph-incoming-save.c */
gboolean         ph_incoming_save           (gpointer           task_data,
                                             GCancellable      *cancellable,
                                             GError           **error);

G_END_DECLS
