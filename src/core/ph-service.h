/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a Posthouse receiver announces over DNS-SD (SPEC, Discovery). */
#define PH_SERVICE_TYPE     "_posthouse._tcp"
/* DNS labels are at most 63 bytes; Avahi refuses longer instance names. */
#define PH_SERVICE_NAME_MAX 63

typedef struct
{
  char     *id;            /* 32 lower-case hex digits, or NULL when absent or malformed */
  gboolean  asks;          /* ask=1 */
  gboolean  accepts_paths; /* paths=1 */
} PhServiceTxt;

char       **ph_service_txt_build            (const char          *id,
                                              gboolean             asks,
                                              gboolean             accepts_paths);
void         ph_service_txt_parse            (const char * const  *pairs,
                                              const gssize        *lengths,
                                              PhServiceTxt        *txt);
void         ph_service_txt_clear            (PhServiceTxt        *txt);
gboolean     ph_service_id_is_valid          (const char          *id);
char        *ph_service_clip_name            (const char          *name);
char        *ph_service_format_host          (const char          *address,
                                              guint                interface_index);
gboolean     ph_service_interface_for_address (const char         *address,
                                              guint               *interface_index,
                                              GSocketFamily       *family,
                                              GError             **error);
const char  *ph_service_unavailable_message  (void);

G_END_DECLS
