/* hs-headless.c — run a script under the agent with no display and print tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-console-chunk.h"
#include "hs-graph-layout.h"
#include "hs-headless.h"
#include "hs-leak-suspects.h"
#include "hs-pympler-import.h"
#include "hs-signal-watch.h"
#include "hs-store.h"
#include "hs-why-report.h"
#include "hs-wire.h"

#define REPORT_ROWS 15
#define WHY_SAMPLE  1000   /* instances --why follows per type, as the agent's default */

/* @text, from a file or a child, made safe to print to a terminal: C0 and C1
 * controls and DEL (ESC and CSI start the sequences that move the cursor,
 * retitle the window or, with OSC 52, set the clipboard) are written as
 * \xHH or \u00HH, and invalid UTF-8 as U+FFFD. */
char *
hs_escape_for_terminal (const char *text)
{
  g_autofree char *valid = NULL;
  GString *escaped;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  escaped = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (escaped, "\\x%02x", c);
      else if (c >= 0x80 && c < 0xa0)
        g_string_append_printf (escaped, "\\u%04x", c);
      else
        g_string_append_len (escaped, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (escaped, FALSE);
}

/* The first @limit rows of @rows as a table, their names escaped. */
static char *
format_escaped_table (const HsCensusRow *rows,
                      guint              n_rows,
                      guint              limit)
{
  guint n_shown = MIN (n_rows, limit);
  HsCensusRow *shown = g_new0 (HsCensusRow, MAX (n_shown, 1));
  char *table;

  for (guint i = 0; i < n_shown; i++)
    {
      shown[i] = rows[i];
      shown[i].name = hs_escape_for_terminal (rows[i].name);
    }
  table = hs_census_format_table (shown, n_shown, limit);
  hs_census_rows_free (shown, n_shown);
  return table;
}

#define LEAK_ROWS 15

static void print_error (const GError *error);

/* The leak suspects of @self's samples, ranked; NULL (and @error) if a
 * sample cannot be read back from its file. @scan receives the scan. */
static GPtrArray *
rank_leaks (HsSession   *self,
            HsLeakScan **scan,
            GError     **error)
{
  GListModel *samples = hs_session_get_samples (self);
  guint n_samples = g_list_model_get_n_items (samples);

  *scan = hs_leak_scan_new ();
  for (guint i = 0; i < n_samples; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (samples, i);
      gboolean had_rows = hs_sample_has_rows (sample);
      HsCensus *census;

      if (!had_rows && !hs_session_load_rows (self, sample, error))
        return NULL;
      census = hs_sample_get_census (sample);
      hs_leak_scan_add (*scan, census->time, census->rows, census->n_rows);
      /* A long recording is read one sample at a time. */
      if (!had_rows)
        hs_sample_drop_rows (sample);
    }
  return hs_leak_scan_rank (*scan);
}

char *
hs_session_format_leaks (HsSession  *self,
                         GError    **error)
{
  g_autoptr(HsLeakScan) scan = NULL;
  g_autoptr(GPtrArray) suspects = rank_leaks (self, &scan, error);
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *duration = NULL;

  if (suspects == NULL)
    return NULL;
  duration = g_strdup_printf ("%.1f", hs_leak_scan_get_duration (scan));
  if (suspects->len == 0)
    {
      g_string_append_printf (report, _("No type kept growing over the %u samples (%s s) of the run.\n"),
                              hs_leak_scan_get_n_samples (scan), duration);
      return g_string_free (g_steal_pointer (&report), FALSE);
    }
  g_string_append_printf (report, _("Types that kept growing over the %u samples (%s s) of the run, the likeliest leak first:\n"),
                          hs_leak_scan_get_n_samples (scan), duration);
  g_string_append_printf (report, "  %-3s %-40s %12s %12s %12s %14s %7s\n", "#", _("type"), _("objects"),
                          _("+objects"), _("+size"), _("size/min"), _("rises"));
  for (guint i = 0; i < MIN (suspects->len, LEAK_ROWS); i++)
    {
      HsLeakSuspect *suspect = g_ptr_array_index (suspects, i);
      g_autofree char *name = hs_escape_for_terminal (hs_leak_suspect_get_name (suspect));
      g_autofree char *grown = hs_format_size (hs_leak_suspect_get_delta_size (suspect));
      g_autofree char *rate = hs_format_size ((gint64) hs_leak_suspect_get_size_rate (suspect));
      g_autofree char *rises = g_strdup_printf ("%u/%u", hs_leak_suspect_get_rises (suspect),
                                                hs_leak_suspect_get_steps (suspect));

      g_string_append_printf (report, "  %-3u %-40s %12" G_GINT64_FORMAT " %+12" G_GINT64_FORMAT " %12s %14s %7s\n",
                              hs_leak_suspect_get_rank (suspect), name, hs_leak_suspect_get_count (suspect),
                              hs_leak_suspect_get_delta_count (suspect), grown, rate, rises);
    }
  if (suspects->len > LEAK_ROWS)
    g_string_append_printf (report, _("  … and %u more\n"), suspects->len - LEAK_ROWS);
  return g_string_free (g_steal_pointer (&report), FALSE);
}

/* The leak suspects of a recorded session; 0, or 1 if it cannot be read. */
int
hs_headless_report_leaks (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  g_autofree char *report = NULL;

  if (session == NULL || !(report = hs_session_format_leaks (session, &error)))
    {
      print_error (error);
      return 1;
    }
  fputs (report, stdout);
  return 0;
}

/* The final census (top rows by size) and the diff from @from to @to (the
 * first sample and the last when NULL), as Pympler's summary.print_ prints
 * them. Every sample named must have its rows. */
char *
hs_session_format_report (HsSession *self,
                          HsSample  *from,
                          HsSample  *to)
{
  HsSample *last = hs_session_get_latest_sample (self);
  HsSample *first = from != NULL ? from : hs_session_get_first_sample (self);
  GString *report = g_string_new (NULL);
  g_autofree char *raw_status = hs_session_dup_status_text (self);
  g_autofree char *status = hs_escape_for_terminal (raw_status);
  guint64 missing = hs_session_get_missing_samples (self);
  HsCensus *final_census;
  HsCensusRow *rows;
  g_autofree char *table = NULL;
  g_autofree char *diff_table = NULL;
  g_autofree char *total = NULL;
  guint n_rows;

  if (missing > 0)
    g_string_append_printf (report,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Warning: this file is damaged, %llu sample is missing.\n",
                                         "Warning: this file is damaged, %llu samples are missing.\n",
                                         (gulong) MIN (missing, G_MAXULONG)),
                            (unsigned long long) missing);

  if (last == NULL)
    {
      g_string_append_printf (report, _("No census was taken (%s).\n"), status);
      return g_string_free (report, FALSE);
    }

  final_census = hs_sample_get_census (last);
  rows = g_memdup2 (final_census->rows, sizeof (HsCensusRow) * MAX (final_census->n_rows, 1));
  hs_census_rows_sort_by_size (rows, final_census->n_rows);
  table = format_escaped_table (rows, final_census->n_rows, REPORT_ROWS);
  g_free (rows);  /* the names still belong to the census */
  total = hs_format_size (final_census->bytes);

  if (hs_session_is_being_written_elsewhere (self))
    g_string_append_printf (report,
                            _("Latest census, the file still being recorded, at %.1f s: %lld objects, %s "
                              "(top %d types by size)\n"),
                            final_census->time, (long long) final_census->objects,
                            g_strstrip (total), REPORT_ROWS);
  else
    g_string_append_printf (report,
                            _("Final census at %.1f s: %lld objects, %s (top %d types by size)\n"),
                            final_census->time, (long long) final_census->objects,
                            g_strstrip (total), REPORT_ROWS);
  g_string_append (report, table);

  /* Where the run peaked: its end state may be a small part of it. */
  {
    HsSample *peak = hs_session_find_peak (self);
    HsCensus *peak_census = hs_sample_get_census (peak);
    g_autofree char *rss = hs_format_size (peak_census->rss);
    g_autofree char *bytes = hs_format_size (peak_census->bytes);

    g_string_append_printf (report,
                            _("\nPeak at %.1f s (--from or --to peak): resident memory %s, census %s, %lld objects\n"),
                            peak_census->time, g_strstrip (rss), g_strstrip (bytes),
                            (long long) peak_census->objects);
  }

  if (to == NULL)
    to = last;
  rows = hs_census_diff (hs_sample_get_census (first), hs_sample_get_census (to), &n_rows);
  hs_census_rows_sort_by_size (rows, n_rows);
  diff_table = format_escaped_table (rows, n_rows, REPORT_ROWS);
  hs_census_rows_free (rows, n_rows);

  if (from == NULL && to == last)
    g_string_append_printf (report, _("\nDiff from the first sample (%.1f s) to the last (%.1f s), %u samples\n"),
                            hs_sample_get_time (first), final_census->time,
                            g_list_model_get_n_items (hs_session_get_samples (self)));
  else
    {
      g_autofree char *raw_from = hs_sample_dup_title (first);
      g_autofree char *raw_to = hs_sample_dup_title (to);
      g_autofree char *from_title = hs_escape_for_terminal (raw_from);
      g_autofree char *to_title = hs_escape_for_terminal (raw_to);
      g_string_append_printf (report, _("\nDiff from %s to %s\n"), from_title, to_title);
    }
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
  g_autofree char *escaped = hs_escape_for_terminal (text);

  g_printerr ("heapscope: %s\n", escaped);
}

/* --hold: the script has ended and its process waits until we are sent
 * SIGINT or SIGTERM, which it is passed on to. */
static void
on_held_changed (HsSession  *session,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  if (hs_session_get_held (session))
    {
      g_printerr (_("heapscope: the script has ended and is held at exit; press Ctrl+C or send SIGTERM to end it\n"));
      fflush (stderr);
    }
}

/* A recorded run captures the script's output for the file, and passes it on. */
static void
on_console_changed (GListModel *console,
                    guint       position,
                    guint       removed,
                    guint       added,
                    gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (console, i);
      FILE *out = hs_console_chunk_is_stderr (chunk) ? stderr : stdout;

      fputs (hs_console_chunk_get_text (chunk), out);
      fflush (out);
    }
}

/* SIGINT and SIGTERM end the script, not us: the tables are still printed. */
static void
on_stop_signal (int       signum,
                gboolean  from_terminal,
                gpointer  user_data)
{
  hs_session_forward_signal (user_data, signum, from_terminal);
}

/* A --why question (or one --leaks asks of a suspect) and its answer. */
typedef struct
{
  char       *type_name;
  HsReply    *reply;
  GError     *error;
  gboolean    done;
} WhyAnswer;

static void
on_why_answered (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WhyAnswer *answer = user_data;

  answer->reply = hs_session_query_finish (HS_SESSION (source), result, &answer->error);
  answer->done = TRUE;
}

/* @text printed to stdout, each line made safe for a terminal: names and
 * keys in it come from the program. */
static void
print_escaped_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *escaped = hs_escape_for_terminal (lines[i]);

      fputs (escaped, stdout);
      if (lines[i + 1] != NULL)
        fputc ('\n', stdout);
    }
}

/* Prints @answer's report, or says on stderr why there is none; FALSE then. */
static gboolean
print_why (HsSession       *session,
           const WhyAnswer *answer,
           const char      *label)
{
  g_autofree char *type_name = hs_escape_for_terminal (answer->type_name);
  g_autofree char *why = NULL;
  g_autofree char *escaped = NULL;

  if (answer->reply != NULL && answer->reply->kind == HS_REPLY_WHY)
    {
      g_autofree char *report = hs_why_format (answer->reply);

      fputs ("\n", stdout);
      print_escaped_lines (report);
      return TRUE;
    }
  if (answer->reply != NULL)
    why = g_strdup (_("the agent answered another question"));
  else if (g_error_matches (answer->error, HS_REPLY_ERROR, HS_REPLY_ERROR_NOT_REACHED) && label != NULL)
    why = g_strdup_printf (_("the script never called heapscope.snapshot () with the label “%s”"), label);
  else if (g_error_matches (answer->error, HS_REPLY_ERROR, HS_REPLY_ERROR_NOT_REACHED))
    why = g_strdup (_("the script’s end was never reached"));
  /* A script that ends within a few milliseconds of its start may end before
   * its agent has read the question. */
  else if (g_error_matches (answer->error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED) &&
           hs_session_get_state (session) == HS_SESSION_STATE_EXITED)
    why = g_strdup (_("the script ended before its agent took the question"));
  else if (g_error_matches (answer->error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED))
    why = g_strdup (_("the process ended before its agent could answer"));
  else
    why = g_strdup (answer->error->message);
  escaped = hs_escape_for_terminal (why);
  g_printerr ("heapscope: --why %s: %s\n", type_name, escaped);
  return FALSE;
}

/* Every question is answered by the end: those the agent did not are
 * answered by the link's end. */
static void
wait_for_answers (const WhyAnswer *answers,
                  guint            n)
{
  for (guint i = 0; i < n; i++)
    while (!answers[i].done)
      g_main_context_iteration (NULL, TRUE);
}

/* Prints each answer (print_why) and lets it go; FALSE if one had none. */
static gboolean
print_answers (HsSession  *session,
               WhyAnswer  *answers,
               guint       n,
               const char *label)
{
  gboolean all = TRUE;

  for (guint i = 0; i < n; i++)
    {
      fflush (stdout);
      all &= print_why (session, &answers[i], label);
      g_clear_pointer (&answers[i].reply, hs_reply_unref);
      g_clear_error (&answers[i].error);
      g_clear_pointer (&answers[i].type_name, g_free);
    }
  return all;
}

static int
exit_code_of (HsSession *session)
{
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

/* --leaks, live: at the script's end, held there (HsLaunchSpec.hold), the
 * first LEAK_ROOTS suspects' instances are followed to a root, and the
 * process is let go once they are answered (unless --hold keeps it). */
#define LEAK_ROOTS 3

typedef struct
{
  gboolean   user_hold;       /* --hold: the user lets it go */
  gboolean   asked;
  guint      pending;
  WhyAnswer  answers[LEAK_ROOTS];
  guint      n_answers;
} LeakRoots;

static void
release_hold (HsSession *session,
              LeakRoots *roots)
{
  if (!roots->user_hold && hs_session_get_held (session))
    hs_session_forward_signal (session, SIGTERM, FALSE);
}

static void
on_leak_root_answered (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  WhyAnswer *answer = user_data;
  LeakRoots *roots = g_object_get_data (source, "hs-leak-roots");

  on_why_answered (source, result, answer);
  if (--roots->pending == 0)
    release_hold (HS_SESSION (source), roots);
}

static void
on_held_for_leaks (HsSession  *session,
                   GParamSpec *pspec,
                   LeakRoots  *roots)
{
  g_autoptr(HsLeakScan) scan = NULL;
  g_autoptr(GPtrArray) suspects = NULL;
  g_autoptr(HsSample) baseline = NULL;

  if (!hs_session_get_held (session) || roots->asked)
    return;
  /* The suspects grew from the first sample: what holds those made since. */
  baseline = g_list_model_get_item (hs_session_get_samples (session), 0);
  roots->asked = TRUE;
  if (hs_session_can_why (session))
    suspects = rank_leaks (session, &scan, NULL);
  for (guint i = 0; suspects != NULL && i < MIN (suspects->len, LEAK_ROOTS); i++)
    {
      HsLeakSuspect *suspect = g_ptr_array_index (suspects, i);
      WhyAnswer *answer = &roots->answers[roots->n_answers++];
      g_autoptr(JsonNode) request = hs_session_why_request (session, hs_leak_suspect_get_name (suspect), WHY_SAMPLE,
                                                            HS_WHY_AT_NOW, NULL);

      answer->type_name = g_strdup (hs_leak_suspect_get_name (suspect));
      if (baseline != NULL)
        hs_wire_why_request_set_since (request, hs_sample_get_time (baseline));
      roots->pending++;
      hs_session_query_async (session, request, NULL, on_leak_root_answered, answer);
    }
  if (roots->pending == 0)
    release_hold (session, roots);
}

/* Runs @spec with no window, recording to @record_path if it is not NULL;
 * returns the script's exit code (128 + signal if it was killed), or 2 if
 * the recording failed, or if it succeeded but a --why got no answer.
 * @why_types (NULL-terminated, or NULL): the census rows to say why their
 * instances are alive at the script's end, or at its snapshot @why_label. */
int
hs_headless_run (const HsLaunchSpec *spec,
                 const char         *record_path,
                 gboolean            leaks,
                 const char * const *why_types,
                 const char         *why_label)
{
  g_autoptr(HsSession) session = hs_session_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(HsLaunchSpec) headless_spec = hs_launch_spec_copy (spec);
  g_autoptr(HsSignalWatch) signals = NULL;
  g_autofree char *report = NULL;
  g_autofree WhyAnswer *answers = NULL;
  guint n_why = why_types != NULL ? g_strv_length ((char **) why_types) : 0;
  gboolean why_failed;
  LeakRoots roots = { .user_hold = spec->hold };
  int code;

  headless_spec->inherit_stdio = record_path == NULL;
  headless_spec->inherit_stdin = TRUE;
  g_signal_connect (session, "notify::state", G_CALLBACK (on_state_changed), loop);
  g_signal_connect (session, "notice", G_CALLBACK (on_notice), NULL);
  if (spec->hold)
    g_signal_connect (session, "notify::held", G_CALLBACK (on_held_changed), NULL);
  if (leaks)
    {
      /* The suspects' roots are asked of the final heap, held a moment. */
      headless_spec->hold = TRUE;
      g_object_set_data (G_OBJECT (session), "hs-leak-roots", &roots);
      g_signal_connect (session, "notify::held", G_CALLBACK (on_held_for_leaks), &roots);
    }
  if (record_path != NULL)
    {
      hs_session_record_to (session, record_path);
      g_signal_connect (hs_session_get_console (session), "items-changed",
                        G_CALLBACK (on_console_changed), NULL);
    }
  signals = hs_signal_watch_new (on_stop_signal, session);
  hs_session_start (session, headless_spec);
  /* Asked now, to be answered later: they wait for the agent's hello, then
   * in the agent for the script's end or its snapshot. */
  answers = g_new0 (WhyAnswer, MAX (n_why, 1));
  for (guint i = 0; i < n_why; i++)
    {
      g_autoptr(JsonNode) request = hs_session_why_request (session, why_types[i], WHY_SAMPLE,
                                                           why_label != NULL ? HS_WHY_AT_SNAPSHOT : HS_WHY_AT_FINAL,
                                                           why_label);

      answers[i].type_name = g_strdup (why_types[i]);
      hs_session_query_async (session, request, NULL, on_why_answered, &answers[i]);
    }
  if (!hs_session_is_over (session))
    g_main_loop_run (loop);

  /* Output read just before the end is still on its way to the console model. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  wait_for_answers (answers, n_why);
  wait_for_answers (roots.answers, roots.n_answers);
  g_signal_handlers_disconnect_by_data (session, &roots);
  report = hs_session_format_report (session, NULL, NULL);
  fflush (stderr);
  fputs (report, stdout);
  if (leaks)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *suspects = hs_session_format_leaks (session, &error);

      fputs ("\n", stdout);
      if (suspects != NULL)
        fputs (suspects, stdout);
      else
        print_error (error);
      /* What holds the first ones (a process gone before its end has none). */
      print_answers (session, roots.answers, roots.n_answers, NULL);
    }
  why_failed = !print_answers (session, answers, n_why, why_label);
  if (record_path != NULL && hs_session_get_record_error (session) == NULL)
    g_print (_("Recorded to %s\n"), record_path);
  fflush (stdout);

  if (record_path != NULL && hs_session_get_record_error (session) != NULL)
    return 2;
  code = exit_code_of (session);
  return code == 0 && why_failed ? 2 : code;
}

static void
print_error (const GError *error)
{
  g_autofree char *escaped = hs_escape_for_terminal (error->message);

  g_printerr ("heapscope: %s\n", escaped);
}

/* "12.5s" or "12.5" → 12.5; FALSE for anything else. */
static gboolean
parse_seconds (const char *text,
               double     *seconds)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || !(value >= 0 && value < 1e9))
    return FALSE;
  if (*end == 's')
    end++;
  *seconds = value;
  return *end == '\0';
}

/* The sample @spec names: a snapshot's label; "first", "last" or "peak"; or
 * a time in seconds since the start ("12.5s"): the last sample taken by then.
 * A program nobody instrumented has no labels, only times. NULL, said on
 * stderr, when there is no such sample. The session keeps the sample. */
static HsSample *
find_sample_or_complain (HsSession  *session,
                         const char *spec)
{
  GListModel *samples = hs_session_get_samples (session);
  guint n = g_list_model_get_n_items (samples);
  HsSample *sample = hs_session_find_snapshot (session, spec);
  g_autofree char *escaped = NULL;
  double seconds;

  if (sample != NULL)
    return sample;
  if (n == 0)
    {
      g_printerr (_("heapscope: the session has no samples\n"));
      return NULL;
    }
  if (g_str_equal (spec, "first"))
    return hs_session_get_first_sample (session);
  if (g_str_equal (spec, "last"))
    return hs_session_get_latest_sample (session);
  if (g_str_equal (spec, "peak"))
    return hs_session_find_peak (session);
  if (parse_seconds (spec, &seconds))
    {
      sample = hs_session_get_first_sample (session);
      for (guint i = 1; i < n; i++)
        {
          g_autoptr(HsSample) next = g_list_model_get_item (samples, i);

          if (hs_sample_get_time (next) > seconds)
            break;
          sample = next;    /* the session keeps it */
        }
      return sample;
    }
  escaped = hs_escape_for_terminal (spec);
  g_printerr (_("heapscope: “%s” is no snapshot label of the session, nor first, last, peak or a time "
                "such as 12.5s\n"), escaped);
  return NULL;
}

/* Prints the tables of a recorded session; @from_label and @to_label name
 * the samples to diff instead of the first and last (find_sample_or_complain).
 * Returns 0, or 1 if the file cannot be read or a sample is missing. */
int
hs_headless_report (const char *path,
                    const char *from_label,
                    const char *to_label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  g_autofree char *report = NULL;
  HsSample *from = NULL;
  HsSample *to = NULL;

  if (session == NULL)
    {
      print_error (error);
      return 1;
    }
  if ((from_label != NULL && !(from = find_sample_or_complain (session, from_label))) ||
      (to_label != NULL && !(to = find_sample_or_complain (session, to_label))))
    return 1;
  if ((from != NULL && !hs_session_load_rows (session, from, &error)) ||
      (to != NULL && !hs_session_load_rows (session, to, &error)))
    {
      print_error (error);
      return 1;
    }

  report = hs_session_format_report (session, from, to);
  fputs (report, stdout);
  return 0;
}

/* Pympler's print_summary and print_stats of the classes a recorded session
 * tracked (@print_stats), and/or its HtmlStats page written to @html_path.
 * Returns 0; 1 if the file cannot be read or the page written, or if there
 * is no page to write because nothing was tracked. */
int
hs_headless_report_classes (const char                *path,
                            const HsClassStatsOptions *options,
                            gboolean                   print_stats,
                            const char                *html_path,
                            const char                *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(HsRecording) recording = NULL;
  g_autoptr(HsClassTracker) tracker = hs_class_tracker_new ();
  g_autoptr(HsClassStats) stats = NULL;

  if (!(store = hs_pympler_open_store (path, &error)) ||
      !(recording = hs_store_read_recording (store, &error)))
    {
      print_error (error);
      return 1;
    }
  for (guint i = 0; i < recording->samples->len; i++)
    {
      HsCensus *census = g_ptr_array_index (recording->samples, i);

      if (census->classes != NULL)
        hs_class_tracker_apply (tracker, i, census->time, census->rss, census->classes);
    }
  stats = hs_class_stats_new (tracker, recording->samples);
  if (!hs_class_stats_has_classes (stats))
    {
      g_print ("%s\n", _("No classes were tracked in this session (heapscope.track_class () in the script, "
                         "or Track Class in the window)."));
      return html_path != NULL ? 1 : 0;
    }

  if (print_stats)
    {
      g_autofree char *summary = hs_class_stats_format_summary (stats);
      g_autofree char *instances = hs_class_stats_format_stats (stats, options);

      fputs (summary, stdout);
      fputs (instances, stdout);
    }
  if (html_path != NULL)
    {
      g_autofree char *page = hs_class_stats_format_html (stats, options, title);
      g_autofree char *shown = hs_escape_for_terminal (html_path);

      if (!g_file_set_contents (html_path, page, -1, &error))
        {
          print_error (error);
          return 1;
        }
      g_print (_("Wrote the report to %s\n"), shown);
    }
  fflush (stdout);
  return 0;
}

/* A file name made of @label: letters, digits, '-', '_' and '.', at most 40. */
static char *
file_stem (const char *label,
           guint       number)
{
  GString *stem = g_string_new (NULL);

  g_string_append_printf (stem, "%02u", number);
  if (label != NULL && *label != '\0')
    g_string_append_c (stem, '-');
  for (const char *p = label; p != NULL && *p != '\0' && stem->len < 44; p++)
    g_string_append_c (stem, g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' ? *p : '_');
  return g_string_free (stem, FALSE);
}

/* Writes every reference graph a recorded session keeps into @dir as
 * NN-label.dot and NN-label.svg, and names each file written.
 * Returns 0; 1 if the file cannot be read or a graph written. */
int
hs_headless_write_graphs (const char *path,
                          const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = hs_session_load (path, &error);
  guint n;

  if (session == NULL)
    {
      print_error (error);
      return 1;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = hs_escape_for_terminal (dir);

      g_printerr (_("heapscope: could not make the folder “%s”: %s\n"), shown, g_strerror (saved_errno));
      return 1;
    }
  n = hs_session_get_n_graphs (session);
  if (hs_session_get_unreadable_graphs (session) > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "heapscope: %u graph of this session is damaged and was left out\n",
                             "heapscope: %u graphs of this session are damaged and were left out\n",
                             hs_session_get_unreadable_graphs (session)),
                hs_session_get_unreadable_graphs (session));
  if (n == 0)
    {
      g_print ("%s\n", _("No reference graphs were recorded in this session (heapscope.refgraph () in the "
                         "script, or Show Graph in the window)."));
      return 0;
    }
  for (guint i = 0; i < n; i++)
    {
      HsRefGraph *graph = hs_session_get_graph (session, i);
      g_autofree char *stem = file_stem (graph->label, i + 1);
      static const char *const extensions[] = { "dot", "svg" };

      for (guint e = 0; e < G_N_ELEMENTS (extensions); e++)
        {
          g_autofree char *name = g_strconcat (stem, ".", extensions[e], NULL);
          g_autofree char *file = g_build_filename (dir, name, NULL);
          g_autofree char *shown = hs_escape_for_terminal (file);

          if (!hs_ref_graph_render_file (graph, file, &error))
            {
              print_error (error);
              return 1;
            }
          g_print (_("Wrote %s\n"), shown);
        }
    }
  return 0;
}
