/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Accepting everything from Study Laptop · 9 min left  [Stop]": while
 * files from a device are accepted without a question (PhAcceptAll),
 * it says so, counts down, and ends it on Stop. The latest grant is
 * shown; the next one shows when it ends. */

#include "config.h"

#include <glib/gi18n.h>

#include "ph-accept-all-bar.h"
#include "ph-format.h"

struct _PhAcceptAllBar
{
  AdwBin       parent_instance;

  GListModel  *grants;
  PhAcceptAll *shown;

  GtkRevealer *revealer;
  GtkLabel    *label;
};

G_DEFINE_FINAL_TYPE (PhAcceptAllBar, ph_accept_all_bar, ADW_TYPE_BIN)

static void
update_text (PhAcceptAllBar *self)
{
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;
  const char *name;

  if (self->shown == NULL)
    return;

  name = ph_accept_all_get_name (self->shown);
  left = ph_format_time_left (ph_accept_all_get_remaining (self->shown));
  if (name == NULL || *name == '\0')
    {
      g_autofree char *short_form = ph_fingerprint_format_short (ph_accept_all_get_fingerprint (self->shown));

      text = g_strdup_printf (_("Accepting everything from the device with the key %s · %s"), short_form,
                              left ? left : "");
    }
  else
    /* Translators: a device's name, then the time left ("9 min left") */
    text = g_strdup_printf (_("Accepting everything from “%s” · %s"), name, left ? left : "");
  gtk_label_set_text (self->label, text);
}

static void
show_latest (PhAcceptAllBar *self)
{
  guint n = self->grants ? g_list_model_get_n_items (self->grants) : 0;
  g_autoptr(PhAcceptAll) latest = n > 0 ? g_list_model_get_item (self->grants, n - 1) : NULL;

  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_data (self->shown, self);
  g_set_object (&self->shown, latest);
  if (latest != NULL)
    g_signal_connect_swapped (latest, "notify::remaining", G_CALLBACK (update_text), self);

  update_text (self);
  gtk_revealer_set_reveal_child (self->revealer, latest != NULL);
}

static void
stop_clicked_cb (PhAcceptAllBar *self)
{
  if (self->shown != NULL)
    ph_accept_all_stop (self->shown);
}

static void
ph_accept_all_bar_dispose (GObject *object)
{
  PhAcceptAllBar *self = PH_ACCEPT_ALL_BAR (object);

  ph_accept_all_bar_set_grants (self, NULL);

  G_OBJECT_CLASS (ph_accept_all_bar_parent_class)->dispose (object);
}

static void
ph_accept_all_bar_class_init (PhAcceptAllBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_accept_all_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-accept-all-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, PhAcceptAllBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, PhAcceptAllBar, label);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
}

static void
ph_accept_all_bar_init (PhAcceptAllBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PhAcceptAllBar *
ph_accept_all_bar_new (void)
{
  return g_object_new (PH_TYPE_ACCEPT_ALL_BAR, NULL);
}

/**
 * ph_accept_all_bar_set_grants:
 * @grants: (nullable): the active grants (ph_devices_get_accept_all())
 */
void
ph_accept_all_bar_set_grants (PhAcceptAllBar *self,
                              GListModel     *grants)
{
  g_return_if_fail (PH_IS_ACCEPT_ALL_BAR (self));

  if (self->grants != NULL)
    g_signal_handlers_disconnect_by_data (self->grants, self);
  g_set_object (&self->grants, grants);
  if (grants != NULL)
    g_signal_connect_swapped (grants, "items-changed", G_CALLBACK (show_latest), self);
  show_latest (self);
}

const char *
ph_accept_all_bar_get_text (PhAcceptAllBar *self)
{
  return gtk_label_get_text (self->label);
}

gboolean
ph_accept_all_bar_get_shown (PhAcceptAllBar *self)
{
  return gtk_revealer_get_reveal_child (self->revealer);
}

void
ph_accept_all_bar_stop (PhAcceptAllBar *self)
{
  stop_clicked_cb (self);
}
