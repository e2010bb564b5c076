/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The rows of PhBrowser's model and the rules that fold announcements
 * into them (ph-browser-merge.c). They know nothing of PhBrowser nor of
 * Avahi: what changed goes back up through @changed. */

#include "ph-nearby-receiver.h"

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

/* The rows from @position on: @removed went, @added came. */
typedef void (*PhBrowserRowsChanged) (guint    position,
                                      guint    removed,
                                      guint    added,
                                      gpointer data);

typedef struct
{
  GPtrArray            *peers;         /* PhNearbyReceiver, sorted: the model */
  GHashTable           *peers_by_key;  /* key -> PhNearbyReceiver, borrowed from peers */
  GHashTable           *attached;      /* instance -> key of its peer */
  GHashTable           *folded_of;     /* PhNearbyReceiver -> its folded name */
  GHashTable           *by_folded;     /* folded name -> GPtrArray of PhNearbyReceiver (borrowed) */

  PhBrowserRowsChanged  changed;
  gpointer              data;
} PhBrowserRows;

void       ph_browser_rows_init        (PhBrowserRows        *rows,
                                        PhBrowserRowsChanged  changed,
                                        gpointer              data);
void       ph_browser_rows_destroy     (PhBrowserRows        *rows);
void       ph_browser_rows_clear       (PhBrowserRows        *rows);
void       ph_browser_rows_resolved    (PhBrowserRows        *rows,
                                        const char           *own_id,
                                        const PhAnnouncement *announcement);
void       ph_browser_rows_lost        (PhBrowserRows        *rows,
                                        const char           *instance);
GPtrArray *ph_browser_rows_dup_matches (PhBrowserRows        *rows,
                                        const char           *name);

G_END_DECLS
