/* bench-referrer-tree.c — how long the referrer tree takes to open, in the app
 *
 * Starts a real Python child under the agent holding the synthetic heap of
 * round_trip_heap.py (N objects, default 1 M) and a fan-out tree: one Target
 * held by F Holders (default 100), each held by F lists of its own. It finds
 * the Target as the Instances page does, then opens the referrer tree the
 * inspector shows: the Target's referrers, then, one after another as a user
 * clicks them open, each Holder's. Each opening is timed from the node's
 * children being asked for (what a row's expander does) until its rows are in
 * the model, on the main thread: the request built, sent by the worker, the
 * agent's answer (the first one builds its referrer index), the reply decoded
 * in the worker and the rows made.
 *
 * Not a test: `meson test --benchmark referrer-tree` runs it. See README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "bench-session.h"
#include "hs-referrer-tree.h"

static int objects = 1000000;
static int fan_out = 100;
static int timeout_seconds = 600;
static char *python = NULL;
static char *agent_dir = NULL;

static const GOptionEntry entries[] = {
  { "objects", 'n', 0, G_OPTION_ARG_INT, &objects, "Objects in the child's synthetic heap (default 1000000)", "N" },
  { "fan-out", 'f', 0, G_OPTION_ARG_INT, &fan_out, "Holders of the target, and lists holding each (default 100)", "F" },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &python, "Interpreter (default $HS_TEST_PYTHON, else python3)", "PATH" },
  { "agent-dir", 0, 0, G_OPTION_ARG_FILENAME, &agent_dir, "Agent directory (default $HS_AGENT_DIR, else the build's)", "DIR" },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_seconds, "Give up after this many seconds (default 600)", "S" },
  { NULL }
};

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HsReply **reply = user_data;
  g_autoptr(GError) error = NULL;

  *reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  if (*reply == NULL)
    g_printerr ("bench-referrer-tree: the instances could not be had: %s\n", error->message);
}

/* Opens @node (asks for its children) and waits until its rows are there;
 * the time it took, or a negative one on failure. */
static double
open_node (HsSession      *session,
           HsReferrerNode *node,
           guint          *n_rows)
{
  gint64 asked_at = g_get_monotonic_time ();
  gint64 deadline = asked_at + (gint64) timeout_seconds * G_USEC_PER_SEC;
  GListModel *children = hs_referrer_node_get_children (node);

  for (;;)
    {
      g_autoptr(HsReferrerNode) first = g_list_model_get_item (children, 0);

      if (first != NULL && hs_referrer_node_get_kind (first) != HS_REFERRER_NODE_LOADING)
        break;
      if (!bench_iterate (session, deadline, "referrers"))
        return -1;
    }
  *n_rows = g_list_model_get_n_items (children);
  return (g_get_monotonic_time () - asked_at) / (double) G_USEC_PER_SEC;
}

/* The rows of @node's children that are objects: @expected of them, or FALSE. */
static gboolean
check_rows (HsReferrerNode *node,
            const char     *type_name,
            guint           expected)
{
  GListModel *children = hs_referrer_node_get_children (node);
  guint n_items = g_list_model_get_n_items (children);
  guint found = 0;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(HsReferrerNode) child = g_list_model_get_item (children, i);

      if (hs_referrer_node_get_kind (child) == HS_REFERRER_NODE_OBJECT &&
          g_strcmp0 (hs_referrer_node_get_ref (child)->type_name, type_name) == 0)
        found++;
    }
  if (found != expected)
    {
      g_printerr ("bench-referrer-tree: %u referrers of type %s where %u were expected\n",
                  found, type_name, expected);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the referrer tree as the window opens it");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsLaunchSpec) spec = NULL;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(HsReply) found = NULL;
  g_autoptr(HsReferrerTree) tree = NULL;
  g_autoptr(HsSample) ready = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(GArray) below = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *objects_arg = NULL;
  g_autofree char *fan_out_arg = NULL;
  const char *arguments[5];
  HsReferrerNode *root;
  GListModel *holders;
  gint64 deadline;
  gint64 tree_started;
  double first, whole;
  guint n_rows;
  int status = EXIT_SUCCESS;

  g_set_prgname ("bench-referrer-tree");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-referrer-tree: %s\n", error->message);
      return 2;
    }
  if (objects < 0 || fan_out < 1 || fan_out > HS_REFERRER_TREE_LIMIT || timeout_seconds < 1)
    {
      g_printerr ("bench-referrer-tree: --objects >= 0, --fan-out in 1..%d and --timeout >= 1\n",
                  HS_REFERRER_TREE_LIMIT);
      return 2;
    }

  objects_arg = g_strdup_printf ("%d", objects);
  fan_out_arg = g_strdup_printf ("%d", fan_out);
  arguments[0] = "--objects";
  arguments[1] = objects_arg;
  arguments[2] = "--fan-out";
  arguments[3] = fan_out_arg;
  arguments[4] = NULL;
  spec = bench_launch_spec (python, agent_dir, NULL, arguments);
  session = hs_session_new ();
  deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
  hs_session_start (session, spec);
  hs_session_set_paused (session, TRUE);
  /* The heap is whole at the script's "ready" snapshot. */
  while (g_list_model_get_n_items (hs_session_get_snapshots (session)) == 0)
    if (!bench_iterate (session, deadline, "\"ready\" snapshot"))
      goto failed;

  request = hs_session_instances_request (session, "__main__.Target", 0, 0, 1, HS_INSTANCE_ORDER_FLAT);
  hs_session_query_async (session, request, NULL, on_reply, &found);
  while (found == NULL)
    if (!bench_iterate (session, deadline, "the target"))
      goto failed;
  if (found->items->len != 1)
    {
      g_printerr ("bench-referrer-tree: no instance of __main__.Target\n");
      goto failed;
    }

  tree = hs_referrer_tree_new (session, g_ptr_array_index (found->items, 0));
  root = hs_referrer_tree_get_root (tree);
  tree_started = g_get_monotonic_time ();
  first = open_node (session, root, &n_rows);
  if (first < 0 || !check_rows (root, "__main__.Holder", fan_out))
    goto failed;
  holders = hs_referrer_node_get_children (root);
  for (guint i = 0; i < g_list_model_get_n_items (holders); i++)
    {
      g_autoptr(HsReferrerNode) holder = g_list_model_get_item (holders, i);
      double opened;

      if (hs_referrer_node_get_kind (holder) != HS_REFERRER_NODE_OBJECT)
        continue;
      opened = open_node (session, holder, &n_rows);
      if (opened < 0 || !check_rows (holder, "list", fan_out))
        goto failed;
      g_array_append_val (below, opened);
    }
  whole = (g_get_monotonic_time () - tree_started) / (double) G_USEC_PER_SEC;

  ready = g_list_model_get_item (hs_session_get_snapshots (session), 0);
  g_print ("bench-referrer-tree: Python %s, %" G_GINT64_FORMAT " objects; the tree of a target held by %d holders, "
           "each held by %d lists, opened node by node (%u openings):\n",
           hs_session_get_python_version (session), hs_sample_get_census (ready)->objects,
           fan_out, fan_out, below->len + 1);
  g_print ("  %-42s %9.1f ms\n", "the target (the agent's index built)", first * 1000);
  g_print ("  %-42s %9s %9s %9s\n", "ms", "min", "median", "max");
  bench_print_stats ("each holder", below);
  g_print ("  %-42s %9.3f s\n", "whole tree", whole);
  goto out;

failed:
  status = EXIT_FAILURE;
out:
  g_clear_object (&tree);
  bench_stop (session);
  g_free (python);
  g_free (agent_dir);
  return status;
}
