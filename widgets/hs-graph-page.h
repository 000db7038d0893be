/* hs-graph-page.h — the Graph page: the web of objects around one, laid out
 * by Graphviz, explored by clicking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "hs-graph-view.h"
#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_GRAPH_PAGE (hs_graph_page_get_type ())

G_DECLARE_FINAL_TYPE (HsGraphPage, hs_graph_page, HS, GRAPH_PAGE, GtkWidget)

GtkWidget   *hs_graph_page_new           (void);
void         hs_graph_page_set_session   (HsGraphPage       *self,
                                          HsSession         *session);
/* Asks for a new graph around @object with the page's options. */
void         hs_graph_page_show_object   (HsGraphPage       *self,
                                          const HsObjectRef *object);
/* Shows the session's graph @index as it was recorded. */
void         hs_graph_page_show_graph    (HsGraphPage       *self,
                                          guint              index);
/* Expands (or collapses, when its neighbours are shown) node @node in place. */
void         hs_graph_page_expand        (HsGraphPage       *self,
                                          guint              node);
HsGraphView *hs_graph_page_get_view      (HsGraphPage       *self);
/* The graph as explored (what the session records), NULL before any. */
HsRefGraph  *hs_graph_page_get_graph     (HsGraphPage       *self);
/* A request or a layout is under way. */
gboolean     hs_graph_page_get_busy      (HsGraphPage       *self);
/* The note under the toolbar ("cut at 20 000 objects", an error), or NULL. */
const char  *hs_graph_page_get_note      (HsGraphPage       *self);

G_END_DECLS
