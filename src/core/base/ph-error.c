/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ph-error.h"

G_DEFINE_QUARK (ph-error-quark, ph_error)
