/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "posthouse-core.h"
#include "ph-receiver-private.h"
#include "ph-test-util.h"

G_BEGIN_DECLS

/* Shared by the faults and load suites: a receiver on loopback, raw
 * peers in threads that can misbehave at will, and directory checks. */

typedef gboolean (*HuCondition) (gpointer data);

gboolean   hu_wait_until        (HuCondition   condition,
                                 gpointer      data,
                                 guint         timeout_ms);
void       hu_sleep_ms          (guint         ms);
char      *hu_describe_dir      (const char   *path);
guint      hu_count_hidden      (const char   *path);
GBytes    *hu_random_bytes      (gsize         size,
                                 guint32       seed);
void       hu_assert_file_equals (const char  *path,
                                  GBytes      *expected);
guint      hu_count_fds         (void);
char      *hu_write_temp_file   (const char   *dir,
                                 const char   *name,
                                 GBytes       *content);

/* A listening socket on 127.0.0.1 that nobody accepts on. */
GSocket   *hu_listen_on_loopback (int          backlog,
                                  guint16     *port);
/* A plain TCP connection to 127.0.0.1:@port that sends nothing; not
 * @blocking, the handshake may still be under way on return. */
GSocket   *hu_connect_raw       (guint16       port,
                                 gboolean      blocking);

/* A blocking TCP connection to 127.0.0.1:@port from @source, an
 * address of the loopback network (127.0.0.2, ...): the receiver sees
 * another peer. */
GSocket   *hu_connect_from      (const char   *source,
                                 guint16       port);

/* Mounts a fresh file system of @kind ("tmpfs", or "ext4" on a loop
 * device whose image goes into @image_dir) of @megabytes on @dir;
 * returns its free bytes, or 0 with the test skipped (with why) when
 * that is not possible here (not root, no loop devices). Unmount with
 * umount2 (@dir, MNT_DETACH). */
gsize      hu_mount_small_fs    (const char   *kind,
                                 const char   *dir,
                                 const char   *image_dir,
                                 guint         megabytes);

/* A PhSender sending @path to 127.0.0.1:@port. */
typedef struct
{
  PhTransfer *transfer;
  gboolean    done;
  gboolean    ok;
  GError     *error;
} HuSend;

HuSend    *hu_send_start        (const char   *path,
                                 guint16       port,
                                 guint         connect_timeout,
                                 guint         idle_timeout_ms);
gboolean   hu_send_wait         (HuSend       *send,
                                 guint         timeout_ms);
void       hu_send_free         (HuSend       *send);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HuSend, hu_send_free)

/* A receiver that accepts once, reads @read_before_dying bytes, then
 * resets the connection; run hu_dying_receiver_thread in a GThread. */
typedef struct
{
  GSocket *listener;
  gsize    read_before_dying;
} HuDying;

gpointer   hu_dying_receiver_thread (gpointer  data);

/* A receiver on 127.0.0.1, any port, recording what it announces. */
typedef struct
{
  char       *dir;
  PhReceiver *receiver;
  guint16     port;
  GPtrArray  *transfers;  /* PhTransfer */
  GPtrArray  *failures;   /* char *: connection-failed messages */
} HuReceiver;

HuReceiver *hu_receiver_new      (const char  *dir);
void        hu_receiver_free     (HuReceiver  *self);
guint       hu_receiver_finished (HuReceiver  *self);
char       *hu_receiver_describe (HuReceiver  *self);
gboolean    hu_receiver_wait_finished (HuReceiver *self,
                                       guint       n,
                                       guint       timeout_ms);
guint       hu_receiver_count_state (HuReceiver      *self,
                                     PhTransferState  state);
gboolean    hu_receiver_wait_receiving (HuReceiver *self,
                                        gsize       bytes,
                                        guint       timeout_ms);

typedef enum
{
  HU_END_CLOSE,        /* orderly close after sending */
  HU_END_RESET,        /* SO_LINGER 0: the peer sees a reset */
  HU_END_AWAIT_CLOSE,  /* shut down writing, wait for the receiver to close */
} HuEnd;

/* A raw peer, run in its own thread: connects, sends @header, sends
 * @data up to @pause_at, waits for hu_peer_resume(), sends the rest,
 * ends as @end says. */
typedef struct _HuPeer HuPeer;

HuPeer   *hu_peer_start        (guint16       port,
                                GBytes       *header,
                                GBytes       *data,
                                gsize         pause_at,
                                HuEnd         end);
gboolean  hu_peer_is_paused    (HuPeer       *self);
void      hu_peer_resume       (HuPeer       *self);
gboolean  hu_peer_is_done      (HuPeer       *self);
/* Joins the thread; returns whether the peer saw the receiver close or
 * reset the connection (before it meant to stop), and the write error. */
gboolean  hu_peer_join         (HuPeer       *self,
                                GError      **write_error);
gsize     hu_peer_get_sent     (HuPeer       *self);

/* What a peer learnt from how the receiver ended the connection. */
typedef enum
{
  HU_RECEIPT_NONE,   /* nothing within the peer's time limit */
  HU_RECEIPT_EOF,    /* an orderly close: "saved" */
  HU_RECEIPT_RESET,  /* a reset (or a broken pipe while writing): "not saved" */
} HuReceipt;

/* Joins like hu_peer_join(); for HU_END_AWAIT_CLOSE peers. */
HuReceipt hu_peer_join_receipt (HuPeer       *self);

GBytes   *hu_header            (const char   *name,
                                gint64        size);

/* tests/interop/py_tight_send.py: the original sender in a tight loop,
 * @count files of @size bytes named @prefix00000.bin ..., from @source
 * (NULL: 127.0.0.1), never reading an answer. @extra: more arguments,
 * NULL-terminated. */
GSubprocess *hu_tight_send_start (guint16       port,
                                  guint         count,
                                  gsize         size,
                                  const char   *source,
                                  const char   *prefix,
                                  ...) G_GNUC_NULL_TERMINATED;
gboolean     hu_tight_send_wait  (GSubprocess  *process,
                                  guint         timeout_ms);
/* What file @index of a tight sender with @prefix holds. */
GBytes      *hu_tight_content    (const char   *prefix,
                                  guint         index,
                                  gsize         size);
/* Checks that the files @prefix00000.bin ... arrived in @dir, whole. */
void         hu_assert_tight_files (const char *dir,
                                    const char *prefix,
                                    guint       count,
                                    gsize       size);

G_END_DECLS
