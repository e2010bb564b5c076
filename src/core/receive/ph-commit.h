/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How ph_commit() claims the final name; each falls back to the
 * next where the file system lacks it. */
typedef enum
{
  PH_COMMIT_RENAME,    /* renameat2 (RENAME_NOREPLACE) */
  PH_COMMIT_LINK,      /* link () + unlink () */
  PH_COMMIT_EXCLUSIVE, /* O_EXCL placeholder, then rename () over it */
} PhCommitMethod;

GFile *ph_commit      (GFile           *temporary,
                       GFile           *directory,
                       const char      *name,
                       GError         **error);
GFile *ph_commit_with (GFile           *temporary,
                       GFile           *directory,
                       const char      *name,
                       PhCommitMethod   method,
                       GError         **error);
GFile *ph_commit_fd   (int              fd,
                       int              dir_fd,
                       GFile           *directory,
                       const char      *name,
                       GError         **error);
GFile *ph_commit_at   (GFile           *temporary,
                       int              dir_fd,
                       GFile           *directory,
                       const char      *name,
                       GError         **error);

G_END_DECLS
