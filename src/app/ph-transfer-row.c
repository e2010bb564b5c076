/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-application.h"
#include "ph-format.h"
#include "ph-transfer-row-private.h"

struct _PhTransferRow
{
  GtkListBoxRow   parent_instance;

  PhTransfer     *transfer;

  GtkImage       *direction_icon;
  GtkLabel       *name_label;
  GtkLabel       *peer_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkBox         *approval_box;
  GtkButton      *accept_button;
  GtkButton      *decline_button;
  GtkButton      *retry_button;
  GtkButton      *open_button;
  GtkButton      *folder_button;
  GtkButton      *cancel_button;
};

G_DEFINE_FINAL_TYPE (PhTransferRow, ph_transfer_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_TRANSFER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
describe_state (PhTransfer *transfer)
{
  gboolean incoming = ph_transfer_get_direction (transfer) == PH_TRANSFER_RECEIVE;
  g_autofree char *size = ph_format_size (ph_transfer_get_size (transfer));
  const GError *error;
  GFile *file;

  switch (ph_transfer_get_state (transfer))
    {
    case PH_TRANSFER_QUEUED:
      return g_strdup (_("Waiting for its turn"));

    case PH_TRANSFER_WAITING:
      /* Translators: %s is a size, e.g. "2.1 MB" */
      return g_strdup_printf (_("Wants to send you %s"), size);

    case PH_TRANSFER_CONNECTING:
      return g_strdup (_("Connecting…"));

    case PH_TRANSFER_SENDING:
    case PH_TRANSFER_RECEIVING:
      return ph_format_progress (ph_transfer_get_bytes_done (transfer),
                                 ph_transfer_get_size (transfer),
                                 ph_transfer_get_speed (transfer),
                                 ph_transfer_get_seconds_left (transfer));

    case PH_TRANSFER_DONE:
      if (!incoming)
        return g_strdup_printf (_("Sent · %s"), size);

      file = ph_transfer_get_file (transfer);
      if (file != NULL)
        {
          g_autofree char *basename = g_file_get_basename (file);

          /* A numbered variant or the new_ prefix: say where it went. */
          if (g_strcmp0 (basename, ph_transfer_get_name (transfer)) != 0)
            {
              g_autofree char *display = g_filename_display_name (basename);
              return g_strdup_printf (_("Received · %s · saved as %s"), size, display);
            }
        }
      return g_strdup_printf (_("Received · %s"), size);

    case PH_TRANSFER_FAILED:
      error = ph_transfer_get_error (transfer);
      if (incoming && error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        return g_strdup (_("Declined"));
      if (ph_transfer_get_error_message (transfer) != NULL)
        return g_strdup (ph_transfer_get_error_message (transfer));
      return g_strdup (_("Failed"));

    case PH_TRANSFER_CANCELLED:
      error = ph_transfer_get_error (transfer);
      if (error != NULL && g_error_matches (error, PH_ERROR, PH_ERROR_DECLINED))
        return g_strdup (_("Declined"));
      return g_strdup (_("Cancelled"));

    default:
      return g_strdup ("");
    }
}

static void
update (PhTransferRow *self)
{
  PhTransfer *transfer = self->transfer;
  PhTransferState state = ph_transfer_get_state (transfer);
  gboolean incoming = ph_transfer_get_direction (transfer) == PH_TRANSFER_RECEIVE;
  gboolean running = !ph_transfer_is_finished (transfer) && state != PH_TRANSFER_WAITING;
  gboolean received = incoming && state == PH_TRANSFER_DONE && ph_transfer_get_file (transfer) != NULL;
  gint64 size = ph_transfer_get_size (transfer);
  g_autofree char *peer = ph_format_peer (ph_transfer_get_peer (transfer), !incoming);
  g_autofree char *peer_text = NULL;
  g_autofree char *status = describe_state (transfer);

  gtk_image_set_from_icon_name (self->direction_icon,
                                incoming ? "folder-download-symbolic" : "document-send-symbolic");
  gtk_label_set_label (self->name_label, ph_transfer_get_name (transfer));

  /* Translators: "To 192.168.1.50" / "From 192.168.1.7" */
  peer_text = g_strdup_printf (incoming ? _("From %s") : _("To %s"), peer);
  gtk_label_set_label (self->peer_label, peer_text);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  if (running)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   size > 0 ? (double) ph_transfer_get_bytes_done (transfer) / size : 0.0);

  gtk_label_set_label (self->status_label, status);
  if (state == PH_TRANSFER_FAILED &&
      !(ph_transfer_get_error (transfer) != NULL &&
        g_error_matches (ph_transfer_get_error (transfer), PH_ERROR, PH_ERROR_DECLINED)))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (running)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");

  gtk_widget_set_visible (GTK_WIDGET (self->approval_box), state == PH_TRANSFER_WAITING);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), received);
  gtk_widget_set_visible (GTK_WIDGET (self->folder_button), received);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          !incoming && (state == PH_TRANSFER_FAILED || state == PH_TRANSFER_CANCELLED));
}

static void
transfer_notify_cb (PhTransferRow *self,
                    GParamSpec    *pspec)
{
  update (self);
}

static void
activate_with_file (PhTransferRow *self,
                    const char    *action)
{
  GFile *file = ph_transfer_get_file (self->transfer);
  g_autofree char *uri = NULL;

  if (file == NULL)
    return;

  uri = g_file_get_uri (file);
  gtk_widget_activate_action (GTK_WIDGET (self), action, "s", uri);
}

static void
open_clicked_cb (PhTransferRow *self)
{
  activate_with_file (self, "app.open-file");
}

static void
folder_clicked_cb (PhTransferRow *self)
{
  activate_with_file (self, "app.show-in-folder");
}

static void
retry_clicked_cb (PhTransferRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.retry-transfer", "s",
                              ph_application_transfer_id (self->transfer));
}

static void
cancel_clicked_cb (PhTransferRow *self)
{
  ph_transfer_cancel (self->transfer);
}

static void
accept_clicked_cb (PhTransferRow *self)
{
  if (ph_transfer_get_state (self->transfer) == PH_TRANSFER_WAITING)
    ph_transfer_accept (self->transfer);
}

static void
decline_clicked_cb (PhTransferRow *self)
{
  if (ph_transfer_get_state (self->transfer) == PH_TRANSFER_WAITING)
    ph_transfer_decline (self->transfer);
}

static void
ph_transfer_row_constructed (GObject *object)
{
  PhTransferRow *self = PH_TRANSFER_ROW (object);

  G_OBJECT_CLASS (ph_transfer_row_parent_class)->constructed (object);

  /* The engine notifies at most ~10 times a second per transfer. */
  g_signal_connect_object (self->transfer, "notify",
                           G_CALLBACK (transfer_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
ph_transfer_row_dispose (GObject *object)
{
  PhTransferRow *self = PH_TRANSFER_ROW (object);

  g_clear_object (&self->transfer);

  G_OBJECT_CLASS (ph_transfer_row_parent_class)->dispose (object);
}

static void
ph_transfer_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PhTransferRow *self = PH_TRANSFER_ROW (object);

  switch (prop_id)
    {
    case PROP_TRANSFER:
      g_value_set_object (value, self->transfer);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_transfer_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PhTransferRow *self = PH_TRANSFER_ROW (object);

  switch (prop_id)
    {
    case PROP_TRANSFER:
      self->transfer = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_transfer_row_class_init (PhTransferRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ph_transfer_row_constructed;
  object_class->dispose = ph_transfer_row_dispose;
  object_class->get_property = ph_transfer_row_get_property;
  object_class->set_property = ph_transfer_row_set_property;

  properties[PROP_TRANSFER] =
    g_param_spec_object ("transfer", NULL, NULL, PH_TYPE_TRANSFER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-transfer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, direction_icon);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, peer_label);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, approval_box);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, accept_button);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, decline_button);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, PhTransferRow, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, folder_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, decline_clicked_cb);
}

static void
ph_transfer_row_init (PhTransferRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PhTransferRow *
ph_transfer_row_new (PhTransfer *transfer)
{
  g_return_val_if_fail (PH_IS_TRANSFER (transfer), NULL);

  return g_object_new (PH_TYPE_TRANSFER_ROW,
                       "transfer", transfer,
                       NULL);
}

PhTransfer *
ph_transfer_row_get_transfer (PhTransferRow *self)
{
  g_return_val_if_fail (PH_IS_TRANSFER_ROW (self), NULL);

  return self->transfer;
}

const char *
ph_transfer_row_get_status_text (PhTransferRow *self)
{
  return gtk_label_get_label (self->status_label);
}

GtkButton *
ph_transfer_row_get_button (PhTransferRow *self,
                            const char    *name)
{
  if (g_str_equal (name, "accept"))
    return self->accept_button;
  if (g_str_equal (name, "decline"))
    return self->decline_button;
  if (g_str_equal (name, "retry"))
    return self->retry_button;
  if (g_str_equal (name, "open"))
    return self->open_button;
  if (g_str_equal (name, "folder"))
    return self->folder_button;
  if (g_str_equal (name, "cancel"))
    return self->cancel_button;
  return NULL;
}
