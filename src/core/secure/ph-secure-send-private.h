/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-frame.h"
#include "ph-secure-channel-private.h"
#include "ph-secure-send.h"
#include "ph-send-window-private.h"

G_BEGIN_DECLS

/* PhSecureSend is split in four:
 *   ph-secure-send.c         the object; a run's start, its events and
 *                            its result on the caller's context;
 *   ph-secure-send-worker.c  the connection, on a worker thread;
 *   ph-secure-send-hello.c   its start: TLS, the hellos, the decision;
 *   ph-secure-source.c       the files it reads. */

/* One file of the batch. Set up on the caller's context, then the
 * worker's until it posts EVENT_ENDED for it. */
typedef struct
{
  PhTransfer   *transfer;
  GFile        *source;
  char         *name;          /* what goes on the wire, with paths */
  GCancellable *cancellable;   /* the transfer's */
  guint         position;

  gint64        size;          /* as counted in the hello; -1: unusable */
  guint32       id;
  gboolean      sent;          /* its frame went out */
  PhSendWindowMark mark;       /* the window's note of it, once sent */
  gboolean      ended;
  GError       *error;         /* why it was not saved */
} PhSecureJob;

typedef enum
{
  PH_SECURE_EVENT_PHASE,
  PH_SECURE_EVENT_PEER,
  PH_SECURE_EVENT_SIZE,
  PH_SECURE_EVENT_SENDING,
  PH_SECURE_EVENT_ENDED,
  PH_SECURE_EVENT_WINDOW,
  PH_SECURE_EVENT_FINISHED,
} PhSecureEventKind;

typedef struct
{
  PhSecureEventKind  kind;
  PhSecureJob       *job;
  PhSecureSendPhase  phase;
  char              *fingerprint;
  char              *name;
  gboolean           paths;
  guint              window;        /* EVENT_WINDOW: files, and why in name */
  GError            *error;
} PhSecureEvent;

/* What the worker reads and writes; the caller's context reads it only
 * from events and after EVENT_FINISHED. */
typedef struct
{
  PhSecureSend      *self;
  GSocketConnection *connection;
  PhIdentity        *identity;
  char              *expected;
  char              *device_name;
  char              *peer;
  guint              handshake_timeout;
  guint              idle_timeout;
  PhSendWindow      *window;        /* the worker's while it runs */
  GCancellable      *cancellable;   /* the caller's and the object's */
  int                wake_fd;
  GPtrArray         *jobs;          /* PhSecureJob *, in model order */

  GTlsConnection    *tls;
  PhChannel          channel;
  gboolean           paths;
  GPtrArray         *by_id;         /* PhSecureJob * sent, by id */
  guint              in_flight;
  guint8            *buffer;
  gsize              held;          /* small files' bytes at its start */
} PhSecureRun;

/* A file being read (ph-secure-source.c). */
typedef struct
{
  int           fd;
  GInputStream *stream;
} PhSecureSource;

gboolean ph_secure_source_measure (PhSecureJob     *job,
                                   GCancellable    *cancellable,
                                   gint64          *size,
                                   GError         **error);
gboolean ph_secure_source_open    (PhSecureJob     *job,
                                   PhSecureSource  *source,
                                   gint64          *size,
                                   GError         **error);
gboolean ph_secure_source_read    (PhSecureJob     *job,
                                   PhSecureSource  *source,
                                   guint8          *buffer,
                                   gsize            len,
                                   gsize           *got,
                                   GError         **error);
void     ph_secure_source_close   (PhSecureSource  *source);

/* ph-secure-send.c */
void ph_secure_send_post   (PhSecureRun       *run,
                            PhSecureEvent     *event);

/* ph-secure-send-worker.c */
void     ph_secure_send_thread     (gpointer           data,
                                    gpointer           unused);
void     ph_secure_send_post_phase (PhSecureRun       *run,
                                    PhSecureSendPhase  phase);
gboolean ph_secure_send_hung_up    (GError           **error);

/* ph-secure-send-hello.c */
gboolean ph_secure_send_open_channel (PhSecureRun  *run,
                                      GError      **error);

G_END_DECLS
