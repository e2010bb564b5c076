/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the GUI tests of trust share: keys, windows found, screenshots. */

#include "config.h"

#include <string.h>

#include "trust-common.h"

char *
trust_key (const char *seed)
{
  return ph_fingerprint_from_spki ((const guint8 *) seed, strlen (seed));
}

void
trust_screenshot (GtkWidget  *widget,
                  const char *name)
{
  const char *dir = g_getenv ("PH_SCREENSHOT_DIR");
  g_autofree char *default_dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gui_iterate (300);
  dir = dir ? dir : default_dir;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The one window of @type the application shows, or NULL. */
GtkWindow *
trust_find_window (PhApplication *app,
                   GType          type)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;
  return NULL;
}

GtkWidget *
trust_find_child (GtkWidget *root,
                  GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = trust_find_child (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

