/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One notification per batch, never one per file: a question while it
 * waits for an answer (always shown), a progress note for a batch that
 * runs a while, and the outcome once it is over, each replacing the
 * last under the batch's id. While a Posthouse window has the focus the
 * row says it all: no banner. Buttons use app.* actions with the
 * batch's id, so they work with no window shown. */

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "posthouse-core.h"

#include "ph-format.h"
#include "ph-notification-text.h"
#include "ph-notifier.h"
#include "ph-settings.h"

/* A batch that runs this long gets a progress note, updated at most
 * this often; its outcome waits for it to stay finished a moment (the
 * next file of a burst may be on its way). */
#define RUNNING_DELAY_MSEC   3000
#define RUNNING_UPDATE_MSEC 10000
#define SETTLE_MSEC           500
/* A question waits this long for the rest of its burst, so that it
 * says how many files wait rather than the first one's name. */
#define ASK_SETTLE_MSEC       300

#define ICON_FILE APPLICATION_ID ".svg"
/* Incoming batches that brought nothing but refusals share one
 * notification: a scan from many hosts cannot bury the desktop. */
#define REFUSED_ID "refused"

typedef enum
{
  SHOWN_NONE,
  SHOWN_ASK,
  SHOWN_RUNNING,
  SHOWN_FINAL,
} Shown;

struct _PhNotifier
{
  GObject       parent_instance;

  GApplication *application;   /* weak */
  PhSettings   *settings;
  PhBatchList  *batches;
  PhDevices    *devices;       /* a new key under a paired name */
};

G_DEFINE_FINAL_TYPE (PhNotifier, ph_notifier, G_TYPE_OBJECT)

typedef struct
{
  PhNotifier *notifier;        /* owned */
  PhBatch    *batch;           /* unowned: this is its qdata */
  char       *id;              /* the notification on screen, if any */
  char       *title;
  char       *body;
  Shown       shown;
  gint64      running_since;   /* monotonic µs; 0 when not running */
  gint64      last_sent;
  guint       timer;
  gboolean    asking;          /* a question is about to be put */
} Watch;

static GQuark watch_quark;

static void evaluate (Watch *watch);
static void schedule (Watch *watch, gint64 when);

/* The daemon runs in another process and cannot read our GResource.
 * Installed, it finds the icon by name; uninstalled (build-aux/dev run,
 * tests) it gets a copy of the embedded icon by path instead. */
GIcon *
ph_notifier_app_icon (void)
{
  static GIcon *icon;
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (icon != NULL)
    return g_object_ref (icon);

  for (int i = -1; icon == NULL && (i < 0 || data_dirs[i] != NULL); i++)
    {
      g_autofree char *installed =
        g_build_filename (i < 0 ? g_get_user_data_dir () : data_dirs[i],
                          "icons", "hicolor", "scalable", "apps", ICON_FILE, NULL);

      if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
        icon = g_themed_icon_new (APPLICATION_ID);
    }

  if (icon == NULL)
    {
      bytes = g_resources_lookup_data (RESOURCE_BASE "/icons/scalable/apps/" ICON_FILE,
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      dir = g_build_filename (g_get_user_cache_dir (), APPLICATION_ID, NULL);
      path = g_build_filename (dir, ICON_FILE, NULL);
      if (bytes != NULL
          && g_mkdir_with_parents (dir, 0700) == 0
          && g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                  g_bytes_get_size (bytes), &error))
        {
          g_autoptr(GFile) file = g_file_new_for_path (path);
          icon = g_file_icon_new (file);
        }
      else
        {
          if (error != NULL)
            g_debug ("Notification icon: %s", error->message);
          icon = g_themed_icon_new (APPLICATION_ID);
        }
    }

  return g_object_ref (icon);
}

static gboolean
window_focused (PhNotifier *self)
{
  GtkWindow *window;

  if (self->application == NULL)
    return FALSE;

  window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  return window != NULL && gtk_widget_get_visible (GTK_WIDGET (window)) && gtk_window_is_active (window);
}

/* A paired device's name under another key: it is only paired again
 * (ph-request-bar.c says the same). Returns: (nullable): the paired one */
static PhDevice *
key_change (Watch *watch)
{
  PhNotifier *self = watch->notifier;
  PhBatch *batch = watch->batch;

  if (ph_batch_get_fingerprint (batch) == NULL || ph_batch_get_paired (batch))
    return NULL;
  return ph_devices_find_key_change (self->devices,
                                     ph_batch_get_fingerprint (batch), ph_batch_get_device_name (batch), NULL);
}

static GNotification *
build (Watch      *watch,
       Shown       kind,
       const char *title,
       const char *body)
{
  PhBatch *batch = watch->batch;
  const char *id = ph_batch_get_id (batch);
  gboolean incoming = ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE;
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autoptr(GIcon) icon = ph_notifier_app_icon ();
  g_autofree char *uri = NULL;
  PhDevice *replaced;

  /* The body holds what a sender chose (names): never markup. */
  ph_notification_text_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_notification_set_default_action_and_target (notification, "app.show-batch", "s", id);

  switch (kind)
    {
    case SHOWN_ASK:
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_add_button_with_target (notification, _("Decline"),
                                             "app.decline-batch", "s", id);
      if ((replaced = key_change (watch)) != NULL)
        {
          g_autofree char *warning =
            ph_destination_describe_key_change (replaced, ph_batch_get_device_name (watch->batch));

          g_notification_set_title (notification, warning);
          g_notification_add_button_with_target (notification, _("Pair Again…"),
                                                 "app.accept-and-pair-batch", "s", id);
          break;
        }
      g_notification_add_button_with_target (notification, _("Accept All"),
                                             "app.accept-all-batch", "s", id);
      g_notification_add_button_with_target (notification, _("Accept"),
                                             "app.accept-batch", "s", id);
      break;

    case SHOWN_RUNNING:
      g_notification_add_button_with_target (notification, _("Cancel"),
                                             "app.cancel-batch", "s", id);
      break;

    case SHOWN_FINAL:
      if (incoming && ph_batch_get_first_file (batch) != NULL)
        {
          uri = g_file_get_uri (ph_batch_get_first_file (batch));
          g_notification_add_button_with_target (notification, _("Show in Folder"),
                                                 "app.show-in-folder", "s", uri);
          if (ph_batch_get_n_files (batch) == 1)
            {
              g_notification_set_default_action_and_target (notification, "app.open-file", "s", uri);
              g_notification_add_button_with_target (notification, _("Open"),
                                                     "app.open-file", "s", uri);
            }
        }
      if (!incoming && ph_batch_get_state (batch) == PH_TRANSFER_FAILED)
        g_notification_add_button_with_target (notification, _("Retry"),
                                               "app.retry-batch", "s", id);
      break;

    case SHOWN_NONE:
    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&notification);
}

static void
withdraw (Watch *watch)
{
  if (watch->id != NULL && watch->notifier->application != NULL)
    g_application_withdraw_notification (watch->notifier->application, watch->id);

  g_clear_pointer (&watch->id, g_free);
  g_clear_pointer (&watch->title, g_free);
  g_clear_pointer (&watch->body, g_free);
  watch->shown = SHOWN_NONE;
}

static void
send (Watch *watch,
      Shown  kind)
{
  PhBatch *batch = watch->batch;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GNotification) notification = NULL;

  if (watch->notifier->application == NULL)
    return;

  if (!ph_format_batch_notification (batch, &title, &body))
    {
      withdraw (watch);
      return;
    }

  if (kind == SHOWN_FINAL &&
      ph_batch_get_direction (batch) == PH_TRANSFER_RECEIVE &&
      ph_batch_get_state (batch) == PH_TRANSFER_FAILED &&
      ph_batch_get_n_done (batch) == 0)
    id = g_strdup (REFUSED_ID);
  else
    id = g_strdup_printf ("batch-%s", ph_batch_get_id (batch));

  /* The same words again would only flash the banner. */
  if (watch->shown == kind && g_strcmp0 (watch->id, id) == 0 &&
      g_strcmp0 (watch->title, title) == 0 && g_strcmp0 (watch->body, body) == 0)
    return;

  if (watch->id != NULL && !g_str_equal (watch->id, id))
    withdraw (watch);

  notification = build (watch, kind, title, body);
  g_application_send_notification (watch->notifier->application, id, notification);

  g_free (watch->id);
  watch->id = g_steal_pointer (&id);
  g_free (watch->title);
  watch->title = g_steal_pointer (&title);
  g_free (watch->body);
  watch->body = g_steal_pointer (&body);
  watch->shown = kind;
  watch->last_sent = g_get_monotonic_time ();
}

static gboolean
timer_cb (gpointer user_data)
{
  Watch *watch = user_data;
  PhBatch *batch = watch->batch;

  watch->timer = 0;

  if (!ph_settings_get_notifications (watch->notifier->settings))
    return G_SOURCE_REMOVE;

  if (ph_batch_is_finished (batch))
    {
      if (window_focused (watch->notifier))
        withdraw (watch);
      else
        send (watch, SHOWN_FINAL);
    }
  else if (ph_batch_get_state (batch) == PH_TRANSFER_WAITING)
    send (watch, SHOWN_ASK);
  else
    {
      /* While the window has the focus the row is enough: look again
       * later rather than at once, which would spin the main loop. */
      if (window_focused (watch->notifier))
        schedule (watch, g_get_monotonic_time () + RUNNING_DELAY_MSEC * 1000);
      else
        {
          send (watch, SHOWN_RUNNING);
          evaluate (watch);
        }
    }

  return G_SOURCE_REMOVE;
}

static void
schedule (Watch  *watch,
          gint64  when)
{
  gint64 delay = (when - g_get_monotonic_time ()) / 1000;

  g_clear_handle_id (&watch->timer, g_source_remove);
  watch->timer = g_timeout_add (CLAMP (delay, 0, G_MAXINT), timer_cb, watch);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, watch->timer),
                            "[posthouse] batch notification");
}

static void
evaluate (Watch *watch)
{
  PhBatch *batch = watch->batch;
  PhTransferState state = ph_batch_get_state (batch);
  gint64 now = g_get_monotonic_time ();

  if (!ph_settings_get_notifications (watch->notifier->settings))
    return;

  if (state == PH_TRANSFER_WAITING)
    {
      /* Asked once per batch, focused or not: it needs an answer. The
       * burst's files gather first; one more later updates the count
       * (the same words again are not sent). */
      if (watch->shown == SHOWN_ASK)
        send (watch, SHOWN_ASK);
      else if (!watch->asking)
        {
          watch->asking = TRUE;
          schedule (watch, now + ASK_SETTLE_MSEC * 1000);
        }
      return;
    }
  watch->asking = FALSE;

  /* Answered, here or there, or sent again (Retry): the question or the
   * outcome must not linger. */
  if (watch->shown == SHOWN_ASK ||
      (watch->shown == SHOWN_FINAL && !ph_batch_is_finished (batch) &&
       ph_batch_get_direction (batch) == PH_TRANSFER_SEND))
    {
      g_clear_handle_id (&watch->timer, g_source_remove);
      withdraw (watch);
    }

  if (ph_batch_is_finished (batch))
    {
      watch->running_since = 0;
      if (state == PH_TRANSFER_CANCELLED)
        {
          g_clear_handle_id (&watch->timer, g_source_remove);
          withdraw (watch);
          return;
        }
      schedule (watch, now + SETTLE_MSEC * 1000);
      return;
    }

  if (watch->running_since == 0)
    watch->running_since = now;

  if (watch->shown == SHOWN_RUNNING)
    schedule (watch, watch->last_sent + RUNNING_UPDATE_MSEC * 1000);
  else
    schedule (watch, watch->running_since + RUNNING_DELAY_MSEC * 1000);
}

static void
batch_notify_cb (PhBatch    *batch,
                 GParamSpec *pspec,
                 Watch      *watch)
{
  /* Progress alone changes nothing here: the timer carries it. */
  if (g_str_equal (pspec->name, "state") || g_str_equal (pspec->name, "n-files"))
    evaluate (watch);
}

static void
watch_free (Watch *watch)
{
  g_clear_handle_id (&watch->timer, g_source_remove);
  g_clear_pointer (&watch->id, g_free);
  g_clear_pointer (&watch->title, g_free);
  g_clear_pointer (&watch->body, g_free);
  g_clear_object (&watch->notifier);
  g_free (watch);
}

static void
ph_notifier_dispose (GObject *object)
{
  PhNotifier *self = PH_NOTIFIER (object);

  if (self->batches != NULL)
    g_signal_handlers_disconnect_by_data (self->batches, self);
  g_clear_object (&self->batches);
  g_clear_object (&self->devices);
  if (self->application != NULL)
    ph_notification_text_stop ();
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (ph_notifier_parent_class)->dispose (object);
}

static void
ph_notifier_finalize (GObject *object)
{
  PhNotifier *self = PH_NOTIFIER (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ph_notifier_parent_class)->finalize (object);
}

static void
ph_notifier_class_init (PhNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ph_notifier_dispose;
  object_class->finalize = ph_notifier_finalize;

  watch_quark = g_quark_from_static_string ("ph-notifier-watch");
}

static void
ph_notifier_init (PhNotifier *self)
{
}

/* Announces @batch from now on, for as long as it lives. */
static void
watch_batch (PhNotifier *self,
             PhBatch    *batch)
{
  Watch *watch;

  if (g_object_get_qdata (G_OBJECT (batch), watch_quark) != NULL)
    return;

  watch = g_new0 (Watch, 1);
  watch->notifier = g_object_ref (self);
  watch->batch = batch;
  g_object_set_qdata_full (G_OBJECT (batch), watch_quark, watch, (GDestroyNotify) watch_free);
  g_signal_connect (batch, "notify", G_CALLBACK (batch_notify_cb), watch);
  evaluate (watch);
}

static void
batches_changed_cb (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    PhNotifier *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(PhBatch) batch = g_list_model_get_item (model, i);

      watch_batch (self, batch);
    }
}

/**
 * ph_notifier_new:
 * @batches: the batches to announce: each one the list shows, from
 *   the moment it is added
 * @devices: the devices this computer remembers (a request from a new
 *   key under a paired device's name is warned about)
 */
PhNotifier *
ph_notifier_new (GApplication *application,
                 PhSettings   *settings,
                 PhBatchList  *batches,
                 PhDevices    *devices)
{
  PhNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (PH_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PH_IS_BATCH_LIST (batches), NULL);
  g_return_val_if_fail (PH_IS_DEVICES (devices), NULL);

  self = g_object_new (PH_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->settings = g_object_ref (settings);
  self->batches = g_object_ref (batches);
  self->devices = g_object_ref (devices);
  g_signal_connect (batches, "items-changed", G_CALLBACK (batches_changed_cb), self);
  /* Made at startup, registered: how does the server read a body? */
  ph_notification_text_probe (application);

  return self;
}
