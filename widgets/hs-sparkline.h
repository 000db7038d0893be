/* hs-sparkline.h — a series over time, small enough for a table row: a
 * tracked class's total size, or any points given
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
/* Draws @values at @times instead (copied), from their lowest to their
 * highest, in the widget's colour; NULL, 0 for none. Unsets the tracked class. */
void            hs_sparkline_set_points        (HsSparkline    *self,
                                                const double   *times,
                                                const double   *values,
                                                guint           n_points);

G_END_DECLS
