/* hs-application.h — the Heapscope GtkApplication
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hs-launch-spec.h"

G_BEGIN_DECLS

#define HS_TYPE_APPLICATION (hs_application_get_type ())
G_DECLARE_FINAL_TYPE (HsApplication, hs_application, HS, APPLICATION, AdwApplication)

HsApplication *hs_application_new                 (void);
void           hs_application_set_initial_launch  (HsApplication      *self,
                                                   const HsLaunchSpec *spec);
void           hs_application_open_file           (HsApplication      *self,
                                                   const char         *path);

G_END_DECLS
