/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhBrowser: finding one receiver by the name it announced, or by an
 * address it was seen at. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-browser-private.h"
#include "ph-error.h"
#include "ph-dns-sd.h"
#include "ph-gsource-private.h"

/* How long a receiver just seen gets to show its other addresses. */
#define GRACE_MSEC 250

typedef struct
{
  PhBrowser *browser;
  char      *name;      /* the name looked for, or the address as text */
  char      *folded;    /* looking for a name: how it compares */
  char      *host;      /* looking for an address: its host and port */
  guint      port;
  gulong     items_id;
  gulong     answered_id;
  gulong     settled_id;
  gulong     state_id;
  GSource   *timeout;
  GSource   *cancel;
  GSource   *grace;
  gboolean   grace_over;
  gboolean   timed_out;
  gboolean   wanting;
} Lookup;

static void
disconnect (Lookup *lookup)
{
  g_clear_signal_handler (&lookup->items_id, lookup->browser);
  g_clear_signal_handler (&lookup->answered_id, lookup->browser);
  g_clear_signal_handler (&lookup->settled_id, lookup->browser);
  g_clear_signal_handler (&lookup->state_id, lookup->browser);
  ph_gsource_clear (&lookup->timeout);
  ph_gsource_clear (&lookup->cancel);
  ph_gsource_clear (&lookup->grace);
  if (lookup->wanting)
    ph_browser_want (lookup->browser, lookup->folded, FALSE);
  lookup->wanting = FALSE;
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

/* The receivers seen at the address looked for. */
static GPtrArray *
at_address (Lookup *lookup)
{
  GListModel *model = G_LIST_MODEL (lookup->browser);
  guint n = g_list_model_get_n_items (model);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PhNearbyReceiver) peer = g_list_model_get_item (model, i);

      if (ph_nearby_receiver_has_address (peer, lookup->host, lookup->port))
        g_ptr_array_add (found, g_object_ref (peer));
    }

  return found;
}

/* "10.13.0.1:6666 (alpha.local), 10.14.0.3:6666 (charlie.local)" */
static char *
describe (GPtrArray *found)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < found->len; i++)
    {
      PhNearbyReceiver *peer = g_ptr_array_index (found, i);
      const char *host_name = ph_nearby_receiver_get_host_name (peer);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, ph_nearby_receiver_get_address (peer));
      if (host_name != NULL && *host_name != '\0')
        g_string_append_printf (text, " (%s)", host_name);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean grace_cb (gpointer user_data);

static gboolean
check (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  PhBrowser *browser = lookup->browser;
  g_autoptr(GPtrArray) found = NULL;
  gboolean resolving;
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

  if (lookup->host != NULL)
    {
      found = at_address (lookup);
      resolving = FALSE;
      final = lookup->timed_out || ph_browser_get_settled (browser);
    }
  else
    {
      /* Announcements of this name are resolved first; the answer waits
       * for all of them, so that a second computer of the same name is
       * never missed because the first answered sooner. */
      found = ph_browser_dup_matches (browser, lookup->name);
      resolving = ph_browser_is_resolving (browser, lookup->folded);
      final = lookup->timed_out || (!resolving && ph_browser_has_looked_around (browser));
    }

  /* Two computers (or two installations) answer to this name: which is
   * which, the name cannot say. Never pick one; say where each is, once
   * each is known at its best address. */
  if (found->len > 1 && (final || (lookup->host == NULL && !resolving)))
    {
      g_autofree char *addresses = describe (found);

      if (lookup->host != NULL)
        g_task_return_new_error (task, PH_ERROR, PH_ERROR_AMBIGUOUS,
                                 _("Several receivers nearby announced %s: %s"), lookup->name, addresses);
      else
        g_task_return_new_error (task, PH_ERROR, PH_ERROR_AMBIGUOUS,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "%u receiver nearby is called “%s”: %s. Send to its address instead",
                                              "%u receivers nearby are called “%s”: %s. Send to one of these addresses instead",
                                              found->len),
                                 found->len, lookup->name, addresses);
      return TRUE;
    }

  /* Seen over one protocol, a receiver's other addresses are a moment
   * away (IPv4 resolves as IPv6 does): give them that moment, then
   * connect to the best. */
  if (found->len == 1 && (final || (!resolving && lookup->grace_over)))
    {
      g_task_return_pointer (task, g_object_ref (g_ptr_array_index (found, 0)), g_object_unref);
      return TRUE;
    }

  if (final && found->len == 0)
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

static void
answered_cb (PhBrowser *browser,
             GTask     *task)
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
  if (lookup->folded != NULL)
    {
      ph_browser_want (self, lookup->folded, TRUE);
      lookup->wanting = TRUE;
    }

  if (g_task_return_error_if_cancelled (task) || check (task))
    return;

  lookup->items_id = g_signal_connect (self, "items-changed", G_CALLBACK (items_changed_cb), task);
  lookup->answered_id = g_signal_connect (self, "answered", G_CALLBACK (answered_cb), task);
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
 * Waits for the receiver called @name: until it is seen and every
 * announcement of that name was resolved (those go first, however
 * many others are announced), until the browser looked around without
 * seeing it, or until @timeout_msec. Finish with
 * ph_browser_lookup_finish(): the receiver, or %PH_ERROR_AMBIGUOUS
 * (with every address in the message) when more than one receiver,
 * on more than one computer, answers to @name
 * (ph_browser_dup_matches()).
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
  lookup->folded = ph_dns_sd_fold_name (name);
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
