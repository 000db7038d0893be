/* hs-classes-page.h — tracked classes over time, their instances, and one
 * instance's sizes, referents and creation stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-class-chart.h"
#include "hs-class-tracker.h"
#include "hs-lifetime-view.h"

G_BEGIN_DECLS

#define HS_TYPE_CLASSES_PAGE (hs_classes_page_get_type ())
G_DECLARE_FINAL_TYPE (HsClassesPage, hs_classes_page, HS, CLASSES_PAGE, GtkWidget)

/* Property: "tracker". Signals:
 *   "sample-activated" (guint sample): the chart was clicked; show that sample everywhere
 *   "show-instance" (HsTrackedInstance *): Show in Inspector, for a live instance
 *   "show-referrers" (HsTrackedInstance *): Show Referrers, for a live instance
 *   "detach-requested" (gint64 class_index): Stop Tracking; 0 for everything */
GtkWidget         *hs_classes_page_new                   (void);
void               hs_classes_page_set_tracker           (HsClassesPage  *self,
                                                          HsClassTracker *tracker);
HsClassTracker    *hs_classes_page_get_tracker           (HsClassesPage  *self);
/* The sample whose figures the table shows and the chart marks (-1: the latest). */
void               hs_classes_page_set_shown_sample      (HsClassesPage  *self,
                                                          int             sample);

/* The classes as shown (sorted) and choosing some: @extend adds to the choice. */
GtkColumnView     *hs_classes_page_get_class_view        (HsClassesPage  *self);
GListModel        *hs_classes_page_get_visible_classes   (HsClassesPage  *self);
gboolean           hs_classes_page_select_class          (HsClassesPage  *self,
                                                          gint64          class_index,
                                                          gboolean        extend);

/* The instances of the chosen classes (all when none is chosen) as shown:
 * filtered, sorted and limited, as rows (HsInstanceRow) that stay where
 * they are and show one instance, then another. */
GtkColumnView     *hs_classes_page_get_instance_view     (HsClassesPage  *self);
GListModel        *hs_classes_page_get_visible_instances (HsClassesPage  *self);
/* Whether filtering or sorting is still under way (they run in steps). */
gboolean           hs_classes_page_is_busy               (HsClassesPage  *self);
/* Pympler's sort_stats keys, "classname", "name", "repr", "birth", "death",
 * "size" or "tsize", separated by commas, the first the primary; sizes sort
 * largest first. @reverse is reverse_order(). FALSE for an unknown key. */
gboolean           hs_classes_page_sort_instances        (HsClassesPage  *self,
                                                          const char     *keys,
                                                          gboolean        reverse);
/* print_stats(clsname, limit): a class-name substring, and a count ("100")
 * or a fraction of the chosen classes' instances ("0.1", "10 %"). */
void               hs_classes_page_set_instance_filter   (HsClassesPage  *self,
                                                          const char     *text);
gboolean           hs_classes_page_set_limit             (HsClassesPage  *self,
                                                          const char     *limit);
void               hs_classes_page_select_instance       (HsClassesPage  *self,
                                                          guint           position);
HsTrackedInstance *hs_classes_page_get_selected_instance (HsClassesPage  *self);

HsClassChart      *hs_classes_page_get_chart             (HsClassesPage  *self);
HsLifetimeView    *hs_classes_page_get_lifetime_view     (HsClassesPage  *self);
/* The detail pane's texts, as shown: "sizes" (one line per sample),
 * "trace", "referents" (the note above the tree), "death", "gone" (the
 * note on an instance that left the list, "" if none); NULL for any while
 * no instance is shown. */
char              *hs_classes_page_dup_detail_text       (HsClassesPage  *self,
                                                          const char     *part);

G_END_DECLS
