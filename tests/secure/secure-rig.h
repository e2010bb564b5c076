/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-frame.h"
#include "posthouse-core.h"

G_BEGIN_DECLS

/* A receiver and a sender of the secure channel on loopback, each with
 * an identity of its own in a temporary tree, and the files between. */

typedef enum
{
  RIG_ACCEPT,
  RIG_DECLINE,
  RIG_ASK_THEN_ACCEPT,   /* after ask_delay_ms */
  RIG_ASK_THEN_DECLINE,
  RIG_REFUSE,
} RigPolicy;

typedef struct
{
  char             *tmp;
  char             *recv_dir;
  char             *src_dir;
  PhIdentity       *sender_id;
  PhIdentity       *receiver_id;

  GSocketListener  *listener;
  guint16           port;
  GCancellable     *stop;

  /* The receiving side; set before a send. */
  RigPolicy         policy;
  guint             ask_delay_ms;
  gboolean          accepts_paths;
  guint             handshake_timeout;
  guint             idle_timeout;
  gboolean          cancel_first_received;   /* cancel the first file when its bytes start */
  gint64            cancel_session_after;    /* cancel the session after this many bytes (0: no) */

  /* What it saw. */
  PhSecureReceive  *session;
  GPtrArray        *received;          /* PhTransfer * */
  guint             n_decide;
  gboolean          receive_done;
  gboolean          receive_ok;
  GError           *receive_error;
  GCancellable     *session_cancel;

  /* The sending side. */
  PhSecureSend     *sender;
  gboolean          send_done;
  gboolean          send_ok;
  GError           *send_error;
  GPtrArray        *phases;            /* PhSecureSendPhase seen, as GUINT_TO_POINTER */
} SecureRig;

SecureRig  *secure_rig_new            (void);
void        secure_rig_free           (SecureRig  *rig);
void        secure_rig_listen         (SecureRig  *rig);
GSocketListener *secure_rig_loopback_listener (guint16 *port);
char       *secure_rig_write_file     (SecureRig  *rig,
                                       const char *relative,
                                       gsize       size,
                                       guint32     seed);
GListStore *secure_rig_transfers      (SecureRig  *rig,
                                       const char *const *relatives);
gboolean    secure_rig_send           (SecureRig  *rig,
                                       GListModel *transfers,
                                       const char *expected,
                                       GCancellable *cancellable,
                                       GError    **error);
void        secure_rig_wait_receiver  (SecureRig  *rig);
void        secure_rig_reset          (SecureRig  *rig);
GSocketConnection *secure_rig_connect (SecureRig  *rig);
void        secure_rig_iterate_until  (gboolean   *flag,
                                       guint       timeout_ms);
guint       secure_rig_count_files    (const char *dir);
PhIdentity *secure_rig_identity       (const char *tmp,
                                       const char *name);

/* For the list of devices. */
char       *secure_rig_key            (const char *seed);
PhDevices  *secure_rig_open_devices   (const char *path);
void        secure_rig_flush_devices  (PhDevices  *devices);
void        secure_rig_iterate_until_true (gboolean (*done) (gpointer),
                                       gpointer    data,
                                       guint       timeout_ms);

/* For peers that break the rules. */
gboolean    secure_rig_accept_any_cb  (GTlsConnection       *tls,
                                       GTlsCertificate      *peer,
                                       GTlsCertificateFlags  errors,
                                       gpointer              user_data);
void        secure_rig_write_bytes    (GIOStream  *stream,
                                       GBytes     *bytes);
GBytes     *secure_rig_frames         (const PhMessage *first,
                                       ...) G_GNUC_NULL_TERMINATED;
GBytes     *secure_rig_concat         (GBytes     *a,
                                       const void *raw,
                                       gsize       len);

G_END_DECLS
