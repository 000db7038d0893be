/* hs-window.c — the main window: one session, its pages and controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "hs-console-chunk.h"
#include "hs-launch-dialog.h"
#include "hs-settings.h"
#include "hs-store.h"
#include "hs-text-export.h"
#include "hs-track-dialog.h"
#include "hs-window-private.h"

G_DEFINE_FINAL_TYPE (HsWindow, hs_window, ADW_TYPE_APPLICATION_WINDOW)

void
_hs_window_toast (HsWindow   *self,
                  const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

/* The controls that need a live process say why they are off. */
void
_hs_window_update_actions (HsWindow *self)
{
  gboolean live = self->session != NULL && hs_session_is_live (self->session);
  gboolean has_agent = live && hs_session_get_protocol_error (self->session) == NULL;
  gboolean read_only = self->session != NULL && hs_session_is_read_only (self->session);
  gboolean over = self->session != NULL && hs_session_is_over (self->session);
  gboolean opening = self->open_cancellable != NULL;
  const char *why = NULL;

  if (read_only)
    why = _("The script has ended; this is a recorded session");
  else if (over)
    why = _("The script has ended");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.path-to-root",
                                 hs_referrers_page_get_tree (self->referrers_page) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-referrers",
                                 hs_referrers_page_get_tree (self->referrers_page) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.take-snapshot", has_agent);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.track-class",
                                 self->session != NULL && hs_session_can_track (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.track-object",
                                 self->session != NULL && hs_session_can_track (self->session) &&
                                 hs_object_inspector_get_object (self->inspector) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-pause", has_agent);
  if (self->watch_garbage != NULL)
    g_simple_action_set_enabled (self->watch_garbage,
                                 self->session != NULL && hs_session_can_watch_garbage (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as",
                                 !opening && self->session != NULL &&
                                 hs_session_get_file (self->session) != NULL &&
                                 hs_session_get_record_error (self->session) == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), has_agent);
  gtk_widget_set_sensitive (self->interval_button, !read_only);

  gtk_widget_set_tooltip_text (self->stop_button, why != NULL ? why : _("Stop the Script (Ctrl+.)"));
  gtk_widget_set_tooltip_text (self->snapshot_button, why != NULL ? why : _("Take Snapshot (Ctrl+T)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), why != NULL ? why : _("Pause Sampling (Ctrl+P)"));
  gtk_widget_set_tooltip_text (self->interval_button, read_only ? why : _("Sampling Interval"));
}

static void
update_status (HsWindow *self)
{
  g_autofree char *status = NULL;
  g_autofree char *process = NULL;
  g_autofree char *command = NULL;
  const HsLaunchSpec *spec;
  HsSessionState state;

  if (self->session == NULL)
    return;

  state = hs_session_get_state (self->session);
  status = hs_session_dup_status_text (self->session);
  gtk_label_set_text (self->state_label, status);
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "warning");
  if (state == HS_SESSION_STATE_FAILED || state == HS_SESSION_STATE_SIGNALED ||
      (state == HS_SESSION_STATE_EXITED && hs_session_get_exit_code (self->session) != 0) ||
      hs_session_get_protocol_error (self->session) != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else if (state == HS_SESSION_STATE_RUNNING && hs_session_is_read_only (self->session))
    {
      /* A recording still being written is news; one cut short (its
       * Heapscope gone), a warning. Neither is a run going well. */
      if (!hs_session_is_being_written_elsewhere (self->session))
        gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "warning");
    }
  else if (state == HS_SESSION_STATE_RUNNING && hs_session_get_held (self->session))
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "warning");
  else if (state == HS_SESSION_STATE_RUNNING)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");

  if (hs_session_get_pid (self->session) > 0)
    process = g_strdup_printf (_("PID %lld · Python %s"),
                               (long long) hs_session_get_pid (self->session),
                               hs_session_get_python_version (self->session) ? hs_session_get_python_version (self->session) : "?");
  gtk_label_set_text (self->process_label, process != NULL ? process : "");

  spec = hs_session_get_launch_spec (self->session);
  if (spec != NULL)
    {
      command = hs_launch_spec_get_command_line (spec);
      gtk_label_set_text (self->command_label, command);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->command_label), command);
    }
  _hs_window_update_actions (self);
}

/* The recording joins the recent sessions as soon as its file exists: the
 * worker creates it, and a list reading it before then would drop it. */
static void
list_recording (HsWindow *self)
{
  const char *file;

  if (self->recording_listed || self->session == NULL || hs_session_is_read_only (self->session))
    return;
  file = hs_session_get_file (self->session);
  if (file == NULL || hs_session_get_record_error (self->session) != NULL)
    return;
  if (hs_session_get_state (self->session) <= HS_SESSION_STATE_STARTING || !g_file_test (file, G_FILE_TEST_EXISTS))
    return;
  self->recording_listed = TRUE;
  hs_recent_sessions_add (file);
}

/* The last line the script wrote to its standard error, or NULL: a
 * traceback's last line says what went wrong ("SyntaxError: '[' was never
 * closed"). */
static char *
last_error_line (HsSession *session)
{
  GListModel *console = hs_session_get_console (session);
  g_autoptr(GString) tail = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  for (guint i = g_list_model_get_n_items (console); i > 0 && tail->len < 4096; i--)
    {
      g_autoptr(HsConsoleChunk) chunk = g_list_model_get_item (console, i - 1);

      if (hs_console_chunk_is_stderr (chunk))
        g_string_prepend (tail, hs_console_chunk_get_text (chunk));
      else if (strspn (tail->str, " \t\r\n") < tail->len)
        break;       /* a line of it already, before the output after it */
    }
  lines = g_strsplit (tail->str, "\n", -1);
  for (guint i = g_strv_length (lines); i > 0; i--)
    {
      char *line = g_strstrip (lines[i - 1]);

      if (*line == '\0')
        continue;
      if (g_utf8_strlen (line, -1) > 300)
        {
          g_autofree char *start = g_utf8_substring (line, 0, 300);

          return g_strconcat (start, "…", NULL);
        }
      return g_strdup (line);
    }
  return NULL;
}

/* A run that ended in failure says so across the window, with what the
 * script last wrote to its standard error: a window whose tables simply
 * stopped moving left the user to find the traceback on the Console page. */
static void
update_failure_banner (HsWindow *self)
{
  HsSessionState state = self->session != NULL ? hs_session_get_state (self->session) : HS_SESSION_STATE_IDLE;
  gboolean held_after_exception = self->session != NULL && hs_session_get_held_after_exception (self->session);
  gboolean failed = self->session != NULL && !hs_session_is_read_only (self->session) &&
                    (state == HS_SESSION_STATE_FAILED ||
                     (state == HS_SESSION_STATE_EXITED && hs_session_get_exit_code (self->session) != 0) ||
                     (state == HS_SESSION_STATE_SIGNALED && !self->stop_asked) ||
                     held_after_exception);
  g_autofree char *status = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  if (failed)
    {
      status = held_after_exception ? g_strdup (_("Held at exit after an exception"))
                                    : hs_session_dup_status_text (self->session);
      line = state != HS_SESSION_STATE_FAILED ? last_error_line (self->session) : NULL;
      /* Translators: how the script ended, then the last line of its error
       * output: "Exited with code 1 — SyntaxError: '[' was never closed" */
      text = line != NULL ? g_strdup_printf (_("%s — %s"), status, line) : g_strdup (status);
      hs_banner_set_title (self->failure_banner, text);
      hs_banner_set_button (self->failure_banner, line != NULL ? _("Show _Console") : NULL,
                            "win.show-page::console");
    }
  hs_banner_set_revealed (self->failure_banner, failed);
}

/* The script's last output may come after its end is known. */
static void
on_console_changed (GListModel *console,
                    guint       position,
                    guint       removed,
                    guint       added,
                    HsWindow   *self)
{
  if (self->session != NULL && (hs_session_is_over (self->session) || hs_session_get_held (self->session)))
    update_failure_banner (self);
}

static void
on_session_notify (HsSession  *session,
                   GParamSpec *pspec,
                   HsWindow   *self)
{
  update_status (self);
  update_failure_banner (self);
  list_recording (self);
}

static void on_shown_sample (HsSession *session, GParamSpec *pspec, HsWindow *self);

static void
on_latest_sample (HsSession  *session,
                  GParamSpec *pspec,
                  HsWindow   *self)
{
  list_recording (self);
}

static void
on_session_notice (HsSession  *session,
                   const char *text,
                   HsWindow   *self)
{
  g_autofree char *record_error = hs_session_dup_record_error_text (session);

  /* The banner says it already, and stays. */
  if (g_strcmp0 (text, record_error) == 0)
    return;
  _hs_window_toast (self, text);
}

static void
on_paused_changed (HsSession  *session,
                   GParamSpec *pspec,
                   HsWindow   *self)
{
  gtk_toggle_button_set_active (self->pause_button, hs_session_get_paused (session));
}

static void
update_record_error (HsWindow *self)
{
  g_autofree char *text = self->session != NULL ? hs_session_dup_record_error_text (self->session) : NULL;

  if (text != NULL)
    hs_banner_set_title (self->record_error_banner, text);
  hs_banner_set_revealed (self->record_error_banner, text != NULL);
  _hs_window_update_actions (self);
}

static void
on_record_error_changed (HsSession  *session,
                         GParamSpec *pspec,
                         HsWindow   *self)
{
  update_record_error (self);
}

/* A reopened session is named after its file, a live one after its script. */
static void
update_title (HsWindow *self)
{
  const HsLaunchSpec *spec = self->session != NULL ? hs_session_get_launch_spec (self->session) : NULL;
  const char *file = self->session != NULL ? hs_session_get_file (self->session) : NULL;
  g_autofree char *name = NULL;

  if (self->session != NULL && hs_session_is_read_only (self->session) && file != NULL)
    name = g_path_get_basename (file);
  else if (spec != NULL && spec->script != NULL)
    name = g_path_get_basename (spec->script);

  adw_view_switcher_title_set_subtitle (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), name);
  gtk_window_set_title (GTK_WINDOW (self), name != NULL ? name : _("Heapscope"));
}

static void
update_recorded_banner (HsWindow *self)
{
  const char *file = self->session != NULL ? hs_session_get_file (self->session) : NULL;
  g_autofree char *basename = NULL;
  g_autofree char *text = NULL;

  if (self->session == NULL || !hs_session_is_read_only (self->session) || file == NULL)
    {
      hs_banner_set_revealed (self->recorded_banner, FALSE);
      return;
    }

  basename = g_path_get_basename (file);
  if (hs_session_is_being_written_elsewhere (self->session))
    text = g_strdup_printf (_("Recorded session — opened from %s. Still being recorded by another Heapscope; showing what was recorded when it was opened."),
                            basename);
  else
    text = g_strdup_printf (_("Recorded session — opened from %s"), basename);
  hs_banner_set_title (self->recorded_banner, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->recorded_banner), file);
  hs_banner_set_revealed (self->recorded_banner, TRUE);
}

/* win.watch-garbage shows whether the session's garbage watch is on. */
static void
sync_watch_garbage (HsWindow *self)
{
  gboolean watching = self->session != NULL && hs_garbage_log_get_watching (hs_session_get_garbage_log (self->session));

  if (self->watch_garbage == NULL)
    return;
  g_simple_action_set_state (self->watch_garbage, g_variant_new_boolean (watching));
  _hs_window_update_actions (self);
}

static void
on_watching_changed (HsWindow *self)
{
  sync_watch_garbage (self);
}

static void
on_watch_garbage_set (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_session_set_watch_garbage_finish (HS_SESSION (source), result, &error))
    _hs_window_toast (self, error->message);
  if (HS_SESSION (source) == self->session)
    sync_watch_garbage (self);
}

static void
on_watch_garbage_change_state (GSimpleAction *action,
                               GVariant      *state,
                               HsWindow      *self)
{
  if (self->session == NULL)
    return;
  hs_session_set_watch_garbage_async (self->session, g_variant_get_boolean (state), NULL,
                                      on_watch_garbage_set, g_object_ref (self));
}

void
_hs_window_set_session (HsWindow  *self,
                        HsSession *session)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (hs_session_get_garbage_log (self->session), self);
      g_signal_handlers_disconnect_by_data (hs_session_get_console (self->session), self);
      hs_session_stop (self->session);
    }
  g_set_object (&self->session, session);
  self->stop_asked = FALSE;

  hs_types_page_set_session (self->types_page, session);
  hs_referrers_page_set_session (self->referrers_page, session);
  hs_graph_page_set_session (self->graph_page, session);
  hs_garbage_page_set_log (self->garbage_page, session != NULL ? hs_session_get_garbage_log (session) : NULL);
  sync_watch_garbage (self);
  _hs_window_leaks_set_session (self, session);
  hs_retained_page_set_session (self->retained_page, session);
  hs_object_inspector_set_session (self->inspector, session);
  hs_instances_view_set_session (self->instances_view, session);
  if (session != NULL && self->settings != NULL)
    hs_session_set_allow_repr (session, g_settings_get_boolean (self->settings, "allow-repr"));
  hs_overview_page_set_session (self->overview_page, session);
  hs_classes_page_set_tracker (self->classes_page,
                               session != NULL ? hs_session_get_class_tracker (session) : NULL);
  hs_console_view_set_model (self->console_view, session != NULL ? hs_session_get_console (session) : NULL);

  if (session != NULL)
    {
      g_signal_connect (session, "notify::state", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::status-text", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::pid", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::python-version", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::protocol-error", G_CALLBACK (on_session_notify), self);
      g_signal_connect (session, "notify::paused", G_CALLBACK (on_paused_changed), self);
      g_signal_connect (session, "notify::record-error", G_CALLBACK (on_record_error_changed), self);
      g_signal_connect (session, "notify::latest-sample", G_CALLBACK (on_latest_sample), self);
      g_signal_connect (session, "notify::shown-sample", G_CALLBACK (on_shown_sample), self);
      g_signal_connect (session, "notice", G_CALLBACK (on_session_notice), self);
      g_signal_connect (hs_session_get_console (session), "items-changed", G_CALLBACK (on_console_changed), self);
      g_signal_connect_object (hs_session_get_garbage_log (session), "notify::watching",
                               G_CALLBACK (on_watching_changed), self, G_CONNECT_SWAPPED);
      gtk_stack_set_visible_child_name (self->main_stack, "session");
      gtk_widget_set_visible (self->status_bar, TRUE);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      gtk_widget_set_visible (self->status_bar, FALSE);
    }
  update_title (self);
  update_recorded_banner (self);
  update_record_error (self);
  update_failure_banner (self);
  update_status (self);
}

/* Runs @spec here, or in a new window if this one still watches a live script
 * (or is opening a file). The session is recorded to a file of its own as it
 * runs, and that file joins the recent sessions. */
void
hs_window_run (HsWindow           *self,
               const HsLaunchSpec *spec)
{
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *record_path = NULL;

  g_return_if_fail (HS_IS_WINDOW (self));
  g_return_if_fail (spec != NULL);

  if ((self->session != NULL && hs_session_is_live (self->session)) || self->open_cancellable != NULL)
    {
      HsWindow *other = hs_window_new (gtk_window_get_application (GTK_WINDOW (self)));

      gtk_window_present (GTK_WINDOW (other));
      hs_window_run (other, spec);
      return;
    }

  session = hs_session_new ();
  now = g_date_time_new_now_local ();
  record_path = hs_store_autosave_path (spec->script, now);
  if (record_path != NULL)
    hs_session_record_to (session, record_path);
  _hs_window_set_session (self, session);
  hs_session_start (session, spec);
  update_title (self);
  update_status (self);
  gtk_spin_button_set_value (self->interval_spin, spec->interval);
  self->recording_listed = record_path == NULL;
  list_recording (self);
}

static void
on_launch_dialog_run (HsLaunchDialog *dialog,
                      HsWindow       *self)
{
  g_autoptr(HsLaunchSpec) spec = hs_launch_dialog_build_spec (dialog, NULL);

  if (spec != NULL)
    hs_window_run (self, spec);
}

void
_hs_window_open_launch_dialog (HsWindow   *self,
                               const char *script)
{
  HsLaunchDialog *dialog = hs_launch_dialog_new (GTK_WINDOW (self), script);

  g_signal_connect_object (dialog, "run", G_CALLBACK (on_launch_dialog_run), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_script_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  _hs_window_open_launch_dialog (HS_WINDOW (widget), NULL);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);

  if (self->session != NULL)
    {
      self->stop_asked = TRUE;
      hs_session_stop (self->session);
    }
}

static void
on_snapshot_response (AdwMessageDialog *dialog,
                      const char       *response,
                      HsWindow         *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_strcmp0 (response, "take") == 0 && self->session != NULL)
    hs_session_take_snapshot (self->session, gtk_editable_get_text (entry));
}

static void
take_snapshot_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Take Snapshot"),
                                              _("The snapshot records the heap as it is now. Give it a label to find it again."));
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *suggestion = g_strdup_printf (_("Snapshot %u"),
                                                 g_list_model_get_n_items (hs_session_get_snapshots (self->session)) + 1);

  gtk_editable_set_text (GTK_EDITABLE (entry), suggestion);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "take", _("_Take Snapshot"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "take", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "take");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_snapshot_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
toggle_pause_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);

  if (self->session != NULL)
    hs_session_set_paused (self->session, !hs_session_get_paused (self->session));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);

  if (self->session == NULL)
    return;
  hs_window_show_page (self, "types");
  hs_types_page_focus_filter (self->types_page);
}

static void
path_to_root_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);

  if (hs_referrers_page_get_tree (self->referrers_page) == NULL)
    return;
  hs_window_show_page (self, "referrers");
  hs_referrers_page_find_path (self->referrers_page);
}

static void
copy_referrers_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->referrers_page), "referrers.copy-text", NULL);
}

static void
toggle_deep_sizes_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  HsInstanceOrder order = hs_instances_view_get_order (self->instances_view);

  /* From retained order too, deep order is what the shortcut turns on. */
  hs_instances_view_set_order (self->instances_view,
                               order == HS_INSTANCE_ORDER_DEEP ? HS_INSTANCE_ORDER_FLAT : HS_INSTANCE_ORDER_DEEP);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  hs_window_show_page (HS_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_pause_toggled (GtkToggleButton *button,
                  HsWindow        *self)
{
  if (self->session != NULL)
    hs_session_set_paused (self->session, gtk_toggle_button_get_active (button));
}

static void
on_interval_changed (GtkSpinButton *spin,
                     HsWindow      *self)
{
  double seconds = gtk_spin_button_get_value (spin);

  if (self->session != NULL && !hs_session_is_read_only (self->session))
    hs_session_set_interval (self->session, seconds);
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "sample-interval", seconds);
}

static void
on_recent_open (HsRecentList *list,
                const char   *path,
                HsWindow     *self)
{
  hs_window_open_file (self, path);
}

static void
on_cancel_opening (GtkButton *button,
                   HsWindow  *self)
{
  g_cancellable_cancel (self->open_cancellable);
}

static void
load_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
close_when_idle (gpointer user_data)
{
  gtk_window_close (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_close_running_response (AdwMessageDialog *dialog,
                           const char       *response,
                           HsWindow         *self)
{
  if (g_strcmp0 (response, "stop") != 0)
    return;
  self->close_confirmed = TRUE;
  /* Once the dialog has finished answering: closing destroys it with us. */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_when_idle, g_object_ref (self), g_object_unref);
}

/* A running script is work in progress: closing asks first, as closing an
 * unsaved document does. What was recorded stays in its session file. */
static void
ask_before_closing (HsWindow *self)
{
  const HsLaunchSpec *spec = hs_session_get_launch_spec (self->session);
  g_autofree char *name = spec != NULL && spec->script != NULL ? g_path_get_basename (spec->script) : NULL;
  g_autofree char *body = g_strdup_printf (_("Closing the window stops “%s”. What was recorded so far is kept in "
                                             "its session file."), name != NULL ? name : _("the script"));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop the Running Script?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "stop", _("_Stop and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_running_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
hs_window_close_request (GtkWindow *window)
{
  HsWindow *self = HS_WINDOW (window);

  if (self->session != NULL && hs_session_is_live (self->session) && !self->close_confirmed)
    {
      ask_before_closing (self);
      return TRUE;
    }
  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (hs_window_parent_class)->close_request (window);
}

static void
hs_window_dispose (GObject *object)
{
  HsWindow *self = (HsWindow *) object;

  _hs_window_files_dispose (self);
  _hs_window_leaks_dispose (self);
  hs_text_export_clear (&self->classes_export);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      hs_session_stop (self->session);
      g_clear_object (&self->session);
    }
  g_clear_object (&self->settings);
  g_clear_object (&self->watch_garbage);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_WINDOW);
  G_OBJECT_CLASS (hs_window_parent_class)->dispose (object);
}

/* The view switcher and the controls of a session only when a session is shown. */
static void
on_view_changed (GtkStack   *stack,
                 GParamSpec *pspec,
                 HsWindow   *self)
{
  gboolean in_session = g_strcmp0 (gtk_stack_get_visible_child_name (stack), "session") == 0;

  gtk_spinner_set_spinning (self->opening_spinner,
                            g_strcmp0 (gtk_stack_get_visible_child_name (stack), "opening") == 0);

  adw_view_switcher_title_set_view_switcher_enabled (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), in_session);
  gtk_widget_set_visible (self->stop_button, in_session);
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button), in_session);
  gtk_widget_set_visible (self->snapshot_button, in_session);
}

static void
on_types_notice (HsTypesPage *page,
                 const char  *text,
                 HsWindow    *self)
{
  _hs_window_toast (self, text);
}

/* Types → instances → inspector → referrer tree: each follows the one before. */
static void
on_type_selected (GtkSingleSelection *selection,
                  GParamSpec         *pspec,
                  HsWindow           *self)
{
  HsTypeStat *stat = gtk_single_selection_get_selected_item (selection);

  /* The window going away empties the Types page after its other pages. */
  if (stat != NULL && self->instances_view != NULL)
    hs_instances_view_set_type_name (self->instances_view, hs_type_stat_get_name (stat));
}

/* -- class tracking ------------------------------------------------------------- */

static void
on_shown_sample (HsSession  *session,
                 GParamSpec *pspec,
                 HsWindow   *self)
{
  g_autoptr(HsSample) shown = NULL;

  g_object_get (session, "shown-sample", &shown, NULL);
  hs_classes_page_set_shown_sample (self->classes_page,
                                    shown != NULL ? (int) hs_sample_get_index (shown) : -1);
}

static void
on_class_sample_activated (HsClassesPage *page,
                           guint          index,
                           HsWindow      *self)
{
  GListModel *samples;
  g_autoptr(HsSample) sample = NULL;

  if (self->session == NULL)
    return;
  samples = hs_session_get_samples (self->session);
  if (index < g_list_model_get_n_items (samples))
    sample = g_list_model_get_item (samples, index);
  /* The latest sample is shown by following the run, not by pinning it. */
  if (sample != NULL && index + 1 == g_list_model_get_n_items (samples))
    g_clear_object (&sample);
  hs_session_set_shown_sample (self->session, sample);
}

static void
show_error_toast (HsWindow     *self,
                  const GError *error)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

typedef enum
{
  SHOW_IN_INSPECTOR,
  SHOW_REFERRERS,
  SHOW_GRAPH,
} ShowWhat;

typedef struct
{
  HsWindow *window;
  ShowWhat  what;
} FindTracked;

static void
on_tracked_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FindTracked *find = user_data;
  g_autoptr(HsWindow) self = find->window;
  ShowWhat what = find->what;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsObjectRef) object = hs_session_find_tracked_finish (HS_SESSION (source), result, &error);

  g_free (find);
  if (object == NULL)
    {
      show_error_toast (self, error);
      return;
    }
  hs_object_inspector_set_object (self->inspector, object);
  if (what == SHOW_REFERRERS)
    {
      hs_referrers_page_set_object (self->referrers_page, object);
      hs_window_show_page (self, "referrers");
    }
  else if (what == SHOW_GRAPH)
    {
      hs_graph_page_show_object (self->graph_page, object);
      hs_window_show_page (self, "graph");
    }
  else
    hs_window_show_page (self, "types");
}

static void
find_tracked (HsWindow          *self,
              HsTrackedInstance *instance,
              ShowWhat           what)
{
  FindTracked *find;

  if (self->session == NULL)
    return;
  find = g_new0 (FindTracked, 1);
  find->window = g_object_ref (self);
  find->what = what;
  hs_session_find_tracked_async (self->session, hs_tracked_instance_get_instance (instance), NULL,
                                 on_tracked_found, find);
}

static void
on_show_tracked_instance (HsClassesPage     *page,
                          HsTrackedInstance *instance,
                          HsWindow          *self)
{
  find_tracked (self, instance, SHOW_IN_INSPECTOR);
}

static void
on_show_tracked_referrers (HsClassesPage     *page,
                           HsTrackedInstance *instance,
                           HsWindow          *self)
{
  find_tracked (self, instance, SHOW_REFERRERS);
}

static void
on_detached (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_session_detach_finish (HS_SESSION (source), result, &error))
    show_error_toast (self, error);
}

static void
on_detach_requested (HsClassesPage *page,
                     gint64         class_index,
                     HsWindow      *self)
{
  if (self->session != NULL)
    hs_session_detach_async (self->session, class_index, NULL, on_detached, g_object_ref (self));
}

static void
on_tracked (HsTrackDialog *dialog,
            HsWindow      *self)
{
  hs_window_show_page (self, "classes");
}

static void
present_track_dialog (HsWindow   *self,
                      const char *type_name,
                      gint64      handle,
                      const char *default_name)
{
  HsTrackDialog *dialog = hs_track_dialog_new (GTK_WINDOW (self), self->session, type_name, handle,
                                               default_name);

  g_signal_connect_object (dialog, "tracked", G_CALLBACK (on_tracked), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Pympler's print_summary and print_stats, or HtmlStats' page, of the classes. */
static char *
dup_classes_text (GtkWidget *widget)
{
  HsWindow *self = HS_WINDOW (widget);
  g_autoptr(HsClassStats) stats = NULL;
  g_auto(HsClassStatsOptions) options = { 0 };
  g_autofree char *summary = NULL;
  g_autofree char *instances = NULL;

  if (self->session == NULL)
    return NULL;
  stats = hs_session_dup_class_stats (self->session);
  if (!hs_class_stats_has_classes (stats))
    return NULL;
  summary = hs_class_stats_format_summary (stats);
  instances = hs_class_stats_format_stats (stats, &options);
  return g_strconcat (summary, instances, NULL);
}

static char *
dup_classes_html (GtkWidget *widget)
{
  HsWindow *self = HS_WINDOW (widget);
  g_autoptr(HsClassStats) stats = NULL;
  g_auto(HsClassStatsOptions) options = { 0 };
  const HsLaunchSpec *spec;
  g_autofree char *title = NULL;

  if (self->session == NULL)
    return NULL;
  stats = hs_session_dup_class_stats (self->session);
  if (!hs_class_stats_has_classes (stats))
    return NULL;
  spec = hs_session_get_launch_spec (self->session);
  title = spec != NULL && spec->script != NULL
          ? g_strdup_printf (_("Tracked classes of %s"), spec->script)
          : g_strdup (_("Tracked classes"));
  return hs_class_stats_format_html (stats, &options, title);
}

static void
save_classes_report_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  gboolean html = g_str_equal (action_name, "win.save-classes-html");

  hs_text_export_save (&self->classes_export, widget,
                       html ? _("Save Classes Report as HTML") : _("Save Classes Report as Text"),
                       html ? "classes.html" : "classes.txt", html ? HS_TEXT_HTML : HS_TEXT_PLAIN,
                       html ? dup_classes_html : dup_classes_text);
}

static void
track_class_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  GtkSelectionModel *types = gtk_column_view_get_model (hs_types_page_get_column_view (self->types_page));
  HsTypeStat *stat = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (types));

  if (self->session == NULL || !hs_session_can_track (self->session))
    return;
  if (stat == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts,
                                   adw_toast_new (_("Select a class in the Types table first")));
      return;
    }
  present_track_dialog (self, hs_type_stat_get_name (stat), 0, NULL);
}

static void
track_object_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  const HsObjectRef *object = hs_object_inspector_get_object (self->inspector);

  if (self->session == NULL || object == NULL || !hs_session_can_track (self->session))
    return;
  present_track_dialog (self, NULL, object->handle, object->type_name);
}

/* Show Graph: of what the visible page has selected — a referrer or a step
 * of a path, a tracked instance — else of the object inspected. */
static void
show_graph_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  const char *page = adw_view_stack_get_visible_child_name (self->pages);
  const HsObjectRef *object = NULL;

  if (self->session == NULL)
    return;
  if (g_strcmp0 (page, "classes") == 0)
    {
      HsTrackedInstance *instance = hs_classes_page_get_selected_instance (self->classes_page);

      if (instance != NULL && hs_tracked_instance_get_alive (instance))
        {
          find_tracked (self, instance, SHOW_GRAPH);
          return;
        }
    }
  if (g_strcmp0 (page, "referrers") == 0)
    {
      HsReferrerNode *node = hs_referrers_page_get_selected (self->referrers_page);

      if (node != NULL)
        object = hs_referrer_node_get_ref (node);
    }
  if (object == NULL || object->handle <= 0)
    object = hs_object_inspector_get_object (self->inspector);
  if (object == NULL)
    {
      _hs_window_toast (self, _("Select an object first: an instance, a referrer or a tracked instance"));
      return;
    }
  hs_graph_page_show_object (self->graph_page, object);
  hs_window_show_page (self, "graph");
}

static void
on_retained_object_selected (HsRetainedPage    *page,
                             const HsObjectRef *object,
                             HsWindow          *self)
{
  hs_object_inspector_set_object (self->inspector, object);
}

static void
on_graph_object_selected (HsGraphPage       *page,
                          const HsObjectRef *object,
                          HsWindow          *self)
{
  hs_object_inspector_set_object (self->inspector, object);
}

static void
on_graph_show_referrers (HsGraphPage       *page,
                         const HsObjectRef *object,
                         HsWindow          *self)
{
  hs_object_inspector_set_object (self->inspector, object);
  hs_referrers_page_set_object (self->referrers_page, object);
  hs_window_show_page (self, "referrers");
}

static void
on_instance_selected (HsInstancesView *view,
                      GParamSpec      *pspec,
                      HsWindow        *self)
{
  const HsObjectRef *selected = hs_instances_view_get_selected (view);

  if (selected != NULL)
    hs_object_inspector_set_object (self->inspector, selected);
}

static void
on_inspected (HsObjectInspector *inspector,
              GParamSpec        *pspec,
              HsWindow          *self)
{
  hs_referrers_page_set_object (self->referrers_page, hs_object_inspector_get_object (inspector));
  _hs_window_update_actions (self);
}

static void
on_allow_repr_changed (GSettings  *settings,
                       const char *key,
                       HsWindow   *self)
{
  if (self->session != NULL)
    hs_session_set_allow_repr (self->session, g_settings_get_boolean (settings, key));
}

static void
hs_window_class_init (HsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hs_window_dispose;
  window_class->close_request = hs_window_close_request;

  /* The template names these types. */
  g_type_ensure (HS_TYPE_BANNER);
  g_type_ensure (HS_TYPE_CLASSES_PAGE);
  g_type_ensure (HS_TYPE_CONSOLE_VIEW);
  g_type_ensure (HS_TYPE_GRAPH_PAGE);
  g_type_ensure (HS_TYPE_GARBAGE_PAGE);
  g_type_ensure (HS_TYPE_INSTANCES_VIEW);
  g_type_ensure (HS_TYPE_OBJECT_INSPECTOR);
  g_type_ensure (HS_TYPE_OVERVIEW_PAGE);
  g_type_ensure (HS_TYPE_RECENT_LIST);
  g_type_ensure (HS_TYPE_REFERRERS_PAGE);
  g_type_ensure (HS_TYPE_TYPES_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/hs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HsWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, opening_spinner);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, types_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, instances_view);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, referrers_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, classes_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, graph_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, garbage_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, console_view);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, opening_page);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, recorded_banner);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, record_error_banner);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, failure_banner);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, process_label);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, command_label);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, snapshot_button);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, interval_button);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, switcher_title);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_interval_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_open);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_opening);
  gtk_widget_class_bind_template_callback (widget_class, on_types_notice);
  gtk_widget_class_bind_template_callback (widget_class, on_instance_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_inspected);
  gtk_widget_class_bind_template_callback (widget_class, on_class_sample_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_show_tracked_instance);
  gtk_widget_class_bind_template_callback (widget_class, on_show_tracked_referrers);
  gtk_widget_class_bind_template_callback (widget_class, on_detach_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_graph_object_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_retained_object_selected);
  g_type_ensure (HS_TYPE_RETAINED_PAGE);
  gtk_widget_class_bind_template_child (widget_class, HsWindow, retained_page);
  gtk_widget_class_bind_template_callback (widget_class, on_graph_show_referrers);

  gtk_widget_class_install_action (widget_class, "win.run-script", NULL, run_script_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.take-snapshot", NULL, take_snapshot_action);
  gtk_widget_class_install_action (widget_class, "win.track-class", NULL, track_class_action);
  gtk_widget_class_install_action (widget_class, "win.save-classes-html", NULL, save_classes_report_action);
  gtk_widget_class_install_action (widget_class, "win.save-classes-text", NULL, save_classes_report_action);
  gtk_widget_class_install_action (widget_class, "win.track-object", NULL, track_object_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-pause", NULL, toggle_pause_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.path-to-root", NULL, path_to_root_action);
  gtk_widget_class_install_action (widget_class, "win.show-graph", NULL, show_graph_action);
  gtk_widget_class_install_action (widget_class, "win.copy-referrers", NULL, copy_referrers_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-deep-sizes", NULL, toggle_deep_sizes_action);
  _hs_window_class_files_init (klass);
  _hs_window_class_leaks_init (klass);
}

static void
hs_window_init (HsWindow *self)
{
  GtkSelectionModel *types;

  load_css ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->watch_garbage = g_simple_action_new_stateful ("watch-garbage", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect (self->watch_garbage, "change-state", G_CALLBACK (on_watch_garbage_change_state), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->watch_garbage));
  self->settings = hs_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1100, 760);
  gtk_window_set_icon_name (GTK_WINDOW (self), APP_ID);
  if (HS_DEVEL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
  adw_status_page_set_icon_name (self->empty_page, APP_ID);

  types = gtk_column_view_get_model (hs_types_page_get_column_view (self->types_page));
  g_signal_connect (types, "notify::selected-item", G_CALLBACK (on_type_selected), self);
  adw_view_stack_set_visible_child_name (self->pages, "types");
  on_view_changed (self->main_stack, NULL, self);

  _hs_window_files_init (self);

  if (self->settings != NULL)
    {
      g_autoptr(GAction) allow_repr = g_settings_create_action (self->settings, "allow-repr");

      g_action_map_add_action (G_ACTION_MAP (self), allow_repr);
      g_signal_connect_object (self->settings, "changed::allow-repr", G_CALLBACK (on_allow_repr_changed), self, 0);
    }
  if (self->settings != NULL)
    gtk_spin_button_set_value (self->interval_spin, g_settings_get_double (self->settings, "sample-interval"));
  _hs_window_update_actions (self);
}

HsWindow *
hs_window_new (GtkApplication *application)
{
  return g_object_new (HS_TYPE_WINDOW, "application", application, NULL);
}

HsSession *
hs_window_get_session (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->session;
}

HsTypesPage *
hs_window_get_types_page (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->types_page;
}

HsInstancesView *
hs_window_get_instances_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->instances_view;
}

HsObjectInspector *
hs_window_get_inspector (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->inspector;
}

HsReferrersPage *
hs_window_get_referrers_page (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->referrers_page;
}

HsOverviewPage *
hs_window_get_overview_page (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->overview_page;
}

HsConsoleView *
hs_window_get_console_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->console_view;
}

HsRecentList *
hs_window_get_recent_list (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return self->recent_list;
}

/* "empty" (the start page), "opening" (reading a session file) or "session". */
const char *
hs_window_get_view (HsWindow *self)
{
  g_return_val_if_fail (HS_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

void
hs_window_show_page (HsWindow   *self,
                     const char *name)
{
  g_return_if_fail (HS_IS_WINDOW (self));

  if (adw_view_stack_get_child_by_name (self->pages, name) != NULL)
    adw_view_stack_set_visible_child_name (self->pages, name);
}
