/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"

G_BEGIN_DECLS

/* Called with the destination chosen (a name nearby or an address as
 * typed), once, if one was, and the files (GFile*) dropped on the
 * dialog meanwhile, to go there too. */
typedef void (*PhDestinationChosenFunc) (const char *destination,
                                         GPtrArray  *dropped,
                                         gpointer    user_data);

GtkWindow *ph_destination_dialog_ask (GtkWindow               *parent,
                                      PhBrowser               *browser,
                                      PhDevices               *devices,
                                      const char              *initial,
                                      guint                    n_files,
                                      gboolean                 text,
                                      PhDestinationChosenFunc  func,
                                      gpointer                 user_data,
                                      GDestroyNotify           destroy);

G_END_DECLS
