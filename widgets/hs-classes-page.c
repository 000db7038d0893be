/* hs-classes-page.c — tracked classes over time, their instances, and one
 * instance's sizes, referents and creation stack
 *
 * Classes: the tracker's classes → GtkSortListModel (the column view's
 * sorter) → GtkMultiSelection. The chosen classes go to the chart and filter
 * the instances: the tracker's instances → GtkFilterListModel (chosen
 * classes) → GtkFilterListModel (class-name substring) → GtkSortListModel
 * (the column view's sorter, then Pympler's sort_stats keys) →
 * GtkSliceListModel (print_stats' limit) → GtkSingleSelection; the lifetime
 * view draws the same rows.
 *
 * Cells are made in code from one helper (text_column) that binds an
 * inscription to a formatted property, where a .ui file per cell would
 * repeat the same ten lines fourteen times.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-cell.h"
#include "hs-classes-page.h"
#include "hs-instance-row.h"
#include "hs-type-rows.h"
#include "hs-format.h"
#include "hs-size-tree.h"
#include "hs-sparkline.h"
#include "hs-status.h"

/* Pympler's sort_stats criteria. */
typedef enum
{
  SORT_CLASSNAME,   /* the name the class was tracked under */
  SORT_NAME,        /* the class's own name */
  SORT_REPR,
  SORT_BIRTH,
  SORT_DEATH,
  SORT_SIZE,        /* the largest measured */
  SORT_TSIZE,       /* in the sample where the tracked total was largest */
  N_SORT_KEYS
} SortKey;

static const char *sort_key_names[N_SORT_KEYS] = {
  "classname", "name", "repr", "birth", "death", "size", "tsize",
};

/* What a column's sorter compares by. */
typedef struct
{
  HsClassesPage *page;
  SortKey        key;
} ColumnKey;

struct _HsClassesPage
{
  GtkWidget            parent_instance;

  HsClassTracker      *tracker;
  gulong               changed_handler;

  /* Classes. */
  GtkSortListModel    *sorted_classes;
  GtkMultiSelection   *class_selection;
  GHashTable          *chosen;          /* class indexes; empty: all */

  /* Instances. */
  GtkCustomFilter     *class_filter;
  GtkFilterListModel  *class_filtered;
  GtkStringFilter     *name_filter;
  GtkFilterListModel  *name_filtered;
  GtkCustomSorter     *keys_sorter;
  HsTypeRows          *instance_rows;     /* HsInstanceRow: rows that stay, showing the instances in order */
  guint                resort_id;
  GtkSliceListModel   *limited;
  GtkSingleSelection  *instance_selection;
  SortKey              keys[N_SORT_KEYS];
  guint                n_keys;
  gboolean             reverse;
  double               limit;           /* 0: none; < 1: a fraction; else a count */
  ColumnKey            column_keys[N_SORT_KEYS];
  gboolean             setting_sort;
  gboolean             setting_limit;

  /* Template children. */
  GtkStack            *stack;
  GtkColumnView       *class_view;
  GtkColumnViewColumn *class_name_column;
  GtkColumnViewColumn *class_count_column;
  GtkColumnViewColumn *class_size_column;
  GtkColumnViewColumn *class_average_column;
  GtkColumnViewColumn *class_percent_column;
  GtkColumnViewColumn *class_trend_column;
  GtkColumnViewColumn *class_state_column;
  GtkToggleButton     *stacked_toggle;
  HsClassChart        *chart;
  HsLifetimeView      *lifetime_view;
  GtkSearchEntry      *instance_filter_entry;
  GtkEntry            *limit_entry;
  GtkDropDown         *sort_first;
  GtkDropDown         *sort_then;
  GtkCheckButton      *reverse_check;
  GtkColumnView       *instance_view;
  GtkColumnViewColumn *instance_class_column;
  GtkColumnViewColumn *instance_text_column;
  GtkColumnViewColumn *instance_birth_column;
  GtkColumnViewColumn *instance_death_column;
  GtkColumnViewColumn *instance_size_column;
  GtkColumnViewColumn *instance_tsize_column;
  GtkLabel            *instance_summary;
  GtkStack            *detail_stack;
  GtkLabel            *detail_class;
  GtkLabel            *detail_address;
  GtkLabel            *detail_text;
  GtkLabel            *detail_gone;
  GtkLabel            *detail_birth;
  GtkLabel            *detail_death;
  GtkLabel            *detail_size;
  GtkStringList       *size_rows;
  GtkLabel            *referents_note;
  HsSizeTree          *referents_tree;
  GtkLabel            *trace_label;
  /* Whose detail is shown: the selected instance, or the one that was
   * selected until it died and left the list. */
  HsTrackedInstance   *shown;
};

G_DEFINE_FINAL_TYPE (HsClassesPage, hs_classes_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TRACKER,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  SAMPLE_ACTIVATED,
  SHOW_INSTANCE,
  SHOW_REFERRERS,
  DETACH_REQUESTED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* -- Cells ---------------------------------------------------------------- */

static char *
format_count (gpointer this,
              gint64   count)
{
  return hs_format_count (count);
}

static char *
format_bytes (gpointer this,
              gint64   bytes)
{
  return hs_format_bytes (bytes);
}

static char *
format_percent (gpointer this,
                double   percent)
{
  /* Translators: a share of the process's memory */
  return g_strdup_printf (_("%.1f %%"), percent);
}

static char *
format_state (gpointer this,
              gboolean active)
{
  return g_strdup (active ? _("Tracking") : _("Detached"));
}

/* A dot in the class's colour in the chart, then its name: the table is the
 * legend. The dot is a label of its own: GTK 4.8's inscription never frees
 * its attributes. */
static PangoAttrList *
class_color_attributes (gpointer this,
                        gint64   index)
{
  PangoAttrList *attributes = pango_attr_list_new ();
  GdkRGBA rgba;

  hs_class_chart_color (index, &rgba);
  pango_attr_list_insert (attributes, pango_attr_foreground_new (rgba.red * 65535, rgba.green * 65535,
                                                                 rgba.blue * 65535));
  return attributes;
}

static char *
format_birth (gpointer this,
              double   birth)
{
  return birth < 0 ? g_strdup (_("before tracking")) : hs_format_duration (birth);
}

static char *
format_death (gpointer this,
              double   death)
{
  return death < 0 ? g_strdup (_("alive")) : hs_format_duration (death);
}

static char *
format_address (gpointer this,
                gint64   address)
{
  return g_strdup_printf ("0x%llx", (unsigned long long) address);
}

static char *
format_text (gpointer    this,
             const char *text)
{
  return g_strdup (text != NULL ? text : "");
}

/* A property of a row's item; the instance table's items are rows showing
 * an instance (HsInstanceRow), so its cells read the instance's. */
static GtkExpression *
item_property (GType       item_type,
               const char *property)
{
  GtkExpression *item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");

  if (item_type == HS_TYPE_TRACKED_INSTANCE)
    item = gtk_property_expression_new (HS_TYPE_INSTANCE_ROW, item, "instance");
  return gtk_property_expression_new (item_type, item, property);
}

typedef struct
{
  GtkExpression *expression;     /* of the list item: the text */
  GtkExpression *color;          /* of the list item: a dot's PangoAttrList, or NULL */
  gboolean       numeric;
  const char    *css_class;
  int            min_chars;      /* 0: a few */
} TextCell;

static void
text_cell_free (gpointer data)
{
  TextCell *cell = data;

  gtk_expression_unref (cell->expression);
  g_clear_pointer (&cell->color, gtk_expression_unref);
  g_free (cell);
}

static void
on_text_cell_setup (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    TextCell                 *cell)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), cell->numeric ? 1 : 0);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), cell->min_chars > 0 ? cell->min_chars : 4);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), cell->numeric ? 10 : 24);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (cell->numeric)
    gtk_widget_add_css_class (inscription, "numeric");
  else
    hs_cell_show_full_text (GTK_INSCRIPTION (inscription));
  if (cell->css_class != NULL)
    gtk_widget_add_css_class (inscription, cell->css_class);
  gtk_expression_bind (gtk_expression_ref (cell->expression), inscription, "text", list_item);
  if (cell->color != NULL)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *dot = gtk_label_new ("●");

      gtk_expression_bind (gtk_expression_ref (cell->color), dot, "attributes", list_item);
      gtk_widget_set_hexpand (inscription, TRUE);
      gtk_box_append (GTK_BOX (box), dot);
      gtk_box_append (GTK_BOX (box), inscription);
      gtk_list_item_set_child (list_item, box);
      return;
    }
  gtk_list_item_set_child (list_item, inscription);
}

/* A column whose cells show @format (@property of the row's item), kept up
 * to date as the property changes. */
static void
text_column (GtkColumnViewColumn *column,
             GType                item_type,
             const char          *property,
             GCallback            format,
             gboolean             numeric,
             const char          *css_class)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  TextCell *cell = g_new0 (TextCell, 1);
  GtkExpression *value = item_property (item_type, property);

  cell->expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &value, format, NULL, NULL);
  cell->numeric = numeric;
  cell->css_class = css_class;
  g_signal_connect_data (factory, "setup", G_CALLBACK (on_text_cell_setup), cell,
                         (GClosureNotify) (void (*) (void)) text_cell_free, 0);
  gtk_column_view_column_set_factory (column, factory);
  g_object_unref (factory);
}

static void
class_name_column (GtkColumnViewColumn *column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  TextCell *cell = g_new0 (TextCell, 1);
  GtkExpression *name = item_property (HS_TYPE_TRACKED_CLASS, "name");
  GtkExpression *index = item_property (HS_TYPE_TRACKED_CLASS, "index");

  cell->expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &name,
                                                  G_CALLBACK (format_text), NULL, NULL);
  cell->color = gtk_cclosure_expression_new (PANGO_TYPE_ATTR_LIST, NULL, 1, &index,
                                             G_CALLBACK (class_color_attributes), NULL, NULL);
  /* A narrow table scrolls sideways rather than cut every name to "__…". */
  cell->min_chars = 12;
  g_signal_connect_data (factory, "setup", G_CALLBACK (on_text_cell_setup), cell,
                         (GClosureNotify) (void (*) (void)) text_cell_free, 0);
  gtk_column_view_column_set_factory (column, factory);
  g_object_unref (factory);
}

static void
on_sparkline_setup (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *sparkline = hs_sparkline_new ();

  gtk_widget_set_margin_start (sparkline, 4);
  gtk_widget_set_margin_end (sparkline, 4);
  gtk_expression_bind (gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item"),
                       sparkline, "tracked-class", list_item);
  gtk_list_item_set_child (list_item, sparkline);
}

static void
sparkline_column (GtkColumnViewColumn *column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (on_sparkline_setup), NULL);
  gtk_column_view_column_set_factory (column, factory);
  g_object_unref (factory);
}

/* -- Sorting instances ---------------------------------------------------- */

static int
compare_numbers (double a,
                 double b)
{
  return (a > b) - (a < b);
}

/* The class's own name, for the "name" key: the tracked class's type. */
static const char *
type_name_of (HsClassesPage     *self,
              HsTrackedInstance *instance)
{
  HsTrackedClass *tracked = self->tracker != NULL
    ? hs_class_tracker_find_class (self->tracker, hs_tracked_instance_get_class_index (instance)) : NULL;

  return tracked != NULL ? hs_tracked_class_get_type_name (tracked) : NULL;
}

/* Ascending by @key; strings by code point, as Python compares them. A
 * living instance dies after every dead one. */
static int
compare_by_key (HsClassesPage     *self,
                HsTrackedInstance *a,
                HsTrackedInstance *b,
                SortKey            key)
{
  double death_a, death_b;

  switch (key)
    {
    case SORT_CLASSNAME:
      return g_strcmp0 (hs_tracked_instance_get_class_name (a), hs_tracked_instance_get_class_name (b));
    case SORT_NAME:
      return g_strcmp0 (type_name_of (self, a), type_name_of (self, b));
    case SORT_REPR:
      return g_strcmp0 (hs_tracked_instance_get_text (a), hs_tracked_instance_get_text (b));
    case SORT_BIRTH:
      return compare_numbers (hs_tracked_instance_get_birth (a), hs_tracked_instance_get_birth (b));
    case SORT_DEATH:
      death_a = hs_tracked_instance_get_death (a);
      death_b = hs_tracked_instance_get_death (b);
      return compare_numbers (death_a < 0 ? INFINITY : death_a, death_b < 0 ? INFINITY : death_b);
    case SORT_SIZE:
      return compare_numbers (hs_tracked_instance_get_size (a), hs_tracked_instance_get_size (b));
    case SORT_TSIZE:
      return compare_numbers (hs_tracked_instance_get_tsize (a), hs_tracked_instance_get_tsize (b));
    case N_SORT_KEYS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
largest_first (SortKey key)
{
  return key == SORT_SIZE || key == SORT_TSIZE;
}

static int
compare_by_column (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  ColumnKey *column_key = user_data;

  return compare_by_key (column_key->page, (HsTrackedInstance *) a, (HsTrackedInstance *) b, column_key->key);
}

/* sort_stats(*keys), then reverse_order() when asked. */
static int
compare_by_keys (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  HsClassesPage *self = user_data;

  for (guint i = 0; i < self->n_keys; i++)
    {
      int order = compare_by_key (self, (HsTrackedInstance *) a, (HsTrackedInstance *) b, self->keys[i]);

      if (largest_first (self->keys[i]))
        order = -order;
      if (self->reverse)
        order = -order;
      if (order != 0)
        return order;
    }
  return 0;
}

static GtkColumnViewColumn *
column_for_key (HsClassesPage *self,
                SortKey        key)
{
  switch (key)
    {
    case SORT_CLASSNAME: return self->instance_class_column;
    case SORT_REPR: return self->instance_text_column;
    case SORT_BIRTH: return self->instance_birth_column;
    case SORT_DEATH: return self->instance_death_column;
    case SORT_SIZE: return self->instance_size_column;
    case SORT_TSIZE: return self->instance_tsize_column;
    case SORT_NAME:
    case N_SORT_KEYS:
    default:
      return NULL;
    }
}

/* The position of the row showing @instance, or GTK_INVALID_LIST_POSITION. */
static guint
row_of (HsClassesPage     *self,
        HsTrackedInstance *instance)
{
  GListModel *rows = G_LIST_MODEL (self->limited);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(HsInstanceRow) row = g_list_model_get_item (rows, i);

      if (hs_instance_row_get_instance (row) == instance)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The rows show the instances in order again, after they came or went, the
 * order changed or the values it follows did; the selection stays on the
 * instance it was on (or goes with it). */
static gboolean
show_in_order (gpointer data)
{
  HsClassesPage *self = data;
  HsTrackedInstance *selected = hs_classes_page_get_selected_instance (self);
  g_autoptr(HsTrackedInstance) kept = selected != NULL ? g_object_ref (selected) : NULL;

  self->resort_id = 0;
  hs_type_rows_resort (self->instance_rows);
  hs_lifetime_view_rows_changed (self->lifetime_view);
  if (kept != NULL)
    {
      guint position = row_of (self, kept);

      if (position != gtk_single_selection_get_selected (self->instance_selection))
        gtk_single_selection_set_selected (self->instance_selection, position);
    }
  return G_SOURCE_REMOVE;
}

/* Once per main-loop turn at most, before the window is laid out: a sample
 * tells its deaths in as many changes as runs of neighbours. */
static void
schedule_resort (HsClassesPage *self)
{
  if (self->resort_id == 0 && self->instance_rows != NULL)
    self->resort_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, show_in_order, self, NULL);
}

/* The keys rule; the header shows the primary one's arrow, and a click on a
 * header then sorts by it first, the keys breaking ties. */
static void
apply_sort (HsClassesPage *self)
{
  GtkColumnViewColumn *primary = self->n_keys > 0 ? column_for_key (self, self->keys[0]) : NULL;
  gboolean descending = self->n_keys > 0 && (largest_first (self->keys[0]) != self->reverse);

  /* Unsorted first: GTK 4.8 leaves the arrow of the column sorted by before
   * on its header otherwise. */
  gtk_column_view_sort_by_column (self->instance_view, NULL, GTK_SORT_ASCENDING);
  gtk_column_view_sort_by_column (self->instance_view, primary,
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  /* No keys: no function, so that the rows keep the tracker's order unsorted. */
  gtk_custom_sorter_set_sort_func (self->keys_sorter, self->n_keys > 0 ? compare_by_keys : NULL, self, NULL);
  schedule_resort (self);
}

/* The popover shows the first two keys and the order. */
static void
show_sort (HsClassesPage *self)
{
  self->setting_sort = TRUE;
  gtk_drop_down_set_selected (self->sort_first, self->n_keys > 0 ? self->keys[0] : SORT_BIRTH);
  gtk_drop_down_set_selected (self->sort_then, self->n_keys > 1 ? self->keys[1] + 1 : 0);
  gtk_check_button_set_active (self->reverse_check, self->reverse);
  self->setting_sort = FALSE;
}

static void
on_sort_changed (HsClassesPage *self)
{
  guint first = gtk_drop_down_get_selected (self->sort_first);
  guint then = gtk_drop_down_get_selected (self->sort_then);

  if (self->setting_sort || first >= N_SORT_KEYS)
    return;
  self->n_keys = 0;
  self->keys[self->n_keys++] = first;
  if (then > 0 && then <= N_SORT_KEYS && then - 1 != first)
    self->keys[self->n_keys++] = then - 1;
  self->reverse = gtk_check_button_get_active (self->reverse_check);
  apply_sort (self);
}

static void
set_up_instance_sorting (HsClassesPage *self)
{
  GtkColumnViewColumn *columns[N_SORT_KEYS];

  for (guint key = 0; key < N_SORT_KEYS; key++)
    {
      g_autoptr(GtkCustomSorter) sorter = NULL;

      self->column_keys[key] = (ColumnKey) { self, key };
      if ((columns[key] = column_for_key (self, key)) == NULL)
        continue;
      sorter = gtk_custom_sorter_new (compare_by_column, &self->column_keys[key], NULL);
      gtk_column_view_column_set_sorter (columns[key], GTK_SORTER (sorter));
    }
  self->keys_sorter = gtk_custom_sorter_new (NULL, NULL, NULL);
  /* The tracker's order, birth order, until asked for another. */
  self->keys[0] = SORT_BIRTH;
  self->n_keys = 0;
}

/* -- Filtering and limiting instances ------------------------------------- */

static const HsTypeRowsKind instance_rows = {
  hs_instance_row_get_type,
  (gpointer (*) (gpointer)) hs_instance_row_new,
  (void (*) (gpointer, gpointer)) hs_instance_row_assign,
  hs_instance_row_name,
  NULL,
};

static gboolean
is_chosen (gpointer item,
           gpointer user_data)
{
  HsClassesPage *self = user_data;
  gint64 index;

  if (g_hash_table_size (self->chosen) == 0)
    return TRUE;
  index = hs_tracked_instance_get_class_index (item);
  return g_hash_table_contains (self->chosen, &index);
}

/* "100" → 100; "0.1" or "10 %" → a tenth; "" → 0 (none). */
static gboolean
parse_limit (const char *text,
             double     *limit)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  gboolean percent = FALSE;
  char *end = NULL;
  gsize length = strlen (copy);
  double value;

  *limit = 0;
  if (length == 0)
    return TRUE;
  if (copy[length - 1] == '%')
    {
      percent = TRUE;
      copy[length - 1] = '\0';
      g_strchomp (copy);
    }
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !(value > 0) || !isfinite (value))
    return FALSE;
  if (percent)
    {
      if (value > 100)
        return FALSE;
      value /= 100;
    }
  *limit = value;
  return TRUE;
}

/* As print_stats prunes: a fraction of all the instances listed before the
 * name filter (at least one), or a count. */
static void
update_limit (HsClassesPage *self)
{
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->class_filtered));
  guint size = G_MAXUINT;

  if (self->limit > 0 && self->limit < 1)
    size = MAX (1, (guint) (total * self->limit));
  else if (self->limit >= 1)
    size = (guint) MIN (self->limit, (double) G_MAXUINT);
  gtk_slice_list_model_set_size (self->limited, size);
}

static void
update_instance_summary (HsClassesPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->limited));
  guint all = g_list_model_get_n_items (G_LIST_MODEL (self->class_filtered));
  g_autofree char *shown_text = hs_format_count (shown);
  g_autofree char *all_text = hs_format_count (all);
  g_autofree char *text = NULL;

  if (shown == all)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s instance", "%s instances", all), all_text);
  else
    text = g_strdup_printf (_("%s of %s instances"), shown_text, all_text);
  gtk_label_set_text (self->instance_summary, text);
}

static void
on_class_filtered_changed (GListModel    *model,
                           guint          position,
                           guint          removed,
                           guint          added,
                           HsClassesPage *self)
{
  if (removed != added)
    update_limit (self);
}

static void
on_limited_changed (GListModel    *model,
                    guint          position,
                    guint          removed,
                    guint          added,
                    HsClassesPage *self)
{
  if (removed != added)
    update_instance_summary (self);
}

static void
on_instance_filter_changed (GtkSearchEntry *entry,
                            HsClassesPage  *self)
{
  gtk_string_filter_set_search (self->name_filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_limit_changed (GtkEntry      *entry,
                  HsClassesPage *self)
{
  double limit;

  if (self->setting_limit)
    return;
  if (!parse_limit (gtk_editable_get_text (GTK_EDITABLE (entry)), &limit))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  self->limit = limit;
  update_limit (self);
}

/* -- Choosing classes ----------------------------------------------------- */

static void show_only_selected (HsClassesPage *self);

static void
update_actions (HsClassesPage *self)
{
  GListModel *classes = G_LIST_MODEL (self->sorted_classes);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->class_selection));
  gboolean any_active = FALSE;
  gboolean chosen_active = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (classes); i++)
    {
      g_autoptr(HsTrackedClass) tracked = g_list_model_get_item (classes, i);

      if (!hs_tracked_class_get_active (tracked))
        continue;
      any_active = TRUE;
      chosen_active |= gtk_bitset_contains (selected, i);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.stop-all", any_active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.stop-tracking", chosen_active);
}

static void
on_class_selection_changed (GtkSelectionModel *model,
                            guint              position,
                            guint              n_items,
                            HsClassesPage     *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (model);
  g_autoptr(GPtrArray) classes = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint i;

  g_hash_table_remove_all (self->chosen);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &i); more; more = gtk_bitset_iter_next (&iter, &i))
    {
      HsTrackedClass *tracked = g_list_model_get_item (G_LIST_MODEL (self->sorted_classes), i);
      gint64 *index = g_new (gint64, 1);

      *index = hs_tracked_class_get_index (tracked);
      g_hash_table_add (self->chosen, index);
      g_ptr_array_add (classes, tracked);
    }
  hs_class_chart_set_classes (self->chart, (HsTrackedClass **) classes->pdata, classes->len);
  /* No class chosen: no filter function, which the model passes through at
   * once; a function would be asked of every instance again, a chunk a frame,
   * and the counts below would lag behind the table. */
  if (classes->len == 0)
    gtk_custom_filter_set_filter_func (self->class_filter, NULL, NULL, NULL);
  else
    gtk_custom_filter_set_filter_func (self->class_filter, is_chosen, self, NULL);
  update_actions (self);
  show_only_selected (self);
}

static void
stop_tracking_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HsClassesPage *self = HS_CLASSES_PAGE (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->class_selection));
  GtkBitsetIter iter;
  guint i;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &i); more; more = gtk_bitset_iter_next (&iter, &i))
    {
      g_autoptr(HsTrackedClass) tracked = g_list_model_get_item (G_LIST_MODEL (self->sorted_classes), i);

      if (hs_tracked_class_get_active (tracked))
        g_signal_emit (self, signals [DETACH_REQUESTED], 0, hs_tracked_class_get_index (tracked));
    }
}

static void
stop_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_signal_emit (widget, signals [DETACH_REQUESTED], 0, (gint64) 0);
}

/* -- The selected instance ------------------------------------------------ */

static void
on_size_row_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   HsClassesPage            *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *time = gtk_inscription_new (NULL);
  GtkWidget *size = gtk_inscription_new (NULL);

  gtk_widget_set_hexpand (time, TRUE);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (size), 1);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (size), 10);
  gtk_widget_add_css_class (time, "numeric");
  gtk_widget_add_css_class (size, "numeric");
  gtk_box_append (GTK_BOX (box), time);
  gtk_box_append (GTK_BOX (box), size);
  gtk_list_item_set_child (list_item, box);
}

/* A row is "time\tsize". */
static void
on_size_row_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  HsClassesPage            *self)
{
  const char *row = gtk_string_object_get_string (gtk_list_item_get_item (list_item));
  g_auto(GStrv) parts = g_strsplit (row, "\t", 2);
  GtkWidget *time = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));

  gtk_inscription_set_text (GTK_INSCRIPTION (time), parts[0]);
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_widget_get_next_sibling (time)), parts[1]);
}

/* The size at every sample from its first measure to its death or now, as
 * Pympler's print_object lists it at every snapshot. */
static void
fill_sizes (HsClassesPage     *self,
            HsTrackedInstance *instance)
{
  guint n_changes;
  const HsSizeChange *changes = hs_tracked_instance_get_sizes (instance, &n_changes);
  guint n_samples = hs_class_tracker_get_n_samples (self->tracker);
  double death = hs_tracked_instance_get_death (instance);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);

  for (guint sample = n_changes > 0 ? changes[0].sample : n_samples; sample < n_samples; sample++)
    {
      double time = hs_class_tracker_get_sample_time (self->tracker, sample);
      g_autofree char *time_text = NULL;
      g_autofree char *size_text = NULL;

      if (isnan (time))
        continue;
      if (death >= 0 && time >= death)
        break;
      time_text = hs_format_duration (time);
      size_text = hs_format_bytes (hs_tracked_instance_get_size_at (instance, sample));
      g_ptr_array_add (rows, g_strdup_printf ("%s\t%s", time_text, size_text));
    }
  if (rows->len == 0)
    /* Dead unmeasured: it lived and died between two samples. */
    g_ptr_array_add (rows, g_strdup_printf ("%s\t", death >= 0 ? _("Never measured") : _("Not measured yet")));
  g_ptr_array_add (rows, NULL);
  gtk_string_list_splice (self->size_rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->size_rows)),
                          (const char * const *) rows->pdata);
}

static void
fill_referents (HsClassesPage     *self,
                HsTrackedInstance *instance)
{
  HsTrackedClass *tracked = hs_class_tracker_find_class (self->tracker, hs_tracked_instance_get_class_index (instance));
  const HsSizeNode *detail = hs_tracked_instance_get_detail (instance);

  hs_size_tree_set_root (self->referents_tree, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->referents_tree), detail != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->referents_note), detail == NULL);
  if (detail != NULL)
    return;
  if (tracked != NULL && hs_tracked_class_get_level (tracked) == 0)
    gtk_label_set_text (self->referents_note, _("Track the class with a resolution level above 0 to itemise what each instance refers to."));
  else if (hs_tracked_instance_get_alive (instance))
    gtk_label_set_text (self->referents_note, _("Not measured yet."));
  else
    gtk_label_set_text (self->referents_note, _("None were itemised while it lived."));
}

static void
fill_trace (HsClassesPage     *self,
            HsTrackedInstance *instance)
{
  gint64 trace_id = hs_tracked_instance_get_trace (instance);
  const HsTrace *trace = trace_id != 0 ? hs_class_tracker_get_trace (self->tracker, trace_id) : NULL;

  if (trace != NULL)
    {
      g_autofree char *text = g_strchomp (hs_trace_format (trace));

      gtk_label_set_text (self->trace_label, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->trace_label), "monospace");
      gtk_widget_remove_css_class (GTK_WIDGET (self->trace_label), "dim-label");
      return;
    }
  gtk_label_set_text (self->trace_label, _("Not recorded. Track the class with “Record creation stacks” to see where each instance is made."));
  gtk_widget_remove_css_class (GTK_WIDGET (self->trace_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->trace_label), "dim-label");
}

static void
update_detail (HsClassesPage *self)
{
  HsTrackedInstance *instance = self->shown;
  gboolean alive;

  if (instance == NULL || self->tracker == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.show-instance", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.show-referrers", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.show-graph", FALSE);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      hs_size_tree_set_root (self->referents_tree, NULL);
      return;
    }
  gtk_stack_set_visible_child_name (self->detail_stack, "instance");
  alive = hs_tracked_instance_get_alive (instance);
  {
    g_autofree char *address = alive ? format_address (NULL, hs_tracked_instance_get_address (instance))
                                     : g_strdup (_("freed"));
    g_autofree char *birth = format_birth (NULL, hs_tracked_instance_get_birth (instance));
    g_autofree char *death = format_death (NULL, hs_tracked_instance_get_death (instance));
    guint n_changes;
    g_autofree char *size = hs_tracked_instance_get_sizes (instance, &n_changes) != NULL && n_changes > 0
      ? hs_format_bytes (hs_tracked_instance_get_size (instance)) : g_strdup ("—");
    const char *text = hs_tracked_instance_get_text (instance);

    gtk_label_set_text (self->detail_class, hs_tracked_instance_get_class_name (instance));
    gtk_label_set_text (self->detail_address, address);
    gtk_label_set_text (self->detail_text, text);
    gtk_widget_set_visible (GTK_WIDGET (self->detail_text), text != NULL && *text != '\0');
    gtk_widget_set_visible (GTK_WIDGET (self->detail_gone), instance != hs_classes_page_get_selected_instance (self));
    gtk_label_set_text (self->detail_birth, birth);
    gtk_label_set_text (self->detail_death, death);
    gtk_label_set_text (self->detail_size, size);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.show-instance", alive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.show-referrers", alive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "classes.show-graph", alive);
  fill_sizes (self, instance);
  fill_referents (self, instance);
  fill_trace (self, instance);
}

/* Whether @instance died and went from the list: its class keeps no dead
 * instances. */
static gboolean
left_the_list (HsClassesPage     *self,
               HsTrackedInstance *instance)
{
  HsTrackedClass *tracked;

  if (self->tracker == NULL || hs_tracked_instance_get_alive (instance))
    return FALSE;
  tracked = hs_class_tracker_find_class (self->tracker, hs_tracked_instance_get_class_index (instance));
  return tracked == NULL || !hs_tracked_class_get_keep (tracked);
}

/* The detail follows the selection, except that an instance that dies while
 * it is read stays shown (as dead) instead of vanishing with its row. */
static void
on_instance_selected (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      HsClassesPage      *self)
{
  HsTrackedInstance *selected = hs_classes_page_get_selected_instance (self);

  if (selected != NULL || self->shown == NULL || !left_the_list (self, self->shown))
    g_set_object (&self->shown, selected);
  update_detail (self);
}

/* What is shown is only what is selected. */
static void
show_only_selected (HsClassesPage *self)
{
  g_set_object (&self->shown, hs_classes_page_get_selected_instance (self));
  update_detail (self);
}

static void
on_instance_position (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      HsClassesPage      *self)
{
  hs_lifetime_view_set_selected (self->lifetime_view, gtk_single_selection_get_selected (selection));
}

static void
emit_for_selected (HsClassesPage *self,
                   guint          signal_id)
{
  HsTrackedInstance *instance = hs_classes_page_get_selected_instance (self);

  if (instance != NULL && hs_tracked_instance_get_alive (instance))
    g_signal_emit (self, signals [signal_id], 0, instance);
}

static void
show_instance_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  emit_for_selected (HS_CLASSES_PAGE (widget), SHOW_INSTANCE);
}

static void
show_referrers_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  emit_for_selected (HS_CLASSES_PAGE (widget), SHOW_REFERRERS);
}

/* The window's Show Graph, which takes the selected instance; there is
 * no graph of one that died. */
static void
show_graph_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "win.show-graph", NULL);
}

static void
on_lifetime_activated (HsLifetimeView *view,
                       guint           position,
                       HsClassesPage  *self)
{
  hs_classes_page_select_instance (self, position);
}

static void
on_sample_activated (HsClassChart  *chart,
                     guint          sample,
                     HsClassesPage *self)
{
  g_signal_emit (self, signals [SAMPLE_ACTIVATED], 0, sample);
}

/* -- The tracker ---------------------------------------------------------- */

static void
update_empty (HsClassesPage *self)
{
  gboolean any = self->tracker != NULL &&
                 g_list_model_get_n_items (hs_class_tracker_get_classes (self->tracker)) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "classes" : "empty");
}

/* Whether a sample can change the order of the instances: a size, a death
 * or a description can change, a birth or a name cannot. */
static gboolean
order_follows_samples (HsClassesPage *self)
{
  if (gtk_sorter_get_order (gtk_column_view_get_sorter (self->instance_view)) != GTK_SORTER_ORDER_NONE)
    return TRUE;
  for (guint i = 0; i < self->n_keys; i++)
    if (self->keys[i] != SORT_CLASSNAME && self->keys[i] != SORT_NAME && self->keys[i] != SORT_BIRTH)
      return TRUE;
  return FALSE;
}

/* A sample was applied: the figures moved in place; the orders by them are
 * made again, the detail shown again. */
static void
on_tracker_changed (HsClassTracker *tracker,
                    HsClassesPage  *self)
{
  GtkSorter *class_sorter = gtk_column_view_get_sorter (self->class_view);

  update_empty (self);
  if (gtk_sorter_get_order (class_sorter) != GTK_SORTER_ORDER_NONE)
    gtk_sorter_changed (class_sorter, GTK_SORTER_CHANGE_DIFFERENT);
  if (order_follows_samples (self))
    schedule_resort (self);
  update_actions (self);
  update_detail (self);
}

/* -- The class ------------------------------------------------------------ */

static void
hs_classes_page_dispose (GObject *object)
{
  HsClassesPage *self = (HsClassesPage *) object;
  GtkWidget *child;

  hs_classes_page_set_tracker (self, NULL);
  if (self->instance_selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->instance_selection, self);
      g_signal_handlers_disconnect_by_data (self->limited, self);
      g_signal_handlers_disconnect_by_data (self->class_filtered, self);
      g_signal_handlers_disconnect_by_data (self->class_selection, self);
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->instance_view), self);
      g_signal_handlers_disconnect_by_data (self->name_filtered, self);
    }
  g_clear_handle_id (&self->resort_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_CLASSES_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->instance_selection);
  g_clear_object (&self->class_selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->keys_sorter);
  self->limited = NULL;
  self->instance_rows = NULL;
  self->name_filtered = NULL;
  self->class_filtered = NULL;
  self->sorted_classes = NULL;
  G_OBJECT_CLASS (hs_classes_page_parent_class)->dispose (object);
}

static void
hs_classes_page_finalize (GObject *object)
{
  g_hash_table_unref (HS_CLASSES_PAGE (object)->chosen);
  G_OBJECT_CLASS (hs_classes_page_parent_class)->finalize (object);
}

static void
hs_classes_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TRACKER:
      g_value_set_object (value, HS_CLASSES_PAGE (object)->tracker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_classes_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TRACKER:
      hs_classes_page_set_tracker (HS_CLASSES_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-classes-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, HsClassesPage, name)
  CHILD (stack);
  CHILD (class_view);
  CHILD (class_name_column);
  CHILD (class_count_column);
  CHILD (class_size_column);
  CHILD (class_average_column);
  CHILD (class_percent_column);
  CHILD (class_trend_column);
  CHILD (class_state_column);
  CHILD (stacked_toggle);
  CHILD (chart);
  CHILD (lifetime_view);
  CHILD (instance_filter_entry);
  CHILD (limit_entry);
  CHILD (sort_first);
  CHILD (sort_then);
  CHILD (reverse_check);
  CHILD (instance_view);
  CHILD (instance_class_column);
  CHILD (instance_text_column);
  CHILD (instance_birth_column);
  CHILD (instance_death_column);
  CHILD (instance_size_column);
  CHILD (instance_tsize_column);
  CHILD (instance_summary);
  CHILD (detail_stack);
  CHILD (detail_class);
  CHILD (detail_address);
  CHILD (detail_text);
  CHILD (detail_gone);
  CHILD (detail_birth);
  CHILD (detail_death);
  CHILD (detail_size);
  CHILD (size_rows);
  CHILD (referents_note);
  CHILD (referents_tree);
  CHILD (trace_label);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_instance_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_limit_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sort_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_size_row_setup);
  gtk_widget_class_bind_template_callback (widget_class, on_size_row_bind);
}

static void
hs_classes_page_class_init (HsClassesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_classes_page_dispose;
  object_class->finalize = hs_classes_page_finalize;
  object_class->get_property = hs_classes_page_get_property;
  object_class->set_property = hs_classes_page_set_property;
  gtk_widget_class_set_css_name (widget_class, "hsclassespage");

  g_type_ensure (HS_TYPE_STATUS);
  g_type_ensure (HS_TYPE_CLASS_CHART);
  g_type_ensure (HS_TYPE_LIFETIME_VIEW);
  g_type_ensure (HS_TYPE_SIZE_TREE);
  bind_template (widget_class);

  gtk_widget_class_install_action (widget_class, "classes.stop-tracking", NULL, stop_tracking_action);
  gtk_widget_class_install_action (widget_class, "classes.stop-all", NULL, stop_all_action);
  gtk_widget_class_install_action (widget_class, "classes.show-instance", NULL, show_instance_action);
  gtk_widget_class_install_action (widget_class, "classes.show-referrers", NULL, show_referrers_action);
  gtk_widget_class_install_action (widget_class, "classes.show-graph", NULL, show_graph_action);

  properties [PROP_TRACKER] =
    g_param_spec_object ("tracker", NULL, NULL, HS_TYPE_CLASS_TRACKER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals [SHOW_INSTANCE] =
    g_signal_new ("show-instance", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_TRACKED_INSTANCE);
  signals [SHOW_REFERRERS] =
    g_signal_new ("show-referrers", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HS_TYPE_TRACKED_INSTANCE);
  signals [DETACH_REQUESTED] =
    g_signal_new ("detach-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
set_up_class_table (HsClassesPage *self)
{
  struct { GtkColumnViewColumn *column; const char *property; GCallback format; } numeric[] = {
    { self->class_count_column, "count", G_CALLBACK (format_count) },
    { self->class_size_column, "size", G_CALLBACK (format_bytes) },
    { self->class_average_column, "average", G_CALLBACK (format_bytes) },
    { self->class_percent_column, "percent", G_CALLBACK (format_percent) },
  };
  g_autoptr(GtkSorter) name_sorter =
    GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (HS_TYPE_TRACKED_CLASS, NULL, "name")));

  class_name_column (self->class_name_column);
  gtk_column_view_column_set_sorter (self->class_name_column, name_sorter);
  for (guint i = 0; i < G_N_ELEMENTS (numeric); i++)
    {
      g_autoptr(GtkSorter) sorter =
        GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (HS_TYPE_TRACKED_CLASS, NULL,
                                                                         numeric[i].property)));

      text_column (numeric[i].column, HS_TYPE_TRACKED_CLASS, numeric[i].property, numeric[i].format, TRUE, NULL);
      gtk_column_view_column_set_sorter (numeric[i].column, sorter);
    }
  sparkline_column (self->class_trend_column);
  text_column (self->class_state_column, HS_TYPE_TRACKED_CLASS, "active", G_CALLBACK (format_state), FALSE,
               "dim-label");

  self->sorted_classes = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->class_view)));
  self->class_selection = gtk_multi_selection_new (G_LIST_MODEL (self->sorted_classes));
  gtk_column_view_set_model (self->class_view, GTK_SELECTION_MODEL (self->class_selection));
  g_signal_connect (self->class_selection, "selection-changed", G_CALLBACK (on_class_selection_changed), self);
}

static void
set_up_instance_table (HsClassesPage *self)
{
  GtkMultiSorter *sorter = gtk_multi_sorter_new ();
  GtkSorter *column_sorter = gtk_column_view_get_sorter (self->instance_view);

  text_column (self->instance_class_column, HS_TYPE_TRACKED_INSTANCE, "class-name", G_CALLBACK (format_text), FALSE, NULL);
  text_column (self->instance_text_column, HS_TYPE_TRACKED_INSTANCE, "text", G_CALLBACK (format_text), FALSE, NULL);
  text_column (self->instance_birth_column, HS_TYPE_TRACKED_INSTANCE, "birth", G_CALLBACK (format_birth), TRUE, NULL);
  text_column (self->instance_death_column, HS_TYPE_TRACKED_INSTANCE, "death", G_CALLBACK (format_death), TRUE, NULL);
  text_column (self->instance_size_column, HS_TYPE_TRACKED_INSTANCE, "size", G_CALLBACK (format_bytes), TRUE, NULL);
  text_column (self->instance_tsize_column, HS_TYPE_TRACKED_INSTANCE, "tsize", G_CALLBACK (format_bytes), TRUE, NULL);
  set_up_instance_sorting (self);

  self->class_filter = gtk_custom_filter_new (NULL, NULL, NULL);     /* all, until classes are chosen */
  self->class_filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->class_filter));
  self->name_filter = gtk_string_filter_new (gtk_property_expression_new (HS_TYPE_TRACKED_INSTANCE, NULL, "class-name"));
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  self->name_filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->class_filtered), GTK_FILTER (self->name_filter));
  gtk_multi_sorter_append (sorter, g_object_ref (column_sorter));
  gtk_multi_sorter_append (sorter, g_object_ref (GTK_SORTER (self->keys_sorter)));
  /* The column view's sorter, then the keys. */
  self->instance_rows = hs_type_rows_new (&instance_rows, G_LIST_MODEL (self->name_filtered), GTK_SORTER (sorter));
  g_object_unref (sorter);
  gtk_filter_list_model_set_incremental (self->class_filtered, TRUE);
  gtk_filter_list_model_set_incremental (self->name_filtered, TRUE);
  hs_type_rows_pace (self->instance_rows, GTK_WIDGET (self->instance_view));
  /* Each model owns the one below it; the selection owns them all. */
  self->limited = gtk_slice_list_model_new (G_LIST_MODEL (self->instance_rows), 0, G_MAXUINT);
  self->instance_selection = gtk_single_selection_new (G_LIST_MODEL (self->limited));
  gtk_single_selection_set_autoselect (self->instance_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->instance_selection, TRUE);
  gtk_column_view_set_model (self->instance_view, GTK_SELECTION_MODEL (self->instance_selection));
  hs_lifetime_view_set_model (self->lifetime_view, G_LIST_MODEL (self->limited));

  g_signal_connect (self->class_filtered, "items-changed", G_CALLBACK (on_class_filtered_changed), self);
  g_signal_connect (self->limited, "items-changed", G_CALLBACK (on_limited_changed), self);
  g_signal_connect (self->instance_selection, "notify::selected", G_CALLBACK (on_instance_position), self);
  g_signal_connect (self->instance_selection, "notify::selected-item", G_CALLBACK (on_instance_selected), self);
  g_signal_connect_swapped (self->name_filtered, "items-changed", G_CALLBACK (schedule_resort), self);
  g_signal_connect_swapped (column_sorter, "changed", G_CALLBACK (schedule_resort), self);
}

static void
set_up_chart (HsClassesPage *self)
{
  g_object_bind_property (self->stacked_toggle, "active", self->chart, "stacked",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  /* The lifetimes line up with the chart's time axis. */
  g_object_bind_property (self->chart, "plot-left", self->lifetime_view, "plot-left", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->chart, "plot-right", self->lifetime_view, "plot-right", G_BINDING_SYNC_CREATE);
  g_signal_connect (self->chart, "sample-activated", G_CALLBACK (on_sample_activated), self);
  g_signal_connect (self->lifetime_view, "instance-activated", G_CALLBACK (on_lifetime_activated), self);
}

static void
hs_classes_page_init (HsClassesPage *self)
{
  self->chosen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  set_up_class_table (self);
  set_up_instance_table (self);
  set_up_chart (self);
  show_sort (self);
  update_empty (self);
  update_actions (self);
  update_instance_summary (self);
  update_detail (self);
}

GtkWidget *
hs_classes_page_new (void)
{
  return g_object_new (HS_TYPE_CLASSES_PAGE, NULL);
}

void
hs_classes_page_set_tracker (HsClassesPage  *self,
                             HsClassTracker *tracker)
{
  g_return_if_fail (HS_IS_CLASSES_PAGE (self));
  g_return_if_fail (tracker == NULL || HS_IS_CLASS_TRACKER (tracker));

  if (self->tracker == tracker)
    return;
  if (self->tracker != NULL)
    g_clear_signal_handler (&self->changed_handler, self->tracker);
  g_set_object (&self->tracker, tracker);
  if (self->sorted_classes == NULL)
    return;   /* disposed */
  if (tracker != NULL)
    self->changed_handler = g_signal_connect (tracker, "changed", G_CALLBACK (on_tracker_changed), self);
  hs_class_chart_set_tracker (self->chart, tracker);
  hs_lifetime_view_set_tracker (self->lifetime_view, tracker);
  gtk_sort_list_model_set_model (self->sorted_classes, tracker != NULL ? hs_class_tracker_get_classes (tracker) : NULL);
  gtk_filter_list_model_set_model (self->class_filtered, tracker != NULL ? hs_class_tracker_get_instances (tracker) : NULL);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->class_selection));
  update_empty (self);
  update_actions (self);
  show_only_selected (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TRACKER]);
}

HsClassTracker *
hs_classes_page_get_tracker (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return self->tracker;
}

void
hs_classes_page_set_shown_sample (HsClassesPage *self,
                                  int            sample)
{
  g_return_if_fail (HS_IS_CLASSES_PAGE (self));

  if (self->tracker != NULL)
    hs_class_tracker_set_shown_sample (self->tracker, sample);
  hs_class_chart_set_marked_sample (self->chart, sample);
}

GtkColumnView *
hs_classes_page_get_class_view (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return self->class_view;
}

GListModel *
hs_classes_page_get_visible_classes (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return G_LIST_MODEL (self->sorted_classes);
}

gboolean
hs_classes_page_select_class (HsClassesPage *self,
                              gint64         class_index,
                              gboolean       extend)
{
  GListModel *classes;

  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), FALSE);

  classes = G_LIST_MODEL (self->sorted_classes);
  for (guint i = 0; i < g_list_model_get_n_items (classes); i++)
    {
      g_autoptr(HsTrackedClass) tracked = g_list_model_get_item (classes, i);

      if (hs_tracked_class_get_index (tracked) == class_index)
        return gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->class_selection), i, !extend);
    }
  return FALSE;
}

GtkColumnView *
hs_classes_page_get_instance_view (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return self->instance_view;
}

GListModel *
hs_classes_page_get_visible_instances (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return G_LIST_MODEL (self->limited);
}

gboolean
hs_classes_page_is_busy (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), FALSE);

  return gtk_filter_list_model_get_pending (self->class_filtered) > 0 ||
         gtk_filter_list_model_get_pending (self->name_filtered) > 0 ||
         self->resort_id != 0 || hs_type_rows_is_adding (self->instance_rows);
}

gboolean
hs_classes_page_sort_instances (HsClassesPage *self,
                                const char    *keys,
                                gboolean       reverse)
{
  g_auto(GStrv) names = NULL;
  SortKey parsed[N_SORT_KEYS];
  guint n = 0;

  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), FALSE);

  names = g_strsplit (keys != NULL ? keys : "", ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      guint key;

      if (*name == '\0')
        continue;
      for (key = 0; key < N_SORT_KEYS && !g_str_equal (name, sort_key_names[key]); key++)
        ;
      if (key == N_SORT_KEYS || n == N_SORT_KEYS)
        return FALSE;
      parsed[n++] = key;
    }
  memcpy (self->keys, parsed, n * sizeof *parsed);
  self->n_keys = n;
  self->reverse = reverse;
  show_sort (self);
  apply_sort (self);
  return TRUE;
}

void
hs_classes_page_set_instance_filter (HsClassesPage *self,
                                     const char    *text)
{
  g_return_if_fail (HS_IS_CLASSES_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->instance_filter_entry), text != NULL ? text : "");
  /* At once, not after the entry's search delay. */
  gtk_string_filter_set_search (self->name_filter, text);
}

gboolean
hs_classes_page_set_limit (HsClassesPage *self,
                           const char    *limit)
{
  double value;

  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), FALSE);

  /* Set at once: the text passes through "" on the way, which is no limit. */
  self->setting_limit = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->limit_entry), limit != NULL ? limit : "");
  self->setting_limit = FALSE;
  on_limit_changed (self->limit_entry, self);
  return parse_limit (limit, &value);
}

void
hs_classes_page_select_instance (HsClassesPage *self,
                                 guint          position)
{
  g_return_if_fail (HS_IS_CLASSES_PAGE (self));

  gtk_single_selection_set_selected (self->instance_selection, position);
  if (position == GTK_INVALID_LIST_POSITION)
    return;
  /* The column view's list, a child of it, has the action. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->instance_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_activate_action (child, "list.scroll-to-item", "u", position))
      break;
}

HsTrackedInstance *
hs_classes_page_get_selected_instance (HsClassesPage *self)
{
  HsInstanceRow *row;

  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);

  row = gtk_single_selection_get_selected_item (self->instance_selection);
  return row != NULL ? hs_instance_row_get_instance (row) : NULL;
}

HsClassChart *
hs_classes_page_get_chart (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return self->chart;
}

HsLifetimeView *
hs_classes_page_get_lifetime_view (HsClassesPage *self)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);
  return self->lifetime_view;
}

char *
hs_classes_page_dup_detail_text (HsClassesPage *self,
                                 const char    *part)
{
  g_return_val_if_fail (HS_IS_CLASSES_PAGE (self), NULL);

  if (self->shown == NULL)
    return NULL;
  if (g_strcmp0 (part, "death") == 0)
    return g_strdup (gtk_label_get_text (self->detail_death));
  if (g_strcmp0 (part, "gone") == 0)
    return g_strdup (gtk_widget_get_visible (GTK_WIDGET (self->detail_gone))
                     ? gtk_label_get_text (self->detail_gone) : "");
  if (g_strcmp0 (part, "trace") == 0)
    return g_strdup (gtk_label_get_text (self->trace_label));
  if (g_strcmp0 (part, "referents") == 0)
    return g_strdup (gtk_widget_get_visible (GTK_WIDGET (self->referents_note))
                     ? gtk_label_get_text (self->referents_note) : "");
  if (g_strcmp0 (part, "sizes") == 0)
    {
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->size_rows)); i++)
        g_string_append_printf (text, "%s\n", gtk_string_list_get_string (self->size_rows, i));
      return g_string_free (text, FALSE);
    }
  return NULL;
}
