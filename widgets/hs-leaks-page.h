/* hs-leaks-page.h — the types that keep growing, ranked: the suspects of a
 * leak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-leak-finder.h"
#include "hs-why-view.h"

G_BEGIN_DECLS

#define HS_TYPE_LEAKS_PAGE (hs_leaks_page_get_type ())
G_DECLARE_FINAL_TYPE (HsLeaksPage, hs_leaks_page, HS, LEAKS_PAGE, GtkWidget)

/* Signals: "show-instances", "show-referrers", "show-graph" (the type's name:
 * its instances, the referrers or the graph of its first instance, which the
 * window shows), "show-path", "show-object-graph" (an HsObjectRef: an
 * instance of a group of the why view, whose path or graph the window
 * shows), "notice" (a line to show the user). */
GtkWidget     *hs_leaks_page_new                  (void);
void           hs_leaks_page_set_session          (HsLeaksPage *self,
                                                   HsSession   *session);
HsLeakFinder  *hs_leaks_page_get_finder           (HsLeaksPage *self);
/* What the page shows: "ranking" (the first ranking is being made),
 * "waiting" (too few samples since the baseline), "empty" (no suspect) or
 * "list". */
const char    *hs_leaks_page_get_state            (HsLeaksPage *self);
GtkColumnView *hs_leaks_page_get_column_view      (HsLeaksPage *self);
/* The suspects as shown: ranked, unless sorted by a column. */
GListModel    *hs_leaks_page_get_visible_suspects (HsLeaksPage *self);
HsLeakSuspect *hs_leaks_page_get_selected         (HsLeaksPage *self);
gboolean       hs_leaks_page_select               (HsLeaksPage *self,
                                                   const char  *type_name);
/* Why the selected type's instances are alive. */
HsWhyView     *hs_leaks_page_get_why_view         (HsLeaksPage *self);
/* The header line: what the ranking is measured from, over how long. */
const char    *hs_leaks_page_get_baseline_text    (HsLeaksPage *self);
/* The ranking as an aligned text table, with its header line. */
char          *hs_leaks_page_dup_text             (HsLeaksPage *self);

G_END_DECLS
