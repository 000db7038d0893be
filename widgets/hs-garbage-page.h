/* hs-garbage-page.h — what each garbage collection freed in reference
 * cycles: totals, a chart, the collections, one collection's types and cycles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-garbage-chart.h"
#include "hs-garbage-log.h"
#include "hs-graph-view.h"

G_BEGIN_DECLS

#define HS_TYPE_GARBAGE_PAGE (hs_garbage_page_get_type ())
G_DECLARE_FINAL_TYPE (HsGarbagePage, hs_garbage_page, HS, GARBAGE_PAGE, GtkWidget)

/* Property: "log". The watch is turned on and off by the stateful boolean
 * action "win.watch-garbage", which an ancestor provides; the page shows
 * the log's "watching". */
GtkWidget           *hs_garbage_page_new                     (void);
void                 hs_garbage_page_set_log                 (HsGarbagePage       *self,
                                                              HsGarbageLog        *log);
HsGarbageLog        *hs_garbage_page_get_log                 (HsGarbagePage       *self);

/* What the page shows: "empty" (the invitation to watch), "waiting"
 * (watching, nothing collected yet) or "collections". */
const char          *hs_garbage_page_get_state               (HsGarbagePage       *self);

/* The collections as shown: newest first until sorted by another column. */
GtkColumnView       *hs_garbage_page_get_collection_view     (HsGarbagePage       *self);
GListModel          *hs_garbage_page_get_visible_collections (HsGarbagePage       *self);
/* Selects @collection (NULL: none) and scrolls to it; FALSE if it is not shown. */
gboolean             hs_garbage_page_select_collection       (HsGarbagePage       *self,
                                                              HsGarbageCollection *collection);
HsGarbageCollection *hs_garbage_page_get_selected_collection (HsGarbagePage       *self);

/* The selected collection's types, and its cycles: the one chosen is laid
 * out in a worker thread and shown in the graph view. */
GtkColumnView       *hs_garbage_page_get_type_view           (HsGarbagePage       *self);
void                 hs_garbage_page_select_cycle            (HsGarbagePage       *self,
                                                              guint                cycle);
guint                hs_garbage_page_get_selected_cycle      (HsGarbagePage       *self);
HsGraphView         *hs_garbage_page_get_graph_view          (HsGarbagePage       *self);
HsGarbageChart      *hs_garbage_page_get_chart               (HsGarbagePage       *self);
/* Whether sorting or a layout (even one no longer wanted) is still under way. */
gboolean             hs_garbage_page_is_busy                 (HsGarbagePage       *self);
/* The texts shown: "totals", "uncollectable" (empty when hidden), "title"
 * and "note" (the selected collection's), "cycle" (the chosen cycle's),
 * "cycle-status" (what is shown instead of a cycle, or empty). */
char                *hs_garbage_page_dup_text                (HsGarbagePage       *self,
                                                              const char          *part);

G_END_DECLS
