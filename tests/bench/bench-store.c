/* bench-store.c — how big a long session's file gets, and how fast it reopens
 *
 * Records a synthetic session with the real writer (WAL, one durable
 * transaction per sample) — by default one hour at 1 Hz with 4 000 live types,
 * a quarter of which change between samples, each change adding or dropping
 * objects of the type's size (a tenth of the types have objects of varying
 * sizes, as str, list and dict do) — then measures the file size,
 * the time to reopen it and show the first page, and the time to diff two
 * samples picked at random.
 *
 *   bench-store [--types N] [--samples N] [--churn FRACTION] [--keep FILE]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "hs-session.h"
#include "hs-store.h"

/* Most types' objects share one size (instances of a class); one type in
 * this many has objects of varying sizes. */
#define VARIABLE_SIZE_EVERY 10

static int n_types = 4000;
static int n_samples = 3600;
static double churn = 0.25;
static char *keep_path;

static const GOptionEntry options[] = {
  { "types", 0, 0, G_OPTION_ARG_INT, &n_types, "Live types per census (4000)", "N" },
  { "samples", 0, 0, G_OPTION_ARG_INT, &n_samples, "Samples to record (3600: an hour at 1 Hz)", "N" },
  { "churn", 0, 0, G_OPTION_ARG_DOUBLE, &churn, "Fraction of types that change per sample (0.25)", "F" },
  { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_path, "Write the session here and keep it", "FILE" },
  { NULL }
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_times (const char *what,
             GArray     *seconds)
{
  g_array_sort (seconds, compare_doubles);
  g_print ("%-34s median %7.2f ms   p95 %7.2f ms   max %7.2f ms   (n=%u)\n", what,
           1000 * g_array_index (seconds, double, seconds->len / 2),
           1000 * g_array_index (seconds, double, seconds->len * 95 / 100),
           1000 * g_array_index (seconds, double, seconds->len - 1),
           seconds->len);
}

static double
now (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— session file size and reopening speed");
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HsStore) writer = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GArray) write_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) diff_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree gint64 *counts = NULL;
  g_autofree gint64 *sizes = NULL;
  g_autofree gint64 *object_sizes = NULL;
  g_auto(GStrv) names = NULL;
  GStatBuf info;
  double started;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  tmpdir = g_dir_make_tmp ("hs-bench-store-XXXXXX", NULL);
  path = keep_path != NULL ? g_strdup (keep_path) : g_build_filename (tmpdir, "hour.heapscope", NULL);

  names = g_new0 (char *, n_types + 1);
  counts = g_new0 (gint64, n_types);
  sizes = g_new0 (gint64, n_types);
  object_sizes = g_new0 (gint64, n_types);
  for (int i = 0; i < n_types; i++)
    {
      names[i] = g_strdup_printf ("package%d.module%d.SomeClassName%d", i % 17, i % 101, i);
      object_sizes[i] = g_rand_int_range (rand, 16, 400);
      counts[i] = g_rand_int_range (rand, 1, 100000);
      sizes[i] = counts[i] * object_sizes[i];
    }

  g_print ("Recording %d samples of %d types, %.0f %% changing per sample, to %s\n",
           n_samples, n_types, churn * 100, path);
  writer = hs_store_create (path, &error);
  g_assert_no_error (error);
  started = now ();
  for (int s = 0; s < n_samples; s++)
    {
      g_autoptr(HsCensus) census = hs_census_new (n_types);
      int changing = (int) (churn * n_types);
      double before;

      for (int c = 0; c < changing; c++)
        {
          int i = g_rand_int_range (rand, 0, n_types);
          gint64 step = g_rand_int_range (rand, -50, 80);

          counts[i] = MAX (1, counts[i] + step);
          sizes[i] = MAX (16, sizes[i] + step * object_sizes[i]);
          /* Strings, lists, dicts: one type, objects of many sizes. */
          if (i % VARIABLE_SIZE_EVERY == 0)
            sizes[i] = MAX (16, sizes[i] + g_rand_int_range (rand, -64, 256));
        }
      for (int i = 0; i < n_types; i++)
        {
          census->rows[i] = (HsCensusRow) { g_strdup (names[i]), counts[i], sizes[i] };
          census->objects += counts[i];
          census->bytes += sizes[i];
        }
      census->time = s;
      census->rss = census->bytes * 2;
      census->vms = census->bytes * 4;
      if (s % 600 == 300)
        census->label = g_strdup_printf ("snapshot %d", s / 600);

      before = now ();
      if (!hs_store_append_census (writer, census, NULL, &error))
        g_error ("%s", error->message);
      g_array_append_val (write_times, (double) { now () - before });
    }
  g_clear_pointer (&writer, hs_store_close);
  g_print ("Recorded in %.1f s\n", now () - started);
  print_times ("Write one sample (durable)", write_times);

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_print ("%-34s %.1f MB (%.1f KB per sample)\n", "File size", info.st_size / 1e6,
           info.st_size / 1e3 / n_samples);

  /* Reopening: read the file, build the session, fill the Types page. */
  for (int round = 0; round < 5; round++)
    {
      double before = now ();

      g_clear_object (&session);
      session = hs_session_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hs_session_get_census_model (session))), ==, n_types);
      g_array_append_val (open_times, (double) { now () - before });
    }
  print_times ("Reopen and show the first page", open_times);

  /* A diff between two samples anywhere in the hour. */
  {
    g_autoptr(HsStore) reader = hs_store_open (path, &error);

    g_assert_no_error (error);
    for (int round = 0; round < 200; round++)
      {
        guint a = g_rand_int_range (rand, 0, n_samples);
        guint b = g_rand_int_range (rand, 0, n_samples);
        double before = now ();
        g_autoptr(HsCensus) from = hs_store_read_census (reader, a, &error);
        g_autoptr(HsCensus) to = hs_store_read_census (reader, b, &error);
        HsCensusRow *diff;
        guint n_rows;

        g_assert_no_error (error);
        diff = hs_census_diff (from, to, &n_rows);
        hs_census_rows_free (diff, n_rows);
        g_array_append_val (diff_times, (double) { now () - before });
      }
  }
  print_times ("Diff two random samples", diff_times);

  if (keep_path == NULL)
    {
      g_clear_object (&session);
      g_remove (path);
      g_rmdir (tmpdir);
    }
  return 0;
}
