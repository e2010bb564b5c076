/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window: one recycled list under the panel (both scroll together)
 * of this session's batches, then those the history kept
 * (ph-window-list.c); a batch's files on a page of its own, with its
 * own header bar; requests above it all. Actions, which page shows,
 * toasts and the dialog on screen are in ph-window-actions.c (which
 * calls no other part of the window), dropping and pasting in ph-window-dnd.c, sending
 * text and the questions before sending in ph-window-send.c, what
 * receiving says in ph-window-receive.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-batch-row.h"
#include "ph-batch-view.h"
#include "ph-format.h"
#include "ph-window-private.h"

G_DEFINE_FINAL_TYPE (PhWindow, ph_window, ADW_TYPE_APPLICATION_WINDOW)

static void
batch_activated_cb (PhWindow *self,
                    guint     position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->batch_list));
  g_autoptr(GObject) item = g_list_model_get_item (model, position);

  if (PH_IS_BATCH (item) || PH_IS_HISTORY_BATCH (item))
    ph_window_show_item (self, item);
}

static void
update_batch_title (PhWindow *self)
{
  gpointer item = ph_batch_view_get_item (self->batch_view);
  g_auto(PhBatchFacts) facts;
  g_autofree char *peer = NULL;

  if (item == NULL)
    return;

  ph_batch_facts_init (&facts, item);
  peer = ph_format_facts_peer (&facts);
  adw_window_title_set_title (self->batch_title, facts.title);
  adw_window_title_set_subtitle (self->batch_title, peer);
}

/* Shows @item's files (a PhBatch or a PhHistoryBatch: from its row or
 * its notification) on a page of their own. */
void
ph_window_show_item (PhWindow *self,
                     gpointer  item)
{
  g_return_if_fail (PH_IS_WINDOW (self));
  g_return_if_fail (PH_IS_BATCH (item) || PH_IS_HISTORY_BATCH (item));

  ph_batch_view_set_item (self->batch_view, item,
                          self->batches ? ph_batch_list_get_history (self->batches) : NULL);
  update_batch_title (self);
  adw_leaflet_set_visible_child_name (self->leaflet, "batch");
  gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
  ph_window_update_actions (self);
}

void
ph_window_show_batch (PhWindow *self,
                      PhBatch  *batch)
{
  ph_window_show_item (self, batch);
}

static void
leaflet_changed_cb (PhWindow *self)
{
  if (adw_leaflet_get_child_transition_running (self->leaflet) ||
      g_strcmp0 (ph_window_get_visible_page (self), "main") != 0)
    return;

  /* Swiped back, or Back: nothing held for a page out of sight. */
  ph_batch_view_set_item (self->batch_view, NULL, NULL);
  ph_window_update_actions (self);
}

static void
destination_confirmed_cb (PhPanel    *panel,
                          const char *destination,
                          PhWindow   *self)
{
  g_autofree char *title = g_strdup_printf (_("Files you drop or choose now go to %s"), destination);

  ph_window_update_drop_label (self);
  ph_window_show_toast (self, title);
}

static void
panel_send_files_cb (PhPanel     *panel,
                     const char  *destination,
                     GdkFileList *list,
                     PhWindow    *self)
{
  g_autoptr(GSList) files = gdk_file_list_get_files (list);
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  /* The row took the drop: the window's own target hears no more of it. */
  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);

  ph_window_send_files_to (self, (GFile **) array->pdata, array->len, destination);
}

/* A row chosen or dropped on, refused: said as a send refused is. */
static void
panel_refused_cb (PhPanel    *panel,
                  const char *message,
                  PhWindow   *self)
{
  /* A drop the row took: the window's own target hears no more of it. */
  gtk_revealer_set_reveal_child (self->drop_revealer, FALSE);
  ph_window_show_toast (self, message);
}

/* GtkWidget */

static gboolean
is_in (GtkWidget *widget,
       gpointer   ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

/* Tab from the header bar (or a request above the list) goes to where
 * files go first: Send to, then Nearby, then the transfers. The list
 * would otherwise give it back to the transfer it last had. */
static gboolean
ph_window_focus (GtkWidget        *widget,
                 GtkDirectionType  direction)
{
  PhWindow *self = PH_WINDOW (widget);
  /* Held: GTK moves the focus on when the focused widget goes (a row
   * nearby withdrawn), and that widget may be gone by the time we look. */
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  g_autoptr(GtkWidget) before = focus != NULL ? g_object_ref (focus) : NULL;
  GtkWidget *after;
  gboolean moved;

  moved = GTK_WIDGET_CLASS (ph_window_parent_class)->focus (widget, direction);

  after = gtk_root_get_focus (GTK_ROOT (self));
  if (moved && direction == GTK_DIR_TAB_FORWARD && self->panel != NULL &&
      (is_in (before, self->main_header) || is_in (before, self->request_bar)) &&
      is_in (after, self->batch_list) && !is_in (after, self->panel))
    gtk_widget_grab_focus (GTK_WIDGET (self->panel));

  /* Shift+Tab stays in an AdwEntryRow (libadwaita 1.2: the row hands
   * the focus back to its text): out of Send to, it goes back up, to a
   * request if one is asked, else to the header bar. */
  if (direction == GTK_DIR_TAB_BACKWARD && self->panel != NULL && before != NULL && before == after &&
      is_in (before, ph_panel_get_destination_entry (self->panel)))
    {
      /* A hidden request bar takes no focus. */
      if (gtk_widget_child_focus (GTK_WIDGET (self->request_bar), direction))
        return TRUE;
      return gtk_widget_child_focus (GTK_WIDGET (self->main_header), direction);
    }

  return moved;
}

/* GtkWindow */

static gboolean
ph_window_close_request (GtkWindow *window)
{
  PhWindow *self = PH_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  if (self->settings != NULL)
    ph_settings_save_window_state (self->settings, width, height, gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (ph_window_parent_class)->close_request (window);
}

static void
ph_window_setup (PhWindow *self)
{
  int width, height;
  gboolean maximized;

  ph_settings_get_window_state (self->settings, &width, &height, &maximized);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (maximized)
    gtk_window_maximize (GTK_WINDOW (self));

  self->panel = g_object_ref_sink (ph_panel_new (self->settings, self->session, self->browser));
  ph_nearby_list_set_devices (ph_panel_get_nearby_list (self->panel), self->devices);
  ph_batch_view_set_devices (self->batch_view, self->devices);
  g_signal_connect_object (self->panel, "destination-confirmed",
                           G_CALLBACK (destination_confirmed_cb), self, 0);
  g_signal_connect_object (self->panel, "send-files",
                           G_CALLBACK (panel_send_files_cb), self, 0);
  g_signal_connect_object (self->panel, "refused",
                           G_CALLBACK (panel_refused_cb), self, 0);
  g_signal_connect_object (ph_panel_get_destination_entry (self->panel), "changed",
                           G_CALLBACK (ph_window_update_drop_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->browser, "items-changed",
                           G_CALLBACK (ph_window_update_drop_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ph_panel_get_nearby_list (self->panel), "notify::drop-peer",
                           G_CALLBACK (ph_window_update_drop_label), self, G_CONNECT_SWAPPED);
  ph_window_update_drop_label (self);

  ph_window_list_init (self);

  ph_request_bar_set_requests (self->request_bar, ph_batch_list_get_requests (self->batches));
  ph_request_bar_set_requests (self->batch_request_bar, ph_batch_list_get_requests (self->batches));


  g_signal_connect_object (self->batches, "notify::can-clear", G_CALLBACK (ph_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->batches, "notify::can-cancel", G_CALLBACK (ph_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->batch_view, "changed", G_CALLBACK (update_batch_title),
                           self, G_CONNECT_SWAPPED);
  ph_window_receive_init (self);
}

static void
ph_window_dispose (GObject *object)
{
  PhWindow *self = PH_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  ph_window_receive_dispose (self);
  if (self->batches != NULL)
    g_signal_handlers_disconnect_by_data (self->batches, self);
  if (self->browser != NULL)
    g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->browser);
  g_clear_object (&self->batches);
  g_clear_object (&self->outbox);
  g_clear_object (&self->devices);
  g_clear_weak_pointer (&self->message_dialog);
  g_clear_weak_pointer (&self->refused_toast);
  if (self->batch_list != NULL)
    gtk_list_view_set_model (self->batch_list, NULL);
  g_clear_object (&self->parts);
  g_clear_object (&self->panel);
  g_clear_object (&self->last_request);
  g_clear_handle_id (&self->focus_id, g_source_remove);

  G_OBJECT_CLASS (ph_window_parent_class)->dispose (object);
}

static void
ph_window_finalize (GObject *object)
{
  PhWindow *self = PH_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (ph_window_parent_class)->finalize (object);
}

static void
ph_window_class_init (PhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ph_window_dispose;
  object_class->finalize = ph_window_finalize;

  widget_class->focus = ph_window_focus;
  window_class->close_request = ph_window_close_request;

  g_type_ensure (PH_TYPE_BATCH_VIEW);
  g_type_ensure (PH_TYPE_REQUEST_BAR);
  g_type_ensure (PH_TYPE_ACCEPT_ALL_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PhWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, main_header);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_button);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_squeezer);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_content);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, receive_icon);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, request_bar);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, accept_all_bar);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_revealer);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_box);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_icon);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, drop_label);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, main_scroller);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, batch_list);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, batch_title);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, batch_request_bar);
  gtk_widget_class_bind_template_child (widget_class, PhWindow, batch_view);
  gtk_widget_class_bind_template_callback (widget_class, batch_activated_cb);
}

static void
ph_window_init (PhWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->leaflet, "notify::visible-child",
                            G_CALLBACK (leaflet_changed_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::child-transition-running",
                            G_CALLBACK (leaflet_changed_cb), self);
  ph_window_actions_init (self);
  ph_window_dnd_init (self);
  ph_window_send_init (self);
}

/**
 * ph_window_new:
 * @settings: where the window keeps its size and the destination
 * @session: the receiving it shows and switches
 * @browser: the receivers nearby
 * @batches: the batches it lists
 * @outbox: where files dropped on it go
 * @devices: the devices this computer remembers (which receivers nearby are paired)
 */
PhWindow *
ph_window_new (GtkApplication   *application,
               PhSettings       *settings,
               PhReceiveSession *session,
               PhBrowser        *browser,
               PhBatchList      *batches,
               PhOutbox         *outbox,
               PhDevices        *devices)
{
  PhWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (session), NULL);
  g_return_val_if_fail (PH_IS_BROWSER (browser), NULL);
  g_return_val_if_fail (PH_IS_BATCH_LIST (batches), NULL);
  g_return_val_if_fail (PH_IS_OUTBOX (outbox), NULL);
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  self = g_object_new (PH_TYPE_WINDOW,
                       "application", application,
                       NULL);
  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);
  self->browser = g_object_ref (browser);
  self->batches = g_object_ref (batches);
  self->outbox = g_object_ref (outbox);
  self->devices = g_object_ref (devices);
  ph_window_setup (self);

  return self;
}

/* Test accessors */

GtkDropTarget *
ph_window_get_drop_target (PhWindow *self)
{
  return self->drop_target;
}

GtkListView *
ph_window_get_batch_list (PhWindow *self)
{
  return self->batch_list;
}

PhBatchView *
ph_window_get_batch_view (PhWindow *self)
{
  return self->batch_view;
}

PhPanel *
ph_window_get_panel (PhWindow *self)
{
  return self->panel;
}

/* The banner of "Accept everything from this device" (its grants are the app's). */
PhAcceptAllBar *
ph_window_get_accept_all_bar (PhWindow *self)
{
  g_return_val_if_fail (PH_IS_WINDOW (self), NULL);

  return self->accept_all_bar;
}

PhRequestBar *
ph_window_get_request_bar (PhWindow *self)
{
  return self->request_bar;
}

GtkWindow *
ph_window_get_message_dialog (PhWindow *self)
{
  return self->message_dialog;
}

gboolean
ph_window_get_drop_highlight_visible (PhWindow *self)
{
  return gtk_revealer_get_reveal_child (self->drop_revealer);
}

AdwToast *
ph_window_get_refused_toast (PhWindow *self)
{
  return self->refused_toast;
}

const char *
ph_window_get_last_toast (PhWindow *self)
{
  return self->last_toast;
}

AdwWindowTitle *
ph_window_get_title_widget (PhWindow *self)
{
  return self->window_title;
}

AdwWindowTitle *
ph_window_get_batch_title (PhWindow *self)
{
  return self->batch_title;
}

GtkToggleButton *
ph_window_get_receive_button (PhWindow *self)
{
  return self->receive_button;
}

GtkScrolledWindow *
ph_window_get_scroller (PhWindow *self)
{
  return self->main_scroller;
}
