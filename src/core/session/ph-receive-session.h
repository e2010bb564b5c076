/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-announcer.h"
#include "ph-batch.h"
#include "ph-devices.h"
#include "ph-identity.h"

G_BEGIN_DECLS

#define PH_TYPE_RECEIVE_SESSION (ph_receive_session_get_type ())

/* Receiving as the faces drive it: one object that owns the receiver
 * (made when receiving starts, made again when the port or the address
 * to listen on change), the announcement (under the device's name,
 * where the receiver can be reached) and the inbox that groups what
 * arrives into batches. The desktop program binds its settings to the
 * properties; `posthouse-cli receive` sets them from its options.
 *
 * Properties:
 *   "receiving"            listening now; setting it starts or stops,
 *                          a failure is said by "failed"
 *   "port"                 the port to listen on (0: any free one)
 *   "bound-port"           the port listened on, 0 when not receiving
 *   "interface"            listen only on this interface's address ("" all)
 *   "bind-address"         or only on this address (when no interface)
 *   "listen-address"       the address listened on, NULL for all
 *   "folder"               where files are saved (NULL: the Downloads folder)
 *   "prefix"               put before every saved name ("new_")
 *   "ask-before-accepting" hold each batch for an answer
 *   "announce"             announce the receiver nearby (DNS-SD)
 *   "accepts-paths"        folder paths are kept (announced paths=1)
 *   "announce-state", "announced-name", "announce-error": how it is
 *                          announced; the error says why it is not
 *   "addresses"            HOST:PORT to give a sender, the first first
 *
 * Signals:
 *   "transfer-added" (PhTransfer): a header arrived (see PhReceiver)
 *   "batch-added" (PhBatch): a new batch; whoever shows it keeps it
 *   "connection-failed" (const char *peer, GError *error)
 *   "failed" (GError *error): receiving could not start or restart
 *   "leftovers-removed" (guint n): part files of a killed run removed
 *
 * The secure channel (ph-receive-session-secure.c):
 *   "identity"             this installation's (NULL: the user's, loaded
 *                          when receiving starts); announced as fp=
 *   "devices"              the devices it knows (NULL: the user's list)
 *   "only-paired"          turn away everyone but paired devices
 *   "accept-unencrypted"   take the original format (the Python scripts)
 * Each sender in the secure channel is admitted by its key
 * (ph_devices_decide()); its connection is one batch, which asks as a
 * whole (ph_batch_ask()) and says who sends (ph_batch_get_fingerprint()). */

G_DECLARE_FINAL_TYPE (PhReceiveSession, ph_receive_session, PH, RECEIVE_SESSION, GObject)

PhReceiveSession *ph_receive_session_new                      (void);
GFile            *ph_receive_session_default_folder          (void);

gboolean          ph_receive_session_start                    (PhReceiveSession  *self,
                                                               GError           **error);
void              ph_receive_session_stop                     (PhReceiveSession  *self);
void              ph_receive_session_cancel_all               (PhReceiveSession  *self);
void              ph_receive_session_accept_all               (PhReceiveSession  *self,
                                                               PhBatch           *batch);

gboolean          ph_receive_session_get_receiving            (PhReceiveSession  *self);
void              ph_receive_session_set_receiving            (PhReceiveSession  *self,
                                                               gboolean           receiving);
guint             ph_receive_session_get_port                 (PhReceiveSession  *self);
void              ph_receive_session_set_port                 (PhReceiveSession  *self,
                                                               guint              port);
guint             ph_receive_session_get_bound_port           (PhReceiveSession  *self);
const char       *ph_receive_session_get_interface            (PhReceiveSession  *self);
void              ph_receive_session_set_interface            (PhReceiveSession  *self,
                                                               const char        *interface);
const char       *ph_receive_session_get_bind_address         (PhReceiveSession  *self);
void              ph_receive_session_set_bind_address         (PhReceiveSession  *self,
                                                               const char        *address);
const char       *ph_receive_session_get_listen_address       (PhReceiveSession  *self);
GFile            *ph_receive_session_get_folder               (PhReceiveSession  *self);
void              ph_receive_session_set_folder               (PhReceiveSession  *self,
                                                               GFile             *folder);
const char       *ph_receive_session_get_prefix               (PhReceiveSession  *self);
void              ph_receive_session_set_prefix               (PhReceiveSession  *self,
                                                               const char        *prefix);
gboolean          ph_receive_session_get_ask_before_accepting (PhReceiveSession  *self);
void              ph_receive_session_set_ask_before_accepting (PhReceiveSession  *self,
                                                               gboolean           ask);
gboolean          ph_receive_session_get_announce             (PhReceiveSession  *self);
void              ph_receive_session_set_announce             (PhReceiveSession  *self,
                                                               gboolean           announce);
gboolean          ph_receive_session_get_accepts_paths        (PhReceiveSession  *self);
PhAnnouncerState  ph_receive_session_get_announce_state       (PhReceiveSession  *self);
const char       *ph_receive_session_get_announced_name       (PhReceiveSession  *self);
const char       *ph_receive_session_get_announce_error       (PhReceiveSession  *self);
char            **ph_receive_session_dup_addresses            (PhReceiveSession  *self);
PhIdentity       *ph_receive_session_get_identity             (PhReceiveSession  *self);
void              ph_receive_session_set_identity             (PhReceiveSession  *self,
                                                               PhIdentity        *identity);
PhDevices        *ph_receive_session_get_devices              (PhReceiveSession  *self);
void              ph_receive_session_set_devices              (PhReceiveSession  *self,
                                                               PhDevices         *devices);
gboolean          ph_receive_session_get_only_paired          (PhReceiveSession  *self);
void              ph_receive_session_set_only_paired          (PhReceiveSession  *self,
                                                               gboolean           only_paired);
gboolean          ph_receive_session_get_accept_unencrypted   (PhReceiveSession  *self);
void              ph_receive_session_set_accept_unencrypted   (PhReceiveSession  *self,
                                                               gboolean           accept);
char             *ph_receive_session_describe_sender          (PhReceiveSession  *self,
                                                               PhTransfer        *transfer);

G_END_DECLS
