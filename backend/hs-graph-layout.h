/* hs-graph-layout.h — laying out a reference graph with Graphviz, and writing it out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hs-ref-graph.h"

G_BEGIN_DECLS

/* Above this many nodes a graph is laid out for speed (see below). */
#define HS_GRAPH_LAYOUT_BIG 1500

/* Lays out a copy of @graph with gvc: @engine NULL picks "dot" up to
 * HS_GRAPH_LAYOUT_BIG nodes and "twopi" above (sfdp needs seconds for
 * 10 000 nodes in Graphviz 2.42), whose crowded rings are then spread so
 * that no two nodes overlap; any other engine of gvc may be named. Above
 * HS_GRAPH_LAYOUT_BIG nodes, sizes come from the text's length, edges are
 * straight and have no labels.
 * With @keep_placed, nodes with placed == TRUE keep their x/y and the edges
 * between them their lines; @engine is not used. The new nodes (measured by
 * Graphviz) go in rows of up to 8 next to the node they hang
 * from — above it for its referrers, below for its referents, as dot draws
 * them — as close as they fit without covering any node; their edges are
 * straight. The result's engine is "neato". If the graph grows up or left,
 * everything moves by the same amount so that it starts at 0, 0.
 * Graphviz's complaints become G_IO_ERROR_FAILED; a cancelled layout,
 * G_IO_ERROR_CANCELLED (checked before and after Graphviz, which cannot be
 * interrupted). Any thread: the calls into Graphviz, which is not
 * thread-safe, take turns. */
HsRefGraph *hs_graph_layout        (HsRefGraph          *graph,
                                    const char          *engine,
                                    gboolean             keep_placed,
                                    GCancellable        *cancellable,
                                    GError             **error);
/* The same in a thread of its own, one layout at a time. */
void        hs_graph_layout_async  (HsRefGraph          *graph,
                                    const char          *engine,
                                    gboolean             keep_placed,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
HsRefGraph *hs_graph_layout_finish (GAsyncResult        *result,
                                    GError             **error);

/* hs_ref_graph_render_file () is declared in hs-ref-graph.h. */

G_END_DECLS
