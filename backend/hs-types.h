/* hs-types.h — forward declarations shared by the backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HsCensus      HsCensus;
typedef struct _HsCensusRow   HsCensusRow;
typedef struct _HsHello       HsHello;
typedef struct _HsMessage     HsMessage;
typedef struct _HsLaunchSpec  HsLaunchSpec;

G_END_DECLS
