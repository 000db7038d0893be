/* hs-session-graphs.c — the reference graphs of a session: asked for, pushed
 * by the script, laid out, kept in its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hs-graph-layout.h"
#include "hs-session-private.h"

JsonNode *
hs_session_graph_request (HsSession          *self,
                          const gint64       *handles,
                          guint               n_handles,
                          HsGraphDirection    direction,
                          int                 depth,
                          int                 too_many,
                          const char * const *hidden_types,
                          gboolean            path)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  g_return_val_if_fail (n_handles > 0, NULL);

  return hs_wire_graph_request (handles, n_handles, direction, depth, too_many, hidden_types,
                                HS_GRAPH_MAX_NODES, path, self->allow_repr);
}

guint
hs_session_get_n_graphs (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->graphs->len;
}

HsRefGraph *
hs_session_get_graph (HsSession *self,
                      guint      index)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  g_return_val_if_fail (index < self->graphs->len, NULL);
  return g_ptr_array_index (self->graphs, index);
}

/* Written in the worker thread: turning 10 000 nodes into text takes a
 * while, which the window must not wait for. */
static void
write_graph (HsSession  *self,
             guint       index,
             HsRefGraph *graph)
{
  if (self->worker == NULL || self->read_only)
    return;
  hs_worker_record_graph (self->worker, g_array_index (self->graph_ids, gint64, index), graph);
}

static guint
add_graph (HsSession  *self,
           HsRefGraph *graph,
           gint64      id)
{
  g_ptr_array_add (self->graphs, hs_ref_graph_ref (graph));
  g_array_append_val (self->graph_ids, id);
  return self->graphs->len - 1;
}

guint
hs_session_record_graph (HsSession  *self,
                         int         index,
                         HsRefGraph *graph)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  g_return_val_if_fail (graph != NULL, 0);

  if (index >= 0 && (guint) index < self->graphs->len)
    {
      HsRefGraph *old = g_ptr_array_index (self->graphs, index);

      g_ptr_array_index (self->graphs, index) = hs_ref_graph_ref (graph);
      hs_ref_graph_unref (old);
    }
  else
    {
      index = add_graph (self, graph, self->worker != NULL ? hs_worker_new_graph_id (self->worker) : 0);
      _hs_session_emit_graph_added (self, index, FALSE);
    }
  write_graph (self, index, graph);
  return index;
}

guint
hs_session_get_unreadable_graphs (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->unreadable_graphs;
}

/* The script called heapscope.refgraph (): the worker laid the graph out and
 * kept it in the file. */
void
_hs_session_add_pushed_graph (HsSession  *self,
                              HsRefGraph *graph,
                              gint64      id,
                              const char *problem)
{
  guint index = add_graph (self, graph, id);

  if (problem != NULL)
    _hs_session_notice (self, problem);
  _hs_session_emit_graph_added (self, index, TRUE);
}

/* Reopened: every graph the file keeps; a damaged one is left out and
 * counted (hs_session_get_unreadable_graphs), the others still show. */
void
_hs_session_load_graphs (HsSession  *self,
                         GPtrArray  *texts)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  for (guint i = 0; texts != NULL && i < texts->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      HsRefGraph *graph = NULL;

      if (!json_parser_load_from_data (parser, g_ptr_array_index (texts, i), -1, &local_error) ||
          !(graph = hs_ref_graph_new_from_json (json_parser_get_root (parser), &local_error)))
        {
          self->unreadable_graphs++;
          continue;
        }
      add_graph (self, graph, 0);
      hs_ref_graph_unref (graph);
    }
}
