/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The top of the window's list, scrolling with it: where files go (the
 * send area: an address, or a computer found nearby), how to reach this
 * computer while receiving, and either the empty state or the heading
 * of the transfers below. */

#include "config.h"

#include <glib/gi18n.h>

#include "posthouse-core.h"

#include "ph-format.h"
#include "ph-nearby-list.h"
#include "ph-panel-private.h"

G_DEFINE_FINAL_TYPE (PhPanel, ph_panel, GTK_TYPE_WIDGET)

enum {
  DESTINATION_CONFIRMED,
  SEND_FILES,
  REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Destination */

static void
set_hint (PhPanel    *self,
          const char *error)
{
  GtkWidget *row = GTK_WIDGET (self->destination_row);
  GtkWidget *hint = GTK_WIDGET (self->destination_hint);

  if (error == NULL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
      PhNearbyReceiver *nearby = ph_destination_find_nearby (self->browser, text);
      g_autofree char *found = NULL;

      if (nearby != NULL)
        {
          g_autofree char *device = ph_format_device_with_address (ph_nearby_receiver_get_name (nearby),
                                                                   ph_nearby_receiver_get_address (nearby),
                                                                   TRUE);

          /* Translators: a receiver nearby, "Workshop PC (192.168.1.7)" */
          found = g_strdup_printf (_("%s, found nearby"), device);
        }

      gtk_widget_remove_css_class (row, "error");
      gtk_widget_remove_css_class (hint, "error");
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_label_set_label (self->destination_hint,
                           found ? found : _("A computer nearby, or the address Posthouse shows on the receiving computer, like 192.168.1.50"));
    }
  else
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_remove_css_class (hint, "dim-label");
      gtk_widget_add_css_class (hint, "error");
      gtk_label_set_label (self->destination_hint, error);
    }
}

/* Red only once the person is done typing (Enter, or leaving the
 * field): "[fe80::" is not wrong, merely unfinished. */
static void
validate (PhPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
  g_autoptr(GError) error = NULL;

  if (text[0] == '\0' || ph_destination_text_is_usable (self->browser, text, &error))
    {
      set_hint (self, NULL);
      ph_settings_set_destination (self->settings, text);
    }
  else
    set_hint (self, self->show_error ? error->message : NULL);
}

static void
destination_changed_cb (PhPanel *self)
{
  if (self->settings == NULL)
    return;

  self->show_error = FALSE;
  validate (self);
  ph_nearby_list_set_destination (self->nearby_list,
                                  gtk_editable_get_text (GTK_EDITABLE (self->destination_row)));
  ph_panel_update_completion (self);
}

/* Receivers come and go: the one typed may be one of them now. */
static void
nearby_changed_cb (PhPanel *self)
{
  validate (self);
  ph_nearby_list_set_destination (self->nearby_list,
                                  gtk_editable_get_text (GTK_EDITABLE (self->destination_row)));
}

/* How a receiver nearby chosen by its row is written in Send to: by its
 * name, unless another one nearby has it too. Returns: %NULL when it
 * may not be sent to (what its row warns of), said through "refused". */
char *
ph_panel_choose_peer (PhPanel          *self,
                      PhNearbyReceiver *peer)
{
  g_autoptr(GError) error = NULL;
  char *text = ph_destination_choose_nearby (self->browser,
                                             ph_nearby_list_get_devices (self->nearby_list),
                                             peer, &error);

  if (text == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      g_signal_emit (self, signals[REFUSED], 0, error->message);
    }
  return text;
}

static void
peer_activated_cb (PhPanel          *self,
                   PhNearbyReceiver *peer)
{
  g_autofree char *text = ph_panel_choose_peer (self, peer);

  if (text == NULL)
    return;

  ph_panel_set_destination (self, text);
  self->show_error = TRUE;
  validate (self);
  g_signal_emit (self, signals[DESTINATION_CONFIRMED], 0, ph_nearby_receiver_get_name (peer));
}

/* Dropped on its row: sent as choosing that row sends, by its name
 * when the name finds it. Its address alone would skip what the name
 * and its announced identity say (SPEC: no downgrade, a new key is
 * never trusted silently), which its row warns of. */
static void
files_dropped_cb (PhPanel          *self,
                  PhNearbyReceiver *peer,
                  GdkFileList      *files)
{
  g_autofree char *text = ph_panel_choose_peer (self, peer);

  if (text != NULL)
    g_signal_emit (self, signals[SEND_FILES], 0, text, files);
}

static void
destination_activated_cb (PhPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
  PhNearbyReceiver *nearby;

  if (ph_panel_complete (self))
    return;

  self->show_error = TRUE;
  validate (self);
  if (!ph_destination_text_is_usable (self->browser, text, NULL))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  nearby = ph_destination_find_nearby (self->browser, text);
  g_signal_emit (self, signals[DESTINATION_CONFIRMED], 0,
                 nearby != NULL ? ph_nearby_receiver_get_name (nearby) : text);
}

static void
destination_leave_cb (PhPanel *self)
{
  ph_panel_hide_completion (self);
  if (gtk_editable_get_text (GTK_EDITABLE (self->destination_row))[0] == '\0')
    return;

  self->show_error = TRUE;
  validate (self);
}

/**
 * ph_panel_format_recent:
 * @destination: a recent destination's `HOST:PORT`
 * @names: (nullable): the "recent-names" setting
 *
 * Returns: (transfer full): "NAME (HOST:PORT)" for a destination that
 *   had a name nearby, else @destination
 */
char *
ph_panel_format_recent (const char *destination,
                        GVariant   *names)
{
  const char *name = NULL;

  g_return_val_if_fail (destination != NULL, NULL);

  if (names != NULL && g_variant_lookup (names, destination, "&s", &name) && name[0] != '\0')
    /* Translators: a recent destination: the name it announced nearby, then its address */
    return g_strdup_printf (_("%s (%s)"), name, destination);

  return g_strdup (destination);
}

/* A menu label shows every character: "_" is not a mnemonic. */
static char *
escape_underlines (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
update_recent_menu (PhPanel *self)
{
  const char * const *recent = ph_settings_get_recent_destinations (self->settings);
  GVariant *names = ph_settings_get_recent_names (self->settings);
  g_autoptr(GMenu) section = g_menu_new ();

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *label = ph_panel_format_recent (recent[i], names);
      g_autofree char *escaped = escape_underlines (label);
      g_autoptr(GMenuItem) item = g_menu_item_new (escaped, NULL);

      g_menu_item_set_action_and_target (item, "win.use-destination", "s", recent[i]);
      g_menu_append_item (section, item);
    }
  g_menu_append_section (self->recent_menu, _("Recent Destinations"), G_MENU_MODEL (section));

  gtk_widget_set_visible (GTK_WIDGET (self->recent_button), recent[0] != NULL);
}

/* Set from elsewhere (gsettings, a second window): follow it. */
static void
destination_setting_cb (PhPanel *self)
{
  /* A copy: setting the text empties the field first, which is stored. */
  g_autofree char *destination = g_strdup (ph_settings_get_destination (self->settings));

  if (destination != NULL &&
      !g_str_equal (destination, gtk_editable_get_text (GTK_EDITABLE (self->destination_row))))
    gtk_editable_set_text (GTK_EDITABLE (self->destination_row), destination);
}

/* GObject */

static void
ph_panel_dispose (GObject *object)
{
  PhPanel *self = PH_PANEL (object);
  GtkWidget *child;

  ph_panel_completion_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PH_TYPE_PANEL);
  /* The template's root is not bound: unparent it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->browser);

  G_OBJECT_CLASS (ph_panel_parent_class)->dispose (object);
}

static void
ph_panel_finalize (GObject *object)
{
  PhPanel *self = PH_PANEL (object);

  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (ph_panel_parent_class)->finalize (object);
}

/* The list gives its first item the focus when it gets it from the
 * header bar (Tab): where files go comes first. */
static gboolean
ph_panel_grab_focus (GtkWidget *widget)
{
  PhPanel *self = PH_PANEL (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->destination_row));
}

static void
ph_panel_class_init (PhPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ph_panel_dispose;
  object_class->finalize = ph_panel_finalize;
  widget_class->grab_focus = ph_panel_grab_focus;

  /* Enter in the address field with a usable address. */
  signals[DESTINATION_CONFIRMED] =
    g_signal_new ("destination-confirmed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* A receiver nearby chosen or dropped on that may not be sent to:
   * why, as sending by its name says it. */
  signals[REFUSED] =
    g_signal_new ("refused",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* Files dropped on a receiver nearby, for its address. */
  signals[SEND_FILES] =
    g_signal_new ("send-files",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, GDK_TYPE_FILE_LIST);

  g_type_ensure (PH_TYPE_NEARBY_LIST);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ph-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PhPanel, destination_row);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, recent_button);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, destination_hint);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, nearby_list);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, receive_revealer);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, address_row);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, announce_row);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, folder_row);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, exposure_label);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, empty_icon);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, empty_title);
  gtk_widget_class_bind_template_child (widget_class, PhPanel, empty_description);
  gtk_widget_class_bind_template_callback (widget_class, destination_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, destination_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, peer_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, files_dropped_cb);
}

static void
ph_panel_init (PhPanel *self)
{
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (destination_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->destination_row), focus);
  ph_panel_completion_init (self);
}

/**
 * ph_panel_new:
 * @settings: where the destination and recent destinations are kept
 * @session: the receiving it shows
 * @browser: the receivers nearby, to send to
 */
PhPanel *
ph_panel_new (PhSettings       *settings,
              PhReceiveSession *session,
              PhBrowser        *browser)
{
  static const char * const receive_props[] = {
    "notify::receiving", "notify::addresses", "notify::interface", NULL
  };
  static const char * const announce_props[] = {
    "notify::announce-state", "notify::announced-name", "notify::announce-error", NULL
  };
  PhPanel *self;

  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_RECEIVE_SESSION (session), NULL);
  g_return_val_if_fail (PH_IS_BROWSER (browser), NULL);

  self = g_object_new (PH_TYPE_PANEL, NULL);
  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);
  self->browser = g_object_ref (browser);

  ph_nearby_list_set_browser (self->nearby_list, browser);
  g_signal_connect_object (browser, "items-changed", G_CALLBACK (nearby_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_editable_set_text (GTK_EDITABLE (self->destination_row), ph_settings_get_destination (settings));
  /* A stored address that no longer parses says so at once. */
  self->show_error = TRUE;
  validate (self);

  g_signal_connect_object (settings, "notify::destination", G_CALLBACK (destination_setting_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::recent-destinations", G_CALLBACK (update_recent_menu),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::recent-names", G_CALLBACK (update_recent_menu),
                           self, G_CONNECT_SWAPPED);
  update_recent_menu (self);

  for (guint i = 0; receive_props[i] != NULL; i++)
    g_signal_connect_object (session, receive_props[i], G_CALLBACK (ph_panel_update_receive_panel),
                             self, G_CONNECT_SWAPPED);
  for (guint i = 0; announce_props[i] != NULL; i++)
    g_signal_connect_object (session, announce_props[i], G_CALLBACK (ph_panel_update_announce_row),
                             self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::folder", G_CALLBACK (ph_panel_update_folder_row),
                           self, G_CONNECT_SWAPPED);
  ph_panel_update_receive_panel (self);

  return self;
}

const char *
ph_panel_get_destination (PhPanel *self)
{
  g_return_val_if_fail (PH_IS_PANEL (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->destination_row));
}

void
ph_panel_set_destination (PhPanel    *self,
                          const char *destination)
{
  g_return_if_fail (PH_IS_PANEL (self));
  g_return_if_fail (destination != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->destination_row), destination);
}

/* Returns: (nullable): the address to give the sender, or NULL. */
const char *
ph_panel_get_receive_address (PhPanel *self)
{
  g_return_val_if_fail (PH_IS_PANEL (self), NULL);

  return self->address;
}

/* The empty state, or the heading of a list of transfers. */
void
ph_panel_set_empty (PhPanel  *self,
                    gboolean  empty)
{
  g_return_if_fail (PH_IS_PANEL (self));

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

PhNearbyList *
ph_panel_get_nearby_list (PhPanel *self)
{
  g_return_val_if_fail (PH_IS_PANEL (self), NULL);

  return self->nearby_list;
}

/* The receive panel ("Ready to receive on …"), a GtkRevealer, for the
 * window to scroll into view once it opened. */
GtkWidget *
ph_panel_get_receive_area (PhPanel *self)
{
  g_return_val_if_fail (PH_IS_PANEL (self), NULL);

  return GTK_WIDGET (self->receive_revealer);
}

/* The "Send to" field, which the window follows. */
GtkEditable *
ph_panel_get_destination_entry (PhPanel *self)
{
  g_return_val_if_fail (PH_IS_PANEL (self), NULL);

  return GTK_EDITABLE (self->destination_row);
}

/* Test accessors */

AdwEntryRow *
ph_panel_get_destination_row (PhPanel *self)
{
  return self->destination_row;
}

AdwActionRow *
ph_panel_get_folder_row (PhPanel *self)
{
  return self->folder_row;
}

const char *
ph_panel_get_address_title (PhPanel *self)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->address_row));
}

const char *
ph_panel_get_exposure_text (PhPanel *self)
{
  return gtk_label_get_label (self->exposure_label);
}

gboolean
ph_panel_get_receive_visible (PhPanel *self)
{
  return gtk_revealer_get_reveal_child (self->receive_revealer);
}

const char *
ph_panel_get_visible_page (PhPanel *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
ph_panel_get_hint (PhPanel *self)
{
  return gtk_label_get_label (self->destination_hint);
}

AdwActionRow *
ph_panel_get_announce_row (PhPanel *self)
{
  return self->announce_row;
}

GMenuModel *
ph_panel_get_recent_menu (PhPanel *self)
{
  return G_MENU_MODEL (self->recent_menu);
}
