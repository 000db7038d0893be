/* test-garbage-page.c — the Garbage page in a real GTK display, fed garbage
 * reports written here
 *
 * The window gives the page the stateful "win.watch-garbage" action, as the
 * application window does; turning it on or off sets the log's "watching",
 * as the session does when the agent answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hs-garbage-chart.h"
#include "hs-garbage-log.h"
#include "hs-garbage-page.h"
#include "hs-graph-view.h"
#include "test-widget-support.h"

/* Two collections: a young one that freed a doubly linked pair (one of them
 * with __del__) and a list holding itself; an old one too big to count its
 * cycles, with finalizers and one object left uncollectable. */
static const char *first_report =
  "{'type': 'garbage', 'id': 0, 'time': 2.5,"
  " 'collections': ["
  "  {'time': 1.5, 'generation': 0, 'objects': 6, 'bytes': 480, 'cycles': 2,"
  "   'with_del': 1, 'uncollectable': 0, 'cost': 0.0001,"
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

static HsGarbageReport *
report_from_json (const char *text)
{
  g_autofree char *json = g_strdelimit (g_strdup (text), "'", '"');
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  HsGarbageReport *report;

  node = json_from_string (json, &error);
  g_assert_no_error (error);
  report = hs_garbage_report_parse (json_node_get_object (node), &error);
  g_assert_no_error (error);
  return report;
}

static void
apply_json (HsGarbageLog *log,
            const char   *text)
{
  g_autoptr(HsGarbageReport) report = report_from_json (text);

  hs_garbage_log_apply (log, report);
}

/* -- A window to show the page in -------------------------------------------- */

typedef struct
{
  GtkWindow     *window;
  HsGarbagePage *page;
  HsGarbageLog  *log;
  GSimpleAction *watch;
} Fixture;

static void
on_watch_change_state (GSimpleAction *action,
                       GVariant      *state,
                       gpointer       user_data)
{
  Fixture *fixture = user_data;

  g_simple_action_set_state (action, state);
  hs_garbage_log_set_watching (fixture->log, g_variant_get_boolean (state));
}

static gboolean
page_is_idle (gpointer data)
{
  return !hs_garbage_page_is_busy (HS_GARBAGE_PAGE (data));
}

/* Sorting and layouts run apart: let them end, then draw. */
static void
settle (Fixture *fixture)
{
  test_wait_until (page_is_idle, fixture->page);
  test_drain_main_context ();
  test_wait_for_draw (GTK_WIDGET (fixture->window));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1280, 860);
  fixture->page = HS_GARBAGE_PAGE (hs_garbage_page_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  fixture->log = data != NULL ? ((HsGarbageLog *(*) (void)) data) () : hs_garbage_log_new ();
  fixture->watch = g_simple_action_new_stateful ("watch-garbage", NULL,
                                                 g_variant_new_boolean (hs_garbage_log_get_watching (fixture->log)));
  g_signal_connect (fixture->watch, "change-state", G_CALLBACK (on_watch_change_state), fixture);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (fixture->watch));
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "win", G_ACTION_GROUP (group));
  hs_garbage_page_set_log (fixture->page, fixture->log);
  gtk_window_present (fixture->window);
  settle (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  test_drain_main_context ();
  g_object_unref (fixture->watch);
  g_assert_finalize_object (fixture->log);
}

/* -- Reading what is drawn ------------------------------------------------- */

/* The texts of a row's cells: "2.00 s | 2 | 60,000 | —…". */
static void
collect_texts (GtkWidget *widget,
               GString   *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      const char *text = NULL;

      if (GTK_IS_INSCRIPTION (child))
        text = gtk_inscription_get_text (GTK_INSCRIPTION (child));
      else if (GTK_IS_LABEL (child))
        text = gtk_label_get_text (GTK_LABEL (child));
      if ((GTK_IS_INSCRIPTION (child) || GTK_IS_LABEL (child)) && gtk_widget_get_mapped (child))
        {
          if (row->len > 0)
            g_string_append (row, " | ");
          g_string_append (row, text != NULL ? text : "");
        }
      collect_texts (child, row);
    }
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows,
              GPtrArray *row_widgets)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (g_str_equal (gtk_widget_get_css_name (child), "row") && gtk_widget_get_mapped (child))
        {
          GString *row = g_string_new (NULL);

          collect_texts (child, row);
          g_ptr_array_add (rows, g_string_free (row, FALSE));
          if (row_widgets != NULL)
            g_ptr_array_add (row_widgets, child);
          continue;
        }
      collect_rows (child, rows, row_widgets);
    }
}

/* The rows drawn, top to bottom (the list draws them in order). */
static GPtrArray *
drawn_rows (GtkColumnView *view)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  collect_rows (GTK_WIDGET (view), rows, NULL);
  return rows;
}

/* The row drawn whose text starts with @prefix, or NULL. */
static GtkWidget *
find_row_widget (GtkColumnView *view,
                 const char    *prefix)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (view), rows, widgets);
  for (guint i = 0; i < rows->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (rows, i), prefix))
      return g_ptr_array_index (widgets, i);
  return NULL;
}

/* The cells of a row with @text, in order, looked for among inscriptions. */
static GtkWidget *
find_cell (GtkWidget  *row,
           guint       column)
{
  guint seen = 0;

  for (GtkWidget *cell = gtk_widget_get_first_child (row); cell != NULL; cell = gtk_widget_get_next_sibling (cell))
    if (seen++ == column)
      return gtk_widget_get_first_child (cell);
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type,
             const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (action_name == NULL || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0))
        return child;
      if ((found = find_widget (child, type, action_name)) != NULL)
        return found;
    }
  return NULL;
}

static HsGarbageCollection *
collection_at (HsGarbageLog *log,
               guint         position)
{
  HsGarbageCollection *collection = g_list_model_get_item (G_LIST_MODEL (log), position);

  g_assert_nonnull (collection);
  /* The log keeps it alive: the test needs no reference of its own. */
  g_object_unref (collection);
  return collection;
}

/* -- Tests ------------------------------------------------------------------- */

/* Off by default: an invitation whose button turns the watch on; the switch
 * then shows it on, and turns it off again without hiding what was seen. */
static void
test_empty_state (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GVariant) state = NULL;
  g_autofree char *totals = NULL;
  GtkWidget *button;
  GtkSwitch *toggle;

  g_assert_cmpstr (hs_garbage_page_get_state (fixture->page), ==, "empty");
  test_save_png (GTK_WIDGET (fixture->window), "garbage-page-empty.png");
  button = find_widget (GTK_WIDGET (fixture->page), GTK_TYPE_BUTTON, "win.watch-garbage");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  /* What a click does (activating a button clicks it only after a delay). */
  g_signal_emit_by_name (button, "clicked");
  state = g_action_get_state (G_ACTION (fixture->watch));
  g_assert_true (g_variant_get_boolean (state));
  g_assert_true (hs_garbage_log_get_watching (fixture->log));
  g_assert_cmpstr (hs_garbage_page_get_state (fixture->page), ==, "waiting");
  settle (fixture);
  toggle = GTK_SWITCH (find_widget (GTK_WIDGET (fixture->page), GTK_TYPE_SWITCH, "win.watch-garbage"));
  g_assert_nonnull (toggle);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (toggle)));
  g_assert_true (gtk_switch_get_active (toggle));
  test_save_png (GTK_WIDGET (fixture->window), "garbage-page-waiting.png");
  totals = hs_garbage_page_dup_text (fixture->page, "totals");
  g_assert_cmpstr (totals, ==, "");

  apply_json (fixture->log, first_report);
  g_assert_cmpstr (hs_garbage_page_get_state (fixture->page), ==, "collections");
  settle (fixture);

  gtk_widget_activate (GTK_WIDGET (toggle));
  g_assert_false (hs_garbage_log_get_watching (fixture->log));
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_cmpstr (hs_garbage_page_get_state (fixture->page), ==, "collections");
}

/* Each report adds its collections, newest first, and moves the totals; the
 * counts worth a look are marked. */
static void
test_rows_and_totals (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkColumnView *view = hs_garbage_page_get_collection_view (fixture->page);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *totals = NULL;
  g_autofree char *uncollectable = NULL;
  GtkWidget *row;

  hs_garbage_log_set_watching (fixture->log, TRUE);
  apply_json (fixture->log, first_report);
  settle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (hs_garbage_page_get_visible_collections (fixture->page)), ==, 2);
  rows = drawn_rows (view);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "2.00 s | ● 2 | 60,000 | — | 4.58 MB | 3 | 1 | 2.1 ms");
  g_assert_cmpstr (g_ptr_array_index (rows, 1), ==, "1.50 s | ● 0 | 6 | 2 | 480 B | 1 | 0 | 100 µs");
  totals = hs_garbage_page_dup_text (fixture->page, "totals");
  g_assert_cmpstr (totals, ==, "2 collections freed 60,006 objects (4.58 MB) in at least 2 cycles"
                               " · watch cost 3.0 ms · 4 collections not recorded");
  uncollectable = hs_garbage_page_dup_text (fixture->page, "uncollectable");
  g_assert_cmpstr (uncollectable, ==, "1 uncollectable");

  /* __del__ and uncollectable counts stand out where they are not 0. */
  row = find_row_widget (view, "2.00 s");
  g_assert_true (gtk_widget_has_css_class (find_cell (row, 5), "warning"));
  g_assert_true (gtk_widget_has_css_class (find_cell (row, 6), "warning"));
  g_assert_false (gtk_widget_has_css_class (find_cell (row, 2), "warning"));
  g_assert_false (gtk_widget_has_css_class (find_cell (row, 6), "dim-label"));
  row = find_row_widget (view, "1.50 s");
  g_assert_true (gtk_widget_has_css_class (find_cell (row, 5), "warning"));
  g_assert_false (gtk_widget_has_css_class (find_cell (row, 6), "warning"));
  g_assert_true (gtk_widget_has_css_class (find_cell (row, 6), "dim-label"));

  apply_json (fixture->log, second_report);
  settle (fixture);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = drawn_rows (view);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "3.00 s | ● 1 | 10 | 5 | 800 B | 0 | 0 | 200 µs");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (rows, 2), "1.50 s"));
  g_clear_pointer (&totals, g_free);
  totals = hs_garbage_page_dup_text (fixture->page, "totals");
  g_assert_cmpstr (totals, ==, "3 collections freed 60,016 objects (4.58 MB) in at least 7 cycles"
                               " · watch cost 4.0 ms · 4 collections not recorded");
  /* The recycled cell of a row with nothing to mark is not marked. */
  row = find_row_widget (view, "3.00 s");
  g_assert_false (gtk_widget_has_css_class (find_cell (row, 5), "warning"));
  g_assert_false (gtk_widget_has_css_class (find_cell (row, 6), "warning"));
}

#define NO_CYCLE_TEXT "The watch draws up to five cycles of each collection, of at most fifty objects"

static gboolean
view_has_graph (gpointer data)
{
  return hs_graph_view_get_graph (HS_GRAPH_VIEW (data)) != NULL;
}

/* A collection's types, and its first cycle laid out and drawn; another
 * cycle; a collection without cycles. */
static void
test_select (Fixture       *fixture,
             gconstpointer  data)
{
  GtkColumnView *types = hs_garbage_page_get_type_view (fixture->page);
  HsGraphView *graph_view = hs_garbage_page_get_graph_view (fixture->page);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *title = NULL;
  g_autofree char *note = NULL;
  g_autofree char *cycle = NULL;
  g_autofree char *status = NULL;
  HsGarbageCollection *young, *old;
  GtkStack *detail;
  HsRefGraph *graph;
  double x, y;

  apply_json (fixture->log, first_report);
  settle (fixture);
  young = collection_at (fixture->log, 0);
  old = collection_at (fixture->log, 1);
  detail = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (types), GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (detail), ==, "none");

  g_assert_true (hs_garbage_page_select_collection (fixture->page, young));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (detail), ==, "collection");
  g_assert_true (hs_garbage_page_get_selected_collection (fixture->page) == young);
  g_assert_true (hs_garbage_page_is_busy (fixture->page));     /* laying out */
  settle (fixture);
  rows = drawn_rows (types);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "__main__.Node | 4 | 320 B");
  g_assert_cmpstr (g_ptr_array_index (rows, 1), ==, "dict | 2 | 160 B");
  title = hs_garbage_page_dup_text (fixture->page, "title");
  g_assert_cmpstr (title, ==, "Collection at 1.50 s, generation 0");
  cycle = hs_garbage_page_dup_text (fixture->page, "cycle");
  g_assert_cmpstr (cycle, ==, "Cycle 1 — 2 objects · 1 defines __del__");

  /* The first cycle, laid out (placed, sized) and drawn where it can be seen. */
  graph = hs_graph_view_get_graph (graph_view);
  g_assert_nonnull (graph);
  g_assert_cmpuint (graph->nodes->len, ==, 2);
  g_assert_cmpuint (graph->edges->len, ==, 2);
  g_assert_nonnull (graph->engine);
  g_assert_cmpfloat (graph->width, >, 0);
  g_assert_true (hs_ref_graph_node (graph, 0)->placed);
  g_assert_cmpuint (hs_ref_graph_edge (graph, 0)->n_points, >, 0);
  g_assert_cmpstr (hs_ref_graph_node (graph, 1)->object->text, ==, "Node b · defines __del__");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (graph_view)));
  for (int node = 0; node < 2; node++)
    {
      g_assert_true (hs_graph_view_node_position (graph_view, node, &x, &y));
      g_assert_cmpfloat (x, >, 0);
      g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (graph_view)));
      g_assert_cmpfloat (y, >, 0);
      g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (graph_view)));
      g_assert_cmpint (hs_graph_view_node_at (graph_view, x, y), ==, node);
    }

  /* The second cycle: the list that holds itself. */
  hs_garbage_page_select_cycle (fixture->page, 1);
  g_assert_true (hs_garbage_page_is_busy (fixture->page));
  settle (fixture);
  graph = hs_graph_view_get_graph (graph_view);
  g_assert_nonnull (graph);
  g_assert_cmpuint (graph->nodes->len, ==, 1);
  g_assert_cmpstr (hs_ref_graph_node (graph, 0)->object->type_name, ==, "list");

  /* A collection without cycles to draw says so, and what stands out. */
  g_assert_true (hs_garbage_page_select_collection (fixture->page, old));
  settle (fixture);
  g_assert_null (hs_graph_view_get_graph (graph_view));
  status = hs_garbage_page_dup_text (fixture->page, "cycle-status");
  g_assert_cmpstr (status, ==, NO_CYCLE_TEXT);
  g_clear_pointer (&note, g_free);
  note = hs_garbage_page_dup_text (fixture->page, "note");
  g_assert_cmpstr (note, ==, "1 object could not be freed: it stays in gc.garbage. "
                             "3 objects define __del__; their finalizers ran.");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = drawn_rows (types);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "__main__.Big | 60,000 | 4.58 MB");

  /* Moving on before a layout ends: the late layout is not shown. */
  g_assert_true (hs_garbage_page_select_collection (fixture->page, young));
  g_assert_true (hs_garbage_page_is_busy (fixture->page));
  g_assert_true (hs_garbage_page_select_collection (fixture->page, old));
  settle (fixture);
  g_assert_null (hs_graph_view_get_graph (graph_view));
  g_clear_pointer (&status, g_free);
  status = hs_garbage_page_dup_text (fixture->page, "cycle-status");
  g_assert_cmpstr (status, ==, NO_CYCLE_TEXT);
  g_assert_true (hs_garbage_page_select_collection (fixture->page, young));
  test_wait_until (view_has_graph, graph_view);
  g_clear_pointer (&status, g_free);
  status = hs_garbage_page_dup_text (fixture->page, "cycle-status");
  g_assert_cmpstr (status, ==, "");
  g_assert_cmpuint (hs_graph_view_get_graph (graph_view)->nodes->len, ==, 2);
}

/* The window closes while a cycle is laid out: the layout ends unseen and
 * the page goes. */
static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_close_while_laying_out (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  HsGarbagePage *page = HS_GARBAGE_PAGE (hs_garbage_page_new ());
  HsGarbageLog *log = hs_garbage_log_new ();
  gpointer weak_page = page;

  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_set_default_size (window, 1000, 700);
  hs_garbage_page_set_log (page, log);
  apply_json (log, first_report);
  gtk_window_present (window);
  test_wait_for_draw (GTK_WIDGET (window));
  g_object_add_weak_pointer (G_OBJECT (page), &weak_page);
  g_assert_true (hs_garbage_page_select_collection (page, collection_at (log, 0)));
  g_assert_true (hs_garbage_page_is_busy (page));
  gtk_window_destroy (window);
  /* The layout under way keeps the page until it answers. */
  test_wait_until (is_gone, &weak_page);
  test_drain_main_context ();
  g_assert_finalize_object (log);
}

/* A bar per collection; clicking one selects its row. */
static void
test_chart (Fixture       *fixture,
            gconstpointer  data)
{
  HsGarbageChart *chart = hs_garbage_page_get_chart (fixture->page);
  g_autofree char *tooltip = NULL;
  double x0, y0, x1, y1, x2, y2;

  apply_json (fixture->log, first_report);
  apply_json (fixture->log, second_report);
  settle (fixture);
  g_assert_true (hs_garbage_chart_collection_point (chart, 0, &x0, &y0));
  g_assert_true (hs_garbage_chart_collection_point (chart, 1, &x1, &y1));
  g_assert_true (hs_garbage_chart_collection_point (chart, 2, &x2, &y2));
  g_assert_false (hs_garbage_chart_collection_point (chart, 3, &x2, &y2));
  /* In time order, left to right; the tallest bar is the 60,000 one. */
  g_assert_cmpfloat (x0, <, x1);
  g_assert_cmpfloat (x1, <, x2);
  g_assert_cmpfloat (y1, <, y0);
  g_assert_cmpint (hs_garbage_chart_collection_at (chart, x0, y0), ==, 0);
  g_assert_cmpint (hs_garbage_chart_collection_at (chart, x1, y1), ==, 1);
  g_assert_cmpint (hs_garbage_chart_collection_at (chart, x2, y2), ==, 2);
  g_assert_cmpint (hs_garbage_chart_collection_at (chart, (x0 + x1) / 2, y0), ==, -1);
  tooltip = hs_garbage_chart_describe (chart, 1);
  g_assert_cmpstr (tooltip, ==, "2.00 s · generation 2\n60,000 objects (4.58 MB), cycles not counted");
  g_clear_pointer (&tooltip, g_free);
  tooltip = hs_garbage_chart_describe (chart, 0);
  g_assert_cmpstr (tooltip, ==, "1.50 s · generation 0\n6 objects (480 B), 2 cycles");

  g_signal_emit_by_name (chart, "collection-activated", 1u);
  g_assert_true (hs_garbage_page_get_selected_collection (fixture->page) == collection_at (fixture->log, 1));
  settle (fixture);
}

/* -- A realistic run, for the picture ------------------------------------------ */

static void
append_node (GString    *out,
             gboolean    first,
             const char *type,
             const char *text,
             gint64      flat,
             gboolean    has_del)
{
  g_autofree char *escaped_text = g_strescape (text, NULL);

  g_string_append_printf (out, "%s{\"type\": \"%s\", \"text\": \"%s\", \"flat\": %" G_GINT64_FORMAT
                          ", \"has_del\": %s}", first ? "" : ", ", type, escaped_text, flat,
                          has_del ? "true" : "false");
}

/* A parent and its children, each child pointing back (a tree with parent
 * links); a doubly linked list; a connection with __del__ and its session
 * holding each other through a bound method. */
static void
append_graph (GString *out,
              guint    which,
              guint    serial)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  g_string_append (out, "{\"nodes\": [");
  switch (which % 3)
    {
    case 0:
      a = g_strdup_printf ("<TreeNode 'section-%u'>", serial);
      append_node (out, TRUE, "__main__.TreeNode", a, 56, FALSE);
      append_node (out, FALSE, "list", "list of 2", 72, FALSE);
      b = g_strdup_printf ("<TreeNode 'para-%u'>", serial * 2);
      append_node (out, FALSE, "__main__.TreeNode", b, 56, FALSE);
      c = g_strdup_printf ("<TreeNode 'para-%u'>", serial * 2 + 1);
      append_node (out, FALSE, "__main__.TreeNode", c, 56, FALSE);
      g_string_append (out, "], \"edges\": ["
                       "[0, 1, {\"kind\": \"attribute\", \"name\": \"children\"}],"
                       "[1, 2, {\"kind\": \"index\", \"index\": 0}],"
                       "[1, 3, {\"kind\": \"index\", \"index\": 1}],"
                       "[2, 0, {\"kind\": \"attribute\", \"name\": \"parent\"}],"
                       "[3, 0, {\"kind\": \"attribute\", \"name\": \"parent\"}]]}");
      break;
    case 1:
      for (guint i = 0; i < 4; i++)
        {
          g_autofree char *text = g_strdup_printf ("<Order #%u>", 1040 + serial * 4 + i);

          append_node (out, i == 0, "shop.Order", text, 64, FALSE);
        }
      g_string_append (out, "], \"edges\": [");
      for (guint i = 0; i < 3; i++)
        g_string_append_printf (out, "%s[%u, %u, {\"kind\": \"attribute\", \"name\": \"next\"}],"
                                "[%u, %u, {\"kind\": \"attribute\", \"name\": \"prev\"}]",
                                i > 0 ? ", " : "", i, i + 1, i + 1, i);
      g_string_append (out, "]}");
      break;
    default:
      a = g_strdup_printf ("Connection to db.internal:%u", 5432 + serial % 3);
      append_node (out, TRUE, "db.Connection", a, 72, TRUE);
      append_node (out, FALSE, "db.Session", "<Session user=reports>", 56, FALSE);
      append_node (out, FALSE, "method", "<bound method Session.on_close>", 64, FALSE);
      g_string_append (out, "], \"edges\": ["
                       "[0, 2, {\"kind\": \"attribute\", \"name\": \"on_close\"}],"
                       "[2, 1, {\"kind\": \"attribute\", \"name\": \"__self__\"}],"
                       "[1, 0, {\"kind\": \"attribute\", \"name\": \"connection\"}]]}");
      break;
    }
}

/* Forty seconds of a program that drops cycles as it goes: young
 * collections every half second, older ones now and then. */
static HsGarbageLog *
new_demo_log (void)
{
  HsGarbageLog *log = hs_garbage_log_new ();
  GRand *rand = g_rand_new_with_seed (7);
  guint serial = 0;

  hs_garbage_log_set_watching (log, TRUE);
  for (guint push = 0; push < 10; push++)
    {
      GString *out = g_string_new (NULL);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(HsGarbageReport) report = NULL;
      g_autoptr(GError) error = NULL;
      double push_time = 4.0 * (push + 1);
      double cost = 0;
      guint n = 0;

      g_string_append_printf (out, "{\"type\": \"garbage\", \"id\": 0, \"time\": %.3f, \"collections\": [",
                              push_time);
      for (double t = push_time - 4 + g_rand_double_range (rand, 0.1, 0.5); t < push_time;
           t += g_rand_double_range (rand, 0.35, 0.8))
        {
          int generation = (serial % 23 == 22) ? 2 : (serial % 7 == 6) ? 1 : 0;
          gint64 nodes = generation == 2 ? g_rand_int_range (rand, 18000, 42000)
                       : generation == 1 ? g_rand_int_range (rand, 1500, 6000)
                       : g_rand_int_range (rand, 40, 900);
          gint64 orders = nodes / 3;
          gint64 trees = nodes / 4;
          gint64 lists = trees / 2;
          gint64 connections = generation == 0 ? (serial % 5 == 0 ? 2 : 0) : nodes / 200;
          gint64 sessions = connections;
          gint64 methods = connections;
          gint64 dicts = nodes - orders - trees - lists - connections - sessions - methods;
          gint64 bytes = orders * 64 + trees * 56 + lists * 72 + connections * 72 + sessions * 56 +
                         methods * 64 + dicts * 232;
          gint64 cycles = trees / 2 + orders / 4 + connections;
          double collection_cost = nodes * 1.8e-6 + 4e-5;
          gint64 uncollectable = serial == 31 ? 2 : 0;
          guint n_graphs = generation == 0 ? 2 : 3;

          g_string_append_printf (out, "%s{\"time\": %.3f, \"generation\": %d, \"objects\": %" G_GINT64_FORMAT
                                  ", \"bytes\": %" G_GINT64_FORMAT ", \"cycles\": %" G_GINT64_FORMAT
                                  ", \"with_del\": %" G_GINT64_FORMAT ", \"uncollectable\": %" G_GINT64_FORMAT
                                  ", \"cost\": %.6f, \"types\": [",
                                  n > 0 ? ", " : "", t, generation, nodes, bytes, cycles, connections,
                                  uncollectable, collection_cost);
          g_string_append_printf (out, "[\"dict\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], "
                                  "[\"shop.Order\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], "
                                  "[\"__main__.TreeNode\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], "
                                  "[\"list\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                                  dicts, dicts * 232, orders, orders * 64, trees, trees * 56, lists, lists * 72);
          if (connections > 0)
            g_string_append_printf (out, ", [\"db.Connection\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], "
                                    "[\"method\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], "
                                    "[\"db.Session\", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                                    connections, connections * 72, methods, methods * 64, sessions, sessions * 56);
          g_string_append (out, "], \"graphs\": [");
          for (guint g = 0; g < n_graphs; g++)
            {
              if (g > 0)
                g_string_append (out, ", ");
              append_graph (out, serial + g + (connections > 0 && g == 0 ? 2 - serial % 3 : 0), serial * 3 + g);
            }
          g_string_append (out, "]}");
          cost += collection_cost;
          serial++;
          n++;
        }
      g_string_append_printf (out, "], \"dropped\": 0, \"cost\": %.6f}", cost + 0.0004);
      node = json_from_string (out->str, &error);
      g_assert_no_error (error);
      report = hs_garbage_report_parse (json_node_get_object (node), &error);
      g_assert_no_error (error);
      hs_garbage_log_apply (log, report);
      g_string_free (out, TRUE);
    }
  g_rand_free (rand);
  return log;
}

/* garbage-page.png in the build folder. */
static void
test_picture (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *shown = hs_garbage_page_get_visible_collections (fixture->page);
  HsGarbageCollection *chosen = NULL;

  /* The newest collection with a connection (and its __del__) to draw. */
  for (guint i = 0; i < g_list_model_get_n_items (shown) && chosen == NULL; i++)
    {
      g_autoptr(HsGarbageCollection) collection = g_list_model_get_item (shown, i);

      if (i >= 3 && hs_garbage_collection_get_with_del (collection) > 0 &&
          hs_garbage_collection_get_generation (collection) == 0)
        chosen = collection;
    }
  g_assert_nonnull (chosen);
  g_assert_true (hs_garbage_page_select_collection (fixture->page, chosen));
  settle (fixture);
  g_assert_nonnull (hs_graph_view_get_graph (hs_garbage_page_get_graph_view (fixture->page)));
  test_save_png (GTK_WIDGET (fixture->window), "garbage-page.png");
}

int
main (int   argc,
      char *argv[])
{
  if (!test_widgets_init (&argc, &argv))
    return 0;
  test_load_app_style ();

#define FIXTURE_TEST(path, log, func) \
  g_test_add ("/hs/garbage-page/" path, Fixture, log, fixture_set_up, func, fixture_tear_down)
  FIXTURE_TEST ("empty-state", NULL, test_empty_state);
  FIXTURE_TEST ("rows-and-totals", NULL, test_rows_and_totals);
  FIXTURE_TEST ("select", NULL, test_select);
  FIXTURE_TEST ("chart", NULL, test_chart);
  FIXTURE_TEST ("picture", new_demo_log, test_picture);
  g_test_add_func ("/hs/garbage-page/close-while-laying-out", test_close_while_laying_out);
#undef FIXTURE_TEST
  return g_test_run ();
}
