/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Receive files when I log in". Outside a sandbox: an XDG autostart
 * entry that runs `posthouse --background`. Inside Flatpak the app cannot
 * (and must not) write one: the Background portal keeps it, and answers
 * whether Posthouse may run without a window at all. Every portal request
 * carries the preference, since each one sets or clears the autostart. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libportal-gtk4/portal-gtk4.h>

#include "ph-autostart.h"
#include "ph-settings.h"

#define COMMAND "posthouse"
#define BACKGROUND_OPTION "--background"

struct _PhAutostart
{
  GObject       parent_instance;

  PhSettings   *settings;
  XdpPortal    *portal;       /* inside Flatpak only */
  GCancellable *cancellable;
  gboolean      applying;     /* an entry written or removed, or a portal request */
  gboolean      dirty;        /* the preference changed meanwhile */
};

G_DEFINE_FINAL_TYPE (PhAutostart, ph_autostart, G_TYPE_OBJECT)

enum {
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void apply (PhAutostart *self);

char *
ph_autostart_dup_entry_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop", NULL);
}

gboolean
ph_autostart_get_sandboxed (PhAutostart *self)
{
  g_return_val_if_fail (PH_IS_AUTOSTART (self), FALSE);

  return self->portal != NULL;
}

/* The preference could not be made real: it goes back off, and says why. */
static void
give_up (PhAutostart  *self,
         const GError *error)
{
  ph_settings_set_receive_at_login (self->settings, FALSE);
  g_signal_emit (self, signals[FAILED], 0, error);
}

/* The portal */

static void
portal_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PhAutostart *self = g_task_get_source_object (task);
  gboolean autostart = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;
  gboolean granted;

  /* With the autostart flag, libportal reports the autostart; without
   * it, the background permission. A refusal is a "cancelled" response. */
  granted = xdp_portal_request_background_finish (XDP_PORTAL (object), result, &error);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) refused =
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             _("Posthouse is not allowed to run in the background. You can allow it in Settings, under Apps."));

      if (autostart)
        give_up (self, refused);
      g_task_return_error (task, g_steal_pointer (&refused));
      return;
    }

  if (error != NULL)
    {
      /* No Background portal (an older desktop): nothing to ask, and
       * nothing refused; only the autostart is out of reach. */
      g_debug ("Background portal: %s", error->message);
      if (autostart)
        give_up (self, error);
    }
  else if (autostart && !granted)
    {
      g_autoptr(GError) failed =
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("The system did not let Posthouse start when you log in"));
      give_up (self, failed);
    }

  g_task_return_boolean (task, TRUE);
}

/* Resolves to TRUE when Posthouse may run without a window; fails with
 * G_IO_ERROR_PERMISSION_DENIED when the person or the system said no. */
void
ph_autostart_request_background_async (PhAutostart         *self,
                                       GtkWindow           *parent,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XdpParent) xdp_parent = NULL;
  g_autoptr(GPtrArray) commandline = NULL;
  gboolean autostart;

  g_return_if_fail (PH_IS_AUTOSTART (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_autostart_request_background_async);

  /* Outside a sandbox nothing stands in the way. */
  if (self->portal == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  autostart = ph_settings_get_receive_at_login (self->settings);
  g_task_set_task_data (task, GINT_TO_POINTER (autostart), NULL);

  if (parent != NULL && gtk_widget_get_realized (GTK_WIDGET (parent)))
    xdp_parent = xdp_parent_new_gtk (parent);

  commandline = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (commandline, g_strdup (COMMAND));
  g_ptr_array_add (commandline, g_strdup (BACKGROUND_OPTION));

  xdp_portal_request_background (self->portal, xdp_parent,
                                 _("Posthouse keeps receiving files while its window is closed"),
                                 commandline,
                                 autostart ? XDP_BACKGROUND_FLAG_AUTOSTART : XDP_BACKGROUND_FLAG_NONE,
                                 cancellable, portal_cb, g_steal_pointer (&task));
}

gboolean
ph_autostart_request_background_finish (PhAutostart   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (PH_IS_AUTOSTART (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_autostart_request_background_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The XDG autostart entry */

static char *
build_entry (void)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_TYPE, G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_NAME, _("Posthouse"));
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_COMMENT, _("Receive files sent to this computer"));
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_ICON, APPLICATION_ID);
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_EXEC, COMMAND " " BACKGROUND_OPTION);
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_TRY_EXEC, COMMAND);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, group, "X-GNOME-Autostart-enabled", TRUE);
  g_key_file_set_comment (entry, NULL, NULL,
                          " Written by Posthouse for Preferences, Receive Files When I Log In", NULL);

  return g_key_file_to_data (entry, NULL, NULL);
}

static void
write_entry_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char *contents = task_data;
  g_autofree char *path = ph_autostart_dup_entry_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  int saved_errno;

  if (contents != NULL)
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          saved_errno = errno;
          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                   _("Could not create the folder %s: %s"),
                                   dir, g_strerror (saved_errno));
          return;
        }

      if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else if (g_unlink (path) != 0 && errno != ENOENT && errno != ENOTDIR)
    {
      saved_errno = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not remove %s: %s"), path, g_strerror (saved_errno));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Applying the preference, one change at a time */

static void
applied (PhAutostart  *self,
         gboolean      enable,
         const GError *error)
{
  self->applying = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL && enable)
    give_up (self, error);
  else if (error != NULL)
    g_warning ("Could not turn off starting at login: %s", error->message);
  else if (self->dirty)
    apply (self);
}

static void
entry_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PhAutostart *self = PH_AUTOSTART (object);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  applied (self, GPOINTER_TO_INT (user_data), error);
}

static void
portal_applied_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PhAutostart *self = PH_AUTOSTART (object);
  g_autoptr(GError) error = NULL;

  /* A refusal was reported by the request itself (give_up). */
  ph_autostart_request_background_finish (self, result, &error);
  self->applying = FALSE;
  if (self->dirty && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    apply (self);
}

static void
apply (PhAutostart *self)
{
  gboolean enable = ph_settings_get_receive_at_login (self->settings);

  if (self->applying)
    {
      self->dirty = TRUE;
      return;
    }

  self->applying = TRUE;
  self->dirty = FALSE;

  if (self->portal != NULL)
    {
      GApplication *app = g_application_get_default ();
      GtkWindow *parent = NULL;

      if (GTK_IS_APPLICATION (app))
        parent = gtk_application_get_active_window (GTK_APPLICATION (app));

      ph_autostart_request_background_async (self, parent, self->cancellable,
                                             portal_applied_cb, NULL);
    }
  else
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, entry_written_cb,
                                          GINT_TO_POINTER (enable));

      g_task_set_source_tag (task, apply);
      g_task_set_task_data (task, enable ? build_entry () : NULL, g_free);
      g_task_run_in_thread (task, write_entry_in_thread);
    }
}

static void
preference_changed_cb (PhAutostart *self)
{
  apply (self);
}

static void
ph_autostart_dispose (GObject *object)
{
  PhAutostart *self = PH_AUTOSTART (object);

  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  G_OBJECT_CLASS (ph_autostart_parent_class)->dispose (object);
}

static void
ph_autostart_finalize (GObject *object)
{
  PhAutostart *self = PH_AUTOSTART (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->portal);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ph_autostart_parent_class)->finalize (object);
}

static void
ph_autostart_class_init (PhAutostartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_autostart_dispose;
  object_class->finalize = ph_autostart_finalize;

  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ph_autostart_init (PhAutostart *self)
{
  self->cancellable = g_cancellable_new ();
}

PhAutostart *
ph_autostart_new (PhSettings *settings)
{
  PhAutostart *self;

  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);

  self = g_object_new (PH_TYPE_AUTOSTART, NULL);
  self->settings = g_object_ref (settings);

  if (xdp_portal_running_under_flatpak ())
    self->portal = xdp_portal_new ();

  /* An entry removed by hand (GNOME Tweaks, rm) turned the preference
   * off; the portal's entry is out of the sandbox's sight. */
  if (self->portal == NULL && ph_settings_get_receive_at_login (settings))
    {
      g_autofree char *path = ph_autostart_dup_entry_path ();

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        ph_settings_set_receive_at_login (settings, FALSE);
    }

  g_signal_connect_swapped (settings, "notify::receive-at-login", G_CALLBACK (preference_changed_cb), self);

  return self;
}
