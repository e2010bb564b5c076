/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "posthouse-core.h"
#include "ph-test-util.h"

#include "ph-application-private.h"
#include "ph-background-private.h"
#include "ph-batch-row-private.h"
#include "ph-batch-view-private.h"
#include "ph-file-row-private.h"
#include "ph-nearby-list-private.h"
#include "ph-nearby-row-private.h"
#include "ph-panel-private.h"
#include "ph-preferences-private.h"
#include "ph-request-bar-private.h"
#include "ph-window-private.h"

G_BEGIN_DECLS

typedef gboolean (*GuiCondition) (gpointer data);

int            gui_init            (int          *argc,
                                    char       ***argv);
PhApplication *gui_app_new         (void);
PhApplication *gui_app_new_with_history (const char *path);
char          *gui_new_history_path (void);
PhWindow      *gui_app_window      (PhApplication *app);
void           gui_app_free        (PhApplication *app);
void           gui_wait_until      (GuiCondition   condition,
                                    gpointer       data,
                                    const char    *what);
void           gui_wait_flag       (gboolean      *flag,
                                    const char    *what);
void           gui_wait_toast      (PhWindow      *window,
                                    const char    *text,
                                    const char    *what);
gboolean       gui_widget_visible  (gpointer       widget);
gboolean       gui_widget_mapped   (gpointer       widget);
void           gui_wait_uint       (const guint   *value,
                                    guint          expected,
                                    const char    *what);
void           gui_wait_width      (GtkWidget     *widget,
                                    int            max,
                                    const char    *what);
void           gui_iterate         (guint          msec);
GSettings     *gui_settings        (void);
char          *gui_make_file       (const char    *dir,
                                    const char    *name,
                                    gsize          size);
guint          gui_count_files     (const char    *dir);
void           gui_watch_exit      (GSubprocess   *process,
                                    gboolean      *exited);
void           gui_py_send         (const char    *host,
                                    guint          port,
                                    const char    *path);
PhBatch       *gui_batch_at        (PhApplication *app,
                                    guint          position);
guint          gui_n_batches       (PhApplication *app);
PhBatchRow    *gui_row_for         (PhWindow      *window,
                                    PhBatch       *batch);
PhBatchRow    *gui_find_row        (PhWindow      *window,
                                    PhBatch       *batch);
guint          gui_count_widgets   (GtkWidget     *root,
                                    GType          type);
void           gui_drop_files      (PhWindow      *window,
                                    GFile        **files,
                                    guint          n_files);
void           gui_unfocus         (PhWindow      *window);
gboolean       gui_notification_logged (const char *text);
guint          gui_notifications_count (const char *text);
gboolean       gui_receive_mode    (PhApplication *app);
void           gui_set_receive_mode (PhApplication *app,
                                    gboolean       on);
gboolean       gui_first_finished  (gpointer       app);
gboolean       gui_first_waiting   (gpointer       app);
char          *gui_menu_target     (GMenuModel    *menu,
                                    const char    *action);
GtkWidget     *gui_find_widget     (GtkWidget     *root,
                                    GType          type);
AdwMessageDialog *gui_wait_dialog  (PhWindow      *window);
void           gui_answer_dialog   (PhWindow      *window,
                                    const char    *response);

G_END_DECLS
