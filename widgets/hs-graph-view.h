/* hs-graph-view.h — a laid-out reference graph, drawn as vectors, explored by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "hs-ref-graph.h"

G_BEGIN_DECLS

#define HS_GRAPH_VIEW_MIN_ZOOM 0.02     /* lower still when a huge graph needs it to fit */
#define HS_GRAPH_VIEW_MAX_ZOOM 8.0

#define HS_TYPE_GRAPH_VIEW (hs_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (HsGraphView, hs_graph_view, HS, GRAPH_VIEW, GtkWidget)

/* Properties: "graph" (HsRefGraph, read-only), "selected" (int, -1 for none),
 * "zoom" (double, 1.0 = 1 pt of the layout per pixel), each notified when it
 * changes. Signals: "node-activated" (int node), on a double click on a node
 * or Enter/space with a node selected (the page expands or collapses it).
 *
 * Keys (when focused): + = − zoom, 0 fits; the arrows pan; Alt+arrow selects
 * the nearest node that way; Tab and Shift+Tab select the next and previous
 * node in reading order (top to bottom, then left to right) and leave the
 * view past the last and first (Ctrl+Tab always leaves); Enter or space
 * activates the selected node; Escape clears the selection. The keys run the
 * widget's actions "graph.zoom-in", "graph.zoom-out", "graph.zoom-fit" and
 * "graph.activate", which a child of the view can use too.
 * Pointer: Ctrl+scroll and pinch zoom about the pointer; scroll pans
 * (Shift+scroll sideways); dragging empty space with the primary or middle
 * button pans; a click selects, a click on empty space clears. The focus
 * ring around the selected node shows when focus is visible (keyboard use).
 *
 * What it draws: each node's box as laid out, with two lines centred in it,
 * the type (bold) over the short text, set at 10 pt of the layout (less in
 * boxes under 30 pt high) and ellipsized to the box: boxes about 36 pt high
 * and as wide as the longer line at 10 pt plus 12 pt fit them. Edge labels
 * are 8 pt, centred on label_x/label_y (the spline's middle when both are
 * 0); a root's caption sits on a 14 pt tab above its box. Colours come from
 * the style (accent, success, warning, view_bg_color); CSS name
 * "hsgraphview". */
GtkWidget  *hs_graph_view_new           (void);
/* Shows a laid-out graph. keep_view: keep zoom and keep the selected node
 * (by handle, or by index when handles are 0; with nothing selected, the
 * first node found in both graphs) where it was on screen — used after
 * expanding in place; else zoom to fit, now or when the view first gets a
 * size. The selection follows its object by handle (with keep_view, by
 * index when the handle is 0), else it is cleared. NULL shows nothing. */
void        hs_graph_view_set_graph     (HsGraphView *self,
                                         HsRefGraph  *graph,
                                         gboolean     keep_view);
HsRefGraph *hs_graph_view_get_graph     (HsGraphView *self);
int         hs_graph_view_get_selected  (HsGraphView *self);          /* node index or -1 */
/* Selects @node (-1: none) and scrolls it into view. */
void        hs_graph_view_set_selected  (HsGraphView *self,
                                         int          node);
double      hs_graph_view_get_zoom      (HsGraphView *self);          /* 1.0 = 1 pt per px */
void        hs_graph_view_set_zoom      (HsGraphView *self,
                                         double       zoom);          /* about the centre */
/* Zooms keeping the point at widget coordinates @x, @y where it is (what
 * Ctrl+scroll and pinching do). */
void        hs_graph_view_zoom_at       (HsGraphView *self,
                                         double       zoom,
                                         double       x,
                                         double       y);
/* Moves the picture by @dx, @dy pixels (what dragging does: positive moves
 * it right and down). */
void        hs_graph_view_pan           (HsGraphView *self,
                                         double       dx,
                                         double       dy);
/* The whole graph, centred, at most at zoom 1.25. After it, the view stays
 * fitted when its size changes, until zoomed or panned. */
void        hs_graph_view_zoom_to_fit   (HsGraphView *self);
/* Widget coordinates of a node's centre (for tests), FALSE when there is no such node. */
gboolean    hs_graph_view_node_position (HsGraphView *self,
                                         int          node,
                                         double      *x,
                                         double      *y);
/* Whether the node's text is cut short to fit its box at the present zoom
 * (for tests: a box laid out for the text the view writes never cuts it). */
gboolean    hs_graph_view_node_text_is_cut (HsGraphView *self,
                                            int          node);
/* The node under widget coordinates, or -1. */
int         hs_graph_view_node_at       (HsGraphView *self,
                                         double       x,
                                         double       y);
/* TRUE while the picture is not final yet: text is left for the next
 * frames (a frame sets a few milliseconds' worth), or is to be set again for
 * the zoom once zooming stops. Tests wait for it before looking. */
gboolean    hs_graph_view_is_busy       (HsGraphView *self);
/* The node under the pointer, highlighted with its edges, or -1. */
int         hs_graph_view_get_hovered   (HsGraphView *self);
/* What the node's tooltip says: type, text, address, sizes, root kind, what
 * a "+K more" node stands for. NULL when there is no such node. */
char       *hs_graph_view_describe_node (HsGraphView *self,
                                         int          node);

G_END_DECLS
