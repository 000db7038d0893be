/* hs-instance-row.h — a row of the Classes page's instance table, showing
 * one tracked instance and then another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-class-tracker.h"

G_BEGIN_DECLS

#define HS_TYPE_INSTANCE_ROW (hs_instance_row_get_type ())
G_DECLARE_FINAL_TYPE (HsInstanceRow, hs_instance_row, HS, INSTANCE_ROW, GObject)

HsInstanceRow     *hs_instance_row_new          (HsTrackedInstance *instance);
void               hs_instance_row_assign       (HsInstanceRow     *self,
                                                 HsTrackedInstance *instance);
HsTrackedInstance *hs_instance_row_get_instance (HsInstanceRow     *self);
/* The instance @item shows: @item itself, or the one an HsInstanceRow shows. */
HsTrackedInstance *hs_instance_row_instance_of  (gpointer           item);
/* The class name of what @item shows (HsTypeRowsKind's name). */
const char        *hs_instance_row_name         (gpointer           item);

G_END_DECLS
