/* hs-garbage-report.c — the "garbage" message, read and checked, and written back
 *
 * The graphs' edges are read by the reader of every other edge of the wire
 * (hs_wire_parse_edge) and written by its writer (hs_wire_add_edge), so a
 * session file keeps a report as the agent sent it and reads it back here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-garbage-report.h"
#include "hs-reply.h"
#include "hs-wire-private.h"

G_DEFINE_BOXED_TYPE (HsGarbageReport, hs_garbage_report, hs_garbage_report_ref, hs_garbage_report_unref)

static void
clear_summary (HsGarbageSummary *summary)
{
  for (guint i = 0; i < summary->n_types; i++)
    g_free (summary->types[i].name);
  for (guint i = 0; i < summary->n_graphs; i++)
    {
      g_clear_pointer (&summary->graphs[i].graph, hs_ref_graph_unref);
      g_free (summary->graphs[i].has_del);
    }
  g_free (summary->types);
  g_free (summary->graphs);
}

HsGarbageReport *
hs_garbage_report_ref (HsGarbageReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hs_garbage_report_unref (HsGarbageReport *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint i = 0; i < self->n_collections; i++)
    clear_summary (&self->collections[i]);
  g_free (self->collections);
  g_free (self);
}

/* -- Reading -------------------------------------------------------------- */

static gboolean
read_object_item (JsonArray   *list,
                  guint        position,
                  const char  *member,
                  const char  *what,
                  JsonObject **object,
                  GError     **error)
{
  JsonNode *node = json_array_get_element (list, position);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return hs_wire_invalid (error, member, what);
  *object = json_node_get_object (node);
  return TRUE;
}

/* [name, count, bytes] */
static gboolean
read_type (JsonNode       *node,
           HsGarbageType  *type,
           GError        **error)
{
  JsonArray *cells;
  JsonNode *name;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (cells = json_node_get_array (node)) != 3)
    return hs_wire_invalid (error, "types", "holds a type that is not [name, count, bytes]");
  name = json_array_get_element (cells, 0);
  if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
    return hs_wire_invalid (error, "types", "holds a type name that is not a string");
  if (!hs_wire_check_string (json_node_get_string (name), "types", error))
    return FALSE;
  type->name = json_node_dup_string (name);
  return hs_wire_read_integer_node (json_array_get_element (cells, 1), "types", 0, &type->count, error) &&
         hs_wire_read_integer_node (json_array_get_element (cells, 2), "types", 0, &type->bytes, error);
}

static gboolean
read_types (JsonObject        *object,
            HsGarbageSummary  *summary,
            GError           **error)
{
  JsonArray *types = hs_wire_read_array (object, "types", HS_GARBAGE_REPORT_MAX_TYPES, error);

  if (types == NULL)
    return FALSE;
  summary->types = g_new0 (HsGarbageType, MAX (1, json_array_get_length (types)));
  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      summary->n_types = i + 1;
      if (!read_type (json_array_get_element (types, i), &summary->types[i], error))
        return FALSE;
    }
  return TRUE;
}

/* {"type", "text", "flat", "has_del"}: an object that is gone, so no handle
 * and no address. */
static gboolean
read_node (JsonObject      *node_object,
           HsRefGraph      *graph,
           gboolean        *has_del,
           GError         **error)
{
  g_autoptr(HsObjectRef) ref = hs_object_ref_new ();

  if (!hs_wire_read_string (node_object, "type", FALSE, &ref->type_name, error) ||
      !hs_wire_read_string (node_object, "text", FALSE, &ref->text, error) ||
      !hs_wire_read_integer (node_object, "flat", 0, &ref->flat, error) ||
      !hs_wire_read_boolean (node_object, "has_del", FALSE, has_del, error))
    return FALSE;
  hs_ref_graph_add_node (graph, g_steal_pointer (&ref), -1, 0);
  return TRUE;
}

/* [from, to, edge] as in the "graph" answer. A second edge between the same
 * two nodes adds nothing to a drawing and is left out. */
static gboolean
read_edge (JsonNode     *node,
           HsRefGraph   *graph,
           guint8       *joined,
           GError      **error)
{
  g_autoptr(HsObjectRef) ref = hs_object_ref_new ();
  guint n_nodes = graph->nodes->len;
  JsonArray *cells;
  JsonNode *how;
  gint64 from, to;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (cells = json_node_get_array (node)) != 3)
    return hs_wire_invalid (error, "edges", "holds an edge that is not [from, to, edge]");
  if (!hs_wire_read_integer_node (json_array_get_element (cells, 0), "edges", 0, &from, error) ||
      !hs_wire_read_integer_node (json_array_get_element (cells, 1), "edges", 0, &to, error))
    return FALSE;
  if (from >= n_nodes || to >= n_nodes)
    return hs_wire_invalid (error, "edges", "names a node that is not in the graph");
  how = json_array_get_element (cells, 2);
  if (!JSON_NODE_HOLDS_OBJECT (how))
    return hs_wire_invalid (error, "edges", "holds an edge whose kind is not a JSON object");
  if (!hs_wire_parse_edge (json_node_get_object (how), ref, error))
    return FALSE;
  if (joined[from * n_nodes + to])
    return TRUE;
  joined[from * n_nodes + to] = TRUE;
  hs_ref_graph_add_edge (graph, from, to, ref->edge, ref->edge_name, ref->edge_index);
  return TRUE;
}

static gboolean
read_graph (JsonNode        *node,
            HsGarbageGraph  *garbage_graph,
            GError         **error)
{
  g_autoptr(HsRefGraph) graph = hs_ref_graph_new ();
  g_autofree guint8 *joined = NULL;
  JsonObject *object;
  JsonArray *nodes;
  JsonArray *edges;
  guint n_nodes;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return hs_wire_invalid (error, "graphs", "holds a graph that is not a JSON object");
  object = json_node_get_object (node);
  if (!(nodes = hs_wire_read_array (object, "nodes", HS_GARBAGE_REPORT_MAX_GRAPH_NODES, error)) ||
      !(edges = hs_wire_read_array (object, "edges", HS_GARBAGE_REPORT_MAX_GRAPH_EDGES, error)))
    return FALSE;
  n_nodes = json_array_get_length (nodes);
  garbage_graph->has_del = g_new0 (gboolean, MAX (1, n_nodes));
  for (guint i = 0; i < n_nodes; i++)
    {
      JsonObject *node_object = NULL;

      if (!read_object_item (nodes, i, "nodes", "holds a node that is not a JSON object", &node_object, error) ||
          !read_node (node_object, graph, &garbage_graph->has_del[i], error))
        {
          g_prefix_error (error, "Node %u: ", i);
          return FALSE;
        }
    }
  joined = g_new0 (guint8, MAX (1, n_nodes * n_nodes));
  for (guint i = 0; i < json_array_get_length (edges); i++)
    if (!read_edge (json_array_get_element (edges, i), graph, joined, error))
      {
        g_prefix_error (error, "Edge %u: ", i);
        return FALSE;
      }
  hs_ref_graph_mark_cycles (graph);
  garbage_graph->graph = g_steal_pointer (&graph);
  return TRUE;
}

static gboolean
read_graphs (JsonObject        *object,
             HsGarbageSummary  *summary,
             GError           **error)
{
  JsonArray *graphs = hs_wire_read_array (object, "graphs", HS_GARBAGE_REPORT_MAX_GRAPHS, error);

  if (graphs == NULL)
    return FALSE;
  summary->graphs = g_new0 (HsGarbageGraph, MAX (1, json_array_get_length (graphs)));
  for (guint i = 0; i < json_array_get_length (graphs); i++)
    {
      summary->n_graphs = i + 1;
      if (!read_graph (json_array_get_element (graphs, i), &summary->graphs[i], error))
        {
          g_prefix_error (error, "Graph %u: ", i);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_collection (JsonObject        *object,
                 HsGarbageSummary  *summary,
                 GError           **error)
{
  JsonNode *cycles = json_object_get_member (object, "cycles");
  gint64 generation;

  if (!hs_wire_read_number (object, "time", &summary->time, error) ||
      !hs_wire_read_integer (object, "generation", 0, &generation, error) ||
      !hs_wire_read_integer (object, "objects", 0, &summary->objects, error) ||
      !hs_wire_read_integer (object, "bytes", 0, &summary->bytes, error))
    return FALSE;
  if (generation > HS_GARBAGE_REPORT_MAX_GENERATION)
    return hs_wire_invalid (error, "generation", "is out of range");
  summary->generation = generation;
  if (cycles != NULL && JSON_NODE_HOLDS_NULL (cycles))
    summary->cycles = -1;
  else if (!hs_wire_read_integer (object, "cycles", 0, &summary->cycles, error))
    return FALSE;
  if (!hs_wire_read_integer (object, "with_del", 0, &summary->with_del, error) ||
      !hs_wire_read_integer (object, "uncollectable", 0, &summary->uncollectable, error) ||
      !hs_wire_read_number (object, "cost", &summary->cost, error))
    return FALSE;
  return read_types (object, summary, error) && read_graphs (object, summary, error);
}

HsGarbageReport *
hs_garbage_report_parse (JsonObject  *message,
                         GError     **error)
{
  g_autoptr(HsGarbageReport) report = NULL;
  JsonArray *collections;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  report = g_new0 (HsGarbageReport, 1);
  g_atomic_ref_count_init (&report->ref_count);
  if (!hs_wire_read_number (message, "time", &report->time, error) ||
      !hs_wire_read_integer (message, "dropped", 0, &report->dropped, error) ||
      !hs_wire_read_number (message, "cost", &report->cost, error) ||
      !(collections = hs_wire_read_array (message, "collections", HS_GARBAGE_REPORT_MAX_COLLECTIONS, error)))
    return NULL;
  report->collections = g_new0 (HsGarbageSummary, MAX (1, json_array_get_length (collections)));
  for (guint i = 0; i < json_array_get_length (collections); i++)
    {
      JsonObject *object = NULL;

      report->n_collections = i + 1;
      if (!read_object_item (collections, i, "collections", "holds a collection that is not a JSON object",
                             &object, error) ||
          !read_collection (object, &report->collections[i], error))
        {
          g_prefix_error (error, "Collection %u: ", i);
          return NULL;
        }
    }
  return g_steal_pointer (&report);
}

/* -- Writing -------------------------------------------------------------- */

static void
add_graph (JsonBuilder          *builder,
           const HsGarbageGraph *garbage_graph)
{
  const HsRefGraph *graph = garbage_graph->graph;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const HsObjectRef *object = hs_ref_graph_node (graph, i)->object;

      json_builder_begin_object (builder);
      hs_wire_add_string_member (builder, "type", object->type_name != NULL ? object->type_name : "");
      hs_wire_add_string_member (builder, "text", object->text != NULL ? object->text : "");
      hs_wire_add_int_member (builder, "flat", object->flat);
      hs_wire_add_boolean_member (builder, "has_del", garbage_graph->has_del[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, edge->from);
      json_builder_add_int_value (builder, edge->to);
      hs_wire_add_edge (builder, edge->kind, edge->name, edge->index);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_collection (JsonBuilder            *builder,
                const HsGarbageSummary *summary)
{
  json_builder_begin_object (builder);
  hs_wire_add_double_member (builder, "time", summary->time);
  hs_wire_add_int_member (builder, "generation", summary->generation);
  hs_wire_add_int_member (builder, "objects", summary->objects);
  hs_wire_add_int_member (builder, "bytes", summary->bytes);
  hs_wire_add_optional_int_member (builder, "cycles", summary->cycles);
  hs_wire_add_int_member (builder, "with_del", summary->with_del);
  hs_wire_add_int_member (builder, "uncollectable", summary->uncollectable);
  hs_wire_add_double_member (builder, "cost", summary->cost);
  json_builder_set_member_name (builder, "types");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->n_types; i++)
    {
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, summary->types[i].name);
      json_builder_add_int_value (builder, summary->types[i].count);
      json_builder_add_int_value (builder, summary->types[i].bytes);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "graphs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->n_graphs; i++)
    add_graph (builder, &summary->graphs[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

JsonNode *
hs_garbage_report_to_json (const HsGarbageReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  hs_wire_add_string_member (builder, "type", "garbage");
  hs_wire_add_int_member (builder, "id", 0);
  hs_wire_add_double_member (builder, "time", self->time);
  json_builder_set_member_name (builder, "collections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_collections; i++)
    add_collection (builder, &self->collections[i]);
  json_builder_end_array (builder);
  hs_wire_add_int_member (builder, "dropped", self->dropped);
  hs_wire_add_double_member (builder, "cost", self->cost);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* -- Showing -------------------------------------------------------------- */

/* @text, cut with "…" to leave @room characters for what follows it. */
static char *
cut_to (const char *text,
        glong       room)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *start = NULL;

  if (g_utf8_strlen (valid, -1) <= room)
    return g_steal_pointer (&valid);
  if (room <= 1)
    return g_strdup ("…");
  start = g_utf8_substring (valid, 0, room - 1);
  return g_strconcat (start, "…", NULL);
}

HsRefGraph *
hs_garbage_graph_dup_for_display (const HsGarbageGraph *graph)
{
  HsRefGraph *copy;

  g_return_val_if_fail (graph != NULL && graph->graph != NULL, NULL);

  copy = hs_ref_graph_copy (graph->graph);
  for (guint i = 0; i < copy->nodes->len; i++)
    {
      HsObjectRef *object = hs_ref_graph_node (copy, i)->object;
      /* Translators: said of an object in a garbage cycle */
      const char *mark = _("defines __del__");
      g_autofree char *text = NULL;

      if (!graph->has_del[i])
        continue;
      /* The mark stays on the node's second line, however long the text. */
      text = cut_to (object->text != NULL ? object->text : "",
                     HS_GRAPH_LABEL_CHARS - g_utf8_strlen (mark, -1) - 3);
      g_free (object->text);
      object->text = *text != '\0' ? g_strdup_printf ("%s · %s", text, mark) : g_strdup (mark);
    }
  return copy;
}
