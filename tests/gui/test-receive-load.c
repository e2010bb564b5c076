/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nothing lost in the app (SPEC, Admission): the original sender run in
 * a tight loop, which never reads an answer, into the app in receive
 * mode. Every file arrives whole, none is refused, and what the window
 * and the notifications say about the batch is right at every moment:
 * never "failed" for a file that only waits, never a count that goes
 * back, the request's "so far" the files that wait. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <glib/gi18n.h>

#include "gui-common.h"
#include "harden-util.h"
#include "ph-format.h"
#include "ph-receive-session-private.h"

#define N_FILES   1500
#define FILE_SIZE 2048
/* A case's time limit: a safety net, not a speed check (valgrind
 * makes everything an order of magnitude slower). */
#define SEND_TIMEOUT_MS (g_getenv ("PH_VALGRIND") != NULL ? 2400000u : 240000u)

typedef struct
{
  PhApplication *app;
  PhWindow      *window;
  char          *out_dir;
  guint          port;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GSettings *settings;

  fixture->out_dir = ph_test_make_tmp_dir ("posthouse-gui-load-XXXXXX");
  fixture->app = gui_app_new ();
  fixture->window = gui_app_window (fixture->app);
  fixture->port = ph_test_unused_port ();
  settings = gui_settings ();
  g_settings_set_int (settings, "port", fixture->port);
  g_settings_set_string (settings, "receive-folder", fixture->out_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gui_app_free (fixture->app);
  ph_test_rm_rf (fixture->out_dir);
  g_free (fixture->out_dir);
}

/* What was seen of the batches while the files came in. */
typedef struct
{
  Fixture     *fixture;
  const char  *source;         /* the sender's address */
  GSubprocess *sender;
  gboolean     sender_done;
  gboolean     answered;
  PhBatch     *batch;          /* watched: looked at on every change */
  guint        samples;
  guint        asked_samples;  /* seen while the request was open */
  guint        last_done;
  guint        last_files;
  guint        most_so_far;    /* the request's largest count */
  guint        most_held;      /* connections the receiver held */
} Seen;

static void
sender_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Seen *seen = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  seen->sender_done = TRUE;
}

static void
find_labels (GtkWidget *widget,
             GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_labels (child, labels);
}

/* The request bar's second line, "1,234 files so far (2.5 MB)", as
 * shown. */
static const char *
request_detail (PhRequestBar *bar)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  const char *title = ph_request_bar_get_title (bar);

  find_labels (GTK_WIDGET (bar), labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_label (labels->pdata[i]);

      if (text != title && g_strcmp0 (text, title) != 0 && text != NULL && *text != '\0' &&
          gtk_widget_get_visible (labels->pdata[i]))
        return text;
    }

  return NULL;
}

/* The count a text starts with, as "%'u" wrote it (digits, perhaps
 * grouped); *@rest is what follows. */
static guint
leading_count (const char  *text,
               const char **rest)
{
  guint n = 0;
  const char *p = text;

  g_assert_true (g_ascii_isdigit (*p));
  for (; *p != '\0' && *p != ' '; p = g_utf8_next_char (p))
    if (g_ascii_isdigit (*p))
      n = n * 10 + (*p - '0');
  if (rest != NULL)
    *rest = p;

  return n;
}

static void
assert_no_failure_text (const char *text)
{
  g_autofree char *folded = g_utf8_strdown (text, -1);

  if (strstr (folded, "fail") != NULL || strstr (folded, "couldn") != NULL ||
      strstr (folded, "declined") != NULL || strstr (folded, "cancelled") != NULL)
    g_error ("a failure shown for a batch that has none: “%s”", text);
}

static void sample (Seen *seen);

static PhReceiver *
receiver_of (Fixture *fixture)
{
  return ph_receive_session_get_receiver (ph_application_get_session (fixture->app));
}

static void
batch_changed_cb (PhBatch *batch,
                  Seen    *seen)
{
  sample (seen);
}

/* A look at the window: on every change the batch publishes (after the
 * row and the request bar took it), and between changes. */
static void
sample (Seen *seen)
{
  Fixture *fixture = seen->fixture;
  PhRequestBar *bar = ph_window_get_request_bar (fixture->window);
  PhBatchRow *row;
  PhBatch *batch;
  guint n_files, n_done, n_waiting;
  const char *status;

  seen->most_held = MAX (seen->most_held, ph_receiver_get_n_held (receiver_of (fixture)));
  if (gui_n_batches (fixture->app) == 0)
    return;

  /* One sender, one burst: one batch. */
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  batch = gui_batch_at (fixture->app, 0);
  if (seen->batch == NULL)
    {
      seen->batch = g_object_ref (batch);
      g_signal_connect_after (batch, "changed", G_CALLBACK (batch_changed_cb), seen);
    }
  g_assert_true (batch == seen->batch);
  row = gui_find_row (fixture->window, batch);
  n_files = ph_batch_get_n_files (batch);
  n_done = ph_batch_get_n_done (batch);
  n_waiting = ph_batch_get_n_waiting (batch);
  seen->samples++;

  g_assert_cmpint (ph_batch_get_direction (batch), ==, PH_TRANSFER_RECEIVE);
  g_assert_cmpstr (ph_batch_get_peer (batch), ==, seen->source);
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 0);
  g_assert_cmpuint (ph_batch_get_n_cancelled (batch), ==, 0);
  g_assert_cmpuint (ph_batch_get_n_declined (batch), ==, 0);
  g_assert_cmpuint (n_files, <=, N_FILES);
  g_assert_cmpuint (n_done + n_waiting, <=, n_files);
  /* Counts only go forward. */
  g_assert_cmpuint (n_files, >=, seen->last_files);
  g_assert_cmpuint (n_done, >=, seen->last_done);
  seen->last_files = n_files;
  seen->last_done = n_done;

  if (row == NULL)
    return;
  status = ph_batch_row_get_status_text (row);
  assert_no_failure_text (status);

  if (!seen->answered && g_settings_get_boolean (gui_settings (), "ask-before-accepting"))
    {
      g_autofree char *so_far = NULL;
      g_autofree char *size = NULL;
      g_autofree char *title = NULL;
      g_autofree char *who = NULL;
      const char *detail;

      /* Nothing moves before the answer: every file waits for it, and
       * the window says how many, as they come. */
      g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_WAITING);
      g_assert_cmpuint (n_done, ==, 0);
      g_assert_cmpuint (n_waiting, ==, n_files);
      g_assert_true (ph_request_bar_get_revealed (bar));
      g_assert_true (ph_request_bar_get_batch (bar) == batch);
      /* The original format: the address, and beside it "Not encrypted". */
      who = ph_format_peer (ph_batch_get_peer (batch), FALSE);
      title = g_strdup_printf (_("%s wants to send you files"), who);
      g_assert_cmpstr (ph_request_bar_get_title (bar), ==, title);
      g_assert_cmpstr (ph_request_bar_get_state_text (bar), ==, _("Not encrypted"));
      detail = request_detail (bar);
      g_assert_nonnull (detail);
      /* Shown as published, a few times a second: never more than
       * there are, never fewer than shown before, and the size the
       * size of that many files. */
      if (detail != NULL && g_ascii_isdigit (*detail))
        {
          guint shown = leading_count (detail, NULL);

          g_assert_cmpuint (shown, <=, n_files);
          g_assert_cmpuint (shown, >=, seen->most_so_far);
          size = ph_format_size ((gint64) shown * FILE_SIZE);
          so_far = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file so far (%s)",
                                                 "%'u files so far (%s)", shown),
                                    shown, size);
          g_assert_cmpstr (detail, ==, so_far);
          seen->most_so_far = shown;
        }
      seen->asked_samples++;
    }
  else
    {
      /* Answered: nothing is said to wait for the answer any more. */
      g_assert_cmpuint (n_waiting, ==, 0);
      /* "X of Y files · A of B · speed", as published: X and Y no more
       * than there are, B the size of Y files. (While the batch showed
       * one file, its row is that file's: "2.0 kB of 2.0 kB".) */
      if (g_ascii_isdigit (*status) && strstr (status, " files · ") != NULL)
        {
          const char *rest;
          guint shown_done = leading_count (status, &rest);
          guint shown_files;
          g_autofree char *counts = NULL;
          g_autofree char *size = NULL;
          g_autofree char *of_size = NULL;

          g_assert_true (g_str_has_prefix (rest, " of "));
          shown_files = leading_count (rest + strlen (" of "), NULL);
          counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u of %'u file · ",
                                                 "%'u of %'u files · ", shown_files),
                                    shown_done, shown_files);
          size = ph_format_size ((gint64) shown_files * FILE_SIZE);
          of_size = g_strdup_printf (" of %s", size);
          if (!g_str_has_prefix (status, counts) || strstr (status, of_size) == NULL ||
              shown_done > n_done || shown_files > n_files || shown_done > shown_files)
            g_error ("the row says “%s” of a batch with %u of %u files received", status, n_done, n_files);
        }
    }
}

/* The notifications about @source shown since @from (a length of the
 * log, which every GUI test of this run writes to). Each case sends
 * from an address of its own: the daemon would stack the same words
 * from the case before instead of showing them again. */
static GPtrArray *
notifications_since (gsize       from,
                     const char *source)
{
  const char *log = g_getenv ("PH_NOTIFY_LOG");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  gsize length = 0;

  if (log == NULL || !g_file_get_contents (log, &contents, &length, NULL) || length <= from)
    return found;

  lines = g_strsplit (contents + from, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], source) != NULL)
      g_ptr_array_add (found, g_strdup (lines[i]));

  return found;
}

static gsize
notifications_length (void)
{
  const char *log = g_getenv ("PH_NOTIFY_LOG");
  GStatBuf buf;

  return log != NULL && g_stat (log, &buf) == 0 ? (gsize) buf.st_size : 0;
}

typedef struct
{
  gsize       from;
  const char *source;
  const char *title;
} Notified;

static gboolean
notified_cb (gpointer data)
{
  Notified *notified = data;
  g_autoptr(GPtrArray) lines = notifications_since (notified->from, notified->source);

  for (guint i = 0; i < lines->len; i++)
    if (strstr (lines->pdata[i], notified->title) != NULL)
      return TRUE;

  return FALSE;
}

/* Every notification this case brought: none speaks of a failure, a
 * question counts no more files than were sent, and the last says
 * every file arrived. */
static void
assert_notifications (gsize       from,
                      const char *source)
{
  g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Received %'u file from %s",
                                                         "Received %'u files from %s", N_FILES),
                                            N_FILES, source);
  Notified notified = { from, source, title };
  g_autoptr(GPtrArray) lines = NULL;

  if (g_getenv ("PH_NOTIFY_LOG") == NULL)
    {
      g_test_message ("no notification daemon (PH_NOTIFY_LOG): notifications not checked");
      return;
    }

  gui_wait_until (notified_cb, &notified, "the notification that every file arrived");
  lines = notifications_since (from, source);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *body = strrchr (lines->pdata[i], '\t');

      assert_no_failure_text (lines->pdata[i]);
      if (body != NULL && strstr (body, " so far ") != NULL)
        g_assert_cmpuint (leading_count (body + 1, NULL), <=, N_FILES);
      g_test_message ("notified: %s", strchr (lines->pdata[i], '\t') + 1);
    }
}

typedef struct
{
  gboolean    ask;
  guint       max_held;  /* 0: the receiver's own limit */
  const char *source;    /* another computer, as the receiver sees it */
} Params;

static void
run_tight (Fixture      *fixture,
           const Params *params)
{
  Seen seen = { fixture, params->source };
  gboolean ask = params->ask;
  gint64 start, answered_at = 0, done_at;
  gsize notified_from;
  PhBatch *batch;
  PhBatchRow *row;
  g_autofree char *received = NULL;
  g_autofree char *total = ph_format_size ((gint64) N_FILES * FILE_SIZE);
  double speed, since_answer;

  g_settings_set_boolean (gui_settings (), "ask-before-accepting", ask);
  gui_set_receive_mode (fixture->app, TRUE);
  g_assert_true (gui_receive_mode (fixture->app));
  /* Fewer connections held than the sender opens: the receiver stops
   * accepting and the kernel's queue holds the sender back. */
  if (params->max_held > 0)
    ph_receiver_set_max_held (receiver_of (fixture), params->max_held);
  /* Notifications show while the person works elsewhere. */
  gui_unfocus (fixture->window);

  notified_from = notifications_length ();
  start = g_get_monotonic_time ();
  seen.sender = hu_tight_send_start (fixture->port, N_FILES, FILE_SIZE, params->source, "tight-", NULL);
  g_subprocess_wait_async (seen.sender, NULL, sender_done_cb, &seen);

  if (ask)
    {
      /* Someone reads the request and answers after a few seconds. */
      while (g_get_monotonic_time () - start < 4 * G_USEC_PER_SEC || seen.samples == 0)
        {
          gui_iterate (20);
          sample (&seen);
          if (g_get_monotonic_time () - start > SEND_TIMEOUT_MS * (gint64) 1000)
            g_error ("no request after %u ms", SEND_TIMEOUT_MS);
        }
      g_assert_cmpuint (seen.asked_samples, >, 0);
      batch = gui_batch_at (fixture->app, 0);
      g_test_message ("asked with %u of %u files waiting; the request said up to %u so far",
                      ph_batch_get_n_files (batch), N_FILES, seen.most_so_far);
      seen.answered = TRUE;
      answered_at = g_get_monotonic_time ();
      g_signal_emit_by_name (ph_request_bar_get_button (ph_window_get_request_bar (fixture->window),
                                                        "accept-all"),
                             "clicked");
    }
  else
    seen.answered = TRUE;

  /* Until every file is saved, and the batch said so. */
  while (!seen.sender_done || gui_n_batches (fixture->app) == 0 ||
         !ph_batch_is_finished (gui_batch_at (fixture->app, 0)))
    {
      gui_iterate (20);
      sample (&seen);
      if (g_get_monotonic_time () - start > SEND_TIMEOUT_MS * (gint64) 1000)
        {
          g_subprocess_force_exit (seen.sender);
          g_error ("after %u ms: sender %s, %u of %u files saved", SEND_TIMEOUT_MS,
                   seen.sender_done ? "done" : "still sending", seen.last_done, N_FILES);
        }
    }
  done_at = g_get_monotonic_time ();
  g_assert_true (g_subprocess_get_successful (seen.sender));
  g_clear_object (&seen.sender);
  g_signal_handlers_disconnect_by_data (seen.batch, &seen);
  g_clear_object (&seen.batch);
  if (params->max_held > 0)
    g_assert_cmpuint (seen.most_held, <=, params->max_held);

  batch = gui_batch_at (fixture->app, 0);
  g_assert_cmpuint (gui_n_batches (fixture->app), ==, 1);
  g_assert_cmpint (ph_batch_get_state (batch), ==, PH_TRANSFER_DONE);
  g_assert_cmpuint (ph_batch_get_n_files (batch), ==, N_FILES);
  g_assert_cmpuint (ph_batch_get_n_done (batch), ==, N_FILES);
  g_assert_cmpuint (ph_batch_get_n_failed (batch), ==, 0);
  g_assert_false (ph_request_bar_get_revealed (ph_window_get_request_bar (fixture->window)));

  row = gui_row_for (fixture->window, batch);
  g_assert_nonnull (row);
  received = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u file received · %s",
                                           "%'u files received · %s", N_FILES),
                              N_FILES, total);
  g_assert_cmpstr (ph_batch_row_get_status_text (row), ==, received);

  g_assert_cmpuint (gui_count_files (fixture->out_dir), ==, N_FILES);
  hu_assert_tight_files (fixture->out_dir, "tight-", N_FILES, FILE_SIZE);
  assert_notifications (notified_from, params->source);

  speed = ph_batch_get_speed (batch);
  since_answer = (double) N_FILES * FILE_SIZE / ((done_at - (ask ? answered_at : start)) / 1e6);
  g_test_message ("%u × %u B in %.1f s, %u connections held at most (%u looks at the window); speed shown %.0f kB/s, "
                  "bytes over the time since the %s %.0f kB/s",
                  N_FILES, FILE_SIZE, (done_at - start) / 1e6, seen.most_held, seen.samples, speed / 1000,
                  ask ? "answer" : "start", since_answer / 1000);
  /* The time spent waiting for the answer is no part of the speed
   * (the files were all saved by done_at, sampled late if anything). */
  if (ask)
    g_assert_cmpfloat (speed, >=, 0.9 * since_answer);
}

static void
test_tight (Fixture       *fixture,
            gconstpointer  data)
{
  run_tight (fixture, data);
}

int
main (int   argc,
      char *argv[])
{
  gui_init (&argc, &argv);

  {
    static const Params plain = { FALSE, 0, "127.0.0.2" }, held = { FALSE, 64, "127.0.0.3" };
    static const Params ask = { TRUE, 0, "127.0.0.4" }, ask_held = { TRUE, 64, "127.0.0.5" };

    g_test_add ("/posthouse/gui/receive-load/tight-sender", Fixture, &plain,
                fixture_set_up, test_tight, fixture_tear_down);
    g_test_add ("/posthouse/gui/receive-load/tight-sender-held", Fixture, &held,
                fixture_set_up, test_tight, fixture_tear_down);
    g_test_add ("/posthouse/gui/receive-load/tight-sender-ask-accept-all", Fixture, &ask,
                fixture_set_up, test_tight, fixture_tear_down);
    g_test_add ("/posthouse/gui/receive-load/tight-sender-held-ask-accept-all", Fixture, &ask_held,
                fixture_set_up, test_tight, fixture_tear_down);
  }

  return g_test_run ();
}
