/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhSendPlan: an address that cannot be one fails before any folder is
 * walked; then the walk (in a thread), then the destination resolved,
 * knowing whether folders are sent. */
#include "config.h"

#include <string.h>

#include "ph-address.h"
#include "ph-destination-resolve.h"
#include "ph-destination-trust.h"
#include "ph-send-plan.h"

struct _PhSendPlan
{
  GObject        parent_instance;

  PhBrowser     *browser;     /* while planning */
  PhDevices     *devices;     /* (nullable): while planning */
  gboolean       require_encryption;
  gboolean       trusted;     /* the channel is decided with the plan */
  char          *text;
  int            port;
  PhFolderWalk  *walk;
  PhDestination *destination;
  PhSendList    *transfers;
};

G_DEFINE_FINAL_TYPE (PhSendPlan, ph_send_plan, G_TYPE_OBJECT)

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PhSendPlan *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->destination = ph_destination_resolve_finish (result, &error);
  g_clear_object (&self->browser);
  if (self->destination == NULL)
    {
      g_clear_object (&self->devices);
      g_task_return_error (task, error);
      return;
    }

  if (self->trusted &&
      !ph_destination_decide_channel (self->destination, self->devices, self->require_encryption, &error))
    {
      g_clear_object (&self->devices);
      g_task_return_error (task, error);
      return;
    }
  g_clear_object (&self->devices);

  /* In the secure channel the receiver's hello says whether it keeps
   * folders; the sender sends base names when it does not. */
  self->transfers = ph_send_list_new (self->walk, ph_destination_get_address (self->destination),
                                      ph_destination_get_accepts_paths (self->destination) ||
                                      ph_destination_get_announced_fingerprint (self->destination) != NULL ||
                                      ph_destination_get_secure (self->destination));
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
walked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PhSendPlan *self = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!ph_folder_walk_run_finish (self->walk, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* An address typed by hand is looked for among the receivers nearby
   * when folders go (does it keep them?) and whenever the channel is
   * decided here: a receiver that announced a key is held to it, and
   * never sent to in the clear. */
  ph_destination_resolve_async (self->browser, self->text, self->port,
                                ph_folder_walk_get_n_folders (self->walk) > 0 || self->trusted,
                                cancellable, resolved_cb, g_steal_pointer (&task));
}

static void plan_start (PhSendPlan          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data);

/**
 * ph_send_plan_new_async:
 * @browser: (nullable): the receivers nearby, or %NULL to look with a
 *   browser of its own when needed (see ph_destination_resolve_async())
 * @destination: `HOST[:PORT]` or the name of a receiver nearby
 * @port: a port that overrides the one given or announced, -1 for none
 * @walk: the files to send, added but not walked yet
 *
 * Plans sending @walk's files to @destination. Finish with
 * ph_send_plan_new_finish(); it fails as ph_destination_resolve_async()
 * does, or when cancelled. A walk that found nothing makes a plan with
 * no transfers.
 */
void
ph_send_plan_new_async (PhBrowser           *browser,
                        const char          *destination,
                        int                  port,
                        PhFolderWalk        *walk,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  PhSendPlan *self;

  g_return_if_fail (browser == NULL || PH_IS_BROWSER (browser));
  g_return_if_fail (destination != NULL);
  g_return_if_fail (PH_IS_FOLDER_WALK (walk));

  self = g_object_new (PH_TYPE_SEND_PLAN, NULL);
  self->browser = browser ? g_object_ref (browser) : NULL;
  self->text = g_strdup (destination);
  self->port = port;
  self->walk = g_object_ref (walk);
  plan_start (self, cancellable, callback, user_data);
}

/**
 * ph_send_plan_new_trusted_async:
 * @devices: (nullable): the devices this computer remembers
 * @require_encryption: never the original format (`send
 *   --require-encryption`)
 *
 * As ph_send_plan_new_async(), and decides how the files go once the
 * destination is resolved (ph_destination_decide_channel()): the plan
 * fails as that does (%PH_ERROR_WRONG_KEY, %PH_ERROR_NOT_ENCRYPTED,
 * %PH_ERROR_BLOCKED) before anything is sent, and folders keep their
 * structure in the secure channel, where the receiver's hello says
 * whether it keeps them.
 */
void
ph_send_plan_new_trusted_async (PhBrowser           *browser,
                                PhDevices           *devices,
                                gboolean             require_encryption,
                                const char          *destination,
                                int                  port,
                                PhFolderWalk        *walk,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  PhSendPlan *self;

  g_return_if_fail (browser == NULL || PH_IS_BROWSER (browser));
  g_return_if_fail (devices == NULL || PH_IS_DEVICES (devices));
  g_return_if_fail (destination != NULL);
  g_return_if_fail (PH_IS_FOLDER_WALK (walk));

  self = g_object_new (PH_TYPE_SEND_PLAN, NULL);
  self->browser = browser ? g_object_ref (browser) : NULL;
  self->devices = devices ? g_object_ref (devices) : NULL;
  self->require_encryption = require_encryption;
  self->trusted = TRUE;
  self->text = g_strdup (destination);
  self->port = port;
  self->walk = g_object_ref (walk);
  plan_start (self, cancellable, callback, user_data);
}

/* Takes @self. */
static void
plan_start (PhSendPlan          *self,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  guint16 parsed;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ph_send_plan_new_async);
  g_task_set_task_data (task, self, g_object_unref);

  /* Something that can only be meant as an address, and is not one,
   * is said at once, not after walking a large folder. */
  trimmed = g_strstrip (g_strdup (self->text));
  if ((strchr (trimmed, ':') != NULL || g_hostname_is_ip_address (trimmed)) &&
      !ph_address_parse (trimmed, PH_DEFAULT_PORT, &host, &parsed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ph_folder_walk_run_async (self->walk, cancellable, walked_cb, g_steal_pointer (&task));
}

/* Returns: (transfer full): the plan */
PhSendPlan *
ph_send_plan_new_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ph_send_plan_new_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Returns: (transfer none): where the files go */
PhDestination *
ph_send_plan_get_destination (PhSendPlan *self)
{
  g_return_val_if_fail (PH_IS_SEND_PLAN (self), NULL);

  return self->destination;
}

/* Returns: (transfer none): the files found */
PhFolderWalk *
ph_send_plan_get_walk (PhSendPlan *self)
{
  g_return_val_if_fail (PH_IS_SEND_PLAN (self), NULL);

  return self->walk;
}

/* Returns: (transfer none): the transfers to hand to the send queue */
PhSendList *
ph_send_plan_get_transfers (PhSendPlan *self)
{
  g_return_val_if_fail (PH_IS_SEND_PLAN (self), NULL);

  return self->transfers;
}

static void
ph_send_plan_finalize (GObject *object)
{
  PhSendPlan *self = PH_SEND_PLAN (object);

  g_clear_object (&self->browser);
  g_clear_object (&self->devices);
  g_free (self->text);
  g_clear_object (&self->walk);
  g_clear_object (&self->destination);
  g_clear_object (&self->transfers);

  G_OBJECT_CLASS (ph_send_plan_parent_class)->finalize (object);
}

static void
ph_send_plan_class_init (PhSendPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ph_send_plan_finalize;
}

static void
ph_send_plan_init (PhSendPlan *self)
{
}
