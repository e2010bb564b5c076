/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_TYPE_CLI_FILES (ph_cli_files_get_type ())

G_DECLARE_FINAL_TYPE (PhCliFiles, ph_cli_files, PH, CLI_FILES, GObject)

/* Called for every transfer the list creates, before the engine sees it. */
typedef void (*PhCliFilesFunc) (PhCliFiles *files,
                                PhTransfer *transfer,
                                guint       position,
                                gpointer    user_data);

PhCliFiles *ph_cli_files_new       (const char      *destination,
                                    PhCliFilesFunc   func,
                                    gpointer         user_data);
void        ph_cli_files_set_keep_folders (PhCliFiles *self,
                                           gboolean    keep_folders);
guint       ph_cli_files_add       (PhCliFiles      *self,
                                    const char      *arg,
                                    GPtrArray       *errors);
const char *ph_cli_files_get_label (PhCliFiles      *self,
                                    guint            position);

G_END_DECLS
