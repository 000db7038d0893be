/* test-window.c — the main window in a real GTK display, after a real run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "hs-application.h"
#include "hs-console-chunk.h"
#include "hs-format.h"
#include "hs-launch-dialog.h"
#include "hs-settings.h"
#include "hs-store.h"
#include "hs-window.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define HS_TEST_ASAN 1
# endif
#elif defined(__SANITIZE_ADDRESS__)
# define HS_TEST_ASAN 1
#endif

#ifdef HS_TEST_ASAN
/* No leak check in this process: once a process holds more than 2048 quarks,
 * GLib lets go of its first quark block for good (gquark.c: "This leaks the
 * old quarks array… it allows us to do lockless lookup"), and the whole
 * window, with every page's template, does. Without frame pointers in GLib
 * that block's report reads as any g_malloc leak would, so it cannot be
 * suppressed alone. The other tests (the Classes page in a window among
 * them) keep the leak check; ASan's other checks stay on here. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}
#endif
#include "hs-window-private.h"
#include "fake-agent.h"
#include "test-widget-support.h"

static HsWindow *window;
static char *scratch_dir;       /* files the tests make */
static char *recorded_path;     /* a session recorded by /hs/window/record-session */

/* Handles what is pending, then draws; transitions are off (main), so
 * revealers and the view switcher are where they go at once. */
static void
settle (GtkWidget *widget)
{
  test_drain_main_context ();
  test_wait_for_draw (widget);
}

static void
run_markers_to_the_end (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "1.0", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsSession *session;

  spec->interval = 0.2;
  hs_window_run (window, spec);
  session = hs_window_get_session (window);
  g_assert_nonnull (session);
  test_wait_until ((TestCondition) hs_session_is_over, session);
  test_drain_main_context ();
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
}

static HsTypeStat *
visible_row (HsTypesPage *page,
             guint        position)
{
  HsTypeStat *stat = g_list_model_get_item (hs_types_page_get_visible_rows (page), position);

  g_object_unref (stat);  /* the page keeps it */
  return stat;
}

/* The row drawn at the top of the table is the first row of the model. */
static void
assert_table_shows_first_row (HsWindow *shown)
{
  HsTypesPage *types = hs_window_get_types_page (shown);
  GtkWidget *column_view = GTK_WIDGET (hs_types_page_get_column_view (types));
  GtkWidget *header = gtk_widget_get_first_child (column_view);
  GtkWidget *picked;

  test_wait_for_draw (GTK_WIDGET (shown));
  picked = gtk_widget_pick (column_view, 30, gtk_widget_get_height (header) + 6, GTK_PICK_DEFAULT);
  g_assert_true (GTK_IS_INSCRIPTION (picked));
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (picked)), ==, hs_type_stat_get_name (visible_row (types, 0)));

  /* Binding a row sets no tooltip (that costs X round trips); the full name
   * is given when the tooltip is asked for, if the column cuts it. */
  g_assert_null (gtk_widget_get_tooltip_text (picked));
  g_assert_true (gtk_widget_get_has_tooltip (picked));
  {
    g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
    g_autofree char *name = g_strdup (gtk_inscription_get_text (GTK_INSCRIPTION (picked)));
    g_autofree char *long_name = g_strnfill (400, 'x');
    gboolean shown_tooltip = TRUE;

    g_signal_emit_by_name (picked, "query-tooltip", 1, 1, FALSE, tooltip, &shown_tooltip);
    g_assert_false (shown_tooltip);
    gtk_inscription_set_text (GTK_INSCRIPTION (picked), long_name);
    g_signal_emit_by_name (picked, "query-tooltip", 1, 1, FALSE, tooltip, &shown_tooltip);
    g_assert_true (shown_tooltip);
    gtk_inscription_set_text (GTK_INSCRIPTION (picked), name);
  }
}

static void
test_types_page_after_run (void)
{
  HsTypesPage *page = hs_window_get_types_page (window);
  GListModel *rows = hs_types_page_get_visible_rows (page);
  guint n_all;
  guint n_filtered;
  gboolean found_marker = FALSE;
  int min_width, min_height;

  run_markers_to_the_end ();
  hs_window_show_page (window, "types");
  test_wait_for_draw (GTK_WIDGET (window));

  /* The window fits a screen 1024 pixels wide, and one 720 high under
   * GNOME's top bar, its pages full of a run's figures: no part of a page
   * asks for more. */
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 1024);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
  g_assert_cmpint (min_height, <=, 720 - 32);

  n_all = g_list_model_get_n_items (rows);
  g_assert_cmpuint (n_all, >, 10);

  /* The default sort is by total size, largest first. */
  for (guint i = 1; i < n_all; i++)
    g_assert_cmpint (hs_type_stat_get_size (visible_row (page, i - 1)), >=,
                     hs_type_stat_get_size (visible_row (page, i)));

  /* Sorting by count puts the most numerous type first. */
  hs_types_page_sort_by (page, "count", GTK_SORT_DESCENDING);
  for (guint i = 1; i < n_all; i++)
    g_assert_cmpint (hs_type_stat_get_count (visible_row (page, i - 1)), >=,
                     hs_type_stat_get_count (visible_row (page, i)));
  hs_types_page_sort_by (page, "size", GTK_SORT_DESCENDING);

  /* The filter narrows the rows to the matching types. */
  hs_types_page_set_filter_text (page, "marker");
  n_filtered = g_list_model_get_n_items (rows);
  g_assert_cmpuint (n_filtered, >=, 1);
  g_assert_cmpuint (n_filtered, <, n_all);
  for (guint i = 0; i < n_filtered; i++)
    {
      HsTypeStat *stat = visible_row (page, i);
      g_autofree char *lower = g_ascii_strdown (hs_type_stat_get_name (stat), -1);

      g_assert_nonnull (strstr (lower, "marker"));
      if (g_str_equal (hs_type_stat_get_name (stat), "__main__.Marker"))
        {
          found_marker = TRUE;
          g_assert_cmpint (hs_type_stat_get_count (stat), ==, 12345);
        }
    }
  g_assert_true (found_marker);
  test_wait_for_draw (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "test-window-types-filtered.png");

  hs_types_page_set_filter_text (page, "");
  test_wait_for_n_items (rows, n_all);
  assert_table_shows_first_row (window);
  test_save_png (GTK_WIDGET (window), "test-window-types.png");
}

/* A new census updates rows in place: the selected row stays selected. */
static void
test_selection_survives_update (void)
{
  HsTypesPage *page = hs_window_get_types_page (window);
  HsSession *session = hs_window_get_session (window);
  GtkSelectionModel *selection = gtk_column_view_get_model (hs_types_page_get_column_view (page));
  GListModel *samples = hs_session_get_samples (session);
  g_autoptr(HsSample) first = g_list_model_get_item (samples, 0);
  g_autofree char *selected_name = NULL;
  HsTypeStat *still_selected;

  GtkColumnView *column_view = hs_types_page_get_column_view (page);
  GListModel *columns = gtk_column_view_get_columns (column_view);
  GListModel *rows = hs_types_page_get_visible_rows (page);

  /* Sorted by Δ size, largest first. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Δ Size") == 0)
        gtk_column_view_sort_by_column (column_view, column, GTK_SORT_DESCENDING);
    }
  gtk_selection_model_select_item (selection, 3, TRUE);
  selected_name = g_strdup (hs_type_stat_get_name (visible_row (page, 3)));
  /* Switch the baseline: every Δ changes, in place. */
  hs_session_set_baseline (session, HS_BASELINE_FIRST, NULL);
  test_wait_for_draw (GTK_WIDGET (window));
  still_selected = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
  g_assert_nonnull (still_selected);
  g_assert_cmpstr (hs_type_stat_get_name (still_selected), ==, selected_name);
  g_assert_nonnull (first);

  /* ...and the rows are in order of the new values. */
  for (guint i = 1; i < g_list_model_get_n_items (rows); i++)
    g_assert_cmpint (hs_type_stat_get_delta_size (visible_row (page, i - 1)), >=,
                     hs_type_stat_get_delta_size (visible_row (page, i)));
  gtk_column_view_sort_by_column (column_view, NULL, GTK_SORT_ASCENDING);
}

/* A census of the types t000..t399 each there with @presence (percent),
 * of random sizes. */
static HsCensus *
random_census (GRand *rand,
               guint  presence)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  HsCensus *census;

  for (guint i = 0; i < 400; i++)
    if (g_rand_int_range (rand, 0, 100) < (gint32) presence)
      g_ptr_array_add (names, g_strdup_printf ("t%03u", i));
  census = hs_census_new (names->len);
  for (guint i = 0; i < names->len; i++)
    {
      census->rows[i].name = g_strdup (g_ptr_array_index (names, i));
      census->rows[i].count = 1;
      census->rows[i].size = g_rand_int_range (rand, 1, 1000000);
      census->objects += census->rows[i].count;
      census->bytes += census->rows[i].size;
    }
  return census;
}

/* A census of @n types "app.module_k.Type_i" that all change size, a tenth
 * of them gone and others come, as churn_types.py makes them. */
static HsCensus *
churned_census (GRand *rand,
                guint  n)
{
  HsCensus *census = hs_census_new (n);

  for (guint i = 0; i < n; i++)
    {
      guint type = g_rand_int_range (rand, 0, 10) == 0 ? n + g_rand_int_range (rand, 0, n) : i;

      census->rows[i].name = g_strdup_printf ("app.module_%u.Type_%05u", type % 50, type);
      census->rows[i].count = g_rand_int_range (rand, 1, 5000);
      census->rows[i].size = census->rows[i].count * 56;
      census->objects += census->rows[i].count;
      census->bytes += census->rows[i].size;
    }
  /* A type twice in one census: the last one stands. */
  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (census->rows[i].name, census->rows[i - 1].name) == 0)
      census->rows[i].name[0] = 'b';
  return census;
}

/* The main thread's CPU for one census of 5 000 churning types shown on
 * the Types page (sorted by size, compared with the census before), as the
 * window takes it: the model updated, the rows re-sorted and copied, the
 * cells shown told (their drawing apart). */
static void
test_census_update_time (void)
{
  HsTypesPage *page = hs_window_get_types_page (window);
  HsCensusModel *model;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(HsCensus) before = NULL;

  if (!g_test_perf ())
    {
      g_test_skip ("a benchmark: run with -m perf (meson test --benchmark types-census-update)");
      return;
    }
  run_markers_to_the_end ();
  hs_window_show_page (window, "types");
  model = hs_session_get_census_model (hs_window_get_session (window));
  hs_types_page_sort_by (page, "size", GTK_SORT_DESCENDING);
  before = churned_census (rand, 5000);
  hs_census_model_update (model, before, NULL);
  test_wait_for_draw (GTK_WIDGET (window));
  for (guint round = 0; round < 40; round++)
    {
      HsCensus *census = churned_census (rand, 5000);
      gint64 started = test_thread_cpu_time ();
      gint64 took;

      hs_census_model_update (model, census, before);
      took = test_thread_cpu_time () - started;
      g_array_append_val (times, took);
      g_assert_cmpuint (g_list_model_get_n_items (hs_types_page_get_visible_rows (page)), >=, 5000);
      hs_census_unref (before);
      before = census;
      if (round % 4 == 0)
        test_wait_for_draw (GTK_WIDGET (window));
    }
  test_sort_times (times);
  g_print ("a census of 5 000 churning types on the Types page, the main thread's CPU (40 censuses): "
           "median %.2f ms, max %.2f ms\n",
           g_array_index (times, gint64, times->len / 2) / 1000.0,
           g_array_index (times, gint64, times->len - 1) / 1000.0);
}

/* The Types page's rows are in its sorter's order, whole: each row is not
 * after the next by every column it sorts by. */
static void
assert_rows_in_sorter_order (HsTypesPage *page)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (hs_types_page_get_column_view (page));
  GListModel *rows = hs_types_page_get_visible_rows (page);

  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 100);
  for (guint i = 1; i < g_list_model_get_n_items (rows); i++)
    g_assert_cmpint (gtk_sorter_compare (sorter, visible_row (page, i - 1), visible_row (page, i)), !=,
                     GTK_ORDERING_LARGER);
}

/* Sorted by any column either way, the rows are in the sorter's order,
 * through censuses: rows sorted by a value read once each (the sorter only
 * between equal values) must give what the sorter would. */
static void
test_sorted_by_every_column (void)
{
  HsTypesPage *page = hs_window_get_types_page (window);
  HsCensusModel *model = hs_session_get_census_model (hs_window_get_session (window));
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(HsCensus) before = churned_census (rand, 600);
  const char *properties[] = { "name", "count", "size", "delta-count", "delta-size" };

  for (guint round = 0; round < G_N_ELEMENTS (properties) * 2; round++)
    {
      g_autoptr(HsCensus) census = churned_census (rand, 600);

      /* Whole numbers of few values: many rows tie on the first column. */
      for (guint i = 0; i < census->n_rows; i++)
        census->rows[i].count %= 7;
      hs_types_page_sort_by (page, properties[round / 2], round % 2 ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
      assert_rows_in_sorter_order (page);
      hs_census_model_update (model, census, before);
      assert_rows_in_sorter_order (page);
      g_clear_pointer (&before, hs_census_unref);
      before = hs_census_ref (census);
    }
  hs_types_page_sort_by (page, "size", GTK_SORT_DESCENDING);
}

/* How many of @widget's column headers show a sort arrow. */
static guint
count_sort_arrows (GtkWidget *widget)
{
  guint n = 0;

  if (g_strcmp0 (gtk_widget_get_css_name (widget), "sort-indicator") == 0 &&
      (gtk_widget_has_css_class (widget, "ascending") || gtk_widget_has_css_class (widget, "descending")))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_sort_arrows (child);
  return n;
}

/* Every row drawn shows its type's current figures: its name's row in the
 * model has the count and size its cells show (a census's rows changed
 * while cells were out of sight too). */
static void
assert_drawn_rows_current (HsTypesPage *page)
{
  g_autoptr(GHashTable) cells = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) drawn_rows = g_hash_table_new (NULL, NULL);
  GListModel *rows = hs_types_page_get_visible_rows (page);
  GHashTableIter iter;
  gpointer cell;
  gpointer row_widget;

  test_collect_inscriptions (GTK_WIDGET (hs_types_page_get_column_view (page)), cells);
  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    if (gtk_widget_get_mapped (cell))
      g_hash_table_add (drawn_rows, gtk_widget_get_parent (gtk_widget_get_parent (cell)));
  g_assert_cmpuint (g_hash_table_size (drawn_rows), >, 5);

  g_hash_table_iter_init (&iter, drawn_rows);
  while (g_hash_table_iter_next (&iter, &row_widget, NULL))
    {
      const char *texts[5] = { NULL };
      guint n_cells = 0;
      gboolean found = FALSE;

      /* The row's cells, in column order: name, objects, total size, Δs. */
      for (GtkWidget *child = gtk_widget_get_first_child (row_widget);
           child != NULL && n_cells < G_N_ELEMENTS (texts);
           child = gtk_widget_get_next_sibling (child))
        texts[n_cells++] = gtk_inscription_get_text (GTK_INSCRIPTION (gtk_widget_get_first_child (child)));
      g_assert_cmpuint (n_cells, ==, 5);
      for (guint i = 0; i < g_list_model_get_n_items (rows) && !found; i++)
        {
          HsTypeStat *stat = visible_row (page, i);
          g_autofree char *count = NULL;
          g_autofree char *size = NULL;

          if (g_strcmp0 (hs_type_stat_get_name (stat), texts[0]) != 0)
            continue;
          count = hs_format_count (hs_type_stat_get_count (stat));
          size = hs_format_bytes (hs_type_stat_get_size (stat));
          g_assert_cmpstr (texts[1], ==, count);
          g_assert_cmpstr (texts[2], ==, size);
          found = TRUE;
        }
      g_assert_true (found);
    }
}

static void
scroll_types_to (HsTypesPage *page,
                 guint        position)
{
  GtkWidget *view = GTK_WIDGET (hs_types_page_get_column_view (page));

  /* The column view's list, a child of it, has the action. */
  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_activate_action (child, "list.scroll-to-item", "u", position))
      break;
  test_wait_for_draw (GTK_WIDGET (window));
}

/* The Types page through censuses that move every value, drop rows here and
 * there and bring others (the session's census model driven directly): the
 * rows stay sorted by size, the selection stays on its type, and the table
 * shows the new top rows in the cells it already had -- a census makes no
 * widget (GTK 4.8 makes one for each type moving into view when a sorted
 * model says the new order by removing and adding rows). */
static void
test_rows_stay_through_churn (void)
{
  HsTypesPage *page = hs_window_get_types_page (window);
  HsSession *session = hs_window_get_session (window);
  HsCensusModel *model = hs_session_get_census_model (session);
  GtkSelectionModel *selection = gtk_column_view_get_model (hs_types_page_get_column_view (page));
  GListModel *rows = hs_types_page_get_visible_rows (page);
  g_autoptr(GHashTable) cells_before = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) cells_after = g_hash_table_new (NULL, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GHashTableIter iter;
  gpointer cell;

  hs_types_page_sort_by (page, "count", GTK_SORT_DESCENDING);
  hs_types_page_sort_by (page, "size", GTK_SORT_DESCENDING);
  /* One arrow, on the column sorted by (GTK 4.8 left the one before on its header). */
  g_assert_cmpuint (count_sort_arrows (GTK_WIDGET (hs_types_page_get_column_view (page))), ==, 1);
  test_wait_for_draw (GTK_WIDGET (window));
  test_collect_inscriptions (GTK_WIDGET (hs_types_page_get_column_view (page)), cells_before);
  g_assert_cmpuint (g_hash_table_size (cells_before), >, 20);

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(HsCensus) census = random_census (rand, round % 2 == 0 ? 60 : 90);
      g_autofree char *selected_name = NULL;
      HsTypeStat *selected;
      guint n;

      gtk_selection_model_select_item (selection, 2, TRUE);
      selected_name = g_strdup (hs_type_stat_get_name (visible_row (page, 2)));
      hs_census_model_update (model, census, NULL);
      n = g_list_model_get_n_items (rows);
      g_assert_cmpuint (n, ==, census->n_rows);
      for (guint i = 0; i < n; i++)
        {
          HsTypeStat *row = visible_row (page, i);
          const HsCensusRow *counted = hs_census_lookup (census, hs_type_stat_get_name (row));

          g_assert_nonnull (counted);
          g_assert_cmpint (hs_type_stat_get_size (row), ==, counted->size);
          if (i > 0)
            g_assert_cmpint (hs_type_stat_get_size (visible_row (page, i - 1)), >=, hs_type_stat_get_size (row));
        }
      selected = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
      if (hs_census_lookup (census, selected_name) != NULL)
        g_assert_cmpstr (selected != NULL ? hs_type_stat_get_name (selected) : NULL, ==, selected_name);
      else
        g_assert_null (selected);
      if (round % 8 == 0)
        test_wait_for_draw (GTK_WIDGET (window));
    }

  assert_table_shows_first_row (window);
  assert_drawn_rows_current (page);
  test_collect_inscriptions (GTK_WIDGET (hs_types_page_get_column_view (page)), cells_after);
  g_hash_table_iter_init (&iter, cells_after);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    g_assert_true (g_hash_table_contains (cells_before, cell));

  /* Rows that were out of sight as censuses came show theirs once seen. */
  scroll_types_to (page, 150);
  assert_drawn_rows_current (page);
  scroll_types_to (page, 0);

  /* The session's own census again (the baseline the test before chose). */
  gtk_selection_model_unselect_all (selection);
  hs_session_set_baseline (session, HS_BASELINE_FIRST, NULL);
}

static void
test_console_and_overview (void)
{
  g_autofree char *text = hs_console_view_dup_text (hs_window_get_console_view (window));

  const char *pages[] = { "types", "classes", "referrers", "graph", "garbage", "leaks", "retained", "overview" };

  g_assert_nonnull (strstr (text, "expected-size "));
  /* Focus follows into the page shown, but not onto a label, which would
   * show all its text selected. */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *focus;

      hs_window_show_page (window, "console");
      gtk_root_set_focus (GTK_ROOT (window), NULL);
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (hs_window_get_console_view (window)), GTK_DIR_TAB_FORWARD));
      hs_window_show_page (window, pages[i]);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (GTK_IS_LABEL (focus))
        g_error ("showing the %s page focuses the label “%s”", pages[i], gtk_label_get_text (GTK_LABEL (focus)));
    }
  test_wait_for_draw (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "test-window-overview.png");
  hs_window_show_page (window, "console");
  test_wait_for_draw (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "test-window-console.png");
}

/* Runs the main loop until @done says so; see test_wait_until(). */
#define wait_until(done, data) test_wait_until ((done), (data))

static gboolean
is_not_opening (gpointer data)
{
  return g_strcmp0 (hs_window_get_view (data), "opening") != 0;
}

static gboolean
is_not_loading (gpointer data)
{
  HsSession *session = hs_window_get_session (data);

  return session == NULL || !hs_session_get_loading (session);
}

static gboolean
child_is_revealed (gpointer data)
{
  return gtk_revealer_get_child_revealed (data);
}

static gboolean
recent_list_is_read (gpointer data)
{
  return !hs_recent_list_get_loading (data);
}

static char **
dup_recent_sessions (void)
{
  g_autoptr(GSettings) settings = hs_settings_new ();

  g_assert_nonnull (settings);
  return g_settings_get_strv (settings, "recent-sessions");
}

static gboolean
is_recent (gpointer data)
{
  g_auto(GStrv) paths = dup_recent_sessions ();

  return g_strv_contains ((const char * const *) paths, data);
}

static void
set_recent_sessions (const char * const *paths)
{
  g_autoptr(GSettings) settings = hs_settings_new ();

  g_settings_set_strv (settings, "recent-sessions", paths);
}

/* The first widget under @root (itself included) that @match accepts. */
/* A spinner spinning out of sight: its animation would still tick. */
static gboolean
is_hidden_spinning_spinner (GtkWidget     *widget,
                            gconstpointer  data)
{
  return GTK_IS_SPINNER (widget) && gtk_spinner_get_spinning (GTK_SPINNER (widget)) &&
         !gtk_widget_get_mapped (widget);
}

static gboolean
is_label_with_text (GtkWidget     *widget,
                    gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_spinner (GtkWidget     *widget,
            gconstpointer  data)
{
  return GTK_IS_SPINNER (widget);
}

static gboolean
is_spin_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_SPIN_BUTTON (widget);
}

/* The message dialog a window shows, if any. */
static AdwMessageDialog *
find_message_dialog (GtkWindow *parent)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == parent &&
        gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static guint
count_windows (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = toplevels; l != NULL; l = l->next)
    n += HS_IS_WINDOW (l->data);
  return n;
}

static HsWindow *
new_window (void)
{
  HsWindow *other = hs_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (other), 1100, 760);
  gtk_window_present (GTK_WINDOW (other));
  test_wait_for_draw (GTK_WIDGET (other));
  return other;
}

/* Every run in a window is recorded to a file of its own, which joins the recent sessions. */
static void
test_run_is_recorded (void)
{
  HsSession *session = hs_window_get_session (window);
  const char *file = hs_session_get_file (session);
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "heapscope", "sessions", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsRecording) summary = NULL;

  g_assert_nonnull (file);
  g_assert_true (g_str_has_prefix (file, folder));
  g_assert_true (g_str_has_suffix (file, ".heapscope"));
  g_assert_null (hs_session_get_record_error (session));
  g_assert_true (is_recent ((gpointer) file));

  store = hs_store_open (file, &error);
  g_assert_no_error (error);
  summary = hs_store_read_summary (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_samples, ==, g_list_model_get_n_items (hs_session_get_samples (session)));
  g_assert_true (g_str_has_suffix (summary->spec->script, "markers.py"));
}

/* A session recorded as the brief's semantics say: record_to, start, wait for the end. */
static void
test_record_session (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "5.0", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(HsSession) session = hs_session_new ();

  recorded_path = g_build_filename (scratch_dir, "markers-run.heapscope", NULL);
  spec->interval = 0.2;
  hs_session_record_to (session, recorded_path);
  hs_session_start (session, spec);
  test_wait_until ((TestCondition) hs_session_is_over, session);
  test_drain_main_context ();
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_null (hs_session_get_record_error (session));
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_snapshots (session)), ==, 1);
  g_assert_true (g_file_test (recorded_path, G_FILE_TEST_IS_REGULAR));
}

static HsTypeStat *
find_visible_row (HsTypesPage *page,
                  const char  *name)
{
  GListModel *rows = hs_types_page_get_visible_rows (page);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    if (g_str_equal (hs_type_stat_get_name (visible_row (page, i)), name))
      return visible_row (page, i);
  return NULL;
}

/* (a) Open: the file shows in a window with every view, read-only. */
static void
test_open_recorded (void)
{
  HsWindow *other = new_window ();
  HsTypesPage *types = hs_window_get_types_page (other);
  g_autofree char *basename = g_path_get_basename (recorded_path);
  HsSession *session;
  HsTypeStat *marker;
  GtkWidget *widget;
  HsSample *snapshot;
  HsSample *middle;

  g_assert_cmpstr (hs_window_get_view (other), ==, "empty");
  hs_window_open_file (other, recorded_path);
  g_assert_cmpstr (hs_window_get_view (other), ==, "opening");
  g_assert_nonnull (test_find_widget (GTK_WIDGET (other), is_label_containing, "Opening markers-run.heapscope…"));
  g_assert_true (gtk_spinner_get_spinning (other->opening_spinner));
  wait_until (is_not_opening, other);
  /* Hidden, it stops: a spinning one animates hidden or not, and made the
   * whole window lay itself out again at every frame. */
  g_assert_false (gtk_spinner_get_spinning (other->opening_spinner));
  g_assert_null (test_find_widget (GTK_WIDGET (other), is_hidden_spinning_spinner, NULL));
  g_assert_null (find_message_dialog (GTK_WINDOW (other)));
  g_assert_cmpstr (hs_window_get_view (other), ==, "session");

  session = hs_window_get_session (other);
  g_assert_nonnull (session);
  g_assert_true (hs_session_is_read_only (session));
  g_assert_cmpstr (hs_session_get_file (session), ==, recorded_path);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (other)), ==, basename);
  g_assert_true (is_recent (recorded_path));
  wait_until (is_not_loading, other);

  /* Types: the census of the last sample, Marker and all. */
  g_assert_cmpuint (g_list_model_get_n_items (hs_types_page_get_visible_rows (types)), >, 10);
  marker = find_visible_row (types, "__main__.Marker");
  g_assert_nonnull (marker);
  g_assert_cmpint (hs_type_stat_get_count (marker), ==, 12345);

  /* Overview: the details, the snapshot, the note that says what this is. */
  hs_window_show_page (other, "overview");
  test_wait_for_draw (GTK_WIDGET (other));
  widget = test_find_widget (GTK_WIDGET (hs_window_get_overview_page (other)), is_label_with_text, "markers.py");
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_drawable (widget));
  widget = test_find_widget (GTK_WIDGET (hs_window_get_overview_page (other)), is_label_with_text, "Exited with code 0");
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_drawable (widget));
  widget = test_find_widget (GTK_WIDGET (hs_window_get_overview_page (other)), is_label_with_text, basename);
  g_assert_nonnull (widget);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (widget), ==, recorded_path);
  widget = test_find_widget (GTK_WIDGET (hs_window_get_overview_page (other)), is_label_containing, "markers made");
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_drawable (widget));
  widget = test_find_widget (GTK_WIDGET (other), is_label_containing, "Recorded session — opened from markers-run.heapscope");
  g_assert_nonnull (widget);
  wait_until (child_is_revealed, gtk_widget_get_ancestor (widget, GTK_TYPE_REVEALER));
  g_assert_true (gtk_widget_is_drawable (widget));

  /* What needs a live process is off, and says why. */
  for (guint i = 0; i < 3; i++)
    {
      static const char *actions[] = { "win.stop", "win.take-snapshot", "win.toggle-pause" };
      GtkWidget *button = test_find_widget (GTK_WIDGET (other), test_is_for_action, actions[i]);

      if (button == NULL)
        continue;  /* the pause button is a toggle without an action */
      g_assert_false (gtk_widget_is_sensitive (button));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "The script has ended; this is a recorded session");
    }
  settle (GTK_WIDGET (other));
  test_save_png (GTK_WIDGET (other), "test-window-reopened.png");

  /* A sample's rows are read from the file when it is shown (the first page
   * needs only the first and the last two): the Types page says so meanwhile. */
  snapshot = hs_session_find_snapshot (session, "markers made");
  g_assert_nonnull (snapshot);
  middle = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (hs_session_get_samples (session)); i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (hs_session_get_samples (session), i);

      if (!hs_sample_has_rows (sample))
        {
          middle = sample;
          break;
        }
    }
  g_assert_nonnull (middle);  /* the sample stays alive in the session */
  hs_window_show_page (other, "types");
  hs_session_set_shown_sample (session, middle);
  g_assert_true (hs_session_get_loading (session));
  widget = test_find_widget (GTK_WIDGET (types), is_spinner, NULL);
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_visible (widget));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (widget)));
  wait_until (is_not_loading, other);
  widget = test_find_widget (GTK_WIDGET (types), is_spinner, NULL);
  g_assert_false (gtk_widget_is_visible (widget));
  g_assert_true (hs_sample_has_rows (middle));
  g_assert_cmpuint (g_list_model_get_n_items (hs_types_page_get_visible_rows (types)), >, 10);
  if (hs_sample_get_index (middle) >= hs_sample_get_index (snapshot))
    {
      marker = find_visible_row (types, "__main__.Marker");
      g_assert_nonnull (marker);
      g_assert_cmpint (hs_type_stat_get_count (marker), ==, 12345);
    }
  hs_session_set_shown_sample (session, NULL);
  wait_until (is_not_loading, other);
  test_wait_for_draw (GTK_WIDGET (other));
  settle (GTK_WIDGET (other));
  test_save_png (GTK_WIDGET (other), "test-window-reopened-types.png");

  gtk_window_destroy (GTK_WINDOW (other));
}

static char *
write_garbage (const char *name)
{
  char *path = g_build_filename (scratch_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "This is not a session, only some bytes.\n\x01\x02\x03\xff", -1, &error);
  g_assert_no_error (error);
  return path;
}

static gboolean
has_message_dialog (gpointer data)
{
  return find_message_dialog (data) != NULL;
}

/* (b) A damaged file: the user hears why, and the window stays as it was. */
static void
test_open_damaged (void)
{
  g_autofree char *damaged = write_garbage ("damaged.heapscope");
  HsWindow *other = new_window ();
  HsSession *before = hs_window_get_session (window);
  guint n_windows;
  AdwMessageDialog *dialog;

  hs_window_open_file (other, damaged);
  wait_until (is_not_opening, other);
  wait_until (has_message_dialog, other);
  dialog = find_message_dialog (GTK_WINDOW (other));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "damaged.heapscope"));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), !=, "");
  g_assert_cmpstr (hs_window_get_view (other), ==, "empty");
  g_assert_null (hs_window_get_session (other));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (other)), ==, "Heapscope");
  g_assert_false (is_recent (damaged));
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (other));

  /* From a window that shows a session: the new window made for the file goes
   * away, the error shows over this one, and this one is untouched. */
  n_windows = count_windows ();
  hs_window_open_file (window, damaged);
  g_assert_cmpuint (count_windows (), ==, n_windows + 1);
  wait_until (has_message_dialog, window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (count_windows (), ==, n_windows);
  g_assert_true (hs_window_get_session (window) == before);
  g_assert_cmpstr (hs_window_get_view (window), ==, "session");
  dialog = find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "damaged.heapscope"));
  adw_message_dialog_response (dialog, "close");
}

/* Cancelling while a file is read leaves the window as it was. */
static void
test_open_cancelled (void)
{
  HsWindow *other = new_window ();

  hs_window_open_file (other, recorded_path);
  g_assert_cmpstr (hs_window_get_view (other), ==, "opening");
  {
    GtkWidget *cancel = test_find_widget (GTK_WIDGET (other), is_label_with_text, "Cancel");

    g_assert_nonnull (cancel);
    g_signal_emit_by_name (gtk_widget_get_ancestor (cancel, GTK_TYPE_BUTTON), "clicked");
  }
  wait_until (is_not_opening, other);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (hs_window_get_view (other), ==, "empty");
  g_assert_null (hs_window_get_session (other));
  g_assert_null (find_message_dialog (GTK_WINDOW (other)));
  gtk_window_destroy (GTK_WINDOW (other));
}

static void
assert_saved_copy (const char *path,
                   HsSession  *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsRecording) summary = NULL;

  store = hs_store_open (path, &error);
  g_assert_no_error (error);
  summary = hs_store_read_summary (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_samples, ==, g_list_model_get_n_items (hs_session_get_samples (session)));
}

/* (c) Save As copies the session file, from a reopened session and a run alike. */
static void
test_save_as (void)
{
  HsWindow *other = new_window ();
  g_autofree char *copy = g_build_filename (scratch_dir, "copy", NULL);
  g_autofree char *copy_path = g_build_filename (scratch_dir, "copy.heapscope", NULL);
  g_autofree char *run_copy = g_build_filename (scratch_dir, "run-copy.heapscope", NULL);

  hs_window_open_file (other, recorded_path);
  wait_until (is_not_opening, other);
  g_assert_nonnull (hs_window_get_session (other));

  hs_window_save_as (other, copy);   /* the suffix is added */
  wait_until (is_recent, copy_path);
  assert_saved_copy (copy_path, hs_window_get_session (other));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (other), is_label_with_text, "Saved as copy.heapscope"));

  hs_window_save_as (window, run_copy);
  wait_until (is_recent, run_copy);
  assert_saved_copy (run_copy, hs_window_get_session (window));
  gtk_window_destroy (GTK_WINDOW (other));
}

/* (d) The start page lists recent sessions: readable ones with their summary,
 * unreadable ones with the reason; missing ones are forgotten. */
static void
test_recent_list (void)
{
  g_autofree char *missing = g_build_filename (scratch_dir, "gone.heapscope", NULL);
  g_autofree char *garbage = write_garbage ("garbage.heapscope");
  const char *paths[] = { recorded_path, missing, garbage, NULL };
  g_auto(GStrv) remaining = NULL;
  HsWindow *other;
  HsRecentList *list;
  AdwActionRow *row;

  set_recent_sessions (paths);
  other = new_window ();
  list = hs_window_get_recent_list (other);
  wait_until (recent_list_is_read, list);

  g_assert_cmpuint (hs_recent_list_get_n_rows (list), ==, 2);
  row = hs_recent_list_get_row (list, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "markers-run");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "markers.py · "));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), " s · "));
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (row)));
  row = hs_recent_list_get_row (list, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "garbage");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "garbage.heapscope"));

  remaining = dup_recent_sessions ();
  g_assert_cmpuint (g_strv_length (remaining), ==, 2);
  g_assert_false (g_strv_contains ((const char * const *) remaining, missing));
  test_wait_for_draw (GTK_WIDGET (other));
  settle (GTK_WIDGET (other));
  test_save_png (GTK_WIDGET (other), "test-window-recent.png");

  /* Remove from List forgets the file, and the row goes. */
  hs_recent_sessions_remove (garbage);
  wait_until (recent_list_is_read, list);
  g_assert_cmpuint (hs_recent_list_get_n_rows (list), ==, 1);

  /* Choosing a row opens it here. */
  adw_action_row_activate (hs_recent_list_get_row (list, 0));
  wait_until (is_not_opening, other);
  g_assert_nonnull (hs_window_get_session (other));
  g_assert_cmpstr (hs_session_get_file (hs_window_get_session (other)), ==, recorded_path);
  gtk_window_destroy (GTK_WINDOW (other));

  /* No recent sessions: nothing but the invitation. */
  set_recent_sessions ((const char *[]) { NULL });
  other = new_window ();
  list = hs_window_get_recent_list (other);
  wait_until (recent_list_is_read, list);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (list)));
  gtk_window_destroy (GTK_WINDOW (other));
}

static gboolean
record_error_or_over (gpointer data)
{
  HsSession *session = data;

  return hs_session_get_record_error (session) != NULL || hs_session_is_over (session);
}

static gboolean
session_is_over (gpointer data)
{
  return hs_session_is_over (data);
}

/* When the disk refuses the recording, the window says so for as long as it
 * shows the session, and the session goes on in memory. */
static void
test_record_error (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "heapscope", "sessions", NULL);
  g_autofree char *away = g_strconcat (folder, ".away", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "0.5", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(GError) error = NULL;
  HsWindow *other;
  HsSession *session;
  GtkWidget *label;

  /* A file where the sessions folder should be: nothing can be created in it. */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (g_rename (folder, away), ==, 0);
  g_file_set_contents (folder, "", 0, &error);
  g_assert_no_error (error);

  other = new_window ();
  spec->interval = 0.2;
  hs_window_run (other, spec);
  session = hs_window_get_session (other);
  wait_until (record_error_or_over, session);
  g_assert_nonnull (hs_session_get_record_error (session));

  label = test_find_widget (GTK_WIDGET (other), is_label_containing, "Recording to disk stopped: ");
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "The session continues in memory."));
  wait_until (child_is_revealed, gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER));
  g_assert_true (gtk_widget_is_drawable (label));

  wait_until (session_is_over, session);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >, 0);
  g_assert_false (is_recent ((gpointer) hs_session_get_file (session)));
  g_assert_true (gtk_widget_is_drawable (label));
  settle (GTK_WIDGET (other));
  test_save_png (GTK_WIDGET (other), "test-window-record-error.png");

  /* The table was at the top while types grew past each other: it still shows the biggest first. */
  hs_window_show_page (other, "types");
  assert_table_shows_first_row (other);
  gtk_window_destroy (GTK_WINDOW (other));

  g_assert_cmpint (g_unlink (folder), ==, 0);
  g_assert_cmpint (g_rename (away, folder), ==, 0);
}

static gboolean
has_snapshot (gpointer data)
{
  HsSession *session = data;

  g_assert_false (hs_session_is_over (session));
  return g_list_model_get_n_items (hs_session_get_snapshots (session)) > 0;
}

/* A file another window is still recording opens read-only, as it was when
 * opened, and says so; the recent list says it is still being recorded. */
static void
test_open_while_recording (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  /* Runs until stopped: however slow the machine, it is still recording when looked at. */
  const char *arguments[] = { "3600", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsWindow *recorder = new_window ();
  HsWindow *viewer;
  HsSession *live;
  HsRecentList *list;
  AdwActionRow *row;
  GtkWidget *label;
  const char *file;

  spec->interval = 0.2;
  hs_window_run (recorder, spec);
  live = hs_window_get_session (recorder);
  wait_until (has_snapshot, live);
  file = hs_session_get_file (live);
  g_assert_true (is_recent ((gpointer) file));

  viewer = new_window ();
  list = hs_window_get_recent_list (viewer);
  wait_until (recent_list_is_read, list);
  row = hs_recent_list_get_row (list, 0);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "still recording"));

  hs_window_open_file (viewer, file);
  wait_until (is_not_opening, viewer);
  g_assert_nonnull (hs_window_get_session (viewer));
  g_assert_true (hs_session_is_being_written_elsewhere (hs_window_get_session (viewer)));
  label = test_find_widget (GTK_WIDGET (viewer), is_label_containing, "Still being recorded by another Heapscope");
  g_assert_nonnull (label);
  wait_until (child_is_revealed, gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER));
  g_assert_true (gtk_widget_is_drawable (label));
  /* Not the recorder's green "Running". */
  g_assert_cmpstr (gtk_label_get_text (viewer->state_label), ==, "Still being recorded by another Heapscope");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (viewer->state_label), "success"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (recorder->state_label), "success"));

  hs_session_stop (live);
  wait_until (session_is_over, live);
  gtk_window_destroy (GTK_WINDOW (viewer));
  gtk_window_destroy (GTK_WINDOW (recorder));
}

/* Compared with a snapshot taken before the type existed, a reopened
 * session's row shows the whole count as its Δ (it said 0). */
static void
test_delta_of_a_new_type (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "brand_new.py", NULL);
  g_autofree char *path = g_build_filename (scratch_dir, "brand-new.heapscope", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  g_autoptr(HsSession) recording = hs_session_new ();
  HsWindow *shown = new_window ();
  HsSession *session;
  HsSample *before;
  HsTypeStat *row;

  spec->interval = 0.2;
  hs_session_record_to (recording, path);
  hs_session_start (recording, spec);
  wait_until ((TestCondition) hs_session_is_over, recording);
  g_assert_cmpint (hs_session_get_exit_code (recording), ==, 0);

  hs_window_open_file (shown, path);
  wait_until (is_not_opening, shown);
  wait_until (is_not_loading, shown);
  hs_window_show_page (shown, "types");
  session = hs_window_get_session (shown);
  before = hs_session_find_snapshot (session, "before");
  g_assert_nonnull (before);
  hs_session_set_baseline (session, HS_BASELINE_SAMPLE, before);
  wait_until (is_not_loading, shown);

  row = hs_census_model_lookup (hs_session_get_census_model (session), "__main__.BrandNew");
  g_assert_nonnull (row);
  g_assert_cmpint (hs_type_stat_get_count (row), ==, 5000);
  g_assert_cmpint (hs_type_stat_get_delta_count (row), ==, 5000);
  g_assert_cmpint (hs_type_stat_get_delta_size (row), ==, hs_type_stat_get_size (row));
  gtk_window_destroy (GTK_WINDOW (shown));
}

static gboolean
window_is_gone (gpointer data)
{
  GtkWidget **weak = data;

  return *weak == NULL;
}

/* Closing a window whose script runs asks first: Cancel keeps both, Stop and
 * Close stops the script and closes the window. */
static void
test_close_while_running (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "3600", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsWindow *running = new_window ();
  GtkWidget *weak = GTK_WIDGET (running);
  g_autoptr(HsSession) session = NULL;
  AdwMessageDialog *dialog;

  spec->interval = 0.2;
  hs_window_run (running, spec);
  session = g_object_ref (hs_window_get_session (running));
  wait_until (has_snapshot, session);
  g_object_add_weak_pointer (G_OBJECT (running), (gpointer *) &weak);

  gtk_window_close (GTK_WINDOW (running));
  wait_until (has_message_dialog, running);
  dialog = find_message_dialog (GTK_WINDOW (running));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "markers.py"));
  adw_message_dialog_response (dialog, "cancel");
  test_drain_main_context ();
  g_assert_nonnull (weak);
  g_assert_true (hs_session_is_live (session));

  gtk_window_close (GTK_WINDOW (running));
  wait_until (has_message_dialog, running);
  adw_message_dialog_response (find_message_dialog (GTK_WINDOW (running)), "stop");
  wait_until (window_is_gone, &weak);
  wait_until ((TestCondition) hs_session_is_over, session);

  /* A window whose script has ended closes without a word. */
  running = new_window ();
  weak = GTK_WIDGET (running);
  g_object_add_weak_pointer (G_OBJECT (running), (gpointer *) &weak);
  gtk_window_close (GTK_WINDOW (running));
  wait_until (window_is_gone, &weak);
}

/* Counts read at a glance: grouped by three, also where the locale has no
 * separator of its own (the tests run in C). */
static void
test_count_grouping (void)
{
  g_autofree char *count = hs_format_count (1234567);
  g_autofree char *small = hs_format_count (999);
  g_autofree char *negative = hs_format_signed_count (-5000);
  g_autofree char *positive = hs_format_signed_count (G_MAXINT64);

  g_assert_cmpstr (count, ==, "1,234,567");
  g_assert_cmpstr (small, ==, "999");
  g_assert_cmpstr (negative, ==, "−5,000");
  g_assert_cmpstr (positive, ==, "+9,223,372,036,854,775,807");
}

static void
assert_byte_axis (double      max_bytes,
                  const char *expected,
                  double      expected_top)
{
  double top = 0;
  g_auto(GStrv) labels = hs_format_byte_axis (max_bytes, 4, &top);
  g_autofree char *joined = g_strjoinv (" / ", labels);

  g_assert_cmpstr (joined, ==, expected);
  g_assert_cmpfloat (top, ==, expected_top);
}

/* The Overview chart's value axis: round steps in the unit shown. */
static void
test_byte_axis (void)
{
  assert_byte_axis (150e6, "0 MB / 50 MB / 100 MB / 150 MB", 150.0 * 1024 * 1024);
  assert_byte_axis (30 * 1024 * 1024, "0 MB / 10 MB / 20 MB / 30 MB", 30.0 * 1024 * 1024);
  assert_byte_axis (1.5 * 1024 * 1024 * 1024, "0.0 GB / 0.5 GB / 1.0 GB / 1.5 GB", 1.5 * 1024 * 1024 * 1024);
  assert_byte_axis (700, "0 B / 200 B / 400 B / 600 B / 800 B", 800);
  assert_byte_axis (0, "0 B / 1 B", 1);
}

/* The app's icon is in its resources, where the application's resource base
 * path makes it found, installed or not. */
static void
test_icon_in_resources (void)
{
  g_autoptr(GBytes) icon = g_resources_lookup_data (RESOURCE_BASE "/icons/scalable/apps/" APP_ID ".svg",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(GBytes) symbolic = g_resources_lookup_data (RESOURCE_BASE "/icons/symbolic/apps/" APP_ID "-symbolic.svg",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_assert_nonnull (icon);
  g_assert_nonnull (symbolic);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (icon, NULL), g_bytes_get_size (icon), "<svg"));
}

/* With no session bus, dconf cannot save and GLib would keep settings in
 * memory only: they go to the app's key file instead, and persist. */
static void
test_settings_without_bus (void)
{
  g_autofree char *config = g_build_filename (scratch_dir, "config", NULL);
  g_autofree char *no_bus = g_strdup_printf ("unix:path=%s/no-bus", scratch_dir);
  g_autofree char *saved_backend = g_strdup (g_getenv ("GSETTINGS_BACKEND"));

  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) settings = hs_settings_new ();
      const char *paths[] = { "/tmp/kept.heapscope", NULL };
      g_autofree char *contents = NULL;

      g_assert_nonnull (settings);
      g_assert_nonnull (hs_settings_get_fallback_file ());
      g_assert_true (g_str_has_prefix (hs_settings_get_fallback_file (), g_getenv ("XDG_CONFIG_HOME")));
      g_settings_set_strv (settings, "recent-sessions", paths);
      g_settings_sync ();
      g_assert_true (g_file_get_contents (hs_settings_get_fallback_file (), &contents, NULL, NULL));
      g_assert_nonnull (strstr (contents, "/tmp/kept.heapscope"));
      return;
    }

  g_unsetenv ("GSETTINGS_BACKEND");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", no_bus, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("GSETTINGS_BACKEND", saved_backend, TRUE);
  g_test_trap_assert_passed ();
}

static gboolean
has_two_snapshots (gpointer data)
{
  return g_list_model_get_n_items (hs_session_get_snapshots (data)) >= 2;
}

/* Take Snapshot asks for a label and takes the snapshot under it. */
static void
test_take_snapshot_dialog (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "3600", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsWindow *running = new_window ();
  HsSession *session;
  AdwMessageDialog *dialog;
  g_autoptr(HsSample) taken = NULL;

  spec->interval = 0.2;
  hs_window_run (running, spec);
  session = hs_window_get_session (running);
  wait_until (has_snapshot, session);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (running), "win.take-snapshot", NULL));
  wait_until (has_message_dialog, running);
  dialog = find_message_dialog (GTK_WINDOW (running));
  test_wait_for_draw (GTK_WIDGET (dialog));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "by hand");
  adw_message_dialog_response (dialog, "take");
  wait_until (has_two_snapshots, session);
  taken = g_list_model_get_item (hs_session_get_snapshots (session), 1);
  g_assert_cmpstr (hs_sample_get_label (taken), ==, "by hand");

  hs_session_stop (session);
  wait_until ((TestCondition) hs_session_is_over, session);
  gtk_window_destroy (GTK_WINDOW (running));
}

static gboolean
session_is_held (gpointer data)
{
  return hs_session_get_held (data) || hs_session_is_over (data);
}

/* Keep Process at Exit: the status says the script is held, the Types page
 * still asks its heap, Stop ends it with the script's exit code, and the
 * recorded session keeps the launch option. The launch dialog remembers it. */
static void
test_hold_at_exit (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "held.py", NULL);
  const char *arguments[] = { "3", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(GSettings) settings = hs_settings_new ();
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(HsLaunchSpec) from_dialog = NULL;
  g_autoptr(GError) error = NULL;
  HsWindow *running = new_window ();
  HsLaunchDialog *dialog;
  HsSession *session;
  GtkWidget *label;

  spec->interval = 0.2;
  spec->hold = TRUE;
  hs_window_run (running, spec);
  session = hs_window_get_session (running);
  wait_until (session_is_held, session);
  g_assert_false (hs_session_is_over (session));
  settle (GTK_WIDGET (running));
  /* The status bar's label. */
  label = GTK_WIDGET (running->state_label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Held at exit — Stop ends it");
  g_assert_true (gtk_widget_is_drawable (label));
  g_assert_true (gtk_widget_has_css_class (label, "warning"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (running), "win.stop", NULL));
  wait_until ((TestCondition) hs_session_is_over, session);
  settle (GTK_WIDGET (running));
  g_assert_false (hs_session_get_held (session));
  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 3);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Exited with code 3");
  g_assert_false (gtk_widget_has_css_class (label, "warning"));

  reopened = hs_session_load (hs_session_get_file (session), &error);
  g_assert_no_error (error);
  g_assert_true (hs_session_get_launch_spec (reopened)->hold);
  gtk_window_destroy (GTK_WINDOW (running));

  g_assert_nonnull (settings);
  g_settings_set_boolean (settings, "hold-at-exit", TRUE);
  dialog = hs_launch_dialog_new (NULL, script);
  from_dialog = hs_launch_dialog_build_spec (dialog, &error);
  g_assert_no_error (error);
  g_assert_true (from_dialog->hold);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_reset (settings, "hold-at-exit");
}

static gboolean
is_view_stack (GtkWidget     *widget,
               gconstpointer  data)
{
  return ADW_IS_VIEW_STACK (widget);
}

/* The action that shows each page of a window's switcher, in the switcher's order. */
static GPtrArray *
page_actions (HsWindow *shown)
{
  GtkWidget *stack = test_find_widget (GTK_WIDGET (shown), is_view_stack, NULL);
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (ADW_VIEW_STACK (stack));
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      g_ptr_array_add (actions, g_strconcat ("win.show-page::", adw_view_stack_page_get_name (page), NULL));
    }
  g_assert_cmpuint (actions->len, ==, 9);
  return actions;
}

static void
on_application_activate (GApplication *application,
                         gpointer      user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));
  HsWindow *first;

  /* hs_application_open_file() before activation: the first window opens the file. */
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  first = windows->data;
  g_assert_cmpstr (hs_window_get_view (first), ==, "opening");

  /* Alt+N shows the Nth page of the switcher. */
  {
    g_autoptr(GPtrArray) pages = page_actions (first);

    for (guint i = 0; i < pages->len; i++)
      {
        g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                      g_ptr_array_index (pages, i));
        g_autofree char *expected = g_strdup_printf ("<Alt>%u", i + 1);

        g_assert_cmpuint (g_strv_length (accels), ==, 1);
        g_assert_cmpstr (accels[0], ==, expected);
      }
  }
  wait_until (is_not_opening, first);
  g_assert_nonnull (hs_window_get_session (first));

  /* After activation: a window with a session sends the file to a new window. */
  hs_application_open_file (HS_APPLICATION (application), recorded_path);
  windows = gtk_application_get_windows (GTK_APPLICATION (application));
  g_assert_cmpuint (g_list_length (windows), ==, 2);
  for (GList *l = windows; l != NULL; l = l->next)
    {
      wait_until (is_not_opening, l->data);
      g_assert_nonnull (hs_window_get_session (l->data));
      g_assert_cmpstr (hs_session_get_file (hs_window_get_session (l->data)), ==, recorded_path);
    }
  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);
}

/* `heapscope file.heapscope`: main() hands the file over before the application runs. */
static void
test_application_open_file (void)
{
  g_autoptr(HsApplication) application = hs_application_new ();
  char *argv[] = { (char *) "heapscope", NULL };

  hs_application_open_file (application, recorded_path);
  g_signal_connect_after (application, "activate", G_CALLBACK (on_application_activate), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (application), 1, argv), ==, 0);
}

static gboolean
is_shortcut_for (GtkWidget     *widget,
                 gconstpointer  action)
{
  g_autofree char *name = NULL;

  if (!GTK_IS_SHORTCUTS_SHORTCUT (widget))
    return FALSE;
  g_object_get (widget, "action-name", &name, NULL);
  return g_strcmp0 (name, action) == 0;
}

static void
collect_page_shortcuts (GtkWidget *widget,
                        GPtrArray *actions)
{
  g_autofree char *name = NULL;

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_object_get (widget, "action-name", &name, NULL);
      /* Its search results hold a second copy of each shortcut. */
      if (name != NULL && g_str_has_prefix (name, "win.show-page::") &&
          !g_ptr_array_find_with_equal_func (actions, name, g_str_equal, NULL))
        g_ptr_array_add (actions, g_steal_pointer (&name));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_page_shortcuts (child, actions);
}

/* The shortcuts window lists Open and Save As, and the pages in the switcher's order. */
static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GPtrArray) pages = page_actions (window);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (overlay);
  g_assert_nonnull (test_find_widget (overlay, is_shortcut_for, "win.open"));
  g_assert_nonnull (test_find_widget (overlay, is_shortcut_for, "win.save-as"));
  collect_page_shortcuts (overlay, listed);
  g_assert_cmpuint (listed->len, ==, pages->len);
  for (guint i = 0; i < pages->len; i++)
    g_assert_cmpstr (g_ptr_array_index (listed, i), ==, g_ptr_array_index (pages, i));
  /* Shown, as Ctrl+? shows it: measuring it must warn of nothing. */
  gtk_window_set_transient_for (GTK_WINDOW (overlay), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (overlay));
  test_wait_for_draw (overlay);
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static gboolean
session_is_running (gpointer session)
{
  return hs_session_get_state (session) == HS_SESSION_STATE_RUNNING;
}

static gboolean
failure_banner_says (gpointer text)
{
  return hs_banner_get_revealed (window->failure_banner) &&
         g_strcmp0 (hs_banner_get_title (window->failure_banner), text) == 0;
}

/* A run that fails says so across the window, with the script's last
 * word, already while it is held at exit; one the user stops does not. */
static void
test_failure_banner (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "fails.py", NULL);
  const char *raise[] = { "raise", NULL };
  const char *sleep[] = { "sleep", NULL };
  g_autoptr(HsLaunchSpec) failing = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, raise);
  g_autoptr(HsLaunchSpec) held = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, raise);
  g_autoptr(HsLaunchSpec) sleeping = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, sleep);
  GtkButton *button;

  hs_window_show_page (window, "types");
  hs_window_run (window, failing);
  g_assert_false (hs_banner_get_revealed (window->failure_banner));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
  test_drain_main_context ();
  g_assert_true (hs_banner_get_revealed (window->failure_banner));
  g_assert_cmpstr (hs_banner_get_title (window->failure_banner), ==,
                   "Exited with code 1 — ValueError: boom from the script");
  button = hs_banner_get_button (window->failure_banner);
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->pages), ==, "console");

  /* Held at exit, the traceback is printed before the wait: the banner
   * tells it while the heap can still be looked at, and Stop ends the
   * process with the script's exit code. */
  held->hold = TRUE;
  hs_window_run (window, held);
  wait_until (failure_banner_says, "Held at exit after an exception — ValueError: boom from the script");
  g_assert_true (hs_session_get_held (hs_window_get_session (window)));
  g_assert_nonnull (hs_banner_get_button (window->failure_banner));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
  wait_until (failure_banner_says, "Exited with code 1 — ValueError: boom from the script");

  /* A new run hides it; stopped by the user, it stays hidden. */
  hs_window_run (window, sleeping);
  g_assert_false (hs_banner_get_revealed (window->failure_banner));
  wait_until (session_is_running, hs_window_get_session (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
  test_drain_main_context ();
  g_assert_cmpint (hs_session_get_state (hs_window_get_session (window)), ==, HS_SESSION_STATE_SIGNALED);
  g_assert_false (hs_banner_get_revealed (window->failure_banner));
}

/* Two runs of one script started together are recorded to two files. */
static void
test_runs_started_together (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "0.3", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsWindow *first = new_window ();
  HsWindow *second = new_window ();
  HsSession *sessions[2];

  spec->interval = 0.2;
  hs_window_run (first, spec);
  hs_window_run (second, spec);
  sessions[0] = hs_window_get_session (first);
  sessions[1] = hs_window_get_session (second);
  g_assert_cmpstr (hs_session_get_file (sessions[0]), !=, hs_session_get_file (sessions[1]));
  for (guint i = 0; i < 2; i++)
    {
      wait_until (session_is_over, sessions[i]);
      g_assert_null (hs_session_get_record_error (sessions[i]));
      assert_saved_copy (hs_session_get_file (sessions[i]), sessions[i]);
    }
  gtk_window_destroy (GTK_WINDOW (first));
  gtk_window_destroy (GTK_WINDOW (second));
}

/* (e) CSV: RFC 4180 quoting, CRLF, the Δ columns only with deltas. */
static void
test_census_csv (void)
{
  HsCensusRow rows[] = {
    { (char *) "dict", 120, 34560 },
    { (char *) "a,b", 2, 64 },
    { (char *) "say \"hi\"", 1, 48 },
  };
  HsCensusRow deltas[] = {
    { NULL, 3, 1024 },
    { NULL, -2, -64 },
    { NULL, 0, 0 },
  };
  g_autofree char *plain = hs_census_format_csv (rows, NULL, G_N_ELEMENTS (rows));
  g_autofree char *with_deltas = hs_census_format_csv (rows, deltas, G_N_ELEMENTS (rows));
  g_autofree char *empty = hs_census_format_csv (NULL, NULL, 0);

  g_assert_cmpstr (plain, ==,
                   "type,count,size\r\n"
                   "dict,120,34560\r\n"
                   "\"a,b\",2,64\r\n"
                   "\"say \"\"hi\"\"\",1,48\r\n");
  g_assert_cmpstr (with_deltas, ==,
                   "type,count,size,delta_count,delta_size\r\n"
                   "dict,120,34560,3,1024\r\n"
                   "\"a,b\",2,64,-2,-64\r\n"
                   "\"say \"\"hi\"\"\",1,48,0,0\r\n");
  g_assert_cmpstr (empty, ==, "type,count,size\r\n");
}

/* The Types page exports the rows it shows, as CSV and as Pympler's table. */
static void
test_types_export (void)
{
  HsWindow *other = new_window ();
  HsTypesPage *types = hs_window_get_types_page (other);
  HsTypeStat *marker;
  g_autofree char *csv = NULL;
  g_autofree char *table = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;

  hs_window_open_file (other, recorded_path);
  wait_until (is_not_opening, other);
  wait_until (is_not_loading, other);
  hs_types_page_set_filter_text (types, "__main__.Marker");
  g_assert_cmpuint (g_list_model_get_n_items (hs_types_page_get_visible_rows (types)), ==, 1);
  marker = visible_row (types, 0);

  /* The last sample has one before it: the Δ columns are exported. */
  csv = hs_types_page_dup_csv (types);
  expected = g_strdup_printf ("type,count,size,delta_count,delta_size\r\n"
                              "__main__.Marker,12345,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\r\n",
                              hs_type_stat_get_size (marker),
                              hs_type_stat_get_delta_count (marker),
                              hs_type_stat_get_delta_size (marker));
  g_assert_cmpstr (csv, ==, expected);

  table = hs_types_page_dup_text_table (types);
  lines = g_strsplit (table, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);  /* header, rule, one row, "" */
  g_assert_nonnull (strstr (lines[0], "types"));
  g_assert_nonnull (strstr (lines[0], "# objects"));
  g_assert_true (g_str_has_prefix (lines[1], "="));
  g_assert_nonnull (strstr (lines[2], "__main__.Marker"));
  g_assert_nonnull (strstr (lines[2], " 12345 "));

  /* Compared with the first sample: the table is the diff. */
  hs_session_set_baseline (hs_window_get_session (other), HS_BASELINE_FIRST, NULL);
  wait_until (is_not_loading, other);
  hs_types_page_set_filter_text (types, "");
  g_clear_pointer (&csv, g_free);
  csv = hs_types_page_dup_csv (types);
  g_assert_nonnull (strstr (csv, "\r\n__main__.Marker,12345,"));
  gtk_window_destroy (GTK_WINDOW (other));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}


/* Why is it alive? — against a fake agent (tests/fake-agent.h) */

static char *browsed_path;      /* the session browsed by /hs/window/browse */

static gboolean
types_listed (gpointer data)
{
  return g_list_model_get_n_items (hs_types_page_get_visible_rows (hs_window_get_types_page (data))) >= 3;
}

static void
select_type (HsWindow   *shown,
             const char *name)
{
  HsTypesPage *types = hs_window_get_types_page (shown);
  GListModel *rows = hs_types_page_get_visible_rows (types);
  GtkSelectionModel *selection = gtk_column_view_get_model (hs_types_page_get_column_view (types));

  wait_until (types_listed, shown);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(HsTypeStat) stat = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hs_type_stat_get_name (stat), name) == 0)
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          return;
        }
    }
  g_assert_not_reached ();
}

static gboolean
instances_listed (gpointer data)
{
  HsInstanceList *list = hs_instances_view_get_list (data);

  return list != NULL && !hs_instance_list_get_loading (list);
}

static gboolean
inspected (gpointer data)
{
  return hs_object_inspector_get_reply (data) != NULL;
}

static gboolean
inspector_settled (gpointer data)
{
  return hs_object_inspector_get_reply (data) != NULL ||
         (g_strcmp0 (hs_object_inspector_get_message (data), "") != 0 &&
          !g_str_equal (hs_object_inspector_get_message (data), "Measuring…"));
}

static HsReferrerNode *
tree_row (HsReferrersPage *page,
          guint            position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hs_referrers_page_get_rows (page)), position);
  HsReferrerNode *node;

  g_assert_nonnull (row);
  node = gtk_tree_list_row_get_item (row);
  g_object_unref (node);   /* the row keeps it */
  return node;
}

static gboolean
no_row_loading (gpointer data)
{
  GListModel *rows = G_LIST_MODEL (hs_referrers_page_get_rows (data));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    if (hs_referrer_node_get_kind (tree_row (data, i)) == HS_REFERRER_NODE_LOADING)
      return FALSE;
  return TRUE;
}

static void
expand_row (HsReferrersPage *page,
            guint            position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hs_referrers_page_get_rows (page)), position);

  g_assert_true (gtk_tree_list_row_is_expandable (row));
  gtk_tree_list_row_set_expanded (row, TRUE);
  wait_until (no_row_loading, page);
}

static gboolean
is_row_expandable (HsReferrersPage *page,
                   guint            position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hs_referrers_page_get_rows (page)), position);

  return gtk_tree_list_row_is_expandable (row);
}

static gboolean
not_finding (gpointer data)
{
  return !hs_referrers_page_get_finding (data);
}

static GtkWidget *
crumb (HsReferrersPage *page,
       const char      *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (hs_referrers_page_get_breadcrumb (page));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
      return child;
  return NULL;
}

/* Types → instances → inspector → referrer tree → path to root, in the window. */
static void
test_browse (void)
{
  g_autoptr(HsSession) session = hs_session_new ();
  HsInstancesView *instances = hs_window_get_instances_view (window);
  HsObjectInspector *inspector = hs_window_get_inspector (window);
  HsReferrersPage *referrers = hs_window_get_referrers_page (window);
  FakeAgent *agent;
  g_autofree char *text = NULL;
  GtkWidget *breadcrumb_labels[4];
  HsObjectRef list = { 2, (char *) "list", 0x2000, 72, (char *) "list of 2 items", 0, NULL, 0, 0 };
  HsObjectRef crowded = { 7, (char *) "int", 0x7000, 28, (char *) "7", 0, NULL, 0, 0 };
  HsObjectRef held_from_c = { 31, (char *) "__main__.Request", 0x1f000, 48, (char *) "__main__.Request at 0x1f000",
                              0, NULL, 0, 0 };

  browsed_path = g_build_filename (scratch_dir, "browsed.heapscope", NULL);
  agent = fake_agent_start (session, browsed_path);
  _hs_window_set_session (window, session);
  hs_window_show_page (window, "types");

  /* No type selected yet: the views say what to do. */
  g_assert_cmpstr (hs_instances_view_get_state (instances), ==, "status");
  g_assert_null (hs_referrers_page_get_tree (referrers));

  /* A type with no instances says so in place. */
  select_type (window, "__main__.Empty");
  wait_until (instances_listed, instances);
  g_assert_cmpstr (hs_instances_view_get_state (instances), ==, "status");
  g_assert_cmpstr (hs_instances_view_get_message (instances), ==, "None of this type is alive any more");

  select_type (window, "str");
  wait_until (instances_listed, instances);
  g_assert_cmpstr (hs_instances_view_get_state (instances), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_instances_view_get_list (instances))), ==, 1000);
  /* Only the rows drawn were asked for. */
  test_wait_for_draw (GTK_WIDGET (window));
  g_assert_cmpuint (hs_instance_list_get_n_requests (hs_instances_view_get_list (instances)), <=, 2);
  g_assert_nonnull (test_find_widget (GTK_WIDGET (hs_instances_view_get_column_view (instances)), is_label_with_text, "'target'"));

  /* The first instance: its sizes and asized(detail=2) breakdown. */
  hs_instances_view_select (instances, 0);
  wait_until (inspected, inspector);
  g_assert_cmpint (hs_object_inspector_get_object (inspector)->handle, ==, 1);
  g_assert_cmpstr (hs_object_inspector_get_size_text (inspector, "flat"), ==, "55 B");
  g_assert_cmpstr (hs_object_inspector_get_size_text (inspector, "basic"), ==, "47 B");
  g_assert_cmpstr (hs_object_inspector_get_size_text (inspector, "deep"), ==, "550 B");
  g_assert_cmpuint (g_list_model_get_n_items (hs_object_inspector_get_breakdown (inspector)), ==, 1 + 2 + 4);
  hs_object_inspector_set_detail (inspector, 1);
  wait_until (inspected, inspector);
  g_assert_cmpuint (g_list_model_get_n_items (hs_object_inspector_get_breakdown (inspector)), ==, 1 + 2);
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "browse-instances.png");

  /* Referents are clickable: the list refers to the str and to the other list. */
  hs_object_inspector_set_object (inspector, &list);
  wait_until (inspected, inspector);
  g_assert_cmpuint (g_list_model_get_n_items (hs_object_inspector_get_referents (inspector)), ==, 2);
  hs_object_inspector_activate_referent (inspector, 0);
  g_assert_cmpint (hs_object_inspector_get_object (inspector)->handle, ==, 1);
  wait_until (inspected, inspector);

  /* The Referrers page follows the object inspected; its root is open. */
  hs_window_show_page (window, "referrers");
  g_assert_nonnull (hs_referrers_page_get_tree (referrers));
  wait_until (no_row_loading, referrers);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_referrers_page_get_rows (referrers))), ==, 3);
  g_assert_cmpstr (hs_referrer_node_get_ref (tree_row (referrers, 1))->type_name, ==, "list");
  g_assert_cmpstr (hs_referrer_node_get_ref (tree_row (referrers, 2))->type_name, ==, "__main__.Holder");

  /* Two levels down: the list's referrers, then the second list's, a cycle. */
  expand_row (referrers, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_referrers_page_get_rows (referrers))), ==, 5);
  g_assert_cmpstr (hs_referrer_node_get_ref (tree_row (referrers, 2))->type_name, ==, "dict");
  g_assert_cmpstr (hs_referrer_node_get_ref (tree_row (referrers, 3))->text, ==, "list of 1 item");
  expand_row (referrers, 3);
  g_assert_true (hs_referrer_node_is_cycle (tree_row (referrers, 4)));
  g_assert_false (is_row_expandable (referrers, 4));
  settle (GTK_WIDGET (window));
  {
    GtkWidget *view = GTK_WIDGET (hs_referrers_page_get_list_view (referrers));

    g_assert_nonnull (test_find_widget (view, is_label_with_text, "index 0"));
    g_assert_nonnull (test_find_widget (view, is_label_with_text, "attribute name"));
    g_assert_nonnull (test_find_widget (view, is_label_with_text, "key items"));
    g_assert_nonnull (test_find_widget (view, is_label_with_text, "index 1"));
    g_assert_nonnull (test_find_widget (view, is_label_with_text, "cycle"));
  }

  /* The text export is what is expanded: each branch with its edges, then
   * as Pympler's ConsoleBrowser prints it. */
  text = hs_referrers_page_dup_report (referrers);
  g_assert_cmpstr (text, ==,
                   "Referrers, as expanded:\n"
                   "str <- list [index 0] <- dict [key items]\n"
                   "                      <- list [index 0] <- list [index 1] (cycle)\n"
                   "    <- __main__.Holder [attribute name]\n"
                   "\n"
                   "In the layout of Pympler’s ConsoleBrowser:\n"
                   "str-+-list-+-dict\n"
                   "    |      +-list--list\n"
                   "    |\n"
                   "    +-__main__.Holder\n");

  /* Path to root opens the chain and shows it as a breadcrumb. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.path-to-root", NULL));
  wait_until (not_finding, referrers);
  g_assert_cmpstr (hs_referrers_page_get_message (referrers), ==, "");
  breadcrumb_labels[0] = crumb (referrers, "str");
  breadcrumb_labels[1] = crumb (referrers, "list");
  breadcrumb_labels[2] = crumb (referrers, "dict");
  breadcrumb_labels[3] = crumb (referrers, "module(__main__)");
  for (guint i = 0; i < 4; i++)
    g_assert_nonnull (breadcrumb_labels[i]);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (hs_referrers_page_get_breadcrumb (referrers),
                                                                  GTK_TYPE_SCROLLED_WINDOW)));
  g_assert_cmpint (hs_referrer_node_get_ref (hs_referrers_page_get_selected (referrers))->handle, ==, 4);
  g_assert_cmpint (hs_referrer_node_get_ref (hs_referrers_page_get_selected (referrers))->root, ==, HS_ROOT_MODULE);
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "browse-referrers.png");
  g_signal_emit_by_name (breadcrumb_labels[1], "clicked");
  g_assert_cmpint (hs_referrer_node_get_ref (hs_referrers_page_get_selected (referrers))->handle, ==, 2);

  /* An object with 250 referrers: 100 rows and "150 more…", which lists the rest. */
  hs_object_inspector_set_object (inspector, &crowded);
  wait_until (inspected, inspector);
  wait_until (no_row_loading, referrers);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_referrers_page_get_rows (referrers))), ==, 102);
  g_assert_cmpint (hs_referrer_node_get_kind (tree_row (referrers, 101)), ==, HS_REFERRER_NODE_MORE);
  settle (GTK_WIDGET (window));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (hs_referrers_page_get_list_view (referrers)), is_label_with_text,
                                 "150 more…"));
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (hs_referrers_page_get_list_view (referrers)),
                                                   GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    settle (GTK_WIDGET (window));
    test_save_png (GTK_WIDGET (window), "browse-more.png");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (hs_referrers_page_get_list_view (referrers)),
                                             "list.activate-item", "u", 101));
  wait_until (no_row_loading, referrers);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_referrers_page_get_rows (referrers))), ==, 251);
  g_assert_cmpint (hs_referrer_node_get_kind (tree_row (referrers, 250)), ==, HS_REFERRER_NODE_OBJECT);

  /* No root holds an object held from C code: the page says by what, where
   * it says a path was not found, and so does its text. */
  hs_object_inspector_set_object (inspector, &held_from_c);
  wait_until (inspected, inspector);
  wait_until (no_row_loading, referrers);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.path-to-root", NULL));
  wait_until (not_finding, referrers);
  g_assert_cmpstr (hs_referrers_page_get_message (referrers), ==,
                   "Held from C code by function (on_exit) (signal handler for SIGUSR1)");
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "browse-held-from-c.png");
  g_clear_pointer (&text, g_free);
  text = hs_referrers_page_dup_report (referrers);
  g_assert_true (g_str_has_prefix (text, "Why no root was reached:\n"
                                         "Held from C code by function (on_exit) (signal handler for SIGUSR1)\n\n"));

  fake_agent_end (agent);
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, session);
  fake_agent_free (agent);
}

static gboolean
error_row_shown (gpointer data)
{
  GListModel *rows = G_LIST_MODEL (hs_referrers_page_get_rows (data));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    if (hs_referrer_node_get_kind (tree_row (data, i)) == HS_REFERRER_NODE_ERROR)
      return TRUE;
  return FALSE;
}

/* Reopened, the session shows what was browsed, and says the rest is gone. */
static void
test_browse_offline (void)
{
  HsWindow *shown = new_window ();
  HsInstancesView *instances = hs_window_get_instances_view (shown);
  HsObjectInspector *inspector = hs_window_get_inspector (shown);
  HsReferrersPage *referrers = hs_window_get_referrers_page (shown);
  HsObjectRef holder = { 6, (char *) "__main__.Holder", 0x6000, 48, (char *) "Holder", 0, NULL, 0, 0 };

  g_assert_nonnull (browsed_path);
  hs_window_open_file (shown, browsed_path);
  wait_until (is_not_opening, shown);
  wait_until (is_not_loading, shown);
  g_assert_true (hs_session_is_read_only (hs_window_get_session (shown)));
  hs_window_show_page (shown, "types");

  select_type (shown, "str");
  wait_until (instances_listed, instances);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_instances_view_get_list (instances))), ==, 1000);
  hs_instances_view_select (instances, 0);
  wait_until (inspected, inspector);
  g_assert_cmpstr (hs_object_inspector_get_size_text (inspector, "deep"), ==, "550 B");

  /* Deep sizes were never asked for: the list says the process has ended. */
  hs_instances_view_set_order (instances, HS_INSTANCE_ORDER_DEEP);
  wait_until (instances_listed, instances);
  g_assert_cmpstr (hs_instances_view_get_state (instances), ==, "status");
  g_assert_true (g_str_has_prefix (hs_instances_view_get_message (instances), "The process has ended"));
  /* No answer, so no count: not "0 Instances". */
  g_assert_cmpstr (hs_instances_view_get_title (instances), ==, "Instances of str");
  hs_instances_view_set_order (instances, HS_INSTANCE_ORDER_FLAT);

  hs_window_show_page (shown, "referrers");
  wait_until (no_row_loading, referrers);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_referrers_page_get_rows (referrers))), ==, 3);
  expand_row (referrers, 1);
  g_assert_cmpstr (hs_referrer_node_get_ref (tree_row (referrers, 2))->type_name, ==, "dict");
  /* The Holder's referrers were never looked at. */
  expand_row (referrers, 4);
  g_assert_true (error_row_shown (referrers));
  settle (GTK_WIDGET (shown));
  {
    GtkWidget *ended = test_find_widget (GTK_WIDGET (hs_referrers_page_get_list_view (referrers)), is_label_containing,
                                    "The process has ended");

    /* Nothing failed: the row is quiet, not red. */
    g_assert_nonnull (ended);
    g_assert_true (gtk_widget_has_css_class (ended, "dim-label"));
    g_assert_false (gtk_widget_has_css_class (ended, "error"));
  }

  /* The path found while it ran is shown again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (shown), "win.path-to-root", NULL));
  wait_until (not_finding, referrers);
  g_assert_nonnull (crumb (referrers, "module(__main__)"));

  /* An object never inspected says so in place. */
  hs_object_inspector_set_object (inspector, &holder);
  wait_until (inspector_settled, inspector);
  g_assert_true (g_str_has_prefix (hs_object_inspector_get_message (inspector), "The process has ended"));
  settle (GTK_WIDGET (shown));
  test_save_png (GTK_WIDGET (shown), "browse-offline.png");
  gtk_window_destroy (GTK_WINDOW (shown));
}

/* The Types page's count of @name's objects; -1 when it does not list it. */
static gint64
listed_count (const char *name)
{
  GListModel *rows = hs_types_page_get_visible_rows (hs_window_get_types_page (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(HsTypeStat) stat = g_list_model_get_item (rows, i);

      if (g_strcmp0 (hs_type_stat_get_name (stat), name) == 0)
        return hs_type_stat_get_count (stat);
    }
  return -1;
}

static gboolean
has_type_row (gpointer data)
{
  return listed_count (data) >= 0;
}

/* The Types page lists @data's type with at least 2 000 objects. */
static gboolean
has_two_thousand (gpointer data)
{
  return listed_count (data) >= 2000;
}

/* Runs @spec in the window and lists the instances of @type_name, once a
 * census counts it. */
static void
run_and_list (HsLaunchSpec *spec,
              const char   *type_name)
{
  hs_window_run (window, spec);
  hs_window_show_page (window, "types");
  wait_until (has_type_row, (gpointer) type_name);
  select_type (window, type_name);
  wait_until (instances_listed, hs_window_get_instances_view (window));
}

static gboolean
has_edge_row (HsReferrersPage *page,
              const char      *type_name,
              const char      *edge)
{
  GListModel *rows = G_LIST_MODEL (hs_referrers_page_get_rows (page));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      HsReferrerNode *node = tree_row (page, i);
      const HsObjectRef *ref = hs_referrer_node_get_ref (node);
      g_autofree char *described = ref != NULL ? hs_object_ref_describe_edge (ref) : NULL;

      if (ref != NULL && g_strcmp0 (ref->type_name, type_name) == 0 && g_strcmp0 (described, edge) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The instances' last column, Description, reaches the list's right edge. */
static void
assert_description_fills (HsInstancesView *instances)
{
  GtkWidget *view = GTK_WIDGET (hs_instances_view_get_column_view (instances));
  GtkWidget *label = test_find_widget (view, is_label_with_text, "Description");
  GtkWidget *title = label != NULL ? gtk_widget_get_ancestor (label, g_type_from_name ("GtkColumnViewTitle")) : NULL;
  graphene_rect_t bounds;

  g_assert_nonnull (title);
  g_assert_true (gtk_widget_compute_bounds (title, view, &bounds));
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, >=, gtk_widget_get_width (view) - 1);
}

/* A real script: the Leaf chain.py holds is found, and what keeps it alive. */
static void
test_browse_real_script (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "chain.py", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  HsInstancesView *instances = hs_window_get_instances_view (window);
  HsObjectInspector *inspector = hs_window_get_inspector (window);
  HsReferrersPage *referrers = hs_window_get_referrers_page (window);
  HsReferrerNode *end;

  spec->interval = 0.3;
  run_and_list (spec, "__main__.Leaf");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_instances_view_get_list (instances))), ==, 1);
  hs_instances_view_select (instances, 0);
  wait_until (inspected, inspector);
  g_assert_cmpstr (hs_object_inspector_get_object (inspector)->type_name, ==, "__main__.Leaf");
  g_assert_cmpint (hs_object_inspector_get_reply (inspector)->deep, >, hs_object_inspector_get_object (inspector)->flat);
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "browse-real-instances.png");
  assert_description_fills (instances);

  hs_window_show_page (window, "referrers");
  wait_until (no_row_loading, referrers);
  g_assert_true (has_edge_row (referrers, "list", "index 0"));
  g_assert_true (has_edge_row (referrers, "__main__.Twig", "attribute leaf"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.path-to-root", NULL));
  wait_until (not_finding, referrers);
  end = hs_referrers_page_get_selected (referrers);
  g_assert_nonnull (end);
  g_assert_cmpint (hs_referrer_node_get_ref (end)->root, !=, HS_ROOT_NONE);
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "browse-real-referrers.png");
  /* The breadcrumb: the Leaf, the list and the dict it is in, the module. */
  g_assert_nonnull (crumb (referrers, "__main__.Leaf"));
  g_assert_nonnull (crumb (referrers, "list"));
  g_assert_nonnull (crumb (referrers, "dict"));
  g_assert_nonnull (crumb (referrers, "module(__main__)"));

  /* With a size column and without it again. */
  hs_window_show_page (window, "types");
  hs_instances_view_set_order (instances, HS_INSTANCE_ORDER_DEEP);
  wait_until (instances_listed, instances);
  settle (GTK_WIDGET (window));
  assert_description_fills (instances);
  hs_instances_view_set_order (instances, HS_INSTANCE_ORDER_FLAT);
  wait_until (instances_listed, instances);
  settle (GTK_WIDGET (window));
  assert_description_fills (instances);

  hs_session_stop (hs_window_get_session (window));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
}

static gboolean
is_label_with_prefix (GtkWidget     *widget,
                      gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static gboolean
is_list_again_button (GtkWidget     *widget,
                      gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), "List Again") == 0;
}

static gint64 listed_leaves;

/* The census counts more Leaf objects than the list listed. */
static gboolean
census_passed_list (gpointer data)
{
  return listed_count ("__main__.Leaf") > listed_leaves;
}

/* A list of instances is of the heap when it came, and says when; List
 * Again lists them as they are now, while the program runs. */
static void
test_instances_listed_again (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "grows.py", NULL);
  const char *arguments[] = { "60", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsInstancesView *instances = hs_window_get_instances_view (window);
  GtkWidget *list_again = test_find_widget (GTK_WIDGET (instances), is_list_again_button, NULL);
  GtkWidget *listed_at;
  HsInstanceList *first;

  spec->interval = 0.2;
  run_and_list (spec, "__main__.Leaf");
  first = hs_instances_view_get_list (instances);
  listed_leaves = g_list_model_get_n_items (G_LIST_MODEL (first));
  g_assert_cmpint (listed_leaves, >, 0);
  g_assert_true (gtk_widget_get_visible (list_again));
  listed_at = test_find_widget (GTK_WIDGET (instances), is_label_with_prefix, "Listed at ");
  g_assert_nonnull (listed_at);
  g_assert_true (gtk_widget_get_visible (listed_at));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (listed_at)), " s"));

  wait_until (census_passed_list, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first)), ==, listed_leaves);
  g_signal_emit_by_name (list_again, "clicked");
  g_assert_true (hs_instances_view_get_list (instances) != first);
  wait_until (instances_listed, instances);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_instances_view_get_list (instances))), >, listed_leaves);

  /* Once the program has ended there is nothing to list again. */
  hs_session_stop (hs_window_get_session (window));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
  g_assert_false (gtk_widget_get_visible (list_again));
  g_assert_true (gtk_widget_get_visible (listed_at));
}

static gboolean
view_text_set (gpointer data)
{
  if (hs_graph_view_is_busy (data))
    {
      gtk_widget_queue_draw (data);
      return FALSE;
    }
  return TRUE;
}

static gboolean
graph_settled (gpointer data)
{
  return !hs_graph_page_get_busy (data) && hs_graph_page_get_graph (data) != NULL;
}

/* The first node whose type is @type_name, or starts with it and a space
 * ("function" for "function (holder)"); -1 for none. */
static int
graph_node_of_type (HsRefGraph *graph,
                    const char *type_name)
{
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      const char *name = hs_ref_graph_node (graph, i)->object->type_name;

      if (g_strcmp0 (name, type_name) == 0 ||
          (g_str_has_prefix (name, type_name) && name[strlen (type_name)] == ' '))
        return (int) i;
    }
  return -1;
}

static gboolean
graph_has_edge (HsRefGraph *graph,
                const char *from_type,
                const char *to_type,
                const char *edge)
{
  for (guint i = 0; i < graph->edges->len; i++)
    {
      HsGraphEdge *candidate = hs_ref_graph_edge (graph, i);
      g_autofree char *described = hs_graph_edge_describe (candidate);

      if (g_strcmp0 (hs_ref_graph_node (graph, candidate->from)->object->type_name, from_type) == 0 &&
          g_strcmp0 (hs_ref_graph_node (graph, candidate->to)->object->type_name, to_type) == 0 &&
          g_strcmp0 (described, edge) == 0)
        return TRUE;
    }
  return FALSE;
}

static GtkSpinButton *
find_spin_button (GtkWidget  *widget,
                  const char *id)
{
  if (GTK_IS_SPIN_BUTTON (widget) && g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0)
    return GTK_SPIN_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkSpinButton *found = find_spin_button (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
can_retain (gpointer data)
{
  return hs_session_can_retain (data);
}

static gboolean
retained_settled (gpointer data)
{
  HsRetainedPage *page = data;

  return !hs_retained_page_get_busy (page) && hs_retained_page_get_heap (page) != NULL;
}

static gboolean
retained_measured (gpointer data)
{
  return g_strcmp0 (hs_object_inspector_get_size_text (data, "retained"), "—") != 0;
}

/* The row of @rows (GtkTreeListRow) whose object is of @type_name and
 * retains at least @bytes; -1 for none. */
static int
retained_row_of (GListModel *rows,
                 const char *type_name,
                 gint64      bytes)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      const HsObjectRef *object = hs_retained_page_row_object (row);

      if (object != NULL && g_strcmp0 (object->type_name, type_name) == 0 &&
          hs_retained_page_row_size (row).bytes >= bytes)
        return (int) i;
    }
  return -1;
}

/* What holds the memory: the list of 2 000 buffers retains its 2 MB, under
 * the module namespace that holds it; selecting it shows it in the
 * inspector. */
static void
test_retained_real_script (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "hog.py", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  HsRetainedPage *page = window->retained_page;
  GListModel *rows = hs_retained_page_get_rows (page);
  const HsHeapTree *heap;
  int holder, hog;
  g_autoptr(GtkTreeListRow) hog_row = NULL;

  spec->interval = 0.5;
  hs_window_run (window, spec);
  /* The agent says hello before the script's first line: its 2 000 buffers
   * are there once a census has counted them. */
  wait_until (has_two_thousand, (gpointer) "bytes");
  hs_window_show_page (window, "retained");
  wait_until (can_retain, hs_window_get_session (window));
  hs_retained_page_compute (page);
  wait_until (retained_settled, page);
  g_assert_null (hs_retained_page_get_note (page));
  heap = hs_retained_page_get_heap (page);
  g_assert_cmpint (heap->total_bytes, >, 2000 * 1000);
  g_assert_cmpint (heap->total_objects, >, 2000);

  /* The module's namespace holds the list alone: it comes first. */
  holder = retained_row_of (rows, "dict", 2000 * 1000);
  g_assert_cmpint (holder, ==, 0);
  hs_retained_page_expand (page, holder);
  wait_until (retained_settled, page);
  hog = retained_row_of (rows, "list", 2000 * 1000);
  g_assert_cmpint (hog, >, holder);
  hog_row = g_list_model_get_item (rows, hog);
  g_assert_cmpuint (gtk_tree_list_row_get_depth (hog_row), ==, 1);
  g_assert_cmpint (hs_retained_page_row_size (hog_row).objects, >=, 2001);
  g_assert_cmpint (hs_retained_page_row_size (hog_row).bytes, <, heap->total_bytes);
  /* The rows say whose namespace holds it, and as what. */
  {
    g_autoptr(GtkTreeListRow) holder_row = g_list_model_get_item (rows, holder);
    g_autofree char *held_as = hs_object_ref_describe_edge (hs_retained_page_row_object (hog_row));

    g_assert_true (g_str_has_prefix (hs_retained_page_row_object (holder_row)->text, "globals of module __main__, "));
    g_assert_cmpstr (held_as, ==, "global hog");
    g_assert_null (hs_object_ref_describe_edge (hs_retained_page_row_object (holder_row)));
  }

  hs_retained_page_expand (page, hog);
  g_assert_true (hs_object_inspector_get_object (hs_window_get_inspector (window)) != NULL);
  g_assert_cmpstr (hs_object_inspector_get_object (hs_window_get_inspector (window))->type_name, ==, "list");
  wait_until (retained_settled, page);

  /* The inspector measures the same from the tree the agent kept. */
  hs_object_inspector_measure_retained (hs_window_get_inspector (window));
  wait_until (retained_measured, hs_window_get_inspector (window));
  {
    g_autofree char *expected = hs_format_bytes (hs_retained_page_row_size (hog_row).bytes);

    g_assert_cmpstr (hs_object_inspector_get_size_text (hs_window_get_inspector (window), "retained"), ==, expected);
  }
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "retained-real-script.png");
  {
    GtkWidget *edge = test_find_widget (GTK_WIDGET (page), is_label_with_text, "global hog");

    g_assert_nonnull (edge);
    g_assert_true (gtk_widget_get_mapped (edge));
  }

  hs_session_stop (hs_window_get_session (window));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
}

static gboolean
is_widget_with_id (GtkWidget     *widget,
                   gconstpointer  id)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

/* Listed in the order chosen; the list asked for the previous one is gone. */
static gboolean
instances_in_order (gpointer data)
{
  HsInstancesView *instances = data;

  return instances_listed (instances) &&
         hs_instance_list_get_order (hs_instances_view_get_list (instances)) == hs_instances_view_get_order (instances);
}

static gboolean
by_retained_size (gpointer data)
{
  return hs_instances_view_get_order (data) == HS_INSTANCE_ORDER_RETAINED && instances_in_order (data);
}

/* Instances by retained size, picked in the toolbar once the agent can
 * compute it: the holder of 100 000 bytes alone comes first, not the one
 * that refers to 1 000 000 bytes a global holds too (first by deep size). */
static void
test_instances_by_retained_size (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "holders.py", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  HsInstancesView *instances = hs_window_get_instances_view (window);
  GtkWidget *toggle = test_find_widget (GTK_WIDGET (instances), is_widget_with_id, "retained_toggle");
  GListModel *list;
  g_autoptr(HsObjectItem) first = NULL;
  const HsObjectRef *ref;

  g_assert_nonnull (toggle);
  spec->interval = 0.5;
  run_and_list (spec, "__main__.Holder");
  wait_until (can_retain, hs_window_get_session (window));
  settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_sensitive (toggle));

  /* As the keyboard does it: the button clicks a moment later. */
  g_assert_true (gtk_widget_activate (toggle));
  wait_until (by_retained_size, instances);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_cmpstr (hs_instances_view_get_state (instances), ==, "list");
  list = G_LIST_MODEL (hs_instances_view_get_list (instances));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);
  first = g_list_model_get_item (list, 0);
  ref = hs_object_item_get_ref (first);
  g_assert_nonnull (strstr (ref->text, "name='large'"));
  g_assert_cmpint (ref->retained, >, 100000);
  g_assert_cmpint (ref->retained, <, 101000);
  for (guint i = 1; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(HsObjectItem) item = g_list_model_get_item (list, i);

      g_assert_cmpint (hs_object_item_get_ref (item)->retained, <, ref->retained);
    }

  /* The size column says which size it shows, and shows it. */
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "instances-by-retained-size.png");
  {
    GtkWidget *column_view = GTK_WIDGET (hs_instances_view_get_column_view (instances));
    g_autofree char *bytes = hs_format_bytes (ref->retained);

    g_assert_nonnull (test_find_widget (column_view, is_label_with_text, "Retained Size"));
    g_assert_null (test_find_widget (column_view, is_label_with_text, "Deep Size"));
    g_assert_nonnull (test_find_widget (column_view, is_label_with_text, bytes));
  }
  /* The tests after this one list in flat order. */
  hs_instances_view_set_order (instances, HS_INSTANCE_ORDER_FLAT);
  wait_until (instances_in_order, instances);

  hs_session_stop (hs_window_get_session (window));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
  /* Over, the process cannot be asked any more. */
  settle (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_sensitive (toggle));
}

static gboolean
on_pause_over (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* A benchmark (meson test --benchmark graph-window): Show Graph of an object
 * with 10 000 objects around it, in a child of 1 M objects, timed from the
 * action until the graph is laid out and all of it drawn, text and all.
 * Between two rounds, a pause as a user's: the last graph is written to the
 * session's file meanwhile, in the worker. */
static void
test_graph_window_benchmark (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "fanout.py", NULL);
  const char *arguments[] = { "1000000", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  HsInstancesView *instances = hs_window_get_instances_view (window);
  HsObjectInspector *inspector = hs_window_get_inspector (window);
  HsGraphPage *page = window->graph_page;
  HsGraphView *view = hs_graph_page_get_view (page);
  GtkSpinButton *depth = find_spin_button (GTK_WIDGET (page), "depth_spin");
  GtkSpinButton *too_many = find_spin_button (GTK_WIDGET (page), "too_many_spin");
  guint n_nodes = 0;

  if (!g_test_perf ())
    {
      g_test_skip ("a benchmark: run with -m perf (meson test --benchmark graph-window)");
      return;
    }
  g_assert_nonnull (depth);
  g_assert_nonnull (too_many);
  run_and_list (spec, "__main__.Target");
  hs_instances_view_select (instances, 0);
  wait_until (inspected, inspector);
  gtk_spin_button_set_value (depth, 2);
  gtk_spin_button_set_value (too_many, 101);

  for (guint round = 0; round < 5; round++)
    {
      gboolean paused = FALSE;
      gint64 started;
      gint64 elapsed;

      g_timeout_add (1000, on_pause_over, &paused);
      wait_until (is_true, &paused);
      started = g_get_monotonic_time ();
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-graph", NULL));
      wait_until (graph_settled, page);
      wait_until (view_text_set, view);
      elapsed = g_get_monotonic_time () - started;
      g_array_append_val (times, elapsed);
      n_nodes = hs_graph_page_get_graph (page)->nodes->len;
      g_print ("  round %u: %.3f s\n", round + 1, elapsed / 1e6);
      g_assert_null (hs_graph_page_get_note (page));
      g_assert_cmpuint (n_nodes, >=, 10000);
      if (round == 0)
        test_save_png (GTK_WIDGET (window), "graph-10k.png");
    }
  test_sort_times (times);
  g_print ("Show Graph of %u nodes in a 1 M-object child, until laid out and drawn: "
           "min %.3f s, median %.3f s, max %.3f s (%u rounds)\n", n_nodes,
           g_array_index (times, gint64, 0) / 1e6, g_array_index (times, gint64, times->len / 2) / 1e6,
           g_array_index (times, gint64, times->len - 1) / 1e6, times->len);

  hs_session_stop (hs_window_get_session (window));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
}

/* Show Graph from the instance inspected: the Leaf, what refers to it with
 * the referrer tree's names, its path to the module marked; expanding the
 * Twig in place adds the function holding it and leaves every other node
 * where it was. */
static void
test_graph_real_script (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "chain.py", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  HsInstancesView *instances = hs_window_get_instances_view (window);
  HsObjectInspector *inspector = hs_window_get_inspector (window);
  HsGraphPage *page = window->graph_page;
  g_autoptr(HsRefGraph) before = NULL;
  HsRefGraph *graph;
  GtkSpinButton *depth;
  int leaf, twig, root = -1;
  int busy_width, idle_width;
  guint on_path = 0;

  spec->interval = 0.3;
  run_and_list (spec, "__main__.Leaf");
  hs_instances_view_select (instances, 0);
  wait_until (inspected, inspector);

  /* One level: the Leaf, the list and the Twig; the path adds the rest. */
  depth = GTK_SPIN_BUTTON (test_find_widget (GTK_WIDGET (page), is_spin_button, NULL));
  gtk_spin_button_set_value (depth, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-graph", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->pages), ==, "graph");
  /* What it is doing widens neither the page nor the window meanwhile. */
  g_assert_true (hs_graph_page_get_busy (page));
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &busy_width, NULL, NULL, NULL);
  wait_until (graph_settled, page);
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &idle_width, NULL, NULL, NULL);
  g_assert_cmpint (busy_width, <=, idle_width);
  graph = hs_graph_page_get_graph (page);
  g_assert_null (hs_graph_page_get_note (page));
  leaf = graph_node_of_type (graph, "__main__.Leaf");
  twig = graph_node_of_type (graph, "__main__.Twig");
  g_assert_cmpint (leaf, >=, 0);
  g_assert_cmpint (twig, >=, 0);
  g_assert_true (hs_ref_graph_node (graph, leaf)->flags & HS_GRAPH_NODE_ASKED);
  g_assert_true (graph_has_edge (graph, "__main__.Twig", "__main__.Leaf", "attribute leaf"));
  g_assert_true (graph_has_edge (graph, "list", "__main__.Leaf", "index 0"));
  g_assert_cmpint (graph_node_of_type (graph, "function"), <, 0);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (graph, i);

      g_assert_true (node->placed);
      if (node->flags & HS_GRAPH_NODE_ON_PATH)
        on_path++;
      if (node->object->root != HS_ROOT_NONE && (node->flags & HS_GRAPH_NODE_ON_PATH))
        root = (int) i;
    }
  g_assert_cmpuint (on_path, >=, 4);     /* Leaf, list, dict, module */
  g_assert_cmpint (root, >=, 0);
  g_assert_cmpstr (hs_ref_graph_node (graph, root)->object->type_name, ==, "module(__main__)");
  /* The session keeps it. */
  g_assert_cmpuint (hs_session_get_n_graphs (hs_window_get_session (window)), ==, 1);

  /* Selecting a node inspects it. */
  hs_graph_view_set_selected (hs_graph_page_get_view (page), twig);
  wait_until (inspected, inspector);
  g_assert_cmpstr (hs_object_inspector_get_object (inspector)->type_name, ==, "__main__.Twig");

  before = hs_ref_graph_ref (graph);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (hs_graph_page_get_view (page)), "graph.expand", NULL));
  wait_until (graph_settled, page);
  graph = hs_graph_page_get_graph (page);
  g_assert_true (graph != before);
  g_assert_cmpuint (graph->nodes->len, >, before->nodes->len);
  g_assert_cmpint (graph_node_of_type (graph, "function"), >=, 0);
  g_assert_true (graph_has_edge (graph, "function (holder)", "__main__.Twig", "closure variable twig"));
  /* The graph may grow on any side: the old nodes all move by one shift (none
   * when nothing grew above or left of them), which the view takes back. */
  {
    int leaf_now = hs_ref_graph_find_handle (graph, hs_ref_graph_node (before, leaf)->object->handle);
    double dx, dy;

    g_assert_cmpint (leaf_now, >=, 0);
    dx = hs_ref_graph_node (graph, leaf_now)->x - hs_ref_graph_node (before, leaf)->x;
    dy = hs_ref_graph_node (graph, leaf_now)->y - hs_ref_graph_node (before, leaf)->y;
    for (guint i = 0; i < before->nodes->len; i++)
      {
        HsGraphNode *old = hs_ref_graph_node (before, i);
        int now = hs_ref_graph_find_handle (graph, old->object->handle);

        if (old->object->handle <= 0)
          continue;
        g_assert_cmpint (now, >=, 0);
        g_assert_cmpfloat_with_epsilon (hs_ref_graph_node (graph, now)->x - dx, old->x, 1.0);
        g_assert_cmpfloat_with_epsilon (hs_ref_graph_node (graph, now)->y - dy, old->y, 1.0);
      }
  }
  /* Recorded as the same graph's next state, not as another graph. */
  g_assert_cmpuint (hs_session_get_n_graphs (hs_window_get_session (window)), ==, 1);
  settle (GTK_WIDGET (window));
  /* Text is set over a few frames: the picture waits for all of it. */
  wait_until (view_text_set, hs_graph_page_get_view (page));
  test_save_png (GTK_WIDGET (window), "graph-real-script.png");

  hs_session_stop (hs_window_get_session (window));
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, hs_window_get_session (window));
}

static gboolean
not_watching (gpointer data)
{
  return !hs_garbage_log_get_watching (data);
}

static gboolean
can_watch_garbage (gpointer data)
{
  return hs_session_can_watch_garbage (data);
}

/* A collection of 100 cycles of two Pairs each, seen whole. */
static gboolean
saw_hundred_cycles (gpointer data)
{
  GListModel *collections = G_LIST_MODEL (data);

  for (guint i = 0; i < g_list_model_get_n_items (collections); i++)
    {
      g_autoptr(HsGarbageCollection) collection = g_list_model_get_item (collections, i);
      guint n_types = 0;
      const HsGarbageType *types = hs_garbage_collection_get_types (collection, &n_types);

      for (guint t = 0; t < n_types; t++)
        if (g_strcmp0 (types[t].name, "__main__.Pair") == 0 && types[t].count == 200 &&
            hs_garbage_collection_get_cycles (collection) == 100)
          return TRUE;
    }
  return FALSE;
}

/* Watch Collected Cycles on a real script: the page counts the 100 cycles
 * each collection frees, shows one as a graph; off stops it. */
static void
test_garbage_real_script (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "cycles.py", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  HsSession *session;
  HsGarbageLog *log;
  GVariant *state;

  spec->interval = 0.5;
  hs_window_run (window, spec);
  session = hs_window_get_session (window);
  log = hs_session_get_garbage_log (session);
  hs_window_show_page (window, "garbage");
  wait_until (can_watch_garbage, session);
  g_assert_false (hs_garbage_log_get_watching (log));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.watch-garbage", NULL));
  wait_until ((TestCondition) hs_garbage_log_get_watching, log);
  state = g_action_get_state (G_ACTION (window->watch_garbage));
  g_assert_true (g_variant_get_boolean (state));
  g_variant_unref (state);
  wait_until (saw_hundred_cycles, log);
  g_assert_cmpint (hs_garbage_log_get_cycles (log), >=, 100);
  g_assert_cmpstr (hs_garbage_page_get_state (window->garbage_page), ==, "collections");
  settle (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "garbage-real-script.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.watch-garbage", NULL));
  wait_until ((TestCondition) not_watching, log);

  hs_session_stop (session);
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, session);
}

typedef struct
{
  HsSession *session;
  guint      n_samples;
} SamplesAfter;

static gboolean
has_samples (gpointer data)
{
  SamplesAfter *after = data;

  return g_list_model_get_n_items (hs_session_get_samples (after->session)) >= after->n_samples;
}

/* The census of sample @index counts at most @limit of @type_name. */
static void
assert_count_at_most (HsSession  *session,
                      guint       index,
                      const char *type_name,
                      gint64      limit)
{
  g_autoptr(HsSample) sample = g_list_model_get_item (hs_session_get_samples (session), index);
  const HsCensusRow *row;

  g_assert_true (hs_sample_has_rows (sample));      /* a recent one: its rows are kept */
  row = hs_census_lookup (hs_sample_get_census (sample), type_name);
  g_assert_nonnull (row);
  g_assert_cmpint (row->count, <=, limit);
}

/* Looking changes nothing: with a type selected, its instances listed and a
 * page of them shown, the census still counts what the program holds
 * (churn.py never has more than 1000 Foo, nor 1000 Bar, alive). */
static void
test_selecting_keeps_nothing_alive (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "churn.py", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  HsInstancesView *instances = hs_window_get_instances_view (window);
  const char *types[] = { "__main__.Foo", "__main__.Bar" };
  SamplesAfter after;

  spec->interval = 0.2;
  hs_window_run (window, spec);
  after.session = hs_window_get_session (window);
  hs_window_show_page (window, "types");
  wait_until (has_type_row, (gpointer) "__main__.Bar");
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      guint listed_at;

      select_type (window, types[t]);
      wait_until (instances_listed, instances);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_instances_view_get_list (instances))), <=, 1000);
      /* The rows drawn: a page of them is what the app holds. */
      settle (GTK_WIDGET (window));
      g_assert_cmpstr (hs_instances_view_get_state (instances), ==, "list");
      listed_at = g_list_model_get_n_items (hs_session_get_samples (after.session));
      for (guint i = listed_at; i < listed_at + 5; i++)
        {
          after.n_samples = i + 1;
          wait_until (has_samples, &after);
          assert_count_at_most (after.session, i, "__main__.Foo", 1000);
          assert_count_at_most (after.session, i, "__main__.Bar", 1000);
        }
    }

  hs_session_stop (after.session);
  wait_until ((gboolean (*) (gpointer)) hs_session_is_over, after.session);
}

int
main (int   argc,
      char *argv[])
{
  int result;
  g_autofree char *data_home = g_dir_make_tmp ("heapscope-test-window-XXXXXX", NULL);

  /* Before anything reads it: the sessions this test records go here. */
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  if (!test_widgets_init (&argc, &argv))
    return 0;

  /* The app's icon, as an installed app finds it (the screenshots show it). */
  if (g_getenv ("HS_DEMO_SCRIPT") != NULL)
    {
      g_autofree char *demo_dir = g_path_get_dirname (g_getenv ("HS_DEMO_SCRIPT"));
      g_autofree char *data_dir = g_path_get_dirname (demo_dir);
      g_autofree char *icons = g_build_filename (data_dir, "icons", NULL);

      gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()), icons);
    }

  window = hs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/hs/window/types-page-after-run", test_types_page_after_run);
  g_test_add_func ("/hs/window/selection-survives-update", test_selection_survives_update);
  g_test_add_func ("/hs/types-page/rows-stay-through-churn", test_rows_stay_through_churn);
  g_test_add_func ("/hs/types-page/sorted-by-every-column", test_sorted_by_every_column);
  g_test_add_func ("/hs/types-page/census-update-time", test_census_update_time);
  g_test_add_func ("/hs/window/console-and-overview", test_console_and_overview);
  g_test_add_func ("/hs/window/run-is-recorded", test_run_is_recorded);
  g_test_add_func ("/hs/window/record-session", test_record_session);
  g_test_add_func ("/hs/window/open-recorded", test_open_recorded);
  g_test_add_func ("/hs/window/open-damaged", test_open_damaged);
  g_test_add_func ("/hs/window/open-cancelled", test_open_cancelled);
  g_test_add_func ("/hs/window/hold-at-exit", test_hold_at_exit);
  g_test_add_func ("/hs/window/save-as", test_save_as);
  g_test_add_func ("/hs/window/recent-list", test_recent_list);
  g_test_add_func ("/hs/window/types-export", test_types_export);
  g_test_add_func ("/hs/window/record-error", test_record_error);
  g_test_add_func ("/hs/window/open-while-recording", test_open_while_recording);
  g_test_add_func ("/hs/window/runs-started-together", test_runs_started_together);
  g_test_add_func ("/hs/window/close-while-running", test_close_while_running);
  g_test_add_func ("/hs/window/delta-of-a-new-type", test_delta_of_a_new_type);
  g_test_add_func ("/hs/window/take-snapshot-dialog", test_take_snapshot_dialog);
  g_test_add_func ("/hs/window/application-open-file", test_application_open_file);
  g_test_add_func ("/hs/window/help-overlay", test_help_overlay);
  g_test_add_func ("/hs/window/failure-banner", test_failure_banner);
  g_test_add_func ("/hs/census/csv", test_census_csv);
  g_test_add_func ("/hs/format/count-grouping", test_count_grouping);
  g_test_add_func ("/hs/format/byte-axis", test_byte_axis);
  g_test_add_func ("/hs/app/icon-in-resources", test_icon_in_resources);
  g_test_add_func ("/hs/app/settings-without-bus", test_settings_without_bus);
  g_test_add_func ("/hs/window/browse", test_browse);
  g_test_add_func ("/hs/window/browse-offline", test_browse_offline);
  g_test_add_func ("/hs/window/browse-real-script", test_browse_real_script);
  g_test_add_func ("/hs/window/instances-listed-again", test_instances_listed_again);
  g_test_add_func ("/hs/window/graph-real-script", test_graph_real_script);
  g_test_add_func ("/hs/window/garbage-real-script", test_garbage_real_script);
  g_test_add_func ("/hs/window/retained-real-script", test_retained_real_script);
  g_test_add_func ("/hs/window/instances-by-retained-size", test_instances_by_retained_size);
  g_test_add_func ("/hs/window/graph-window-benchmark", test_graph_window_benchmark);
  g_test_add_func ("/hs/window/selecting-keeps-nothing-alive", test_selecting_keeps_nothing_alive);

  scratch_dir = g_build_filename (data_home, "scratch", NULL);
  g_mkdir (scratch_dir, 0700);
  result = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  remove_tree (data_home);
  g_free (scratch_dir);
  g_free (recorded_path);
  g_free (browsed_path);
  return result;
}
