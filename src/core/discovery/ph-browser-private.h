/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-browser.h"
#include "ph-browser-merge-private.h"

G_BEGIN_DECLS

/* For tests: announcements handed to the browser as its Avahi side
 * reports them. */
void        ph_browser_resolved          (PhBrowser            *self,
                                          const PhAnnouncement *announcement);
void        ph_browser_lost              (PhBrowser            *self,
                                          const char           *instance);

/* For tests: the installation whose announcements are left out (in
 * what ships always this one's, ph_installation_id_get(), set when the
 * browser starts). */
const char *ph_browser_get_own_id        (PhBrowser            *self);
void        ph_browser_set_own_id        (PhBrowser            *self,
                                          const char           *own_id);

/* For tests: the Avahi objects the browser holds now and at most so far. */
void        ph_browser_get_avahi_objects (PhBrowser            *self,
                                          guint                *now,
                                          guint                *peak);

/* For lookups (ph-browser-lookup.c): while one looks for @folded
 * (ph_dns_sd_fold_name()), announcements of that name are resolved
 * first; whether some are still being resolved; whether the daemon said
 * what it knew ("all for now"). */
void        ph_browser_want              (PhBrowser            *self,
                                          const char           *folded,
                                          gboolean              want);
gboolean    ph_browser_is_resolving      (PhBrowser            *self,
                                          const char           *folded);
gboolean    ph_browser_has_looked_around (PhBrowser            *self);

/* The Avahi side, below PhBrowser (ph-browser-avahi.c, -queue.c,
 * -resolve.c). It never calls PhBrowser: it reports through these. */
typedef struct _PhBrowserAvahi PhBrowserAvahi;

typedef struct
{
  void (*state)     (PhBrowserState        state,
                     gpointer              data);
  void (*settled)   (gboolean              settled,
                     gpointer              data);
  void (*resolved)  (const PhAnnouncement *announcement,
                     gpointer              data);
  void (*lost)      (const char           *instance,
                     gpointer              data);
  /* The daemon went, and every announcement with it. */
  void (*forgotten) (gpointer              data);
  /* An announcement was resolved or given up on: lookups look again. */
  void (*answered)  (gpointer              data);
} PhBrowserAvahiEvents;

PhBrowserAvahi *ph_browser_avahi_new             (const PhBrowserAvahiEvents *events,
                                                  gpointer                    data);
void            ph_browser_avahi_free            (PhBrowserAvahi *self);
void            ph_browser_avahi_want            (PhBrowserAvahi *self,
                                                  const char     *folded,
                                                  gboolean        want);
gboolean        ph_browser_avahi_is_resolving    (PhBrowserAvahi *self,
                                                  const char     *folded);
gboolean        ph_browser_avahi_get_all_for_now (PhBrowserAvahi *self);
void            ph_browser_avahi_get_objects     (PhBrowserAvahi *self,
                                                  guint          *now,
                                                  guint          *peak);

G_END_DECLS
