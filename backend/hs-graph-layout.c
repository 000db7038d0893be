/* hs-graph-layout.c — laying out a reference graph with Graphviz
 *
 * Every call into Graphviz holds one lock (cgraph and gvc keep global state)
 * and runs with the "C" number format, which Graphviz's parsing of
 * attributes assumes. The laid-out graph is a new HsRefGraph: node centres
 * and sizes, edge B-splines, arrow tips and label centres, in points, y down.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gvc.h>

#include "hs-graph-layout.h"

#define INCH   72.0
#define LINE_HEIGHT       (1.2 * HS_GRAPH_FONT_SIZE)
#define NODE_PAD_X        16.0    /* Graphviz's padding around a box's text… */
#define NODE_PAD_Y        8.0
#define NODE_MIN_WIDTH    54.0    /* …and its smallest box */
#define NODE_MIN_HEIGHT   36.0
#define NODE_GAP          12.0    /* kept between a new node and any other */
#define ROW_GAP           48.0    /* between a node and the row of new ones above or below it */
#define BLOCK_COLUMNS     8       /* new nodes side by side, at most */
#define SEARCH_STEPS      100000
#define GRID_CELL         96.0

/* Graphviz: one caller at a time */

static GMutex graphviz_lock;
static GVC_t *graphviz;
static GString *graphviz_messages;
static locale_t c_numbers;
static locale_t saved_locale;

static int
collect_message (char *message)
{
  if (graphviz_messages != NULL)
    g_string_append (graphviz_messages, message);
  return 0;
}

static GVC_t *
graphviz_enter (void)
{
  g_mutex_lock (&graphviz_lock);
  if (graphviz == NULL)
    {
      graphviz_messages = g_string_new (NULL);
      c_numbers = newlocale (LC_NUMERIC_MASK, "C", duplocale (LC_GLOBAL_LOCALE));
      agseterr (AGWARN);
      agseterrf (collect_message);
      graphviz = gvContext ();
    }
  g_string_truncate (graphviz_messages, 0);
  if (c_numbers != (locale_t) 0)
    saved_locale = uselocale (c_numbers);
  return graphviz;
}

static void
graphviz_leave (void)
{
  if (c_numbers != (locale_t) 0)
    uselocale (saved_locale);
  if (graphviz_messages->len > 0)
    g_debug ("Graphviz: %s", graphviz_messages->str);
  g_mutex_unlock (&graphviz_lock);
}

/* @what, and what Graphviz said about it. Under the lock. */
static void
set_graphviz_error (GError     **error,
                    const char  *what)
{
  g_autofree char *said = g_strstrip (g_strdup (graphviz_messages->str));

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
               *said != '\0' ? said : _("Graphviz did not say why"));
}

static char *
format_number (char   *buffer,
               double  value)
{
  return g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%.3f", value);
}

/* Node sizes */

/* Roughly how wide @text is in a 10 pt sans-serif font, in points: for
 * graphs too big to have every label measured by Pango. */
static double
estimate_text_width (const char *text)
{
  double em = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 128 && strchr ("iIjl.,:;'|!` ()[]f-t", (int) c) != NULL)
        em += 0.34;
      else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '@' || c == '%')
        em += 0.9;
      else if (g_unichar_isupper (c) || g_unichar_isdigit (c) || c == '_' || c == '=' || c == '<' || c == '>')
        em += 0.66;
      else if (g_unichar_iswide (c))
        em += 1.0;
      else
        em += 0.56;
    }
  return em * HS_GRAPH_FONT_SIZE;
}

static void
estimate_node_size (const HsGraphNode *node,
                    double            *width,
                    double            *height)
{
  double text_width = 0;
  guint n_lines = 0;

  for (guint line = 0; line < 2; line++)
    {
      g_autofree char *text = hs_graph_node_label_line (node, line);

      if (text == NULL)
        continue;
      /* The first line is bold: about a tenth wider. */
      text_width = MAX (text_width, estimate_text_width (text) * (line == 0 ? 1.1 : 1.0));
      n_lines++;
    }
  *width = MAX (NODE_MIN_WIDTH, ceil (text_width + NODE_PAD_X));
  *height = MAX (NODE_MIN_HEIGHT, ceil (n_lines * LINE_HEIGHT + NODE_PAD_Y));
}

/* The label Graphviz sizes a node by: what the view writes in it. */
static char *
node_label (const HsGraphNode *node)
{
  g_autofree char *first = hs_graph_node_label_line (node, 0);
  g_autofree char *second = hs_graph_node_label_line (node, 1);
  g_autofree char *text = second != NULL ? g_strconcat (first, "\n", second, NULL) : g_strdup (first);

  return hs_graph_escape_label (text);
}

/* Reading a layout back */

static void
append_point (GArray *points,
              double  x,
              double  y)
{
  g_array_append_val (points, x);
  g_array_append_val (points, y);
}

static void
set_points (HsGraphEdge *edge,
            GArray      *points)
{
  g_free (edge->points);
  edge->n_points = points->len / 2;
  edge->points = (double *) g_array_free (points, FALSE);
}

/* A straight edge from box to box (a loop for a self-reference), its arrow
 * at @to's border, its label half-way. */
static void
straight_edge (HsGraphEdge       *edge,
               const HsGraphNode *from,
               const HsGraphNode *to)
{
  double points[8];

  hs_graph_route_straight (from, to, points, &edge->arrow_x, &edge->arrow_y, &edge->label_x, &edge->label_y);
  g_free (edge->points);
  edge->points = g_memdup2 (points, sizeof points);
  edge->n_points = G_N_ELEMENTS (points) / 2;
  edge->has_arrow = TRUE;
}

/* The centre of a B-spline: its middle segment at t = 1/2. */
static void
spline_middle (const HsGraphEdge *edge,
               double            *x,
               double            *y)
{
  guint segment = (edge->n_points - 1) / 3 / 2;
  const double *p = edge->points + 6 * segment;

  *x = (p[0] + 3 * p[2] + 3 * p[4] + p[6]) / 8;
  *y = (p[1] + 3 * p[3] + 3 * p[5] + p[7]) / 8;
}

/* Graphviz's drawing of @e, moved to y down from (@left, @top). FALSE when
 * it drew none. */
static gboolean
take_spline (HsGraphEdge *edge,
             Agedge_t    *e,
             double       left,
             double       top)
{
  splines *spl = ED_spl (e);
  GArray *points;
  gboolean has_arrow = FALSE;
  pointf tip = { 0, 0 };

  if (spl == NULL || spl->size <= 0 || spl->list[0].size < 4)
    return FALSE;
  points = g_array_new (FALSE, FALSE, sizeof (double));
  for (int b = 0; b < spl->size; b++)
    {
      const bezier *bz = &spl->list[b];

      if (bz->size < 4 || (bz->size - 1) % 3 != 0)
        continue;
      for (int p = 0; p < bz->size; p++)
        {
          double x = bz->list[p].x - left;
          double y = top - bz->list[p].y;

          if (p == 0 && points->len > 0)
            {
              double last_x = g_array_index (points, double, points->len - 2);
              double last_y = g_array_index (points, double, points->len - 1);

              if (fabs (last_x - x) < 0.01 && fabs (last_y - y) < 0.01)
                continue;
              /* Pieces that do not meet are joined by a straight one. */
              append_point (points, last_x + (x - last_x) / 3, last_y + (y - last_y) / 3);
              append_point (points, last_x + 2 * (x - last_x) / 3, last_y + 2 * (y - last_y) / 3);
            }
          append_point (points, x, y);
        }
      if (bz->eflag)
        {
          has_arrow = TRUE;
          tip = bz->ep;
        }
    }
  if (points->len < 8)
    {
      g_array_free (points, TRUE);
      return FALSE;
    }
  set_points (edge, points);
  edge->has_arrow = has_arrow;
  edge->arrow_x = has_arrow ? tip.x - left : 0;
  edge->arrow_y = has_arrow ? top - tip.y : 0;
  if (ED_label (e) != NULL && ED_label (e)->set)
    {
      edge->label_x = ED_label (e)->pos.x - left;
      edge->label_y = top - ED_label (e)->pos.y;
    }
  else
    spline_middle (edge, &edge->label_x, &edge->label_y);
  return TRUE;
}

static void fit_bounds     (HsRefGraph    *graph,
                            gboolean       tight);
static int  compare_levels (gconstpointer  a,
                            gconstpointer  b,
                            gpointer       user_data);

/* Building the cgraph graph */

typedef struct
{
  Agraph_t  *graph;
  Agnode_t **nodes;
  Agedge_t **edges;
} Drawing;

static void
drawing_clear (Drawing *drawing)
{
  g_clear_pointer (&drawing->graph, agclose);
  g_clear_pointer (&drawing->nodes, g_free);
  g_clear_pointer (&drawing->edges, g_free);
}

/* Breadth-first levels from the asked nodes, then from the first node of
 * each part they do not reach: @root marks where each part starts, @parent
 * gives each node the one it was reached from (-1 for the starts). Returns
 * the deepest level. */
static guint
breadth_first (const HsRefGraph *graph,
               const gboolean   *start_first,
               guint            *level,
               int              *parent,
               gboolean         *root)
{
  guint n = graph->nodes->len;
  g_autofree guint *starts = g_new0 (guint, n + 1);
  g_autofree guint *neighbours = g_new (guint, MAX (2 * graph->edges->len, 1));
  g_autofree guint *fill = NULL;
  g_autofree guint *queue = g_new (guint, MAX (n, 1));
  guint head = 0, tail = 0;
  guint deepest = 0;

  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      starts[edge->from + 1]++;
      starts[edge->to + 1]++;
    }
  for (guint i = 0; i < n; i++)
    starts[i + 1] += starts[i];
  fill = g_memdup2 (starts, sizeof (guint) * (n + 1));
  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      neighbours[fill[edge->from]++] = edge->to;
      neighbours[fill[edge->to]++] = edge->from;
    }

  for (guint i = 0; i < n; i++)
    {
      level[i] = G_MAXUINT;
      parent[i] = -1;
      root[i] = FALSE;
    }
  for (guint pass = 0; pass < 2; pass++)
    for (guint s = 0; s < n; s++)
      {
        if (level[s] != G_MAXUINT || (pass == 0 && !start_first[s]))
          continue;
        level[s] = 0;
        root[s] = TRUE;
        queue[tail++] = s;
        while (head < tail)
          {
            guint v = queue[head++];

            deepest = MAX (deepest, level[v]);
            for (guint k = starts[v]; k < starts[v + 1]; k++)
              {
                guint w = neighbours[k];

                if (level[w] != G_MAXUINT)
                  continue;
                level[w] = level[v] + 1;
                parent[w] = v;
                queue[tail++] = w;
              }
          }
      }
  return deepest;
}

/* A node on one of twopi's rings: which part, which ring, at what angle. */
typedef struct
{
  guint  node;
  guint  part;
  guint  ring;
  double angle;
} Spoke;

static int
compare_spokes (gconstpointer a,
                gconstpointer b)
{
  const Spoke *first = a, *second = b;

  if (first->part != second->part)
    return first->part < second->part ? -1 : 1;
  if (first->ring != second->ring)
    return first->ring < second->ring ? -1 : 1;
  return first->angle < second->angle ? -1 : first->angle > second->angle;
}

/* How far a box reaches from its centre along the unit vector (dx, dy). */
static double
reach (const HsGraphNode *node,
       double             dx,
       double             dy)
{
  return fabs (dx) * node->width / 2 + fabs (dy) * node->height / 2;
}

/* Whether @node at @angle on a lane of radius @radius keeps clear of
 * @other at @other_angle (the angles in increasing order, within a turn). */
static gboolean
clear_along_lane (const HsGraphNode *node,
                  double             angle,
                  const HsGraphNode *other,
                  double             other_angle,
                  double             radius)
{
  double tx = -sin (angle), ty = cos (angle);

  return (angle - other_angle) * radius >= reach (node, tx, ty) + reach (other, tx, ty) + NODE_GAP;
}

/* twopi puts each part's nodes on rings round its root, one ring per level,
 * and the outer rings are crowded. Each ring is spread over as many lanes
 * as it needs for no two nodes to overlap, in the angles twopi chose, and
 * pushed out to make room; then the parts are packed in rows, tallest first.
 * @level, @parent and @part_root as breadth_first () gives them. */
static void
spread_rings (HsRefGraph     *graph,
              const guint    *level,
              const int      *parent,
              const gboolean *part_root)
{
  guint n = graph->nodes->len;
  g_autofree guint *part_of = g_new (guint, MAX (n, 1));
  g_autofree guint *root_of_part = g_new (guint, MAX (n, 1));
  g_autofree Spoke *spokes = g_new (Spoke, MAX (n, 1));
  g_autofree double *bounds = NULL;        /* left, top, right, bottom of each part */
  g_autofree double *shift = NULL;         /* dx, dy of each part */
  g_autofree guint *by_height = NULL;
  g_autoptr(GArray) lane_first = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) lane_last = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_parts = 0;
  double lane = 0, total_area = 0, row_x = 0, row_y = 0, row_height = 0, row_limit;
  guint s = 0;

  /* Parts are numbered by their roots, in the order breadth_first met them:
   * a node's part is its root's. Parents come before children there. */
  for (guint i = 0; i < n; i++)
    if (part_root[i])
      root_of_part[n_parts++] = i;
  {
    g_autofree guint *part_of_root = g_new (guint, MAX (n, 1));
    g_autofree guint *order = g_new (guint, MAX (n, 1));

    for (guint p = 0; p < n_parts; p++)
      part_of_root[root_of_part[p]] = p;
    /* Roots first, then by level: each node after its parent. */
    for (guint i = 0; i < n; i++)
      order[i] = i;
    g_qsort_with_data (order, n, sizeof (guint), compare_levels, (gpointer) level);
    for (guint k = 0; k < n; k++)
      {
        guint i = order[k];

        part_of[i] = parent[i] < 0 ? part_of_root[i] : part_of[parent[i]];
      }
  }
  for (guint i = 0; i < n; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);
      const HsGraphNode *centre = hs_ref_graph_node (graph, root_of_part[part_of[i]]);

      spokes[i].node = i;
      spokes[i].part = part_of[i];
      spokes[i].ring = level[i];
      spokes[i].angle = atan2 (node->y - centre->y, node->x - centre->x);
      /* Lanes far enough apart for any two boxes, whatever the angle. */
      lane = MAX (lane, hypot (node->width, node->height) + NODE_GAP);
    }
  qsort (spokes, n, sizeof (Spoke), compare_spokes);

  bounds = g_new (double, 4 * MAX (n_parts, 1));
  shift = g_new (double, 2 * MAX (n_parts, 1));
  by_height = g_new (guint, MAX (n_parts, 1));
  while (s < n)
    {
      guint part = spokes[s].part;
      const HsGraphNode *centre = hs_ref_graph_node (graph, root_of_part[part]);
      double cx = centre->x, cy = centre->y, radius = 0;
      double *box = &bounds[4 * part];

      box[0] = box[1] = G_MAXDOUBLE;
      box[2] = box[3] = -G_MAXDOUBLE;
      while (s < n && spokes[s].part == part)
        {
          guint ring = spokes[s].ring;
          guint n_lanes = 1;

          g_array_set_size (lane_first, 0);
          g_array_set_size (lane_last, 0);
          if (ring > 0)
            radius = MAX (radius + lane / 2, lane);
          for (; s < n && spokes[s].part == part && spokes[s].ring == ring; s++)
            {
              HsGraphNode *node = hs_ref_graph_node (graph, spokes[s].node);
              guint chosen = G_MAXUINT;

              /* The innermost lane with room after its last node, and before
               * its first once round. */
              for (guint l = 0; l < lane_last->len && ring > 0; l++)
                {
                  const Spoke *last = &spokes[g_array_index (lane_last, guint, l)];
                  const Spoke *first = &spokes[g_array_index (lane_first, guint, l)];

                  if (clear_along_lane (node, spokes[s].angle, hs_ref_graph_node (graph, last->node),
                                        last->angle, radius + l * lane) &&
                      clear_along_lane (hs_ref_graph_node (graph, first->node), first->angle + 2 * G_PI,
                                        node, spokes[s].angle, radius + l * lane))
                    {
                      chosen = l;
                      break;
                    }
                }
              if (chosen == G_MAXUINT)
                {
                  chosen = lane_last->len;
                  g_array_append_val (lane_first, s);
                  g_array_append_val (lane_last, s);
                }
              else
                g_array_index (lane_last, guint, chosen) = s;
              n_lanes = MAX (n_lanes, chosen + 1);
              node->x = cx + (radius + chosen * lane) * cos (spokes[s].angle);
              node->y = cy + (radius + chosen * lane) * sin (spokes[s].angle);
              box[0] = MIN (box[0], node->x - node->width / 2);
              box[1] = MIN (box[1], node->y - node->height / 2);
              box[2] = MAX (box[2], node->x + node->width / 2);
              box[3] = MAX (box[3], node->y + node->height / 2);
            }
          radius += (n_lanes - 1) * lane + lane / 2;
        }
      total_area += (box[2] - box[0]) * (box[3] - box[1]);
    }

  /* The parts in rows, tallest first. */
  for (guint p = 0; p < n_parts; p++)
    {
      guint j = p;

      for (; j > 0 && bounds[4 * p + 3] - bounds[4 * p + 1] >
                      bounds[4 * by_height[j - 1] + 3] - bounds[4 * by_height[j - 1] + 1]; j--)
        by_height[j] = by_height[j - 1];
      by_height[j] = p;
    }
  row_limit = n_parts > 0 ? MAX (1.5 * sqrt (total_area), bounds[4 * by_height[0] + 2] - bounds[4 * by_height[0]]) : 0;
  for (guint k = 0; k < n_parts; k++)
    {
      const double *box = &bounds[4 * by_height[k]];
      double width = box[2] - box[0], height = box[3] - box[1];

      if (row_x > 0 && row_x + width > row_limit)
        {
          row_y += row_height + ROW_GAP;
          row_x = row_height = 0;
        }
      shift[2 * by_height[k]] = row_x - box[0];
      shift[2 * by_height[k] + 1] = row_y - box[1];
      row_x += width + ROW_GAP;
      row_height = MAX (row_height, height);
    }
  for (guint i = 0; i < n; i++)
    {
      hs_ref_graph_node (graph, i)->x += shift[2 * part_of[i]];
      hs_ref_graph_node (graph, i)->y += shift[2 * part_of[i] + 1];
    }
}

/* @starts: twopi's centres, one per part (breadth_first ()). */
static void
build_drawing (Drawing          *drawing,
               const HsRefGraph *graph,
               const char       *engine,
               const gboolean   *starts)
{
  guint n = graph->nodes->len;
  gboolean big = n > HS_GRAPH_LAYOUT_BIG;
  gboolean is_dot = g_str_equal (engine, "dot");
  gboolean is_twopi = g_str_equal (engine, "twopi");
  Agsym_t *root = NULL, *edge_label = NULL, *node_width = NULL, *node_height = NULL;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char name[32];
  Agraph_t *g;

  drawing->graph = g = agopen ((char *) "heapscope", Agdirected, NULL);
  drawing->nodes = g_new (Agnode_t *, MAX (n, 1));
  drawing->edges = g_new (Agedge_t *, MAX (graph->edges->len, 1));

  /* Routing splines round the nodes takes minutes for a few hundred nodes
   * in all engines but dot; overlaps are removed (slowly) for small graphs.
   * Big graphs: only where the nodes go; their sizes and straight edges are
   * worked out here. */
  agattr (g, AGRAPH, (char *) "splines", (char *) (big ? "none" : is_dot ? "true" : "false"));
  agattr (g, AGRAPH, (char *) "overlap", (char *) (!big && !is_dot && !is_twopi ? "prism" : "true"));

  agattr (g, AGNODE, (char *) "label", (char *) "");
  agattr (g, AGNODE, (char *) "shape", (char *) "box");
  agattr (g, AGNODE, (char *) "fontname", (char *) "Sans");
  agattr (g, AGNODE, (char *) "fontsize", format_number (buffer, HS_GRAPH_FONT_SIZE));
  /* The nodes' sizes are known (measured, or estimated for big graphs,
   * which are given the average). */
  agattr (g, AGNODE, (char *) "fixedsize", (char *) "true");
  if (big)
    {
      double width = 0, height = 0;

      for (guint i = 0; i < n; i++)
        {
          width += hs_ref_graph_node (graph, i)->width;
          height += hs_ref_graph_node (graph, i)->height;
        }
      agattr (g, AGNODE, (char *) "width", format_number (buffer, width / MAX (n, 1) / INCH));
      agattr (g, AGNODE, (char *) "height", format_number (buffer, height / MAX (n, 1) / INCH));
    }
  else
    {
      node_width = agattr (g, AGNODE, (char *) "width", (char *) "0.75");
      node_height = agattr (g, AGNODE, (char *) "height", (char *) "0.5");
    }
  if (is_twopi)
    root = agattr (g, AGNODE, (char *) "root", (char *) "false");
  if (!big)
    {
      edge_label = agattr (g, AGEDGE, (char *) "label", (char *) "");
      agattr (g, AGEDGE, (char *) "fontname", (char *) "Sans");
      agattr (g, AGEDGE, (char *) "fontsize", format_number (buffer, HS_GRAPH_EDGE_FONT_SIZE));
    }

  for (guint i = 0; i < n; i++)
    {
      g_snprintf (name, sizeof name, "n%u", i);
      drawing->nodes[i] = agnode (g, name, TRUE);
      if (!big)
        {
          const HsGraphNode *node = hs_ref_graph_node (graph, i);

          agxset (drawing->nodes[i], node_width, format_number (buffer, node->width / INCH));
          agxset (drawing->nodes[i], node_height, format_number (buffer, node->height / INCH));
        }
    }

  for (guint i = 0; starts != NULL && root != NULL && i < n; i++)
    if (starts[i])
      agxset (drawing->nodes[i], root, (char *) "true");

  if (graph->split && is_dot)
    {
      for (guint i = 0; i < n; i++)
        {
          int cluster = hs_ref_graph_node (graph, i)->cluster;
          Agraph_t *subgraph;

          if (cluster < 0)
            continue;
          g_snprintf (name, sizeof name, "cluster_%d", cluster);
          subgraph = agsubg (g, name, TRUE);
          agsubnode (subgraph, drawing->nodes[i], TRUE);
        }
    }

  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);
      Agedge_t *e = agedge (g, drawing->nodes[edge->from], drawing->nodes[edge->to], NULL, TRUE);

      drawing->edges[i] = e;
      if (edge_label != NULL && edge->kind != HS_EDGE_NONE)
        {
          g_autofree char *description = hs_graph_edge_describe (edge);
          g_autofree char *text = hs_graph_escape_label (description);

          agxset (e, edge_label, text);
        }
    }
}

/* Graphviz measures nodes as the view writes them: both lines in the
 * regular face, and the first alone in bold, as the view draws it (a short
 * type name can be the wider so); the box fits both. Plain labels: an
 * HTML-like label's bold leaks its Pango markup in Graphviz 2.42. (dot on
 * the nodes alone: neato -n would do, but leaks in Graphviz 2.42.) */
static gboolean
measure_nodes (HsRefGraph   *graph,
               const guint  *indexes,
               guint         n_indexes,
               GError      **error)
{
  g_autofree Agnode_t **nodes = g_new (Agnode_t *, MAX (2 * n_indexes, 1));
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  Agsym_t *label, *font;
  Agraph_t *g;
  GVC_t *gvc;

  gvc = graphviz_enter ();
  g = agopen ((char *) "measure", Agdirected, NULL);
  agattr (g, AGNODE, (char *) "shape", (char *) "box");
  font = agattr (g, AGNODE, (char *) "fontname", (char *) "Sans");
  agattr (g, AGNODE, (char *) "fontsize", format_number (buffer, HS_GRAPH_FONT_SIZE));
  label = agattr (g, AGNODE, (char *) "label", (char *) "");
  for (guint k = 0; k < n_indexes; k++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, indexes[k]);
      g_autofree char *text = node_label (node);
      g_autofree char *first = hs_graph_node_label_line (node, 0);
      g_autofree char *title = hs_graph_escape_label (first);
      char name[32];

      g_snprintf (name, sizeof name, "n%u", k);
      nodes[2 * k] = agnode (g, name, TRUE);
      agxset (nodes[2 * k], label, text);
      g_snprintf (name, sizeof name, "t%u", k);
      nodes[2 * k + 1] = agnode (g, name, TRUE);
      agxset (nodes[2 * k + 1], label, title);
      agxset (nodes[2 * k + 1], font, (char *) "Sans Bold");
    }
  if (gvLayout (gvc, g, (char *) "dot") != 0)
    {
      set_graphviz_error (error, _("Graphviz could not measure the nodes"));
      agclose (g);
      graphviz_leave ();
      return FALSE;
    }
  for (guint k = 0; k < n_indexes; k++)
    {
      HsGraphNode *node = hs_ref_graph_node (graph, indexes[k]);

      node->width = MAX (ND_width (nodes[2 * k]), ND_width (nodes[2 * k + 1])) * INCH;
      node->height = ND_height (nodes[2 * k]) * INCH;
    }
  gvFreeLayout (gvc, g);
  agclose (g);
  graphviz_leave ();
  return TRUE;
}

/* A fresh layout */

static gboolean
layout_fresh (HsRefGraph  *graph,
              const char  *engine,
              GError     **error)
{
  guint n = graph->nodes->len;
  gboolean big = n > HS_GRAPH_LAYOUT_BIG;
  Drawing drawing = { NULL, };
  g_autofree guint *level = NULL;
  g_autofree int *parent = NULL;
  g_autofree gboolean *starts = NULL;
  GVC_t *gvc;
  boxf bb;
  gboolean ok = TRUE;

  if (engine == NULL)
    engine = big ? "twopi" : "dot";
  if (big)
    for (guint i = 0; i < n; i++)
      {
        HsGraphNode *node = hs_ref_graph_node (graph, i);

        estimate_node_size (node, &node->width, &node->height);
      }
  else
    {
      g_autofree guint *all = g_new (guint, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        all[i] = i;
      if (!measure_nodes (graph, all, n, error))
        return FALSE;
    }

  gvc = graphviz_enter ();
  if (g_str_equal (engine, "twopi"))
    {
      g_autofree gboolean *asked = g_new0 (gboolean, MAX (n, 1));

      level = g_new (guint, MAX (n, 1));
      parent = g_new (int, MAX (n, 1));
      starts = g_new (gboolean, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        asked[i] = (hs_ref_graph_node (graph, i)->flags & HS_GRAPH_NODE_ASKED) != 0;
      breadth_first (graph, asked, level, parent, starts);
    }
  build_drawing (&drawing, graph, engine, starts);
  if (gvLayout (gvc, drawing.graph, (char *) engine) != 0)
    {
      set_graphviz_error (error, _("Graphviz could not lay out the graph"));
      drawing_clear (&drawing);
      graphviz_leave ();
      return FALSE;
    }

  bb = GD_bb (drawing.graph);
  for (guint i = 0; i < n; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (graph, i);
      Agnode_t *v = drawing.nodes[i];

      node->x = ND_coord (v).x - bb.LL.x;
      node->y = bb.UR.y - ND_coord (v).y;
      node->placed = TRUE;
    }
  for (guint i = 0; i < graph->edges->len; i++)
    {
      HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      if (!big && !take_spline (edge, drawing.edges[i], bb.LL.x, bb.UR.y))
        straight_edge (edge, hs_ref_graph_node (graph, edge->from), hs_ref_graph_node (graph, edge->to));
    }
  graph->width = bb.UR.x - bb.LL.x;
  graph->height = bb.UR.y - bb.LL.y;
  g_free (graph->engine);
  graph->engine = g_strdup (engine);
  gvFreeLayout (gvc, drawing.graph);
  drawing_clear (&drawing);
  graphviz_leave ();
  /* Sizes and edges of its own: the box from 0, 0 round them. */
  if (big)
    {
      if (starts != NULL)
        spread_rings (graph, level, parent, starts);
      for (guint i = 0; i < graph->edges->len; i++)
        {
          HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

          straight_edge (edge, hs_ref_graph_node (graph, edge->from), hs_ref_graph_node (graph, edge->to));
        }
      graph->width = graph->height = 0;
      fit_bounds (graph, TRUE);
    }
  return ok;
}

/* Keeping what was placed */

typedef struct
{
  GHashTable *cells;  /* cell → GArray of node indexes */
} Grid;

static guint64 *
cell_key (int column,
          int row)
{
  guint64 *key = g_new (guint64, 1);

  *key = ((guint64) (guint32) column << 32) | (guint32) row;
  return key;
}

static void
grid_init (Grid *grid)
{
  grid->cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
}

static void
grid_add (Grid              *grid,
          const HsGraphNode *node,
          guint              index)
{
  int left = (int) floor ((node->x - node->width / 2) / GRID_CELL);
  int right = (int) floor ((node->x + node->width / 2) / GRID_CELL);
  int top = (int) floor ((node->y - node->height / 2) / GRID_CELL);
  int bottom = (int) floor ((node->y + node->height / 2) / GRID_CELL);

  for (int column = left; column <= right; column++)
    for (int row = top; row <= bottom; row++)
      {
        guint64 *key = cell_key (column, row);
        GArray *cell = g_hash_table_lookup (grid->cells, key);

        if (cell == NULL)
          {
            cell = g_array_new (FALSE, FALSE, sizeof (guint));
            g_hash_table_insert (grid->cells, key, cell);
          }
        else
          g_free (key);
        g_array_append_val (cell, index);
      }
}

/* Whether a w × h box at x, y keeps NODE_GAP from every node in @grid. */
static gboolean
grid_is_free (Grid             *grid,
              const HsRefGraph *graph,
              double            x,
              double            y,
              double            width,
              double            height)
{
  int left = (int) floor ((x - width / 2 - NODE_GAP) / GRID_CELL);
  int right = (int) floor ((x + width / 2 + NODE_GAP) / GRID_CELL);
  int top = (int) floor ((y - height / 2 - NODE_GAP) / GRID_CELL);
  int bottom = (int) floor ((y + height / 2 + NODE_GAP) / GRID_CELL);

  for (int column = left; column <= right; column++)
    for (int row = top; row <= bottom; row++)
      {
        guint64 key = ((guint64) (guint32) column << 32) | (guint32) row;
        GArray *cell = g_hash_table_lookup (grid->cells, &key);

        for (guint k = 0; cell != NULL && k < cell->len; k++)
          {
            const HsGraphNode *other = hs_ref_graph_node (graph, g_array_index (cell, guint, k));

            if (fabs (other->x - x) < (other->width + width) / 2 + NODE_GAP &&
                fabs (other->y - y) < (other->height + height) / 2 + NODE_GAP)
              return FALSE;
          }
      }
  return TRUE;
}

/* Whether @count nodes from @members, laid out as place_block () would
 * at @x, @y, keep clear of every node in @grid. */
static gboolean
block_is_free (Grid             *grid,
               const HsRefGraph *graph,
               const guint      *members,
               guint             count,
               double            x,
               double            y,
               const double     *row_widths,
               double            row_height,
               int               side)
{
  double left = 0;
  guint row = 0;

  for (guint k = 0; k < count; k++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, members[k]);

      if (k % BLOCK_COLUMNS == 0)
        {
          row = k / BLOCK_COLUMNS;
          left = x - row_widths[row] / 2;
        }
      if (!grid_is_free (grid, graph, left + node->width / 2, y + (double) side * row * (row_height + NODE_GAP),
                         node->width, node->height))
        return FALSE;
      left += node->width + NODE_GAP;
    }
  return TRUE;
}

/* Lays @members out in rows of BLOCK_COLUMNS, centred on @x, the first row
 * at @y, the others further on @side (-1: up, 1: down). */
static void
place_block (HsRefGraph   *graph,
             const guint  *members,
             guint         count,
             double        x,
             double        y,
             const double *row_widths,
             double        row_height,
             int           side)
{
  double left = 0;
  guint row = 0;

  for (guint k = 0; k < count; k++)
    {
      HsGraphNode *node = hs_ref_graph_node (graph, members[k]);

      if (k % BLOCK_COLUMNS == 0)
        {
          row = k / BLOCK_COLUMNS;
          left = x - row_widths[row] / 2;
        }
      node->x = left + node->width / 2;
      node->y = y + (double) side * row * (row_height + NODE_GAP);
      left += node->width + NODE_GAP;
    }
}

/* Each group of new nodes that hang from the same node on the same side —
 * above it when they refer to it, below when it refers to them, as dot
 * draws references — goes in rows as close to it as they fit without
 * covering any other node. New nodes that hang from nothing placed go
 * below everything. @order lists the new nodes, each after the one it
 * hangs from (@parent). */
static void
place_new_nodes (HsRefGraph     *graph,
                 const gboolean *was_placed,
                 const guint    *order,
                 guint           n_order,
                 const int      *parent)
{
  guint n = graph->nodes->len;
  g_autofree gboolean *above = g_new0 (gboolean, MAX (n, 1));
  g_autofree gboolean *done = g_new0 (gboolean, MAX (n, 1));
  g_autofree guint *members = g_new (guint, MAX (n_order, 1));
  g_autofree double *row_widths = g_new0 (double, n_order / BLOCK_COLUMNS + 1);
  double top = G_MAXDOUBLE, bottom = -G_MAXDOUBLE, left = G_MAXDOUBLE;
  Grid grid;

  grid_init (&grid);
  for (guint i = 0; i < n; i++)
    if (was_placed[i])
      {
        const HsGraphNode *node = hs_ref_graph_node (graph, i);

        grid_add (&grid, node, i);
        top = MIN (top, node->y - node->height / 2);
        bottom = MAX (bottom, node->y + node->height / 2);
        left = MIN (left, node->x - node->width / 2);
      }
  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      if (!was_placed[edge->from] && parent[edge->from] == (int) edge->to)
        above[edge->from] = TRUE;
    }

  for (guint k = 0; k < n_order; k++)
    {
      guint first = order[k];
      int anchor = parent[first];
      guint count = 0;
      double row_height = 0, block_width = 0, x, y;
      int side = above[first] ? -1 : 1;
      guint steps;

      if (done[first])
        continue;
      /* The group: the same anchor and side, in the order found. */
      for (guint j = k; j < n_order; j++)
        {
          guint i = order[j];

          if (done[i] || parent[i] != anchor || above[i] != above[first])
            continue;
          if (count % BLOCK_COLUMNS == 0)
            row_widths[count / BLOCK_COLUMNS] = -NODE_GAP;
          row_widths[count / BLOCK_COLUMNS] += hs_ref_graph_node (graph, i)->width + NODE_GAP;
          row_height = MAX (row_height, hs_ref_graph_node (graph, i)->height);
          block_width = MAX (block_width, row_widths[count / BLOCK_COLUMNS]);
          members[count++] = i;
          done[i] = TRUE;
        }

      if (anchor >= 0)
        {
          const HsGraphNode *node = hs_ref_graph_node (graph, anchor);

          x = node->x;
          y = node->y + side * (node->height / 2 + ROW_GAP + row_height / 2);
        }
      else
        {
          /* Nothing placed to hang from: below everything, from the left. */
          x = (left == G_MAXDOUBLE ? 0 : left) + block_width / 2;
          y = (bottom == -G_MAXDOUBLE ? 0 : bottom) + ROW_GAP + row_height / 2;
          side = 1;
        }
      /* Further away, a row at a time, until the rows fit; past the
       * placed nodes they always do. */
      for (steps = 0; steps < SEARCH_STEPS; steps++)
        {
          if (block_is_free (&grid, graph, members, count, x, y, row_widths, row_height, side))
            break;
          y += side * (row_height + NODE_GAP) / 2;
          if ((side < 0 && y + row_height < top - ROW_GAP) || (side > 0 && y - row_height > bottom + ROW_GAP))
            {
              /* Clear of everything placed, and of what was placed since. */
              top = MIN (top, y - row_height);
              bottom = MAX (bottom, y + row_height);
              if (block_is_free (&grid, graph, members, count, x, y, row_widths, row_height, side))
                break;
            }
        }
      place_block (graph, members, count, x, y, row_widths, row_height, side);
      for (guint j = 0; j < count; j++)
        {
          const HsGraphNode *node = hs_ref_graph_node (graph, members[j]);

          grid_add (&grid, node, members[j]);
          top = MIN (top, node->y - node->height / 2);
          bottom = MAX (bottom, node->y + node->height / 2);
        }
    }
  g_hash_table_unref (grid.cells);
}

static void
move_edge (HsGraphEdge *edge,
           double       dx,
           double       dy)
{
  for (guint p = 0; p < edge->n_points; p++)
    {
      edge->points[2 * p] += dx;
      edge->points[2 * p + 1] += dy;
    }
  edge->arrow_x += dx;
  edge->arrow_y += dy;
  edge->label_x += dx;
  edge->label_y += dy;
}

/* The bounding box from 0, 0; everything moves if something is left of or
 * above it, or (@tight) whenever it does not start there. */
static void
fit_bounds (HsRefGraph *graph,
            gboolean    tight)
{
  double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = 0, bottom = 0;
  double dx, dy;

  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);

      left = MIN (left, node->x - node->width / 2);
      top = MIN (top, node->y - node->height / 2);
      right = MAX (right, node->x + node->width / 2);
      bottom = MAX (bottom, node->y + node->height / 2);
    }
  for (guint i = 0; i < graph->edges->len; i++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      for (guint p = 0; p < edge->n_points; p++)
        {
          left = MIN (left, edge->points[2 * p]);
          top = MIN (top, edge->points[2 * p + 1]);
          right = MAX (right, edge->points[2 * p]);
          bottom = MAX (bottom, edge->points[2 * p + 1]);
        }
      if (edge->has_arrow)
        {
          left = MIN (left, edge->arrow_x);
          top = MIN (top, edge->arrow_y);
          right = MAX (right, edge->arrow_x);
          bottom = MAX (bottom, edge->arrow_y);
        }
    }
  if (left == G_MAXDOUBLE)
    {
      graph->width = graph->height = 0;
      return;
    }
  dx = left < 0 || tight ? -left : 0;
  dy = top < 0 || tight ? -top : 0;
  if (dx != 0 || dy != 0)
    {
      for (guint i = 0; i < graph->nodes->len; i++)
        {
          hs_ref_graph_node (graph, i)->x += dx;
          hs_ref_graph_node (graph, i)->y += dy;
        }
      for (guint i = 0; i < graph->edges->len; i++)
        move_edge (hs_ref_graph_edge (graph, i), dx, dy);
    }
  graph->width = right + dx;
  graph->height = bottom + dy;
}

static int
compare_levels (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const guint *level = user_data;
  guint first = *(const guint *) a, second = *(const guint *) b;

  if (level[first] != level[second])
    return level[first] < level[second] ? -1 : 1;
  return first < second ? -1 : first > second;
}

static gboolean
layout_keeping (HsRefGraph  *graph,
                GError     **error)
{
  guint n = graph->nodes->len;
  gboolean big = n > HS_GRAPH_LAYOUT_BIG;
  g_autofree gboolean *was_placed = g_new (gboolean, MAX (n, 1));
  g_autofree gboolean *starts = g_new (gboolean, MAX (n, 1));
  g_autofree guint *level = g_new (guint, MAX (n, 1));
  g_autofree int *parent = g_new (int, MAX (n, 1));
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  guint n_new = 0;

  for (guint i = 0; i < n; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (graph, i);

      was_placed[i] = node->placed;
      if (!node->placed)
        order[n_new++] = i;
      if (!node->placed || node->width <= 0 || node->height <= 0)
        estimate_node_size (node, &node->width, &node->height);
    }

  /* The new nodes in the order they are reached from the placed ones,
   * each after the one it hangs from. */
  if (n_new > 0)
    {
      breadth_first (graph, was_placed, level, parent, starts);
      g_qsort_with_data (order, n_new, sizeof (guint), compare_levels, level);
    }

  if (n_new > 0)
    {
      if (!big && !measure_nodes (graph, order, n_new, error))
        return FALSE;
      place_new_nodes (graph, was_placed, order, n_new, parent);
    }

  for (guint i = 0; i < graph->edges->len; i++)
    {
      HsGraphEdge *edge = hs_ref_graph_edge (graph, i);

      if (was_placed[edge->from] && was_placed[edge->to] && edge->n_points > 0)
        continue;
      straight_edge (edge, hs_ref_graph_node (graph, edge->from), hs_ref_graph_node (graph, edge->to));
    }
  for (guint i = 0; i < n; i++)
    hs_ref_graph_node (graph, i)->placed = TRUE;
  fit_bounds (graph, FALSE);
  g_free (graph->engine);
  graph->engine = g_strdup ("neato");
  return TRUE;
}

HsRefGraph *
hs_graph_layout (HsRefGraph    *graph,
                 const char    *engine,
                 gboolean       keep_placed,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(HsRefGraph) copy = NULL;
  gboolean any_placed = FALSE;
  gboolean ok;

  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  copy = hs_ref_graph_copy (graph);
  for (guint i = 0; i < copy->nodes->len && keep_placed; i++)
    any_placed |= hs_ref_graph_node (copy, i)->placed;
  if (keep_placed && any_placed)
    ok = layout_keeping (copy, error);
  else
    {
      for (guint i = 0; i < copy->nodes->len; i++)
        hs_ref_graph_node (copy, i)->placed = FALSE;
      ok = layout_fresh (copy, engine, error);
    }
  if (!ok || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&copy);
}

/* In a thread: one layout at a time, in the order asked. */

typedef struct
{
  HsRefGraph *graph;
  char       *engine;
  gboolean    keep_placed;
} LayoutJob;

static void
layout_job_free (LayoutJob *job)
{
  hs_ref_graph_unref (job->graph);
  g_free (job->engine);
  g_free (job);
}

static void
run_layout_job (gpointer data,
                gpointer user_data)
{
  g_autoptr(GTask) task = data;
  LayoutJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  HsRefGraph *laid_out;

  laid_out = hs_graph_layout (job->graph, job->engine, job->keep_placed, g_task_get_cancellable (task), &error);
  if (laid_out != NULL)
    g_task_return_pointer (task, laid_out, (GDestroyNotify) hs_ref_graph_unref);
  else
    g_task_return_error (task, error);
}

static GThreadPool *
layout_pool (void)
{
  static gsize initialized;
  static GThreadPool *pool;

  if (g_once_init_enter (&initialized))
    {
      pool = g_thread_pool_new (run_layout_job, NULL, 1, FALSE, NULL);
      g_once_init_leave (&initialized, 1);
    }
  return pool;
}

void
hs_graph_layout_async (HsRefGraph          *graph,
                       const char          *engine,
                       gboolean             keep_placed,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  LayoutJob *job;

  g_return_if_fail (graph != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_graph_layout_async);
  job = g_new0 (LayoutJob, 1);
  job->graph = hs_ref_graph_ref (graph);
  job->engine = g_strdup (engine);
  job->keep_placed = keep_placed;
  g_task_set_task_data (task, job, (GDestroyNotify) layout_job_free);
  g_thread_pool_push (layout_pool (), task, NULL);
}

HsRefGraph *
hs_graph_layout_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hs_graph_layout_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Writing out */

/* twopi's centres: the asked node of each part, or its first node. */
static void
set_roots (Agraph_t         *g,
           const HsRefGraph *graph)
{
  guint n = graph->nodes->len;
  g_autofree gboolean *asked = g_new0 (gboolean, MAX (n, 1));
  g_autofree gboolean *starts = g_new0 (gboolean, MAX (n, 1));
  g_autofree guint *level = g_new (guint, MAX (n, 1));
  g_autofree int *parent = g_new (int, MAX (n, 1));
  Agsym_t *root = agattr (g, AGNODE, (char *) "root", (char *) "false");

  for (guint i = 0; i < n; i++)
    asked[i] = (hs_ref_graph_node (graph, i)->flags & HS_GRAPH_NODE_ASKED) != 0;
  breadth_first (graph, asked, level, parent, starts);
  for (guint i = 0; i < n; i++)
    if (starts[i])
      {
        char name[32];
        Agnode_t *v;

        g_snprintf (name, sizeof name, "n%u", i);
        if ((v = agnode (g, name, FALSE)) != NULL)
          agxset (v, root, (char *) "true");
      }
}

static const char *
file_format (const char *path)
{
  static const char *const formats[] = { "dot", "gv", "svg", "png", "pdf" };
  const char *dot = strrchr (path, '.');

  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (dot + 1, formats[i]) == 0)
      return formats[i];
  return NULL;
}

gboolean
hs_ref_graph_render_file (const HsRefGraph  *self,
                          const char        *path,
                          GError           **error)
{
  const char *format;
  const char *engine;
  g_autofree char *text = NULL;
  char *data = NULL;
  unsigned int length = 0;
  gboolean big;
  gboolean ok = FALSE;
  Agraph_t *g;
  GVC_t *gvc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  format = file_format (path);
  if (format == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” does not end in .dot, .svg, .png or .pdf"), name);
      return FALSE;
    }
  text = hs_ref_graph_to_dot (self);
  if (g_str_equal (format, "dot") || g_str_equal (format, "gv"))
    return g_file_set_contents (path, text, -1, error);

  /* The engine that laid it out, unless it was only keeping places, or
   * would be too slow for its size. */
  big = self->nodes->len > HS_GRAPH_LAYOUT_BIG;
  engine = self->engine;
  if (engine == NULL || g_str_equal (engine, "neato") || (big && !g_str_equal (engine, "twopi")))
    engine = big ? "twopi" : "dot";

  gvc = graphviz_enter ();
  g = agmemread (text);
  if (g == NULL)
    set_graphviz_error (error, _("Graphviz could not read the graph"));
  else
    {
      if (g_str_equal (engine, "twopi"))
        set_roots (g, self);
      agsafeset (g, (char *) "splines", (char *) (g_str_equal (engine, "dot") ? "true" : "false"), (char *) "");
      agsafeset (g, (char *) "overlap", (char *) (big || g_str_equal (engine, "twopi") ? "true" : "prism"), (char *) "");
      if (gvLayout (gvc, g, (char *) engine) != 0)
        set_graphviz_error (error, _("Graphviz could not lay out the graph"));
      else
        {
          if (gvRenderData (gvc, g, (char *) format, &data, &length) != 0 || data == NULL)
            set_graphviz_error (error, _("Graphviz could not draw the graph"));
          else
            ok = TRUE;
          gvFreeLayout (gvc, g);
        }
      agclose (g);
    }
  graphviz_leave ();

  if (ok)
    ok = g_file_set_contents (path, data, length, error);
  if (data != NULL)
    gvFreeRenderData (data);
  return ok;
}
