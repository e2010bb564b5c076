/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-gsource-private.h"

/* @source: (transfer full); @name: a static string, for profilers.
 * Returns: (transfer full): @source, attached to @context */
GSource *
ph_gsource_attach (GSource      *source,
                  const char   *name,
                  GSourceFunc   func,
                  gpointer      user_data,
                  GMainContext *context)
{
  g_source_set_static_name (source, name);
  g_source_set_callback (source, func, user_data, NULL);
  g_source_attach (source, context);

  return source;
}

/* Removes *@source from its context (fired or not) and drops it. */
void
ph_gsource_clear (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}
