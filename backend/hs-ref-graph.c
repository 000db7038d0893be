/* hs-ref-graph.c — a reference graph: nodes, named edges, layout
 *
 * Besides the model: the straight edge drawn between two boxes where there
 * is no spline, what is done to a graph as it is explored (cycles, connected
 * parts, expanding and collapsing nodes), the "graph" answer and the session
 * file's copy of a graph, both read by one reader, and DOT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-ref-graph.h"
#include "hs-wire-private.h"

/* A kept graph may hold, besides its objects, a "+K more" node per object
 * and direction, and the edges to them. */
#define MAX_KEPT_NODES      (3 * HS_GRAPH_MAX_NODES)
#define MAX_KEPT_EDGES      (HS_GRAPH_MAX_EDGES + 2 * HS_GRAPH_MAX_NODES)
#define MAX_EDGE_POINTS     30001
#define MAX_COORDINATE      1e7
#define KEPT_FORMAT         1
#define NODE_FLAGS          (HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH | \
                             HS_GRAPH_NODE_IN_CYCLE | HS_GRAPH_NODE_MORE)
#define EDGE_FLAGS          (HS_GRAPH_EDGE_ON_PATH | HS_GRAPH_EDGE_IN_CYCLE)

G_DEFINE_BOXED_TYPE (HsRefGraph, hs_ref_graph, hs_ref_graph_ref, hs_ref_graph_unref)

static void
clear_node (gpointer data)
{
  HsGraphNode *node = data;

  g_clear_pointer (&node->object, hs_object_ref_free);
}

static void
clear_edge (gpointer data)
{
  HsGraphEdge *edge = data;

  g_clear_pointer (&edge->name, g_free);
  g_clear_pointer (&edge->points, g_free);
}

HsRefGraph *
hs_ref_graph_new (void)
{
  HsRefGraph *self = g_new0 (HsRefGraph, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->nodes = g_array_new (FALSE, TRUE, sizeof (HsGraphNode));
  g_array_set_clear_func (self->nodes, clear_node);
  self->edges = g_array_new (FALSE, TRUE, sizeof (HsGraphEdge));
  g_array_set_clear_func (self->edges, clear_edge);
  self->direction = HS_GRAPH_REFERRERS;
  self->depth = HS_GRAPH_DEFAULT_DEPTH;
  self->too_many = HS_GRAPH_DEFAULT_TOO_MANY;
  return self;
}

HsRefGraph *
hs_ref_graph_ref (HsRefGraph *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hs_ref_graph_unref (HsRefGraph *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->nodes);
  g_array_unref (self->edges);
  g_free (self->label);
  g_strfreev (self->hidden_types);
  g_free (self->engine);
  g_free (self);
}

HsRefGraph *
hs_ref_graph_copy (const HsRefGraph *self)
{
  HsRefGraph *copy = hs_ref_graph_new ();

  copy->label = g_strdup (self->label);
  copy->direction = self->direction;
  copy->depth = self->depth;
  copy->too_many = self->too_many;
  copy->hidden_types = g_strdupv (self->hidden_types);
  copy->truncated = self->truncated;
  copy->split = self->split;
  copy->engine = g_strdup (self->engine);
  copy->width = self->width;
  copy->height = self->height;

  g_array_set_size (copy->nodes, self->nodes->len);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (copy, i);

      *node = *hs_ref_graph_node (self, i);
      node->object = hs_object_ref_copy (node->object);
    }
  g_array_set_size (copy->edges, self->edges->len);
  for (guint i = 0; i < self->edges->len; i++)
    {
      HsGraphEdge *edge = hs_ref_graph_edge (copy, i);

      *edge = *hs_ref_graph_edge (self, i);
      edge->name = g_strdup (edge->name);
      edge->points = g_memdup2 (edge->points, sizeof (double) * 2 * edge->n_points);
    }
  return copy;
}

guint
hs_ref_graph_add_node (HsRefGraph  *self,
                       HsObjectRef *object,
                       gint64       deep,
                       guint        flags)
{
  HsGraphNode node = { 0 };

  node.object = object;
  node.deep = deep;
  node.flags = flags;
  node.cluster = -1;
  g_array_append_val (self->nodes, node);
  return self->nodes->len - 1;
}

guint
hs_ref_graph_add_edge (HsRefGraph *self,
                       guint       from,
                       guint       to,
                       HsEdgeKind  kind,
                       const char *name,
                       gint64      index)
{
  HsGraphEdge edge = { 0 };

  g_return_val_if_fail (from < self->nodes->len && to < self->nodes->len, 0);
  edge.from = from;
  edge.to = to;
  edge.kind = kind;
  edge.name = g_strdup (name);
  edge.index = index;
  g_array_append_val (self->edges, edge);
  return self->edges->len - 1;
}

int
hs_ref_graph_find_handle (const HsRefGraph *self,
                          gint64            handle)
{
  if (handle <= 0)
    return -1;
  for (guint i = 0; i < self->nodes->len; i++)
    if (hs_ref_graph_node (self, i)->object->handle == handle)
      return (int) i;
  return -1;
}

char *
hs_graph_edge_describe (const HsGraphEdge *edge)
{
  return hs_edge_describe (edge->kind, edge->name, edge->index);
}

const char *
hs_graph_direction_to_string (HsGraphDirection direction)
{
  switch (direction)
    {
    case HS_GRAPH_REFERENTS:
      return "referents";
    case HS_GRAPH_BOTH:
      return "both";
    case HS_GRAPH_REFERRERS:
    default:
      return "referrers";
    }
}

gboolean
hs_graph_direction_from_string (const char       *text,
                                HsGraphDirection *direction)
{
  static const HsGraphDirection directions[] = { HS_GRAPH_REFERRERS, HS_GRAPH_REFERENTS, HS_GRAPH_BOTH };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (directions); i++)
    if (g_str_equal (text, hs_graph_direction_to_string (directions[i])))
      {
        *direction = directions[i];
        return TRUE;
      }
  return FALSE;
}

/* @text as one line of at most @max_chars characters: valid UTF-8, control
 * characters as spaces, cut with "…". */
static char *
one_line (const char *text,
          guint       max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *line = g_string_sized_new (strlen (valid));
  guint n_chars = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n_chars == max_chars)
        {
          /* Cut one back to make room for the ellipsis. */
          const char *last = g_utf8_offset_to_pointer (line->str, max_chars - 1);

          g_string_truncate (line, last - line->str);
          g_string_append (line, "…");
          break;
        }
      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (line, ' ');
      else
        g_string_append_unichar (line, c);
      n_chars++;
    }
  return g_string_free (line, FALSE);
}

char *
hs_graph_node_label_line (const HsGraphNode *node,
                          guint              line)
{
  const char *text = NULL;

  g_return_val_if_fail (node != NULL && node->object != NULL, NULL);

  if (node->flags & HS_GRAPH_NODE_MORE)
    text = line == 0 ? node->object->text : NULL;
  else if (line == 0)
    text = node->object->type_name;
  else if (line == 1)
    text = node->object->text;
  return text != NULL ? one_line (text, HS_GRAPH_LABEL_CHARS) : NULL;
}

/* Where the line from @node's centre towards (@toward_x, @toward_y) leaves
 * its box; that point itself when it lies inside the box. */
static void
border_point (const HsGraphNode *node,
              double             toward_x,
              double             toward_y,
              double            *x,
              double            *y)
{
  double dx, dy, length, t;

  g_return_if_fail (node != NULL && x != NULL && y != NULL);

  dx = toward_x - node->x;
  dy = toward_y - node->y;
  t = length = hypot (dx, dy);
  if (length < 1e-9)
    {
      *x = node->x;
      *y = node->y;
      return;
    }
  dx /= length;
  dy /= length;
  if (fabs (dx) > 1e-9)
    t = MIN (t, node->width / 2 / fabs (dx));
  if (fabs (dy) > 1e-9)
    t = MIN (t, node->height / 2 / fabs (dy));
  *x = node->x + t * dx;
  *y = node->y + t * dy;
}

static void
set_point (double *points,
           guint   index,
           double  x,
           double  y)
{
  points[2 * index] = x;
  points[2 * index + 1] = y;
}

void
hs_graph_route_straight (const HsGraphNode *from,
                         const HsGraphNode *to,
                         double             points[8],
                         double            *arrow_x,
                         double            *arrow_y,
                         double            *label_x,
                         double            *label_y)
{
  double x0, y0, tip_x, tip_y, x3, y3, dx, dy, length;

  g_return_if_fail (from != NULL && to != NULL && points != NULL);
  g_return_if_fail (arrow_x != NULL && arrow_y != NULL && label_x != NULL && label_y != NULL);

  if (from == to)
    {
      double right = from->x + from->width / 2;
      double top = from->y - from->height / 4;
      double bottom = from->y + from->height / 4;

      set_point (points, 0, right, top);
      set_point (points, 1, right + 36, top - 18);
      set_point (points, 2, right + 36, bottom + 18);
      set_point (points, 3, right + HS_GRAPH_ARROW_LENGTH * 0.8, bottom + HS_GRAPH_ARROW_LENGTH * 0.6);
      *arrow_x = right;
      *arrow_y = bottom;
      *label_x = right + 40;
      *label_y = from->y;
      return;
    }

  /* The unit vector from centre to centre (any, for one centre: its border
   * points are the centre, too close for an arrow). */
  length = hypot (to->x - from->x, to->y - from->y);
  dx = length > 0 ? (to->x - from->x) / length : 0;
  dy = length > 0 ? (to->y - from->y) / length : 1;
  border_point (from, to->x, to->y, &x0, &y0);
  border_point (to, from->x, from->y, &tip_x, &tip_y);
  if (hypot (tip_x - x0, tip_y - y0) > HS_GRAPH_ARROW_LENGTH + 1 && (tip_x - x0) * dx + (tip_y - y0) * dy > 0)
    {
      x3 = tip_x - HS_GRAPH_ARROW_LENGTH * dx;
      y3 = tip_y - HS_GRAPH_ARROW_LENGTH * dy;
    }
  else
    {
      /* Boxes touching or overlapping: centre to centre. */
      x0 = from->x;
      y0 = from->y;
      tip_x = x3 = to->x;
      tip_y = y3 = to->y;
    }
  set_point (points, 0, x0, y0);
  set_point (points, 1, x0 + (x3 - x0) / 3, y0 + (y3 - y0) / 3);
  set_point (points, 2, x0 + 2 * (x3 - x0) / 3, y0 + 2 * (y3 - y0) / 3);
  set_point (points, 3, x3, y3);
  *arrow_x = tip_x;
  *arrow_y = tip_y;
  *label_x = (x0 + tip_x) / 2;
  *label_y = (y0 + tip_y) / 2;
}

/* A set of [from, to] pairs, each with a value (an edge index): open
 * addressing, as a graph may have 200 000 edges. */
typedef struct
{
  guint64 *keys;
  guint   *values;
  gsize    mask;
} PairMap;

#define PAIR_EMPTY G_MAXUINT64

static void
pair_map_init (PairMap *map,
               gsize    n_pairs)
{
  gsize size = 16;

  while (size < 2 * n_pairs + 2)
    size <<= 1;
  map->keys = g_new (guint64, size);
  map->values = g_new (guint, size);
  map->mask = size - 1;
  for (gsize i = 0; i < size; i++)
    map->keys[i] = PAIR_EMPTY;
}

static void
pair_map_clear (PairMap *map)
{
  g_clear_pointer (&map->keys, g_free);
  g_clear_pointer (&map->values, g_free);
}

static gsize
pair_map_slot (const PairMap *map,
               guint64        key)
{
  gsize slot = (gsize) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 20) & map->mask;

  while (map->keys[slot] != PAIR_EMPTY && map->keys[slot] != key)
    slot = (slot + 1) & map->mask;
  return slot;
}

/* Adds [from, to] with @value; FALSE if it was there (its value is kept). */
static gboolean
pair_map_add (PairMap *map,
              guint    from,
              guint    to,
              guint    value)
{
  guint64 key = ((guint64) from << 32) | to;
  gsize slot = pair_map_slot (map, key);

  if (map->keys[slot] == key)
    return FALSE;
  map->keys[slot] = key;
  map->values[slot] = value;
  return TRUE;
}

/* The value of [from, to], or G_MAXUINT. */
static guint
pair_map_lookup (const PairMap *map,
                 guint          from,
                 guint          to)
{
  guint64 key = ((guint64) from << 32) | to;
  gsize slot = pair_map_slot (map, key);

  return map->keys[slot] == key ? map->values[slot] : G_MAXUINT;
}

/* Removes the nodes marked in @remove, the "+K more" nodes of those, and
 * their edges; renumbers what is left. */
static void
remove_nodes (HsRefGraph *self,
              gboolean   *remove)
{
  g_autofree guint *new_index = g_new (guint, self->nodes->len);
  guint kept = 0;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (self, i);

      if ((node->flags & HS_GRAPH_NODE_MORE) && node->more_of < self->nodes->len && remove[node->more_of])
        remove[i] = TRUE;
    }
  for (guint i = 0; i < self->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (self, i);

      if (remove[i])
        {
          clear_node (node);
          new_index[i] = G_MAXUINT;
          continue;
        }
      new_index[i] = kept;
      if (kept != i)
        *hs_ref_graph_node (self, kept) = *node;
      kept++;
    }
  /* The tail holds moved nodes: emptied, so dropping it frees nothing twice. */
  memset (self->nodes->data + kept * sizeof (HsGraphNode), 0, (self->nodes->len - kept) * sizeof (HsGraphNode));
  g_array_set_size (self->nodes, kept);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (self, i);

      if (node->flags & HS_GRAPH_NODE_MORE)
        node->more_of = new_index[node->more_of];
    }

  kept = 0;
  for (guint i = 0; i < self->edges->len; i++)
    {
      HsGraphEdge *edge = hs_ref_graph_edge (self, i);

      if (new_index[edge->from] == G_MAXUINT || new_index[edge->to] == G_MAXUINT)
        {
          clear_edge (edge);
          continue;
        }
      edge->from = new_index[edge->from];
      edge->to = new_index[edge->to];
      if (kept != i)
        *hs_ref_graph_edge (self, kept) = *edge;
      kept++;
    }
  memset (self->edges->data + kept * sizeof (HsGraphEdge), 0, (self->edges->len - kept) * sizeof (HsGraphEdge));
  g_array_set_size (self->edges, kept);
}

/* Edges out of each node, as compressed rows: node i's are
 * targets[starts[i]] … targets[starts[i + 1] - 1]. */
typedef struct
{
  guint *starts;
  guint *targets;
} Adjacency;

static void
adjacency_init (Adjacency        *adjacency,
                const HsRefGraph *self)
{
  guint n = self->nodes->len;
  g_autofree guint *fill = g_new0 (guint, n + 1);

  adjacency->starts = g_new0 (guint, n + 1);
  adjacency->targets = g_new (guint, MAX (self->edges->len, 1));
  for (guint i = 0; i < self->edges->len; i++)
    adjacency->starts[hs_ref_graph_edge (self, i)->from + 1]++;
  for (guint i = 0; i < n; i++)
    adjacency->starts[i + 1] += adjacency->starts[i];
  memcpy (fill, adjacency->starts, sizeof (guint) * (n + 1));
  for (guint i = 0; i < self->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (self, i);

      adjacency->targets[fill[edge->from]++] = edge->to;
    }
}

static void
adjacency_clear (Adjacency *adjacency)
{
  g_clear_pointer (&adjacency->starts, g_free);
  g_clear_pointer (&adjacency->targets, g_free);
}

/* Tarjan's strongly connected components, without recursion (a chain of
 * 20 000 objects would overflow a thread's stack). Fills @component with
 * each node's component and @size with each component's node count. */
static void
strong_components (const HsRefGraph *self,
                   guint            *component,
                   guint            *size)
{
  guint n = self->nodes->len;
  Adjacency adjacency;
  g_autofree guint *order = g_new (guint, n);    /* visit number, G_MAXUINT: not yet */
  g_autofree guint *low = g_new (guint, n);
  g_autofree gboolean *on_stack = g_new0 (gboolean, n);
  g_autofree guint *stack = g_new (guint, n);
  g_autofree guint *call_node = g_new (guint, n);
  g_autofree guint *call_next = g_new (guint, n);
  guint stack_len = 0;
  guint counter = 0;
  guint n_components = 0;

  adjacency_init (&adjacency, self);
  for (guint i = 0; i < n; i++)
    order[i] = G_MAXUINT;

  for (guint start = 0; start < n; start++)
    {
      guint depth = 0;

      if (order[start] != G_MAXUINT)
        continue;
      order[start] = low[start] = counter++;
      stack[stack_len++] = start;
      on_stack[start] = TRUE;
      call_node[0] = start;
      call_next[0] = adjacency.starts[start];
      depth = 1;

      while (depth > 0)
        {
          guint v = call_node[depth - 1];

          if (call_next[depth - 1] < adjacency.starts[v + 1])
            {
              guint w = adjacency.targets[call_next[depth - 1]++];

              if (order[w] == G_MAXUINT)
                {
                  order[w] = low[w] = counter++;
                  stack[stack_len++] = w;
                  on_stack[w] = TRUE;
                  call_node[depth] = w;
                  call_next[depth] = adjacency.starts[w];
                  depth++;
                }
              else if (on_stack[w])
                low[v] = MIN (low[v], order[w]);
              continue;
            }

          depth--;
          if (depth > 0)
            {
              guint parent = call_node[depth - 1];

              low[parent] = MIN (low[parent], low[v]);
            }
          if (low[v] == order[v])
            {
              guint w;

              size[n_components] = 0;
              do
                {
                  w = stack[--stack_len];
                  on_stack[w] = FALSE;
                  component[w] = n_components;
                  size[n_components]++;
                }
              while (w != v);
              n_components++;
            }
        }
    }
  adjacency_clear (&adjacency);
}

guint
hs_ref_graph_mark_cycles (HsRefGraph *self)
{
  guint n = self->nodes->len;
  g_autofree guint *component = g_new (guint, MAX (n, 1));
  g_autofree guint *size = g_new (guint, MAX (n, 1));
  g_autofree gboolean *self_loop = g_new0 (gboolean, MAX (n, 1));
  guint n_in_cycle = 0;

  g_return_val_if_fail (self != NULL, 0);

  strong_components (self, component, size);
  for (guint i = 0; i < self->edges->len; i++)
    {
      HsGraphEdge *edge = hs_ref_graph_edge (self, i);

      if (edge->from == edge->to)
        self_loop[edge->from] = TRUE;
      if (component[edge->from] == component[edge->to] &&
          (edge->from == edge->to || size[component[edge->from]] > 1))
        edge->flags |= HS_GRAPH_EDGE_IN_CYCLE;
      else
        edge->flags &= ~HS_GRAPH_EDGE_IN_CYCLE;
    }
  for (guint i = 0; i < n; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (self, i);

      if (size[component[i]] > 1 || self_loop[i])
        {
          node->flags |= HS_GRAPH_NODE_IN_CYCLE;
          n_in_cycle++;
        }
      else
        node->flags &= ~HS_GRAPH_NODE_IN_CYCLE;
    }
  return n_in_cycle;
}

/* Forgets where a new graph's nodes and edges were drawn. */
static void
clear_layout (HsRefGraph *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (self, i);

      node->x = node->y = node->width = node->height = 0;
      node->placed = FALSE;
      node->cluster = -1;
    }
  for (guint i = 0; i < self->edges->len; i++)
    {
      HsGraphEdge *edge = hs_ref_graph_edge (self, i);

      g_clear_pointer (&edge->points, g_free);
      edge->n_points = 0;
      edge->has_arrow = FALSE;
      edge->arrow_x = edge->arrow_y = edge->label_x = edge->label_y = 0;
    }
  g_clear_pointer (&self->engine, g_free);
  self->width = self->height = 0;
  self->split = FALSE;
}

HsRefGraph *
hs_ref_graph_cycles_only (const HsRefGraph *self)
{
  HsRefGraph *cycles;
  g_autofree gboolean *remove = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  cycles = hs_ref_graph_copy (self);
  hs_ref_graph_mark_cycles (cycles);
  remove = g_new0 (gboolean, MAX (cycles->nodes->len, 1));
  for (guint i = 0; i < cycles->nodes->len; i++)
    remove[i] = !(hs_ref_graph_node (cycles, i)->flags & HS_GRAPH_NODE_IN_CYCLE);
  remove_nodes (cycles, remove);
  clear_layout (cycles);
  return cycles;
}

static guint
find_root (guint *parent,
           guint  i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

/* Weakly connected parts, skipping the edges @skip marks (may be NULL):
 * @part gets each node's part, numbered from 0 in the order of their first
 * node. Returns how many parts there are. */
static guint
weak_components (const HsRefGraph *self,
                 const gboolean   *skip,
                 int              *part)
{
  guint n = self->nodes->len;
  g_autofree guint *parent = g_new (guint, MAX (n, 1));
  g_autofree int *number = g_new (int, MAX (n, 1));
  guint n_parts = 0;

  for (guint i = 0; i < n; i++)
    {
      parent[i] = i;
      number[i] = -1;
    }
  for (guint i = 0; i < self->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (self, i);
      guint a, b;

      if (skip != NULL && skip[i])
        continue;
      a = find_root (parent, edge->from);
      b = find_root (parent, edge->to);
      if (a != b)
        parent[MAX (a, b)] = MIN (a, b);
    }
  for (guint i = 0; i < n; i++)
    {
      guint root = find_root (parent, i);

      if (number[root] < 0)
        number[root] = n_parts++;
      part[i] = number[root];
    }
  return n_parts;
}

guint
hs_ref_graph_split (HsRefGraph *self)
{
  g_autofree int *part = NULL;
  guint n_parts;

  g_return_val_if_fail (self != NULL, 0);

  part = g_new (int, MAX (self->nodes->len, 1));
  n_parts = weak_components (self, NULL, part);
  for (guint i = 0; i < self->nodes->len; i++)
    hs_ref_graph_node (self, i)->cluster = part[i];
  self->split = TRUE;
  return n_parts;
}

/* The "+K more" node of @owner in @direction, or -1. */
static int
find_more_node (const HsRefGraph *self,
                guint             owner,
                HsGraphDirection  direction)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (self, i);

      if ((node->flags & HS_GRAPH_NODE_MORE) && node->more_of == owner && node->more_direction == direction)
        return (int) i;
    }
  return -1;
}

static HsObjectRef *
more_object (gint64 count)
{
  HsObjectRef *object = hs_object_ref_new ();
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, count);

  object->type_name = g_strdup ("");
  /* The count is made first: xgettext cannot read a format macro. */
  object->text = g_strdup_printf (_("+%s more"), number);
  return object;
}

/* Adds a "+K more" node for @owner and its edge; returns its index. */
static guint
add_more_node (HsRefGraph       *self,
               guint             owner,
               HsGraphDirection  direction,
               gint64            count)
{
  guint index = hs_ref_graph_add_node (self, more_object (count), -1, HS_GRAPH_NODE_MORE);
  HsGraphNode *node = hs_ref_graph_node (self, index);

  node->more = count;
  node->more_of = owner;
  node->more_direction = direction;
  if (direction == HS_GRAPH_REFERRERS)
    hs_ref_graph_add_edge (self, index, owner, HS_EDGE_NONE, NULL, 0);
  else
    hs_ref_graph_add_edge (self, owner, index, HS_EDGE_NONE, NULL, 0);
  return index;
}

static guint
count_objects (const HsRefGraph *self)
{
  guint n = 0;

  for (guint i = 0; i < self->nodes->len; i++)
    if (!(hs_ref_graph_node (self, i)->flags & HS_GRAPH_NODE_MORE))
      n++;
  return n;
}

guint
hs_ref_graph_merge (HsRefGraph       *self,
                    const HsRefGraph *more,
                    guint             expanded_node,
                    HsGraphDirection  direction)
{
  g_autoptr(GHashTable) by_handle = NULL;
  g_autofree guint *map = NULL;
  g_autofree gboolean *remove = NULL;
  PairMap pairs;
  guint n_objects;
  guint n_before;
  guint n_removed = 0;

  g_return_val_if_fail (self != NULL && more != NULL, 0);
  g_return_val_if_fail (expanded_node < self->nodes->len, 0);
  g_return_val_if_fail (direction != 0 && (direction & ~HS_GRAPH_BOTH) == 0, 0);

  n_before = self->nodes->len;
  n_objects = count_objects (self);
  by_handle = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      HsObjectRef *object = hs_ref_graph_node (self, i)->object;

      if (object->handle > 0)
        g_hash_table_insert (by_handle, &object->handle, GUINT_TO_POINTER (i + 1));
    }

  /* The objects, matched by handle; the edges are numbered by the arrays'
   * own order, which adding keeps. */
  map = g_new (guint, MAX (more->nodes->len, 1));
  for (guint j = 0; j < more->nodes->len; j++)
    {
      const HsGraphNode *found = hs_ref_graph_node (more, j);
      gpointer known = NULL;
      guint index;

      map[j] = G_MAXUINT;
      if (found->flags & HS_GRAPH_NODE_MORE)
        continue;
      if (found->object->handle > 0)
        known = g_hash_table_lookup (by_handle, &found->object->handle);
      if (known != NULL)
        {
          HsGraphNode *node = hs_ref_graph_node (self, GPOINTER_TO_UINT (known) - 1);

          node->explored |= found->explored;
          if (node->deep < 0)
            node->deep = found->deep;
          map[j] = GPOINTER_TO_UINT (known) - 1;
          continue;
        }
      if (n_objects >= HS_GRAPH_MAX_NODES)
        {
          self->truncated = TRUE;
          continue;
        }
      index = hs_ref_graph_add_node (self, hs_object_ref_copy (found->object), found->deep,
                                     found->flags & ~(HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_IN_CYCLE));
      hs_ref_graph_node (self, index)->explored = found->explored;
      if (found->object->handle > 0)
        g_hash_table_insert (by_handle, &hs_ref_graph_node (self, index)->object->handle,
                             GUINT_TO_POINTER (index + 1));
      map[j] = index;
      n_objects++;
    }

  /* "+K more": the expansion's count replaces the one shown before. */
  for (guint j = 0; j < more->nodes->len; j++)
    {
      const HsGraphNode *found = hs_ref_graph_node (more, j);
      int known;

      if (!(found->flags & HS_GRAPH_NODE_MORE) || found->more_of >= more->nodes->len ||
          map[found->more_of] == G_MAXUINT)
        continue;
      known = find_more_node (self, map[found->more_of], found->more_direction);
      if (known >= 0)
        {
          HsGraphNode *node = hs_ref_graph_node (self, known);

          node->more = found->more;
          g_free (node->object->text);
          node->object->text = g_strdup (found->object->text);
          map[j] = known;
        }
      else
        map[j] = add_more_node (self, map[found->more_of], found->more_direction, found->more);
    }

  pair_map_init (&pairs, self->edges->len + more->edges->len);
  for (guint i = 0; i < self->edges->len; i++)
    pair_map_add (&pairs, hs_ref_graph_edge (self, i)->from, hs_ref_graph_edge (self, i)->to, i);
  for (guint i = 0; i < more->edges->len; i++)
    {
      const HsGraphEdge *found = hs_ref_graph_edge (more, i);
      guint from = map[found->from];
      guint to = map[found->to];

      if (from == G_MAXUINT || to == G_MAXUINT || !pair_map_add (&pairs, from, to, self->edges->len))
        continue;
      if (self->edges->len >= MAX_KEPT_EDGES)
        {
          self->truncated = TRUE;
          break;
        }
      hs_ref_graph_add_edge (self, from, to, found->kind, found->name, found->index);
      hs_ref_graph_edge (self, self->edges->len - 1)->flags = found->flags & ~HS_GRAPH_EDGE_IN_CYCLE;
    }
  pair_map_clear (&pairs);

  /* The expanded node's old "+K more" nodes that the expansion did not renew. */
  remove = g_new0 (gboolean, self->nodes->len);
  for (guint i = 0; i < n_before; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (self, i);
      gboolean renewed = FALSE;

      if (!(node->flags & HS_GRAPH_NODE_MORE) || node->more_of != expanded_node ||
          !(node->more_direction & direction))
        continue;
      for (guint j = 0; j < more->nodes->len && !renewed; j++)
        renewed = map[j] == i;
      if (!renewed)
        {
          remove[i] = TRUE;
          n_removed++;
        }
    }
  hs_ref_graph_node (self, expanded_node)->explored |= direction;
  if (n_removed > 0)
    remove_nodes (self, remove);

  hs_ref_graph_mark_cycles (self);
  if (self->split)
    hs_ref_graph_split (self);
  return self->nodes->len + n_removed - n_before;
}

guint
hs_ref_graph_collapse (HsRefGraph       *self,
                       guint             node,
                       HsGraphDirection  direction)
{
  guint n;
  g_autofree gboolean *cut = NULL;
  g_autofree int *part = NULL;
  g_autofree gboolean *anchored = NULL;
  g_autofree gboolean *hanging = NULL;
  g_autofree gboolean *remove = NULL;
  guint n_parts;
  guint n_removed = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (node < self->nodes->len, 0);

  n = self->nodes->len;
  cut = g_new0 (gboolean, MAX (self->edges->len, 1));
  for (guint i = 0; i < self->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (self, i);

      if (edge->from == edge->to)
        continue;
      cut[i] = ((direction & HS_GRAPH_REFERRERS) && edge->to == node) ||
               ((direction & HS_GRAPH_REFERENTS) && edge->from == node);
    }

  /* What is still joined to the node, an asked node or the path stays. */
  part = g_new (int, MAX (n, 1));
  n_parts = weak_components (self, cut, part);
  anchored = g_new0 (gboolean, MAX (n_parts, 1));
  hanging = g_new0 (gboolean, MAX (n_parts, 1));
  anchored[part[node]] = TRUE;
  for (guint i = 0; i < n; i++)
    if (hs_ref_graph_node (self, i)->flags & (HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH))
      anchored[part[i]] = TRUE;
  for (guint i = 0; i < self->edges->len; i++)
    if (cut[i])
      {
        const HsGraphEdge *edge = hs_ref_graph_edge (self, i);

        hanging[part[edge->from == node ? edge->to : edge->from]] = TRUE;
      }

  remove = g_new0 (gboolean, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    if (hanging[part[i]] && !anchored[part[i]])
      {
        remove[i] = TRUE;
        n_removed++;
      }
  hs_ref_graph_node (self, node)->explored &= ~direction;
  remove_nodes (self, remove);
  hs_ref_graph_mark_cycles (self);
  if (self->split)
    hs_ref_graph_split (self);
  return n_removed;
}

/* DOT */

char *
hs_graph_escape_label (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid) + 8);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '&':
          g_string_append (out, "&amp;");
          break;
        default:
          if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029 || c == 0xfffe || c == 0xffff)
            g_string_append_c (out, ' ');
          else
            g_string_append_unichar (out, c);
        }
    }
  return g_string_free (out, FALSE);
}

/* @text as a quoted DOT string. */
static void
append_dot_string (GString    *out,
                   const char *text)
{
  g_autofree char *escaped = hs_graph_escape_label (text);

  g_string_append_c (out, '"');
  g_string_append (out, escaped);
  g_string_append_c (out, '"');
}

static char *
node_sizes (const HsGraphNode *node)
{
  g_autofree char *flat = g_format_size (node->object->flat);
  g_autofree char *deep = NULL;

  if (node->deep < 0)
    return g_steal_pointer (&flat);
  deep = g_format_size (node->deep);
  return g_strdup_printf (_("%s, deep %s"), flat, deep);
}

static void
append_dot_node (GString          *out,
                 const HsRefGraph *self,
                 guint             index,
                 const char       *indent)
{
  const HsGraphNode *node = hs_ref_graph_node (self, index);
  g_autoptr(GString) label = g_string_new (NULL);

  for (guint line = 0; line < 2; line++)
    {
      g_autofree char *text = hs_graph_node_label_line (node, line);

      if (text != NULL)
        g_string_append_printf (label, "%s%s", line > 0 ? "\n" : "", text);
    }
  if (!(node->flags & HS_GRAPH_NODE_MORE))
    {
      g_autofree char *sizes = node_sizes (node);

      g_string_append_printf (label, "\n%s", sizes);
    }

  g_string_append_printf (out, "%sn%u [label=", indent, index);
  append_dot_string (out, label->str);
  if (node->flags & HS_GRAPH_NODE_MORE)
    g_string_append (out, ", shape=plaintext");
  else if (node->object->root != HS_ROOT_NONE)
    g_string_append (out, ", shape=box");
  if (node->flags & HS_GRAPH_NODE_ASKED)
    g_string_append (out, ", peripheries=2");
  if (node->flags & HS_GRAPH_NODE_ON_PATH)
    g_string_append (out, ", penwidth=2");
  if (node->flags & HS_GRAPH_NODE_IN_CYCLE)
    g_string_append (out, ", color=red");
  g_string_append (out, "];\n");
}

char *
hs_ref_graph_to_dot (const HsRefGraph *self)
{
  GString *out = g_string_new ("digraph heapscope {\n");
  guint n_clusters = 0;

  g_return_val_if_fail (self != NULL, NULL);

  g_string_append (out, "  graph [fontname=\"Sans\", fontsize=12, labelloc=t");
  if (self->label != NULL)
    {
      g_string_append (out, ", label=");
      append_dot_string (out, self->label);
    }
  g_string_append (out, "];\n"
                        "  node [shape=ellipse, fontname=\"Sans\", fontsize=10];\n"
                        "  edge [fontname=\"Sans\", fontsize=9];\n");

  for (guint i = 0; self->split && i < self->nodes->len; i++)
    n_clusters = MAX (n_clusters, (guint) (hs_ref_graph_node (self, i)->cluster + 1));
  if (n_clusters > 0)
    {
      /* The nodes by part, in one pass: counting sort. */
      g_autofree guint *starts = g_new0 (guint, n_clusters + 1);
      g_autofree guint *fill = NULL;
      g_autofree guint *members = g_new (guint, self->nodes->len);

      for (guint i = 0; i < self->nodes->len; i++)
        if (hs_ref_graph_node (self, i)->cluster >= 0)
          starts[hs_ref_graph_node (self, i)->cluster + 1]++;
      for (guint c = 0; c < n_clusters; c++)
        starts[c + 1] += starts[c];
      fill = g_memdup2 (starts, sizeof (guint) * (n_clusters + 1));
      for (guint i = 0; i < self->nodes->len; i++)
        if (hs_ref_graph_node (self, i)->cluster >= 0)
          members[fill[hs_ref_graph_node (self, i)->cluster]++] = i;
      for (guint c = 0; c < n_clusters; c++)
        {
          if (starts[c] == starts[c + 1])
            continue;
          g_string_append_printf (out, "  subgraph cluster_%u {\n", c);
          for (guint k = starts[c]; k < starts[c + 1]; k++)
            append_dot_node (out, self, members[k], "    ");
          g_string_append (out, "  }\n");
        }
    }
  for (guint i = 0; i < self->nodes->len; i++)
    if (n_clusters == 0 || hs_ref_graph_node (self, i)->cluster < 0)
      append_dot_node (out, self, i, "  ");

  for (guint i = 0; i < self->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (self, i);
      g_autofree char *description = hs_graph_edge_describe (edge);
      const char *separator = "";

      g_string_append_printf (out, "  n%u -> n%u [", edge->from, edge->to);
      if (description != NULL)
        {
          g_string_append (out, "label=");
          append_dot_string (out, description);
          separator = ", ";
        }
      if (edge->kind == HS_EDGE_NONE)
        {
          g_string_append_printf (out, "%sstyle=dashed", separator);
          separator = ", ";
        }
      if (edge->flags & HS_GRAPH_EDGE_ON_PATH)
        {
          g_string_append_printf (out, "%sstyle=bold", separator);
          separator = ", ";
        }
      if (edge->flags & HS_GRAPH_EDGE_IN_CYCLE)
        g_string_append_printf (out, "%scolor=red", separator);
      g_string_append (out, "];\n");
    }
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

/* JSON: the "graph" answer, and the session file's copy */

/* JSON has no NaN or infinity: a layout number that is not finite is kept as 0. */
static double
finite_or_zero (double value)
{
  return isfinite (value) ? value : 0;
}

static void
add_number_pair (JsonBuilder *builder,
                 double       x,
                 double       y)
{
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, finite_or_zero (x));
  json_builder_add_double_value (builder, finite_or_zero (y));
  json_builder_end_array (builder);
}

JsonNode *
hs_ref_graph_to_json (const HsRefGraph *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  hs_wire_add_int_member (builder, "format", KEPT_FORMAT);
  hs_wire_add_string_member (builder, "label", self->label);
  hs_wire_add_string_member (builder, "direction", hs_graph_direction_to_string (self->direction));
  hs_wire_add_int_member (builder, "depth", self->depth);
  hs_wire_add_int_member (builder, "too_many", self->too_many);
  json_builder_set_member_name (builder, "hide");
  json_builder_begin_array (builder);
  for (guint i = 0; self->hidden_types != NULL && self->hidden_types[i] != NULL; i++)
    json_builder_add_string_value (builder, self->hidden_types[i]);
  json_builder_end_array (builder);
  hs_wire_add_boolean_member (builder, "truncated", self->truncated);
  hs_wire_add_boolean_member (builder, "split", self->split);
  hs_wire_add_string_member (builder, "engine", self->engine);
  hs_wire_add_double_member (builder, "width", finite_or_zero (self->width));
  hs_wire_add_double_member (builder, "height", finite_or_zero (self->height));

  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (self, i);

      json_builder_begin_object (builder);
      hs_wire_add_object_ref (builder, node->object);
      hs_wire_add_optional_int_member (builder, "deep", node->deep);
      hs_wire_add_int_member (builder, "flags", node->flags);
      hs_wire_add_int_member (builder, "explored", node->explored);
      if (node->flags & HS_GRAPH_NODE_MORE)
        {
          hs_wire_add_int_member (builder, "more", node->more);
          hs_wire_add_int_member (builder, "more_of", node->more_of);
          hs_wire_add_string_member (builder, "more_direction", hs_graph_direction_to_string (node->more_direction));
        }
      hs_wire_add_int_member (builder, "cluster", node->cluster);
      hs_wire_add_double_member (builder, "x", finite_or_zero (node->x));
      hs_wire_add_double_member (builder, "y", finite_or_zero (node->y));
      hs_wire_add_double_member (builder, "width", finite_or_zero (node->width));
      hs_wire_add_double_member (builder, "height", finite_or_zero (node->height));
      hs_wire_add_boolean_member (builder, "placed", node->placed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "edges");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (self, i);

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, edge->from);
      json_builder_add_int_value (builder, edge->to);
      if (edge->kind != HS_EDGE_NONE)
        hs_wire_add_edge (builder, edge->kind, edge->name, edge->index);
      else
        json_builder_add_null_value (builder);
      json_builder_begin_object (builder);
      hs_wire_add_int_member (builder, "flags", edge->flags);
      json_builder_set_member_name (builder, "points");
      json_builder_begin_array (builder);
      for (guint p = 0; p < 2 * edge->n_points; p++)
        json_builder_add_double_value (builder, finite_or_zero (edge->points[p]));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "arrow");
      if (edge->has_arrow)
        add_number_pair (builder, edge->arrow_x, edge->arrow_y);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "label");
      add_number_pair (builder, edge->label_x, edge->label_y);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A layout coordinate: a finite number within ±MAX_COORDINATE, at least
 * @minimum. */
static gboolean
read_coordinate_node (JsonNode    *node,
                      const char  *member,
                      double       minimum,
                      double      *value,
                      GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return hs_wire_invalid (error, member, "is not a number");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return hs_wire_invalid (error, member, "is not a number");
  if (!(*value >= minimum && *value <= MAX_COORDINATE))
    return hs_wire_invalid (error, member, "is out of range");
  return TRUE;
}

static gboolean
read_coordinate (JsonObject  *object,
                 const char  *member,
                 double       minimum,
                 double      *value,
                 GError     **error)
{
  return read_coordinate_node (json_object_get_member (object, member), member, minimum, value, error);
}

static gboolean
read_point (JsonNode    *node,
            const char  *member,
            double      *x,
            double      *y,
            GError     **error)
{
  JsonArray *pair;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (pair = json_node_get_array (node)) != 2)
    return hs_wire_invalid (error, member, "is not a point [x, y]");
  return read_coordinate_node (json_array_get_element (pair, 0), member, -MAX_COORDINATE, x, error) &&
         read_coordinate_node (json_array_get_element (pair, 1), member, -MAX_COORDINATE, y, error);
}

/* An integer member that may be left out (@fallback). */
static gboolean
read_optional_integer (JsonObject  *object,
                       const char  *member,
                       gint64       minimum,
                       gint64       maximum,
                       gint64       fallback,
                       gint64      *value,
                       GError     **error)
{
  if (!json_object_has_member (object, member))
    {
      *value = fallback;
      return TRUE;
    }
  if (!hs_wire_read_integer (object, member, minimum, value, error))
    return FALSE;
  if (*value > maximum)
    return hs_wire_invalid (error, member, "is out of range");
  return TRUE;
}

static gboolean
read_direction (JsonObject       *object,
                const char       *member,
                HsGraphDirection *direction,
                GError          **error)
{
  g_autofree char *text = NULL;

  if (!hs_wire_read_string (object, member, FALSE, &text, error))
    return FALSE;
  if (!hs_graph_direction_from_string (text, direction))
    return hs_wire_invalid (error, member, "names no direction");
  return TRUE;
}

/* A kept node's own members: flags, "+K more", part, layout. */
static gboolean
read_kept_node (JsonObject   *object,
                HsRefGraph   *graph,
                HsGraphNode  *node,
                guint         n_nodes,
                GError      **error)
{
  gint64 flags, more_of, cluster;

  if (!hs_wire_read_integer (object, "flags", 0, &flags, error))
    return FALSE;
  if (flags & ~NODE_FLAGS)
    return hs_wire_invalid (error, "flags", "holds an unknown flag");
  node->flags = flags;
  if (node->flags & HS_GRAPH_NODE_MORE)
    {
      if (node->object->handle != 0)
        return hs_wire_invalid (error, "handle", "is not 0 in a “more” node");
      if (!hs_wire_read_integer (object, "more", 1, &node->more, error) ||
          !hs_wire_read_integer (object, "more_of", 0, &more_of, error) ||
          !read_direction (object, "more_direction", &node->more_direction, error))
        return FALSE;
      if (more_of >= n_nodes)
        return hs_wire_invalid (error, "more_of", "names a node that is not in the graph");
      if (node->more_direction == HS_GRAPH_BOTH)
        return hs_wire_invalid (error, "more_direction", "is not one direction");
      node->more_of = more_of;
    }
  if (!hs_wire_read_integer (object, "cluster", -1, &cluster, error) ||
      !read_coordinate (object, "x", -MAX_COORDINATE, &node->x, error) ||
      !read_coordinate (object, "y", -MAX_COORDINATE, &node->y, error) ||
      !read_coordinate (object, "width", 0, &node->width, error) ||
      !read_coordinate (object, "height", 0, &node->height, error) ||
      !hs_wire_read_boolean (object, "placed", FALSE, &node->placed, error))
    return FALSE;
  if (cluster >= n_nodes)
    return hs_wire_invalid (error, "cluster", "is out of range");
  node->cluster = cluster;
  return TRUE;
}

/* A kept edge's layout: {"flags", "points", "arrow", "label"}. */
static gboolean
read_kept_edge (JsonNode     *node,
                HsGraphEdge  *edge,
                GError      **error)
{
  JsonObject *object;
  JsonArray *points;
  JsonNode *arrow;
  gint64 flags;
  guint length;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return hs_wire_invalid (error, "edges", "holds an edge layout that is not a JSON object");
  object = json_node_get_object (node);
  if (!hs_wire_read_integer (object, "flags", 0, &flags, error))
    return FALSE;
  if (flags & ~EDGE_FLAGS)
    return hs_wire_invalid (error, "flags", "holds an unknown flag");
  edge->flags = flags;
  if (!(points = hs_wire_read_array (object, "points", 2 * MAX_EDGE_POINTS, error)))
    return FALSE;
  length = json_array_get_length (points);
  if (length % 2 != 0 || (length > 0 && (length / 2 - 1) % 3 != 0))
    return hs_wire_invalid (error, "points", "is not a B-spline of 1 + 3k points");
  edge->n_points = length / 2;
  edge->points = length > 0 ? g_new (double, length) : NULL;
  for (guint i = 0; i < length; i++)
    if (!read_coordinate_node (json_array_get_element (points, i), "points", -MAX_COORDINATE,
                               &edge->points[i], error))
      return FALSE;
  arrow = json_object_get_member (object, "arrow");
  if (arrow == NULL)
    return hs_wire_invalid (error, "arrow", "is missing");
  edge->has_arrow = !JSON_NODE_HOLDS_NULL (arrow);
  if (edge->has_arrow && !read_point (arrow, "arrow", &edge->arrow_x, &edge->arrow_y, error))
    return FALSE;
  return read_point (json_object_get_member (object, "label"), "label", &edge->label_x, &edge->label_y, error);
}

static gboolean
read_edges (JsonObject  *object,
            HsRefGraph  *graph,
            gboolean     kept,
            PairMap     *pairs,
            GError     **error)
{
  guint n_nodes = graph->nodes->len;
  JsonArray *edges = hs_wire_read_array (object, "edges", kept ? MAX_KEPT_EDGES : HS_GRAPH_MAX_EDGES, error);

  if (edges == NULL)
    return FALSE;
  pair_map_init (pairs, json_array_get_length (edges) + 2 * n_nodes);
  for (guint i = 0; i < json_array_get_length (edges); i++)
    {
      JsonNode *item = json_array_get_element (edges, i);
      g_autoptr(HsObjectRef) ref = hs_object_ref_new ();
      JsonArray *cells;
      JsonNode *how;
      gint64 from, to;
      HsGraphEdge *edge;

      if (!JSON_NODE_HOLDS_ARRAY (item) ||
          json_array_get_length (cells = json_node_get_array (item)) != (kept ? 4 : 3))
        {
          hs_wire_invalid (error, "edges", kept ? "holds an edge that is not [from, to, edge, layout]"
                                                : "holds an edge that is not [from, to, edge]");
          goto failed;
        }
      if (!hs_wire_read_integer_node (json_array_get_element (cells, 0), "edges", 0, &from, error) ||
          !hs_wire_read_integer_node (json_array_get_element (cells, 1), "edges", 0, &to, error))
        goto failed;
      if (from >= n_nodes || to >= n_nodes)
        {
          hs_wire_invalid (error, "edges", "names a node that is not in the graph");
          goto failed;
        }
      how = json_array_get_element (cells, 2);
      if (kept && JSON_NODE_HOLDS_NULL (how))
        {
          if (!((hs_ref_graph_node (graph, from)->flags | hs_ref_graph_node (graph, to)->flags) & HS_GRAPH_NODE_MORE))
            {
              hs_wire_invalid (error, "edges", "holds an edge without a kind between two objects");
              goto failed;
            }
        }
      else if (!JSON_NODE_HOLDS_OBJECT (how))
        {
          hs_wire_invalid (error, "edges", "holds an edge whose kind is not a JSON object");
          goto failed;
        }
      else if (!hs_wire_parse_edge (json_node_get_object (how), ref, error))
        goto failed;
      if (!pair_map_add (pairs, from, to, graph->edges->len))
        {
          hs_wire_invalid (error, "edges", "joins the same two nodes twice");
          goto failed;
        }
      hs_ref_graph_add_edge (graph, from, to, ref->edge, ref->edge_name, ref->edge_index);
      edge = hs_ref_graph_edge (graph, graph->edges->len - 1);
      if (kept && !read_kept_edge (json_array_get_element (cells, 3), edge, error))
        goto failed;
      continue;

    failed:
      g_prefix_error (error, "Edge %u: ", i);
      return FALSE;
    }
  return TRUE;
}

/* The answer's "+K more" counts become nodes. */
static void
add_more_nodes (HsRefGraph   *graph,
                const gint64 *more_referrers,
                const gint64 *more_referents,
                guint         n_objects)
{
  for (guint i = 0; i < n_objects; i++)
    {
      if (more_referrers[i] > 0)
        add_more_node (graph, i, HS_GRAPH_REFERRERS, more_referrers[i]);
      if (more_referents[i] > 0)
        add_more_node (graph, i, HS_GRAPH_REFERENTS, more_referents[i]);
    }
}

/* The answer's "asked" count and "path". */
static gboolean
read_asked_and_path (JsonObject     *object,
                     HsRefGraph     *graph,
                     const PairMap  *pairs,
                     GError        **error)
{
  guint n_nodes = graph->nodes->len;
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (n_nodes, 1));
  JsonNode *path_node;
  JsonArray *path;
  gint64 asked;
  gint64 previous = -1;

  if (!read_optional_integer (object, "asked", n_nodes > 0 ? 1 : 0, MIN (n_nodes, HS_WIRE_MAX_GRAPH_HANDLES),
                              MIN (n_nodes, 1), &asked, error))
    return FALSE;
  for (gint64 i = 0; i < asked; i++)
    hs_ref_graph_node (graph, i)->flags |= HS_GRAPH_NODE_ASKED;

  path_node = json_object_get_member (object, "path");
  if (path_node == NULL || JSON_NODE_HOLDS_NULL (path_node))
    return TRUE;
  if (!(path = hs_wire_read_array (object, "path", n_nodes, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (path); i++)
    {
      gint64 step;
      guint edge;

      if (!hs_wire_read_integer_node (json_array_get_element (path, i), "path", 0, &step, error))
        return FALSE;
      if (step >= n_nodes)
        return hs_wire_invalid (error, "path", "names a node that is not in the graph");
      if (i == 0 && step != 0)
        return hs_wire_invalid (error, "path", "does not start at the first asked object");
      if (seen[step])
        return hs_wire_invalid (error, "path", "passes a node twice");
      seen[step] = TRUE;
      hs_ref_graph_node (graph, step)->flags |= HS_GRAPH_NODE_ON_PATH;
      if (previous >= 0)
        {
          /* Each step refers to the one before it. */
          edge = pair_map_lookup (pairs, step, previous);
          if (edge == G_MAXUINT)
            return hs_wire_invalid (error, "path", "takes a step along no edge of the graph");
          hs_ref_graph_edge (graph, edge)->flags |= HS_GRAPH_EDGE_ON_PATH;
        }
      previous = step;
    }
  return TRUE;
}

/* A kept graph's own members. */
static gboolean
read_kept_graph (JsonObject  *object,
                 HsRefGraph  *graph,
                 GError     **error)
{
  JsonArray *hide;
  gint64 depth, too_many;
  guint n_hidden;

  if (!read_direction (object, "direction", &graph->direction, error) ||
      !hs_wire_read_integer (object, "depth", 0, &depth, error) ||
      !hs_wire_read_integer (object, "too_many", 1, &too_many, error) ||
      !(hide = hs_wire_read_array (object, "hide", HS_WIRE_MAX_GRAPH_HIDDEN, error)) ||
      !hs_wire_read_boolean (object, "split", FALSE, &graph->split, error) ||
      !hs_wire_read_string (object, "engine", TRUE, &graph->engine, error) ||
      !read_coordinate (object, "width", 0, &graph->width, error) ||
      !read_coordinate (object, "height", 0, &graph->height, error))
    return FALSE;
  if (depth > HS_WIRE_MAX_GRAPH_DEPTH)
    return hs_wire_invalid (error, "depth", "is out of range");
  if (too_many > HS_WIRE_MAX_GRAPH_TOO_MANY)
    return hs_wire_invalid (error, "too_many", "is out of range");
  graph->depth = depth;
  graph->too_many = too_many;
  if (graph->engine != NULL &&
      (*graph->engine == '\0' || strlen (graph->engine) > 16 ||
       strspn (graph->engine, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen (graph->engine)))
    return hs_wire_invalid (error, "engine", "names no layout engine");

  n_hidden = json_array_get_length (hide);
  if (n_hidden > 0)
    {
      graph->hidden_types = g_new0 (char *, n_hidden + 1);
      for (guint i = 0; i < n_hidden; i++)
        {
          JsonNode *name = json_array_get_element (hide, i);

          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            return hs_wire_invalid (error, "hide", "holds a type name that is not a string");
          if (!hs_wire_check_string (json_node_get_string (name), "hide", error))
            return FALSE;
          graph->hidden_types[i] = json_node_dup_string (name);
        }
    }

  /* Each "+K more" node belongs to an object, one per direction. */
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);

      if (!(node->flags & HS_GRAPH_NODE_MORE))
        continue;
      if (hs_ref_graph_node (graph, node->more_of)->flags & HS_GRAPH_NODE_MORE)
        return hs_wire_invalid (error, "more_of", "names a “more” node");
      if (find_more_node (graph, node->more_of, node->more_direction) != (int) i)
        return hs_wire_invalid (error, "more_of", "names an object that has another “more” node");
    }
  return TRUE;
}

/* The one reader of a graph: the agent's "graph" answer, or (@kept) the
 * copy a session file keeps, layout and all. */
static HsRefGraph *
parse_graph (JsonObject  *object,
             gboolean     kept,
             GError     **error)
{
  g_autoptr(HsRefGraph) graph = hs_ref_graph_new ();
  g_autoptr(GHashTable) handles = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *more_referrers = NULL;
  g_autofree gint64 *more_referents = NULL;
  PairMap pairs = { NULL, };
  JsonArray *nodes;
  guint n_nodes;
  gboolean ok;

  if (kept)
    {
      gint64 format;

      if (!hs_wire_read_integer (object, "format", 1, &format, error))
        return NULL;
      if (format != KEPT_FORMAT)
        {
          hs_wire_invalid (error, "format", "is a version of the graph this Heapscope cannot read");
          return NULL;
        }
    }
  if (!(nodes = hs_wire_read_array (object, "nodes", kept ? MAX_KEPT_NODES : HS_GRAPH_MAX_NODES, error)) ||
      !hs_wire_read_string (object, "label", TRUE, &graph->label, error) ||
      !hs_wire_read_boolean (object, "truncated", FALSE, &graph->truncated, error))
    return NULL;
  n_nodes = json_array_get_length (nodes);
  more_referrers = g_new0 (gint64, MAX (n_nodes, 1));
  more_referents = g_new0 (gint64, MAX (n_nodes, 1));

  for (guint i = 0; i < n_nodes; i++)
    {
      JsonNode *item = json_array_get_element (nodes, i);
      HsObjectRef *ref = hs_wire_parse_object_ref (item, "nodes", kept ? 0 : 1, error);
      JsonObject *body;
      HsGraphNode *node;
      gint64 explored;

      if (ref == NULL)
        goto failed;
      node = hs_ref_graph_node (graph, hs_ref_graph_add_node (graph, ref, -1, 0));
      body = json_node_get_object (item);
      if (!hs_wire_read_optional_size (body, "deep", &node->deep, error) ||
          !read_optional_integer (body, "explored", 0, HS_GRAPH_BOTH, 0, &explored, error))
        goto failed;
      node->explored = explored;
      if (ref->handle > 0 && !g_hash_table_add (handles, &ref->handle))
        {
          hs_wire_invalid (error, "nodes", "names an object twice");
          goto failed;
        }
      if (kept ? !read_kept_node (body, graph, node, n_nodes, error)
               : (!read_optional_integer (body, "more_referrers", 0, HS_WIRE_MAX_INTEGER, 0, &more_referrers[i], error) ||
                  !read_optional_integer (body, "more_referents", 0, HS_WIRE_MAX_INTEGER, 0, &more_referents[i], error)))
        goto failed;
      continue;

    failed:
      g_prefix_error (error, "Node %u: ", i);
      return NULL;
    }

  ok = read_edges (object, graph, kept, &pairs, error) &&
       (kept ? read_kept_graph (object, graph, error) : read_asked_and_path (object, graph, &pairs, error));
  pair_map_clear (&pairs);
  if (!ok)
    return NULL;
  if (!kept)
    {
      add_more_nodes (graph, more_referrers, more_referents, n_nodes);
      hs_ref_graph_mark_cycles (graph);
    }
  return g_steal_pointer (&graph);
}

HsRefGraph *
hs_ref_graph_parse_reply (JsonObject  *object,
                          GError     **error)
{
  g_return_val_if_fail (object != NULL, NULL);

  return parse_graph (object, FALSE, error);
}

HsRefGraph *
hs_ref_graph_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID, "The graph is not a JSON object");
      return NULL;
    }
  return parse_graph (json_node_get_object (node), TRUE, error);
}
