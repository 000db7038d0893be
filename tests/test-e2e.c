/* test-e2e.c — real python3 children under the agent, watched by a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "hs-console-chunk.h"
#include "hs-headless.h"
#include "hs-session.h"

static char *
script_path (const char *name)
{
  return g_build_filename (g_getenv ("HS_TEST_SCRIPTS"), name, NULL);
}

static HsSession *
run_session (const char         *interpreter,
             const char         *script,
             const char * const *arguments,
             double              stop_after)
{
  g_autoptr(HsLaunchSpec) spec = NULL;
  HsSession *session = hs_session_new ();
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  gint64 stop_at = stop_after > 0 ? g_get_monotonic_time () + stop_after * G_USEC_PER_SEC : 0;

  spec = hs_launch_spec_new (interpreter != NULL ? interpreter : g_getenv ("HS_TEST_PYTHON"), script, arguments);
  spec->interval = 0.2;
  hs_session_start (session, spec);
  while (!hs_session_is_over (session))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (stop_at != 0 && g_get_monotonic_time () > stop_at)
        {
          hs_session_stop (session);
          stop_at = 0;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  /* Let the last console idle arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return session;
}

static char *
console_text (HsSession *session,
              gboolean   stderr_marked)
{
  GListModel *console = hs_session_get_console (session);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (console); i++)
    {
      g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (console, i);

      if (stderr_marked && hs_console_chunk_is_stderr (chunk))
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

static void
test_markers (void)
{
  g_autofree char *script = script_path ("markers.py");
  const char *arguments[] = { "1.0", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, FALSE);
  HsSample *last = hs_session_get_latest_sample (session);
  const HsCensusRow *row;
  gint64 expected;

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_cmpint (hs_session_get_exit_code (session), ==, 0);
  g_assert_nonnull (last);
  g_assert_true (hs_sample_get_census (last)->final);

  row = hs_census_lookup (hs_sample_get_census (last), "__main__.Marker");
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
  const char *arguments[] = { "segfault", "1.0", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *status = hs_session_dup_status_text (session);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_SIGNALED);
  g_assert_cmpint (hs_session_get_term_signal (session), ==, SIGSEGV);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 2);
  g_assert_nonnull (strstr (status, "signal 11"));
}

static void
test_stop (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "sleep", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 1.5);

  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_SIGNALED);
  g_assert_cmpint (hs_session_get_term_signal (session), ==, SIGTERM);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 1);
}

static void
test_garbage_from_child (void)
{
  g_autofree char *script = script_path ("fails.py");
  const char *arguments[] = { "garbage", "0.6", NULL };
  g_autoptr(HsSession) session = run_session (NULL, script, arguments, 0);
  g_autofree char *console = console_text (session, FALSE);

  g_assert_nonnull (hs_session_get_protocol_error (session));
  g_assert_cmpint (hs_session_get_state (session), ==, HS_SESSION_STATE_EXITED);
  g_assert_nonnull (strstr (console, "still running after the garbage"));
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (session)), >=, 1);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hs/e2e/markers", test_markers);
  g_test_add_func ("/hs/e2e/exit-code", test_exit_code);
  g_test_add_func ("/hs/e2e/os-exit", test_os_exit);
  g_test_add_func ("/hs/e2e/traceback", test_traceback);
  g_test_add_func ("/hs/e2e/segfault-keeps-samples", test_segfault_keeps_samples);
  g_test_add_func ("/hs/e2e/stop", test_stop);
  g_test_add_func ("/hs/e2e/garbage-from-child", test_garbage_from_child);
  g_test_add_func ("/hs/e2e/output-order-and-cwd", test_output_order_and_cwd);
  g_test_add_func ("/hs/e2e/bad-launches", test_bad_launches);
  g_test_add_func ("/hs/e2e/headless", test_headless);

  return g_test_run ();
}
