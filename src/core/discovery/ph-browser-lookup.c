/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser: finding one receiver by the name it announced, or by an
 * address it was seen at. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-browser.h"
#include "ph-error.h"
#include "ph-dns-sd.h"
#include "ph-gsource-private.h"

/* How long a receiver just seen gets to show its other addresses. */
#define GRACE_MSEC 250

typedef struct
{
  PhBrowser *browser;
  char      *name;      /* the name looked for, or the address as text */
  char      *folded;
  char      *host;      /* looking for an address: its host and port */
  guint      port;
  gulong     items_id;
  gulong     settled_id;
  gulong     state_id;
  GSource   *timeout;
  GSource   *cancel;
  GSource   *grace;
  gboolean   grace_over;
  gboolean   timed_out;
} Lookup;

static void
disconnect (Lookup *lookup)
{
  g_clear_signal_handler (&lookup->items_id, lookup->browser);
  g_clear_signal_handler (&lookup->settled_id, lookup->browser);
  g_clear_signal_handler (&lookup->state_id, lookup->browser);
  ph_gsource_clear (&lookup->timeout);
  ph_gsource_clear (&lookup->cancel);
  ph_gsource_clear (&lookup->grace);
}

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  disconnect (lookup);
  g_object_unref (lookup->browser);
  g_free (lookup->name);
  g_free (lookup->folded);
  g_free (lookup->host);
  g_free (lookup);
}

static char *
fold (const char *name)
{
  g_autofree char *normal = g_utf8_normalize (name, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal ? normal : name, -1);
}

/* The receivers called @name; written the same way if there are any,
 * else the same but for case. */
static GPtrArray *
matches (Lookup *lookup)
{
  GListModel *model = G_LIST_MODEL (lookup->browser);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GPtrArray) exact = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) loose = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhNearbyReceiver) peer = g_list_model_get_item (model, i);
      g_autofree char *folded = NULL;

      if (lookup->host != NULL)
        {
          if (ph_nearby_receiver_has_address (peer, lookup->host, lookup->port))
            g_ptr_array_add (exact, g_object_ref (peer));
          continue;
        }

      folded = fold (ph_nearby_receiver_get_name (peer));
      if (g_str_equal (ph_nearby_receiver_get_name (peer), lookup->name))
        g_ptr_array_add (exact, g_object_ref (peer));
      else if (g_str_equal (folded, lookup->folded))
        g_ptr_array_add (loose, g_object_ref (peer));
    }

  return exact->len > 0 ? g_steal_pointer (&exact) : g_steal_pointer (&loose);
}

static gboolean grace_cb (gpointer user_data);

static gboolean
check (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  PhBrowser *browser = lookup->browser;
  g_autoptr(GPtrArray) found = NULL;
  gboolean final;

  switch (ph_browser_get_state (browser))
    {
    case PH_BROWSER_UNSUPPORTED:
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_NO_DISCOVERY, "%s",
                               _("This build of Posthouse cannot find computers nearby (it was built without Avahi)"));
      return TRUE;
    case PH_BROWSER_UNAVAILABLE:
    case PH_BROWSER_STOPPED:
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_NO_DISCOVERY, "%s",
                               ph_dns_sd_unavailable_message ());
      return TRUE;
    case PH_BROWSER_RUNNING:
    default:
      break;
    }

  found = matches (lookup);
  final = lookup->timed_out || ph_browser_get_settled (browser);

  /* Seen over one protocol, a receiver's other addresses are a moment
   * away (IPv4 resolves as IPv6 does): give them that moment, then
   * connect to the best. */
  if (found->len == 1 && (final || lookup->grace_over))
    {
      g_task_return_pointer (task, g_object_ref (g_ptr_array_index (found, 0)), g_object_unref);
      return TRUE;
    }
  /* Avahi renames duplicates on one network; across two, wait for all. */
  if (found->len > 1 && final)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) addresses = NULL;
      g_autofree char *joined = NULL;

      for (guint i = 0; i < found->len; i++)
        g_strv_builder_add (builder, ph_nearby_receiver_get_address (g_ptr_array_index (found, i)));
      addresses = g_strv_builder_end (builder);
      joined = g_strjoinv (", ", addresses);
      g_task_return_new_error (task, PH_ERROR, PH_ERROR_AMBIGUOUS,
                               _("Several receivers nearby are called “%s”: use the address of one (%s)"),
                               lookup->name, joined);
      return TRUE;
    }

  if (final)
    {
      if (lookup->host != NULL)
        g_task_return_new_error (task, PH_ERROR, PH_ERROR_NOT_FOUND,
                                 _("No receiver nearby announced %s"), lookup->name);
      else
        g_task_return_new_error (task, PH_ERROR, PH_ERROR_NOT_FOUND,
                                 _("No receiver called “%s” was found nearby"), lookup->name);
      return TRUE;
    }

  if (found->len > 0 && lookup->grace == NULL && !lookup->grace_over)
    lookup->grace = ph_gsource_attach (g_timeout_source_new (GRACE_MSEC), "[posthouse] lookup grace",
                                      grace_cb, task, g_task_get_context (task));

  return FALSE;
}

/* The signal handlers and the sources share one reference to the task:
 * once it has returned, drop them all. */
static void
done (GTask *task)
{
  disconnect (g_task_get_task_data (task));
  g_object_unref (task);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GTask      *task)
{
  if (check (task))
    done (task);
}

static void
notify_cb (PhBrowser  *browser,
           GParamSpec *pspec,
           GTask      *task)
{
  if (check (task))
    done (task);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);

  lookup->timed_out = TRUE;
  check (task);
  done (task);

  return G_SOURCE_REMOVE;
}

static gboolean
grace_cb (gpointer user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);

  ph_gsource_clear (&lookup->grace);
  lookup->grace_over = TRUE;
  if (check (task))
    done (task);

  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;

  g_task_return_error_if_cancelled (task);
  done (task);

  return G_SOURCE_REMOVE;
}

static void
start (PhBrowser           *self,
       Lookup              *lookup,
       guint                timeout_msec,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  lookup->browser = g_object_ref (self);
  g_task_set_task_data (task, lookup, lookup_free);

  if (g_task_return_error_if_cancelled (task) || check (task))
    return;

  lookup->items_id = g_signal_connect (self, "items-changed", G_CALLBACK (items_changed_cb), task);
  lookup->settled_id = g_signal_connect (self, "notify::settled", G_CALLBACK (notify_cb), task);
  lookup->state_id = g_signal_connect (self, "notify::state", G_CALLBACK (notify_cb), task);
  lookup->timeout = ph_gsource_attach (g_timeout_source_new (timeout_msec), "[posthouse] lookup timeout",
                                      timeout_cb, task, g_task_get_context (task));
  if (cancellable != NULL)
    {
      lookup->cancel = g_cancellable_source_new (cancellable);
      g_source_set_static_name (lookup->cancel, "[posthouse] lookup cancelled");
      g_source_set_callback (lookup->cancel, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (lookup->cancel, g_task_get_context (task));
    }
  g_steal_pointer (&task);
}

/**
 * ph_browser_lookup_async:
 * @self: a started browser
 * @name: a receiver's name, as ph_nearby_receiver_get_name() gives it (case and
 *   Unicode normalisation do not matter when nothing matches exactly)
 * @timeout_msec: how long to wait at most for it to show up
 *
 * Waits for the receiver called @name: until it is seen, until the
 * browser settled without seeing it, or until @timeout_msec.
 */
void
ph_browser_lookup_async (PhBrowser           *self,
                         const char          *name,
                         guint                timeout_msec,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Lookup *lookup;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  lookup = g_new0 (Lookup, 1);
  lookup->name = g_strdup (name);
  lookup->folded = fold (name);
  start (self, lookup, timeout_msec, cancellable, callback, user_data, ph_browser_lookup_async);
}

/**
 * ph_browser_lookup_address_async:
 * @self: a started browser
 * @host: an IP address, as typed (with or without a scope)
 * @port: its port
 * @timeout_msec: how long to wait at most
 *
 * Waits for a receiver announced at @host:@port, so that an address
 * typed by hand is recognised as a receiver nearby (and what it
 * announced known: "accepts-paths"). Finish with
 * ph_browser_lookup_finish().
 */
void
ph_browser_lookup_address_async (PhBrowser           *self,
                                 const char          *host,
                                 guint                port,
                                 guint                timeout_msec,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Lookup *lookup;

  g_return_if_fail (PH_IS_BROWSER (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  lookup = g_new0 (Lookup, 1);
  lookup->host = g_strdup (host);
  lookup->port = port;
  lookup->name = ph_address_format (host, port);
  start (self, lookup, timeout_msec, cancellable, callback, user_data,
         ph_browser_lookup_address_async);
}

/**
 * ph_browser_lookup_finish:
 *
 * Returns: (transfer full): the receiver, or %NULL with %PH_ERROR_NOT_FOUND,
 *   %PH_ERROR_AMBIGUOUS or %PH_ERROR_NO_DISCOVERY
 */
PhNearbyReceiver *
ph_browser_lookup_finish (PhBrowser     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (PH_IS_BROWSER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
