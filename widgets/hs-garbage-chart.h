/* hs-garbage-chart.h — how many objects each collection freed, over time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-garbage-log.h"

G_BEGIN_DECLS

#define HS_TYPE_GARBAGE_CHART (hs_garbage_chart_get_type ())
G_DECLARE_FINAL_TYPE (HsGarbageChart, hs_garbage_chart, HS, GARBAGE_CHART, GtkWidget)

/* A bar per collection at its time, as tall as the objects it freed, in its
 * generation's colour; collections closer than a pixel share one bar, the
 * tallest of each generation. The tooltip tells the collection under the
 * pointer; a click emits "collection-activated" (guint position in the
 * model). @collections: HsGarbageCollection items in the order they ran. */
GtkWidget *hs_garbage_chart_new              (void);
void       hs_garbage_chart_set_model        (HsGarbageChart      *self,
                                              GListModel          *collections);
/* The collection to mark (the one shown in the table), or NULL. */
void       hs_garbage_chart_set_marked       (HsGarbageChart      *self,
                                              HsGarbageCollection *collection);
/* The collection drawn at widget coordinates @x, @y (the nearest within a
 * few pixels), as a position in the model, or -1. */
int        hs_garbage_chart_collection_at    (HsGarbageChart      *self,
                                              double               x,
                                              double               y);
/* Where the collection at @position is drawn, FALSE when it is not. */
gboolean   hs_garbage_chart_collection_point (HsGarbageChart      *self,
                                              guint                position,
                                              double              *x,
                                              double              *y);
/* What the tooltip of the collection at @position says, or NULL. */
char      *hs_garbage_chart_describe         (HsGarbageChart      *self,
                                              guint                position);
/* The generation's colour in the chart. */
void       hs_garbage_chart_color            (int                  generation,
                                              GdkRGBA             *color);

/* Numbers as the garbage views show them: a collection's time ("12.31 s",
 * "3:04.50"), and what the watch cost ("120 µs", "2.1 ms", "0.21 s"). */
char      *hs_garbage_format_time            (double               seconds);
char      *hs_garbage_format_cost            (double               seconds);

G_END_DECLS
