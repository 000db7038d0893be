/* hs-memory-chart.h — RSS and census bytes over time, with snapshot markers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HS_TYPE_MEMORY_CHART (hs_memory_chart_get_type ())
G_DECLARE_FINAL_TYPE (HsMemoryChart, hs_memory_chart, HS, MEMORY_CHART, GtkWidget)

GtkWidget *hs_memory_chart_new         (void);
void       hs_memory_chart_set_samples (HsMemoryChart *self,
                                        GListModel    *samples);

G_END_DECLS
