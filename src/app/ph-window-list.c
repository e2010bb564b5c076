/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's list: the panel first, then this session's batches, then
 * those the history kept, loaded a page at a time as the list nears its
 * end. One recycled list, so 100,000 stored batches cost the rows on
 * screen. */

#include "config.h"

#include "posthouse-core.h"

#include "ph-batch-row.h"
#include "ph-window-private.h"

/* Older batches are asked for while this many screens remain below. */
#define LOAD_AHEAD_SCREENS 2

/* The list: the panel first, then the batches, this session's and the
 * stored ones alike. Rows are made for what is on screen and rebound as
 * it scrolls. */

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         PhWindow                 *self)
{
  gpointer object = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  if (PH_IS_PANEL (object))
    {
      /* A heading, not a row to activate or select. */
      gtk_list_item_set_activatable (item, FALSE);
      gtk_list_item_set_selectable (item, FALSE);
      gtk_list_item_set_child (item, GTK_WIDGET (object));
      if (gtk_widget_get_parent (GTK_WIDGET (object)) != NULL)
        gtk_widget_set_focusable (gtk_widget_get_parent (GTK_WIDGET (object)), FALSE);
      return;
    }

  gtk_list_item_set_activatable (item, TRUE);
  if (!PH_IS_BATCH_ROW (child))
    {
      child = GTK_WIDGET (ph_batch_row_new ());
      ph_batch_row_set_devices (PH_BATCH_ROW (child), self->devices);
      gtk_list_item_set_child (item, child);
    }
  if (gtk_widget_get_parent (child) != NULL)
    gtk_widget_set_focusable (gtk_widget_get_parent (child), TRUE);
  ph_batch_row_set_item (PH_BATCH_ROW (child), object);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           PhWindow                 *self)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (PH_IS_PANEL (child))
    gtk_list_item_set_child (item, NULL);
  else if (PH_IS_BATCH_ROW (child))
    ph_batch_row_set_item (PH_BATCH_ROW (child), NULL);
}

static guint
n_listed (PhWindow *self)
{
  GListModel *stored = ph_batch_list_get_stored (self->batches);

  return g_list_model_get_n_items (G_LIST_MODEL (self->batches)) +
         (stored != NULL ? g_list_model_get_n_items (stored) : 0);
}

/* Whether @item is still listed (or is no batch at all). */
static gboolean
still_listed (PhWindow *self,
              gpointer  item)
{
  if (PH_IS_BATCH (item))
    return ph_batch_list_contains (self->batches, item);
  if (PH_IS_HISTORY_BATCH (item))
    return ph_batch_list_find_stored (self->batches, ph_history_batch_get_id (item)) == item;
  return TRUE;
}

/* For bench/app-history: when the first page of the history is on
 * screen (G_MESSAGES_DEBUG=Posthouse). */
static gboolean
first_page_drawn_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  g_debug ("history: first page on screen (%u batches)", GPOINTER_TO_UINT (user_data));
  return G_SOURCE_REMOVE;
}

static void
stored_loading_cb (GObject  *stored,
                   GParamSpec *pspec,
                   PhWindow *self)
{
  if (self->first_page_seen || ph_history_model_get_loading (PH_HISTORY_MODEL (stored)))
    return;

  self->first_page_seen = TRUE;
  gtk_widget_add_tick_callback (GTK_WIDGET (self->batch_list), first_page_drawn_cb,
                                GUINT_TO_POINTER (g_list_model_get_n_items (G_LIST_MODEL (stored))), NULL);
}

static void
batches_changed_cb (PhWindow *self)
{
  gpointer shown = ph_batch_view_get_item (self->batch_view);

  ph_panel_set_empty (self->panel, n_listed (self) == 0);

  /* The batch on show was removed: back to the list. */
  if (shown != NULL && !still_listed (self, shown))
    ph_window_show_main (self);
}

/* Near the end of the list, older batches are loaded. */
static void
scrolled_cb (PhWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->main_scroller);
  double below = gtk_adjustment_get_upper (adjustment) -
                 (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment));

  if (self->batches != NULL && below < LOAD_AHEAD_SCREENS * gtk_adjustment_get_page_size (adjustment))
    ph_batch_list_load_more (self->batches);
}

/* The stored part comes (the history opened) or goes (not kept). */
static void
stored_changed_cb (PhWindow *self)
{
  GListModel *stored = ph_batch_list_get_stored (self->batches);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->parts));

  if (n > 2)
    g_list_store_remove (self->parts, 2);
  if (stored != NULL)
    {
      g_signal_connect_object (stored, "items-changed", G_CALLBACK (batches_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (stored, "notify::loading", G_CALLBACK (stored_loading_cb), self, 0);
      stored_loading_cb (G_OBJECT (stored), NULL, self);
      g_list_store_append (self->parts, stored);
    }
  batches_changed_cb (self);
}

void
ph_window_list_init (PhWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GListStore) head = g_list_store_new (PH_TYPE_PANEL);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->main_scroller);
  GtkNoSelection *selection;

  self->parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (head, self->panel);
  g_list_store_append (self->parts, head);
  g_list_store_append (self->parts, self->batches);
  selection = gtk_no_selection_new (G_LIST_MODEL (gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->parts)))));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->batch_list, factory);
  gtk_list_view_set_model (self->batch_list, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  g_signal_connect_object (self->batches, "items-changed", G_CALLBACK (batches_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->batches, "notify::stored", G_CALLBACK (stored_changed_cb),
                           self, G_CONNECT_SWAPPED);
  stored_changed_cb (self);

  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
}

