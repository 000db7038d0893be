/* bench-round-trip.c — how long a snapshot takes to reach the window
 *
 * Starts a real Python child under the agent that builds a synthetic heap of
 * N objects (round_trip_heap.py, default 1 M) and then waits, and asks it for
 * snapshots one after another.  For each one it measures the round trip the
 * user sees: from hs_session_take_snapshot() until the new snapshot is in
 * hs_session_get_snapshots() (its items-changed, on the main thread).  Beside
 * it, the census time inside the child (HsCensus.elapsed), so that what the
 * socket, the decoder, the worker and the main loop add is visible, and the
 * time until the whole batch is applied (the census model refreshed too).
 *
 * With --record FILE, the worker also stores every census in the session file
 * (one durable SQLite transaction each) before the main thread hears of it.
 *
 * Periodic sampling is paused and its interval set to an hour, so only the
 * snapshots asked for here reach the agent (snapshots are sent when paused).
 *
 * Not a test: tests/bench/meson.build registers it with benchmark(), so
 * `meson test --benchmark round-trip` runs it and plain `meson test` does not.
 * See tests/bench/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "bench-session.h"

typedef struct
{
  gboolean  arrived;
  gint64    visible_at;   /* monotonic µs, in items-changed */
  HsSample *sample;
} Arrival;

static int objects = 1000000;
static int rounds = 20;
static int warmup = 1;
static int timeout_seconds = 600;
static char *python = NULL;
static char *agent_dir = NULL;
static char *script = NULL;
static char *record_path = NULL;
static gboolean verbose = FALSE;

static const GOptionEntry entries[] = {
  { "objects", 'n', 0, G_OPTION_ARG_INT, &objects, "Objects in the child's synthetic heap (default 1000000)", "N" },
  { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Snapshots to measure (default 20)", "R" },
  { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Snapshots taken first and not counted (default 1)", "W" },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &python, "Interpreter (default $HS_TEST_PYTHON, else python3)", "PATH" },
  { "agent-dir", 0, 0, G_OPTION_ARG_FILENAME, &agent_dir, "Agent directory (default $HS_AGENT_DIR, else the build's)", "DIR" },
  { "script", 0, 0, G_OPTION_ARG_FILENAME, &script, "The child script (default round_trip_heap.py)", "PATH" },
  { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path, "Record the session to FILE too, as --record does (default: no file)", "FILE" },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_seconds, "Give up after this many seconds (default 600)", "S" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print every round", NULL },
  { NULL }
};

static void
on_snapshots_changed (GListModel *snapshots,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Arrival    *arrival)
{
  if (added == 0)
    return;
  arrival->visible_at = g_get_monotonic_time ();
  g_clear_object (&arrival->sample);
  arrival->sample = g_list_model_get_item (snapshots, position + added - 1);
  arrival->arrived = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time a snapshot from the child to the window");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsLaunchSpec) spec = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GArray) visible = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) applied = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) census = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) overhead = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *objects_arg = NULL;
  const char *arguments[3];
  GListModel *snapshots;
  Arrival arrival = { 0 };
  gboolean accelerated = FALSE;
  gint64 deadline;
  gint64 started;
  gint64 counted = 0;
  guint n_types = 0;
  int status = EXIT_SUCCESS;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-round-trip: %s\n", error->message);
      return 2;
    }
  if (objects < 0 || rounds < 1 || warmup < 0 || timeout_seconds < 1)
    {
      g_printerr ("bench-round-trip: --objects >= 0, --rounds >= 1, --warmup >= 0 and --timeout >= 1\n");
      return 2;
    }

  objects_arg = g_strdup_printf ("%d", objects);
  arguments[0] = "--objects";
  arguments[1] = objects_arg;
  arguments[2] = NULL;
  spec = bench_launch_spec (python, agent_dir, script, arguments);

  session = hs_session_new ();
  if (record_path != NULL)
    hs_session_record_to (session, record_path);
  snapshots = hs_session_get_snapshots (session);
  g_signal_connect (snapshots, "items-changed", G_CALLBACK (on_snapshots_changed), &arrival);

  /* Start the child and wait for its heap: the script's own "ready" snapshot,
   * and the sample the worker asks for at hello, so nothing else is in flight. */
  started = g_get_monotonic_time ();
  deadline = started + (gint64) timeout_seconds * G_USEC_PER_SEC;
  hs_session_start (session, spec);
  hs_session_set_paused (session, TRUE);
  while (!arrival.arrived)
    {
      if (!bench_iterate (session, deadline, "\"ready\" snapshot"))
        {
          status = EXIT_FAILURE;
          goto out;
        }
    }
  while (g_list_model_get_n_items (hs_session_get_samples (session)) < 2)
    {
      if (!bench_iterate (session, deadline, "first sample"))
        {
          status = EXIT_FAILURE;
          goto out;
        }
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_get (session, "accelerated", &accelerated, NULL);
  counted = hs_sample_get_census (arrival.sample)->objects;
  n_types = hs_sample_get_census (arrival.sample)->n_rows;
  g_print ("bench-round-trip: Python %s (%s%s), heap ready in %.1f s: %" G_GINT64_FORMAT " objects counted in %u types\n",
           hs_session_get_python_version (session),
           accelerated ? "C accelerator" : "pure-Python census",
           record_path != NULL ? ", recorded to a file" : "",
           (arrival.visible_at - started) / (double) G_USEC_PER_SEC, counted, n_types);

  for (int i = 0; i < warmup + rounds; i++)
    {
      g_autofree char *label = g_strdup_printf ("round %d", i);
      HsCensus *got;
      gint64 asked_at;
      gint64 applied_at;
      double round_trip;

      arrival.arrived = FALSE;
      asked_at = g_get_monotonic_time ();
      hs_session_take_snapshot (session, label);
      deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
      while (!arrival.arrived)
        {
          if (!bench_iterate (session, deadline, label))
            {
              status = EXIT_FAILURE;
              goto out;
            }
        }
      /* bench_iterate() returns once the dispatch that delivered the census is over. */
      applied_at = g_get_monotonic_time ();
      got = hs_sample_get_census (arrival.sample);
      if (g_strcmp0 (got->label, label) != 0)
        {
          g_printerr ("bench-round-trip: asked for \"%s\", got \"%s\"\n", label, got->label);
          status = EXIT_FAILURE;
          goto out;
        }
      round_trip = (arrival.visible_at - asked_at) / (double) G_USEC_PER_SEC;
      if (verbose)
        g_print ("  %-9s round trip %7.1f ms, census in the child %7.1f ms%s\n", label,
                 round_trip * 1000, got->elapsed * 1000, i < warmup ? " (warm-up)" : "");
      if (i < warmup)
        continue;
      g_array_append_val (visible, round_trip);
      g_array_append_val (census, got->elapsed);
      round_trip -= got->elapsed;
      g_array_append_val (overhead, round_trip);
      round_trip = (applied_at - asked_at) / (double) G_USEC_PER_SEC;
      g_array_append_val (applied, round_trip);
    }

  g_print ("%d snapshots of a heap of %" G_GINT64_FORMAT " objects (%d asked for), after %d warm-up:\n",
           rounds, counted, objects, warmup);
  g_print ("  %-42s %9s %9s %9s\n", "ms", "min", "median", "max");
  bench_print_stats ("round trip (take -> in snapshots list)", visible);
  bench_print_stats ("  census inside the child", census);
  bench_print_stats ("  the rest: socket, decode, main loop", overhead);
  bench_print_stats ("take -> batch applied (census model too)", applied);
  if (record_path != NULL && hs_session_get_record_error (session) != NULL)
    {
      g_printerr ("bench-round-trip: recording failed: %s\n", hs_session_get_record_error (session));
      status = EXIT_FAILURE;
    }

out:
  bench_stop (session);
  g_signal_handlers_disconnect_by_func (snapshots, on_snapshots_changed, &arrival);
  g_clear_object (&arrival.sample);
  g_free (python);
  g_free (agent_dir);
  g_free (script);
  g_free (record_path);
  return status;
}
