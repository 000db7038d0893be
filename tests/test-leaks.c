/* test-leaks.c — the leak suspects: the rule and the ranking on series made
 * by hand, and the finder over a recorded session, off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "hs-leak-finder.h"
#include "hs-leak-suspects.h"
#include "hs-session.h"
#include "hs-store.h"
#include "test-support.h"

#define ABSENT (-1)

/* One type's series: its count in each census (ABSENT: not in it), and
 * the bytes of each object. */
typedef struct
{
  const char   *name;
  gint64        unit;
  const gint64 *counts;
} Series;

/* Feeds @n_samples censuses of @series, @interval seconds apart. */
static HsLeakScan *
scan_series (const Series *series,
             guint         n_series,
             guint         n_samples,
             double        interval)
{
  HsLeakScan *scan = hs_leak_scan_new ();

  for (guint k = 0; k < n_samples; k++)
    {
      g_autofree HsCensusRow *rows = g_new0 (HsCensusRow, MAX (n_series, 1));
      guint n_rows = 0;

      for (guint s = 0; s < n_series; s++)
        {
          if (series[s].counts[k] == ABSENT)
            continue;
          rows[n_rows].name = (char *) series[s].name;
          rows[n_rows].count = series[s].counts[k];
          rows[n_rows].size = series[s].counts[k] * series[s].unit;
          n_rows++;
        }
      hs_leak_scan_add (scan, 10.0 + k * interval, rows, n_rows);
    }
  return scan;
}

static GPtrArray *
rank_series (const Series *series,
             guint         n_series,
             guint         n_samples)
{
  g_autoptr(HsLeakScan) scan = scan_series (series, n_series, n_samples, 1.0);

  return hs_leak_scan_rank (scan);
}

static HsLeakSuspect *
suspect_at (GPtrArray *suspects,
            guint      index)
{
  g_assert_cmpuint (index, <, suspects->len);
  return g_ptr_array_index (suspects, index);
}

static gboolean
is_suspect (GPtrArray  *suspects,
            const char *name)
{
  for (guint i = 0; i < suspects->len; i++)
    if (g_str_equal (hs_leak_suspect_get_name (suspect_at (suspects, i)), name))
      return TRUE;
  return FALSE;
}

#define N 12

/* The types of a healthy program around the ones a test looks at: flat,
 * noisy, coming and going. */
static const gint64 flat[N] = { 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500 };
static const gint64 noisy[N] = { 300, 320, 290, 330, 280, 310, 300, 325, 295, 305, 290, 300 };
static const gint64 comes_and_goes[N] = { ABSENT, 40, ABSENT, 40, ABSENT, 40, ABSENT, 40, ABSENT, 40, ABSENT, 40 };

/* Two steady leaks above everything else: the one that grew by more bytes first. */
static void
test_steady_growth_first (void)
{
  static const gint64 small_leak[N] = { 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210 };
  static const gint64 big_leak[N] = { 0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500 };
  const Series series[] = {
    { "builtins.int", 28, flat },
    { "__main__.Small", 56, small_leak },
    { "builtins.frame", 400, noisy },
    { "__main__.Leaf", 48, big_leak },
    { "builtins.cell", 40, comes_and_goes },
  };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);
  HsLeakSuspect *first, *second;

  g_assert_cmpuint (suspects->len, ==, 2);
  first = suspect_at (suspects, 0);
  second = suspect_at (suspects, 1);
  g_assert_cmpstr (hs_leak_suspect_get_name (first), ==, "__main__.Leaf");
  g_assert_cmpuint (hs_leak_suspect_get_rank (first), ==, 1);
  g_assert_cmpint (hs_leak_suspect_get_count (first), ==, 5500);
  g_assert_cmpint (hs_leak_suspect_get_delta_count (first), ==, 5500);
  g_assert_cmpint (hs_leak_suspect_get_delta_size (first), ==, 5500 * 48);
  g_assert_cmpuint (hs_leak_suspect_get_rises (first), ==, N - 1);
  g_assert_cmpuint (hs_leak_suspect_get_falls (first), ==, 0);
  g_assert_cmpuint (hs_leak_suspect_get_steps (first), ==, N - 1);
  g_assert_cmpfloat (hs_leak_suspect_get_score (first), ==, 5500.0 * 48);

  g_assert_false (is_suspect (suspects, "builtins.frame"));
  g_assert_cmpstr (hs_leak_suspect_get_name (second), ==, "__main__.Small");
  g_assert_cmpuint (hs_leak_suspect_get_rank (second), ==, 2);
  g_assert_cmpint (hs_leak_suspect_get_delta_count (second), ==, 110);
  g_assert_cmpfloat (hs_leak_suspect_get_score (second), <, hs_leak_suspect_get_score (first));
}

/* Growth with setbacks is still growth, if it keeps most of it. */
static void
test_growth_with_setbacks (void)
{
  static const gint64 leak[N] = { 1000, 1100, 1180, 1300, 1290, 1400, 1500, 1600, 1580, 1700, 1800, 1900 };
  const Series series[] = { { "__main__.Session", 200, leak } };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);
  HsLeakSuspect *suspect;

  g_assert_cmpuint (suspects->len, ==, 1);
  suspect = suspect_at (suspects, 0);
  g_assert_cmpuint (hs_leak_suspect_get_rises (suspect), ==, 9);
  g_assert_cmpuint (hs_leak_suspect_get_falls (suspect), ==, 2);
  /* Its steadiness weighs: (9 − 2) / (9 + 2) of the 180,000 bytes it grew by. */
  g_assert_cmpfloat_with_epsilon (hs_leak_suspect_get_score (suspect), 900.0 * 200 * 7 / 11, 1e-6);
}

/* Once, however much, is not a leak: a load at start-up, a cache filled. */
static void
test_one_time_jump (void)
{
  static const gint64 jump[N] = { 100, 100, 100, 50000, 50000, 50000, 50000, 50000, 50000, 50000, 50000, 50000 };
  static const gint64 two_jumps[N] = { 100, 100, 5000, 5000, 5000, 5000, 9000, 9000, 9000, 9000, 9000, 9000 };
  const Series series[] = { { "builtins.dict", 232, jump }, { "builtins.list", 56, two_jumps } };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);

  g_assert_cmpuint (suspects->len, ==, 0);
}

/* A leak in steps (a batch every few censuses, flat between) is a leak. */
static void
test_growth_in_steps (void)
{
  static const gint64 steps[N] = { 0, 0, 200, 200, 200, 400, 400, 400, 600, 600, 600, 800 };
  const Series series[] = { { "__main__.Batch", 64, steps } };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);

  g_assert_cmpuint (suspects->len, ==, 1);
  g_assert_cmpuint (hs_leak_suspect_get_rises (suspect_at (suspects, 0)), ==, 4);
}

/* A spike that went away: however steadily it rose, it gave it back. */
static void
test_spike_that_returns (void)
{
  static const gint64 spike[N] = { 100, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 200, 210 };
  static const gint64 easing[N] = { 100, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 6000, 5000, 4000, 3000 };
  const Series series[] = { { "builtins.bytes", 1000, spike }, { "builtins.tuple", 64, easing } };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);

  g_assert_cmpuint (suspects->len, ==, 0);
}

/* A cache that fills and empties is caught at its top as often as not: the
 * rule must not take it for a leak there. */
static void
test_sawtooth (void)
{
  static const gint64 sawtooth[N] = { 0, 1000, 2000, 3000, 0, 1000, 2000, 3000, 0, 1000, 2000, 3000 };
  const Series series[] = { { "__main__.Churn", 100, sawtooth } };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);

  g_assert_cmpuint (suspects->len, ==, 0);
}

static void
test_falling (void)
{
  static const gint64 falling[N] = { 9000, 8000, 7000, 6000, 5000, 4000, 3000, 2000, 1000, 500, 100, 0 };
  static const gint64 vanishing[N] = { 40, 50, 60, 70, 80, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT };
  const Series series[] = { { "builtins.str", 50, falling }, { "__main__.Temp", 5000, vanishing } };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);

  g_assert_cmpuint (suspects->len, ==, 0);
}

/* Too little to call: fewer than HS_LEAK_MIN_SAMPLES censuses, or a growth
 * below the margin. */
static void
test_too_little (void)
{
  static const gint64 rising[N] = { 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000 };
  static const gint64 crawling[N] = { 1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 1000007,
                                      1000008, 1000009, 1000010, 1000011 };
  const Series series[] = { { "__main__.Fast", 100, rising } };
  const Series large[] = { { "builtins.str", 1, crawling } };
  g_autoptr(GPtrArray) early = rank_series (series, G_N_ELEMENTS (series), HS_LEAK_MIN_SAMPLES - 1);
  g_autoptr(GPtrArray) enough = rank_series (series, G_N_ELEMENTS (series), HS_LEAK_MIN_SAMPLES);
  g_autoptr(GPtrArray) drift = rank_series (large, G_N_ELEMENTS (large), N);

  g_assert_cmpuint (early->len, ==, 0);
  g_assert_cmpuint (enough->len, ==, 1);
  /* 11 more of a million: below 1 %, in count and in size. */
  g_assert_cmpuint (drift->len, ==, 0);
}

/* A type born during the run started from nothing; one whose objects only
 * get bigger leaks by its size. */
static void
test_new_type_and_growing_size (void)
{
  static const gint64 born[N] = { ABSENT, ABSENT, ABSENT, ABSENT, 100, 200, 300, 400, 500, 600, 700, 800 };
  static const gint64 one[N] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const Series series[] = { { "__main__.Late", 64, born }, { "builtins.bytearray", 1, one } };
  g_autoptr(HsLeakScan) scan = hs_leak_scan_new ();
  g_autoptr(GPtrArray) suspects = NULL;
  HsLeakSuspect *late, *buffer;

  /* The bytearray grows by 100 KiB a census, its count stays 1. */
  for (guint k = 0; k < N; k++)
    {
      HsCensusRow rows[2];
      guint n_rows = 0;

      if (series[0].counts[k] != ABSENT)
        rows[n_rows++] = (HsCensusRow) { (char *) "__main__.Late", born[k], born[k] * 64 };
      rows[n_rows++] = (HsCensusRow) { (char *) "builtins.bytearray", 1, 57 + k * 100 * 1024 };
      hs_leak_scan_add (scan, k * 2.0, rows, n_rows);
    }
  suspects = hs_leak_scan_rank (scan);
  g_assert_cmpuint (suspects->len, ==, 2);
  buffer = suspect_at (suspects, 0);
  late = suspect_at (suspects, 1);
  g_assert_cmpstr (hs_leak_suspect_get_name (buffer), ==, "builtins.bytearray");
  g_assert_cmpint (hs_leak_suspect_get_delta_count (buffer), ==, 0);
  g_assert_cmpint (hs_leak_suspect_get_delta_size (buffer), ==, (N - 1) * 100 * 1024);
  g_assert_cmpuint (hs_leak_suspect_get_rises (buffer), ==, N - 1);
  /* Its trend is its size: its count says nothing. */
  g_assert_true (hs_leak_suspect_get_by_size (buffer));
  g_assert_false (hs_leak_suspect_get_by_size (late));
  {
    guint n_points;
    const double *sizes = hs_leak_suspect_get_points (buffer, NULL, &n_points);
    const double *counts = hs_leak_suspect_get_points (late, NULL, &n_points);

    g_assert_cmpuint (n_points, ==, N);
    g_assert_cmpfloat (sizes[N - 1], ==, 57 + (N - 1) * 100 * 1024);
    g_assert_cmpfloat (counts[0], ==, 0);
    g_assert_cmpfloat (counts[N - 1], ==, 800);
  }
  g_assert_cmpstr (hs_leak_suspect_get_name (late), ==, "__main__.Late");
  g_assert_cmpint (hs_leak_suspect_get_delta_count (late), ==, 800);
  g_assert_cmpuint (hs_leak_suspect_get_rises (late), ==, 8);
  g_assert_cmpuint (hs_leak_scan_get_n_types (scan), ==, 2);
}

/* Equal scores: the steadier first, then the one that gained more objects,
 * then by name; the ranks follow. */
static void
test_ties (void)
{
  static const gint64 steady[N] = { 0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100 };
  static const gint64 steady_small[N] = { 0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2200 };
  const Series series[] = {
    { "b.Twin", 64, steady },
    { "a.Twin", 64, steady },
    { "c.Many", 32, steady_small },   /* the same bytes in twice the objects */
  };
  g_autoptr(GPtrArray) suspects = rank_series (series, G_N_ELEMENTS (series), N);

  g_assert_cmpuint (suspects->len, ==, 3);
  g_assert_cmpfloat (hs_leak_suspect_get_score (suspect_at (suspects, 0)), ==,
                     hs_leak_suspect_get_score (suspect_at (suspects, 2)));
  g_assert_cmpstr (hs_leak_suspect_get_name (suspect_at (suspects, 0)), ==, "c.Many");
  g_assert_cmpstr (hs_leak_suspect_get_name (suspect_at (suspects, 1)), ==, "a.Twin");
  g_assert_cmpstr (hs_leak_suspect_get_name (suspect_at (suspects, 2)), ==, "b.Twin");
  for (guint i = 0; i < suspects->len; i++)
    g_assert_cmpuint (hs_leak_suspect_get_rank (suspect_at (suspects, i)), ==, i + 1);

  /* Twice the bytes at half the steadiness scores the same: the steady one
   * first, though the other gained as many objects and comes first by name. */
  {
    static const gint64 bumpy[N] = { 0, 200, 150, 350, 350, 550, 500, 700, 700, 900, 900, 1100 };
    const Series pair[] = { { "a.Bumpy", 128, bumpy }, { "z.Steady", 64, steady } };
    g_autoptr(GPtrArray) ranked = rank_series (pair, G_N_ELEMENTS (pair), N);

    g_assert_cmpuint (ranked->len, ==, 2);
    g_assert_cmpuint (hs_leak_suspect_get_rises (suspect_at (ranked, 1)), ==, 6);
    g_assert_cmpuint (hs_leak_suspect_get_falls (suspect_at (ranked, 1)), ==, 2);
    g_assert_cmpfloat (hs_leak_suspect_get_score (suspect_at (ranked, 0)), ==,
                       hs_leak_suspect_get_score (suspect_at (ranked, 1)));
    g_assert_cmpstr (hs_leak_suspect_get_name (suspect_at (ranked, 0)), ==, "z.Steady");
    g_assert_cmpstr (hs_leak_suspect_get_name (suspect_at (ranked, 1)), ==, "a.Bumpy");
  }
}

/* Growth per minute over the time the censuses span. */
static void
test_rates (void)
{
  static const gint64 leak[N] = { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110 };
  const Series series[] = { { "__main__.Leaf", 48, leak } };
  g_autoptr(HsLeakScan) scan = scan_series (series, 1, N, 0.5);   /* 5.5 s in all */
  g_autoptr(GPtrArray) suspects = hs_leak_scan_rank (scan);
  HsLeakSuspect *suspect;

  g_assert_cmpfloat_with_epsilon (hs_leak_scan_get_duration (scan), 5.5, 1e-9);
  g_assert_cmpuint (hs_leak_scan_get_n_samples (scan), ==, N);
  g_assert_cmpuint (suspects->len, ==, 1);
  suspect = suspect_at (suspects, 0);
  g_assert_cmpfloat_with_epsilon (hs_leak_suspect_get_count_rate (suspect), 110 * 60 / 5.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (hs_leak_suspect_get_size_rate (suspect), 110 * 48 * 60 / 5.5, 1e-6);
}

/* A long run keeps HS_LEAK_MAX_POINTS points a type at most, the latest
 * census last. */
static void
test_points_stay_bounded (void)
{
  enum { N_LONG = 1000 };
  g_autoptr(HsLeakScan) scan = hs_leak_scan_new ();
  g_autoptr(GPtrArray) suspects = NULL;
  const double *points, *times;
  guint n_points;

  for (guint k = 0; k < N_LONG; k++)
    {
      HsCensusRow row = { (char *) "__main__.Leaf", 100 + k, (100 + k) * 48 };

      hs_leak_scan_add (scan, k, &row, 1);
    }
  suspects = hs_leak_scan_rank (scan);
  g_assert_cmpuint (suspects->len, ==, 1);
  points = hs_leak_suspect_get_points (suspect_at (suspects, 0), &times, &n_points);
  g_assert_cmpuint (n_points, <=, HS_LEAK_MAX_POINTS);
  g_assert_cmpuint (n_points, >=, HS_LEAK_MAX_POINTS / 2);
  g_assert_cmpfloat (points[n_points - 1], ==, 100 + N_LONG - 1);
  g_assert_cmpfloat (times[n_points - 1], ==, N_LONG - 1);
  for (guint i = 1; i < n_points; i++)
    {
      g_assert_cmpfloat (times[i], >, times[i - 1]);
      g_assert_cmpfloat (points[i], >, points[i - 1]);
    }
}

/* -- The finder, over a recorded session ---------------------------------------- */

static char *tmpdir;

/* Census @k of a run with a leak (Leaked: +300 a census), a cache that
 * fills and empties (Churned), and 200 steady types. */
static HsCensus *
make_census (guint k)
{
  guint n_types = 202;
  HsCensus *census = hs_census_new (n_types);
  gint64 churned = (k % 4) * 2000;

  census->time = k * 0.5;
  census->rows[0] = (HsCensusRow) { g_strdup ("__main__.Leaked"), 300 * (gint64) k + 1, (300 * (gint64) k + 1) * 72 };
  census->rows[1] = (HsCensusRow) { g_strdup ("__main__.Churned"), churned + 1, (churned + 1) * 400 };
  for (guint t = 2; t < n_types; t++)
    census->rows[t] = (HsCensusRow) { g_strdup_printf ("module%u.Type%u", t % 7, t), 1000 + t, (1000 + t) * 32 };
  if (k == 20)
    census->label = g_strdup ("halfway");
  return census;
}

static char *
record_run (const char *name,
            guint       n_samples)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);

  g_assert_no_error (error);
  g_assert_true (hs_store_write_launch (store, NULL, g_get_real_time (), &error));
  for (guint k = 0; k < n_samples; k++)
    {
      g_autoptr(HsCensus) census = make_census (k);

      g_assert_true (hs_store_append_census (store, census, NULL, &error));
    }
  g_assert_true (hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 0, 0, NULL, NULL, &error));
  return path;
}

static gboolean
is_ranked (gpointer data)
{
  HsLeakFinder *finder = data;

  return hs_leak_finder_get_ranked (finder) && !hs_leak_finder_get_busy (finder);
}

static void
test_finder_reopened (void)
{
  g_autofree char *path = record_run ("leaks.heapscope", 40);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  g_autoptr(HsLeakFinder) finder = NULL;
  g_autoptr(HsLeakSuspect) first = NULL;
  GListModel *suspects;

  g_assert_no_error (error);
  {
    /* Read back from the file in the finder's thread. */
    g_autoptr(HsSample) second = g_list_model_get_item (hs_session_get_samples (session), 1);

    g_assert_false (hs_sample_has_rows (second));
  }
  finder = hs_leak_finder_new (session);
  suspects = hs_leak_finder_get_suspects (finder);
  /* Nothing is done on the main thread but starting. */
  g_assert_true (hs_leak_finder_get_busy (finder) || !hs_leak_finder_get_ranked (finder));
  g_assert_cmpuint (g_list_model_get_n_items (suspects), ==, 0);
  test_wait_until (is_ranked, finder);

  g_assert_true (hs_leak_finder_get_baseline (finder) == hs_session_get_first_sample (session));
  g_assert_cmpuint (hs_leak_finder_get_n_samples (finder), ==, 40);
  g_assert_cmpuint (hs_leak_finder_get_n_types (finder), ==, 202);
  g_assert_cmpuint (hs_leak_finder_get_unreadable (finder), ==, 0);
  g_assert_cmpfloat_with_epsilon (hs_leak_finder_get_duration (finder), 19.5, 1e-9);
  g_assert_cmpuint (g_list_model_get_n_items (suspects), ==, 1);
  first = g_list_model_get_item (suspects, 0);
  g_assert_cmpstr (hs_leak_suspect_get_name (first), ==, "__main__.Leaked");
  g_assert_cmpint (hs_leak_suspect_get_delta_count (first), ==, 300 * 39);
}

static gboolean
baseline_is (gpointer data)
{
  gpointer *pair = data;

  return hs_leak_finder_get_baseline (pair[0]) == pair[1] && is_ranked (pair[0]);
}

/* From the snapshot the Types page compares with: only what came after. */
static void
test_finder_follows_baseline (void)
{
  g_autofree char *path = record_run ("leaks-baseline.heapscope", 30);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  g_autoptr(HsLeakFinder) finder = NULL;
  HsSample *halfway;
  gpointer wanted[2];

  g_assert_no_error (error);
  halfway = hs_session_find_snapshot (session, "halfway");
  g_assert_nonnull (halfway);
  finder = hs_leak_finder_new (session);
  test_wait_until (is_ranked, finder);
  g_assert_cmpuint (hs_leak_finder_get_n_samples (finder), ==, 30);

  hs_session_set_baseline (session, HS_BASELINE_SAMPLE, halfway);
  g_assert_false (hs_leak_finder_get_ranked (finder));
  g_assert_cmpuint (g_list_model_get_n_items (hs_leak_finder_get_suspects (finder)), ==, 0);
  wanted[0] = finder;
  wanted[1] = halfway;
  test_wait_until (baseline_is, wanted);
  g_assert_cmpuint (hs_leak_finder_get_n_samples (finder), ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (hs_leak_finder_get_suspects (finder)), ==, 1);
  {
    g_autoptr(HsLeakSuspect) first = g_list_model_get_item (hs_leak_finder_get_suspects (finder), 0);

    g_assert_cmpint (hs_leak_suspect_get_delta_count (first), ==, 300 * 9);
  }

  /* Back to the first sample. */
  hs_session_set_baseline (session, HS_BASELINE_FIRST, NULL);
  wanted[1] = hs_session_get_first_sample (session);
  test_wait_until (baseline_is, wanted);
  g_assert_cmpuint (hs_leak_finder_get_n_samples (finder), ==, 30);
}

/* -- An hour at 1 Hz of 4,000 types (-m perf) ------------------------------------- */

typedef struct
{
  gint64 last;
  gint64 longest;
} Stall;

static gboolean
on_tick (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->longest = MAX (stall->longest, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static void
test_hour_long_run (void)
{
  enum { N_HOUR = 3600, N_TYPES = 4000 };
  g_autofree char *path = g_build_filename (tmpdir, "hour.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(HsLeakFinder) finder = NULL;
  g_autoptr(HsLeakSuspect) first = NULL;
  Stall stall = { 0 };
  guint tick;
  gint64 started;

  if (!g_test_perf ())
    {
      g_test_skip ("only with -m perf");
      return;
    }
  {
    g_autoptr(HsStore) store = hs_store_create (path, &error);

    g_assert_no_error (error);
    g_assert_true (hs_store_write_launch (store, NULL, g_get_real_time (), &error));
    for (guint k = 0; k < N_HOUR; k++)
      {
        g_autoptr(HsCensus) census = hs_census_new (N_TYPES);

        census->time = k;
        for (guint t = 0; t < N_TYPES; t++)
          {
            /* Type 0 leaks one object every other second; the rest wobble. */
            gint64 count = t == 0 ? 10 + k / 2 : 1000 + t + (gint64) ((k * 7 + t) % 13);

            census->rows[t] = (HsCensusRow) { g_strdup_printf ("module%u.Type%u", t % 50, t), count, count * 64 };
          }
        g_assert_true (hs_store_append_census (store, census, NULL, &error));
      }
  }
  session = hs_session_load (path, &error);
  g_assert_no_error (error);

  tick = g_timeout_add (5, on_tick, &stall);
  started = g_get_monotonic_time ();
  finder = hs_leak_finder_new (session);
  test_wait_until (is_ranked, finder);
  g_source_remove (tick);
  g_test_minimized_result ((g_get_monotonic_time () - started) / 1e6, "ranked %u samples × %u types in %.2f s",
                           N_HOUR, N_TYPES, (g_get_monotonic_time () - started) / 1e6);
  g_test_message ("longest main-thread stall: %.1f ms", stall.longest / 1e3);
  g_assert_cmpuint (hs_leak_finder_get_n_samples (finder), ==, N_HOUR);
  first = g_list_model_get_item (hs_leak_finder_get_suspects (finder), 0);
  g_assert_nonnull (first);
  g_assert_cmpstr (hs_leak_suspect_get_name (first), ==, "module0.Type0");
  g_assert_cmpint (stall.longest, <, 100 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("heapscope-test-leaks-XXXXXX", NULL);

  g_test_add_func ("/hs/leaks/steady-growth-first", test_steady_growth_first);
  g_test_add_func ("/hs/leaks/growth-with-setbacks", test_growth_with_setbacks);
  g_test_add_func ("/hs/leaks/growth-in-steps", test_growth_in_steps);
  g_test_add_func ("/hs/leaks/one-time-jump", test_one_time_jump);
  g_test_add_func ("/hs/leaks/spike-that-returns", test_spike_that_returns);
  g_test_add_func ("/hs/leaks/sawtooth", test_sawtooth);
  g_test_add_func ("/hs/leaks/falling", test_falling);
  g_test_add_func ("/hs/leaks/too-little", test_too_little);
  g_test_add_func ("/hs/leaks/new-type-and-growing-size", test_new_type_and_growing_size);
  g_test_add_func ("/hs/leaks/ties", test_ties);
  g_test_add_func ("/hs/leaks/rates", test_rates);
  g_test_add_func ("/hs/leaks/points-stay-bounded", test_points_stay_bounded);
  g_test_add_func ("/hs/leaks/finder-reopened", test_finder_reopened);
  g_test_add_func ("/hs/leaks/finder-follows-baseline", test_finder_follows_baseline);
  g_test_add_func ("/hs/leaks/hour-long-run", test_hour_long_run);

  result = g_test_run ();
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (tmpdir, name, NULL);

        g_unlink (file);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return result;
}
