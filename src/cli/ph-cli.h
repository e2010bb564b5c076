/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "posthouse-core.h"

G_BEGIN_DECLS

#define PH_CLI_NAME "posthouse-cli"

/* Exit statuses, also listed in `posthouse-cli --help`. */
enum
{
  PH_CLI_EXIT_OK          = 0,
  PH_CLI_EXIT_FAILED      = 1,  /* a transfer failed, or listening failed */
  PH_CLI_EXIT_USAGE       = 2,  /* bad command line */
  PH_CLI_EXIT_INTERRUPTED = 128 /* + the signal number: 130 SIGINT, 143 SIGTERM */
};

/* SIGINT and SIGTERM, delivered on the main loop to one handler, which
 * gets the signal number (for PH_CLI_EXIT_INTERRUPTED + signum). */
typedef void (*PhCliInterruptFunc) (int      signum,
                                    gpointer user_data);

typedef struct
{
  PhCliInterruptFunc func;
  gpointer           user_data;
  guint              sigint_id;
  guint              sigterm_id;
} PhCliSignals;

void ph_cli_signals_watch   (PhCliSignals       *self,
                             PhCliInterruptFunc  func,
                             gpointer            user_data);
void ph_cli_signals_unwatch (PhCliSignals       *self);

void ph_cli_error (const char *format,
                   ...) G_GNUC_PRINTF (1, 2);
/* ph-cli-text.c */
#include <gio/gio.h>
GFile *ph_cli_text_file_new    (const char  *text,
                                GError     **error);
void   ph_cli_text_file_delete (GFile       *file);

int  ph_cli_send     (int    argc,
                      char **argv);
int  ph_cli_receive  (int    argc,
                      char **argv);
int  ph_cli_list     (int    argc,
                      char **argv);
int  ph_cli_pair     (int    argc,
                      char **argv);
int  ph_cli_devices  (int    argc,
                      char **argv);

/* The list of devices, read (a damaged one said) and saved (a failure said). */
PhDevices *ph_cli_open_devices (void);
gboolean   ph_cli_save_devices (PhDevices *devices);

/* The six digits on the terminal, for either side of a pairing. */
typedef struct _PhCliPrompt PhCliPrompt;

PhCliPrompt *ph_cli_prompt_new  (PhPairing   *pairing,
                                 PhDevices   *devices);
void         ph_cli_prompt_free (PhCliPrompt *self);

G_END_DECLS
