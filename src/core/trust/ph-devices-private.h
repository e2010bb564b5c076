/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-accept-all.h"
#include "ph-device.h"
#include "ph-devices.h"

G_BEGIN_DECLS

/* The list of devices is one key file (GKeyFile), one group per device:
 *
 *   [Posthouse Devices]
 *   Version=1
 *
 *   [Device 47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU]
 *   Name=Study Laptop
 *   State=paired
 *   FirstSeen=1718000000
 *   LastSeen=1718003600
 *   PairedSince=1718000100
 *   LastAddress=192.168.1.20
 *   ReceiverAddress=192.168.1.20:6666
 *   InstallationId=5f0c…
 *   PairingFailures=0
 *   PairingPausedUntil=0
 *
 * Changes are operations (seen, state, forget, a failed comparison),
 * applied to the file under a lock after reading it again, so that two
 * programs changing it at once keep each other's changes. Keys and
 * groups this version does not know are kept as they are. */

#define PH_DEVICES_VERSION              1
#define PH_DEVICES_GROUP_HEADER         "Posthouse Devices"
#define PH_DEVICES_GROUP_PREFIX         "Device "
#define PH_DEVICES_KEY_VERSION          "Version"
#define PH_DEVICES_KEY_NAME             "Name"
#define PH_DEVICES_KEY_STATE            "State"
#define PH_DEVICES_KEY_FIRST_SEEN       "FirstSeen"
#define PH_DEVICES_KEY_LAST_SEEN        "LastSeen"
#define PH_DEVICES_KEY_PAIRED_SINCE     "PairedSince"
#define PH_DEVICES_KEY_LAST_ADDRESS     "LastAddress"
#define PH_DEVICES_KEY_RECEIVER_ADDRESS "ReceiverAddress"
#define PH_DEVICES_KEY_INSTALLATION_ID  "InstallationId"
#define PH_DEVICES_KEY_FAILURES         "PairingFailures"
#define PH_DEVICES_KEY_PAUSED_UNTIL     "PairingPausedUntil"

/* Strangers that merely connected are remembered up to this many; the
 * ones seen longest ago go first. Paired and blocked devices stay. */
#define PH_DEVICES_MAX_KNOWN            256
/* The longest name kept, in bytes (cut at a character). */
#define PH_DEVICES_MAX_NAME             256
/* The largest list read, in bytes. */
#define PH_DEVICES_MAX_FILE             (4 * 1024 * 1024)

typedef enum
{
  PH_DEVICES_OP_SEEN,
  PH_DEVICES_OP_STATE,
  PH_DEVICES_OP_FORGET,
  PH_DEVICES_OP_PAIRING_FAILED,
} PhDevicesOpKind;

typedef struct
{
  PhDevicesOpKind  kind;
  char            *fingerprint;
  char            *name;               /* (nullable) */
  char            *address;            /* (nullable) */
  char            *receiver_address;   /* (nullable) */
  char            *installation_id;    /* (nullable) */
  PhDeviceState    state;
  gint64           time;               /* Unix seconds */
  guint            pause;              /* seconds; a failed comparison's pause */
} PhDevicesOp;

void      ph_devices_op_free        (PhDevicesOp  *op);
void      ph_devices_op_apply       (const PhDevicesOp *op,
                                     GKeyFile     *keyfile);

char       *ph_devices_group_name        (const char *fingerprint);
const char *ph_devices_group_fingerprint (const char *group);

struct _PhDevices
{
  GObject       parent_instance;

  char         *path;
  GKeyFile     *keyfile;
  GPtrArray    *items;       /* PhDevice *, in the order first seen */
  GHashTable   *by_fingerprint;
  GFileMonitor *monitor;
  guint         reload_id;
  GError       *error;
  guint         pause;

  GPtrArray    *pending;     /* PhDevicesOp *, not written yet */
  gboolean      writing;
  guint         write_id;
  GPtrArray    *flushes;     /* GTask * waiting for the file */

  GListStore   *grants;      /* PhAcceptAll *, active */
  guint         tick_id;
};

/* ph-devices.c */
void      ph_devices_set_error      (PhDevices    *self,
                                     GError       *error);
void      ph_devices_sync_items     (PhDevices    *self);

/* ph-devices-sync.c: following the file, writing to it. */
gboolean  ph_devices_reload         (PhDevices    *self,
                                     GError      **error);
void      ph_devices_follow_file    (PhDevices    *self);
void      ph_devices_change         (PhDevices    *self,
                                     PhDevicesOp  *op);

/* ph-devices-file.c: the file itself. */
GKeyFile *ph_devices_file_parse     (const char   *contents,
                                     gsize         len,
                                     GError      **error);
GKeyFile *ph_devices_file_read      (const char   *path,
                                     GError      **error);
gboolean  ph_devices_file_update    (const char   *path,
                                     GPtrArray    *ops,
                                     char        **contents,
                                     char        **kept_aside,
                                     GError      **error);
gboolean  ph_devices_file_keep_aside (const char  *path,
                                     char        **kept_aside,
                                     GError      **error);

/* ph-device.c */
PhDevice *ph_device_new             (const char   *fingerprint);
void      ph_device_load            (PhDevice     *self,
                                     GKeyFile     *keyfile,
                                     const char   *group);

/* ph-accept-all.c */
PhAcceptAll *ph_accept_all_new      (const char   *fingerprint,
                                     const char   *name,
                                     guint         seconds);
gboolean     ph_accept_all_tick     (PhAcceptAll  *self);

/* For tests: how long three failed comparisons pause pairing. */
void      ph_devices_set_pairing_pause (PhDevices *self,
                                        guint      seconds);

G_END_DECLS
