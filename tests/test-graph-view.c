/* test-graph-view.c — the reference graph view in a real GTK display, fed
 * graphs placed here by hand
 *
 * The small graph: six nodes in two rows of three, 150 × 40 points each,
 * 200 points apart, 120 between the rows. Edges are straight cubics from box
 * to box with an arrow head, as Graphviz gives them.
 *
 *    0 Order (asked) ──▶ 1 Customer ──▶ 2 dict
 *        ▲                   │             ▲
 *        └────────────┐      ▼             │
 *    3 module (root) ═══▶ 4 list       5 +12 more
 *
 * (3 → 4 → 0 is the path to the root, drawn in the accent colour.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "hs-graph-layout.h"
#include "hs-graph-view.h"
#include "test-widget-support.h"

#define NODE_W  150.0
#define NODE_H  40.0

/* -- Graphs placed by hand ------------------------------------------------ */

static guint
add_node (HsRefGraph *graph,
          gint64      handle,
          const char *type,
          const char *text,
          gint64      flat,
          gint64      deep,
          guint       flags,
          double      x,
          double      y)
{
  HsObjectRef *object = hs_object_ref_new ();
  HsGraphNode *node;
  guint index;

  object->handle = handle;
  object->type_name = g_strdup (type);
  object->text = g_strdup (text);
  object->flat = flat;
  object->address = handle > 0 ? 0x7f3a10000 + handle * 0x40 : 0;
  index = hs_ref_graph_add_node (graph, object, deep, flags);
  node = hs_ref_graph_node (graph, index);
  node->x = x;
  node->y = y;
  node->width = NODE_W;
  node->height = NODE_H;
  node->placed = TRUE;
  graph->width = MAX (graph->width, x + NODE_W / 2 + 10);
  graph->height = MAX (graph->height, y + NODE_H / 2 + 10);
  return index;
}

/* The layout's straight edge from box to box, bowed sideways by @bend
 * points: the arrow's tip on the target's border, the label at the middle. */
static guint
add_edge (HsRefGraph *graph,
          guint       from,
          guint       to,
          HsEdgeKind  kind,
          const char *name,
          gint64      index,
          guint       flags,
          double      bend)
{
  guint e = hs_ref_graph_add_edge (graph, from, to, kind, name, index);
  HsGraphEdge *edge = hs_ref_graph_edge (graph, e);
  double points[8];

  hs_graph_route_straight (hs_ref_graph_node (graph, from), hs_ref_graph_node (graph, to), points,
                           &edge->arrow_x, &edge->arrow_y, &edge->label_x, &edge->label_y);
  if (bend != 0)
    {
      double length = hypot (points[6] - points[0], points[7] - points[1]);
      double nx = -(points[7] - points[1]) / length * bend;
      double ny = (points[6] - points[0]) / length * bend;

      for (guint p = 1; p <= 2; p++)
        {
          points[2 * p] += nx;
          points[2 * p + 1] += ny;
        }
      edge->label_x += nx * 0.75;
      edge->label_y += ny * 0.75;
    }
  edge->flags = flags;
  edge->has_arrow = TRUE;
  edge->n_points = G_N_ELEMENTS (points) / 2;
  edge->points = g_memdup2 (points, sizeof points);
  return e;
}

static HsRefGraph *
new_small_graph (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();
  guint more;

  add_node (graph, 1, "__main__.Order", "Order at 0x7f3a10040 (id=3)", 56, 1480,
            HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH, 100, 40);
  add_node (graph, 2, "__main__.Customer", "Customer('Ada')", 56, 640, 0, 300, 40);
  add_node (graph, 3, "dict", "{'name': 'Ada', 'vip': True}", 232, 232, 0, 500, 40);
  add_node (graph, 4, "module", "<module '__main__' from 'shop.py'>", 72, 4 << 20, HS_GRAPH_NODE_ON_PATH, 100, 160);
  add_node (graph, 5, "list", "[<Order 1>, <Order 2>, <Order 3>]", 88, 96000, HS_GRAPH_NODE_ON_PATH, 300, 160);
  more = add_node (graph, 0, NULL, NULL, 0, -1, HS_GRAPH_NODE_MORE, 500, 160);
  hs_ref_graph_node (graph, 3)->object->root = HS_ROOT_MODULE;
  hs_ref_graph_node (graph, more)->more = 12;
  hs_ref_graph_node (graph, more)->more_of = 2;
  hs_ref_graph_node (graph, more)->more_direction = HS_GRAPH_REFERRERS;
  add_edge (graph, 0, 1, HS_EDGE_ATTRIBUTE, "customer", 0, 0, 0);
  add_edge (graph, 1, 2, HS_EDGE_ATTRIBUTE, "__dict__", 0, 0, 0);
  add_edge (graph, 3, 4, HS_EDGE_GLOBAL, "orders", 0, HS_GRAPH_EDGE_ON_PATH, 0);
  add_edge (graph, 4, 0, HS_EDGE_INDEX, NULL, 2, HS_GRAPH_EDGE_ON_PATH, 0);
  add_edge (graph, 1, 4, HS_EDGE_ATTRIBUTE, "history", 0, 0, 0);
  add_edge (graph, more, 2, HS_EDGE_NONE, NULL, 0, 0, 0);
  return graph;
}

/* Nodes whose bold first line is their longest, laid out by Graphviz. */
static HsRefGraph *
new_laid_out_graph (void)
{
  static const char *lines[][2] = {
    { "module", "m" }, { "WWWWWWWWWW", "w" }, { "__main__.Shop", "a" },
    { "collections.OrderedDict", "collections.OrderedDict of 2 items" }, { "@%MW", NULL },
    { "<B>&amp;\"'", "</B><BR/>&\xef\xbf\xbe]" },     /* markup and U+FFFE: text to Graphviz */
  };
  g_autoptr(HsRefGraph) graph = hs_ref_graph_new ();
  g_autoptr(GError) error = NULL;
  HsRefGraph *laid_out;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    add_node (graph, i + 1, lines[i][0], lines[i][1], 56, 56, i == 0 ? HS_GRAPH_NODE_ASKED : 0, 0, 0);
  for (guint i = 1; i < G_N_ELEMENTS (lines); i++)
    add_edge (graph, i, 0, HS_EDGE_ATTRIBUTE, "x", 0, 0, 0);
  laid_out = hs_graph_layout (graph, "dot", FALSE, NULL, &error);
  g_assert_no_error (error);
  return laid_out;
}

/* -- A window to show the view in ----------------------------------------- */

typedef struct
{
  GtkWindow   *window;
  HsGraphView *view;
  HsRefGraph  *graph;
} Fixture;

/* The graph is given before the window has a size: it is fitted when the
 * view gets one. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 600);
  fixture->view = HS_GRAPH_VIEW (hs_graph_view_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  fixture->graph = data != NULL ? ((HsRefGraph *(*) (void)) data) () : new_small_graph ();
  hs_graph_view_set_graph (fixture->view, fixture->graph, FALSE);
  gtk_window_present (fixture->window);
  test_wait_for_draw (GTK_WIDGET (fixture->window));
  gtk_widget_grab_focus (GTK_WIDGET (fixture->view));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  test_drain_main_context ();
  hs_ref_graph_unref (fixture->graph);
}

static void
node_screen_box (HsGraphView     *view,
                 HsRefGraph      *graph,
                 int              node,
                 graphene_rect_t *box)
{
  double x, y, zoom = hs_graph_view_get_zoom (view);
  const HsGraphNode *n = hs_ref_graph_node (graph, node);

  g_assert_true (hs_graph_view_node_position (view, node, &x, &y));
  graphene_rect_init (box, x - n->width / 2 * zoom, y - n->height / 2 * zoom, n->width * zoom, n->height * zoom);
}

/* Every node's box inside the view. */
static void
assert_all_inside (HsGraphView *view,
                   HsRefGraph  *graph)
{
  int width = gtk_widget_get_width (GTK_WIDGET (view));
  int height = gtk_widget_get_height (GTK_WIDGET (view));

  g_assert_cmpint (width, >, 0);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      graphene_rect_t box;

      node_screen_box (view, graph, i, &box);
      g_assert_cmpfloat (box.origin.x, >=, 0);
      g_assert_cmpfloat (box.origin.y, >=, 0);
      g_assert_cmpfloat (box.origin.x + box.size.width, <=, width);
      g_assert_cmpfloat (box.origin.y + box.size.height, <=, height);
    }
}

/* Each node is found at its centre and near its corners; the gaps between
 * them hold none. */
static void
assert_hits (HsGraphView *view,
             HsRefGraph  *graph)
{
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      graphene_rect_t box;

      node_screen_box (view, graph, i, &box);
      g_assert_cmpint (hs_graph_view_node_at (view, box.origin.x + box.size.width / 2,
                                              box.origin.y + box.size.height / 2), ==, i);
      g_assert_cmpint (hs_graph_view_node_at (view, box.origin.x + 1, box.origin.y + 1), ==, i);
      g_assert_cmpint (hs_graph_view_node_at (view, box.origin.x + box.size.width - 1,
                                              box.origin.y + box.size.height - 1), ==, i);
    }
  /* Between node 0 and node 1, and between the rows. */
  {
    double x0, y0, x1, y1, x3, y3;

    hs_graph_view_node_position (view, 0, &x0, &y0);
    hs_graph_view_node_position (view, 1, &x1, &y1);
    hs_graph_view_node_position (view, 3, &x3, &y3);
    g_assert_cmpint (hs_graph_view_node_at (view, (x0 + x1) / 2, y0), ==, -1);
    g_assert_cmpint (hs_graph_view_node_at (view, x0, (y0 + y3) / 2), ==, -1);
  }
}

/* -- Finding nodes where they are drawn ------------------------------------- */

static void
test_fit_and_hit (Fixture       *fixture,
                  gconstpointer  data)
{
  HsGraphView *view = fixture->view;
  double zoom = hs_graph_view_get_zoom (view);
  double before_x[6], before_y[6];
  double cx = 321, cy = 207;

  /* Fitted on the first size: the whole graph, as large as allowed. */
  g_assert_cmpfloat (zoom, >, 1.0);
  assert_all_inside (view, fixture->graph);
  assert_hits (view, fixture->graph);

  for (guint i = 0; i < 6; i++)
    hs_graph_view_node_position (view, i, &before_x[i], &before_y[i]);
  /* Zooming about a point keeps it still and scales the rest about it. */
  hs_graph_view_zoom_at (view, zoom * 2, cx, cy);
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (view), zoom * 2, 1e-9);
  for (guint i = 0; i < 6; i++)
    {
      double x, y;

      hs_graph_view_node_position (view, i, &x, &y);
      g_assert_cmpfloat_with_epsilon (x, cx + (before_x[i] - cx) * 2, 1e-6);
      g_assert_cmpfloat_with_epsilon (y, cy + (before_y[i] - cy) * 2, 1e-6);
    }
  hs_graph_view_pan (view, -250, 40);
  for (guint i = 0; i < 6; i++)
    {
      double x, y;

      hs_graph_view_node_position (view, i, &x, &y);
      g_assert_cmpfloat_with_epsilon (x, cx + (before_x[i] - cx) * 2 - 250, 1e-6);
      g_assert_cmpfloat_with_epsilon (y, cy + (before_y[i] - cy) * 2 + 40, 1e-6);
    }
  test_wait_for_draw (GTK_WIDGET (view));
  assert_hits (view, fixture->graph);

  /* Far out, tiny boxes are still found. */
  hs_graph_view_set_zoom (view, 0.05);
  test_wait_for_draw (GTK_WIDGET (view));
  assert_hits (view, fixture->graph);

  /* Limits. */
  hs_graph_view_set_zoom (view, 1000);
  g_assert_cmpfloat (hs_graph_view_get_zoom (view), ==, HS_GRAPH_VIEW_MAX_ZOOM);
  hs_graph_view_set_zoom (view, 0.0001);
  g_assert_cmpfloat (hs_graph_view_get_zoom (view), ==, HS_GRAPH_VIEW_MIN_ZOOM);

  /* Without a graph: nothing anywhere. */
  hs_graph_view_set_graph (view, NULL, FALSE);
  g_assert_cmpint (hs_graph_view_node_at (view, cx, cy), ==, -1);
  g_assert_false (hs_graph_view_node_position (view, 0, NULL, NULL));
  test_wait_for_draw (GTK_WIDGET (view));
}

/* -- Keys ------------------------------------------------------------------ */

/* What a key press does: the view's own shortcut for it, run as GTK runs
 * it. FALSE when the view lets the key go on (or has no such shortcut). */
static gboolean
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, modifiers);

  for (guint c = 0; c < g_list_model_get_n_items (controllers); c++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint s = 0; s < g_list_model_get_n_items (G_LIST_MODEL (controller)); s++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), s);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 widget, gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_keyboard_zoom (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  double fitted = hs_graph_view_get_zoom (fixture->view);
  guint notified = 0;
  double x0, y0, x1, y1;

  g_signal_connect (view, "notify::zoom", G_CALLBACK (count_notify), &notified);
  g_assert_true (press_key (view, GDK_KEY_minus, 0));
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), fitted / 1.25, 1e-9);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (press_key (view, GDK_KEY_KP_Subtract, 0));
  g_assert_true (press_key (view, GDK_KEY_minus, GDK_CONTROL_MASK));
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), fitted / (1.25 * 1.25 * 1.25), 1e-9);
  g_assert_true (press_key (view, GDK_KEY_plus, 0));
  g_assert_true (press_key (view, GDK_KEY_equal, 0));
  g_assert_true (press_key (view, GDK_KEY_KP_Add, 0));
  g_assert_true (press_key (view, GDK_KEY_plus, 0));
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), fitted * 1.25, 1e-9);
  g_assert_cmpuint (notified, ==, 7);
  /* Zoomed in about the middle: the graph overflows the view. */
  hs_graph_view_node_position (fixture->view, 0, &x0, &y0);
  hs_graph_view_node_position (fixture->view, 2, &x1, &y1);
  g_assert_cmpfloat (x1 - x0, >, 400 * fitted * 1.25 - 1e-6);

  /* Pan away with the arrows, zoom in more, then 0 fits it all again. */
  g_assert_true (press_key (view, GDK_KEY_Right, 0));
  g_assert_true (press_key (view, GDK_KEY_Down, 0));
  {
    double x, y;

    hs_graph_view_node_position (fixture->view, 0, &x, &y);
    g_assert_cmpfloat_with_epsilon (x, x0 - 48, 1e-6);
    g_assert_cmpfloat_with_epsilon (y, y0 - 48, 1e-6);
  }
  g_assert_true (press_key (view, GDK_KEY_plus, GDK_CONTROL_MASK));
  test_wait_for_draw (view);
  g_assert_true (press_key (view, GDK_KEY_0, 0));
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), fitted, 1e-9);
  assert_all_inside (fixture->view, fixture->graph);
  assert_hits (fixture->view, fixture->graph);

  /* The same through the actions. */
  g_assert_true (gtk_widget_activate_action (view, "graph.zoom-in", NULL));
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), fitted * 1.25, 1e-9);
  g_assert_true (gtk_widget_activate_action (view, "graph.zoom-fit", NULL));
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), fitted, 1e-9);

  /* Fitted, it stays fitted as the window shrinks. */
  gtk_window_set_default_size (fixture->window, 500, 350);
  test_wait_for_draw (GTK_WIDGET (fixture->window));
  g_assert_cmpint (gtk_widget_get_width (view), ==, 500);
  g_assert_cmpfloat (hs_graph_view_get_zoom (fixture->view), <, fitted);
  assert_all_inside (fixture->view, fixture->graph);
}

/* -- Selection and activation ------------------------------------------------ */

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint c = 0; c < g_list_model_get_n_items (controllers); c++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;   /* the widget keeps it */
    }
  g_assert_not_reached ();
}

static void
on_node_activated (HsGraphView *view,
                   int          node,
                   GArray      *activated)
{
  g_array_append_val (activated, node);
}

static void
test_select_and_activate (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkEventController *click = find_controller (view, GTK_TYPE_GESTURE_CLICK);
  g_autoptr(GArray) activated = g_array_new (FALSE, FALSE, sizeof (int));
  guint notified = 0;
  double x, y;
  int selected;

  g_signal_connect (view, "notify::selected", G_CALLBACK (count_notify), &notified);
  g_signal_connect (view, "node-activated", G_CALLBACK (on_node_activated), activated);
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, -1);

  /* Through the API and the property. */
  hs_graph_view_set_selected (fixture->view, 2);
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 2);
  g_assert_cmpuint (notified, ==, 1);
  hs_graph_view_set_selected (fixture->view, 2);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (view, "selected", 1, NULL);
  g_object_get (view, "selected", &selected, NULL);
  g_assert_cmpint (selected, ==, 1);
  g_assert_cmpuint (notified, ==, 2);

  /* A click on node 4 selects it; a double click activates it. */
  hs_graph_view_node_position (fixture->view, 4, &x, &y);
  g_signal_emit_by_name (click, "pressed", 1, x + 20, y - 5);
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 4);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_true (gtk_widget_has_focus (view));
  g_assert_cmpuint (activated->len, ==, 0);
  g_signal_emit_by_name (click, "pressed", 2, x + 20, y - 5);
  g_assert_cmpuint (activated->len, ==, 1);
  g_assert_cmpint (g_array_index (activated, int, 0), ==, 4);
  g_signal_emit_by_name (click, "released", 2, x + 20, y - 5);
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 4);
  test_wait_for_draw (view);

  /* Enter and space activate the selected node. */
  g_assert_true (press_key (view, GDK_KEY_Return, 0));
  g_assert_true (press_key (view, GDK_KEY_space, 0));
  g_assert_cmpuint (activated->len, ==, 3);
  g_assert_cmpint (g_array_index (activated, int, 2), ==, 4);

  /* A click on empty space clears the selection; Enter then does nothing. */
  hs_graph_view_node_position (fixture->view, 1, &x, &y);
  g_signal_emit_by_name (click, "pressed", 1, x, y + 60);
  g_signal_emit_by_name (click, "released", 1, x, y + 60);
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, -1);
  g_assert_cmpuint (notified, ==, 4);
  g_assert_false (press_key (view, GDK_KEY_Return, 0));
  g_assert_cmpuint (activated->len, ==, 3);

  /* Tab walks the nodes in reading order, and lets go after the last. */
  for (int i = 0; i < 6; i++)
    {
      g_assert_true (press_key (view, GDK_KEY_Tab, 0));
      g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, i);
    }
  g_assert_false (press_key (view, GDK_KEY_Tab, 0));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 5);
  g_assert_true (press_key (view, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 4);
  g_assert_true (press_key (view, GDK_KEY_Tab, GDK_SHIFT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 3);

  /* Alt+arrow: the nearest node that way. */
  g_assert_true (press_key (view, GDK_KEY_Right, GDK_ALT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 4);
  g_assert_true (press_key (view, GDK_KEY_Up, GDK_ALT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 1);
  g_assert_true (press_key (view, GDK_KEY_Left, GDK_ALT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 0);
  g_assert_true (press_key (view, GDK_KEY_Up, GDK_ALT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 0);

  /* Keys scroll the node they select into view. */
  hs_graph_view_set_zoom (fixture->view, 4);
  hs_graph_view_set_selected (fixture->view, 0);
  g_assert_true (press_key (view, GDK_KEY_Right, GDK_ALT_MASK));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, 1);
  {
    graphene_rect_t box;

    node_screen_box (fixture->view, fixture->graph, 1, &box);
    g_assert_cmpfloat (box.origin.x, >=, 0);
    g_assert_cmpfloat (box.origin.x + box.size.width, <=, gtk_widget_get_width (view));
    g_assert_cmpfloat (box.origin.y, >=, 0);
    g_assert_cmpfloat (box.origin.y + box.size.height, <=, gtk_widget_get_height (view));
  }

  /* Escape clears the selection, then lets Escape go on. */
  g_assert_true (press_key (view, GDK_KEY_Escape, 0));
  g_assert_cmpint (hs_graph_view_get_selected (fixture->view), ==, -1);
  g_assert_false (press_key (view, GDK_KEY_Escape, 0));
}

/* -- Dragging, scrolling, hovering ------------------------------------------ */

static void
test_pointer (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkEventController *drag = find_controller (view, GTK_TYPE_GESTURE_DRAG);
  GtkEventController *scroll = find_controller (view, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  GtkEventController *motion = find_controller (view, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  GtkEventController *pinch = find_controller (view, GTK_TYPE_GESTURE_ZOOM);
  double zoom = hs_graph_view_get_zoom (fixture->view);
  double x0, y0, x, y, x1, y1;
  gboolean handled = FALSE;

  /* Dragging empty space pans. */
  hs_graph_view_node_position (fixture->view, 0, &x0, &y0);
  g_signal_emit_by_name (drag, "drag-begin", x0, y0 + 60);
  g_signal_emit_by_name (drag, "drag-update", 30.0, -20.0);
  g_signal_emit_by_name (drag, "drag-update", 70.0, -10.0);
  g_signal_emit_by_name (drag, "drag-end", 70.0, -10.0);
  hs_graph_view_node_position (fixture->view, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, x0 + 70, 1e-6);
  g_assert_cmpfloat_with_epsilon (y, y0 - 10, 1e-6);

  /* Dragging from a node does not. */
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", 30.0, 30.0);
  g_signal_emit_by_name (drag, "drag-end", 30.0, 30.0);
  hs_graph_view_node_position (fixture->view, 0, &x1, &y1);
  g_assert_cmpfloat (x1, ==, x);
  g_assert_cmpfloat (y1, ==, y);

  /* A wheel click pans up or down. */
  g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
  g_assert_true (handled);
  hs_graph_view_node_position (fixture->view, 0, &x1, &y1);
  g_assert_cmpfloat (x1, ==, x);
  g_assert_cmpfloat (y1, <, y - 10);
  g_signal_emit_by_name (scroll, "scroll", -0.5, 0.0, &handled);
  hs_graph_view_node_position (fixture->view, 0, &x, &y);
  g_assert_cmpfloat (x, >, x1 + 10);
  g_assert_cmpfloat (y, ==, y1);

  /* A pinch zooms. */
  g_signal_emit_by_name (pinch, "begin", NULL);
  g_signal_emit_by_name (pinch, "scale-changed", 1.5);
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), zoom * 1.5, 1e-9);
  g_signal_emit_by_name (pinch, "scale-changed", 2.0);
  g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (fixture->view), zoom * 2, 1e-9);

  /* Hovering a node highlights it; leaving the view ends it. */
  hs_graph_view_node_position (fixture->view, 2, &x, &y);
  g_signal_emit_by_name (motion, "enter", x, y);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (hs_graph_view_get_hovered (fixture->view), ==, 2);
  test_wait_for_draw (view);
  g_signal_emit_by_name (motion, "motion", x, y + 200);
  g_assert_cmpint (hs_graph_view_get_hovered (fixture->view), ==, -1);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (hs_graph_view_get_hovered (fixture->view), ==, 2);
  /* Panning away from under the pointer ends it too. */
  hs_graph_view_pan (fixture->view, 0, 400);
  g_assert_cmpint (hs_graph_view_get_hovered (fixture->view), ==, -1);
  hs_graph_view_pan (fixture->view, 0, -400);
  g_assert_cmpint (hs_graph_view_get_hovered (fixture->view), ==, 2);
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (hs_graph_view_get_hovered (fixture->view), ==, -1);
}

/* -- Keeping the view over a new graph ------------------------------------- */

/* The small graph laid out again with more around it: new nodes first (so
 * every index moves), old ones shifted right and down. */
static HsRefGraph *
new_grown_graph (gboolean with_handles)
{
  g_autoptr(HsRefGraph) small = new_small_graph ();
  HsRefGraph *graph = hs_ref_graph_new ();
  guint first_old;

  add_node (graph, with_handles ? 101 : 0, "tuple", "(1, 2)", 56, 56, 0, 40, 40);
  add_node (graph, with_handles ? 102 : 0, "set", "{3, 4}", 216, 216, 0, 40, 160);
  first_old = graph->nodes->len;
  for (guint i = 0; i < small->nodes->len; i++)
    {
      const HsGraphNode *node = hs_ref_graph_node (small, i);
      guint index = add_node (graph, with_handles ? node->object->handle : 0, node->object->type_name,
                              node->object->text, node->object->flat, node->deep, node->flags,
                              node->x + 260, node->y + 130);

      hs_ref_graph_node (graph, index)->object->root = node->object->root;
    }
  add_edge (graph, 0, first_old + 1, HS_EDGE_INDEX, NULL, 0, 0, 0);
  add_edge (graph, 1, first_old + 4, HS_EDGE_KEY, "x", 0, 0, 0);
  return graph;
}

static void
test_keep_view (Fixture       *fixture,
                gconstpointer  data)
{
  HsGraphView *view = fixture->view;
  g_autoptr(HsRefGraph) grown = new_grown_graph (TRUE);
  guint notified = 0;
  double x, y, after_x, after_y, zoom;

  hs_graph_view_set_selected (view, 1);
  hs_graph_view_zoom_at (view, 1.7, 200, 150);
  hs_graph_view_pan (view, 33.25, -12.5);
  zoom = hs_graph_view_get_zoom (view);
  hs_graph_view_node_position (view, 1, &x, &y);
  test_wait_for_draw (GTK_WIDGET (view));

  g_signal_connect (view, "notify::selected", G_CALLBACK (count_notify), &notified);
  hs_graph_view_set_graph (view, grown, TRUE);
  g_assert_true (hs_graph_view_get_graph (view) == grown);
  /* The same object, at its new index, where it was. */
  g_assert_cmpint (hs_graph_view_get_selected (view), ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpfloat (hs_graph_view_get_zoom (view), ==, zoom);
  hs_graph_view_node_position (view, 3, &after_x, &after_y);
  g_assert_cmpfloat (fabs (after_x - x), <=, 1);
  g_assert_cmpfloat (fabs (after_y - y), <=, 1);
  test_wait_for_draw (GTK_WIDGET (view));
  g_assert_cmpint (hs_graph_view_node_at (view, after_x, after_y), ==, 3);

  /* Without handles, by index: here index 1 stays 1, a tuple now. */
  {
    g_autoptr(HsRefGraph) plain = new_grown_graph (FALSE);
    g_autoptr(HsRefGraph) plainer = new_grown_graph (FALSE);

    hs_graph_view_set_graph (view, plain, FALSE);
    hs_graph_view_set_selected (view, 4);
    hs_graph_view_zoom_at (view, 0.9, 10, 10);
    hs_graph_view_node_position (view, 4, &x, &y);
    /* Moved in the new layout: 100 points right. */
    for (guint i = 0; i < plainer->nodes->len; i++)
      hs_ref_graph_node (plainer, i)->x += 100;
    hs_graph_view_set_graph (view, plainer, TRUE);
    g_assert_cmpint (hs_graph_view_get_selected (view), ==, 4);
    hs_graph_view_node_position (view, 4, &after_x, &after_y);
    g_assert_cmpfloat (fabs (after_x - x), <=, 1);
    g_assert_cmpfloat (fabs (after_y - y), <=, 1);
    g_assert_cmpfloat_with_epsilon (hs_graph_view_get_zoom (view), 0.9, 1e-9);
  }

  /* Not keeping the view: fitted. */
  hs_graph_view_set_graph (view, fixture->graph, FALSE);
  g_assert_cmpint (hs_graph_view_get_selected (view), ==, -1);
  test_wait_for_draw (GTK_WIDGET (view));
  assert_all_inside (view, fixture->graph);
  g_assert_cmpfloat (hs_graph_view_get_zoom (view), >, 1);
}

/* -- What is drawn ---------------------------------------------------------- */

typedef struct
{
  guchar *data;
  gsize   stride;
  int     width;
  int     height;
  double  view_x;   /* where the view is in the window */
  double  view_y;
} Pixels;

static void
pixels_clear (Pixels *pixels)
{
  g_free (pixels->data);
}

static gboolean
view_is_idle (gpointer data)
{
  return !hs_graph_view_is_busy (HS_GRAPH_VIEW (data));
}

/* The window as the renderer draws it, once the view has drawn all of its
 * picture, and where the view is in it. */
static void
render_window (Fixture *fixture,
               Pixels  *pixels)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  g_autoptr(GdkTexture) texture = NULL;
  graphene_point_t origin;

  test_wait_until (view_is_idle, fixture->view);
  texture = test_render_widget (window);

  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = pixels->width * 4;
  pixels->data = g_malloc (pixels->stride * pixels->height);
  gdk_texture_download (texture, pixels->data, pixels->stride);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (fixture->view), window, &GRAPHENE_POINT_INIT (0, 0), &origin));
  pixels->view_x = origin.x;
  pixels->view_y = origin.y;
}

/* The colour at view coordinates, as 0…1 (cairo's ARGB32, opaque here). */
static GdkRGBA
pixel_at (const Pixels *pixels,
          double        x,
          double        y)
{
  int px = (int) floor (x + pixels->view_x);
  int py = (int) floor (y + pixels->view_y);
  const guchar *p;

  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, >=, 0);
  g_assert_cmpint (px, <, pixels->width);
  g_assert_cmpint (py, <, pixels->height);
  p = pixels->data + py * pixels->stride + px * 4;
  return (GdkRGBA) { p[2] / 255.0, p[1] / 255.0, p[0] / 255.0, p[3] / 255.0 };
}

static double
color_distance (const GdkRGBA *a,
                const GdkRGBA *b)
{
  return MAX (fabs (a->red - b->red), MAX (fabs (a->green - b->green), fabs (a->blue - b->blue)));
}

static void
test_render (Fixture       *fixture,
             gconstpointer  data)
{
  HsGraphView *view = fixture->view;
  Pixels pixels = { 0 };
  GdkRGBA accent, background, inside, hit;
  double zoom = hs_graph_view_get_zoom (view);
  double x3, y3, x4, y4, x, y;
  gboolean found = FALSE;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (view)), "accent_color", &accent));
  G_GNUC_END_IGNORE_DEPRECATIONS

  render_window (fixture, &pixels);
  background = pixel_at (&pixels, 3, 3);
  /* Node 4 (a large list): its fill just inside its left border. */
  hs_graph_view_node_position (view, 4, &x4, &y4);
  inside = pixel_at (&pixels, x4 - NODE_W / 2 * zoom + 4, y4 + NODE_H / 4 * zoom);
  g_assert_cmpfloat (color_distance (&inside, &background), >, 0.08);
  /* Its type's text, dark on the fill, across its middle. */
  {
    double darkest = 1;

    for (double dx = -30; dx <= 30; dx += 1)
      {
        GdkRGBA text = pixel_at (&pixels, x4 + dx, y4 - NODE_H / 6 * zoom);

        darkest = MIN (darkest, text.red + text.green + text.blue);
      }
    g_assert_cmpfloat (darkest, <, 1.2);
  }
  /* The path edge from node 3 to node 4, in the accent colour. */
  hs_graph_view_node_position (view, 3, &x3, &y3);
  x = (x3 + x4) / 2;
  y = (y3 + y4) / 2;
  for (double dy = -3; dy <= 3 && !found; dy += 1)
    for (double dx = -3; dx <= 3 && !found; dx += 1)
      {
        hit = pixel_at (&pixels, x + dx, y + dy);
        found = color_distance (&hit, &accent) < 0.1;
      }
  g_assert_true (found);
  /* A plain edge, 0 → 1, is not. */
  {
    double x0, y0, x1, y1;
    gboolean drawn = FALSE;

    hs_graph_view_node_position (view, 0, &x0, &y0);
    hs_graph_view_node_position (view, 1, &x1, &y1);
    for (double dy = -3; dy <= 3; dy += 1)
      {
        hit = pixel_at (&pixels, (x0 + x1) / 2, (y0 + y1) / 2 + dy);
        g_assert_cmpfloat (color_distance (&hit, &accent), >, 0.2);
        drawn = drawn || color_distance (&hit, &background) > 0.2;
      }
    g_assert_true (drawn);
  }
  /* Empty space, between the rows right of node 4, is background. */
  hit = pixel_at (&pixels, x4 + NODE_W / 2 * zoom + 20, y4 - 60 * zoom);
  g_assert_cmpfloat (color_distance (&hit, &background), <, 0.02);
  pixels_clear (&pixels);

  /* Panned: the picture moves with what node_at finds. */
  hs_graph_view_pan (view, -200, 30);
  render_window (fixture, &pixels);
  hs_graph_view_node_position (view, 4, &x, &y);
  g_assert_cmpint (hs_graph_view_node_at (view, x - NODE_W / 2 * zoom + 4, y + NODE_H / 4 * zoom), ==, 4);
  hit = pixel_at (&pixels, x - NODE_W / 2 * zoom + 4, y + NODE_H / 4 * zoom);
  g_assert_cmpfloat (color_distance (&hit, &inside), <, 0.02);
  pixels_clear (&pixels);

  /* Without a graph, nothing. */
  hs_graph_view_set_graph (view, NULL, FALSE);
  render_window (fixture, &pixels);
  hit = pixel_at (&pixels, x, y + NODE_H / 4 * zoom);
  g_assert_cmpfloat (color_distance (&hit, &background), <, 0.02);
  pixels_clear (&pixels);
}

/* -- Text that fits -------------------------------------------------------- */

/* Graphviz sizes each box for the text the view writes in it, the first
 * line bold: at zoom 1 none is cut short ("module" cut to "modu…" was). */
static void
test_text_fits (Fixture       *fixture,
                gconstpointer  data)
{
  hs_graph_view_set_zoom (fixture->view, 1.0);
  for (guint i = 0; i < fixture->graph->nodes->len; i++)
    if (hs_graph_view_node_text_is_cut (fixture->view, i))
      g_error ("node %u (%s) is cut short at zoom 1", i, hs_ref_graph_node (fixture->graph, i)->object->type_name);
  /* The check can fail: a box a third narrower cuts its text. */
  hs_graph_view_set_zoom (fixture->view, 0.999);
  hs_ref_graph_node (fixture->graph, 1)->width *= 0.66;
  hs_graph_view_set_graph (fixture->view, fixture->graph, TRUE);
  g_assert_true (hs_graph_view_node_text_is_cut (fixture->view, 1));
}

/* -- Tooltips --------------------------------------------------------------- */

static void
test_tooltip (Fixture       *fixture,
              gconstpointer  data)
{
  HsGraphView *view = fixture->view;
  g_autofree char *order = hs_graph_view_describe_node (view, 0);
  g_autofree char *module = hs_graph_view_describe_node (view, 3);
  g_autofree char *more = hs_graph_view_describe_node (view, 5);
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;
  double x, y;

  g_assert_nonnull (strstr (order, "__main__.Order"));
  g_assert_nonnull (strstr (order, "Order at 0x7f3a10040 (id=3)"));
  g_assert_nonnull (strstr (order, "0x7f3a10040"));
  g_assert_nonnull (strstr (order, "Size 56 B, deep size 1.45 KB"));
  g_assert_nonnull (strstr (order, "The object asked about"));
  g_assert_nonnull (strstr (module, "module"));
  g_assert_nonnull (strstr (module, "4.00 MB"));
  g_assert_nonnull (strstr (module, "Root: a module"));
  g_assert_nonnull (strstr (more, "12 more objects referring to dict"));
  g_assert_null (hs_graph_view_describe_node (view, 6));

  /* The tooltip asks the same, for the node under the pointer only. */
  hs_graph_view_node_position (view, 0, &x, &y);
  g_signal_emit_by_name (view, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &shown);
  g_assert_true (shown);
  shown = TRUE;
  g_signal_emit_by_name (view, "query-tooltip", (int) x, (int) y + 70, FALSE, tooltip, &shown);
  g_assert_false (shown);
  /* From the keyboard: the selected node's. */
  g_signal_emit_by_name (view, "query-tooltip", 0, 0, TRUE, tooltip, &shown);
  g_assert_false (shown);
  hs_graph_view_set_selected (view, 3);
  g_signal_emit_by_name (view, "query-tooltip", 0, 0, TRUE, tooltip, &shown);
  g_assert_true (shown);
}

/* -- A picture to look at ----------------------------------------------------- */

/* A shop's objects, as a referrer graph shows them: the asked Order at the
 * bottom, its path up to the module, a cycle with its Customer, a "+K more"
 * node, and a second part (a class's registry of linked Nodes). */
static HsRefGraph *
new_demo_graph (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();
  struct { const char *type, *text; gint64 flat, deep; double x, y; guint flags; HsRootKind root; int cluster; } nodes[] = {
    /* 0 */ { "module", "<module '__main__' from 'shop.py'>", 72, 2516582, 420, 40, HS_GRAPH_NODE_ON_PATH, HS_ROOT_MODULE, 0 },
    /* 1 */ { "frame", "checkout() at shop.py:88", 432, 9240, 800, 40, 0, HS_ROOT_FRAME, 0 },
    /* 2 */ { "__main__.Shop", "Shop('Corner store')", 56, 412000, 260, 140, HS_GRAPH_NODE_ON_PATH, 0, 0 },
    /* 3 */ { "__main__.OrderCache", "OrderCache(size=2)", 56, 1320, 540, 140, 0, 0, 0 },
    /* 4 */ { "__main__.Customer", "Customer('Ada')", 56, 3100, 800, 140, 0, 0, 0 },
    /* 5 */ { "list", "[<Order 1>, <Order 2>, … 120 items]", 1048, 180224, 120, 240, HS_GRAPH_NODE_ON_PATH, 0, 0 },
    /* 6 */ { "list", "[<Invoice 1>, <Invoice 2>]", 72, 2480, 380, 240, 0, 0, 0 },
    /* 7 */ { "dict", "{3: <Order 3>, 4: <Order 4>}", 232, 1264, 560, 240, 0, 0, 0 },
    /* 8 */ { "__main__.Session", "Session(user='ada')", 56, 5400, 800, 240, 0, 0, 0 },
    /* 9 */ { "__main__.Invoice", "Invoice(no=1043)", 56, 980, 380, 340, 0, 0, 0 },
    /* 10 */ { "__main__.Order", "Order at 0x7f3a10c40 (id=3)", 56, 1480, 580, 340, HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH | HS_GRAPH_NODE_IN_CYCLE, 0, 0 },
    /* 11 */ { "__main__.Cart", "Cart(items=2)", 56, 2210, 820, 340, 0, 0, 0 },
    /* 12 */ { "__main__.Order", "Order at 0x7f3a10b80 (id=1)", 56, 1320, 170, 340, 0, 0, 0 },
    /* 13 */ { "__main__.Customer", "Customer('Bob')", 56, 2890, 500, 450, HS_GRAPH_NODE_IN_CYCLE, 0, 0 },
    /* 14 */ { "list", "[<Order 3>, <Item 'tea'>]", 72, 1900, 760, 450, 0, 0, 0 },
    /* 15 */ { "__main__.Item", "Item('tea', 4.50)", 56, 460, 960, 450, 0, 0, 0 },
    /* 16 */ { "str", "'Corner store'", 61, 61, 280, 450, 0, 0, 0 },
    /* 17 */ { "tuple", "(<Order 3>, 'pending')", 56, 1536, 960, 240, 0, 0, 0 },
    /* 18 */ { "type", "<class '__main__.Node'>", 1064, 48200, 1320, 40, 0, HS_ROOT_CLASS, 1 },
    /* 19 */ { "list", "[<Node a>, <Node b>, <Node c>]", 88, 46800, 1320, 140, 0, 0, 1 },
    /* 20 */ { "__main__.Node", "Node('a')", 56, 15400, 1180, 240, 0, 0, 1 },
    /* 21 */ { "__main__.Node", "Node('b')", 56, 15400, 1460, 240, 0, 0, 1 },
    /* 22 */ { "__main__.Node", "Node('c')", 56, 15400, 1320, 340, 0, 0, 1 },
    /* 23 */ { "dict", "{'colour': 'red', 'weight': 3}", 232, 640, 1150, 450, 0, 0, 1 },
    /* 24 */ { "bytes", "b'\\x89PNG\\r\\n…' (12 KB)", 12321, 12321, 1490, 450, 0, 0, 1 },
    /* 25 */ { "frame", "main() at shop.py:120", 432, 3300, 1690, 140, 0, HS_ROOT_FRAME, 2 },
    /* 26 */ { "__main__.Report", "Report(month=5)", 56, 8800, 1690, 240, 0, 0, 2 },
    /* 27 */ { "list", "[<Row 1>, … 40 items]", 376, 8400, 1690, 340, 0, 0, 2 },
  };
  guint more_orders, more_nodes;

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      guint index = add_node (graph, i + 1, nodes[i].type, nodes[i].text, nodes[i].flat, nodes[i].deep,
                              nodes[i].flags, nodes[i].x, nodes[i].y);

      hs_ref_graph_node (graph, index)->object->root = nodes[i].root;
      hs_ref_graph_node (graph, index)->cluster = nodes[i].cluster;
    }
  more_orders = add_node (graph, 0, NULL, NULL, 0, -1, HS_GRAPH_NODE_MORE, 40, 450);
  hs_ref_graph_node (graph, more_orders)->more = 117;
  hs_ref_graph_node (graph, more_orders)->more_of = 5;
  hs_ref_graph_node (graph, more_orders)->more_direction = HS_GRAPH_REFERENTS;
  hs_ref_graph_node (graph, more_orders)->cluster = 0;
  more_nodes = add_node (graph, 0, NULL, NULL, 0, -1, HS_GRAPH_NODE_MORE, 1320, 450);
  hs_ref_graph_node (graph, more_nodes)->more = 3;
  hs_ref_graph_node (graph, more_nodes)->more_of = 22;
  hs_ref_graph_node (graph, more_nodes)->more_direction = HS_GRAPH_REFERENTS;
  hs_ref_graph_node (graph, more_nodes)->cluster = 1;
  graph->split = TRUE;

  add_edge (graph, 0, 2, HS_EDGE_GLOBAL, "shop", 0, HS_GRAPH_EDGE_ON_PATH, 0);
  add_edge (graph, 0, 3, HS_EDGE_GLOBAL, "cache", 0, 0, 0);
  add_edge (graph, 1, 4, HS_EDGE_LOCAL, "customer", 0, 0, 0);
  add_edge (graph, 2, 5, HS_EDGE_ATTRIBUTE, "orders", 0, HS_GRAPH_EDGE_ON_PATH, 0);
  add_edge (graph, 2, 6, HS_EDGE_ATTRIBUTE, "invoices", 0, 0, 0);
  add_edge (graph, 3, 7, HS_EDGE_ATTRIBUTE, "_by_id", 0, 0, 0);
  add_edge (graph, 4, 8, HS_EDGE_ATTRIBUTE, "session", 0, 0, 0);
  add_edge (graph, 6, 9, HS_EDGE_INDEX, NULL, 0, 0, 0);
  add_edge (graph, 5, 10, HS_EDGE_INDEX, NULL, 2, HS_GRAPH_EDGE_ON_PATH, 0);
  add_edge (graph, 7, 10, HS_EDGE_KEY, "3", 0, 0, 0);
  add_edge (graph, 9, 10, HS_EDGE_ATTRIBUTE, "order", 0, 0, 0);
  add_edge (graph, 8, 11, HS_EDGE_ATTRIBUTE, "cart", 0, 0, 0);
  add_edge (graph, 5, 12, HS_EDGE_INDEX, NULL, 0, 0, 0);
  add_edge (graph, 10, 13, HS_EDGE_ATTRIBUTE, "customer", 0, HS_GRAPH_EDGE_IN_CYCLE, 18);
  add_edge (graph, 13, 10, HS_EDGE_ATTRIBUTE, "last_order", 0, HS_GRAPH_EDGE_IN_CYCLE, 18);
  add_edge (graph, 11, 14, HS_EDGE_ATTRIBUTE, "items", 0, 0, 0);
  add_edge (graph, 14, 10, HS_EDGE_INDEX, NULL, 0, 0, 0);
  add_edge (graph, 14, 15, HS_EDGE_INDEX, NULL, 1, 0, 0);
  add_edge (graph, 2, 16, HS_EDGE_ATTRIBUTE, "name", 0, 0, 0);
  add_edge (graph, 1, 17, HS_EDGE_LOCAL, "pending", 0, 0, 0);
  add_edge (graph, 17, 10, HS_EDGE_INDEX, NULL, 0, 0, 0);
  add_edge (graph, 5, more_orders, HS_EDGE_NONE, NULL, 0, 0, 0);
  add_edge (graph, 18, 19, HS_EDGE_CLASS_ATTRIBUTE, "registry", 0, 0, 0);
  add_edge (graph, 19, 20, HS_EDGE_INDEX, NULL, 0, 0, 0);
  add_edge (graph, 19, 21, HS_EDGE_INDEX, NULL, 1, 0, 0);
  add_edge (graph, 19, 22, HS_EDGE_INDEX, NULL, 2, 0, 0);
  add_edge (graph, 20, 21, HS_EDGE_ATTRIBUTE, "next", 0, HS_GRAPH_EDGE_IN_CYCLE, -16);
  add_edge (graph, 21, 20, HS_EDGE_ATTRIBUTE, "prev", 0, HS_GRAPH_EDGE_IN_CYCLE, -16);
  add_edge (graph, 20, 23, HS_EDGE_ATTRIBUTE, "style", 0, 0, 0);
  add_edge (graph, 21, 24, HS_EDGE_ATTRIBUTE, "icon", 0, 0, 0);
  add_edge (graph, 22, more_nodes, HS_EDGE_NONE, NULL, 0, 0, 0);
  add_edge (graph, 25, 26, HS_EDGE_LOCAL, "report", 0, 0, 0);
  add_edge (graph, 26, 27, HS_EDGE_ATTRIBUTE, "rows", 0, 0, 0);
  return graph;
}

/* The window as shown, with all the text set for the zoom shown. */
static void
save_png (Fixture    *fixture,
          const char *name)
{
  test_wait_until (view_is_idle, fixture->view);
  test_save_png (GTK_WIDGET (fixture->window), name);
}

static gboolean
view_is_1280_wide (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) == 1280;
}

/* graph-view.png and graph-view-near.png in the build folder: the demo graph
 * fitted, with a node selected and another hovered, then close up. */
static void
test_picture (Fixture       *fixture,
              gconstpointer  data)
{
  HsGraphView *view = fixture->view;
  GtkEventController *motion = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  double x, y;

  gtk_window_set_default_size (fixture->window, 1280, 720);
  gtk_window_set_focus_visible (fixture->window, TRUE);
  test_wait_until (view_is_1280_wide, view);
  test_wait_until (view_is_idle, view);
  hs_graph_view_set_selected (view, 10);
  hs_graph_view_node_position (view, 20, &x, &y);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (hs_graph_view_get_hovered (view), ==, 20);
  save_png (fixture, "graph-view.png");

  hs_graph_view_zoom_at (view, 1.6, gtk_widget_get_width (GTK_WIDGET (view)) / 2.0, 0);
  hs_graph_view_set_selected (view, 10);
  save_png (fixture, "graph-view-near.png");

  hs_graph_view_set_zoom (view, 0.45);
  save_png (fixture, "graph-view-far.png");

  /* The dark style: its own colours, the same picture. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  hs_graph_view_zoom_to_fit (view);
  save_png (fixture, "graph-view-dark.png");
  {
    Pixels pixels = { 0 };
    GdkRGBA background, fill;

    render_window (fixture, &pixels);
    background = pixel_at (&pixels, 3, 3);
    hs_graph_view_node_position (view, 0, &x, &y);
    fill = pixel_at (&pixels, x - 60 * hs_graph_view_get_zoom (view), y + 10 * hs_graph_view_get_zoom (view));
    g_assert_cmpfloat (background.red + background.green + background.blue, <, 0.6);
    /* The largest node's fill: lighter than the background, and purple. */
    g_assert_cmpfloat (fill.red + fill.blue, >, background.red + background.blue + 0.3);
    g_assert_cmpfloat (fill.green, <, fill.red);
    pixels_clear (&pixels);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

/* Pixels of @a at (x, y) that differ from @b's at (x - dx, y - dy), over
 * the part of the view both show. */
static guint
count_moved_differences (const Pixels *a,
                         const Pixels *b,
                         int           width,
                         int           height,
                         int           dx,
                         int           dy)
{
  guint differences = 0;

  for (int y = MAX (dy, 0); y < height + MIN (dy, 0); y++)
    for (int x = MAX (dx, 0); x < width + MIN (dx, 0); x++)
      {
        const guchar *p = a->data + (gsize) (y + (int) a->view_y) * a->stride + (gsize) (x + (int) a->view_x) * 4;
        const guchar *q = b->data + (gsize) (y - dy + (int) b->view_y) * b->stride + (gsize) (x - dx + (int) b->view_x) * 4;

        for (int c = 0; c < 4; c++)
          if (abs (p[c] - q[c]) > 2)
            {
              differences++;
              break;
            }
      }
  return differences;
}

/* The picture is drawn in tiles: a pan moves it by exactly the pan, tiles
 * and all; after a zoom, once it has settled, it is the picture a view drawn
 * afresh at that zoom shows, not the old tiles scaled. */
static void
test_tiles (Fixture       *fixture,
            gconstpointer  data)
{
  HsGraphView *view = fixture->view;
  int width = gtk_widget_get_width (GTK_WIDGET (view));
  int height = gtk_widget_get_height (GTK_WIDGET (view));
  Pixels before = { 0 }, panned = { 0 }, zoomed = { 0 }, afresh = { 0 };

  hs_graph_view_zoom_at (view, 1.0, width / 2.0, height / 2.0);
  test_wait_until (view_is_idle, view);
  render_window (fixture, &before);

  hs_graph_view_pan (view, -301, -173);
  test_wait_until (view_is_idle, view);
  render_window (fixture, &panned);
  /* Text and boxes throughout: the comparison is not of empty space. */
  g_assert_cmpuint (count_moved_differences (&before, &before, width, height, 40, 0), >, (guint) (width * height / 50));
  g_assert_cmpuint (count_moved_differences (&panned, &before, width, height, -301, -173), ==, 0);

  hs_graph_view_zoom_at (view, 1.2, width / 3.0, height / 3.0);
  test_wait_until (view_is_idle, view);
  render_window (fixture, &zoomed);
  hs_graph_view_set_graph (view, fixture->graph, TRUE);
  test_wait_until (view_is_idle, view);
  render_window (fixture, &afresh);
  g_assert_cmpfloat (hs_graph_view_get_zoom (view), ==, 1.2);
  g_assert_cmpuint (count_moved_differences (&zoomed, &afresh, width, height, 0, 0), ==, 0);

  pixels_clear (&before);
  pixels_clear (&panned);
  pixels_clear (&zoomed);
  pixels_clear (&afresh);
}

/* How many nodes of @type the tree under @node holds. */
static guint
count_render_nodes (GskRenderNode     *node,
                    GskRenderNodeType  type)
{
  guint found = gsk_render_node_get_node_type (node) == type;

  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        found += count_render_nodes (gsk_container_node_get_child (node, i), type);
      break;
    case GSK_TRANSFORM_NODE:
      found += count_render_nodes (gsk_transform_node_get_child (node), type);
      break;
    case GSK_CLIP_NODE:
      found += count_render_nodes (gsk_clip_node_get_child (node), type);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      found += count_render_nodes (gsk_rounded_clip_node_get_child (node), type);
      break;
    case GSK_OPACITY_NODE:
      found += count_render_nodes (gsk_opacity_node_get_child (node), type);
      break;
    case GSK_DEBUG_NODE:
      found += count_render_nodes (gsk_debug_node_get_child (node), type);
      break;
    default:
      break;
    }
  return found;
}

/* Under the cairo renderer the tiles are cairo nodes painting their image:
 * GTK 4.8's cairo renderer would copy a texture's pixels on every frame. */
static void
test_tiles_under_cairo (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;

  g_assert_true (GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (gtk_widget_get_native (view))));
  hs_graph_view_zoom_at (fixture->view, 1.0, 0, 0);
  test_wait_until (view_is_idle, view);
  test_wait_for_paint (view);
  paintable = gtk_widget_paintable_new (view);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (view), gtk_widget_get_height (view));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_cmpuint (count_render_nodes (node, GSK_TEXTURE_NODE), ==, 0);
  /* The view shows at least 3 × 2 tiles of 256 pixels. */
  g_assert_cmpuint (count_render_nodes (node, GSK_CAIRO_NODE), >=, 6);
}

/* -- 2 000 nodes, 120 frames -------------------------------------------------- */

#define GRID_COLUMNS 50
#define GRID_ROWS    40
#define N_FRAMES     120

static HsRefGraph *
new_grid_graph (void)
{
  HsRefGraph *graph = hs_ref_graph_new ();
  const char *types[] = { "dict", "list", "__main__.Node", "tuple", "str", "__main__.Edge", "set", "function" };

  for (guint r = 0; r < GRID_ROWS; r++)
    for (guint c = 0; c < GRID_COLUMNS; c++)
      {
        guint i = r * GRID_COLUMNS + c;
        g_autofree char *text = g_strdup_printf ("%s at 0x%x (id=%u)", types[i % 8], 0x7f3a0000 + i * 64, i);
        guint flags = r == GRID_ROWS / 2 ? HS_GRAPH_NODE_ON_PATH : 0;
        guint index = add_node (graph, i + 1, types[i % 8], text, 56 + (i % 13) * 40, 56 + (i * 7919) % 200000,
                                flags, 100 + c * 200 + (r % 2) * 30, 40 + r * 90);

        if (i % 97 == 0)
          hs_ref_graph_node (graph, index)->object->root = HS_ROOT_MODULE;
      }
  hs_ref_graph_node (graph, 0)->flags |= HS_GRAPH_NODE_ASKED;
  for (guint r = 0; r < GRID_ROWS; r++)
    for (guint c = 0; c < GRID_COLUMNS; c++)
      {
        guint i = r * GRID_COLUMNS + c;

        if (c + 1 < GRID_COLUMNS)
          add_edge (graph, i, i + 1, HS_EDGE_ATTRIBUTE, "next", 0,
                    r == GRID_ROWS / 2 ? HS_GRAPH_EDGE_ON_PATH : c % 11 == 0 ? HS_GRAPH_EDGE_IN_CYCLE : 0, 0);
        if (r + 1 < GRID_ROWS && (r + c) % 2 == 0)
          add_edge (graph, i, i + GRID_COLUMNS, HS_EDGE_INDEX, NULL, c, 0, 12);
      }
  return graph;
}

typedef struct
{
  HsGraphView *view;
  GArray      *frames;      /* gint64 µs: each frame, from its tick to its end */
  GArray      *drawing;     /* gint64 µs: the view's snapshot in each frame */
  GArray      *drawing_cpu; /* the same in CPU time of the thread: what a busy machine does not stretch */
  GArray      *frames_cpu;  /* each frame in CPU time of the main thread: what a GPU would not take over */
  gint64       frame_start;
  gint64       frame_cpu_start;
  gint64       frame_drawing;
  gint64       frame_drawing_cpu;
  guint        ticks;
  double       fit;
  gboolean     flat;        /* the floor: a colour that changes, instead of the view's drawing */
  gboolean     done;
} FrameRun;

static FrameRun *timed_run;

static void (*real_snapshot) (GtkWidget *widget, GtkSnapshot *snapshot);

/* The view's own share of a frame: its snapshot, where it draws. */
static void
timed_snapshot (GtkWidget   *widget,
                GtkSnapshot *snapshot)
{
  gint64 start = g_get_monotonic_time ();
  gint64 cpu_start = test_thread_cpu_time ();

  if (timed_run != NULL && timed_run->flat)
    gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, (timed_run->ticks % 64) / 64.0, 1 },
                               &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget)));
  else
    real_snapshot (widget, snapshot);
  if (timed_run != NULL)
    {
      timed_run->frame_drawing += g_get_monotonic_time () - start;
      timed_run->frame_drawing_cpu += test_thread_cpu_time () - cpu_start;
    }
}

/* The view moves every frame: in from the whole graph to zoom 1.2, a pan
 * across at that zoom and at 0.4, and out again. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  FrameRun *run = data;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  guint t = run->ticks++;

  run->frame_start = g_get_monotonic_time ();
  run->frame_cpu_start = test_thread_cpu_time ();
  run->frame_drawing = 0;
  run->frame_drawing_cpu = 0;
  if (t >= N_FRAMES)
    {
      run->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (t < 40)
    hs_graph_view_zoom_at (run->view, run->fit * pow (1.2 / run->fit, (t + 1) / 40.0), width * 0.3, height * 0.6);
  else if (t < 60)
    hs_graph_view_pan (run->view, -37, -11);
  else if (t < 70)
    hs_graph_view_zoom_at (run->view, hs_graph_view_get_zoom (run->view) * pow (0.4 / 1.2, 0.1), width / 2, height / 2);
  else if (t < 90)
    hs_graph_view_pan (run->view, 61, 23);
  else
    hs_graph_view_zoom_at (run->view, 0.4 * pow (run->fit / 0.4, (t - 89) / 30.0), width * 0.7, height * 0.4);
  return G_SOURCE_CONTINUE;
}

/* A frame: from its tick (where the view moves) to the end of its paint,
 * with the X server's share of the drawing (the sync waits for it). */
static void
on_after_paint (GdkFrameClock *clock,
                FrameRun      *run)
{
  gint64 now;

  if (run->frame_start == 0 || run->done)
    return;
  gdk_display_sync (gdk_display_get_default ());
  now = g_get_monotonic_time ();
  g_array_append_val (run->frames, (gint64) { now - run->frame_start });
  g_array_append_val (run->drawing, run->frame_drawing);
  g_array_append_val (run->drawing_cpu, run->frame_drawing_cpu);
  g_array_append_val (run->frames_cpu, (gint64) { test_thread_cpu_time () - run->frame_cpu_start });
  run->frame_start = 0;
}

static gboolean
run_is_done (gpointer data)
{
  return ((FrameRun *) data)->done;
}

/* "max 12.3 ms, p99 11.0 ms, median 4.5 ms"; sorts @times. */
static char *
describe_times (GArray *times)
{
  guint n = times->len;
  guint p99 = MIN (n - 1, (guint) ceil (n * 0.99) - 1);

  test_sort_times (times);
  return g_strdup_printf ("max %.1f ms, p99 %.1f ms, median %.1f ms",
                          g_array_index (times, gint64, n - 1) / 1000.0, g_array_index (times, gint64, p99) / 1000.0,
                          g_array_index (times, gint64, n / 2) / 1000.0);
}

/* N_FRAMES frames of the same moves, timed; with @flat, each frame draws a
 * colour that changes instead of the graph: what the display alone costs. */
static FrameRun
run_frames (Fixture  *fixture,
            gboolean  flat)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  GtkWidgetClass *view_class = GTK_WIDGET_GET_CLASS (view);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (view);
  FrameRun run = { fixture->view, g_array_new (FALSE, FALSE, sizeof (gint64)),
                   g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (gint64)),
                   g_array_new (FALSE, FALSE, sizeof (gint64)), 0, 0, 0, 0, 0, 0, flat, FALSE };
  gulong after_paint_handler;

  hs_graph_view_zoom_to_fit (fixture->view);
  test_wait_for_draw (view);
  run.fit = hs_graph_view_get_zoom (fixture->view);
  g_assert_cmpfloat (run.fit, <, 0.2);
  real_snapshot = view_class->snapshot;
  view_class->snapshot = timed_snapshot;
  timed_run = &run;
  after_paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &run);
  gtk_widget_add_tick_callback (view, on_tick, &run, NULL);
  test_wait_until (run_is_done, &run);
  g_signal_handler_disconnect (clock, after_paint_handler);
  view_class->snapshot = real_snapshot;
  timed_run = NULL;
  g_assert_cmpuint (run.frames->len, >=, N_FRAMES - 2);
  return run;
}

static void
frame_run_clear (FrameRun *run)
{
  g_array_unref (run->frames);
  g_array_unref (run->drawing);
  g_array_unref (run->drawing_cpu);
  g_array_unref (run->frames_cpu);
}

static void
test_frame_time (Fixture       *fixture,
                 gconstpointer  data)
{
  FrameRun run, floor_run;
  g_autofree char *frames = NULL;
  g_autofree char *drawing = NULL;
  g_autofree char *drawing_cpu = NULL;
  g_autofree char *floor_frames = NULL;
  g_autofree char *frames_cpu = NULL;

  if (!g_test_perf ())
    {
      g_test_skip ("a benchmark: run with -m perf (meson test --benchmark graph-view-frames)");
      return;
    }
  gtk_window_set_default_size (fixture->window, 1280, 800);
  test_wait_for_draw (GTK_WIDGET (fixture->window));
  run = run_frames (fixture, FALSE);
  floor_run = run_frames (fixture, TRUE);

  frames = describe_times (run.frames);
  drawing = describe_times (run.drawing);
  drawing_cpu = describe_times (run.drawing_cpu);
  floor_frames = describe_times (floor_run.frames);
  frames_cpu = describe_times (run.frames_cpu);
  g_print ("graph view, %u nodes and %u edges, %u frames of panning and zooming at 1280 x 800 (budget 16 ms):\n"
           "  the view's drawing (its snapshot, tiles drawn), wall clock: %s\n"
           "  the view's drawing, CPU time of the thread:    %s\n"
           "  whole frames (tick to after-paint, X server synced): %s\n"
           "  whole frames, CPU time of the main thread (a software renderer's own threads apart): %s\n"
           "  the display's floor (the same frames, the view a colour that changes): %s\n"
           "  renderer: %s\n",
           fixture->graph->nodes->len, fixture->graph->edges->len, run.frames->len, drawing, drawing_cpu, frames,
           frames_cpu, floor_frames, G_OBJECT_TYPE_NAME (gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (fixture->view)))));
  frame_run_clear (&run);
  frame_run_clear (&floor_run);
}

int
main (int   argc,
      char *argv[])
{
  if (!test_widgets_init (&argc, &argv))
    return 0;
  test_load_app_style ();

#define FIXTURE_TEST(path, graph, func) \
  g_test_add ("/hs/graph-view/" path, Fixture, graph, fixture_set_up, func, fixture_tear_down)
  FIXTURE_TEST ("fit-and-hit", NULL, test_fit_and_hit);
  FIXTURE_TEST ("keyboard-zoom", NULL, test_keyboard_zoom);
  FIXTURE_TEST ("select-and-activate", NULL, test_select_and_activate);
  FIXTURE_TEST ("pointer", NULL, test_pointer);
  FIXTURE_TEST ("keep-view", NULL, test_keep_view);
  FIXTURE_TEST ("render", NULL, test_render);
  FIXTURE_TEST ("tooltip", NULL, test_tooltip);
  FIXTURE_TEST ("text-fits", new_laid_out_graph, test_text_fits);
  FIXTURE_TEST ("picture", new_demo_graph, test_picture);
  FIXTURE_TEST ("tiles", new_grid_graph, test_tiles);
  FIXTURE_TEST ("tiles-under-cairo", new_grid_graph, test_tiles_under_cairo);
  FIXTURE_TEST ("frame-time", new_grid_graph, test_frame_time);
#undef FIXTURE_TEST
  return g_test_run ();
}
