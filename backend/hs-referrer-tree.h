/* hs-referrer-tree.h — what keeps an object alive: its referrers, theirs, …
 * asked for one node at a time as the tree is expanded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-reply.h"
#include "hs-session.h"

G_BEGIN_DECLS

#define HS_REFERRER_TREE_LIMIT     100    /* referrers asked for when a node opens */
#define HS_REFERRER_TREE_MAX_LIMIT 1000   /* the most one request may bring ("N more…") */

typedef enum
{
  HS_REFERRER_NODE_OBJECT,
  HS_REFERRER_NODE_LOADING,    /* the referrers are being asked for */
  HS_REFERRER_NODE_MORE,       /* "N more…": referrers past the limit */
  HS_REFERRER_NODE_ERROR,      /* the referrers could not be had: the message says why */
} HsReferrerNodeKind;

#define HS_TYPE_REFERRER_NODE (hs_referrer_node_get_type ())
G_DECLARE_FINAL_TYPE (HsReferrerNode, hs_referrer_node, HS, REFERRER_NODE, GObject)

#define HS_TYPE_REFERRER_TREE (hs_referrer_tree_get_type ())
G_DECLARE_FINAL_TYPE (HsReferrerTree, hs_referrer_tree, HS, REFERRER_TREE, GObject)

HsReferrerNodeKind  hs_referrer_node_get_kind      (HsReferrerNode *self);
const HsObjectRef  *hs_referrer_node_get_ref       (HsReferrerNode *self);
HsReferrerNode     *hs_referrer_node_get_parent    (HsReferrerNode *self);
guint               hs_referrer_node_get_depth     (HsReferrerNode *self);
gboolean            hs_referrer_node_is_cycle      (HsReferrerNode *self);
gboolean            hs_referrer_node_is_expandable (HsReferrerNode *self);
const char         *hs_referrer_node_get_message   (HsReferrerNode *self);
gint64              hs_referrer_node_get_n_more    (HsReferrerNode *self);
gboolean            hs_referrer_node_can_load_more (HsReferrerNode *self);
void                hs_referrer_node_load_more     (HsReferrerNode *self);
gboolean            hs_referrer_node_process_ended (HsReferrerNode *self);
char               *hs_referrer_node_dup_label     (HsReferrerNode *self);
GListModel         *hs_referrer_node_get_children  (HsReferrerNode *self);
GListModel         *hs_referrer_node_create_model  (gpointer        item,
                                                    gpointer        user_data);

HsReferrerTree     *hs_referrer_tree_new           (HsSession      *session,
                                                    const HsObjectRef *object);
HsReferrerNode     *hs_referrer_tree_get_root      (HsReferrerTree *self);
GListModel         *hs_referrer_tree_get_roots     (HsReferrerTree *self);
void                hs_referrer_tree_find_path_async  (HsReferrerTree     *self,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
GPtrArray          *hs_referrer_tree_find_path_finish (HsReferrerTree     *self,
                                                       GAsyncResult       *result,
                                                       gboolean           *found,
                                                       char              **unreached,
                                                       GError            **error);

typedef gboolean (*HsReferrerNodeFunc) (HsReferrerNode *node,
                                        gpointer        user_data);
char               *hs_referrer_tree_format        (HsReferrerTree     *self,
                                                    HsReferrerNodeFunc  is_expanded,
                                                    gpointer            user_data);
char               *hs_referrer_tree_format_branches (HsReferrerTree     *self,
                                                      HsReferrerNodeFunc  is_expanded,
                                                      gpointer            user_data);
char               *hs_referrer_path_format        (GPtrArray          *nodes);
char               *hs_referrer_tree_format_report (HsReferrerTree     *self,
                                                    GPtrArray          *path,
                                                    gboolean            found,
                                                    const char         *unreached,
                                                    HsReferrerNodeFunc  is_expanded,
                                                    gpointer            user_data);

G_END_DECLS
