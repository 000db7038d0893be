/* hs-referrers-page.h — why is it alive: the referrer tree of the object
 * inspected, its path to a root, and its text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-referrer-tree.h"

G_BEGIN_DECLS

#define HS_TYPE_REFERRERS_PAGE (hs_referrers_page_get_type ())
G_DECLARE_FINAL_TYPE (HsReferrersPage, hs_referrers_page, HS, REFERRERS_PAGE, GtkWidget)

GtkWidget        *hs_referrers_page_new            (void);
void              hs_referrers_page_set_session    (HsReferrersPage   *self,
                                                    HsSession         *session);
void              hs_referrers_page_set_object     (HsReferrersPage   *self,
                                                    const HsObjectRef *object);
HsReferrerTree   *hs_referrers_page_get_tree       (HsReferrersPage   *self);
GtkTreeListModel *hs_referrers_page_get_rows       (HsReferrersPage   *self);
GtkListView      *hs_referrers_page_get_list_view  (HsReferrersPage   *self);
GtkWidget        *hs_referrers_page_get_breadcrumb (HsReferrersPage   *self);
HsReferrerNode   *hs_referrers_page_get_selected   (HsReferrersPage   *self);
void              hs_referrers_page_find_path      (HsReferrersPage   *self);
gboolean          hs_referrers_page_get_finding    (HsReferrersPage   *self);
const char       *hs_referrers_page_get_message    (HsReferrersPage   *self);
char             *hs_referrers_page_dup_report     (HsReferrersPage   *self);

G_END_DECLS
