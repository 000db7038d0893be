/* hs-leaks-page.c — the types that keep growing, ranked: the suspects of a
 * leak
 *
 * The page asks nothing itself: an HsLeakFinder ranks the session's types in
 * a thread as samples come (hs-leak-suspects.c says which types are suspects
 * and how they rank) and replaces its list of suspects at once; the column
 * view shows that list in rows that stay where they are (→ HsTypeRows, by
 * the column chosen, ranked otherwise → GtkSingleSelection): a ranking
 * changes what the rows show, and makes no widget. The selected type stays
 * selected from one ranking to the next. What to do with a suspect goes to
 * the window as signals: its instances, the referrers or the graph of its
 * first one.
 * Below the ranking, an HsWhyView follows the selected type's instances to
 * a root and groups them by path; a group's path or graph goes to the window
 * too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-leaks-page.h"
#include "hs-sparkline.h"
#include "hs-status.h"
#include "hs-text-export.h"
#include "hs-type-rows.h"
#include "hs-why-view.h"

typedef enum
{
  COLUMN_RANK,
  COLUMN_NAME,
  COLUMN_COUNT,
  COLUMN_DELTA_COUNT,
  COLUMN_DELTA_SIZE,
  COLUMN_COUNT_RATE,
  COLUMN_SIZE_RATE,
  COLUMN_TREND,
  COLUMN_ACTIONS,
} Column;

struct _HsLeaksPage
{
  GtkWidget            parent_instance;

  HsSession           *session;
  HsLeakFinder        *finder;
  HsTextExport         export;
  HsTypeRows          *rows;
  GtkSingleSelection  *selection;
  char                *selected_name;   /* kept from one ranking to the next */
  gboolean             restoring;
  char                *baseline_text;

  /* Template children. */
  GtkLabel            *title_label;
  GtkLabel            *baseline_label;
  GtkSpinner          *spinner;
  GtkStack            *stack;
  HsStatus            *waiting_status;
  HsStatus            *empty_status;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *rank_column;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *count_column;
  GtkColumnViewColumn *delta_count_column;
  GtkColumnViewColumn *delta_size_column;
  GtkColumnViewColumn *count_rate_column;
  GtkColumnViewColumn *size_rate_column;
  GtkColumnViewColumn *trend_column;
  GtkColumnViewColumn *actions_column;
  GtkLabel            *summary_label;
  GMenuModel          *row_menu;
  HsWhyView           *why_view;
};

G_DEFINE_FINAL_TYPE (HsLeaksPage, hs_leaks_page, GTK_TYPE_WIDGET)

enum {
  SHOW_INSTANCES,
  SHOW_REFERRERS,
  SHOW_GRAPH,
  SHOW_PATH,
  SHOW_OBJECT_GRAPH,
  NOTICE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

/* -- Numbers as shown ------------------------------------------------------------ */

/* "+1,200/min"; one decimal below ten. */
static char *
format_count_rate (double per_minute)
{
  g_autofree char *number = NULL;

  if (per_minute == 0)
    number = g_strdup ("0");
  else if (fabs (per_minute) < 9.95)
    number = g_strdup_printf ("%s%.1f", per_minute > 0 ? "+" : per_minute < 0 ? "−" : "", fabs (per_minute));
  else
    number = hs_format_signed_count ((gint64) llround (per_minute));
  /* Translators: a rate, "+1,200/min" */
  return g_strdup_printf (_("%s/min"), number);
}

static char *
format_size_rate (double per_minute)
{
  g_autofree char *number = hs_format_signed_bytes ((gint64) llround (per_minute));

  return g_strdup_printf (_("%s/min"), number);
}

static char *
format_cell (HsLeakSuspect *suspect,
             Column         column)
{
  switch (column)
    {
    case COLUMN_RANK:
      return g_strdup_printf ("%u", hs_leak_suspect_get_rank (suspect));
    case COLUMN_NAME:
      return g_strdup (hs_leak_suspect_get_name (suspect));
    case COLUMN_COUNT:
      return hs_format_count (hs_leak_suspect_get_count (suspect));
    case COLUMN_DELTA_COUNT:
      return hs_format_signed_count (hs_leak_suspect_get_delta_count (suspect));
    case COLUMN_DELTA_SIZE:
      return hs_format_signed_bytes (hs_leak_suspect_get_delta_size (suspect));
    case COLUMN_COUNT_RATE:
      return format_count_rate (hs_leak_suspect_get_count_rate (suspect));
    case COLUMN_SIZE_RATE:
      return format_size_rate (hs_leak_suspect_get_size_rate (suspect));
    case COLUMN_TREND:
    case COLUMN_ACTIONS:
    default:
      g_assert_not_reached ();
    }
}

/* "Rose in 41 of 41 steps, fell in none" */
static char *
describe_steadiness (HsLeakSuspect *suspect)
{
  guint rises = hs_leak_suspect_get_rises (suspect);
  guint falls = hs_leak_suspect_get_falls (suspect);
  guint steps = hs_leak_suspect_get_steps (suspect);
  g_autofree char *rose = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Rose in %u of %u step",
                                                        "Rose in %u of %u steps", steps), rises, steps);

  if (falls == 0)
    /* Translators: "Rose in 41 of 41 steps, never fell" */
    return g_strdup_printf (_("%s, never fell"), rose);
  /* Translators: "Rose in 40 of 41 steps, fell in 1" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, fell in %u", "%s, fell in %u", falls), rose, falls);
}

/* -- Cells ----------------------------------------------------------------------- */

/* The type's full name and how steadily it grew, asked for only when the
 * pointer rests on it: a tooltip set in bind costs X round trips per row. */
static gboolean
on_name_query_tooltip (GtkWidget  *cell,
                       int         x,
                       int         y,
                       gboolean    keyboard_mode,
                       GtkTooltip *tooltip,
                       gpointer    user_data)
{
  GtkListItem *list_item = user_data;
  HsLeakSuspect *suspect = gtk_list_item_get_item (list_item);
  g_autofree char *steadiness = NULL;
  g_autofree char *text = NULL;

  if (suspect == NULL)
    return FALSE;
  steadiness = describe_steadiness (suspect);
  if (hs_leak_suspect_get_by_size (suspect))
    /* Translators: a type's name, then how steadily its total size grew */
    text = g_strdup_printf (_("%s\nIts size grows, not its number: %s"), hs_leak_suspect_get_name (suspect),
                            steadiness);
  else
    text = g_strdup_printf ("%s\n%s", hs_leak_suspect_get_name (suspect), steadiness);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
on_actions_query_tooltip (GtkWidget  *cell,
                          int         x,
                          int         y,
                          gboolean    keyboard_mode,
                          GtkTooltip *tooltip,
                          gpointer    user_data)
{
  gtk_tooltip_set_text (tooltip, _("Instances, Referrers, Graph"));
  return TRUE;
}

/* Opening a row's menu selects the row: its actions act on the selection. */
static void
on_row_menu_popup (GtkMenuButton *button,
                   gpointer       user_data)
{
  GtkListItem *list_item = user_data;
  GtkWidget *ancestor = gtk_widget_get_ancestor (GTK_WIDGET (button), HS_TYPE_LEAKS_PAGE);
  guint position = gtk_list_item_get_position (list_item);
  HsLeaksPage *self;

  if (ancestor == NULL)
    return;
  self = HS_LEAKS_PAGE (ancestor);
  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->row_menu);
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, position);
}

static void
on_cell_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell;

  if (column == COLUMN_TREND)
    {
      cell = hs_sparkline_new ();
      gtk_widget_set_margin_start (cell, 6);
      gtk_widget_set_margin_end (cell, 6);
      gtk_widget_add_css_class (cell, "hs-leak-trend");
    }
  else if (column == COLUMN_ACTIONS)
    {
      cell = gtk_menu_button_new ();
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (cell), "view-more-symbolic");
      gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (cell), FALSE);
      /* Asked for when the pointer rests on it: set here, a tooltip costs X
       * round trips for each row made. */
      gtk_widget_set_has_tooltip (cell, TRUE);
      g_signal_connect (cell, "query-tooltip", G_CALLBACK (on_actions_query_tooltip), NULL);
      gtk_widget_set_halign (cell, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (cell, GTK_ALIGN_CENTER);
      /* The list item owns the button: it outlives it. */
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (cell), on_row_menu_popup, list_item, NULL);
    }
  else
    {
      cell = gtk_inscription_new (NULL);
      /* One line: given the row's height, an inscription would wrap a long figure. */
      gtk_widget_set_valign (cell, GTK_ALIGN_CENTER);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), column == COLUMN_RANK ? 2 : 4);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), column == COLUMN_NAME ? 32 : 9);
      gtk_inscription_set_min_lines (GTK_INSCRIPTION (cell), 1);
      gtk_inscription_set_nat_lines (GTK_INSCRIPTION (cell), 1);
      if (column == COLUMN_NAME)
        {
          gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE);
          gtk_widget_set_has_tooltip (cell, TRUE);
          g_signal_connect_object (cell, "query-tooltip", G_CALLBACK (on_name_query_tooltip), list_item, 0);
        }
      else
        {
          gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1);
          gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
          gtk_widget_add_css_class (cell, "numeric");
        }
      if (column == COLUMN_RANK)
        gtk_widget_add_css_class (cell, "dim-label");
    }
  g_object_set_data (G_OBJECT (cell), "hs-column", GINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, cell);
}

static void
show_suspect (GtkWidget     *cell,
              HsLeakSuspect *suspect)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (cell), "hs-column"));
  g_autofree char *text = NULL;

  if (column == COLUMN_TREND)
    {
      const double *times;
      guint n_points;
      const double *points = hs_leak_suspect_get_points (suspect, &times, &n_points);

      hs_sparkline_set_points (HS_SPARKLINE (cell), times, points, n_points);
      return;
    }
  text = format_cell (suspect, column);
  if (g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (cell)), text) != 0)
    gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  if (column == COLUMN_DELTA_COUNT || column == COLUMN_DELTA_SIZE ||
      column == COLUMN_COUNT_RATE || column == COLUMN_SIZE_RATE)
    {
      gint64 delta = column == COLUMN_DELTA_COUNT || column == COLUMN_COUNT_RATE
                     ? hs_leak_suspect_get_delta_count (suspect) : hs_leak_suspect_get_delta_size (suspect);
      /* As on the Types page: a growth in red, a shrink in green, no change
       * dimmed; set only when it changes (each set restyles the cell). */
      const char *sign = delta > 0 ? "hs-growth" : delta < 0 ? "hs-shrink" : "dim-label";

      if (!gtk_widget_has_css_class (cell, sign))
        gtk_widget_set_css_classes (cell, (const char *[]) { "numeric", sign, NULL });
    }
}

/* A row shows another suspect, or the same one ranked again, at each ranking
 * (hs_leak_suspect_assign): a bound cell follows it. */
static void
on_cell_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  HsLeakSuspect *suspect = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  if (GPOINTER_TO_INT (user_data) == COLUMN_ACTIONS)
    return;
  show_suspect (cell, suspect);
  g_signal_connect_object (suspect, "changed", G_CALLBACK (show_suspect), cell, G_CONNECT_SWAPPED);
}

static void
on_cell_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  if (column == COLUMN_ACTIONS)
    return;
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), show_suspect, cell);
  if (column == COLUMN_TREND)
    hs_sparkline_set_points (HS_SPARKLINE (cell), NULL, NULL, 0);
}

static void
set_up_column (GtkColumnViewColumn *column,
               Column               kind,
               const char          *property)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "unbind", G_CALLBACK (on_cell_unbind), GINT_TO_POINTER (kind));
  gtk_column_view_column_set_factory (column, factory);
  if (property != NULL)
    {
      GtkExpression *expression = gtk_property_expression_new (HS_TYPE_LEAK_SUSPECT, NULL, property);
      g_autoptr(GtkSorter) sorter = NULL;

      if (kind == COLUMN_NAME)
        sorter = GTK_SORTER (gtk_string_sorter_new (expression));
      else
        sorter = GTK_SORTER (gtk_numeric_sorter_new (expression));
      gtk_column_view_column_set_sorter (column, sorter);
    }
}

/* -- State ------------------------------------------------------------------------ */

static void
update_baseline_text (HsLeaksPage *self)
{
  HsSample *baseline = self->finder != NULL ? hs_leak_finder_get_baseline (self->finder) : NULL;
  GString *text = g_string_new (NULL);

  if (baseline == NULL)
    g_string_append (text, _("No samples yet"));
  else
    {
      g_autofree char *title = hs_sample_dup_title (baseline);
      guint n_samples = hs_leak_finder_get_n_samples (self->finder);
      guint unreadable = hs_leak_finder_get_unreadable (self->finder);
      g_autofree char *duration = hs_format_duration (hs_leak_finder_get_duration (self->finder));

      /* Translators: "Since Sample 1 (0.0 s) · 42 samples over 1 min 3 s" */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Since %s · %u sample over %s",
                                                 "Since %s · %u samples over %s", n_samples),
                              title, n_samples, duration);
      if (unreadable > 0)
        {
          g_string_append (text, " · ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u sample could not be read",
                                                     "%u samples could not be read", unreadable), unreadable);
        }
    }
  g_free (self->baseline_text);
  self->baseline_text = g_string_free (text, FALSE);
  gtk_label_set_text (self->baseline_label, self->baseline_text);
}

static void
update_actions (HsLeaksPage *self)
{
  gboolean selected = gtk_single_selection_get_selected_item (self->selection) != NULL;
  gboolean listed = self->finder != NULL && g_list_model_get_n_items (hs_leak_finder_get_suspects (self->finder)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "leaks.show-instances", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "leaks.show-referrers", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "leaks.show-graph", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "leaks.copy-text", listed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "leaks.save-text", listed);
}

static void
update_state (HsLeaksPage *self)
{
  gboolean over = self->session == NULL || !hs_session_is_live (self->session);
  const char *state;
  guint n_suspects = 0;
  guint n_samples = 0;
  guint n_types = 0;
  g_autofree char *summary = NULL;
  g_autofree char *types = NULL;

  if (self->finder != NULL)
    {
      n_suspects = g_list_model_get_n_items (hs_leak_finder_get_suspects (self->finder));
      n_samples = hs_leak_finder_get_n_samples (self->finder);
      n_types = hs_leak_finder_get_n_types (self->finder);
    }
  gtk_spinner_set_spinning (self->spinner, self->finder != NULL && hs_leak_finder_get_busy (self->finder));

  if (self->finder == NULL || (hs_leak_finder_get_baseline (self->finder) == NULL))
    state = "waiting";
  else if (!hs_leak_finder_get_ranked (self->finder))
    state = "ranking";
  else if (n_suspects > 0)
    state = "list";
  else if (n_samples < HS_LEAK_MIN_SAMPLES)
    state = "waiting";
  else
    state = "empty";

  if (g_str_equal (state, "waiting"))
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "A leak shows over several samples: the ranking starts after %u samples since the baseline; there is %u so far",
                                           "A leak shows over several samples: the ranking starts after %u samples since the baseline; there are %u so far",
                                           n_samples),
                              HS_LEAK_MIN_SAMPLES, n_samples);
      hs_status_set (self->waiting_status, "view-sort-descending-symbolic", _("Waiting for More Samples"), text);
    }
  else if (g_str_equal (state, "empty"))
    {
      if (over)
        hs_status_set (self->empty_status, "emblem-ok-symbolic", _("No Steady Growth"),
                       _("No type kept growing from the baseline to the end of the run. To look at part of it, "
                         "compare with a snapshot on the Types page."));
      else
        hs_status_set (self->empty_status, "emblem-ok-symbolic", _("No Steady Growth Yet"),
                       _("No type has kept growing since the baseline. Let the program run through more of its "
                         "work; a type that grows at every turn will show here."));
    }
  gtk_stack_set_visible_child_name (self->stack, state);

  types = hs_format_count (n_types);
  if (n_suspects > 0)
    {
      g_autofree char *suspects = hs_format_count (n_suspects);

      /* Translators: "12 suspects among 1,570 types followed" */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s suspect among %s types followed",
                                              "%s suspects among %s types followed", n_suspects),
                                 suspects, types);
    }
  else if (n_types > 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s type followed", "%s types followed", n_types),
                               types);
  gtk_label_set_text (self->summary_label, summary != NULL ? summary : "");
  update_baseline_text (self);
  update_actions (self);
}

/* The survivors since the baseline are what the why view follows. */
static void
update_why_since (HsLeaksPage *self)
{
  HsSample *baseline = self->finder != NULL ? hs_leak_finder_get_baseline (self->finder) : NULL;

  hs_why_view_set_since (self->why_view, baseline != NULL ? hs_sample_get_time (baseline) : NAN);
}

static void
on_finder_notify (HsLeakFinder *finder,
                  GParamSpec   *pspec,
                  HsLeaksPage  *self)
{
  update_state (self);
  update_why_since (self);
}

static void
on_session_state (HsSession   *session,
                  GParamSpec  *pspec,
                  HsLeaksPage *self)
{
  update_state (self);
}

/* -- Selection -------------------------------------------------------------------- */

static void
on_selected_changed (GtkSingleSelection *selection,
                     GParamSpec         *pspec,
                     HsLeaksPage        *self)
{
  HsLeakSuspect *suspect = gtk_single_selection_get_selected_item (selection);

  /* Only what the user chose: a row removed, or one selected for want of it, is not. */
  if (!self->restoring && suspect != NULL)
    {
      g_free (self->selected_name);
      self->selected_name = g_strdup (hs_leak_suspect_get_name (suspect));
    }
  /* A ranking that keeps the type selected keeps the answer shown. */
  update_why_since (self);
  if (suspect != NULL)
    hs_why_view_set_type_name (self->why_view, hs_leak_suspect_get_name (suspect));
  update_actions (self);
}

static void
on_why_show_path (HsWhyView         *view,
                  const HsObjectRef *object,
                  HsLeaksPage       *self)
{
  g_signal_emit (self, signals [SHOW_PATH], 0, object);
}

static void
on_why_show_graph (HsWhyView         *view,
                   const HsObjectRef *object,
                   HsLeaksPage       *self)
{
  g_signal_emit (self, signals [SHOW_OBJECT_GRAPH], 0, object);
}

static const HsTypeRowsKind suspect_rows = {
  hs_leak_suspect_get_type,
  (gpointer (*) (gpointer)) hs_leak_suspect_copy,
  (void (*) (gpointer, gpointer)) hs_leak_suspect_assign,
  (const char * (*) (gpointer)) hs_leak_suspect_get_name,
  NULL,   /* each ranking's suspects are new */
};

/* The rows in order again, after a ranking or the sort moved: the type
 * selected before stays selected. */
static void
show_in_order (HsLeaksPage *self)
{
  guint selected = GTK_INVALID_LIST_POSITION;

  hs_type_rows_resort (self->rows);
  /* Selected where it is now, without scrolling: the user may be reading
   * other rows. A type that left the ranking (or none chosen yet): the first
   * row, so the actions always have a suspect; the choice is not the user's. */
  if (self->selected_name != NULL)
    selected = hs_type_rows_find (self->rows, self->selected_name);
  if (selected == GTK_INVALID_LIST_POSITION && g_list_model_get_n_items (G_LIST_MODEL (self->rows)) > 0)
    selected = 0;
  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  self->restoring = TRUE;
  if (selected != gtk_single_selection_get_selected (self->selection))
    gtk_single_selection_set_selected (self->selection, selected);
  else
    on_selected_changed (self->selection, NULL, self);   /* the same row may show another type */
  self->restoring = FALSE;
}

static void
on_sorter_changed (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   HsLeaksPage     *self)
{
  show_in_order (self);
}

static void
on_suspects_changed (GListModel  *suspects,
                     guint        position,
                     guint        removed,
                     guint        added,
                     HsLeaksPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_in_order (self);
}

/* -- Actions ---------------------------------------------------------------------- */

static void
emit_for_selected (HsLeaksPage *self,
                   guint        signal)
{
  HsLeakSuspect *suspect = gtk_single_selection_get_selected_item (self->selection);

  if (suspect != NULL)
    g_signal_emit (self, signals [signal], 0, hs_leak_suspect_get_name (suspect));
}

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsLeaksPage *self = HS_LEAKS_PAGE (widget);

  if (g_str_equal (action_name, "leaks.show-referrers"))
    emit_for_selected (self, SHOW_REFERRERS);
  else if (g_str_equal (action_name, "leaks.show-graph"))
    emit_for_selected (self, SHOW_GRAPH);
  else
    emit_for_selected (self, SHOW_INSTANCES);
}

static void
on_row_activated (GtkColumnView *view,
                  guint          position,
                  HsLeaksPage   *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  emit_for_selected (self, SHOW_INSTANCES);
}

static void
copy_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HsLeaksPage *self = HS_LEAKS_PAGE (widget);
  g_autofree char *text = hs_leaks_page_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  g_signal_emit (self, signals [NOTICE], 0, _("Ranking copied"));
}

static char *
dup_text_for_export (GtkWidget *page)
{
  return hs_leaks_page_dup_text (HS_LEAKS_PAGE (page));
}

static void
save_text_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HsLeaksPage *self = HS_LEAKS_PAGE (widget);
  const HsLaunchSpec *spec = self->session != NULL ? hs_session_get_launch_spec (self->session) : NULL;
  g_autofree char *stem = spec != NULL && spec->script != NULL ? g_path_get_basename (spec->script) : g_strdup ("heapscope");
  g_autofree char *name = NULL;
  char *dot = strrchr (stem, '.');

  if (dot != NULL && dot != stem)
    *dot = '\0';
  name = g_strdup_printf ("%s-leaks.txt", stem);
  hs_text_export_save (&self->export, widget, _("Save the Ranking as Text"), name, HS_TEXT_PLAIN,
                       dup_text_for_export);
}

/* The rows follow the rankings only while the page is shown: hidden, they
 * keep the last ranking they showed, and their widgets (200 rows of them made
 * again would stall the window at each visit), and catch up when shown. The
 * selection comes back by name. */
static void
attach_suspects (HsLeaksPage *self)
{
  hs_type_rows_set_source (self->rows, self->finder != NULL ? hs_leak_finder_get_suspects (self->finder) : NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_in_order (self);
}

static void
hs_leaks_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hs_leaks_page_parent_class)->map (widget);
  attach_suspects (HS_LEAKS_PAGE (widget));
}

/* -- GObject ---------------------------------------------------------------------- */

static void
hs_leaks_page_dispose (GObject *object)
{
  HsLeaksPage *self = HS_LEAKS_PAGE (object);
  GtkWidget *child;

  hs_text_export_clear (&self->export);
  hs_leaks_page_set_session (self, NULL);
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_LEAKS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  self->rows = NULL;   /* the selection owned it */
  G_OBJECT_CLASS (hs_leaks_page_parent_class)->dispose (object);
}

static void
hs_leaks_page_finalize (GObject *object)
{
  HsLeaksPage *self = HS_LEAKS_PAGE (object);

  g_free (self->selected_name);
  g_free (self->baseline_text);
  G_OBJECT_CLASS (hs_leaks_page_parent_class)->finalize (object);
}

static void
hs_leaks_page_class_init (HsLeaksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_leaks_page_dispose;
  object_class->finalize = hs_leaks_page_finalize;
  widget_class->map = hs_leaks_page_map;
  gtk_widget_class_set_css_name (widget_class, "hsleakspage");

  signals [SHOW_INSTANCES] =
    g_signal_new ("show-instances", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [SHOW_REFERRERS] =
    g_signal_new ("show-referrers", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [SHOW_GRAPH] =
    g_signal_new ("show-graph", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [SHOW_PATH] =
    g_signal_new ("show-path", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals [SHOW_OBJECT_GRAPH] =
    g_signal_new ("show-object-graph", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals [NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (HS_TYPE_STATUS);
  g_type_ensure (HS_TYPE_WHY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-leaks-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, HsLeaksPage, name)
  CHILD (title_label);
  CHILD (baseline_label);
  CHILD (spinner);
  CHILD (stack);
  CHILD (waiting_status);
  CHILD (empty_status);
  CHILD (column_view);
  CHILD (rank_column);
  CHILD (name_column);
  CHILD (count_column);
  CHILD (delta_count_column);
  CHILD (delta_size_column);
  CHILD (count_rate_column);
  CHILD (size_rate_column);
  CHILD (trend_column);
  CHILD (actions_column);
  CHILD (summary_label);
  CHILD (row_menu);
  CHILD (why_view);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_why_show_path);
  gtk_widget_class_bind_template_callback (widget_class, on_why_show_graph);

  gtk_widget_class_install_action (widget_class, "leaks.show-instances", NULL, show_action);
  gtk_widget_class_install_action (widget_class, "leaks.show-referrers", NULL, show_action);
  gtk_widget_class_install_action (widget_class, "leaks.show-graph", NULL, show_action);
  gtk_widget_class_install_action (widget_class, "leaks.copy-text", NULL, copy_text_action);
  gtk_widget_class_install_action (widget_class, "leaks.save-text", NULL, save_text_action);
}

static void
hs_leaks_page_init (HsLeaksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  set_up_column (self->rank_column, COLUMN_RANK, "rank");
  set_up_column (self->name_column, COLUMN_NAME, "name");
  set_up_column (self->count_column, COLUMN_COUNT, "count");
  set_up_column (self->delta_count_column, COLUMN_DELTA_COUNT, "delta-count");
  set_up_column (self->delta_size_column, COLUMN_DELTA_SIZE, "delta-size");
  set_up_column (self->count_rate_column, COLUMN_COUNT_RATE, "count-rate");
  set_up_column (self->size_rate_column, COLUMN_SIZE_RATE, "size-rate");
  set_up_column (self->trend_column, COLUMN_TREND, NULL);
  set_up_column (self->actions_column, COLUMN_ACTIONS, NULL);

  self->rows = hs_type_rows_new (&suspect_rows, NULL, gtk_column_view_get_sorter (self->column_view));
  hs_type_rows_pace (self->rows, GTK_WIDGET (self));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->rows));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (gtk_column_view_get_sorter (self->column_view), "changed", G_CALLBACK (on_sorter_changed), self);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (on_selected_changed), self);

  update_state (self);
}

/* -- Public ------------------------------------------------------------------------ */

GtkWidget *
hs_leaks_page_new (void)
{
  return g_object_new (HS_TYPE_LEAKS_PAGE, NULL);
}

void
hs_leaks_page_set_session (HsLeaksPage *self,
                           HsSession   *session)
{
  g_return_if_fail (HS_IS_LEAKS_PAGE (self));
  g_return_if_fail (session == NULL || HS_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->finder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->finder, self);
      g_signal_handlers_disconnect_by_data (hs_leak_finder_get_suspects (self->finder), self);
      g_object_run_dispose (G_OBJECT (self->finder));   /* stops its ranking */
      g_clear_object (&self->finder);
    }
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->selected_name, g_free);
  if (self->why_view != NULL)
    hs_why_view_set_session (self->why_view, session);
  if (session != NULL)
    {
      self->finder = hs_leak_finder_new (session);
      g_signal_connect (self->finder, "notify", G_CALLBACK (on_finder_notify), self);
      g_signal_connect (hs_leak_finder_get_suspects (self->finder), "items-changed",
                        G_CALLBACK (on_suspects_changed), self);
      g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state), self);
    }
  if (self->rows != NULL)
    attach_suspects (self);
  if (self->selection != NULL)
    update_state (self);
}

HsLeakFinder *
hs_leaks_page_get_finder (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return self->finder;
}

const char *
hs_leaks_page_get_state (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkColumnView *
hs_leaks_page_get_column_view (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return self->column_view;
}

GListModel *
hs_leaks_page_get_visible_suspects (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return G_LIST_MODEL (self->rows);
}

HsLeakSuspect *
hs_leaks_page_get_selected (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

/* Selects the suspect @type_name and scrolls to it; FALSE if it is not listed. */
gboolean
hs_leaks_page_select (HsLeaksPage *self,
                      const char  *type_name)
{
  guint position;

  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), FALSE);
  g_return_val_if_fail (type_name != NULL, FALSE);

  position = hs_type_rows_find (self->rows, type_name);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  /* The column view's list, a child of it, has the action. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_activate_action (child, "list.scroll-to-item", "u", position))
      break;
  return TRUE;
}

HsWhyView *
hs_leaks_page_get_why_view (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return self->why_view;
}

const char *
hs_leaks_page_get_baseline_text (HsLeaksPage *self)
{
  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);
  return self->baseline_text;
}

/* -- Text ------------------------------------------------------------------------- */

#define N_TEXT_COLUMNS 9

static void
append_padded (GString    *out,
               const char *text,
               guint       width,
               gboolean    right)
{
  glong length = g_utf8_strlen (text, -1);

  if (right)
    for (glong i = length; i < width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (glong i = length; i < width; i++)
      g_string_append_c (out, ' ');
}

char *
hs_leaks_page_dup_text (HsLeaksPage *self)
{
  const char *headings[N_TEXT_COLUMNS] = {
    C_("rank in a list", "#"), _("Type"), _("Objects"), _("Δ Objects"), _("Δ Size"),
    _("Objects/min"), _("Size/min"), _("Rises"), _("Falls"),
  };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  GListModel *shown;
  const HsLaunchSpec *spec;
  guint widths[N_TEXT_COLUMNS] = { 0 };
  guint n;
  g_autofree char *why = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (HS_IS_LEAKS_PAGE (self), NULL);

  spec = self->session != NULL ? hs_session_get_launch_spec (self->session) : NULL;
  if (spec != NULL && spec->script != NULL && *spec->script != '\0')
    {
      g_autofree char *script = g_path_get_basename (spec->script);

      /* Translators: the title of the ranking as text */
      g_string_append_printf (out, _("Types that keep growing in %s"), script);
    }
  else
    g_string_append (out, _("Types that keep growing"));
  g_string_append_printf (out, "\n%s\n\n", self->baseline_text != NULL ? self->baseline_text : "");

  hs_type_rows_show_all (self->rows);
  shown = G_LIST_MODEL (self->rows);
  n = g_list_model_get_n_items (shown);
  if (n == 0)
    {
      g_string_append (out, g_str_equal (hs_leaks_page_get_state (self), "empty")
                            ? _("No type grew steadily.") : _("Not ranked yet."));
      g_string_append_c (out, '\n');
      return g_string_free (out, FALSE);
    }

  for (guint c = 0; c < N_TEXT_COLUMNS; c++)
    g_ptr_array_add (cells, g_strdup (headings[c]));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsLeakSuspect) suspect = g_list_model_get_item (shown, i);

      for (Column c = COLUMN_RANK; c <= COLUMN_SIZE_RATE; c++)
        g_ptr_array_add (cells, format_cell (suspect, c));
      g_ptr_array_add (cells, g_strdup_printf ("%u/%u", hs_leak_suspect_get_rises (suspect),
                                               hs_leak_suspect_get_steps (suspect)));
      g_ptr_array_add (cells, g_strdup_printf ("%u", hs_leak_suspect_get_falls (suspect)));
    }
  for (guint i = 0; i < cells->len; i++)
    widths[i % N_TEXT_COLUMNS] = MAX (widths[i % N_TEXT_COLUMNS],
                                      (guint) g_utf8_strlen (g_ptr_array_index (cells, i), -1));
  for (guint i = 0; i < cells->len; i++)
    {
      guint c = i % N_TEXT_COLUMNS;

      if (c > 0)
        g_string_append (out, "  ");
      /* Numbers to the right, the type to the left: no line ends in spaces. */
      append_padded (out, g_ptr_array_index (cells, i), widths[c], c != COLUMN_NAME);
      if (c + 1 == N_TEXT_COLUMNS)
        g_string_append_c (out, '\n');
    }
  /* What holds the selected one, when it was asked. */
  why = hs_why_view_dup_text (self->why_view);
  if (why != NULL)
    g_string_append_printf (out, "\n%s", why);
  return g_string_free (out, FALSE);
}
