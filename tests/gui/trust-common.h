/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gui-common.h"

G_BEGIN_DECLS

char      *trust_key         (const char    *seed);
PhReceiver *trust_plain_receiver (const char    *dir);
void       trust_screenshot  (GtkWidget     *widget,
                              const char    *name);
GtkWindow *trust_find_window (PhApplication *app,
                              GType          type);
GtkWidget *trust_find_child  (GtkWidget     *root,
                              GType          type);

/* Rows nearby, waited for. */
extern const char TRUST_SOME_WARNING[];
PhNearbyRow *trust_find_nearby_row (PhWindow    *window,
                                    const char  *name);
PhNearbyRow *trust_wait_nearby_row (PhWindow    *window,
                                    const char  *name);
void         trust_wait_row        (PhNearbyRow *row,
                                    int          paired,
                                    const char  *warning,
                                    const char  *subtitle,
                                    const char  *what);
gboolean     trust_row_has_menu    (gpointer     row);
void         trust_drop_on_row     (PhNearbyRow *row,
                                    GFile       *file);

/* An app and its window; torn down, the list of devices emptied for the
 * next case (GLib reads XDG_DATA_HOME once). */
typedef struct
{
  PhApplication *app;
  PhWindow      *window;
} TrustFixture;

/* A receiver of this computer (127.0.0.1) announced as its own mDNS
 * daemon would; @fingerprint (nullable) adds tls=1 fp=. */
void       trust_announce          (PhApplication *app,
                                    const char    *instance,
                                    const char    *name,
                                    const char    *id,
                                    guint          port,
                                    gboolean       paths,
                                    const char    *fingerprint);
/* gui_app_free(), then the list of devices emptied for the next case
 * (GLib reads XDG_DATA_HOME once). */
void       trust_app_free          (PhApplication *app);
void       trust_fixture_set_up    (TrustFixture  *fixture,
                                    gconstpointer  data);
void       trust_fixture_tear_down (TrustFixture  *fixture,
                                    gconstpointer  data);
PhDevices *trust_fixture_devices   (TrustFixture  *fixture);
/* gui_init() with XDG_DATA_HOME a new folder (returned, to remove after
 * the run) and the build's catalogues ($PH_TEST_LOCALEDIR) bound. */
char      *trust_init              (int           *argc,
                                    char        ***argv);

/* Another Posthouse on loopback that can be asked to pair: a receiver
 * with its own key and list, whose person answers what it is told. */
typedef struct
{
  PhIdentity      *identity;
  PhDevices       *devices;
  char            *name;        /* the name it pairs under */
  char            *dir;         /* its folder: received files, its list */
  GSocketListener *listener;
  guint16          port;
  GCancellable    *stop;
  PhPairing       *pairing;     /* the last pairing it answers */
  gboolean         confirms;    /* its person says the numbers match (default) or not */
  guint            delay_ms;    /* and says it after this long */
  guint            answer_id;
  gboolean         done;        /* its last secure connection ended */
  gboolean         ok;          /* and paired */
} TrustPeer;

TrustPeer *trust_peer_new        (const char *dir,
                                  PhIdentity *identity);
void       trust_peer_answer     (TrustPeer  *peer,
                                  PhPairing  *pairing);
gboolean   trust_peer_code_shown (gpointer    peer);
void       trust_peer_free       (TrustPeer  *peer);

/* What a program writes, line by line, collected while the main loop
 * turns. */
typedef struct
{
  GDataInputStream *stream;
  GString          *text;
  gboolean          eof;
} TrustOutput;

TrustOutput *trust_output_new  (GInputStream *stream);
char        *trust_output_wait (TrustOutput  *output,
                                const char   *pattern);
void         trust_output_free (TrustOutput  *output);

G_END_DECLS
