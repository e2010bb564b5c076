/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* systemd-hostnamed's PrettyHostname, played by a test on @bus. */
guint ph_test_hostnamed_serve (GDBusConnection *bus,
                               const char      *pretty,
                               gboolean        *owned);

G_END_DECLS
