/* hs-mainloop-probe.c — how long the main thread of a real window is busy
 *
 * Preloaded into the app (LD_PRELOAD), it installs a poll function on the
 * default main context. GLib polls between two iterations; the time from one
 * poll's return to the next poll's start is one iteration's work, during which
 * input and redraws wait. (GLib calls its dispatch internally, so wrapping
 * g_main_context_dispatch catches nothing.) It writes what it saw to the file
 * named by HS_PROBE_OUT, once a second and at exit:
 *
 *   spans N
 *   longest_ms X
 *   p50_ms X
 *   p99_ms X
 *   over_16ms N
 *   startup_longest_ms X
 *
 * Spans that end in the first HS_PROBE_STARTUP_MS milliseconds after the
 * first poll (default 0), the window being made, are counted apart: only
 * their longest is written.
 *
 * With HS_PROBE_LOG set, every span longer than a frame is also appended
 * there as "start_us end_us" (CLOCK_MONOTONIC, as `perf record -k mono`
 * stamps its samples), to find what the main thread did in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

/* A span is kept in microseconds, up to a minute, in 10 µs buckets below
 * 100 ms and 1 ms buckets above: enough for percentiles without keeping
 * every span. */
#define FINE_BUCKETS   10000   /* 0..100 ms by 10 µs */
#define COARSE_BUCKETS 60000   /* 100 ms..60 s by 1 ms */

static guint32 fine[FINE_BUCKETS];
static guint32 coarse[COARSE_BUCKETS];
static guint64 n_spans;
static guint64 n_over_frame;
static gint64  longest;
static guint64 n_polls;
static gint64  returned_at;     /* 0 until the first poll returned */
static gint64  written_at;
static gint64  startup_ends_at; /* 0 until the first poll */
static gint64  startup_longest;
static GPollFunc default_poll;
static FILE   *long_span_log;

static void
count_span (gint64 span)
{
  if (span < 0)
    return;
  n_spans++;
  longest = MAX (longest, span);
  if (span > 16000)
    n_over_frame++;
  if (span < 100000)
    fine[span / 10]++;
  else
    coarse[MIN ((span - 100000) / 1000, COARSE_BUCKETS - 1)]++;
}

/* The span (µs) below which @fraction of all spans lie. */
static double
percentile_ms (double fraction)
{
  guint64 wanted = (guint64) (fraction * n_spans);
  guint64 seen = 0;

  for (guint i = 0; i < FINE_BUCKETS; i++)
    if ((seen += fine[i]) > wanted)
      return (i + 1) * 0.01;
  for (guint i = 0; i < COARSE_BUCKETS; i++)
    if ((seen += coarse[i]) > wanted)
      return 100 + (i + 1);
  return longest / 1000.0;
}

static void
write_summary (void)
{
  const char *path = g_getenv ("HS_PROBE_OUT");
  g_autofree char *text = NULL;

  /* Only where GLib's main loop polled: the preload reaches the script's
   * Python and the X server too, which must not write over the window's
   * figures as they exit. */
  if (path == NULL || n_polls == 0)
    return;
  text = g_strdup_printf ("spans %" G_GUINT64_FORMAT "\nlongest_ms %.2f\np50_ms %.2f\np99_ms %.2f\n"
                          "over_16ms %" G_GUINT64_FORMAT "\nstartup_longest_ms %.2f\n",
                          n_spans, longest / 1000.0, percentile_ms (0.5), percentile_ms (0.99), n_over_frame,
                          startup_longest / 1000.0);
  g_file_set_contents (path, text, -1, NULL);
}

static gint
probe_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  gint result;

  n_polls++;
  if (startup_ends_at == 0)
    startup_ends_at = now + g_ascii_strtoll (g_getenv ("HS_PROBE_STARTUP_MS") ? g_getenv ("HS_PROBE_STARTUP_MS") : "0",
                                             NULL, 10) * 1000;
  if (returned_at != 0 && now < startup_ends_at)
    startup_longest = MAX (startup_longest, now - returned_at);
  else if (returned_at != 0)
    {
      count_span (now - returned_at);
      if (long_span_log != NULL && now - returned_at > 16000)
        fprintf (long_span_log, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", returned_at, now);
    }
  if (now - written_at > G_USEC_PER_SEC)
    {
      write_summary ();
      written_at = g_get_monotonic_time ();
    }
  result = default_poll (fds, n_fds, timeout);
  returned_at = g_get_monotonic_time ();
  return result;
}

__attribute__((constructor)) static void
probe_install (void)
{
  GMainContext *context = g_main_context_default ();

  default_poll = g_main_context_get_poll_func (context);
  g_main_context_set_poll_func (context, probe_poll);
  written_at = g_get_monotonic_time ();
  if (g_getenv ("HS_PROBE_LOG") != NULL)
    long_span_log = fopen (g_getenv ("HS_PROBE_LOG"), "w");
  /* The app may be ended by a signal: a line is written as it is seen. */
  if (long_span_log != NULL)
    setvbuf (long_span_log, NULL, _IOLBF, 0);
}

__attribute__((destructor)) static void
probe_report (void)
{
  write_summary ();
  if (long_span_log != NULL)
    fclose (long_span_log);
}
