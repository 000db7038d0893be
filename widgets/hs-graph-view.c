/* hs-graph-view.c — a laid-out reference graph, drawn as vectors
 *
 * The layout is in points, y down; the view shows it at a zoom (pixels per
 * point) and an offset: widget x = graph x × zoom + offset_x. Every frame
 * draws with cairo in widget coordinates, so lines and text are crisp at
 * every zoom, and only what the visible rectangle touches: nodes and edges
 * outside it are skipped by their bounding boxes, computed once per graph.
 * Text smaller than MIN_TEXT_PX on screen is not set at all (boxes keep a
 * faint bar per line down to GREEK_TEXT_PX). Text that is set is set at its
 * size on screen, with the widget's font options (hinted metrics, so glyphs
 * sit evenly on pixels), once per node for a "text zoom": while zooming the
 * layouts are scaled, and set again when the zoom has been still for
 * TEXT_SETTLE_MS or is more than TEXT_RESET_RATIO away from theirs.
 *
 * The static picture (clusters, edges, nodes, labels) is drawn in tiles of
 * TILE_PX pixels, each an image drawn once (hs_chart_render_picture), laid on
 * a grid of the graph at a "tile zoom": panning moves the tiles and draws
 * only those that come into view, so a frame of a pan costs a few tiles at
 * most. While zooming the tiles are scaled; when the zoom has been still for
 * TEXT_SETTLE_MS, or is more than TEXT_RESET_RATIO from theirs, they are
 * drawn again at the new zoom, the old ones shown scaled where a new one is
 * not drawn yet. A frame draws new tiles for TILE_BUDGET_US at most and
 * leaves the rest to the next frames, so that no frame waits on the whole
 * picture. The hovered and selected nodes with their edges, the selection's
 * halo and the focus ring are drawn over the tiles per frame, in a cairo
 * node around just them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-class-chart.h"
#include "hs-format.h"
#include "hs-graph-view.h"

#define FIT_MARGIN      24.0   /* pixels around the graph when fitted */
#define FIT_MAX_ZOOM    1.25   /* a small graph is not blown up further */
#define ZOOM_STEP       1.25   /* a key press, a wheel click */
#define KEY_PAN_STEP    48.0   /* pixels */
#define WHEEL_PAN_STEP  64.0   /* pixels per wheel click */
#define NODE_FONT       10.0   /* points of the layout: a box fits two lines at this */
#define LABEL_FONT      8.0
#define CAPTION_FONT    9.0
#define CAPTION_TAB     (CAPTION_FONT * 1.6)   /* the tab a root's caption is on, above its box */
#define MIN_TEXT_PX     6.5    /* smaller text is left out… */
#define GREEK_TEXT_PX   2.5    /* …but shown as a bar per line down to this */
#define MIN_CAPTION_PX  6.0    /* a root's caption: short, bold, on a tab */
#define TEXT_SETTLE_MS  150
#define TEXT_BUDGET_US  3000   /* setting text in one frame; the rest in the next ones */
#define TILE_PX         256    /* a tile's side, in pixels */
#define TILE_BUDGET_US  3000   /* drawing tiles in one frame; the rest in the next ones */
#define TILES_KEPT      3      /* tiles out of view kept: this many times those in view */
#define TEXT_RESET_RATIO 1.4
#define NODE_RADIUS     5.0    /* points */
#define NODE_PAD_X      6.0
#define CLUSTER_PAD     14.0
#define CLUSTER_RADIUS  12.0
#define N_RAMP          8      /* steps of the size colours */
#define MORE_ALPHA      0.5

/* What is kept per node once per graph, and set on demand. */
typedef struct
{
  PangoLayout *title;          /* the type, bold; "+K more" */
  PangoLayout *detail;         /* the short text; "referrers" */
  double       title_h;        /* their heights, in points of the layout */
  double       detail_h;
  double       font;           /* points: NODE_FONT, less in a low box */
  guint8       ramp;           /* index into the size colours */
} NodeCache;

typedef struct
{
  graphene_rect_t box;         /* the spline's control points and the arrow */
  double          label_x;     /* the label's centre (the spline's middle when unset) */
  double          label_y;
  gboolean        has_box;     /* FALSE: nothing to draw */
  PangoLayout    *label;
  gboolean        label_made;
  double          label_w;
  double          label_h;
} EdgeCache;

typedef struct
{
  GdkRGBA  fg;
  GdkRGBA  bg;
  GdkRGBA  accent;
  GdkRGBA  warning;
  GdkRGBA  success;
  GdkRGBA  ramp[N_RAMP];
  GdkRGBA  more;               /* a "+K more" node's fill */
  gboolean dark;
} Palette;

/* A square of the picture at the tile zoom: pixels col × TILE_PX to
 * (col + 1) × TILE_PX across of the graph drawn at that zoom, likewise down. */
typedef struct
{
  gint64         key;          /* tile_key (col, row) */
  GskRenderNode *picture;
  gboolean       complete;     /* all its text was set */
  guint          frame;        /* the last frame it was in view */
} Tile;

struct _HsGraphView
{
  GtkWidget             parent_instance;

  HsRefGraph           *graph;
  NodeCache            *nodes;
  EdgeCache            *edges;
  guint                *adjacency_start;   /* node i's edges: adjacency[start[i]…start[i + 1]] */
  guint                *adjacency;
  graphene_rect_t      *clusters;
  guint                 n_clusters;
  guint                *order;             /* placed nodes in reading order */
  guint                 n_order;
  graphene_rect_t       bounds;            /* everything drawn, in points */
  gboolean              has_bounds;

  double                zoom;
  double                offset_x;
  double                offset_y;
  gboolean              fit_pending;       /* fit once there is a size */
  gboolean              fitted;            /* still fitted: fit again on resize */
  int                   width;
  int                   height;

  int                   selected;
  int                   hovered;
  gboolean              pointer_inside;
  double                pointer_x;
  double                pointer_y;

  gboolean              dragging;
  double                drag_offset_x;
  double                drag_offset_y;
  double                pinch_zoom;

  double                text_zoom;         /* the zoom the layouts are set for, 0: none */
  guint                 text_settle_source;
  guint                 redraw_tick;       /* tiles or text left: draw again next frame */
  gboolean              text_pending;      /* text was left out of the tile drawn */
  PangoLayout          *captions[HS_ROOT_SYS_MODULES + 1];
  Palette               palette;
  gboolean              palette_valid;
  GHashTable           *tiles;             /* tile key → Tile, at tile_zoom */
  double                tile_zoom;         /* 0: set to the zoom at the next frame */
  GHashTable           *old_tiles;         /* the last ones, shown until the new ones cover */
  double                old_tile_zoom;
  gboolean              tiles_pending;     /* some in view are not drawn, or not all their text */
  gboolean              frame_due;         /* the view changed since the last frame */
  guint                 frame;
  gint64                text_deadline;     /* this frame's for setting text */
};

G_DEFINE_FINAL_TYPE (HsGraphView, hs_graph_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GRAPH,
  PROP_SELECTED,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  NODE_ACTIVATED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* -- Geometry -------------------------------------------------------------- */

static inline double
screen_x (HsGraphView *self,
          double       x)
{
  return x * self->zoom + self->offset_x;
}

static inline double
screen_y (HsGraphView *self,
          double       y)
{
  return y * self->zoom + self->offset_y;
}

static inline gboolean
node_is_shown (const HsGraphNode *node)
{
  return node->placed && node->width > 0 && node->height > 0;
}

static void
node_box (const HsGraphNode *node,
          graphene_rect_t   *box)
{
  graphene_rect_init (box, node->x - node->width / 2, node->y - node->height / 2, node->width, node->height);
}

/* The node's box in widget coordinates. */
static void
node_screen_box (HsGraphView       *self,
                 const HsGraphNode *node,
                 graphene_rect_t   *box)
{
  graphene_rect_init (box, screen_x (self, node->x - node->width / 2), screen_y (self, node->y - node->height / 2),
                      node->width * self->zoom, node->height * self->zoom);
}

/* The part of the graph the widget shows, in points, widened by @margin pixels. */
static void
visible_rect (HsGraphView     *self,
              double           margin,
              graphene_rect_t *rect)
{
  graphene_rect_init (rect, (-margin - self->offset_x) / self->zoom, (-margin - self->offset_y) / self->zoom,
                      (self->width + 2 * margin) / self->zoom, (self->height + 2 * margin) / self->zoom);
}

static gboolean
rects_touch (const graphene_rect_t *a,
             const graphene_rect_t *b)
{
  return a->origin.x <= b->origin.x + b->size.width && b->origin.x <= a->origin.x + a->size.width &&
         a->origin.y <= b->origin.y + b->size.height && b->origin.y <= a->origin.y + a->size.height;
}

static void
rect_add_point (graphene_rect_t *rect,
                gboolean        *empty,
                double           x,
                double           y)
{
  if (*empty)
    {
      graphene_rect_init (rect, x, y, 0, 0);
      *empty = FALSE;
      return;
    }
  if (x < rect->origin.x)
    {
      rect->size.width += rect->origin.x - x;
      rect->origin.x = x;
    }
  if (y < rect->origin.y)
    {
      rect->size.height += rect->origin.y - y;
      rect->origin.y = y;
    }
  rect->size.width = MAX (rect->size.width, x - rect->origin.x);
  rect->size.height = MAX (rect->size.height, y - rect->origin.y);
}

static gboolean
edge_is_laid_out (const HsGraphEdge *edge)
{
  return edge->n_points >= 2 && edge->points != NULL;
}

/* @edge as it is drawn: its layout, or, for an edge without one, the
 * layout's straight edge between the boxes, made in @straight with its
 * points in @points. NULL for an edge without a layout that is not drawn:
 * an end hidden, or a self-reference. */
static const HsGraphEdge *
drawn_edge (HsGraphView       *self,
            const HsGraphEdge *edge,
            HsGraphEdge       *straight,
            double             points[8])
{
  const HsGraphNode *from, *to;

  if (edge_is_laid_out (edge))
    return edge;
  from = hs_ref_graph_node (self->graph, edge->from);
  to = hs_ref_graph_node (self->graph, edge->to);
  if (!node_is_shown (from) || !node_is_shown (to) || edge->from == edge->to)
    return NULL;
  *straight = *edge;
  hs_graph_route_straight (from, to, points, &straight->arrow_x, &straight->arrow_y,
                           &straight->label_x, &straight->label_y);
  straight->points = points;
  straight->n_points = 4;
  straight->has_arrow = TRUE;
  return straight;
}

/* The middle of a drawn edge, where its label goes when the layout put none. */
static void
edge_middle (const HsGraphEdge *edge,
             double            *x,
             double            *y)
{
  const double *p = edge->points;

  if ((edge->n_points - 1) % 3 == 0)
    {
      guint segment = (edge->n_points - 1) / 3 / 2;
      const double *s = p + segment * 6;

      /* The cubic's point at t = 1/2. */
      *x = (s[0] + 3 * s[2] + 3 * s[4] + s[6]) / 8;
      *y = (s[1] + 3 * s[3] + 3 * s[5] + s[7]) / 8;
    }
  else
    {
      guint middle = edge->n_points / 2;

      *x = (p[2 * (middle - 1)] + p[2 * middle]) / 2;
      *y = (p[2 * (middle - 1) + 1] + p[2 * middle + 1]) / 2;
    }
}

/* -- Colours --------------------------------------------------------------- */

static gboolean
lookup_color (GtkWidget  *widget,
              const char *name,
              GdkRGBA    *color)
{
  gboolean found;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return found;
}

static GdkRGBA
mix (const GdkRGBA *under,
     const GdkRGBA *over,
     double         amount)
{
  return (GdkRGBA) { under->red + (over->red - under->red) * amount,
                     under->green + (over->green - under->green) * amount,
                     under->blue + (over->blue - under->blue) * amount, 1 };
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* The style's colours (libadwaita's named colours, with fallbacks for a
 * plain GTK theme); dark when the text is light. Sizes go from a tint of the
 * background to a strong purple: the hue nothing else in the view uses (the
 * accent marks the path and the selection, green the roots, the warning
 * colour cycles), with the text colour readable on every step. */
static void
update_palette (HsGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  Palette *palette = &self->palette;
  GdkRGBA hue;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &palette->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  palette->dark = 0.2126 * palette->fg.red + 0.7152 * palette->fg.green + 0.0722 * palette->fg.blue > 0.5;
  if (!lookup_color (widget, "view_bg_color", &palette->bg) &&
      !lookup_color (widget, "theme_base_color", &palette->bg))
    palette->bg = palette->dark ? (GdkRGBA) { 0.118, 0.118, 0.118, 1 } : (GdkRGBA) { 1, 1, 1, 1 };
  if (!lookup_color (widget, "accent_color", &palette->accent) &&
      !lookup_color (widget, "theme_selected_bg_color", &palette->accent))
    palette->accent = palette->dark ? (GdkRGBA) { 0.471, 0.682, 0.929, 1 } : (GdkRGBA) { 0.110, 0.443, 0.847, 1 };
  if (!lookup_color (widget, "warning_color", &palette->warning))
    palette->warning = palette->dark ? (GdkRGBA) { 0.973, 0.894, 0.361, 1 } : (GdkRGBA) { 0.612, 0.431, 0.012, 1 };
  if (!lookup_color (widget, "success_color", &palette->success))
    palette->success = palette->dark ? (GdkRGBA) { 0.561, 0.941, 0.643, 1 } : (GdkRGBA) { 0.106, 0.522, 0.325, 1 };
  /* Adwaita purple 2 on dark, purple 3 on light. */
  hue = palette->dark ? (GdkRGBA) { 0.753, 0.380, 0.796, 1 } : (GdkRGBA) { 0.569, 0.255, 0.675, 1 };
  for (guint i = 0; i < N_RAMP; i++)
    palette->ramp[i] = mix (&palette->bg, &hue, (palette->dark ? 0.10 : 0.07) + 0.48 * i / (N_RAMP - 1));
  palette->more = mix (&palette->bg, &palette->fg, 0.04);
  self->palette_valid = TRUE;
}

static const Palette *
get_palette (HsGraphView *self)
{
  if (!self->palette_valid)
    update_palette (self);
  return &self->palette;
}

/* -- Text ------------------------------------------------------------------- */

/* Text @size points high (at the text zoom), @width wide at most (0: no
 * limit), ellipsized and centred; its height in points. */
static PangoLayout *
make_layout (HsGraphView *self,
             const char  *text,
             double       size,
             gboolean     bold,
             double       width,
             double      *height)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontDescription *font = pango_font_description_copy (pango_context_get_font_description (context));
  PangoRectangle logical;

  pango_font_description_set_absolute_size (font, MAX (size * self->text_zoom, 1) * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * self->text_zoom * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
    }
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  pango_layout_get_extents (layout, NULL, &logical);
  if (height != NULL)
    *height = (double) logical.height / PANGO_SCALE / self->text_zoom;
  return layout;
}

/* Where text set at the text zoom goes: widget coordinates of the point
 * (@x, @y), scaled by zoom / text zoom; whole pixels when that is 1. */
static void
place_text (HsGraphView *self,
            cairo_t     *cr,
            double       x,
            double       y)
{
  double scale = self->zoom / self->text_zoom;

  x = screen_x (self, x);
  y = screen_y (self, y);
  if (fabs (scale - 1) < 1e-6)
    {
      cairo_translate (cr, round (x), round (y));
      return;
    }
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
}

static const char *
root_caption (HsRootKind root)
{
  switch (root)
    {
    case HS_ROOT_MODULE:
      return C_("root kind", "module");
    case HS_ROOT_FRAME:
      return C_("root kind", "frame");
    case HS_ROOT_CLASS:
      return C_("root kind", "class");
    case HS_ROOT_SYS_MODULES:
      return C_("root kind", "sys.modules");
    case HS_ROOT_NONE:
    default:
      return NULL;
    }
}

/* A node's two lines: type and short text, or "+K more" and what of. */
static void
node_lines (HsGraphView       *self,
            const HsGraphNode *node,
            char             **title,
            char             **detail)
{
  if (node->flags & HS_GRAPH_NODE_MORE)
    {
      g_autofree char *count = hs_format_count (node->more);

      *title = g_strdup_printf (_("+%s more"), count);
      *detail = g_strdup (node->more_direction == HS_GRAPH_REFERENTS ? _("referents") : _("referrers"));
      return;
    }
  *title = g_strdup (node->object->type_name != NULL ? node->object->type_name : "?");
  *detail = g_strdup (node->object->text);
}

/* The font size that fits two lines in the box. */
static double
node_font (const HsGraphNode *node)
{
  return CLAMP ((node->height - 4) / 2.6, 4, NODE_FONT);
}

static void
ensure_node_layouts (HsGraphView *self,
                     guint        index)
{
  NodeCache *cache = &self->nodes[index];
  const HsGraphNode *node = hs_ref_graph_node (self->graph, index);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  double width = MAX (node->width - 2 * NODE_PAD_X, 1);

  if (cache->title != NULL)
    return;
  node_lines (self, node, &title, &detail);
  cache->title = make_layout (self, title, cache->font, TRUE, width, &cache->title_h);
  if (detail != NULL && *detail != '\0')
    cache->detail = make_layout (self, detail, cache->font * 0.95, FALSE, width, &cache->detail_h);
}

static void
ensure_edge_label (HsGraphView *self,
                   guint        index)
{
  EdgeCache *cache = &self->edges[index];
  g_autofree char *text = NULL;
  PangoRectangle logical;

  if (cache->label_made)
    return;
  cache->label_made = TRUE;
  text = hs_graph_edge_describe (hs_ref_graph_edge (self->graph, index));
  if (text == NULL || *text == '\0')
    return;
  cache->label = make_layout (self, text, LABEL_FONT, FALSE, 0, NULL);
  pango_layout_get_extents (cache->label, NULL, &logical);
  cache->label_w = (double) logical.width / PANGO_SCALE / self->text_zoom;
  cache->label_h = (double) logical.height / PANGO_SCALE / self->text_zoom;
}

static void
clear_text (HsGraphView *self)
{
  guint n_nodes = self->graph != NULL ? self->graph->nodes->len : 0;
  guint n_edges = self->graph != NULL ? self->graph->edges->len : 0;

  for (guint i = 0; i < n_nodes && self->nodes != NULL; i++)
    {
      g_clear_object (&self->nodes[i].title);
      g_clear_object (&self->nodes[i].detail);
    }
  for (guint i = 0; i < n_edges && self->edges != NULL; i++)
    {
      g_clear_object (&self->edges[i].label);
      self->edges[i].label_made = FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->captions); i++)
    g_clear_object (&self->captions[i]);
}

static void invalidate_picture (HsGraphView *self);

static gboolean
on_text_settled (gpointer data)
{
  HsGraphView *self = data;

  self->text_settle_source = 0;
  if (self->text_zoom != self->zoom)
    {
      clear_text (self);
      self->text_zoom = self->zoom;
      invalidate_picture (self);
    }
  else if (self->tile_zoom != self->zoom)
    invalidate_picture (self);
  return G_SOURCE_REMOVE;
}

/* Before text is drawn: set it again now when the zoom is far from its
 * own, else once the zoom has been still a moment. */
static void
update_text_zoom (HsGraphView *self)
{
  double ratio = self->text_zoom > 0 ? self->zoom / self->text_zoom : 0;

  if (ratio == 1)
    return;
  if (ratio <= 0 || ratio > TEXT_RESET_RATIO || ratio < 1 / TEXT_RESET_RATIO)
    {
      clear_text (self);
      self->text_zoom = self->zoom;
      return;
    }
  if (self->text_settle_source == 0)
    self->text_settle_source = g_timeout_add (TEXT_SETTLE_MS, on_text_settled, self);
}

/* -- The graph's derived data ----------------------------------------------- */

static void
clear_derived (HsGraphView *self)
{
  clear_text (self);
  g_clear_pointer (&self->nodes, g_free);
  g_clear_pointer (&self->edges, g_free);
  g_clear_pointer (&self->adjacency_start, g_free);
  g_clear_pointer (&self->adjacency, g_free);
  g_clear_pointer (&self->clusters, g_free);
  g_clear_pointer (&self->order, g_free);
  self->n_clusters = 0;
  self->n_order = 0;
  self->has_bounds = FALSE;
}

static gint64
node_size (const HsGraphNode *node)
{
  return node->deep >= 0 ? node->deep : node->object->flat;
}

static int
compare_by_y (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  HsRefGraph *graph = data;
  const HsGraphNode *first = hs_ref_graph_node (graph, *(const guint *) a);
  const HsGraphNode *second = hs_ref_graph_node (graph, *(const guint *) b);

  if (first->y != second->y)
    return first->y < second->y ? -1 : 1;
  return (first->x > second->x) - (first->x < second->x);
}

static int
compare_by_x (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  HsRefGraph *graph = data;
  const HsGraphNode *first = hs_ref_graph_node (graph, *(const guint *) a);
  const HsGraphNode *second = hs_ref_graph_node (graph, *(const guint *) b);

  return (first->x > second->x) - (first->x < second->x);
}

/* Reading order: rows from the top (nodes whose centres are within half a
 * box of the row's first), each from the left. */
static void
build_order (HsGraphView *self)
{
  HsRefGraph *graph = self->graph;
  guint row = 0;

  self->order = g_new (guint, MAX (graph->nodes->len, 1));
  for (guint i = 0; i < graph->nodes->len; i++)
    if (node_is_shown (hs_ref_graph_node (graph, i)))
      self->order[self->n_order++] = i;
  g_qsort_with_data (self->order, self->n_order, sizeof (guint), compare_by_y, graph);
  while (row < self->n_order)
    {
      const HsGraphNode *first = hs_ref_graph_node (graph, self->order[row]);
      guint end = row + 1;

      while (end < self->n_order && hs_ref_graph_node (graph, self->order[end])->y - first->y < first->height / 2)
        end++;
      g_qsort_with_data (self->order + row, end - row, sizeof (guint), compare_by_x, graph);
      row = end;
    }
}

static void
build_derived (HsGraphView *self)
{
  HsRefGraph *graph = self->graph;
  guint n_nodes = graph->nodes->len;
  guint n_edges = graph->edges->len;
  double least = G_MAXDOUBLE;
  double most = -G_MAXDOUBLE;
  gboolean empty = TRUE;
  int largest_cluster = -1;

  self->nodes = g_new0 (NodeCache, MAX (n_nodes, 1));
  self->edges = g_new0 (EdgeCache, MAX (n_edges, 1));

  /* Sizes on a log scale, from the smallest in the graph to the largest. */
  for (guint i = 0; i < n_nodes; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);
      double size = log2 (MAX (node_size (node), 0) + 1.0);

      if (node->flags & HS_GRAPH_NODE_MORE)
        continue;
      least = MIN (least, size);
      most = MAX (most, size);
    }
  for (guint i = 0; i < n_nodes; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, i);
      double size = log2 (MAX (node_size (node), 0) + 1.0);
      double t = most - least >= 1 ? (size - least) / (most - least) : 0.35;
      graphene_rect_t box;

      self->nodes[i].ramp = (guint8) CLAMP (lround (t * (N_RAMP - 1)), 0, N_RAMP - 1);
      self->nodes[i].font = node_font (node);
      largest_cluster = MAX (largest_cluster, node->cluster);
      if (!node_is_shown (node))
        continue;
      node_box (node, &box);
      rect_add_point (&self->bounds, &empty, box.origin.x, box.origin.y - (node->object->root != HS_ROOT_NONE ? CAPTION_TAB : 0));
      rect_add_point (&self->bounds, &empty, box.origin.x + box.size.width, box.origin.y + box.size.height);
    }

  /* Clusters: the box around each connected part's nodes. */
  self->n_clusters = largest_cluster + 1;
  self->clusters = g_new0 (graphene_rect_t, MAX (self->n_clusters, 1));
  {
    g_autofree gboolean *cluster_empty = g_new (gboolean, MAX (self->n_clusters, 1));

    for (guint c = 0; c < self->n_clusters; c++)
      cluster_empty[c] = TRUE;
    for (guint i = 0; i < n_nodes; i++)
      {
        const HsGraphNode *node = hs_ref_graph_node (graph, i);
        graphene_rect_t box;

        if (node->cluster < 0 || !node_is_shown (node))
          continue;
        node_box (node, &box);
        graphene_rect_inset (&box, -CLUSTER_PAD, -CLUSTER_PAD);
        if (node->object->root != HS_ROOT_NONE)
          {
            box.origin.y -= CAPTION_TAB;
            box.size.height += CAPTION_TAB;
          }
        rect_add_point (&self->clusters[node->cluster], &cluster_empty[node->cluster], box.origin.x, box.origin.y);
        rect_add_point (&self->clusters[node->cluster], &cluster_empty[node->cluster],
                        box.origin.x + box.size.width, box.origin.y + box.size.height);
      }
    for (guint c = 0; c < self->n_clusters; c++)
      if (!cluster_empty[c])
        {
          rect_add_point (&self->bounds, &empty, self->clusters[c].origin.x, self->clusters[c].origin.y);
          rect_add_point (&self->bounds, &empty, self->clusters[c].origin.x + self->clusters[c].size.width,
                          self->clusters[c].origin.y + self->clusters[c].size.height);
        }
  }

  /* Edges: bounding boxes, label places, and each node's edges. */
  self->adjacency_start = g_new0 (guint, n_nodes + 1);
  self->adjacency = g_new (guint, MAX (2 * n_edges, 1));
  for (guint e = 0; e < n_edges; e++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, e);
      EdgeCache *cache = &self->edges[e];
      gboolean edge_empty = TRUE;
      HsGraphEdge straight;
      double points[8];
      const HsGraphEdge *drawn = drawn_edge (self, edge, &straight, points);

      self->adjacency_start[edge->from + 1]++;
      if (edge->to != edge->from)
        self->adjacency_start[edge->to + 1]++;
      if (drawn != NULL)
        {
          for (guint p = 0; p < drawn->n_points; p++)
            rect_add_point (&cache->box, &edge_empty, drawn->points[2 * p], drawn->points[2 * p + 1]);
          if (drawn->has_arrow)
            rect_add_point (&cache->box, &edge_empty, drawn->arrow_x, drawn->arrow_y);
        }
      if (drawn == NULL)
        cache->label_x = cache->label_y = 0;
      else if (drawn->label_x != 0 || drawn->label_y != 0)
        {
          cache->label_x = drawn->label_x;
          cache->label_y = drawn->label_y;
        }
      else
        edge_middle (drawn, &cache->label_x, &cache->label_y);
      cache->has_box = !edge_empty;
      if (!edge_empty)
        {
          rect_add_point (&self->bounds, &empty, cache->box.origin.x, cache->box.origin.y);
          rect_add_point (&self->bounds, &empty, cache->box.origin.x + cache->box.size.width,
                          cache->box.origin.y + cache->box.size.height);
        }
    }
  for (guint i = 0; i < n_nodes; i++)
    self->adjacency_start[i + 1] += self->adjacency_start[i];
  {
    g_autofree guint *filled = g_new0 (guint, MAX (n_nodes, 1));

    for (guint e = 0; e < n_edges; e++)
      {
        const HsGraphEdge *edge = hs_ref_graph_edge (graph, e);

        self->adjacency[self->adjacency_start[edge->from] + filled[edge->from]++] = e;
        if (edge->to != edge->from)
          self->adjacency[self->adjacency_start[edge->to] + filled[edge->to]++] = e;
      }
  }

  if (empty && graph->width > 0 && graph->height > 0)
    {
      graphene_rect_init (&self->bounds, 0, 0, graph->width, graph->height);
      empty = FALSE;
    }
  self->has_bounds = !empty;
  build_order (self);
}

/* -- Tiles ------------------------------------------------------------------ */

static void draw_picture (gpointer  data,
                          cairo_t  *cr);

static inline gint64
tile_key (int col,
          int row)
{
  return (gint64) ((guint64) (guint32) col << 32 | (guint32) row);
}

static void
tile_free (gpointer data)
{
  Tile *tile = data;

  g_clear_pointer (&tile->picture, gsk_render_node_unref);
  g_free (tile);
}

static GHashTable *
tiles_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, tile_free);
}

static Tile *
find_tile (GHashTable *tiles,
           int         col,
           int         row)
{
  gint64 key = tile_key (col, row);

  return g_hash_table_lookup (tiles, &key);
}

/* The tiles become the old ones, shown until new ones cover the view. */
static void
retire_tiles (HsGraphView *self)
{
  if (g_hash_table_size (self->tiles) > 0)
    {
      g_hash_table_unref (self->old_tiles);
      self->old_tiles = g_steal_pointer (&self->tiles);
      self->old_tile_zoom = self->tile_zoom;
      self->tiles = tiles_new ();
    }
  self->tile_zoom = 0;
}

static void
drop_tiles (HsGraphView *self)
{
  g_hash_table_remove_all (self->tiles);
  g_hash_table_remove_all (self->old_tiles);
  self->tile_zoom = 0;
}

/* draw_picture draws the view: the tile is made the view while it draws. */
static void
render_tile (HsGraphView *self,
             int          col,
             int          row)
{
  double zoom = self->zoom;
  double offset_x = self->offset_x;
  double offset_y = self->offset_y;
  int width = self->width;
  int height = self->height;
  Tile *tile = g_new0 (Tile, 1);

  self->zoom = self->tile_zoom;
  self->offset_x = -(double) col * TILE_PX;
  self->offset_y = -(double) row * TILE_PX;
  self->width = self->height = TILE_PX;
  self->text_pending = FALSE;
  tile->picture = hs_chart_render_picture (GTK_WIDGET (self), TILE_PX, TILE_PX, draw_picture, self);
  tile->complete = !self->text_pending;
  self->zoom = zoom;
  self->offset_x = offset_x;
  self->offset_y = offset_y;
  self->width = width;
  self->height = height;

  tile->key = tile_key (col, row);
  tile->frame = self->frame;
  /* Replaced, not inserted: the key lives in the tile. */
  g_hash_table_replace (self->tiles, &tile->key, tile);
}

/* Where tile (@col, @row) is not drawn yet, the old tiles under it, scaled
 * (the snapshot is in tile pixels). */
static void
snapshot_old_tiles (HsGraphView *self,
                    GtkSnapshot *snapshot,
                    int          col,
                    int          row)
{
  double ratio = self->tile_zoom / self->old_tile_zoom;
  int first_col = floor (col * TILE_PX / ratio / TILE_PX);
  int last_col = ceil ((col + 1) * TILE_PX / ratio / TILE_PX) - 1;
  int first_row = floor (row * TILE_PX / ratio / TILE_PX);
  int last_row = ceil ((row + 1) * TILE_PX / ratio / TILE_PX) - 1;

  /* Far smaller old tiles are not worth their cost: the new one comes soon. */
  if (g_hash_table_size (self->old_tiles) == 0 ||
      (gint64) (last_col - first_col + 1) * (last_row - first_row + 1) > 16)
    return;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (col * TILE_PX, row * TILE_PX, TILE_PX, TILE_PX));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, ratio, ratio);
  for (int r = first_row; r <= last_row; r++)
    for (int c = first_col; c <= last_col; c++)
      {
        Tile *tile = find_tile (self->old_tiles, c, r);

        if (tile == NULL)
          continue;
        gtk_snapshot_save (snapshot);
        gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (c * TILE_PX, r * TILE_PX));
        gtk_snapshot_append_node (snapshot, tile->picture);
        gtk_snapshot_restore (snapshot);
      }
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static gboolean
tile_is_stale (gpointer key,
               gpointer value,
               gpointer data)
{
  const Tile *tile = value;
  const HsGraphView *self = data;

  return tile->frame != self->frame;
}

/* The tiles in view: those missing are drawn first, then those with text
 * left to set, while the frame's budget lasts. Where the tiles are at the
 * view's zoom they sit on whole pixels: the view is moved by @shift_x,
 * @shift_y for that, and what is drawn over them must be too. */
static void
snapshot_tiles (HsGraphView *self,
                GtkSnapshot *snapshot,
                double      *shift_x,
                double      *shift_y)
{
  gint64 deadline = g_get_monotonic_time () + TILE_BUDGET_US;
  double ratio = self->tile_zoom > 0 ? self->zoom / self->tile_zoom : 0;
  double origin_x = self->offset_x;
  double origin_y = self->offset_y;
  double scale;
  int first_col, last_col, first_row, last_row;
  guint in_view;
  gboolean pending = FALSE;
  gboolean missing = FALSE;

  if (ratio > TEXT_RESET_RATIO || ratio < 1 / TEXT_RESET_RATIO)
    retire_tiles (self);
  if (self->tile_zoom == 0)
    self->tile_zoom = self->zoom;
  else if (self->zoom != self->tile_zoom && self->text_settle_source == 0)
    self->text_settle_source = g_timeout_add (TEXT_SETTLE_MS, on_text_settled, self);
  scale = self->zoom / self->tile_zoom;
  if (scale == 1)
    {
      origin_x = round (origin_x);
      origin_y = round (origin_y);
    }
  *shift_x = origin_x - self->offset_x;
  *shift_y = origin_y - self->offset_y;
  first_col = floor (-origin_x / scale / TILE_PX);
  last_col = ceil ((self->width - origin_x) / scale / TILE_PX) - 1;
  first_row = floor (-origin_y / scale / TILE_PX);
  last_row = ceil ((self->height - origin_y) / scale / TILE_PX) - 1;
  in_view = (guint) (last_col - first_col + 1) * (guint) (last_row - first_row + 1);

  self->frame++;
  self->text_deadline = g_get_monotonic_time () + TEXT_BUDGET_US;
  for (int pass = 0; pass < 2; pass++)
    for (int row = first_row; row <= last_row; row++)
      for (int col = first_col; col <= last_col; col++)
        {
          Tile *tile = find_tile (self->tiles, col, row);

          if ((pass == 0 ? tile == NULL : tile != NULL && !tile->complete) &&
              g_get_monotonic_time () < deadline)
            render_tile (self, col, row);
        }

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (origin_x, origin_y));
  gtk_snapshot_scale (snapshot, scale, scale);
  for (int row = first_row; row <= last_row; row++)
    for (int col = first_col; col <= last_col; col++)
      {
        Tile *tile = find_tile (self->tiles, col, row);

        if (tile == NULL)
          {
            missing = TRUE;
            snapshot_old_tiles (self, snapshot, col, row);
            continue;
          }
        tile->frame = self->frame;
        pending = pending || !tile->complete;
        gtk_snapshot_save (snapshot);
        gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (col * TILE_PX, row * TILE_PX));
        gtk_snapshot_append_node (snapshot, tile->picture);
        gtk_snapshot_restore (snapshot);
      }
  gtk_snapshot_restore (snapshot);

  if (!missing)
    g_hash_table_remove_all (self->old_tiles);
  if (g_hash_table_size (self->tiles) > TILES_KEPT * in_view)
    g_hash_table_foreach_remove (self->tiles, tile_is_stale, self);
  self->tiles_pending = pending || missing;
}

/* -- The view ---------------------------------------------------------------- */

/* The picture changed (its text, its style): its tiles are drawn again. */
static void
invalidate_picture (HsGraphView *self)
{
  retire_tiles (self);
  self->frame_due = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_hover (HsGraphView *self)
{
  int hovered = self->pointer_inside && !self->dragging
    ? hs_graph_view_node_at (self, self->pointer_x, self->pointer_y) : -1;

  if (hovered == self->hovered)
    return;
  self->hovered = hovered;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_view (HsGraphView *self,
          double       zoom,
          double       offset_x,
          double       offset_y)
{
  gboolean zoom_changed = zoom != self->zoom;

  if (!zoom_changed && offset_x == self->offset_x && offset_y == self->offset_y)
    return;
  self->zoom = zoom;
  self->offset_x = offset_x;
  self->offset_y = offset_y;
  self->frame_due = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_hover (self);
  if (zoom_changed)
    {
      /* Still zooming: the text waits until it stops. */
      if (self->text_settle_source != 0)
        {
          g_source_remove (self->text_settle_source);
          self->text_settle_source = g_timeout_add (TEXT_SETTLE_MS, on_text_settled, self);
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ZOOM]);
    }
}

/* The zoom that shows the whole graph, or 0 without a graph or a size. */
static double
fit_zoom (HsGraphView *self)
{
  double available_w = MAX (self->width - 2 * FIT_MARGIN, 1);
  double available_h = MAX (self->height - 2 * FIT_MARGIN, 1);

  if (!self->has_bounds || self->width <= 0 || self->height <= 0)
    return 0;
  return MIN (FIT_MAX_ZOOM, MIN (available_w / MAX (self->bounds.size.width, 1),
                                 available_h / MAX (self->bounds.size.height, 1)));
}

static double
clamp_zoom (HsGraphView *self,
            double       zoom)
{
  double fit = fit_zoom (self);
  double least = fit > 0 ? MIN (HS_GRAPH_VIEW_MIN_ZOOM, fit) : HS_GRAPH_VIEW_MIN_ZOOM;

  if (!isfinite (zoom))
    return self->zoom;
  return CLAMP (zoom, least, HS_GRAPH_VIEW_MAX_ZOOM);
}

/* Moves the view the least that shows the node whole (centred when it is
 * larger than the view). */
static void
scroll_to_node (HsGraphView *self,
                int          index)
{
  const HsGraphNode *node;
  graphene_rect_t box;
  double margin = 16;
  double dx = 0, dy = 0;

  if (self->graph == NULL || index < 0 || self->width <= 0 || self->height <= 0)
    return;
  node = hs_ref_graph_node (self->graph, index);
  if (!node_is_shown (node))
    return;
  node_screen_box (self, node, &box);
  if (box.size.width + 2 * margin > self->width)
    dx = self->width / 2.0 - (box.origin.x + box.size.width / 2);
  else if (box.origin.x < margin)
    dx = margin - box.origin.x;
  else if (box.origin.x + box.size.width > self->width - margin)
    dx = self->width - margin - box.origin.x - box.size.width;
  if (box.size.height + 2 * margin > self->height)
    dy = self->height / 2.0 - (box.origin.y + box.size.height / 2);
  else if (box.origin.y < margin)
    dy = margin - box.origin.y;
  else if (box.origin.y + box.size.height > self->height - margin)
    dy = self->height - margin - box.origin.y - box.size.height;
  if (dx != 0 || dy != 0)
    {
      self->fitted = FALSE;
      set_view (self, self->zoom, self->offset_x + dx, self->offset_y + dy);
    }
}

static void
update_accessible (HsGraphView *self)
{
  g_autofree char *description = hs_graph_view_describe_node (self, self->selected);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "", -1);
}

static void
select_node (HsGraphView *self,
             int          index,
             gboolean     scroll)
{
  if (scroll)
    scroll_to_node (self, index);
  if (index == self->selected)
    return;
  self->selected = index;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.activate", index >= 0);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SELECTED]);
}

/* -- Drawing ------------------------------------------------------------------ */

static void
rounded_box (cairo_t *cr,
             double   x,
             double   y,
             double   width,
             double   height,
             double   radius)
{
  if (width <= 0 || height <= 0)
    return;
  radius = MIN (radius, MIN (width, height) / 2);
  /* Corners rounded by less than a pixel and a half look square. */
  if (radius < 1.5)
    {
      cairo_rectangle (cr, x, y, width, height);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* A node's outline, @outset pixels outside its box: square for roots. */
static void
node_outline (HsGraphView       *self,
              cairo_t           *cr,
              const HsGraphNode *node,
              double             outset)
{
  graphene_rect_t box;
  double radius = node->object->root != HS_ROOT_NONE ? 0 : NODE_RADIUS * self->zoom;

  node_screen_box (self, node, &box);
  rounded_box (cr, box.origin.x - outset, box.origin.y - outset, box.size.width + 2 * outset,
               box.size.height + 2 * outset, radius > 0 ? radius + outset : 0);
}

/* Line widths in pixels: thin when far, a little heavier when near. */
static double
edge_width (HsGraphView *self)
{
  return CLAMP (self->zoom * 1.2, 0.8, 1.6);
}

/* Whether (@bx, @by) is within a third of a pixel of the segment from
 * (@ax, @ay) to (@dx, @dy). */
static inline gboolean
flat_enough (double ax,
             double ay,
             double bx,
             double by,
             double dx,
             double dy)
{
  double ux = dx - ax, uy = dy - ay;
  double vx = bx - ax, vy = by - ay;
  double length2 = ux * ux + uy * uy;
  double t = length2 > 0 ? (vx * ux + vy * uy) / length2 : 0;

  if (t < 0 || t > 1)
    return vx * vx + vy * vy < 0.1 && (bx - dx) * (bx - dx) + (by - dy) * (by - dy) < 0.1;
  return (vx - t * ux) * (vx - t * ux) + (vy - t * uy) * (vy - t * uy) < 0.1;
}

static void
edge_path (HsGraphView       *self,
           cairo_t           *cr,
           const HsGraphEdge *edge)
{
  HsGraphEdge straight;
  double points[8];
  const double *p;

  if ((edge = drawn_edge (self, edge, &straight, points)) == NULL)
    return;
  p = edge->points;
  cairo_move_to (cr, screen_x (self, p[0]), screen_y (self, p[1]));
  if ((edge->n_points - 1) % 3 == 0)
    {
      for (guint i = 1; i + 2 < edge->n_points; i += 3)
        {
          double ax = screen_x (self, p[2 * i - 2]), ay = screen_y (self, p[2 * i - 1]);
          double bx = screen_x (self, p[2 * i]), by = screen_y (self, p[2 * i + 1]);
          double cx = screen_x (self, p[2 * i + 2]), cy = screen_y (self, p[2 * i + 3]);
          double dx = screen_x (self, p[2 * i + 4]), dy = screen_y (self, p[2 * i + 5]);

          /* A cubic within its control polygon: when that is flat to a
           * third of a pixel, a line draws the same, far cheaper. */
          if (flat_enough (ax, ay, bx, by, dx, dy) && flat_enough (ax, ay, cx, cy, dx, dy))
            cairo_line_to (cr, dx, dy);
          else
            cairo_curve_to (cr, bx, by, cx, cy, dx, dy);
        }
    }
  else
    {
      for (guint i = 1; i < edge->n_points; i++)
        cairo_line_to (cr, screen_x (self, p[2 * i]), screen_y (self, p[2 * i + 1]));
    }
}

/* The arrow head: from the spline's end to the tip, as Graphviz leaves room for it. */
static void
arrow_path (HsGraphView       *self,
            cairo_t           *cr,
            const HsGraphEdge *edge)
{
  HsGraphEdge straight;
  double points[8];
  double base_x, base_y, tip_x, tip_y, dx, dy, length, half;

  if ((edge = drawn_edge (self, edge, &straight, points)) == NULL || !edge->has_arrow)
    return;
  base_x = edge->points[2 * (edge->n_points - 1)];
  base_y = edge->points[2 * (edge->n_points - 1) + 1];
  tip_x = edge->arrow_x;
  tip_y = edge->arrow_y;
  dx = tip_x - base_x;
  dy = tip_y - base_y;
  length = hypot (dx, dy);
  /* Under a pixel and a half, the line's end says as much. */
  if (length < 1e-6 || length * self->zoom < 1.5)
    return;
  half = length * 0.38;
  cairo_move_to (cr, screen_x (self, tip_x), screen_y (self, tip_y));
  cairo_line_to (cr, screen_x (self, base_x - dy / length * half), screen_y (self, base_y + dx / length * half));
  cairo_line_to (cr, screen_x (self, base_x + dy / length * half), screen_y (self, base_y - dx / length * half));
  cairo_close_path (cr);
}

typedef enum
{
  EDGE_PLAIN,
  EDGE_CYCLE,
  EDGE_PATH,
  EDGE_HOVER,
  N_EDGE_STYLES
} EdgeStyle;

static EdgeStyle
edge_style (const HsGraphEdge *edge)
{
  if (edge->flags & HS_GRAPH_EDGE_ON_PATH)
    return EDGE_PATH;
  if (edge->flags & HS_GRAPH_EDGE_IN_CYCLE)
    return EDGE_CYCLE;
  return EDGE_PLAIN;
}

/* Strokes the edges @indexes in @style, then fills their arrow heads. */
static void
draw_edges (HsGraphView  *self,
            cairo_t      *cr,
            const guint  *indexes,
            guint         n,
            EdgeStyle     style,
            gboolean      emphasis)
{
  const Palette *palette = get_palette (self);
  double width = edge_width (self);
  double scale = CLAMP (self->zoom, 0.6, 2);
  const double dashes[] = { 5 * scale, 3.5 * scale };
  const GdkRGBA *color = &palette->fg;
  double alpha = palette->dark ? 0.5 : 0.42;

  if (n == 0)
    return;
  switch (style)
    {
    case EDGE_PATH:
      color = &palette->accent;
      alpha = 1;
      width = width * 1.8 + 0.6;
      break;
    case EDGE_CYCLE:
      color = &palette->warning;
      alpha = 0.95;
      width = width * 1.3;
      cairo_set_dash (cr, dashes, 2, 0);
      break;
    case EDGE_HOVER:
      alpha = 0.85;
      width += 0.8;
      break;
    case EDGE_PLAIN:
    case N_EDGE_STYLES:
    default:
      break;
    }
  if (emphasis && style != EDGE_HOVER)
    width += 0.8;
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
  cairo_set_line_width (cr, width);
  /* Far out, thousands of hairlines: coarser antialiasing looks the same. */
  cairo_set_antialias (cr, self->zoom < 0.35 ? CAIRO_ANTIALIAS_FAST : CAIRO_ANTIALIAS_DEFAULT);
  set_source (cr, color, alpha);
  for (guint i = 0; i < n; i++)
    {
      edge_path (self, cr, hs_ref_graph_edge (self->graph, indexes[i]));
      /* Cairo takes longer per edge the longer the path: strokes of a few
       * hundred edges each. */
      if (i % 256 == 255)
        cairo_stroke (cr);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
  for (guint i = 0; i < n; i++)
    arrow_path (self, cr, hs_ref_graph_edge (self->graph, indexes[i]));
  cairo_fill (cr);
}

/* How a node's border is drawn: the asked node thick in the accent colour,
 * the path in it, roots in green, "+K more" dashed. */
static void
node_border (HsGraphView       *self,
             const HsGraphNode *node,
             const GdkRGBA    **color,
             double            *alpha,
             double            *width,
             gboolean          *dashed)
{
  const Palette *palette = get_palette (self);
  double base = CLAMP (self->zoom, 0.8, 1.4);

  *dashed = FALSE;
  if (node->flags & HS_GRAPH_NODE_ASKED)
    {
      *color = &palette->accent;
      *alpha = 1;
      *width = base * 2.5 + 0.5;
    }
  else if (node->flags & HS_GRAPH_NODE_ON_PATH)
    {
      *color = &palette->accent;
      *alpha = 1;
      *width = base * 1.6 + 0.2;
    }
  else if (node->object->root != HS_ROOT_NONE)
    {
      *color = &palette->success;
      *alpha = 1;
      *width = base * 1.6;
    }
  else if (node->flags & HS_GRAPH_NODE_MORE)
    {
      *color = &palette->fg;
      *alpha = MORE_ALPHA;
      *width = base;
      *dashed = TRUE;
    }
  else
    {
      *color = &palette->fg;
      *alpha = palette->dark ? 0.4 : 0.32;
      *width = base * 0.9;
    }
}

static gboolean
node_is_plain (const HsGraphNode *node)
{
  return !(node->flags & (HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH | HS_GRAPH_NODE_MORE)) &&
         node->object->root == HS_ROOT_NONE;
}

static void
stroke_node_border (HsGraphView       *self,
                    cairo_t           *cr,
                    const HsGraphNode *node,
                    gboolean           hovered)
{
  const GdkRGBA *color;
  double alpha, width;
  gboolean dashed;
  double scale = CLAMP (self->zoom, 0.6, 2);
  const double dashes[] = { 4 * scale, 3 * scale };

  node_border (self, node, &color, &alpha, &width, &dashed);
  if (hovered)
    {
      width += 1;
      alpha = MAX (alpha, 0.8);
    }
  node_outline (self, cr, node, 0);
  if (dashed)
    cairo_set_dash (cr, dashes, 2, 0);
  cairo_set_line_width (cr, width);
  set_source (cr, color, alpha);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
fill_node (HsGraphView       *self,
           cairo_t           *cr,
           const HsGraphNode *node,
           guint              index)
{
  const Palette *palette = get_palette (self);

  node_outline (self, cr, node, 0);
  if (node->flags & HS_GRAPH_NODE_MORE)
    set_source (cr, &palette->more, 1);
  else
    set_source (cr, &palette->ramp[self->nodes[index].ramp], 1);
  cairo_fill (cr);
}

static gboolean
text_is_legible (HsGraphView *self,
                 guint        index)
{
  return self->nodes[index].font * self->zoom >= MIN_TEXT_PX;
}

/* A root's caption: a tab on the box's top left edge, in green. */
static void
draw_root_caption (HsGraphView       *self,
                   cairo_t           *cr,
                   const HsGraphNode *node)
{
  const Palette *palette = get_palette (self);
  HsRootKind root = node->object->root;
  const char *caption = root_caption (root);
  double tab_h = CAPTION_TAB;
  double left = node->x - node->width / 2;
  double top = node->y - node->height / 2 - tab_h;
  double tab_w = MIN (5 * CAPTION_FONT, node->width);
  double text_h = 0;
  gboolean legible = CAPTION_FONT * self->zoom >= MIN_CAPTION_PX;

  if (caption == NULL || tab_h * self->zoom < 2 || root >= G_N_ELEMENTS (self->captions))
    return;
  if (legible)
    {
      PangoRectangle logical;

      if (self->captions[root] == NULL)
        self->captions[root] = make_layout (self, caption, CAPTION_FONT, TRUE, 0, NULL);
      pango_layout_get_extents (self->captions[root], NULL, &logical);
      tab_w = MIN (logical.width / (double) PANGO_SCALE / self->text_zoom + 8, node->width);
      text_h = logical.height / (double) PANGO_SCALE / self->text_zoom;
    }
  cairo_rectangle (cr, screen_x (self, left), screen_y (self, top), tab_w * self->zoom, tab_h * self->zoom);
  set_source (cr, &palette->success, 1);
  cairo_fill (cr);
  if (!legible)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, screen_x (self, left), screen_y (self, top), tab_w * self->zoom, tab_h * self->zoom);
  cairo_clip (cr);
  place_text (self, cr, left + 4, top + (tab_h - text_h) / 2);
  cairo_move_to (cr, 0, 0);
  set_source (cr, &palette->bg, 1);
  pango_cairo_show_layout (cr, self->captions[root]);
  cairo_restore (cr);
}

static void
draw_node_text (HsGraphView       *self,
                cairo_t           *cr,
                const HsGraphNode *node,
                guint              index)
{
  const Palette *palette = get_palette (self);
  NodeCache *cache = &self->nodes[index];
  double top;

  ensure_node_layouts (self, index);
  top = (node->height - cache->title_h - (cache->detail != NULL ? cache->detail_h : 0)) / 2;
  cairo_save (cr);
  place_text (self, cr, node->x - node->width / 2 + NODE_PAD_X, node->y - node->height / 2 + top);
  set_source (cr, &palette->fg, node->flags & HS_GRAPH_NODE_MORE ? 0.8 : 1);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, cache->title);
  if (cache->detail != NULL)
    {
      set_source (cr, &palette->fg, 0.78);
      cairo_move_to (cr, 0, round (cache->title_h * self->text_zoom));
      pango_cairo_show_layout (cr, cache->detail);
    }
  cairo_restore (cr);
}

/* Far out, a bar per line stands for the text, sized from its length alone. */
static void
greek_node_text (HsGraphView       *self,
                 cairo_t           *cr,
                 const HsGraphNode *node,
                 guint              index)
{
  double font = self->nodes[index].font;
  double inner = node->width - 2 * NODE_PAD_X;
  const char *lines[2];
  double top = node->y - font * 1.2;

  if (node->flags & HS_GRAPH_NODE_MORE)
    return;
  lines[0] = node->object->type_name;
  lines[1] = node->object->text;
  for (guint l = 0; l < 2; l++)
    {
      double length, bar_w;

      if (lines[l] == NULL || *lines[l] == '\0')
        continue;
      length = g_utf8_strlen (lines[l], 80) * font * (l == 0 ? 0.6 : 0.5);
      bar_w = MIN (length, inner);
      cairo_rectangle (cr, screen_x (self, node->x - bar_w / 2), screen_y (self, top + l * font * 1.3 + font * 0.3),
                       bar_w * self->zoom, font * 0.6 * self->zoom);
    }
}

static void
draw_edge_label (HsGraphView *self,
                 cairo_t     *cr,
                 guint        index)
{
  const Palette *palette = get_palette (self);
  const HsGraphEdge *edge = hs_ref_graph_edge (self->graph, index);
  EdgeCache *cache = &self->edges[index];
  double x, y, w, h, pad = 2;

  ensure_edge_label (self, index);
  if (cache->label == NULL)
    return;
  w = cache->label_w * self->zoom;
  h = cache->label_h * self->zoom;
  x = screen_x (self, cache->label_x) - w / 2;
  y = screen_y (self, cache->label_y) - h / 2;
  rounded_box (cr, x - pad, y - pad / 2, w + 2 * pad, h + pad, 3);
  set_source (cr, &palette->bg, 0.85);
  cairo_fill (cr);
  cairo_save (cr);
  place_text (self, cr, cache->label_x - cache->label_w / 2, cache->label_y - cache->label_h / 2);
  cairo_move_to (cr, 0, 0);
  if (edge->flags & HS_GRAPH_EDGE_ON_PATH)
    set_source (cr, &palette->accent, 1);
  else if (edge->flags & HS_GRAPH_EDGE_IN_CYCLE)
    set_source (cr, &palette->warning, 1);
  else
    set_source (cr, &palette->fg, 0.7);
  pango_cairo_show_layout (cr, cache->label);
  cairo_restore (cr);
}

static gboolean
node_is_visible (HsGraphView           *self,
                 const HsGraphNode     *node,
                 const graphene_rect_t *visible)
{
  graphene_rect_t box;

  if (!node_is_shown (node))
    return FALSE;
  node_box (node, &box);
  if (node->object->root != HS_ROOT_NONE)
    {
      box.origin.y -= CAPTION_TAB;
      box.size.height += CAPTION_TAB;
    }
  return rects_touch (&box, visible);
}

/* The plain nodes' borders, all in one fill: a box of the border's colour
 * each, for their fills to go over, inset by the width it returns. */
static double
fill_plain_borders (HsGraphView *self,
                    cairo_t     *cr,
                    const guint *shown,
                    guint        n_shown)
{
  const Palette *palette = get_palette (self);
  HsObjectRef object = { 0 };
  HsGraphNode plain = { 0 };
  const GdkRGBA *color;
  double alpha, width;
  gboolean dashed;
  GdkRGBA border;

  plain.object = &object;
  node_border (self, &plain, &color, &alpha, &width, &dashed);
  border = mix (&palette->bg, color, alpha);
  for (guint k = 0; k < n_shown; k++)
    {
      const HsGraphNode *node = hs_ref_graph_node (self->graph, shown[k]);

      if (node_is_plain (node))
        node_outline (self, cr, node, 0);
    }
  set_source (cr, &border, 1);
  cairo_fill (cr);
  return width;
}

/* The static picture: clusters, edges by style, nodes, their text, labels. */
static void
draw_picture (gpointer  data,
              cairo_t  *cr)
{
  HsGraphView *self = data;
  const Palette *palette = get_palette (self);
  HsRefGraph *graph = self->graph;
  guint n_nodes = graph->nodes->len;
  guint n_edges = graph->edges->len;
  g_autofree guint *shown_nodes = g_new (guint, MAX (n_nodes, 1));
  guint n_shown_nodes = 0;
  guint n_by_style[N_EDGE_STYLES] = { 0 };
  guint *by_style[N_EDGE_STYLES];
  graphene_rect_t visible;
  gboolean labels = LABEL_FONT * self->zoom >= MIN_TEXT_PX;
  gint64 text_deadline = self->text_deadline;
  gboolean greek = FALSE;
  double inset = 0;

  visible_rect (self, 8, &visible);
  /* Curves flattened to a quarter pixel: as smooth, and cheaper. */
  cairo_set_tolerance (cr, 0.25);

  /* Clusters, under everything. */
  for (guint c = 0; c < self->n_clusters; c++)
    {
      const graphene_rect_t *cluster = &self->clusters[c];

      if (cluster->size.width <= 0 || !rects_touch (cluster, &visible))
        continue;
      rounded_box (cr, screen_x (self, cluster->origin.x), screen_y (self, cluster->origin.y),
                   cluster->size.width * self->zoom, cluster->size.height * self->zoom, CLUSTER_RADIUS * self->zoom);
    }
  set_source (cr, &palette->fg, 0.035);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1);
  set_source (cr, &palette->fg, 0.12);
  cairo_stroke (cr);

  /* Edges by style (plain, cycles, then the path on top), a few hundred a stroke. */
  for (guint s = 0; s < N_EDGE_STYLES; s++)
    by_style[s] = g_new (guint, MAX (n_edges, 1));
  for (guint e = 0; e < n_edges; e++)
    {
      const HsGraphEdge *edge = hs_ref_graph_edge (graph, e);
      EdgeStyle style;

      if (!self->edges[e].has_box || !rects_touch (&self->edges[e].box, &visible))
        continue;
      style = edge_style (edge);
      by_style[style][n_by_style[style]++] = e;
    }
  for (guint s = 0; s < N_EDGE_STYLES; s++)
    draw_edges (self, cr, by_style[s], n_by_style[s], s, FALSE);

  /* Nodes: a plain node is a box of its border's colour under a box of its
   * fill (fills cost a fraction of strokes), one fill per colour; the
   * other borders are stroked one by one. */
  for (guint i = 0; i < n_nodes; i++)
    if (node_is_visible (self, hs_ref_graph_node (graph, i), &visible))
      shown_nodes[n_shown_nodes++] = i;
  inset = fill_plain_borders (self, cr, shown_nodes, n_shown_nodes);
  for (guint r = 0; r < N_RAMP; r++)
    {
      gboolean any = FALSE;

      for (guint k = 0; k < n_shown_nodes; k++)
        {
          const HsGraphNode *node = hs_ref_graph_node (graph, shown_nodes[k]);

          if (self->nodes[shown_nodes[k]].ramp != r || (node->flags & HS_GRAPH_NODE_MORE))
            continue;
          node_outline (self, cr, node, node_is_plain (node) ? -inset : 0);
          any = TRUE;
        }
      if (any)
        {
          set_source (cr, &palette->ramp[r], 1);
          cairo_fill (cr);
        }
    }
  for (guint k = 0; k < n_shown_nodes; k++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, shown_nodes[k]);

      if (node->flags & HS_GRAPH_NODE_MORE)
        fill_node (self, cr, node, shown_nodes[k]);
    }
  for (guint k = 0; k < n_shown_nodes; k++)
    {
      const HsGraphNode *node = hs_ref_graph_node (graph, shown_nodes[k]);

      if (!node_is_plain (node))
        stroke_node_border (self, cr, node, FALSE);
      if (node->object->root != HS_ROOT_NONE)
        draw_root_caption (self, cr, node);
    }

  /* Text where it can be read; a bar per line where it cannot. */
  for (guint k = 0; k < n_shown_nodes; k++)
    {
      guint index = shown_nodes[k];
      const HsGraphNode *node = hs_ref_graph_node (graph, index);

      if (text_is_legible (self, index) &&
          (self->nodes[index].title != NULL || g_get_monotonic_time () < text_deadline))
        draw_node_text (self, cr, node, index);
      else if (self->nodes[index].font * self->zoom >= GREEK_TEXT_PX)
        {
          greek_node_text (self, cr, node, index);
          greek = TRUE;
          self->text_pending = self->text_pending || text_is_legible (self, index);
        }
    }
  if (greek)
    {
      set_source (cr, &palette->fg, 0.22);
      cairo_fill (cr);
    }

  if (labels)
    {
      graphene_rect_t label_visible;

      visible_rect (self, 80, &label_visible);
      for (guint e = 0; e < n_edges; e++)
        {
          EdgeCache *cache = &self->edges[e];

          if (!cache->has_box ||
              !graphene_rect_contains_point (&label_visible, &GRAPHENE_POINT_INIT (cache->label_x, cache->label_y)))
            continue;
          if (!cache->label_made && g_get_monotonic_time () >= text_deadline)
            {
              self->text_pending = TRUE;
              continue;
            }
          draw_edge_label (self, cr, e);
        }
    }
  for (guint s = 0; s < N_EDGE_STYLES; s++)
    g_free (by_style[s]);
}

/* One node again, over the picture: its fill, border, caption and text. */
static void
draw_node_again (HsGraphView *self,
                 cairo_t     *cr,
                 guint        index,
                 gboolean     hovered)
{
  const HsGraphNode *node = hs_ref_graph_node (self->graph, index);

  fill_node (self, cr, node, index);
  stroke_node_border (self, cr, node, hovered);
  if (node->object->root != HS_ROOT_NONE)
    draw_root_caption (self, cr, node);
  if (text_is_legible (self, index))
    draw_node_text (self, cr, node, index);
  else if (self->nodes[index].font * self->zoom >= GREEK_TEXT_PX)
    {
      greek_node_text (self, cr, node, index);
      set_source (cr, &get_palette (self)->fg, 0.22);
      cairo_fill (cr);
    }
}

/* The edges of @index, emphasised: each in its own colour, heavier. */
static void
draw_node_edges (HsGraphView *self,
                 cairo_t     *cr,
                 guint        index)
{
  guint start = self->adjacency_start[index];
  guint end = self->adjacency_start[index + 1];
  g_autofree guint *by_style = g_new (guint, MAX (end - start, 1));

  for (guint s = 0; s < N_EDGE_STYLES; s++)
    {
      guint n = 0;

      for (guint k = start; k < end; k++)
        {
          EdgeStyle style = edge_style (hs_ref_graph_edge (self->graph, self->adjacency[k]));

          if ((style == EDGE_PLAIN ? EDGE_HOVER : style) == s)
            by_style[n++] = self->adjacency[k];
        }
      draw_edges (self, cr, by_style, n, s, TRUE);
    }
}

/* Per frame, over the picture: the selection's halo, the hovered and
 * selected nodes with their edges, and the focus ring. */
static void
draw_overlay (HsGraphView *self,
              cairo_t     *cr)
{
  const Palette *palette = get_palette (self);
  int selected = self->selected;
  int hovered = self->hovered;
  HsGraphNode *node;

  if (selected >= 0 && node_is_shown (hs_ref_graph_node (self->graph, selected)))
    {
      node = hs_ref_graph_node (self->graph, selected);
      draw_node_edges (self, cr, selected);
      node_outline (self, cr, node, 5);
      set_source (cr, &palette->accent, palette->dark ? 0.35 : 0.25);
      cairo_fill (cr);
      draw_node_again (self, cr, selected, selected == hovered);
      if (gtk_widget_has_visible_focus (GTK_WIDGET (self)))
        {
          node_outline (self, cr, node, 3);
          cairo_set_line_width (cr, 2);
          set_source (cr, &palette->accent, 0.6);
          cairo_stroke (cr);
        }
    }
  if (hovered >= 0 && hovered != selected && node_is_shown (hs_ref_graph_node (self->graph, hovered)))
    {
      draw_node_edges (self, cr, hovered);
      draw_node_again (self, cr, hovered, TRUE);
    }
}

/* Where the overlay draws, in widget coordinates: the nodes it draws again
 * and their edges, with room for halos, rings and line widths. */
static gboolean
overlay_bounds (HsGraphView     *self,
                graphene_rect_t *bounds)
{
  int nodes[2] = { self->selected, self->hovered };
  gboolean empty = TRUE;
  graphene_rect_t widget;

  for (guint n = 0; n < G_N_ELEMENTS (nodes); n++)
    {
      const HsGraphNode *node;
      graphene_rect_t box;

      if (nodes[n] < 0 || !node_is_shown (node = hs_ref_graph_node (self->graph, nodes[n])))
        continue;
      node_box (node, &box);
      if (node->object->root != HS_ROOT_NONE)
        {
          box.origin.y -= CAPTION_TAB;
          box.size.height += CAPTION_TAB;
        }
      rect_add_point (bounds, &empty, box.origin.x, box.origin.y);
      rect_add_point (bounds, &empty, box.origin.x + box.size.width, box.origin.y + box.size.height);
      for (guint k = self->adjacency_start[nodes[n]]; k < self->adjacency_start[nodes[n] + 1]; k++)
        {
          const EdgeCache *edge = &self->edges[self->adjacency[k]];

          if (!edge->has_box)
            continue;
          rect_add_point (bounds, &empty, edge->box.origin.x, edge->box.origin.y);
          rect_add_point (bounds, &empty, edge->box.origin.x + edge->box.size.width,
                          edge->box.origin.y + edge->box.size.height);
        }
    }
  if (empty)
    return FALSE;
  graphene_rect_init (bounds, screen_x (self, bounds->origin.x) - 10, screen_y (self, bounds->origin.y) - 10,
                      bounds->size.width * self->zoom + 20, bounds->size.height * self->zoom + 20);
  graphene_rect_init (&widget, 0, 0, self->width, self->height);
  if (!graphene_rect_intersection (bounds, &widget, bounds))
    return FALSE;
  graphene_rect_round_extents (bounds, bounds);
  return TRUE;
}

/* Each frame while tiles or text are left: a tick, not an idle, which a
 * main loop busy with frames would put off for ever. */
static gboolean
on_redraw_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);

  if (!self->tiles_pending)
    {
      self->redraw_tick = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
hs_graph_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);
  graphene_rect_t bounds;
  double shift_x, shift_y;
  cairo_t *cr;

  if (self->graph == NULL || self->width <= 0 || self->height <= 0)
    return;
  update_text_zoom (self);
  snapshot_tiles (self, snapshot, &shift_x, &shift_y);
  self->frame_due = FALSE;
  /* Tiles or text left for later: the next frame draws more. */
  if (self->tiles_pending && self->redraw_tick == 0)
    self->redraw_tick = gtk_widget_add_tick_callback (widget, on_redraw_tick, NULL, NULL);
  if ((self->selected >= 0 || self->hovered >= 0) && overlay_bounds (self, &bounds))
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (shift_x, shift_y));
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      draw_overlay (self, cr);
      cairo_destroy (cr);
      gtk_snapshot_restore (snapshot);
    }
}

/* -- Size and style -------------------------------------------------------- */

static void
hs_graph_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);
  int old_width = self->width;
  int old_height = self->height;

  if (width == old_width && height == old_height)
    return;
  self->width = width;
  self->height = height;
  self->frame_due = TRUE;
  if (self->fit_pending || self->fitted)
    hs_graph_view_zoom_to_fit (self);
  else if (old_width > 0 && old_height > 0)
    /* What was in the middle stays there. */
    set_view (self, self->zoom, self->offset_x + (width - old_width) / 2.0,
              self->offset_y + (height - old_height) / 2.0);
}

static void
hs_graph_view_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);

  GTK_WIDGET_CLASS (hs_graph_view_parent_class)->css_changed (widget, change);
  self->palette_valid = FALSE;
  invalidate_picture (self);
}

/* The font or the language may have changed: set the text again. */
static void
hs_graph_view_system_setting_changed (GtkWidget         *widget,
                                      GtkSystemSetting   setting)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);

  GTK_WIDGET_CLASS (hs_graph_view_parent_class)->system_setting_changed (widget, setting);
  if (setting != GTK_SYSTEM_SETTING_FONT_NAME && setting != GTK_SYSTEM_SETTING_FONT_CONFIG)
    return;
  clear_text (self);
  invalidate_picture (self);
}

static void
hs_graph_view_state_flags_changed (GtkWidget     *widget,
                                   GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  GTK_WIDGET_CLASS (hs_graph_view_parent_class)->state_flags_changed (widget, previous);
  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);
}

static gboolean
hs_graph_view_query_tooltip (GtkWidget  *widget,
                             int         x,
                             int         y,
                             gboolean    keyboard,
                             GtkTooltip *tooltip)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);
  int index = keyboard ? self->selected : hs_graph_view_node_at (self, x, y);
  g_autofree char *text = NULL;
  graphene_rect_t box;

  if (index < 0 || (text = hs_graph_view_describe_node (self, index)) == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  node_screen_box (self, hs_ref_graph_node (self->graph, index), &box);
  /* Another node under the pointer asks again. */
  gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) floor (box.origin.x), (int) floor (box.origin.y),
                                                       (int) ceil (box.size.width), (int) ceil (box.size.height) });
  return TRUE;
}

/* -- Input ----------------------------------------------------------------- */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           HsGraphView              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *controller,
          HsGraphView              *self)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            HsGraphView     *self)
{
  int index = hs_graph_view_node_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (index < 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  select_node (self, index, FALSE);
  if (n_press == 2)
    g_signal_emit (self, signals [NODE_ACTIVATED], 0, index);
}

/* A click on empty space clears the selection; a drag there does not (the
 * drag stops the click before its release). */
static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             HsGraphView     *self)
{
  if (hs_graph_view_node_at (self, x, y) < 0)
    select_node (self, -1, FALSE);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               HsGraphView    *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  /* Nodes are clicked, not dragged; the secondary button is for menus. */
  if (button == GDK_BUTTON_SECONDARY ||
      ((button == GDK_BUTTON_PRIMARY || button == 0) && hs_graph_view_node_at (self, x, y) >= 0))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      self->dragging = FALSE;
      return;
    }
  self->dragging = TRUE;
  self->drag_offset_x = self->offset_x;
  self->drag_offset_y = self->offset_y;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
  update_hover (self);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                HsGraphView    *self)
{
  if (!self->dragging)
    return;
  self->fitted = FALSE;
  set_view (self, self->zoom, self->drag_offset_x + dx, self->drag_offset_y + dy);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             HsGraphView    *self)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  update_hover (self);
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               HsGraphView      *self)
{
  self->pinch_zoom = self->zoom;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       HsGraphView    *self)
{
  double x, y;

  if (!gtk_gesture_is_active (GTK_GESTURE (gesture)) ||
      !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = self->width / 2.0;
      y = self->height / 2.0;
    }
  hs_graph_view_zoom_at (self, self->pinch_zoom * scale, x, y);
}

/* Ctrl+scroll zooms about the pointer; scroll pans, Shift+scroll sideways. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           HsGraphView              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (self->graph == NULL)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      double x = self->pointer_inside ? self->pointer_x : self->width / 2.0;
      double y = self->pointer_inside ? self->pointer_y : self->height / 2.0;
      double factor = wheel ? pow (ZOOM_STEP, -dy) : exp (-dy * 0.01);

      hs_graph_view_zoom_at (self, self->zoom * factor, x, y);
      return TRUE;
    }
  if ((state & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  if (wheel)
    {
      dx *= WHEEL_PAN_STEP;
      dy *= WHEEL_PAN_STEP;
    }
  hs_graph_view_pan (self, -dx, -dy);
  return TRUE;
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);

  if (g_str_equal (action_name, "graph.zoom-in"))
    hs_graph_view_set_zoom (self, self->zoom * ZOOM_STEP);
  else if (g_str_equal (action_name, "graph.zoom-out"))
    hs_graph_view_set_zoom (self, self->zoom / ZOOM_STEP);
  else
    hs_graph_view_zoom_to_fit (self);
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);

  if (self->selected >= 0)
    g_signal_emit (self, signals [NODE_ACTIVATED], 0, self->selected);
}

static gboolean
pan_key (GtkWidget *widget,
         GVariant  *args,
         gpointer   user_data)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);
  int x, y;

  if (self->graph == NULL)
    return FALSE;
  g_variant_get (args, "(ii)", &x, &y);
  hs_graph_view_pan (self, -x * KEY_PAN_STEP, -y * KEY_PAN_STEP);
  return TRUE;
}

/* The nearest node in a direction: distance along it, and twice the
 * distance across it, the least. */
static int
node_towards (HsGraphView *self,
              int          from,
              double       dir_x,
              double       dir_y)
{
  const HsGraphNode *start = hs_ref_graph_node (self->graph, from);
  double best_cost = G_MAXDOUBLE;
  int best = -1;

  for (guint i = 0; i < self->graph->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (self->graph, i);
      double dx = node->x - start->x;
      double dy = node->y - start->y;
      double along = dx * dir_x + dy * dir_y;
      double across = fabs (dx * dir_y - dy * dir_x);
      double cost;

      if ((int) i == from || !node_is_shown (node) || along <= 1e-6 || across > 3 * along)
        continue;
      cost = along + 2 * across;
      if (cost < best_cost)
        {
          best_cost = cost;
          best = (int) i;
        }
    }
  return best;
}

/* With nothing selected, the node nearest the middle of the view. */
static int
node_in_middle (HsGraphView *self)
{
  double x = (self->width / 2.0 - self->offset_x) / self->zoom;
  double y = (self->height / 2.0 - self->offset_y) / self->zoom;
  double best_distance = G_MAXDOUBLE;
  int best = -1;

  for (guint k = 0; k < self->n_order; k++)
    {
      const HsGraphNode *node = hs_ref_graph_node (self->graph, self->order[k]);
      double distance = hypot (node->x - x, node->y - y);

      if (distance < best_distance)
        {
          best_distance = distance;
          best = (int) self->order[k];
        }
    }
  return best;
}

static gboolean
select_towards_key (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);
  int x, y, next;

  if (self->graph == NULL || self->n_order == 0)
    return FALSE;
  g_variant_get (args, "(ii)", &x, &y);
  next = self->selected >= 0 ? node_towards (self, self->selected, x, y) : node_in_middle (self);
  if (next >= 0)
    select_node (self, next, TRUE);
  else
    gtk_widget_error_bell (widget);
  return TRUE;
}

/* Tab: the next node in reading order; past the last one, the focus moves on. */
static gboolean
select_step_key (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);
  int step = g_variant_get_int32 (args);
  int position = -1;

  if (self->graph == NULL || self->n_order == 0)
    return FALSE;
  for (guint k = 0; k < self->n_order && self->selected >= 0; k++)
    if ((int) self->order[k] == self->selected)
      position = (int) k;
  if (position < 0)
    position = step > 0 ? 0 : (int) self->n_order - 1;
  else
    position += step;
  if (position < 0 || position >= (int) self->n_order)
    return FALSE;
  select_node (self, (int) self->order[position], TRUE);
  return TRUE;
}

static gboolean
unselect_key (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  HsGraphView *self = HS_GRAPH_VIEW (widget);

  if (self->selected < 0)
    return FALSE;
  select_node (self, -1, FALSE);
  return TRUE;
}

/* -- GObject ----------------------------------------------------------------- */

static void
hs_graph_view_dispose (GObject *object)
{
  HsGraphView *self = (HsGraphView *) object;

  clear_derived (self);
  g_clear_pointer (&self->graph, hs_ref_graph_unref);
  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_pointer (&self->old_tiles, g_hash_table_unref);
  g_clear_handle_id (&self->text_settle_source, g_source_remove);
  if (self->redraw_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->redraw_tick);
  self->redraw_tick = 0;
  G_OBJECT_CLASS (hs_graph_view_parent_class)->dispose (object);
}

static void
hs_graph_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HsGraphView *self = HS_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_GRAPH:
      g_value_set_boxed (value, self->graph);
      break;
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_graph_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HsGraphView *self = HS_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      hs_graph_view_set_selected (self, g_value_get_int (value));
      break;
    case PROP_ZOOM:
      hs_graph_view_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_arrow_bindings (GtkWidgetClass  *widget_class,
                    GdkModifierType  modifiers,
                    GtkShortcutFunc  callback)
{
  const struct { guint key, keypad; int x, y; } arrows[] = {
    { GDK_KEY_Left, GDK_KEY_KP_Left, -1, 0 },
    { GDK_KEY_Right, GDK_KEY_KP_Right, 1, 0 },
    { GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1 },
    { GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      gtk_widget_class_add_binding (widget_class, arrows[i].key, modifiers, callback, "(ii)", arrows[i].x, arrows[i].y);
      gtk_widget_class_add_binding (widget_class, arrows[i].keypad, modifiers, callback, "(ii)", arrows[i].x, arrows[i].y);
    }
}

static void
hs_graph_view_class_init (HsGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_graph_view_dispose;
  object_class->get_property = hs_graph_view_get_property;
  object_class->set_property = hs_graph_view_set_property;
  widget_class->snapshot = hs_graph_view_snapshot;
  widget_class->size_allocate = hs_graph_view_size_allocate;
  widget_class->css_changed = hs_graph_view_css_changed;
  widget_class->system_setting_changed = hs_graph_view_system_setting_changed;
  widget_class->state_flags_changed = hs_graph_view_state_flags_changed;
  widget_class->query_tooltip = hs_graph_view_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "hsgraphview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  properties [PROP_GRAPH] =
    g_param_spec_boxed ("graph", NULL, NULL, HS_TYPE_REF_GRAPH,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, HS_GRAPH_VIEW_MAX_ZOOM, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsGraphView::node-activated:
   * @node: the node's index in the graph
   */
  signals [NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.activate", NULL, activate_action);

  for (GdkModifierType mods = 0; mods <= GDK_CONTROL_MASK; mods += GDK_CONTROL_MASK)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, mods, "graph.zoom-in", NULL);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, mods, "graph.zoom-in", NULL);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, mods, "graph.zoom-in", NULL);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, mods, "graph.zoom-out", NULL);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, mods, "graph.zoom-out", NULL);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, mods, "graph.zoom-fit", NULL);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, mods, "graph.zoom-fit", NULL);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Space, 0, "graph.activate", NULL);

  add_arrow_bindings (widget_class, 0, pan_key);
  add_arrow_bindings (widget_class, GDK_ALT_MASK, select_towards_key);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Tab, 0, select_step_key, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Tab, 0, select_step_key, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Tab, GDK_SHIFT_MASK, select_step_key, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Tab, GDK_SHIFT_MASK, select_step_key, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK, select_step_key, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, unselect_key, NULL);
}

static void
hs_graph_view_init (HsGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  self->tiles = tiles_new ();
  self->old_tiles = tiles_new ();
  self->zoom = 1;
  self->selected = -1;
  self->hovered = -1;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_action_set_enabled (widget, "graph.activate", FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reference graph"), -1);
}

/* -- API ---------------------------------------------------------------------- */

GtkWidget *
hs_graph_view_new (void)
{
  return g_object_new (HS_TYPE_GRAPH_VIEW, NULL);
}

/* The node of @graph that stands for node @index of the graph shown now. */
static int
match_node (HsGraphView *self,
            HsRefGraph  *graph,
            int          index,
            gboolean     by_index)
{
  const HsGraphNode *node;

  if (self->graph == NULL || index < 0 || index >= (int) self->graph->nodes->len)
    return -1;
  node = hs_ref_graph_node (self->graph, index);
  if (node->object->handle > 0)
    return hs_ref_graph_find_handle (graph, node->object->handle);
  if (by_index && index < (int) graph->nodes->len && hs_ref_graph_node (graph, index)->object->handle <= 0)
    return index;
  return -1;
}

void
hs_graph_view_set_graph (HsGraphView *self,
                         HsRefGraph  *graph,
                         gboolean     keep_view)
{
  int selected = -1;
  int anchor_old = -1;
  int anchor_new = -1;
  double anchor_x = 0, anchor_y = 0;

  g_return_if_fail (HS_IS_GRAPH_VIEW (self));

  keep_view = keep_view && self->graph != NULL && graph != NULL;
  if (graph != NULL && self->graph != NULL)
    {
      selected = match_node (self, graph, self->selected, keep_view);
      if (keep_view)
        {
          /* The selected node stays where it is on screen, or the first one
           * found in both graphs. */
          anchor_old = selected >= 0 ? self->selected : -1;
          for (guint i = 0; anchor_old < 0 && i < self->graph->nodes->len; i++)
            if (node_is_shown (hs_ref_graph_node (self->graph, i)) && match_node (self, graph, i, TRUE) >= 0)
              anchor_old = (int) i;
          if (anchor_old >= 0)
            {
              const HsGraphNode *node = hs_ref_graph_node (self->graph, anchor_old);

              anchor_new = match_node (self, graph, anchor_old, TRUE);
              anchor_x = screen_x (self, node->x);
              anchor_y = screen_y (self, node->y);
              if (anchor_new >= 0 && (!node_is_shown (node) || !node_is_shown (hs_ref_graph_node (graph, anchor_new))))
                anchor_new = -1;
            }
        }
    }

  clear_derived (self);
  if (graph != NULL)
    hs_ref_graph_ref (graph);
  g_clear_pointer (&self->graph, hs_ref_graph_unref);
  self->graph = graph;
  self->hovered = -1;
  self->dragging = FALSE;
  if (graph != NULL)
    build_derived (self);

  if (keep_view)
    {
      self->fit_pending = FALSE;
      self->fitted = FALSE;
      if (anchor_new >= 0)
        {
          const HsGraphNode *node = hs_ref_graph_node (graph, anchor_new);

          set_view (self, self->zoom, anchor_x - node->x * self->zoom, anchor_y - node->y * self->zoom);
        }
    }
  else
    {
      self->fit_pending = TRUE;
      hs_graph_view_zoom_to_fit (self);
    }
  drop_tiles (self);
  self->frame_due = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_hover (self);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_GRAPH]);
  if (selected != self->selected)
    select_node (self, selected, FALSE);
  else
    update_accessible (self);
  g_object_thaw_notify (G_OBJECT (self));
}

HsRefGraph *
hs_graph_view_get_graph (HsGraphView *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), NULL);
  return self->graph;
}

int
hs_graph_view_get_selected (HsGraphView *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), -1);
  return self->selected;
}

void
hs_graph_view_set_selected (HsGraphView *self,
                            int          node)
{
  g_return_if_fail (HS_IS_GRAPH_VIEW (self));
  g_return_if_fail (node >= -1);
  g_return_if_fail (node == -1 || (self->graph != NULL && node < (int) self->graph->nodes->len));

  select_node (self, node, TRUE);
}

double
hs_graph_view_get_zoom (HsGraphView *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), 1);
  return self->zoom;
}

void
hs_graph_view_set_zoom (HsGraphView *self,
                        double       zoom)
{
  g_return_if_fail (HS_IS_GRAPH_VIEW (self));

  hs_graph_view_zoom_at (self, zoom, self->width / 2.0, self->height / 2.0);
}

void
hs_graph_view_zoom_at (HsGraphView *self,
                       double       zoom,
                       double       x,
                       double       y)
{
  double graph_x, graph_y;

  g_return_if_fail (HS_IS_GRAPH_VIEW (self));

  zoom = clamp_zoom (self, zoom);
  graph_x = (x - self->offset_x) / self->zoom;
  graph_y = (y - self->offset_y) / self->zoom;
  self->fitted = FALSE;
  self->fit_pending = FALSE;
  set_view (self, zoom, x - graph_x * zoom, y - graph_y * zoom);
}

void
hs_graph_view_pan (HsGraphView *self,
                   double       dx,
                   double       dy)
{
  g_return_if_fail (HS_IS_GRAPH_VIEW (self));

  self->fitted = FALSE;
  self->fit_pending = FALSE;
  set_view (self, self->zoom, self->offset_x + dx, self->offset_y + dy);
}

void
hs_graph_view_zoom_to_fit (HsGraphView *self)
{
  double zoom;

  g_return_if_fail (HS_IS_GRAPH_VIEW (self));

  if ((zoom = fit_zoom (self)) <= 0)
    {
      /* No graph or no size yet: fit when there is one. */
      self->fit_pending = self->fit_pending || self->graph == NULL || self->width <= 0 || self->height <= 0;
      return;
    }
  self->fit_pending = FALSE;
  self->fitted = TRUE;
  set_view (self, zoom,
            self->width / 2.0 - (self->bounds.origin.x + self->bounds.size.width / 2) * zoom,
            self->height / 2.0 - (self->bounds.origin.y + self->bounds.size.height / 2) * zoom);
}

gboolean
hs_graph_view_node_position (HsGraphView *self,
                             int          node,
                             double      *x,
                             double      *y)
{
  const HsGraphNode *graph_node;

  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), FALSE);

  if (self->graph == NULL || node < 0 || node >= (int) self->graph->nodes->len)
    return FALSE;
  graph_node = hs_ref_graph_node (self->graph, node);
  if (!graph_node->placed)
    return FALSE;
  if (x != NULL)
    *x = screen_x (self, graph_node->x);
  if (y != NULL)
    *y = screen_y (self, graph_node->y);
  return TRUE;
}

int
hs_graph_view_node_at (HsGraphView *self,
                       double       x,
                       double       y)
{
  double graph_x, graph_y, slop;

  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), -1);

  if (self->graph == NULL)
    return -1;
  graph_x = (x - self->offset_x) / self->zoom;
  graph_y = (y - self->offset_y) / self->zoom;
  /* A pixel around each box, so that tiny ones can still be hit. */
  slop = 1 / self->zoom;
  /* Last drawn, on top: first hit. */
  for (guint i = self->graph->nodes->len; i-- > 0;)
    {
      const HsGraphNode *node = hs_ref_graph_node (self->graph, i);

      if (node_is_shown (node) &&
          fabs (graph_x - node->x) <= node->width / 2 + slop && fabs (graph_y - node->y) <= node->height / 2 + slop)
        return (int) i;
    }
  return -1;
}

gboolean
hs_graph_view_is_busy (HsGraphView *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), FALSE);

  if (self->graph == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return FALSE;
  /* Shown, not given its size yet: its first frame is still to come. */
  if (self->width <= 0 || self->height <= 0)
    return TRUE;
  /* Tiles at another zoom are shown scaled until drawn again at this one. */
  return self->frame_due || self->tile_zoom != self->zoom || self->tiles_pending ||
         self->text_settle_source != 0;
}

int
hs_graph_view_get_hovered (HsGraphView *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), -1);
  return self->hovered;
}

static const char *
root_description (HsRootKind root)
{
  switch (root)
    {
    case HS_ROOT_MODULE:
      return _("Root: a module");
    case HS_ROOT_FRAME:
      return _("Root: a running frame");
    case HS_ROOT_CLASS:
      return _("Root: a class");
    case HS_ROOT_SYS_MODULES:
      return _("Root: in sys.modules");
    case HS_ROOT_NONE:
    default:
      return NULL;
    }
}

gboolean
hs_graph_view_node_text_is_cut (HsGraphView *self,
                                int          index)
{
  NodeCache *cache;

  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), FALSE);

  if (self->graph == NULL || index < 0 || index >= (int) self->graph->nodes->len)
    return FALSE;
  ensure_node_layouts (self, index);
  cache = &self->nodes[index];
  return pango_layout_is_ellipsized (cache->title) ||
         (cache->detail != NULL && pango_layout_is_ellipsized (cache->detail));
}

char *
hs_graph_view_describe_node (HsGraphView *self,
                             int          index)
{
  const HsGraphNode *node;
  const HsObjectRef *object;
  GString *text;

  g_return_val_if_fail (HS_IS_GRAPH_VIEW (self), NULL);

  if (self->graph == NULL || index < 0 || index >= (int) self->graph->nodes->len)
    return NULL;
  node = hs_ref_graph_node (self->graph, index);
  object = node->object;
  text = g_string_new (NULL);
  if (node->flags & HS_GRAPH_NODE_MORE)
    {
      g_autofree char *count = hs_format_count (node->more);
      const HsGraphNode *owner = node->more_of < self->graph->nodes->len
        ? hs_ref_graph_node (self->graph, node->more_of) : NULL;
      const char *owner_type = owner != NULL && owner->object->type_name != NULL ? owner->object->type_name : "?";

      if (node->more_direction == HS_GRAPH_REFERENTS)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s more object that %s refers to",
                                                   "%s more objects that %s refers to", (gulong) node->more),
                                count, owner_type);
      else
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s more object referring to %s",
                                                   "%s more objects referring to %s", (gulong) node->more),
                                count, owner_type);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Left out: at most %d neighbours are shown for each object"),
                              self->graph->too_many);
      return g_string_free (text, FALSE);
    }

  g_string_append (text, object->type_name != NULL ? object->type_name : "?");
  if (object->text != NULL && *object->text != '\0' && g_strcmp0 (object->text, object->type_name) != 0)
    g_string_append_printf (text, "\n%s", object->text);
  if (object->address != 0)
    g_string_append_printf (text, "\n%s 0x%" G_GINT64_MODIFIER "x", _("Address"), object->address);
  {
    g_autofree char *flat = hs_format_bytes (object->flat);

    g_string_append_c (text, '\n');
    if (node->deep >= 0)
      {
        g_autofree char *deep = hs_format_bytes (node->deep);

        /* Translators: the object's own size, then with what it refers to */
        g_string_append_printf (text, _("Size %s, deep size %s"), flat, deep);
      }
    else
      g_string_append_printf (text, _("Size %s (deep size not measured)"), flat);
  }
  if (object->root != HS_ROOT_NONE)
    g_string_append_printf (text, "\n%s", root_description (object->root));
  if (node->flags & HS_GRAPH_NODE_ASKED)
    g_string_append_printf (text, "\n%s", _("The object asked about"));
  if (node->flags & HS_GRAPH_NODE_ON_PATH)
    g_string_append_printf (text, "\n%s", _("On the path to a root"));
  if (node->flags & HS_GRAPH_NODE_IN_CYCLE)
    g_string_append_printf (text, "\n%s", _("On a reference cycle"));
  return g_string_free (text, FALSE);
}
