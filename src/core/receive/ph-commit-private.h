/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* For tests: what ph_commit() remembers between commits, and what it
 * costs in names tried or looked up. */
void  ph_commit_forget_hints (void);
void  ph_commit_remember     (GFile      *directory,
                              const char *name,
                              guint       next);
guint ph_commit_get_attempts (void);

G_END_DECLS
