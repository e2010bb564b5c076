/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-panel*.c share, and what tests read of the panel: what a
 * person sees. */

#include "ph-panel.h"

G_BEGIN_DECLS

struct _PhPanel
{
  GtkWidget         parent_instance;

  PhSettings       *settings;
  PhReceiveSession *session;
  PhBrowser        *browser;
  char             *address;        /* the receive address to copy */
  gboolean        show_error;       /* the person finished typing */

  AdwEntryRow    *destination_row;
  GtkMenuButton  *recent_button;
  GMenu          *recent_menu;
  GtkLabel       *destination_hint;
  PhNearbyList   *nearby_list;
  GtkRevealer    *receive_revealer;
  AdwActionRow   *address_row;
  AdwActionRow   *announce_row;
  AdwActionRow   *folder_row;
  GtkLabel       *exposure_label;
  GtkStack       *stack;
  GtkImage       *empty_icon;
  GtkLabel       *empty_title;
  GtkLabel       *empty_description;

  /* Names nearby that match what is typed (ph-panel-complete.c) */
  GtkPopover     *completion;
  GtkListBox     *completion_list;
};

/* ph-panel-receive.c */
void          ph_panel_update_receive_panel (PhPanel       *self);
void          ph_panel_update_announce_row  (PhPanel       *self);
void          ph_panel_update_folder_row    (PhPanel       *self);

/* ph-panel-complete.c */
void          ph_panel_completion_init      (PhPanel       *self);
void          ph_panel_completion_dispose   (PhPanel       *self);
void          ph_panel_update_completion    (PhPanel       *self);
void          ph_panel_hide_completion      (PhPanel       *self);
gboolean      ph_panel_complete             (PhPanel       *self);
char         *ph_panel_choose_peer          (PhPanel          *self,
                                             PhNearbyReceiver *peer);

/* For tests */
GtkPopover   *ph_panel_get_completion       (PhPanel       *self);

AdwEntryRow  *ph_panel_get_destination_row  (PhPanel       *self);
AdwActionRow *ph_panel_get_folder_row       (PhPanel       *self);
const char   *ph_panel_get_address_title    (PhPanel       *self);
const char   *ph_panel_get_exposure_text    (PhPanel       *self);
gboolean      ph_panel_get_receive_visible  (PhPanel       *self);
const char   *ph_panel_get_visible_page     (PhPanel       *self);
const char   *ph_panel_get_hint             (PhPanel       *self);
AdwActionRow *ph_panel_get_announce_row     (PhPanel       *self);
GMenuModel   *ph_panel_get_recent_menu      (PhPanel       *self);

G_END_DECLS
