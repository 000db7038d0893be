/* test-leaks-page.c — the Leaks page in a real window, over a real Python
 * child that leaks one class and churns another, then over its recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "hs-format.h"
#include "hs-store.h"
#include "hs-window.h"
#include "hs-window-private.h"
#include "test-widget-support.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define HS_TEST_ASAN 1
# endif
#elif defined(__SANITIZE_ADDRESS__)
# define HS_TEST_ASAN 1
#endif

#ifdef HS_TEST_ASAN
/* No leak check in this process, as in test-window.c: a whole window holds
 * more than 2048 quarks, and GLib then lets go of its first quark block for
 * good, which reads as any g_malloc leak would. The finder and the ranking
 * keep theirs in test-leaks.c. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}
#endif

#define LEAKED "__main__.Leaked"
#define CHURNED "__main__.Churned"
/* The script empties its cache once a second: at 5 samples a second, this
 * many samples span several fills and empties. */
#define ENOUGH_SAMPLES 25

static HsWindow *window;
static char *data_home;
static char *recorded_path;     /* the run of /hs/leaks-page/live */

static gboolean
is_over (gpointer data)
{
  return hs_session_is_over (data);
}

static gboolean
is_not_opening (gpointer data)
{
  return g_strcmp0 (hs_window_get_view (data), "opening") != 0;
}

static HsLeakSuspect *
visible_suspect (HsLeaksPage *page,
                 guint        position)
{
  GListModel *shown = hs_leaks_page_get_visible_suspects (page);
  HsLeakSuspect *suspect;

  if (position >= g_list_model_get_n_items (shown))
    return NULL;
  suspect = g_list_model_get_item (shown, position);
  g_object_unref (suspect);   /* the page keeps it */
  return suspect;
}

/* The count of @name in @suspects (HsLeakSuspect); -1 when not there. */
static gint64
listed_count (GListModel *suspects,
              const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (suspects); i++)
    {
      g_autoptr(HsLeakSuspect) suspect = g_list_model_get_item (suspects, i);

      if (g_str_equal (hs_leak_suspect_get_name (suspect), name))
        return hs_leak_suspect_get_count (suspect);
    }
  return -1;
}

static gboolean
lists (HsLeaksPage *page,
       const char  *name)
{
  return listed_count (hs_leaks_page_get_visible_suspects (page), name) >= 0;
}

/* The leak ranked first, over enough samples to have seen the cache empty. */
static gboolean
leak_ranked_first (gpointer data)
{
  HsLeaksPage *page = data;
  HsLeakFinder *finder = hs_leaks_page_get_finder (page);
  HsLeakSuspect *first = visible_suspect (page, 0);

  return finder != NULL && !hs_leak_finder_get_busy (finder) &&
         hs_leak_finder_get_n_samples (finder) >= ENOUGH_SAMPLES &&
         g_strcmp0 (hs_leaks_page_get_state (page), "list") == 0 &&
         first != NULL && g_str_equal (hs_leak_suspect_get_name (first), LEAKED);
}

static gboolean
page_is (gpointer data)
{
  gpointer *pair = data;

  return g_strcmp0 (adw_view_stack_get_visible_child_name (HS_WINDOW (pair[0])->pages), pair[1]) == 0;
}

static void
wait_for_page (HsWindow   *shown,
               const char *name)
{
  gpointer pair[2] = { shown, (gpointer) name };

  test_wait_until (page_is, pair);
}

static gboolean
inspects_leaked (gpointer data)
{
  const HsObjectRef *object = hs_object_inspector_get_object (HS_WINDOW (data)->inspector);

  return object != NULL && g_strcmp0 (object->type_name, LEAKED) == 0;
}

static gboolean
why_answered (gpointer data)
{
  HsWhyView *view = data;

  return g_strcmp0 (hs_why_view_get_state (view), "groups") == 0 &&
         g_strcmp0 (hs_why_view_get_type_name (view), LEAKED) == 0;
}

static gboolean
why_ended (gpointer data)
{
  return g_strcmp0 (hs_why_view_get_state (data), "ended") == 0;
}

static gboolean
has_stable_rows (gpointer data)
{
  HsLeaksPage *page = data;
  HsLeakFinder *finder = hs_leaks_page_get_finder (page);

  return hs_leak_finder_get_ranked (finder) && !hs_leak_finder_get_busy (finder);
}

/* The finder has ranked a sample where LEAKED counts more than @data. */
static gboolean
ranked_past (gpointer data)
{
  HsLeakFinder *finder = hs_leaks_page_get_finder (window->leaks_page);

  return listed_count (hs_leak_finder_get_suspects (finder), LEAKED) > GPOINTER_TO_INT (data);
}

/* A live run: the leak first, the churn nowhere, and each way on from it. */
static void
test_live (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), "leaks.py", NULL);
  const char *arguments[] = { "120", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  HsLeaksPage *page = window->leaks_page;
  HsSession *session;
  HsLeakSuspect *first;
  g_autofree char *text = NULL;
  HsTypeStat *selected_type;
  HsWhyView *why;
  gint64 shown_count;
  HsReply *reply;
  HsWhyGroup *group;
  HsObjectRef *root;
  GtkListBoxRow *row;

  spec->interval = 0.2;
  hs_window_run (window, spec);
  session = hs_window_get_session (window);
  g_assert_nonnull (session);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "leaks"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->pages), ==, "leaks");
  g_assert_true (hs_leaks_page_get_finder (page) != NULL);
  g_assert_true (hs_leak_finder_get_session (hs_leaks_page_get_finder (page)) == session);

  test_wait_until (leak_ranked_first, page);
  first = visible_suspect (page, 0);
  g_assert_cmpuint (hs_leak_suspect_get_rank (first), ==, 1);
  g_assert_cmpint (hs_leak_suspect_get_delta_count (first), >, 0);
  g_assert_cmpint (hs_leak_suspect_get_delta_size (first), >, 0);
  g_assert_cmpfloat (hs_leak_suspect_get_count_rate (first), >, 0);
  g_assert_cmpuint (hs_leak_suspect_get_falls (first), ==, 0);
  g_assert_false (lists (page, CHURNED));
  g_assert_true (g_str_has_prefix (hs_leaks_page_get_baseline_text (page), "Since Sample 1 ("));
  /* The rows of samples the session let go were kept for the ranking. */
  g_assert_cmpuint (hs_leak_finder_get_unreadable (hs_leaks_page_get_finder (page)), ==, 0);

  /* Selected by default, so the toolbar's actions work from the keyboard at once. */
  g_assert_true (hs_leaks_page_get_selected (page) == first);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (hs_leaks_page_get_column_view (page))));
  test_wait_for_draw (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "leaks-page.png");

  /* The ranking as text: the leak on its own line, the churn nowhere. */
  text = hs_leaks_page_dup_text (page);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Types that keep growing in leaks.py\nSince Sample 1"));
  g_assert_nonnull (strstr (text, "\n1  " LEAKED " "));
  g_assert_null (strstr (text, CHURNED));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "leaks.copy-text", NULL));

  /* Why the selected suspect's instances are alive: one group, held through
   * the script's global list, named in the row and in the text. */
  why = hs_leaks_page_get_why_view (page);
  test_wait_until (why_answered, why);
  reply = hs_why_view_get_reply (why);
  g_assert_cmpint (reply->total, >, 0);
  /* The survivors since the baseline, the first sample, which the agent marked. */
  g_assert_false (isnan (reply->since));
  g_assert_cmpfloat (reply->since, ==, hs_sample_get_time (hs_leak_finder_get_baseline (hs_leaks_page_get_finder (page))));
  g_assert_cmpuint (reply->groups->len, ==, 1);
  group = g_ptr_array_index (reply->groups, 0);
  g_assert_cmpint (group->count, ==, reply->sampled);
  g_assert_cmpint (group->retained.bytes, >, 0);
  root = g_ptr_array_index (group->steps, group->steps->len - 1);
  g_assert_cmpint (root->root, ==, HS_ROOT_MODULE);
  g_assert_cmpstr (root->edge_name, ==, "kept");
  row = gtk_list_box_get_row_at_index (hs_why_view_get_list_box (why), 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (hs_why_view_get_list_box (why), 1));
  g_clear_pointer (&text, g_free);
  text = hs_leaks_page_dup_text (page);
  g_assert_nonnull (strstr (text, "[global kept]"));
  test_wait_for_draw (GTK_WIDGET (window));
  test_save_png (GTK_WIDGET (window), "leaks-page-why.png");
  /* A group's row opens the path of one of its instances. */
  g_signal_emit_by_name (hs_why_view_get_list_box (why), "row-activated", row);
  wait_for_page (window, "referrers");
  g_assert_true (inspects_leaked (window));
  hs_window_show_page (window, "leaks");

  /* Show Instances, as Enter on the row asks: the Types page selects it, the
   * instances view lists it. */
  g_assert_true (hs_leaks_page_select (page, LEAKED));
  g_signal_emit_by_name (hs_leaks_page_get_column_view (page), "activate", 0);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->pages), ==, "types");
  selected_type = gtk_single_selection_get_selected_item (
    GTK_SINGLE_SELECTION (gtk_column_view_get_model (hs_types_page_get_column_view (window->types_page))));
  g_assert_nonnull (selected_type);
  g_assert_cmpstr (hs_type_stat_get_name (selected_type), ==, LEAKED);
  g_assert_cmpstr (hs_instance_list_get_type_name (hs_instances_view_get_list (window->instances_view)), ==, LEAKED);
  /* Hidden, the page's rows let the rankings go by (keeping their widgets);
   * shown again, they have the latest, with the type chosen still selected. */
  test_wait_for_draw (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
  shown_count = listed_count (hs_leaks_page_get_visible_suspects (page), LEAKED);
  g_assert_cmpint (shown_count, >, 0);
  test_wait_until (ranked_past, GINT_TO_POINTER (shown_count));
  g_assert_cmpint (listed_count (hs_leaks_page_get_visible_suspects (page), LEAKED), ==, shown_count);
  hs_window_show_page (window, "leaks");
  g_assert_cmpint (listed_count (hs_leaks_page_get_visible_suspects (page), LEAKED), ==,
                   listed_count (hs_leak_finder_get_suspects (hs_leaks_page_get_finder (page)), LEAKED));
  g_assert_cmpint (listed_count (hs_leaks_page_get_visible_suspects (page), LEAKED), >, shown_count);
  g_assert_cmpstr (hs_leak_suspect_get_name (hs_leaks_page_get_selected (page)), ==, LEAKED);

  /* Referrers: of the first instance, once listed. */
  hs_window_show_page (window, "leaks");
  test_wait_until (has_stable_rows, page);
  g_assert_true (hs_leaks_page_select (page, LEAKED));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "leaks.show-referrers", NULL));
  wait_for_page (window, "referrers");
  g_assert_true (inspects_leaked (window));
  g_assert_nonnull (hs_referrers_page_get_tree (window->referrers_page));

  /* Show Graph: of the same. */
  hs_window_show_page (window, "leaks");
  test_wait_until (has_stable_rows, page);
  g_assert_true (hs_leaks_page_select (page, LEAKED));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "leaks.show-graph", NULL));
  wait_for_page (window, "graph");
  g_assert_true (inspects_leaked (window));

  recorded_path = g_strdup (hs_session_get_file (session));
  hs_session_stop (session);
  test_wait_until (is_over, session);
  g_assert_null (hs_session_get_record_error (session));
}

/* The recording, reopened: the same ranking, read back in a thread. */
static void
test_reopened (void)
{
  HsWindow *other;
  HsLeaksPage *page;
  HsSession *session;

  if (recorded_path == NULL)
    {
      g_test_skip ("needs the run of /hs/leaks-page/live");
      return;
    }
  other = hs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (other), 1100, 760);
  gtk_window_present (GTK_WINDOW (other));
  hs_window_open_file (other, recorded_path);
  test_wait_until (is_not_opening, other);
  session = hs_window_get_session (other);
  g_assert_nonnull (session);
  g_assert_true (hs_session_is_read_only (session));

  hs_window_show_page (other, "leaks");
  page = other->leaks_page;
  test_wait_until (leak_ranked_first, page);
  g_assert_false (lists (page, CHURNED));
  g_assert_cmpuint (hs_leak_finder_get_n_samples (hs_leaks_page_get_finder (page)), ==,
                    g_list_model_get_n_items (hs_session_get_samples (session)));
  g_assert_cmpuint (hs_leak_finder_get_unreadable (hs_leaks_page_get_finder (page)), ==, 0);
  /* No process to ask why: the view says so. */
  test_wait_until (why_ended, hs_leaks_page_get_why_view (page));
  gtk_window_destroy (GTK_WINDOW (other));
}

/* Before any sample: the page waits, and says so. */
static void
test_without_samples (void)
{
  GtkWidget *page = g_object_ref_sink (hs_leaks_page_new ());
  HsLeaksPage *leaks = HS_LEAKS_PAGE (page);

  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "waiting");
  g_assert_null (hs_leaks_page_get_finder (leaks));
  g_assert_null (hs_leaks_page_get_selected (leaks));
  g_assert_cmpuint (g_list_model_get_n_items (hs_leaks_page_get_visible_suspects (leaks)), ==, 0);
  g_assert_cmpstr (hs_leaks_page_get_baseline_text (leaks), ==, "No samples yet");
  g_object_unref (page);
}

static gboolean
is_ranked (gpointer data)
{
  HsLeakFinder *finder = hs_leaks_page_get_finder (data);

  return hs_leak_finder_get_ranked (finder) && !hs_leak_finder_get_busy (finder);
}

/* A recorded run where nothing grows for good (a cache fills and empties):
 * the page says there is no steady growth; from a snapshot on, neither. */
static void
test_no_growth (void)
{
  g_autofree char *path = g_build_filename (data_home, "no-growth.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  GtkWidget *shown = gtk_window_new ();
  GtkWidget *page = hs_leaks_page_new ();
  HsLeaksPage *leaks = HS_LEAKS_PAGE (page);
  HsSample *snapshot;

  {
    g_autoptr(HsStore) store = hs_store_create (path, &error);

    g_assert_no_error (error);
    g_assert_true (hs_store_write_launch (store, NULL, g_get_real_time (), &error));
    for (guint k = 0; k < 30; k++)
      {
        g_autoptr(HsCensus) census = hs_census_new (3);

        census->time = k;
        census->label = k == 10 ? g_strdup ("warm") : NULL;
        census->rows[0] = (HsCensusRow) { g_strdup ("builtins.dict"), 900 + k % 3, (900 + k % 3) * 232 };
        census->rows[1] = (HsCensusRow) { g_strdup ("__main__.Cached"), 1 + (k % 5) * 1000, (1 + (k % 5) * 1000) * 64 };
        census->rows[2] = (HsCensusRow) { g_strdup ("builtins.str"), 20000, 20000 * 60 };
        g_assert_true (hs_store_append_census (store, census, NULL, &error));
      }
    g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 0, 0, NULL, NULL, &error));
  }
  session = hs_session_load (path, &error);
  g_assert_no_error (error);

  test_load_app_style ();
  gtk_window_set_default_size (GTK_WINDOW (shown), 900, 500);
  gtk_window_set_child (GTK_WINDOW (shown), page);
  hs_leaks_page_set_session (leaks, session);
  gtk_window_present (GTK_WINDOW (shown));
  test_wait_until (is_ranked, leaks);
  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "empty");
  g_assert_cmpuint (hs_leak_finder_get_n_samples (hs_leaks_page_get_finder (leaks)), ==, 30);
  g_assert_true (g_str_has_prefix (hs_leaks_page_get_baseline_text (leaks), "Since Sample 1 (0.0 s) · 30 samples over 29 s"));
  {
    g_autofree char *text = hs_leaks_page_dup_text (leaks);

    g_assert_nonnull (strstr (text, "No type grew steadily."));
  }
  test_wait_for_draw (shown);
  test_save_png (shown, "leaks-page-empty.png");

  /* From the snapshot on, as the Types page's "Compare with" chooses. */
  snapshot = hs_session_find_snapshot (session, "warm");
  g_assert_nonnull (snapshot);
  hs_session_set_baseline (session, HS_BASELINE_SAMPLE, snapshot);
  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "ranking");
  test_wait_until (is_ranked, leaks);
  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "empty");
  g_assert_true (g_str_has_prefix (hs_leaks_page_get_baseline_text (leaks), "Since warm (10.0 s) · 20 samples over 19 s"));

  hs_leaks_page_set_session (leaks, NULL);
  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "waiting");
  gtk_window_destroy (GTK_WINDOW (shown));
}

/* A recorded run with several leaks: ranked by the bytes they grew by,
 * sortable by any column, the selection kept from one ranking to the next. */
static void
test_ranking (void)
{
  static const struct { const char *name; gint64 per_census; gint64 unit; } growing[] = {
    { "app.cache.Entry", 40, 650 },            /* 26,000 B a census: "+1015.63 KB/min", as wide as a rate gets */
    { "builtins.dict", 60, 232 },              /* 13,920 B */
    { "app.models.Order", 200, 56 },           /* 11,200 B: the most objects */
    { "builtins.bytearray", 0, 0 },            /* one buffer, 64 KiB more a census */
    { "app.events.Listener", 5, 72 },          /* 360 B */
  };
  g_autofree char *path = g_build_filename (data_home, "ranking.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  GtkWidget *shown = gtk_window_new ();
  GtkWidget *page = hs_leaks_page_new ();
  HsLeaksPage *leaks = HS_LEAKS_PAGE (page);
  GtkColumnView *view = hs_leaks_page_get_column_view (leaks);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) delta_count = NULL;
  g_autofree char *text = NULL;
  const char *expected[] = { "builtins.bytearray", "app.cache.Entry", "builtins.dict", "app.models.Order",
                             "app.events.Listener" };

  {
    g_autoptr(HsStore) store = hs_store_create (path, &error);

    g_assert_no_error (error);
    g_assert_true (hs_store_write_launch (store, NULL, g_get_real_time (), &error));
    for (guint k = 0; k < 40; k++)
      {
        g_autoptr(HsCensus) census = hs_census_new (G_N_ELEMENTS (growing) + 1);

        census->time = k * 1.5;
        for (guint t = 0; t < G_N_ELEMENTS (growing); t++)
          {
            gint64 count = t == 3 ? 1 : 10 + growing[t].per_census * k;
            gint64 size = t == 3 ? 57 + k * 65536 : count * growing[t].unit;

            census->rows[t] = (HsCensusRow) { g_strdup (growing[t].name), count, size };
          }
        /* Noise: up and down around 5,000. */
        census->rows[G_N_ELEMENTS (growing)] =
          (HsCensusRow) { g_strdup ("builtins.tuple"), 5000 + (k % 2 ? 300 : -300), 5000 * 64 };
        g_assert_true (hs_store_append_census (store, census, NULL, &error));
      }
    g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 0, 0, NULL, NULL, &error));
  }
  session = hs_session_load (path, &error);
  g_assert_no_error (error);

  test_load_app_style ();
  gtk_window_set_default_size (GTK_WINDOW (shown), 1000, 360);
  gtk_window_set_child (GTK_WINDOW (shown), page);
  hs_leaks_page_set_session (leaks, session);
  gtk_window_present (GTK_WINDOW (shown));
  test_wait_until (is_ranked, leaks);
  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (hs_leaks_page_get_visible_suspects (leaks)), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (hs_leak_suspect_get_name (visible_suspect (leaks, i)), ==, expected[i]);

  /* The ranking as text: a line a suspect, in the order shown, aligned. */
  text = hs_leaks_page_dup_text (leaks);
  g_test_message ("%s", text);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 3 + 1 + G_N_ELEMENTS (expected) + 1);
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_assert_nonnull (strstr (lines[4 + i], expected[i]));
        g_assert_cmpuint (g_utf8_strlen (lines[4 + i], -1), ==, g_utf8_strlen (lines[3], -1));
      }
  }

  test_wait_for_draw (shown);
  test_save_png (shown, "leaks-page-ranking.png");
  /* Every figure drawn is whole, on one line. */
  {
    g_autoptr(GHashTable) cells = g_hash_table_new (NULL, NULL);
    GHashTableIter iter;
    gpointer cell;
    guint n_drawn = 0;

    test_collect_inscriptions (GTK_WIDGET (view), cells);
    g_hash_table_iter_init (&iter, cells);
    while (g_hash_table_iter_next (&iter, &cell, NULL))
      {
        g_autoptr(PangoLayout) layout = NULL;
        int text_width, line_height;

        if (!gtk_widget_get_mapped (cell) || gtk_widget_has_css_class (cell, "dim-label") ||
            gtk_inscription_get_text (cell) == NULL)
          continue;
        layout = gtk_widget_create_pango_layout (cell, gtk_inscription_get_text (cell));
        pango_layout_get_pixel_size (layout, &text_width, &line_height);
        if (gtk_widget_has_css_class (cell, "numeric"))
          g_assert_cmpint (text_width, <=, gtk_widget_get_width (cell));
        g_assert_cmpint (gtk_widget_get_height (cell), <, 2 * line_height);
        n_drawn++;
      }
    g_assert_cmpuint (n_drawn, >=, 2 * 6);
  }
  /* In a short window the ranking still lies under the page's top bar, its
   * column headers in sight. */
  {
    GtkWidget *ranking = gtk_widget_get_parent (GTK_WIDGET (hs_leaks_page_get_column_view (leaks)));
    GtkWidget *top_bar = gtk_widget_get_first_child (page);
    graphene_rect_t ranking_bounds, top_bar_bounds;

    g_assert_true (gtk_widget_compute_bounds (ranking, page, &ranking_bounds));
    g_assert_true (gtk_widget_compute_bounds (top_bar, page, &top_bar_bounds));
    g_assert_cmpfloat (ranking_bounds.origin.y, >=, top_bar_bounds.origin.y + top_bar_bounds.size.height);
    g_assert_cmpfloat (ranking_bounds.size.height, >=, 60);
  }

  /* Sorted by Δ Objects, most first: the orders first. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Δ Objects") == 0)
        delta_count = g_steal_pointer (&column);
    }
  g_assert_nonnull (delta_count);
  gtk_column_view_sort_by_column (view, delta_count, GTK_SORT_DESCENDING);
  g_assert_cmpstr (hs_leak_suspect_get_name (visible_suspect (leaks, 0)), ==, "app.models.Order");
  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  g_assert_cmpstr (hs_leak_suspect_get_name (visible_suspect (leaks, 0)), ==, "builtins.bytearray");

  /* The selection stays on its type when a new ranking replaces the rows. */
  g_assert_true (hs_leaks_page_select (leaks, "builtins.dict"));
  hs_session_set_baseline (session, HS_BASELINE_SAMPLE, hs_session_get_latest_sample (session));
  hs_session_set_baseline (session, HS_BASELINE_FIRST, NULL);
  test_wait_until (is_ranked, leaks);
  g_assert_cmpstr (hs_leak_suspect_get_name (hs_leaks_page_get_selected (leaks)), ==, "builtins.dict");

  gtk_window_destroy (GTK_WINDOW (shown));
}

/* A ranking of @n types t000.. that grew at random steady rates. */
static GPtrArray *
random_ranking (GRand *rand,
                guint  n)
{
  g_autoptr(HsLeakScan) scan = hs_leak_scan_new ();
  g_autofree gint64 *rates = g_new (gint64, n);

  for (guint t = 0; t < n; t++)
    rates[t] = g_rand_int_range (rand, 1, 1000);
  for (guint k = 0; k < 8; k++)
    {
      g_autoptr(HsCensus) census = hs_census_new (n);

      for (guint t = 0; t < n; t++)
        census->rows[t] = (HsCensusRow) { g_strdup_printf ("t%03u", t), 10 + rates[t] * k, (10 + rates[t] * k) * 64 };
      hs_leak_scan_add (scan, k, census->rows, census->n_rows);
    }
  return hs_leak_scan_rank (scan);
}

/* The rows drawn show their suspects' current figures: each name's count is
 * the one its suspect has now (rows out of sight as rankings came too). */
static void
assert_drawn_rows_current (HsLeaksPage *page)
{
  g_autoptr(GHashTable) cells = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) drawn_rows = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer cell, row_widget;

  test_collect_inscriptions (GTK_WIDGET (hs_leaks_page_get_column_view (page)), cells);
  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    if (gtk_widget_get_mapped (cell))
      g_hash_table_add (drawn_rows, gtk_widget_get_parent (gtk_widget_get_parent (cell)));
  g_assert_cmpuint (g_hash_table_size (drawn_rows), >, 3);
  g_hash_table_iter_init (&iter, drawn_rows);
  while (g_hash_table_iter_next (&iter, &row_widget, NULL))
    {
      /* Rank, name, objects: the first three cells. */
      GtkWidget *rank_cell = gtk_widget_get_first_child (row_widget);
      GtkWidget *name_cell = gtk_widget_get_next_sibling (rank_cell);
      GtkWidget *count_cell = gtk_widget_get_next_sibling (name_cell);
      const char *name = gtk_inscription_get_text (GTK_INSCRIPTION (gtk_widget_get_first_child (name_cell)));
      GListModel *shown = hs_leaks_page_get_visible_suspects (page);
      gboolean found = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (shown) && !found; i++)
        {
          HsLeakSuspect *suspect = visible_suspect (page, i);
          g_autofree char *count = NULL;

          if (g_strcmp0 (hs_leak_suspect_get_name (suspect), name) != 0)
            continue;
          count = hs_format_count (hs_leak_suspect_get_count (suspect));
          g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (gtk_widget_get_first_child (count_cell))), ==, count);
          found = TRUE;
        }
      g_assert_true (found);
    }
}

/* Rankings of hundreds of types that move every one (the finder's list
 * replaced as a ranking replaces it): the rows show each in rank order, the
 * selection stays on its type, and no ranking makes a widget (GTK 4.8 makes
 * them for each suspect moving into view when a sorted model says its new
 * order by removing and adding rows: most of the window's time then). */
/* A Leaks page shown in a window of its own (@width x @height), over a
 * recording where one type grew: ranked, its one suspect listed. */
static HsLeaksPage *
present_ranked_page (int         width,
                     int         height,
                     GtkWidget **window)
{
  g_autofree char *path = g_build_filename (data_home, "rankings.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  GtkWidget *page = hs_leaks_page_new ();
  HsLeaksPage *leaks = HS_LEAKS_PAGE (page);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(HsStore) store = hs_store_create (path, &error);

      g_assert_no_error (error);
      g_assert_true (hs_store_write_launch (store, NULL, g_get_real_time (), &error));
      for (guint k = 0; k < 12; k++)
        {
          g_autoptr(HsCensus) census = hs_census_new (1);

          census->time = k * 1.5;
          census->rows[0] = (HsCensusRow) { g_strdup ("builtins.list"), 10 + k, 560 + 56 * k };
          g_assert_true (hs_store_append_census (store, census, NULL, &error));
        }
      g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 0, 0, NULL, NULL, &error));
    }
  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), width, height);
  gtk_window_set_child (GTK_WINDOW (*window), page);
  hs_leaks_page_set_session (leaks, session);
  gtk_window_present (GTK_WINDOW (*window));
  test_wait_until (is_ranked, leaks);
  g_assert_cmpstr (hs_leaks_page_get_state (leaks), ==, "list");
  return leaks;
}

static void
test_rows_through_rankings (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GHashTable) cells_before = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) cells_after = g_hash_table_new (NULL, NULL);
  GtkWidget *shown;
  HsLeaksPage *leaks = present_ranked_page (1000, 500, &shown);
  GListStore *suspects = G_LIST_STORE (hs_leak_finder_get_suspects (hs_leaks_page_get_finder (leaks)));
  GHashTableIter iter;
  gpointer cell;

  for (guint round = 0; round < 24; round++)
    {
      g_autoptr(GPtrArray) ranking = random_ranking (rand, round % 2 == 0 ? 300 : 250);
      g_autofree char *selected_name = NULL;
      GListModel *shown_rows = hs_leaks_page_get_visible_suspects (leaks);
      HsLeakSuspect *selected;

      if (round > 0)
        {
          selected_name = g_strdup (hs_leak_suspect_get_name (visible_suspect (leaks, 2)));
          g_assert_true (hs_leaks_page_select (leaks, selected_name));
        }
      g_list_store_splice (suspects, 0, g_list_model_get_n_items (G_LIST_MODEL (suspects)),
                           ranking->pdata, ranking->len);
      /* The first rows come a few per frame; a type whose row is still to
       * come is found all the same, its row added with those before it. */
      if (round == 0)
        {
          g_assert_cmpuint (g_list_model_get_n_items (shown_rows), <, 100);
          g_assert_true (hs_leaks_page_select (leaks, hs_leak_suspect_get_name (g_ptr_array_index (ranking, 150))));
          g_assert_cmpuint (g_list_model_get_n_items (shown_rows), ==, 151);
          g_assert_true (hs_leaks_page_get_selected (leaks) == visible_suspect (leaks, 150));
        }
      test_wait_for_n_items (shown_rows, ranking->len);
      for (guint i = 0; i < ranking->len; i++)
        {
          HsLeakSuspect *ranked = g_ptr_array_index (ranking, i);
          HsLeakSuspect *row = visible_suspect (leaks, i);

          g_assert_cmpstr (hs_leak_suspect_get_name (row), ==, hs_leak_suspect_get_name (ranked));
          g_assert_cmpuint (hs_leak_suspect_get_rank (row), ==, i + 1);
          g_assert_cmpint (hs_leak_suspect_get_count (row), ==, hs_leak_suspect_get_count (ranked));
        }
      selected = hs_leaks_page_get_selected (leaks);
      g_assert_nonnull (selected);
      if (selected_name != NULL && atoi (selected_name + 1) < (int) ranking->len)
        g_assert_cmpstr (hs_leak_suspect_get_name (selected), ==, selected_name);
      else if (selected_name != NULL)       /* it left: the first row */
        g_assert_true (selected == visible_suspect (leaks, 0));
      if (round == 0)
        {
          hs_leaks_page_select (leaks, hs_leak_suspect_get_name (visible_suspect (leaks, 0)));
          test_wait_for_draw (shown);
          test_collect_inscriptions (GTK_WIDGET (hs_leaks_page_get_column_view (leaks)), cells_before);
          g_assert_cmpuint (g_hash_table_size (cells_before), >, 20);
        }
      else if (round % 6 == 0)
        test_wait_for_draw (shown);
    }

  test_wait_for_draw (shown);
  assert_drawn_rows_current (leaks);
  test_collect_inscriptions (GTK_WIDGET (hs_leaks_page_get_column_view (leaks)), cells_after);
  g_hash_table_iter_init (&iter, cells_after);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    g_assert_true (g_hash_table_contains (cells_before, cell));
  gtk_window_destroy (GTK_WINDOW (shown));
}

/* The main thread's CPU time between one paint and the next: a frame's work. */
typedef struct
{
  gint64  last;
  gint64  longest;
  gint64  total;
  guint   frames;
} FrameCosts;

static void
on_after_paint (GdkFrameClock *clock,
                FrameCosts    *costs)
{
  gint64 now = test_thread_cpu_time ();

  costs->longest = MAX (costs->longest, now - costs->last);
  costs->total += now - costs->last;
  costs->frames++;
  costs->last = now;
}

/* A ranking of @ranking's suspects replacing @leaks' own, until all its rows
 * are listed and drawn. */
static FrameCosts
time_ranking (HsLeaksPage *leaks,
              GtkWidget   *window,
              GPtrArray   *ranking)
{
  GListStore *suspects = G_LIST_STORE (hs_leak_finder_get_suspects (hs_leaks_page_get_finder (leaks)));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  FrameCosts costs = { test_thread_cpu_time (), 0, 0, 0 };
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &costs);

  g_list_store_splice (suspects, 0, g_list_model_get_n_items (G_LIST_MODEL (suspects)),
                       ranking->pdata, ranking->len);
  test_wait_for_n_items (hs_leaks_page_get_visible_suspects (leaks), ranking->len);
  test_wait_for_draw (window);
  g_signal_handler_disconnect (clock, handler);
  return costs;
}

/* The main thread's cost of a first ranking of 1 000 suspects, in a window
 * the size of the app's: the rows' widgets made (GTK 4.8 makes 200 rows of
 * them, here a few per frame), measured and drawn. The same ranking again
 * makes none. */
static void
test_first_ranking_time (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(GArray) longest = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!g_test_perf ())
    {
      g_test_skip ("a benchmark: run with -m perf (meson test --benchmark leaks-first-ranking)");
      return;
    }
  for (guint run = 0; run < 9; run++)
    {
      GtkWidget *shown;
      HsLeaksPage *leaks = present_ranked_page (1280, 800, &shown);
      g_autoptr(GPtrArray) ranking = random_ranking (rand, 1000);
      FrameCosts first_costs, again_costs;

      test_wait_for_draw (shown);
      first_costs = time_ranking (leaks, shown, ranking);
      again_costs = time_ranking (leaks, shown, ranking);
      g_array_append_val (longest, first_costs.longest);
      g_array_append_val (total, first_costs.total);
      g_array_append_val (frames, (gint64) { first_costs.frames });
      g_array_append_val (again, again_costs.longest);
      gtk_window_destroy (GTK_WINDOW (shown));
    }
  test_sort_times (longest);
  test_sort_times (total);
  test_sort_times (frames);
  test_sort_times (again);
  g_print ("Leaks page, a ranking of 1 000 suspects shown at 1280 x 800, main thread CPU, median (max) of %u runs:\n"
           "  the first, its longest frame:  %.1f ms (%.1f ms)\n"
           "  the first, all its frames:     %.1f ms (%.1f ms) in %" G_GINT64_FORMAT " frames\n"
           "  the same again, longest frame: %.1f ms (%.1f ms)\n",
           longest->len,
           g_array_index (longest, gint64, longest->len / 2) / 1000.0, g_array_index (longest, gint64, longest->len - 1) / 1000.0,
           g_array_index (total, gint64, total->len / 2) / 1000.0, g_array_index (total, gint64, total->len - 1) / 1000.0,
           g_array_index (frames, gint64, frames->len / 2),
           g_array_index (again, gint64, again->len / 2) / 1000.0, g_array_index (again, gint64, again->len - 1) / 1000.0);
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

int
main (int   argc,
      char *argv[])
{
  int result;

  /* Before anything reads it: the sessions this test records go here. */
  data_home = g_dir_make_tmp ("heapscope-test-leaks-page-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  if (!test_widgets_init (&argc, &argv))
    return 0;

  window = hs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/hs/leaks-page/without-samples", test_without_samples);
  g_test_add_func ("/hs/leaks-page/no-growth", test_no_growth);
  g_test_add_func ("/hs/leaks-page/ranking", test_ranking);
  g_test_add_func ("/hs/leaks-page/rows-through-rankings", test_rows_through_rankings);
  g_test_add_func ("/hs/leaks-page/first-ranking-time", test_first_ranking_time);
  g_test_add_func ("/hs/leaks-page/live", test_live);
  g_test_add_func ("/hs/leaks-page/reopened", test_reopened);

  result = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  remove_tree (data_home);
  g_free (data_home);
  g_free (recorded_path);
  return result;
}
