/* hs-class-tracker.c — the tracked classes of a session and their instances
 *
 * Reports are applied in sample order.  A report lists the sizes of the live
 * tracked instances; one read back from a file lists only those that changed
 * (hs-store-classes.c), so the figures of a class are kept as running totals
 * of its live instances — births add to them once measured, size changes
 * move them, deaths take away — and both kinds of report end the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "hs-class-tracker.h"
#include "hs-reply.h"

/* -- HsTrackedClass ------------------------------------------------------------- */

struct _HsTrackedClass
{
  GObject   parent_instance;

  HsTrackedClassInfo info;
  gint64    born;
  gint64    live;             /* live instances measured, now */
  gint64    live_size;        /* their total size, now */
  GArray   *points;           /* HsClassPoint */
  gint64    shown_count;
  gint64    shown_size;
  double    shown_percent;
};

enum
{
  CLASS_PROP_0,
  CLASS_PROP_INDEX,
  CLASS_PROP_NAME,
  CLASS_PROP_TYPE_NAME,
  CLASS_PROP_IS_OBJECT,
  CLASS_PROP_LEVEL,
  CLASS_PROP_KEEP,
  CLASS_PROP_TRACE,
  CLASS_PROP_ACTIVE,
  CLASS_PROP_BORN,
  CLASS_PROP_COUNT,
  CLASS_PROP_SIZE,
  CLASS_PROP_AVERAGE,
  CLASS_PROP_PERCENT,
  CLASS_PROP_POINTS_CHANGED,
  N_CLASS_PROPS
};

static GParamSpec *class_props[N_CLASS_PROPS];

G_DEFINE_FINAL_TYPE (HsTrackedClass, hs_tracked_class, G_TYPE_OBJECT)

static void
hs_tracked_class_finalize (GObject *object)
{
  HsTrackedClass *self = HS_TRACKED_CLASS (object);

  g_free (self->info.name);
  g_free (self->info.type_name);
  g_array_unref (self->points);
  G_OBJECT_CLASS (hs_tracked_class_parent_class)->finalize (object);
}

static void
hs_tracked_class_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HsTrackedClass *self = HS_TRACKED_CLASS (object);

  switch (prop_id)
    {
    case CLASS_PROP_INDEX: g_value_set_int64 (value, self->info.index); break;
    case CLASS_PROP_NAME: g_value_set_string (value, self->info.name); break;
    case CLASS_PROP_TYPE_NAME: g_value_set_string (value, self->info.type_name); break;
    case CLASS_PROP_IS_OBJECT: g_value_set_boolean (value, self->info.is_object); break;
    case CLASS_PROP_LEVEL: g_value_set_int (value, self->info.level); break;
    case CLASS_PROP_KEEP: g_value_set_boolean (value, self->info.keep); break;
    case CLASS_PROP_TRACE: g_value_set_boolean (value, self->info.trace); break;
    case CLASS_PROP_ACTIVE: g_value_set_boolean (value, self->info.active); break;
    case CLASS_PROP_BORN: g_value_set_int64 (value, self->born); break;
    case CLASS_PROP_COUNT: g_value_set_int64 (value, self->shown_count); break;
    case CLASS_PROP_SIZE: g_value_set_int64 (value, self->shown_size); break;
    case CLASS_PROP_AVERAGE: g_value_set_int64 (value, hs_tracked_class_get_average (self)); break;
    case CLASS_PROP_PERCENT: g_value_set_double (value, self->shown_percent); break;
    case CLASS_PROP_POINTS_CHANGED: g_value_set_uint (value, self->points->len); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_tracked_class_class_init (HsTrackedClassClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_tracked_class_finalize;
  object_class->get_property = hs_tracked_class_get_property;

  class_props[CLASS_PROP_INDEX] = g_param_spec_int64 ("index", NULL, NULL, 0, G_MAXINT64, 0, flags);
  class_props[CLASS_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  class_props[CLASS_PROP_TYPE_NAME] = g_param_spec_string ("type-name", NULL, NULL, NULL, flags);
  class_props[CLASS_PROP_IS_OBJECT] = g_param_spec_boolean ("is-object", NULL, NULL, FALSE, flags);
  class_props[CLASS_PROP_LEVEL] = g_param_spec_int ("level", NULL, NULL, 0, 16, 0, flags);
  class_props[CLASS_PROP_KEEP] = g_param_spec_boolean ("keep", NULL, NULL, FALSE, flags);
  class_props[CLASS_PROP_TRACE] = g_param_spec_boolean ("trace", NULL, NULL, FALSE, flags);
  class_props[CLASS_PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);
  class_props[CLASS_PROP_BORN] = g_param_spec_int64 ("born", NULL, NULL, 0, G_MAXINT64, 0, flags);
  class_props[CLASS_PROP_COUNT] = g_param_spec_int64 ("count", NULL, NULL, 0, G_MAXINT64, 0, flags);
  class_props[CLASS_PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  class_props[CLASS_PROP_AVERAGE] = g_param_spec_int64 ("average", NULL, NULL, 0, G_MAXINT64, 0, flags);
  class_props[CLASS_PROP_PERCENT] = g_param_spec_double ("percent", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  class_props[CLASS_PROP_POINTS_CHANGED] = g_param_spec_uint ("points-changed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_CLASS_PROPS, class_props);
}

static void
hs_tracked_class_init (HsTrackedClass *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (HsClassPoint));
}

gint64 hs_tracked_class_get_index (HsTrackedClass *self) { return self->info.index; }
const char *hs_tracked_class_get_name (HsTrackedClass *self) { return self->info.name; }
const char *hs_tracked_class_get_type_name (HsTrackedClass *self) { return self->info.type_name; }
gboolean hs_tracked_class_get_is_object (HsTrackedClass *self) { return self->info.is_object; }
int hs_tracked_class_get_level (HsTrackedClass *self) { return self->info.level; }
gboolean hs_tracked_class_get_keep (HsTrackedClass *self) { return self->info.keep; }
gboolean hs_tracked_class_get_trace (HsTrackedClass *self) { return self->info.trace; }
gboolean hs_tracked_class_get_active (HsTrackedClass *self) { return self->info.active; }
gint64 hs_tracked_class_get_born (HsTrackedClass *self) { return self->born; }
gint64 hs_tracked_class_get_count (HsTrackedClass *self) { return self->shown_count; }
gint64 hs_tracked_class_get_size (HsTrackedClass *self) { return self->shown_size; }
double hs_tracked_class_get_percent (HsTrackedClass *self) { return self->shown_percent; }

gint64
hs_tracked_class_get_average (HsTrackedClass *self)
{
  return self->shown_count > 0 ? self->shown_size / self->shown_count : 0;
}

const HsClassPoint *
hs_tracked_class_get_points (HsTrackedClass *self,
                             guint          *n_points)
{
  *n_points = self->points->len;
  return (const HsClassPoint *) self->points->data;
}

/* The point of @sample, or NULL if the class was not measured then. */
static const HsClassPoint *
point_at (HsTrackedClass *self,
          guint           sample)
{
  guint low = 0, high = self->points->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const HsClassPoint *point = &g_array_index (self->points, HsClassPoint, middle);

      if (point->sample == sample)
        return point;
      if (point->sample < sample)
        low = middle + 1;
      else
        high = middle;
    }
  return NULL;
}

/* -- HsTrackedInstance ---------------------------------------------------------- */

struct _HsTrackedInstance
{
  GObject          parent_instance;

  HsClassTracker  *tracker;   /* not a reference: the tracker owns its instances */
  HsTrackedClass  *klass;     /* ditto */
  gint64           instance;
  gint64           address;
  double           birth;
  double           death;
  gint64           trace;
  char            *text;
  gint64           peak;
  gboolean         measured;
  gboolean         tsize_pending;   /* its size changed since the peak sample */
  GArray          *sizes;     /* HsSizeChange */
  HsSizeNode      *detail;
};

enum
{
  INSTANCE_PROP_0,
  INSTANCE_PROP_INSTANCE,
  INSTANCE_PROP_CLASS_INDEX,
  INSTANCE_PROP_CLASS_NAME,
  INSTANCE_PROP_ADDRESS,
  INSTANCE_PROP_BIRTH,
  INSTANCE_PROP_DEATH,
  INSTANCE_PROP_ALIVE,
  INSTANCE_PROP_TEXT,
  INSTANCE_PROP_SIZE,
  INSTANCE_PROP_TSIZE,
  INSTANCE_PROP_LAST_SIZE,
  INSTANCE_PROP_TRACE,
  N_INSTANCE_PROPS
};

static GParamSpec *instance_props[N_INSTANCE_PROPS];

G_DEFINE_FINAL_TYPE (HsTrackedInstance, hs_tracked_instance, G_TYPE_OBJECT)

static void
hs_tracked_instance_finalize (GObject *object)
{
  HsTrackedInstance *self = HS_TRACKED_INSTANCE (object);

  g_free (self->text);
  g_array_unref (self->sizes);
  g_clear_pointer (&self->detail, hs_size_node_free);
  G_OBJECT_CLASS (hs_tracked_instance_parent_class)->finalize (object);
}

static void
hs_tracked_instance_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HsTrackedInstance *self = HS_TRACKED_INSTANCE (object);

  switch (prop_id)
    {
    case INSTANCE_PROP_INSTANCE: g_value_set_int64 (value, self->instance); break;
    case INSTANCE_PROP_CLASS_INDEX: g_value_set_int64 (value, self->klass->info.index); break;
    case INSTANCE_PROP_CLASS_NAME: g_value_set_string (value, self->klass->info.name); break;
    case INSTANCE_PROP_ADDRESS: g_value_set_int64 (value, self->address); break;
    case INSTANCE_PROP_BIRTH: g_value_set_double (value, self->birth); break;
    case INSTANCE_PROP_DEATH: g_value_set_double (value, self->death); break;
    case INSTANCE_PROP_ALIVE: g_value_set_boolean (value, self->death < 0); break;
    case INSTANCE_PROP_TEXT: g_value_set_string (value, self->text); break;
    case INSTANCE_PROP_SIZE: g_value_set_int64 (value, self->peak); break;
    case INSTANCE_PROP_TSIZE: g_value_set_int64 (value, hs_tracked_instance_get_tsize (self)); break;
    case INSTANCE_PROP_LAST_SIZE: g_value_set_int64 (value, hs_tracked_instance_get_last_size (self)); break;
    case INSTANCE_PROP_TRACE: g_value_set_int64 (value, self->trace); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_tracked_instance_class_init (HsTrackedInstanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hs_tracked_instance_finalize;
  object_class->get_property = hs_tracked_instance_get_property;

  instance_props[INSTANCE_PROP_INSTANCE] = g_param_spec_int64 ("instance", NULL, NULL, 0, G_MAXINT64, 0, flags);
  instance_props[INSTANCE_PROP_CLASS_INDEX] = g_param_spec_int64 ("class-index", NULL, NULL, 0, G_MAXINT64, 0, flags);
  instance_props[INSTANCE_PROP_CLASS_NAME] = g_param_spec_string ("class-name", NULL, NULL, NULL, flags);
  instance_props[INSTANCE_PROP_ADDRESS] = g_param_spec_int64 ("address", NULL, NULL, 0, G_MAXINT64, 0, flags);
  instance_props[INSTANCE_PROP_BIRTH] = g_param_spec_double ("birth", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  instance_props[INSTANCE_PROP_DEATH] = g_param_spec_double ("death", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  instance_props[INSTANCE_PROP_ALIVE] = g_param_spec_boolean ("alive", NULL, NULL, TRUE, flags);
  instance_props[INSTANCE_PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  instance_props[INSTANCE_PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  instance_props[INSTANCE_PROP_TSIZE] = g_param_spec_int64 ("tsize", NULL, NULL, 0, G_MAXINT64, 0, flags);
  instance_props[INSTANCE_PROP_LAST_SIZE] = g_param_spec_int64 ("last-size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  instance_props[INSTANCE_PROP_TRACE] = g_param_spec_int64 ("trace", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_INSTANCE_PROPS, instance_props);
}

static void
hs_tracked_instance_init (HsTrackedInstance *self)
{
  self->sizes = g_array_new (FALSE, FALSE, sizeof (HsSizeChange));
  self->death = -1;
}

gint64 hs_tracked_instance_get_instance (HsTrackedInstance *self) { return self->instance; }
gint64 hs_tracked_instance_get_class_index (HsTrackedInstance *self) { return self->klass->info.index; }
const char *hs_tracked_instance_get_class_name (HsTrackedInstance *self) { return self->klass->info.name; }
gint64 hs_tracked_instance_get_address (HsTrackedInstance *self) { return self->address; }
double hs_tracked_instance_get_birth (HsTrackedInstance *self) { return self->birth; }
double hs_tracked_instance_get_death (HsTrackedInstance *self) { return self->death; }
gboolean hs_tracked_instance_get_alive (HsTrackedInstance *self) { return self->death < 0; }
const char *hs_tracked_instance_get_text (HsTrackedInstance *self) { return self->text; }
gint64 hs_tracked_instance_get_size (HsTrackedInstance *self) { return self->peak; }
gint64 hs_tracked_instance_get_trace (HsTrackedInstance *self) { return self->trace; }
const HsSizeNode *hs_tracked_instance_get_detail (HsTrackedInstance *self) { return self->detail; }

gint64
hs_tracked_instance_get_last_size (HsTrackedInstance *self)
{
  return self->sizes->len ? g_array_index (self->sizes, HsSizeChange, self->sizes->len - 1).size : 0;
}

const HsSizeChange *
hs_tracked_instance_get_sizes (HsTrackedInstance *self,
                               guint             *n_changes)
{
  *n_changes = self->sizes->len;
  return (const HsSizeChange *) self->sizes->data;
}

/* -- HsClassTracker ------------------------------------------------------------- */

struct _HsClassTracker
{
  GObject      parent_instance;

  GListStore  *classes;       /* HsTrackedClass */
  GListStore  *instances;     /* HsTrackedInstance, by instance id */
  GHashTable  *class_by_index;      /* gint64 * → HsTrackedClass (borrowed) */
  GHashTable  *instance_by_id;      /* gint64 * → HsTrackedInstance (borrowed) */
  GHashTable  *traces;              /* gint64 * → HsTrace (owned) */
  GArray      *sample_times;        /* double by sample position; NAN where none */
  GArray      *sample_rss;          /* gint64 by sample position */
  GPtrArray   *sample_labels;       /* char * by sample position, NULL where none */
  int          peak_sample;
  gint64       peak_total;
  GPtrArray   *tsize_pending;       /* HsTrackedInstance whose tsize changes with the next peak */
  int          shown_sample;        /* -1: the last */
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HsClassTracker, hs_class_tracker, G_TYPE_OBJECT)

/* The instance's last measured size at @sample (a binary search of its changes). */
gint64
hs_tracked_instance_get_size_at (HsTrackedInstance *self,
                                 guint              sample)
{
  HsClassTracker *tracker = self->tracker;
  double time;
  guint low = 0, high = self->sizes->len;

  if (self->sizes->len == 0 || sample < g_array_index (self->sizes, HsSizeChange, 0).sample)
    return 0;
  if (self->death >= 0 && sample < tracker->sample_times->len)
    {
      time = g_array_index (tracker->sample_times, double, sample);
      if (!isnan (time) && time >= self->death)
        return 0;
    }
  while (high - low > 1)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (self->sizes, HsSizeChange, middle).sample <= sample)
        low = middle;
      else
        high = middle;
    }
  return g_array_index (self->sizes, HsSizeChange, low).size;
}

gint64
hs_tracked_instance_get_tsize (HsTrackedInstance *self)
{
  if (self->tracker->peak_sample < 0)
    return 0;
  return hs_tracked_instance_get_size_at (self, (guint) self->tracker->peak_sample);
}

static void
free_trace (gpointer data)
{
  HsTrace *trace = data;

  for (guint i = 0; i < trace->n_frames; i++)
    {
      g_free (trace->frames[i].file);
      g_free (trace->frames[i].function);
    }
  g_free (trace->frames);
  g_free (trace);
}

static void
hs_class_tracker_finalize (GObject *object)
{
  HsClassTracker *self = HS_CLASS_TRACKER (object);

  g_hash_table_unref (self->class_by_index);
  g_hash_table_unref (self->instance_by_id);
  g_hash_table_unref (self->traces);
  g_object_unref (self->instances);
  g_object_unref (self->classes);
  g_array_unref (self->sample_times);
  g_array_unref (self->sample_rss);
  g_ptr_array_unref (self->sample_labels);
  g_ptr_array_unref (self->tsize_pending);
  G_OBJECT_CLASS (hs_class_tracker_parent_class)->finalize (object);
}

static void
hs_class_tracker_class_init (HsClassTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_class_tracker_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hs_class_tracker_init (HsClassTracker *self)
{
  self->classes = g_list_store_new (HS_TYPE_TRACKED_CLASS);
  self->instances = g_list_store_new (HS_TYPE_TRACKED_INSTANCE);
  self->class_by_index = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->instance_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->traces = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, free_trace);
  self->sample_times = g_array_new (FALSE, FALSE, sizeof (double));
  self->sample_rss = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->sample_labels = g_ptr_array_new_with_free_func (g_free);
  self->tsize_pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->peak_sample = -1;
  self->shown_sample = -1;
}

HsClassTracker *
hs_class_tracker_new (void)
{
  return g_object_new (HS_TYPE_CLASS_TRACKER, NULL);
}

GListModel *
hs_class_tracker_get_classes (HsClassTracker *self)
{
  return G_LIST_MODEL (self->classes);
}

GListModel *
hs_class_tracker_get_instances (HsClassTracker *self)
{
  return G_LIST_MODEL (self->instances);
}

HsTrackedClass *
hs_class_tracker_find_class (HsClassTracker *self,
                             gint64          index)
{
  return g_hash_table_lookup (self->class_by_index, &index);
}

const HsTrace *
hs_class_tracker_get_trace (HsClassTracker *self,
                            gint64          trace)
{
  return g_hash_table_lookup (self->traces, &trace);
}

int
hs_class_tracker_get_peak_sample (HsClassTracker *self)
{
  return self->peak_sample;
}

guint
hs_class_tracker_get_n_samples (HsClassTracker *self)
{
  return self->sample_times->len;
}

double
hs_class_tracker_get_sample_time (HsClassTracker *self,
                                  guint           sample)
{
  if (sample >= self->sample_times->len)
    return NAN;
  return g_array_index (self->sample_times, double, sample);
}

static void
update_class_info (HsClassTracker           *self,
                   const HsTrackedClassInfo *info)
{
  HsTrackedClass *klass = hs_class_tracker_find_class (self, info->index);

  if (klass == NULL)
    {
      klass = g_object_new (HS_TYPE_TRACKED_CLASS, NULL);
      klass->info = *info;
      klass->info.name = g_strdup (info->name);
      klass->info.type_name = g_strdup (info->type_name);
      g_hash_table_insert (self->class_by_index, &klass->info.index, klass);
      g_list_store_append (self->classes, klass);
      g_object_unref (klass);
      return;
    }
  if (g_strcmp0 (klass->info.name, info->name) != 0)
    {
      g_free (klass->info.name);
      klass->info.name = g_strdup (info->name);
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_NAME]);
    }
#define UPDATE(field, prop) \
  if (klass->info.field != info->field) \
    { \
      klass->info.field = info->field; \
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[prop]); \
    }
  UPDATE (level, CLASS_PROP_LEVEL);
  UPDATE (keep, CLASS_PROP_KEEP);
  UPDATE (trace, CLASS_PROP_TRACE);
  UPDATE (active, CLASS_PROP_ACTIVE);
#undef UPDATE
}

static HsTrackedInstance *
new_instance (HsClassTracker *self,
              const HsBirth  *birth)
{
  HsTrackedClass *klass = hs_class_tracker_find_class (self, birth->class_index);
  HsTrackedInstance *instance;

  if (klass == NULL || g_hash_table_contains (self->instance_by_id, &birth->instance))
    return NULL;
  instance = g_object_new (HS_TYPE_TRACKED_INSTANCE, NULL);
  instance->tracker = self;
  instance->klass = klass;
  instance->instance = birth->instance;
  instance->address = birth->address;
  instance->birth = birth->birth;
  instance->trace = birth->trace;
  g_hash_table_insert (self->instance_by_id, &instance->instance, instance);
  klass->born++;
  g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_BORN]);
  return instance;
}

/* The position of the instance with @id in the list (kept in id order). */
static gboolean
find_position (HsClassTracker *self,
               gint64          id,
               guint          *position)
{
  guint low = 0, high = g_list_model_get_n_items (G_LIST_MODEL (self->instances));

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr(HsTrackedInstance) item = g_list_model_get_item (G_LIST_MODEL (self->instances), middle);

      if (item->instance == id)
        {
          *position = middle;
          return TRUE;
        }
      if (item->instance < id)
        low = middle + 1;
      else
        high = middle;
    }
  return FALSE;
}

/* The instance dies (@time >= 0) or stops being tracked (@time < 0); if it
 * is to go from the list, its id is added to @leaving. */
static void
end_instance (HsClassTracker *self,
              gint64          id,
              double          time,
              GArray         *leaving)
{
  HsTrackedInstance *instance = g_hash_table_lookup (self->instance_by_id, &id);
  HsTrackedClass *klass;

  if (instance == NULL || instance->death >= 0)
    return;
  klass = instance->klass;
  if (instance->measured)
    {
      klass->live--;
      klass->live_size -= hs_tracked_instance_get_last_size (instance);
    }
  if (time >= 0)
    instance->death = time;
  if (time >= 0 && klass->info.keep)
    {
      g_object_notify_by_pspec (G_OBJECT (instance), instance_props[INSTANCE_PROP_DEATH]);
      g_object_notify_by_pspec (G_OBJECT (instance), instance_props[INSTANCE_PROP_ALIVE]);
      return;
    }
  /* Not kept: the instance goes from the list (its class's figures keep it),
   * unnotified; whoever still holds it reads when it died. */
  g_hash_table_remove (self->instance_by_id, &id);
  g_array_append_val (leaving, id);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The positions in the list (kept in id order), in order, of the instances
 * with the ids in @ids (in order): a binary search each when they are few,
 * else one walk along the list (7 900 deaths in a list of 10 000 took
 * 16 ms by binary searches). */
static GArray *
positions_of (HsClassTracker *self,
              GArray         *ids)
{
  GListModel *list = G_LIST_MODEL (self->instances);
  guint n = g_list_model_get_n_items (list);
  GArray *positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), ids->len);
  guint position;

  if ((gsize) ids->len * g_bit_storage (n) * 4 < n)
    {
      for (guint i = 0; i < ids->len; i++)
        if (find_position (self, g_array_index (ids, gint64, i), &position))
          g_array_append_val (positions, position);
      return positions;
    }
  /* The list reads its items one after another cheaply. */
  for (guint next = 0, p = 0; p < n && next < ids->len; p++)
    {
      g_autoptr(HsTrackedInstance) item = g_list_model_get_item (list, p);

      while (next < ids->len && g_array_index (ids, gint64, next) < item->instance)
        next++;
      if (next < ids->len && g_array_index (ids, gint64, next) == item->instance)
        {
          g_array_append_val (positions, p);
          next++;
        }
    }
  return positions;
}

/* Takes the instances with the ids in @leaving (in any order) from the list,
 * a run of neighbours in one change: each change makes the models above the
 * list (filters, sorts, the column view) go through their rows, and the
 * oldest instances, which die first, are neighbours. (Replacing the list by
 * its survivors in one change would lose the selection and the scroll
 * position in the filters that work in steps.) */
static void
remove_leaving (HsClassTracker *self,
                GArray         *leaving)
{
  g_autoptr(GArray) positions = NULL;

  g_array_sort (leaving, compare_ids);
  positions = positions_of (self, leaving);
  /* From the end, so that the positions before a run still hold. */
  for (guint end = positions->len; end > 0;)
    {
      guint start = end - 1;

      while (start > 0 && g_array_index (positions, guint, start - 1) + 1 == g_array_index (positions, guint, start))
        start--;
      g_list_store_splice (self->instances, g_array_index (positions, guint, start), end - start, NULL, 0);
      end = start;
    }
}

/* The peak moved: the instances whose size changed since the last peak now
 * have another size at the peak (Pympler's tsize); the others keep theirs. */
static void
tell_tsizes (HsClassTracker *self)
{
  for (guint i = 0; i < self->tsize_pending->len; i++)
    {
      HsTrackedInstance *instance = g_ptr_array_index (self->tsize_pending, i);

      instance->tsize_pending = FALSE;
      g_object_notify_by_pspec (G_OBJECT (instance), instance_props[INSTANCE_PROP_TSIZE]);
    }
  g_ptr_array_set_size (self->tsize_pending, 0);
}

static void
measure (HsClassTracker       *self,
         guint                 sample,
         const HsInstanceSize *size)
{
  HsTrackedInstance *instance = g_hash_table_lookup (self->instance_by_id, &size->instance);
  HsTrackedClass *klass;
  gint64 last;

  if (instance == NULL || instance->death >= 0)
    return;
  klass = instance->klass;
  last = hs_tracked_instance_get_last_size (instance);
  if (!instance->measured)
    {
      instance->measured = TRUE;
      klass->live++;
      last = 0;
    }
  if (instance->sizes->len == 0 || last != size->size)
    {
      HsSizeChange change = { sample, size->size };

      g_array_append_val (instance->sizes, change);
      klass->live_size += size->size - last;
      g_object_notify_by_pspec (G_OBJECT (instance), instance_props[INSTANCE_PROP_LAST_SIZE]);
      if (!instance->tsize_pending)
        {
          instance->tsize_pending = TRUE;
          g_ptr_array_add (self->tsize_pending, g_object_ref (instance));
        }
    }
  if (size->size > instance->peak)
    {
      instance->peak = size->size;
      g_object_notify_by_pspec (G_OBJECT (instance), instance_props[INSTANCE_PROP_SIZE]);
    }
  if (size->text != NULL && g_strcmp0 (size->text, instance->text) != 0)
    {
      g_free (instance->text);
      instance->text = g_strdup (size->text);
      g_object_notify_by_pspec (G_OBJECT (instance), instance_props[INSTANCE_PROP_TEXT]);
    }
  if (size->detail != NULL)
    {
      g_clear_pointer (&instance->detail, hs_size_node_free);
      instance->detail = hs_size_node_copy (size->detail);
    }
}

static void
copy_trace (HsClassTracker *self,
            const HsTrace  *trace)
{
  HsTrace *copy;

  if (g_hash_table_contains (self->traces, &trace->trace))
    return;
  copy = g_new0 (HsTrace, 1);
  copy->trace = trace->trace;
  copy->n_frames = trace->n_frames;
  copy->frames = g_new0 (HsStackFrame, MAX (1, trace->n_frames));
  for (guint i = 0; i < trace->n_frames; i++)
    {
      copy->frames[i].file = g_strdup (trace->frames[i].file);
      copy->frames[i].line = trace->frames[i].line;
      copy->frames[i].function = g_strdup (trace->frames[i].function);
    }
  g_hash_table_insert (self->traces, &copy->trace, copy);
}

static void
show_figures (HsClassTracker *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->classes));
  int sample = self->shown_sample;

  if (sample < 0)
    sample = (int) self->sample_times->len - 1;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTrackedClass) klass = g_list_model_get_item (G_LIST_MODEL (self->classes), i);
      const HsClassPoint *point = sample >= 0 ? point_at (klass, (guint) sample) : NULL;
      gint64 count = point ? point->active : 0;
      gint64 size = point ? point->size : 0;
      gint64 rss = sample >= 0 && (guint) sample < self->sample_rss->len
                   ? g_array_index (self->sample_rss, gint64, sample) : 0;
      double percent = rss > 0 ? 100.0 * (double) size / (double) rss : 0;

      if (count == klass->shown_count && size == klass->shown_size && percent == klass->shown_percent)
        continue;
      klass->shown_count = count;
      klass->shown_size = size;
      klass->shown_percent = percent;
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_COUNT]);
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_SIZE]);
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_AVERAGE]);
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_PERCENT]);
    }
}

void
hs_class_tracker_apply (HsClassTracker      *self,
                        guint                sample,
                        double               time,
                        gint64               rss,
                        const HsClassReport *report)
{
  g_autoptr(GPtrArray) born = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) leaving = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 total = 0;
  guint n_classes;

  g_return_if_fail (HS_IS_CLASS_TRACKER (self));
  g_return_if_fail (report != NULL);

  if (sample >= self->sample_times->len)
    {
      guint old = self->sample_times->len;

      g_array_set_size (self->sample_times, sample + 1);
      g_array_set_size (self->sample_rss, sample + 1);
      for (guint i = old; i < sample + 1; i++)
        g_array_index (self->sample_times, double, i) = NAN;
    }
  g_array_index (self->sample_times, double, sample) = time;
  g_array_index (self->sample_rss, gint64, sample) = rss;

  for (guint i = 0; i < report->n_classes; i++)
    update_class_info (self, &report->classes[i]);
  for (guint i = 0; i < report->n_traces; i++)
    copy_trace (self, &report->traces[i]);
  for (guint i = 0; i < report->n_births; i++)
    {
      HsTrackedInstance *instance = new_instance (self, &report->births[i]);

      if (instance != NULL)
        g_ptr_array_add (born, instance);
    }
  if (born->len > 0)
    g_list_store_splice (self->instances, g_list_model_get_n_items (G_LIST_MODEL (self->instances)),
                         0, born->pdata, born->len);
  for (guint i = 0; i < report->n_deaths; i++)
    end_instance (self, report->deaths[i].instance, report->deaths[i].time, leaving);
  for (guint i = 0; i < report->n_dropped; i++)
    end_instance (self, report->dropped[i], -1, leaving);
  remove_leaving (self, leaving);
  for (guint i = 0; i < report->n_sizes; i++)
    measure (self, sample, &report->sizes[i]);

  n_classes = g_list_model_get_n_items (G_LIST_MODEL (self->classes));
  for (guint i = 0; i < n_classes; i++)
    {
      g_autoptr(HsTrackedClass) klass = g_list_model_get_item (G_LIST_MODEL (self->classes), i);
      HsClassPoint point = { sample, time, klass->live, klass->live_size };

      if (klass->points->len > 0 &&
          g_array_index (klass->points, HsClassPoint, klass->points->len - 1).sample >= sample)
        continue;     /* a sample applied twice */
      g_array_append_val (klass->points, point);
      total += klass->live_size;
      g_object_notify_by_pspec (G_OBJECT (klass), class_props[CLASS_PROP_POINTS_CHANGED]);
    }
  if (total > self->peak_total)
    {
      self->peak_total = total;
      self->peak_sample = (int) sample;
      tell_tsizes (self);
    }
  show_figures (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
hs_class_tracker_set_sample_label (HsClassTracker *self,
                                   guint           sample,
                                   const char     *label)
{
  g_return_if_fail (HS_IS_CLASS_TRACKER (self));

  if (sample >= self->sample_labels->len)
    g_ptr_array_set_size (self->sample_labels, sample + 1);
  g_free (g_ptr_array_index (self->sample_labels, sample));
  g_ptr_array_index (self->sample_labels, sample) = g_strdup (label);
}

const char *
hs_class_tracker_get_sample_label (HsClassTracker *self,
                                   guint           sample)
{
  g_return_val_if_fail (HS_IS_CLASS_TRACKER (self), NULL);

  return sample < self->sample_labels->len ? g_ptr_array_index (self->sample_labels, sample) : NULL;
}

void
hs_class_tracker_set_shown_sample (HsClassTracker *self,
                                   int             sample)
{
  g_return_if_fail (HS_IS_CLASS_TRACKER (self));

  self->shown_sample = sample;
  show_figures (self);
}
