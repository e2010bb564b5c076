/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The receiving side's rules (PhIntake), without TLS: in what order a
 * hostile sender can put frames and file bytes, and what a receiver
 * does with each. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ph-frame.h"
#include "ph-intake.h"
#include "posthouse-core.h"

/* A sink in memory: what the intake asked for, as text. */
typedef struct
{
  GString *log;
  gboolean refuse;
} Sink;

static gpointer
sink_open (gpointer data, guint32 id, const char *name, gint64 size, GError **error)
{
  Sink *sink = data;

  g_string_append_printf (sink->log, "open %u %s %" G_GINT64_FORMAT ";", id, name, size);
  if (size < 0 || sink->refuse)
    {
      g_set_error_literal (error, PH_ERROR, size < 0 ? PH_ERROR_NEGATIVE_SIZE : PH_ERROR_NO_SPACE, "no");
      return NULL;
    }
  return GUINT_TO_POINTER (id + 1);
}

static gboolean
sink_write (gpointer data, gpointer file, const guint8 *bytes, gsize len, GError **error)
{
  g_string_append_printf (((Sink *) data)->log, "write %.*s;", (int) len, bytes);
  return TRUE;
}

static char *
sink_commit (gpointer data, gpointer file, GError **error)
{
  g_string_append (((Sink *) data)->log, "commit;");
  return g_strdup ("saved-name");
}

static void
sink_close (gpointer data, gpointer file, const GError *why)
{
  g_string_append_printf (((Sink *) data)->log, "close%s;", why ? " (dropped)" : "");
}

static void
sink_receipt (gpointer data, const PhMessage *receipt)
{
  g_string_append_printf (((Sink *) data)->log, "receipt %u %s;", receipt->id,
                          receipt->saved ? receipt->name : receipt->reason);
}

static const PhIntakeSink memory_sink = { sink_open, sink_write, sink_commit, sink_close, sink_receipt };

static PhMessage
file_message (guint32     id,
              const char *name,
              gint64      size)
{
  PhMessage message = { .type = PH_MESSAGE_FILE, .id = id };

  ph_wire_encode_header (name, size, message.header);
  return message;
}

/* Runs a script of units ("F0:a.txt:5" a file, "C5" a chunk, "Dhello"
 * bytes, "X0" a cancel, "E" the end, "H" a hello, "R0" a receipt)
 * through an intake for a batch of @files files and @bytes bytes. */
static char *
run_intake (const char  *script,
            guint64      files,
            guint64      bytes,
            gboolean     refuse,
            GError     **error)
{
  PhMessage hello = { .type = PH_MESSAGE_HELLO, .version = 1, .has_summary = TRUE,
                      .files = files, .bytes = bytes };
  Sink sink = { g_string_new (NULL), refuse };
  g_auto(GStrv) units = g_strsplit (script, " ", -1);
  PhIntake *intake = ph_intake_new (&memory_sink, &sink, &hello, TRUE);
  gboolean ok = TRUE;

  for (guint i = 0; ok && units[i] != NULL; i++)
    {
      const char *u = units[i];
      PhMessage message = { 0 };

      switch (u[0])
        {
        case 'F':
          {
            g_auto(GStrv) parts = g_strsplit (u + 1, ":", 3);

            message = file_message (atoi (parts[0]), parts[1], g_ascii_strtoll (parts[2], NULL, 10));
            ok = ph_intake_message (intake, &message, error);
          }
          break;
        case 'C':
          ok = ph_intake_chunk (intake, atoi (u + 1), error);
          break;
        case 'D':
          ok = ph_intake_data (intake, (const guint8 *) u + 1, strlen (u + 1), error);
          break;
        case 'X':
          message.type = PH_MESSAGE_CANCEL;
          message.id = atoi (u + 1);
          ok = ph_intake_message (intake, &message, error);
          break;
        case 'E':
          message.type = PH_MESSAGE_END;
          ok = ph_intake_message (intake, &message, error);
          break;
        case 'H':
          message.type = PH_MESSAGE_HELLO;
          ok = ph_intake_message (intake, &message, error);
          break;
        case 'R':
          message.type = PH_MESSAGE_RECEIPT;
          ok = ph_intake_message (intake, &message, error);
          break;
        case 'K':
          ph_intake_cancel_file (intake, atoi (u + 1));
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (ok && !ph_intake_is_ended (intake))
    g_string_append (sink.log, "not ended;");
  ph_intake_free (intake);
  return g_string_free (sink.log, FALSE);
}

static void
check_intake (const char *script,
              guint64     files,
              guint64     bytes,
              const char *expected_log,
              const char *expected_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = run_intake (script, files, bytes, FALSE, &error);

  if (expected_error == NULL)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, PH_ERROR, PH_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, expected_error));
    }
  g_assert_cmpstr (log, ==, expected_log);
}

static void
test_intake (void)
{
  /* Saved, then its receipt: never the other way round. */
  check_intake ("F0:a.txt:5 C5 Dhel Dlo E", 1, 5,
                "open 0 a.txt 5;write hel;write lo;commit;close;receipt 0 saved-name;", NULL);
  check_intake ("F0:empty:0 F1:b:2 C2 Dhi E", 2, 2,
                "open 0 empty 0;commit;close;receipt 0 saved-name;open 1 b 2;write hi;commit;close;"
                "receipt 1 saved-name;", NULL);
  /* Fewer files than announced is fine; paths are kept, cleaned. */
  check_intake ("F0:../Holiday/./x.jpg:1 C1 Dx E", 5, 100,
                "open 0 Holiday/x.jpg 1;write x;commit;close;receipt 0 saved-name;", NULL);
  /* A negative size is refused, nothing follows it. */
  check_intake ("F0:neg:-5 E", 1, 0, "open 0 neg -5;receipt 0 refused;", NULL);
  /* A cancel in the middle: thrown away, the receipt says so. */
  check_intake ("F0:a:10 C3 Dabc X0 F1:b:1 C1 Db E", 2, 11,
                "open 0 a 10;write abc;close (dropped);receipt 0 cancelled;open 1 b 1;write b;commit;"
                "close;receipt 1 saved-name;", NULL);
  /* Cancelled on the receiving side: the rest of its bytes skipped. */
  check_intake ("F0:a:6 C3 Dabc K0 C3 Ddef E", 1, 6,
                "open 0 a 6;write abc;close (dropped);receipt 0 cancelled;", NULL);
  /* A cancel for a file that has its receipt changes nothing. */
  check_intake ("F0:a:1 C1 Da X0 E", 1, 1, "open 0 a 1;write a;commit;close;receipt 0 saved-name;", NULL);

  /* Out of order, or more than announced, or outside a file. */
  check_intake ("F1:a:1", 2, 2, "", "out of order");
  check_intake ("F0:a:1 C1 Da F0:b:1", 2, 2,
                "open 0 a 1;write a;commit;close;receipt 0 saved-name;", "out of order");
  check_intake ("F0:a:1 C1 Da F1:b:1", 1, 2,
                "open 0 a 1;write a;commit;close;receipt 0 saved-name;", "more files");
  check_intake ("F0:a:10", 1, 9, "", "more bytes than the batch");
  check_intake ("C1", 1, 1, "", "outside a file");
  check_intake ("F0:a:2 C3", 1, 2, "open 0 a 2;close (dropped);", "more bytes than the file");
  check_intake ("F0:a:2 F1:b:0", 2, 2, "open 0 a 2;close (dropped);", "before the previous one ended");
  check_intake ("X0", 1, 1, "", "not sent");
  check_intake ("F0:a:2 C1 Da E", 1, 2, "open 0 a 2;write a;close (dropped);", "inside a file");
  check_intake ("E F0:a:1", 1, 1, "", "after the end");
  check_intake ("H", 1, 1, "", "may not send");
  check_intake ("R", 1, 1, "", "may not send");
}

/* A sink that refuses: the receipt says why, the bytes are skipped. */
static void
test_intake_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log = run_intake ("F0:a:3 C3 Dabc F1:b:0 E", 2, 3, TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (log, ==, "open 0 a 3;receipt 0 no-space;open 1 b 0;receipt 1 no-space;");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/posthouse/intake/rules", test_intake);
  g_test_add_func ("/posthouse/intake/refused", test_intake_refused);

  return g_test_run ();
}
