/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSettings: a property per key of io.github.posthouse.Posthouse,
 * bound both ways with g_settings_bind(), as GNOME Console's settings
 * object does. Receiving's keys are bound onto the receive session the
 * same way (ph_settings_bind_receive_session()). */

#include "config.h"

#include "ph-settings-private.h"

#define MAX_RECENT_DESTINATIONS 5

G_DEFINE_FINAL_TYPE (PhSettings, ph_settings, G_TYPE_OBJECT)

/* In the order of the schema; each property is named as its key. */
enum {
  PROP_0,
  PROP_DESTINATION,
  PROP_RECENT_DESTINATIONS,
  PROP_RECENT_NAMES,
  PROP_PORT,
  PROP_RECEIVE_FOLDER,
  PROP_RECEIVE_INTERFACE,
  PROP_NOTIFICATIONS,
  PROP_ORIGINAL_NAMES,
  PROP_ASK_BEFORE_ACCEPTING,
  PROP_ONLY_PAIRED,
  PROP_ACCEPT_UNENCRYPTED,
  PROP_RECEIVE_MODE,
  PROP_RECEIVE_AT_LOGIN,
  PROP_BACKGROUND_NOTICE_SHOWN,
  PROP_HISTORY_DAYS,
  PROP_WINDOW_WIDTH,
  PROP_WINDOW_HEIGHT,
  PROP_WINDOW_MAXIMIZED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Stores @value in @field, notifying only a change. */
static void
set_string (PhSettings  *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_boolean (PhSettings *self,
             gboolean   *field,
             gboolean    value,
             guint       prop)
{
  if (!*field == !value)
    return;

  *field = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int (PhSettings *self,
         int        *field,
         int         value,
         guint       prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
ph_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  PhSettings *self = PH_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DESTINATION: g_value_set_string (value, self->destination); break;
    case PROP_RECENT_DESTINATIONS: g_value_set_boxed (value, self->recent_destinations); break;
    case PROP_RECENT_NAMES: g_value_set_variant (value, self->recent_names); break;
    case PROP_PORT: g_value_set_int (value, self->port); break;
    case PROP_RECEIVE_FOLDER: g_value_set_string (value, self->receive_folder); break;
    case PROP_RECEIVE_INTERFACE: g_value_set_string (value, self->receive_interface); break;
    case PROP_NOTIFICATIONS: g_value_set_boolean (value, self->notifications); break;
    case PROP_ORIGINAL_NAMES: g_value_set_boolean (value, self->original_names); break;
    case PROP_ASK_BEFORE_ACCEPTING: g_value_set_boolean (value, self->ask_before_accepting); break;
    case PROP_ONLY_PAIRED: g_value_set_boolean (value, self->only_paired); break;
    case PROP_ACCEPT_UNENCRYPTED: g_value_set_boolean (value, self->accept_unencrypted); break;
    case PROP_RECEIVE_MODE: g_value_set_boolean (value, self->receive_mode); break;
    case PROP_RECEIVE_AT_LOGIN: g_value_set_boolean (value, self->receive_at_login); break;
    case PROP_BACKGROUND_NOTICE_SHOWN: g_value_set_boolean (value, self->background_notice_shown); break;
    case PROP_HISTORY_DAYS: g_value_set_int (value, self->history_days); break;
    case PROP_WINDOW_WIDTH: g_value_set_int (value, self->window_width); break;
    case PROP_WINDOW_HEIGHT: g_value_set_int (value, self->window_height); break;
    case PROP_WINDOW_MAXIMIZED: g_value_set_boolean (value, self->window_maximized); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  PhSettings *self = PH_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DESTINATION:
      set_string (self, &self->destination, g_value_get_string (value), prop_id);
      break;
    case PROP_RECENT_DESTINATIONS:
      {
        const char * const *recent = g_value_get_boxed (value);
        const char * const none[] = { NULL };

        if (recent == NULL)
          recent = none;
        if (!g_strv_equal ((const char * const *) self->recent_destinations, recent))
          {
            g_strfreev (self->recent_destinations);
            self->recent_destinations = g_strdupv ((char **) recent);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;
    case PROP_RECENT_NAMES:
      if (g_value_get_variant (value) != NULL &&
          !g_variant_equal (self->recent_names, g_value_get_variant (value)))
        {
          g_clear_pointer (&self->recent_names, g_variant_unref);
          self->recent_names = g_value_dup_variant (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_PORT:
      set_int (self, &self->port, g_value_get_int (value), prop_id);
      break;
    case PROP_RECEIVE_FOLDER:
      set_string (self, &self->receive_folder, g_value_get_string (value), prop_id);
      break;
    case PROP_RECEIVE_INTERFACE:
      set_string (self, &self->receive_interface, g_value_get_string (value), prop_id);
      break;
    case PROP_NOTIFICATIONS:
      set_boolean (self, &self->notifications, g_value_get_boolean (value), prop_id);
      break;
    case PROP_ORIGINAL_NAMES:
      set_boolean (self, &self->original_names, g_value_get_boolean (value), prop_id);
      break;
    case PROP_ASK_BEFORE_ACCEPTING:
      set_boolean (self, &self->ask_before_accepting, g_value_get_boolean (value), prop_id);
      break;
    case PROP_ONLY_PAIRED:
      set_boolean (self, &self->only_paired, g_value_get_boolean (value), prop_id);
      break;
    case PROP_ACCEPT_UNENCRYPTED:
      set_boolean (self, &self->accept_unencrypted, g_value_get_boolean (value), prop_id);
      break;
    case PROP_RECEIVE_MODE:
      set_boolean (self, &self->receive_mode, g_value_get_boolean (value), prop_id);
      break;
    case PROP_RECEIVE_AT_LOGIN:
      set_boolean (self, &self->receive_at_login, g_value_get_boolean (value), prop_id);
      break;
    case PROP_BACKGROUND_NOTICE_SHOWN:
      set_boolean (self, &self->background_notice_shown, g_value_get_boolean (value), prop_id);
      break;
    case PROP_HISTORY_DAYS:
      set_int (self, &self->history_days, g_value_get_int (value), prop_id);
      break;
    case PROP_WINDOW_WIDTH:
      set_int (self, &self->window_width, g_value_get_int (value), prop_id);
      break;
    case PROP_WINDOW_HEIGHT:
      set_int (self, &self->window_height, g_value_get_int (value), prop_id);
      break;
    case PROP_WINDOW_MAXIMIZED:
      set_boolean (self, &self->window_maximized, g_value_get_boolean (value), prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_settings_dispose (GObject *object)
{
  PhSettings *self = PH_SETTINGS (object);

  for (guint i = 1; i < N_PROPS; i++)
    g_settings_unbind (self, properties[i]->name);

  G_OBJECT_CLASS (ph_settings_parent_class)->dispose (object);
}

static void
ph_settings_finalize (GObject *object)
{
  PhSettings *self = PH_SETTINGS (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->destination, g_free);
  g_clear_pointer (&self->recent_destinations, g_strfreev);
  g_clear_pointer (&self->recent_names, g_variant_unref);
  g_clear_pointer (&self->receive_folder, g_free);
  g_clear_pointer (&self->receive_interface, g_free);

  G_OBJECT_CLASS (ph_settings_parent_class)->finalize (object);
}

static void
ph_settings_class_init (PhSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ph_settings_dispose;
  object_class->finalize = ph_settings_finalize;
  object_class->get_property = ph_settings_get_property;
  object_class->set_property = ph_settings_set_property;

  properties[PROP_DESTINATION] = g_param_spec_string ("destination", NULL, NULL, NULL, rw);
  properties[PROP_RECENT_DESTINATIONS] = g_param_spec_boxed ("recent-destinations", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_RECENT_NAMES] = g_param_spec_variant ("recent-names", NULL, NULL, G_VARIANT_TYPE ("a{ss}"), NULL, rw);
  properties[PROP_PORT] = g_param_spec_int ("port", NULL, NULL, 1, G_MAXUINT16, 6666, rw);
  properties[PROP_RECEIVE_FOLDER] = g_param_spec_string ("receive-folder", NULL, NULL, NULL, rw);
  properties[PROP_RECEIVE_INTERFACE] = g_param_spec_string ("receive-interface", NULL, NULL, NULL, rw);
  properties[PROP_NOTIFICATIONS] = g_param_spec_boolean ("notifications", NULL, NULL, TRUE, rw);
  properties[PROP_ORIGINAL_NAMES] = g_param_spec_boolean ("original-names", NULL, NULL, FALSE, rw);
  properties[PROP_ASK_BEFORE_ACCEPTING] = g_param_spec_boolean ("ask-before-accepting", NULL, NULL, FALSE, rw);
  properties[PROP_ONLY_PAIRED] = g_param_spec_boolean ("only-paired", NULL, NULL, FALSE, rw);
  properties[PROP_ACCEPT_UNENCRYPTED] = g_param_spec_boolean ("accept-unencrypted", NULL, NULL, TRUE, rw);
  properties[PROP_RECEIVE_MODE] = g_param_spec_boolean ("receive-mode", NULL, NULL, FALSE, rw);
  properties[PROP_RECEIVE_AT_LOGIN] = g_param_spec_boolean ("receive-at-login", NULL, NULL, FALSE, rw);
  properties[PROP_BACKGROUND_NOTICE_SHOWN] = g_param_spec_boolean ("background-notice-shown", NULL, NULL, FALSE, rw);
  /* Days; -1 for ever, 0 not at all. */
  properties[PROP_HISTORY_DAYS] = g_param_spec_int ("history-days", NULL, NULL, -1, 36500, 90, rw);
  properties[PROP_WINDOW_WIDTH] = g_param_spec_int ("window-width", NULL, NULL, G_MININT, G_MAXINT, 640, rw);
  properties[PROP_WINDOW_HEIGHT] = g_param_spec_int ("window-height", NULL, NULL, G_MININT, G_MAXINT, 560, rw);
  properties[PROP_WINDOW_MAXIMIZED] = g_param_spec_boolean ("window-maximized", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* GSettings has no default mapping for GVariant properties (GLib 2.74). */
static gboolean
variant_from_setting (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  g_value_set_variant (value, variant);
  return TRUE;
}

static GVariant *
variant_to_setting (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_value_dup_variant (value);
}

static void
ph_settings_init (PhSettings *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  self->recent_destinations = g_new0 (char *, 1);
  self->recent_names = g_variant_ref_sink (g_variant_new ("a{ss}", NULL));
  self->destination = g_strdup ("");
  self->receive_folder = g_strdup ("");
  self->receive_interface = g_strdup ("");
  self->accept_unencrypted = TRUE;

  for (guint i = 1; i < N_PROPS; i++)
    if (G_PARAM_SPEC_VALUE_TYPE (properties[i]) == G_TYPE_VARIANT)
      g_settings_bind_with_mapping (self->settings, properties[i]->name, self, properties[i]->name,
                                    G_SETTINGS_BIND_DEFAULT, variant_from_setting, variant_to_setting,
                                    NULL, NULL);
    else
      g_settings_bind (self->settings, properties[i]->name, self, properties[i]->name,
                       G_SETTINGS_BIND_DEFAULT);
}

PhSettings *
ph_settings_new (void)
{
  return g_object_new (PH_TYPE_SETTINGS, NULL);
}

const char *
ph_settings_get_destination (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), NULL);

  return self->destination;
}

void
ph_settings_set_destination (PhSettings *self,
                             const char *destination)
{
  g_return_if_fail (PH_IS_SETTINGS (self));
  g_return_if_fail (destination != NULL);

  set_string (self, &self->destination, destination, PROP_DESTINATION);
}

const char * const *
ph_settings_get_recent_destinations (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), NULL);

  return (const char * const *) self->recent_destinations;
}

/* Returns: (transfer none): a{ss}, each recent destination's name nearby */
GVariant *
ph_settings_get_recent_names (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), NULL);

  return self->recent_names;
}

/* Returns: the folder chosen to receive into, "" for the default one */
const char *
ph_settings_get_receive_folder (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), NULL);

  return self->receive_folder;
}

void
ph_settings_set_receive_folder (PhSettings *self,
                                const char *path)
{
  g_return_if_fail (PH_IS_SETTINGS (self));
  g_return_if_fail (path != NULL);

  set_string (self, &self->receive_folder, path, PROP_RECEIVE_FOLDER);
}

const char *
ph_settings_get_receive_interface (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), NULL);

  return self->receive_interface;
}

void
ph_settings_set_receive_interface (PhSettings *self,
                                   const char *interface)
{
  g_return_if_fail (PH_IS_SETTINGS (self));
  g_return_if_fail (interface != NULL);

  set_string (self, &self->receive_interface, interface, PROP_RECEIVE_INTERFACE);
}

gboolean
ph_settings_get_notifications (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), FALSE);

  return self->notifications;
}

gboolean
ph_settings_get_receive_mode (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), FALSE);

  return self->receive_mode;
}

void
ph_settings_set_receive_mode (PhSettings *self,
                              gboolean    receive_mode)
{
  g_return_if_fail (PH_IS_SETTINGS (self));

  set_boolean (self, &self->receive_mode, receive_mode, PROP_RECEIVE_MODE);
}

gboolean
ph_settings_get_receive_at_login (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), FALSE);

  return self->receive_at_login;
}

void
ph_settings_set_receive_at_login (PhSettings *self,
                                  gboolean    receive_at_login)
{
  g_return_if_fail (PH_IS_SETTINGS (self));

  set_boolean (self, &self->receive_at_login, receive_at_login, PROP_RECEIVE_AT_LOGIN);
}

gboolean
ph_settings_get_background_notice_shown (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), FALSE);

  return self->background_notice_shown;
}

void
ph_settings_set_background_notice_shown (PhSettings *self,
                                         gboolean    shown)
{
  g_return_if_fail (PH_IS_SETTINGS (self));

  set_boolean (self, &self->background_notice_shown, shown, PROP_BACKGROUND_NOTICE_SHOWN);
}

void
ph_settings_get_window_state (PhSettings *self,
                              int        *width,
                              int        *height,
                              gboolean   *maximized)
{
  g_return_if_fail (PH_IS_SETTINGS (self));

  *width = self->window_width;
  *height = self->window_height;
  *maximized = self->window_maximized;
}

/* Saves the window's size as it closes, all keys at once. A GSettings
 * of its own: delay-apply mode, once on, stays on, and these settings
 * must keep reaching the disk after this (receiving may go on with the
 * window closed). */
void
ph_settings_save_window_state (PhSettings *self,
                               int         width,
                               int         height,
                               gboolean    maximized)
{
  g_autoptr(GSettings) state = g_settings_new (APPLICATION_ID);

  g_return_if_fail (PH_IS_SETTINGS (self));

  g_settings_delay (state);
  g_settings_set_boolean (state, "window-maximized", maximized);
  if (!maximized && width > 0 && height > 0)
    {
      g_settings_set_int (state, "window-width", width);
      g_settings_set_int (state, "window-height", height);
    }
  g_settings_apply (state);
}

/**
 * ph_settings_remember_destination:
 * @destination: where files were just sent
 * @name: (nullable): the name it announced nearby
 * @forget_name: without @name, whether a name it had goes too (discovery
 *   had a complete look around and nobody announces @destination now)
 *
 * Puts @destination first in the recent destinations, with @name if it
 * has one, keeping at most a few.
 */
void
ph_settings_remember_destination (PhSettings *self,
                                  const char *destination,
                                  const char *name,
                                  gboolean    forget_name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GVariantBuilder) new_names = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariant) updated_names = NULL;
  g_auto(GStrv) updated = NULL;
  const char *kept = NULL;
  guint n = 1;

  g_return_if_fail (PH_IS_SETTINGS (self));
  g_return_if_fail (destination != NULL);

  /* A name it had stays while discovery cannot tell. */
  if (name == NULL && !forget_name)
    g_variant_lookup (self->recent_names, destination, "&s", &kept);
  if (name != NULL || kept != NULL)
    g_variant_builder_add (&new_names, "{ss}", destination, name ? name : kept);

  g_strv_builder_add (builder, destination);
  for (guint i = 0; self->recent_destinations[i] != NULL && n < MAX_RECENT_DESTINATIONS; i++)
    {
      const char *recent = self->recent_destinations[i];
      const char *other = NULL;

      if (g_strcmp0 (recent, destination) == 0)
        continue;

      g_strv_builder_add (builder, recent);
      if (g_variant_lookup (self->recent_names, recent, "&s", &other))
        g_variant_builder_add (&new_names, "{ss}", recent, other);
      n++;
    }

  updated = g_strv_builder_end (builder);
  updated_names = g_variant_ref_sink (g_variant_builder_end (&new_names));

  /* Names first: the menu is made again when the list changes. */
  g_object_set (self, "recent-names", updated_names, "recent-destinations", updated, NULL);
}

gint
ph_settings_get_history_days (PhSettings *self)
{
  g_return_val_if_fail (PH_IS_SETTINGS (self), -1);

  return self->history_days;
}

void
ph_settings_set_history_days (PhSettings *self,
                              gint        days)
{
  g_return_if_fail (PH_IS_SETTINGS (self));

  set_int (self, &self->history_days, CLAMP (days, -1, 36500), PROP_HISTORY_DAYS);
}

/* Returns: (transfer none): the GSettings the properties follow */
GSettings *
ph_settings_get_gsettings (PhSettings *self)
{
  return self->settings;
}
