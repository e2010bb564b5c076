/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-address.h"
#include "ph-batch.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-inbox.h"
#include "ph-naming.h"
#include "ph-receiver.h"
#include "ph-sender.h"
#include "ph-transfer.h"
#include "ph-wire.h"
