/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "posthouse-core.h"
#include "ph-transfer-private.h"
#include "ph-test-util.h"

G_BEGIN_DECLS

/* A receiver on 127.0.0.1 (port 0), saving into a fresh temporary
 * folder; files to send go into another one. */
typedef struct
{
  char       *src_dir;
  char       *dst_dir;
  GFile      *dst;
  PhReceiver *receiver;
  guint       port;
  char       *destination;     /* "127.0.0.1:PORT" */
  GPtrArray  *received;        /* PhTransfer from ::transfer-added */
  GPtrArray  *failures;        /* GError from ::connection-failed */
  guint       tick_id;
} Fixture;

typedef struct
{
  PhTransfer *transfer;
  gboolean    done;
  GError     *error;
} SendResult;

void        fixture_setup      (Fixture       *f,
                                gconstpointer  data);
void        fixture_teardown   (Fixture       *f,
                                gconstpointer  data);
void        fixture_start      (Fixture       *f,
                                const char    *bind_address);

/* Waits on the main context, failing the test after a minute. */
#define WAIT_UNTIL(cond)                                                     \
  G_STMT_START {                                                             \
    gint64 _deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;        \
    while (!(cond))                                                          \
      {                                                                      \
        g_assert_cmpint (g_get_monotonic_time (), <, _deadline);             \
        g_main_context_iteration (NULL, TRUE);                               \
      }                                                                      \
  } G_STMT_END

void        flush_main_context (void);
char       *make_file          (const char    *dir,
                                const char    *name,
                                gsize          size,
                                guint32        seed);
char       *checksum_file      (const char    *path);
GPtrArray  *list_dir           (const char    *dir);
void        assert_dir_empty   (const char    *dir);
void        assert_no_partial  (const char    *dir);
SendResult *send_transfer      (PhSender      *sender,
                                PhTransfer    *transfer);
SendResult *send_file          (PhSender      *sender,
                                const char    *path,
                                const char    *destination);
void        send_result_free   (SendResult    *result);
PhTransfer *wait_received      (Fixture       *f,
                                guint          index);
GSocketConnection *raw_connect (Fixture       *f);
void        raw_write          (GSocketConnection *connection,
                                const void    *data,
                                gsize          len);
void        raw_end            (GSocketConnection *connection);
void        raw_header         (GSocketConnection *connection,
                                const char    *name,
                                gint64         size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendResult, send_result_free)

G_END_DECLS
