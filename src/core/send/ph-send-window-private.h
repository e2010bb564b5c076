/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How many files a sender keeps in flight (sent, their receipts not
 * back yet): connections in the original format, files ahead of their
 * receipts in the secure channel. See ph-send-window.c. */

#define PH_TYPE_SEND_WINDOW (ph_send_window_get_type ())

/* Where an adaptive window starts, and the least it keeps (but for
 * refusals): what a Posthouse receiver serves one sender at once, so
 * that nothing waits there before measurements say that more files in
 * flight go faster. */
#define PH_SEND_WINDOW_INITIAL   8
/* The most connections' worth a plain-format sender keeps in flight to
 * one receiver. A Posthouse receiver serves 8 files at once per sender
 * and keeps the rest waiting in its own queue (256 connections for
 * everyone, those still in their header included); with 32 in flight a
 * sender holds at most 24 waiting plus 32 connections made ahead of
 * their file: a quarter of that queue, so several senders at once stay
 * out of the kernel's listen queue. */
#define PH_SEND_WINDOW_PLAIN_MAX 32
/* Where the secure channel's window starts, and the least it keeps
 * (files ahead of their receipts on one connection; its most is
 * PH_SECURE_SEND_MAX_WINDOW). Such files cost a receiver no connection
 * and no slot, only socket buffer, while fewer make both ends wake more
 * often: on loopback, where the CPU is the limit, starting at 16 took
 * 1.27 times as long as 64 (bench/RESULTS.md). So it starts where a
 * fixed window was measured best and grows only where receipts are a
 * round trip away. */
#define PH_SEND_WINDOW_SECURE_INITIAL 64

G_DECLARE_FINAL_TYPE (PhSendWindow, ph_send_window, PH, SEND_WINDOW, GObject)

/* Monotonic time in microseconds. */
typedef gint64 (*PhSendWindowClock) (gpointer user_data);

/* What ph_send_window_sent() noted about a file; given back with its
 * receipt. Plain data, to keep with the file. */
typedef struct
{
  gint64  sent_at;
  guint64 round;
  guint   in_flight;   /* with this one */
} PhSendWindowMark;

PhSendWindow *ph_send_window_new        (guint              initial,
                                         guint              max);
PhSendWindow *ph_send_window_new_fixed  (guint              size);
void          ph_send_window_set_clock  (PhSendWindow      *self,
                                         PhSendWindowClock  clock,
                                         gpointer           user_data);
guint         ph_send_window_get_size   (PhSendWindow      *self);
guint         ph_send_window_get_max    (PhSendWindow      *self);
gboolean      ph_send_window_is_fixed   (PhSendWindow      *self);
const char   *ph_send_window_get_reason (PhSendWindow      *self);

void          ph_send_window_sent       (PhSendWindow      *self,
                                         PhSendWindowMark  *mark,
                                         gint64             when);
void          ph_send_window_delivered  (PhSendWindow      *self,
                                         const PhSendWindowMark *mark,
                                         gint64             bytes,
                                         gint64             when);
void          ph_send_window_refused    (PhSendWindow      *self,
                                         const PhSendWindowMark *mark);
void          ph_send_window_abandoned  (PhSendWindow      *self,
                                         const PhSendWindowMark *mark);
guint         ph_send_window_get_in_flight (PhSendWindow   *self);

G_END_DECLS
