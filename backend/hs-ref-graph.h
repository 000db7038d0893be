/* hs-ref-graph.h — a reference graph: objects of the child, who refers to whom,
 * and where Graphviz put them
 *
 * A graph is built from the agent's "graph" reply (PROTOCOL.md "Graph"),
 * grown by expanding its nodes, laid out by gvc in a worker thread
 * (hs-graph-layout.h) and drawn by HsGraphView. It is plain data, no GTK:
 * a laid-out graph is never changed, each step makes a new one, so the
 * view can keep drawing the old one while the next is laid out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <glib-object.h>
#include "hs-reply.h"

G_BEGIN_DECLS

typedef enum
{
  HS_GRAPH_REFERRERS = 1 << 0,     /* what refers to the object (objgraph's backrefs) */
  HS_GRAPH_REFERENTS = 1 << 1,     /* what the object refers to */
  HS_GRAPH_BOTH      = HS_GRAPH_REFERRERS | HS_GRAPH_REFERENTS,
} HsGraphDirection;

typedef enum
{
  HS_GRAPH_NODE_ASKED    = 1 << 0, /* an object the graph was asked about */
  HS_GRAPH_NODE_ON_PATH  = 1 << 1, /* on the path from the first asked object to a root */
  HS_GRAPH_NODE_IN_CYCLE = 1 << 2, /* on a reference cycle (hs_ref_graph_mark_cycles) */
  HS_GRAPH_NODE_MORE     = 1 << 3, /* "+K more": neighbours left out (objgraph's too_many) */
} HsGraphNodeFlags;

typedef enum
{
  HS_GRAPH_EDGE_ON_PATH  = 1 << 0,
  HS_GRAPH_EDGE_IN_CYCLE = 1 << 1,
} HsGraphEdgeFlags;

typedef struct
{
  HsObjectRef      *object;        /* handle 0 when it cannot be asked about (a
                                    * "more" node, a reopened or garbage graph) */
  gint64            deep;          /* bytes, -1 when unknown */
  guint             flags;         /* HsGraphNodeFlags */
  guint             explored;      /* HsGraphDirection: neighbours already in the graph */
  gint64            more;          /* MORE nodes: how many neighbours are left out */
  guint             more_of;       /* MORE nodes: the node they belong to */
  HsGraphDirection  more_direction;/* MORE nodes: referrers or referents of more_of */
  int               cluster;       /* connected part after hs_ref_graph_split, else -1 */
  /* Layout, in points, y down from the top left of the graph. */
  double            x, y;          /* centre */
  double            width, height;
  gboolean          placed;        /* x, y are set (laid out, or kept from before) */
} HsGraphNode;

typedef struct
{
  guint             from;          /* node index: the referrer… */
  guint             to;            /* …and what it refers to */
  HsEdgeKind        kind;          /* named as the referrer tree names it */
  char             *name;
  gint64            index;
  guint             flags;         /* HsGraphEdgeFlags */
  /* Layout: a cubic B-spline in points (1 + 3k points, y down), the arrow
   * head's tip, the label's centre. n_points is 0 before layout. */
  double           *points;        /* x0, y0, x1, y1, … */
  guint             n_points;
  gboolean          has_arrow;
  double            arrow_x, arrow_y;
  double            label_x, label_y;
} HsGraphEdge;

/* HsRefGraph is declared in hs-reply.h, whose "graph" answers carry one. */
struct _HsRefGraph
{
  GArray           *nodes;         /* HsGraphNode */
  GArray           *edges;         /* HsGraphEdge */
  char             *label;         /* what it shows: "referrers of Order at 0x…" or the script's label */
  HsGraphDirection  direction;
  int               depth;
  int               too_many;
  char            **hidden_types;  /* type names left out (objgraph's filter), NULL-terminated */
  gboolean          truncated;     /* cut at the node limit */
  gboolean          split;         /* nodes carry their connected part in `cluster` */
  char             *engine;        /* "dot", "sfdp", "neato"; NULL before layout */
  double            width, height; /* bounding box in points, 0 before layout */
  /*< private >*/
  gatomicrefcount   ref_count;
};

#define HS_GRAPH_DEFAULT_DEPTH     3
#define HS_GRAPH_DEFAULT_TOO_MANY  20
#define HS_GRAPH_MAX_NODES         20000
#define HS_GRAPH_MAX_EDGES         200000
/* What the layout sizes a node for, and what the view should draw in it: the
 * type on the first line, the short text on the second, each cut to this
 * many characters, in a 10 pt sans-serif font (1 pt = 1 unit of the layout). */
#define HS_GRAPH_LABEL_CHARS       40
#define HS_GRAPH_FONT_SIZE         10.0
#define HS_GRAPH_EDGE_FONT_SIZE    9.0     /* edge labels: the edge's description */
#define HS_GRAPH_ARROW_LENGTH      10.0    /* from a spline's end to its arrow's tip, as Graphviz draws it */

#define HS_TYPE_REF_GRAPH (hs_ref_graph_get_type ())

GType        hs_ref_graph_get_type     (void) G_GNUC_CONST;
HsRefGraph  *hs_ref_graph_new          (void);
HsRefGraph  *hs_ref_graph_ref          (HsRefGraph        *self);
void         hs_ref_graph_unref        (HsRefGraph        *self);
/* A deep copy: the next step of exploring starts from one. */
HsRefGraph  *hs_ref_graph_copy         (const HsRefGraph  *self);
/* Takes @object. Returns the new node's index. */
guint        hs_ref_graph_add_node     (HsRefGraph        *self,
                                        HsObjectRef       *object,
                                        gint64             deep,
                                        guint              flags);
guint        hs_ref_graph_add_edge     (HsRefGraph        *self,
                                        guint              from,
                                        guint              to,
                                        HsEdgeKind         kind,
                                        const char        *name,
                                        gint64             index);
/* The node of the object with @handle, or -1. */
int          hs_ref_graph_find_handle  (const HsRefGraph  *self,
                                        gint64             handle);
/* "attribute items", "key 'a'", "index 3", …: as the referrer tree says it. */
char        *hs_graph_edge_describe    (const HsGraphEdge *edge);
/* @text as a Graphviz label, the same in DOT quotes and set through cgraph:
 * valid UTF-8; backslashes, quotes and "&" escaped, so that no label escape
 * (\N, \l…) or entity is taken from it; line breaks as "\n", other control
 * characters as spaces. */
char        *hs_graph_escape_label     (const char        *text);
/* "referrers", "referents", "both": as the wire and the session file name them. */
const char  *hs_graph_direction_to_string   (HsGraphDirection  direction);
gboolean     hs_graph_direction_from_string (const char       *text,
                                             HsGraphDirection *direction);
/* Line @line (0: the type, 1: the short text) of what a node shows, cut to
 * HS_GRAPH_LABEL_CHARS characters with "…"; "+K more" nodes have line 0 only.
 * NULL when there is no such line. */
char        *hs_graph_node_label_line  (const HsGraphNode *node,
                                        guint              line);
/* A straight edge from @from's box to @to's, as the layout draws one that
 * Graphviz gave no spline: a cubic (4 points in @points) from @from's border
 * to HS_GRAPH_ARROW_LENGTH short of the arrow's tip on @to's border, the
 * label half-way from border to tip. Centre to centre, the tip on the
 * last point, when the boxes touch or overlap; a loop on the right of the
 * box when @from is @to. */
void         hs_graph_route_straight   (const HsGraphNode *from,
                                        const HsGraphNode *to,
                                        double             points[8],
                                        double            *arrow_x,
                                        double            *arrow_y,
                                        double            *label_x,
                                        double            *label_y);

/* Graph operations: each changes @self, which must not have been shared
 * since it was made or copied (hs_ref_graph_copy), or makes a new graph. */

/* Marks the nodes and edges on a reference cycle (self-references too) and
 * clears the marks of the others. Returns how many nodes are on one. */
guint        hs_ref_graph_mark_cycles  (HsRefGraph        *self);
/* A new graph of only the nodes on a cycle (in a strongly connected part,
 * or referring to themselves) and the edges between them, as Pympler's
 * reduce_to_cycles() shows them; not laid out. */
HsRefGraph  *hs_ref_graph_cycles_only  (const HsRefGraph  *self);
/* Numbers the weakly connected parts in node->cluster (from 0, in the order
 * of their first node) and sets self->split. Returns how many there are. */
guint        hs_ref_graph_split        (HsRefGraph        *self);
/* Adds what expanding @expanded_node in @direction found (@more, the graph
 * asked about its object): nodes matched by handle, edges not already there.
 * The node's "+K more" nodes in @direction are replaced by those of @more, or
 * removed. Old nodes stay placed, new ones are not: lay it out with
 * keep_placed. Indexes up to @expanded_node's are kept; later ones may
 * move down. Cycles are marked again, parts numbered again if split.
 * Returns how many nodes were added. */
guint        hs_ref_graph_merge        (HsRefGraph        *self,
                                        const HsRefGraph  *more,
                                        guint              expanded_node,
                                        HsGraphDirection   direction);
/* Takes back an expansion: removes what hangs from @node only through its
 * edges in @direction (neighbours, and what hangs from them) unless it also
 * leads to an asked node or one on the path; clears the node's explored bits
 * in @direction. Nodes and edges are renumbered; cycles marked again, parts
 * numbered again if split. Returns how many nodes were removed. */
guint        hs_ref_graph_collapse     (HsRefGraph        *self,
                                        guint              node,
                                        HsGraphDirection   direction);

/* Writing out. The DOT text shows each node's type, text and sizes; roots
 * are boxes, asked nodes doubled, path edges bold, cycle edges red; split
 * graphs have one cluster per part. Any text is escaped, made valid UTF-8. */
char        *hs_ref_graph_to_dot       (const HsRefGraph  *self);
/* Writes the graph to @path in the format its extension names: .dot (the
 * text above), .svg, .png or .pdf (laid out and drawn by Graphviz with the
 * graph's engine, or the one its size calls for). Any thread; written in
 * hs-graph-layout.c, with the other Graphviz calls. */
gboolean     hs_ref_graph_render_file  (const HsRefGraph  *self,
                                        const char        *path,
                                        GError           **error);
/* The agent's "graph" answer (PROTOCOL.md): nodes, edges, path, the optional
 * "asked" count (1 when left out) and "label"; every part checked
 * (HS_WIRE_ERROR_INVALID, naming the member). Objects with more neighbours
 * than were sent get a "+K more" node; cycles are marked. Not laid out. */
HsRefGraph  *hs_ref_graph_parse_reply  (JsonObject        *object,
                                        GError           **error);
/* Everything, layout included, for keeping in a session file… */
JsonNode    *hs_ref_graph_to_json      (const HsRefGraph  *self);
/* …and read back, checked as strictly as the wire (HS_WIRE_ERROR_INVALID,
 * naming the member). */
HsRefGraph  *hs_ref_graph_new_from_json (JsonNode         *node,
                                         GError          **error);

static inline HsGraphNode *
hs_ref_graph_node (const HsRefGraph *self, guint index)
{
  return &g_array_index (self->nodes, HsGraphNode, index);
}

static inline HsGraphEdge *
hs_ref_graph_edge (const HsRefGraph *self, guint index)
{
  return &g_array_index (self->edges, HsGraphEdge, index);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsRefGraph, hs_ref_graph_unref)

G_END_DECLS
