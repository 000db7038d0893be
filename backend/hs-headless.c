/* hs-headless.c — run a script under the agent with no display and print tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "hs-headless.h"

#define REPORT_ROWS 15

/* The final census (top rows by size) and the diff from the first sample to the
 * last, as Pympler's summary.print_ prints them. */
char *
hs_session_format_report (HsSession *self)
{
  HsSample *first = hs_session_get_first_sample (self);
  HsSample *last = hs_session_get_latest_sample (self);
  GString *report = g_string_new (NULL);
  g_autofree char *status = hs_session_dup_status_text (self);
  HsCensus *final_census;
  HsCensusRow *rows;
  g_autofree char *table = NULL;
  g_autofree char *diff_table = NULL;
  g_autofree char *total = NULL;
  guint n_rows;

  if (last == NULL)
    {
      g_string_append_printf (report, _("No census was taken (%s).\n"), status);
      return g_string_free (report, FALSE);
    }

  final_census = hs_sample_get_census (last);
  rows = g_memdup2 (final_census->rows, sizeof (HsCensusRow) * MAX (final_census->n_rows, 1));
  hs_census_rows_sort_by_size (rows, final_census->n_rows);
  table = hs_census_format_table (rows, final_census->n_rows, REPORT_ROWS);
  g_free (rows);  /* the names still belong to the census */
  total = hs_format_size (final_census->bytes);

  g_string_append_printf (report,
                          _("Final census at %.1f s: %" G_GINT64_FORMAT " objects, %s (top %d types by size)\n"),
                          final_census->time, final_census->objects,
                          g_strstrip (total), REPORT_ROWS);
  g_string_append (report, table);

  rows = hs_census_diff (hs_sample_get_census (first), final_census, &n_rows);
  hs_census_rows_sort_by_size (rows, n_rows);
  diff_table = hs_census_format_table (rows, n_rows, REPORT_ROWS);
  hs_census_rows_free (rows, n_rows);

  g_string_append_printf (report, _("\nDiff from the first sample (%.1f s) to the last (%.1f s), %u samples\n"),
                          hs_sample_get_time (first), final_census->time,
                          g_list_model_get_n_items (hs_session_get_samples (self)));
  g_string_append (report, diff_table);
  g_string_append_printf (report, _("\n%s\n"), status);
  return g_string_free (report, FALSE);
}

static void
on_state_changed (HsSession  *session,
                  GParamSpec *pspec,
                  GMainLoop  *loop)
{
  if (hs_session_is_over (session))
    g_main_loop_quit (loop);
}

static void
on_notice (HsSession  *session,
           const char *text,
           gpointer    user_data)
{
  g_printerr ("heapscope: %s\n", text);
}

/* Returns the script's exit code (128 + signal if it was killed). */
int
hs_headless_run (const HsLaunchSpec *spec)
{
  g_autoptr(HsSession) session = hs_session_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(HsLaunchSpec) headless_spec = hs_launch_spec_copy (spec);
  g_autofree char *report = NULL;

  headless_spec->inherit_stdio = TRUE;
  g_signal_connect (session, "notify::state", G_CALLBACK (on_state_changed), loop);
  g_signal_connect (session, "notice", G_CALLBACK (on_notice), NULL);
  hs_session_start (session, headless_spec);
  if (!hs_session_is_over (session))
    g_main_loop_run (loop);

  report = hs_session_format_report (session);
  fflush (stderr);
  fputs (report, stdout);
  fflush (stdout);

  switch (hs_session_get_state (session))
    {
    case HS_SESSION_STATE_EXITED:
      return hs_session_get_exit_code (session);
    case HS_SESSION_STATE_SIGNALED:
      return 128 + hs_session_get_term_signal (session);
    default:
      return 2;
    }
}
