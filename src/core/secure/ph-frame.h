/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ph-wire.h"

G_BEGIN_DECLS

/* The units inside the secure channel (docs/secure-channel.md). Each
 * starts with a 32-bit big-endian word W:
 *   W < 0x80000000: a control frame of W bytes (1 to 64 KiB), a
 *     GVariant dictionary a{sv}, little-endian, in normal form;
 *   W ≥ 0x80000000: (W & 0x7fffffff) bytes (1 to 16 MiB) of the file
 *     being sent. */

/* 2: pairing (the pair-* frames, a hello that asks to pair). */
#define PH_SECURE_VERSION      2
#define PH_SECURE_PAIRING_VERSION 2
#define PH_SECURE_ALPN         "posthouse/1"
#define PH_FRAME_WORD_SIZE     4
#define PH_FRAME_MAX_SIZE      (64 * 1024)
#define PH_FRAME_DATA_FLAG     0x80000000u
#define PH_FRAME_MAX_CHUNK     (16 * 1024 * 1024)
/* Longest device name, reason or final name a frame may carry, in bytes. */
#define PH_FRAME_MAX_TEXT      1024

typedef enum
{
  PH_MESSAGE_UNKNOWN,   /* a type this version does not know: ignored */
  PH_MESSAGE_HELLO,
  PH_MESSAGE_DECISION,
  PH_MESSAGE_FILE,
  PH_MESSAGE_CANCEL,
  PH_MESSAGE_RECEIPT,
  PH_MESSAGE_END,
  PH_MESSAGE_ERROR,
  PH_MESSAGE_PAIR_COMMIT,
  PH_MESSAGE_PAIR_NONCE,
  PH_MESSAGE_PAIR_REVEAL,
  PH_MESSAGE_PAIR_ANSWER,
} PhMessageType;

/* The nonces of pairing and the commitment to one: 32 bytes each. */
#define PH_PAIR_NONCE_SIZE 32

typedef enum
{
  PH_DECISION_ACCEPTED,
  PH_DECISION_DECLINED,
  PH_DECISION_ASKING,
} PhDecision;

/* One control message. Which fields count depends on the type:
 *   hello:    version, name; the sender's has_summary, files, bytes,
 *             or pair (a connection that pairs); the receiver's paths
 *   decision: decision, reason (nullable; why it was declined)
 *   file:     id, header (the 136 bytes of the original format)
 *   cancel:   id
 *   receipt:  id, saved, name (the final name, saved) or reason
 *   end:      nothing
 *   error:    reason
 *   pair-commit, pair-nonce, pair-reveal: nonce (the commitment, a
 *             nonce, the nonce committed to)
 *   pair-answer: same (whether the person saw the same six digits) */
typedef struct
{
  PhMessageType  type;
  guint32        version;
  char          *name;
  gboolean       has_summary;
  guint64        files;
  guint64        bytes;
  gboolean       paths;
  PhDecision     decision;
  char          *reason;
  guint32        id;
  guint8         header[PH_WIRE_HEADER_SIZE];
  gboolean       saved;
  gboolean       pair;
  guint8         nonce[PH_PAIR_NONCE_SIZE];
  gboolean       same;
} PhMessage;

void        ph_message_clear       (PhMessage      *message);
const char *ph_message_type_name   (PhMessageType   type);
GBytes     *ph_message_encode      (const PhMessage *message);
gboolean    ph_message_decode      (const guint8   *payload,
                                    gsize           len,
                                    PhMessage      *message,
                                    GError        **error);
void        ph_frame_data_word     (guint32         len,
                                    guint8          word[PH_FRAME_WORD_SIZE]);

typedef enum
{
  PH_UNIT_NONE,      /* more bytes needed */
  PH_UNIT_MESSAGE,   /* a control frame, decoded into the message */
  PH_UNIT_CHUNK,     /* a chunk of file bytes begins: its length */
  PH_UNIT_DATA,      /* file bytes of the chunk */
} PhUnitKind;

/* Cuts a stream into units without ever asking for a byte beyond the
 * unit it is in, so a blocking reader never waits for bytes the peer
 * has not sent. File bytes are handed back in place, not copied. */
typedef struct
{
  guint8  *buffer;
  gsize    size;
  gsize    have;
  gsize    need;
  guint32  chunk_left;
  int      state;
} PhFrameReader;

void        ph_frame_reader_init   (PhFrameReader  *reader,
                                    gsize           data_buffer);
void        ph_frame_reader_clear  (PhFrameReader  *reader);
guint8     *ph_frame_reader_space  (PhFrameReader  *reader,
                                    gsize          *len);
gboolean    ph_frame_reader_at_boundary (PhFrameReader *reader);
PhUnitKind  ph_frame_reader_commit (PhFrameReader  *reader,
                                    gsize           n,
                                    PhMessage      *message,
                                    const guint8  **data,
                                    gsize          *data_len,
                                    GError        **error);

G_END_DECLS
