/* hs-reply.c — the agent's answers about single objects, and how the app
 * writes the objects they name in text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <string.h>
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
  self->since = NAN;
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_object_ref_free);
  self->retained = g_array_new (FALSE, FALSE, sizeof (HsRetainedSize));
  self->holders = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_object_ref_free);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_why_group_free);
  self->unreached = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_why_unreached_free);
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
  g_ptr_array_unref (self->holders);
  g_free (self->type_name);
  g_free (self->label);
  g_ptr_array_unref (self->groups);
  g_ptr_array_unref (self->unreached);
  g_free (self);
}

HsObjectRef *
hs_object_ref_new (void)
{
  HsObjectRef *self = g_new0 (HsObjectRef, 1);

  self->deep = -1;
  self->retained = -1;
  return self;
}

HsObjectRef *
hs_object_ref_copy (const HsObjectRef *self)
{
  HsObjectRef *copy = g_memdup2 (self, sizeof *self);

  copy->type_name = g_strdup (self->type_name);
  copy->text = g_strdup (self->text);
  copy->edge_name = g_strdup (self->edge_name);
  copy->name = g_strdup (self->name);
  copy->known = g_strdup (self->known);
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
  g_free (self->known);
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

/* As hs_object_ref_describe_edge, but what differs from one instance to the
 * next (a dict's key, a list's index) written "…": the edge's shape, by which
 * a why reply groups its paths ("key …", "index …"). */
char *
hs_object_ref_describe_edge_shape (const HsObjectRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (self->edge)
    {
    case HS_EDGE_KEY:
      return hs_edge_describe (HS_EDGE_KEY, "…", 0);
    case HS_EDGE_INDEX:
      /* Translators: a list's or tuple's index, left out because it differs
       * from one object to the next: "list [index …]" */
      return g_strdup (_("index …"));
    default:
      return hs_object_ref_describe_edge (self);
    }
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

static char *
text_after (const char *text,
            const char *prefix,
            const char *stop)
{
  const char *start;
  const char *end;

  if (text == NULL || !g_str_has_prefix (text, prefix))
    return NULL;
  start = text + strlen (prefix);
  end = stop != NULL ? strstr (start, stop) : NULL;
  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

/* The object as Pympler's refbrowser names it: "list", "module(__main__)",
 * "function (parse)", "frame (codename: main)"; but a class by its own name,
 * "class __main__.Registry", not by its metaclass's ("type"). */
char *
hs_object_ref_dup_label (const HsObjectRef *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->root == HS_ROOT_CLASS && self->name != NULL)
    return hs_object_ref_dup_title (self);
  if (g_strcmp0 (self->type_name, "module") == 0)
    {
      if (self->text != NULL && strchr (self->text, '(') != NULL)
        return g_strdup (self->text);
      return g_strdup_printf ("module(%s)", self->text != NULL ? self->text : "?");
    }
  if (g_strcmp0 (self->type_name, "function") == 0 && (name = text_after (self->text, "function ", NULL)))
    return g_strdup_printf ("function (%s)", name);
  if (g_strcmp0 (self->type_name, "frame") == 0 && (name = text_after (self->text, "frame of ", " at ")))
    return g_strdup_printf ("frame (codename: %s)", name);
  return g_strdup (self->type_name);
}

/* @self as one referrer in a line of them, the object they hold first: each
 * as " <- dict [key 'items']", a root with " (root: module)", one already on
 * the line with " (cycle)". With @shape, the edge's shape
 * (hs_object_ref_describe_edge_shape): a why reply's group, not one path. */
void
hs_object_ref_append_step (const HsObjectRef *self,
                           GString           *out,
                           gboolean           cycle,
                           gboolean           shape)
{
  g_autofree char *label = NULL;
  g_autofree char *edge = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  label = hs_object_ref_dup_label (self);
  edge = shape ? hs_object_ref_describe_edge_shape (self) : hs_object_ref_describe_edge (self);
  g_string_append_printf (out, " <- %s", label);
  if (edge != NULL)
    g_string_append_printf (out, " [%s]", edge);
  if (cycle)
    g_string_append_printf (out, " %s", _("(cycle)"));
  else if (self->root != HS_ROOT_NONE)
    {
      /* Translators: how a root is marked in the text of a referrer tree or
       * path: "(root: module)", "(root: class)"; the kind is a Python word */
      g_autofree char *root = g_strdup_printf (_("(root: %s)"), hs_root_kind_to_string (self->root));

      g_string_append_printf (out, " %s", root);
    }
}

/* What holds an object from C code, the nearest first: "function (on_exit)
 * (signal handler for SIGUSR1)", and how many more. */
static char *
describe_holders (GPtrArray *holders)
{
  const HsObjectRef *first = g_ptr_array_index (holders, 0);
  g_autofree char *title = hs_object_ref_dup_label (first);
  g_autofree char *holder = NULL;
  guint more = holders->len - 1;

  if (first->known != NULL)
    holder = g_strdup_printf ("%s (%s)", title, first->known);
  else
    holder = g_steal_pointer (&title);
  if (more == 0)
    return g_steal_pointer (&holder);
  /* Translators: the first of the objects that hold one from C code, and how
   * many others do: "function (on_exit) and 2 more" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more", "%s and %u more", more),
                          holder, more);
}

/* Why no root holds an object, as a sentence of its own (the Referrers page's
 * path, its text): "Garbage the collector has not freed yet (a reference
 * cycle)"; NULL when the agent could not tell. */
char *
hs_unreached_reason_dup_sentence (HsUnreachedReason  reason,
                                  GPtrArray         *holders)
{
  g_autofree char *held_by = NULL;

  switch (reason)
    {
    case HS_UNREACHED_GARBAGE:
      return g_strdup (_("Garbage the collector has not freed yet (a reference cycle)"));
    case HS_UNREACHED_HELD_FROM_C:
      if (holders == NULL || holders->len == 0)
        return g_strdup (_("Held from C code"));
      held_by = describe_holders (holders);
      /* Translators: what holds it, as "function (on_exit) (signal handler for SIGUSR1)" */
      return g_strdup_printf (_("Held from C code by %s"), held_by);
    case HS_UNREACHED_AGENT:
      return g_strdup (_("Held only by Heapscope: the program let it go"));
    case HS_UNREACHED_UNKNOWN:
    default:
      return NULL;
    }
}

/* The same as a phrase, after a count in a why report ("2 no root reached:
 * garbage the collector has not freed yet"); NULL when the agent could not tell. */
char *
hs_unreached_reason_dup_phrase (HsUnreachedReason  reason,
                                GPtrArray         *holders)
{
  g_autofree char *held_by = NULL;

  switch (reason)
    {
    case HS_UNREACHED_GARBAGE:
      return g_strdup (_("garbage the collector has not freed yet"));
    case HS_UNREACHED_HELD_FROM_C:
      if (holders == NULL || holders->len == 0)
        return g_strdup (_("held from C code"));
      held_by = describe_holders (holders);
      /* Translators: what holds them, as "function (on_exit) (signal handler for SIGUSR1)" */
      return g_strdup_printf (_("held from C code by %s"), held_by);
    case HS_UNREACHED_AGENT:
      return g_strdup (_("held only by Heapscope: the program let them go"));
    case HS_UNREACHED_UNKNOWN:
    default:
      return NULL;
    }
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

HsWhyGroup *
hs_why_group_new (void)
{
  HsWhyGroup *self = g_new0 (HsWhyGroup, 1);

  self->retained.bytes = self->retained.objects = -1;
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_object_ref_free);
  return self;
}

void
hs_why_group_free (HsWhyGroup *self)
{
  if (self == NULL)
    return;
  hs_object_ref_free (self->example);
  g_ptr_array_unref (self->steps);
  g_free (self);
}

HsWhyUnreached *
hs_why_unreached_new (void)
{
  HsWhyUnreached *self = g_new0 (HsWhyUnreached, 1);

  self->holders = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_object_ref_free);
  return self;
}

void
hs_why_unreached_free (HsWhyUnreached *self)
{
  if (self == NULL)
    return;
  hs_object_ref_free (self->example);
  g_ptr_array_unref (self->holders);
  g_free (self);
}
