/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PH_NAMING_TEXT_FILE,   /* a control character leaves '_' */
  PH_NAMING_TEXT_LABEL,  /* a control character becomes a space */
} PhNamingText;

GString *ph_naming_clean_text (const char   *p,
                               const char   *end,
                               PhNamingText  kind);

G_END_DECLS
