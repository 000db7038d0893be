/* bench-session.c — what the C benchmarks that drive a real HsSession share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "bench-session.h"
#include "hs-console-chunk.h"

static void
print_console (HsSession *session)
{
  GListModel *console = hs_session_get_console (session);

  for (guint i = 0; i < g_list_model_get_n_items (console); i++)
    {
      g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (console, i);

      g_printerr ("  | %s", hs_console_chunk_get_text (chunk));
    }
}

static gboolean
on_wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
bench_iterate (HsSession  *session,
               gint64      deadline,
               const char *what)
{
  static guint wake_up;

  if (wake_up == 0)
    wake_up = g_timeout_add (250, on_wake_up, NULL);
  if (hs_session_is_over (session))
    {
      g_autofree char *status = hs_session_dup_status_text (session);

      g_printerr ("%s: the child ended while waiting for %s: %s\n", g_get_prgname (), what, status);
      print_console (session);
      return FALSE;
    }
  if (hs_session_get_protocol_error (session) != NULL)
    {
      g_printerr ("%s: protocol error while waiting for %s: %s\n",
                  g_get_prgname (), what, hs_session_get_protocol_error (session));
      return FALSE;
    }
  if (g_get_monotonic_time () > deadline)
    {
      g_printerr ("%s: no %s in time\n", g_get_prgname (), what);
      print_console (session);
      return FALSE;
    }
  g_main_context_iteration (NULL, TRUE);
  return TRUE;
}

HsLaunchSpec *
bench_launch_spec (const char        *python,
                   const char        *agent_dir,
                   const char        *script,
                   const char *const *arguments)
{
  HsLaunchSpec *spec;

  if (python == NULL)
    python = g_getenv ("HS_TEST_PYTHON") != NULL ? g_getenv ("HS_TEST_PYTHON") : "python3";
  if (agent_dir == NULL)
    agent_dir = g_getenv ("HS_AGENT_DIR") != NULL ? g_getenv ("HS_AGENT_DIR") : HS_BENCH_AGENT_DIR;
  spec = hs_launch_spec_new (python, script != NULL ? script : HS_BENCH_SCRIPT, arguments);
  spec->agent_dir = g_strdup (agent_dir);
  spec->interval = 3600;
  return spec;
}

void
bench_stop (HsSession *session)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  hs_session_stop (session);
  while (!hs_session_is_over (session) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

void
bench_print_stats (const char *name,
                   GArray     *values)
{
  g_autoptr(GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (double), values->len);
  double median;
  guint n = values->len;

  g_array_append_vals (sorted, values->data, n);
  g_array_sort (sorted, compare_doubles);
  if (n % 2 == 1)
    median = g_array_index (sorted, double, n / 2);
  else
    median = (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
  g_print ("  %-42s %9.1f %9.1f %9.1f\n", name,
           g_array_index (sorted, double, 0) * 1000, median * 1000,
           g_array_index (sorted, double, n - 1) * 1000);
}
