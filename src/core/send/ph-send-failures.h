/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The files of a batch that were not sent, and the one error that says
 * so: the plain lanes and the secure channel tell it alike. */
typedef struct
{
  guint   n_failed;
  GError *first_error;     /* the lowest position's, real failures first */
  guint   first_position;
  char   *first_name;
} PhSendFailures;

void    ph_send_failures_record  (PhSendFailures *self,
                                  guint           position,
                                  const char     *name,
                                  const GError   *error);
GError *ph_send_failures_summary (PhSendFailures *self);
void    ph_send_failures_clear   (PhSendFailures *self);

GError *ph_send_connect_error    (const char     *peer,
                                  const char     *host,
                                  guint           timeout,
                                  GError         *error);

G_END_DECLS
