/* test-ref-graph.c — reference graphs: the agent's answer read, cycles,
 * parts, expanding and collapsing, layout, writing out, keeping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gvc.h>

#include "hs-graph-layout.h"
#include "hs-ref-graph.h"
#include "hs-wire.h"

/* Graphviz 2.42's own leaks, for LeakSanitizer: dot's cluster skeletons
 * (build_skeleton; only gmalloc shows with the fast unwinder) and the list
 * of engines it makes to say that one is unknown (gvplugin_list). */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:build_skeleton\nleak:gmalloc\nleak:gvplugin_list\n";
}

/* Building graphs */

static HsObjectRef *
object_new (gint64      handle,
            const char *type_name,
            const char *text)
{
  HsObjectRef *object = hs_object_ref_new ();

  object->handle = handle;
  object->type_name = g_strdup (type_name);
  object->text = g_strdup (text);
  object->address = 0x7f0000001000 + handle * 64;
  object->flat = 56 + handle % 7 * 8;
  return object;
}

static guint
add_object (HsRefGraph *graph,
            gint64      handle,
            const char *type_name,
            guint       flags)
{
  g_autofree char *text = g_strdup_printf ("%s at 0x%" G_GINT64_MODIFIER "x (id=%" G_GINT64_FORMAT ")",
                                           type_name, 0x7f0000001000 + handle * 64, handle);

  return hs_ref_graph_add_node (graph, object_new (handle, type_name, text), handle * 100, flags);
}

/* A referrer tree as the agent finds one: node 0 asked, each node referred
 * to by @branching others, every @cross_every-th node also referring to one
 * elsewhere. Handles from @first_handle. */
static HsRefGraph *
make_tree (guint  n,
           guint  branching,
           guint  cross_every,
           gint64 first_handle)
{
  static const char *const types[] = { "__main__.Order", "list", "dict", "__main__.Customer", "tuple", "function" };
  HsRefGraph *graph = hs_ref_graph_new ();
  g_autoptr(GHashTable) pairs = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *keys = g_new (gint64, 2 * n);
  guint n_keys = 0;

  for (guint i = 0; i < n; i++)
    add_object (graph, first_handle + i, types[i % G_N_ELEMENTS (types)], i == 0 ? HS_GRAPH_NODE_ASKED : 0);
  for (guint i = 1; i < n; i++)
    {
      guint parent = (i - 1) / branching;

      keys[n_keys] = ((gint64) i << 32) | parent;
      g_hash_table_add (pairs, &keys[n_keys++]);
      if (i % 3 == 0)
        hs_ref_graph_add_edge (graph, i, parent, HS_EDGE_INDEX, NULL, i % branching);
      else
        hs_ref_graph_add_edge (graph, i, parent, i % 3 == 1 ? HS_EDGE_ATTRIBUTE : HS_EDGE_KEY, "items", 0);
    }
  for (guint i = cross_every; cross_every > 0 && i < n; i += cross_every)
    {
      guint other = (i * 7919) % i;

      keys[n_keys] = ((gint64) i << 32) | other;
      if (other == i || g_hash_table_contains (pairs, &keys[n_keys]))
        continue;
      g_hash_table_add (pairs, &keys[n_keys++]);
      hs_ref_graph_add_edge (graph, i, other, HS_EDGE_ATTRIBUTE, "owner", 0);
    }
  return graph;
}

static HsRefGraph *
lay_out (HsRefGraph *graph,
         const char *engine,
         gboolean    keep_placed)
{
  g_autoptr(GError) error = NULL;
  HsRefGraph *laid_out = hs_graph_layout (graph, engine, keep_placed, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (laid_out);
  return laid_out;
}

/* Every node placed inside the bounding box, every edge a B-spline of
 * 1 + 3k points inside it. */
static void
assert_laid_out (const HsRefGraph *graph)
{
  g_assert_cmpfloat (graph->width, >, 0);
  g_assert_cmpfloat (graph->height, >, 0);
  g_assert_nonnull (graph->engine);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);

      g_assert_true (node->placed);
      g_assert_cmpfloat (node->width, >, 0);
      g_assert_cmpfloat (node->height, >, 0);
      g_assert_cmpfloat (node->x - node->width / 2, >=, -1);
      g_assert_cmpfloat (node->x + node->width / 2, <=, graph->width + 1);
      g_assert_cmpfloat (node->y - node->height / 2, >=, -1);
      g_assert_cmpfloat (node->y + node->height / 2, <=, graph->height + 1);
    }
  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      g_assert_cmpuint (edge->n_points, >=, 4);
      g_assert_cmpuint ((edge->n_points - 1) % 3, ==, 0);
      for (guint p = 0; p < edge->n_points; p++)
        {
          g_assert_cmpfloat (edge->points[2 * p], >=, -1);
          g_assert_cmpfloat (edge->points[2 * p], <=, graph->width + 1);
          g_assert_cmpfloat (edge->points[2 * p + 1], >=, -1);
          g_assert_cmpfloat (edge->points[2 * p + 1], <=, graph->height + 1);
        }
      g_assert_true (edge->has_arrow);
    }
}

static HsMessage *
parse_message (const char  *json,
               GError     **error)
{
  g_autoptr(GBytes) payload = g_bytes_new (json, strlen (json));

  return hs_message_parse (HS_FRAME_KIND_JSON, payload, error);
}

/* The agent's answer */

#define KNOWN_GRAPH \
  "{\"type\": \"graph\", \"id\": 40, \"truncated\": false, \"label\": \"orders\", \"filename\": \"/tmp/o.svg\"," \
  " \"nodes\": [" \
  "  {\"handle\": 17, \"type\": \"__main__.Order\", \"address\": 4096, \"flat\": 56, \"text\": \"Order at 0x1000\"," \
  "   \"deep\": 1480, \"root\": null, \"explored\": 1, \"more_referrers\": 0, \"more_referents\": 3}," \
  "  {\"handle\": 18, \"type\": \"list\", \"address\": 4160, \"flat\": 88, \"text\": \"list of 2\"," \
  "   \"deep\": null, \"root\": null, \"explored\": 0, \"more_referrers\": 12, \"more_referents\": 0}," \
  "  {\"handle\": 19, \"type\": \"dict\", \"address\": 4224, \"flat\": 232, \"text\": \"dict of 3\"," \
  "   \"deep\": 400, \"root\": null, \"explored\": 0, \"more_referrers\": 0, \"more_referents\": 0}," \
  "  {\"handle\": 20, \"type\": \"module\", \"address\": 4288, \"flat\": 72, \"text\": \"module __main__\"," \
  "   \"deep\": null, \"root\": \"module\", \"explored\": 2, \"more_referrers\": 0, \"more_referents\": 0}]," \
  " \"edges\": [[1, 0, {\"kind\": \"index\", \"index\": 1}], [2, 0, {\"kind\": \"key\", \"name\": \"'order'\"}]," \
  "           [3, 2, {\"kind\": \"global\", \"name\": \"orders\"}], [0, 1, {\"kind\": \"attribute\", \"name\": \"owner\"}]]," \
  " \"path\": [0, 2, 3]}"

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = parse_message (KNOWN_GRAPH, &error);
  const HsRefGraph *graph;
  const HsGraphNode *node;
  const HsGraphEdge *edge;
  g_autofree char *description = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (message->type, ==, HS_MESSAGE_REPLY);
  g_assert_cmpint (message->reply->kind, ==, HS_REPLY_GRAPH);
  g_assert_cmpstr (message->reply->filename, ==, "/tmp/o.svg");
  graph = message->reply->graph;
  g_assert_nonnull (graph);
  g_assert_cmpstr (graph->label, ==, "orders");
  g_assert_false (graph->truncated);

  /* Four objects, then a "+3 more" referents of 0 and "+12 more" referrers of 1. */
  g_assert_cmpuint (graph->nodes->len, ==, 6);
  node = hs_ref_graph_node (graph, 0);
  g_assert_cmpint (node->object->handle, ==, 17);
  g_assert_cmpstr (node->object->type_name, ==, "__main__.Order");
  g_assert_cmpint (node->deep, ==, 1480);
  g_assert_cmpuint (node->explored, ==, HS_GRAPH_REFERRERS);
  g_assert_cmpuint (node->flags, ==, HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH | HS_GRAPH_NODE_IN_CYCLE);
  node = hs_ref_graph_node (graph, 1);
  g_assert_cmpint (node->deep, ==, -1);
  g_assert_cmpuint (node->flags, ==, HS_GRAPH_NODE_IN_CYCLE);
  g_assert_cmpuint (hs_ref_graph_node (graph, 2)->flags, ==, HS_GRAPH_NODE_ON_PATH);
  node = hs_ref_graph_node (graph, 3);
  g_assert_cmpint (node->object->root, ==, HS_ROOT_MODULE);
  g_assert_cmpuint (node->explored, ==, HS_GRAPH_REFERENTS);
  g_assert_cmpuint (node->flags, ==, HS_GRAPH_NODE_ON_PATH);
  node = hs_ref_graph_node (graph, 4);
  g_assert_cmpuint (node->flags, ==, HS_GRAPH_NODE_MORE);
  g_assert_cmpint (node->object->handle, ==, 0);
  g_assert_cmpstr (node->object->type_name, ==, "");
  g_assert_cmpstr (node->object->text, ==, "+3 more");
  g_assert_cmpint (node->more, ==, 3);
  g_assert_cmpuint (node->more_of, ==, 0);
  g_assert_cmpuint (node->more_direction, ==, HS_GRAPH_REFERENTS);
  node = hs_ref_graph_node (graph, 5);
  g_assert_cmpstr (node->object->text, ==, "+12 more");
  g_assert_cmpuint (node->more_of, ==, 1);
  g_assert_cmpuint (node->more_direction, ==, HS_GRAPH_REFERRERS);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 19), ==, 2);

  g_assert_cmpuint (graph->edges->len, ==, 6);
  edge = hs_ref_graph_edge (graph, 0);
  g_assert_cmpuint (edge->from, ==, 1);
  g_assert_cmpuint (edge->to, ==, 0);
  g_assert_cmpint (edge->kind, ==, HS_EDGE_INDEX);
  g_assert_cmpint (edge->index, ==, 1);
  g_assert_cmpuint (edge->flags, ==, HS_GRAPH_EDGE_IN_CYCLE);
  edge = hs_ref_graph_edge (graph, 1);
  g_assert_cmpint (edge->kind, ==, HS_EDGE_KEY);
  g_assert_cmpstr (edge->name, ==, "'order'");
  g_assert_cmpuint (edge->flags, ==, HS_GRAPH_EDGE_ON_PATH);
  description = hs_graph_edge_describe (edge);
  g_assert_cmpstr (description, ==, "key 'order'");
  edge = hs_ref_graph_edge (graph, 2);
  g_assert_cmpint (edge->kind, ==, HS_EDGE_GLOBAL);
  g_assert_cmpuint (edge->flags, ==, HS_GRAPH_EDGE_ON_PATH);
  edge = hs_ref_graph_edge (graph, 3);
  g_assert_cmpuint (edge->flags, ==, HS_GRAPH_EDGE_IN_CYCLE);
  /* "+K more" edges point the way the references go. */
  edge = hs_ref_graph_edge (graph, 4);
  g_assert_cmpuint (edge->from, ==, 0);
  g_assert_cmpuint (edge->to, ==, 4);
  g_assert_cmpint (edge->kind, ==, HS_EDGE_NONE);
  edge = hs_ref_graph_edge (graph, 5);
  g_assert_cmpuint (edge->from, ==, 5);
  g_assert_cmpuint (edge->to, ==, 1);
  for (guint i = 0; i < graph->nodes->len; i++)
    g_assert_false (hs_ref_graph_node (graph, i)->placed);
}

/* Labels */

static void
test_label_lines (void)
{
  g_autoptr(HsRefGraph) graph = hs_ref_graph_new ();
  guint index = hs_ref_graph_add_node (graph,
                                       object_new (1, "pkg.module.AVeryLongClassNameThatGoesOnAndOnForever",
                                                   "line\none\ttab \xff bad"),
                                       -1, 0);
  const HsGraphNode *node = hs_ref_graph_node (graph, index);
  g_autofree char *type = hs_graph_node_label_line (node, 0);
  g_autofree char *text = hs_graph_node_label_line (node, 1);
  g_autofree char *none = hs_graph_node_label_line (node, 2);
  g_autofree char *escaped = hs_graph_escape_label ("a\"b\\c\nd&e\001f\xfe");

  g_assert_cmpuint (g_utf8_strlen (type, -1), ==, HS_GRAPH_LABEL_CHARS);
  g_assert_true (g_str_has_prefix (type, "pkg.module.AVeryLongClassNameThatGoesOn"));
  g_assert_true (g_str_has_suffix (type, "…"));
  g_assert_cmpstr (text, ==, "line one tab \xef\xbf\xbd bad");
  g_assert_null (none);
  g_assert_cmpstr (escaped, ==, "a\\\"b\\\\c\\nd&amp;e f\xef\xbf\xbd");
}

static void
test_describe (void)
{
  HsObjectRef ref = { 0 };
  HsGraphEdge edge = { 0 };
  struct { HsEdgeKind kind; const char *name; gint64 index; const char *expected; } cases[] = {
    { HS_EDGE_ATTRIBUTE, "items", 0, "attribute items" },
    { HS_EDGE_KEY, "'a'", 0, "key 'a'" },
    { HS_EDGE_INDEX, NULL, 3, "index 3" },
    { HS_EDGE_CLOSURE, "x", 0, "closure variable x" },
    { HS_EDGE_LOCAL, "y", 0, "local variable y" },
    { HS_EDGE_GLOBAL, "z", 0, "global z" },
    { HS_EDGE_CLASS_ATTRIBUTE, "registry", 0, "class attribute registry" },
    { HS_EDGE_REFERENT, NULL, 0, "refers to it" },
    { HS_EDGE_NONE, NULL, 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *direct = hs_edge_describe (cases[i].kind, cases[i].name, cases[i].index);
      g_autofree char *of_ref = NULL;
      g_autofree char *of_edge = NULL;

      ref.edge = edge.kind = cases[i].kind;
      ref.edge_name = edge.name = (char *) cases[i].name;
      ref.edge_index = edge.index = cases[i].index;
      of_ref = hs_object_ref_describe_edge (&ref);
      of_edge = hs_graph_edge_describe (&edge);
      g_assert_cmpstr (direct, ==, cases[i].expected);
      g_assert_cmpstr (of_ref, ==, cases[i].expected);
      g_assert_cmpstr (of_edge, ==, cases[i].expected);
    }
}

/* Cycles */

/* A → B → C → A, and a tail D → A. */
static HsRefGraph *
make_cycle_with_tail (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();

  for (guint i = 0; i < 4; i++)
    add_object (graph, i + 1, "node", i == 0 ? HS_GRAPH_NODE_ASKED : 0);
  hs_ref_graph_add_edge (graph, 0, 1, HS_EDGE_ATTRIBUTE, "next", 0);
  hs_ref_graph_add_edge (graph, 1, 2, HS_EDGE_ATTRIBUTE, "next", 0);
  hs_ref_graph_add_edge (graph, 2, 0, HS_EDGE_ATTRIBUTE, "next", 0);
  hs_ref_graph_add_edge (graph, 3, 0, HS_EDGE_ATTRIBUTE, "head", 0);
  return graph;
}

static void
test_cycles (void)
{
  g_autoptr(HsRefGraph) graph = make_cycle_with_tail ();
  g_autoptr(HsRefGraph) cycles = NULL;
  guint loop;

  /* A self-reference is a cycle too. */
  loop = add_object (graph, 9, "list", 0);
  hs_ref_graph_add_edge (graph, loop, loop, HS_EDGE_INDEX, NULL, 0);
  hs_ref_graph_add_edge (graph, loop, 3, HS_EDGE_INDEX, NULL, 1);

  g_assert_cmpuint (hs_ref_graph_mark_cycles (graph), ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_true (hs_ref_graph_node (graph, i)->flags & HS_GRAPH_NODE_IN_CYCLE);
  g_assert_false (hs_ref_graph_node (graph, 3)->flags & HS_GRAPH_NODE_IN_CYCLE);
  g_assert_true (hs_ref_graph_node (graph, loop)->flags & HS_GRAPH_NODE_IN_CYCLE);
  for (guint i = 0; i < 3; i++)
    g_assert_true (hs_ref_graph_edge (graph, i)->flags & HS_GRAPH_EDGE_IN_CYCLE);
  g_assert_false (hs_ref_graph_edge (graph, 3)->flags & HS_GRAPH_EDGE_IN_CYCLE);
  g_assert_true (hs_ref_graph_edge (graph, 4)->flags & HS_GRAPH_EDGE_IN_CYCLE);
  g_assert_false (hs_ref_graph_edge (graph, 5)->flags & HS_GRAPH_EDGE_IN_CYCLE);

  /* Marks that no longer hold are cleared. */
  hs_ref_graph_edge (graph, 2)->from = 0;
  hs_ref_graph_edge (graph, 2)->to = 2;
  g_assert_cmpuint (hs_ref_graph_mark_cycles (graph), ==, 1);
  g_assert_false (hs_ref_graph_node (graph, 0)->flags & HS_GRAPH_NODE_IN_CYCLE);
  g_assert_false (hs_ref_graph_edge (graph, 0)->flags & HS_GRAPH_EDGE_IN_CYCLE);
  g_assert_true (hs_ref_graph_node (graph, loop)->flags & HS_GRAPH_NODE_IN_CYCLE);

  g_clear_pointer (&graph, hs_ref_graph_unref);
  graph = make_cycle_with_tail ();
  cycles = hs_ref_graph_cycles_only (graph);
  g_assert_cmpuint (cycles->nodes->len, ==, 3);
  g_assert_cmpuint (cycles->edges->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (cycles, i);

      g_assert_cmpint (hs_ref_graph_node (cycles, i)->object->handle, ==, i + 1);
      g_assert_cmpuint (edge->from, <, 3);
      g_assert_cmpuint (edge->to, <, 3);
      g_assert_true (edge->flags & HS_GRAPH_EDGE_IN_CYCLE);
    }
  /* The original is left as it was. */
  g_assert_cmpuint (graph->nodes->len, ==, 4);
}

static gpointer
mark_long_cycle (gpointer data)
{
  return GUINT_TO_POINTER (hs_ref_graph_mark_cycles (data));
}

/* 20 000 objects in one ring, marked on a thread with a small stack: a
 * recursive search would overflow it. */
static void
test_cycles_deep (void)
{
  g_autoptr(HsRefGraph) graph = hs_ref_graph_new ();
  pthread_attr_t attributes;
  pthread_t thread;
  gpointer marked;

  for (guint i = 0; i < HS_GRAPH_MAX_NODES; i++)
    hs_ref_graph_add_node (graph, object_new (i + 1, "node", "n"), -1, 0);
  for (guint i = 0; i < HS_GRAPH_MAX_NODES; i++)
    hs_ref_graph_add_edge (graph, i, (i + 1) % HS_GRAPH_MAX_NODES, HS_EDGE_ATTRIBUTE, "next", 0);
  /* And a tail hanging off it. */
  add_object (graph, HS_GRAPH_MAX_NODES + 1, "tail", 0);
  hs_ref_graph_add_edge (graph, HS_GRAPH_MAX_NODES, 0, HS_EDGE_ATTRIBUTE, "head", 0);

  pthread_attr_init (&attributes);
  pthread_attr_setstacksize (&attributes, 256 * 1024);
  g_assert_cmpint (pthread_create (&thread, &attributes, mark_long_cycle, graph), ==, 0);
  g_assert_cmpint (pthread_join (thread, &marked), ==, 0);
  pthread_attr_destroy (&attributes);
  g_assert_cmpuint (GPOINTER_TO_UINT (marked), ==, HS_GRAPH_MAX_NODES);
  g_assert_false (hs_ref_graph_node (graph, HS_GRAPH_MAX_NODES)->flags & HS_GRAPH_NODE_IN_CYCLE);
}

/* Parts */

static HsRefGraph *
make_islands (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();

  /* 0 ← 1 ← 2 and 3 ← 4, 3 ← 5 */
  for (guint i = 0; i < 6; i++)
    add_object (graph, i + 1, i < 3 ? "__main__.Left" : "__main__.Right",
                i == 0 || i == 3 ? HS_GRAPH_NODE_ASKED : 0);
  hs_ref_graph_add_edge (graph, 1, 0, HS_EDGE_ATTRIBUTE, "a", 0);
  hs_ref_graph_add_edge (graph, 2, 1, HS_EDGE_ATTRIBUTE, "b", 0);
  hs_ref_graph_add_edge (graph, 4, 3, HS_EDGE_INDEX, NULL, 0);
  hs_ref_graph_add_edge (graph, 5, 3, HS_EDGE_INDEX, NULL, 1);
  return graph;
}

static void
test_split (void)
{
  g_autoptr(HsRefGraph) graph = make_islands ();
  g_autoptr(HsRefGraph) laid_out = NULL;
  g_autofree char *dot = NULL;
  double left_right = -G_MAXDOUBLE, right_left = G_MAXDOUBLE;
  double left_bottom = -G_MAXDOUBLE, right_top = G_MAXDOUBLE;

  g_assert_cmpuint (hs_ref_graph_split (graph), ==, 2);
  g_assert_true (graph->split);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (hs_ref_graph_node (graph, i)->cluster, ==, i < 3 ? 0 : 1);

  dot = hs_ref_graph_to_dot (graph);
  g_assert_nonnull (strstr (dot, "subgraph cluster_0 {"));
  g_assert_nonnull (strstr (dot, "subgraph cluster_1 {"));
  g_assert_null (strstr (dot, "cluster_2"));

  laid_out = lay_out (graph, NULL, FALSE);
  assert_laid_out (laid_out);
  g_assert_cmpstr (laid_out->engine, ==, "dot");
  /* Each part in a box of its own: the two do not overlap. */
  for (guint i = 0; i < 6; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (laid_out, i);

      g_assert_cmpint (node->cluster, ==, i < 3 ? 0 : 1);
      if (i < 3)
        {
          left_right = MAX (left_right, node->x + node->width / 2);
          left_bottom = MAX (left_bottom, node->y + node->height / 2);
        }
      else
        {
          right_left = MIN (right_left, node->x - node->width / 2);
          right_top = MIN (right_top, node->y - node->height / 2);
        }
    }
  g_assert_true (left_right < right_left || left_bottom < right_top);
}

/* Layout */

static void
test_layout (void)
{
  g_autoptr(HsRefGraph) graph = make_tree (40, 3, 5, 100);
  g_autoptr(HsRefGraph) laid_out = NULL;
  g_autoptr(HsRefGraph) big = make_tree (HS_GRAPH_LAYOUT_BIG + 200, 4, 9, 100);
  g_autoptr(HsRefGraph) big_laid_out = NULL;
  g_autoptr(HsRefGraph) neato = NULL;
  guint labelled = 0;

  laid_out = lay_out (graph, NULL, FALSE);
  assert_laid_out (laid_out);
  g_assert_cmpstr (laid_out->engine, ==, "dot");
  g_assert_cmpuint (laid_out->nodes->len, ==, 40);
  /* The graph it was made from is not laid out. */
  g_assert_false (hs_ref_graph_node (graph, 0)->placed);
  g_assert_null (graph->engine);
  /* dot placed the edge labels, off the edges' middles. */
  for (guint i = 0; i < laid_out->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (laid_out, i);

      if (edge->label_x != 0 || edge->label_y != 0)
        labelled++;
    }
  g_assert_cmpuint (labelled, ==, laid_out->edges->len);
  /* Referrers above what they refer to. */
  g_assert_cmpfloat (hs_ref_graph_node (laid_out, 1)->y, <, hs_ref_graph_node (laid_out, 0)->y);

  big_laid_out = lay_out (big, NULL, FALSE);
  assert_laid_out (big_laid_out);
  g_assert_cmpstr (big_laid_out->engine, ==, "twopi");
  /* twopi's crowded rings spread: no two nodes overlap. */
  for (guint i = 0; i < big_laid_out->nodes->len; i++)
    for (guint j = i + 1; j < big_laid_out->nodes->len; j++)
      {
        const HsGraphNode *a = hs_ref_graph_node (big_laid_out, i);
        const HsGraphNode *b = hs_ref_graph_node (big_laid_out, j);

        g_assert_false (fabs (a->x - b->x) < (a->width + b->width) / 2 &&
                        fabs (a->y - b->y) < (a->height + b->height) / 2);
      }
  /* The asked node at the centre of its rings, its referrers round it. */
  g_assert_cmpfloat (fabs (hs_ref_graph_node (big_laid_out, 0)->x - big_laid_out->width / 2), <, big_laid_out->width / 4);

  /* Two big parts: each spread round its own asked node, side by side. */
  {
    g_autoptr(HsRefGraph) forest = hs_ref_graph_new ();
    g_autoptr(HsRefGraph) forest_laid_out = NULL;
    guint half = HS_GRAPH_LAYOUT_BIG / 2 + 100;
    double box[2][4] = { { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE },
                         { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE } };

    for (guint i = 0; i < 2 * half; i++)
      add_object (forest, i + 1, i % 2 ? "list" : "dict", i % half == 0 ? HS_GRAPH_NODE_ASKED : 0);
    for (guint i = 1; i < half; i++)
      {
        hs_ref_graph_add_edge (forest, i, (i - 1) / 5, HS_EDGE_INDEX, NULL, i);
        hs_ref_graph_add_edge (forest, half + i, half + (i - 1) / 5, HS_EDGE_INDEX, NULL, i);
      }
    forest_laid_out = lay_out (forest, NULL, FALSE);
    assert_laid_out (forest_laid_out);
    for (guint i = 0; i < 2 * half; i++)
      {
        const HsGraphNode *node = hs_ref_graph_node (forest_laid_out, i);
        double *part = box[i < half ? 0 : 1];

        part[0] = MIN (part[0], node->x - node->width / 2);
        part[1] = MIN (part[1], node->y - node->height / 2);
        part[2] = MAX (part[2], node->x + node->width / 2);
        part[3] = MAX (part[3], node->y + node->height / 2);
      }
    g_assert_true (box[0][2] <= box[1][0] || box[1][2] <= box[0][0] ||
                   box[0][3] <= box[1][1] || box[1][3] <= box[0][1]);
    /* Each round its asked node. */
    for (guint p = 0; p < 2; p++)
      {
        const HsGraphNode *asked = hs_ref_graph_node (forest_laid_out, p * half);

        g_assert_cmpfloat (fabs (asked->x - (box[p][0] + box[p][2]) / 2), <, (box[p][2] - box[p][0]) / 4);
        g_assert_cmpfloat (fabs (asked->y - (box[p][1] + box[p][3]) / 2), <, (box[p][3] - box[p][1]) / 4);
      }
    for (guint i = 0; i < 2 * half; i += 7)
      for (guint j = 0; j < 2 * half; j++)
        {
          const HsGraphNode *a = hs_ref_graph_node (forest_laid_out, i);
          const HsGraphNode *b = hs_ref_graph_node (forest_laid_out, j);

          g_assert_true (i == j || fabs (a->x - b->x) >= (a->width + b->width) / 2 ||
                         fabs (a->y - b->y) >= (a->height + b->height) / 2);
        }
  }

  neato = lay_out (graph, "neato", FALSE);
  assert_laid_out (neato);
  g_assert_cmpstr (neato->engine, ==, "neato");
}

/* What expanding node 5 of @graph found: @n_referrers new referrers, one
 * referent, and an edge from an object already shown. */
static HsRefGraph *
make_expansion (const HsRefGraph *graph,
                guint             node,
                guint             n_referrers,
                gint64            first_handle)
{
  HsRefGraph *more = hs_ref_graph_new ();
  const HsGraphNode *expanded = hs_ref_graph_node (graph, node);
  guint known;

  hs_ref_graph_add_node (more, hs_object_ref_copy (expanded->object), expanded->deep, HS_GRAPH_NODE_ASKED);
  for (guint i = 0; i < n_referrers; i++)
    {
      guint added = add_object (more, first_handle + i, "__main__.Holder", 0);

      hs_ref_graph_add_edge (more, added, 0, HS_EDGE_ATTRIBUTE, "held", 0);
    }
  hs_ref_graph_add_edge (more, 0, add_object (more, first_handle + n_referrers, "str", 0),
                         HS_EDGE_REFERENT, NULL, 0);
  known = hs_ref_graph_add_node (more, hs_object_ref_copy (hs_ref_graph_node (graph, node + 7)->object), -1, 0);
  hs_ref_graph_add_edge (more, known, 0, HS_EDGE_KEY, "'cache'", 0);
  hs_ref_graph_node (more, 0)->explored = HS_GRAPH_BOTH;
  return more;
}

/* Old nodes where they were, up to one shift for growth up or left; old
 * edges as they were; new nodes clear of every other. */
static void
assert_kept (const HsRefGraph *before,
             const HsRefGraph *after,
             guint             n_old)
{
  const HsGraphNode *first_before = hs_ref_graph_node (before, 0);
  const HsGraphNode *first_after = hs_ref_graph_node (after, 0);
  double dx = first_after->x - first_before->x;
  double dy = first_after->y - first_before->y;

  g_assert_cmpfloat (dx, >=, -1);
  g_assert_cmpfloat (dy, >=, -1);
  for (guint i = 0; i < n_old; i++)
    {
      const HsGraphNode *old = hs_ref_graph_node (before, i);
      const HsGraphNode *now = hs_ref_graph_node (after, i);

      g_assert_cmpint (old->object->handle, ==, now->object->handle);
      g_assert_cmpfloat (fabs (now->x - old->x - dx), <=, 1);
      g_assert_cmpfloat (fabs (now->y - old->y - dy), <=, 1);
      g_assert_cmpfloat (fabs (now->width - old->width), <=, 1);
    }
  for (guint i = 0; i < before->edges->len; i++)
    {
      const HsGraphEdge *old = hs_ref_graph_edge (before, i);
      const HsGraphEdge *now = hs_ref_graph_edge (after, i);

      g_assert_cmpuint (old->n_points, ==, now->n_points);
      for (guint p = 0; p < old->n_points; p++)
        {
          g_assert_cmpfloat (fabs (now->points[2 * p] - old->points[2 * p] - dx), <=, 1);
          g_assert_cmpfloat (fabs (now->points[2 * p + 1] - old->points[2 * p + 1] - dy), <=, 1);
        }
    }
  /* The shift is only for growth: then something new touches the edge. */
  if (dx > 1 || dy > 1)
    {
      gboolean touches = FALSE;

      for (guint i = n_old; i < after->nodes->len; i++)
        {
          const HsGraphNode *node = hs_ref_graph_node (after, i);

          touches |= (dx > 1 && node->x - node->width / 2 < 1) || (dy > 1 && node->y - node->height / 2 < 1);
        }
      for (guint i = before->edges->len; i < after->edges->len; i++)
        {
          const HsGraphEdge *edge = hs_ref_graph_edge (after, i);

          for (guint p = 0; p < edge->n_points; p++)
            touches |= (dx > 1 && edge->points[2 * p] < 1) || (dy > 1 && edge->points[2 * p + 1] < 1);
        }
      g_assert_true (touches);
    }
  for (guint i = n_old; i < after->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (after, i);

      for (guint j = 0; j < after->nodes->len; j++)
        {
          const HsGraphNode *other = hs_ref_graph_node (after, j);

          if (j == i)
            continue;
          g_assert_false (fabs (other->x - node->x) < (other->width + node->width) / 2 &&
                          fabs (other->y - node->y) < (other->height + node->height) / 2);
        }
    }
}

static void
check_expansion_kept (guint n_nodes)
{
  g_autoptr(HsRefGraph) graph = make_tree (n_nodes, 3, 7, 100);
  g_autoptr(HsRefGraph) laid_out = lay_out (graph, NULL, FALSE);
  g_autoptr(HsRefGraph) more = make_expansion (laid_out, 5, 20, 100000);
  g_autoptr(HsRefGraph) grown = hs_ref_graph_copy (laid_out);
  g_autoptr(HsRefGraph) relaid = NULL;

  g_assert_cmpuint (hs_ref_graph_merge (grown, more, 5, HS_GRAPH_BOTH), ==, 21);
  relaid = lay_out (grown, NULL, TRUE);
  assert_laid_out (relaid);
  g_assert_cmpstr (relaid->engine, ==, "neato");
  assert_kept (laid_out, relaid, n_nodes);
  /* The new referrers start above the node they hang from. */
  g_assert_cmpfloat (hs_ref_graph_node (relaid, n_nodes)->y, <, hs_ref_graph_node (relaid, 5)->y);
}

static void
test_layout_keep (void)
{
  check_expansion_kept (60);
}

static void
test_layout_keep_big (void)
{
  check_expansion_kept (HS_GRAPH_LAYOUT_BIG + 100);
}

static void
on_laid_out (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_layout_errors (void)
{
  g_autoptr(HsRefGraph) graph = make_tree (10, 2, 0, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HsRefGraph) laid_out = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  /* Graphviz's complaint, as an error. */
  laid_out = hs_graph_layout (graph, "no-such-engine", FALSE, NULL, &error);
  g_assert_null (laid_out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no-such-engine"));
  g_clear_error (&error);

  /* Graphviz still works afterwards. */
  laid_out = lay_out (graph, NULL, FALSE);
  assert_laid_out (laid_out);
  g_clear_pointer (&laid_out, hs_ref_graph_unref);

  g_cancellable_cancel (cancellable);
  laid_out = hs_graph_layout (graph, NULL, FALSE, cancellable, &error);
  g_assert_null (laid_out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* In a thread. */
  hs_graph_layout_async (graph, NULL, FALSE, NULL, on_laid_out, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  laid_out = hs_graph_layout_finish (result, &error);
  g_assert_no_error (error);
  assert_laid_out (laid_out);
  g_clear_object (&result);
  g_clear_pointer (&laid_out, hs_ref_graph_unref);

  hs_graph_layout_async (graph, "no-such-engine", FALSE, NULL, on_laid_out, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (hs_graph_layout_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&result);

  hs_graph_layout_async (graph, NULL, FALSE, cancellable, on_laid_out, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (hs_graph_layout_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Expanding and collapsing */

/* X (asked) ← A ← B, with "+5 more" referrers of X and "+2 more" of A,
 * all placed. */
static HsRefGraph *
make_small (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();
  guint more;

  add_object (graph, 1, "X", HS_GRAPH_NODE_ASKED);
  add_object (graph, 2, "A", 0);
  add_object (graph, 3, "B", 0);
  hs_ref_graph_add_edge (graph, 1, 0, HS_EDGE_ATTRIBUTE, "x", 0);
  hs_ref_graph_add_edge (graph, 2, 1, HS_EDGE_ATTRIBUTE, "a", 0);
  more = hs_ref_graph_add_node (graph, object_new (0, "", "+5 more"), -1, HS_GRAPH_NODE_MORE);
  hs_ref_graph_node (graph, more)->more = 5;
  hs_ref_graph_node (graph, more)->more_of = 0;
  hs_ref_graph_node (graph, more)->more_direction = HS_GRAPH_REFERRERS;
  hs_ref_graph_add_edge (graph, more, 0, HS_EDGE_NONE, NULL, 0);
  more = hs_ref_graph_add_node (graph, object_new (0, "", "+2 more"), -1, HS_GRAPH_NODE_MORE);
  hs_ref_graph_node (graph, more)->more = 2;
  hs_ref_graph_node (graph, more)->more_of = 1;
  hs_ref_graph_node (graph, more)->more_direction = HS_GRAPH_REFERRERS;
  hs_ref_graph_add_edge (graph, more, 1, HS_EDGE_NONE, NULL, 0);
  for (guint i = 0; i < graph->nodes->len; i++)
    hs_ref_graph_node (graph, i)->placed = TRUE;
  return graph;
}

static gboolean
has_edge (const HsRefGraph *graph,
          gint64            from_handle,
          gint64            to_handle)
{
  int from = hs_ref_graph_find_handle (graph, from_handle);
  int to = hs_ref_graph_find_handle (graph, to_handle);
  guint found = 0;

  for (guint i = 0; i < graph->edges->len; i++)
    if (hs_ref_graph_edge (graph, i)->from == (guint) from && hs_ref_graph_edge (graph, i)->to == (guint) to)
      found++;
  g_assert_cmpuint (found, <=, 1);
  return found == 1;
}

static void
test_merge_collapse (void)
{
  g_autoptr(HsRefGraph) graph = make_small ();
  g_autoptr(HsRefGraph) more = hs_ref_graph_new ();
  g_autoptr(HsRefGraph) again = hs_ref_graph_new ();
  g_autoptr(HsRefGraph) kept = NULL;
  guint more_node;

  /* Expanding A's referrers: C and D refer to it, B (known) too, and C to B. */
  add_object (more, 2, "A", HS_GRAPH_NODE_ASKED);
  add_object (more, 4, "C", 0);
  add_object (more, 3, "B", 0);
  add_object (more, 5, "D", 0);
  hs_ref_graph_add_edge (more, 1, 0, HS_EDGE_KEY, "'c'", 0);
  hs_ref_graph_add_edge (more, 2, 0, HS_EDGE_ATTRIBUTE, "a", 0);
  hs_ref_graph_add_edge (more, 3, 0, HS_EDGE_INDEX, NULL, 2);
  hs_ref_graph_add_edge (more, 1, 2, HS_EDGE_ATTRIBUTE, "b", 0);
  hs_ref_graph_node (more, 0)->explored = HS_GRAPH_REFERRERS;

  g_assert_cmpuint (hs_ref_graph_merge (graph, more, 1, HS_GRAPH_REFERRERS), ==, 2);
  /* X, A, B, X's "+5 more", C, D: A's "+2 more" is gone. */
  g_assert_cmpuint (graph->nodes->len, ==, 6);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 4), ==, 4);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 5), ==, 5);
  more_node = 3;
  g_assert_true (hs_ref_graph_node (graph, more_node)->flags & HS_GRAPH_NODE_MORE);
  g_assert_cmpuint (hs_ref_graph_node (graph, more_node)->more_of, ==, 0);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);

      g_assert_false ((node->flags & HS_GRAPH_NODE_MORE) && node->more_of == 1);
      /* Old nodes keep their places; new ones get theirs from the layout. */
      g_assert_cmpint (node->placed, ==, i < 4);
    }
  g_assert_cmpuint (hs_ref_graph_node (graph, 1)->explored, ==, HS_GRAPH_REFERRERS);
  g_assert_false (hs_ref_graph_node (graph, 4)->flags & HS_GRAPH_NODE_ASKED);
  /* A → X, B → A, X's more, C → A, D → A, C → B: none twice. */
  g_assert_cmpuint (graph->edges->len, ==, 6);
  g_assert_true (has_edge (graph, 3, 2));
  g_assert_true (has_edge (graph, 4, 2));
  g_assert_true (has_edge (graph, 5, 2));
  g_assert_true (has_edge (graph, 4, 3));
  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      g_assert_cmpuint (edge->from, <, graph->nodes->len);
      g_assert_cmpuint (edge->to, <, graph->nodes->len);
    }

  /* Expanding X: still three referrers left out of it. */
  add_object (again, 1, "X", HS_GRAPH_NODE_ASKED);
  add_object (again, 6, "E", 0);
  hs_ref_graph_add_edge (again, 1, 0, HS_EDGE_ATTRIBUTE, "e", 0);
  hs_ref_graph_add_node (again, object_new (0, "", "+3 more"), -1, HS_GRAPH_NODE_MORE);
  hs_ref_graph_add_edge (again, 2, 0, HS_EDGE_NONE, NULL, 0);
  hs_ref_graph_node (again, 2)->more = 3;
  hs_ref_graph_node (again, 2)->more_of = 0;
  hs_ref_graph_node (again, 2)->more_direction = HS_GRAPH_REFERRERS;
  g_assert_cmpuint (hs_ref_graph_merge (graph, again, 0, HS_GRAPH_REFERRERS), ==, 1);
  g_assert_cmpuint (graph->nodes->len, ==, 7);
  g_assert_cmpstr (hs_ref_graph_node (graph, more_node)->object->text, ==, "+3 more");
  g_assert_cmpint (hs_ref_graph_node (graph, more_node)->more, ==, 3);

  /* Collapsing A's referrers takes B, C, D away, not E nor X's more. */
  kept = hs_ref_graph_copy (graph);
  g_assert_cmpuint (hs_ref_graph_collapse (graph, 1, HS_GRAPH_REFERRERS), ==, 3);
  g_assert_cmpuint (graph->nodes->len, ==, 4);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 3), ==, -1);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 4), ==, -1);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 5), ==, -1);
  g_assert_cmpint (hs_ref_graph_find_handle (graph, 6), >=, 0);
  g_assert_cmpuint (hs_ref_graph_node (graph, 1)->explored, ==, 0);
  g_assert_cmpuint (hs_ref_graph_node (graph, hs_ref_graph_node (graph, 2)->more_of)->object->handle, ==, 1);
  g_assert_cmpuint (graph->edges->len, ==, 3);
  g_assert_true (has_edge (graph, 2, 1));
  g_assert_true (has_edge (graph, 6, 1));

  /* What leads to the path stays. */
  hs_ref_graph_node (kept, hs_ref_graph_find_handle (kept, 3))->flags |= HS_GRAPH_NODE_ON_PATH;
  g_assert_cmpuint (hs_ref_graph_collapse (kept, 1, HS_GRAPH_REFERRERS), ==, 1);
  g_assert_cmpint (hs_ref_graph_find_handle (kept, 3), >=, 0);
  g_assert_cmpint (hs_ref_graph_find_handle (kept, 4), >=, 0);
  g_assert_cmpint (hs_ref_graph_find_handle (kept, 5), ==, -1);
}

/* Writing out */

#define ODD_TYPE "we\"ird\\\n<type>{x} & \\N \xff\xfe"
#define ODD_TEXT "text with \"quotes\", &lt; a \001 and }{"

static HsRefGraph *
make_odd (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();
  guint more;

  hs_ref_graph_add_node (graph, object_new (1, ODD_TYPE, ODD_TEXT), 2048, HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH);
  add_object (graph, 2, "module", HS_GRAPH_NODE_ON_PATH);
  hs_ref_graph_node (graph, 1)->object->root = HS_ROOT_MODULE;
  add_object (graph, 3, "dict", 0);
  hs_ref_graph_add_edge (graph, 1, 0, HS_EDGE_KEY, "'\"}{\\n'\n<b>", 0);
  hs_ref_graph_edge (graph, 0)->flags |= HS_GRAPH_EDGE_ON_PATH;
  hs_ref_graph_add_edge (graph, 2, 0, HS_EDGE_ATTRIBUTE, "x", 0);
  hs_ref_graph_add_edge (graph, 0, 2, HS_EDGE_ATTRIBUTE, "back \xc3", 0);
  more = hs_ref_graph_add_node (graph, object_new (0, "", "+4 more"), -1, HS_GRAPH_NODE_MORE);
  hs_ref_graph_node (graph, more)->more = 4;
  hs_ref_graph_node (graph, more)->more_of = 2;
  hs_ref_graph_node (graph, more)->more_direction = HS_GRAPH_REFERRERS;
  hs_ref_graph_add_edge (graph, more, 2, HS_EDGE_NONE, NULL, 0);
  graph->label = g_strdup ("referrers of \"odd\" \xff");
  hs_ref_graph_mark_cycles (graph);
  return graph;
}

typedef struct
{
  GPtrArray *texts;      /* of <text> elements */
  GString   *current;
  gboolean   in_text;
} SvgTexts;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgTexts *texts = user_data;

  if (g_str_equal (element, "text"))
    {
      texts->in_text = TRUE;
      g_string_truncate (texts->current, 0);
    }
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  SvgTexts *texts = user_data;

  if (g_str_equal (element, "text"))
    {
      /* SVG keeps runs of spaces as no-break spaces. */
      g_auto(GStrv) pieces = g_strsplit (texts->current->str, "\u00a0", -1);

      texts->in_text = FALSE;
      g_ptr_array_add (texts->texts, g_strjoinv (" ", pieces));
    }
}

static void
svg_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  SvgTexts *texts = user_data;

  if (texts->in_text)
    g_string_append_len (texts->current, text, length);
}

static gboolean
has_text (GPtrArray  *texts,
          const char *wanted)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), wanted))
      return TRUE;
  return FALSE;
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return ~crc;
}

static guint32
read_be32 (const guint8 *data)
{
  return ((guint32) data[0] << 24) | ((guint32) data[1] << 16) | ((guint32) data[2] << 8) | data[3];
}

/* A PNG read as a viewer would: every chunk's checksum, then the pixels
 * inflated to exactly the size the header promises. */
static void
assert_png_loads (const guint8 *data,
                  gsize         length)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint channels[] = { 1, 0, 3, 1, 2, 0, 4 };
  g_autoptr(GByteArray) compressed = g_byte_array_new ();
  g_autoptr(GZlibDecompressor) inflater = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autoptr(GError) error = NULL;
  guint32 width = 0, height = 0;
  guint depth = 0, colour = 0;
  gsize offset = sizeof signature, inflated = 0;
  gboolean ended = FALSE;
  guint8 buffer[65536];
  gsize read, written;
  GConverterResult result;

  g_assert_cmpuint (length, >, sizeof signature);
  g_assert_cmpmem (data, sizeof signature, signature, sizeof signature);
  while (!ended)
    {
      guint32 chunk_length;
      const guint8 *type;

      g_assert_cmpuint (offset + 12, <=, length);
      chunk_length = read_be32 (data + offset);
      g_assert_cmpuint (offset + 12 + chunk_length, <=, length);
      type = data + offset + 4;
      g_assert_cmpuint (crc32_of (type, 4 + chunk_length), ==, read_be32 (data + offset + 8 + chunk_length));
      if (memcmp (type, "IHDR", 4) == 0)
        {
          width = read_be32 (type + 4);
          height = read_be32 (type + 8);
          depth = type[12];
          colour = type[13];
          g_assert_cmpuint (type[16], ==, 0);    /* not interlaced */
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        g_byte_array_append (compressed, type + 4, chunk_length);
      else if (memcmp (type, "IEND", 4) == 0)
        ended = TRUE;
      offset += 12 + chunk_length;
    }
  g_assert_cmpuint (width, >, 0);
  g_assert_cmpuint (height, >, 0);
  g_assert_cmpuint (depth, ==, 8);
  g_assert_cmpuint (colour, <, G_N_ELEMENTS (channels));
  g_assert_cmpuint (channels[colour], >, 0);

  offset = 0;
  do
    {
      result = g_converter_convert (G_CONVERTER (inflater), compressed->data + offset, compressed->len - offset,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END, &read, &written, &error);
      g_assert_no_error (error);
      offset += read;
      inflated += written;
    }
  while (result != G_CONVERTER_FINISHED);
  g_assert_cmpuint (inflated, ==, (gsize) height * (1 + (gsize) width * channels[colour]));
}

static void
test_export (void)
{
  g_autoptr(HsRefGraph) graph = make_odd ();
  g_autoptr(HsRefGraph) split = make_islands ();
  g_autofree char *dir = g_dir_make_tmp ("hs-ref-graph-XXXXXX", NULL);
  g_autofree char *dot = hs_ref_graph_to_dot (graph);
  g_autofree char *first_line = hs_graph_node_label_line (hs_ref_graph_node (graph, 0), 0);
  g_autofree char *second_line = hs_graph_node_label_line (hs_ref_graph_node (graph, 0), 1);
  g_autofree char *flat = g_format_size (hs_ref_graph_node (graph, 0)->object->flat);
  g_autofree char *deep = g_format_size (2048);
  g_autofree char *sizes = g_strdup_printf ("%s, deep %s", flat, deep);
  g_autofree char *label = g_strdup_printf ("%s\n%s\n%s", first_line, second_line, sizes);
  g_autofree char *escaped_label = hs_graph_escape_label (label);
  /* DOT's own escape: \" is read as ". */
  g_auto(GStrv) quote_pieces = g_strsplit (escaped_label, "\\\"", -1);
  g_autofree char *expected_label = g_strjoinv ("\"", quote_pieces);
  const char *formats[] = { "dot", "svg", "png", "pdf" };
  g_autoptr(GError) error = NULL;
  Agraph_t *parsed;
  Agnode_t *node;
  char *dot_program;

  g_assert_true (g_utf8_validate (dot, -1, NULL));
  g_assert_nonnull (strstr (dot, "n0 [label="));
  g_assert_nonnull (strstr (dot, "peripheries=2"));
  g_assert_nonnull (strstr (dot, "shape=box"));
  g_assert_nonnull (strstr (dot, "style=bold"));
  g_assert_nonnull (strstr (dot, "color=red"));

  /* Graphviz reads it, and every label back as written. */
  parsed = agmemread (dot);
  g_assert_nonnull (parsed);
  g_assert_cmpint (agnnodes (parsed), ==, 4);
  g_assert_cmpint (agnedges (parsed), ==, 4);
  node = agnode (parsed, (char *) "n0", FALSE);
  g_assert_nonnull (node);
  g_assert_cmpstr (agget (node, (char *) "label"), ==, expected_label);
  g_assert_cmpstr (agget (node, (char *) "peripheries"), ==, "2");
  g_assert_cmpstr (agget (agnode (parsed, (char *) "n1", FALSE), (char *) "shape"), ==, "box");
  agclose (parsed);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("graph.%s", formats[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (hs_ref_graph_render_file (graph, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      if (g_str_equal (formats[i], "dot"))
        g_assert_cmpstr (contents, ==, dot);
      else if (g_str_equal (formats[i], "svg"))
        {
          /* Well-formed XML, every text as it is in the graph. */
          SvgTexts texts = { g_ptr_array_new_with_free_func (g_free), g_string_new (NULL), FALSE };
          GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
          GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, &texts, NULL);

          g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
          g_assert_no_error (error);
          g_assert_true (g_markup_parse_context_end_parse (context, &error));
          g_assert_no_error (error);
          g_markup_parse_context_free (context);
          g_assert_true (has_text (texts.texts, first_line));
          g_assert_true (has_text (texts.texts, second_line));
          g_assert_true (has_text (texts.texts, "+4 more"));
          /* A line break in an edge's name breaks its label. */
          g_assert_true (has_text (texts.texts, "key '\"}{\\n'"));
          g_assert_true (has_text (texts.texts, "<b>"));
          g_ptr_array_unref (texts.texts);
          g_string_free (texts.current, TRUE);
        }
      else if (g_str_equal (formats[i], "png"))
        assert_png_loads ((const guint8 *) contents, length);
      else
        {
          g_assert_true (g_str_has_prefix (contents, "%PDF-"));
          g_assert_nonnull (g_strrstr (contents + length - MIN (length, 64), "%%EOF"));
        }

      /* The dot program draws the file too, when it is installed. */
      dot_program = g_find_program_in_path ("dot");
      if (g_str_equal (formats[i], "dot") && dot_program != NULL)
        {
          const char *argv[] = { dot_program, "-Tsvg", "-o", "/dev/null", path, NULL };
          int status;

          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                       NULL, NULL, &status, &error));
          g_assert_no_error (error);
          g_assert_true (g_spawn_check_wait_status (status, &error));
          g_assert_no_error (error);
        }
      else if (g_str_equal (formats[i], "dot"))
        g_test_message ("no dot program: its reading of the .dot file is not checked");
      g_free (dot_program);
      g_remove (path);
    }

  /* A split graph's parts are clusters in the drawing too. */
  hs_ref_graph_split (split);
  {
    g_autofree char *path = g_build_filename (dir, "split.svg", NULL);
    g_autofree char *contents = NULL;

    g_assert_true (hs_ref_graph_render_file (split, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "<title>cluster_0</title>"));
    g_assert_nonnull (strstr (contents, "<title>cluster_1</title>"));
    g_remove (path);
  }

  {
    g_autofree char *path = g_build_filename (dir, "graph.jpeg", NULL);

    g_assert_false (hs_ref_graph_render_file (graph, path, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_clear_error (&error);
  }
  {
    g_autofree char *path = g_build_filename (dir, "missing", "graph.svg", NULL);

    g_assert_false (hs_ref_graph_render_file (graph, path, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error (&error);
  }
  g_rmdir (dir);
}

/* Keeping */

static char *
json_text (const HsRefGraph *graph)
{
  g_autoptr(JsonNode) node = hs_ref_graph_to_json (graph);

  return json_to_string (node, FALSE);
}

static HsRefGraph *
make_kept (void)
{
  g_autoptr(HsRefGraph) graph = make_small ();
  g_autoptr(HsRefGraph) laid_out = NULL;
  const char *hidden[] = { "function", "module", NULL };

  for (guint i = 0; i < graph->nodes->len; i++)
    hs_ref_graph_node (graph, i)->placed = FALSE;
  hs_ref_graph_node (graph, 2)->flags |= HS_GRAPH_NODE_ON_PATH;
  hs_ref_graph_edge (graph, 1)->flags |= HS_GRAPH_EDGE_ON_PATH;
  hs_ref_graph_node (graph, 1)->explored = HS_GRAPH_BOTH;
  hs_ref_graph_node (graph, 2)->object->root = HS_ROOT_FRAME;
  graph->label = g_strdup ("referrers of X");
  graph->direction = HS_GRAPH_BOTH;
  graph->depth = 4;
  graph->too_many = 30;
  graph->hidden_types = g_strdupv ((char **) hidden);
  graph->truncated = TRUE;
  hs_ref_graph_split (graph);
  laid_out = lay_out (graph, NULL, FALSE);
  return g_steal_pointer (&laid_out);
}

static void
test_json_round_trip (void)
{
  g_autoptr(HsRefGraph) graph = make_kept ();
  g_autofree char *text = json_text (graph);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsRefGraph) read = hs_ref_graph_new_from_json (node, &error);
  g_autofree char *again = NULL;
  const HsGraphEdge *edge;

  g_assert_no_error (error);
  g_assert_nonnull (read);
  again = json_text (read);
  g_assert_cmpstr (again, ==, text);

  g_assert_cmpstr (read->label, ==, "referrers of X");
  g_assert_cmpuint (read->direction, ==, HS_GRAPH_BOTH);
  g_assert_cmpint (read->depth, ==, 4);
  g_assert_cmpint (read->too_many, ==, 30);
  g_assert_cmpstr (read->hidden_types[1], ==, "module");
  g_assert_null (read->hidden_types[2]);
  g_assert_true (read->truncated);
  g_assert_true (read->split);
  g_assert_cmpstr (read->engine, ==, "dot");
  g_assert_cmpfloat (read->width, ==, graph->width);
  g_assert_cmpfloat (read->height, ==, graph->height);
  g_assert_cmpuint (read->nodes->len, ==, graph->nodes->len);
  g_assert_cmpuint (read->edges->len, ==, graph->edges->len);
  for (guint i = 0; i < read->nodes->len; i++)
    {
      const HsGraphNode *a = hs_ref_graph_node (graph, i);
      const HsGraphNode *b = hs_ref_graph_node (read, i);

      g_assert_cmpint (a->object->handle, ==, b->object->handle);
      g_assert_cmpstr (a->object->type_name, ==, b->object->type_name);
      g_assert_cmpstr (a->object->text, ==, b->object->text);
      g_assert_cmpint (a->object->address, ==, b->object->address);
      g_assert_cmpint (a->object->flat, ==, b->object->flat);
      g_assert_cmpint (a->object->root, ==, b->object->root);
      g_assert_cmpint (a->deep, ==, b->deep);
      g_assert_cmpuint (a->flags, ==, b->flags);
      g_assert_cmpuint (a->explored, ==, b->explored);
      g_assert_cmpint (a->more, ==, b->more);
      g_assert_cmpuint (a->more_of, ==, b->more_of);
      g_assert_cmpuint (a->more_direction, ==, b->more_direction);
      g_assert_cmpint (a->cluster, ==, b->cluster);
      g_assert_cmpfloat (a->x, ==, b->x);
      g_assert_cmpfloat (a->y, ==, b->y);
      g_assert_cmpfloat (a->width, ==, b->width);
      g_assert_cmpfloat (a->height, ==, b->height);
      g_assert_true (b->placed);
    }
  g_assert_cmpint (hs_ref_graph_node (read, 2)->object->root, ==, HS_ROOT_FRAME);
  for (guint i = 0; i < read->edges->len; i++)
    {
      const HsGraphEdge *a = hs_ref_graph_edge (graph, i);
      const HsGraphEdge *b = hs_ref_graph_edge (read, i);

      g_assert_cmpuint (a->from, ==, b->from);
      g_assert_cmpuint (a->to, ==, b->to);
      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->index, ==, b->index);
      g_assert_cmpuint (a->flags, ==, b->flags);
      g_assert_cmpuint (a->n_points, ==, b->n_points);
      g_assert_cmpmem (a->points, a->n_points * 2 * sizeof (double), b->points, b->n_points * 2 * sizeof (double));
      g_assert_cmpint (a->has_arrow, ==, b->has_arrow);
      g_assert_cmpfloat (a->arrow_x, ==, b->arrow_x);
      g_assert_cmpfloat (a->label_y, ==, b->label_y);
    }
  edge = hs_ref_graph_edge (read, 1);
  g_assert_true (edge->flags & HS_GRAPH_EDGE_ON_PATH);
}

typedef void (*Damage) (JsonObject *graph);

static JsonObject *
node_at (JsonObject *graph,
         guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (graph, "nodes"), index);
}

static JsonArray *
edge_at (JsonObject *graph,
         guint       index)
{
  return json_array_get_array_element (json_object_get_array_member (graph, "edges"), index);
}

static void damage_format (JsonObject *g) { json_object_set_int_member (g, "format", 2); }
static void damage_endpoint (JsonObject *g) { json_node_set_int (json_array_get_element (edge_at (g, 0), 1), 99); }
static void damage_points (JsonObject *g) { json_array_remove_element (json_object_get_array_member (json_array_get_object_element (edge_at (g, 0), 3), "points"), 0); json_array_remove_element (json_object_get_array_member (json_array_get_object_element (edge_at (g, 0), 3), "points"), 0); }
static void damage_flags (JsonObject *g) { json_object_set_int_member (node_at (g, 0), "flags", 64); }
static void damage_width (JsonObject *g) { json_object_set_double_member (node_at (g, 0), "width", -5); }
static void damage_x (JsonObject *g) { json_object_set_string_member (node_at (g, 0), "x", "12"); }
static void damage_more_of (JsonObject *g) { json_object_set_int_member (node_at (g, 3), "more_of", 99); }
static void damage_more_of_more (JsonObject *g) { json_object_set_int_member (node_at (g, 3), "more_of", 4); }
static void damage_more_handle (JsonObject *g) { json_object_set_int_member (node_at (g, 3), "handle", 7); }
static void damage_cluster (JsonObject *g) { json_object_set_int_member (node_at (g, 0), "cluster", 99); }
static void damage_engine (JsonObject *g) { json_object_set_string_member (g, "engine", "dot -Tsvg"); }
static void damage_depth (JsonObject *g) { json_object_set_int_member (g, "depth", 99); }
static void damage_hide (JsonObject *g) { json_array_add_int_element (json_object_get_array_member (g, "hide"), 1); }
static void damage_handle_twice (JsonObject *g) { json_object_set_int_member (node_at (g, 0), "handle", 2); }
static void damage_type (JsonObject *g) { json_object_set_int_member (node_at (g, 0), "type", 5); }
static void damage_kindless (JsonObject *g) { json_node_init_null (json_array_get_element (edge_at (g, 0), 2)); }
static void damage_kind (JsonObject *g) { json_object_set_string_member (json_array_get_object_element (edge_at (g, 0), 2), "kind", "nope"); }
static void damage_edge_twice (JsonObject *g) { json_array_add_element (json_object_get_array_member (g, "edges"), json_node_copy (json_array_get_element (json_object_get_array_member (g, "edges"), 0))); }
static void damage_nodes (JsonObject *g) { json_object_set_string_member (g, "nodes", "none"); }
static void damage_direction (JsonObject *g) { json_object_set_string_member (g, "direction", "sideways"); }
static void damage_arrow (JsonObject *g) { json_object_set_int_member (json_array_get_object_element (edge_at (g, 0), 3), "arrow", 1); }
static void damage_text (JsonObject *g) { json_object_set_string_member (node_at (g, 0), "text", "bad \xff"); }

static void
test_json_damaged (void)
{
  struct { Damage damage; const char *member; } cases[] = {
    { damage_format, "“format”" },
    { damage_endpoint, "“edges”" },
    { damage_points, "“points”" },
    { damage_flags, "“flags”" },
    { damage_width, "“width”" },
    { damage_x, "“x”" },
    { damage_more_of, "“more_of”" },
    { damage_more_of_more, "“more_of”" },
    { damage_more_handle, "“handle”" },
    { damage_cluster, "“cluster”" },
    { damage_engine, "“engine”" },
    { damage_depth, "“depth”" },
    { damage_hide, "“hide”" },
    { damage_handle_twice, "“nodes”" },
    { damage_type, "“type”" },
    { damage_kindless, "“edges”" },
    { damage_kind, "“kind”" },
    { damage_edge_twice, "“edges”" },
    { damage_nodes, "“nodes”" },
    { damage_direction, "“direction”" },
    { damage_arrow, "“arrow”" },
    { damage_text, "“text”" },
  };
  g_autoptr(HsRefGraph) graph = make_kept ();
  g_autofree char *good = json_text (graph);
  g_autoptr(JsonNode) array = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GError) error = NULL;

  /* Node 3 is X's "+5 more", node 4 A's "+2 more". */
  g_assert_true (hs_ref_graph_node (graph, 3)->flags & HS_GRAPH_NODE_MORE);
  g_assert_true (hs_ref_graph_node (graph, 4)->flags & HS_GRAPH_NODE_MORE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) damaged = json_from_string (good, NULL);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HsRefGraph) read = NULL;

      cases[i].damage (json_node_get_object (damaged));
      read = hs_ref_graph_new_from_json (damaged, &case_error);
      if (read != NULL || !g_error_matches (case_error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID) ||
          strstr (case_error->message, cases[i].member) == NULL)
        g_error ("damage %u was not rejected naming %s: %s", i, cases[i].member,
                 case_error != NULL ? case_error->message : "accepted");
    }

  json_node_take_array (array, json_array_new ());
  g_assert_null (hs_ref_graph_new_from_json (array, &error));
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
}

/* The kept graph's reader on damaged copies of a good one: it refuses or
 * returns a graph that holds together, never anything else. */
static void
test_json_mutants (void)
{
  g_autoptr(HsRefGraph) graph = make_kept ();
  g_autofree char *text = json_text (graph);
  gsize length = strlen (text);
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  guint accepted = 0;

  for (guint round = 0; round < 3000; round++)
    {
      g_autofree char *mutant = g_strdup (text);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(HsRefGraph) read = NULL;
      guint at = g_rand_int_range (rand, 0, length);

      switch (round % 3)
        {
        case 0:
          mutant[at] = "0123456789-.e,[]{}\"n:"[g_rand_int_range (rand, 0, 21)];
          break;
        case 1:
          mutant[at] = g_rand_int_range (rand, '0', '9' + 1);
          break;
        default:
          memmove (mutant + at, mutant + at + 1, length - at);
        }
      if (!json_parser_load_from_data (parser, mutant, -1, NULL))
        continue;
      read = hs_ref_graph_new_from_json (json_parser_get_root (parser), &error);
      g_assert_true ((read == NULL) != (error == NULL));
      if (read == NULL)
        continue;
      accepted++;
      for (guint i = 0; i < read->edges->len; i++)
        {
          const HsGraphEdge *edge = hs_ref_graph_edge (read, i);

          g_assert_cmpuint (edge->from, <, read->nodes->len);
          g_assert_cmpuint (edge->to, <, read->nodes->len);
          g_assert_true (edge->n_points == 0 || (edge->n_points - 1) % 3 == 0);
        }
      for (guint i = 0; i < read->nodes->len; i++)
        {
          const HsGraphNode *node = hs_ref_graph_node (read, i);

          if (node->flags & HS_GRAPH_NODE_MORE)
            g_assert_cmpuint (node->more_of, <, read->nodes->len);
          g_assert_cmpint (node->cluster, <, (int) read->nodes->len);
        }
      g_free (json_text (read));
    }
  g_test_message ("%u of the mutants were read", accepted);
  g_assert_cmpuint (accepted, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hs/ref-graph/parse", test_parse);
  g_test_add_func ("/hs/ref-graph/label-lines", test_label_lines);
  g_test_add_func ("/hs/ref-graph/describe", test_describe);
  g_test_add_func ("/hs/ref-graph/cycles", test_cycles);
  g_test_add_func ("/hs/ref-graph/cycles-deep", test_cycles_deep);
  g_test_add_func ("/hs/ref-graph/split", test_split);
  g_test_add_func ("/hs/ref-graph/merge-collapse", test_merge_collapse);
  g_test_add_func ("/hs/ref-graph/layout", test_layout);
  g_test_add_func ("/hs/ref-graph/layout-keep", test_layout_keep);
  g_test_add_func ("/hs/ref-graph/layout-keep-big", test_layout_keep_big);
  g_test_add_func ("/hs/ref-graph/layout-errors", test_layout_errors);
  g_test_add_func ("/hs/ref-graph/export", test_export);
  g_test_add_func ("/hs/ref-graph/json-round-trip", test_json_round_trip);
  g_test_add_func ("/hs/ref-graph/json-damaged", test_json_damaged);
  g_test_add_func ("/hs/ref-graph/json-mutants", test_json_mutants);

  return g_test_run ();
}
