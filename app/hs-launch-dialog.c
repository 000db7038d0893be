/* hs-launch-dialog.c — choose a script or module, its arguments, folder and interpreter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hs-launch-dialog.h"
#include "hs-settings.h"

struct _HsLaunchDialog
{
  AdwWindow             parent_instance;
  GSettings            *settings;
  GtkFileChooserNative *chooser;
  char                 *other_target;     /* the script while a module is chosen, or the other way */

  /* Template children. */
  GtkWidget            *group;
  GtkToggleButton      *script_toggle;
  GtkToggleButton      *module_toggle;
  AdwEntryRow          *script_row;
  GtkWidget            *choose_script_button;
  AdwEntryRow          *arguments_row;
  AdwEntryRow          *folder_row;
  AdwEntryRow          *interpreter_row;
  GtkSwitch            *hold_switch;
  GtkWidget            *run_button;
  GtkLabel             *error_label;
};

G_DEFINE_FINAL_TYPE (HsLaunchDialog, hs_launch_dialog, ADW_TYPE_WINDOW)

enum {
  RUN,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
show_error (HsLaunchDialog *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_run_button (HsLaunchDialog *self)
{
  const char *script = gtk_editable_get_text (GTK_EDITABLE (self->script_row));

  gtk_widget_set_sensitive (self->run_button, script != NULL && *script != '\0');
  show_error (self, NULL);
}

static gboolean
runs_module (HsLaunchDialog *self)
{
  return gtk_toggle_button_get_active (self->module_toggle);
}

/* The rows say what they hold: a script's path, or a module's name. */
static void
update_mode (HsLaunchDialog *self)
{
  gboolean module = runs_module (self);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group),
                                         module
                                         ? _("The module runs as “python -m module arguments” would, with Heapscope’s agent watching its heap.")
                                         : _("The script runs as “python script.py arguments” would, with Heapscope’s agent watching its heap."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->script_row), module ? _("_Module") : _("_Script"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->folder_row),
                                 module ? _("Working _Folder (empty: your home folder)")
                                        : _("Working _Folder (empty: the script’s folder)"));
  gtk_widget_set_visible (self->choose_script_button, !module);
}

/* Switching keeps what each mode held: a path is no module's name. */
static void
on_mode_toggled (GtkToggleButton *toggle,
                 HsLaunchDialog  *self)
{
  g_autofree char *shown = NULL;

  if (!gtk_toggle_button_get_active (toggle))
    return;
  shown = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->script_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->script_row), self->other_target != NULL ? self->other_target : "");
  g_free (self->other_target);
  self->other_target = g_steal_pointer (&shown);
  update_mode (self);
}

HsLaunchSpec *
hs_launch_dialog_build_spec (HsLaunchDialog  *self,
                             GError         **error)
{
  const char *script = gtk_editable_get_text (GTK_EDITABLE (self->script_row));
  const char *arguments = gtk_editable_get_text (GTK_EDITABLE (self->arguments_row));
  const char *folder = gtk_editable_get_text (GTK_EDITABLE (self->folder_row));
  const char *interpreter = gtk_editable_get_text (GTK_EDITABLE (self->interpreter_row));
  g_auto(GStrv) argv = NULL;
  HsLaunchSpec *spec;

  g_return_val_if_fail (HS_IS_LAUNCH_DIALOG (self), NULL);

  if (arguments != NULL && *arguments != '\0' && !g_shell_parse_argv (arguments, NULL, &argv, error))
    {
      g_prefix_error (error, _("The arguments cannot be read: "));
      return NULL;
    }
  spec = hs_launch_spec_new (interpreter, script, (const char * const *) argv);
  spec->module = runs_module (self);
  spec->hold = gtk_switch_get_active (self->hold_switch);
  if (folder != NULL && *folder != '\0')
    spec->working_directory = g_strdup (folder);
  else if (spec->module)
    spec->working_directory = g_strdup (g_get_home_dir ());
  if (self->settings != NULL)
    spec->interval = g_settings_get_double (self->settings, "sample-interval");
  return spec;
}

static void
on_run (GtkButton      *button,
        HsLaunchDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsLaunchSpec) spec = hs_launch_dialog_build_spec (self, &error);

  if (spec == NULL)
    {
      show_error (self, error->message);
      return;
    }
  /* A module is found by the interpreter, which says so if it is not. */
  if (!spec->module && !g_file_test (spec->script, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf (_("There is no script at %s"), spec->script);
      show_error (self, message);
      return;
    }

  if (self->settings != NULL)
    {
      g_settings_set_boolean (self->settings, "run-module", spec->module);
      g_settings_set_string (self->settings, spec->module ? "last-module" : "last-script", spec->script);
      g_settings_set_string (self->settings, "last-arguments",
                             gtk_editable_get_text (GTK_EDITABLE (self->arguments_row)));
      g_settings_set_string (self->settings, "last-working-directory",
                             gtk_editable_get_text (GTK_EDITABLE (self->folder_row)));
      g_settings_set_string (self->settings, "interpreter", spec->interpreter);
      g_settings_set_boolean (self->settings, "hold-at-exit", spec->hold);
    }
  g_signal_emit (self, signals [RUN], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_cancel (GtkButton      *button,
           HsLaunchDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Enter in the script or arguments row runs it. */
static void
on_entry_activated (AdwEntryRow    *row,
                    HsLaunchDialog *self)
{
  gtk_widget_activate (self->run_button);
}

typedef struct
{
  HsLaunchDialog *dialog;
  AdwEntryRow    *row;
} ChooseRequest;

static void
on_chooser_response (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  ChooseRequest *request = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (request->row), path);
    }
  g_clear_object (&request->dialog->chooser);
  g_object_unref (request->dialog);
  g_free (request);
}

static void
choose_for_row (HsLaunchDialog       *self,
                AdwEntryRow          *row,
                const char           *title,
                GtkFileChooserAction  action)
{
  ChooseRequest *request = g_new0 (ChooseRequest, 1);
  const char *current = gtk_editable_get_text (GTK_EDITABLE (row));

  request->dialog = g_object_ref (self);
  request->row = row;
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, _("_Select"), _("_Cancel"));
  if (action == GTK_FILE_CHOOSER_ACTION_OPEN && row == self->script_row)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Python scripts"));
      gtk_file_filter_add_mime_type (filter, "text/x-python");
      gtk_file_filter_add_mime_type (filter, "text/x-python3");
      gtk_file_filter_add_pattern (filter, "*.py");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
      g_object_unref (filter);
    }
  if (current != NULL && g_path_is_absolute (current))
    {
      g_autofree char *dir = g_file_test (current, G_FILE_TEST_IS_DIR) ? g_strdup (current) : g_path_get_dirname (current);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_choose_script (GtkButton *button, HsLaunchDialog *self)
{
  choose_for_row (self, self->script_row, _("Choose a Python Script"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
on_choose_folder (GtkButton *button, HsLaunchDialog *self)
{
  choose_for_row (self, self->folder_row, _("Choose the Working Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
on_choose_interpreter (GtkButton *button, HsLaunchDialog *self)
{
  choose_for_row (self, self->interpreter_row, _("Choose a Python Interpreter"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
hs_launch_dialog_dispose (GObject *object)
{
  HsLaunchDialog *self = (HsLaunchDialog *) object;

  g_clear_object (&self->settings);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->other_target, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_LAUNCH_DIALOG);
  G_OBJECT_CLASS (hs_launch_dialog_parent_class)->dispose (object);
}

static void
hs_launch_dialog_class_init (HsLaunchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_launch_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/hs-launch-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, group);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, script_toggle);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, module_toggle);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, script_row);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, choose_script_button);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, arguments_row);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, interpreter_row);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, hold_switch);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, HsLaunchDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_run);
  gtk_widget_class_bind_template_callback (widget_class, update_run_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_script);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_folder);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_interpreter);

  signals [RUN] = g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hs_launch_dialog_init (HsLaunchDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = hs_settings_new ();
  if (self->settings != NULL)
    {
      g_autofree char *script = g_settings_get_string (self->settings, "last-script");
      g_autofree char *module = g_settings_get_string (self->settings, "last-module");
      gboolean run_module = g_settings_get_boolean (self->settings, "run-module");
      g_autofree char *arguments = g_settings_get_string (self->settings, "last-arguments");
      g_autofree char *folder = g_settings_get_string (self->settings, "last-working-directory");
      g_autofree char *interpreter = g_settings_get_string (self->settings, "interpreter");

      gtk_editable_set_text (GTK_EDITABLE (self->script_row), run_module ? module : script);
      self->other_target = g_strdup (run_module ? script : module);
      gtk_toggle_button_set_active (run_module ? self->module_toggle : self->script_toggle, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->arguments_row), arguments);
      gtk_editable_set_text (GTK_EDITABLE (self->folder_row), folder);
      gtk_editable_set_text (GTK_EDITABLE (self->interpreter_row), interpreter);
      gtk_switch_set_active (self->hold_switch, g_settings_get_boolean (self->settings, "hold-at-exit"));
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->interpreter_row), "python3");
  /* Only now: restoring the mode is no switch of what the row holds. */
  g_signal_connect (self->script_toggle, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->module_toggle, "toggled", G_CALLBACK (on_mode_toggled), self);
  update_mode (self);
  update_run_button (self);
}

/* @script: preselected (dropped file), or NULL for the last one used. */
HsLaunchDialog *
hs_launch_dialog_new (GtkWindow  *parent,
                      const char *script)
{
  HsLaunchDialog *self = g_object_new (HS_TYPE_LAUNCH_DIALOG, "transient-for", parent, NULL);

  if (script != NULL)
    {
      /* A dropped file is a script, whatever was run last. */
      gtk_toggle_button_set_active (self->script_toggle, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->script_row), script);
      gtk_editable_set_text (GTK_EDITABLE (self->arguments_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->folder_row), "");
    }
  return self;
}
