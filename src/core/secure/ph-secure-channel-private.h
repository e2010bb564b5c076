/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-frame.h"

G_BEGIN_DECLS

/* What both ends of the secure channel share once the handshake is
 * done: blocking I/O of frames and file bytes on a worker thread, and
 * the queue that carries what happened to the caller's main context. */

/* File bytes are read and written this much at a time. */
#define PH_SECURE_CHUNK (256 * 1024)

typedef struct
{
  GTlsConnection *tls;
  GInputStream   *in;
  GOutputStream  *out;
  GSocket        *socket;
  struct _PhReadahead *readahead;  /* (nullable) */
  GCancellable   *cancellable;
  PhFrameReader   reader;
  guint8         *ahead;           /* what TLS gave beyond the unit under way */
  gsize           ahead_pos;
  gsize           ahead_len;
} PhChannel;

void        ph_channel_init     (PhChannel       *channel,
                                 GTlsConnection  *tls,
                                 GCancellable    *cancellable);
void        ph_channel_clear    (PhChannel       *channel);
void        ph_channel_set_idle (PhChannel       *channel,
                                 guint            msec);
void        ph_channel_buffer_writes (PhChannel  *channel);
gboolean    ph_channel_send     (PhChannel       *channel,
                                 const PhMessage *message,
                                 GError         **error);
gboolean    ph_channel_write    (PhChannel       *channel,
                                 const void      *data,
                                 gsize            len,
                                 GError         **error);
PhUnitKind  ph_channel_read     (PhChannel       *channel,
                                 gboolean         blocking,
                                 PhMessage       *message,
                                 const guint8   **data,
                                 gsize           *len,
                                 gboolean        *eof,
                                 GError         **error);
gboolean    ph_channel_wait     (PhChannel       *channel,
                                 int              wake_fd,
                                 gint             timeout_msec);

/* Events from a worker thread, handled in order on a main context;
 * those that are not urgent wait this long for company. */
#define PH_SECURE_EVENTS_DELAY_MS 5

typedef struct _PhSecureEvents PhSecureEvents;
typedef void (*PhSecureEventFunc) (GObject  *owner,
                                   gpointer  event);

PhSecureEvents *ph_secure_events_new   (GObject           *owner,
                                        PhSecureEventFunc  func);
void            ph_secure_events_post  (PhSecureEvents    *events,
                                        gpointer           event,
                                        gboolean           urgent);
void            ph_secure_events_flush (PhSecureEvents    *events);
void            ph_secure_events_free  (PhSecureEvents    *events);

char           *ph_secure_describe_peer   (GSocketConnection *connection);
void            ph_secure_cancel_other_cb (GCancellable      *cancellable,
                                           gpointer           other);
GError         *ph_secure_explain         (GError            *error,
                                           const char        *peer,
                                           guint              idle_msec,
                                           gboolean           receiving);

gboolean        ph_secure_run_in_thread (GFunc              func,
                                         gpointer           data,
                                         GError           **error);

G_END_DECLS
