/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who wants to send files, above the list and outside its scrolling, so
 * a question is in sight at any window size: the oldest request, and
 * how many more wait behind it. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-format.h"
#include "ph-request-bar-private.h"

struct _PhRequestBar
{
  GtkWidget    parent_instance;

  GListModel  *requests;
  PhBatch     *batch;          /* the one asked about */

  GtkRevealer *revealer;
  GtkLabel    *title_label;
  GtkLabel    *detail_label;
  GtkButton   *decline_button;
  GtkButton   *accept_all_button;
  GtkButton   *accept_button;
};

G_DEFINE_FINAL_TYPE (PhRequestBar, ph_request_bar, GTK_TYPE_WIDGET)

static void
update (PhRequestBar *self)
{
  guint n = self->requests ? g_list_model_get_n_items (self->requests) : 0;
  g_autoptr(PhBatch) batch = n > 0 ? g_list_model_get_item (self->requests, 0) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *detail = NULL;
  const char *id;

  if (self->batch != batch)
    {
      if (self->batch != NULL)
        g_signal_handlers_disconnect_by_data (self->batch, self);
      g_set_object (&self->batch, batch);
      if (batch != NULL)
        g_signal_connect_swapped (batch, "changed", G_CALLBACK (update), self);
    }

  gtk_revealer_set_reveal_child (self->revealer, batch != NULL);
  if (batch == NULL)
    return;

  /* The question is the notification's, in the window. */
  if (!ph_format_batch_notification (batch, &title, &body))
    return;
  if (n > 1)
    /* Translators: a request's details, then how many other requests wait */
    detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u more request",
                                           "%s · %u more requests", n - 1),
                              body, n - 1);
  else
    detail = g_steal_pointer (&body);

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->detail_label, detail);

  id = ph_batch_get_id (batch);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->decline_button), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->accept_all_button), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->accept_button), "s", id);
}

static void
ph_request_bar_dispose (GObject *object)
{
  PhRequestBar *self = PH_REQUEST_BAR (object);
  GtkWidget *child;

  ph_request_bar_set_requests (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_REQUEST_BAR);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ph_request_bar_parent_class)->dispose (object);
}

static void
ph_request_bar_class_init (PhRequestBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_request_bar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-request-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, title_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, detail_label);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, decline_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, accept_all_button);
  gtk_widget_class_bind_template_child (widget_class, PhRequestBar, accept_button);
}

static void
ph_request_bar_init (PhRequestBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Follows @requests (batches waiting for an answer, oldest first). */
void
ph_request_bar_set_requests (PhRequestBar *self,
                             GListModel   *requests)
{
  g_return_if_fail (PH_IS_REQUEST_BAR (self));
  g_return_if_fail (requests == NULL || G_IS_LIST_MODEL (requests));

  if (self->requests != NULL)
    g_signal_handlers_disconnect_by_data (self->requests, self);
  g_set_object (&self->requests, requests);
  if (requests != NULL)
    g_signal_connect_swapped (requests, "items-changed", G_CALLBACK (update), self);

  update (self);
}

PhBatch *
ph_request_bar_get_batch (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return self->batch;
}

gboolean
ph_request_bar_get_revealed (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
ph_request_bar_get_title (PhRequestBar *self)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  return gtk_label_get_label (self->title_label);
}

GtkButton *
ph_request_bar_get_button (PhRequestBar *self,
                           const char   *name)
{
  g_return_val_if_fail (PH_IS_REQUEST_BAR (self), NULL);

  if (g_str_equal (name, "decline"))
    return self->decline_button;
  if (g_str_equal (name, "accept-all"))
    return self->accept_all_button;
  if (g_str_equal (name, "accept"))
    return self->accept_button;
  return NULL;
}
