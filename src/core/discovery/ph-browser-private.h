/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-browser.h"

G_BEGIN_DECLS

/* One resolved announcement, as Avahi's resolver reports it, and as the
 * unit tests feed the browser with to check its rules. */
typedef struct
{
  const char         *instance;   /* one announcement on one interface over one protocol */
  const char         *name;       /* its instance name, as announced */
  const char         *host_name;  /* the host its SRV record names ("alpha.local") */
  const char * const *txt;        /* its TXT strings in the order they arrived */
  const gssize       *lengths;    /* (nullable): their lengths (they may hold NULs) */
  const char         *host;       /* the address, with the scope of a link-local one */
  guint16             port;
  gboolean            local;      /* published through this computer's own daemon */
} PhAnnouncement;

void      ph_browser_resolved          (PhBrowser            *self,
                                        const PhAnnouncement *announcement);
void      ph_browser_lost              (PhBrowser            *self,
                                        const char           *instance);

/* What a name is compared by: cleaned, compatibility-normalised and
 * case-folded ("Alpha", "ａｌｐｈａ" and "alpha\u200B" are one). */
char     *ph_browser_fold_name         (const char           *name);

/* For lookups: while one looks for @folded, announcements of that name
 * are resolved first; whether some are still being resolved; whether
 * the daemon said what it knew ("all for now"). */
void      ph_browser_want              (PhBrowser            *self,
                                        const char           *folded,
                                        gboolean              want);
gboolean  ph_browser_is_resolving      (PhBrowser            *self,
                                        const char           *folded);
gboolean  ph_browser_has_looked_around (PhBrowser            *self);

/* The Avahi objects the browser holds now and at most so far. */
void      ph_browser_get_avahi_objects (PhBrowser            *self,
                                        guint                *now,
                                        guint                *peak);

/* For the browser's own files. */
typedef struct _PhBrowserAvahi PhBrowserAvahi;

struct _PhBrowser
{
  GObject               parent_instance;

  char                 *own_id;
  PhBrowserState        state;
  gboolean              started;
  gboolean              settled;

  GPtrArray            *peers;         /* PhNearbyReceiver, sorted: the model */
  GHashTable           *peers_by_key;  /* key -> PhNearbyReceiver, borrowed from peers */
  GHashTable           *attached;      /* instance -> key of its peer */
  GHashTable           *folded_of;     /* PhNearbyReceiver -> its folded name */
  GHashTable           *by_folded;     /* folded name -> GPtrArray of PhNearbyReceiver (borrowed) */

  PhBrowserAvahi       *avahi;
};

void      ph_browser_items_changed     (PhBrowser            *self,
                                        guint                 position,
                                        guint                 removed,
                                        guint                 added);

/* For ph-browser-avahi.c, the Avahi side. */
void      ph_browser_set_state         (PhBrowser            *self,
                                        PhBrowserState        state);
void      ph_browser_set_settled       (PhBrowser            *self,
                                        gboolean              settled);
void      ph_browser_clear             (PhBrowser            *self);
void      ph_browser_answered          (PhBrowser            *self);

PhBrowserAvahi *ph_browser_avahi_new           (PhBrowser      *browser);
void            ph_browser_avahi_free          (PhBrowserAvahi *self);
void            ph_browser_avahi_want          (PhBrowserAvahi *self,
                                                const char     *folded,
                                                gboolean        want);
gboolean        ph_browser_avahi_is_resolving  (PhBrowserAvahi *self,
                                                const char     *folded);
gboolean        ph_browser_avahi_get_all_for_now (PhBrowserAvahi *self);
void            ph_browser_avahi_get_objects   (PhBrowserAvahi *self,
                                                guint          *now,
                                                guint          *peak);

G_END_DECLS
