/* hs-session.c — one run of a script: its state, samples, snapshots and output
 *
 * Lives on the main thread. The worker feeds it events; widgets bind to its
 * properties and list models. It never blocks: every question to the child is
 * asked by the worker, and the worker writes the session file.
 *
 * A session reopened from a file (hs-session-files.c) is read-only: its
 * samples carry their figures, and census rows are read from the file in a
 * thread when a view needs them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-console-chunk.h"
#include "hs-reply.h"
#include "hs-session-private.h"

G_DEFINE_FINAL_TYPE (HsSession, hs_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PID,
  PROP_PYTHON_VERSION,
  PROP_ACCELERATED,
  PROP_STATUS_TEXT,
  PROP_LIVE,
  PROP_PAUSED,
  PROP_INTERVAL,
  PROP_EFFECTIVE_INTERVAL,
  PROP_LATEST_SAMPLE,
  PROP_SHOWN_SAMPLE,
  PROP_FAILURE,
  PROP_PROTOCOL_ERROR,
  PROP_FILE,
  PROP_RECORD_ERROR,
  PROP_READ_ONLY,
  PROP_LOADING,
  PROP_MISSING_SAMPLES,
  PROP_HELD,
  PROP_BASELINE_SAMPLE,
  N_PROPS
};

enum {
  NOTICE,
  GRAPH_ADDED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

GType
hs_session_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { HS_SESSION_STATE_IDLE, "HS_SESSION_STATE_IDLE", "idle" },
        { HS_SESSION_STATE_STARTING, "HS_SESSION_STATE_STARTING", "starting" },
        { HS_SESSION_STATE_RUNNING, "HS_SESSION_STATE_RUNNING", "running" },
        { HS_SESSION_STATE_EXITED, "HS_SESSION_STATE_EXITED", "exited" },
        { HS_SESSION_STATE_SIGNALED, "HS_SESSION_STATE_SIGNALED", "signaled" },
        { HS_SESSION_STATE_FAILED, "HS_SESSION_STATE_FAILED", "failed" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("HsSessionState", values));
    }
  return type_id;
}

static void
hs_session_dispose (GObject *object)
{
  HsSession *self = (HsSession *) object;

  if (self->worker != NULL)
    {
      hs_worker_detach (self->worker);
      g_clear_pointer (&self->worker, hs_worker_unref);
    }
  g_clear_object (&self->baseline_sample);
  g_clear_object (&self->shown_sample);
  if (self->rows_cancellable != NULL)
    g_cancellable_cancel (self->rows_cancellable);
  g_clear_object (&self->rows_cancellable);
  G_OBJECT_CLASS (hs_session_parent_class)->dispose (object);
}

static void
hs_session_finalize (GObject *object)
{
  HsSession *self = (HsSession *) object;

  g_clear_pointer (&self->spec, hs_launch_spec_free);
  g_free (self->python_version);
  g_free (self->failure);
  g_free (self->protocol_error);
  g_free (self->file);
  g_free (self->record_error);
  g_clear_pointer (&self->store, hs_store_close);
  g_mutex_clear (&self->store_mutex);
  g_clear_object (&self->census_model);
  g_clear_object (&self->class_tracker);
  g_clear_object (&self->samples);
  g_clear_object (&self->snapshots);
  g_clear_object (&self->console);
  g_queue_clear (&self->reply_order);
  g_clear_pointer (&self->replies, g_hash_table_unref);
  g_clear_pointer (&self->handle_counts, g_hash_table_unref);
  g_clear_pointer (&self->graphs, g_ptr_array_unref);
  g_clear_pointer (&self->graph_ids, g_array_unref);
  g_clear_object (&self->garbage_log);
  G_OBJECT_CLASS (hs_session_parent_class)->finalize (object);
}

static void
hs_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HsSession *self = HS_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PID:
      g_value_set_int64 (value, self->pid);
      break;
    case PROP_PYTHON_VERSION:
      g_value_set_string (value, self->python_version);
      break;
    case PROP_ACCELERATED:
      g_value_set_boolean (value, self->accelerated);
      break;
    case PROP_STATUS_TEXT:
      g_value_take_string (value, hs_session_dup_status_text (self));
      break;
    case PROP_LIVE:
      g_value_set_boolean (value, hs_session_is_live (self));
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;
    case PROP_EFFECTIVE_INTERVAL:
      g_value_set_double (value, self->effective_interval);
      break;
    case PROP_LATEST_SAMPLE:
      g_value_set_object (value, hs_session_get_latest_sample (self));
      break;
    case PROP_SHOWN_SAMPLE:
      g_value_set_object (value, self->shown_sample);
      break;
    case PROP_BASELINE_SAMPLE:
      g_value_set_object (value, self->baseline_sample);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    case PROP_PROTOCOL_ERROR:
      g_value_set_string (value, self->protocol_error);
      break;
    case PROP_FILE:
      g_value_set_string (value, self->file);
      break;
    case PROP_RECORD_ERROR:
      g_value_set_string (value, self->record_error);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, hs_session_get_loading (self));
      break;
    case PROP_MISSING_SAMPLES:
      g_value_set_uint64 (value, self->missing_samples);
      break;
    case PROP_HELD:
      g_value_set_boolean (value, self->held);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_session_class_init (HsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hs_session_dispose;
  object_class->finalize = hs_session_finalize;
  object_class->get_property = hs_session_get_property;

  properties [PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HS_TYPE_SESSION_STATE, HS_SESSION_STATE_IDLE, flags);
  properties [PROP_PID] = g_param_spec_int64 ("pid", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties [PROP_PYTHON_VERSION] = g_param_spec_string ("python-version", NULL, NULL, NULL, flags);
  properties [PROP_ACCELERATED] = g_param_spec_boolean ("accelerated", NULL, NULL, FALSE, flags);
  properties [PROP_STATUS_TEXT] = g_param_spec_string ("status-text", NULL, NULL, NULL, flags);
  properties [PROP_LIVE] = g_param_spec_boolean ("live", NULL, NULL, FALSE, flags);
  properties [PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE, flags);
  properties [PROP_INTERVAL] = g_param_spec_double ("interval", NULL, NULL, 0, G_MAXDOUBLE, 1.0, flags);
  properties [PROP_EFFECTIVE_INTERVAL] =
    g_param_spec_double ("effective-interval", NULL, NULL, 0, G_MAXDOUBLE, 1.0, flags);
  properties [PROP_LATEST_SAMPLE] =
    g_param_spec_object ("latest-sample", NULL, NULL, HS_TYPE_SAMPLE, flags);
  properties [PROP_SHOWN_SAMPLE] =
    g_param_spec_object ("shown-sample", NULL, NULL, HS_TYPE_SAMPLE, flags);
  properties [PROP_FAILURE] = g_param_spec_string ("failure", NULL, NULL, NULL, flags);
  properties [PROP_PROTOCOL_ERROR] = g_param_spec_string ("protocol-error", NULL, NULL, NULL, flags);
  properties [PROP_FILE] = g_param_spec_string ("file", NULL, NULL, NULL, flags);
  properties [PROP_RECORD_ERROR] = g_param_spec_string ("record-error", NULL, NULL, NULL, flags);
  properties [PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, flags);
  properties [PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  /* Set once, as a recorded session is loaded. */
  properties [PROP_MISSING_SAMPLES] =
    g_param_spec_uint64 ("missing-samples", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  /* The script has ended and its process waits, held at exit, to be looked
   * at (HsLaunchSpec.hold); stopping the session ends it. */
  properties [PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, flags);
  /* The sample chosen to compare with (HS_BASELINE_SAMPLE), or NULL. */
  properties [PROP_BASELINE_SAMPLE] =
    g_param_spec_object ("baseline-sample", NULL, NULL, HS_TYPE_SAMPLE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsSession::notice:
   * @text: what happened, for a toast or banner
   *
   * Something the user should hear about now (an error the agent reported, a
   * broken connection); the session keeps everything recorded so far.
   */
  signals [NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * HsSession::graph-added:
   * @index: the graph's position (hs_session_get_graph)
   * @pushed: the script asked for it (heapscope.refgraph), not the window
   *
   * A reference graph joined the session's graphs, laid out.
   */
  signals [GRAPH_ADDED] =
    g_signal_new ("graph-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
}

void
_hs_session_emit_graph_added (HsSession *self,
                              guint      index,
                              gboolean   pushed)
{
  g_signal_emit (self, signals [GRAPH_ADDED], 0, index, pushed);
}

void
_hs_session_notice (HsSession  *self,
                    const char *text)
{
  g_signal_emit (self, signals [NOTICE], 0, text);
}

static void
hs_session_init (HsSession *self)
{
  self->census_model = hs_census_model_new ();
  self->class_tracker = hs_class_tracker_new ();
  self->samples = g_list_store_new (HS_TYPE_SAMPLE);
  self->snapshots = g_list_store_new (HS_TYPE_SAMPLE);
  self->console = g_list_store_new (HS_TYPE_CONSOLE_CHUNK);
  self->interval = self->effective_interval = 1.0;
  self->replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hs_reply_unref);
  self->handle_counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->graphs = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_ref_graph_unref);
  self->graph_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->garbage_log = hs_garbage_log_new ();
  g_mutex_init (&self->store_mutex);
}

HsSession *
hs_session_new (void)
{
  return g_object_new (HS_TYPE_SESSION, NULL);
}

static void
set_held (HsSession *self,
          gboolean   held)
{
  if (self->held == held)
    return;
  self->held = held;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HELD]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATUS_TEXT]);
}

static void
set_state (HsSession      *self,
           HsSessionState  state)
{
  gboolean was_live = hs_session_is_live (self);

  if (self->state == state)
    return;
  self->state = state;
  if (state != HS_SESSION_STATE_RUNNING)
    set_held (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATUS_TEXT]);
  if (was_live != hs_session_is_live (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LIVE]);
  if (!hs_session_is_live (self))
    hs_garbage_log_set_watching (self->garbage_log, FALSE);
}

static void
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

#define ROWS_KEPT_RECENT 2    /* the latest census and the one before, for diffs */

static void
cancel_reading_rows (HsSession *self)
{
  if (self->rows_cancellable == NULL)
    return;
  g_cancellable_cancel (self->rows_cancellable);
  g_clear_object (&self->rows_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
}

static void
read_rows_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  HsSession *self = source_object;
  GPtrArray *samples = task_data;
  g_autoptr(GPtrArray) censuses = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_census_unref);
  GError *error = NULL;
  HsStore *store = _hs_session_get_store (self, &error);

  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < samples->len; i++)
    {
      GError *error = NULL;
      HsCensus *census;

      if (g_task_return_error_if_cancelled (task))
        return;
      census = hs_store_read_census (store, hs_sample_get_index (g_ptr_array_index (samples, i)), &error);
      if (census == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (censuses, census);
    }
  g_task_return_pointer (task, g_steal_pointer (&censuses), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_rows_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  HsSession *self = HS_SESSION (object);
  GPtrArray *samples = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) censuses = NULL;
  g_autoptr(GError) error = NULL;

  censuses = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->rows_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
  if (censuses == NULL)
    {
      g_signal_emit (self, signals [NOTICE], 0, error->message);
      return;
    }
  for (guint i = 0; i < samples->len; i++)
    hs_sample_set_census (g_ptr_array_index (samples, i), g_ptr_array_index (censuses, i));
  _hs_session_refresh_census_model (self);
}

/* Reads the rows of @shown and @baseline from the file, then refreshes; the
 * table keeps showing what it had until they arrive. */
static void
read_rows (HsSession *self,
           HsSample  *shown,
           HsSample  *baseline)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *samples = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->store == NULL && self->file == NULL)
    {
      g_ptr_array_unref (samples);
      return;
    }
  if (!hs_sample_has_rows (shown))
    g_ptr_array_add (samples, g_object_ref (shown));
  if (baseline != NULL && !hs_sample_has_rows (baseline))
    g_ptr_array_add (samples, g_object_ref (baseline));

  cancel_reading_rows (self);
  self->rows_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->rows_cancellable, on_rows_read, NULL);
  g_task_set_source_tag (task, read_rows);
  g_task_set_task_data (task, samples, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, read_rows_in_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
}

/* The census the Types page shows, and what it is compared with. */
void
_hs_session_refresh_census_model (HsSession *self)
{
  guint n_samples = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  HsSample *shown = self->shown_sample != NULL ? self->shown_sample : hs_session_get_latest_sample (self);
  g_autoptr(HsSample) baseline = NULL;

  if (shown == NULL)
    {
      hs_census_model_update (self->census_model, NULL, NULL);
      return;
    }

  switch (self->baseline_kind)
    {
    case HS_BASELINE_PREVIOUS:
      if (hs_sample_get_index (shown) > 0 && hs_sample_get_index (shown) <= n_samples)
        baseline = g_list_model_get_item (G_LIST_MODEL (self->samples), hs_sample_get_index (shown) - 1);
      break;
    case HS_BASELINE_FIRST:
      baseline = g_list_model_get_item (G_LIST_MODEL (self->samples), 0);
      break;
    case HS_BASELINE_SAMPLE:
      baseline = self->baseline_sample != NULL ? g_object_ref (self->baseline_sample) : NULL;
      break;
    default:
      g_assert_not_reached ();
    }

  if (!hs_sample_has_rows (shown) || (baseline != NULL && !hs_sample_has_rows (baseline)))
    {
      read_rows (self, shown, baseline);
      return;
    }
  cancel_reading_rows (self);
  hs_census_model_update (self->census_model, hs_sample_get_census (shown),
                          baseline != NULL ? hs_sample_get_census (baseline) : NULL);
}

/* While a run is recorded, its file holds every census: the rows of a
 * sample nobody shows can go, and are read back when asked for. Kept: the
 * first sample, snapshots, the last ROWS_KEPT_RECENT, what is shown and
 * what it is compared with. */
static void
let_rows_go (HsSession *self,
             guint      index)
{
  g_autoptr(HsSample) sample = NULL;

  if (self->file == NULL || self->record_error != NULL || index == 0)
    return;
  sample = g_list_model_get_item (G_LIST_MODEL (self->samples), index);
  if (sample == NULL || hs_sample_get_label (sample) != NULL ||
      sample == self->shown_sample || sample == self->baseline_sample)
    return;
  hs_sample_drop_rows (sample);
}

static void
append_census (HsSession *self,
               HsCensus  *census)
{
  guint index = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  g_autoptr(HsSample) sample = hs_sample_new (index, census);

  g_list_store_append (self->samples, sample);
  if (hs_sample_get_label (sample) != NULL)
    g_list_store_append (self->snapshots, sample);
  _hs_session_apply_classes (self, index, census);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LATEST_SAMPLE]);
  if (self->shown_sample == NULL)
    _hs_session_refresh_census_model (self);
  if (index >= ROWS_KEPT_RECENT)
    let_rows_go (self, index - ROWS_KEPT_RECENT);
}

/* What the census at @index says of tracked classes, into the class tracker:
 * live, as each census arrives; reopened, for each sample that has it. */
void
_hs_session_apply_classes (HsSession *self,
                           guint      index,
                           HsCensus  *census)
{
  if (census->classes == NULL)
    return;
  /* The label first: the "changed" that apply emits redraws the chart. */
  if (census->label != NULL)
    hs_class_tracker_set_sample_label (self->class_tracker, index, census->label);
  hs_class_tracker_apply (self->class_tracker, index, census->time, census->rss, census->classes);
}

static void
append_console (HsSession *self,
                GPtrArray *texts)
{
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < texts->len; i++)
    {
      const HsConsoleText *text = g_ptr_array_index (texts, i);
      g_ptr_array_add (chunks, hs_console_chunk_new (text->stream == HS_CONSOLE_STDERR, text->text));
    }
  g_list_store_splice (self->console, g_list_model_get_n_items (G_LIST_MODEL (self->console)),
                       0, chunks->pdata, chunks->len);
}

static void
on_worker_event (const HsWorkerEvent *event,
                 gpointer             user_data)
{
  HsSession *self = user_data;
  g_autoptr(GObject) hold G_GNUC_UNUSED = g_object_ref (G_OBJECT (self));

  switch (event->type)
    {
    case HS_WORKER_EVENT_STARTED:
      self->started_at = g_get_real_time ();
      self->pid = event->pid;
      set_string (&self->python_version, event->python_version);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PID]);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PYTHON_VERSION]);
      set_state (self, HS_SESSION_STATE_RUNNING);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATUS_TEXT]);
      break;

    case HS_WORKER_EVENT_HELLO:
      set_string (&self->python_version, event->hello->python);
      self->accelerated = event->hello->accelerated;
      self->can_track = event->hello->can_track;
      self->can_watch_garbage = event->hello->can_watch_garbage;
      self->can_retain = event->hello->can_retain;
      self->can_why = event->hello->can_why;
      if (self->pid == 0)
        self->pid = event->hello->pid;
      if (self->state < HS_SESSION_STATE_RUNNING)
        set_state (self, HS_SESSION_STATE_RUNNING);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PYTHON_VERSION]);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACCELERATED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PID]);
      break;

    case HS_WORKER_EVENT_CENSUS:
      if (event->effective_interval != self->effective_interval)
        {
          self->effective_interval = event->effective_interval;
          g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EFFECTIVE_INTERVAL]);
        }
      append_census (self, event->census);
      break;

    case HS_WORKER_EVENT_CONSOLE:
      append_console (self, event->console);
      break;

    case HS_WORKER_EVENT_AGENT_ERROR:
      {
        g_autofree char *text = g_strdup_printf (_("The agent could not answer: %s"), event->message);
        g_signal_emit (self, signals [NOTICE], 0, text);
      }
      break;

    case HS_WORKER_EVENT_PROTOCOL_ERROR:
      {
        g_autofree char *text = g_strdup_printf (_("Sampling stopped: %s"), event->message);
        set_string (&self->protocol_error, event->message);
        g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PROTOCOL_ERROR]);
        g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATUS_TEXT]);
        g_signal_emit (self, signals [NOTICE], 0, text);
      }
      break;

    case HS_WORKER_EVENT_RECORD_ERROR:
      {
        g_autofree char *text = NULL;

        set_string (&self->record_error, event->message);
        text = hs_session_dup_record_error_text (self);
        g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RECORD_ERROR]);
        g_signal_emit (self, signals [NOTICE], 0, text);
      }
      break;

    case HS_WORKER_EVENT_GARBAGE:
      hs_garbage_log_apply (self->garbage_log, event->garbage);
      break;

    case HS_WORKER_EVENT_GRAPH:
      _hs_session_add_pushed_graph (self, event->graph, event->graph_id, event->message);
      break;

    case HS_WORKER_EVENT_HELD:
      if (self->state == HS_SESSION_STATE_RUNNING)
        {
          self->held_after_exception = event->raised;
          set_held (self, TRUE);
        }
      break;

    case HS_WORKER_EVENT_FAILED:
      self->ended_at = g_get_real_time ();
      set_string (&self->failure, event->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FAILURE]);
      set_state (self, HS_SESSION_STATE_FAILED);
      g_signal_emit (self, signals [NOTICE], 0, event->message);
      break;

    case HS_WORKER_EVENT_EXITED:
      self->ended_at = g_get_real_time ();
      if (event->signaled)
        {
          self->term_signal = event->term_signal;
          set_state (self, HS_SESSION_STATE_SIGNALED);
        }
      else
        {
          self->exit_code = event->exit_code;
          set_state (self, HS_SESSION_STATE_EXITED);
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
start_worker (HsSession *self,
              HsWorker  *worker)
{
  g_return_if_fail (self->worker == NULL);

  self->worker = worker;
  if (self->file != NULL)
    hs_worker_record_to (self->worker, self->file);
  set_state (self, HS_SESSION_STATE_STARTING);
  hs_worker_start (self->worker);
}

void
hs_session_start (HsSession          *self,
                  const HsLaunchSpec *spec)
{
  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (self->state == HS_SESSION_STATE_IDLE);

  self->spec = hs_launch_spec_copy (spec);
  if (self->spec->agent_dir == NULL)
    self->spec->agent_dir = g_strdup (hs_launch_spec_default_agent_dir ());
  self->interval = self->effective_interval = spec->interval;
  start_worker (self, hs_worker_new (self->spec, on_worker_event, self));
}

/* For tests and tools: talk to an agent already connected on @agent_fd. */
void
hs_session_attach_socket (HsSession *self,
                          int        agent_fd,
                          double     interval)
{
  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (self->state == HS_SESSION_STATE_IDLE);

  self->interval = self->effective_interval = interval;
  start_worker (self, hs_worker_new_for_socket (agent_fd, interval, on_worker_event, self));
}

/* Records the session to a file at @path as it runs; call before starting it. */
void
hs_session_record_to (HsSession  *self,
                      const char *path)
{
  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (self->state == HS_SESSION_STATE_IDLE);
  g_return_if_fail (!self->read_only);

  set_string (&self->file, path);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FILE]);
}

void
hs_session_stop (HsSession *self)
{
  g_return_if_fail (HS_IS_SESSION (self));

  if (self->worker != NULL && !hs_session_is_over (self))
    hs_worker_stop (self->worker);
}

/* Heapscope was sent @signum (SIGINT, SIGTERM): the script gets it too,
 * unless @child_got_it (a terminal's Ctrl+C reaches the whole foreground
 * job). A run still starting is stopped. */
void
hs_session_forward_signal (HsSession *self,
                           int        signum,
                           gboolean   child_got_it)
{
  g_return_if_fail (HS_IS_SESSION (self));

  if (self->worker != NULL && !hs_session_is_over (self))
    hs_worker_forward_signal (self->worker, signum, child_got_it);
}

void
hs_session_take_snapshot (HsSession  *self,
                          const char *label)
{
  g_return_if_fail (HS_IS_SESSION (self));

  if (self->worker != NULL && hs_session_is_live (self))
    hs_worker_take_snapshot (self->worker, label != NULL ? label : "");
}

void
hs_session_set_interval (HsSession *self,
                         double     seconds)
{
  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (seconds > 0);

  if (self->interval == seconds)
    return;
  self->interval = seconds;
  if (self->effective_interval < seconds)
    {
      self->effective_interval = seconds;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EFFECTIVE_INTERVAL]);
    }
  if (self->worker != NULL)
    hs_worker_set_interval (self->worker, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_INTERVAL]);
}

double
hs_session_get_interval (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->interval;
}

double
hs_session_get_effective_interval (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->effective_interval;
}

void
hs_session_set_paused (HsSession *self,
                       gboolean   paused)
{
  g_return_if_fail (HS_IS_SESSION (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (self->worker != NULL)
    hs_worker_set_paused (self->worker, paused);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PAUSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATUS_TEXT]);
}

gboolean
hs_session_get_paused (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->paused;
}

/* The script has ended and the process is held at exit (HsLaunchSpec.hold),
 * answering questions about its final heap until it is stopped. */
gboolean
hs_session_get_held (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->held;
}

/* Held at exit, and the script ended by an exception: its traceback is
 * already on the console, the exit code not yet known. */
gboolean
hs_session_get_held_after_exception (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->held && self->held_after_exception;
}

void
hs_session_set_baseline (HsSession      *self,
                         HsBaselineKind  kind,
                         HsSample       *sample)
{
  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (kind != HS_BASELINE_SAMPLE || HS_IS_SAMPLE (sample));

  HsSample *baseline_sample = kind == HS_BASELINE_SAMPLE ? sample : NULL;

  self->baseline_kind = kind;
  if (g_set_object (&self->baseline_sample, baseline_sample))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BASELINE_SAMPLE]);
  _hs_session_refresh_census_model (self);
}

/* The sample chosen to compare with (HS_BASELINE_SAMPLE), borrowed; NULL
 * when the baseline is the previous or the first sample. */
HsSample *
hs_session_get_baseline_sample (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->baseline_sample;
}

/* @sample: the census to show, or NULL to follow the latest one. */
void
hs_session_set_shown_sample (HsSession *self,
                             HsSample  *sample)
{
  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (sample == NULL || HS_IS_SAMPLE (sample));

  if (g_set_object (&self->shown_sample, sample))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SHOWN_SAMPLE]);
  hs_class_tracker_set_shown_sample (self->class_tracker,
                                     sample != NULL ? (int) hs_sample_get_index (sample) : -1);
  _hs_session_refresh_census_model (self);
}

HsSessionState
hs_session_get_state (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), HS_SESSION_STATE_IDLE);
  return self->state;
}

gboolean
hs_session_is_live (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return !self->read_only &&
         (self->state == HS_SESSION_STATE_STARTING || self->state == HS_SESSION_STATE_RUNNING);
}

gboolean
hs_session_is_over (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->read_only || self->state >= HS_SESSION_STATE_EXITED;
}

gint64
hs_session_get_pid (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->pid;
}

int
hs_session_get_exit_code (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->exit_code;
}

int
hs_session_get_term_signal (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->term_signal;
}

const char *
hs_session_get_python_version (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->python_version;
}

const char *
hs_session_get_failure (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->failure;
}

const char *
hs_session_get_protocol_error (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->protocol_error;
}

const HsLaunchSpec *
hs_session_get_launch_spec (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->spec;
}

/* "Running", "Exited with code 1", "Killed by signal 9 (Killed)", "Failed to start: …" */
char *
hs_session_dup_status_text (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  switch (self->state)
    {
    case HS_SESSION_STATE_IDLE:
      return g_strdup (_("Not started"));
    case HS_SESSION_STATE_STARTING:
      return g_strdup (_("Starting…"));
    case HS_SESSION_STATE_RUNNING:
      if (self->read_only && self->being_written_elsewhere)
        return g_strdup (_("Still being recorded by another Heapscope"));
      if (self->read_only)
        return g_strdup (_("The recording ended while the script was running"));
      if (self->protocol_error != NULL)
        return g_strdup (_("Running, not sampled (agent connection lost)"));
      if (self->held)
        return g_strdup (_("Held at exit — Stop ends it"));
      return g_strdup (self->paused ? _("Running, sampling paused") : _("Running"));
    case HS_SESSION_STATE_EXITED:
      return g_strdup_printf (_("Exited with code %d"), self->exit_code);
    case HS_SESSION_STATE_SIGNALED:
      return g_strdup_printf (_("Killed by signal %d (%s)"), self->term_signal, g_strsignal (self->term_signal));
    case HS_SESSION_STATE_FAILED:
      return g_strdup_printf (_("Failed to start: %s"), self->failure);
    default:
      g_assert_not_reached ();
    }
}

HsCensusModel *
hs_session_get_census_model (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->census_model;
}

GListModel *
hs_session_get_samples (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->samples);
}

GListModel *
hs_session_get_snapshots (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->snapshots);
}

GListModel *
hs_session_get_console (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->console);
}

/* The sample at @position, borrowed: the store keeps it alive. */
static HsSample *
peek_sample (HsSession *self,
             guint      position)
{
  HsSample *sample = g_list_model_get_item (G_LIST_MODEL (self->samples), position);

  if (sample != NULL)
    g_object_unref (sample);
  return sample;
}

/* Borrowed; NULL before the first sample. */
HsSample *
hs_session_get_latest_sample (HsSession *self)
{
  guint n;

  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  return n > 0 ? peek_sample (self, n - 1) : NULL;
}

/* Borrowed; NULL before the first sample. */
HsSample *
hs_session_get_first_sample (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  return peek_sample (self, 0);
}

/* Census rows are being read from the file. */
gboolean
hs_session_get_loading (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);
  return self->rows_cancellable != NULL;
}

/* µs since the epoch; 0 before the script started. */
gint64
hs_session_get_started_at (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->started_at;
}

/* µs since the epoch; 0 while running, or if the recording never saw the end. */
gint64
hs_session_get_ended_at (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->ended_at;
}

/* The sample with the most resident memory; where no RSS was read, the one
 * with the largest census. The first of equals; NULL without samples. */
HsSample *
hs_session_find_peak (HsSession *self)
{
  guint n;
  gboolean by_rss = FALSE;
  HsSample *peak = NULL;
  gint64 highest = -1;

  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  for (guint i = 0; i < n && !by_rss; i++)
    by_rss = hs_sample_get_census (peek_sample (self, i))->rss > 0;
  for (guint i = 0; i < n; i++)
    {
      HsSample *sample = peek_sample (self, i);
      HsCensus *census = hs_sample_get_census (sample);
      gint64 value = by_rss ? census->rss : census->bytes;

      if (value > highest)
        {
          highest = value;
          peak = sample;
        }
    }
  return peak;
}

/* The first snapshot labelled @label, borrowed; NULL if there is none. */
HsSample *
hs_session_find_snapshot (HsSession  *self,
                          const char *label)
{
  GListModel *snapshots;

  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  g_return_val_if_fail (label != NULL, NULL);

  snapshots = G_LIST_MODEL (self->snapshots);
  for (guint i = 0; i < g_list_model_get_n_items (snapshots); i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (snapshots, i);

      if (g_strcmp0 (hs_sample_get_label (sample), label) == 0)
        return sample;
    }
  return NULL;
}

/* Questions about objects */

#define REPLY_CACHE_LIMIT 256   /* answers kept in memory */

static void
return_ended (GTask *task)
{
  g_task_return_new_error (task, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED,
                           _("The process has ended; only what was looked at while it ran can be shown"));
}

static HsReply *
cached_reply (HsSession  *self,
              const char *key)
{
  char *stored_key;
  HsReply *reply;

  if (!g_hash_table_lookup_extended (self->replies, key, (gpointer *) &stored_key, (gpointer *) &reply))
    return NULL;
  g_queue_remove (&self->reply_order, stored_key);
  g_queue_push_head (&self->reply_order, stored_key);
  return reply;
}

static void
cache_reply (HsSession  *self,
             const char *key,
             HsReply    *reply)
{
  char *stored_key = g_strdup (key);
  char *old_key;

  if (g_hash_table_lookup_extended (self->replies, key, (gpointer *) &old_key, NULL))
    g_queue_remove (&self->reply_order, old_key);
  /* The table owns the keys; the queue borrows them. */
  g_hash_table_replace (self->replies, stored_key, hs_reply_ref (reply));
  g_queue_push_head (&self->reply_order, stored_key);
  while (self->reply_order.length > REPLY_CACHE_LIMIT)
    g_hash_table_remove (self->replies, g_queue_pop_tail (&self->reply_order));
}

/* The answer recorded in the session's file for the same question, if any. */
static void
look_up_reply (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  HsSession *self = source_object;
  g_autoptr(GError) error = NULL;
  HsStore *store = _hs_session_get_store (self, &error);
  g_autofree char *text = store != NULL ? hs_store_lookup_reply (store, task_data, &error) : NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(HsMessage) message = NULL;

  if (text == NULL && error == NULL)
    {
      return_ended (task);
      return;
    }
  if (text == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  payload = g_bytes_new_take (text, strlen (text));
  g_steal_pointer (&text);
  message = hs_message_parse (HS_FRAME_KIND_JSON, payload, &error);
  if (message == NULL || message->type != HS_MESSAGE_REPLY)
    {
      g_task_return_new_error (task, HS_STORE_ERROR, HS_STORE_ERROR_DAMAGED,
                               _("“%s” is damaged: a recorded answer is unreadable"),
                               hs_session_get_file (self));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&message->reply), (GDestroyNotify) hs_reply_unref);
}

/* The process has ended: the answer given while it ran, if any. */
static void
answer_from_record (HsSession *self,
                    GTask     *task)
{
  HsReply *known = cached_reply (self, g_task_get_task_data (task));

  if (known != NULL)
    g_task_return_pointer (task, hs_reply_ref (known), (GDestroyNotify) hs_reply_unref);
  else if (self->file != NULL)
    g_task_run_in_thread (task, look_up_reply);
  else
    return_ended (task);
}

static void
on_worker_query_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HsSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  HsReply *reply = hs_worker_query_finish (result, &error);

  /* Asked as the process ended: an answer from before is still an answer. */
  if (reply == NULL && g_error_matches (error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED))
    answer_from_record (self, task);
  else if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    {
      cache_reply (self, g_task_get_task_data (task), reply);
      g_task_return_pointer (task, reply, (GDestroyNotify) hs_reply_unref);
    }
}

/* Asks the child about objects: @request is a JSON object without an id
 * ({"type": "referrers", "handle": 7, "limit": 100}). A live session asks the
 * agent (once it has said hello: a question asked as the session starts
 * waits for it); a reopened one, and a live one whose process has ended,
 * answer with what was recorded for the same question, or
 * HS_REPLY_ERROR_ENDED. */
void
hs_session_query_async (HsSession           *self,
                        JsonNode            *request,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *key;

  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (request));

  key = json_to_string (request, FALSE);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_session_query_async);
  g_task_set_task_data (task, key, g_free);

  if (self->worker != NULL && hs_session_is_live (self))
    {
      hs_worker_query (self->worker, request, cancellable, on_worker_query_done, g_steal_pointer (&task));
      return;
    }
  answer_from_record (self, task);
}

HsReply *
hs_session_query_finish (HsSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_object_described (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  HsObjectDetails *details = reply != NULL ? hs_object_details_new (reply, &error) : NULL;

  if (details != NULL)
    g_task_return_pointer (task, details, (GDestroyNotify) hs_object_details_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Asks for @handle's object: its sizes, their breakdown to @detail levels
 * (as asized(detail=@detail)), and the first objects it refers to. Answered
 * as hs_session_query_async() answers. */
void
hs_session_describe_object_async (HsSession           *self,
                                  gint64               handle,
                                  int                  detail,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonNode) request = NULL;
  GTask *task;

  g_return_if_fail (HS_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_session_describe_object_async);
  request = hs_session_object_request (self, handle, detail);
  hs_session_query_async (self, request, cancellable, on_object_described, task);
}

HsObjectDetails *
hs_session_describe_object_finish (HsSession     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The window no longer shows these objects; the agent may let them go. */
void
hs_session_release (HsSession    *self,
                    const gint64 *handles,
                    guint         n_handles)
{
  g_return_if_fail (HS_IS_SESSION (self));

  if (self->worker != NULL && hs_session_is_live (self))
    hs_worker_release (self->worker, handles, n_handles);
}

/* Handles the window shows, counted: the agent is told to let an object go
 * when nothing shows it any more. */
void
hs_session_hold_handles (HsSession    *self,
                         const gint64 *handles,
                         guint         n_handles)
{
  g_return_if_fail (HS_IS_SESSION (self));

  for (guint i = 0; i < n_handles; i++)
    {
      guint *count = g_hash_table_lookup (self->handle_counts, &handles[i]);

      if (count == NULL)
        {
          count = g_new0 (guint, 1);
          g_hash_table_insert (self->handle_counts, g_memdup2 (&handles[i], sizeof (gint64)), count);
        }
      (*count)++;
    }
}

/* The handles no longer held by anything are released to the agent at once. */
void
hs_session_drop_handles (HsSession    *self,
                         const gint64 *handles,
                         guint         n_handles)
{
  g_autoptr(GArray) released = NULL;

  g_return_if_fail (HS_IS_SESSION (self));

  released = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < n_handles; i++)
    {
      guint *count = g_hash_table_lookup (self->handle_counts, &handles[i]);

      if (count == NULL)
        continue;
      if (--(*count) == 0)
        {
          g_hash_table_remove (self->handle_counts, &handles[i]);
          g_array_append_val (released, handles[i]);
        }
    }
  if (released->len > 0)
    hs_session_release (self, (const gint64 *) released->data, released->len);
}

/* Whether object descriptions may call the script's own __repr__ (bounded
 * in time and length by the agent). Off by default: looking runs no user code. */
void
hs_session_set_allow_repr (HsSession *self,
                           gboolean   allow)
{
  g_return_if_fail (HS_IS_SESSION (self));

  self->allow_repr = allow;
}

/* The requests about objects (hs-wire.c), with this session's choice of
 * whether the agent may describe objects with their __repr__. */
JsonNode *
hs_session_instances_request (HsSession       *self,
                              const char      *type_name,
                              gint64           list_handle,
                              gint64           offset,
                              gint64           limit,
                              HsInstanceOrder  order)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return hs_wire_instances_request (type_name, list_handle, offset, limit, order, self->allow_repr);
}

JsonNode *
hs_session_object_request (HsSession *self,
                           gint64     handle,
                           int        detail)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return hs_wire_object_request (handle, detail, self->allow_repr);
}

JsonNode *
hs_session_referrers_request (HsSession *self,
                              gint64     handle,
                              gint64     limit)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return hs_wire_referrers_request (handle, limit, self->allow_repr);
}

JsonNode *
hs_session_path_request (HsSession *self,
                         gint64     handle)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return hs_wire_path_request (handle, self->allow_repr);
}

gboolean
hs_session_can_retain (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);

  return _hs_session_agent_can (self, self->can_retain);
}

JsonNode *
hs_session_dominators_request (HsSession *self,
                               gint64     handle,
                               gint64     offset,
                               gint64     limit,
                               gboolean   refresh)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return hs_wire_dominators_request (handle, offset, limit, refresh, self->allow_repr);
}

gboolean
hs_session_can_why (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);

  return _hs_session_agent_can (self, self->can_why);
}

JsonNode *
hs_session_why_request (HsSession  *self,
                        const char *type_name,
                        gint64      sample,
                        HsWhyAt     at,
                        const char *label)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return hs_wire_why_request (type_name, sample, at, label, self->allow_repr);
}

/* -- class tracking ------------------------------------------------------------ */

HsClassTracker *
hs_session_get_class_tracker (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  return self->class_tracker;
}

HsClassStats *
hs_session_dup_class_stats (HsSession *self)
{
  g_autoptr(GPtrArray) censuses = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_census_unref);
  guint n;

  g_return_val_if_fail (HS_IS_SESSION (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->samples));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (G_LIST_MODEL (self->samples), i);
      g_ptr_array_add (censuses, hs_census_ref (hs_sample_get_census (sample)));
    }
  return hs_class_stats_new (self->class_tracker, censuses);
}

gboolean
_hs_session_agent_can (HsSession *self,
                       gboolean   capability)
{
  return capability && self->worker != NULL && hs_session_is_live (self);
}

void
_hs_session_query_capable (HsSession           *self,
                           gboolean             capability,
                           const char          *cannot,
                           JsonNode            *request,
                           GTask               *task,
                           GAsyncReadyCallback  callback)
{
  if (!_hs_session_agent_can (self, capability))
    {
      g_task_return_new_error (task, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED, "%s",
                               hs_session_is_live (self) ? cannot : _("The program is not running any more"));
      g_object_unref (task);
      return;
    }
  hs_session_query_async (self, request, g_task_get_cancellable (task), callback, task);
}

gboolean
hs_session_can_track (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);

  return _hs_session_agent_can (self, self->can_track);
}

/* The change shows with the next census: take it now, not at the next tick. */
static void
on_tracking_changed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  HsSession *self = HS_SESSION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (self, result, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (hs_session_is_live (self))
    hs_session_take_snapshot (self, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
send_tracking_request (HsSession           *self,
                       JsonNode            *request,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  _hs_session_query_capable (self, self->can_track,
                             _("This Python cannot track classes (the agent’s C part is missing)"),
                             request, g_steal_pointer (&task), on_tracking_changed);
}

void
hs_session_track_async (HsSession            *self,
                        const HsTrackRequest *request,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (HS_IS_SESSION (self));
  g_return_if_fail (request != NULL);

  node = hs_wire_track_request (request->type_name, request->handle, request->name,
                                CLAMP (request->level, 0, 16), request->keep, request->trace);
  send_tracking_request (self, node, hs_session_track_async, cancellable, callback, user_data);
}

gboolean
hs_session_track_finish (HsSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hs_session_detach_async (HsSession           *self,
                         gint64               class_index,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (HS_IS_SESSION (self));

  node = hs_wire_detach_request (class_index);
  send_tracking_request (self, node, hs_session_detach_async, cancellable, callback, user_data);
}

gboolean
hs_session_detach_finish (HsSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_tracked_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (reply->object == NULL)
    g_task_return_new_error (task, HS_REPLY_ERROR, HS_REPLY_ERROR_FAILED,
                             _("The agent gave no answer"));
  else
    g_task_return_pointer (task, hs_object_ref_copy (reply->object),
                           (GDestroyNotify) hs_object_ref_free);
}

void
hs_session_find_tracked_async (HsSession           *self,
                               gint64               instance,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonNode) request = NULL;
  GTask *task;

  g_return_if_fail (HS_IS_SESSION (self));

  request = hs_wire_tracked_object_request (instance, self->allow_repr);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_session_find_tracked_async);
  hs_session_query_async (self, request, cancellable, on_tracked_found, task);
}

HsObjectRef *
hs_session_find_tracked_finish (HsSession     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
