/* hs-session-files.c — the session's file: reopening a recorded session,
 * reading its census rows back, saving a copy
 *
 * A session reopened from a file is read-only: its samples carry their figures,
 * and census rows are read from the file when a view needs them (in a thread,
 * by hs-session.c; here, blocking, for command-line tools).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-console-chunk.h"
#include "hs-pympler-import.h"
#include "hs-session-private.h"

/* The file rows are read back from: opened at load, or on first need while
 * recording (the file being written); any thread. */
HsStore *
_hs_session_get_store (HsSession  *self,
                       GError    **error)
{
  HsStore *store;

  g_mutex_lock (&self->store_mutex);
  if (self->store == NULL && self->file != NULL)
    self->store = hs_store_open (self->file, error);
  else if (self->store == NULL)
    g_set_error_literal (error, HS_STORE_ERROR, HS_STORE_ERROR_IO, _("This session is not recorded to a file"));
  store = self->store;
  g_mutex_unlock (&self->store_mutex);
  /* The store has a lock of its own for reading. */
  return store;
}

/* Makes sure @sample has its census rows, reading them from the file if needed;
 * blocks, so it is for command-line tools, not windows. */
gboolean
hs_session_load_rows (HsSession  *self,
                      HsSample   *sample,
                      GError    **error)
{
  g_autoptr(HsCensus) census = NULL;
  HsStore *store;

  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  g_return_val_if_fail (HS_IS_SAMPLE (sample), FALSE);

  if (hs_sample_has_rows (sample))
    return TRUE;
  if (!(store = _hs_session_get_store (self, error)) ||
      !(census = hs_store_read_census (store, hs_sample_get_index (sample), error)))
    return FALSE;
  hs_sample_set_census (sample, census);
  return TRUE;
}

/* Reopening */

/* Builds the session from @owned_store, which it takes; safe in any thread,
 * refreshes nothing. */
static HsSession *
load_session_from_store (HsStore  *owned_store,
                         GError  **error)
{
  g_autoptr(HsStore) store = owned_store;
  g_autoptr(HsRecording) recording = NULL;
  g_autoptr(HsSession) self = NULL;
  g_autoptr(GPtrArray) chunks = NULL;
  guint n_samples;

  if (!(recording = hs_store_read_recording (store, error)))
    return NULL;

  self = hs_session_new ();
  self->read_only = TRUE;
  self->file = g_strdup (hs_store_get_path (store));
  self->missing_samples = recording->n_missing_samples;
  self->being_written_elsewhere = hs_store_is_being_written (store);
  self->spec = g_steal_pointer (&recording->spec);
  self->python_version = g_steal_pointer (&recording->python_version);
  self->pid = recording->pid;
  self->accelerated = recording->accelerated;
  self->started_at = recording->started_at;
  self->ended_at = recording->ended_at;
  self->state = recording->state;
  self->exit_code = recording->exit_code;
  self->term_signal = recording->term_signal;
  self->failure = g_steal_pointer (&recording->failure);
  self->protocol_error = g_steal_pointer (&recording->protocol_error);
  self->interval = self->effective_interval = self->spec->interval;

  /* The first page needs the last census, the one before it and the first. */
  n_samples = recording->samples->len;
  for (guint i = 0; i < n_samples; i++)
    {
      g_autoptr(HsSample) sample = NULL;

      if (i == 0 || i + 2 >= n_samples)
        {
          g_autoptr(HsCensus) census = hs_store_read_census (store, i, error);

          if (census == NULL)
            return NULL;
          sample = hs_sample_new (i, census);
        }
      else
        sample = hs_sample_new_without_rows (i, g_ptr_array_index (recording->samples, i));
      g_list_store_append (self->samples, sample);
      _hs_session_apply_classes (self, i, g_ptr_array_index (recording->samples, i));
      if (hs_sample_get_label (sample) != NULL)
        g_list_store_append (self->snapshots, sample);
    }

  chunks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < recording->console->len; i++)
    {
      const HsConsoleText *text = g_ptr_array_index (recording->console, i);
      g_ptr_array_add (chunks, hs_console_chunk_new (text->stream == HS_CONSOLE_STDERR, text->text));
    }
  g_list_store_splice (self->console, 0, 0, chunks->pdata, chunks->len);
  _hs_session_load_graphs (self, recording->graphs);
  _hs_session_load_garbage (self, recording->garbage);

  self->store = g_steal_pointer (&store);
  return g_steal_pointer (&self);
}

static HsSession *
load_session (const char  *path,
              GError     **error)
{
  HsStore *store = hs_pympler_open_store (path, error);

  return store != NULL ? load_session_from_store (store, error) : NULL;
}

/* Opens a recorded session, read-only; blocks while it reads the file. */
HsSession *
hs_session_load (const char  *path,
                 GError     **error)
{
  HsSession *self;

  g_return_val_if_fail (path != NULL, NULL);

  if ((self = load_session (path, error)) != NULL)
    _hs_session_refresh_census_model (self);
  return self;
}

/* As hs_session_load(), from a store already open (hs_store_open_bytes()),
 * which it takes, loaded or not. */
HsSession *
hs_session_load_store (HsStore  *store,
                       GError  **error)
{
  HsSession *self;

  g_return_val_if_fail (store != NULL, NULL);

  if ((self = load_session_from_store (store, error)) != NULL)
    _hs_session_refresh_census_model (self);
  return self;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  HsSession *session = load_session (task_data, &error);

  if (session == NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, session, g_object_unref);
  else
    g_object_unref (session);
}

void
hs_session_load_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_session_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

HsSession *
hs_session_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  HsSession *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if ((self = g_task_propagate_pointer (G_TASK (result), error)) != NULL)
    _hs_session_refresh_census_model (self);
  return self;
}

/* Saving a copy */

typedef struct
{
  char *source;
  char *destination;
} Copy;

static void
copy_free (gpointer data)
{
  Copy *copy = data;

  g_free (copy->source);
  g_free (copy->destination);
  g_free (copy);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Copy *copy = task_data;
  GError *error = NULL;

  if (hs_store_backup (copy->source, copy->destination, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Copies the session file to @path, with SQLite's online backup: it works while
 * the session is still being recorded. */
void
hs_session_save_as_async (HsSession           *self,
                          const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) destination = NULL;
  Copy *copy;

  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_session_save_as_async);

  if (self->file == NULL)
    {
      g_task_return_new_error (task, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                               _("This session is not recorded to a file"));
      return;
    }
  if (self->record_error != NULL)
    {
      g_task_return_new_error (task, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                               _("Recording to disk stopped earlier (%s), so a saved copy would be incomplete"),
                               self->record_error);
      return;
    }
  source = g_file_new_for_path (self->file);
  destination = g_file_new_for_path (path);
  if (g_file_equal (source, destination))
    {
      g_task_return_new_error (task, HS_STORE_ERROR, HS_STORE_ERROR_IO,
                               _("The session is already saved in that file"));
      return;
    }

  copy = g_new0 (Copy, 1);
  copy->source = g_strdup (self->file);
  copy->destination = g_strdup (path);
  g_task_set_task_data (task, copy, copy_free);
  g_task_run_in_thread (task, save_in_thread);
}

gboolean
hs_session_save_as_finish (HsSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The file and what it says */

gboolean
hs_session_is_read_only (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->read_only;
}

/* How many samples a reopened file lacks: numbers missing between those it
 * has, which only damage or another program leaves. */
guint64
hs_session_get_missing_samples (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->missing_samples;
}

gboolean
hs_session_is_being_written_elsewhere (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->being_written_elsewhere;
}

/* The file the session is recorded in or was opened from; NULL if none. */
const char *
hs_session_get_file (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->file;
}

const char *
hs_session_get_record_error (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->record_error;
}

/* "Recording to disk stopped: the disk is full. The session continues in
 * memory.", or NULL while recording is fine. */
char *
hs_session_dup_record_error_text (HsSession *self)
{
  g_autofree char *sentence = NULL;

  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  if (self->record_error == NULL)
    return NULL;
  sentence = g_str_has_suffix (self->record_error, ".") ? g_strdup (self->record_error)
                                                        : g_strconcat (self->record_error, ".", NULL);
  return g_strdup_printf (_("Recording to disk stopped: %s The session continues in memory."), sentence);
}
