/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the three parts of PhBrowser's Avahi side share, each calling
 * only the ones below it: talking to the daemon and browsing
 * (ph-browser-avahi.c) on top, resolving and watching announcements
 * (ph-browser-resolve.c) below it, the order they are resolved in
 * (ph-browser-queue.c) at the bottom. What PhBrowser must hear goes up
 * through the events it gave. */

#include <avahi-common/address.h>
#include <avahi-common/defs.h>

#include "ph-browser-private.h"

#define POOL_MAX              32
/* ... of which, while a lookup waits, at most this many for others. */
#define LOOKING_MAX           4
#define WATCH_MAX             256
#define WATCH_PER_HOST        16
/* The daemon gives up after 5 s; this is for a daemon that says nothing. */
#define RESOLVE_TIMEOUT_MSEC  6000
#define MAX_ATTEMPTS          2

/* Without a system bus nothing says when one comes: look again now and
 * then. (With one, its daemon says when Avahi comes and goes.) */
#define RETRY_SECONDS         5

#define AVAHI_NAME            "org.freedesktop.Avahi"
#define BROWSER_INTERFACE     "org.freedesktop.Avahi.ServiceBrowser"
#define RESOLVER_INTERFACE    "org.freedesktop.Avahi.ServiceResolver"
#define ITEM_TYPE             "(iisssu)"
#define FOUND_TYPE            "(iissssisqaayu)"

typedef enum
{
  PRIORITY_WANTED,
  PRIORITY_LOCAL,
  PRIORITY_FIRST,
  PRIORITY_MORE,
  PRIORITY_RETRY,
  N_PRIORITIES
} Priority;

/* The first look around is over when nothing up to here waits: every
 * address of every name (a list shows the best), but what did not
 * answer in time. */
#define PRIORITY_SETTLES PRIORITY_MORE

typedef enum
{
  STAGE_QUEUED,
  STAGE_RESOLVING,
  STAGE_WATCHED,
  STAGE_DONE,
} Stage;

typedef struct
{
  AvahiIfIndex  interface;
  GQueue        queue[N_PRIORITIES];
} Lane;

typedef struct
{
  PhBrowserAvahi       *owner;
  char                 *key;
  char                 *name;
  char                 *folded;
  char                 *type;
  char                 *domain;
  AvahiIfIndex          interface;
  AvahiProtocol         protocol;
  gboolean              local;
  Stage                 stage;
  Priority              priority;     /* while queued or resolving */
  Lane                 *lane;         /* while queued */
  GList                *link;
  guint                 serial;       /* of the call that may answer */
  guint                 attempts;
  char                 *watch_path;   /* the daemon's resolver, once watched */
  char                 *watched_host; /* counted in watches_by_host */
} Instance;

/* What an answer finds its way back with: the browser may be gone, the
 * daemon restarted, the announcement withdrawn or asked again. */
typedef struct
{
  PhBrowserAvahi **link;
  GDBusConnection *bus;
  char            *owner;
  guint            generation;
  char            *key;
  guint            serial;
} Call;

struct _PhBrowserAvahi
{
  const PhBrowserAvahiEvents *events; /* to the browser, which owns us */
  gpointer              data;
  PhBrowserAvahi      **link;         /* g_rc_box: NULL once we are gone */
  GDBusConnection      *bus;          /* our own: closing it frees what we made */
  gulong                closed_id;
  guint                 watch_id;
  GSource              *retry;
  char                 *owner;        /* the daemon's unique name, while there is one */
  guint                 generation;   /* of that daemon */
  guint                 signals_id[2];
  char                 *browser_path;
  gboolean              browsing;
  gboolean              all_for_now;

  GHashTable           *instances;    /* key -> Instance */
  GHashTable           *by_folded;    /* folded name -> GPtrArray of Instance (borrowed) */
  GHashTable           *by_path;      /* watching resolver's path -> key */
  GHashTable           *wanted;       /* folded name -> lookups looking for it */
  GPtrArray            *lanes;        /* Lane, one per interface */
  guint                 next_lane;
  gboolean              from_tail;
  guint                 waiting[N_PRIORITIES];   /* queued or resolving */
  guint                 n_resolving;
  guint                 n_watched;
  GHashTable           *watches_by_host;
  guint                 peak;
};

/* ph-browser-queue.c */
guint     ph_browser_avahi_n_objects      (PhBrowserAvahi *self);
void      ph_browser_avahi_count_objects  (PhBrowserAvahi *self);
void      ph_browser_avahi_check_settled  (PhBrowserAvahi *self);
void      ph_browser_avahi_enqueue        (Instance       *instance,
                                           Priority        priority);
void      ph_browser_avahi_unqueue        (Instance       *instance);
Instance *ph_browser_avahi_next_in_line   (PhBrowserAvahi *self,
                                           Priority        up_to);
char     *ph_browser_avahi_instance_key   (AvahiIfIndex    interface,
                                           AvahiProtocol   protocol,
                                           const char     *name,
                                           const char     *domain);
Priority  ph_browser_avahi_priority_for   (PhBrowserAvahi *self,
                                           Instance       *instance,
                                           GPtrArray      *namesakes);
void      ph_browser_avahi_lane_free      (gpointer        data);
void      ph_browser_avahi_queue_want     (PhBrowserAvahi *self,
                                           const char     *folded,
                                           gboolean        want);

/* ph-browser-resolve.c */
Call     *ph_browser_avahi_call_new       (PhBrowserAvahi *self,
                                           Instance       *instance);
void      ph_browser_avahi_call_free      (Call           *call);
void      ph_browser_avahi_free_object    (GDBusConnection *bus,
                                           const char     *owner,
                                           const char     *path,
                                           const char     *interface);
void      ph_browser_avahi_move_to        (Instance       *instance,
                                           Stage           stage);
void      ph_browser_avahi_instance_free  (gpointer        data);
void      ph_browser_avahi_pump           (PhBrowserAvahi *self);
void      ph_browser_avahi_resolver_signal_cb (GDBusConnection *connection,
                                               const char      *sender,
                                               const char      *path,
                                               const char      *interface,
                                               const char      *signal,
                                               GVariant        *parameters,
                                               gpointer         user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, ph_browser_avahi_call_free)
