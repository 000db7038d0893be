/* hs-types-page.c — the live census by type, sortable and filterable
 *
 * The column view sits on HsCensusModel → GtkFilterListModel → GtkSortListModel
 * → GtkSingleSelection. The census model changes rows in place, so sorting,
 * scrolling and the selection survive every new sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-text-export.h"
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
  GtkSortListModel    *sorted;
  GtkSingleSelection  *selection;
  gboolean             updating_choices;
  GdkFrameClock       *layout_clock;
  gulong               layout_handler;
};

G_DEFINE_FINAL_TYPE (HsTypesPage, hs_types_page, GTK_TYPE_WIDGET)

enum {
  NOTICE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void update_export_actions (HsTypesPage *self);

/* The cells' closures (hs-types-page-*-cell.ui): a row's values as shown. */
static char *
format_count (GtkListItem *list_item,
              gint64       count)
{
  return hs_format_count (count);
}

static char *
format_bytes (GtkListItem *list_item,
              gint64       bytes)
{
  return hs_format_bytes (bytes);
}

static char *
format_signed_count (GtkListItem *list_item,
                     gint64       count)
{
  return hs_format_signed_count (count);
}

static char *
format_signed_bytes (GtkListItem *list_item,
                     gint64       bytes)
{
  return hs_format_signed_bytes (bytes);
}

/* A growth in red, a shrink in green, no change dimmed. */
static GStrv
delta_css_classes (GtkListItem *list_item,
                   gint64       delta)
{
  const char *classes[] = { "numeric", delta > 0 ? "hs-growth" : delta < 0 ? "hs-shrink" : "dim-label", NULL };

  return g_strdupv ((char **) classes);
}

/* The full name of an ellipsized type, asked for only when the pointer rests
 * on it: setting a tooltip in bind costs X round trips for every row bound. */
static gboolean
on_name_query_tooltip (GtkInscription *label,
                       int             x,
                       int             y,
                       gboolean        keyboard_mode,
                       GtkTooltip     *tooltip)
{
  const char *name = gtk_inscription_get_text (label);

  if (name == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, name);
  return TRUE;
}

/* A census moved values in place: the cells shown follow their rows'
 * notifications; the order, sorted by a value, is made once again. */
static void
on_census_values_changed (HsTypesPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);

  if (sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

typedef gint64 (*HsStatValue) (HsTypeStat *stat);

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

/* Sorts by @property of the rows, and sort_by finds the column by it. */
static void
set_up_column (GtkColumnViewColumn *column,
               const char          *property)
{
  static const struct { const char *property; HsStatValue value; } values[] = {
    { "count", hs_type_stat_get_count },
    { "size", hs_type_stat_get_size },
    { "delta-count", hs_type_stat_get_delta_count },
    { "delta-size", hs_type_stat_get_delta_size },
  };
  g_autoptr(GtkSorter) sorter = NULL;

  if (g_str_equal (property, "name"))
    sorter = GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (HS_TYPE_TYPE_STAT, NULL, property)));
  for (guint i = 0; sorter == NULL && i < G_N_ELEMENTS (values); i++)
    if (g_str_equal (property, values[i].property))
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_by_value, (gpointer) values[i].value, NULL));
  g_assert (sorter != NULL);
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_set_data (G_OBJECT (column), "hs-property", (gpointer) property);
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
                 g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) > 0;

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

  rows = G_LIST_MODEL (self->sorted);
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

  rows = G_LIST_MODEL (self->sorted);
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
scroll_to_top (HsTypesPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) == 0)
    return;
  /* The column view's list, a child of it, has the action. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_activate_action (child, "list.scroll-to-item", "u", 0))
      break;
}

static void
stop_keeping_top (HsTypesPage *self)
{
  if (self->layout_clock != NULL)
    {
      g_clear_signal_handler (&self->layout_handler, self->layout_clock);
      g_clear_object (&self->layout_clock);
    }
}

/* After the frame's layout, where the rows now are is known: bring the first
 * one back to the top (the frame lays out again before it paints). */
static void
on_frame_layout (GdkFrameClock *clock,
                 HsTypesPage   *self)
{
  stop_keeping_top (self);
  scroll_to_top (self);
}

/* A view scrolled to the top stays there as rows are re-sorted or filtered:
 * the list keeps its top row in place, which would leave the biggest types,
 * grown past it, above the view. */
static void
on_sorted_changed (GListModel  *model,
                   guint        position,
                   guint        removed,
                   guint        added,
                   HsTypesPage *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->layout_clock != NULL || clock == NULL || vadjustment == NULL ||
      gtk_adjustment_get_value (vadjustment) >= 1)
    return;
  self->layout_clock = g_object_ref (clock);
  self->layout_handler = g_signal_connect_after (clock, "layout", G_CALLBACK (on_frame_layout), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self->column_view));
}

static void
hs_types_page_unrealize (GtkWidget *widget)
{
  stop_keeping_top (HS_TYPES_PAGE (widget));
  GTK_WIDGET_CLASS (hs_types_page_parent_class)->unrealize (widget);
}

static void
hs_types_page_dispose (GObject *object)
{
  HsTypesPage *self = (HsTypesPage *) object;
  GtkWidget *child;

  /* The models live as long as the selection that owns them. */
  if (self->selection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sorted, self);
      g_signal_handlers_disconnect_by_data (self->filtered, self);
    }
  stop_keeping_top (self);
  hs_text_export_clear (&self->export);
  g_clear_object (&self->snapshot_signals);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->census_signals);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_TYPES_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  self->sorted = NULL;
  self->filtered = NULL;
  G_OBJECT_CLASS (hs_types_page_parent_class)->dispose (object);
}

static void
hs_types_page_class_init (HsTypesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_types_page_dispose;
  widget_class->unrealize = hs_types_page_unrealize;
  gtk_widget_class_set_css_name (widget_class, "hstypespage");

  /* The cells look their rows' properties up by type name. */
  g_type_ensure (HS_TYPE_TYPE_STAT);
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
  gtk_widget_class_bind_template_callback (widget_class, on_name_query_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, format_count);
  gtk_widget_class_bind_template_callback (widget_class, format_bytes);
  gtk_widget_class_bind_template_callback (widget_class, format_signed_count);
  gtk_widget_class_bind_template_callback (widget_class, format_signed_bytes);
  gtk_widget_class_bind_template_callback (widget_class, delta_css_classes);

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

  set_up_column (self->name_column, "name");
  set_up_column (self->count_column, "count");
  set_up_column (self->size_column, "size");
  set_up_column (self->delta_count_column, "delta-count");
  set_up_column (self->delta_size_column, "delta-size");

  name_expression = gtk_property_expression_new (HS_TYPE_TYPE_STAT, NULL, "name");
  self->filter = gtk_string_filter_new (name_expression);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->filtered, "items-changed", G_CALLBACK (on_rows_changed), self);
  g_signal_connect (self->sorted, "items-changed", G_CALLBACK (on_sorted_changed), self);
  gtk_column_view_sort_by_column (self->column_view, self->size_column, GTK_SORT_DESCENDING);

  self->snapshot_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->snapshot_signals, "items-changed",
                                 G_CALLBACK (on_snapshots_changed), self, 0);
  self->session_signals = g_signal_group_new (HS_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::loading",
                                 G_CALLBACK (on_loading_changed), self, 0);
  self->census_signals = g_signal_group_new (HS_TYPE_CENSUS_MODEL);
  g_signal_group_connect_object (self->census_signals, "values-changed",
                                 G_CALLBACK (on_census_values_changed), self, G_CONNECT_SWAPPED);
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
  return G_LIST_MODEL (self->sorted);
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
        gtk_column_view_sort_by_column (self->column_view, column, order);
    }
}

void
hs_types_page_focus_filter (HsTypesPage *self)
{
  g_return_if_fail (HS_IS_TYPES_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}
