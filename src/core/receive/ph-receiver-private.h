/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-incoming-private.h"
#include "ph-receiver.h"
#include "ph-receiver-held.h"
#include "ph-disk-space-private.h"
#include "ph-folders-private.h"
#include "ph-wire.h"

G_BEGIN_DECLS

/* PhReceiver is split by concern, in layers: each file calls only the
 * files below it, and tells the ones above what happened through
 * PhReceiverEvents (set once by ph-receiver.c) or what it returns.
 *   ph-receiver.c            the object: properties, signals, start, stop;
 *   ph-receiver-limits.c     the system's limits and the knobs;
 *   ph-receiver-accept.c     listening, accepting, reading the header,
 *                            pausing the listener, the one timer of
 *                            every waiting time limit;
 *   ph-receiver-held.c       the secure channel's connections past their
 *                            handshake (for the receive session);
 *   ph-receiver-pending.c    connections without a header yet: their
 *                            time limit, eviction, turns of handshakes;
 *   ph-receiver-admission.c  who waits and who goes next: senders, their
 *                            holds and turns, the time limits of waiting;
 *   ph-receiver-stall.c      the data slots and the stall rule.
 *
 * Admission (SPEC, Admission) in one paragraph: every connection is
 * held for its sender, a string key (the peer's address for the
 * original format; the secure channel will use the fingerprint). A
 * connection first sends its header (bounded in time; a sender with
 * too many unfinished headers loses its oldest), then waits for the
 * person's answer and/or a data slot, then has a slot. Slots go to
 * the sender holding the fewest, in turn among equals. Past max_held
 * connections the receiver stops accepting, and the kernel's listen
 * queue holds the rest: nothing is refused for being one too many. */

typedef struct _PhSender PhSender;

/* What the lower layers tell the ones above them (see above). */
typedef struct
{
  void (*transfer_added)    (PhReceiver   *self,
                             PhTransfer   *transfer);
  void (*connection_failed) (PhReceiver   *self,
                             const char   *peer,
                             const GError *error);
  /* A connection let its hold go: accepting may resume. */
  void (*released)          (PhReceiver   *self);
} PhReceiverEvents;

struct _PhReceiver
{
  GObject         parent_instance;
  const PhReceiverEvents *events;  /* ph-receiver.c's, for the layers below */

  GFile          *directory;
  char           *prefix;
  char           *bind_address;
  guint           port;
  guint           bound_port;
  gboolean        require_approval;
  gboolean        accepts_paths;
  gboolean        accepts_plain;

  /* The secure channel (ph-receiver-pending.c, ph-receiver-held.c) */
  PhReceiverSecureFunc secure_func;
  gpointer        secure_data;
  GDestroyNotify  secure_destroy;

  /* The knobs; defaults in ph-receiver.c, time in milliseconds. */
  guint           header_timeout;   /* the whole header */
  guint           data_timeout;     /* a header with nothing behind it */
  guint           answer_timeout;   /* a question nobody answers */
  guint           idle_timeout;     /* silence in the middle of a file */
  guint           max_transfers;    /* data slots */
  guint           max_per_sender;   /* slots one sender may hold */
  guint           max_pending_per_sender; /* unfinished headers of one sender */
  guint           max_held;         /* connections held, all phases */
  guint           stall_window;     /* 0: no stall rule */
  guint64         stall_bytes;

  GMainContext   *context;
  GSocketListener *listener;        /* NULL: not listening */
  GPtrArray      *listen_sockets;   /* GSocket: the listener's, accepted on here */
  GPtrArray      *accept_sources;   /* GSource: one per socket while accepting */
  GSource        *accept_retry;     /* after running out of descriptors */
  PhWorkers      *workers;          /* the data phases' threads, one per slot */
  PhIncomingFolder *folder;         /* (nullable): made when first needed */
  gboolean        paused;           /* not accepting: max_held reached */
  PhDiskSpace    *space;
  PhFolderUsers  *folder_users;

  GHashTable     *senders;          /* key → PhSender, while it holds one */
  guint           n_held;
  GQueue          pending;          /* Pending: no complete header yet, oldest first */
  GQueue          waiting;          /* PhSender with transfers waiting for a slot */
  GQueue          silent;           /* PhIncoming: header without data yet, oldest first */
  GQueue          asking;           /* PhIncoming: asked about, oldest first */
  guint64         turn;             /* counts slots given, for turns */
  GSource        *deadline_source;  /* the next time limit of pending, silent, asking */
  gint64          deadline_at;

  GPtrArray      *incoming;         /* every PhIncoming not finished */
  GQueue          tls_waiting;      /* Pending that began with 0x16, for a handshake's turn */
  guint           n_handshakes;     /* secure connections in their handshake (a thread of GIO's each) */
  GSource        *handshake_timer;  /* when a running handshake may be ended for a waiting one */
  GPtrArray      *slots;            /* Slot: every PhIncoming in its data phase */
  GSource        *stall_source;
};

struct _PhSender
{
  char     *key;
  guint     n_held;       /* connections, all phases */
  guint     n_slots;      /* of them, in their data phase */
  GQueue    pending;      /* its Pending, oldest first */
  GQueue    queued;       /* its PhIncoming waiting for a slot, in order */
  GQueue    held_queued;  /* its PhReceiverHeld waiting for a slot, in order */
  GList     waiting_link; /* in PhReceiver.waiting while either queue is not empty */
  guint64   last_turn;
  guint     n_handshakes; /* its secure connections in their handshake */
};

/* A connection that has not yet delivered its 136 header bytes, or,
 * beginning with 0x16, finished the secure channel's handshake and
 * hellos. */
typedef struct
{
  GList              link;         /* in PhReceiver.pending */
  GList              sender_link;  /* in its PhSender's pending */
  GList              tls_link;     /* in PhReceiver.tls_waiting */
  PhReceiver        *self;
  PhSender          *sender;
  int                fd;           /* -1 once handed on */
  char              *peer;
  GSource           *read_source;
  gint64             accepted;     /* monotonic µs */
  gsize              got;
  PhReceiverHeld    *held;         /* its handshake runs (ph-receiver-pending.c) */
  guint8             header[PH_WIRE_HEADER_SIZE];
} Pending;

/* A connection of the secure channel once its handshake began (see
 * ph-receiver-held.h). */
typedef enum
{
  PH_HELD_HANDSHAKE,
  PH_HELD_DECIDING,
  PH_HELD_ASKING,
  PH_HELD_QUEUED,
  PH_HELD_RECEIVING,
} PhHeldPhase;

struct _PhReceiverHeld
{
  PhReceiver              *self;
  PhSender                *sender;
  Pending                 *pending;     /* while in its handshake */
  char                    *peer;
  PhHeldPhase              phase;
  GList                    queue_link;  /* in its sender's held_queued */
  GSource                 *answer_source;
  gboolean                 ended;       /* the receiver ended it */
  GCancellable            *abort;
  PhReceiverHeldFunc       turn;
  PhReceiverHeldBytesFunc  bytes;
  gpointer                 data;
};

/* ph-receiver-limits.c */
guint     ph_receiver_default_max_held       (void);
int       ph_receiver_listen_backlog         (void);

/* ph-receiver-accept.c */
gboolean  ph_receiver_listen                 (PhReceiver        *self,
                                              GSocketListener   *listener,
                                              GError           **error);
void      ph_receiver_listener_event_cb      (GSocketListener      *listener,
                                              GSocketListenerEvent  event,
                                              GSocket              *socket,
                                              PhReceiver           *self);
void      ph_receiver_accept_start           (PhReceiver        *self);
void      ph_receiver_accept_stop            (PhReceiver        *self);
void      ph_receiver_update_accepting       (PhReceiver        *self);
void      ph_receiver_schedule_deadline      (PhReceiver        *self);

/* ph-receiver-held.c */
PhDiskSpace *ph_receiver_get_disk_space      (PhReceiver        *self);
void      ph_receiver_held_end               (PhReceiverHeld    *held,
                                              GError            *error);
void      ph_receiver_held_finalize          (PhReceiver        *self);

/* ph-receiver-pending.c */
Pending  *ph_receiver_pending_new            (PhReceiver        *self,
                                              int                fd,
                                              const char        *host,
                                              char              *peer);
void      ph_receiver_pending_done           (Pending           *p,
                                              gboolean           handed_on);
void      ph_receiver_pending_fail           (Pending           *p,
                                              GError            *error);
gboolean  ph_receiver_evict_pending          (PhReceiver        *self,
                                              PhSender          *sender,
                                              gint64             older_than);
gint64    ph_receiver_pending_deadline       (PhReceiver        *self);
void      ph_receiver_expire_pending         (PhReceiver        *self,
                                              gint64             now);
void      ph_receiver_close_pending          (PhReceiver        *self);
void      ph_receiver_take_tls               (Pending           *p);

/* ph-receiver-admission.c */
void      ph_receiver_admission_init         (PhReceiver        *self);
void      ph_receiver_admission_finalize     (PhReceiver        *self);
PhSender *ph_receiver_hold                   (PhReceiver        *self,
                                              const char        *key);
void      ph_receiver_release                (PhReceiver        *self,
                                              PhSender          *sender);
gint64    ph_receiver_take_in                (PhReceiver        *self,
                                              PhIncoming        *in,
                                              PhSender          *sender);
void      ph_receiver_admit_held             (PhReceiver        *self,
                                              PhReceiverHeld    *held);
void      ph_receiver_leave_held             (PhReceiver        *self,
                                              PhReceiverHeld    *held);
void      ph_receiver_run_queue              (PhReceiver        *self);
gint64    ph_receiver_waiting_deadline       (PhReceiver        *self);
void      ph_receiver_expire_waiting         (PhReceiver        *self,
                                              gint64             now);

/* ph-receiver-stall.c */
void      ph_receiver_slots_init             (PhReceiver        *self);
void      ph_receiver_slots_finalize         (PhReceiver        *self);
gboolean  ph_receiver_slot_free              (PhReceiver        *self,
                                              PhSender          *sender);
void      ph_receiver_start_slot             (PhReceiver        *self,
                                              PhIncoming        *in);
void      ph_receiver_end_slot               (PhReceiver        *self,
                                              PhIncoming        *in);
void      ph_receiver_start_held_slot        (PhReceiver        *self,
                                              PhReceiverHeld    *held);
void      ph_receiver_end_held_slot          (PhReceiver        *self,
                                              PhReceiverHeld    *held);
void      ph_receiver_restart_stall_timer    (PhReceiver        *self);

/* The knobs: only tests set them (with times scaled down to fit a
 * test run); what they mean is under the fields above. */
void      ph_receiver_set_header_timeout     (PhReceiver        *self,
                                              guint              msec);
guint     ph_receiver_get_header_timeout     (PhReceiver        *self);
void      ph_receiver_set_data_timeout       (PhReceiver        *self,
                                              guint              msec);
void      ph_receiver_set_answer_timeout     (PhReceiver        *self,
                                              guint              msec);
void      ph_receiver_set_idle_timeout       (PhReceiver        *self,
                                              guint              msec);
void      ph_receiver_set_max_transfers      (PhReceiver        *self,
                                              guint              max_transfers);
guint     ph_receiver_get_max_transfers      (PhReceiver        *self);
void      ph_receiver_set_max_transfers_per_sender (PhReceiver  *self,
                                                    guint        max_per_sender);
guint     ph_receiver_get_max_transfers_per_sender (PhReceiver  *self);
void      ph_receiver_set_max_pending_per_sender   (PhReceiver  *self,
                                                    guint        max_pending);
void      ph_receiver_set_max_held           (PhReceiver        *self,
                                              guint              max_held);
guint     ph_receiver_get_max_held           (PhReceiver        *self);
void      ph_receiver_set_stall_window       (PhReceiver        *self,
                                              guint              msec);
void      ph_receiver_set_stall_bytes        (PhReceiver        *self,
                                              guint64            bytes);

/* What is held right now, for tests and benchmarks. */
guint     ph_receiver_get_n_held             (PhReceiver        *self);
gboolean  ph_receiver_get_paused             (PhReceiver        *self);

G_END_DECLS
