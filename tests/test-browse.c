/* test-browse.c — the models of "why is it alive?" against a fake agent:
 * paged instances, the referrer tree, its text, the path to a root, offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fake-agent.h"
#include "hs-instance-list.h"
#include "hs-referrer-tree.h"
#include "test-query.h"

typedef struct
{
  HsSession *session;
  FakeAgent *agent;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->session = hs_session_new ();
  fixture->agent = fake_agent_start (fixture->session, data);
}

static gboolean
session_is_over (gpointer data)
{
  return hs_session_is_over (data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fake_agent_end (fixture->agent);
  g_assert_true (fake_agent_wait (session_is_over, fixture->session));
  fake_agent_free (fixture->agent);
  g_clear_object (&fixture->session);
}

typedef struct
{
  guint position, removed, added;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static gboolean
list_settled (gpointer data)
{
  return !hs_instance_list_get_loading (data);
}

static gboolean
item_loaded (gpointer data)
{
  return hs_object_item_get_loaded (data);
}

typedef struct
{
  FakeAgent *agent;
  gint64     handle;
} Released;

static gboolean
was_released (gpointer data)
{
  Released *released = data;

  return fake_agent_was_released (released->agent, released->handle);
}

/* The list has a row for every instance, but asks only for the pages looked at. */
static void
test_instances_paging (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  HsInstanceList *list = hs_instance_list_new (fixture->session, "str", HS_INSTANCE_ORDER_FLAT);
  g_autoptr(HsObjectItem) first = NULL;
  g_autoptr(HsObjectItem) far = NULL;
  g_autoptr(HsObjectItem) near = NULL;
  Released released = { fixture->agent, 900 };
  Change change;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), changes);
  g_assert_true (hs_instance_list_get_loading (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_true (fake_agent_wait (list_settled, list));
  g_assert_null (hs_instance_list_get_error (list));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
  g_assert_cmpuint (changes->len, ==, 1);
  change = g_array_index (changes, Change, 0);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1000);
  g_assert_cmpuint (hs_instance_list_get_n_requests (list), ==, 1);

  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (hs_object_item_get_loaded (first));
  g_assert_cmpint (hs_object_item_get_ref (first)->handle, ==, 1);
  g_assert_cmpstr (hs_object_item_get_ref (first)->text, ==, "'target'");

  /* Row 500 is on the third page: a placeholder, filled in place. */
  far = g_list_model_get_item (G_LIST_MODEL (list), 500);
  g_assert_false (hs_object_item_get_loaded (far));
  g_assert_cmpuint (hs_instance_list_get_n_requests (list), ==, 2);
  g_assert_true (fake_agent_wait (item_loaded, far));
  g_assert_cmpint (fake_agent_last_offset (fixture->agent), ==, 400);
  g_assert_cmpint (hs_object_item_get_ref (far)->handle, ==, 2500);
  g_assert_cmpstr (hs_object_item_get_ref (far)->text, ==, "'s500'");
  near = g_list_model_get_item (G_LIST_MODEL (list), 510);
  g_assert_true (hs_object_item_get_loaded (near));
  g_assert_cmpuint (hs_instance_list_get_n_requests (list), ==, 2);
  /* Filling rows is no change of rows. */
  g_assert_cmpuint (changes->len, ==, 1);

  /* Let go of, the list and what it showed are released. */
  g_signal_handlers_disconnect_by_data (list, changes);
  g_assert_finalize_object (list);
  g_assert_true (fake_agent_wait (was_released, &released));
  released.handle = 2500;
  g_assert_true (fake_agent_wait (was_released, &released));
  g_assert_true (fake_agent_was_released (fixture->agent, 1));
}

/* The agent holds what a handle names: a page no row uses any more gives its
 * handles back, the list and the pages in use keep theirs, and a page let go
 * of is asked for again when looked at. */
static void
test_instances_pages_let_go (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(HsInstanceList) list = hs_instance_list_new (fixture->session, "str", HS_INSTANCE_ORDER_FLAT);
  g_autoptr(HsObjectItem) shown = NULL;
  HsObjectItem *scrolled;
  Released released = { fixture->agent, 2250 };

  g_assert_true (fake_agent_wait (list_settled, list));
  shown = g_list_model_get_item (G_LIST_MODEL (list), 0);
  scrolled = g_list_model_get_item (G_LIST_MODEL (list), 250);
  g_assert_true (fake_agent_wait (item_loaded, scrolled));
  g_assert_cmpint (hs_object_item_get_ref (scrolled)->handle, ==, 2250);
  g_assert_cmpuint (hs_instance_list_get_n_requests (list), ==, 2);

  /* Scrolled away: nothing shows the second page any more. */
  g_object_unref (scrolled);
  g_assert_true (fake_agent_wait (was_released, &released));
  g_assert_true (fake_agent_was_released (fixture->agent, 2399));
  g_assert_false (fake_agent_was_released (fixture->agent, 1));
  g_assert_false (fake_agent_was_released (fixture->agent, 2199));
  g_assert_false (fake_agent_was_released (fixture->agent, 900));
  g_assert_true (hs_object_item_get_loaded (shown));

  /* Scrolled back: asked for again, from the same list. */
  scrolled = g_list_model_get_item (G_LIST_MODEL (list), 250);
  g_assert_false (hs_object_item_get_loaded (scrolled));
  g_assert_cmpuint (hs_instance_list_get_n_requests (list), ==, 3);
  g_assert_true (fake_agent_wait (item_loaded, scrolled));
  g_assert_cmpstr (hs_object_item_get_ref (scrolled)->text, ==, "'s250'");
  g_object_unref (scrolled);
}

static gboolean
has_error (gpointer data)
{
  return hs_instance_list_get_error (data) != NULL;
}

static void
test_instances_empty_and_stale (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(HsInstanceList) empty = hs_instance_list_new (fixture->session, "__main__.Empty", HS_INSTANCE_ORDER_FLAT);
  g_autoptr(HsInstanceList) gone = hs_instance_list_new (fixture->session, "gone", HS_INSTANCE_ORDER_FLAT);

  g_assert_true (fake_agent_wait (list_settled, empty));
  g_assert_null (hs_instance_list_get_error (empty));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (empty)), ==, 0);

  g_assert_true (fake_agent_wait (has_error, gone));
  g_assert_false (hs_instance_list_get_loading (gone));
  g_assert_error ((GError *) hs_instance_list_get_error (gone), HS_REPLY_ERROR, HS_REPLY_ERROR_STALE);
  g_assert_cmpstr (hs_instance_list_get_error (gone)->message, ==, "This object no longer exists");
}

static gboolean
saw_cancel (gpointer data)
{
  return fake_agent_saw_cancel (data);
}

static gboolean
asked_instances (gpointer data)
{
  return fake_agent_count (data, "instances") > 0;
}

/* Deep sizes may be slow: cancelling stops waiting and tells the agent. */
static void
test_instances_cancel (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(HsInstanceList) list = NULL;

  fake_agent_hold_deep (fixture->agent, TRUE);
  list = hs_instance_list_new (fixture->session, "str", HS_INSTANCE_ORDER_DEEP);
  g_assert_cmpint (hs_instance_list_get_order (list), ==, HS_INSTANCE_ORDER_DEEP);
  g_assert_true (hs_instance_list_get_loading (list));
  g_assert_true (fake_agent_wait (asked_instances, fixture->agent));
  hs_instance_list_cancel (list);
  g_assert_true (fake_agent_wait (list_settled, list));
  g_assert_error ((GError *) hs_instance_list_get_error (list), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (fake_agent_wait (saw_cancel, fixture->agent));
}

/* Referrer tree */

static HsObjectRef *
object_ref (gint64      handle,
            const char *type_name)
{
  HsObjectRef *ref = hs_object_ref_new ();

  ref->handle = handle;
  ref->type_name = g_strdup (type_name);
  ref->text = g_strdup (type_name);
  return ref;
}

static gboolean
is_loaded (gpointer data)
{
  g_autoptr(HsReferrerNode) first = g_list_model_get_item (data, 0);

  return first != NULL && hs_referrer_node_get_kind (first) != HS_REFERRER_NODE_LOADING;
}

static gboolean
last_loaded (gpointer data)
{
  guint n_items = g_list_model_get_n_items (data);
  g_autoptr(HsReferrerNode) last = n_items > 0 ? g_list_model_get_item (data, n_items - 1) : NULL;

  return last != NULL && hs_referrer_node_get_kind (last) != HS_REFERRER_NODE_LOADING;
}

/* Expands @node and waits for its referrers. */
static GListModel *
expand (HsReferrerNode *node)
{
  GListModel *children = hs_referrer_node_get_children (node);

  g_assert_nonnull (children);
  g_list_model_get_n_items (children);
  g_assert_true (fake_agent_wait (is_loaded, children));
  return children;
}

static HsReferrerNode *
child (GListModel *children,
       guint       position)
{
  HsReferrerNode *node = g_list_model_get_item (children, position);

  g_object_unref (node);   /* the model keeps it */
  return node;
}

static void
assert_row (HsReferrerNode *node,
            gint64          handle,
            const char     *type_name,
            const char     *edge)
{
  g_autofree char *described = hs_object_ref_describe_edge (hs_referrer_node_get_ref (node));

  g_assert_cmpint (hs_referrer_node_get_kind (node), ==, HS_REFERRER_NODE_OBJECT);
  g_assert_cmpint (hs_referrer_node_get_ref (node)->handle, ==, handle);
  g_assert_cmpstr (hs_referrer_node_get_ref (node)->type_name, ==, type_name);
  g_assert_cmpstr (described, ==, edge);
}

static void
test_tree_expand (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(HsObjectRef) target = object_ref (1, "str");
  g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, target);
  HsReferrerNode *root = hs_referrer_tree_get_root (tree);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  GListModel *children;
  GListModel *level2;
  GListModel *cycle;
  GListModel *dict;
  HsReferrerNode *module;

  g_assert_cmpuint (g_list_model_get_n_items (hs_referrer_tree_get_roots (tree)), ==, 1);
  g_assert_true (hs_referrer_node_is_expandable (root));

  /* Probing for children asks nothing; counting them does. */
  children = hs_referrer_node_get_children (root);
  g_assert_cmpuint (fake_agent_count (fixture->agent, "referrers"), ==, 0);
  g_signal_connect (children, "items-changed", G_CALLBACK (on_items_changed), changes);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 1);
  g_assert_cmpint (hs_referrer_node_get_kind (child (children, 0)), ==, HS_REFERRER_NODE_LOADING);
  g_assert_true (fake_agent_wait (is_loaded, children));
  g_assert_cmpuint (fake_agent_count (fixture->agent, "referrers"), ==, 1);
  /* The loading row was there when counted; the answer replaces it. */
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 2);
  g_signal_handlers_disconnect_by_data (children, changes);

  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 2);
  assert_row (child (children, 0), 2, "list", "index 0");
  assert_row (child (children, 1), 6, "__main__.Holder", "attribute name");
  g_assert_true (hs_referrer_node_get_parent (child (children, 0)) == root);
  g_assert_cmpuint (hs_referrer_node_get_depth (child (children, 0)), ==, 1);

  level2 = expand (child (children, 0));
  g_assert_cmpuint (g_list_model_get_n_items (level2), ==, 2);
  assert_row (child (level2, 0), 3, "dict", "key items");
  assert_row (child (level2, 1), 5, "list", "index 0");

  /* 5 is held by 2, already on the way up: a cycle, not expandable. */
  cycle = expand (child (level2, 1));
  assert_row (child (cycle, 0), 2, "list", "index 1");
  g_assert_true (hs_referrer_node_is_cycle (child (cycle, 0)));
  g_assert_false (hs_referrer_node_is_expandable (child (cycle, 0)));
  g_assert_null (hs_referrer_node_get_children (child (cycle, 0)));

  /* A module is a root: marked, nothing above it. */
  dict = expand (child (level2, 0));
  module = child (dict, 0);
  assert_row (module, 4, "module", "attribute __dict__");
  g_assert_cmpint (hs_referrer_node_get_ref (module)->root, ==, HS_ROOT_MODULE);
  g_assert_false (hs_referrer_node_is_expandable (module));
  g_assert_false (hs_referrer_node_is_cycle (module));
}

static void
test_tree_more (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(HsObjectRef) seven = object_ref (7, "int");
  g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, seven);
  GListModel *children = expand (hs_referrer_tree_get_root (tree));
  HsReferrerNode *more;
  g_autofree char *label = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (children), ==, HS_REFERRER_TREE_LIMIT + 1);
  more = child (children, HS_REFERRER_TREE_LIMIT);
  g_assert_cmpint (hs_referrer_node_get_kind (more), ==, HS_REFERRER_NODE_MORE);
  g_assert_cmpint (hs_referrer_node_get_n_more (more), ==, 150);
  g_assert_false (hs_referrer_node_is_expandable (more));
  label = hs_referrer_node_dup_label (more);
  g_assert_cmpstr (label, ==, "150 more…");

  /* Asking for more keeps the rows listed and adds the rest in its place. */
  g_assert_true (hs_referrer_node_can_load_more (more));
  hs_referrer_node_load_more (more);
  g_assert_true (fake_agent_wait (last_loaded, children));
  g_assert_cmpuint (fake_agent_count (fixture->agent, "referrers"), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 250);
  for (guint i = 0; i < 250; i++)
    g_assert_cmpint (hs_referrer_node_get_ref (child (children, i))->handle, ==, 10000 + i);
}

static gboolean
always (HsReferrerNode *node,
        gpointer        data)
{
  return TRUE;
}

static gboolean
not_holder (HsReferrerNode *node,
            gpointer        data)
{
  return hs_referrer_node_get_ref (node)->handle != 6;
}

/* The expanded tree, as Pympler's ConsoleBrowser prints it. */
static void
test_tree_format (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(HsObjectRef) target = object_ref (1, "str");
  g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, target);
  GListModel *children = expand (hs_referrer_tree_get_root (tree));
  GListModel *level2 = expand (child (children, 0));
  g_autofree char *text = NULL;
  g_autofree char *collapsed = NULL;

  expand (child (level2, 0));
  expand (child (level2, 1));
  expand (child (children, 1));
  text = hs_referrer_tree_format (tree, always, NULL);
  g_assert_cmpstr (text, ==,
                   "str-+-list-+-dict--module(__main__)\n"
                   "    |      +-list--list\n"
                   "    |\n"
                   "    +-__main__.Holder--dict\n");
  /* Only what is expanded is written. */
  collapsed = hs_referrer_tree_format (tree, not_holder, NULL);
  g_assert_cmpstr (collapsed, ==,
                   "str-+-list-+-dict--module(__main__)\n"
                   "    |      +-list--list\n"
                   "    |\n"
                   "    +-__main__.Holder\n");
}

/* The expanded tree a branch a line, keeping what Pympler's layout drops:
 * how each referrer holds the one before it, which is a root, a cycle. */
static void
test_tree_format_branches (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(HsObjectRef) target = object_ref (1, "str");
  g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, target);
  GListModel *children = expand (hs_referrer_tree_get_root (tree));
  GListModel *level2 = expand (child (children, 0));
  g_autofree char *text = NULL;
  g_autofree char *collapsed = NULL;
  g_autofree char *report = NULL;

  expand (child (level2, 0));
  expand (child (level2, 1));
  expand (child (children, 1));
  text = hs_referrer_tree_format_branches (tree, always, NULL);
  g_assert_cmpstr (text, ==,
                   "str <- list [index 0] <- dict [key items] <- module(__main__) [attribute __dict__] (root: module)\n"
                   "                      <- list [index 0] <- list [index 1] (cycle)\n"
                   "    <- __main__.Holder [attribute name] <- dict [key holder]\n");
  collapsed = hs_referrer_tree_format_branches (tree, not_holder, NULL);
  g_assert_cmpstr (collapsed, ==,
                   "str <- list [index 0] <- dict [key items] <- module(__main__) [attribute __dict__] (root: module)\n"
                   "                      <- list [index 0] <- list [index 1] (cycle)\n"
                   "    <- __main__.Holder [attribute name]\n");

  /* What Copy and Save as Text write without a path: both layouts. */
  report = hs_referrer_tree_format_report (tree, NULL, FALSE, NULL, not_holder, NULL);
  g_assert_cmpstr (report, ==,
                   "Referrers, as expanded:\n"
                   "str <- list [index 0] <- dict [key items] <- module(__main__) [attribute __dict__] (root: module)\n"
                   "                      <- list [index 0] <- list [index 1] (cycle)\n"
                   "    <- __main__.Holder [attribute name]\n"
                   "\n"
                   "In the layout of Pympler’s ConsoleBrowser:\n"
                   "str-+-list-+-dict--module(__main__)\n"
                   "    |      +-list--list\n"
                   "    |\n"
                   "    +-__main__.Holder\n");
}

typedef struct
{
  GPtrArray *nodes;
  gboolean   found;
  char      *unreached;
  GError    *error;
  gboolean   done;
} PathResult;

static void
on_path (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  PathResult *outcome = user_data;

  outcome->nodes = hs_referrer_tree_find_path_finish (HS_REFERRER_TREE (source), result,
                                                      &outcome->found, &outcome->unreached, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
path_done (gpointer data)
{
  return ((PathResult *) data)->done;
}

static void
test_tree_path (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(HsObjectRef) target = object_ref (1, "str");
  g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, target);
  static const gint64 chain[] = { 1, 2, 3, 4 };
  PathResult outcome = { 0 };
  GListModel *children;

  hs_referrer_tree_find_path_async (tree, NULL, on_path, &outcome);
  g_assert_true (fake_agent_wait (path_done, &outcome));
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.found);
  g_assert_null (outcome.unreached);
  g_assert_cmpuint (outcome.nodes->len, ==, 4);
  g_assert_true (g_ptr_array_index (outcome.nodes, 0) == hs_referrer_tree_get_root (tree));
  for (guint i = 1; i < 4; i++)
    {
      HsReferrerNode *node = g_ptr_array_index (outcome.nodes, i);

      g_assert_cmpint (hs_referrer_node_get_ref (node)->handle, ==, chain[i]);
      g_assert_true (hs_referrer_node_get_parent (node) == g_ptr_array_index (outcome.nodes, i - 1));
    }
  /* The chain is the tree's own rows. */
  children = hs_referrer_node_get_children (hs_referrer_tree_get_root (tree));
  g_assert_true (child (children, 0) == g_ptr_array_index (outcome.nodes, 1));

  /* As text, a line with each edge and the root's kind. */
  {
    g_autofree char *line = hs_referrer_path_format (outcome.nodes);
    g_autofree char *report = NULL;
    g_autofree char *unfinished = NULL;

    g_assert_cmpstr (line, ==,
                     "str <- list [index 0] <- dict [key items] <- module(__main__) [attribute __dict__] (root: module)\n");
    report = hs_referrer_tree_format_report (tree, outcome.nodes, TRUE, NULL, always, NULL);
    g_assert_true (g_str_has_prefix (report,
                                     "Path to a root:\n"
                                     "str <- list [index 0] <- dict [key items] <- module(__main__) [attribute __dict__] (root: module)\n"
                                     "\n"
                                     "Referrers, as expanded:\n"));
    unfinished = hs_referrer_tree_format_report (tree, outcome.nodes, FALSE, NULL, always, NULL);
    g_assert_true (g_str_has_prefix (unfinished, "Path as far as the search went (no root reached):\nstr <- list"));
  }
  g_ptr_array_unref (outcome.nodes);
}

/* A class holding the object in a class attribute: a root titled by the
 * class's name, not its type ("type"), in its row, the path and the text. */
static void
test_tree_class_root (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(HsObjectRef) item = object_ref (20, "__main__.Item");
  g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, item);
  GListModel *children = expand (hs_referrer_tree_get_root (tree));
  GListModel *level2;
  HsReferrerNode *registry;
  const HsObjectRef *ref;
  g_autofree char *title = NULL;
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pympler = NULL;
  PathResult outcome = { 0 };

  assert_row (child (children, 0), 21, "list", "index 0");
  g_assert_null (hs_referrer_node_get_ref (child (children, 0))->name);
  level2 = expand (child (children, 0));
  registry = child (level2, 0);
  assert_row (registry, 22, "type", "class attribute items");
  ref = hs_referrer_node_get_ref (registry);
  g_assert_cmpint (ref->root, ==, HS_ROOT_CLASS);
  g_assert_cmpstr (ref->name, ==, "__main__.Registry");
  g_assert_false (hs_referrer_node_is_expandable (registry));
  /* The row's title, and the label of the breadcrumb and the text. */
  title = hs_object_ref_dup_title (ref);
  g_assert_cmpstr (title, ==, "class __main__.Registry");
  label = hs_referrer_node_dup_label (registry);
  g_assert_cmpstr (label, ==, "class __main__.Registry");
  text = hs_referrer_tree_format_branches (tree, always, NULL);
  g_assert_cmpstr (text, ==,
                   "__main__.Item <- list [index 0] <- class __main__.Registry [class attribute items] (root: class)\n");
  pympler = hs_referrer_tree_format (tree, always, NULL);
  g_assert_cmpstr (pympler, ==, "__main__.Item--list--class __main__.Registry\n");

  /* The path ends at the class, named as in the tree. */
  hs_referrer_tree_find_path_async (tree, NULL, on_path, &outcome);
  g_assert_true (fake_agent_wait (path_done, &outcome));
  g_assert_no_error (outcome.error);
  g_assert_true (outcome.found);
  g_assert_cmpuint (outcome.nodes->len, ==, 3);
  g_assert_true (g_ptr_array_index (outcome.nodes, 2) == registry);
  {
    g_autofree char *crumb = hs_referrer_node_dup_label (g_ptr_array_index (outcome.nodes, 2));
    g_autofree char *line = hs_referrer_path_format (outcome.nodes);

    g_assert_cmpstr (crumb, ==, "class __main__.Registry");
    g_assert_cmpstr (line, ==,
                     "__main__.Item <- list [index 0] <- class __main__.Registry [class attribute items] (root: class)\n");
  }
  g_ptr_array_unref (outcome.nodes);
}

/* No root holds the object: the path says why, when the agent can tell (a
 * cycle not collected yet, held from C code, let go), in a sentence for the
 * page and under a heading of its own in the text, in place of a chain. */
static void
test_tree_path_unreached (Fixture       *fixture,
                          gconstpointer  data)
{
  struct { gint64 handle; const char *type; const char *why; } cases[] = {
    { 30, "__main__.Node", "Garbage the collector has not freed yet (a reference cycle)" },
    { 31, "__main__.Request", "Held from C code by function (on_exit) (signal handler for SIGUSR1)" },
    { 33, "__main__.Dropped", "Held only by Heapscope: the program let it go" },
    { 6, "__main__.Holder", NULL },     /* an agent that cannot tell */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HsObjectRef) target = object_ref (cases[i].handle, cases[i].type);
      g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture->session, target);
      PathResult outcome = { 0 };
      g_autofree char *report = NULL;
      g_autofree char *expected = NULL;

      hs_referrer_tree_find_path_async (tree, NULL, on_path, &outcome);
      g_assert_true (fake_agent_wait (path_done, &outcome));
      g_assert_no_error (outcome.error);
      g_assert_false (outcome.found);
      g_assert_cmpstr (outcome.unreached, ==, cases[i].why);
      g_assert_cmpuint (outcome.nodes->len, ==, 1);
      report = hs_referrer_tree_format_report (tree, outcome.nodes, FALSE, outcome.unreached, not_holder, NULL);
      if (cases[i].why != NULL)
        expected = g_strdup_printf ("Why no root was reached:\n%s\n\nReferrers, as expanded:\n", cases[i].why);
      else
        expected = g_strdup_printf ("Path as far as the search went (no root reached):\n%s\n\nReferrers, as expanded:\n",
                                    cases[i].type);
      if (!g_str_has_prefix (report, expected))
        g_error ("handle %lld: the report begins otherwise:\n%s", (long long) cases[i].handle, report);
      g_ptr_array_unref (outcome.nodes);
      g_free (outcome.unreached);
    }
}

/* Handles shown twice are released when neither shows them. */
static void
test_handles_counted (Fixture       *fixture,
                      gconstpointer  data)
{
  gint64 handle = 6;
  Released released = { fixture->agent, 6 };

  hs_session_hold_handles (fixture->session, &handle, 1);
  hs_session_hold_handles (fixture->session, &handle, 1);
  hs_session_drop_handles (fixture->session, &handle, 1);
  hs_session_drop_handles (fixture->session, &handle, 1);
  g_assert_true (fake_agent_wait (was_released, &released));
  g_assert_false (fake_agent_was_released (fixture->agent, 5));
}

/* Object details */

typedef struct
{
  HsObjectDetails *details;
  GError          *error;
  gboolean         done;
} Described;

static void
on_described (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Described *described = user_data;

  described->details = hs_session_describe_object_finish (HS_SESSION (source), result, &described->error);
  described->done = TRUE;
}

static gboolean
is_described (gpointer data)
{
  return ((Described *) data)->done;
}

/* What the inspector asks: an object's sizes, their breakdown and its
 * referents, typed; a stale handle and a cancelled question are errors. */
static void
test_describe_object (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Described list = { 0 };
  Described stale = { 0 };
  Described cancelled = { 0 };
  const HsObjectRef *ref;

  hs_session_describe_object_async (fixture->session, 2, 1, NULL, on_described, &list);
  g_assert_true (fake_agent_wait (is_described, &list));
  g_assert_no_error (list.error);
  g_assert_cmpint (list.details->object->handle, ==, 2);
  g_assert_cmpstr (list.details->object->type_name, ==, "list");
  g_assert_cmpint (list.details->object->flat, ==, 72);
  g_assert_cmpint (list.details->basic, ==, 64);
  g_assert_cmpint (list.details->item, ==, 8);
  g_assert_cmpint (list.details->deep, ==, 720);
  g_assert_cmpint (list.details->breakdown->size, ==, 720);
  g_assert_cmpuint (list.details->breakdown->children->len, ==, 2);
  g_assert_cmpuint (((HsSizeNode *) g_ptr_array_index (list.details->breakdown->children, 0))->children->len, ==, 0);
  g_assert_cmpint (list.details->n_referents, ==, 2);
  g_assert_cmpuint (list.details->referents->len, ==, 2);
  ref = g_ptr_array_index (list.details->referents, 0);
  g_assert_cmpint (ref->handle, ==, 1);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_REFERENT);
  ref = g_ptr_array_index (list.details->referents, 1);
  g_assert_cmpint (ref->handle, ==, 5);
  g_clear_pointer (&list.details, hs_object_details_unref);

  hs_session_describe_object_async (fixture->session, 99, 1, NULL, on_described, &stale);
  g_assert_true (fake_agent_wait (is_described, &stale));
  g_assert_null (stale.details);
  g_assert_error (stale.error, HS_REPLY_ERROR, HS_REPLY_ERROR_STALE);
  g_clear_error (&stale.error);

  hs_session_describe_object_async (fixture->session, 2, 1, cancellable, on_described, &cancelled);
  g_cancellable_cancel (cancellable);
  g_assert_true (fake_agent_wait (is_described, &cancelled));
  g_assert_null (cancelled.details);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&cancelled.error);
}

/* A reopened session shows what was browsed, and says the rest is gone. */
static void
test_offline (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hs-test-browse-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "browsed.heapscope", NULL);
  g_autoptr(HsObjectRef) target = object_ref (1, "str");
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture = { 0 };

  fixture_set_up (&fixture, path);
  {
    g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (fixture.session, target);
    g_autoptr(HsInstanceList) list = hs_instance_list_new (fixture.session, "str", HS_INSTANCE_ORDER_FLAT);

    g_autoptr(HsObjectRef) seven = object_ref (7, "int");
    g_autoptr(HsReferrerTree) crowded = hs_referrer_tree_new (fixture.session, seven);

    expand (hs_referrer_tree_get_root (tree));
    expand (hs_referrer_tree_get_root (crowded));
    g_assert_true (fake_agent_wait (list_settled, list));
  }
  fixture_tear_down (&fixture, NULL);

  reopened = hs_session_load (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(HsReferrerTree) tree = hs_referrer_tree_new (reopened, target);
    g_autoptr(HsInstanceList) list = hs_instance_list_new (reopened, "str", HS_INSTANCE_ORDER_FLAT);
    g_autoptr(HsInstanceList) deep = hs_instance_list_new (reopened, "str", HS_INSTANCE_ORDER_DEEP);
    GListModel *children = expand (hs_referrer_tree_get_root (tree));
    GListModel *unseen;

    assert_row (child (children, 0), 2, "list", "index 0");
    unseen = expand (child (children, 1));
    g_assert_cmpint (hs_referrer_node_get_kind (child (unseen, 0)), ==, HS_REFERRER_NODE_ERROR);
    g_assert_true (g_str_has_prefix (hs_referrer_node_get_message (child (unseen, 0)), "The process has ended"));
    g_assert_true (hs_referrer_node_process_ended (child (unseen, 0)));

    /* More than was asked while it ran: the rows stay, the process has ended. */
    {
      g_autoptr(HsObjectRef) seven = object_ref (7, "int");
      g_autoptr(HsReferrerTree) crowded = hs_referrer_tree_new (reopened, seven);
      GListModel *tuples = expand (hs_referrer_tree_get_root (crowded));

      g_assert_cmpuint (g_list_model_get_n_items (tuples), ==, HS_REFERRER_TREE_LIMIT + 1);
      hs_referrer_node_load_more (child (tuples, HS_REFERRER_TREE_LIMIT));
      g_assert_true (fake_agent_wait (last_loaded, tuples));
      g_assert_cmpuint (g_list_model_get_n_items (tuples), ==, HS_REFERRER_TREE_LIMIT + 1);
      g_assert_cmpint (hs_referrer_node_get_kind (child (tuples, 0)), ==, HS_REFERRER_NODE_OBJECT);
      g_assert_true (hs_referrer_node_process_ended (child (tuples, HS_REFERRER_TREE_LIMIT)));
    }

    g_assert_true (fake_agent_wait (list_settled, list));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
    g_assert_true (fake_agent_wait (list_settled, deep));
    g_assert_error ((GError *) hs_instance_list_get_error (deep), HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
  }
  g_clear_object (&reopened);
  g_remove (path);
  g_rmdir (tmpdir);
}

/* Once the process has ended, a run keeps its latest answers in memory, and a
 * recorded run every answer in its file. */
static void
test_answers_after_end (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hs-test-browse-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "answers.heapscope", NULL);
  const char *record_paths[] = { NULL, path };
  const guint asked = 300;

  for (guint run = 0; run < G_N_ELEMENTS (record_paths); run++)
    {
      Fixture fixture = { 0 };
      g_autoptr(GError) error = NULL;

      fixture_set_up (&fixture, record_paths[run]);
      for (guint limit = 1; limit <= asked; limit++)
        {
          g_autoptr(HsReply) reply = ask (fixture.session, hs_session_referrers_request (fixture.session, 1, limit),
                                          &error);

          g_assert_no_error (error);
          g_assert_cmpuint (reply->items->len, ==, MIN (limit, 2));
        }
      fake_agent_end (fixture.agent);
      g_assert_true (fake_agent_wait (session_is_over, fixture.session));
      {
        g_autoptr(HsReply) latest_reply = ask (fixture.session,
                                               hs_session_referrers_request (fixture.session, 1, asked), &error);
        g_autoptr(HsReply) oldest_reply = NULL;

        g_assert_no_error (error);
        g_assert_cmpuint (latest_reply->items->len, ==, 2);
        oldest_reply = ask (fixture.session, hs_session_referrers_request (fixture.session, 1, 1), &error);
        if (record_paths[run] == NULL)
          {
            g_assert_error (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
            g_assert_null (oldest_reply);
          }
        else
          {
            g_assert_no_error (error);
            g_assert_cmpuint (oldest_reply->items->len, ==, 1);
          }
      }
      fixture_tear_down (&fixture, NULL);
    }
  g_remove (path);
  g_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hs/instance-list/paging", test_instances_paging);
  ADD ("/hs/instance-list/empty-and-stale", test_instances_empty_and_stale);
  ADD ("/hs/instance-list/cancel", test_instances_cancel);
  ADD ("/hs/instance-list/pages-let-go", test_instances_pages_let_go);
  ADD ("/hs/referrer-tree/expand", test_tree_expand);
  ADD ("/hs/referrer-tree/more", test_tree_more);
  ADD ("/hs/referrer-tree/format", test_tree_format);
  ADD ("/hs/referrer-tree/format-branches", test_tree_format_branches);
  ADD ("/hs/referrer-tree/path", test_tree_path);
  ADD ("/hs/referrer-tree/class-root", test_tree_class_root);
  ADD ("/hs/referrer-tree/path-unreached", test_tree_path_unreached);
  ADD ("/hs/referrer-tree/handles-counted", test_handles_counted);
  ADD ("/hs/session/describe-object", test_describe_object);
  g_test_add_func ("/hs/referrer-tree/offline", test_offline);
  g_test_add_func ("/hs/session/answers-after-end", test_answers_after_end);
#undef ADD

  return g_test_run ();
}
