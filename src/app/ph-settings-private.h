/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-settings.c (the properties) and ph-settings-bind.c (binding
 * them onto the core's objects) share. */

#include "ph-settings.h"

G_BEGIN_DECLS

struct _PhSettings
{
  GObject    parent_instance;

  GSettings *settings;

  char      *destination;
  char     **recent_destinations;
  GVariant  *recent_names;
  int        port;
  char      *receive_folder;
  char      *receive_interface;
  gboolean   notifications;
  gboolean   original_names;
  gboolean   ask_before_accepting;
  gboolean   only_paired;
  gboolean   accept_unencrypted;
  gboolean   receive_mode;
  gboolean   receive_at_login;
  gboolean   background_notice_shown;
  int        history_days;
  int        window_width;
  int        window_height;
  gboolean   window_maximized;
};

GSettings *ph_settings_get_gsettings (PhSettings *self);

G_END_DECLS
