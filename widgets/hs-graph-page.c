/* hs-graph-page.c — the Graph page: the web of objects around one, laid out
 * by Graphviz in a worker thread, explored by clicking
 *
 * The graph as explored is recorded in the session at each step; what the
 * view shows is that graph, or a view of it (Split, Cycles Only) laid out on
 * its own. Nothing here waits: the agent answers and Graphviz lays out in
 * the background, and the view keeps the previous graph until then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "hs-census.h"
#include "hs-graph-layout.h"
#include "hs-graph-page.h"
#include "hs-status.h"

struct _HsGraphPage
{
  GtkWidget         parent_instance;

  GtkWidget        *toolbar;
  GtkDropDown      *graph_chooser;
  GtkStringList    *graph_labels;
  GtkDropDown      *direction_dropdown;
  GtkSpinButton    *depth_spin;
  GtkSpinButton    *too_many_spin;
  GtkEntry         *hide_entry;
  GtkToggleButton  *split_button;
  GtkToggleButton  *cycles_button;
  GtkDropDown      *engine_dropdown;
  GtkWidget        *busy_box;
  GtkSpinner       *busy_spinner;
  GtkLabel         *busy_label;
  GtkLabel         *note;
  GtkStack         *stack;
  HsGraphView      *view;
  GtkActionBar     *action_bar;
  GtkLabel         *selection_label;

  HsSession        *session;
  HsObjectRef      *asked;          /* the object of the graph shown, to ask again */
  int               index;          /* the session's graph shown, -1 for none */
  HsRefGraph       *explored;       /* that graph as explored, laid out */
  GArray           *held;           /* the handles of its nodes, held in the session */
  GCancellable     *cancellable;    /* the request or layout under way */
  GtkFileChooserNative *chooser;
  char             *export_format;
  gboolean          choosing;       /* filling the chooser, not the user */
};

G_DEFINE_FINAL_TYPE (HsGraphPage, hs_graph_page, GTK_TYPE_WIDGET)

enum {
  OBJECT_SELECTED,
  SHOW_REFERRERS,
  NOTICE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* What a step of exploring does with the agent's answer. */
typedef enum
{
  STEP_NEW,         /* a new graph around the object */
  STEP_AGAIN,       /* the same object with other options: the graph's next state */
  STEP_EXPAND,      /* a node's neighbours, added in place */
} StepKind;

typedef struct
{
  HsGraphPage      *page;
  GCancellable     *cancellable;
  StepKind          kind;
  guint             node;
  HsGraphDirection  direction;
  gboolean          derived;      /* a layout of a view of the graph, not recorded */
} Step;

static Step *
step_new (HsGraphPage *self,
          StepKind     kind)
{
  Step *step = g_new0 (Step, 1);

  step->page = g_object_ref (self);
  step->cancellable = g_object_ref (self->cancellable);
  step->kind = kind;
  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->page);
  g_object_unref (step->cancellable);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static void
set_note (HsGraphPage *self,
          const char  *text,
          gboolean     error)
{
  gtk_label_set_text (self->note, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note), text != NULL);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->note), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->note), "error");
}

static void
set_busy (HsGraphPage *self,
          const char  *what)
{
  gtk_widget_set_visible (self->busy_box, what != NULL);
  gtk_spinner_set_spinning (self->busy_spinner, what != NULL);
  gtk_label_set_text (self->busy_label, what != NULL ? what : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.cancel", what != NULL);
}

/* Starts a step: whatever was under way is given up. */
static void
begin (HsGraphPage *self,
       const char  *what)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, what);
}

static void
finish (HsGraphPage *self)
{
  g_clear_object (&self->cancellable);
  set_busy (self, NULL);
}

static void
update_actions (HsGraphPage *self)
{
  HsRefGraph *shown = hs_graph_view_get_graph (self->view);
  int selected = hs_graph_view_get_selected (self->view);
  gboolean has_object = FALSE;

  if (shown != NULL && selected >= 0 && (guint) selected < shown->nodes->len)
    has_object = hs_ref_graph_node (shown, selected)->object->handle > 0 ||
                 (hs_ref_graph_node (shown, selected)->flags & HS_GRAPH_NODE_MORE) != 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.expand",
                                 has_object && self->explored != NULL && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.show-referrers",
                                 has_object && hs_ref_graph_node (shown, selected)->object->handle > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.export", shown != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.zoom-in", shown != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.zoom-out", shown != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "graph.zoom-fit", shown != NULL);
}

static HsGraphDirection
chosen_direction (HsGraphPage *self)
{
  switch (gtk_drop_down_get_selected (self->direction_dropdown))
    {
    case 1:
      return HS_GRAPH_REFERENTS;
    case 2:
      return HS_GRAPH_BOTH;
    default:
      return HS_GRAPH_REFERRERS;
    }
}

static const char *
chosen_engine (HsGraphPage *self)
{
  static const char *const engines[] = { NULL, "dot", "sfdp", "neato" };
  guint selected = gtk_drop_down_get_selected (self->engine_dropdown);

  return selected < G_N_ELEMENTS (engines) ? engines[selected] : NULL;
}

/* The type names typed in the filter, trimmed, empty ones dropped. */
static char **
chosen_hidden_types (HsGraphPage *self)
{
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->hide_entry)), ",", -1);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *name = g_strstrip (parts[i]);

      if (*name != '\0')
        g_strv_builder_add (names, name);
    }
  return g_strv_builder_end (names);
}

static void
hold_graph_handles (HsGraphPage *self,
                    HsRefGraph  *graph)
{
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; graph != NULL && i < graph->nodes->len; i++)
    {
      gint64 handle = hs_ref_graph_node (graph, i)->object->handle;

      if (handle > 0)
        g_array_append_val (held, handle);
    }
  /* Hold the new ones before dropping the old: an object in both stays held. */
  if (self->session != NULL && held->len > 0)
    hs_session_hold_handles (self->session, (const gint64 *) held->data, held->len);
  if (self->session != NULL && self->held != NULL && self->held->len > 0)
    hs_session_drop_handles (self->session, (const gint64 *) self->held->data, self->held->len);
  g_clear_pointer (&self->held, g_array_unref);
  self->held = g_steal_pointer (&held);
}

static void
show_selection (HsGraphPage *self)
{
  HsRefGraph *shown = hs_graph_view_get_graph (self->view);
  int selected = hs_graph_view_get_selected (self->view);

  if (shown != NULL && selected >= 0 && (guint) selected < shown->nodes->len)
    {
      g_autofree char *text = hs_graph_view_describe_node (self->view, selected);
      g_auto(GStrv) lines = g_strsplit (text, "\n", 3);
      g_autofree char *shown = NULL;

      /* The bar has the type and the description; the tooltip has the rest. */
      shown = lines[0] != NULL && lines[1] != NULL && *lines[1] != '\0'
              ? g_strdup_printf ("%s — %s", lines[0], lines[1]) : g_strdup (lines[0] != NULL ? lines[0] : "");
      gtk_label_set_text (self->selection_label, shown);
      gtk_action_bar_set_revealed (self->action_bar, TRUE);
    }
  else
    gtk_action_bar_set_revealed (self->action_bar, FALSE);
  update_actions (self);
}

static void
show_laid_out (HsGraphPage *self,
               HsRefGraph  *graph,
               gboolean     keep_view)
{
  hs_graph_view_set_graph (self->view, graph, keep_view);
  gtk_stack_set_visible_child_name (self->stack, "graph");
  show_selection (self);
}

static void on_laid_out (GObject *source, GAsyncResult *result, gpointer user_data);

/* What the view shows of the explored graph: itself, or its cycles, its
 * connected parts; each of those is laid out on its own. */
static void
show_explored (HsGraphPage *self,
               gboolean     keep_view)
{
  gboolean cycles = gtk_toggle_button_get_active (self->cycles_button);
  gboolean split = gtk_toggle_button_get_active (self->split_button);
  g_autoptr(HsRefGraph) view = NULL;
  Step *step;

  if (self->explored == NULL)
    return;
  if (!cycles && !split && chosen_engine (self) == NULL)
    {
      show_laid_out (self, self->explored, keep_view);
      return;
    }
  view = cycles ? hs_ref_graph_cycles_only (self->explored) : hs_ref_graph_copy (self->explored);
  if (view->nodes->len == 0)
    {
      hs_graph_view_set_graph (self->view, NULL, FALSE);
      set_note (self, _("No object of this graph is on a reference cycle"), FALSE);
      return;
    }
  if (split)
    hs_ref_graph_split (view);
  begin (self, _("Laying out…"));
  step = step_new (self, STEP_AGAIN);
  step->derived = TRUE;
  hs_graph_layout_async (view, chosen_engine (self), FALSE, self->cancellable, on_laid_out, step);
}

static void
refresh_chooser (HsGraphPage *self)
{
  guint n = self->session != NULL ? hs_session_get_n_graphs (self->session) : 0;
  guint listed = g_list_model_get_n_items (G_LIST_MODEL (self->graph_labels));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      HsRefGraph *graph = hs_session_get_graph (self->session, i);

      g_ptr_array_add (labels, g_strdup (graph->label != NULL ? graph->label : _("Graph")));
    }
  g_ptr_array_add (labels, NULL);
  self->choosing = TRUE;
  gtk_string_list_splice (self->graph_labels, 0, listed, (const char * const *) labels->pdata);
  gtk_drop_down_set_selected (self->graph_chooser, self->index >= 0 ? (guint) self->index : GTK_INVALID_LIST_POSITION);
  self->choosing = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->graph_chooser), n > 0);
}

static void
explored_changed (HsGraphPage *self,
                  HsRefGraph  *graph,
                  gboolean     keep_view)
{
  g_autofree char *note = NULL;

  g_clear_pointer (&self->explored, hs_ref_graph_unref);
  self->explored = hs_ref_graph_ref (graph);
  hold_graph_handles (self, graph);
  if (self->session != NULL)
    {
      self->index = (int) hs_session_record_graph (self->session, self->index, graph);
      refresh_chooser (self);
    }
  if (graph->truncated)
    note = g_strdup_printf (_("The graph was cut at %u objects: ask for less depth, or hide some types"),
                            graph->nodes->len);
  set_note (self, note, FALSE);
  show_explored (self, keep_view);
}

static void
on_laid_out (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  HsGraphPage *self = step->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsRefGraph) graph = hs_graph_layout_finish (result, &error);

  if (g_cancellable_is_cancelled (step->cancellable))
    return;
  finish (self);
  if (graph == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Graphviz could not lay out the graph: %s"), error->message);

      set_note (self, text, TRUE);
      return;
    }
  if (step->derived)
    show_laid_out (self, graph, FALSE);
  else
    explored_changed (self, graph, step->kind == STEP_EXPAND);
}

static void
lay_out (HsGraphPage *self,
         HsRefGraph  *graph,
         Step        *step)
{
  g_autofree char *what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Laying out %u object…",
                                                        "Laying out %u objects…", graph->nodes->len),
                                           graph->nodes->len);

  set_busy (self, what);
  hs_ref_graph_mark_cycles (graph);
  /* The explored graph keeps the engine that suits its size; a chosen one
   * applies to what is shown. */
  hs_graph_layout_async (graph, NULL, step->kind == STEP_EXPAND, step->cancellable, on_laid_out, step);
}

static char *
graph_label (const HsObjectRef *object,
             HsGraphDirection   direction)
{
  switch (direction)
    {
    case HS_GRAPH_REFERENTS:
      return g_strdup_printf (_("What %s at 0x%llx refers to"), object->type_name,
                              (unsigned long long) object->address);
    case HS_GRAPH_BOTH:
      return g_strdup_printf (_("References around %s at 0x%llx"), object->type_name,
                              (unsigned long long) object->address);
    default:
      return g_strdup_printf (_("What refers to %s at 0x%llx"), object->type_name,
                              (unsigned long long) object->address);
    }
}

static void
on_graph_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Step *step = user_data;
  HsGraphPage *self = step->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  g_autoptr(HsRefGraph) graph = NULL;

  if (g_cancellable_is_cancelled (step->cancellable))
    {
      step_free (step);
      return;
    }
  if (reply == NULL || reply->graph == NULL)
    {
      const char *why = error != NULL ? error->message : _("The agent sent no graph");

      finish (self);
      if (g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED))
        why = _("The process has ended: the graph shows what was explored while it ran");
      set_note (self, why, error != NULL && !g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED));
      if (self->explored == NULL)
        gtk_stack_set_visible_child_name (self->stack, "empty");
      step_free (step);
      return;
    }
  if (step->kind == STEP_EXPAND && self->explored != NULL)
    {
      graph = hs_ref_graph_copy (self->explored);
      hs_ref_graph_merge (graph, reply->graph, step->node, step->direction);
    }
  else
    {
      graph = hs_ref_graph_copy (reply->graph);
      g_free (graph->label);
      graph->label = graph_label (self->asked, step->direction);
    }
  lay_out (self, graph, step);
}

static void
ask (HsGraphPage      *self,
     StepKind          kind,
     const gint64     *handles,
     guint             n_handles,
     HsGraphDirection  direction,
     int               depth,
     int               too_many,
     guint             node)
{
  g_auto(GStrv) hidden = chosen_hidden_types (self);
  g_autoptr(JsonNode) request = NULL;
  Step *step;

  if (self->session == NULL)
    return;
  begin (self, _("Finding references…"));
  request = hs_session_graph_request (self->session, handles, n_handles, direction, depth, too_many,
                                      (const char * const *) hidden, kind != STEP_EXPAND);
  step = step_new (self, kind);
  step->node = node;
  step->direction = direction;
  hs_session_query_async (self->session, request, self->cancellable, on_graph_answered, step);
}

static void
ask_about_object (HsGraphPage *self,
                  StepKind     kind)
{
  if (self->asked == NULL || self->asked->handle <= 0)
    return;
  ask (self, kind, &self->asked->handle, 1, chosen_direction (self),
       gtk_spin_button_get_value_as_int (self->depth_spin),
       gtk_spin_button_get_value_as_int (self->too_many_spin), 0);
}

void
hs_graph_page_show_object (HsGraphPage       *self,
                           const HsObjectRef *object)
{
  g_return_if_fail (HS_IS_GRAPH_PAGE (self));
  g_return_if_fail (object != NULL);

  g_clear_pointer (&self->asked, hs_object_ref_free);
  self->asked = hs_object_ref_copy (object);
  self->index = -1;
  set_note (self, NULL, FALSE);
  ask_about_object (self, STEP_NEW);
}

void
hs_graph_page_show_graph (HsGraphPage *self,
                          guint        index)
{
  HsRefGraph *graph;

  g_return_if_fail (HS_IS_GRAPH_PAGE (self));
  g_return_if_fail (self->session != NULL && index < hs_session_get_n_graphs (self->session));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  finish (self);
  graph = hs_session_get_graph (self->session, index);
  self->index = (int) index;
  g_clear_pointer (&self->asked, hs_object_ref_free);
  for (guint i = 0; i < graph->nodes->len; i++)
    if (hs_ref_graph_node (graph, i)->flags & HS_GRAPH_NODE_ASKED)
      {
        self->asked = hs_object_ref_copy (hs_ref_graph_node (graph, i)->object);
        break;
      }
  g_clear_pointer (&self->explored, hs_ref_graph_unref);
  self->explored = hs_ref_graph_ref (graph);
  hold_graph_handles (self, graph);
  set_note (self, graph->truncated ? _("The graph was cut at its size limit") : NULL, FALSE);
  refresh_chooser (self);
  show_explored (self, FALSE);
}

void
hs_graph_page_expand (HsGraphPage *self,
                      guint        node_index)
{
  HsGraphNode *node;
  HsGraphDirection direction = chosen_direction (self);

  g_return_if_fail (HS_IS_GRAPH_PAGE (self));

  if (self->explored == NULL || node_index >= self->explored->nodes->len)
    return;
  node = hs_ref_graph_node (self->explored, node_index);
  if (node->flags & HS_GRAPH_NODE_MORE)
    {
      /* "+K more": the owner's neighbours again, without the cut. */
      HsGraphNode *owner = hs_ref_graph_node (self->explored, node->more_of);
      int too_many = (int) MIN (1000, self->explored->too_many + node->more);

      ask (self, STEP_EXPAND, &owner->object->handle, 1, node->more_direction, 1, too_many, node->more_of);
      return;
    }
  if (node->object->handle <= 0)
    return;
  if ((node->explored & direction) == direction && !(node->flags & HS_GRAPH_NODE_ASKED))
    {
      g_autoptr(HsRefGraph) graph = hs_ref_graph_copy (self->explored);
      Step *step;

      hs_ref_graph_collapse (graph, node_index, direction);
      begin (self, NULL);
      step = step_new (self, STEP_EXPAND);
      lay_out (self, graph, step);
      return;
    }
  ask (self, STEP_EXPAND, &node->object->handle, 1, direction, 1,
       gtk_spin_button_get_value_as_int (self->too_many_spin), node_index);
}

/* The explored graph's node for the view's node @index (the view may show a
 * part of it), or -1. */
static int
explored_node (HsGraphPage *self,
               int          index)
{
  HsRefGraph *shown = hs_graph_view_get_graph (self->view);
  HsGraphNode *node;

  if (shown == NULL || self->explored == NULL || index < 0 || (guint) index >= shown->nodes->len)
    return -1;
  if (shown == self->explored)
    return index;
  node = hs_ref_graph_node (shown, index);
  return hs_ref_graph_find_handle (self->explored, node->object->handle);
}

static void
on_node_activated (HsGraphView *view,
                   int          index,
                   HsGraphPage *self)
{
  int node = explored_node (self, index);

  if (node >= 0)
    hs_graph_page_expand (self, node);
}

static void
on_node_selected (HsGraphView *view,
                  GParamSpec  *pspec,
                  HsGraphPage *self)
{
  HsRefGraph *shown = hs_graph_view_get_graph (view);
  int selected = hs_graph_view_get_selected (view);

  show_selection (self);
  if (shown != NULL && selected >= 0 && (guint) selected < shown->nodes->len &&
      hs_ref_graph_node (shown, selected)->object->handle > 0)
    g_signal_emit (self, signals [OBJECT_SELECTED], 0, hs_ref_graph_node (shown, selected)->object);
}

static void
on_options_changed (HsGraphPage *self)
{
  if (self->asked != NULL && self->explored != NULL)
    ask_about_object (self, STEP_AGAIN);
}

static void
on_view_options_changed (HsGraphPage *self)
{
  set_note (self, NULL, FALSE);
  if (self->explored != NULL)
    show_explored (self, FALSE);
}

static void
on_graph_chosen (HsGraphPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->graph_chooser);

  if (self->choosing || self->session == NULL || selected == GTK_INVALID_LIST_POSITION ||
      (int) selected == self->index || selected >= hs_session_get_n_graphs (self->session))
    return;
  hs_graph_page_show_graph (self, selected);
}

static void
on_graph_added (HsSession   *session,
                guint        index,
                gboolean     pushed,
                HsGraphPage *self)
{
  /* The script's graphs show as they come, unless one is being explored. */
  if (pushed && self->cancellable == NULL)
    hs_graph_page_show_graph (self, index);
  else
    refresh_chooser (self);
}

/* Actions */

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HsGraphPage *self = HS_GRAPH_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  finish (self);
  set_note (self, _("Cancelled"), FALSE);
}

static void
expand_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HsGraphPage *self = HS_GRAPH_PAGE (widget);
  int node = explored_node (self, hs_graph_view_get_selected (self->view));

  if (node >= 0)
    hs_graph_page_expand (self, node);
}

static void
show_referrers_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HsGraphPage *self = HS_GRAPH_PAGE (widget);
  HsRefGraph *shown = hs_graph_view_get_graph (self->view);
  int selected = hs_graph_view_get_selected (self->view);

  if (shown != NULL && selected >= 0 && (guint) selected < shown->nodes->len &&
      hs_ref_graph_node (shown, selected)->object->handle > 0)
    g_signal_emit (self, signals [SHOW_REFERRERS], 0, hs_ref_graph_node (shown, selected)->object);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsGraphPage *self = HS_GRAPH_PAGE (widget);

  if (g_str_equal (action_name, "graph.zoom-fit"))
    hs_graph_view_zoom_to_fit (self->view);
  else
    hs_graph_view_set_zoom (self->view, hs_graph_view_get_zoom (self->view) *
                                        (g_str_equal (action_name, "graph.zoom-in") ? 1.25 : 0.8));
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  const char *path = g_object_get_data (G_OBJECT (task), "path");

  if (hs_ref_graph_render_file (task_data, path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  HsGraphPage *self = HS_GRAPH_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not export the graph: %s"), error->message);
      g_signal_emit (self, signals [NOTICE], 0, text);
    }
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    HsGraphPage     *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  HsRefGraph *shown = hs_graph_view_get_graph (self->view);

  if (response == GTK_RESPONSE_ACCEPT && shown != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, on_exported, NULL);

      /* The name the user typed decides the format; one without an
       * extension gets the one chosen in the menu. */
      if (strrchr (path, '.') == NULL || strrchr (path, '.') < strrchr (path, '/'))
        {
          char *named = g_strconcat (path, ".", self->export_format, NULL);

          g_free (path);
          path = named;
        }
      g_object_set_data_full (G_OBJECT (task), "path", g_steal_pointer (&path), g_free);
      g_task_set_task_data (task, hs_ref_graph_ref (shown), (GDestroyNotify) hs_ref_graph_unref);
      g_task_run_in_thread (task, render_in_thread);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HsGraphPage *self = HS_GRAPH_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *name = NULL;

  if (hs_graph_view_get_graph (self->view) == NULL || self->chooser != NULL)
    return;
  g_free (self->export_format);
  self->export_format = g_variant_dup_string (parameter, NULL);
  name = g_strconcat ("graph.", self->export_format, NULL);
  self->chooser = gtk_file_chooser_native_new (_("Export the Graph"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
hs_graph_page_dispose (GObject *object)
{
  HsGraphPage *self = (HsGraphPage *) object;
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  hold_graph_handles (self, NULL);
  g_clear_pointer (&self->held, g_array_unref);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->asked, hs_object_ref_free);
  g_clear_pointer (&self->explored, hs_ref_graph_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->export_format, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_GRAPH_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);        /* the overlay, which has no name */
  G_OBJECT_CLASS (hs_graph_page_parent_class)->dispose (object);
}

static void
hs_graph_page_class_init (HsGraphPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_graph_page_dispose;

  g_type_ensure (HS_TYPE_GRAPH_VIEW);
  g_type_ensure (HS_TYPE_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-graph-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, graph_chooser);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, graph_labels);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, depth_spin);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, too_many_spin);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, hide_entry);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, split_button);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, cycles_button);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, engine_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, busy_box);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, note);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, view);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, HsGraphPage, selection_label);
  gtk_widget_class_bind_template_callback (widget_class, on_graph_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_options_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_view_options_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_node_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_node_activated);

  gtk_widget_class_install_action (widget_class, "graph.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "graph.expand", NULL, expand_action);
  gtk_widget_class_install_action (widget_class, "graph.show-referrers", NULL, show_referrers_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "graph.export", "s", export_action);

  /**
   * HsGraphPage::object-selected:
   * @object: (type HsObjectRef): the object of the node selected
   */
  signals [OBJECT_SELECTED] =
    g_signal_new ("object-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals [SHOW_REFERRERS] =
    g_signal_new ("show-referrers", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals [NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* The graphs' labels can be long: the button shows them cut, the list whole. */
static void
on_chooser_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  cut)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (cut))
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 26);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
    }
  gtk_list_item_set_child (item, label);
}

static void
on_chooser_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  cut)
{
  GtkStringObject *label = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (label));
}

static GtkListItemFactory *
chooser_factory (gboolean cut)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (on_chooser_setup), GINT_TO_POINTER (cut));
  g_signal_connect (factory, "bind", G_CALLBACK (on_chooser_bind), GINT_TO_POINTER (cut));
  return factory;
}

static void
hs_graph_page_init (HsGraphPage *self)
{
  g_autoptr(GtkListItemFactory) cut = chooser_factory (TRUE);
  g_autoptr(GtkListItemFactory) whole = chooser_factory (FALSE);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_factory (self->graph_chooser, cut);
  gtk_drop_down_set_list_factory (self->graph_chooser, whole);
  self->index = -1;
  set_busy (self, NULL);
  refresh_chooser (self);
  update_actions (self);
}

GtkWidget *
hs_graph_page_new (void)
{
  return g_object_new (HS_TYPE_GRAPH_PAGE, NULL);
}

void
hs_graph_page_set_session (HsGraphPage *self,
                           HsSession   *session)
{
  g_return_if_fail (HS_IS_GRAPH_PAGE (self));

  if (self->session == session)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  finish (self);
  hold_graph_handles (self, NULL);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->asked, hs_object_ref_free);
  g_clear_pointer (&self->explored, hs_ref_graph_unref);
  self->index = -1;
  hs_graph_view_set_graph (self->view, NULL, FALSE);
  set_note (self, NULL, FALSE);
  if (session != NULL)
    g_signal_connect (session, "graph-added", G_CALLBACK (on_graph_added), self);
  refresh_chooser (self);
  if (session != NULL && hs_session_get_n_graphs (session) > 0)
    hs_graph_page_show_graph (self, hs_session_get_n_graphs (session) - 1);
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
  if (session != NULL && hs_session_get_unreadable_graphs (session) > 0)
    set_note (self, _("Some graphs of this session are damaged and could not be read back"), TRUE);
  update_actions (self);
}

HsGraphView *
hs_graph_page_get_view (HsGraphPage *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_PAGE (self), NULL);
  return self->view;
}

HsRefGraph *
hs_graph_page_get_graph (HsGraphPage *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_PAGE (self), NULL);
  return self->explored;
}

gboolean
hs_graph_page_get_busy (HsGraphPage *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_PAGE (self), FALSE);
  return self->cancellable != NULL;
}

const char *
hs_graph_page_get_note (HsGraphPage *self)
{
  g_return_val_if_fail (HS_IS_GRAPH_PAGE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->note)) ? gtk_label_get_text (self->note) : NULL;
}
