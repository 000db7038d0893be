/* hs-application.c — the Heapscope GtkApplication
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hs-application.h"
#include "hs-window.h"

struct _HsApplication
{
  AdwApplication  parent_instance;
  HsLaunchSpec   *initial_launch;
  GPtrArray      *pending_files;   /* session files to open once activated */
  gboolean        activated;
};

G_DEFINE_FINAL_TYPE (HsApplication, hs_application, ADW_TYPE_APPLICATION)

static void
hs_application_activate (GApplication *application)
{
  HsApplication *self = HS_APPLICATION (application);
  HsWindow *window = hs_window_new (GTK_APPLICATION (application));

  gtk_window_present (GTK_WINDOW (window));
  if (self->initial_launch != NULL)
    {
      hs_window_run (window, self->initial_launch);
      g_clear_pointer (&self->initial_launch, hs_launch_spec_free);
    }
  /* The first file opens in this window, if it runs nothing; the others in windows of their own. */
  for (guint i = 0; i < self->pending_files->len; i++)
    hs_window_open_file (window, g_ptr_array_index (self->pending_files, i));
  g_ptr_array_set_size (self->pending_files, 0);
  self->activated = TRUE;
}

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  GtkApplication *application = user_data;
  static const char *developers[] = { "The Heapscope developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", _("Heapscope"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Heapscope developers"),
                         "developers", developers,
                         "comments", _("See where a Python program’s memory goes"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/heapscope/heapscope",
                         NULL);
}

static void
on_new_window (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (hs_window_new (GTK_APPLICATION (user_data))));
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Closing each window stops its script; one whose script runs asks first. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
}

static void
hs_application_startup (GApplication *application)
{
  static const GActionEntry actions[] = {
    { "about", on_about },
    { "new-window", on_new_window },
    { "quit", on_quit },
  };
  static const struct { const char *action; const char *accels[3]; } shortcuts[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "win.run-script", { "<Control>r", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "win.take-snapshot", { "<Control>t", NULL } },
    { "win.toggle-pause", { "<Control>p", NULL } },
    { "win.find", { "<Control>f", NULL } },
    /* Alt+N shows the Nth page of the switcher, in its order. */
    { "win.show-page::overview", { "<Alt>1", NULL } },
    { "win.show-page::types", { "<Alt>2", NULL } },
    { "win.show-page::classes", { "<Alt>3", NULL } },
    { "win.show-page::referrers", { "<Alt>4", NULL } },
    { "win.show-page::graph", { "<Alt>5", NULL } },
    { "win.show-page::garbage", { "<Alt>6", NULL } },
    { "win.show-page::leaks", { "<Alt>7", NULL } },
    { "win.show-page::retained", { "<Alt>8", NULL } },
    { "win.show-page::console", { "<Alt>9", NULL } },
    { "win.show-graph", { "<Control>g", NULL } },
    { "win.track-class", { "<Control><Shift>t", NULL } },
    { "win.path-to-root", { "<Control><Shift>p", NULL } },
    { "win.copy-referrers", { "<Control><Shift>c", NULL } },
    { "win.toggle-deep-sizes", { "<Control>d", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (hs_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           shortcuts[i].action, shortcuts[i].accels);
}

static void
hs_application_finalize (GObject *object)
{
  g_clear_pointer (&HS_APPLICATION (object)->initial_launch, hs_launch_spec_free);
  g_clear_pointer (&HS_APPLICATION (object)->pending_files, g_ptr_array_unref);
  G_OBJECT_CLASS (hs_application_parent_class)->finalize (object);
}

static void
hs_application_class_init (HsApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_application_finalize;
  G_APPLICATION_CLASS (klass)->activate = hs_application_activate;
  G_APPLICATION_CLASS (klass)->startup = hs_application_startup;
}

static void
hs_application_init (HsApplication *self)
{
  self->pending_files = g_ptr_array_new_with_free_func (g_free);
}

/* Each `heapscope` is its own process: a script's session belongs to the window
 * that started it, and the command line names what that window runs. */
HsApplication *
hs_application_new (void)
{
  return g_object_new (HS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

void
hs_application_set_initial_launch (HsApplication      *self,
                                   const HsLaunchSpec *spec)
{
  g_return_if_fail (HS_IS_APPLICATION (self));

  g_clear_pointer (&self->initial_launch, hs_launch_spec_free);
  if (spec != NULL)
    self->initial_launch = hs_launch_spec_copy (spec);
}

/**
 * hs_application_open_file:
 * @path: a session file (.heapscope)
 *
 * Reopens @path: in the first window if the application is not running yet,
 * else in the active window (or a new one if that shows a session already).
 */
void
hs_application_open_file (HsApplication *self,
                          const char    *path)
{
  GtkWindow *window;

  g_return_if_fail (HS_IS_APPLICATION (self));
  g_return_if_fail (path != NULL);

  if (!self->activated)
    {
      g_ptr_array_add (self->pending_files, g_canonicalize_filename (path, NULL));
      return;
    }

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!HS_IS_WINDOW (window))
    {
      window = GTK_WINDOW (hs_window_new (GTK_APPLICATION (self)));
      gtk_window_present (window);
    }
  hs_window_open_file (HS_WINDOW (window), path);
}
