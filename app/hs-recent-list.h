/* hs-recent-list.h — the sessions run, opened or saved last, on the start page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HS_RECENT_SESSIONS_MAX 20

#define HS_TYPE_RECENT_LIST (hs_recent_list_get_type ())
G_DECLARE_FINAL_TYPE (HsRecentList, hs_recent_list, HS, RECENT_LIST, GtkWidget)

GtkWidget    *hs_recent_list_new         (void);
gboolean      hs_recent_list_get_loading (HsRecentList *self);
guint         hs_recent_list_get_n_rows  (HsRecentList *self);
AdwActionRow *hs_recent_list_get_row     (HsRecentList *self,
                                          guint         position);

void          hs_recent_sessions_add     (const char   *path);
void          hs_recent_sessions_remove  (const char   *path);

G_END_DECLS
