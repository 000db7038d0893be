/* hs-type-rows.h — the Types table's rows, sorted, changed in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-type-stat.h"

G_BEGIN_DECLS

#define HS_TYPE_TYPE_ROWS (hs_type_rows_get_type ())
G_DECLARE_FINAL_TYPE (HsTypeRows, hs_type_rows, HS, TYPE_ROWS, GObject)

HsTypeRows *hs_type_rows_new    (GListModel *source,
                                 GtkSorter  *sorter);
void        hs_type_rows_resort (HsTypeRows *self);
guint       hs_type_rows_find   (HsTypeRows *self,
                                 const char *name);

G_END_DECLS
