/* test-garbage.c — the garbage watch: the "garbage" report as the agent
 * sends it, what is refused, the copy a session file keeps, and the log
 * built from reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hs-garbage-log.h"
#include "hs-garbage-report.h"
#include "hs-wire.h"
#include "test-support.h"

/* Reports as the agent sends them, with ' for " to keep them readable. Two
 * collections: a young one that freed a doubly linked pair and a node that
 * refers to itself; an old one too big to count its cycles, with
 * finalizers and one object left uncollectable. */
static const char *first_report =
  "{'type': 'garbage', 'id': 0, 'time': 2.5,"
  " 'collections': ["
  "  {'time': 1.5, 'generation': 0, 'objects': 6, 'bytes': 480, 'cycles': 2,"
  "   'with_del': 0, 'uncollectable': 0, 'cost': 0.0001,"
  "   'types': [['__main__.Node', 4, 320], ['dict', 2, 160]],"
  "   'graphs': [{'nodes': [{'type': '__main__.Node', 'text': 'Node a', 'flat': 56, 'has_del': false},"
  "                         {'type': '__main__.Node', 'text': 'Node b', 'flat': 56, 'has_del': true}],"
  "               'edges': [[0, 1, {'kind': 'attribute', 'name': 'next'}],"
  "                         [1, 0, {'kind': 'attribute', 'name': 'prev'}]]},"
  "              {'nodes': [{'type': 'list', 'text': 'list of 1', 'flat': 64, 'has_del': false}],"
  "               'edges': [[0, 0, {'kind': 'index', 'index': 0}]]}]},"
  "  {'time': 2.0, 'generation': 2, 'objects': 60000, 'bytes': 4800000, 'cycles': null,"
  "   'with_del': 3, 'uncollectable': 1, 'cost': 0.0021,"
  "   'types': [['__main__.Big', 60000, 4800000]], 'graphs': []}],"
  " 'dropped': 4, 'cost': 0.003}";

static const char *second_report =
  "{'type': 'garbage', 'id': 0, 'time': 3.5,"
  " 'collections': ["
  "  {'time': 3.0, 'generation': 1, 'objects': 10, 'bytes': 800, 'cycles': 5,"
  "   'with_del': 0, 'uncollectable': 0, 'cost': 0.0002,"
  "   'types': [['__main__.Node', 10, 800]], 'graphs': []}],"
  " 'dropped': 0, 'cost': 0.001}";

static JsonNode *
json_of (const char *text)
{
  g_autofree char *json = g_strdelimit (g_strdup (text), "'", '"');
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static HsGarbageReport *
parse (const char  *text,
       GError     **error)
{
  g_autoptr(JsonNode) node = json_of (text);

  return hs_garbage_report_parse (json_node_get_object (node), error);
}

static HsGarbageReport *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  HsGarbageReport *report = parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* -- The report ------------------------------------------------------------- */

static void
test_parse (void)
{
  g_autoptr(HsGarbageReport) report = parse_ok (first_report);
  const HsGarbageSummary *young, *old;
  const HsRefGraph *pair, *loop;
  const HsGraphEdge *edge;

  g_assert_cmpfloat (report->time, ==, 2.5);
  g_assert_cmpint (report->dropped, ==, 4);
  g_assert_cmpfloat (report->cost, ==, 0.003);
  g_assert_cmpuint (report->n_collections, ==, 2);

  young = &report->collections[0];
  g_assert_cmpfloat (young->time, ==, 1.5);
  g_assert_cmpint (young->generation, ==, 0);
  g_assert_cmpint (young->objects, ==, 6);
  g_assert_cmpint (young->bytes, ==, 480);
  g_assert_cmpint (young->cycles, ==, 2);
  g_assert_cmpint (young->with_del, ==, 0);
  g_assert_cmpint (young->uncollectable, ==, 0);
  g_assert_cmpfloat (young->cost, ==, 0.0001);
  g_assert_cmpuint (young->n_types, ==, 2);
  g_assert_cmpstr (young->types[0].name, ==, "__main__.Node");
  g_assert_cmpint (young->types[0].count, ==, 4);
  g_assert_cmpint (young->types[0].bytes, ==, 320);
  g_assert_cmpstr (young->types[1].name, ==, "dict");
  g_assert_cmpuint (young->n_graphs, ==, 2);

  /* The pair: no handles (the objects are gone), a cycle of two named edges. */
  pair = young->graphs[0].graph;
  g_assert_cmpuint (pair->nodes->len, ==, 2);
  g_assert_cmpuint (pair->edges->len, ==, 2);
  g_assert_cmpint (hs_ref_graph_node (pair, 0)->object->handle, ==, 0);
  g_assert_cmpstr (hs_ref_graph_node (pair, 1)->object->type_name, ==, "__main__.Node");
  g_assert_cmpstr (hs_ref_graph_node (pair, 1)->object->text, ==, "Node b");
  g_assert_cmpint (hs_ref_graph_node (pair, 1)->object->flat, ==, 56);
  g_assert_false (young->graphs[0].has_del[0]);
  g_assert_true (young->graphs[0].has_del[1]);
  edge = hs_ref_graph_edge (pair, 1);
  g_assert_cmpuint (edge->from, ==, 1);
  g_assert_cmpuint (edge->to, ==, 0);
  g_assert_cmpint (edge->kind, ==, HS_EDGE_ATTRIBUTE);
  g_assert_cmpstr (edge->name, ==, "prev");
  g_assert_true (hs_ref_graph_node (pair, 0)->flags & HS_GRAPH_NODE_IN_CYCLE);
  g_assert_true (edge->flags & HS_GRAPH_EDGE_IN_CYCLE);
  g_assert_cmpfloat (pair->width, ==, 0);     /* not laid out */

  /* A list holding itself. */
  loop = young->graphs[1].graph;
  g_assert_cmpuint (loop->edges->len, ==, 1);
  g_assert_cmpint (hs_ref_graph_edge (loop, 0)->kind, ==, HS_EDGE_INDEX);
  g_assert_cmpint (hs_ref_graph_edge (loop, 0)->index, ==, 0);
  g_assert_true (hs_ref_graph_node (loop, 0)->flags & HS_GRAPH_NODE_IN_CYCLE);

  old = &report->collections[1];
  g_assert_cmpint (old->generation, ==, 2);
  g_assert_cmpint (old->cycles, ==, -1);
  g_assert_cmpint (old->with_del, ==, 3);
  g_assert_cmpint (old->uncollectable, ==, 1);
  g_assert_cmpuint (old->n_graphs, ==, 0);
}

/* A second reference between the same two objects adds nothing to a drawing. */
static void
test_duplicate_edge (void)
{
  g_autoptr(HsGarbageReport) report = parse_ok (
    "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 2,"
    " 'bytes': 2, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [{'type': 'A', 'text': 'a', 'flat': 1, 'has_del': false},"
    "                       {'type': 'B', 'text': 'b', 'flat': 1, 'has_del': false}],"
    "             'edges': [[0, 1, {'kind': 'attribute', 'name': 'x'}], [0, 1, {'kind': 'attribute', 'name': 'y'}],"
    "                       [1, 0, {'kind': 'referent'}]]}]}]}");
  const HsRefGraph *graph = report->collections[0].graphs[0].graph;

  g_assert_cmpuint (graph->edges->len, ==, 2);
  g_assert_cmpstr (hs_ref_graph_edge (graph, 0)->name, ==, "x");
  g_assert_cmpint (hs_ref_graph_edge (graph, 1)->kind, ==, HS_EDGE_REFERENT);
}

/* Reports made wrong one part at a time, and what the error must name. */
static const struct
{
  const char *text;
  const char *message;
} malformed[] = {
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': {}}",
    "Member “collections” is not an array" },
  { "{'dropped': 0, 'cost': 0, 'collections': []}",
    "Member “time” is not a number" },
  { "{'time': 1, 'cost': 0, 'collections': []}",
    "Member “dropped” is not an integer" },
  { "{'time': 1, 'dropped': 0, 'cost': -1, 'collections': []}",
    "Member “cost” is out of range" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [7]}",
    "Collection 0: Member “collections” holds a collection that is not a JSON object" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 3, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [], 'graphs': []}]}",
    "Collection 0: Member “generation” is out of range" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 'many',"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [], 'graphs': []}]}",
    "Collection 0: Member “objects” is not an integer" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1.5, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [], 'graphs': []}]}",
    "Collection 0: Member “bytes” is not an integer" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 'some', 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [], 'graphs': []}]}",
    "Collection 0: Member “cycles” is not an integer" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': -2, 'uncollectable': 0, 'cost': 0, 'types': [], 'graphs': []}]}",
    "Collection 0: Member “with_del” is out of range" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': true, 'cost': 0, 'types': [], 'graphs': []}]}",
    "Collection 0: Member “uncollectable” is not an integer" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [['A', 1]], 'graphs': []}]}",
    "Collection 0: Member “types” holds a type that is not [name, count, bytes]" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [[5, 1, 1]], 'graphs': []}]}",
    "Collection 0: Member “types” holds a type name that is not a string" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [], 'graphs': 'none'}]}",
    "Collection 0: Member “graphs” is not an array" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [{'type': 'A', 'text': 'a', 'flat': 1, 'has_del': false}],"
    "             'edges': [[0, 5, {'kind': 'attribute', 'name': 'x'}]]}]}]}",
    "Collection 0: Graph 0: Edge 0: Member “edges” names a node that is not in the graph" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [{'type': 'A', 'text': 'a', 'flat': 1, 'has_del': false}],"
    "             'edges': [[0, 0, {'kind': 'teleport', 'name': 'x'}]]}]}]}",
    "Collection 0: Graph 0: Edge 0: Member “kind” names no kind of reference" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [{'type': 'A', 'text': 'a', 'flat': 1, 'has_del': false}],"
    "             'edges': [[0, 0]]}]}]}",
    "Collection 0: Graph 0: Edge 0: Member “edges” holds an edge that is not [from, to, edge]" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [{'type': 'A', 'text': 'a', 'flat': 1, 'has_del': 'yes'}], 'edges': []}]}]}",
    "Collection 0: Graph 0: Node 0: Member “has_del” is not a boolean" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [{'type': 'A', 'flat': 1, 'has_del': true}], 'edges': []}]}]}",
    "Collection 0: Graph 0: Node 0: Member “text” is not a string" },
  { "{'time': 1, 'dropped': 0, 'cost': 0, 'collections': [{'time': 1, 'generation': 0, 'objects': 1,"
    " 'bytes': 1, 'cycles': 1, 'with_del': 0, 'uncollectable': 0, 'cost': 0, 'types': [],"
    " 'graphs': [{'nodes': [[1]], 'edges': []}]}]}",
    "Collection 0: Graph 0: Node 0: Member “nodes” holds a node that is not a JSON object" },
};

static void
test_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HsGarbageReport) report = parse (malformed[i].text, &error);

      g_test_message ("case %u: %s", i, malformed[i].message);
      g_assert_null (report);
      g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, malformed[i].message);
    }
}

/* A report with @n_collections of one collection's JSON each, or of one
 * collection with @n_types types or one graph of @n_nodes nodes. */
static char *
report_of (guint n_collections,
           guint n_types,
           guint n_graphs,
           guint n_nodes)
{
  GString *text = g_string_new ("{\"time\": 1, \"dropped\": 0, \"cost\": 0, \"collections\": [");

  for (guint c = 0; c < n_collections; c++)
    {
      g_string_append_printf (text, "%s{\"time\": %u, \"generation\": 0, \"objects\": 1, \"bytes\": 1, "
                              "\"cycles\": 1, \"with_del\": 0, \"uncollectable\": 0, \"cost\": 0, \"types\": [",
                              c > 0 ? ", " : "", c);
      for (guint t = 0; t < n_types; t++)
        g_string_append_printf (text, "%s[\"T%u\", 1, 1]", t > 0 ? ", " : "", t);
      g_string_append (text, "], \"graphs\": [");
      for (guint g = 0; g < n_graphs; g++)
        {
          g_string_append_printf (text, "%s{\"nodes\": [", g > 0 ? ", " : "");
          for (guint n = 0; n < n_nodes; n++)
            g_string_append_printf (text, "%s{\"type\": \"T\", \"text\": \"t\", \"flat\": 1, \"has_del\": false}",
                                    n > 0 ? ", " : "");
          g_string_append (text, "], \"edges\": []}");
        }
      g_string_append (text, "]}");
    }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

static void
expect_refused (const char *text,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsGarbageReport) report = parse (text, &error);

  g_assert_null (report);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_limits (void)
{
  g_autofree char *most_collections = report_of (HS_GARBAGE_REPORT_MAX_COLLECTIONS, 0, 0, 0);
  g_autofree char *too_many_collections = report_of (HS_GARBAGE_REPORT_MAX_COLLECTIONS + 1, 0, 0, 0);
  g_autofree char *most_types = report_of (1, HS_GARBAGE_REPORT_MAX_TYPES, 0, 0);
  g_autofree char *too_many_types = report_of (1, HS_GARBAGE_REPORT_MAX_TYPES + 1, 0, 0);
  g_autofree char *most_graphs = report_of (1, 0, HS_GARBAGE_REPORT_MAX_GRAPHS, HS_GARBAGE_REPORT_MAX_GRAPH_NODES);
  g_autofree char *too_many_graphs = report_of (1, 0, HS_GARBAGE_REPORT_MAX_GRAPHS + 1, 1);
  g_autofree char *too_many_nodes = report_of (1, 0, 1, HS_GARBAGE_REPORT_MAX_GRAPH_NODES + 1);
  g_autoptr(HsGarbageReport) report = NULL;

  report = parse_ok (most_collections);
  g_assert_cmpuint (report->n_collections, ==, 1000);
  g_clear_pointer (&report, hs_garbage_report_unref);
  report = parse_ok (most_types);
  g_assert_cmpuint (report->collections[0].n_types, ==, 200);
  g_clear_pointer (&report, hs_garbage_report_unref);
  report = parse_ok (most_graphs);
  g_assert_cmpuint (report->collections[0].n_graphs, ==, 5);
  g_assert_cmpuint (report->collections[0].graphs[4].graph->nodes->len, ==, 50);

  expect_refused (too_many_collections, "Member “collections” has more items than the limit");
  expect_refused (too_many_types, "Collection 0: Member “types” has more items than the limit");
  expect_refused (too_many_graphs, "Collection 0: Member “graphs” has more items than the limit");
  expect_refused (too_many_nodes, "Collection 0: Graph 0: Member “nodes” has more items than the limit");
}

/* Text that is not UTF-8 never reaches a label: built in code, as a JSON
 * parser would refuse it before it got here. */
static void
test_invalid_utf8 (void)
{
  g_autoptr(JsonNode) node_type = json_of (first_report);
  g_autoptr(JsonNode) node_text = json_of (first_report);
  JsonObject *collection;
  JsonArray *type;
  JsonObject *graph_node;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsGarbageReport) report = NULL;

  collection = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node_type),
                                                                            "collections"), 1);
  type = json_array_get_array_element (json_object_get_array_member (collection, "types"), 0);
  json_node_set_string (json_array_get_element (type, 0), "Big\xff\xfe");
  report = hs_garbage_report_parse (json_node_get_object (node_type), &error);
  g_assert_null (report);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Collection 1: Member “types” is not valid UTF-8");
  g_clear_error (&error);

  collection = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node_text),
                                                                            "collections"), 0);
  graph_node = json_array_get_object_element (
    json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (collection, "graphs"), 0),
                                  "nodes"), 1);
  json_object_set_string_member (graph_node, "text", "Node \xc3");
  report = hs_garbage_report_parse (json_node_get_object (node_text), &error);
  g_assert_null (report);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Collection 0: Graph 0: Node 1: Member “text” is not valid UTF-8");
}

static void
assert_graphs_equal (const HsGarbageGraph *a,
                     const HsGarbageGraph *b)
{
  g_assert_cmpuint (a->graph->nodes->len, ==, b->graph->nodes->len);
  g_assert_cmpuint (a->graph->edges->len, ==, b->graph->edges->len);
  for (guint i = 0; i < a->graph->nodes->len; i++)
    {
      const HsGraphNode *x = hs_ref_graph_node (a->graph, i);
      const HsGraphNode *y = hs_ref_graph_node (b->graph, i);

      g_assert_cmpstr (x->object->type_name, ==, y->object->type_name);
      g_assert_cmpstr (x->object->text, ==, y->object->text);
      g_assert_cmpint (x->object->flat, ==, y->object->flat);
      g_assert_cmpuint (x->flags, ==, y->flags);
      g_assert_cmpint (a->has_del[i], ==, b->has_del[i]);
    }
  for (guint i = 0; i < a->graph->edges->len; i++)
    {
      const HsGraphEdge *x = hs_ref_graph_edge (a->graph, i);
      const HsGraphEdge *y = hs_ref_graph_edge (b->graph, i);

      g_assert_cmpuint (x->from, ==, y->from);
      g_assert_cmpuint (x->to, ==, y->to);
      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->index, ==, y->index);
      g_assert_cmpuint (x->flags, ==, y->flags);
    }
}

static void
assert_reports_equal (const HsGarbageReport *a,
                      const HsGarbageReport *b)
{
  g_assert_cmpfloat (a->time, ==, b->time);
  g_assert_cmpint (a->dropped, ==, b->dropped);
  g_assert_cmpfloat (a->cost, ==, b->cost);
  g_assert_cmpuint (a->n_collections, ==, b->n_collections);
  for (guint c = 0; c < a->n_collections; c++)
    {
      const HsGarbageSummary *x = &a->collections[c];
      const HsGarbageSummary *y = &b->collections[c];

      g_assert_cmpfloat (x->time, ==, y->time);
      g_assert_cmpint (x->generation, ==, y->generation);
      g_assert_cmpint (x->objects, ==, y->objects);
      g_assert_cmpint (x->bytes, ==, y->bytes);
      g_assert_cmpint (x->cycles, ==, y->cycles);
      g_assert_cmpint (x->with_del, ==, y->with_del);
      g_assert_cmpint (x->uncollectable, ==, y->uncollectable);
      g_assert_cmpfloat (x->cost, ==, y->cost);
      g_assert_cmpuint (x->n_types, ==, y->n_types);
      for (guint t = 0; t < x->n_types; t++)
        {
          g_assert_cmpstr (x->types[t].name, ==, y->types[t].name);
          g_assert_cmpint (x->types[t].count, ==, y->types[t].count);
          g_assert_cmpint (x->types[t].bytes, ==, y->types[t].bytes);
        }
      g_assert_cmpuint (x->n_graphs, ==, y->n_graphs);
      for (guint g = 0; g < x->n_graphs; g++)
        assert_graphs_equal (&x->graphs[g], &y->graphs[g]);
    }
}

/* What a session file keeps reads back as what the agent sent, through the
 * same parser; written again, it is the same text. */
static void
test_round_trip (void)
{
  g_autoptr(HsGarbageReport) report = parse_ok (first_report);
  g_autoptr(JsonNode) kept = hs_garbage_report_to_json (report);
  g_autofree char *text = json_to_string (kept, FALSE);
  g_autoptr(JsonNode) reread_node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsGarbageReport) reread = NULL;
  g_autoptr(JsonNode) kept_again = NULL;
  g_autofree char *text_again = NULL;

  g_assert_nonnull (reread_node);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reread_node), "type"), ==, "garbage");
  reread = hs_garbage_report_parse (json_node_get_object (reread_node), &error);
  g_assert_no_error (error);
  assert_reports_equal (report, reread);

  kept_again = hs_garbage_report_to_json (reread);
  text_again = json_to_string (kept_again, FALSE);
  g_assert_cmpstr (text, ==, text_again);
}

/* A cycle's copy for showing says which objects define __del__, in the
 * part of the label that is drawn, and leaves the report alone. */
static void
test_display_copy (void)
{
  g_autoptr(HsGarbageReport) report = parse_ok (first_report);
  const HsGarbageGraph *pair = &report->collections[0].graphs[0];
  g_autoptr(HsRefGraph) display = hs_garbage_graph_dup_for_display (pair);
  g_autoptr(JsonNode) long_node = json_of (first_report);
  JsonObject *graph_node;
  g_autoptr(HsGarbageReport) long_report = NULL;
  g_autoptr(HsRefGraph) long_display = NULL;
  g_autofree char *line = NULL;

  g_assert_cmpstr (hs_ref_graph_node (display, 0)->object->text, ==, "Node a");
  g_assert_cmpstr (hs_ref_graph_node (display, 1)->object->text, ==, "Node b · defines __del__");
  g_assert_cmpstr (hs_ref_graph_node (pair->graph, 1)->object->text, ==, "Node b");
  g_assert_cmpuint (display->edges->len, ==, 2);

  graph_node = json_array_get_object_element (
    json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (long_node), "collections"), 0),
      "graphs"), 0), "nodes"), 1);
  json_object_set_string_member (graph_node, "text", "Node with a description far longer than a label holds");
  long_report = hs_garbage_report_parse (json_node_get_object (long_node), NULL);
  g_assert_nonnull (long_report);
  long_display = hs_garbage_graph_dup_for_display (&long_report->collections[0].graphs[0]);
  line = hs_graph_node_label_line (hs_ref_graph_node (long_display, 1), 1);
  g_assert_true (g_str_has_suffix (line, " · defines __del__"));
  g_assert_true (g_str_has_prefix (line, "Node with"));
  g_assert_cmpint (g_utf8_strlen (line, -1), <=, HS_GRAPH_LABEL_CHARS);
}

/* -- The log ------------------------------------------------------------------ */

typedef struct
{
  guint position, removed, added;
} Emission;

static void
record_emission (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 GArray     *emissions)
{
  Emission emission = { position, removed, added };

  g_array_append_val (emissions, emission);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GHashTable *counts)
{
  const char *name = g_param_spec_get_name (pspec);

  g_hash_table_insert (counts, (gpointer) name, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
}

static guint
notified (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_log (void)
{
  HsGarbageLog *log = hs_garbage_log_new ();
  g_autoptr(HsGarbageReport) first = parse_ok (first_report);
  g_autoptr(HsGarbageReport) second = parse_ok (second_report);
  g_autoptr(GArray) emissions = g_array_new (FALSE, FALSE, sizeof (Emission));
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(HsGarbageCollection) young = NULL;
  g_autoptr(HsGarbageCollection) old = NULL;
  g_autoptr(HsGarbageCollection) latest = NULL;
  const HsGarbageType *types;
  const HsGarbageGraph *graphs;
  guint n;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == HS_TYPE_GARBAGE_COLLECTION);
  g_signal_connect (log, "items-changed", G_CALLBACK (record_emission), emissions);
  g_signal_connect (log, "notify", G_CALLBACK (count_notify), counts);

  hs_garbage_log_apply (log, first);
  g_assert_cmpuint (emissions->len, ==, 1);
  g_assert_cmpuint (g_array_index (emissions, Emission, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (emissions, Emission, 0).removed, ==, 0);
  g_assert_cmpuint (g_array_index (emissions, Emission, 0).added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 2);
  g_assert_cmpint (hs_garbage_log_get_collections (log), ==, 2);
  g_assert_cmpint (hs_garbage_log_get_objects (log), ==, 60006);
  g_assert_cmpint (hs_garbage_log_get_bytes (log), ==, 4800480);
  g_assert_cmpint (hs_garbage_log_get_cycles (log), ==, 2);
  g_assert_cmpint (hs_garbage_log_get_uncounted (log), ==, 1);
  g_assert_cmpint (hs_garbage_log_get_with_del (log), ==, 3);
  g_assert_cmpint (hs_garbage_log_get_uncollectable (log), ==, 1);
  g_assert_cmpfloat_with_epsilon (hs_garbage_log_get_cost (log), 0.003, 1e-12);
  g_assert_cmpint (hs_garbage_log_get_dropped (log), ==, 4);
  g_assert_cmpuint (notified (counts, "objects"), ==, 1);
  g_assert_cmpuint (notified (counts, "n-items"), ==, 1);
  g_assert_cmpuint (notified (counts, "collections"), ==, 1);
  g_assert_cmpuint (notified (counts, "watching"), ==, 0);

  young = g_list_model_get_item (G_LIST_MODEL (log), 0);
  old = g_list_model_get_item (G_LIST_MODEL (log), 1);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 2));
  g_assert_cmpuint (hs_garbage_collection_get_index (young), ==, 0);
  g_assert_cmpfloat (hs_garbage_collection_get_time (young), ==, 1.5);
  g_assert_cmpint (hs_garbage_collection_get_generation (old), ==, 2);
  g_assert_cmpint (hs_garbage_collection_get_objects (old), ==, 60000);
  g_assert_cmpint (hs_garbage_collection_get_bytes (old), ==, 4800000);
  g_assert_cmpint (hs_garbage_collection_get_cycles (old), ==, -1);
  g_assert_cmpint (hs_garbage_collection_get_with_del (old), ==, 3);
  g_assert_cmpint (hs_garbage_collection_get_uncollectable (old), ==, 1);
  g_assert_cmpfloat (hs_garbage_collection_get_cost (old), ==, 0.0021);
  {
    gint64 cycles;
    double cost;

    g_object_get (young, "cycles", &cycles, "cost", &cost, NULL);
    g_assert_cmpint (cycles, ==, 2);
    g_assert_cmpfloat (cost, ==, 0.0001);
  }
  types = hs_garbage_collection_get_types (young, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (types[1].name, ==, "dict");
  graphs = hs_garbage_collection_get_graphs (young, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (hs_garbage_collection_get_graph (young, 1) == &graphs[1]);
  g_assert_null (hs_garbage_collection_get_graph (old, 0));

  /* The next report adds at the end, in one change; totals move once. */
  g_hash_table_remove_all (counts);
  hs_garbage_log_apply (log, second);
  g_assert_cmpuint (emissions->len, ==, 2);
  g_assert_cmpuint (g_array_index (emissions, Emission, 1).position, ==, 2);
  g_assert_cmpuint (g_array_index (emissions, Emission, 1).removed, ==, 0);
  g_assert_cmpuint (g_array_index (emissions, Emission, 1).added, ==, 1);
  g_assert_cmpint (hs_garbage_log_get_collections (log), ==, 3);
  g_assert_cmpint (hs_garbage_log_get_objects (log), ==, 60016);
  g_assert_cmpint (hs_garbage_log_get_cycles (log), ==, 7);
  g_assert_cmpint (hs_garbage_log_get_uncounted (log), ==, 1);
  g_assert_cmpint (hs_garbage_log_get_dropped (log), ==, 4);
  g_assert_cmpfloat_with_epsilon (hs_garbage_log_get_cost (log), 0.004, 1e-12);
  g_assert_cmpuint (notified (counts, "objects"), ==, 1);
  g_assert_cmpuint (notified (counts, "cycles"), ==, 1);
  g_assert_cmpuint (notified (counts, "dropped"), ==, 0);
  g_assert_cmpuint (notified (counts, "uncollectable"), ==, 0);
  latest = g_list_model_get_item (G_LIST_MODEL (log), 2);
  g_assert_cmpuint (hs_garbage_collection_get_index (latest), ==, 2);

  /* The collections keep their report: the log's own references go first. */
  g_clear_pointer (&first, hs_garbage_report_unref);
  g_assert_cmpstr (hs_garbage_collection_get_types (young, &n)[0].name, ==, "__main__.Node");
  g_signal_handlers_disconnect_by_data (log, emissions);
  g_signal_handlers_disconnect_by_data (log, counts);
  g_clear_object (&young);
  g_clear_object (&old);
  g_clear_object (&latest);
  g_assert_finalize_object (log);
}

static void
test_watching (void)
{
  HsGarbageLog *log = hs_garbage_log_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean watching;

  g_signal_connect (log, "notify", G_CALLBACK (count_notify), counts);
  g_assert_false (hs_garbage_log_get_watching (log));
  hs_garbage_log_set_watching (log, TRUE);
  hs_garbage_log_set_watching (log, TRUE);
  g_assert_cmpuint (notified (counts, "watching"), ==, 1);
  g_object_get (log, "watching", &watching, NULL);
  g_assert_true (watching);
  g_object_set (log, "watching", FALSE, NULL);
  g_assert_cmpuint (notified (counts, "watching"), ==, 2);
  g_assert_false (hs_garbage_log_get_watching (log));
  g_signal_handlers_disconnect_by_data (log, counts);
  g_assert_finalize_object (log);
}

/* A report of @n empty collections, made in code: the cap is about counts. */
static HsGarbageReport *
empty_report (guint  n,
              double time)
{
  HsGarbageReport *report = g_new0 (HsGarbageReport, 1);

  g_atomic_ref_count_init (&report->ref_count);
  report->time = time;
  report->collections = g_new0 (HsGarbageSummary, n);
  report->n_collections = n;
  for (guint i = 0; i < n; i++)
    {
      report->collections[i].time = time;
      report->collections[i].objects = 1;
      report->collections[i].cycles = 1;
    }
  return report;
}

/* A long run keeps the latest collections; the totals count them all. */
static void
test_cap (void)
{
  HsGarbageLog *log = hs_garbage_log_new ();
  g_autoptr(GArray) emissions = g_array_new (FALSE, FALSE, sizeof (Emission));
  guint per_report = HS_GARBAGE_REPORT_MAX_COLLECTIONS;
  guint n_reports = HS_GARBAGE_LOG_MAX_COLLECTIONS / per_report + 1;
  g_autoptr(HsGarbageCollection) first = NULL;
  const Emission *last;

  g_signal_connect (log, "items-changed", G_CALLBACK (record_emission), emissions);
  for (guint r = 0; r < n_reports; r++)
    {
      g_autoptr(HsGarbageReport) report = empty_report (per_report, r);

      hs_garbage_log_apply (log, report);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, HS_GARBAGE_LOG_MAX_COLLECTIONS);
  g_assert_cmpint (hs_garbage_log_get_collections (log), ==, (gint64) n_reports * per_report);
  g_assert_cmpint (hs_garbage_log_get_objects (log), ==, (gint64) n_reports * per_report);
  first = g_list_model_get_item (G_LIST_MODEL (log), 0);
  g_assert_cmpuint (hs_garbage_collection_get_index (first), ==, per_report);
  /* The last report: the oldest leave, then the new arrive at the end. */
  g_assert_cmpuint (emissions->len, ==, n_reports + 1);
  last = &g_array_index (emissions, Emission, emissions->len - 2);
  g_assert_cmpuint (last->position, ==, 0);
  g_assert_cmpuint (last->removed, ==, per_report);
  g_assert_cmpuint (last->added, ==, 0);
  last = &g_array_index (emissions, Emission, emissions->len - 1);
  g_assert_cmpuint (last->position, ==, HS_GARBAGE_LOG_MAX_COLLECTIONS - per_report);
  g_assert_cmpuint (last->removed, ==, 0);
  g_assert_cmpuint (last->added, ==, per_report);
  g_signal_handlers_disconnect_by_data (log, emissions);
  g_clear_object (&first);
  g_assert_finalize_object (log);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hs/garbage/parse", test_parse);
  g_test_add_func ("/hs/garbage/duplicate-edge", test_duplicate_edge);
  g_test_add_func ("/hs/garbage/malformed", test_malformed);
  g_test_add_func ("/hs/garbage/limits", test_limits);
  g_test_add_func ("/hs/garbage/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/hs/garbage/round-trip", test_round_trip);
  g_test_add_func ("/hs/garbage/display-copy", test_display_copy);
  g_test_add_func ("/hs/garbage/log", test_log);
  g_test_add_func ("/hs/garbage/watching", test_watching);
  g_test_add_func ("/hs/garbage/cap", test_cap);
  return g_test_run ();
}
