/* hs-types-page.h — the live census by type, sortable and filterable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_TYPES_PAGE (hs_types_page_get_type ())
G_DECLARE_FINAL_TYPE (HsTypesPage, hs_types_page, HS, TYPES_PAGE, GtkWidget)

GtkWidget     *hs_types_page_new              (void);
void           hs_types_page_set_session      (HsTypesPage *self,
                                               HsSession   *session);
GtkColumnView *hs_types_page_get_column_view  (HsTypesPage *self);
GListModel    *hs_types_page_get_visible_rows (HsTypesPage *self);
guint          hs_types_page_find_row         (HsTypesPage *self,
                                               const char  *type_name);
void           hs_types_page_set_filter_text  (HsTypesPage *self,
                                               const char  *text);
void           hs_types_page_sort_by          (HsTypesPage *self,
                                               const char  *property,
                                               GtkSortType  order);
void           hs_types_page_focus_filter     (HsTypesPage *self);
char          *hs_types_page_dup_csv          (HsTypesPage *self);
char          *hs_types_page_dup_text_table   (HsTypesPage *self);

G_END_DECLS
