/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The folders of a received path (SPEC, Folder paths), made or merged
 * below the receive folder one component at a time, never through a
 * symbolic link. */

/* Numbered variants tried for a folder name that a file or a symbolic
 * link holds already ("Holiday (2)"). */
#define PH_FOLDERS_MAX_VARIANTS 100

int ph_folders_open (int          root_fd,
                     GFile       *root,
                     const char  *folders,
                     GFile      **folder,
                     GError     **error);

G_END_DECLS
