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
  char     *fingerprint;   /* fp= beside tls=1 (43 base64url characters), else NULL */
} PhDnsSdTxt;

char       **ph_dns_sd_txt_build            (const char          *id,
                                              gboolean             asks,
                                              gboolean             accepts_paths,
                                              const char          *fingerprint);
void         ph_dns_sd_txt_parse            (const char * const  *pairs,
                                              const gssize        *lengths,
                                              PhDnsSdTxt        *txt);
void         ph_dns_sd_txt_clear            (PhDnsSdTxt        *txt);
gboolean     ph_dns_sd_id_is_valid          (const char          *id);
gboolean     ph_dns_sd_fingerprint_is_valid (const char          *fingerprint,
                                              gssize               length);
char        *ph_dns_sd_clip_name            (const char          *name);
char        *ph_dns_sd_fold_name            (const char          *name);
const char  *ph_dns_sd_unavailable_message  (void);

G_END_DECLS
