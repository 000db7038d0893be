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
  GtkWidget           parent_instance;

  HsSession          *session;
  GSignalGroup       *snapshot_signals;
  GSignalGroup       *session_signals;
  GSignalGroup       *census_signals;
  HsTextExport        export;

  GtkWidget          *toolbar;
  GtkSearchEntry     *filter_entry;
  GtkDropDown        *shown_dropdown;
  GtkDropDown        *baseline_dropdown;
  GtkStringList      *shown_choices;
  GtkStringList      *baseline_choices;
  GtkWidget          *scroller;
  GtkWidget          *loading_box;
  GtkSpinner         *loading_spinner;
  GtkColumnView      *column_view;
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  GtkLabel           *summary_label;
  gboolean            updating_choices;
  GdkFrameClock      *layout_clock;
  gulong              layout_handler;
};

G_DEFINE_FINAL_TYPE (HsTypesPage, hs_types_page, GTK_TYPE_WIDGET)

enum {
  NOTICE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void update_export_actions (HsTypesPage *self);

typedef enum
{
  CELL_NAME,
  CELL_COUNT,
  CELL_SIZE,
  CELL_DELTA_COUNT,
  CELL_DELTA_SIZE,
} CellKind;

static const char *cell_properties[] = { "name", "count", "size", "delta-count", "delta-size" };

static void
update_cell (GtkListItem *list_item)
{
  CellKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (list_item), "cell-kind"));
  HsTypeStat *stat = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;
  gint64 delta = 0;

  if (stat == NULL)
    return;

  switch (kind)
    {
    case CELL_NAME:
      gtk_inscription_set_text (GTK_INSCRIPTION (label), hs_type_stat_get_name (stat));
      return;
    case CELL_COUNT:
      text = hs_format_count (hs_type_stat_get_count (stat));
      break;
    case CELL_SIZE:
      text = hs_format_bytes (hs_type_stat_get_size (stat));
      break;
    case CELL_DELTA_COUNT:
      delta = hs_type_stat_get_delta_count (stat);
      text = hs_format_signed_count (delta);
      break;
    case CELL_DELTA_SIZE:
      delta = hs_type_stat_get_delta_size (stat);
      text = hs_format_signed_bytes (delta);
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_inscription_set_text (GTK_INSCRIPTION (label), text);
  if (kind == CELL_DELTA_COUNT || kind == CELL_DELTA_SIZE)
    {
      gtk_widget_remove_css_class (label, "hs-growth");
      gtk_widget_remove_css_class (label, "hs-shrink");
      gtk_widget_remove_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, delta > 0 ? "hs-growth" : delta < 0 ? "hs-shrink" : "dim-label");
    }
}

/* The full name of an ellipsized type, asked for only when the pointer rests
 * on it: setting a tooltip in bind costs X round trips for every row bound. */
static gboolean
on_name_query_tooltip (GtkWidget   *label,
                       int          x,
                       int          y,
                       gboolean     keyboard_mode,
                       GtkTooltip  *tooltip,
                       GtkListItem *list_item)
{
  HsTypeStat *stat = gtk_list_item_get_item (list_item);

  if (stat == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, hs_type_stat_get_name (stat));
  return TRUE;
}

static void
on_cell_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  CellKind kind = GPOINTER_TO_INT (user_data);
  /* An inscription, not a label: its text changes at every census, and a
   * label's change of text would make the whole window measure itself again. */
  GtkWidget *label = gtk_inscription_new (NULL);

  if (kind == CELL_NAME)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 0);
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (label), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), 40);
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (on_name_query_tooltip), list_item);
    }
  else
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), 6);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), 12);
      gtk_widget_add_css_class (label, "numeric");
    }
  g_object_set_data (G_OBJECT (list_item), "cell-kind", user_data);
  gtk_list_item_set_child (list_item, label);
}

static void
on_stat_notify (HsTypeStat  *stat,
                GParamSpec  *pspec,
                GtkListItem *list_item)
{
  update_cell (list_item);
}

/* Rows are updated in place: follow the item's notifications, not only binds. */
static void
on_cell_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CellKind kind = GPOINTER_TO_INT (user_data);
  HsTypeStat *stat = gtk_list_item_get_item (list_item);
  g_autofree char *signal = g_strconcat ("notify::", cell_properties[kind], NULL);

  update_cell (list_item);
  if (kind != CELL_NAME)
    g_signal_connect_object (stat, signal, G_CALLBACK (on_stat_notify), list_item, 0);
}

static void
on_cell_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  HsTypeStat *stat = gtk_list_item_get_item (list_item);

  if (stat != NULL)
    g_signal_handlers_disconnect_by_func (stat, on_stat_notify, list_item);
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

static GtkSorter *
create_sorter (CellKind kind)
{
  GtkExpression *expression = gtk_property_expression_new (HS_TYPE_TYPE_STAT, NULL, cell_properties[kind]);

  if (kind == CELL_NAME)
    return GTK_SORTER (gtk_string_sorter_new (expression));
  return GTK_SORTER (gtk_numeric_sorter_new (expression));
}

static void
add_column (HsTypesPage *self,
            CellKind     kind,
            const char  *title,
            gboolean     expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  g_autoptr(GtkSorter) sorter = create_sorter (kind);

  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (on_cell_unbind), GINT_TO_POINTER (kind));

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (!expand)
    gtk_column_view_column_set_fixed_width (column, 130);
  g_object_set_data_full (G_OBJECT (column), "hs-property", g_strdup (cell_properties[kind]), g_free);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
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
                       name, csv, csv ? (HsTextFunc) hs_types_page_dup_csv
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
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hstypespage");

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

static GtkWidget *
labelled (const char *text,
          GtkWidget  *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static void
hs_types_page_init (HsTypesPage *self)
{
  static const char *shown[] = { N_("Latest sample"), NULL };
  static const char *baselines[] = { N_("Previous sample"), N_("First sample"), NULL };
  GtkExpression *name_expression;
  GtkColumnViewColumn *size_column;
  g_autoptr(GListModel) columns = NULL;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  /* Toolbar: filter, what to show, what to compare with. */
  self->toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->toolbar, "toolbar");
  gtk_widget_set_margin_start (self->toolbar, 6);
  gtk_widget_set_margin_end (self->toolbar, 6);
  gtk_widget_set_parent (self->toolbar, GTK_WIDGET (self));

  self->filter_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->filter_entry, "placeholder-text", _("Filter types"), NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->filter_entry), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->filter_entry), 200, -1);
  g_signal_connect (self->filter_entry, "search-changed", G_CALLBACK (on_filter_changed), self);
  gtk_box_append (GTK_BOX (self->toolbar), GTK_WIDGET (self->filter_entry));

  self->shown_choices = gtk_string_list_new (NULL);
  gtk_string_list_append (self->shown_choices, _(shown[0]));
  self->shown_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->shown_choices), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->shown_dropdown), _("The census the table shows"));
  g_signal_connect (self->shown_dropdown, "notify::selected", G_CALLBACK (on_choice_changed), self);
  gtk_box_append (GTK_BOX (self->toolbar), labelled (_("_Show"), GTK_WIDGET (self->shown_dropdown)));

  self->baseline_choices = gtk_string_list_new (NULL);
  gtk_string_list_append (self->baseline_choices, _(baselines[0]));
  gtk_string_list_append (self->baseline_choices, _(baselines[1]));
  self->baseline_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->baseline_choices), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->baseline_dropdown), _("What the Δ columns compare against"));
  g_signal_connect (self->baseline_dropdown, "notify::selected", G_CALLBACK (on_choice_changed), self);
  gtk_box_append (GTK_BOX (self->toolbar), labelled (_("_Compare with"), GTK_WIDGET (self->baseline_dropdown)));

  {
    GtkWidget *export_button = gtk_menu_button_new ();
    g_autoptr(GMenu) menu = g_menu_new ();

    g_menu_append (menu, _("Export as _CSV…"), "types.export-csv");
    g_menu_append (menu, _("_Copy as Text Table"), "types.copy-table");
    g_menu_append (menu, _("_Save as Text…"), "types.save-table");
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (export_button), G_MENU_MODEL (menu));
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (export_button), "document-save-as-symbolic");
    gtk_widget_set_tooltip_text (export_button, _("Export the Table"));
    gtk_box_append (GTK_BOX (self->toolbar), export_button);
  }

  /* The table. */
  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->column_view, FALSE);
  gtk_column_view_set_reorderable (self->column_view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  add_column (self, CELL_NAME, _("Type"), TRUE);
  add_column (self, CELL_COUNT, _("Objects"), FALSE);
  add_column (self, CELL_SIZE, _("Total Size"), FALSE);
  add_column (self, CELL_DELTA_COUNT, _("Δ Objects"), FALSE);
  add_column (self, CELL_DELTA_SIZE, _("Δ Size"), FALSE);

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

  columns = g_object_ref (gtk_column_view_get_columns (self->column_view));
  size_column = g_list_model_get_item (columns, CELL_SIZE);
  gtk_column_view_sort_by_column (self->column_view, size_column, GTK_SORT_DESCENDING);
  g_object_unref (size_column);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->column_view));
  {
    GtkWidget *overlay = gtk_overlay_new ();
    GtkWidget *label = gtk_label_new (_("Reading the census…"));

    self->loading_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
    self->loading_spinner = GTK_SPINNER (gtk_spinner_new ());
    gtk_widget_set_size_request (GTK_WIDGET (self->loading_spinner), 32, 32);
    gtk_widget_add_css_class (self->loading_box, "card");
    gtk_widget_add_css_class (self->loading_box, "hs-loading");
    gtk_widget_set_halign (self->loading_box, GTK_ALIGN_CENTER);
    gtk_widget_set_valign (self->loading_box, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (self->loading_box), GTK_WIDGET (self->loading_spinner));
    gtk_box_append (GTK_BOX (self->loading_box), label);
    gtk_widget_set_visible (self->loading_box, FALSE);
    gtk_overlay_set_child (GTK_OVERLAY (overlay), self->scroller);
    gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->loading_box);
    gtk_widget_set_vexpand (overlay, TRUE);
    gtk_widget_set_parent (overlay, GTK_WIDGET (self));
  }

  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "caption");
  gtk_widget_set_margin_start (GTK_WIDGET (self->summary_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->summary_label), 4);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->summary_label), 4);
  gtk_widget_set_parent (GTK_WIDGET (self->summary_label), GTK_WIDGET (self));

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
