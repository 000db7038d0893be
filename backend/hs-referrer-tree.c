/* hs-referrer-tree.c — what keeps an object alive, asked for as it is expanded
 *
 * A node's referrers are an HsReferrerModel: made when a view first probes the
 * node (cheap, asks nothing), it asks the agent only when its rows are first
 * counted, that is when the node is expanded. Until the answer it holds one
 * LOADING row (from the start, so that counting changes nothing); then the referrers, and a MORE row when there are more than
 * HS_REFERRER_TREE_LIMIT. A node whose object is already on the way up from
 * the tree's root is a cycle and has no children; so has a root (module,
 * frame, class, sys.modules): nothing is above it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-object-item.h"
#include "hs-referrer-tree.h"

typedef enum
{
  LOAD_NOT_STARTED,
  LOAD_RUNNING,
  LOAD_DONE,
} LoadState;

#define HS_TYPE_REFERRER_MODEL (hs_referrer_model_get_type ())
G_DECLARE_FINAL_TYPE (HsReferrerModel, hs_referrer_model, HS, REFERRER_MODEL, GObject)

struct _HsReferrerNode
{
  GObject             parent_instance;

  HsReferrerNodeKind  kind;
  HsSession          *session;
  HsObjectRef        *ref;
  HsReferrerNode     *parent;       /* weak */
  GArray             *ancestors;    /* handles from the root down to the parent */
  HsReferrerModel    *children;
  char               *message;
  gint64              n_more;
  gboolean            can_load_more;  /* MORE rows: a bigger request would list more */
  gboolean            process_ended;  /* ERROR rows: the answer is gone with the process */
};

struct _HsReferrerModel
{
  GObject         parent_instance;

  HsReferrerNode *owner;            /* weak */
  HsSession      *session;
  gint64          handle;
  GListStore     *store;
  LoadState       state;
  GCancellable   *cancellable;
  GPtrArray      *waiters;          /* GTask */
};

struct _HsReferrerTree
{
  GObject         parent_instance;

  HsSession      *session;
  HsReferrerNode *root;
  GListStore     *roots;
};

G_DEFINE_FINAL_TYPE (HsReferrerNode, hs_referrer_node, G_TYPE_OBJECT)
static void hs_referrer_model_list_init (GListModelInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (HsReferrerModel, hs_referrer_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hs_referrer_model_list_init))
G_DEFINE_FINAL_TYPE (HsReferrerTree, hs_referrer_tree, G_TYPE_OBJECT)

/* Nodes */

static void
hs_referrer_node_dispose (GObject *object)
{
  HsReferrerNode *self = (HsReferrerNode *) object;

  if (self->ref != NULL && self->session != NULL)
    hs_session_drop_handles (self->session, &self->ref->handle, 1);
  g_clear_object (&self->children);
  g_clear_object (&self->session);
  if (self->parent != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->parent), (gpointer *) &self->parent);
  self->parent = NULL;
  G_OBJECT_CLASS (hs_referrer_node_parent_class)->dispose (object);
}

static void
hs_referrer_node_finalize (GObject *object)
{
  HsReferrerNode *self = (HsReferrerNode *) object;

  g_clear_pointer (&self->ref, hs_object_ref_free);
  g_clear_pointer (&self->ancestors, g_array_unref);
  g_free (self->message);
  G_OBJECT_CLASS (hs_referrer_node_parent_class)->finalize (object);
}

static void
hs_referrer_node_class_init (HsReferrerNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_referrer_node_dispose;
  object_class->finalize = hs_referrer_node_finalize;
}

static void
hs_referrer_node_init (HsReferrerNode *self)
{
  self->ancestors = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static HsReferrerNode *
node_new (HsReferrerNodeKind  kind,
          HsSession          *session,
          HsReferrerNode     *parent,
          const HsObjectRef  *ref)
{
  HsReferrerNode *self = g_object_new (HS_TYPE_REFERRER_NODE, NULL);

  self->kind = kind;
  self->session = g_object_ref (session);
  if (parent != NULL)
    {
      self->parent = parent;
      g_object_add_weak_pointer (G_OBJECT (parent), (gpointer *) &self->parent);
      g_array_append_vals (self->ancestors, parent->ancestors->data, parent->ancestors->len);
      if (parent->ref != NULL)
        g_array_append_val (self->ancestors, parent->ref->handle);
    }
  if (ref != NULL)
    {
      self->ref = hs_object_ref_copy (ref);
      hs_session_hold_handles (session, &ref->handle, 1);
    }
  return self;
}

HsReferrerNodeKind
hs_referrer_node_get_kind (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), HS_REFERRER_NODE_OBJECT);
  return self->kind;
}

/* The object (OBJECT rows), how it refers to its parent in its edge fields. */
const HsObjectRef *
hs_referrer_node_get_ref (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), NULL);
  return self->ref;
}

/* The node whose referrer this one is; NULL for the root (or once it is gone). */
HsReferrerNode *
hs_referrer_node_get_parent (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), NULL);
  return self->parent;
}

guint
hs_referrer_node_get_depth (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), 0);
  return self->ancestors->len;
}

/* The object is already on the way from the tree's root to this node. */
gboolean
hs_referrer_node_is_cycle (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), FALSE);

  if (self->ref == NULL)
    return FALSE;
  for (guint i = 0; i < self->ancestors->len; i++)
    if (g_array_index (self->ancestors, gint64, i) == self->ref->handle)
      return TRUE;
  return FALSE;
}

gboolean
hs_referrer_node_is_expandable (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), FALSE);

  return self->kind == HS_REFERRER_NODE_OBJECT && self->ref->root == HS_ROOT_NONE &&
         !hs_referrer_node_is_cycle (self);
}

/* ERROR rows: why; NULL otherwise. */
const char *
hs_referrer_node_get_message (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), NULL);
  return self->message;
}

/* MORE rows: how many referrers are not listed. */
gint64
hs_referrer_node_get_n_more (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), 0);
  return self->n_more;
}

/* MORE rows: whether asking again, for as many as one request may bring,
 * would list more. */
gboolean
hs_referrer_node_can_load_more (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), FALSE);
  return self->can_load_more;
}

/* ERROR rows: the referrers were not asked while the process ran, so they
 * cannot be had now. Nothing failed. */
gboolean
hs_referrer_node_process_ended (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), FALSE);
  return self->process_ended;
}

/* The node as Pympler's refbrowser names it (hs_object_ref_dup_label), or
 * what its row says ("12 more…", an error). */
char *
hs_referrer_node_dup_label (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), NULL);

  if (self->kind == HS_REFERRER_NODE_MORE)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld more…", "%lld more…", self->n_more),
                            (long long) self->n_more);
  if (self->kind != HS_REFERRER_NODE_OBJECT)
    return g_strdup (self->message != NULL ? self->message : "");
  return hs_object_ref_dup_label (self->ref);
}

/* The node's referrers, asked for when first counted; NULL when it has none
 * to show (a cycle, a root, a row that is no object). */
GListModel *
hs_referrer_node_get_children (HsReferrerNode *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_NODE (self), NULL);

  if (!hs_referrer_node_is_expandable (self))
    return NULL;
  if (self->children == NULL)
    {
      self->children = g_object_new (HS_TYPE_REFERRER_MODEL, NULL);
      self->children->owner = self;
      g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &self->children->owner);
      self->children->session = g_object_ref (self->session);
      self->children->handle = self->ref->handle;
      /* There from the start: counting the rows must not change them. */
      {
        g_autoptr(HsReferrerNode) loading = node_new (HS_REFERRER_NODE_LOADING, self->session, self, NULL);

        g_list_store_append (self->children->store, loading);
      }
    }
  return G_LIST_MODEL (self->children);
}

/* A GtkTreeListModelCreateModelFunc. */
GListModel *
hs_referrer_node_create_model (gpointer item,
                               gpointer user_data)
{
  GListModel *children = hs_referrer_node_get_children (HS_REFERRER_NODE (item));

  return children != NULL ? g_object_ref (children) : NULL;
}

/* Children models */

static void
finish_waiters (HsReferrerModel *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
}

/* The rows an answer makes, after the @shown ones (OBJECT nodes already
 * listed, whose objects are not listed again). */
static GPtrArray *
rows_from_answer (HsReferrerModel *self,
                  HsReply         *reply,
                  const GError    *error,
                  GPtrArray       *shown)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) shown_handles = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint listed = shown->len;

  if (reply == NULL)
    {
      HsReferrerNode *failed = node_new (HS_REFERRER_NODE_ERROR, self->session, self->owner, NULL);

      failed->message = g_strdup (error->message);
      failed->process_ended = g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
      g_ptr_array_add (rows, failed);
      return rows;
    }
  for (guint i = 0; i < shown->len; i++)
    {
      HsReferrerNode *node = g_ptr_array_index (shown, i);

      if (node->ref != NULL)
        g_hash_table_add (shown_handles, &node->ref->handle);
    }
  for (guint i = 0; i < reply->items->len; i++)
    {
      HsObjectRef *ref = g_ptr_array_index (reply->items, i);

      if (g_hash_table_contains (shown_handles, &ref->handle))
        continue;
      g_ptr_array_add (rows, node_new (HS_REFERRER_NODE_OBJECT, self->session, self->owner, ref));
      listed++;
    }
  if (reply->total > (gint64) listed)
    {
      HsReferrerNode *more = node_new (HS_REFERRER_NODE_MORE, self->session, self->owner, NULL);

      more->n_more = reply->total - listed;
      more->can_load_more = reply->items->len < HS_REFERRER_TREE_MAX_LIMIT;
      g_ptr_array_add (rows, more);
    }
  return rows;
}

static void
on_referrers (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HsReferrerModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  self->state = LOAD_DONE;
  if (self->owner == NULL)
    {
      finish_waiters (self);
      return;
    }
  /* Asking for more keeps what is listed, and replaces the last row. */
  for (guint i = 0; i + 1 < n_items; i++)
    g_ptr_array_add (shown, g_list_model_get_item (G_LIST_MODEL (self->store), i));
  rows = rows_from_answer (self, reply, error, shown);
  g_list_store_splice (self->store, shown->len, n_items - shown->len, rows->pdata, rows->len);
  finish_waiters (self);
}

static void
model_ask (HsReferrerModel *self,
           gint64           limit)
{
  g_autoptr(JsonNode) request = hs_session_referrers_request (self->session, self->handle, limit);

  self->state = LOAD_RUNNING;
  hs_session_query_async (self->session, request, self->cancellable, on_referrers, g_object_ref (self));
}

/* A MORE row: asks again for as many referrers as one request may bring, and
 * lists those not listed yet in its place. */
void
hs_referrer_node_load_more (HsReferrerNode *self)
{
  g_autoptr(HsReferrerModel) model = NULL;
  g_autoptr(HsReferrerNode) loading = NULL;
  guint n_items;

  g_return_if_fail (HS_IS_REFERRER_NODE (self));

  if (self->kind != HS_REFERRER_NODE_MORE || !self->can_load_more || self->parent == NULL ||
      self->parent->children == NULL || self->parent->children->state != LOAD_DONE)
    return;
  model = g_object_ref (self->parent->children);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model->store));
  loading = node_new (HS_REFERRER_NODE_LOADING, model->session, model->owner, NULL);
  /* This row goes: nothing of it is used from here on. */
  g_list_store_splice (model->store, n_items - 1, 1, (gpointer *) &loading, 1);
  model_ask (model, HS_REFERRER_TREE_MAX_LIMIT);
}

static void
model_start (HsReferrerModel *self)
{
  if (self->state != LOAD_NOT_STARTED || self->owner == NULL)
    return;
  model_ask (self, HS_REFERRER_TREE_LIMIT);
}

static void
model_load_async (HsReferrerModel     *self,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  model_start (self);
  if (self->state == LOAD_DONE)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (self->waiters, task);
}

static void
on_store_changed (GListModel      *store,
                  guint            position,
                  guint            removed,
                  guint            added,
                  HsReferrerModel *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static GType
hs_referrer_model_get_item_type (GListModel *model)
{
  return HS_TYPE_REFERRER_NODE;
}

static guint
hs_referrer_model_get_n_items (GListModel *model)
{
  HsReferrerModel *self = HS_REFERRER_MODEL (model);

  model_start (self);
  return g_list_model_get_n_items (G_LIST_MODEL (self->store));
}

static gpointer
hs_referrer_model_get_item (GListModel *model,
                            guint       position)
{
  HsReferrerModel *self = HS_REFERRER_MODEL (model);

  model_start (self);
  return g_list_model_get_item (G_LIST_MODEL (self->store), position);
}

static void
hs_referrer_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = hs_referrer_model_get_item_type;
  iface->get_n_items = hs_referrer_model_get_n_items;
  iface->get_item = hs_referrer_model_get_item;
}

static void
hs_referrer_model_dispose (GObject *object)
{
  HsReferrerModel *self = (HsReferrerModel *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->owner != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->owner), (gpointer *) &self->owner);
  self->owner = NULL;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hs_referrer_model_parent_class)->dispose (object);
}

static void
hs_referrer_model_finalize (GObject *object)
{
  HsReferrerModel *self = (HsReferrerModel *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  G_OBJECT_CLASS (hs_referrer_model_parent_class)->finalize (object);
}

static void
hs_referrer_model_class_init (HsReferrerModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_referrer_model_dispose;
  object_class->finalize = hs_referrer_model_finalize;
}

static void
hs_referrer_model_init (HsReferrerModel *self)
{
  self->store = g_list_store_new (HS_TYPE_REFERRER_NODE);
  self->cancellable = g_cancellable_new ();
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (self->store, "items-changed", G_CALLBACK (on_store_changed), self);
}

/* Trees */

static void
hs_referrer_tree_dispose (GObject *object)
{
  HsReferrerTree *self = (HsReferrerTree *) object;

  g_clear_object (&self->roots);
  g_clear_object (&self->root);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hs_referrer_tree_parent_class)->dispose (object);
}

static void
hs_referrer_tree_class_init (HsReferrerTreeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hs_referrer_tree_dispose;
}

static void
hs_referrer_tree_init (HsReferrerTree *self)
{
}

/* A tree rooted at @object; nothing is asked until it is expanded. */
HsReferrerTree *
hs_referrer_tree_new (HsSession         *session,
                      const HsObjectRef *object)
{
  HsReferrerTree *self;

  g_return_val_if_fail (HS_IS_SESSION (session), NULL);
  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (HS_TYPE_REFERRER_TREE, NULL);
  self->session = g_object_ref (session);
  self->root = node_new (HS_REFERRER_NODE_OBJECT, session, NULL, object);
  /* The object looked at is shown as the start, whatever it is. */
  self->root->ref->root = HS_ROOT_NONE;
  self->roots = g_list_store_new (HS_TYPE_REFERRER_NODE);
  g_list_store_append (self->roots, self->root);
  return self;
}

HsReferrerNode *
hs_referrer_tree_get_root (HsReferrerTree *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_TREE (self), NULL);
  return self->root;
}

/* The root alone, for gtk_tree_list_model_new (…, hs_referrer_node_create_model, …). */
GListModel *
hs_referrer_tree_get_roots (HsReferrerTree *self)
{
  g_return_val_if_fail (HS_IS_REFERRER_TREE (self), NULL);
  return G_LIST_MODEL (self->roots);
}

/* Path to a root */

typedef struct
{
  HsReply   *reply;
  GPtrArray *nodes;     /* HsReferrerNode, from the tree's root down */
  guint      next;      /* the reply's step to find next */
} PathWalk;

static void
path_walk_free (PathWalk *walk)
{
  g_clear_pointer (&walk->reply, hs_reply_unref);
  g_ptr_array_unref (walk->nodes);
  g_free (walk);
}

static void walk_on (GTask *task);

/* The level is loaded: find the step among the referrers, or add it first
 * (the path's referrer may be past the limit, or the level unreadable). */
static void
on_level_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HsReferrerModel *model = HS_REFERRER_MODEL (source);
  PathWalk *walk = g_task_get_task_data (task);
  const HsObjectRef *step = g_ptr_array_index (walk->reply->items, walk->next);
  HsReferrerNode *parent = g_ptr_array_index (walk->nodes, walk->nodes->len - 1);
  g_autoptr(HsReferrerNode) found = NULL;

  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (model->store)); i++)
    {
      g_autoptr(HsReferrerNode) node = g_list_model_get_item (G_LIST_MODEL (model->store), i);

      if (node->ref != NULL && node->ref->handle == step->handle)
        found = g_steal_pointer (&node);
    }
  if (found == NULL)
    {
      found = node_new (HS_REFERRER_NODE_OBJECT, model->session, parent, step);
      g_list_store_insert (model->store, 0, found);
    }
  g_ptr_array_add (walk->nodes, g_steal_pointer (&found));
  walk->next++;
  walk_on (g_steal_pointer (&task));
}

static void
walk_on (GTask *task)
{
  PathWalk *walk = g_task_get_task_data (task);
  HsReferrerNode *last = g_ptr_array_index (walk->nodes, walk->nodes->len - 1);
  GListModel *children;

  if (walk->next >= walk->reply->items->len ||
      g_task_return_error_if_cancelled (task) ||
      (children = hs_referrer_node_get_children (last)) == NULL)
    {
      if (!g_task_had_error (task))
        g_task_return_pointer (task, g_ptr_array_ref (walk->nodes), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  model_load_async (HS_REFERRER_MODEL (children), on_level_loaded, task);
}

static void
on_path (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  HsReferrerTree *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  HsReply *reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  PathWalk *walk;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  walk = g_new0 (PathWalk, 1);
  walk->reply = reply;
  walk->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (walk->nodes, g_object_ref (self->root));
  walk->next = 0;       /* the first step refers to the root's object */
  g_task_set_task_data (task, walk, (GDestroyNotify) path_walk_free);
  walk_on (task);
}

/* Asks for the shortest chain from the root's object to a root, and puts it
 * in the tree: each level's referrers are asked for on the way. Finishes
 * with the chain's nodes, the tree's root first. */
void
hs_referrer_tree_find_path_async (HsReferrerTree      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonNode) request = NULL;
  GTask *task;

  g_return_if_fail (HS_IS_REFERRER_TREE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_referrer_tree_find_path_async);
  request = hs_session_path_request (self->session, self->root->ref->handle);
  hs_session_query_async (self->session, request, cancellable, on_path, task);
}

/* @found: whether the chain reaches a root (else it is as far as the agent
 * got). @unreached: when it reaches none, why, as a sentence
 * (hs_unreached_reason_dup_sentence); NULL when it does or the agent cannot tell. */
GPtrArray *
hs_referrer_tree_find_path_finish (HsReferrerTree  *self,
                                   GAsyncResult    *result,
                                   gboolean        *found,
                                   char           **unreached,
                                   GError         **error)
{
  PathWalk *walk;
  GPtrArray *nodes;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  walk = g_task_get_task_data (G_TASK (result));
  nodes = g_task_propagate_pointer (G_TASK (result), error);
  if (found != NULL)
    *found = nodes != NULL && walk->reply->found;
  if (unreached != NULL)
    *unreached = nodes != NULL && !walk->reply->found
                 ? hs_unreached_reason_dup_sentence (walk->reply->reason, walk->reply->holders)
                 : NULL;
  return nodes;
}

/* Text, a line per branch: what holds what, and how */

/* The rows of @node to write: its referrers if it is expanded and they are
 * listed (OBJECT and MORE rows; loading and error rows say nothing). */
static GPtrArray *
written_children (HsReferrerNode     *node,
                  HsReferrerNodeFunc  is_expanded,
                  gpointer            user_data)
{
  GPtrArray *children = g_ptr_array_new_with_free_func (g_object_unref);

  if (node->children != NULL && node->children->state == LOAD_DONE && is_expanded (node, user_data))
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (node->children->store)); i++)
      {
        HsReferrerNode *child = g_list_model_get_item (G_LIST_MODEL (node->children->store), i);

        if (child->kind == HS_REFERRER_NODE_OBJECT || child->kind == HS_REFERRER_NODE_MORE)
          g_ptr_array_add (children, child);
        else
          g_object_unref (child);
      }
  return children;
}

/* One step of a line: the object first as itself ("str"), each referrer as
 * " <- dict [key 'items']", a root with "(root: module)", a cycle with "(cycle)"
 * (hs_object_ref_append_step). */
static void
append_step (GString        *out,
             HsReferrerNode *node,
             gboolean        first)
{
  g_autofree char *label = NULL;

  if (!first && node->kind == HS_REFERRER_NODE_OBJECT)
    {
      hs_object_ref_append_step (node->ref, out, hs_referrer_node_is_cycle (node), FALSE);
      return;
    }
  label = hs_referrer_node_dup_label (node);
  if (!first)
    g_string_append (out, " <- ");
  g_string_append (out, label);
}

/* @line holds the text up to @node's parent (empty for the tree's root): the
 * first branch goes on, each other one starts a line under its parent's end. */
static void
format_branch (HsReferrerNode     *node,
               gboolean            first,
               GString            *out,
               GString            *line,
               HsReferrerNodeFunc  is_expanded,
               gpointer            user_data)
{
  g_autoptr(GPtrArray) children = written_children (node, is_expanded, user_data);
  glong column;

  append_step (line, node, first);
  if (children->len == 0)
    {
      g_string_append (out, line->str);
      g_string_append_c (out, '\n');
      return;
    }
  column = g_utf8_strlen (line->str, -1);
  for (guint i = 0; i < children->len; i++)
    {
      g_autoptr(GString) branch = NULL;

      if (i == 0)
        branch = g_string_new (line->str);
      else
        {
          branch = g_string_new (NULL);
          for (glong c = 0; c < column; c++)
            g_string_append_c (branch, ' ');
        }
      format_branch (g_ptr_array_index (children, i), FALSE, out, branch, is_expanded, user_data);
    }
}

/* The tree as far as it is expanded (@is_expanded says which nodes are), a
 * line per branch down to its leaf, each referrer with how it holds the one
 * before it and a root marked; a branch that parts from another starts
 * under where they part:
 *
 *   str <- list [index 0] <- dict [key items] <- module(__main__) [global cache] (root: module)
 *                         <- list [index 0] <- list [index 1] (cycle)
 *       <- __main__.Holder [attribute name]
 */
char *
hs_referrer_tree_format_branches (HsReferrerTree     *self,
                                  HsReferrerNodeFunc  is_expanded,
                                  gpointer            user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new (NULL);

  g_return_val_if_fail (HS_IS_REFERRER_TREE (self), NULL);
  g_return_val_if_fail (is_expanded != NULL, NULL);

  format_branch (self->root, TRUE, out, line, is_expanded, user_data);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A chain of nodes (the object first, as hs_referrer_tree_find_path_finish
 * gives it) as one line: "str <- list [index 0] <- … (root: module)". */
char *
hs_referrer_path_format (GPtrArray *nodes)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (nodes != NULL, NULL);

  for (guint i = 0; i < nodes->len; i++)
    append_step (out, g_ptr_array_index (nodes, i), i == 0);
  g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Everything the tree says, for Copy and Save as Text: the path to a root,
 * when one was looked for (@path, the object first, @found and @unreached
 * as hs_referrer_tree_find_path_finish gave them; NULL for none), then the
 * tree as expanded a branch a line (hs_referrer_tree_format_branches), then
 * the same in Pympler's layout (hs_referrer_tree_format), under a heading each. */
char *
hs_referrer_tree_format_report (HsReferrerTree     *self,
                                GPtrArray          *path,
                                gboolean            found,
                                const char         *unreached,
                                HsReferrerNodeFunc  is_expanded,
                                gpointer            user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *branches = NULL;
  g_autofree char *pympler = NULL;

  g_return_val_if_fail (HS_IS_REFERRER_TREE (self), NULL);
  g_return_val_if_fail (is_expanded != NULL, NULL);

  /* The object alone is no path to show when the reason takes its place. */
  if (path != NULL && (found || path->len > 1 || unreached == NULL))
    {
      g_autofree char *line = hs_referrer_path_format (path);

      g_string_append_printf (out, "%s\n%s\n",
                              found ? _("Path to a root:")
                                    : _("Path as far as the search went (no root reached):"),
                              line);
    }
  if (path != NULL && !found && unreached != NULL)
    g_string_append_printf (out, "%s\n%s\n\n", _("Why no root was reached:"), unreached);
  branches = hs_referrer_tree_format_branches (self, is_expanded, user_data);
  pympler = hs_referrer_tree_format (self, is_expanded, user_data);
  g_string_append_printf (out, "%s\n%s\n%s\n%s",
                          _("Referrers, as expanded:"), branches,
                          _("In the layout of Pympler’s ConsoleBrowser:"), pympler);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Text, as Pympler's ConsoleBrowser prints it */

static void
format_node (HsReferrerNode     *node,
             GString            *out,
             GString            *prefix,
             GString            *carryon,
             HsReferrerNodeFunc  is_expanded,
             gpointer            user_data)
{
  g_autofree char *label = hs_referrer_node_dup_label (node);
  g_autoptr(GPtrArray) children = written_children (node, is_expanded, user_data);
  glong width = g_utf8_strlen (label, -1);

  g_string_append (prefix, label);
  for (glong i = 0; i < width; i++)
    g_string_append_c (carryon, ' ');
  if (children->len == 0)
    {
      g_string_append (out, prefix->str);
      g_string_append_c (out, '\n');
      return;
    }
  g_string_append_c (prefix, '-');
  g_string_append_c (carryon, ' ');
  if (children->len > 1)
    {
      g_string_append_c (prefix, '+');
      g_string_append_c (carryon, '|');
    }
  g_string_append_c (prefix, '-');
  g_string_append_c (carryon, ' ');

  {
    g_autoptr(GString) first_prefix = g_string_new (prefix->str);
    g_autoptr(GString) first_carryon = g_string_new (carryon->str);

    format_node (g_ptr_array_index (children, 0), out, first_prefix, first_carryon, is_expanded, user_data);
  }
  for (guint b = 1; b < children->len; b++)
    {
      g_autoptr(GString) child_prefix = g_string_new_len (carryon->str, carryon->len - 2);
      g_autoptr(GString) child_carryon = NULL;

      g_string_append (child_prefix, "+-");
      if (b == children->len - 1)
        {
          g_string_truncate (carryon, carryon->len - 2);
          g_string_append (carryon, "  ");
        }
      child_carryon = g_string_new (carryon->str);
      format_node (g_ptr_array_index (children, b), out, child_prefix, child_carryon, is_expanded, user_data);
      if (b == children->len - 1)
        {
          g_autofree char *line = g_strndup (carryon->str, carryon->len - 2);

          g_strchomp (line);
          if (*line != '\0')
            {
              g_string_append (out, line);
              g_string_append_c (out, '\n');
            }
        }
    }
}

/* The tree as far as it is expanded (@is_expanded says which nodes are), in
 * the layout of Pympler's ConsoleBrowser:
 *
 *   str-+-list--dict--module(__main__)
 *       +-dict--module(__main__)
 */
char *
hs_referrer_tree_format (HsReferrerTree     *self,
                         HsReferrerNodeFunc  is_expanded,
                         gpointer            user_data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autoptr(GString) carryon = g_string_new (NULL);

  g_return_val_if_fail (HS_IS_REFERRER_TREE (self), NULL);
  g_return_val_if_fail (is_expanded != NULL, NULL);

  format_node (self->root, out, prefix, carryon, is_expanded, user_data);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
