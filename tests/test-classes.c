/* test-classes.c — tracked classes: the report as the agent sends it, the
 * model built from it, and the same model from a reopened session file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "hs-census.h"
#include "hs-class-report.h"
#include "hs-class-tracker.h"
#include "hs-launch-spec.h"
#include "hs-reply.h"
#include "hs-session.h"
#include "hs-store.h"
#include "hs-wire.h"
#include "test-support.h"

static char *tmpdir;

/* Four censuses of a run tracking "Order" (keep) and "Temp" (not kept):
 * two orders from before tracking; temps born and dying; an order grows. */
static const char *reports[] = {
  "{\"tracked\": [[1, \"Order\", \"__main__.Order\", \"class\", 0, true, true, true],"
  "               [2, \"Temp\", \"__main__.Temp\", \"class\", 1, false, false, true]],"
  " \"born\": [[1, 1, 4096, null, 0], [2, 1, 8192, null, 0], [3, 2, 12288, 0.5, 0]],"
  " \"died\": [], \"dropped\": [], \"traces\": [],"
  " \"sizes\": [[1, 100, 56, \"Order at 0x1000\", null], [2, 300, 56, \"Order at 0x2000\", null],"
  "             [3, 40, 40, \"Temp\", {\"name\": \"Temp\", \"size\": 40, \"flat\": 40, \"refs\": []}]]}",
  "{\"tracked\": [[1, \"Order\", \"__main__.Order\", \"class\", 0, true, true, true],"
  "               [2, \"Temp\", \"__main__.Temp\", \"class\", 1, false, false, true]],"
  " \"born\": [[4, 1, 16384, 1.5, 1], [5, 2, 20480, 1.6, 0]],"
  " \"died\": [[3, 1.7], [5, 1.8]], \"dropped\": [],"
  " \"traces\": [[1, [[\"shop.py\", 3, \"<module>\"], [\"shop.py\", 10, \"make\"]]]],"
  " \"sizes\": [[1, 100, 56, null, null], [2, 300, 56, null, null], [4, 500, 56, \"Order at 0x4000\", null]]}",
  "{\"tracked\": [[1, \"Order\", \"__main__.Order\", \"class\", 0, true, true, true],"
  "               [2, \"Temp\", \"__main__.Temp\", \"class\", 1, false, false, true]],"
  " \"born\": [], \"died\": [[2, 2.2]], \"dropped\": [], \"traces\": [],"
  " \"sizes\": [[1, 150, 56, null, null], [4, 500, 56, null, null]]}",
  "{\"tracked\": [[1, \"Order\", \"__main__.Order\", \"class\", 0, true, true, false],"
  "               [2, \"Temp\", \"__main__.Temp\", \"class\", 1, false, false, true]],"
  " \"born\": [], \"died\": [], \"dropped\": [], \"traces\": [],"
  " \"sizes\": [[1, 150, 56, null, null], [4, 500, 56, null, null]]}",
};
static const double times[] = { 1.0, 2.0, 3.0, 4.0 };

static HsClassReport *
parse_report (const char  *text,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return hs_class_report_parse (json_node_get_object (json_parser_get_root (parser)), error);
}

static HsCensus *
census_with_report (guint i)
{
  HsCensus *census = hs_census_new (0);
  g_autoptr(GError) error = NULL;

  census->time = times[i];
  census->rss = 10000;
  census->classes = parse_report (reports[i], &error);
  g_assert_no_error (error);
  return census;
}

static HsTrackedInstance *
instance_with_id (HsClassTracker *tracker,
                  gint64          id)
{
  GListModel *instances = hs_class_tracker_get_instances (tracker);

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(HsTrackedInstance) instance = g_list_model_get_item (instances, i);

      if (hs_tracked_instance_get_instance (instance) == id)
        return instance;
    }
  return NULL;
}

/* What the four reports imply, however the tracker was filled. */
static void
assert_the_run (HsClassTracker *tracker)
{
  HsTrackedClass *order = test_class_named (tracker, "Order");
  HsTrackedClass *temp = test_class_named (tracker, "Temp");
  HsTrackedInstance *first = instance_with_id (tracker, 1);
  HsTrackedInstance *gone = instance_with_id (tracker, 2);
  const HsClassPoint *points;
  guint n_points;
  const HsTrace *trace;
  g_autofree char *trace_text = NULL;
  gint64 expected_active[] = { 2, 3, 2, 2 };
  gint64 expected_size[] = { 400, 900, 650, 650 };

  points = hs_tracked_class_get_points (order, &n_points);
  g_assert_cmpuint (n_points, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpuint (points[i].sample, ==, i);
      g_assert_cmpfloat (points[i].time, ==, times[i]);
      g_assert_cmpint (points[i].active, ==, expected_active[i]);
      g_assert_cmpint (points[i].size, ==, expected_size[i]);
    }
  points = hs_tracked_class_get_points (temp, &n_points);
  g_assert_cmpint (points[0].active, ==, 1);
  g_assert_cmpint (points[1].active, ==, 0);     /* both temps died, one never measured */
  g_assert_cmpint (points[1].size, ==, 0);
  g_assert_cmpint (hs_tracked_class_get_born (temp), ==, 2);
  g_assert_false (hs_tracked_class_get_active (order));      /* detached at the end */

  /* Shown: the last sample; then the second. */
  hs_class_tracker_set_shown_sample (tracker, -1);
  g_assert_cmpint (hs_tracked_class_get_count (order), ==, 2);
  g_assert_cmpint (hs_tracked_class_get_size (order), ==, 650);
  g_assert_cmpint (hs_tracked_class_get_average (order), ==, 325);
  g_assert_cmpfloat_with_epsilon (hs_tracked_class_get_percent (order), 6.5, 1e-9);
  hs_class_tracker_set_shown_sample (tracker, 1);
  g_assert_cmpint (hs_tracked_class_get_count (order), ==, 3);
  g_assert_cmpint (hs_tracked_class_get_size (order), ==, 900);

  /* Kept orders stay with their death; temps (not kept) leave the list. */
  g_assert_nonnull (gone);
  g_assert_cmpfloat (hs_tracked_instance_get_death (gone), ==, 2.2);
  g_assert_false (hs_tracked_instance_get_alive (gone));
  g_assert_null (instance_with_id (tracker, 3));
  g_assert_null (instance_with_id (tracker, 5));
  g_assert_cmpuint (g_list_model_get_n_items (hs_class_tracker_get_instances (tracker)), ==, 3);

  g_assert_cmpfloat (hs_tracked_instance_get_birth (first), <, 0);      /* before tracking */
  g_assert_cmpstr (hs_tracked_instance_get_text (first), ==, "Order at 0x1000");
  g_assert_cmpint (hs_tracked_instance_get_size (first), ==, 150);      /* the largest */
  g_assert_cmpint (hs_tracked_instance_get_size_at (first, 0), ==, 100);
  g_assert_cmpint (hs_tracked_instance_get_size_at (first, 1), ==, 100);
  g_assert_cmpint (hs_tracked_instance_get_size_at (first, 3), ==, 150);
  g_assert_cmpint (hs_tracked_instance_get_size_at (gone, 2), ==, 0);   /* dead by then */
  /* The peak of the tracked total is sample 1 (900 + 0): Pympler's tsize. */
  g_assert_cmpint (hs_class_tracker_get_peak_sample (tracker), ==, 1);
  g_assert_cmpint (hs_tracked_instance_get_tsize (first), ==, 100);

  trace = hs_class_tracker_get_trace (tracker, hs_tracked_instance_get_trace (instance_with_id (tracker, 4)));
  g_assert_nonnull (trace);
  trace_text = hs_trace_format (trace);
  g_assert_cmpstr (trace_text, ==, "shop.py:3 in <module>\nshop.py:10 in make\n");
}

/* The tsize each instance last told of, as a bound cell would show it. */
static void
on_tsize_told (GObject    *instance,
               GParamSpec *pspec,
               GHashTable *told)
{
  g_hash_table_insert (told, instance, GINT_TO_POINTER ((int) hs_tracked_instance_get_tsize (HS_TRACKED_INSTANCE (instance))));
}

static void
on_instances_changed (GListModel *instances,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GHashTable *told)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) instance = g_list_model_get_item (instances, i);

      if (!g_hash_table_contains (told, instance))
        {
          on_tsize_told (instance, NULL, told);
          g_signal_connect (instance, "notify::tsize", G_CALLBACK (on_tsize_told), told);
        }
    }
}

static void
assert_tsizes_told (HsClassTracker *tracker,
                    GHashTable     *told)
{
  GListModel *instances = hs_class_tracker_get_instances (tracker);

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      g_autoptr(HsTrackedInstance) instance = g_list_model_get_item (instances, i);

      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (told, instance)), ==,
                       hs_tracked_instance_get_tsize (instance));
    }
}

static void
test_live (void)
{
  g_autoptr(HsClassTracker) tracker = hs_class_tracker_new ();
  g_autoptr(GHashTable) told = g_hash_table_new (NULL, NULL);

  /* When the peak moves, every instance whose tsize changes tells it. */
  g_signal_connect (hs_class_tracker_get_instances (tracker), "items-changed",
                    G_CALLBACK (on_instances_changed), told);
  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_autoptr(HsCensus) census = census_with_report (i);
      if (i == 1)
        hs_class_tracker_set_sample_label (tracker, i, "Intermediate");
      hs_class_tracker_apply (tracker, i, census->time, census->rss, census->classes);
      assert_tsizes_told (tracker, told);
    }
  assert_the_run (tracker);
  g_assert_cmpstr (hs_class_tracker_get_sample_label (tracker, 1), ==, "Intermediate");
  g_assert_null (hs_class_tracker_get_sample_label (tracker, 2));
  g_assert_null (hs_class_tracker_get_sample_label (tracker, 40));
}

/* Recorded, reopened, applied: the same run. */
static void
test_reopened (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "classes.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsClassTracker) tracker = hs_class_tracker_new ();
  g_autoptr(HsRecording) recording = NULL;
  guint n_sizes_written = 0;

  {
    const char *arguments[] = { NULL };
    g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new ("/usr/bin/python3", "shop.py", arguments);
    g_autoptr(HsStore) writer = hs_store_create (path, &error);

    g_assert_no_error (error);
    g_assert_true (hs_store_write_launch (writer, spec, 0, &error));
    for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
      {
        g_autoptr(HsCensus) census = census_with_report (i);
        g_assert_true (hs_store_append_census (writer, census, NULL, &error));
        g_assert_no_error (error);
      }
  }
  {
    g_autoptr(HsStore) reader = hs_store_open (path, &error);

    g_assert_no_error (error);
    recording = hs_store_read_recording (reader, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (recording->samples->len, ==, 4);
  for (guint i = 0; i < recording->samples->len; i++)
    {
      HsCensus *census = g_ptr_array_index (recording->samples, i);

      g_assert_nonnull (census->classes);
      n_sizes_written += census->classes->n_sizes;
      hs_class_tracker_apply (tracker, i, census->time, census->rss, census->classes);
    }
  /* Only new and changed sizes are kept: 3 + 1 + 1 + 0 (not 3 + 3 + 2 + 2). */
  g_assert_cmpuint (n_sizes_written, ==, 5);
  assert_the_run (tracker);

  /* A reopened session has the same classes, and the window's report of them. */
  {
    g_autoptr(HsSession) session = hs_session_load (path, &error);
    g_autoptr(HsClassStats) stats = NULL;
    g_autofree char *summary = NULL;

    g_assert_no_error (error);
    assert_the_run (hs_session_get_class_tracker (session));
    stats = hs_session_dup_class_stats (session);
    g_assert_true (hs_class_stats_has_classes (stats));
    summary = hs_class_stats_format_summary (stats);
    g_assert_nonnull (strstr (summary, "  Order "));
    g_assert_nonnull (strstr (summary, "  Temp "));
  }
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "{}",
    "{\"tracked\": [[1, \"A\", \"m.A\", \"thing\", 0, true, true, true]], \"born\": [], \"died\": [],"
    " \"dropped\": [], \"traces\": [], \"sizes\": []}",
    "{\"tracked\": [[1, \"A\", \"m.A\", \"class\", 99, true, true, true]], \"born\": [], \"died\": [],"
    " \"dropped\": [], \"traces\": [], \"sizes\": []}",
    "{\"tracked\": [], \"born\": [[1, 7, 0, null, 0]], \"died\": [], \"dropped\": [], \"traces\": [],"
    " \"sizes\": []}",
    "{\"tracked\": [], \"born\": [], \"died\": [[1, -3]], \"dropped\": [], \"traces\": [], \"sizes\": []}",
    "{\"tracked\": [], \"born\": [], \"died\": [], \"dropped\": [], \"traces\": [[1, [[\"f\", 1]]]],"
    " \"sizes\": []}",
    "{\"tracked\": [], \"born\": [], \"died\": [], \"dropped\": [], \"traces\": [],"
    " \"sizes\": [[1, -5, 0, null, null]]}",
    "{\"tracked\": [], \"born\": [], \"died\": [], \"dropped\": [], \"traces\": [],"
    " \"sizes\": [[1, 5, 0, null, {\"name\": 3}]]}",
    "{\"tracked\": [[1, \"A\", \"m.A\", \"class\", 0, true, true, true],"
    "              [1, \"B\", \"m.B\", \"class\", 0, true, true, true]], \"born\": [], \"died\": [],"
    " \"dropped\": [], \"traces\": [], \"sizes\": []}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HsClassReport) report = parse_report (bad[i], &error);

      g_assert_null (report);
      g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = g_dir_make_tmp ("hs-classes-XXXXXX", NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/classes/live", test_live);
  g_test_add_func ("/classes/reopened", test_reopened);
  g_test_add_func ("/classes/malformed", test_malformed);
  status = g_test_run ();
  {
    g_autofree char *path = g_build_filename (tmpdir, "classes.heapscope", NULL);
    g_unlink (path);
    g_rmdir (tmpdir);
  }
  return status;
}
