/* hs-headless.h — run a script under the agent with no display and print tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-session.h"

G_BEGIN_DECLS

int   hs_headless_run          (const HsLaunchSpec *spec);
char *hs_session_format_report (HsSession          *self);

G_END_DECLS
