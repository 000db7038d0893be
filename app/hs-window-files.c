/* hs-window-files.c — the main window's session files: Open, Save As, drops
 *
 * A session file opens in the window that asked if it shows nothing yet, else
 * in a new window. While it is read the window shows what it opens and a
 * Cancel button; if it cannot be read, the user is told why and the window
 * goes back to what it showed before (a window made for that file closes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hs-pympler-import.h"
#include "hs-store.h"
#include "hs-window-private.h"

typedef struct
{
  HsWindow     *window;
  GCancellable *cancellable;
  char         *path;
} FileRequest;

static void
file_request_free (FileRequest *request)
{
  g_clear_object (&request->window);
  g_clear_object (&request->cancellable);
  g_free (request->path);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileRequest, file_request_free)

static FileRequest *
file_request_new (HsWindow     *window,
                  GCancellable *cancellable,
                  const char   *path)
{
  FileRequest *request = g_new0 (FileRequest, 1);

  request->window = g_object_ref (window);
  request->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  request->path = g_strdup (path);
  return request;
}

static GtkFileFilter *
create_session_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Heapscope Sessions"));
  gtk_file_filter_add_mime_type (filter, "application/x-heapscope-session");
  gtk_file_filter_add_pattern (filter, "*" HS_STORE_SUFFIX);
  return filter;
}

/* What went wrong, and what the user can do about it. */
static char *
dup_open_error_body (const GError *error)
{
  const char *advice = NULL;

  if (error->domain == HS_STORE_ERROR)
    {
      switch ((HsStoreError) error->code)
        {
        case HS_STORE_ERROR_NOT_A_SESSION:
          advice = _("Heapscope opens the session files it records (.heapscope).");
          break;
        case HS_STORE_ERROR_NEWER:
          advice = _("Open it with a newer version of Heapscope.");
          break;
        case HS_STORE_ERROR_DAMAGED:
          advice = _("The file may have been cut short or changed by another program.");
          break;
        case HS_STORE_ERROR_IO:
        default:
          break;
        }
    }
  if (advice == NULL)
    return g_strdup (error->message);
  return g_strdup_printf ("%s\n\n%s", error->message, advice);
}

static void
show_open_error (GtkWindow    *parent,
                 const char   *path,
                 const GError *error)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *heading = g_strdup_printf (_("Cannot Open “%s”"), basename);
  g_autofree char *body = dup_open_error_body (error);
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
end_opening (HsWindow *self)
{
  g_clear_object (&self->open_cancellable);
  g_clear_pointer (&self->view_before_opening, g_free);
  _hs_window_update_actions (self);
}

static void
on_session_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FileRequest) request = user_data;
  HsWindow *self = request->window;
  g_autoptr(HsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cancelled;

  session = hs_session_load_finish (result, &error);

  /* The window went away meanwhile. */
  if (self->open_cancellable != request->cancellable)
    return;

  cancelled = g_cancellable_is_cancelled (request->cancellable);
  if (session == NULL || cancelled)
    {
      gboolean made_for_this_file = self->opener != NULL && self->session == NULL;

      gtk_stack_set_visible_child_name (self->main_stack, self->view_before_opening);
      end_opening (self);
      if (!cancelled)
        show_open_error (made_for_this_file ? self->opener : GTK_WINDOW (self), request->path, error);
      if (made_for_this_file)
        gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  end_opening (self);
  g_clear_weak_pointer (&self->opener);
  _hs_window_set_session (self, session);
  hs_window_show_page (self, "overview");
  hs_recent_sessions_add (request->path);
}

/**
 * hs_window_open_file:
 * @path: a session file (.heapscope)
 *
 * Reopens a recorded session, read-only: here if the window shows nothing
 * yet, else in a new window.
 */
void
hs_window_open_file (HsWindow   *self,
                     const char *path)
{
  g_autofree char *absolute = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *title = NULL;
  g_autofree char *folder = NULL;

  g_return_if_fail (HS_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->session != NULL || self->open_cancellable != NULL)
    {
      HsWindow *other = hs_window_new (gtk_window_get_application (GTK_WINDOW (self)));

      g_set_weak_pointer (&other->opener, GTK_WINDOW (self));
      gtk_window_present (GTK_WINDOW (other));
      hs_window_open_file (other, path);
      return;
    }

  absolute = g_canonicalize_filename (path, NULL);
  basename = g_path_get_basename (absolute);
  folder = g_path_get_dirname (absolute);
  title = g_strdup_printf (_("Opening %s…"), basename);
  adw_status_page_set_title (self->opening_page, title);
  adw_status_page_set_description (self->opening_page, folder);

  self->view_before_opening = g_strdup (gtk_stack_get_visible_child_name (self->main_stack));
  self->open_cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->main_stack, "opening");
  _hs_window_update_actions (self);

  hs_session_load_async (absolute, self->open_cancellable, on_session_loaded,
                         file_request_new (self, self->open_cancellable, absolute));
}

/* The local path the user chose, or NULL; the chooser is done with either way. */
static char *
take_chosen_path (HsWindow *self,
                  int       response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  g_clear_object (&self->chooser);
  return file != NULL ? g_file_get_path (file) : NULL;
}

static void
on_open_response (GtkNativeDialog *chooser,
                  int              response,
                  HsWindow        *self)
{
  g_autofree char *path = take_chosen_path (self, response);

  if (path != NULL)
    hs_window_open_file (self, path);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = create_session_filter ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *sessions = g_build_filename (g_get_user_data_dir (), "heapscope", "sessions", NULL);

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Open Session"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (g_file_test (sessions, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder = g_file_new_for_path (sessions);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FileRequest) request = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_session_save_as_finish (HS_SESSION (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the session: %s"), error->message);

      _hs_window_toast (request->window, text);
      return;
    }

  {
    g_autofree char *basename = g_path_get_basename (request->path);
    g_autofree char *text = g_strdup_printf (_("Saved as %s"), basename);

    _hs_window_toast (request->window, text);
    hs_recent_sessions_add (request->path);
  }
}

/**
 * hs_window_save_as:
 * @path: where to copy the session file; ".heapscope" is added if missing
 *
 * Copies the window's session file, even while the script runs; a toast says
 * when it is done, or why it could not be.
 */
void
hs_window_save_as (HsWindow   *self,
                   const char *path)
{
  g_autofree char *target = NULL;
  const char *file;

  g_return_if_fail (HS_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->session == NULL)
    return;

  target = g_str_has_suffix (path, HS_STORE_SUFFIX) ? g_canonicalize_filename (path, NULL)
                                                    : g_strconcat (path, HS_STORE_SUFFIX, NULL);
  file = hs_session_get_file (self->session);
  if (file != NULL)
    {
      g_autoptr(GFile) source = g_file_new_for_path (file);
      g_autoptr(GFile) destination = g_file_new_for_path (target);

      if (g_file_equal (source, destination))
        {
          _hs_window_toast (self, _("The session is already saved in that file"));
          return;
        }
    }

  hs_session_save_as_async (self->session, target, NULL, on_saved, file_request_new (self, NULL, target));
}

static void
on_save_response (GtkNativeDialog *chooser,
                  int              response,
                  HsWindow        *self)
{
  g_autofree char *path = take_chosen_path (self, response);

  if (path != NULL)
    hs_window_save_as (self, path);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HsWindow *self = HS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = create_session_filter ();
  const char *file = self->session != NULL ? hs_session_get_file (self->session) : NULL;
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr(GFile) folder = g_file_new_for_path (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR)
                                                 ? documents : g_get_home_dir ());
  g_autofree char *name = NULL;

  if (file == NULL)
    return;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Save Session As"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  name = g_path_get_basename (file);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* A session file opens; a script opens the launch dialog. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         HsWindow      *self)
{
  GFile *file = g_value_get_object (value);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  if (path == NULL)
    return FALSE;
  /* A session, or a dump of Pympler's ClassTracker (any name), imported as one. */
  if (g_str_has_suffix (path, HS_STORE_SUFFIX) || hs_pympler_file_is_dump (path))
    {
      hs_window_open_file (self, path);
      return TRUE;
    }
  if (g_str_has_suffix (path, ".py") || g_str_has_suffix (path, ".pyw"))
    {
      _hs_window_open_launch_dialog (self, path);
      return TRUE;
    }

  {
    g_autofree char *basename = g_path_get_basename (path);
    g_autofree char *message = g_strdup_printf (_("%s is neither a Python script, a Heapscope session nor a Pympler dump"), basename);

    _hs_window_toast (self, message);
  }
  return FALSE;
}

void
_hs_window_files_init (HsWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
_hs_window_files_dispose (HsWindow *self)
{
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_pointer (&self->view_before_opening, g_free);
  g_clear_weak_pointer (&self->opener);
}

void
_hs_window_class_files_init (HsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
}
