/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ph-address.h"
#include "ph-announcer.h"
#include "ph-batch.h"
#include "ph-browser.h"
#include "ph-device-name.h"
#include "ph-enums.h"
#include "ph-error.h"
#include "ph-inbox.h"
#include "ph-installation-id.h"
#include "ph-naming.h"
#include "ph-peer.h"
#include "ph-receiver.h"
#include "ph-sender.h"
#include "ph-service.h"
#include "ph-transfer.h"
#include "ph-wire.h"
