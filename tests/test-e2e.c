/* test-e2e.c — real python3 children under the agent, watched by a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>
#include <sqlite3.h>

#include "hs-console-chunk.h"
#include "hs-headless.h"
#include "hs-session.h"
#include "test-query.h"
#include "test-support.h"

static char *
script_path (const char *name)
{
  return g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), name, NULL);
}

static char *tmpdir;

static HsSession *
run_recorded_session (const char         *interpreter,
                      const char         *script,
                      const char * const *arguments,
                      guint               stop_after_samples,
                      const char         *record_path)
{
  g_autoptr(HsLaunchSpec) spec = NULL;
  HsSession *session = hs_session_new ();
  gint64 deadline = g_get_monotonic_time () + test_scaled_seconds (120) * G_USEC_PER_SEC;
  gboolean stopped = FALSE;

  spec = hs_launch_spec_new (interpreter != NULL ? interpreter : g_getenv ("HS_TEST_PYTHON"), script, arguments);
  spec->interval = 0.2;
  if (record_path != NULL)
    hs_session_record_to (session, record_path);
  hs_session_start (session, spec);
  while (!hs_session_is_over (session))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (stop_after_samples > 0 && !stopped &&
          g_list_model_get_n_items (hs_session_get_samples (session)) >= stop_after_samples)
        {
          hs_session_stop (session);
          stopped = TRUE;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  /* Let the last console idle arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return session;
}

static HsSession *
run_session (const char         *interpreter,
             const char         *script,
             const char * const *arguments,
             guint               stop_after_samples)
{
  return run_recorded_session (interpreter, script, arguments, stop_after_samples, NULL);
}

static char *
console_text (HsSession *session,
              gboolean   stderr_marked)
{
  GListModel *console = hs_session_get_console (session);
  GString *text = g_string_new (NULL);

  gboolean previous_was_stderr = FALSE;

  /* Marks where stderr output starts; consecutive stderr chunks are one run,
   * however the reads happened to split it. */
  for (guint i = 0; i < g_list_model_get_n_items (console); i++)
    {
      g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (console, i);
      gboolean starts_stderr = hs_console_chunk_is_stderr (chunk) && !previous_was_stderr;

      previous_was_stderr = hs_console_chunk_is_stderr (chunk);
      if (stderr_marked && starts_stderr)
        g_string_append_printf (text, "[err]%s", hs_console_chunk_get_text (chunk));
      else
        g_string_append (text, hs_console_chunk_get_text (chunk));
    }
  return g_string_free (text, FALSE);
}

static gint64
expected_marker_size (const char *console)
{
  const char *line = strstr (console, "expected-size ");

  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("expected-size "), NULL, 10);
}

/* The census taken as __main__ ended. Not always the last: a sample asked
 * for just before may be answered after it. */
static HsCensus *
final_census (HsSession *session)
{
  GListModel *samples = hs_session_get_samples (session);

  for (guint i = g_list_model_get_n_items (samples); i > 0; i--)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (samples, i - 1);

      if (hs_sample_get_census (sample)->final)
        return hs_sample_get_census (sample);   /* the session keeps the sample */
    }
  return NULL;
}

static void
test_markers (void)
{
  g_autofree char *script = script_path ("markers.py");
  const char *arguments[] = { "1.0", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, FALSE);
  HsCensus *final = final_census (session);
  const HsCensusRow *row;
  gint64 expected;

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_nonnull (final);

  row = hs_census_lookup (final, "__main__.Marker");
  g_assert_nonnull (row);
  g_assert_cmpint (row->count, ==, 12345);
  expected = expected_marker_size (console);
  g_assert_cmpint (row->size, ==, expected);

  /* The script's own snapshot, and argv exactly as python script.py would see it. */
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_snapshots (session)), >=, 1);
  g_assert_nonnull (strstr (console, "argv ['"));
  g_assert_nonnull (strstr (console, "markers.py', '1.0']"));
  g_assert_cmpstr (hs_session_get_python_version (session), !=, NULL);
}

static void
test_exit_code (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "exit", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 3);
}

static void
test_os_exit (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "os-exit", "0.5", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 7);
  g_assert_null (hs_session_get_protocol_error (session));
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 1);
}

static void
test_traceback (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "raise", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, TRUE);

  g_assert_cmpint (hs_session_get_exit_code (session), ==, 1);
  g_assert_nonnull (strstr (console, "[err]Traceback (most recent call last):"));
  g_assert_nonnull (strstr (console, "in inner"));
  g_assert_nonnull (strstr (console, "ValueError: boom from the script"));
  g_assert_null (strstr (console, "heapscope_bootstrap"));
  g_assert_null (strstr (console, "runpy"));
}

static void
test_segfault_keeps_samples (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "segfault", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *status = hs_session_dup_status_text (session);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_SIGNALED);
  g_assert_cmpint (hs_session_get_term_signal (session), ==, SIGSEGV);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 2);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_snapshots (session)), ==, 2);
  g_assert_nonnull (strstr (status, "signal 11"));
}

static void
test_stop (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "sleep", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 1);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_SIGNALED);
  g_assert_cmpint (hs_session_get_term_signal (session), ==, SIGTERM);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 1);
}

static void
test_garbage_from_child (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "garbage", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, FALSE);

  g_assert_nonnull (hs_session_get_protocol_error (session));
  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_nonnull (strstr (console, "still running after the garbage"));
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 1);
}

/* The link closing while the process runs on is the agent failing... */
static void
test_link_closed_early (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "close-link", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, FALSE);

  g_assert_nonnull (strstr (console, "still running without the agent"));
  g_assert_cmpstr (hs_session_get_protocol_error (session), ==,
                   "The agent closed its connection while the script is still running");
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
}

/* ...but not after its bye, however long the interpreter takes to finalize. */
static void
test_slow_exit (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "slow-exit", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  HsCensus *final = final_census (session);

  g_assert_null (hs_session_get_protocol_error (session));
  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_nonnull (final);
  g_assert_nonnull (hs_census_lookup (final, "__main__.SlowToDie"));
}

static void
test_output_order_and_cwd (void)
{
  g_autofree char *script = script_path ("fails.py");
  g_autofree char *folder = g_path_get_dirname (script);
  g_autofree char *expected_cwd = g_strdup_printf ("cwd %s\n", folder);
  const char *arguments[] = { "output", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, TRUE);
  const char *one = strstr (console, "to stdout 1");
  const char *two = strstr (console, "[err]to stderr 2");
  const char *three = strstr (console, "to stdout 3");

  g_assert_nonnull (one);
  g_assert_nonnull (two);
  g_assert_nonnull (three);
  g_assert_true (one < two && two < three);
  g_assert_nonnull (strstr (console, expected_cwd));
}

/* 3 000 lines on each stream, alternating, unflushed: every line in program
 * order, on its own stream. */
static void
test_output_interleaved (void)
{
  g_autofree char *script = script_path ("console.py");
  const char *arguments[] = { "interleave", "3000", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, TRUE);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_auto(GStrv) got = NULL;
  g_auto(GStrv) want = NULL;
  guint misplaced = 0;
  int first = -1;

  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (expected, "out %u\n[err]err %u\n", i, i);
  if (strcmp (console, expected->str) == 0)
    return;

  got = g_strsplit (console, "\n", -1);
  want = g_strsplit (expected->str, "\n", -1);
  for (guint i = 0; want[i] != NULL; i++)
    if (i >= g_strv_length (got) || strcmp (got[i], want[i]) != 0)
      {
        misplaced++;
        if (first < 0)
          first = i;
      }
  g_error ("%u of %u console lines differ; line %d is “%s”, expected “%s”",
           misplaced, g_strv_length (want) - 1, first,
           first < (int) g_strv_length (got) ? got[first] : "(none)", want[first]);
}

/* Whether @text lies in stdout (0) or stderr (1) output; -1 when absent.
 * Consecutive chunks of a stream are joined, however the reads split them. */
static int
stream_of (HsSession  *session,
           const char *text)
{
  GListModel *console = hs_session_get_console (session);
  guint n = g_list_model_get_n_items (console);

  for (guint i = 0; i < n;)
    {
      g_autoptr(HsConsoleChunk) first = g_list_model_get_item (console, i);
      gboolean is_stderr = hs_console_chunk_is_stderr (first);
      g_autoptr(GString) run = g_string_new (NULL);

      for (; i < n; i++)
        {
          g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (console, i);

          if (hs_console_chunk_is_stderr (chunk) != is_stderr)
            break;
          g_string_append (run, hs_console_chunk_get_text (chunk));
        }
      if (strstr (run->str, text) != NULL)
        return is_stderr ? 1 : 0;
    }
  return -1;
}

/* Bytes that look like the app's marker, written without its token, are the
 * program's own stdout text (the NULs dropped, as a terminal drops them). */
static void
test_output_forged_marker (void)
{
  g_autofree char *script = script_path ("console.py");
  const char *arguments[] = { "forged", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, TRUE);
  g_autofree char *expected = g_strdup_printf ("token hidden: True\nbefore\n"
                                               "hs:%032d:0005\nhello\n"
                                               "hs:ffffffffffffffffffffffffffffffff:00zz\n"
                                               "after\n", 0);

  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_cmpstr (console, ==, expected);
}

typedef struct
{
  GString *text;       /* "<out>" or "<err>" where the stream changes, then its bytes */
  int      stream;
} Demuxed;

static void
collect_demuxed (HsConsoleStream  stream,
                 const char      *data,
                 gsize            length,
                 gpointer         user_data)
{
  Demuxed *demuxed = user_data;

  g_assert_cmpuint (length, >, 0);
  if (demuxed->stream != (int) stream)
    g_string_append (demuxed->text, stream == HS_CONSOLE_STDERR ? "<err>" : "<out>");
  demuxed->stream = stream;
  g_string_append_len (demuxed->text, data, length);
}

#define MARK(length) "\0hs:00112233445566778899aabbccddeeff:" length "\n"
#define FORGED       "\0hs:ffffffffffffffffffffffffffffffff:0002\nzz"
#define BAD_LENGTH   "\0hs:00112233445566778899aabbccddeeff:00A1\nup"

/* The stdout pipe's parser, fed the same bytes cut at every place (and a
 * byte at a time): markers of this run become stderr, anything else stays
 * stdout, and a marker cut short by the end is text. */
static void
test_console_demux (void)
{
  const char *token = "00112233445566778899aabbccddeeff";
  /* Plain text, a frame, a frame whose payload holds NULs and a marker of
   * its own (bytes, not a marker), a stray NUL, a forged marker, a bad
   * length, an empty frame, a frame, a NUL, and a marker cut short. */
  static const char input[] =
    "plain\n" MARK ("0006") "err 1\n"
    MARK ("002e") "a\0b" MARK ("0001") "c"
    "x\0y" FORGED BAD_LENGTH
    MARK ("0000") MARK ("0002") "ok" "\0"
    "\0hs:0011";
  static const char expected[] =
    "<out>plain\n<err>err 1\na\0b" MARK ("0001") "c"
    "<out>x\0y" FORGED BAD_LENGTH
    "<err>ok<out>\0\0hs:0011";
  gsize length = sizeof input - 1;

  for (gsize cut = 0; cut <= length + 1; cut++)
    {
      g_autoptr(HsConsoleDemux) demux = hs_console_demux_new (token);
      g_autoptr(GString) text = g_string_new (NULL);
      Demuxed demuxed = { text, -1 };

      g_assert_cmpstr (hs_console_demux_get_token (demux), ==, token);
      if (cut <= length)
        {
          hs_console_demux_feed (demux, input, cut, collect_demuxed, &demuxed);
          hs_console_demux_feed (demux, input + cut, length - cut, collect_demuxed, &demuxed);
        }
      else
        for (gsize i = 0; i < length; i++)
          hs_console_demux_feed (demux, input + i, 1, collect_demuxed, &demuxed);
      hs_console_demux_finish (demux, collect_demuxed, &demuxed);
      g_assert_cmpmem (text->str, text->len, expected, sizeof expected - 1);
    }
}

#undef MARK
#undef FORGED
#undef BAD_LENGTH

/* A random token each time, in the form the agent checks. */
static void
test_console_token (void)
{
  g_autoptr(HsConsoleDemux) one = hs_console_demux_new (NULL);
  g_autoptr(HsConsoleDemux) two = hs_console_demux_new (NULL);
  const char *token = hs_console_demux_get_token (one);

  g_assert_cmpuint (strlen (token), ==, HS_CONSOLE_TOKEN_LENGTH);
  for (guint i = 0; token[i] != '\0'; i++)
    g_assert_true (g_ascii_isdigit (token[i]) || (token[i] >= 'a' && token[i] <= 'f'));
  g_assert_cmpstr (token, !=, hs_console_demux_get_token (two));
}

/* What reaches fd 2 below Python's stream objects is still stderr; the
 * streams themselves look as they do under python. */
static void
test_output_fd2 (void)
{
  g_autofree char *script = script_path ("console.py");
  const char *arguments[] = { "fd2", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);


  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_cmpint (stream_of (session, "stdout first\n"), ==, 0);
  g_assert_cmpint (stream_of (session, "c-level stderr\n"), ==, 1);
  g_assert_cmpint (stream_of (session, "Stack (most recent call first):"), ==, 1);
  g_assert_cmpint (stream_of (session, "buffer stderr\n"), ==, 1);
  g_assert_cmpint (stream_of (session, "fileno 1 2 isatty False errors backslashreplace\n"), ==, 0);
}

/* fd 1 and fd 2 are two pipes with no order between them: a line begun on
 * one is finished before the other's output is shown. */
static void
test_output_line_kept_whole (void)
{
  g_autofree char *script = script_path ("console.py");
  const char *arguments[] = { "midline", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, TRUE);

  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_cmpstr (console, ==, "begun ended\n[err]between\n");
}

/* ... unless it stays unfinished, as a prompt does: then the other's output
 * is shown anyway, while the script still runs. */
static void
test_output_unfinished_line_gives_way (void)
{
  g_autofree char *script = script_path ("console.py");
  const char *arguments[] = { "prompt", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(HsSession) session = hs_session_new ();
  gint64 deadline = g_get_monotonic_time () + test_scaled_seconds (120) * G_USEC_PER_SEC;

  hs_session_start (session, spec);
  while (stream_of (session, "warning\n") != 1)
    {
      g_assert_false (hs_session_is_over (session));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (stream_of (session, "Name: "), ==, 0);
  hs_session_stop (session);
  while (!hs_session_is_over (session))
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_fails_to_start (const char *interpreter,
                       const char *script,
                       const char *fragment)
{
  g_autoptr(HsSession) session = run_session (interpreter, script, NULL, 0);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_FAILED);
  if (strstr (hs_session_get_failure (session), fragment) == NULL)
    g_error ("“%s” does not say “%s”", hs_session_get_failure (session), fragment);
}

static void
test_bad_launches (void)
{
  g_autofree char *script = script_path ("fails.py");
  g_autofree char *folder = g_path_get_dirname (script);

  assert_fails_to_start (NULL, "/nonexistent/script.py", "does not exist");
  assert_fails_to_start (NULL, folder, "is a folder");
  assert_fails_to_start ("no-such-python-here", script, "was not found");
  assert_fails_to_start ("/bin/true", script, "is not a Python interpreter");
}

/* heapscope --headless prints Pympler's tables and exits with the script's code. */
static void
test_headless (void)
{
  g_autofree char *heapscope = g_build_filename (g_getenv ("HS_BUILD_ROOT"), "app", "heapscope", NULL);
  g_autofree char *script = script_path ("markers.py");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              heapscope, "--headless", "--interval", "0.5", "--python", g_getenv ("HS_TEST_PYTHON"),
                              script, "0.5", "5", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 5);
  g_assert_nonnull (strstr (out, "expected-size "));
  g_assert_nonnull (strstr (out, " types |   # objects |   total size\n"));
  g_assert_nonnull (strstr (out, "== | =========== | ============\n"));
  g_assert_nonnull (strstr (out, " __main__.Marker |       12345 |"));
  g_assert_nonnull (strstr (out, "Diff from the first sample"));
  g_assert_nonnull (strstr (out, "Exited with code 5"));
}

static void
assert_same_census (HsCensus *expected,
                    HsCensus *actual)
{
  g_assert_cmpuint (actual->n_rows, ==, expected->n_rows);
  for (guint i = 0; i < expected->n_rows; i++)
    {
      const HsCensusRow *row = hs_census_lookup (actual, expected->rows[i].name);

      g_assert_nonnull (row);
      g_assert_cmpint (row->count, ==, expected->rows[i].count);
      g_assert_cmpint (row->size, ==, expected->rows[i].size);
    }
  g_assert_cmpfloat (actual->time, ==, expected->time);
  g_assert_cmpint (actual->rss, ==, expected->rss);
  g_assert_cmpstr (actual->label, ==, expected->label);
}

/* Record a real run, reopen it: the same samples, snapshots, console and launch details. */
static void
test_record_round_trip (void)
{
  g_autofree char *script = script_path ("markers.py");
  g_autofree char *path = g_build_filename (tmpdir, "markers.heapscope", NULL);
  const char *arguments[] = { "0.6", "4", NULL };
  g_autoptr(HsSession) live = run_recorded_session (NULL, script, arguments, 0, path);
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *live_console = console_text (live, TRUE);
  g_autofree char *reopened_console = NULL;
  const HsLaunchSpec *spec;
  GListModel *live_samples = hs_session_get_samples (live);
  GListModel *samples;

  g_assert_null (hs_session_get_record_error (live));
  g_assert_cmpstr (hs_session_get_file (live), ==, path);

  reopened = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (hs_session_is_read_only (reopened));
  g_assert_false (hs_session_is_being_written_elsewhere (reopened));

  spec = hs_session_get_launch_spec (reopened);
  g_assert_cmpstr (spec->script, ==, script);
  g_assert_cmpstr (spec->interpreter, ==, g_getenv ("HS_TEST_PYTHON"));
  g_assert_cmpstr (spec->arguments[0], ==, "0.6");
  g_assert_cmpstr (spec->arguments[1], ==, "4");
  g_assert_cmpstr (hs_session_get_python_version (reopened), ==, hs_session_get_python_version (live));
  g_assert_cmpint (hs_session_get_pid (reopened), ==, hs_session_get_pid (live));
  g_assert_cmpint (hs_session_get_state (reopened), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (reopened), ==, 4);
  g_assert_cmpint (hs_session_get_started_at (reopened), >, 0);
  g_assert_cmpint (hs_session_get_ended_at (reopened), >=, hs_session_get_started_at (reopened));

  reopened_console = console_text (reopened, TRUE);
  g_assert_cmpstr (reopened_console, ==, live_console);

  samples = hs_session_get_samples (reopened);
  g_assert_cmpuint (g_list_model_get_n_items (samples), ==, g_list_model_get_n_items (live_samples));
  g_assert_cmpuint (g_list_model_get_n_items (samples), >=, 3);
  for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(HsSample) expected = g_list_model_get_item (live_samples, i);
      g_autoptr(HsSample) actual = g_list_model_get_item (samples, i);

      /* The live session let go of the rows it no longer showed: read back too. */
      g_assert_true (hs_session_load_rows (live, expected, &error));
      g_assert_true (hs_session_load_rows (reopened, actual, &error));
      assert_same_census (hs_sample_get_census (expected), hs_sample_get_census (actual));
    }
  g_assert_nonnull (hs_session_find_snapshot (reopened, "markers made"));
}

static char *
heapscope_path (void)
{
  return g_build_filename (g_getenv ("HS_BUILD_ROOT"), "app", "heapscope", NULL);
}

typedef struct
{
  int    resource;
  rlim_t value;
} Limit;

/* In the child: @data's limit, and SIGXFSZ as a shell would leave it. */
static void
set_limit (gpointer data)
{
  const Limit *limit = data;
  struct rlimit value = { limit->value, limit->value };

  signal (SIGXFSZ, SIG_DFL);
  setrlimit (limit->resource, &value);
}

typedef struct
{
  const char  *cwd;      /* NULL: the test's own */
  const char  *input;    /* its stdin; NULL: /dev/null */
  const Limit *limit;    /* a resource limit, or NULL */
} RunOptions;

/* Runs heapscope with the arguments that follow @err (NULL-terminated) and
 * returns its wait status; its output in @out and @err. */
static int
run_heapscope_v (const RunOptions  *options,
                 char             **out,
                 char             **err,
                 va_list            args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heapscope = heapscope_path ();
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  const char *arg;

  g_ptr_array_add (argv, heapscope);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  if (options->input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  if (options->cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, options->cwd);
  if (options->limit != NULL)
    g_subprocess_launcher_set_child_setup (launcher, set_limit, (gpointer) options->limit, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, options->input, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_status (process);
}

/* heapscope's exit code; it must not die by a signal. */
static int
exit_code_of_status (int status)
{
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
run_heapscope (char **out,
               char **err,
               ...)
{
  RunOptions options = { NULL, NULL, NULL };
  va_list args;
  int status;

  va_start (args, err);
  status = run_heapscope_v (&options, out, err, args);
  va_end (args);
  return exit_code_of_status (status);
}

/* As run_heapscope(), under a resource limit; returns the wait status, so a
 * death by signal shows. */
static int
run_heapscope_limited (int     resource,
                       rlim_t  value,
                       char  **out,
                       char  **err,
                       ...)
{
  Limit limit = { resource, value };
  RunOptions options = { NULL, NULL, &limit };
  va_list args;
  int status;

  va_start (args, err);
  status = run_heapscope_v (&options, out, err, args);
  va_end (args);
  return status;
}

/* As run_heapscope(), started in @cwd with @input on its stdin (NULL: /dev/null). */
static int
run_heapscope_in (const char  *cwd,
                  const char  *input,
                  char       **out,
                  char       **err,
                  ...)
{
  RunOptions options = { cwd, input, NULL };
  va_list args;
  int status;

  va_start (args, err);
  status = run_heapscope_v (&options, out, err, args);
  va_end (args);
  g_test_message ("stderr: %s", *err);
  return exit_code_of_status (status);
}

/* heapscope --record writes a file that reopens; --report prints its tables. */
static void
test_record_and_report (void)
{
  g_autofree char *script = script_path ("markers.py");
  g_autofree char *path = g_build_filename (tmpdir, "cli.heapscope", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *report = NULL;
  g_autofree char *report_err = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_heapscope (&out, &err, "--record", path, "--interval", "0.3",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, "0.5", "5", NULL), ==, 5);
  g_assert_nonnull (strstr (out, "expected-size "));  /* the script's output is passed on */
  g_assert_nonnull (strstr (out, " __main__.Marker |       12345 |"));
  g_assert_nonnull (strstr (out, "Recorded to "));

  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 2);

  g_assert_cmpint (run_heapscope (&report, &report_err, "--report", path, NULL), ==, 0);
  g_assert_nonnull (strstr (report, " __main__.Marker |       12345 |"));
  g_assert_nonnull (strstr (report, "Diff from the first sample"));
  g_assert_nonnull (strstr (report, "Exited with code 5"));
  g_clear_pointer (&report, g_free);
  g_clear_pointer (&report_err, g_free);

  /* Between two snapshots: from the script's own to the final census. */
  g_assert_cmpint (run_heapscope (&report, &report_err, "--report", path, "--from", "markers made",
                                  "--to", "markers made", NULL), ==, 0);
  g_assert_nonnull (strstr (report, "Diff from markers made"));
  g_clear_pointer (&report, g_free);
  g_clear_pointer (&report_err, g_free);

  g_assert_cmpint (run_heapscope (&report, &report_err, "--report", path, "--from", "no such label", NULL), ==, 1);
  g_assert_nonnull (strstr (report_err, "“no such label” is no snapshot label of the session"));
  g_clear_pointer (&report, g_free);
  g_clear_pointer (&report_err, g_free);

  g_assert_cmpint (run_heapscope (&report, &report_err, "--report", script, NULL), ==, 1);
  g_assert_nonnull (strstr (report_err, "is not a Heapscope session"));
}


/* --leaks: the class a script keeps piling up is the first suspect, the one
 * it churns through a cache is none, after a run and from its recording. */
static void
test_cli_leaks (void)
{
  g_autofree char *script = script_path ("leaks.py");
  g_autofree char *path = g_build_filename (tmpdir, "leaks.heapscope", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *report = NULL;
  g_autofree char *report_err = NULL;
  const char *suspects;

  /* Snapshots along the run: samples enough to rank, however busy the machine. */
  g_assert_cmpint (run_heapscope (&out, &err, "--record", path, "--leaks", "--interval", "0.2",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, "4", "6", NULL), ==, 0);
  suspects = strstr (out, "Types that kept growing over the ");
  g_assert_nonnull (suspects);
  g_assert_nonnull (strstr (suspects, "  1   __main__.Leaked "));
  g_assert_null (strstr (suspects, "__main__.Churned"));

  g_assert_cmpint (run_heapscope (&report, &report_err, "--report", path, "--leaks", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (report, "Types that kept growing over the "));
  g_assert_nonnull (strstr (report, "  1   __main__.Leaked "));
  g_assert_null (strstr (report, "__main__.Churned"));
  g_clear_pointer (&report, g_free);
  g_clear_pointer (&report_err, g_free);

  g_assert_cmpint (run_heapscope (&report, &report_err, "--leaks", script, NULL), ==, 2);
  g_assert_nonnull (strstr (report_err, "--leaks goes with --headless, --record or --report"));
  g_clear_pointer (&report, g_free);
  g_clear_pointer (&report_err, g_free);
  g_clear_pointer (&script, g_free);

  /* Live, the first suspects' instances are followed to a root at the
   * script's end: two_leaks.py's two roots, named; its exit code kept. */
  script = script_path ("two_leaks.py");
  g_assert_cmpint (run_heapscope (&report, &report_err, "--headless", "--leaks", "--interval", "0.2",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, "40", "6", NULL), ==, 0);
  suspects = strstr (report, "Types that kept growing over the ");
  g_assert_nonnull (suspects);
  /* (Its payloads, bytes, may rank first: they are bigger.) */
  g_assert_nonnull (strstr (suspects, "   __main__.Request "));
  /* Those made since the first sample: how many of the 1213 depends on how
   * soon it came. */
  suspects = strstr (suspects, " __main__.Request objects are alive (");
  g_assert_nonnull (suspects);
  g_assert_nonnull (strstr (suspects, "  Only those made since the baseline: "));
  g_assert_nonnull (strstr (suspects, " <- module(__main__) [global _RESPONSE_CACHE] (root: module)\n"));
  g_assert_nonnull (strstr (suspects, " <- class __main__.Registry [class attribute session] (root: class)\n"));
  /* Held a moment for that, not until stopped. */
  g_assert_null (strstr (report_err, "held at exit"));
}

/* --why: the Requests two_leaks.py piles up are held through its module's
 * cache and through a class's session, the cache's the bigger group; after
 * the tables and the leak suspects, one report per type in the order asked;
 * a snapshot that never comes is said, and fails the run. */
static void
test_cli_why (void)
{
  g_autofree char *script = script_path ("two_leaks.py");
  g_autofree char *path = g_build_filename (tmpdir, "why.heapscope", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *report;
  const char *cache;
  const char *registry;

  g_assert_cmpint (run_heapscope (&out, &err, "--headless", "--why", "__main__.Request", "--at", "loaded",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, NULL), ==, 0);
  report = strstr (out, "Why ");
  g_assert_nonnull (report);
  g_assert_true (report > strstr (out, "Exited with code 0"));
  g_assert_true (g_str_has_prefix (report, "Why 606 __main__.Request objects are alive at the snapshot “loaded” "
                                           "(all 606 followed):\n"));
  cache = strstr (report, "    __main__.Request <- dict [key …] <- module(__main__) [global _RESPONSE_CACHE] (root: module)\n");
  registry = strstr (report, "    __main__.Request <- list [index …] <- __main__.Session [attribute pending] <- "
                             "class __main__.Registry [class attribute session] (root: class)\n");
  g_assert_nonnull (cache);
  g_assert_nonnull (registry);
  g_assert_true (cache < registry);
  g_assert_true (strstr (report, "\n  406 (67 %), retaining ") < cache);
  g_assert_true (strstr (report, "\n  200 (33 %), retaining ") > cache);
  g_assert_null (strstr (report, "no root reached"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* At the script's end, recorded, with the leak suspects: each type's
   * report in the order given, after the suspects. */
  g_assert_cmpint (run_heapscope (&out, &err, "--record", path, "--leaks", "--why", "__main__.Session",
                                  "--why", "__main__.Request", "--interval", "0.2",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, "10", NULL), ==, 0);
  report = strstr (out, "Why 1 __main__.Session object is alive (all 1 followed):\n");
  g_assert_nonnull (report);
  g_assert_true (report > strstr (out, "kept growing over the "));
  g_assert_nonnull (strstr (report, "    __main__.Session <- class __main__.Registry [class attribute session] "
                                    "(root: class)\n"));
  report = strstr (report, "Why 303 __main__.Request objects are alive (all 303 followed):\n");
  g_assert_nonnull (report);
  g_assert_true (report < strstr (out, "Recorded to "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A snapshot the script never takes: said, and the run fails. */
  g_assert_cmpint (run_heapscope (&out, &err, "--headless", "--why", "__main__.Request", "--at", "never",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, "2", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "heapscope: --why __main__.Request: the script never called "
                                 "heapscope.snapshot () with the label “never”\n"));
  g_assert_null (strstr (out, "Why "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope (&out, &err, "--why", "__main__.Request", script, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--why goes with --headless or --record"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--why", "__main__.Request", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--why goes with --headless or --record"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--headless", "--at", "loaded", script, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--at goes with --why"));
}

/* Under the snapshot @label of @report's print_summary, the two classes of
 * tracked_classes.py with their active counts. */
static void
assert_active (const char *report,
               const char *label,
               int         distributions,
               int         generators)
{
  g_autofree char *heading = g_strdup_printf ("\n%-35s %11s ", label, "active");
  g_autofree char *first = g_strdup_printf ("  %-33s %11d ", "RandDistribution", distributions);
  g_autofree char *second = g_strdup_printf ("  %-33s %11d ", "RandomNumberGenerator", generators);
  const char *block = strstr (report, heading);
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (block);
  lines = g_strsplit (block + 1, "\n", 4);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[1], first));
  g_assert_true (g_str_has_prefix (lines[2], second));
}

/* heapscope.refgraph: the script's graph is laid out, written where it
 * asked, kept in the recording; --report --graphs writes it again as DOT and
 * SVG, with the ring marked as a cycle and the edges named. */
static void
test_script_graph (void)
{
  g_autofree char *script = script_path ("refgraph.py");
  g_autofree char *path = g_build_filename (tmpdir, "graph.heapscope", NULL);
  g_autofree char *asked = g_build_filename (tmpdir, "asked.svg", NULL);
  g_autofree char *dir = g_build_filename (tmpdir, "graphs", NULL);
  g_autofree char *dot_path = NULL;
  g_autofree char *svg_path = NULL;
  g_autofree char *dot = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GDir) listing = NULL;
  HsRefGraph *graph;
  guint nodes_of_ring = 0;
  gboolean named_edge = FALSE;
  const char *name;

  g_assert_cmpint (run_heapscope (&out, &err, "--record", path, "--interval", "5",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, asked, NULL), ==, 0);
  g_test_message ("%s", err);
  g_assert_true (g_file_get_contents (asked, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "<svg"));
  g_clear_pointer (&svg, g_free);

  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hs_session_get_n_graphs (session), ==, 1);
  graph = hs_session_get_graph (session, 0);
  g_assert_cmpfloat (graph->width, >, 0);
  for (guint i = 0; i < graph->nodes->len; i++)
    {
      HsGraphNode *node = hs_ref_graph_node (graph, i);

      g_assert_true (node->placed);
      if (g_strcmp0 (node->object->type_name, "__main__.Node") == 0)
        {
          nodes_of_ring++;
          g_assert_true (node->flags & HS_GRAPH_NODE_IN_CYCLE);
        }
    }
  g_assert_cmpuint (nodes_of_ring, ==, 3);
  for (guint i = 0; i < graph->edges->len; i++)
    {
      g_autofree char *description = hs_graph_edge_describe (hs_ref_graph_edge (graph, i));

      named_edge |= g_strcmp0 (description, "attribute next") == 0;
    }
  g_assert_true (named_edge);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--graphs", dir, NULL), ==, 0);
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      if (g_str_has_suffix (name, ".dot"))
        dot_path = g_build_filename (dir, name, NULL);
      else if (g_str_has_suffix (name, ".svg"))
        svg_path = g_build_filename (dir, name, NULL);
    }
  g_assert_nonnull (dot_path);
  g_assert_nonnull (svg_path);
  g_assert_true (g_str_has_prefix (strrchr (dot_path, '/') + 1, "01-"));
  g_assert_true (g_file_get_contents (dot_path, &dot, NULL, NULL));
  g_assert_true (g_str_has_prefix (dot, "digraph"));
  g_assert_nonnull (strstr (dot, "__main__.Node"));
  g_assert_nonnull (strstr (dot, "attribute next"));
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "<svg"));
  g_assert_nonnull (strstr (out, dot_path));

  /* --graphs reads a recorded session only. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--graphs", dir, NULL), ==, 2);
}

/* --report --classes: Pympler's print_summary and print_stats of a session
 * whose script tracked classes (the tutorial's), --html its page; and the
 * options' mistakes. */
static void
test_report_classes (void)
{
  g_autofree char *script = script_path ("tracked_classes.py");
  g_autofree char *untracked_script = script_path ("markers.py");
  g_autofree char *path = g_build_filename (tmpdir, "classes.heapscope", NULL);
  g_autofree char *untracked = g_build_filename (tmpdir, "no-classes.heapscope", NULL);
  g_autofree char *page_path = g_build_filename (tmpdir, "classes.html", NULL);
  g_autofree char *page = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *stats;

  g_assert_cmpint (run_heapscope (&out, &err, "--record", path, "--interval", "5",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--classes", "--sort", "size,birth",
                                  "--match", "Dist", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_true (g_str_has_prefix (out, "---- SUMMARY ----"));
  assert_active (out, "Start", 0, 0);
  assert_active (out, "Intermediate", 2, 2);
  assert_active (out, "End", 1, 1);
  assert_active (out, "Last", 1, 0);     /* detached: the generator made after is not counted */
  /* print_stats: only the distributions (kept after death), the larger first. */
  stats = strstr (out, "\n-------------------------------------------------------------------------------\n");
  g_assert_nonnull (stats);
  g_assert_null (strstr (stats, "RandomNumberGenerator"));
  g_assert_true (g_str_has_prefix (stats + 81, "RandDistribution                 0x"));
  g_assert_nonnull (strstr (stats, "\nRandDistribution                 ( free )   "));
  g_assert_nonnull (strstr (stats, " finalize\n"));
  g_assert_nonnull (strstr (stats, "    uniformDist "));      /* resolution level 1 */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--html", page_path, "--title", "Tutorial", NULL), ==, 0);
  g_assert_true (g_file_get_contents (page_path, &page, NULL, NULL));
  g_assert_nonnull (strstr (page, "<title>Tutorial</title>"));
  g_assert_nonnull (strstr (page, "<svg"));
  g_assert_nonnull (strstr (page, "2 instances of RandDistribution were registered."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--classes", "--sort", "size,weight", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“weight” is no sort key; the keys are classname, name, birth, death, size, tsize, repr"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--classes", "--limit", "0", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--match", "Dist", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--classes", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A session that tracked nothing says so in a line. */
  g_assert_cmpint (run_heapscope (&out, &err, "--record", untracked, "--python", g_getenv ("HS_TEST_PYTHON"),
                                  untracked_script, "0", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", untracked, "--classes", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "No classes were tracked in this session"));
  g_assert_cmpuint (strlen (strchr (out, '\n')), ==, 1);
}

/* The line of @report's table after @heading whose type is @type ("" if none). */
static char *
diff_row (const char *report,
          const char *heading,
          const char *type)
{
  const char *section = strstr (report, heading);
  g_auto(GStrv) lines = g_strsplit (section != NULL ? section : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *first = g_strstrip (g_strdup (lines[i]));

      if (g_str_has_prefix (first, type) && first[strlen (type)] == ' ')
        return g_strdup (lines[i]);
    }
  return g_strdup ("");
}

/* A run's report says where it peaked, and --from/--to take first, last,
 * peak and times as well as labels: a program nobody instrumented has none. */
static void
test_report_peak_and_times (void)
{
  g_autofree char *script = script_path ("peak.py");
  g_autofree char *path = g_build_filename (tmpdir, "peak.heapscope", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *row = NULL;
  g_autofree char *peak_title = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(HsSample) peak = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *samples;

  g_assert_cmpint (run_heapscope (&out, &err, "--record", path, "--interval", "0.2",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Peak at "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* "peak" is the sample with the most resident memory. */
  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  samples = hs_session_get_samples (session);
  for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (samples, i);

      if (peak == NULL || hs_sample_get_census (sample)->rss > hs_sample_get_census (peak)->rss)
        g_set_object (&peak, sample);
    }
  peak_title = hs_sample_dup_title (peak);
  expected = g_strdup_printf ("Diff from %s to ", peak_title);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--from", "peak", NULL), ==, 0);
  g_assert_nonnull (strstr (out, expected));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The script's snapshot holds the 64 big buffers, the end none of them;
   * a time past the end is the last sample. */
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--from", "holding the big buffers",
                                  "--to", "9999.5s", NULL), ==, 0);
  row = diff_row (out, "Diff from", "bytearray");
  g_assert_nonnull (strstr (row, "|         -64 |"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--from", "0s", "--to", "first", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Diff from"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--to", "12 parsecs", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "nor first, last, peak or a time such as 12.5s"));
}

static gboolean
has_a_sample (gpointer data)
{
  return g_list_model_get_n_items (hs_session_get_samples (data)) > 0;
}

/* The report of a file still being recorded does not call its latest census final. */
static void
test_report_while_recording (void)
{
  g_autofree char *script = script_path ("markers.py");
  g_autofree char *path = g_build_filename (tmpdir, "still-recording.heapscope", NULL);
  const char *arguments[] = { "3600", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(HsSession) session = hs_session_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  spec->interval = 0.2;
  hs_session_record_to (session, path);
  hs_session_start (session, spec);
  test_wait_until (has_a_sample, session);
  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Latest census, the file still being recorded, at "));
  g_assert_null (strstr (out, "Final census"));
  hs_session_stop (session);
  test_wait_until ((TestCondition) hs_session_is_over, session);
}

/* heapscope --print-pythonpath names the folder from which any Python imports
 * heapscope: its sizes work, its markers do nothing. */
static void
test_print_pythonpath (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *python_out = NULL;
  g_autofree char *python_err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) python = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_heapscope (&out, &err, "--print-pythonpath", NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_DIR));

  /* A plain python, not started by Heapscope: no agent, no link. */
  g_subprocess_launcher_unsetenv (launcher, "HEAPSCOPE_FD");
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", out, TRUE);
  python = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HS_TEST_PYTHON"), "-c",
                                        "import heapscope\n"
                                        "heapscope.snapshot('outside')\n"
                                        "print(heapscope.flatsize(1.5), heapscope.asizeof([1.5, 2.5]) > 0)\n",
                                        NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (python, NULL, NULL, &python_out, &python_err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (python));
  g_assert_cmpstr (python_out, ==, "24 True\n");
}


/* Recording into a file the size limit (ulimit -f) stops: heapscope is not
 * killed by SIGXFSZ, says why recording stopped, and the run goes on. */
static void
test_record_file_size_limit (void)
{
  g_autofree char *script = script_path ("markers.py");
  g_autofree char *path = g_build_filename (tmpdir, "limited.heapscope", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = run_heapscope_limited (RLIMIT_FSIZE, 64 * 1024, &out, &err, "--record", path, "--interval", "0.2",
                                  "--python", g_getenv ("HS_TEST_PYTHON"), script, "0.5", "5", NULL);
  g_test_message ("stderr: %s", err);
  g_assert_false (WIFSIGNALED (status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "limited.heapscope"));
  g_assert_nonnull (strstr (err, "file size limit"));
  g_assert_nonnull (strstr (out, " __main__.Marker |       12345 |"));   /* sampled all the same */
}

/* A file made to loop when read: --report refuses it at once instead of
 * hanging (the CPU limit only ends the test if it does). */
static void
test_report_hostile_file (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "hostile.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autoptr(HsCensus) census = hs_census_new (0);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db;
  int status;

  g_assert_no_error (error);
  g_assert_true (hs_store_append_census (store, census, NULL, &error));
  g_clear_pointer (&store, hs_store_close);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE sample;"
                                 "CREATE VIEW sample (id, time, elapsed, objects, bytes, rss, vms, label, final) AS"
                                 " WITH RECURSIVE r (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r)"
                                 " SELECT n, 0.0, 0.0, 0, 0, 0, 0, NULL, 0 FROM r;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  status = run_heapscope_limited (RLIMIT_CPU, 20, &out, &err, "--report", path, NULL);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, "“hostile.heapscope” is damaged"));
  g_assert_nonnull (strstr (err, "view"));
}

/* --report shows the control characters a file's names hold instead of
 * sending them to the terminal. */
static void
test_report_escapes (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "escapes.heapscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsStore) store = hs_store_create (path, &error);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HsCensus) census = hs_census_new (1);

      census->rows[0] = (HsCensusRow) { g_strdup ("clip\033]52;c;ZWNobyBoaQ==\007"), 1 + i, 100 };
      census->objects = 1 + i;
      census->bytes = 100;
      census->label = g_strdup ("\033[2Jlabel");
      g_assert_true (hs_store_append_census (store, census, NULL, &error));
    }
  g_clear_pointer (&store, hs_store_close);

  g_assert_cmpint (run_heapscope (&out, &err, "--report", path, "--from", "\033[2Jlabel", NULL), ==, 0);
  g_assert_null (strchr (out, '\033'));
  g_assert_null (strchr (out, '\007'));
  g_assert_nonnull (strstr (out, "clip\\x1b]52;c;ZWNobyBoaQ==\\x07"));
  g_assert_nonnull (strstr (out, "\\x1b[2Jlabel"));
}

/* The child side of test_sigkill: record a run and report each sample the
 * session receives on stdout, until killed. */
static int
record_until_killed (const char *path)
{
  g_autofree char *script = script_path ("grows.py");
  const char *arguments[] = { "60", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(HsSession) session = hs_session_new ();
  guint reported = 0;

  spec->interval = 0.1;
  hs_session_record_to (session, path);
  hs_session_start (session, spec);
  while (!hs_session_is_over (session))
    {
      guint n = g_list_model_get_n_items (hs_session_get_samples (session));

      g_main_context_iteration (NULL, TRUE);
      if (n != reported)
        {
          printf ("pid %" G_GINT64_FORMAT " samples %u\n", hs_session_get_pid (session), n);
          fflush (stdout);
          reported = n;
        }
    }
  return 1;
}

/* SIGKILL the app mid-run: the file holds every sample it had received. */
static void
test_sigkill (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "killed.heapscope", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, "--record-until-killed", path, NULL };
  g_autoptr(GSubprocess) recorder = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autofree char *status = NULL;
  guint received = 0;
  gint64 child_pid = 0;

  recorder = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (recorder));
  while (received < 6)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_cmpint (sscanf (line, "pid %" G_GINT64_FORMAT " samples %u", &child_pid, &received), ==, 2);
    }
  g_subprocess_send_signal (recorder, SIGKILL);
  g_subprocess_wait (recorder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (recorder));
  kill ((pid_t) child_pid, SIGKILL);

  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, received);
  for (guint i = 0; i < g_list_model_get_n_items (hs_session_get_samples (session)); i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (hs_session_get_samples (session), i);
      g_assert_true (hs_session_load_rows (session, sample, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_RUNNING);
  status = hs_session_dup_status_text (session);
  g_assert_cmpstr (status, ==, "The recording ended while the script was running");
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_console (session)), >, 0);
}

/* Why is it alive: questions about objects against a real child. */

/* Nothing of the agent in an answer: its package, its thread's frames. */
static void
assert_no_agent_objects (HsReply *reply)
{
  for (guint i = 0; i < reply->items->len; i++)
    {
      HsObjectRef *ref = g_ptr_array_index (reply->items, i);

      g_assert_null (strstr (ref->type_name, "heapscope"));
      g_assert_null (strstr (ref->text, "heapscope"));
    }
}

static gboolean
console_says_ready (HsSession *session)
{
  g_autofree char *text = console_text (session, FALSE);

  return strstr (text, "ready") != NULL && hs_session_get_latest_sample (session) != NULL;
}

static void
test_why_alive (void)
{
  g_autofree char *script = script_path ("chain.py");
  g_autofree char *path = g_build_filename (tmpdir, "chain.heapscope", NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, NULL);
  g_autoptr(HsSession) session = hs_session_new ();
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(HsReply) instances = NULL;
  g_autoptr(HsReply) path_reply = NULL;
  g_autoptr(HsReply) referrers = NULL;
  g_autoptr(HsReply) object = NULL;
  g_autoptr(HsReply) stale = NULL;
  g_autoptr(HsReply) offline = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + test_scaled_seconds (60) * G_USEC_PER_SEC;
  HsObjectRef *leaf;
  HsObjectRef *step;
  gboolean list_seen = FALSE;
  gboolean twig_seen = FALSE;

  spec->interval = 0.2;
  hs_session_record_to (session, path);
  hs_session_start (session, spec);
  while (!console_says_ready (session))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_false (hs_session_is_over (session));
      g_main_context_iteration (NULL, TRUE);
    }

  instances = ask (session, hs_session_instances_request (session, "__main__.Leaf", 0, 0, 10, HS_INSTANCE_ORDER_FLAT), &error);
  g_assert_no_error (error);
  g_assert_cmpint (instances->total, ==, 1);
  g_assert_cmpuint (instances->items->len, ==, 1);
  leaf = g_ptr_array_index (instances->items, 0);
  g_assert_cmpstr (leaf->type_name, ==, "__main__.Leaf");
  g_assert_cmpint (leaf->flat, >, 0);
  g_assert_nonnull (strstr (leaf->text, "target"));

  /* module global -> dict -> list -> Leaf */
  path_reply = ask (session, hs_session_path_request (session, leaf->handle), &error);
  g_assert_no_error (error);
  g_assert_true (path_reply->found);
  g_assert_cmpuint (path_reply->items->len, ==, 3);
  step = g_ptr_array_index (path_reply->items, 0);
  g_assert_cmpstr (step->type_name, ==, "list");
  g_assert_cmpint (step->edge, ==, HS_EDGE_INDEX);
  g_assert_cmpint (step->edge_index, ==, 0);
  step = g_ptr_array_index (path_reply->items, 1);
  g_assert_cmpstr (step->type_name, ==, "dict");
  g_assert_cmpint (step->edge, ==, HS_EDGE_KEY);
  g_assert_cmpstr (step->edge_name, ==, "'entry'");
  step = g_ptr_array_index (path_reply->items, 2);
  g_assert_cmpstr (step->type_name, ==, "module(__main__)");
  g_assert_cmpint (step->edge, ==, HS_EDGE_GLOBAL);
  g_assert_cmpstr (step->edge_name, ==, "registry");
  g_assert_cmpint (step->root, ==, HS_ROOT_MODULE);
  assert_no_agent_objects (path_reply);

  referrers = ask (session, hs_session_referrers_request (session, leaf->handle, 100), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < referrers->items->len; i++)
    {
      HsObjectRef *ref = g_ptr_array_index (referrers->items, i);

      list_seen |= g_str_equal (ref->type_name, "list") && ref->edge == HS_EDGE_INDEX;
      twig_seen |= g_str_equal (ref->type_name, "__main__.Twig") && ref->edge == HS_EDGE_ATTRIBUTE &&
                   g_strcmp0 (ref->edge_name, "leaf") == 0;
    }
  g_assert_true (list_seen);
  g_assert_true (twig_seen);
  g_assert_cmpint (referrers->total, ==, referrers->items->len);
  assert_no_agent_objects (referrers);

  object = ask (session, hs_session_object_request (session, leaf->handle, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (object->object->handle, ==, leaf->handle);
  g_assert_cmpint (object->deep, >=, object->object->flat);
  g_assert_nonnull (object->breakdown);
  g_assert_cmpint (object->breakdown->size, ==, object->deep);
  g_assert_cmpint (object->total, >=, 2);     /* name, value (and the class) */
  {
    /* The script's own heapscope.asizeof and flatsize say the same. */
    g_autofree char *output = console_text (session, FALSE);
    const char *sizes = strstr (output, "sizes ");
    long long deep = -1;
    long long flat = -1;

    g_assert_nonnull (sizes);
    g_assert_cmpint (sscanf (sizes, "sizes %lld %lld", &deep, &flat), ==, 2);
    g_assert_cmpint (deep, ==, object->deep);
    g_assert_cmpint (flat, ==, object->object->flat);
  }
  assert_no_agent_objects (object);

  /* Released, the handle names nothing any more. */
  hs_session_release (session, &leaf->handle, 1);
  stale = ask (session, hs_session_object_request (session, leaf->handle, 0), &error);
  g_assert_null (stale);
  g_assert_error (error, HS_REPLY_ERROR, HS_REPLY_ERROR_STALE);
  g_clear_error (&error);

  hs_session_stop (session);
  while (!hs_session_is_over (session))
    g_main_context_iteration (NULL, TRUE);

  /* Reopened, the path is still there; a question never asked is not. */
  reopened = hs_session_load (path, &error);
  g_assert_no_error (error);
  offline = ask (reopened, hs_session_path_request (reopened, leaf->handle), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offline->items->len, ==, 3);
  step = g_ptr_array_index (offline->items, 2);
  g_assert_cmpstr (step->edge_name, ==, "registry");
  g_clear_pointer (&offline, hs_reply_unref);
  offline = ask (reopened, hs_session_referrers_request (reopened, leaf->handle, 5), &error);
  g_assert_null (offline);
  g_assert_error (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
}

/* Held at exit: the script has ended, its final heap answers, and Stop
 * ends the process with the script's own exit code, after its atexit. */

static gboolean
session_is_held (gpointer data)
{
  return hs_session_get_held (data) || hs_session_is_over (data);
}

static void
on_held_notify (HsSession  *session,
                GParamSpec *pspec,
                guint      *count)
{
  (*count)++;
}

static void
test_hold_at_exit (void)
{
  g_autofree char *script = script_path ("held.py");
  const char *arguments[] = { "3", NULL };
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), script, arguments);
  g_autoptr(HsSession) session = hs_session_new ();
  g_autoptr(HsReply) instances = NULL;
  g_autoptr(HsReply) referrers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *console = NULL;
  HsCensus *census;
  HsObjectRef *item;
  HsObjectRef *referrer;
  guint notified = 0;

  spec->interval = 0.2;
  spec->hold = TRUE;
  g_signal_connect (session, "notify::held", G_CALLBACK (on_held_notify), &notified);
  hs_session_start (session, spec);
  g_assert_true (test_wait_for (session_is_held, session, 60));
  g_assert_false (hs_session_is_over (session));
  g_assert_true (hs_session_get_held (session));
  g_assert_cmpuint (notified, ==, 1);
  status = hs_session_dup_status_text (session);
  g_assert_cmpstr (status, ==, "Held at exit — Stop ends it");

  /* The final census came before the hold; the heap is the script's last. */
  census = final_census (session);
  g_assert_nonnull (census);

  instances = ask (session, hs_session_instances_request (session, "__main__.Item", 0, 0, 10, HS_INSTANCE_ORDER_FLAT), &error);
  g_assert_no_error (error);
  g_assert_cmpint (instances->total, ==, 100);
  g_assert_cmpuint (instances->items->len, ==, 10);
  item = g_ptr_array_index (instances->items, 0);
  g_assert_cmpstr (item->type_name, ==, "__main__.Item");

  referrers = ask (session, hs_session_referrers_request (session, item->handle, 100), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (referrers->items->len, ==, 1);
  referrer = g_ptr_array_index (referrers->items, 0);
  g_assert_cmpstr (referrer->type_name, ==, "list");
  g_assert_cmpint (referrer->edge, ==, HS_EDGE_INDEX);
  assert_no_agent_objects (referrers);

  /* Still held a while later: nothing but Stop ends it. */
  g_usleep (G_USEC_PER_SEC / 2);
  test_drain_main_context ();
  g_assert_true (hs_session_get_held (session));

  hs_session_stop (session);
  while (!hs_session_is_over (session))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (hs_session_get_held (session));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 3);
  g_assert_null (hs_session_get_protocol_error (session));
  console = console_text (session, FALSE);
  g_assert_nonnull (strstr (console, "atexit ran with 100 items"));
}

/* Without hold the same script just ends. */
static void
test_no_hold (void)
{
  g_autofree char *script = script_path ("held.py");
  const char *arguments[] = { "3", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);

  g_assert_false (hs_session_get_held (session));
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 3);
}

/* Running as `python script.py args` would: the folder, stdin, -m, signals. */

static void
assert_contains (const char *text,
                 const char *fragment)
{
  if (strstr (text, fragment) == NULL)
    g_error ("“%s” is not in:\n%s", fragment, text);
}

/* A new folder under the test's, by its real path (as os.getcwd() gives it). */
static char *
make_folder (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  char *real;
  char *copy;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  real = realpath (path, NULL);
  g_assert_nonnull (real);
  copy = g_strdup (real);
  free (real);
  return copy;
}


/* The file of json.tool in the test's Python. */
static char *
json_tool_path (void)
{
  const char *argv[] = { g_getenv ("HS_TEST_PYTHON"), "-c",
                         "import json.tool, sys; sys.stdout.write(json.tool.__file__)", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (out, "tool.py"));
  return out;
}

/* From the command line a script runs in the caller's folder, as under
 * python (files it names are found where the caller meant), or in the one
 * --cwd names; a recording keeps the folder. */
static void
test_cli_working_folder (void)
{
  const char *python = g_getenv ("HS_TEST_PYTHON");
  g_autofree char *script = script_path ("launch.py");
  g_autofree char *caller = make_folder ("caller");
  g_autofree char *other = make_folder ("elsewhere");
  g_autofree char *in_caller = g_strdup_printf ("cwd %s\n", caller);
  g_autofree char *in_other = g_strdup_printf ("cwd %s\n", other);
  g_autofree char *path = g_build_filename (tmpdir, "folder.heapscope", NULL);
  g_autofree char *tool = json_tool_path ();
  g_autofree char *input = g_build_filename (caller, "big.json", NULL);
  g_autofree char *output = g_build_filename (caller, "out.json", NULL);
  g_autofree char *pretty = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--headless", "--python", python,
                                     script, "where", NULL), ==, 0);
  assert_contains (out, in_caller);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A relative --cwd is the caller's too. */
  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--headless", "--cwd", "../elsewhere",
                                     "--python", python, script, "where", NULL), ==, 0);
  assert_contains (out, in_other);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--record", path, "--python", python,
                                     script, "where", NULL), ==, 0);
  assert_contains (out, in_caller);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  session = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hs_session_get_launch_spec (session)->working_directory, ==, caller);

  /* A tool given file names relative to where it is called from. */
  g_file_set_contents (input, "[1, {\"a\": 2}]", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--headless", "--python", python,
                                     tool, "big.json", "out.json", NULL), ==, 0);
  g_file_get_contents (output, &pretty, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pretty, ==, "[\n    1,\n    {\n        \"a\": 2\n    }\n]\n");
}

/* Headless and recording, the script reads what is piped to heapscope. */
static void
test_cli_stdin (void)
{
  const char *python = g_getenv ("HS_TEST_PYTHON");
  g_autofree char *script = script_path ("launch.py");
  g_autofree char *path = g_build_filename (tmpdir, "stdin.heapscope", NULL);
  g_autoptr(GString) input = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  for (guint i = 1; i <= 5000; i++)
    g_string_append_printf (input, "%u\n", i);

  g_assert_cmpint (run_heapscope_in (tmpdir, input->str, &out, &err, "--headless", "--python", python,
                                     script, "count", NULL), ==, 0);
  assert_contains (out, "lines 5000\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heapscope_in (tmpdir, input->str, &out, &err, "--record", path, "--python", python,
                                     script, "count", NULL), ==, 0);
  assert_contains (out, "lines 5000\n");
}

/* In the window there is no terminal to read from: stdin ends at once. */
static void
test_window_stdin_closed (void)
{
  g_autofree char *script = script_path ("launch.py");
  const char *arguments[] = { "stdin", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, FALSE);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  assert_contains (console, "stdin ended after 0 bytes\n");
}

/* -m runs a module as python -m does: sys.argv[0] is its file, __spec__ is
 * set, sys.path[0] is the working folder. */
static void
test_cli_module (void)
{
  const char *python = g_getenv ("HS_TEST_PYTHON");
  g_autofree char *script = script_path ("launch.py");
  g_autofree char *scripts = g_path_get_dirname (script);
  g_autofree char *caller = make_folder ("module-caller");
  g_autofree char *input = g_build_filename (caller, "in.json", NULL);
  g_autofree char *output = g_build_filename (caller, "out.json", NULL);
  g_autofree char *expected = g_strdup_printf ("cwd %s\nargv0 %s\npath0 %s\nname __main__ spec launch\nargs ['x', 'y z']\n",
                                               scripts, script, scripts);
  g_autofree char *pretty = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--headless", "--cwd", scripts,
                                     "--python", python, "-m", "launch", "where", "x", "y z", NULL), ==, 0);
  assert_contains (out, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_file_set_contents (input, "{\"b\": [1]}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--headless", "--python", python,
                                     "-m", "json.tool", "--compact", "in.json", "out.json", NULL), ==, 0);
  g_file_get_contents (output, &pretty, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pretty, ==, "{\"b\":[1]}\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* As python says it, with its exit code. */
  g_assert_cmpint (run_heapscope_in (caller, NULL, &out, &err, "--headless", "--python", python,
                                     "-m", "no_such_module_here", NULL), ==, 1);
  assert_contains (err, "No module named no_such_module_here\n");
}

/* The window's Module choice: the same run, recorded as a module's. */
static void
test_module_session (void)
{
  g_autofree char *script = script_path ("launch.py");
  g_autofree char *scripts = g_path_get_dirname (script);
  g_autofree char *path = g_build_filename (tmpdir, "module.heapscope", NULL);
  g_autofree char *expected = g_strdup_printf ("cwd %s\nargv0 %s\npath0 %s\nname __main__ spec launch\n",
                                               scripts, script, scripts);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (g_getenv ("HS_TEST_PYTHON"), "launch", NULL);
  g_autoptr(HsSession) session = hs_session_new ();
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *console = NULL;
  g_autofree char *command = NULL;
  const HsLaunchSpec *recorded;

  spec->module = TRUE;
  spec->working_directory = g_strdup (scripts);
  spec->interval = 0.2;
  hs_session_record_to (session, path);
  hs_session_start (session, spec);
  test_wait_until ((TestCondition) hs_session_is_over, session);
  test_drain_main_context ();
  console = console_text (session, FALSE);
  assert_contains (console, expected);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);

  reopened = hs_session_load (path, &error);
  g_assert_no_error (error);
  recorded = hs_session_get_launch_spec (reopened);
  g_assert_true (recorded->module);
  g_assert_cmpstr (recorded->script, ==, "launch");
  command = hs_launch_spec_get_command_line (recorded);
  g_assert_true (g_str_has_suffix (command, " -m 'launch'"));
}

typedef struct
{
  gboolean  done;
  char     *line;
  GError   *error;
} LineRead;

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &read->error);
  read->done = TRUE;
}

static gboolean
line_read_done (gpointer data)
{
  return ((LineRead *) data)->done;
}

/* The next line of @lines (NULL at the end), waited for on the main context. */
static char *
next_line (GDataInputStream *lines)
{
  LineRead read = { FALSE, NULL, NULL };

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line_read, &read);
  test_wait_until (line_read_done, &read);
  g_assert_no_error (read.error);
  return read.line;
}

/* Reads lines up to "pid N" (the script's); returns N. */
static GPid
read_script_pid (GDataInputStream *lines)
{
  for (;;)
    {
      g_autofree char *line = next_line (lines);
      int pid = 0;

      g_assert_nonnull (line);
      g_test_message ("heapscope: %s", line);
      if (sscanf (line, "pid %d", &pid) == 1)
        return pid;
    }
}

/* Whether process @data is gone: absent, or dead and not yet reaped (an
 * orphan's new parent may be slow to reap it). */
static gboolean
process_gone (gpointer data)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", GPOINTER_TO_INT (data));
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  /* "pid (name) state …": the name may hold spaces and parentheses. */
  end = strrchr (stat, ')');
  return end != NULL && (end[2] == 'Z' || end[2] == 'X');
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Waits for @process, then for the script's process @pid: none outlives it. */
static void
assert_run_ends (GSubprocess *process,
                 GPid         pid,
                 const char  *how)
{
  gboolean exited = FALSE;

  g_subprocess_wait_async (process, NULL, on_waited, &exited);
  test_wait_until (flag_is_set, &exited);
  if (!test_wait_for (process_gone, GINT_TO_POINTER (pid), 30))
    {
      kill (pid, SIGKILL);
      g_error ("the script outlived heapscope (%s)", how);
    }
}

/* SIGTERM or SIGINT to heapscope goes to the script, and the tables are
 * printed as after Stop; after SIGKILL, the script dies with heapscope. */
static void
assert_signal_ends_run (int       signum,
                        gboolean  record)
{
  g_autofree char *script = script_path ("launch.py");
  g_autofree char *heapscope = heapscope_path ();
  g_autofree char *path = g_strdup_printf ("%s/signal-%d.heapscope", tmpdir, signum);
  g_autofree char *how = g_strdup_printf ("%s, %s", g_strsignal (signum), record ? "--record" : "--headless");
  const char *argv[] = { heapscope, record ? "--record" : "--headless", record ? path : "--interval",
                         record ? "--interval" : "0.2", record ? "0.2" : "--python",
                         record ? "--python" : g_getenv ("HS_TEST_PYTHON"),
                         record ? g_getenv ("HS_TEST_PYTHON") : script, record ? script : "wait",
                         record ? "wait" : NULL, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = g_strdup_printf ("Killed by signal %d", signum);
  GPid pid;

  g_test_message ("%s", how);
  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  pid = read_script_pid (lines);

  g_subprocess_send_signal (process, signum);
  assert_run_ends (process, pid, how);
  if (signum == SIGKILL)
    {
      g_assert_true (g_subprocess_get_if_signaled (process));
      return;
    }

  for (char *line; (line = next_line (lines)) != NULL; g_free (line))
    g_string_append_printf (rest, "%s\n", line);
  g_test_message ("%s", rest->str);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 128 + signum);
  assert_contains (rest->str, status);
  if (record)
    assert_contains (rest->str, "Recorded to ");
}

/* heapscope --headless --hold: it says the script is held, and SIGTERM
 * sent to heapscope ends the hold; the exit code is the script's. */
static void
test_cli_hold (void)
{
  g_autofree char *script = script_path ("held.py");
  g_autofree char *heapscope = heapscope_path ();
  const char *argv[] = { heapscope, "--headless", "--hold", "--interval", "0.2", "--python",
                         g_getenv ("HS_TEST_PYTHON"), script, "4", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GPid pid;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  pid = read_script_pid (lines);
  for (;;)
    {
      g_autofree char *line = next_line (lines);

      g_assert_nonnull (line);
      g_test_message ("heapscope: %s", line);
      if (strstr (line, "held at exit") != NULL)
        break;
    }
  g_assert_false (process_gone (GINT_TO_POINTER (pid)));

  g_subprocess_send_signal (process, SIGTERM);
  assert_run_ends (process, pid, "--hold, SIGTERM");
  for (char *line; (line = next_line (lines)) != NULL; g_free (line))
    g_string_append_printf (rest, "%s\n", line);
  g_test_message ("%s", rest->str);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
  assert_contains (rest->str, "atexit ran with 100 items");
  assert_contains (rest->str, "Exited with code 4");
}

static void
test_cli_signals (void)
{
  const int signals[] = { SIGTERM, SIGINT, SIGKILL };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      assert_signal_ends_run (signals[i], FALSE);
      assert_signal_ends_run (signals[i], TRUE);
    }
}

/* In the child: heapscope as a terminal's foreground job, as a shell starts it. */
static void
take_terminal (gpointer data)
{
  setsid ();
  ioctl (STDIN_FILENO, TIOCSCTTY, 0);
}

/* Ctrl+C in a terminal reaches the script as well as heapscope: heapscope
 * must not send it a second one. */
static void
test_terminal_interrupt (void)
{
  g_autofree char *script = script_path ("launch.py");
  g_autofree char *heapscope = heapscope_path ();
  const char *argv[] = { heapscope, "--headless", "--python", g_getenv ("HS_TEST_PYTHON"), script,
                         "interrupts", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GInputStream) terminal = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  int controller = -1;
  int tty = -1;
  GPid pid;

  g_assert_cmpint (openpty (&controller, &tty, NULL, NULL, NULL), ==, 0);
  g_subprocess_launcher_take_stdin_fd (launcher, tty);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (tty));
  g_subprocess_launcher_take_stderr_fd (launcher, dup (tty));
  g_subprocess_launcher_set_child_setup (launcher, take_terminal, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);     /* closes our copies of the terminal's side */

  terminal = g_unix_input_stream_new (controller, FALSE);
  lines = g_data_input_stream_new (terminal);
  pid = read_script_pid (lines);
  g_assert_cmpint (write (controller, "\003", 1), ==, 1);   /* Ctrl+C */
  assert_run_ends (process, pid, "Ctrl+C");

  /* Reading the terminal's side ends with EIO once no one holds it. */
  for (;;)
    {
      LineRead read = { FALSE, NULL, NULL };

      g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line_read, &read);
      test_wait_until (line_read_done, &read);
      if (read.line == NULL)
        {
          g_clear_error (&read.error);
          break;
        }
      g_string_append_printf (rest, "%s\n", read.line);
      g_free (read.line);
    }
  close (controller);
  g_test_message ("%s", rest->str);
  assert_contains (rest->str, "interrupts 1\r\n");
  assert_contains (rest->str, "Exited with code 0");
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (argc == 3 && strcmp (argv[1], "--record-until-killed") == 0)
    return record_until_killed (argv[2]);

  tmpdir = g_dir_make_tmp ("hs-e2e-XXXXXX", NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hs/e2e/markers", test_markers);
  g_test_add_func ("/hs/e2e/exit-code", test_exit_code);
  g_test_add_func ("/hs/e2e/os-exit", test_os_exit);
  g_test_add_func ("/hs/e2e/traceback", test_traceback);
  g_test_add_func ("/hs/e2e/segfault-keeps-samples", test_segfault_keeps_samples);
  g_test_add_func ("/hs/e2e/stop", test_stop);
  g_test_add_func ("/hs/e2e/garbage-from-child", test_garbage_from_child);
  g_test_add_func ("/hs/e2e/link-closed-early", test_link_closed_early);
  g_test_add_func ("/hs/e2e/slow-exit", test_slow_exit);
  g_test_add_func ("/hs/e2e/output-order-and-cwd", test_output_order_and_cwd);
  g_test_add_func ("/hs/e2e/output-interleaved", test_output_interleaved);
  g_test_add_func ("/hs/e2e/output-forged-marker", test_output_forged_marker);
  g_test_add_func ("/hs/e2e/output-fd2", test_output_fd2);
  g_test_add_func ("/hs/e2e/output-line-kept-whole", test_output_line_kept_whole);
  g_test_add_func ("/hs/e2e/output-unfinished-line-gives-way", test_output_unfinished_line_gives_way);
  g_test_add_func ("/hs/e2e/console-demux", test_console_demux);
  g_test_add_func ("/hs/e2e/console-token", test_console_token);
  g_test_add_func ("/hs/e2e/bad-launches", test_bad_launches);
  g_test_add_func ("/hs/e2e/headless", test_headless);
  g_test_add_func ("/hs/e2e/record-round-trip", test_record_round_trip);
  g_test_add_func ("/hs/e2e/record-and-report", test_record_and_report);
  g_test_add_func ("/hs/e2e/report-classes", test_report_classes);
  g_test_add_func ("/hs/e2e/script-graph", test_script_graph);
  g_test_add_func ("/hs/e2e/report-peak-and-times", test_report_peak_and_times);
  g_test_add_func ("/hs/e2e/report-while-recording", test_report_while_recording);
  g_test_add_func ("/hs/e2e/print-pythonpath", test_print_pythonpath);
  g_test_add_func ("/hs/e2e/record-file-size-limit", test_record_file_size_limit);
  g_test_add_func ("/hs/e2e/report-hostile-file", test_report_hostile_file);
  g_test_add_func ("/hs/e2e/report-escapes", test_report_escapes);
  g_test_add_func ("/hs/e2e/sigkill", test_sigkill);
  g_test_add_func ("/hs/e2e/why-alive", test_why_alive);
  g_test_add_func ("/hs/e2e/hold-at-exit", test_hold_at_exit);
  g_test_add_func ("/hs/e2e/no-hold", test_no_hold);
  g_test_add_func ("/hs/e2e/cli-working-folder", test_cli_working_folder);
  g_test_add_func ("/hs/e2e/cli-stdin", test_cli_stdin);
  g_test_add_func ("/hs/e2e/window-stdin-closed", test_window_stdin_closed);
  g_test_add_func ("/hs/e2e/cli-module", test_cli_module);
  g_test_add_func ("/hs/e2e/module-session", test_module_session);
  g_test_add_func ("/hs/e2e/cli-signals", test_cli_signals);
  g_test_add_func ("/hs/e2e/cli-hold", test_cli_hold);
  g_test_add_func ("/hs/e2e/cli-leaks", test_cli_leaks);
  g_test_add_func ("/hs/e2e/cli-why", test_cli_why);
  g_test_add_func ("/hs/e2e/terminal-interrupt", test_terminal_interrupt);

  status = g_test_run ();
  if (status == 0)
    {
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmpdir);
      g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
    }
  return status;
}
