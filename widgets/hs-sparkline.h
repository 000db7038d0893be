/* hs-sparkline.h — a tracked class's total size over time, small enough
 * for a table row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-class-tracker.h"

G_BEGIN_DECLS

#define HS_TYPE_SPARKLINE (hs_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (HsSparkline, hs_sparkline, HS, SPARKLINE, GtkWidget)

/* Property: "tracked-class"; it follows the class's "points-changed". */
GtkWidget      *hs_sparkline_new               (void);
void            hs_sparkline_set_tracked_class (HsSparkline    *self,
                                                HsTrackedClass *tracked);
HsTrackedClass *hs_sparkline_get_tracked_class (HsSparkline    *self);

G_END_DECLS
