/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Send to completes the names of computers nearby: what is typed is
 * looked for at the start of each name (ignoring case), the matches
 * show in a popover under the field, and Down, Up and Enter (or a
 * click) pick one, while the typing goes on in the field. A suggestion
 * picked is the receiver of its row, as choosing it under Nearby: what
 * its row warns of is refused, and a name another receiver shares is
 * written as its address, which finds it again with its key. */

#include "config.h"

#include "ph-panel-private.h"

/* More than this and the person is better served by the Nearby list. */
#define MAX_SUGGESTIONS 6

static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal != NULL ? normal : text, -1);
}

static gboolean
typing_here (PhPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->destination_row));
}

static void
apply (PhPanel       *self,
       GtkListBoxRow *row)
{
  /* A reference: setting the text updates the suggestions, this row too. */
  g_autoptr(PhNearbyReceiver) peer = g_object_ref (g_object_get_data (G_OBJECT (row), "ph-peer"));
  g_autofree char *text = NULL;

  ph_panel_hide_completion (self);
  text = ph_panel_choose_peer (self, peer);
  if (text == NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->destination_row), text);
  gtk_editable_set_position (GTK_EDITABLE (self->destination_row), -1);
  ph_panel_hide_completion (self);
}

static void
row_activated_cb (PhPanel       *self,
                  GtkListBoxRow *row)
{
  apply (self, row);
  gtk_widget_grab_focus (GTK_WIDGET (self->destination_row));
}

static GtkWidget *
suggestion_new (PhPanel          *self,
                PhNearbyReceiver *peer)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names come from the network: plain text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ph_nearby_receiver_get_name (peer));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ph_nearby_receiver_get_address (peer));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "ph-peer", g_object_ref (peer), g_object_unref);

  return row;
}

/* The names nearby that begin as typed; none once one is typed whole. */
void
ph_panel_update_completion (PhPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
  g_autofree char *typed = fold (text);
  GListModel *nearby = G_LIST_MODEL (self->browser);
  GtkWidget *child;
  guint n, shown = 0;
  gboolean whole = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->completion_list))) != NULL)
    gtk_list_box_remove (self->completion_list, child);

  /* Only while typing there, not when set from elsewhere. */
  if (self->browser == NULL || text[0] == '\0' || !typing_here (self))
    {
      ph_panel_hide_completion (self);
      return;
    }

  n = g_list_model_get_n_items (nearby);
  for (guint i = 0; i < n && shown < MAX_SUGGESTIONS; i++)
    {
      g_autoptr(PhNearbyReceiver) peer = g_list_model_get_item (nearby, i);
      g_autofree char *name = fold (ph_nearby_receiver_get_name (peer));

      if (g_str_equal (name, typed))
        whole = TRUE;
      if (!g_str_has_prefix (name, typed))
        continue;
      gtk_list_box_append (self->completion_list, suggestion_new (self, peer));
      shown++;
    }

  if (shown == 0 || (whole && shown == 1))
    ph_panel_hide_completion (self);
  else
    {
      /* As wide as the field it completes. */
      gtk_widget_set_size_request (gtk_popover_get_child (self->completion),
                                   gtk_widget_get_width (GTK_WIDGET (self->destination_row)), -1);
      gtk_popover_popup (self->completion);
    }
}

void
ph_panel_hide_completion (PhPanel *self)
{
  if (self->completion != NULL && gtk_widget_get_visible (GTK_WIDGET (self->completion)))
    gtk_popover_popdown (self->completion);
}

/* Enter with a suggestion picked: that is what Enter meant.
 * Returns: whether a suggestion was taken */
gboolean
ph_panel_complete (PhPanel *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->completion_list);

  if (row == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->completion)))
    return FALSE;

  apply (self, row);
  return TRUE;
}

static void
move (PhPanel *self,
      int      step)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->completion_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) + step : (step > 0 ? 0 : -1);
  GtkListBoxRow *next;

  if (index < 0)
    {
      gtk_list_box_unselect_all (self->completion_list);
      return;
    }

  next = gtk_list_box_get_row_at_index (self->completion_list, index);
  if (next != NULL)
    gtk_list_box_select_row (self->completion_list, next);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PhPanel               *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->completion)))
    {
      /* Down opens the suggestions when there are some. */
      if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
        {
          ph_panel_update_completion (self);
          return gtk_widget_get_visible (GTK_WIDGET (self->completion));
        }
      return FALSE;
    }

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move (self, 1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move (self, -1);
      return TRUE;
    case GDK_KEY_Escape:
      ph_panel_hide_completion (self);
      return TRUE;
    default:
      return FALSE;
    }
}

void
ph_panel_completion_init (PhPanel *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkWidget *scroller;

  self->completion_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->completion_list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_activate_on_single_click (self->completion_list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->completion_list), "navigation-sidebar");
  g_signal_connect_swapped (self->completion_list, "row-activated", G_CALLBACK (row_activated_cb), self);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->completion_list));

  /* The typing stays in the field: the popover never takes the focus. */
  self->completion = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_autohide (self->completion, FALSE);
  gtk_popover_set_has_arrow (self->completion, FALSE);
  gtk_popover_set_position (self->completion, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self->completion), GTK_ALIGN_START);
  gtk_widget_set_can_focus (GTK_WIDGET (self->completion), FALSE);
  gtk_popover_set_child (self->completion, scroller);
  gtk_widget_set_parent (GTK_WIDGET (self->completion), GTK_WIDGET (self->destination_row));

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->destination_row), keys);
}

void
ph_panel_completion_dispose (PhPanel *self)
{
  if (self->completion != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->completion));
  self->completion = NULL;
  self->completion_list = NULL;
}

/* For tests */
GtkPopover *
ph_panel_get_completion (PhPanel *self)
{
  return self->completion;
}
