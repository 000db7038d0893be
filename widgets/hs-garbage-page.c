/* hs-garbage-page.c — what each garbage collection freed in reference
 * cycles: totals, a chart, the collections, one collection's types and cycles
 *
 * Collections: the log → GtkSortListModel (the column view's sorter, by
 * time newest first to begin with) → GtkSingleSelection. The selected
 * collection's types fill a string list of their names (their figures are
 * looked up by position when a row is bound: the list is replaced whole);
 * its chosen cycle is copied for showing (hs_garbage_graph_dup_for_display),
 * laid out in the layout thread and shown in the graph view. Choosing
 * another cycle or collection cancels a layout under way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-garbage-page.h"
#include "hs-graph-layout.h"
#include "hs-status.h"

typedef enum
{
  COLUMN_TIME,
  COLUMN_GENERATION,
  COLUMN_OBJECTS,
  COLUMN_CYCLES,
  COLUMN_BYTES,
  COLUMN_WITH_DEL,
  COLUMN_UNCOLLECTABLE,
  COLUMN_COST,
  N_COLUMNS
} Column;

typedef enum
{
  TYPE_COLUMN_NAME,
  TYPE_COLUMN_COUNT,
  TYPE_COLUMN_BYTES,
} TypeColumn;

struct _HsGarbagePage
{
  GtkWidget             parent_instance;

  HsGarbageLog         *log;
  gulong                notify_handler;
  GtkSortListModel     *sorted;
  GtkSingleSelection   *selection;
  HsGarbageCollection  *shown;           /* the selected collection */
  gboolean              filling;         /* replacing the cycle list */
  GCancellable         *cancellable;     /* the layout under way */
  const HsGarbageGraph *laying_out;      /* its cycle, in @shown */
  const HsGarbageGraph *drawn;           /* the cycle in the view, in @shown */
  guint                 n_layouts;       /* started, not yet called back (cancelled too) */

  /* Template children. */
  GtkStack             *stack;
  GtkStack             *body_stack;
  GtkLabel             *totals_label;
  GtkWidget            *uncollectable_box;
  GtkLabel             *uncollectable_label;
  HsGarbageChart       *chart;
  GtkColumnView        *collection_view;
  GtkColumnViewColumn  *time_column;
  GtkColumnViewColumn  *generation_column;
  GtkColumnViewColumn  *objects_column;
  GtkColumnViewColumn  *cycles_column;
  GtkColumnViewColumn  *bytes_column;
  GtkColumnViewColumn  *with_del_column;
  GtkColumnViewColumn  *uncollectable_column;
  GtkColumnViewColumn  *cost_column;
  GtkStack             *detail_stack;
  GtkLabel             *detail_title;
  GtkLabel             *detail_types_count;
  GtkLabel             *detail_note;
  GtkColumnView        *type_view;
  GtkStringList        *type_names;      /* the type view's rows, owned by it */
  GtkColumnViewColumn  *type_name_column;
  GtkColumnViewColumn  *type_count_column;
  GtkColumnViewColumn  *type_bytes_column;
  GtkDropDown          *cycle_dropdown;
  GtkStringList        *cycle_labels;
  GtkSpinner           *layout_spinner;
  GtkLabel             *cycle_note;
  GtkStack             *graph_stack;
  HsGraphView          *graph_view;
  HsStatus             *graph_status;
};

G_DEFINE_FINAL_TYPE (HsGarbagePage, hs_garbage_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOG,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void show_cycle (HsGarbagePage *self);

/* -- Collection cells ---------------------------------------------------- */

static char *
format_count_or_dash (gint64 value)
{
  return value < 0 ? g_strdup ("—") : hs_format_count (value);
}

static void
on_collection_cell_setup (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell;

  if (column == COLUMN_GENERATION)
    {
      cell = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (cell), 0.5);
    }
  else
    {
      cell = gtk_inscription_new (NULL);
      gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 3);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 8);
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
    }
  gtk_widget_add_css_class (cell, "numeric");
  gtk_list_item_set_child (list_item, cell);
}

/* Collections are immutable: a cell is written once per binding. */
static void
on_collection_cell_bind (GtkSignalListItemFactory *factory,
                         GtkListItem              *list_item,
                         gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  HsGarbageCollection *collection = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;
  const char *tooltip = NULL;
  gboolean warn = FALSE;
  gboolean dim = FALSE;
  gint64 value;

  switch (column)
    {
    case COLUMN_TIME:
      text = hs_garbage_format_time (hs_garbage_collection_get_time (collection));
      break;
    case COLUMN_GENERATION:
      {
        int generation = hs_garbage_collection_get_generation (collection);
        g_autofree char *markup = NULL;
        GdkRGBA color;

        /* A dot in the generation's colour in the chart: the table is its legend. */
        hs_garbage_chart_color (generation, &color);
        markup = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span> %d", (int) (color.red * 255),
                                  (int) (color.green * 255), (int) (color.blue * 255), generation);
        gtk_label_set_markup (GTK_LABEL (cell), markup);
        return;
      }
    case COLUMN_OBJECTS:
      text = hs_format_count (hs_garbage_collection_get_objects (collection));
      break;
    case COLUMN_CYCLES:
      value = hs_garbage_collection_get_cycles (collection);
      text = format_count_or_dash (value);
      if (value < 0)
        tooltip = _("Not counted: the collection freed more than 50,000 objects");
      break;
    case COLUMN_BYTES:
      text = hs_format_bytes (hs_garbage_collection_get_bytes (collection));
      break;
    case COLUMN_WITH_DEL:
      value = hs_garbage_collection_get_with_del (collection);
      text = hs_format_count (value);
      if ((warn = value > 0))
        tooltip = _("Objects whose class defines __del__: their finalizers ran in this collection");
      dim = !warn;
      break;
    case COLUMN_UNCOLLECTABLE:
      value = hs_garbage_collection_get_uncollectable (collection);
      text = hs_format_count (value);
      if ((warn = value > 0))
        tooltip = _("Objects the collector could not free: they stay in gc.garbage");
      dim = !warn;
      break;
    case COLUMN_COST:
      text = hs_garbage_format_cost (hs_garbage_collection_get_cost (collection));
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  gtk_widget_set_tooltip_text (cell, tooltip);
  /* Counts worth a look stand out; the zeros around them step back. */
  if (warn)
    gtk_widget_add_css_class (cell, "warning");
  else
    gtk_widget_remove_css_class (cell, "warning");
  if (dim)
    gtk_widget_add_css_class (cell, "dim-label");
  else
    gtk_widget_remove_css_class (cell, "dim-label");
}

static void
set_up_column (GtkColumnViewColumn *column,
               Column               kind,
               const char          *property)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter =
    GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (HS_TYPE_GARBAGE_COLLECTION, NULL, property)));

  g_signal_connect (factory, "setup", G_CALLBACK (on_collection_cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (on_collection_cell_bind), GINT_TO_POINTER (kind));
  gtk_column_view_column_set_factory (column, factory);
  gtk_column_view_column_set_sorter (column, sorter);
}

/* -- Type cells ------------------------------------------------------------ */

static void
on_type_cell_setup (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  TypeColumn column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), column == TYPE_COLUMN_NAME ? 0 : 1);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 4);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), column == TYPE_COLUMN_NAME ? 28 : 8);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), column == TYPE_COLUMN_NAME
                                                             ? GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE
                                                             : GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column != TYPE_COLUMN_NAME)
    gtk_widget_add_css_class (cell, "numeric");
  gtk_list_item_set_child (list_item, cell);
}

static void
on_type_cell_bind (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  HsGarbagePage *self = g_object_get_data (G_OBJECT (factory), "page");
  TypeColumn column = GPOINTER_TO_INT (user_data);
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (list_item));
  guint position = gtk_list_item_get_position (list_item);
  const HsGarbageType *types;
  guint n_types = 0;
  g_autofree char *text = NULL;

  types = self->shown != NULL ? hs_garbage_collection_get_types (self->shown, &n_types) : NULL;
  if (position >= n_types)
    {
      gtk_inscription_set_text (cell, NULL);
      return;
    }
  switch (column)
    {
    case TYPE_COLUMN_NAME:
      gtk_inscription_set_text (cell, types[position].name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (cell), types[position].name);
      return;
    case TYPE_COLUMN_COUNT:
      text = hs_format_count (types[position].count);
      break;
    case TYPE_COLUMN_BYTES:
      text = hs_format_bytes (types[position].bytes);
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_inscription_set_text (cell, text);
}

static void
set_up_type_column (HsGarbagePage       *self,
                    GtkColumnViewColumn *column,
                    TypeColumn           kind)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  /* Not a reference: the factory dies with the page's column view. */
  g_object_set_data (G_OBJECT (factory), "page", self);
  g_signal_connect (factory, "setup", G_CALLBACK (on_type_cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (on_type_cell_bind), GINT_TO_POINTER (kind));
  gtk_column_view_column_set_factory (column, factory);
}

/* -- Totals and state -------------------------------------------------------- */

static char *
describe_totals (HsGarbageLog *log)
{
  gint64 collections = hs_garbage_log_get_collections (log);
  gint64 objects = hs_garbage_log_get_objects (log);
  gint64 cycles = hs_garbage_log_get_cycles (log);
  gint64 dropped = hs_garbage_log_get_dropped (log);
  g_autofree char *collections_text = hs_format_count (collections);
  g_autofree char *objects_text = hs_format_count (objects);
  g_autofree char *bytes_text = hs_format_bytes (hs_garbage_log_get_bytes (log));
  g_autofree char *cycles_text = hs_format_count (cycles);
  g_autofree char *cost_text = hs_garbage_format_cost (hs_garbage_log_get_cost (log));
  g_autofree char *collections_part = NULL;
  g_autofree char *objects_part = NULL;
  g_autofree char *cycles_part = NULL;
  GString *text = g_string_new (NULL);

  collections_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s collection", "%s collections",
                                                   (gulong) collections), collections_text);
  objects_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s object", "%s objects", (gulong) objects),
                                  objects_text);
  if (hs_garbage_log_get_uncounted (log) > 0)
    cycles_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "at least %s cycle", "at least %s cycles",
                                                (gulong) cycles), cycles_text);
  else
    cycles_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s cycle", "%s cycles", (gulong) cycles),
                                   cycles_text);
  /* Before the first collection, only what the watch cost so far. */
  if (collections > 0)
    {
      /* Translators: "412 collections freed 120,000 objects (9.4 MB) in 3,100 cycles" */
      g_string_append_printf (text, _("%1$s freed %2$s (%3$s) in %4$s"), collections_part, objects_part, bytes_text,
                              cycles_part);
    }
  if (collections > 0 || hs_garbage_log_get_cost (log) > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: the time the watch added to the program's collections */
      g_string_append_printf (text, _("watch cost %s"), cost_text);
    }
  if (dropped > 0)
    {
      g_autofree char *dropped_text = hs_format_count (dropped);

      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s collection not recorded",
                                                 "%s collections not recorded", (gulong) dropped), dropped_text);
    }
  return g_string_free (text, FALSE);
}

static void
update_totals (HsGarbagePage *self)
{
  g_autofree char *totals = NULL;
  gint64 uncollectable;

  if (self->log == NULL)
    {
      gtk_label_set_text (self->totals_label, "");
      gtk_widget_set_visible (self->uncollectable_box, FALSE);
      return;
    }
  totals = describe_totals (self->log);
  gtk_label_set_text (self->totals_label, totals);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals_label), totals);
  uncollectable = hs_garbage_log_get_uncollectable (self->log);
  gtk_widget_set_visible (self->uncollectable_box, uncollectable > 0);
  if (uncollectable > 0)
    {
      g_autofree char *count = hs_format_count (uncollectable);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s uncollectable",
                                                            "%s uncollectable", (gulong) uncollectable), count);

      gtk_label_set_text (self->uncollectable_label, text);
      gtk_widget_set_tooltip_text (self->uncollectable_box,
                                   _("Objects the collector could not free (legacy finalizers): they stay in "
                                     "gc.garbage for the rest of the run"));
    }
}

static void
update_state (HsGarbagePage *self)
{
  guint n = self->log != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->log)) : 0;
  gboolean watching = self->log != NULL && hs_garbage_log_get_watching (self->log);

  gtk_stack_set_visible_child_name (self->stack, watching || n > 0 ? "log" : "empty");
  gtk_stack_set_visible_child_name (self->body_stack, n > 0 ? "collections" : "waiting");
  update_totals (self);
}

static void
on_log_notify (HsGarbageLog  *log,
               GParamSpec    *pspec,
               HsGarbagePage *self)
{
  update_state (self);
}

/* -- The selected collection --------------------------------------------- */

static void
stop_layout (HsGarbagePage *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->laying_out = NULL;
  gtk_spinner_stop (self->layout_spinner);
}

static char *
describe_cycle (const HsGarbageGraph *graph)
{
  guint n_nodes = graph->graph->nodes->len;
  guint n_del = 0;
  g_autofree char *objects = NULL;

  for (guint i = 0; i < n_nodes; i++)
    n_del += graph->has_del[i] ? 1 : 0;
  objects = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u object", "%u objects", n_nodes), n_nodes);
  if (n_del == 0)
    return g_steal_pointer (&objects);
  /* Translators: "4 objects · 2 define __del__" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u defines __del__", "%s · %u define __del__", n_del),
                          objects, n_del);
}

static void
fill_detail (HsGarbagePage *self)
{
  HsGarbageCollection *collection = self->shown;
  g_autofree char *time = NULL;
  g_autofree char *title = NULL;
  g_autofree char *types_text = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GString *note = g_string_new (NULL);
  const HsGarbageType *types;
  const HsGarbageGraph *graphs;
  guint n_types, n_graphs;
  gint64 with_del, uncollectable;

  time = hs_garbage_format_time (hs_garbage_collection_get_time (collection));
  /* Translators: a collection's time, then its generation */
  title = g_strdup_printf (_("Collection at %s, generation %d"), time, hs_garbage_collection_get_generation (collection));
  gtk_label_set_text (self->detail_title, title);

  types = hs_garbage_collection_get_types (collection, &n_types);
  types_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u type", "%u types", n_types), n_types);
  gtk_label_set_text (self->detail_types_count, types_text);
  for (guint i = 0; i < n_types; i++)
    g_ptr_array_add (names, types[i].name);
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->type_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->type_names)),
                          (const char * const *) names->pdata);

  uncollectable = hs_garbage_collection_get_uncollectable (collection);
  with_del = hs_garbage_collection_get_with_del (collection);
  if (uncollectable > 0)
    {
      g_autofree char *count = hs_format_count (uncollectable);

      g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE,
                                                 "%s object could not be freed: it stays in gc.garbage.",
                                                 "%s objects could not be freed: they stay in gc.garbage.",
                                                 (gulong) uncollectable), count);
    }
  if (with_del > 0)
    {
      g_autofree char *count = hs_format_count (with_del);

      if (note->len > 0)
        g_string_append_c (note, ' ');
      g_string_append_printf (note, g_dngettext (GETTEXT_PACKAGE,
                                                 "%s object defines __del__; its finalizer ran.",
                                                 "%s objects define __del__; their finalizers ran.",
                                                 (gulong) with_del), count);
    }
  gtk_label_set_text (self->detail_note, note->str);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_note), note->len > 0);
  g_string_free (note, TRUE);

  graphs = hs_garbage_collection_get_graphs (collection, &n_graphs);
  for (guint i = 0; i < n_graphs; i++)
    {
      g_autofree char *what = describe_cycle (&graphs[i]);

      /* Translators: an entry of the list of a collection's cycles: "Cycle 2 — 4 objects" */
      g_ptr_array_add (labels, g_strdup_printf (_("Cycle %u — %s"), i + 1, what));
    }
  g_ptr_array_add (labels, NULL);
  self->filling = TRUE;
  gtk_string_list_splice (self->cycle_labels, 0, g_list_model_get_n_items (G_LIST_MODEL (self->cycle_labels)),
                          (const char * const *) labels->pdata);
  gtk_drop_down_set_selected (self->cycle_dropdown, n_graphs > 0 ? 0 : GTK_INVALID_LIST_POSITION);
  self->filling = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->cycle_dropdown), n_graphs > 1);
}

static void
show_collection (HsGarbagePage       *self,
                 HsGarbageCollection *collection)
{
  if (self->shown == collection)
    return;
  stop_layout (self);
  self->drawn = NULL;
  hs_graph_view_set_graph (self->graph_view, NULL, FALSE);
  g_set_object (&self->shown, collection);
  hs_garbage_chart_set_marked (self->chart, collection);
  gtk_stack_set_visible_child_name (self->detail_stack, collection != NULL ? "collection" : "none");
  if (collection == NULL)
    return;
  fill_detail (self);
  show_cycle (self);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      HsGarbagePage      *self)
{
  show_collection (self, gtk_single_selection_get_selected_item (selection));
}

/* -- The chosen cycle ------------------------------------------------------- */

typedef struct
{
  HsGarbagePage        *page;
  GCancellable         *cancellable;
  const HsGarbageGraph *cycle;
} LayoutStep;

static void
layout_step_free (LayoutStep *step)
{
  g_object_unref (step->page);
  g_object_unref (step->cancellable);
  g_free (step);
}

static void
on_laid_out (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  LayoutStep *step = user_data;
  HsGarbagePage *self = step->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsRefGraph) graph = hs_graph_layout_finish (result, &error);

  self->n_layouts--;
  if (g_cancellable_is_cancelled (step->cancellable))
    {
      layout_step_free (step);
      return;
    }
  g_clear_object (&self->cancellable);
  self->laying_out = NULL;
  gtk_spinner_stop (self->layout_spinner);
  if (graph == NULL)
    {
      hs_status_set (self->graph_status, "dialog-error-symbolic", _("The Cycle Could Not Be Drawn"),
                     error != NULL ? error->message : NULL);
      gtk_stack_set_visible_child_name (self->graph_stack, "none");
    }
  else
    {
      self->drawn = step->cycle;
      hs_graph_view_set_graph (self->graph_view, graph, FALSE);
      gtk_stack_set_visible_child_name (self->graph_stack, "graph");
    }
  layout_step_free (step);
}

static void
show_cycle (HsGarbagePage *self)
{
  guint chosen = gtk_drop_down_get_selected (self->cycle_dropdown);
  const HsGarbageGraph *cycle = self->shown != NULL ? hs_garbage_collection_get_graph (self->shown, chosen) : NULL;
  g_autoptr(HsRefGraph) display = NULL;
  LayoutStep *step;

  if (cycle != NULL && (cycle == self->drawn || cycle == self->laying_out))
    return;
  stop_layout (self);
  gtk_label_set_text (self->cycle_note, "");
  if (cycle == NULL)
    {
      self->drawn = NULL;
      hs_graph_view_set_graph (self->graph_view, NULL, FALSE);
      hs_status_set (self->graph_status, "network-workgroup-symbolic", _("No Cycle Recorded"),
                     _("The watch draws up to five cycles of each collection, of at most fifty objects"));
      gtk_stack_set_visible_child_name (self->graph_stack, "none");
      return;
    }
  {
    g_autofree char *note = NULL;
    guint n_edges = cycle->graph->edges->len;

    note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reference", "%u references", n_edges), n_edges);
    gtk_label_set_text (self->cycle_note, note);
  }
  display = hs_garbage_graph_dup_for_display (cycle);
  step = g_new0 (LayoutStep, 1);
  step->page = g_object_ref (self);
  step->cancellable = g_cancellable_new ();
  step->cycle = cycle;
  self->cancellable = g_object_ref (step->cancellable);
  self->laying_out = cycle;
  gtk_spinner_start (self->layout_spinner);
  self->n_layouts++;
  hs_graph_layout_async (display, NULL, FALSE, step->cancellable, on_laid_out, step);
}

static void
on_cycle_chosen (HsGarbagePage *self)
{
  if (!self->filling)
    show_cycle (self);
}

/* -- The chart --------------------------------------------------------------- */

static void
on_chart_activated (HsGarbageChart *chart,
                    guint           position,
                    HsGarbagePage  *self)
{
  g_autoptr(HsGarbageCollection) collection = NULL;

  if (self->log == NULL || !(collection = g_list_model_get_item (G_LIST_MODEL (self->log), position)))
    return;
  hs_garbage_page_select_collection (self, collection);
}

/* -- Actions ---------------------------------------------------------------- */

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsGarbagePage *self = HS_GARBAGE_PAGE (widget);

  if (g_str_equal (action_name, "garbage.zoom-in"))
    gtk_widget_activate_action (GTK_WIDGET (self->graph_view), "graph.zoom-in", NULL);
  else if (g_str_equal (action_name, "garbage.zoom-out"))
    gtk_widget_activate_action (GTK_WIDGET (self->graph_view), "graph.zoom-out", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (self->graph_view), "graph.zoom-fit", NULL);
}

/* -- GObject ---------------------------------------------------------------- */

static void
hs_garbage_page_dispose (GObject *object)
{
  HsGarbagePage *self = HS_GARBAGE_PAGE (object);

  hs_garbage_page_set_log (self, NULL);
  stop_layout (self);
  g_clear_object (&self->shown);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_GARBAGE_PAGE);
  g_clear_object (&self->selection);
  self->sorted = NULL;       /* the selection owned it */
  self->type_names = NULL;   /* the type view's model owned it */
  G_OBJECT_CLASS (hs_garbage_page_parent_class)->dispose (object);
}

static void
hs_garbage_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HsGarbagePage *self = HS_GARBAGE_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_garbage_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HsGarbagePage *self = HS_GARBAGE_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOG:
      hs_garbage_page_set_log (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_garbage_page_class_init (HsGarbagePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_garbage_page_dispose;
  object_class->get_property = hs_garbage_page_get_property;
  object_class->set_property = hs_garbage_page_set_property;
  gtk_widget_class_set_css_name (widget_class, "hsgarbagepage");

  g_type_ensure (HS_TYPE_STATUS);
  g_type_ensure (HS_TYPE_GARBAGE_CHART);
  g_type_ensure (HS_TYPE_GRAPH_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-garbage-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, HsGarbagePage, name)
  CHILD (stack);
  CHILD (body_stack);
  CHILD (totals_label);
  CHILD (uncollectable_box);
  CHILD (uncollectable_label);
  CHILD (chart);
  CHILD (collection_view);
  CHILD (time_column);
  CHILD (generation_column);
  CHILD (objects_column);
  CHILD (cycles_column);
  CHILD (bytes_column);
  CHILD (with_del_column);
  CHILD (uncollectable_column);
  CHILD (cost_column);
  CHILD (detail_stack);
  CHILD (detail_title);
  CHILD (detail_types_count);
  CHILD (detail_note);
  CHILD (type_view);
  CHILD (type_name_column);
  CHILD (type_count_column);
  CHILD (type_bytes_column);
  CHILD (cycle_dropdown);
  CHILD (cycle_labels);
  CHILD (layout_spinner);
  CHILD (cycle_note);
  CHILD (graph_stack);
  CHILD (graph_view);
  CHILD (graph_status);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_chart_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_cycle_chosen);

  gtk_widget_class_install_action (widget_class, "garbage.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "garbage.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "garbage.zoom-fit", NULL, zoom_action);

  properties [PROP_LOG] =
    g_param_spec_object ("log", NULL, NULL, HS_TYPE_GARBAGE_LOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_garbage_page_init (HsGarbagePage *self)
{
  struct { GtkColumnViewColumn *column; Column kind; const char *property; } columns[] = {
    { NULL, COLUMN_TIME, "index" },
    { NULL, COLUMN_GENERATION, "generation" },
    { NULL, COLUMN_OBJECTS, "objects" },
    { NULL, COLUMN_CYCLES, "cycles" },
    { NULL, COLUMN_BYTES, "bytes" },
    { NULL, COLUMN_WITH_DEL, "with-del" },
    { NULL, COLUMN_UNCOLLECTABLE, "uncollectable" },
    { NULL, COLUMN_COST, "cost" },
  };
  g_autoptr(GtkNoSelection) types = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  columns[COLUMN_TIME].column = self->time_column;
  columns[COLUMN_GENERATION].column = self->generation_column;
  columns[COLUMN_OBJECTS].column = self->objects_column;
  columns[COLUMN_CYCLES].column = self->cycles_column;
  columns[COLUMN_BYTES].column = self->bytes_column;
  columns[COLUMN_WITH_DEL].column = self->with_del_column;
  columns[COLUMN_UNCOLLECTABLE].column = self->uncollectable_column;
  columns[COLUMN_COST].column = self->cost_column;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    set_up_column (columns[i].column, columns[i].kind, columns[i].property);

  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->collection_view)));
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->collection_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->collection_view, self->time_column, GTK_SORT_DESCENDING);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (on_selection_changed), self);

  set_up_type_column (self, self->type_name_column, TYPE_COLUMN_NAME);
  set_up_type_column (self, self->type_count_column, TYPE_COLUMN_COUNT);
  set_up_type_column (self, self->type_bytes_column, TYPE_COLUMN_BYTES);
  self->type_names = gtk_string_list_new (NULL);
  types = gtk_no_selection_new (G_LIST_MODEL (self->type_names));
  gtk_column_view_set_model (self->type_view, GTK_SELECTION_MODEL (types));

  update_state (self);
}

/* -- Public ------------------------------------------------------------------ */

GtkWidget *
hs_garbage_page_new (void)
{
  return g_object_new (HS_TYPE_GARBAGE_PAGE, NULL);
}

void
hs_garbage_page_set_log (HsGarbagePage *self,
                         HsGarbageLog  *log)
{
  g_return_if_fail (HS_IS_GARBAGE_PAGE (self));
  g_return_if_fail (log == NULL || HS_IS_GARBAGE_LOG (log));

  if (self->log == log)
    return;
  if (self->log != NULL)
    g_clear_signal_handler (&self->notify_handler, self->log);
  g_set_object (&self->log, log);
  if (self->selection == NULL)
    return;   /* disposed */
  if (log != NULL)
    self->notify_handler = g_signal_connect (log, "notify", G_CALLBACK (on_log_notify), self);
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (log));
  hs_garbage_chart_set_model (self->chart, G_LIST_MODEL (log));
  show_collection (self, gtk_single_selection_get_selected_item (self->selection));
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOG]);
}

HsGarbageLog *
hs_garbage_page_get_log (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return self->log;
}

const char *
hs_garbage_page_get_state (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0)
    return "empty";
  return gtk_stack_get_visible_child_name (self->body_stack);
}

GtkColumnView *
hs_garbage_page_get_collection_view (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return self->collection_view;
}

GListModel *
hs_garbage_page_get_visible_collections (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

gboolean
hs_garbage_page_select_collection (HsGarbagePage       *self,
                                   HsGarbageCollection *collection)
{
  GListModel *shown;

  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), FALSE);
  g_return_val_if_fail (collection == NULL || HS_IS_GARBAGE_COLLECTION (collection), FALSE);

  if (collection == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return TRUE;
    }
  shown = G_LIST_MODEL (self->sorted);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(HsGarbageCollection) item = g_list_model_get_item (shown, i);

      if (item != collection)
        continue;
      gtk_single_selection_set_selected (self->selection, i);
      /* The column view's list, a child of it, has the action. */
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->collection_view));
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (gtk_widget_activate_action (child, "list.scroll-to-item", "u", i))
          break;
      return TRUE;
    }
  return FALSE;
}

HsGarbageCollection *
hs_garbage_page_get_selected_collection (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

GtkColumnView *
hs_garbage_page_get_type_view (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return self->type_view;
}

void
hs_garbage_page_select_cycle (HsGarbagePage *self,
                              guint          cycle)
{
  g_return_if_fail (HS_IS_GARBAGE_PAGE (self));

  if (cycle < g_list_model_get_n_items (G_LIST_MODEL (self->cycle_labels)))
    gtk_drop_down_set_selected (self->cycle_dropdown, cycle);
}

guint
hs_garbage_page_get_selected_cycle (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), GTK_INVALID_LIST_POSITION);
  return gtk_drop_down_get_selected (self->cycle_dropdown);
}

HsGraphView *
hs_garbage_page_get_graph_view (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return self->graph_view;
}

HsGarbageChart *
hs_garbage_page_get_chart (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);
  return self->chart;
}

gboolean
hs_garbage_page_is_busy (HsGarbagePage *self)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), FALSE);

  return self->n_layouts > 0 || (self->sorted != NULL && gtk_sort_list_model_get_pending (self->sorted) > 0);
}

char *
hs_garbage_page_dup_text (HsGarbagePage *self,
                          const char    *part)
{
  g_return_val_if_fail (HS_IS_GARBAGE_PAGE (self), NULL);

  if (g_strcmp0 (part, "totals") == 0)
    return g_strdup (gtk_label_get_text (self->totals_label));
  if (g_strcmp0 (part, "uncollectable") == 0)
    return g_strdup (gtk_widget_get_visible (self->uncollectable_box) ? gtk_label_get_text (self->uncollectable_label) : "");
  if (g_strcmp0 (part, "title") == 0)
    return g_strdup (self->shown != NULL ? gtk_label_get_text (self->detail_title) : "");
  if (g_strcmp0 (part, "note") == 0)
    return g_strdup (self->shown != NULL && gtk_widget_get_visible (GTK_WIDGET (self->detail_note))
                     ? gtk_label_get_text (self->detail_note) : "");
  if (g_strcmp0 (part, "cycle-status") == 0)
    return g_strdup (self->shown != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->graph_stack), "none") == 0
                     ? hs_status_get_text (self->graph_status) : "");
  if (g_strcmp0 (part, "cycle") == 0)
    {
      guint chosen = gtk_drop_down_get_selected (self->cycle_dropdown);

      return g_strdup (self->shown != NULL && chosen < g_list_model_get_n_items (G_LIST_MODEL (self->cycle_labels))
                       ? gtk_string_list_get_string (self->cycle_labels, chosen) : "");
    }
  return NULL;
}
