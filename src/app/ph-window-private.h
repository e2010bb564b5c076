/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What ph-window*.c share, and accessors for tests: what a person would
 * reach with the mouse. */

#include "ph-batch-view.h"
#include "ph-panel.h"
#include "ph-request-bar.h"
#include "ph-window.h"

G_BEGIN_DECLS

struct _PhWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *receive_button;
  AdwButtonContent     *receive_content;
  PhRequestBar         *request_bar;
  GtkRevealer          *drop_revealer;
  GtkBox               *drop_box;
  GtkImage             *drop_icon;
  GtkLabel             *drop_label;
  GtkStack             *stack;
  GtkScrolledWindow    *main_scroller;
  GtkListView          *batch_list;
  PhBatchView          *batch_view;

  PhApplication        *app;            /* until disposed: a window closed
                                         * leaves its application first */
  PhPanel              *panel;          /* the batch list's first item */
  char                 *last_toast;     /* for tests */
  GtkDropTarget        *drop_target;
  GSettings            *settings;
  GCancellable         *cancellable;
  GBinding             *clear_binding;
  GBinding             *cancel_binding;
  GtkWindow            *message_dialog; /* weak */
  AdwToast             *refused_toast;  /* weak */
  gboolean              browsing;       /* holds the application's browser */
};

PhApplication *ph_window_get_app            (PhWindow   *self);
void           ph_window_show_toast         (PhWindow   *self,
                                             const char *title);
void           ph_window_track_dialog       (PhWindow   *self,
                                             GtkWindow  *dialog);

/* ph-window-actions.c */
void           ph_window_actions_init       (PhWindow   *self);
void           ph_window_actions_bind       (PhWindow   *self);
void           ph_window_actions_unbind     (PhWindow   *self);

/* ph-window-dnd.c */
void           ph_window_dnd_init           (PhWindow   *self);
void           ph_window_update_drop_label  (PhWindow   *self);
void           ph_window_send_files_to      (PhWindow   *self,
                                             GFile     **files,
                                             guint       n_files,
                                             const char *destination);

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
GtkToggleButton *ph_window_get_receive_button (PhWindow *self);

G_END_DECLS
