/* hs-window.h — the main window: one session, its pages and controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hs-console-view.h"
#include "hs-overview-page.h"
#include "hs-recent-list.h"
#include "hs-session.h"
#include "hs-instances-view.h"
#include "hs-object-inspector.h"
#include "hs-referrers-page.h"
#include "hs-types-page.h"

G_BEGIN_DECLS

#define HS_TYPE_WINDOW (hs_window_get_type ())
G_DECLARE_FINAL_TYPE (HsWindow, hs_window, HS, WINDOW, AdwApplicationWindow)

HsWindow      *hs_window_new              (GtkApplication     *application);
void           hs_window_run              (HsWindow           *self,
                                           const HsLaunchSpec *spec);
void           hs_window_open_file        (HsWindow           *self,
                                           const char         *path);
void           hs_window_save_as          (HsWindow           *self,
                                           const char         *path);
HsSession     *hs_window_get_session      (HsWindow           *self);
HsTypesPage   *hs_window_get_types_page   (HsWindow           *self);
HsInstancesView *hs_window_get_instances_view (HsWindow       *self);
HsObjectInspector *hs_window_get_inspector (HsWindow          *self);
HsReferrersPage *hs_window_get_referrers_page (HsWindow       *self);
HsOverviewPage *hs_window_get_overview_page (HsWindow         *self);
HsConsoleView *hs_window_get_console_view (HsWindow           *self);
HsRecentList  *hs_window_get_recent_list  (HsWindow           *self);
const char    *hs_window_get_view         (HsWindow           *self);
void           hs_window_show_page        (HsWindow           *self,
                                           const char         *name);

G_END_DECLS
