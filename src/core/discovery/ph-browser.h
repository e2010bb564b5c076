/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-nearby-receiver.h"

G_BEGIN_DECLS

typedef enum
{
  PH_BROWSER_STOPPED,
  PH_BROWSER_UNSUPPORTED,  /* built without Avahi */
  PH_BROWSER_UNAVAILABLE,  /* no Avahi daemon (or system bus): waiting for one */
  PH_BROWSER_RUNNING,
} PhBrowserState;

#define PH_TYPE_BROWSER (ph_browser_get_type ())

/* The receivers announced nearby, as a GListModel of PhNearbyReceiver
 * sorted by name, changing as they come and go: one item per
 * installation on one computer (merging its IPv4 and IPv6 addresses and
 * interfaces: same `id`, same mDNS host name), never this installation
 * itself, never an announcement from elsewhere that leads back to this
 * computer. It only listens: no receiver is ever connected to.
 * "settled" turns TRUE once a first look around is complete (about a
 * second; longer when hundreds of receivers are announced: they are
 * resolved a few at a time, within the daemon's budget). */

G_DECLARE_FINAL_TYPE (PhBrowser, ph_browser, PH, BROWSER, GObject)

PhBrowser      *ph_browser_new               (void);
PhBrowserState  ph_browser_get_state         (PhBrowser            *self);
gboolean        ph_browser_get_available     (PhBrowser            *self);
gboolean        ph_browser_get_settled       (PhBrowser            *self);
void            ph_browser_start             (PhBrowser            *self);
void            ph_browser_stop              (PhBrowser            *self);
PhNearbyReceiver         *ph_browser_find_by_address   (PhBrowser            *self,
                                              const char           *host,
                                              guint                 port);
GPtrArray      *ph_browser_dup_matches       (PhBrowser            *self,
                                              const char           *name);
void            ph_browser_lookup_async      (PhBrowser            *self,
                                              const char           *name,
                                              guint                 timeout_msec,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
void            ph_browser_lookup_address_async (PhBrowser         *self,
                                                 const char        *host,
                                                 guint              port,
                                                 guint              timeout_msec,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
PhNearbyReceiver         *ph_browser_lookup_finish     (PhBrowser            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
