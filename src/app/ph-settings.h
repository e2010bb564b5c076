/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ph-batch-list.h"
#include "ph-receive-session.h"

G_BEGIN_DECLS

#define PH_TYPE_SETTINGS (ph_settings_get_type ())

/* The application's settings as properties that follow GSettings (one
 * per key, same names): widgets bind to them instead of reading keys,
 * and this is the one file that knows the schema. */

G_DECLARE_FINAL_TYPE (PhSettings, ph_settings, PH, SETTINGS, GObject)

PhSettings *ph_settings_new                      (void);
const char *ph_settings_get_destination          (PhSettings       *self);
void        ph_settings_set_destination          (PhSettings       *self,
                                                  const char       *destination);
const char * const *ph_settings_get_recent_destinations (PhSettings *self);
GVariant   *ph_settings_get_recent_names         (PhSettings       *self);
const char *ph_settings_get_receive_folder       (PhSettings       *self);
void        ph_settings_set_receive_folder       (PhSettings       *self,
                                                  const char       *path);
const char *ph_settings_get_receive_interface    (PhSettings       *self);
void        ph_settings_set_receive_interface    (PhSettings       *self,
                                                  const char       *interface);
gboolean    ph_settings_get_notifications        (PhSettings       *self);
gboolean    ph_settings_get_receive_mode         (PhSettings       *self);
void        ph_settings_set_receive_mode         (PhSettings       *self,
                                                  gboolean          receive_mode);
gboolean    ph_settings_get_receive_at_login     (PhSettings       *self);
void        ph_settings_set_receive_at_login     (PhSettings       *self,
                                                  gboolean          receive_at_login);
gboolean    ph_settings_get_background_notice_shown (PhSettings    *self);
void        ph_settings_set_background_notice_shown (PhSettings    *self,
                                                     gboolean       shown);
void        ph_settings_get_window_state         (PhSettings       *self,
                                                  int              *width,
                                                  int              *height,
                                                  gboolean         *maximized);
void        ph_settings_save_window_state        (PhSettings       *self,
                                                  int               width,
                                                  int               height,
                                                  gboolean          maximized);
void        ph_settings_remember_destination     (PhSettings       *self,
                                                  const char       *destination,
                                                  const char       *name,
                                                  gboolean          forget_name);
void        ph_settings_bind_receive_session     (PhSettings       *self,
                                                  PhReceiveSession *session);
gint        ph_settings_get_history_days         (PhSettings       *self);
void        ph_settings_set_history_days         (PhSettings       *self,
                                                  gint              days);
void        ph_settings_bind_batch_list          (PhSettings       *self,
                                                  PhBatchList      *batches);

G_END_DECLS
