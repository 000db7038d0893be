/* hs-pympler-import.c — a dump of Pympler's ClassTracker, made a session file
 *
 * The dump holds, per class name, every TrackedObject ever made (birth and
 * death times, the sizes measured at each snapshot as Asized trees, the last
 * repr, the creation stack when traced), then the Snapshots (time,
 * description, the process's memory). Each snapshot becomes a census without
 * rows whose class report says what happened since the one before, as the
 * agent reports it live: the instances born (with their stacks), those that
 * died, and the size of each live one measured then. Pympler also sizes dead
 * instances it still holds (as asizeof(None)); those sizes are left out.
 * Births and deaths after the last snapshot go into one more census, without
 * a label, at the time of the last of them, so no instance is lost.
 *
 * Pympler keeps dead instances in its index, so every class is imported as
 * keep=True; its level is the highest resolution level of its instances.
 * Times are Pympler's (seconds since it was imported); the wall-clock start
 * is guessed from the file's modification time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hs-census.h"
#include "hs-class-report.h"
#include "hs-launch-spec.h"
#include "hs-pickle.h"
#include "hs-pympler-import.h"
#include "hs-reply.h"
#include "hs-store.h"
#include "hs-wire.h"

#define MAX_TIME             1e12      /* what a class report accepts */
#define MAX_DETAIL_NODES     (HS_WIRE_MAX_SIZE_NODES * 10)   /* per report, as its reader allows */
#define NO_CENSUS            G_MAXUINT

typedef struct
{
  gint64               class_index;
  gint64               instance;       /* numbered in birth order, from 1 */
  gint64               address;
  double               birth;
  double               death;          /* NAN while alive */
  const char          *repr;
  const HsPickleValue *sizes;          /* Pympler's snapshots: [(timestamp, Asized)] */
  gint64               trace;          /* 0: none */
  guint                order;          /* its place in the index, for a stable sort */
  guint                born_in;        /* the census its birth goes to */
  guint                died_in;        /* NO_CENSUS while alive */
  gboolean             measured;       /* its text was given */
} Tracked;

typedef struct
{
  double       timestamp;
  guint64      bits;                   /* of timestamp as read, to match sizes exactly */
  const char  *desc;
  gint64       rss;
  gint64       vms;
  gint64       pid;
  guint        order;
} Moment;

typedef struct
{
  guint                tracked;        /* position in Dump.tracked */
  const HsPickleValue *asized;
} SizeEntry;

typedef struct
{
  HsPickle    *pickle;
  char        *display_name;
  GPtrArray   *class_names;            /* const char *, by index - 1 */
  GArray      *class_levels;           /* int */
  GArray      *class_traced;           /* gboolean */
  GArray      *tracked;                /* Tracked, in birth order once sorted */
  GArray      *moments;                /* Moment, in time order once sorted */
  GPtrArray   *traces;                 /* the first TrackedObject.trace of each stack, by id - 1 */
  GHashTable  *trace_ids;              /* frames as text → id */
  guint        n_censuses;             /* the moments, and one more for late events */
  double       origin;                 /* subtracted from every time */
  double       last_time;
  GPtrArray   *births;                 /* GArray of guint (tracked), per census */
  GPtrArray   *deaths;                 /* ditto */
  GPtrArray   *sizes;                  /* GArray of SizeEntry, per census */
} Dump;

static void
dump_free (Dump *dump)
{
  g_clear_pointer (&dump->pickle, hs_pickle_free);
  g_free (dump->display_name);
  g_ptr_array_unref (dump->class_names);
  g_array_unref (dump->class_levels);
  g_array_unref (dump->class_traced);
  g_array_unref (dump->tracked);
  g_array_unref (dump->moments);
  g_ptr_array_unref (dump->traces);
  g_hash_table_unref (dump->trace_ids);
  g_clear_pointer (&dump->births, g_ptr_array_unref);
  g_clear_pointer (&dump->deaths, g_ptr_array_unref);
  g_clear_pointer (&dump->sizes, g_ptr_array_unref);
  g_free (dump);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dump, dump_free)

static Dump *
dump_new (const char *display_name)
{
  Dump *dump = g_new0 (Dump, 1);

  dump->pickle = hs_pickle_new ();
  dump->display_name = g_strdup (display_name);
  dump->class_names = g_ptr_array_new ();
  dump->class_levels = g_array_new (FALSE, TRUE, sizeof (int));
  dump->class_traced = g_array_new (FALSE, TRUE, sizeof (gboolean));
  dump->tracked = g_array_new (FALSE, TRUE, sizeof (Tracked));
  dump->moments = g_array_new (FALSE, TRUE, sizeof (Moment));
  dump->traces = g_ptr_array_new ();
  dump->trace_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return dump;
}

static gboolean
not_a_dump (Dump        *dump,
            GError     **error,
            const char  *why)
{
  g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_DAMAGED,
               _("“%s” is not a dump of Pympler’s ClassTracker: %s"), dump->display_name, why);
  return FALSE;
}

/* -- Values of the dump -------------------------------------------------------- */

/* At most what a report's reader takes, cut at a character. */
static char *
capped_text (const char *text)
{
  const char *end;

  if (text == NULL)
    return NULL;
  if (strlen (text) <= HS_WIRE_MAX_STRING)
    return g_strdup (text);
  end = g_utf8_find_prev_char (text, text + HS_WIRE_MAX_STRING + 1);
  return g_strndup (text, end != NULL ? (gsize) (end - text) : 0);
}

/* A size as a report takes it: from 0 to below HS_WIRE_MAX_INTEGER; -1 if not a number. */
static gint64
size_of (const HsPickleValue *value)
{
  gint64 size;

  if (value != NULL && value->kind == HS_PICKLE_BIG_INT)
    return HS_WIRE_MAX_INTEGER - 1;
  if (!hs_pickle_value_get_int (value, &size))
    return -1;
  return CLAMP (size, 0, HS_WIRE_MAX_INTEGER - 1);
}

static gboolean
read_time (Dump                 *dump,
           const HsPickleValue  *value,
           double               *time,
           GError              **error)
{
  if (!hs_pickle_value_get_number (value, time))
    return not_a_dump (dump, error, _("a time is not a number"));
  return TRUE;
}

/* A frame record of inspect.stack() less the frame: (file, line, function, lines, index). */
static gboolean
frame_cells (const HsPickleValue  *record,
             const char          **file,
             gint64               *line,
             const char          **function)
{
  guint n;
  HsPickleValue **cells = hs_pickle_value_get_items (record, &n);

  if (n < 3 || !(*file = hs_pickle_value_get_string (cells[0])) ||
      !hs_pickle_value_get_int (cells[1], line) || !(*function = hs_pickle_value_get_string (cells[2])))
    return FALSE;
  *line = CLAMP (*line, 0, HS_WIRE_MAX_INTEGER - 1);
  return TRUE;
}

/* The records of a stack that are kept: the innermost, which say where the
 * instance was made. */
static HsPickleValue **
kept_records (const HsPickleValue *trace,
              guint               *n_records)
{
  HsPickleValue **records = hs_pickle_value_get_items (trace, n_records);
  guint skipped = *n_records > HS_CLASS_REPORT_MAX_FRAMES ? *n_records - HS_CLASS_REPORT_MAX_FRAMES : 0;

  *n_records -= skipped;
  return records != NULL ? records + skipped : NULL;
}

/* The id of the creation stack @trace (outermost frame first), 0 if none:
 * one per different stack. */
static gint64
trace_id (Dump                *dump,
          const HsPickleValue *trace)
{
  guint n_records;
  HsPickleValue **records = kept_records (trace, &n_records);
  g_autoptr(GString) key = g_string_new (NULL);
  gpointer known;

  for (guint i = 0; i < n_records; i++)
    {
      const char *file, *function;
      gint64 line;

      if (frame_cells (records[i], &file, &line, &function))
        g_string_append_printf (key, "%s\x1f%" G_GINT64_FORMAT "\x1f%s\x1e", file, line, function);
    }
  if (key->len == 0)
    return 0;
  if ((known = g_hash_table_lookup (dump->trace_ids, key->str)) != NULL)
    return GPOINTER_TO_SIZE (known);
  g_ptr_array_add (dump->traces, (gpointer) trace);
  g_hash_table_insert (dump->trace_ids, g_string_free (g_steal_pointer (&key), FALSE),
                       GSIZE_TO_POINTER (dump->traces->len));
  return dump->traces->len;
}

/* A report's copy of stack @id. */
static void
read_trace (Dump    *dump,
            gint64   id,
            HsTrace *trace)
{
  guint n_records;
  HsPickleValue **records = kept_records (g_ptr_array_index (dump->traces, id - 1), &n_records);

  trace->trace = id;
  trace->frames = g_new0 (HsStackFrame, MAX (1, n_records));
  for (guint i = 0; i < n_records; i++)
    {
      HsStackFrame *frame = &trace->frames[trace->n_frames];
      const char *file, *function;

      if (!frame_cells (records[i], &file, &frame->line, &function))
        continue;
      frame->file = capped_text (file);
      frame->function = capped_text (function);
      trace->n_frames++;
    }
}

static gboolean
read_tracked_object (Dump                 *dump,
                     const HsPickleValue  *object,
                     gint64                class_index,
                     GError              **error)
{
  Tracked tracked = { 0 };
  const HsPickleValue *death = hs_pickle_value_lookup (object, "death");
  gint64 level = 0;
  int *class_level = &g_array_index (dump->class_levels, int, class_index - 1);

  if (!hs_pickle_value_is_object (object, "pympler.classtracker", "TrackedObject"))
    return not_a_dump (dump, error, _("a class’s list holds something that is not a TrackedObject"));
  if (dump->tracked->len >= HS_CLASS_REPORT_MAX_ENTRIES)
    {
      g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_TOO_LARGE,
                   _("“%s” tracks more instances than Heapscope reads"), dump->display_name);
      return FALSE;
    }
  tracked.class_index = class_index;
  tracked.order = dump->tracked->len;
  tracked.died_in = NO_CENSUS;
  tracked.death = NAN;
  tracked.address = MAX (size_of (hs_pickle_value_lookup (object, "id")), 0);
  tracked.repr = hs_pickle_value_get_string (hs_pickle_value_lookup (object, "repr"));
  tracked.sizes = hs_pickle_value_lookup (object, "snapshots");
  if (!read_time (dump, hs_pickle_value_lookup (object, "birth"), &tracked.birth, error))
    return FALSE;
  if (death != NULL && death->kind != HS_PICKLE_NONE &&
      !read_time (dump, death, &tracked.death, error))
    return FALSE;
  if (hs_pickle_value_get_int (hs_pickle_value_lookup (object, "_resolution_level"), &level))
    *class_level = MAX (*class_level, (int) CLAMP (level, 0, HS_CLASS_REPORT_MAX_LEVEL));
  tracked.trace = trace_id (dump, hs_pickle_value_lookup (object, "trace"));
  if (tracked.trace != 0)
    g_array_index (dump->class_traced, gboolean, class_index - 1) = TRUE;
  g_array_append_val (dump->tracked, tracked);
  return TRUE;
}

/* The first pickle: {class name: [TrackedObject]} (a defaultdict). */
static gboolean
read_index (Dump                 *dump,
            const HsPickleValue  *index,
            GError              **error)
{
  if (index->kind != HS_PICKLE_DICT)
    return not_a_dump (dump, error, _("it does not start with the tracked objects by class"));
  if (index->n_items / 2 > HS_CLASS_REPORT_MAX_CLASSES)
    {
      g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_TOO_LARGE,
                   _("“%s” tracks more classes than Heapscope reads"), dump->display_name);
      return FALSE;
    }
  for (guint i = 0; i + 1 < index->n_items; i += 2)
    {
      const char *name = hs_pickle_value_get_string (index->items[i]);
      guint n_objects;
      HsPickleValue **objects = hs_pickle_value_get_items (index->items[i + 1], &n_objects);
      int level = 0;
      gboolean traced = FALSE;

      if (name == NULL || index->items[i + 1]->kind != HS_PICKLE_LIST)
        return not_a_dump (dump, error, _("it does not start with the tracked objects by class"));
      g_ptr_array_add (dump->class_names, (gpointer) name);
      g_array_append_val (dump->class_levels, level);
      g_array_append_val (dump->class_traced, traced);
      for (guint k = 0; k < n_objects; k++)
        if (!read_tracked_object (dump, objects[k], dump->class_names->len, error))
          return FALSE;
    }
  return TRUE;
}

/* The second pickle: [Snapshot]. */
static gboolean
read_snapshots (Dump                 *dump,
                const HsPickleValue  *snapshots,
                GError              **error)
{
  guint n;
  HsPickleValue **items = hs_pickle_value_get_items (snapshots, &n);

  if (snapshots->kind != HS_PICKLE_LIST)
    return not_a_dump (dump, error, _("the snapshots are not a list"));
  if (n >= NO_CENSUS - 1)
    return not_a_dump (dump, error, _("too many snapshots"));
  for (guint i = 0; i < n; i++)
    {
      Moment moment = { 0 };
      const HsPickleValue *system = hs_pickle_value_lookup (items[i], "system_total");
      const HsPickleValue *timestamp = hs_pickle_value_lookup (items[i], "timestamp");
      gboolean available = FALSE;
      gint64 flag;

      if (!hs_pickle_value_is_object (items[i], "pympler.classtracker", "Snapshot"))
        return not_a_dump (dump, error, _("a snapshot is not a Snapshot"));
      if (!read_time (dump, timestamp, &moment.timestamp, error))
        return FALSE;
      if (timestamp->kind == HS_PICKLE_FLOAT)
        memcpy (&moment.bits, &timestamp->number, sizeof moment.bits);
      else
        {
          double as_double = moment.timestamp;
          memcpy (&moment.bits, &as_double, sizeof moment.bits);
        }
      moment.desc = hs_pickle_value_get_string (hs_pickle_value_lookup (items[i], "desc"));
      moment.order = i;
      if (system != NULL && system->kind == HS_PICKLE_OBJECT)
        {
          available = hs_pickle_value_get_int (hs_pickle_value_lookup (system, "available"), &flag) && flag;
          moment.pid = MAX (size_of (hs_pickle_value_lookup (system, "pid")), 0);
        }
      if (available)
        {
          moment.rss = MAX (size_of (hs_pickle_value_lookup (system, "rss")), 0);
          moment.vms = MAX (size_of (hs_pickle_value_lookup (system, "vsz")), 0);
        }
      g_array_append_val (dump->moments, moment);
    }
  return TRUE;
}

/* -- Events to censuses -------------------------------------------------------- */

static int
compare_births (gconstpointer a,
                gconstpointer b)
{
  const Tracked *x = a, *y = b;

  if (x->birth != y->birth)
    return x->birth < y->birth ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static int
compare_moments (gconstpointer a,
                 gconstpointer b)
{
  const Moment *x = a, *y = b;

  if (x->timestamp != y->timestamp)
    return x->timestamp < y->timestamp ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The first census at or after @time: the one an event then is reported in. */
static guint
census_of (Dump   *dump,
           double  time)
{
  guint low = 0, high = dump->moments->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (dump->moments, Moment, middle).timestamp < time)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

static void
free_array (gpointer array)
{
  g_array_unref (array);
}

static GPtrArray *
new_buckets (guint          n,
             guint          element_size)
{
  GPtrArray *buckets = g_ptr_array_new_full (n, free_array);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (buckets, g_array_new (FALSE, FALSE, element_size));
  return buckets;
}

static gboolean
check_times (Dump    *dump,
             GError **error)
{
  double lowest = 0, highest = 0;

  for (guint i = 0; i < dump->moments->len; i++)
    {
      double t = g_array_index (dump->moments, Moment, i).timestamp;
      lowest = MIN (lowest, t);
      highest = MAX (highest, t);
    }
  for (guint i = 0; i < dump->tracked->len; i++)
    {
      const Tracked *tracked = &g_array_index (dump->tracked, Tracked, i);

      lowest = MIN (lowest, tracked->birth);
      highest = MAX (highest, tracked->birth);
      if (!isnan (tracked->death))
        {
          lowest = MIN (lowest, tracked->death);
          highest = MAX (highest, tracked->death);
        }
    }
  /* Pympler's times are from its import, so never below 0 but for a clock set back. */
  dump->origin = lowest;
  if (!(highest - lowest < MAX_TIME))
    return not_a_dump (dump, error, _("its times are out of range"));
  return TRUE;
}

/* Which census reports each birth, death and size. */
static gboolean
place_events (Dump    *dump,
              GError **error)
{
  g_autoptr(GHashTable) moment_by_bits = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n_moments = dump->moments->len;
  gboolean late = FALSE;

  g_array_sort (dump->moments, compare_moments);
  g_array_sort (dump->tracked, compare_births);
  for (guint i = n_moments; i > 0; i--)
    {
      Moment *moment = &g_array_index (dump->moments, Moment, i - 1);
      g_hash_table_replace (moment_by_bits, &moment->bits, GUINT_TO_POINTER (i));   /* the first wins */
    }

  for (guint i = 0; i < dump->tracked->len; i++)
    {
      Tracked *tracked = &g_array_index (dump->tracked, Tracked, i);

      tracked->instance = i + 1;
      tracked->born_in = census_of (dump, tracked->birth);
      if (!isnan (tracked->death))
        tracked->died_in = MAX (census_of (dump, tracked->death), tracked->born_in);
      late |= tracked->born_in == n_moments || tracked->died_in == n_moments;
    }
  dump->n_censuses = n_moments + (late || n_moments == 0 ? 1 : 0);
  dump->births = new_buckets (dump->n_censuses, sizeof (guint));
  dump->deaths = new_buckets (dump->n_censuses, sizeof (guint));
  dump->sizes = new_buckets (dump->n_censuses, sizeof (SizeEntry));

  for (guint i = 0; i < dump->tracked->len; i++)
    {
      Tracked *tracked = &g_array_index (dump->tracked, Tracked, i);
      guint n_sizes;
      HsPickleValue **sizes = hs_pickle_value_get_items (tracked->sizes, &n_sizes);

      g_array_append_val (g_ptr_array_index (dump->births, tracked->born_in), i);
      if (tracked->died_in != NO_CENSUS)
        g_array_append_val (g_ptr_array_index (dump->deaths, tracked->died_in), i);
      for (guint k = 0; k < n_sizes; k++)
        {
          guint n_cells;
          HsPickleValue **cells = hs_pickle_value_get_items (sizes[k], &n_cells);
          SizeEntry entry = { i, NULL };
          guint64 bits;
          guint census;

          if (n_cells != 2 || cells[0]->kind != HS_PICKLE_FLOAT ||
              !hs_pickle_value_is_object (cells[1], "pympler.asizeof", "Asized"))
            continue;
          memcpy (&bits, &cells[0]->number, sizeof bits);
          census = GPOINTER_TO_UINT (g_hash_table_lookup (moment_by_bits, &bits));
          if (census == 0)
            continue;     /* measured at its birth, not at a snapshot */
          census--;
          /* Measured while alive only: Pympler also sizes the dead it still holds. */
          if (census < tracked->born_in || census >= tracked->died_in)
            continue;
          entry.asized = cells[1];
          g_array_append_val (g_ptr_array_index (dump->sizes, census), entry);
        }
    }

  for (guint i = 0; i < dump->n_censuses; i++)
    if (((GArray *) g_ptr_array_index (dump->births, i))->len > HS_CLASS_REPORT_MAX_ENTRIES ||
        ((GArray *) g_ptr_array_index (dump->deaths, i))->len > HS_CLASS_REPORT_MAX_ENTRIES ||
        ((GArray *) g_ptr_array_index (dump->sizes, i))->len > HS_CLASS_REPORT_MAX_ENTRIES)
      {
        g_set_error (error, HS_PICKLE_ERROR, HS_PICKLE_ERROR_TOO_LARGE,
                     _("“%s” has more events in one snapshot than Heapscope reads"), dump->display_name);
        return FALSE;
      }

  dump->last_time = n_moments > 0 ? g_array_index (dump->moments, Moment, n_moments - 1).timestamp : dump->origin;
  for (guint i = 0; i < dump->tracked->len; i++)
    {
      const Tracked *tracked = &g_array_index (dump->tracked, Tracked, i);

      dump->last_time = MAX (dump->last_time, tracked->birth);
      if (!isnan (tracked->death))
        dump->last_time = MAX (dump->last_time, tracked->death);
    }
  return TRUE;
}

/* An Asized tree as the agent sends an instance's referents. */
static HsSizeNode *
size_node_of (const HsPickleValue *asized,
              guint                depth,
              guint               *budget)
{
  HsSizeNode *node;
  guint n_refs;
  HsPickleValue **refs;
  const char *name;

  if (*budget == 0 || !hs_pickle_value_is_object (asized, "pympler.asizeof", "Asized"))
    return NULL;
  (*budget)--;
  node = hs_size_node_new ();
  name = hs_pickle_value_get_string (hs_pickle_value_lookup (asized, "name"));
  node->name = name != NULL ? capped_text (name) : g_strdup ("");
  node->size = size_of (hs_pickle_value_lookup (asized, "size"));
  node->flat = size_of (hs_pickle_value_lookup (asized, "flat"));
  refs = hs_pickle_value_get_items (hs_pickle_value_lookup (asized, "refs"), &n_refs);
  /* A hostile file may nest without end, or loop: the reader's limits stop it. */
  for (guint i = 0; depth < HS_WIRE_MAX_DEPTH && i < MIN (n_refs, HS_WIRE_MAX_SIZE_NODES); i++)
    {
      HsSizeNode *child = size_node_of (refs[i], depth + 1, budget);

      if (child != NULL)
        g_ptr_array_add (node->children, child);
    }
  return node;
}

static HsClassReport *
build_report (Dump     *dump,
              guint     census,
              gboolean *trace_sent)
{
  HsClassReport *report = g_new0 (HsClassReport, 1);
  GArray *births = g_ptr_array_index (dump->births, census);
  GArray *deaths = g_ptr_array_index (dump->deaths, census);
  GArray *sizes = g_ptr_array_index (dump->sizes, census);
  guint budget = MAX_DETAIL_NODES;

  /* Every class in every report, as Pympler's summary lists them all. */
  report->n_classes = dump->class_names->len;
  report->classes = g_new0 (HsTrackedClassInfo, MAX (1, report->n_classes));
  for (guint i = 0; i < report->n_classes; i++)
    {
      HsTrackedClassInfo *info = &report->classes[i];

      info->index = i + 1;
      info->name = capped_text (g_ptr_array_index (dump->class_names, i));
      info->type_name = g_strdup (info->name);
      info->level = g_array_index (dump->class_levels, int, i);
      info->keep = TRUE;
      info->trace = g_array_index (dump->class_traced, gboolean, i);
      info->active = TRUE;
    }

  report->births = g_new0 (HsBirth, MAX (1, births->len));
  report->traces = g_new0 (HsTrace, MAX (1, births->len));
  for (guint i = 0; i < births->len; i++)
    {
      const Tracked *tracked = &g_array_index (dump->tracked, Tracked, g_array_index (births, guint, i));
      HsBirth *birth = &report->births[report->n_births++];

      birth->instance = tracked->instance;
      birth->class_index = tracked->class_index;
      birth->address = tracked->address;
      birth->birth = tracked->birth - dump->origin;
      birth->trace = tracked->trace;
      if (tracked->trace != 0 && !trace_sent[tracked->trace - 1])
        {
          trace_sent[tracked->trace - 1] = TRUE;
          read_trace (dump, tracked->trace, &report->traces[report->n_traces++]);
        }
    }

  report->deaths = g_new0 (HsDeath, MAX (1, deaths->len));
  for (guint i = 0; i < deaths->len; i++)
    {
      const Tracked *tracked = &g_array_index (dump->tracked, Tracked, g_array_index (deaths, guint, i));
      HsDeath *death = &report->deaths[report->n_deaths++];

      death->instance = tracked->instance;
      death->time = tracked->death - dump->origin;
    }
  report->dropped = g_new0 (gint64, 1);

  report->sizes = g_new0 (HsInstanceSize, MAX (1, sizes->len));
  for (guint i = 0; i < sizes->len; i++)
    {
      const SizeEntry *entry = &g_array_index (sizes, SizeEntry, i);
      Tracked *tracked = &g_array_index (dump->tracked, Tracked, entry->tracked);
      HsInstanceSize *size = &report->sizes[report->n_sizes++];
      guint n_refs;

      size->instance = tracked->instance;
      size->size = MAX (size_of (hs_pickle_value_lookup (entry->asized, "size")), 0);
      size->flat = MAX (size_of (hs_pickle_value_lookup (entry->asized, "flat")), 0);
      /* Pympler keeps only the last repr: it is the text of the first measure. */
      if (!tracked->measured && tracked->repr != NULL && *tracked->repr != '\0')
        size->text = capped_text (tracked->repr);
      tracked->measured = TRUE;
      hs_pickle_value_get_items (hs_pickle_value_lookup (entry->asized, "refs"), &n_refs);
      if (n_refs > 0)
        size->detail = size_node_of (entry->asized, 0, &budget);
    }
  return report;
}

static HsCensus *
build_census (Dump     *dump,
              guint     census,
              gboolean *trace_sent)
{
  HsCensus *result = hs_census_new (0);

  if (census < dump->moments->len)
    {
      const Moment *moment = &g_array_index (dump->moments, Moment, census);

      result->time = moment->timestamp - dump->origin;
      result->label = moment->desc != NULL && *moment->desc != '\0' ? g_strdup (moment->desc) : NULL;
      result->rss = moment->rss;
      result->vms = moment->vms;
    }
  else
    result->time = dump->last_time - dump->origin;     /* what happened after the last snapshot */
  result->classes = build_report (dump, census, trace_sent);
  return result;
}

/* -- Reading and writing ------------------------------------------------------- */

static Dump *
read_dump (const guint8  *data,
           gsize          length,
           const char    *display_name,
           GError       **error)
{
  g_autoptr(Dump) dump = dump_new (display_name);
  const HsPickleValue *index;
  const HsPickleValue *snapshots;
  gsize offset = 0;

  if (length == 0)
    {
      not_a_dump (dump, error, _("the file is empty"));
      return NULL;
    }
  if (!(index = hs_pickle_load (dump->pickle, data, length, &offset, error)))
    return NULL;
  if (offset == length)
    {
      not_a_dump (dump, error, _("it ends after the tracked objects, without the snapshots"));
      return NULL;
    }
  if (!(snapshots = hs_pickle_load (dump->pickle, data, length, &offset, error)))
    return NULL;
  if (!read_index (dump, index, error) ||
      !read_snapshots (dump, snapshots, error) ||
      !check_times (dump, error) ||
      !place_events (dump, error))
    return NULL;
  return g_steal_pointer (&dump);
}

GPtrArray *
hs_pympler_read_bytes (const guint8  *data,
                       gsize          length,
                       const char    *name,
                       GError       **error)
{
  g_autoptr(Dump) dump = NULL;
  g_autofree gboolean *trace_sent = NULL;
  GPtrArray *censuses;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!(dump = read_dump (data, length, name, error)))
    return NULL;
  trace_sent = g_new0 (gboolean, MAX (1, dump->traces->len));
  censuses = g_ptr_array_new_full (dump->n_censuses, (GDestroyNotify) hs_census_unref);
  for (guint i = 0; i < dump->n_censuses; i++)
    g_ptr_array_add (censuses, build_census (dump, i, trace_sent));
  return censuses;
}

static void
remove_session_files (const char *session_path)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (session_path, suffixes[i], NULL);
      g_unlink (path);
    }
}

static gboolean
write_session (Dump        *dump,
               const char  *dump_path,
               HsStore     *store,
               GError     **error)
{
  g_autofree char *absolute = g_canonicalize_filename (dump_path, NULL);
  g_autoptr(HsLaunchSpec) spec = hs_launch_spec_new (NULL, absolute, NULL);
  g_autofree gboolean *trace_sent = g_new0 (gboolean, MAX (1, dump->traces->len));
  GStatBuf info;
  gint64 started_at = 0;
  gint64 pid = dump->moments->len > 0 ? g_array_index (dump->moments, Moment, 0).pid : 0;

  /* Pympler keeps no wall-clock time: the dump was written after its last event. */
  if (g_stat (dump_path, &info) == 0)
    started_at = (gint64) info.st_mtime * G_USEC_PER_SEC -
                 (gint64) ((dump->last_time - dump->origin) * G_USEC_PER_SEC);
  if (!hs_store_write_launch (store, spec, MAX (started_at, 0), error) ||
      (pid > 0 && !hs_store_write_process (store, pid, NULL, FALSE, error)))
    return FALSE;
  for (guint i = 0; i < dump->n_censuses; i++)
    {
      g_autoptr(HsCensus) census = build_census (dump, i, trace_sent);

      if (!hs_store_append_census (store, census, NULL, error))
        return FALSE;
    }
  return hs_store_write_outcome (store, HS_SESSION_STATE_EXITED, 0, 0, NULL, NULL, error);
}

gboolean
hs_pympler_import (const char  *dump_path,
                   const char  *session_path,
                   GError     **error)
{
  g_autoptr(Dump) dump = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autofree char *display_name = NULL;
  HsStore *store;
  gboolean ok;

  g_return_val_if_fail (dump_path != NULL, FALSE);
  g_return_val_if_fail (session_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(file = g_mapped_file_new (dump_path, FALSE, error)))
    return FALSE;
  display_name = g_filename_display_basename (dump_path);
  /* All is read and checked before anything is written. */
  if (!(dump = read_dump ((const guint8 *) g_mapped_file_get_contents (file), g_mapped_file_get_length (file),
                          display_name, error)))
    return FALSE;
  g_clear_pointer (&file, g_mapped_file_unref);
  if (!(store = hs_store_create (session_path, error)))
    return FALSE;
  ok = write_session (dump, dump_path, store, error);
  hs_store_close (store);
  if (!ok)
    remove_session_files (session_path);
  return ok;
}

/* -- Finding dumps ------------------------------------------------------------- */

gboolean
hs_pympler_is_dump (const guint8 *head,
                    gsize         length)
{
  static const char needle[] = "pympler.";
  gsize n = MIN (length, (gsize) HS_PYMPLER_HEAD_BYTES);

  g_return_val_if_fail (head != NULL || length == 0, FALSE);

  if (n < 2 || head[0] != 0x80 || head[1] < 2 || head[1] > 5)
    return FALSE;
  for (gsize i = 2; i + sizeof needle - 1 <= n; i++)
    if (memcmp (head + i, needle, sizeof needle - 1) == 0)
      return TRUE;
  return FALSE;
}

gboolean
hs_pympler_file_is_dump (const char *path)
{
  guint8 head[HS_PYMPLER_HEAD_BYTES];
  FILE *file;
  gsize length;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!(file = g_fopen (path, "rbe")))
    return FALSE;
  length = fread (head, 1, sizeof head, file);
  fclose (file);
  return hs_pympler_is_dump (head, length);
}

char *
hs_pympler_import_to_cache (const char  *dump_path,
                            GError     **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *session_path = NULL;
  char *dot;

  g_return_val_if_fail (dump_path != NULL, NULL);

  absolute = g_canonicalize_filename (dump_path, NULL);
  basename = g_path_get_basename (absolute);
  if ((dot = strrchr (basename, '.')) != NULL && dot != basename)
    *dot = '\0';
  /* One file per dump, made again each time it is opened (it may have changed). */
  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, absolute, -1);
  checksum[12] = '\0';
  folder = g_build_filename (g_get_user_cache_dir (), "heapscope", "pympler", NULL);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not make the folder “%s”: %s"), folder, g_strerror (saved_errno));
      return NULL;
    }
  name = g_strconcat (basename, "-", checksum, HS_STORE_SUFFIX, NULL);
  session_path = g_build_filename (folder, name, NULL);
  if (!hs_pympler_import (absolute, session_path, error))
    return NULL;
  return g_steal_pointer (&session_path);
}

HsStore *
hs_pympler_open_store (const char  *path,
                       GError     **error)
{
  g_autofree char *imported = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!hs_pympler_file_is_dump (path))
    return hs_store_open (path, error);
  if (!(imported = hs_pympler_import_to_cache (path, error)))
    return NULL;
  return hs_store_open (imported, error);
}
