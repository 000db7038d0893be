/* hs-overview-page.c — the process at a glance: figures, memory chart, snapshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-memory-chart.h"
#include "hs-overview-page.h"
#include "hs-reveal.h"

typedef enum
{
  DETAIL_SCRIPT,
  DETAIL_ARGUMENTS,
  DETAIL_FOLDER,
  DETAIL_INTERPRETER,
  DETAIL_PYTHON,
  DETAIL_PID,
  DETAIL_STARTED,
  DETAIL_DURATION,
  DETAIL_OUTCOME,
  DETAIL_FILE,
  N_DETAILS
} Detail;

typedef enum
{
  FIGURE_RSS,
  FIGURE_VMS,
  FIGURE_OBJECTS,
  FIGURE_BYTES,
  FIGURE_SAMPLES,
  N_FIGURES
} Figure;

struct _HsOverviewPage
{
  GtkWidget      parent_instance;
  HsSession     *session;
  GSignalGroup  *snapshot_signals;

  /* Template children. */
  GtkLabel      *figures[N_FIGURES];
  HsMemoryChart *chart;
  GtkListBox    *snapshot_list;
  GtkWidget     *snapshot_placeholder;
  GtkWidget     *snapshot_scroller;
  GtkLabel      *details[N_DETAILS];
  GtkWidget     *reveal_button;
};

G_DEFINE_FINAL_TYPE (HsOverviewPage, hs_overview_page, GTK_TYPE_WIDGET)

static void
set_figure (HsOverviewPage *self,
            Figure          figure,
            char           *text)
{
  gtk_label_set_text (self->figures[figure], text);
  g_free (text);
}

static void
update_figures (HsOverviewPage *self)
{
  HsSample *latest = self->session != NULL ? hs_session_get_latest_sample (self->session) : NULL;
  gint64 rss = 0, vms = 0, objects = 0, bytes = 0;
  guint n_samples = self->session != NULL
    ? g_list_model_get_n_items (hs_session_get_samples (self->session)) : 0;

  if (latest == NULL)
    {
      for (guint i = 0; i < N_FIGURES; i++)
        gtk_label_set_text (self->figures[i], "—");
      return;
    }

  g_object_get (latest, "rss", &rss, "vms", &vms, "objects", &objects, "bytes", &bytes, NULL);
  set_figure (self, FIGURE_RSS, hs_format_bytes (rss));
  set_figure (self, FIGURE_VMS, hs_format_bytes (vms));
  set_figure (self, FIGURE_OBJECTS, hs_format_count (objects));
  set_figure (self, FIGURE_BYTES, hs_format_bytes (bytes));
  if (hs_session_get_effective_interval (self->session) > hs_session_get_interval (self->session))
    {
      g_autofree char *count = hs_format_count (n_samples);

      set_figure (self, FIGURE_SAMPLES,
                  g_strdup_printf (_("%s (every %.1f s)"), count, hs_session_get_effective_interval (self->session)));
    }
  else
    set_figure (self, FIGURE_SAMPLES, hs_format_count (n_samples));
}

static void
on_latest_sample (HsSession      *session,
                  GParamSpec     *pspec,
                  HsOverviewPage *self)
{
  update_figures (self);
}

static GtkWidget *
create_snapshot_row (gpointer item,
                     gpointer user_data)
{
  HsSample *sample = item;
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *title = hs_sample_dup_title (sample);
  g_autofree char *objects = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *detail = NULL;
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *detail_label;
  gint64 n_objects, n_bytes;

  g_object_get (sample, "objects", &n_objects, "bytes", &n_bytes, NULL);
  objects = hs_format_count (n_objects);
  bytes = hs_format_bytes (n_bytes);
  detail = g_strdup_printf (_("%s objects, %s"), objects, bytes);
  detail_label = gtk_label_new (detail);

  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 8);
  gtk_widget_set_margin_bottom (row, 8);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_widget_add_css_class (detail_label, "dim-label");
  gtk_widget_add_css_class (detail_label, "numeric");
  gtk_box_append (GTK_BOX (row), title_label);
  gtk_box_append (GTK_BOX (row), detail_label);
  return row;
}

static void
set_detail (HsOverviewPage *self,
            Detail          detail,
            const char     *text,
            const char     *tooltip)
{
  GtkLabel *label = self->details[detail];
  gboolean known = text != NULL && *text != '\0';
  const char *wanted_tooltip = known ? (tooltip != NULL ? tooltip : text) : NULL;

  /* Setting a tooltip queries the pointer (X round trips in GTK 4.8), and
   * details are set again at every census: only when it changes, and none
   * for the duration, which changes every time and is never cut short. */
  if (detail == DETAIL_DURATION)
    wanted_tooltip = NULL;
  gtk_label_set_text (label, known ? text : "—");
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (label)), wanted_tooltip) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), wanted_tooltip);
}

static char *
dup_arguments (const HsLaunchSpec *spec)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; spec->arguments != NULL && spec->arguments[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (spec->arguments[i]);

      if (i > 0)
        g_string_append_c (text, ' ');
      /* Quote only what needs it, as one would type it. */
      g_string_append (text, strpbrk (spec->arguments[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") != NULL ||
                             *spec->arguments[i] == '\0' ? quoted : spec->arguments[i]);
    }
  return g_string_free (text, FALSE);
}

/* Seconds the session ran, or has run so far. */
static double
session_duration (HsSession *session)
{
  gint64 started = hs_session_get_started_at (session);
  gint64 ended = hs_session_get_ended_at (session);
  HsSample *latest = hs_session_get_latest_sample (session);

  if (started > 0 && ended >= started)
    return (ended - started) / (double) G_USEC_PER_SEC;
  if (started > 0 && hs_session_is_live (session))
    return (g_get_real_time () - started) / (double) G_USEC_PER_SEC;
  return latest != NULL ? hs_sample_get_time (latest) : -1;
}

static void
update_details (HsOverviewPage *self)
{
  HsSession *session = self->session;
  const HsLaunchSpec *spec = session != NULL ? hs_session_get_launch_spec (session) : NULL;
  g_autofree char *script = NULL;
  g_autofree char *arguments = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *started = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *file_text = NULL;
  const char *file = NULL;
  double seconds;

  if (session == NULL)
    {
      for (guint i = 0; i < N_DETAILS; i++)
        set_detail (self, i, NULL, NULL);
      gtk_widget_set_visible (self->reveal_button, FALSE);
      return;
    }

  if (spec != NULL)
    {
      script = spec->script != NULL ? g_path_get_basename (spec->script) : NULL;
      arguments = dup_arguments (spec);
      if (spec->working_directory != NULL && *spec->working_directory != '\0')
        folder = g_strdup (spec->working_directory);
      else if (spec->script != NULL)
        folder = g_path_get_dirname (spec->script);
    }
  set_detail (self, DETAIL_SCRIPT, script, spec != NULL ? spec->script : NULL);
  if (spec != NULL && (arguments == NULL || *arguments == '\0'))
    set_detail (self, DETAIL_ARGUMENTS, _("None"), NULL);
  else
    set_detail (self, DETAIL_ARGUMENTS, arguments, NULL);
  set_detail (self, DETAIL_FOLDER, folder, NULL);
  set_detail (self, DETAIL_INTERPRETER, spec != NULL ? spec->interpreter : NULL, NULL);
  set_detail (self, DETAIL_PYTHON, hs_session_get_python_version (session), NULL);

  if (hs_session_get_pid (session) > 0)
    pid = g_strdup_printf ("%" G_GINT64_FORMAT, hs_session_get_pid (session));
  set_detail (self, DETAIL_PID, pid, NULL);

  started = hs_format_date_time (hs_session_get_started_at (session));
  set_detail (self, DETAIL_STARTED, started, NULL);
  seconds = session_duration (session);
  if (seconds >= 0)
    duration = hs_format_duration (seconds);
  set_detail (self, DETAIL_DURATION, duration, NULL);

  outcome = hs_session_dup_status_text (session);
  set_detail (self, DETAIL_OUTCOME, outcome, NULL);

  file = hs_session_get_file (session);
  if (file == NULL)
    file_text = g_strdup (_("Not recorded"));
  else
    {
      g_autofree char *basename = g_path_get_basename (file);

      if (hs_session_get_record_error (session) != NULL)
        file_text = g_strdup_printf (_("%s (recording stopped)"), basename);
      else
        file_text = g_steal_pointer (&basename);
    }
  set_detail (self, DETAIL_FILE, file_text, file);
  gtk_widget_set_visible (self->reveal_button, file != NULL);
}

static void
on_reveal_clicked (GtkButton      *button,
                   HsOverviewPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *file = self->session != NULL ? hs_session_get_file (self->session) : NULL;

  if (file != NULL)
    hs_reveal_file (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, file);
}

/* The list, or a word on how to fill it. */
static void
update_snapshot_visibility (HsOverviewPage *self)
{
  guint n = self->session != NULL ? g_list_model_get_n_items (hs_session_get_snapshots (self->session)) : 0;

  gtk_widget_set_visible (self->snapshot_scroller, n > 0);
  gtk_widget_set_visible (self->snapshot_placeholder, n == 0);
  /* A scrollbar asks for more height than a row or two: only when there are many. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->snapshot_scroller), GTK_POLICY_NEVER,
                                  n > 4 ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
}

static void
on_snapshots_changed (GListModel     *snapshots,
                      guint           position,
                      guint           removed,
                      guint           added,
                      HsOverviewPage *self)
{
  update_snapshot_visibility (self);
}

static void
on_session_changed (HsSession      *session,
                    GParamSpec     *pspec,
                    HsOverviewPage *self)
{
  update_details (self);
}

static void
hs_overview_page_dispose (GObject *object)
{
  HsOverviewPage *self = (HsOverviewPage *) object;
  GtkWidget *child;

  hs_overview_page_set_session (self, NULL);
  g_clear_object (&self->snapshot_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_OVERVIEW_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hs_overview_page_parent_class)->dispose (object);
}

static void
hs_overview_page_class_init (HsOverviewPageClass *klass)
{
  /* The labels of the template, in the order of Figure and Detail. */
  static const char *figure_ids[N_FIGURES] = {
    "rss_figure", "vms_figure", "objects_figure", "bytes_figure", "samples_figure",
  };
  static const char *detail_ids[N_DETAILS] = {
    "script_detail", "arguments_detail", "folder_detail", "interpreter_detail", "python_detail",
    "pid_detail", "started_detail", "duration_detail", "outcome_detail", "file_detail",
  };
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_overview_page_dispose;
  gtk_widget_class_set_css_name (widget_class, "hsoverviewpage");

  g_type_ensure (HS_TYPE_MEMORY_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-overview-page.ui");
  for (guint i = 0; i < N_FIGURES; i++)
    gtk_widget_class_bind_template_child_full (widget_class, figure_ids[i], FALSE,
                                               G_STRUCT_OFFSET (HsOverviewPage, figures) + i * sizeof (GtkLabel *));
  for (guint i = 0; i < N_DETAILS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, detail_ids[i], FALSE,
                                               G_STRUCT_OFFSET (HsOverviewPage, details) + i * sizeof (GtkLabel *));
  gtk_widget_class_bind_template_child (widget_class, HsOverviewPage, chart);
  gtk_widget_class_bind_template_child (widget_class, HsOverviewPage, snapshot_list);
  gtk_widget_class_bind_template_child (widget_class, HsOverviewPage, snapshot_placeholder);
  gtk_widget_class_bind_template_child (widget_class, HsOverviewPage, snapshot_scroller);
  gtk_widget_class_bind_template_child (widget_class, HsOverviewPage, reveal_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reveal_clicked);
}

static void
hs_overview_page_init (HsOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->snapshot_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_object (self->snapshot_signals, "items-changed",
                                 G_CALLBACK (on_snapshots_changed), self, 0);
  update_details (self);
  update_snapshot_visibility (self);
}

GtkWidget *
hs_overview_page_new (void)
{
  return g_object_new (HS_TYPE_OVERVIEW_PAGE, NULL);
}

void
hs_overview_page_set_session (HsOverviewPage *self,
                              HsSession      *session)
{
  g_return_if_fail (HS_IS_OVERVIEW_PAGE (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);

  hs_memory_chart_set_samples (self->chart, session != NULL ? hs_session_get_samples (session) : NULL);
  gtk_list_box_bind_model (self->snapshot_list,
                           session != NULL ? hs_session_get_snapshots (session) : NULL,
                           create_snapshot_row, NULL, NULL);
  g_signal_group_set_target (self->snapshot_signals, session != NULL ? hs_session_get_snapshots (session) : NULL);
  if (session != NULL)
    {
      g_signal_connect (session, "notify::latest-sample", G_CALLBACK (on_latest_sample), self);
      g_signal_connect (session, "notify::effective-interval", G_CALLBACK (on_latest_sample), self);
      g_signal_connect (session, "notify", G_CALLBACK (on_session_changed), self);
    }
  update_figures (self);
  update_details (self);
  update_snapshot_visibility (self);
}
