/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-window*.c share, and accessors for tests: what a person would
 * reach with the mouse. */

#include "ph-accept-all-bar.h"
#include "ph-batch-view.h"
#include "ph-panel.h"
#include "ph-request-bar.h"
#include "ph-window.h"

G_BEGIN_DECLS

struct _PhWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  AdwHeaderBar         *main_header;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *receive_button;
  AdwSqueezer          *receive_squeezer;
  AdwButtonContent     *receive_content;
  GtkImage             *receive_icon;
  PhRequestBar         *request_bar;
  PhAcceptAllBar       *accept_all_bar;
  GtkRevealer          *drop_revealer;
  GtkBox               *drop_box;
  GtkImage             *drop_icon;
  GtkLabel             *drop_label;
  GtkScrolledWindow    *main_scroller;
  GtkListView          *batch_list;
  AdwWindowTitle       *batch_title;
  GtkButton            *back_button;
  PhRequestBar         *batch_request_bar;
  PhBatchView          *batch_view;

  /* What it shows and acts on; NULL once disposed (a file chooser
   * may keep a closed window alive). */
  PhSettings           *settings;
  PhReceiveSession     *session;
  PhBrowser            *browser;
  PhBatchList          *batches;
  PhOutbox             *outbox;
  PhDevices            *devices;   /* say which receivers nearby are paired */

  PhPanel              *panel;          /* the batch list's first item */
  GListStore           *parts;          /* the list's models, flattened */
  char                 *last_toast;     /* for tests */
  GtkDropTarget        *drop_target;
  GCancellable         *cancellable;
  GtkWindow            *message_dialog; /* weak */
  AdwToast             *refused_toast;  /* weak */
  guint                 reveal_id;      /* scrolling the receive panel into view */
  guint                 reveal_tries;
  guint                 focus_id;       /* Ctrl+L, once the panel is laid out */
  PhBatch              *last_request;   /* the request on show */
  gboolean              first_page_seen;
};

void           ph_window_track_dialog       (PhWindow   *self,
                                             GtkWindow  *dialog);

/* ph-window-actions.c */
void           ph_window_actions_init       (PhWindow   *self);
void           ph_window_update_actions     (PhWindow   *self);
void           ph_window_focus_destination  (PhWindow   *self);

/* ph-window-dnd.c */
void           ph_window_dnd_init           (PhWindow   *self);
void           ph_window_update_drop_label  (PhWindow   *self);

/* ph-window-send.c */
void           ph_window_send_init          (PhWindow   *self);
void           ph_window_send_text          (PhWindow   *self,
                                             const char *text,
                                             const char *destination);
gboolean       ph_window_destination_is_valid (PhWindow *self,
                                               const char *text);

/* ph-window-list.c */
void           ph_window_list_init          (PhWindow   *self);

/* ph-window-receive.c */
void           ph_window_receive_init       (PhWindow   *self);
void           ph_window_receive_dispose    (PhWindow   *self);

/* For tests */
GtkDropTarget *ph_window_get_drop_target    (PhWindow   *self);
GtkListView   *ph_window_get_batch_list     (PhWindow   *self);
PhBatchView   *ph_window_get_batch_view     (PhWindow   *self);
PhPanel       *ph_window_get_panel          (PhWindow   *self);
PhRequestBar  *ph_window_get_request_bar    (PhWindow   *self);
const char    *ph_window_get_visible_page   (PhWindow   *self);
GtkWindow     *ph_window_get_message_dialog (PhWindow   *self);
gboolean       ph_window_get_drop_highlight_visible (PhWindow *self);
AdwToast      *ph_window_get_refused_toast  (PhWindow   *self);
const char    *ph_window_get_last_toast     (PhWindow   *self);
AdwWindowTitle *ph_window_get_title_widget  (PhWindow   *self);
AdwWindowTitle *ph_window_get_batch_title   (PhWindow   *self);
GtkToggleButton *ph_window_get_receive_button (PhWindow *self);
GtkScrolledWindow *ph_window_get_scroller   (PhWindow   *self);

G_END_DECLS
