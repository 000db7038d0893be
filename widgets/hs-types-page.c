/* hs-types-page.c — the live census by type, sortable and filterable
 *
 * The column view sits on HsCensusModel → GtkFilterListModel → HsTypeRows →
 * GtkSingleSelection. The census model changes rows in place and the rows
 * shown stay where they are, showing the types in their new order, so
 * sorting, scrolling and the selection (kept on its type) survive every new
 * sample, and a census costs the view only the cells it shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-cell.h"
#include "hs-format.h"
#include "hs-text-export.h"
#include "hs-type-rows.h"
#include "hs-types-page.h"

struct _HsTypesPage
{
  GtkWidget            parent_instance;

  HsSession           *session;
  GSignalGroup        *snapshot_signals;
  GSignalGroup        *session_signals;
  GSignalGroup        *census_signals;
  HsTextExport         export;

  /* Template children. */
  GtkSearchEntry      *filter_entry;
  GtkDropDown         *shown_dropdown;
  GtkDropDown         *baseline_dropdown;
  GtkStringList       *shown_choices;
  GtkStringList       *baseline_choices;
  GtkWidget           *loading_box;
  GtkSpinner          *loading_spinner;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *count_column;
  GtkColumnViewColumn *size_column;
  GtkColumnViewColumn *delta_count_column;
  GtkColumnViewColumn *delta_size_column;
  GtkLabel            *summary_label;

  GtkStringFilter     *filter;
  GtkFilterListModel  *filtered;
  HsTypeRows          *rows;
  GtkSingleSelection  *selection;
  gboolean             updating_choices;
};

G_DEFINE_FINAL_TYPE (HsTypesPage, hs_types_page, GTK_TYPE_WIDGET)

enum {
  NOTICE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void update_export_actions (HsTypesPage *self);

static const HsTypeRowsKind stat_rows = {
  hs_type_stat_get_type,
  (gpointer (*) (gpointer)) hs_type_stat_copy,
  (void (*) (gpointer, gpointer)) hs_type_stat_assign,
  (const char * (*) (gpointer)) hs_type_stat_get_name,
  (void (*) (gpointer, gpointer)) hs_type_stat_refresh,
};

/* The rows in order again, after the census, the filter or the sort moved;
 * the selection stays on the type it was on (or goes with it). */
static void
show_in_order (HsTypesPage *self)
{
  HsTypeStat *selected = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *selected_name = selected != NULL ? g_strdup (hs_type_stat_get_name (selected)) : NULL;
  guint position;

  hs_type_rows_resort (self->rows);
  if (selected_name == NULL)
    return;
  position = hs_type_rows_find (self->rows, selected_name);
  if (position != gtk_single_selection_get_selected (self->selection))
    gtk_single_selection_set_selected (self->selection, position);
}

typedef gint64 (*HsStatValue) (HsTypeStat *stat);
typedef char *(*HsStatFormat) (gint64 value);

/* The Types table's columns: the row's name, or one of its values. */
typedef struct
{
  const char  *property;  /* the row's, for sort_by and the name's sorter */
  HsStatValue  value;     /* NULL for the name */
  HsStatFormat format;
  gboolean     is_delta;  /* coloured by its sign */
} HsTypesColumn;

static const HsTypesColumn columns[] = {
  { "name", NULL, NULL, FALSE },
  { "count", hs_type_stat_get_count, hs_format_count, FALSE },
  { "size", hs_type_stat_get_size, hs_format_bytes, FALSE },
  { "delta-count", hs_type_stat_get_delta_count, hs_format_signed_count, TRUE },
  { "delta-size", hs_type_stat_get_delta_size, hs_format_signed_bytes, TRUE },
};

/* Compares two rows by a value read from each: no property lookup nor GValue
 * per row, as a re-sort of thousands at each census would make. */
static int
compare_by_value (gconstpointer a,
                  gconstpointer b,
                  gpointer      value)
{
  gint64 x = ((HsStatValue) value) ((HsTypeStat *) a);
  gint64 y = ((HsStatValue) value) ((HsTypeStat *) b);

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

/* A probe row for find_sort_key: the name, and each value column's value in
 * the order of columns[1..4]. */
static HsTypeStat *
probe_row (const char   *name,
           const gint64  values[4])
{
  HsTypeStat *stat = hs_type_stat_new (name);

  hs_type_stat_set_values (stat, values[0], values[1], values[2], values[3]);
  return stat;
}

/* How @sorter orders two rows alike but in column @column (0: the name),
 * where the first is below the second. */
static GtkOrdering
probe_order (GtkSorter *sorter,
             guint      column)
{
  gint64 first[4] = { 0 };
  gint64 second[4] = { 0 };
  g_autoptr(HsTypeStat) a = NULL;
  g_autoptr(HsTypeStat) b = NULL;

  if (column > 0)
    second[column - 1] = 1;
  a = probe_row ("m", first);
  b = probe_row (column == 0 ? "n" : "m", second);
  return gtk_sorter_compare (sorter, a, b);
}

/* When the view's sorter orders by one value column alone, that value for
 * HsTypeRows to sort by, read once per row (see hs_type_rows_set_sort_key).
 * GTK 4.8 has no accessor for what the sorter sorts by: it is asked to
 * compare rows that differ in one column. A header clicked after another
 * sorts by both (the one before breaks ties): then the sorter alone. */
static void
find_sort_key (HsTypesPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering way = GTK_ORDERING_EQUAL;
  guint n_sorted = 0;
  int sorted = -1;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkOrdering order = probe_order (sorter, i);

      if (order != GTK_ORDERING_EQUAL)
        {
          n_sorted++;
          sorted = (int) i;
          way = order;
        }
    }
  if (n_sorted == 1 && columns[sorted].value != NULL)
    hs_type_rows_set_sort_key (self->rows, (HsTypeRowsKey) columns[sorted].value, way == GTK_ORDERING_LARGER);
  else
    hs_type_rows_set_sort_key (self->rows, NULL, FALSE);
}

static void
on_sorter_changed (HsTypesPage *self)
{
  find_sort_key (self);
  show_in_order (self);
}

static void show_value (GtkListItem *list_item);

/* Cells are inscriptions made in C, not labels nor builder templates: a
 * cell from a template parses it and watches expressions as it is made (as
 * rows scroll into view), and a label's change of text would make the whole
 * window measure itself again. */
static void
on_cell_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               const HsTypesColumn      *column)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  if (column->value == NULL)
    {
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 40);
      hs_cell_show_full_text (GTK_INSCRIPTION (cell));
    }
  else
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 6);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 12);
      gtk_widget_add_css_class (cell, "numeric");
    }
  gtk_list_item_set_child (list_item, cell);
  /* What the cell shows, for show_value. */
  g_object_set_data (G_OBJECT (list_item), "hs-column", (gpointer) column);
  g_signal_connect_swapped (cell, "map", G_CALLBACK (show_value), list_item);
}

/* Shows the row's name or value (when the cell is mapped, and again when the
 * row changes: it shows another type, or its values moved); a change
 * coloured: a growth in red, a shrink in green, no change dimmed.
 * GTK 4.8 keeps some 200 rows bound around the few shown: cells out of
 * sight wait until they are mapped, so a census touches only what is seen. */
static void
show_value (GtkListItem *list_item)
{
  static const char *delta_classes[] = { "hs-growth", "hs-shrink", "dim-label" };
  const HsTypesColumn *column = g_object_get_data (G_OBJECT (list_item), "hs-column");
  HsTypeStat *stat = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;
  const char *sign_class;
  gint64 value;

  if (stat == NULL || !gtk_widget_get_mapped (cell))
    return;
  if (column->value == NULL)
    {
      gtk_inscription_set_text (GTK_INSCRIPTION (cell), hs_type_stat_get_name (stat));
      return;
    }
  value = column->value (stat);
  text = column->format (value);
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  if (!column->is_delta)
    return;
  /* Classes change only when the sign does: each change restyles the cell. */
  sign_class = delta_classes[value > 0 ? 0 : value < 0 ? 1 : 2];
  if (gtk_widget_has_css_class (cell, sign_class))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (delta_classes); i++)
    gtk_widget_remove_css_class (cell, delta_classes[i]);
  gtk_widget_add_css_class (cell, sign_class);
}

static void
on_cell_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item)
{
  g_signal_connect_swapped (gtk_list_item_get_item (list_item), "changed", G_CALLBACK (show_value), list_item);
  show_value (list_item);
}

static void
on_cell_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), show_value, list_item);
}

/* Gives @view_column its cells and its sorter; sort_by finds it by property. */
static void
set_up_column (GtkColumnViewColumn *view_column,
               const HsTypesColumn *column)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup), (gpointer) column);
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_cell_unbind), NULL);
  gtk_column_view_column_set_factory (view_column, factory);

  if (column->value == NULL)
    sorter = GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (HS_TYPE_TYPE_STAT, NULL, column->property)));
  else
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare_by_value, (gpointer) column->value, NULL));
  gtk_column_view_column_set_sorter (view_column, sorter);
  g_object_set_data (G_OBJECT (view_column), "hs-property", (gpointer) column->property);
}

static void
update_summary (HsTypesPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint all = self->session != NULL
    ? g_list_model_get_n_items (G_LIST_MODEL (hs_session_get_census_model (self->session))) : 0;
  g_autofree char *shown_text = hs_format_count (shown);
  g_autofree char *all_text = hs_format_count (all);
  g_autofree char *text = NULL;

  if (shown == all)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s type", "%s types", all), all_text);
  else
    text = g_strdup_printf (_("%s of %s types"), shown_text, all_text);
  gtk_label_set_text (self->summary_label, text);
}

static HsSample *
snapshot_at (HsTypesPage *self,
             guint        position)
{
  GListModel *snapshots = hs_session_get_snapshots (self->session);
  HsSample *sample = g_list_model_get_item (snapshots, position);

  if (sample != NULL)
    g_object_unref (sample);  /* the session keeps it */
  return sample;
}

/* Choices: "Latest sample" / snapshots; "Previous sample", "First sample" / snapshots. */
static void
rebuild_choices (HsTypesPage *self)
{
  GListModel *snapshots = self->session != NULL ? hs_session_get_snapshots (self->session) : NULL;
  guint shown = gtk_drop_down_get_selected (self->shown_dropdown);
  guint baseline = gtk_drop_down_get_selected (self->baseline_dropdown);
  guint n = snapshots != NULL ? g_list_model_get_n_items (snapshots) : 0;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (snapshots, i);
      g_ptr_array_add (titles, hs_sample_dup_title (sample));
    }
  g_ptr_array_add (titles, NULL);

  self->updating_choices = TRUE;
  gtk_string_list_splice (self->shown_choices, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->shown_choices)) - 1,
                          (const char * const *) titles->pdata);
  gtk_string_list_splice (self->baseline_choices, 2,
                          g_list_model_get_n_items (G_LIST_MODEL (self->baseline_choices)) - 2,
                          (const char * const *) titles->pdata);
  gtk_drop_down_set_selected (self->shown_dropdown, shown != GTK_INVALID_LIST_POSITION && shown <= n ? shown : 0);
  gtk_drop_down_set_selected (self->baseline_dropdown,
                              baseline != GTK_INVALID_LIST_POSITION && baseline < n + 2 ? baseline : 0);
  self->updating_choices = FALSE;
}

static void
apply_choices (HsTypesPage *self)
{
  guint shown = gtk_drop_down_get_selected (self->shown_dropdown);
  guint baseline = gtk_drop_down_get_selected (self->baseline_dropdown);

  if (self->session == NULL || self->updating_choices)
    return;

  hs_session_set_shown_sample (self->session, shown == 0 || shown == GTK_INVALID_LIST_POSITION
                                              ? NULL : snapshot_at (self, shown - 1));
  if (baseline == 1)
    hs_session_set_baseline (self->session, HS_BASELINE_FIRST, NULL);
  else if (baseline >= 2 && baseline != GTK_INVALID_LIST_POSITION)
    hs_session_set_baseline (self->session, HS_BASELINE_SAMPLE, snapshot_at (self, baseline - 2));
  else
    hs_session_set_baseline (self->session, HS_BASELINE_PREVIOUS, NULL);
}

static void
on_choice_changed (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   HsTypesPage *self)
{
  apply_choices (self);
}

static void
on_snapshots_changed (GListModel  *snapshots,
                      guint        position,
                      guint        removed,
                      guint        added,
                      HsTypesPage *self)
{
  rebuild_choices (self);
}

static void
on_filter_changed (GtkSearchEntry *entry,
                   HsTypesPage    *self)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_rows_changed (GListModel  *model,
                 guint        position,
                 guint        removed,
                 guint        added,
                 HsTypesPage *self)
{
  if (removed != added)
    {
      update_summary (self);
      update_export_actions (self);
    }
}

/* Rows are read from a reopened session's file on demand: say so meanwhile. */
static gboolean
is_loading (HsTypesPage *self)
{
  return self->session != NULL && hs_session_get_loading (self->session);
}

static void
update_export_actions (HsTypesPage *self)
{
  gboolean can = self->session != NULL && !is_loading (self) &&
                 g_list_model_get_n_items (G_LIST_MODEL (self->rows)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "types.export-csv", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "types.copy-table", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "types.save-table", can);
}

static void
update_loading (HsTypesPage *self)
{
  gboolean loading = is_loading (self);

  gtk_widget_set_visible (self->loading_box, loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  update_export_actions (self);
}

static void
on_loading_changed (HsSession   *session,
                    GParamSpec  *pspec,
                    HsTypesPage *self)
{
  update_loading (self);
}

/* The census the table shows: the chosen snapshot, or the latest sample. */
static HsSample *
shown_sample (HsTypesPage *self)
{
  guint shown = gtk_drop_down_get_selected (self->shown_dropdown);

  if (shown == 0 || shown == GTK_INVALID_LIST_POSITION)
    return hs_session_get_latest_sample (self->session);
  return snapshot_at (self, shown - 1);
}

/* Whether the Δ columns compare with anything: the first sample compared with
 * the previous one has nothing before it. */
static gboolean
has_baseline (HsTypesPage *self)
{
  guint baseline = gtk_drop_down_get_selected (self->baseline_dropdown);
  HsSample *shown;

  if (self->session == NULL || (shown = shown_sample (self)) == NULL)
    return FALSE;
  if (baseline == 0 || baseline == GTK_INVALID_LIST_POSITION)
    return hs_sample_get_index (shown) > 0;
  return TRUE;
}

/* Whether the user chose what to compare with (the first sample or a
 * snapshot), as one does to diff two censuses. */
static gboolean
is_comparing (HsTypesPage *self)
{
  guint baseline = gtk_drop_down_get_selected (self->baseline_dropdown);

  return self->session != NULL && baseline != GTK_INVALID_LIST_POSITION && baseline >= 1;
}

/**
 * hs_types_page_dup_csv:
 *
 * The rows as shown (filtered and sorted) as CSV: type, count, size and, when
 * the Δ columns compare with a census, delta_count and delta_size.
 */
char *
hs_types_page_dup_csv (HsTypesPage *self)
{
  GListModel *rows;
  guint n;
  g_autofree HsCensusRow *values = NULL;
  g_autofree HsCensusRow *deltas = NULL;
  gboolean with_deltas;

  g_return_val_if_fail (HS_IS_TYPES_PAGE (self), NULL);

  hs_type_rows_show_all (self->rows);
  rows = G_LIST_MODEL (self->rows);
  n = g_list_model_get_n_items (rows);
  with_deltas = has_baseline (self);
  values = g_new0 (HsCensusRow, MAX (n, 1));
  deltas = with_deltas ? g_new0 (HsCensusRow, MAX (n, 1)) : NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTypeStat) stat = g_list_model_get_item (rows, i);

      values[i].name = (char *) hs_type_stat_get_name (stat);
      values[i].count = hs_type_stat_get_count (stat);
      values[i].size = hs_type_stat_get_size (stat);
      if (deltas != NULL)
        {
          deltas[i].count = hs_type_stat_get_delta_count (stat);
          deltas[i].size = hs_type_stat_get_delta_size (stat);
        }
    }
  /* The names stay alive: the census model holds the rows. */
  return hs_census_format_csv (values, deltas, n);
}

/**
 * hs_types_page_dup_text_table:
 *
 * The rows as shown, as Pympler's summary.print_ prints them: the census, or,
 * when comparing with a chosen census, the rows that changed and by how much
 * (as tracker.print_diff prints them).
 */
char *
hs_types_page_dup_text_table (HsTypesPage *self)
{
  GListModel *rows;
  guint n;
  guint n_kept = 0;
  g_autofree HsCensusRow *values = NULL;
  gboolean comparing;

  g_return_val_if_fail (HS_IS_TYPES_PAGE (self), NULL);

  hs_type_rows_show_all (self->rows);
  rows = G_LIST_MODEL (self->rows);
  n = g_list_model_get_n_items (rows);
  comparing = is_comparing (self);
  values = g_new0 (HsCensusRow, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTypeStat) stat = g_list_model_get_item (rows, i);
      HsCensusRow *row = &values[n_kept];

      row->name = (char *) hs_type_stat_get_name (stat);
      row->count = comparing ? hs_type_stat_get_delta_count (stat) : hs_type_stat_get_count (stat);
      row->size = comparing ? hs_type_stat_get_delta_size (stat) : hs_type_stat_get_size (stat);
      /* A type only the baseline has is no part of the census; an unchanged one no part of a diff. */
      if (row->count != 0 || row->size != 0)
        n_kept++;
    }
  return hs_census_format_table (values, n_kept, n_kept);
}

static void
notice (HsTypesPage *self,
        const char  *text)
{
  g_signal_emit (self, signals [NOTICE], 0, text);
}

static void
copy_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HsTypesPage *self = HS_TYPES_PAGE (widget);
  g_autofree char *table = hs_types_page_dup_text_table (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), table);
  notice (self, _("Table copied"));
}

/* "markers-types.csv" for markers.py */
static char *
dup_export_name (HsTypesPage *self,
                 const char  *suffix)
{
  const HsLaunchSpec *spec = self->session != NULL ? hs_session_get_launch_spec (self->session) : NULL;
  g_autofree char *stem = spec != NULL && spec->script != NULL ? g_path_get_basename (spec->script) : g_strdup ("heapscope");
  char *dot = strrchr (stem, '.');

  if (dot != NULL && dot != stem)
    *dot = '\0';
  return g_strdup_printf ("%s-types%s", stem, suffix);
}

static void
choose_export_file (HsTypesPage *self,
                    gboolean     csv)
{
  g_autofree char *name = dup_export_name (self, csv ? ".csv" : ".txt");

  hs_text_export_save (&self->export, GTK_WIDGET (self), csv ? _("Export as CSV") : _("Save as Text"),
                       name, csv ? HS_TEXT_CSV : HS_TEXT_PLAIN, csv ? (HsTextFunc) hs_types_page_dup_csv
                                      : (HsTextFunc) hs_types_page_dup_text_table);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_export_file (HS_TYPES_PAGE (widget), TRUE);
}

static void
save_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_export_file (HS_TYPES_PAGE (widget), FALSE);
}

static void
hs_types_page_dispose (GObject *object)
{
  HsTypesPage *self = (HsTypesPage *) object;
  GtkWidget *child;

  /* The models live as long as the selection that owns them. */
  if (self->selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      g_signal_handlers_disconnect_by_data (self->filter, self);
      g_signal_handlers_disconnect_by_data (self->filtered, self);
    }
  hs_text_export_clear (&self->export);
  g_clear_object (&self->snapshot_signals);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->census_signals);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_TYPES_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  self->rows = NULL;
  self->filtered = NULL;
  G_OBJECT_CLASS (hs_types_page_parent_class)->dispose (object);
}

static void
hs_types_page_class_init (HsTypesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_types_page_dispose;
  gtk_widget_class_set_css_name (widget_class, "hstypespage");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-types-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, shown_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, baseline_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, shown_choices);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, baseline_choices);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, loading_box);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, name_column);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, count_column);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, size_column);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, delta_count_column);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, delta_size_column);
  gtk_widget_class_bind_template_child (widget_class, HsTypesPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_changed);

  gtk_widget_class_install_action (widget_class, "types.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "types.copy-table", NULL, copy_table_action);
  gtk_widget_class_install_action (widget_class, "types.save-table", NULL, save_table_action);

  /**
   * HsTypesPage::notice:
   * @text: what happened (an export done or failed), for a toast
   */
  signals [NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hs_types_page_init (HsTypesPage *self)
{
  GtkExpression *name_expression;

  gtk_widget_init_template (GTK_WIDGET (self));

  set_up_column (self->name_column, &columns[0]);
  set_up_column (self->count_column, &columns[1]);
  set_up_column (self->size_column, &columns[2]);
  set_up_column (self->delta_count_column, &columns[3]);
  set_up_column (self->delta_size_column, &columns[4]);

  name_expression = gtk_property_expression_new (HS_TYPE_TYPE_STAT, NULL, "name");
  self->filter = gtk_string_filter_new (name_expression);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->rows = hs_type_rows_new (&stat_rows, G_LIST_MODEL (self->filtered), gtk_column_view_get_sorter (self->column_view));
  hs_type_rows_pace (self->rows, GTK_WIDGET (self));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->rows));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->filtered, "items-changed", G_CALLBACK (on_rows_changed), self);
  /* Sorted again when the census, the filter or the sort change (the
   * filtered rows are up to date by then: the filter model is connected
   * first). */
  g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view), "changed",
                            G_CALLBACK (on_sorter_changed), self);
  g_signal_connect_swapped (self->filter, "changed", G_CALLBACK (show_in_order), self);
  gtk_column_view_sort_by_column (self->column_view, self->size_column, GTK_SORT_DESCENDING);

  self->snapshot_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->snapshot_signals, "items-changed",
                                 G_CALLBACK (on_snapshots_changed), self, 0);
  self->session_signals = g_signal_group_new (HS_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::loading",
                                 G_CALLBACK (on_loading_changed), self, 0);
  self->census_signals = g_signal_group_new (HS_TYPE_CENSUS_MODEL);
  g_signal_group_connect_object (self->census_signals, "updated",
                                 G_CALLBACK (show_in_order), self, G_CONNECT_SWAPPED);
  update_summary (self);
  update_export_actions (self);
}

GtkWidget *
hs_types_page_new (void)
{
  return g_object_new (HS_TYPE_TYPES_PAGE, NULL);
}

void
hs_types_page_set_session (HsTypesPage *self,
                           HsSession   *session)
{
  g_return_if_fail (HS_IS_TYPES_PAGE (self));
  g_return_if_fail (session == NULL || HS_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  gtk_filter_list_model_set_model (self->filtered,
                                   session != NULL ? G_LIST_MODEL (hs_session_get_census_model (session)) : NULL);
  show_in_order (self);
  g_signal_group_set_target (self->snapshot_signals,
                             session != NULL ? hs_session_get_snapshots (session) : NULL);
  g_signal_group_set_target (self->session_signals, session);
  g_signal_group_set_target (self->census_signals,
                             session != NULL ? hs_session_get_census_model (session) : NULL);
  self->updating_choices = TRUE;
  gtk_drop_down_set_selected (self->shown_dropdown, 0);
  gtk_drop_down_set_selected (self->baseline_dropdown, 0);
  self->updating_choices = FALSE;
  rebuild_choices (self);
  update_summary (self);
  update_loading (self);
}

GtkColumnView *
hs_types_page_get_column_view (HsTypesPage *self)
{
  g_return_val_if_fail (HS_IS_TYPES_PAGE (self), NULL);
  return self->column_view;
}

/* The rows as shown: filtered and sorted. */
GListModel *
hs_types_page_get_visible_rows (HsTypesPage *self)
{
  g_return_val_if_fail (HS_IS_TYPES_PAGE (self), NULL);
  return G_LIST_MODEL (self->rows);
}

/* The position of @type_name's row as shown, or GTK_INVALID_LIST_POSITION. */
guint
hs_types_page_find_row (HsTypesPage *self,
                        const char  *type_name)
{
  g_return_val_if_fail (HS_IS_TYPES_PAGE (self), GTK_INVALID_LIST_POSITION);
  return hs_type_rows_find (self->rows, type_name);
}

void
hs_types_page_set_filter_text (HsTypesPage *self,
                               const char  *text)
{
  g_return_if_fail (HS_IS_TYPES_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text != NULL ? text : "");
  /* Apply now rather than after the entry's search delay. */
  gtk_string_filter_set_search (self->filter, text);
}

/* @property: "name", "count", "size", "delta-count" or "delta-size". */
void
hs_types_page_sort_by (HsTypesPage *self,
                       const char  *property,
                       GtkSortType  order)
{
  GListModel *columns;

  g_return_if_fail (HS_IS_TYPES_PAGE (self));

  columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "hs-property"), property) == 0)
        {
          /* Unsorted first: GTK 4.8 leaves the arrow of the column sorted
           * by before on its header otherwise. */
          gtk_column_view_sort_by_column (self->column_view, NULL, GTK_SORT_ASCENDING);
          gtk_column_view_sort_by_column (self->column_view, column, order);
        }
    }
}

void
hs_types_page_focus_filter (HsTypesPage *self)
{
  g_return_if_fail (HS_IS_TYPES_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}
