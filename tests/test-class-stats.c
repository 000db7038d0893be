/* test-class-stats.c — the tracked classes in Pympler's classtracker_stats
 * layouts: print_summary, print_stats with its sorting, filter and limit, and
 * the one-page HTML report
 *
 * The expected texts were made with Pympler's own format strings (pp,
 * pp_timestamp, trunc and the ConsoleStats lines) from the same figures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hs-census.h"
#include "hs-class-stats.h"

#define RSS 800000

typedef struct
{
  const char *label;
  double      time;
  gint64      bytes;          /* the census total */
  const char *report;         /* the "classes" member, JSON */
} Sample;

#define TRACKED(generator_active) \
  "\"tracked\": [[1, \"RandomNumberGenerator\", \"__main__.RandomNumberGenerator\", \"class\", 0, false, true, " \
  generator_active "], [2, \"RandDistribution\", \"__main__.RandDistribution\", \"class\", 1, true, false, true]]"
#define DETAIL \
  "{\"name\": \"RandDistribution at 0x3000\", \"size\": 5408, \"flat\": 48, \"refs\": [" \
  "{\"name\": \"uniformDist\", \"size\": 5296, \"flat\": 1256, \"refs\": [" \
  "{\"name\": \"1.5\", \"size\": 24, \"flat\": 24, \"refs\": []}," \
  "{\"name\": \"tiny\", \"size\": 4, \"flat\": 4, \"refs\": []}]}," \
  "{\"name\": \"[K] uniformDist\", \"size\": 64, \"flat\": 64, \"refs\": []}]}"

/* Pympler's tutorial, example 4: two generators and two distributions made
 * after "Start"; one of each deleted before "End"; the generators' class
 * detached and the last generator deleted before "Last".  Generators are
 * not kept after death, distributions are. */
static const Sample tutorial[] = {
  { "Start", 1.0, 4000000,
    "{" TRACKED ("true") ", \"born\": [], \"died\": [], \"dropped\": [], \"traces\": [], \"sizes\": []}" },
  { "Intermediate", 2.0, 4200000,
    "{" TRACKED ("true") ","
    " \"born\": [[1, 1, 4096, 1.3, 1], [2, 1, 8192, 1.2, 1], [3, 2, 12288, 1.4, 0], [4, 2, 16384, 1.5, 0]],"
    " \"died\": [], \"dropped\": [],"
    " \"traces\": [[1, [[\"tutorial.py\", 20, \"<module>\"], [\"tutorial.py\", 6, \"__init__\"]]]],"
    " \"sizes\": [[1, 60456, 48, \"RandomNumberGenerator at 0x1000\", null],"
    "             [2, 60456, 48, \"RandomNumberGenerator at 0x2000\", null],"
    "             [3, 5408, 48, \"RandDistribution at 0x3000\", " DETAIL "],"
    "             [4, 5344, 48, \"RandDistribution at 0x4000 with a long text\", null]]}" },
  { "End", 3.0, 4100000,
    "{" TRACKED ("true") ", \"born\": [], \"died\": [[2, 2.5], [4, 2.6]], \"dropped\": [], \"traces\": [],"
    " \"sizes\": [[1, 60456, 48, null, null], [3, 5408, 48, null, " DETAIL "]]}" },
  { "Last", 4.0, 4050000,
    "{" TRACKED ("false") ", \"born\": [], \"died\": [[1, 3.5]], \"dropped\": [], \"traces\": [],"
    " \"sizes\": [[3, 5408, 48, null, " DETAIL "]]}" },
};

static HsCensus *
census_of (const Sample *sample)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  HsCensus *census = hs_census_new (0);

  census->label = g_strdup (sample->label);
  census->time = sample->time;
  census->bytes = sample->bytes;
  census->rss = RSS;
  g_assert_true (json_parser_load_from_data (parser, sample->report, -1, &error));
  g_assert_no_error (error);
  census->classes = hs_class_report_parse (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  return census;
}

/* The stats of the first @n_samples of @samples, applied as a reopened session applies them. */
static HsClassStats *
stats_of (const Sample *samples,
          guint         n_samples)
{
  g_autoptr(HsClassTracker) tracker = hs_class_tracker_new ();
  g_autoptr(GPtrArray) censuses = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_census_unref);

  for (guint i = 0; i < n_samples; i++)
    {
      HsCensus *census = census_of (&samples[i]);

      g_ptr_array_add (censuses, census);
      hs_class_tracker_apply (tracker, i, census->time, census->rss, census->classes);
    }
  return hs_class_stats_new (tracker, censuses);
}

static void
test_summary (void)
{
  g_autoptr(HsClassStats) stats = stats_of (tutorial, G_N_ELEMENTS (tutorial));
  g_autofree char *summary = hs_class_stats_format_summary (stats);

  g_assert_true (hs_class_stats_has_classes (stats));
  g_assert_cmpstr (summary, ==,
    "---- SUMMARY ------------------------------------------------------------------\n"
    "Start                                    active      3.81 MB      average   pct\n"
    "  RandDistribution                            0      0     B      0     B    0%\n"
    "  RandomNumberGenerator                       0      0     B      0     B    0%\n"
    "Intermediate                             active      4.01 MB      average   pct\n"
    "  RandDistribution                            2     10.50 KB      5.25 KB    1%\n"
    "  RandomNumberGenerator                       2    118.08 KB     59.04 KB   15%\n"
    "End                                      active      3.91 MB      average   pct\n"
    "  RandDistribution                            1      5.28 KB      5.28 KB    0%\n"
    "  RandomNumberGenerator                       1     59.04 KB     59.04 KB    7%\n"
    "Last                                     active      3.86 MB      average   pct\n"
    "  RandDistribution                            1      5.28 KB      5.28 KB    0%\n"
    "  RandomNumberGenerator                       0      0     B      0     B    0%\n"
    "-------------------------------------------------------------------------------\n");
}

/* A sample without a label is named by its time, as pp_timestamp writes it. */
static void
test_summary_unlabelled (void)
{
  Sample periodic[] = { tutorial[0], tutorial[1] };
  g_autoptr(HsClassStats) stats = NULL;
  g_autofree char *summary = NULL;

  periodic[1].label = NULL;
  periodic[1].time = 3725.5;
  stats = stats_of (periodic, G_N_ELEMENTS (periodic));
  summary = hs_class_stats_format_summary (stats);
  g_assert_nonnull (strstr (summary, "\n01:02:05.50                              active      4.01 MB      average   pct\n"));
}

static void
test_print_stats (void)
{
  g_autoptr(HsClassStats) stats = stats_of (tutorial, G_N_ELEMENTS (tutorial));
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autofree char *text = hs_class_stats_format_stats (stats, &options);

  /* The generators died unkept; a dead distribution stays, freed. */
  g_assert_cmpstr (text, ==,
    "RandDistribution                 0x00003000 RandDistribution at 0x3000         \n"
    "  00:00:02.00                       5.28 KB\n"
    "  00:00:03.00                       5.28 KB\n"
    "  00:00:04.00                       5.28 KB\n"
    "    uniformDist                                       5.17 KB      97% [1]\n"
    "      1.5                                            24     B       0% [2]\n"
    "    [K] uniformDist                                  64     B       1% [1]\n"
    "RandDistribution                 ( free )   RandDistribution at 0x4000 with ...\n"
    "  00:00:02.00                       5.22 KB\n"
    "  00:00:02.60                    finalize\n");
}

static void
test_print_stats_trace (void)
{
  g_autoptr(HsClassStats) stats = stats_of (tutorial, 2);
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autofree char *text = NULL;

  hs_class_stats_options_set_match (&options, "Random");
  options.limit = 1;
  text = hs_class_stats_format_stats (stats, &options);
  g_assert_cmpstr (text, ==,
    "RandomNumberGenerator            0x00002000 RandomNumberGenerator at 0x2000    \n"
    "  tutorial.py:  20 in <module>\n"
    "  tutorial.py:   6 in __init__\n"
    "  00:00:02.00                      59.04 KB\n");
}

/* The instance ids of @options' selection, as "2 1 3 4". */
static char *
selected_ids (HsClassStats              *stats,
              const HsClassStatsOptions *options)
{
  g_autoptr(GPtrArray) selected = hs_class_stats_select (stats, options);
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < selected->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            hs_tracked_instance_get_instance (g_ptr_array_index (selected, i)));
  return g_string_free (ids, FALSE);
}

static void
assert_selection (HsClassStats *stats,
                  const char   *sort,
                  gboolean      reverse,
                  const char   *match,
                  const char   *limit,
                  const char   *expected)
{
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  if (sort != NULL)
    g_assert_true (hs_class_stats_options_set_sort (&options, sort, &error));
  if (limit != NULL)
    g_assert_true (hs_class_stats_options_set_limit (&options, limit, &error));
  g_assert_no_error (error);
  hs_class_stats_options_set_match (&options, match);
  options.reverse = reverse;
  ids = selected_ids (stats, &options);
  g_assert_cmpstr (ids, ==, expected);
}

/* At "Intermediate": generators 1 (born 1.3) and 2 (born 1.2) of the same
 * size, distributions 3 (5408 B) and 4 (5344 B). */
static void
test_sort (void)
{
  g_autoptr(HsClassStats) stats = stats_of (tutorial, 2);
  g_autoptr(HsClassStats) whole = stats_of (tutorial, G_N_ELEMENTS (tutorial));

  /* Pympler's default: classname, tsize, birth, death, name, repr, size. */
  assert_selection (stats, NULL, FALSE, NULL, NULL, "3 4 2 1");
  /* Size descending; the tie between the generators goes to the earlier birth. */
  assert_selection (stats, "size,birth", FALSE, NULL, NULL, "2 1 3 4");
  assert_selection (stats, "size", FALSE, NULL, NULL, "1 2 3 4");
  assert_selection (stats, "size,birth", TRUE, NULL, NULL, "4 3 1 2");
  assert_selection (stats, "tsize,repr", FALSE, NULL, NULL, "1 2 3 4");
  assert_selection (stats, "birth", FALSE, NULL, NULL, "2 1 3 4");
  assert_selection (stats, "repr", FALSE, NULL, NULL, "3 4 1 2");
  assert_selection (stats, "classname, birth", TRUE, NULL, NULL, "1 2 4 3");
  assert_selection (stats, "name,size,name", FALSE, NULL, NULL, "3 4 1 2");
  /* The dead before the living. */
  assert_selection (whole, "death", FALSE, NULL, NULL, "4 3");
  assert_selection (whole, "death", TRUE, NULL, NULL, "3 4");
}

static void
test_filter_and_limit (void)
{
  g_autoptr(HsClassStats) stats = stats_of (tutorial, 2);

  assert_selection (stats, "size,birth", FALSE, "Dist", NULL, "3 4");
  assert_selection (stats, "size,birth", FALSE, "nothing like it", NULL, "");
  assert_selection (stats, "size,birth", FALSE, NULL, "3", "2 1 3");
  assert_selection (stats, "size,birth", FALSE, NULL, "1", "2");
  assert_selection (stats, "size,birth", FALSE, NULL, "100", "2 1 3 4");
  assert_selection (stats, "size,birth", FALSE, NULL, "0.5", "2 1");
  assert_selection (stats, "size,birth", FALSE, NULL, "0.1", "2");    /* at least one */
  /* Filtered, then cut to a fraction of all four: print_stats (clsname, limit). */
  assert_selection (stats, "size,birth", FALSE, "Dist", "0.5", "3 4");
  assert_selection (stats, "size,birth", FALSE, "Dist", "0.25", "3");
  assert_selection (stats, "size,birth", TRUE, "Random", "1", "1");
}

static void
test_bad_options (void)
{
  const char *bad_limits[] = { "0", "-2", "abc", "3x", "", "nan" };
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (hs_class_stats_options_set_sort (&options, "size,weight", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "“weight”"));
  g_assert_nonnull (strstr (error->message, "classname, name, birth, death, size, tsize, repr"));
  g_clear_error (&error);
  g_assert_false (hs_class_stats_options_set_sort (&options, "", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_limits); i++)
    {
      g_assert_false (hs_class_stats_options_set_limit (&options, bad_limits[i], &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_clear_error (&error);
    }
  g_assert_cmpfloat (options.limit, ==, 0);
}

static void
test_html (void)
{
  Sample hostile[G_N_ELEMENTS (tutorial)];
  g_autofree char *first_report = NULL;
  g_autoptr(HsClassStats) stats = NULL;
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autofree char *html = NULL;
  GRegex *sections;
  g_autoptr(GMatchInfo) match = NULL;
  guint n_sections = 0;

  /* Names and texts from the profiled program that would be markup. */
  for (guint i = 0; i < G_N_ELEMENTS (tutorial); i++)
    {
      g_autoptr(GString) report = g_string_new (tutorial[i].report);

      g_string_replace (report, "\"RandDistribution\"", "\"<b>&\\\"\"", 0);
      g_string_replace (report, "RandDistribution at 0x3000\"", "<script>alert(1)</script>\"", 0);
      hostile[i] = tutorial[i];
      hostile[i].report = g_string_free (g_steal_pointer (&report), FALSE);
    }
  hostile[0].label = "Start <i>";
  stats = stats_of (hostile, G_N_ELEMENTS (hostile));
  html = hs_class_stats_format_html (stats, &options, "Tutorial & <friends>");
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    g_free ((char *) hostile[i].report);

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));
  g_assert_nonnull (strstr (html, "<title>Tutorial &amp; &lt;friends&gt;</title>"));
  g_assert_nonnull (strstr (html, "<h2>&lt;b&gt;&amp;&quot;</h2>"));
  g_assert_null (strstr (html, "<b>&\""));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  g_assert_nonnull (strstr (html, "Start &lt;i&gt;"));
  g_assert_null (strstr (html, "<i>"));
  /* One file: inline CSS and SVG, no script, nothing fetched. */
  g_assert_nonnull (strstr (html, "<svg"));
  g_assert_nonnull (strstr (html, "<style>"));
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "src="));
  g_assert_null (strstr (html, "<link"));
  g_assert_null (strstr (html, "url("));
  g_assert_null (strstr (html, "@import"));

  /* Pympler's class summary, and a section per class. */
  g_assert_nonnull (strstr (html, "2 instances of &lt;b&gt;&amp;&quot; were registered. The average size is "
                                  "5.25&nbsp;KB, the minimal size is 5.22&nbsp;KB, the maximum size is 5.28&nbsp;KB."));
  g_assert_nonnull (strstr (html, "2 instances of RandomNumberGenerator were registered; none is recorded now."));
  sections = g_regex_new ("<section id=\"class-[0-9]+\">", 0, 0, NULL);
  g_regex_match (sections, html, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    n_sections++;
  g_regex_unref (sections);
  g_assert_cmpuint (n_sections, ==, 2);
  /* The largest distribution's referents. */
  g_assert_nonnull (strstr (html, ">uniformDist</td><td class=\"num\">5.17&nbsp;KB</td><td class=\"num\">97.9%</td>"));
}

/* A long periodic run: the tables list the snapshots and the last sample, the
 * chart every sample. */
static void
test_html_many_samples (void)
{
  Sample samples[150];
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HsClassStats) stats = NULL;
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autofree char *html = NULL;
  g_auto(GStrv) headings = NULL;
  const char *chart;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      char *report = g_strdup_printf ("{\"tracked\": [[1, \"Tick\", \"m.Tick\", \"class\", 0, false, false, true]],"
                                      " \"born\": %s, \"died\": [], \"dropped\": [], \"traces\": [],"
                                      " \"sizes\": [[1, %u, 48, null, null]]}",
                                      i == 0 ? "[[1, 1, 4096, null, 0]]" : "[]", 100 + i);

      g_ptr_array_add (reports, report);
      samples[i] = (Sample) { i == 70 ? "Middle" : NULL, 1.0 + i, 1000000, report };
    }
  stats = stats_of (samples, G_N_ELEMENTS (samples));
  html = hs_class_stats_format_html (stats, &options, NULL);
  g_assert_nonnull (strstr (html, "Only the snapshots and the last sample are listed"));
  {
    const char *section = strstr (html, "<section id=\"snapshots\">");
    g_autofree char *snapshots = g_strndup (section, strstr (section, "</section>") - section);

    headings = g_strsplit (snapshots, "<h3>", -1);
  }
  g_assert_cmpuint (g_strv_length (headings), ==, 3);
  g_assert_true (g_str_has_prefix (headings[1], "Middle snapshot at 00:01:11.00</h3>"));
  g_assert_true (g_str_has_prefix (headings[2], "Untitled snapshot at 00:02:30.00</h3>"));
  /* The band goes through every sample and back. */
  chart = strstr (html, "<path fill=");
  g_assert_nonnull (chart);
  g_assert_cmpuint (strchr (chart, 'Z') - chart, >, 0);
  {
    guint n_points = 0;

    for (const char *p = chart; *p != 'Z'; p++)
      n_points += *p == 'L' || *p == 'M';
    g_assert_cmpuint (n_points, ==, 2 * G_N_ELEMENTS (samples));
  }
}

static void
test_nothing_tracked (void)
{
  g_autoptr(HsClassTracker) tracker = hs_class_tracker_new ();
  g_autoptr(GPtrArray) censuses = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_census_unref);
  g_autoptr(HsClassStats) stats = NULL;
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autofree char *html = NULL;

  g_ptr_array_add (censuses, hs_census_new (0));
  stats = hs_class_stats_new (tracker, censuses);
  g_assert_false (hs_class_stats_has_classes (stats));
  html = hs_class_stats_format_html (stats, &options, NULL);
  g_assert_nonnull (strstr (html, "No classes were tracked in this session."));
  g_assert_null (strstr (html, "<svg"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hs/class-stats/summary", test_summary);
  g_test_add_func ("/hs/class-stats/summary-unlabelled", test_summary_unlabelled);
  g_test_add_func ("/hs/class-stats/print-stats", test_print_stats);
  g_test_add_func ("/hs/class-stats/print-stats-trace", test_print_stats_trace);
  g_test_add_func ("/hs/class-stats/sort", test_sort);
  g_test_add_func ("/hs/class-stats/filter-and-limit", test_filter_and_limit);
  g_test_add_func ("/hs/class-stats/bad-options", test_bad_options);
  g_test_add_func ("/hs/class-stats/html", test_html);
  g_test_add_func ("/hs/class-stats/html-many-samples", test_html_many_samples);
  g_test_add_func ("/hs/class-stats/nothing-tracked", test_nothing_tracked);
  return g_test_run ();
}
