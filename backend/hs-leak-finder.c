/* hs-leak-finder.c — a session's leak suspects, kept up to date off the
 * main thread
 *
 * One HsLeakScan follows the session's samples from the baseline on. New
 * samples are fed to it in a GTask thread, at most every
 * HS_LEAK_FINDER_DELAY_MS: the main thread only gathers what to feed (a
 * reference to each new census, or its index to read back from the session
 * file) and puts the ranking in the list, so its work grows with the new
 * samples and the suspects, never with samples × types. While a ranking
 * runs, the scan belongs to its thread; it comes back with the ranking.
 *
 * A recording session lets the rows of older samples go (the file keeps
 * them): the finder takes a reference to each census as its sample arrives,
 * and holds it until the next ranking has fed it. Samples whose rows are
 * already gone (a reopened session, or samples from before the finder) are
 * read from the file in the thread.
 *
 * Choosing another baseline starts a new scan (the one under way is
 * cancelled): the ranking is always from the baseline to the latest sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-leak-finder.h"
#include "hs-session-private.h"   /* _hs_session_get_store, any thread */

struct _HsLeakFinder
{
  GObject       parent_instance;

  HsSession    *session;
  GListStore   *suspects;
  HsSample     *baseline;      /* the sample ranked from */
  HsLeakScan   *scan;          /* NULL while a ranking's thread has it */
  guint         next_index;    /* the next sample to feed the scan */
  GHashTable   *kept;          /* sample index → HsCensus: rows taken as samples came */
  GCancellable *cancellable;   /* the ranking under way */
  guint         timeout_id;
  gboolean      again;         /* samples came while a ranking ran */
  gboolean      ranked;
  guint         n_samples;
  double        duration;
  guint         n_types;
  guint         unreadable;
};

G_DEFINE_FINAL_TYPE (HsLeakFinder, hs_leak_finder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  PROP_RANKED,
  PROP_BASELINE,
  PROP_N_SAMPLES,
  PROP_DURATION,
  PROP_N_TYPES,
  PROP_UNREADABLE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void schedule (HsLeakFinder *self,
                      guint         delay_ms);

/* -- The ranking thread ------------------------------------------------------- */

typedef struct
{
  HsSession  *session;     /* released on the main thread, in on_ranked */
  HsLeakScan *scan;
  GArray     *indexes;     /* guint: the samples to feed, in order */
  GPtrArray  *censuses;    /* HsCensus, or NULL to read it from the file */
  GPtrArray  *suspects;    /* the ranking made */
  guint       unreadable;
} Ranking;

static void
census_unref_if_any (gpointer census)
{
  if (census != NULL)
    hs_census_unref (census);
}

static void
ranking_free (Ranking *ranking)
{
  g_clear_object (&ranking->session);
  g_clear_pointer (&ranking->scan, hs_leak_scan_free);
  g_array_unref (ranking->indexes);
  g_ptr_array_unref (ranking->censuses);
  g_clear_pointer (&ranking->suspects, g_ptr_array_unref);
  g_free (ranking);
}

static void
rank_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Ranking *ranking = task_data;
  HsStore *store = NULL;

  for (guint i = 0; i < ranking->indexes->len; i++)
    {
      g_autoptr(HsCensus) read = NULL;
      HsCensus *census = g_ptr_array_index (ranking->censuses, i);

      if (g_task_return_error_if_cancelled (task))
        return;
      if (census == NULL)
        {
          g_autoptr(GError) error = NULL;

          if (store == NULL)
            store = _hs_session_get_store (ranking->session, &error);
          if (store != NULL)
            read = hs_store_read_census (store, g_array_index (ranking->indexes, guint, i), &error);
          if (read == NULL)
            {
              g_debug ("Leaks: sample %u left out: %s", g_array_index (ranking->indexes, guint, i),
                       error != NULL ? error->message : "");
              ranking->unreadable++;
              continue;
            }
          census = read;
        }
      hs_leak_scan_add (ranking->scan, census->time, census->rows, census->n_rows);
    }
  ranking->suspects = hs_leak_scan_rank (ranking->scan);
  g_task_return_boolean (task, TRUE);
}

static void
set_busy (HsLeakFinder *self,
          GCancellable *cancellable)
{
  gboolean was_busy = self->cancellable != NULL;

  g_set_object (&self->cancellable, cancellable);
  if (was_busy != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BUSY]);
}

static void
on_ranked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HsLeakFinder *self = HS_LEAK_FINDER (source);
  Ranking *ranking = g_task_get_task_data (G_TASK (result));
  g_autoptr(HsSession) session = g_steal_pointer (&ranking->session);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  guint n_samples, n_types;
  double duration;

  /* Cancelled: a new baseline, or the finder is going. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL) || cancellable != self->cancellable)
    return;

  g_clear_pointer (&self->scan, hs_leak_scan_free);
  self->scan = g_steal_pointer (&ranking->scan);
  if (ranking->indexes->len > 0)
    self->next_index = g_array_index (ranking->indexes, guint, ranking->indexes->len - 1) + 1;
  n_samples = hs_leak_scan_get_n_samples (self->scan);
  n_types = hs_leak_scan_get_n_types (self->scan);
  duration = hs_leak_scan_get_duration (self->scan);

  g_object_freeze_notify (G_OBJECT (self));
  g_list_store_splice (self->suspects, 0, g_list_model_get_n_items (G_LIST_MODEL (self->suspects)),
                       ranking->suspects->pdata, ranking->suspects->len);
  if (self->n_samples != n_samples)
    {
      self->n_samples = n_samples;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_SAMPLES]);
    }
  if (self->n_types != n_types)
    {
      self->n_types = n_types;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_TYPES]);
    }
  if (self->duration != duration)
    {
      self->duration = duration;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_DURATION]);
    }
  if (ranking->unreadable > 0)
    {
      self->unreadable += ranking->unreadable;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_UNREADABLE]);
    }
  if (!self->ranked)
    {
      self->ranked = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RANKED]);
    }
  set_busy (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));

  if (self->again)
    {
      self->again = FALSE;
      schedule (self, HS_LEAK_FINDER_DELAY_MS);
    }
}

/* Feeds the samples from next_index on to the scan, in a thread. */
static void
start_ranking (HsLeakFinder *self)
{
  GListModel *samples = hs_session_get_samples (self->session);
  guint n = g_list_model_get_n_items (samples);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  Ranking *ranking;

  if (self->baseline == NULL || (self->ranked && self->next_index >= n))
    return;

  ranking = g_new0 (Ranking, 1);
  ranking->session = g_object_ref (self->session);
  ranking->scan = g_steal_pointer (&self->scan);
  ranking->indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  ranking->censuses = g_ptr_array_new_with_free_func (census_unref_if_any);
  for (guint position = self->next_index; position < n; position++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (samples, position);
      guint index = hs_sample_get_index (sample);
      HsCensus *census = NULL;

      if (!g_hash_table_steal_extended (self->kept, GUINT_TO_POINTER (index), NULL, (gpointer *) &census) &&
          hs_sample_has_rows (sample))
        census = hs_census_ref (hs_sample_get_census (sample));
      g_array_append_val (ranking->indexes, index);
      g_ptr_array_add (ranking->censuses, census);
    }
  /* Fed now, or from before the baseline: kept no longer. */
  g_hash_table_remove_all (self->kept);

  cancellable = g_cancellable_new ();
  set_busy (self, cancellable);
  task = g_task_new (self, cancellable, on_ranked, NULL);
  g_task_set_source_tag (task, start_ranking);
  g_task_set_name (task, "[hs] rank leak suspects");
  g_task_set_task_data (task, ranking, (GDestroyNotify) ranking_free);
  g_task_run_in_thread (task, rank_in_thread);
}

static gboolean
on_timeout (gpointer data)
{
  HsLeakFinder *self = data;

  self->timeout_id = 0;
  start_ranking (self);
  return G_SOURCE_REMOVE;
}

/* Ranks again in @delay_ms, with whatever has come by then; or after the
 * ranking under way. */
static void
schedule (HsLeakFinder *self,
          guint         delay_ms)
{
  if (self->session == NULL)
    return;
  if (self->cancellable != NULL)
    {
      self->again = TRUE;
      return;
    }
  if (self->timeout_id != 0)
    return;
  self->timeout_id = g_timeout_add_full (G_PRIORITY_LOW, delay_ms, on_timeout, self, NULL);
  g_source_set_name_by_id (self->timeout_id, "[hs] rank leak suspects");
}

/* -- Following the session ------------------------------------------------------ */

static HsSample *
chosen_baseline (HsLeakFinder *self)
{
  HsSample *baseline = hs_session_get_baseline_sample (self->session);

  return baseline != NULL ? baseline : hs_session_get_first_sample (self->session);
}

/* A new scan from the baseline; the ranking under way, if any, is dropped. */
static void
restart (HsLeakFinder *self)
{
  HsSample *baseline = chosen_baseline (self);
  gboolean was_ranked = self->ranked;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->again = FALSE;
  g_clear_pointer (&self->scan, hs_leak_scan_free);
  self->scan = hs_leak_scan_new ();
  self->next_index = baseline != NULL ? hs_sample_get_index (baseline) : 0;
  self->ranked = FALSE;
  self->unreadable = 0;

  g_object_freeze_notify (G_OBJECT (self));
  set_busy (self, NULL);
  if (g_set_object (&self->baseline, baseline))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BASELINE]);
  g_list_store_remove_all (self->suspects);
  if (was_ranked)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RANKED]);
  g_object_thaw_notify (G_OBJECT (self));
  schedule (self, 0);
}

static void
on_samples_changed (GListModel   *samples,
                    guint         position,
                    guint         removed,
                    guint         added,
                    HsLeakFinder *self)
{
  if (removed > 0 || self->baseline == NULL)
    {
      restart (self);
      return;
    }
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(HsSample) sample = g_list_model_get_item (samples, i);
      guint index = hs_sample_get_index (sample);

      /* Its rows, before the session lets them go. */
      if (index >= self->next_index && hs_sample_has_rows (sample))
        g_hash_table_insert (self->kept, GUINT_TO_POINTER (index),
                             hs_census_ref (hs_sample_get_census (sample)));
    }
  schedule (self, HS_LEAK_FINDER_DELAY_MS);
}

static void
on_baseline_changed (HsSession    *session,
                     GParamSpec   *pspec,
                     HsLeakFinder *self)
{
  if (chosen_baseline (self) != self->baseline)
    restart (self);
}

/* -- GObject ------------------------------------------------------------------ */

static void
hs_leak_finder_dispose (GObject *object)
{
  HsLeakFinder *self = HS_LEAK_FINDER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (hs_session_get_samples (self->session), self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
  g_clear_object (&self->baseline);
  g_hash_table_remove_all (self->kept);
  G_OBJECT_CLASS (hs_leak_finder_parent_class)->dispose (object);
}

static void
hs_leak_finder_finalize (GObject *object)
{
  HsLeakFinder *self = HS_LEAK_FINDER (object);

  g_clear_pointer (&self->scan, hs_leak_scan_free);
  g_hash_table_unref (self->kept);
  g_object_unref (self->suspects);
  G_OBJECT_CLASS (hs_leak_finder_parent_class)->finalize (object);
}

static void
hs_leak_finder_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HsLeakFinder *self = HS_LEAK_FINDER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, hs_leak_finder_get_busy (self));
      break;
    case PROP_RANKED:
      g_value_set_boolean (value, self->ranked);
      break;
    case PROP_BASELINE:
      g_value_set_object (value, self->baseline);
      break;
    case PROP_N_SAMPLES:
      g_value_set_uint (value, self->n_samples);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;
    case PROP_N_TYPES:
      g_value_set_uint (value, self->n_types);
      break;
    case PROP_UNREADABLE:
      g_value_set_uint (value, self->unreadable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_leak_finder_class_init (HsLeakFinderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hs_leak_finder_dispose;
  object_class->finalize = hs_leak_finder_finalize;
  object_class->get_property = hs_leak_finder_get_property;

  properties [PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, HS_TYPE_SESSION, flags);
  properties [PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags);
  properties [PROP_RANKED] = g_param_spec_boolean ("ranked", NULL, NULL, FALSE, flags);
  properties [PROP_BASELINE] = g_param_spec_object ("baseline", NULL, NULL, HS_TYPE_SAMPLE, flags);
  properties [PROP_N_SAMPLES] = g_param_spec_uint ("n-samples", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties [PROP_N_TYPES] = g_param_spec_uint ("n-types", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_UNREADABLE] = g_param_spec_uint ("unreadable", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_leak_finder_init (HsLeakFinder *self)
{
  self->suspects = g_list_store_new (HS_TYPE_LEAK_SUSPECT);
  self->kept = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) hs_census_unref);
}

HsLeakFinder *
hs_leak_finder_new (HsSession *session)
{
  HsLeakFinder *self;

  g_return_val_if_fail (HS_IS_SESSION (session), NULL);

  self = g_object_new (HS_TYPE_LEAK_FINDER, NULL);
  self->session = g_object_ref (session);
  g_signal_connect (hs_session_get_samples (session), "items-changed", G_CALLBACK (on_samples_changed), self);
  g_signal_connect (session, "notify::baseline-sample", G_CALLBACK (on_baseline_changed), self);
  restart (self);
  return self;
}

HsSession *
hs_leak_finder_get_session (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), NULL);
  return self->session;
}

GListModel *
hs_leak_finder_get_suspects (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), NULL);
  return G_LIST_MODEL (self->suspects);
}

gboolean
hs_leak_finder_get_busy (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
hs_leak_finder_get_ranked (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), FALSE);
  return self->ranked;
}

HsSample *
hs_leak_finder_get_baseline (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), NULL);
  return self->baseline;
}

guint
hs_leak_finder_get_n_samples (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), 0);
  return self->n_samples;
}

double
hs_leak_finder_get_duration (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), 0);
  return self->duration;
}

guint
hs_leak_finder_get_n_types (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), 0);
  return self->n_types;
}

guint
hs_leak_finder_get_unreadable (HsLeakFinder *self)
{
  g_return_val_if_fail (HS_IS_LEAK_FINDER (self), 0);
  return self->unreadable;
}
