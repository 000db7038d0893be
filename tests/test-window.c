/* test-window.c — the main window in a real GTK display, after a real run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hs-console-chunk.h"
#include "hs-window.h"

static HsWindow *window;

static void
wait_for_draw (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  gdk_display_sync (gtk_widget_get_display (widget));
}

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("HS_BUILD_ROOT"), name, NULL);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_save_to_png (texture, path);
}

static void
run_markers_to_the_end (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "markers.py", NULL);
  const char *arguments[] = { "1.0", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  HsSession *session;

  spec->interval = 0.2;
  hs_window_run (window, spec);
  session = hs_window_get_session (window);
  g_assert_nonnull (session);
  while (!hs_session_is_over (session))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
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

static void
test_types_page_after_run (void)
{
  HsTypesPage *page = hs_window_get_types_page (window);
  GListModel *rows = hs_types_page_get_visible_rows (page);
  guint n_all;
  guint n_filtered;
  gboolean found_marker = FALSE;

  run_markers_to_the_end ();
  hs_window_show_page (window, "types");
  wait_for_draw (GTK_WIDGET (window));

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
  wait_for_draw (GTK_WIDGET (window));
  save_png (GTK_WIDGET (window), "test-window-types-filtered.png");

  hs_types_page_set_filter_text (page, "");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_all);
  wait_for_draw (GTK_WIDGET (window));
  save_png (GTK_WIDGET (window), "test-window-types.png");
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
  HsTypeStat *selected;
  g_autoptr(GObject) still_selected = NULL;

  gtk_selection_model_select_item (selection, 3, TRUE);
  selected = visible_row (page, 3);
  /* Switch the baseline: every Δ changes, in place. */
  hs_session_set_baseline (session, HS_BASELINE_FIRST, NULL);
  wait_for_draw (GTK_WIDGET (window));
  still_selected = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection))
                   ? g_object_ref (gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection))) : NULL;
  g_assert_true (still_selected == G_OBJECT (selected));
  g_assert_nonnull (first);
}

static void
test_console_and_overview (void)
{
  g_autofree char *text = hs_console_view_dup_text (hs_window_get_console_view (window));

  g_assert_nonnull (strstr (text, "expected-size "));
  hs_window_show_page (window, "overview");
  wait_for_draw (GTK_WIDGET (window));
  save_png (GTK_WIDGET (window), "test-window-overview.png");
  hs_window_show_page (window, "console");
  wait_for_draw (GTK_WIDGET (window));
  save_png (GTK_WIDGET (window), "test-window-console.png");
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  window = hs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/hs/window/types-page-after-run", test_types_page_after_run);
  g_test_add_func ("/hs/window/selection-survives-update", test_selection_survives_update);
  g_test_add_func ("/hs/window/console-and-overview", test_console_and_overview);

  result = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  return result;
}
