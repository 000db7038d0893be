/* hs-recent-list.c — the sessions run, opened or saved last, on the start page
 *
 * The list is the `recent-sessions` key, newest first. Each file's summary is
 * read in a GTask thread; a row appears when its summary (or the reason it
 * cannot be read) arrives, so the start page never waits on the disk. Files
 * that no longer exist are dropped from the key without a word.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hs-format.h"
#include "hs-launch-spec.h"
#include "hs-recent-list.h"
#include "hs-reveal.h"
#include "hs-settings.h"
#include "hs-store.h"

struct _HsRecentList
{
  GtkWidget            parent_instance;

  GSettings           *settings;
  GCancellable        *cancellable;
  AdwPreferencesGroup *group;
  GPtrArray           *rows;         /* AdwActionRow, in the key's order, shown or not */
  GPtrArray           *missing;      /* paths found gone during this reading */
  guint                n_pending;
  gboolean             writing_key;
};

G_DEFINE_FINAL_TYPE (HsRecentList, hs_recent_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

enum {
  OPEN,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

typedef struct
{
  char         *path;
  HsRecording  *summary;
  goffset       size;
  gboolean      being_written;
} RecentInfo;

static void
recent_info_free (RecentInfo *info)
{
  g_free (info->path);
  g_clear_pointer (&info->summary, hs_recording_free);
  g_free (info);
}

/* In a worker thread: everything the row shows, or why the file cannot be read. */
static void
read_summary_in_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(HsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  RecentInfo *info;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", g_strerror (errno));
      return;
    }

  info = g_new0 (RecentInfo, 1);
  info->path = g_strdup (path);
  info->size = st.st_size;
  if ((store = hs_store_open (path, &error)) == NULL ||
      (info->summary = hs_store_read_summary (store, &error)) == NULL)
    {
      recent_info_free (info);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info->being_written = hs_store_is_being_written (store);
  g_task_return_pointer (task, info, (GDestroyNotify) recent_info_free);
}

static char *
dup_title_for_path (const char *path)
{
  g_autofree char *basename = g_path_get_basename (path);

  if (g_str_has_suffix (basename, HS_STORE_SUFFIX) && strlen (basename) > strlen (HS_STORE_SUFFIX))
    basename[strlen (basename) - strlen (HS_STORE_SUFFIX)] = '\0';
  return g_steal_pointer (&basename);
}

/* "markers.py · 21 Nov 2026, 14:05 · 12 s · 1.2 MB" */
static char *
dup_subtitle (const RecentInfo *info)
{
  const HsRecording *summary = info->summary;
  g_autofree char *script = summary->spec != NULL && summary->spec->script != NULL
                            ? g_path_get_basename (summary->spec->script) : g_strdup (_("Unknown script"));
  g_autofree char *date = hs_format_date_time (summary->started_at);
  g_autofree char *duration = NULL;
  g_autofree char *size = g_format_size (info->size);
  GString *subtitle = g_string_new (script);

  if (info->being_written)
    duration = g_strdup (_("still recording"));
  else if (summary->n_samples == 0)
    duration = g_strdup (_("no samples"));
  else
    duration = hs_format_duration (summary->duration);

  if (*date != '\0')
    g_string_append_printf (subtitle, " · %s", date);
  g_string_append_printf (subtitle, " · %s · %s", duration, size);
  return g_string_free (subtitle, FALSE);
}

static void
update_visibility (HsRecentList *self)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->rows->len && !any; i++)
    any = gtk_widget_get_visible (g_ptr_array_index (self->rows, i));
  gtk_widget_set_visible (GTK_WIDGET (self), any);
}

static void
set_key (HsRecentList *self,
         GPtrArray    *paths)
{
  g_ptr_array_add (paths, NULL);
  self->writing_key = TRUE;
  g_settings_set_strv (self->settings, "recent-sessions", (const char * const *) paths->pdata);
  self->writing_key = FALSE;
  g_ptr_array_remove_index (paths, paths->len - 1);
}

/* Every summary is in: forget the files that are gone, in one write. */
static void
drop_missing (HsRecentList *self)
{
  g_auto(GStrv) paths = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  if (self->missing->len == 0 || self->settings == NULL)
    return;

  paths = g_settings_get_strv (self->settings, "recent-sessions");
  kept = g_ptr_array_new ();
  for (guint i = 0; paths[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (self->missing, paths[i], g_str_equal, NULL))
      g_ptr_array_add (kept, paths[i]);
  g_ptr_array_set_size (self->missing, 0);
  set_key (self, kept);
}

static void
on_summary_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HsRecentList *self = HS_RECENT_LIST (source);
  g_autoptr(AdwActionRow) row = user_data;
  g_autoptr(GError) error = NULL;
  RecentInfo *info;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info != NULL)
    {
      g_autofree char *subtitle = dup_subtitle (info);

      adw_action_row_set_subtitle (row, subtitle);
      gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
      recent_info_free (info);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_ptr_array_add (self->missing, g_strdup (g_object_get_data (G_OBJECT (row), "hs-path")));
      g_ptr_array_remove (self->rows, row);
      adw_preferences_group_remove (self->group, GTK_WIDGET (row));
    }
  else
    {
      adw_action_row_set_subtitle (row, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (row), "hs-unreadable");
      gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
    }

  update_visibility (self);
  g_assert (self->n_pending > 0);
  if (--self->n_pending == 0)
    {
      drop_missing (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
    }
}

static void
on_row_activated (AdwActionRow *row,
                  HsRecentList *self)
{
  g_signal_emit (self, signals [OPEN], 0, g_object_get_data (G_OBJECT (row), "hs-path"));
}

static void
on_reveal_clicked (GtkButton    *button,
                   AdwActionRow *row)
{
  hs_reveal_file (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                  g_object_get_data (G_OBJECT (row), "hs-path"));
}

static void
on_remove_clicked (GtkButton    *button,
                   AdwActionRow *row)
{
  hs_recent_sessions_remove (g_object_get_data (G_OBJECT (row), "hs-path"));
}

static GtkWidget *
create_suffix_button (const char *icon_name,
                      const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static AdwActionRow *
create_row (HsRecentList *self,
            const char   *path)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *title = dup_title_for_path (path);
  GtkWidget *reveal = create_suffix_button ("folder-open-symbolic", _("Reveal in Files"));
  GtkWidget *remove = create_suffix_button ("window-close-symbolic", _("Remove from List"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle_lines (row, 2);
  adw_action_row_set_title_lines (row, 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), path);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "hs-path", g_strdup (path), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect (reveal, "clicked", G_CALLBACK (on_reveal_clicked), row);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), row);
  adw_action_row_add_suffix (row, reveal);
  adw_action_row_add_suffix (row, remove);
  gtk_widget_set_visible (GTK_WIDGET (row), FALSE);
  return row;
}

static void
rebuild (HsRecentList *self)
{
  g_auto(GStrv) paths = NULL;
  gboolean was_loading = self->n_pending > 0;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->missing, 0);
  self->n_pending = 0;

  paths = self->settings != NULL ? g_settings_get_strv (self->settings, "recent-sessions") : g_new0 (char *, 1);
  self->cancellable = g_cancellable_new ();
  for (guint i = 0; paths[i] != NULL && i < HS_RECENT_SESSIONS_MAX; i++)
    {
      AdwActionRow *row = create_row (self, paths[i]);
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_summary_read, g_object_ref (row));

      g_task_set_source_tag (task, rebuild);
      g_task_set_task_data (task, g_strdup (paths[i]), g_free);
      adw_preferences_group_add (self->group, GTK_WIDGET (row));
      g_ptr_array_add (self->rows, row);
      self->n_pending++;
      g_task_run_in_thread (task, read_summary_in_thread);
    }

  update_visibility (self);
  if (was_loading != (self->n_pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
}

static void
on_key_changed (GSettings    *settings,
                const char   *key,
                HsRecentList *self)
{
  if (!self->writing_key)
    rebuild (self);
}

static void
hs_recent_list_dispose (GObject *object)
{
  HsRecentList *self = (HsRecentList *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  if (self->group != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->group));
      self->group = NULL;
    }
  G_OBJECT_CLASS (hs_recent_list_parent_class)->dispose (object);
}

static void
hs_recent_list_finalize (GObject *object)
{
  HsRecentList *self = (HsRecentList *) object;

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->missing);
  G_OBJECT_CLASS (hs_recent_list_parent_class)->finalize (object);
}

static void
hs_recent_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HsRecentList *self = HS_RECENT_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, hs_recent_list_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_recent_list_class_init (HsRecentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_recent_list_dispose;
  object_class->finalize = hs_recent_list_finalize;
  object_class->get_property = hs_recent_list_get_property;

  /* TRUE while summaries are being read. */
  properties [PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsRecentList::open:
   * @path: the session file the user chose
   */
  signals [OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsrecentlist");
}

static void
hs_recent_list_init (HsRecentList *self)
{
  self->rows = g_ptr_array_new ();
  self->missing = g_ptr_array_new_with_free_func (g_free);
  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Recent Sessions"));
  gtk_widget_set_parent (GTK_WIDGET (self->group), GTK_WIDGET (self));

  self->settings = hs_settings_new ();
  if (self->settings != NULL)
    g_signal_connect (self->settings, "changed::recent-sessions", G_CALLBACK (on_key_changed), self);
  rebuild (self);
}

GtkWidget *
hs_recent_list_new (void)
{
  return g_object_new (HS_TYPE_RECENT_LIST, NULL);
}

gboolean
hs_recent_list_get_loading (HsRecentList *self)
{
  g_return_val_if_fail (HS_IS_RECENT_LIST (self), FALSE);
  return self->n_pending > 0;
}

/* The rows shown, newest first. */
guint
hs_recent_list_get_n_rows (HsRecentList *self)
{
  guint n = 0;

  g_return_val_if_fail (HS_IS_RECENT_LIST (self), 0);

  for (guint i = 0; i < self->rows->len; i++)
    n += gtk_widget_get_visible (g_ptr_array_index (self->rows, i));
  return n;
}

AdwActionRow *
hs_recent_list_get_row (HsRecentList *self,
                        guint         position)
{
  g_return_val_if_fail (HS_IS_RECENT_LIST (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->rows, i);

      if (gtk_widget_get_visible (GTK_WIDGET (row)) && position-- == 0)
        return row;
    }
  return NULL;
}

/* Rewrites the list without @path, and with it first if @first; keeps the
 * newest HS_RECENT_SESSIONS_MAX. */
static void
update_recent_sessions (const char *path,
                        gboolean    first)
{
  g_autoptr(GSettings) settings = hs_settings_new ();
  g_autofree char *canonical = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_return_if_fail (path != NULL);
  if (settings == NULL)
    return;

  canonical = g_canonicalize_filename (path, NULL);
  paths = g_settings_get_strv (settings, "recent-sessions");
  list = g_ptr_array_new ();
  if (first)
    g_ptr_array_add (list, canonical);
  for (guint i = 0; paths[i] != NULL && list->len < HS_RECENT_SESSIONS_MAX; i++)
    if (!g_str_equal (paths[i], canonical))
      g_ptr_array_add (list, paths[i]);
  g_ptr_array_add (list, NULL);
  g_settings_set_strv (settings, "recent-sessions", (const char * const *) list->pdata);
}

/* Puts @path first in the list (once). */
void
hs_recent_sessions_add (const char *path)
{
  update_recent_sessions (path, TRUE);
}

/* Forgets @path; the file stays where it is. */
void
hs_recent_sessions_remove (const char *path)
{
  update_recent_sessions (path, FALSE);
}
