/* hs-settings.h — the app's GSettings, when its schema is installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings  *hs_settings_new               (void);
const char *hs_settings_get_fallback_file (void);

G_END_DECLS
