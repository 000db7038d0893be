/* hs-reply.c — the agent's answers about single objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-reply.h"
#include "hs-ref-graph.h"

G_DEFINE_QUARK (hs-reply-error-quark, hs_reply_error)

HsReply *
hs_reply_new (HsReplyKind kind)
{
  HsReply *self = g_new0 (HsReply, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->deep = -1;
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_object_ref_free);
  self->retained = g_array_new (FALSE, FALSE, sizeof (HsRetainedSize));
  return self;
}

HsReply *
hs_reply_ref (HsReply *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hs_reply_unref (HsReply *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->items);
  g_array_unref (self->retained);
  hs_object_ref_free (self->object);
  hs_size_node_free (self->breakdown);
  g_clear_pointer (&self->graph, hs_ref_graph_unref);
  g_free (self->filename);
  g_free (self);
}

HsObjectRef *
hs_object_ref_new (void)
{
  return g_new0 (HsObjectRef, 1);
}

HsObjectRef *
hs_object_ref_copy (const HsObjectRef *self)
{
  HsObjectRef *copy = g_memdup2 (self, sizeof *self);

  copy->type_name = g_strdup (self->type_name);
  copy->text = g_strdup (self->text);
  copy->edge_name = g_strdup (self->edge_name);
  copy->name = g_strdup (self->name);
  return copy;
}

void
hs_object_ref_free (HsObjectRef *self)
{
  if (self == NULL)
    return;
  g_free (self->type_name);
  g_free (self->text);
  g_free (self->edge_name);
  g_free (self->name);
  g_free (self);
}

/* How a referrer holds what it refers to, as a reader says it:
 * "attribute items", "key 'cache'", "index 3", … NULL for no edge. */
char *
hs_edge_describe (HsEdgeKind  kind,
                  const char *name,
                  gint64      index)
{
  gboolean named = name != NULL && name[0] != '\0';

  if (name == NULL)
    name = "";
  switch (kind)
    {
    case HS_EDGE_NONE:
      return NULL;
    case HS_EDGE_ATTRIBUTE:
      return g_strdup_printf (_("attribute %s"), name);
    case HS_EDGE_KEY:
      return g_strdup_printf (_("key %s"), name);
    case HS_EDGE_INDEX:
      return g_strdup_printf (_("index %lld"), (long long) index);
    case HS_EDGE_CLOSURE:
      return g_strdup_printf (_("closure variable %s"), name);
    case HS_EDGE_LOCAL:
      return g_strdup_printf (_("local variable %s"), name);
    case HS_EDGE_GLOBAL:
      return g_strdup_printf (_("global %s"), name);
    case HS_EDGE_CLASS_ATTRIBUTE:
      return g_strdup_printf (_("class attribute %s"), name);
    case HS_EDGE_REFERENT:
      /* The referrer's type, when the agent gives it: "refers to it (numpy.ndarray)". */
      if (named)
        return g_strdup_printf (_("refers to it (%s)"), name);
      return g_strdup (_("refers to it"));
    case HS_EDGE_DICT_KEY:
      /* The dict's slot in its owner, when it has one: "key in cache". */
      if (named)
        return g_strdup_printf (_("key in %s"), name);
      return g_strdup (_("dict key"));
    case HS_EDGE_MEMBER:
      return g_strdup (_("set member"));
    default:
      g_assert_not_reached ();
    }
}

/* How the object holds the one it was found from; NULL for no edge. */
char *
hs_object_ref_describe_edge (const HsObjectRef *self)
{
  return hs_edge_describe (self->edge, self->edge_name, self->edge_index);
}

/* What a row shows for the object: its census type name, but a class
 * (whose type is its metaclass, "type") by its own name, "class __main__.Registry". */
char *
hs_object_ref_dup_title (const HsObjectRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->root == HS_ROOT_CLASS && self->name != NULL && self->name[0] != '\0')
    /* Translators: a Python class, by its dotted name: "class __main__.Registry" */
    return g_strdup_printf (_("class %s"), self->name);
  return g_strdup (self->type_name != NULL ? self->type_name : "");
}

/* The root kind as the wire names it ("module", "frame", "class",
 * "sys.modules"); NULL for HS_ROOT_NONE. */
const char *
hs_root_kind_to_string (HsRootKind kind)
{
  switch (kind)
    {
    case HS_ROOT_MODULE:
      return "module";
    case HS_ROOT_FRAME:
      return "frame";
    case HS_ROOT_CLASS:
      return "class";
    case HS_ROOT_SYS_MODULES:
      return "sys.modules";
    case HS_ROOT_NONE:
    default:
      return NULL;
    }
}

HsSizeNode *
hs_size_node_new (void)
{
  HsSizeNode *self = g_new0 (HsSizeNode, 1);

  self->children = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_size_node_free);
  return self;
}

void
hs_size_node_free (HsSizeNode *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_ptr_array_unref (self->children);
  g_free (self);
}

HsSizeNode *
hs_size_node_copy (const HsSizeNode *self)
{
  HsSizeNode *copy = hs_size_node_new ();

  copy->name = g_strdup (self->name);
  copy->size = self->size;
  copy->flat = self->flat;
  for (guint i = 0; i < self->children->len; i++)
    g_ptr_array_add (copy->children, hs_size_node_copy (g_ptr_array_index (self->children, i)));
  return copy;
}
