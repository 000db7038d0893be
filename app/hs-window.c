/* hs-window.c — the main window: one session, its pages and controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "hs-launch-dialog.h"
#include "hs-settings.h"
#include "hs-store.h"
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.toggle-pause", has_agent);
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
  if (state == HS_SESSION_STATE_FAILED || state == HS_SESSION_STATE_SIGNALED ||
      (state == HS_SESSION_STATE_EXITED && hs_session_get_exit_code (self->session) != 0) ||
      hs_session_get_protocol_error (self->session) != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
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

static void
on_session_notify (HsSession  *session,
                   GParamSpec *pspec,
                   HsWindow   *self)
{
  update_status (self);
  list_recording (self);
}

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

  adw_window_title_set_subtitle (self->title, name);
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

void
_hs_window_set_session (HsWindow  *self,
                        HsSession *session)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      hs_session_stop (self->session);
    }
  g_set_object (&self->session, session);

  hs_types_page_set_session (self->types_page, session);
  hs_referrers_page_set_session (self->referrers_page, session);
  hs_object_inspector_set_session (self->inspector, session);
  hs_instances_view_set_session (self->instances_view, session);
  if (session != NULL && self->settings != NULL)
    hs_session_set_allow_repr (session, g_settings_get_boolean (self->settings, "allow-repr"));
  hs_overview_page_set_session (self->overview_page, session);
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
      g_signal_connect (session, "notice", G_CALLBACK (on_session_notice), self);
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
    hs_session_stop (self->session);
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
  HsInstanceList *list = hs_instances_view_get_list (self->instances_view);

  hs_instances_view_set_by_deep_size (self->instances_view,
                                      list == NULL || !hs_instance_list_get_by_deep_size (list));
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

/* The invitation, and the sessions to go back to. */
static GtkWidget *
create_empty_page (HsWindow *self)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 36);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *run_button = gtk_button_new_with_mnemonic (_("_Run Script…"));
  GtkWidget *open_button = gtk_button_new_with_mnemonic (_("_Open Session…"));
  GtkWidget *clamp = adw_clamp_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), APP_ID);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("See Where Your Memory Goes"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("Run a Python script to watch its heap live: objects by type, memory over time and its output.\nOr drop a script or a session file here."));

  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (run_button, "pill");
  gtk_widget_add_css_class (run_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (run_button), "win.run-script");
  gtk_widget_add_css_class (open_button, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open_button), "win.open");
  gtk_box_append (GTK_BOX (buttons), run_button);
  gtk_box_append (GTK_BOX (buttons), open_button);
  gtk_box_append (GTK_BOX (box), buttons);

  self->recent_list = HS_RECENT_LIST (hs_recent_list_new ());
  g_signal_connect (self->recent_list, "open", G_CALLBACK (on_recent_open), self);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 600);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->recent_list));
  gtk_box_append (GTK_BOX (box), clamp);

  adw_status_page_set_child (ADW_STATUS_PAGE (status), box);
  return status;
}

static void
on_cancel_opening (GtkButton *button,
                   HsWindow  *self)
{
  g_cancellable_cancel (self->open_cancellable);
}

/* While a session file is read: what, and a way out. */
static GtkWidget *
create_opening_page (HsWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->opening_page = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (cancel, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (cancel, "pill");
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_cancel_opening), self);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), cancel);
  adw_status_page_set_child (self->opening_page, box);
  return GTK_WIDGET (self->opening_page);
}

static GtkWidget *
create_interval_button (HsWindow *self)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("Sample _every"));
  GtkWidget *unit = gtk_label_new (_("seconds"));

  self->interval_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0.1, 60, 0.1));
  gtk_spin_button_set_digits (self->interval_spin, 1);
  gtk_spin_button_set_value (self->interval_spin, 1.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->interval_spin));
  g_signal_connect (self->interval_spin, "value-changed", G_CALLBACK (on_interval_changed), self);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->interval_spin));
  gtk_box_append (GTK_BOX (box), unit);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "preferences-system-time-symbolic");
  gtk_widget_set_tooltip_text (button, _("Sampling Interval"));
  self->interval_button = button;
  return button;
}

static GtkWidget *
create_primary_menu_button (void)
{
  GtkWidget *button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();

  g_menu_append (section, _("_New Window"), "app.new-window");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  section = g_menu_new ();
  g_menu_append (section, _("_Open Session…"), "win.open");
  g_menu_append (section, _("_Save Session As…"), "win.save-as");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  section = g_menu_new ();
  g_menu_append (section, _("_Describe Objects with Their ____repr____"), "win.allow-repr");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  section = g_menu_new ();
  g_menu_append (section, _("_Keyboard Shortcuts"), "win.show-help-overlay");
  g_menu_append (section, _("_About Heapscope"), "app.about");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "open-menu-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_primary (GTK_MENU_BUTTON (button), TRUE);
  gtk_widget_set_tooltip_text (button, _("Main Menu"));
  return button;
}

static GtkWidget *
create_status_bar (HsWindow *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);

  gtk_widget_add_css_class (bar, "hs-status-bar");
  self->state_label = GTK_LABEL (gtk_label_new (NULL));
  self->process_label = GTK_LABEL (gtk_label_new (NULL));
  self->command_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->state_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_selectable (self->process_label, TRUE);
  gtk_label_set_ellipsize (self->command_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (self->command_label, 1);
  gtk_widget_set_hexpand (GTK_WIDGET (self->command_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->process_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->command_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->command_label), "monospace");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->state_label));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->process_label));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->command_label));
  gtk_widget_set_visible (bar, FALSE);
  return bar;
}

static void
add_page (HsWindow   *self,
          GtkWidget  *child,
          const char *name,
          const char *title,
          const char *icon)
{
  AdwViewStackPage *page = adw_view_stack_add_titled (self->pages, child, name, title);

  adw_view_stack_page_set_icon_name (page, icon);
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
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      hs_session_stop (self->session);
      g_clear_object (&self->session);
    }
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (hs_window_parent_class)->dispose (object);
}

static void
hs_window_class_init (HsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hs_window_dispose;
  window_class->close_request = hs_window_close_request;

  gtk_widget_class_install_action (widget_class, "win.run-script", NULL, run_script_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.take-snapshot", NULL, take_snapshot_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-pause", NULL, toggle_pause_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.path-to-root", NULL, path_to_root_action);
  gtk_widget_class_install_action (widget_class, "win.copy-referrers", NULL, copy_referrers_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-deep-sizes", NULL, toggle_deep_sizes_action);
  _hs_window_class_files_init (klass);
}

/* The view switcher and the controls of a session only when a session is shown. */
static void
on_view_changed (GtkStack   *stack,
                 GParamSpec *pspec,
                 HsWindow   *self)
{
  gboolean in_session = g_strcmp0 (gtk_stack_get_visible_child_name (stack), "session") == 0;

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

  if (stat != NULL)
    hs_instances_view_set_type_name (self->instances_view, hs_type_stat_get_name (stat));
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

/* The Types page above, and below it the instances of its selected row
 * beside the instance inspected. */
static GtkWidget *
create_types_area (HsWindow *self)
{
  GtkWidget *vertical = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  GtkWidget *horizontal = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkSelectionModel *types = gtk_column_view_get_model (hs_types_page_get_column_view (self->types_page));

  self->instances_view = HS_INSTANCES_VIEW (hs_instances_view_new ());
  self->inspector = HS_OBJECT_INSPECTOR (hs_object_inspector_new ());
  g_signal_connect (types, "notify::selected-item", G_CALLBACK (on_type_selected), self);
  g_signal_connect (self->instances_view, "notify::selected", G_CALLBACK (on_instance_selected), self);
  g_signal_connect (self->inspector, "notify::object", G_CALLBACK (on_inspected), self);

  gtk_paned_set_start_child (GTK_PANED (horizontal), GTK_WIDGET (self->instances_view));
  gtk_paned_set_end_child (GTK_PANED (horizontal), GTK_WIDGET (self->inspector));
  gtk_paned_set_resize_start_child (GTK_PANED (horizontal), TRUE);
  gtk_paned_set_shrink_start_child (GTK_PANED (horizontal), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (horizontal), FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (self->instances_view), 360, 200);
  gtk_widget_set_size_request (GTK_WIDGET (self->inspector), 360, 200);
  gtk_paned_set_position (GTK_PANED (horizontal), 560);

  gtk_paned_set_start_child (GTK_PANED (vertical), GTK_WIDGET (self->types_page));
  gtk_paned_set_end_child (GTK_PANED (vertical), horizontal);
  gtk_paned_set_shrink_start_child (GTK_PANED (vertical), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (vertical), FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (self->types_page), -1, 160);
  gtk_paned_set_position (GTK_PANED (vertical), 280);
  return vertical;
}

static void
hs_window_init (HsWindow *self)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *run_button = gtk_button_new ();
  GtkWidget *run_content = adw_button_content_new ();
  GtkWidget *switcher_bar = adw_view_switcher_bar_new ();

  load_css ();
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
  gtk_window_set_title (GTK_WINDOW (self), _("Heapscope"));
  gtk_window_set_icon_name (GTK_WINDOW (self), APP_ID);
  if (HS_DEVEL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  /* Header bar. */
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (run_content), "media-playback-start-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (run_content), _("_Run Script…"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (run_content), TRUE);
  gtk_button_set_child (GTK_BUTTON (run_button), run_content);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (run_button), "win.run-script");
  gtk_widget_set_tooltip_text (run_button, _("Run a Python Script (Ctrl+R)"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), run_button);

  self->stop_button = gtk_button_new_from_icon_name ("media-playback-stop-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->stop_button), "win.stop");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->stop_button);

  self->pause_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button), "media-playback-pause-symbolic");
  g_signal_connect (self->pause_button, "toggled", G_CALLBACK (on_pause_toggled), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->pause_button));

  adw_header_bar_pack_end (ADW_HEADER_BAR (header), create_primary_menu_button ());
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), create_interval_button (self));
  self->snapshot_button = gtk_button_new_from_icon_name ("camera-photo-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->snapshot_button), "win.take-snapshot");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->snapshot_button);

  self->pages = ADW_VIEW_STACK (adw_view_stack_new ());
  self->switcher_title = adw_view_switcher_title_new ();
  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), self->pages);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), _("Heapscope"));
  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Heapscope"), NULL));
  g_object_bind_property (self->title, "subtitle", self->switcher_title, "subtitle", G_BINDING_SYNC_CREATE);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), self->switcher_title);
  gtk_box_append (GTK_BOX (box), header);

  /* Pages. */
  self->overview_page = HS_OVERVIEW_PAGE (hs_overview_page_new ());
  self->types_page = HS_TYPES_PAGE (hs_types_page_new ());
  self->console_view = HS_CONSOLE_VIEW (hs_console_view_new ());
  g_signal_connect (self->types_page, "notice", G_CALLBACK (on_types_notice), self);
  add_page (self, GTK_WIDGET (self->overview_page), "overview", _("Overview"), "view-grid-symbolic");
  self->referrers_page = HS_REFERRERS_PAGE (hs_referrers_page_new ());
  g_signal_connect (self->referrers_page, "notice", G_CALLBACK (on_types_notice), self);
  add_page (self, create_types_area (self), "types", _("Types"), "view-list-symbolic");
  add_page (self, GTK_WIDGET (self->referrers_page), "referrers", _("Referrers"), "find-location-symbolic");
  add_page (self, GTK_WIDGET (self->console_view), "console", _("Console"), "utilities-terminal-symbolic");
  adw_view_stack_set_visible_child_name (self->pages, "types");

  self->main_stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->main_stack, create_empty_page (self), "empty");
  gtk_stack_add_named (self->main_stack, create_opening_page (self), "opening");
  {
    GtkWidget *session_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    self->recorded_banner = HS_BANNER (hs_banner_new ("document-open-recent-symbolic"));
    gtk_widget_add_css_class (GTK_WIDGET (self->recorded_banner), "hs-recorded");
    gtk_box_append (GTK_BOX (session_box), GTK_WIDGET (self->recorded_banner));
    self->record_error_banner = HS_BANNER (hs_banner_new ("dialog-warning-symbolic"));
    gtk_widget_add_css_class (GTK_WIDGET (self->record_error_banner), "error");
    gtk_box_append (GTK_BOX (session_box), GTK_WIDGET (self->record_error_banner));

    gtk_widget_set_vexpand (GTK_WIDGET (self->pages), TRUE);
    gtk_box_append (GTK_BOX (session_box), GTK_WIDGET (self->pages));
    adw_view_switcher_bar_set_stack (ADW_VIEW_SWITCHER_BAR (switcher_bar), self->pages);
    g_object_bind_property (self->switcher_title, "title-visible", switcher_bar, "reveal", G_BINDING_SYNC_CREATE);
    gtk_box_append (GTK_BOX (session_box), switcher_bar);
    gtk_stack_add_named (self->main_stack, session_box, "session");
  }
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
  g_signal_connect (self->main_stack, "notify::visible-child-name", G_CALLBACK (on_view_changed), self);
  on_view_changed (self->main_stack, NULL, self);
  gtk_widget_set_vexpand (GTK_WIDGET (self->main_stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->main_stack));

  self->status_bar = create_status_bar (self);
  gtk_box_append (GTK_BOX (box), self->status_bar);

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, box);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), GTK_WIDGET (self->toasts));

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
