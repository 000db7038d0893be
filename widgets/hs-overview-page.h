/* hs-overview-page.h — the process at a glance: figures, memory chart, snapshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_OVERVIEW_PAGE (hs_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (HsOverviewPage, hs_overview_page, HS, OVERVIEW_PAGE, GtkWidget)

GtkWidget *hs_overview_page_new         (void);
void       hs_overview_page_set_session (HsOverviewPage *self,
                                         HsSession      *session);

G_END_DECLS
