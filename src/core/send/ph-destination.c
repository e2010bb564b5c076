/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PhDestination: where files go, and what the receiver there takes. */
#include "config.h"

#include <glib/gi18n.h>

#include "ph-address.h"
#include "ph-destination.h"
#include "ph-error.h"

struct _PhDestination
{
  GObject   parent_instance;

  char     *host;
  guint     port;
  char     *address;        /* HOST:PORT */
  char     *name;           /* announced nearby */
  char     *fingerprint;    /* the key to expect */
  gboolean  found_by_name;
  gboolean  accepts_paths;

  /* What the announcement said; nearby is FALSE without one. */
  gboolean  nearby;
  char     *installation_id;
  char     *announced_fingerprint;  /* tls=1 with its fp=, else NULL */

  /* Decided with the trust store. */
  gboolean  secure;
  gboolean  paired;
};

G_DEFINE_FINAL_TYPE (PhDestination, ph_destination, G_TYPE_OBJECT)

/* g_set_str(), which GLib 2.74 lacks. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_NAME,
  PROP_ACCEPTS_PATHS,
  PROP_FINGERPRINT,
  PROP_SECURE,
  PROP_PAIRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ph_destination_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PhDestination *self = PH_DESTINATION (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ACCEPTS_PATHS:
      g_value_set_boolean (value, self->accepts_paths);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_SECURE:
      g_value_set_boolean (value, self->secure);
      break;
    case PROP_PAIRED:
      g_value_set_boolean (value, self->paired);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ph_destination_finalize (GObject *object)
{
  PhDestination *self = PH_DESTINATION (object);

  g_free (self->host);
  g_free (self->address);
  g_free (self->name);
  g_free (self->fingerprint);
  g_free (self->installation_id);
  g_free (self->announced_fingerprint);

  G_OBJECT_CLASS (ph_destination_parent_class)->finalize (object);
}

static void
ph_destination_class_init (PhDestinationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ph_destination_finalize;
  object_class->get_property = ph_destination_get_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_ACCEPTS_PATHS] = g_param_spec_boolean ("accepts-paths", NULL, NULL, FALSE, ro);
  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, ro);
  properties[PROP_SECURE] = g_param_spec_boolean ("secure", NULL, NULL, FALSE, ro);
  properties[PROP_PAIRED] = g_param_spec_boolean ("paired", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ph_destination_init (PhDestination *self)
{
}

/* Returns: (transfer full): @host:@port, nothing known of it yet */
PhDestination *
ph_destination_new (const char *host,
                    guint       port)
{
  PhDestination *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port > 0 && port <= G_MAXUINT16, NULL);

  self = g_object_new (PH_TYPE_DESTINATION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->address = ph_address_format (host, port);

  return self;
}

const char *
ph_destination_get_host (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), NULL);

  return self->host;
}

guint
ph_destination_get_port (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), 0);

  return self->port;
}

/* Returns: `HOST:PORT` (`[v6]:PORT`), what transfers are sent to */
const char *
ph_destination_get_address (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), NULL);

  return self->address;
}

/* Returns: (nullable): the name the receiver announced nearby */
const char *
ph_destination_get_name (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), NULL);

  return self->name;
}

void
ph_destination_set_name (PhDestination *self,
                         const char    *name)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  if (set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/* Returns: whether it was given as the name of a receiver nearby */
gboolean
ph_destination_get_found_by_name (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), FALSE);

  return self->found_by_name;
}

void
ph_destination_set_found_by_name (PhDestination *self,
                                  gboolean       found_by_name)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  self->found_by_name = !!found_by_name;
}

/* Returns: whether the receiver announced that it keeps folder paths */
gboolean
ph_destination_get_accepts_paths (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), FALSE);

  return self->accepts_paths;
}

void
ph_destination_set_accepts_paths (PhDestination *self,
                                  gboolean       accepts_paths)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  if (self->accepts_paths == !!accepts_paths)
    return;

  self->accepts_paths = !!accepts_paths;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPTS_PATHS]);
}

/* Returns: (nullable): the fingerprint the receiver must prove */
const char *
ph_destination_get_fingerprint (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), NULL);

  return self->fingerprint;
}

void
ph_destination_set_fingerprint (PhDestination *self,
                                const char    *fingerprint)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  if (set_str (&self->fingerprint, fingerprint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGERPRINT]);
}

/* Returns: whether the receiver was seen announced nearby */
gboolean
ph_destination_get_nearby (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), FALSE);

  return self->nearby;
}

/* Returns: (nullable): the installation id it announced (id=) */
const char *
ph_destination_get_installation_id (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), NULL);

  return self->installation_id;
}

/* Returns: (nullable): the key it announced with tls=1 (fp=), NULL when
 *   it announced no secure channel */
const char *
ph_destination_get_announced_fingerprint (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), NULL);

  return self->announced_fingerprint;
}

/**
 * ph_destination_set_announcement:
 * @installation_id: (nullable): its id=
 * @fingerprint: (nullable): its fp= when it announced tls=1, else %NULL
 *
 * What the receiver's announcement nearby said: a hint the trust store
 * and the handshake check. The announced key is also the one to expect,
 * until ph_destination_decide_channel() says otherwise.
 */
void
ph_destination_set_announcement (PhDestination *self,
                                 const char    *installation_id,
                                 const char    *fingerprint)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  self->nearby = TRUE;
  set_str (&self->installation_id, installation_id);
  set_str (&self->announced_fingerprint, fingerprint);
  ph_destination_set_fingerprint (self, fingerprint);
  ph_destination_set_secure (self, fingerprint != NULL);
}

/* Returns: whether files go to it through the secure channel */
gboolean
ph_destination_get_secure (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), FALSE);

  return self->secure;
}

void
ph_destination_set_secure (PhDestination *self,
                           gboolean       secure)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  if (self->secure == !!secure)
    return;

  self->secure = !!secure;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURE]);
}

/* Returns: whether it is a paired device (its key compared by people) */
gboolean
ph_destination_get_paired (PhDestination *self)
{
  g_return_val_if_fail (PH_IS_DESTINATION (self), FALSE);

  return self->paired;
}

void
ph_destination_set_paired (PhDestination *self,
                           gboolean       paired)
{
  g_return_if_fail (PH_IS_DESTINATION (self));

  if (self->paired == !!paired)
    return;

  self->paired = !!paired;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAIRED]);
}

/**
 * ph_destination_text_is_valid:
 * @text: (nullable): a destination as typed
 *
 * Returns: whether @text is an address files can be sent to, else
 *   %FALSE with @error saying what is wrong with it
 */
gboolean
ph_destination_text_is_valid (const char  *text,
                              GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (text == NULL || text[0] == '\0')
    {
      g_set_error_literal (error, PH_ERROR, PH_ERROR_INVALID_ADDRESS,
                           _("Enter the address of the receiving computer"));
      return FALSE;
    }

  return ph_address_parse (text, PH_DEFAULT_PORT, &host, &port, error);
}
