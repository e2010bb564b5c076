/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What every C suite needs the same way: temporary trees and ports. */

char      *ph_test_make_tmp_dir     (const char *template);
void       ph_test_rm_rf            (const char *path);
GPtrArray *ph_test_list_dir         (const char *path);
char      *ph_test_make_sparse_file (const char *dir,
                                     const char *name,
                                     gint64      size);
guint16    ph_test_unused_port      (void);
void       ph_test_assert_same_file (const char *expected,
                                     const char *path);
char      *ph_test_isolate_config   (void);

G_END_DECLS
