/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  PH_ANNOUNCER_STOPPED,
  PH_ANNOUNCER_UNSUPPORTED,  /* built without Avahi */
  PH_ANNOUNCER_UNAVAILABLE,  /* no Avahi daemon (or system bus): waiting for one */
  PH_ANNOUNCER_REGISTERING,  /* probing the name */
  PH_ANNOUNCER_ANNOUNCED,    /* "announced-name" is on the network */
  PH_ANNOUNCER_FAILED,       /* the daemon refused: "error-message" says why */
} PhAnnouncerState;

#define PH_TYPE_ANNOUNCER (ph_announcer_get_type ())

/* Announces a receiver as _posthouse._tcp while started. Changing the
 * port, name or TXT values while announced withdraws the announcement
 * and announces the new values (once per main loop iteration). When
 * the name is taken, Avahi's alternative ("Name #2") becomes
 * "announced-name". */

G_DECLARE_FINAL_TYPE (PhAnnouncer, ph_announcer, PH, ANNOUNCER, GObject)

PhAnnouncer      *ph_announcer_new                       (void);
const char       *ph_announcer_get_name                  (PhAnnouncer   *self);
void              ph_announcer_set_name                  (PhAnnouncer   *self,
                                                          const char    *name);
const char       *ph_announcer_get_id                    (PhAnnouncer   *self);
void              ph_announcer_set_id                    (PhAnnouncer   *self,
                                                          const char    *id);
guint             ph_announcer_get_port                  (PhAnnouncer   *self);
void              ph_announcer_set_port                  (PhAnnouncer   *self,
                                                          guint          port);
gboolean          ph_announcer_get_asks_before_accepting (PhAnnouncer   *self);
void              ph_announcer_set_asks_before_accepting (PhAnnouncer   *self,
                                                          gboolean       asks);
gboolean          ph_announcer_get_accepts_paths         (PhAnnouncer   *self);
void              ph_announcer_set_accepts_paths         (PhAnnouncer   *self,
                                                          gboolean       accepts_paths);
const char       *ph_announcer_get_fingerprint           (PhAnnouncer   *self);
void              ph_announcer_set_fingerprint           (PhAnnouncer   *self,
                                                          const char    *fingerprint);
void              ph_announcer_restrict                  (PhAnnouncer   *self,
                                                          guint          interface_index,
                                                          GSocketFamily  family);
PhAnnouncerState  ph_announcer_get_state                 (PhAnnouncer   *self);
const char       *ph_announcer_get_announced_name        (PhAnnouncer   *self);
const char       *ph_announcer_get_error_message         (PhAnnouncer   *self);
void              ph_announcer_start                     (PhAnnouncer   *self);
void              ph_announcer_stop                      (PhAnnouncer   *self);

G_END_DECLS
