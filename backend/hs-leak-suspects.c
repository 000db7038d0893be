/* hs-leak-suspects.c — which types grow steadily over a run, ranked: the
 * suspects of a leak
 *
 * Pympler's tracker diffs say what changed between two points; a leak is a
 * type that keeps growing over many of them. The scan follows each type's
 * count and size from census to census, keeping only what the rule below
 * needs (where the series started, where it is, its peak, how often and how
 * much it rose and fell), so a census costs its rows and the scan's memory
 * does not grow with the run.
 *
 * THE RULE. Over censuses v₀ … vₙ of one series (a type's count, or its
 * size), with v₀ the census the scan started from (a type absent from a
 * census counts 0 there):
 *
 *   growth = vₙ − v₀, rises = steps where it went up, falls = steps where it
 *   went down, risen = the sum of the amounts it went up by, peak = max vᵢ.
 *
 *   The series grows steadily when all of these hold:
 *   1. it ended above where it started by a clear margin:
 *        growth ≥ max (10 objects, 1 % of v₀) for a count,
 *        growth ≥ max (16 KiB, 1 % of v₀) for a size;
 *   2. it rose in many steps, not once, and fell in few:
 *        rises ≥ 3 and rises ≥ 2 × falls;
 *   3. it kept most of what it gained: growth ≥ 70 % of risen. A spike
 *      that went away, or a cache that fills and empties (a sawtooth),
 *      gave back most of what it gained, however it ends;
 *   4. it ends near its peak: growth ≥ 80 % of (peak − v₀).
 *
 *   A type is a suspect when its count grows steadily, or its size does (a
 *   few objects that keep getting bigger leak too).
 *
 * THE SCORE it is ranked by: the bytes it grew by, times its steadiness
 * (rises − falls) / (rises + falls), which the rule keeps within [⅓, 1]: a
 * type that only ever went up counts in full. Equal scores: the steadier
 * first, then the one that gained more objects, then by name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hs-leak-suspects.h"

#define MIN_COUNT_GROWTH 10
#define MIN_SIZE_GROWTH  (16 * 1024)
#define MIN_RISES        (HS_LEAK_MIN_SAMPLES - 1)
#define KEPT_RATIO       0.7
#define NEAR_PEAK_RATIO  0.8

/* -- HsLeakSuspect ------------------------------------------------------------ */

struct _HsLeakSuspect
{
  GObject  parent_instance;

  char    *name;
  guint    rank;
  gint64   count;
  gint64   size;
  gint64   delta_count;
  gint64   delta_size;
  double   count_rate;
  double   size_rate;
  guint    rises;
  guint    falls;
  guint    steps;
  gboolean by_size;
  double   steadiness;
  double   score;
  double  *times;
  double  *points;
  guint    n_points;
};

G_DEFINE_FINAL_TYPE (HsLeakSuspect, hs_leak_suspect, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_RANK,
  PROP_COUNT,
  PROP_SIZE,
  PROP_DELTA_COUNT,
  PROP_DELTA_SIZE,
  PROP_COUNT_RATE,
  PROP_SIZE_RATE,
  PROP_RISES,
  PROP_FALLS,
  PROP_STEPS,
  PROP_SCORE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
hs_leak_suspect_finalize (GObject *object)
{
  HsLeakSuspect *self = (HsLeakSuspect *) object;

  g_free (self->name);
  g_free (self->times);
  g_free (self->points);
  G_OBJECT_CLASS (hs_leak_suspect_parent_class)->finalize (object);
}

/* A row showing what @source shows (see HsTypeRows). */
HsLeakSuspect *
hs_leak_suspect_copy (HsLeakSuspect *source)
{
  HsLeakSuspect *self;

  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (source), NULL);

  self = g_object_new (HS_TYPE_LEAK_SUSPECT, NULL);
  hs_leak_suspect_assign (self, source);
  return self;
}

/* Makes @self show what @source shows, name included, and emits "changed". */
void
hs_leak_suspect_assign (HsLeakSuspect *self,
                        HsLeakSuspect *source)
{
  g_return_if_fail (HS_IS_LEAK_SUSPECT (self));
  g_return_if_fail (HS_IS_LEAK_SUSPECT (source));

  if (g_strcmp0 (self->name, source->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (source->name);
    }
  self->rank = source->rank;
  self->count = source->count;
  self->size = source->size;
  self->delta_count = source->delta_count;
  self->delta_size = source->delta_size;
  self->count_rate = source->count_rate;
  self->size_rate = source->size_rate;
  self->rises = source->rises;
  self->falls = source->falls;
  self->steps = source->steps;
  self->by_size = source->by_size;
  self->steadiness = source->steadiness;
  self->score = source->score;
  g_free (self->times);
  g_free (self->points);
  self->times = source->n_points > 0 ? g_memdup2 (source->times, sizeof (double) * source->n_points) : NULL;
  self->points = source->n_points > 0 ? g_memdup2 (source->points, sizeof (double) * source->n_points) : NULL;
  self->n_points = source->n_points;
  g_signal_emit (self, signals [CHANGED], 0);
}

static void
hs_leak_suspect_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HsLeakSuspect *self = HS_LEAK_SUSPECT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_RANK:
      g_value_set_uint (value, self->rank);
      break;
    case PROP_COUNT:
      g_value_set_int64 (value, self->count);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_DELTA_COUNT:
      g_value_set_int64 (value, self->delta_count);
      break;
    case PROP_DELTA_SIZE:
      g_value_set_int64 (value, self->delta_size);
      break;
    case PROP_COUNT_RATE:
      g_value_set_double (value, self->count_rate);
      break;
    case PROP_SIZE_RATE:
      g_value_set_double (value, self->size_rate);
      break;
    case PROP_RISES:
      g_value_set_uint (value, self->rises);
      break;
    case PROP_FALLS:
      g_value_set_uint (value, self->falls);
      break;
    case PROP_STEPS:
      g_value_set_uint (value, self->steps);
      break;
    case PROP_SCORE:
      g_value_set_double (value, self->score);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_leak_suspect_class_init (HsLeakSuspectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hs_leak_suspect_finalize;
  object_class->get_property = hs_leak_suspect_get_property;

  /* It shows another suspect, or the same one ranked again (hs_leak_suspect_assign). */
  signals [CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  properties [PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties [PROP_RANK] = g_param_spec_uint ("rank", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_COUNT] = g_param_spec_int64 ("count", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties [PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties [PROP_DELTA_COUNT] = g_param_spec_int64 ("delta-count", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties [PROP_DELTA_SIZE] = g_param_spec_int64 ("delta-size", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties [PROP_COUNT_RATE] = g_param_spec_double ("count-rate", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties [PROP_SIZE_RATE] = g_param_spec_double ("size-rate", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties [PROP_RISES] = g_param_spec_uint ("rises", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_FALLS] = g_param_spec_uint ("falls", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_STEPS] = g_param_spec_uint ("steps", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_SCORE] = g_param_spec_double ("score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_leak_suspect_init (HsLeakSuspect *self)
{
}

const char *
hs_leak_suspect_get_name (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), NULL);
  return self->name;
}

guint
hs_leak_suspect_get_rank (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->rank;
}

gint64
hs_leak_suspect_get_count (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->count;
}

gint64
hs_leak_suspect_get_size (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->size;
}

gint64
hs_leak_suspect_get_delta_count (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->delta_count;
}

gint64
hs_leak_suspect_get_delta_size (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->delta_size;
}

double
hs_leak_suspect_get_count_rate (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->count_rate;
}

double
hs_leak_suspect_get_size_rate (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->size_rate;
}

guint
hs_leak_suspect_get_rises (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->rises;
}

guint
hs_leak_suspect_get_falls (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->falls;
}

guint
hs_leak_suspect_get_steps (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->steps;
}

gboolean
hs_leak_suspect_get_by_size (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), FALSE);
  return self->by_size;
}

double
hs_leak_suspect_get_score (HsLeakSuspect *self)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), 0);
  return self->score;
}

const double *
hs_leak_suspect_get_points (HsLeakSuspect  *self,
                            const double  **times,
                            guint          *n_points)
{
  g_return_val_if_fail (HS_IS_LEAK_SUSPECT (self), NULL);
  g_return_val_if_fail (n_points != NULL, NULL);

  if (times != NULL)
    *times = self->times;
  *n_points = self->n_points;
  return self->points;
}

/* -- HsLeakScan --------------------------------------------------------------- */

typedef struct
{
  gint64 start;
  gint64 last;
  gint64 peak;
  gint64 risen;     /* the sum of the amounts it went up by */
  guint  rises;
  guint  falls;
} Track;

typedef struct
{
  char   *name;
  guint   seen;     /* the census (from 1) that last had it */
  Track   count;
  Track   size;
  gint64 *points;   /* its count, then its size, at the last census of each
                     * stretch of the run: 2 × HS_LEAK_MAX_POINTS */
} Slot;

struct _HsLeakScan
{
  GHashTable *slots_by_name;   /* borrowed name → Slot */
  GPtrArray  *slots;           /* Slot, in the order they came */
  guint       n_samples;
  double      first_time;
  double      last_time;
  guint       stretch;         /* censuses per point: a power of two */
  guint       n_points;
  double      times[HS_LEAK_MAX_POINTS];
};

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  g_free (slot->name);
  g_free (slot->points);
  g_free (slot);
}

HsLeakScan *
hs_leak_scan_new (void)
{
  HsLeakScan *self = g_new0 (HsLeakScan, 1);

  self->slots_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->slots = g_ptr_array_new_with_free_func (slot_free);
  self->stretch = 1;
  return self;
}

void
hs_leak_scan_free (HsLeakScan *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->slots_by_name);
  g_ptr_array_unref (self->slots);
  g_free (self);
}

static void
track_start (Track  *track,
             gint64  value)
{
  track->start = track->last = track->peak = value;
}

static void
track_step (Track  *track,
            gint64  value)
{
  if (value > track->last)
    {
      track->rises++;
      track->risen += value - track->last;
    }
  else if (value < track->last)
    track->falls++;
  track->last = value;
  track->peak = MAX (track->peak, value);
}

/* The point census number @index goes to. When the points are full, each
 * pair becomes one (its later census) and a point stands for twice as many
 * censuses: any length of run fits in HS_LEAK_MAX_POINTS. */
static guint
place_point (HsLeakScan *self,
             guint       index,
             double      time)
{
  guint point = index / self->stretch;

  if (point >= HS_LEAK_MAX_POINTS)
    {
      guint half = HS_LEAK_MAX_POINTS / 2;

      for (guint i = 0; i < half; i++)
        self->times[i] = self->times[2 * i + 1];
      for (guint s = 0; s < self->slots->len; s++)
        {
          Slot *slot = g_ptr_array_index (self->slots, s);

          gint64 *counts = slot->points;
          gint64 *sizes = slot->points + HS_LEAK_MAX_POINTS;

          for (guint i = 0; i < half; i++)
            {
              counts[i] = counts[2 * i + 1];
              sizes[i] = sizes[2 * i + 1];
            }
          memset (counts + half, 0, sizeof (gint64) * (HS_LEAK_MAX_POINTS - half));
          memset (sizes + half, 0, sizeof (gint64) * (HS_LEAK_MAX_POINTS - half));
        }
      self->stretch *= 2;
      point = index / self->stretch;
      g_assert (point < HS_LEAK_MAX_POINTS);
    }
  self->times[point] = time;
  self->n_points = point + 1;
  return point;
}

void
hs_leak_scan_add (HsLeakScan        *self,
                  double             time,
                  const HsCensusRow *rows,
                  guint              n_rows)
{
  guint index;
  guint point;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rows != NULL || n_rows == 0);

  index = self->n_samples++;
  if (index == 0)
    self->first_time = time;
  self->last_time = time;
  point = place_point (self, index, time);

  for (guint r = 0; r < n_rows; r++)
    {
      const HsCensusRow *row = &rows[r];
      Slot *slot = g_hash_table_lookup (self->slots_by_name, row->name);

      if (slot == NULL)
        {
          slot = g_new0 (Slot, 1);
          slot->name = g_strdup (row->name);
          slot->points = g_new0 (gint64, 2 * HS_LEAK_MAX_POINTS);
          g_ptr_array_add (self->slots, slot);
          g_hash_table_insert (self->slots_by_name, slot->name, slot);
          /* Absent until now: it had 0 in every census before. */
          track_start (&slot->count, index == 0 ? row->count : 0);
          track_start (&slot->size, index == 0 ? row->size : 0);
        }
      else if (slot->seen == index + 1)
        continue;   /* a census names each type once; a second row is ignored */
      if (index > 0)
        {
          track_step (&slot->count, row->count);
          track_step (&slot->size, row->size);
        }
      slot->seen = index + 1;
      slot->points[point] = row->count;
      slot->points[HS_LEAK_MAX_POINTS + point] = row->size;
    }

  /* The types this census does not name have none left. */
  for (guint s = 0; s < self->slots->len; s++)
    {
      Slot *slot = g_ptr_array_index (self->slots, s);

      if (slot->seen == index + 1)
        continue;
      track_step (&slot->count, 0);
      track_step (&slot->size, 0);
      slot->points[point] = 0;
      slot->points[HS_LEAK_MAX_POINTS + point] = 0;
    }
}

guint
hs_leak_scan_get_n_samples (HsLeakScan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_samples;
}

guint
hs_leak_scan_get_n_types (HsLeakScan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->slots->len;
}

double
hs_leak_scan_get_duration (HsLeakScan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_samples > 0 ? self->last_time - self->first_time : 0;
}

/* The rule, on one series (see the top of the file). */
static gboolean
grows_steadily (const Track *track,
                gint64       min_growth)
{
  gint64 growth = track->last - track->start;
  gint64 margin = MAX (min_growth, track->start / 100);

  return growth > 0 && growth >= margin &&
         track->rises >= MIN_RISES && track->rises >= 2 * track->falls &&
         (double) growth >= KEPT_RATIO * (double) track->risen &&
         (double) growth >= NEAR_PEAK_RATIO * (double) (track->peak - track->start);
}

static double
per_minute (gint64 delta,
            double duration)
{
  return duration > 0 ? (double) delta * 60.0 / duration : 0;
}

static HsLeakSuspect *
suspect_new (HsLeakScan *self,
             Slot       *slot,
             const Track *steady)
{
  HsLeakSuspect *suspect = g_object_new (HS_TYPE_LEAK_SUSPECT, NULL);
  double duration = hs_leak_scan_get_duration (self);

  suspect->name = g_strdup (slot->name);
  suspect->count = slot->count.last;
  suspect->size = slot->size.last;
  suspect->delta_count = slot->count.last - slot->count.start;
  suspect->delta_size = slot->size.last - slot->size.start;
  suspect->count_rate = per_minute (suspect->delta_count, duration);
  suspect->size_rate = per_minute (suspect->delta_size, duration);
  suspect->rises = steady->rises;
  suspect->falls = steady->falls;
  suspect->steps = self->n_samples - 1;
  suspect->by_size = steady == &slot->size;
  suspect->steadiness = (double) (steady->rises - steady->falls) / (double) (steady->rises + steady->falls);
  suspect->score = (double) MAX (suspect->delta_size, 0) * suspect->steadiness;
  suspect->n_points = self->n_points;
  suspect->times = g_memdup2 (self->times, sizeof (double) * self->n_points);
  suspect->points = g_new (double, self->n_points);
  for (guint i = 0; i < self->n_points; i++)
    suspect->points[i] = (double) slot->points[(suspect->by_size ? HS_LEAK_MAX_POINTS : 0) + i];
  return suspect;
}

static int
compare_suspects (gconstpointer a,
                  gconstpointer b)
{
  const HsLeakSuspect *one = *(HsLeakSuspect * const *) a;
  const HsLeakSuspect *other = *(HsLeakSuspect * const *) b;

  if (one->score != other->score)
    return one->score > other->score ? -1 : 1;
  if (one->steadiness != other->steadiness)
    return one->steadiness > other->steadiness ? -1 : 1;
  if (one->delta_count != other->delta_count)
    return one->delta_count > other->delta_count ? -1 : 1;
  return strcmp (one->name, other->name);
}

GPtrArray *
hs_leak_scan_rank (HsLeakScan *self)
{
  GPtrArray *suspects = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (self != NULL, suspects);

  if (self->n_samples < 2)
    return suspects;
  for (guint s = 0; s < self->slots->len; s++)
    {
      Slot *slot = g_ptr_array_index (self->slots, s);
      const Track *steady = NULL;

      if (grows_steadily (&slot->count, MIN_COUNT_GROWTH))
        steady = &slot->count;
      else if (grows_steadily (&slot->size, MIN_SIZE_GROWTH))
        steady = &slot->size;
      if (steady != NULL)
        g_ptr_array_add (suspects, suspect_new (self, slot, steady));
    }
  g_ptr_array_sort (suspects, compare_suspects);
  for (guint i = 0; i < suspects->len; i++)
    ((HsLeakSuspect *) g_ptr_array_index (suspects, i))->rank = i + 1;
  return suspects;
}
