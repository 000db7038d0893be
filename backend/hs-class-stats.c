/* hs-class-stats.c — Pympler's classtracker_stats layouts from an HsClassTracker
 *
 * The console text reproduces ConsoleStats' columns character for character
 * (widths count characters, not bytes), so a user of Pympler reads it as
 * before.  What differs, and why:
 *  - "pct" is the class's total against the process's resident memory at that
 *    sample.  Pympler divided by the virtual size (vsz) it did not measure on
 *    most systems, and printed 0% everywhere.
 *  - "active" counts the instances measured at the sample, exactly; Pympler
 *    compared birth and death stamps with the snapshot's and was off by one
 *    around them.
 *  - An instance's referents are known from its last measure only, so they
 *    are itemised once, after its last size line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-census.h"
#include "hs-class-stats.h"
#include "hs-headless.h"
#include "hs-reply.h"

/* -- Options -------------------------------------------------------------------- */

static const char *sort_key_names[HS_CLASS_SORT_N_KEYS + 1] = {   /* NULL-terminated */
  [HS_CLASS_SORT_CLASSNAME] = "classname",
  [HS_CLASS_SORT_NAME] = "name",
  [HS_CLASS_SORT_BIRTH] = "birth",
  [HS_CLASS_SORT_DEATH] = "death",
  [HS_CLASS_SORT_SIZE] = "size",
  [HS_CLASS_SORT_TSIZE] = "tsize",
  [HS_CLASS_SORT_REPR] = "repr",
};

/* Pympler's sort_stats () without arguments sorts by every key, in this order. */
static const HsClassSortKey default_keys[] = {
  HS_CLASS_SORT_CLASSNAME, HS_CLASS_SORT_TSIZE, HS_CLASS_SORT_BIRTH, HS_CLASS_SORT_DEATH,
  HS_CLASS_SORT_NAME, HS_CLASS_SORT_REPR, HS_CLASS_SORT_SIZE,
};

static gboolean
lookup_sort_key (const char     *name,
                 HsClassSortKey *key)
{
  for (guint i = 0; i < HS_CLASS_SORT_N_KEYS; i++)
    if (g_str_equal (name, sort_key_names[i]))
      {
        *key = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
unknown_sort_key (const char  *name,
                  GError     **error)
{
  g_autofree char *valid = g_strjoinv (", ", (char **) sort_key_names);
  g_autofree char *shown = hs_escape_for_terminal (name);

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is no sort key; the keys are %s"), shown, valid);
  return FALSE;
}

gboolean
hs_class_stats_options_set_sort (HsClassStatsOptions  *self,
                                 const char           *keys,
                                 GError              **error)
{
  g_auto(GStrv) names = NULL;
  HsClassSortKey parsed[HS_CLASS_SORT_N_KEYS];
  guint n_parsed = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);

  names = g_strsplit (keys, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      HsClassSortKey key;
      gboolean seen = FALSE;

      if (!lookup_sort_key (name, &key))
        return unknown_sort_key (name, error);
      /* A key named again decides nothing more. */
      for (guint k = 0; k < n_parsed; k++)
        seen |= parsed[k] == key;
      if (!seen)
        parsed[n_parsed++] = key;
    }
  if (n_parsed == 0)
    return unknown_sort_key (keys, error);
  memcpy (self->keys, parsed, n_parsed * sizeof (HsClassSortKey));
  self->n_keys = n_parsed;
  return TRUE;
}

gboolean
hs_class_stats_options_set_limit (HsClassStatsOptions  *self,
                                  const char           *text,
                                  GError              **error)
{
  char *end = NULL;
  double limit;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  limit = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(limit > 0 && limit < 1e12))
    {
      g_autofree char *shown = hs_escape_for_terminal (text);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("the limit is a number of instances or a fraction below 1 such as 0.1, not “%s”"),
                   shown);
      return FALSE;
    }
  self->limit = limit;
  return TRUE;
}

void
hs_class_stats_options_set_match (HsClassStatsOptions *self,
                                  const char          *match)
{
  g_return_if_fail (self != NULL);

  g_free (self->match);
  self->match = match != NULL && *match != '\0' ? g_strdup (match) : NULL;
}

void
hs_class_stats_options_clear (HsClassStatsOptions *self)
{
  g_clear_pointer (&self->match, g_free);
}

/* -- The data ------------------------------------------------------------------- */

struct _HsClassStats
{
  HsClassTracker *tracker;
  GPtrArray      *samples;     /* HsCensus by sample position */
  GPtrArray      *classes;     /* HsTrackedClass, by name as Pympler's tracked_classes */
  GArray         *measured;    /* guint: the samples that measured the classes */
};

static int
compare_class_names (gconstpointer a,
                     gconstpointer b)
{
  HsTrackedClass *first = *(HsTrackedClass **) a;
  HsTrackedClass *second = *(HsTrackedClass **) b;
  int order = strcmp (hs_tracked_class_get_name (first), hs_tracked_class_get_name (second));

  if (order != 0)
    return order;
  return hs_tracked_class_get_index (first) < hs_tracked_class_get_index (second) ? -1 : 1;
}

HsClassStats *
hs_class_stats_new (HsClassTracker *tracker,
                    GPtrArray      *samples)
{
  HsClassStats *self;
  GListModel *classes;
  guint n_samples;

  g_return_val_if_fail (HS_IS_CLASS_TRACKER (tracker), NULL);
  g_return_val_if_fail (samples != NULL, NULL);

  self = g_new0 (HsClassStats, 1);
  self->tracker = g_object_ref (tracker);
  self->samples = g_ptr_array_ref (samples);
  self->classes = g_ptr_array_new_with_free_func (g_object_unref);
  classes = hs_class_tracker_get_classes (tracker);
  for (guint i = 0; i < g_list_model_get_n_items (classes); i++)
    g_ptr_array_add (self->classes, g_list_model_get_item (classes, i));
  g_ptr_array_sort (self->classes, compare_class_names);

  self->measured = g_array_new (FALSE, FALSE, sizeof (guint));
  n_samples = MIN (samples->len, hs_class_tracker_get_n_samples (tracker));
  for (guint i = 0; i < n_samples; i++)
    if (!isnan (hs_class_tracker_get_sample_time (tracker, i)))
      g_array_append_val (self->measured, i);
  return self;
}

void
hs_class_stats_free (HsClassStats *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->tracker);
  g_ptr_array_unref (self->samples);
  g_ptr_array_unref (self->classes);
  g_array_unref (self->measured);
  g_free (self);
}

gboolean
hs_class_stats_has_classes (HsClassStats *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->classes->len > 0 && self->measured->len > 0;
}

static HsCensus *
census_at (HsClassStats *self,
           guint         sample)
{
  return g_ptr_array_index (self->samples, sample);
}

/* The class's point at @sample, or NULL; @cursor walks its points forward, so
 * asking for the samples in order costs one pass. */
static const HsClassPoint *
point_at (HsTrackedClass *klass,
          guint          *cursor,
          guint           sample)
{
  guint n_points;
  const HsClassPoint *points = hs_tracked_class_get_points (klass, &n_points);

  while (*cursor < n_points && points[*cursor].sample < sample)
    (*cursor)++;
  return *cursor < n_points && points[*cursor].sample == sample ? &points[*cursor] : NULL;
}

static gboolean
alive_at (HsClassStats      *self,
          HsTrackedInstance *instance,
          guint              sample)
{
  double death = hs_tracked_instance_get_death (instance);

  return death < 0 || hs_class_tracker_get_sample_time (self->tracker, sample) < death;
}

/* -- Selection: sort_stats, reverse_order, and print_stats' filter and limit ---- */

typedef struct
{
  HsClassStats              *stats;
  const HsClassStatsOptions *options;
} SortContext;

static int
compare_numbers (double a,
                 double b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

static int
compare_by_key (HsClassStats      *self,
                HsTrackedInstance *a,
                HsTrackedInstance *b,
                HsClassSortKey     key)
{
  switch (key)
    {
    case HS_CLASS_SORT_CLASSNAME:
      return strcmp (hs_tracked_instance_get_class_name (a), hs_tracked_instance_get_class_name (b));
    case HS_CLASS_SORT_NAME:
      {
        HsTrackedClass *class_a = hs_class_tracker_find_class (self->tracker, hs_tracked_instance_get_class_index (a));
        HsTrackedClass *class_b = hs_class_tracker_find_class (self->tracker, hs_tracked_instance_get_class_index (b));

        return strcmp (hs_tracked_class_get_type_name (class_a), hs_tracked_class_get_type_name (class_b));
      }
    case HS_CLASS_SORT_BIRTH:
      return compare_numbers (hs_tracked_instance_get_birth (a), hs_tracked_instance_get_birth (b));
    case HS_CLASS_SORT_DEATH:
      return compare_numbers (hs_tracked_instance_get_alive (a) ? INFINITY : hs_tracked_instance_get_death (a),
                              hs_tracked_instance_get_alive (b) ? INFINITY : hs_tracked_instance_get_death (b));
    case HS_CLASS_SORT_SIZE:
      return -compare_numbers (hs_tracked_instance_get_size (a), hs_tracked_instance_get_size (b));
    case HS_CLASS_SORT_TSIZE:
      return -compare_numbers (hs_tracked_instance_get_tsize (a), hs_tracked_instance_get_tsize (b));
    case HS_CLASS_SORT_REPR:
      return g_strcmp0 (hs_tracked_instance_get_text (a), hs_tracked_instance_get_text (b));
    case HS_CLASS_SORT_N_KEYS:
    default:
      g_assert_not_reached ();
    }
}

static int
compare_instances (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const SortContext *context = data;
  HsTrackedInstance *first = *(HsTrackedInstance **) a;
  HsTrackedInstance *second = *(HsTrackedInstance **) b;
  const HsClassSortKey *keys = context->options->keys;
  guint n_keys = context->options->n_keys;

  if (n_keys == 0)
    {
      keys = default_keys;
      n_keys = G_N_ELEMENTS (default_keys);
    }
  for (guint i = 0; i < n_keys; i++)
    {
      int order = compare_by_key (context->stats, first, second, keys[i]);

      if (order != 0)
        return order;
    }
  /* Equal in every key: the order they were tracked in, as Python's stable sort. */
  return compare_numbers (hs_tracked_instance_get_instance (first), hs_tracked_instance_get_instance (second));
}

GPtrArray *
hs_class_stats_select (HsClassStats              *self,
                       const HsClassStatsOptions *options)
{
  GListModel *instances;
  g_autoptr(GPtrArray) sorted = NULL;
  GPtrArray *selected;
  SortContext context = { self, options };
  guint limit;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  sorted = g_ptr_array_new_with_free_func (g_object_unref);
  selected = g_ptr_array_new_with_free_func (g_object_unref);
  instances = hs_class_tracker_get_instances (self->tracker);
  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    g_ptr_array_add (sorted, g_list_model_get_item (instances, i));
  g_ptr_array_sort_with_data (sorted, compare_instances, &context);
  if (options->reverse)
    for (guint i = 0; i < sorted->len / 2; i++)
      {
        gpointer swap = sorted->pdata[i];

        sorted->pdata[i] = sorted->pdata[sorted->len - 1 - i];
        sorted->pdata[sorted->len - 1 - i] = swap;
      }

  /* As print_stats (clsname, limit): filtered, then cut; a fraction is of all
   * the tracked instances, not of those that matched. */
  if (options->limit <= 0)
    limit = G_MAXUINT;
  else if (options->limit < 1.0)
    limit = MAX (1, (guint) (sorted->len * options->limit));
  else
    limit = (guint) MIN (options->limit, (double) G_MAXUINT);
  for (guint i = 0; i < sorted->len && selected->len < limit; i++)
    {
      HsTrackedInstance *instance = g_ptr_array_index (sorted, i);

      if (options->match == NULL || strstr (hs_tracked_instance_get_class_name (instance), options->match))
        g_ptr_array_add (selected, g_object_ref (instance));
    }
  return selected;
}

/* -- Pympler's string helpers (pympler/util/stringutils.py) ---------------------- */

/* pp (): "  64     B", "  17.17 MB"; a float, as Pympler's averages are. */
static char *
pp (double bytes)
{
  static const char *scales[] = { "B", "KB", "MB", "GB", "TB", "EB" };
  guint degree = 0;

  if (bytes <= 1024)
    return g_strdup_printf ("%4d     %s", (int) bytes, scales[0]);
  for (; bytes > 1024 && degree + 1 < G_N_ELEMENTS (scales); degree++)
    bytes /= 1024.0;
  return g_strdup_printf ("%7.2f %s", bytes, scales[degree]);
}

/* pp_timestamp (): seconds as "hh:mm:ss.ss". */
static char *
pp_timestamp (double seconds)
{
  return g_strdup_printf ("%02d:%02d:%05.2f", (int) (seconds / 3600),
                          (int) fmod (seconds / 60, 60), fmod (seconds, 60));
}

/* trunc () of text from the profiled program: newlines as "|", then made safe
 * for a terminal, then at most @max characters with "..." where cut (at the
 * start with @left). */
static char *
trunc_text (const char *raw,
            guint       max,
            gboolean    left)
{
  g_autofree char *flat = g_strdelimit (g_strdup (raw != NULL ? raw : ""), "\n", '|');
  g_autofree char *text = hs_escape_for_terminal (flat);
  glong length = g_utf8_strlen (text, -1);

  if ((guint) length <= max)
    return g_steal_pointer (&text);
  if (left)
    return g_strconcat ("...", g_utf8_offset_to_pointer (text, length - max + 3), NULL);
  *g_utf8_offset_to_pointer (text, max - 3) = '\0';
  return g_strconcat (text, "...", NULL);
}

/* Python's "%-Ns" (or "%Ns" with @right) of @text, counting characters. */
static void
append_padded (GString    *out,
               const char *text,
               guint       width,
               gboolean    right)
{
  glong length = g_utf8_strlen (text, -1);
  guint padding = (guint) length < width ? width - (guint) length : 0;

  if (!right)
    g_string_append (out, text);
  for (guint i = 0; i < padding; i++)
    g_string_append_c (out, ' ');
  if (right)
    g_string_append (out, text);
}

/* -- print_summary -------------------------------------------------------------- */

static char *
sample_title (HsClassStats *self,
              guint         sample)
{
  HsCensus *census = census_at (self, sample);

  if (census->label != NULL && *census->label != '\0')
    return trunc_text (census->label, 35, FALSE);
  return pp_timestamp (hs_class_tracker_get_sample_time (self->tracker, sample));
}

char *
hs_class_stats_format_summary (HsClassStats *self)
{
  GString *out;
  g_autofree guint *cursors = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new ("---- SUMMARY ");
  cursors = g_new0 (guint, MAX (self->classes->len, 1));
  for (guint i = 0; i < 66; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '\n');
  for (guint m = 0; m < self->measured->len; m++)
    {
      guint sample = g_array_index (self->measured, guint, m);
      HsCensus *census = census_at (self, sample);
      g_autofree char *title = sample_title (self, sample);
      g_autofree char *total = pp ((double) census->bytes);

      append_padded (out, title, 35, FALSE);
      g_string_append_printf (out, " %11s ", "active");
      append_padded (out, total, 12, TRUE);
      g_string_append_printf (out, " %12s %5s\n", "average", "pct");
      for (guint c = 0; c < self->classes->len; c++)
        {
          HsTrackedClass *klass = g_ptr_array_index (self->classes, c);
          const HsClassPoint *point = point_at (klass, &cursors[c], sample);
          gint64 active = point != NULL ? point->active : 0;
          gint64 size = point != NULL ? point->size : 0;
          g_autofree char *name = trunc_text (hs_tracked_class_get_name (klass), 33, FALSE);
          g_autofree char *sum = pp ((double) size);
          g_autofree char *average = pp (active > 0 ? (double) size / (double) active : 0);
          int percent = census->rss > 0 ? (int) (size * 100.0 / (double) census->rss) : 0;

          g_string_append (out, "  ");
          append_padded (out, name, 33, FALSE);
          g_string_append_printf (out, " %11" G_GINT64_FORMAT " ", active);
          append_padded (out, sum, 12, TRUE);
          g_string_append_c (out, ' ');
          append_padded (out, average, 12, TRUE);
          g_string_append_printf (out, " %4d%%\n", percent);
        }
    }
  for (guint i = 0; i < 79; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* -- print_stats ---------------------------------------------------------------- */

typedef struct
{
  const HsSizeNode *node;
  guint             position;
} RankedNode;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const RankedNode *first = a;
  const RankedNode *second = b;

  if (first->node->size != second->node->size)
    return first->node->size > second->node->size ? -1 : 1;
  return first->position > second->position ? -1 : 1;
}

/* @node's children by size, the largest first; equal sizes in reverse order,
 * as Pympler's sort-then-reverse leaves them.  Only those over 0.1% of
 * @total: Pympler's minpct. */
static GArray *
ranked_referents (const HsSizeNode *node,
                  gint64            total)
{
  GArray *ranked = g_array_new (FALSE, FALSE, sizeof (RankedNode));

  for (guint i = 0; node->children != NULL && i < node->children->len; i++)
    {
      RankedNode entry = { g_ptr_array_index (node->children, i), i };

      if (entry.node->size > 0 && entry.node->size * 100.0 / (double) total > 0.1)
        g_array_append_val (ranked, entry);
    }
  g_array_sort (ranked, compare_ranked);
  return ranked;
}

static void
append_console_referents (GString          *out,
                          const HsSizeNode *node,
                          gint64            total,
                          const char       *prefix,
                          int               level)
{
  g_autoptr(GArray) ranked = NULL;
  g_autofree char *deeper = g_strconcat (prefix, "  ", NULL);

  if (total <= 0)
    return;
  ranked = ranked_referents (node, total);
  for (guint i = 0; i < ranked->len; i++)
    {
      const HsSizeNode *referent = g_array_index (ranked, RankedNode, i).node;
      g_autofree char *label = g_strconcat (prefix, referent->name != NULL ? referent->name : "", NULL);
      g_autofree char *name = trunc_text (label, 50, FALSE);
      g_autofree char *size = pp ((double) referent->size);

      append_padded (out, name, 50, FALSE);
      g_string_append_c (out, ' ');
      append_padded (out, size, 14, FALSE);
      g_string_append_printf (out, " %3d%% [%d]\n", (int) (referent->size * 100.0 / (double) total), level);
      append_console_referents (out, referent, total, deeper, level + 1);
    }
}

/* print_object (): the instance, its creation stack, its size at every sample
 * that measured it, its referents, its end. */
static void
append_instance (HsClassStats      *self,
                 GString           *out,
                 HsTrackedInstance *instance)
{
  g_autofree char *name = trunc_text (hs_tracked_instance_get_class_name (instance), 32, TRUE);
  g_autofree char *text = trunc_text (hs_tracked_instance_get_text (instance), 35, FALSE);
  const HsTrace *trace = hs_class_tracker_get_trace (self->tracker, hs_tracked_instance_get_trace (instance));
  const HsSizeChange *changes;
  const HsSizeNode *detail = hs_tracked_instance_get_detail (instance);
  guint n_changes;

  append_padded (out, name, 32, FALSE);
  if (!hs_tracked_instance_get_alive (instance))
    g_string_append (out, " ( free )   ");
  else
    g_string_append_printf (out, " 0x%08" G_GINT64_MODIFIER "x ", hs_tracked_instance_get_address (instance));
  append_padded (out, text, 35, FALSE);
  g_string_append_c (out, '\n');

  for (guint i = 0; trace != NULL && i < trace->n_frames; i++)
    {
      g_autofree char *file = hs_escape_for_terminal (trace->frames[i].file);
      g_autofree char *function = hs_escape_for_terminal (trace->frames[i].function);

      g_string_append_printf (out, "  %s:%4" G_GINT64_FORMAT " in %s\n", file, trace->frames[i].line, function);
    }

  changes = hs_tracked_instance_get_sizes (instance, &n_changes);
  if (n_changes > 0)
    {
      for (guint m = 0; m < self->measured->len; m++)
        {
          guint sample = g_array_index (self->measured, guint, m);
          g_autofree char *time = NULL;
          g_autofree char *size = NULL;

          if (sample < changes[0].sample || !alive_at (self, instance, sample))
            continue;
          time = pp_timestamp (hs_class_tracker_get_sample_time (self->tracker, sample));
          size = pp ((double) hs_tracked_instance_get_size_at (instance, sample));
          g_string_append (out, "  ");
          append_padded (out, time, 30, FALSE);
          g_string_append_printf (out, " %s\n", size);
        }
      if (detail != NULL)
        append_console_referents (out, detail, detail->size, "    ", 1);
    }

  if (!hs_tracked_instance_get_alive (instance))
    {
      g_autofree char *death = pp_timestamp (hs_tracked_instance_get_death (instance));

      g_string_append (out, "  ");
      append_padded (out, death, 30, FALSE);
      g_string_append (out, " finalize\n");
    }
}

char *
hs_class_stats_format_stats (HsClassStats              *self,
                             const HsClassStatsOptions *options)
{
  g_autoptr(GPtrArray) selected = NULL;
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  out = g_string_new (NULL);
  selected = hs_class_stats_select (self, options);
  for (guint i = 0; i < selected->len; i++)
    append_instance (self, out, g_ptr_array_index (selected, i));
  return g_string_free (out, FALSE);
}

/* -- The HTML report ------------------------------------------------------------ */

/* More samples than this in a table: only the snapshots (labelled) and the
 * last sample are listed; the chart still shows every one. */
#define HTML_MAX_TABLE_SAMPLES 100
/* Classes drawn apart in the chart; the rest are stacked as one. */
#define CHART_MAX_SERIES 10

#define CHART_WIDTH 960
#define CHART_LEFT 80
#define CHART_RIGHT (CHART_WIDTH - 24)
#define CHART_TOP 56
#define CHART_BOTTOM 316
#define LEGEND_TOP 388
#define LEGEND_ROW 22
#define LEGEND_COLUMNS 4

/* Ten hues told apart at a glance (Tableau 10); grey, the last, for the other classes. */
static const char *palette[] = {
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#5f6b7a", "#bab0ac",
};

static const char style_sheet[] =
  "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Cantarell,sans-serif;color:#241f31;"
  "background:#fafafa;margin:0;padding:24px 40px 48px;max-width:1120px}\n"
  "h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:36px 0 8px;padding-top:8px;"
  "border-top:1px solid #deddda}h3{font-size:16px;margin:20px 0 6px}\n"
  "p{margin:6px 0}.lead{color:#5e5c64}.type{color:#5e5c64;margin-top:-4px}\n"
  "nav ul{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 18px}\n"
  "a{color:#1a5fb4;text-decoration:none}a:hover{text-decoration:underline}\n"
  "table{border-collapse:collapse;margin:6px 0 12px;background:#fff;border:1px solid #deddda;"
  "font-variant-numeric:tabular-nums;min-width:600px}\n"
  "th,td{padding:4px 12px;text-align:left;vertical-align:top;border-bottom:1px solid #ebebeb}\n"
  "th{background:#f0f0f0;font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}\n"
  "tr:nth-child(even) td{background:#f9f9f9}\n"
  ".text{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px;max-width:420px;"
  "overflow-wrap:anywhere}\n"
  "pre{margin:4px 0;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}\n"
  "details summary{cursor:pointer;color:#1a5fb4}\n"
  ".chart{width:100%;max-width:960px;height:auto;background:#fff;border:1px solid #deddda}\n"
  ".chart text{font:12px system-ui,sans-serif;fill:#3d3846}.chart .axis{font-size:13px}\n"
  ".note{color:#5e5c64;font-style:italic}\n"
  "footer{margin-top:40px;color:#77767b;font-size:13px}\n";

/* @raw from the profiled program as HTML text: valid UTF-8, markup
 * characters as entities, control characters shown as \xHH. */
static char *
html_escape (const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw != NULL ? raw : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        default:
          if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0))
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
    }
  return g_string_free (out, FALSE);
}

/* pp () without its padding, for a table cell. */
static char *
html_size (double bytes)
{
  g_autofree char *padded = pp (bytes);
  g_auto(GStrv) words = g_strsplit (g_strstrip (padded), " ", -1);
  GString *out = g_string_new (words[0]);

  /* "64     B" → "64 B" */
  for (guint i = 1; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_string_append_printf (out, "&nbsp;%s", words[i]);
  return g_string_free (out, FALSE);
}

static char *
html_time (double seconds)
{
  if (seconds < 0)
    return g_strdup (_("before tracking"));
  return pp_timestamp (seconds);
}

static char *
html_sample_title (HsClassStats *self,
                   guint         sample)
{
  HsCensus *census = census_at (self, sample);

  if (census->label != NULL && *census->label != '\0')
    return html_escape (census->label);
  return g_strdup (_("Untitled"));
}

/* Whether the tables list @sample (the @m-th measured). */
static gboolean
html_lists_sample (HsClassStats *self,
                   guint         m)
{
  guint sample = g_array_index (self->measured, guint, m);
  HsCensus *census = census_at (self, sample);

  return self->measured->len <= HTML_MAX_TABLE_SAMPLES || m + 1 == self->measured->len ||
         (census->label != NULL && *census->label != '\0');
}

static void
append_left_out_note (HsClassStats *self,
                      GString      *out)
{
  guint listed = 0;

  for (guint m = 0; m < self->measured->len; m++)
    listed += html_lists_sample (self, m);
  if (listed < self->measured->len)
    g_string_append_printf (out, "<p class=\"note\">%s</p>\n",
                            _("Only the snapshots and the last sample are listed; the chart shows every sample."));
}

typedef struct
{
  const char *name;           /* as the program named it; NULL: the other classes */
  const char *color;
  double     *values;         /* by measured sample */
  double      peak;
} ChartSeries;

static void
chart_series_free (gpointer data)
{
  ChartSeries *series = data;

  g_free (series->values);
  g_free (series);
}

static int
compare_peaks (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  ChartSeries **all = data;
  const ChartSeries *first = all[*(const guint *) a];
  const ChartSeries *second = all[*(const guint *) b];

  if (first->peak != second->peak)
    return first->peak > second->peak ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : 1;
}

/* What the chart stacks: each class, in name order as Pympler stacks them;
 * beyond the CHART_MAX_SERIES largest, the others as one band on top. */
static GPtrArray *
chart_series (HsClassStats *self)
{
  guint n_classes = self->classes->len;
  guint n = self->measured->len;
  g_autofree ChartSeries **all = g_new0 (ChartSeries *, MAX (n_classes, 1));
  g_autofree guint *by_peak = g_new0 (guint, MAX (n_classes, 1));
  g_autofree gboolean *apart = g_new0 (gboolean, MAX (n_classes, 1));
  GPtrArray *series = g_ptr_array_new_with_free_func (chart_series_free);
  ChartSeries *other = NULL;

  for (guint c = 0; c < n_classes; c++)
    {
      HsTrackedClass *klass = g_ptr_array_index (self->classes, c);
      guint cursor = 0;

      all[c] = g_new0 (ChartSeries, 1);
      all[c]->name = hs_tracked_class_get_name (klass);
      all[c]->values = g_new0 (double, MAX (n, 1));
      for (guint m = 0; m < n; m++)
        {
          const HsClassPoint *point = point_at (klass, &cursor, g_array_index (self->measured, guint, m));

          all[c]->values[m] = point != NULL ? (double) point->size : 0;
          all[c]->peak = MAX (all[c]->peak, all[c]->values[m]);
        }
      by_peak[c] = c;
    }
  g_qsort_with_data (by_peak, n_classes, sizeof (guint), compare_peaks, all);
  for (guint rank = 0; rank < n_classes; rank++)
    apart[by_peak[rank]] = rank < CHART_MAX_SERIES || n_classes <= CHART_MAX_SERIES + 1;

  for (guint c = 0; c < n_classes; c++)
    {
      if (apart[c])
        {
          all[c]->color = palette[series->len % (G_N_ELEMENTS (palette) - 1)];
          g_ptr_array_add (series, all[c]);
          continue;
        }
      if (other == NULL)
        {
          other = g_new0 (ChartSeries, 1);
          other->color = palette[G_N_ELEMENTS (palette) - 1];
          other->values = g_new0 (double, MAX (n, 1));
        }
      for (guint m = 0; m < n; m++)
        other->values[m] += all[c]->values[m];
      chart_series_free (all[c]);
    }
  if (other != NULL)
    g_ptr_array_add (series, other);
  return series;
}

typedef struct
{
  double      first;          /* time at the left edge */
  double      last;
  double      top;            /* bytes at the top edge */
  double      unit;           /* of the value labels */
  const char *unit_name;
} ChartScale;

static double
chart_x (const ChartScale *scale,
         double            time)
{
  return CHART_LEFT + (time - scale->first) / (scale->last - scale->first) * (CHART_RIGHT - CHART_LEFT);
}

static double
chart_y (const ChartScale *scale,
         double            bytes)
{
  return CHART_BOTTOM - bytes / scale->top * (CHART_BOTTOM - CHART_TOP);
}

static double
measured_time (HsClassStats *self,
               guint         m)
{
  return hs_class_tracker_get_sample_time (self->tracker, g_array_index (self->measured, guint, m));
}

static void
chart_scale (HsClassStats *self,
             GPtrArray    *series,
             ChartScale   *scale)
{
  static const char *units[] = { "B", "KB", "MB", "GB", "TB" };
  guint n = self->measured->len;
  double step;

  scale->top = 0;
  for (guint m = 0; m < n; m++)
    {
      double sum = 0;

      for (guint s = 0; s < series->len; s++)
        sum += ((ChartSeries *) g_ptr_array_index (series, s))->values[m];
      scale->top = MAX (scale->top, sum);
    }
  scale->unit = 1;
  scale->unit_name = units[0];
  for (guint i = 1; i < G_N_ELEMENTS (units) && scale->top >= scale->unit * 1024; i++)
    {
      scale->unit *= 1024;
      scale->unit_name = units[i];
    }
  step = hs_format_nice_step (MAX (scale->top, scale->unit) / scale->unit, 5);
  scale->top = MAX (1, ceil (scale->top / scale->unit / step - 1e-9)) * step * scale->unit;

  scale->first = measured_time (self, 0);
  scale->last = measured_time (self, n - 1);
  if (scale->last - scale->first < 1e-6)
    {
      scale->first -= 0.5;
      scale->last += 0.5;
    }
}

static void
append_chart_grid (GString          *out,
                   const ChartScale *scale)
{
  double step = hs_format_nice_step (scale->top / scale->unit, 5) * scale->unit;
  double time_step = hs_format_nice_step (scale->last - scale->first, 8);

  for (double value = 0; value <= scale->top * (1 + 1e-9); value += step)
    {
      double y = chart_y (scale, value);

      g_string_append_printf (out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g%s%s</text>\n",
                              CHART_LEFT, CHART_RIGHT, y, y, value == 0 ? "#77767b" : "#e6e6e6",
                              CHART_LEFT - 8, y + 4, value / scale->unit, value == 0 ? "" : " ",
                              value == 0 ? "" : scale->unit_name);
    }
  for (double time = ceil (scale->first / time_step - 1e-9) * time_step;
       time <= scale->last + time_step * 1e-6; time += time_step)
    {
      double x = chart_x (scale, time);

      g_string_append_printf (out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#77767b\"/>"
                              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                              x, x, CHART_BOTTOM, CHART_BOTTOM + 5, x, CHART_BOTTOM + 19,
                              fabs (time) < time_step * 1e-6 ? 0 : time);
    }
  g_string_append_printf (out, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                          (CHART_LEFT + CHART_RIGHT) / 2, CHART_BOTTOM + 40, _("Execution time [s]"));
  g_string_append_printf (out, "<text class=\"axis\" transform=\"translate(18 %d) rotate(-90)\" "
                          "text-anchor=\"middle\">%s</text>\n",
                          (CHART_TOP + CHART_BOTTOM) / 2, _("Size of the tracked instances"));
}

/* The snapshots as dashed lines, labelled over the plot in two rows so that
 * close ones do not collide. */
static void
append_chart_snapshots (HsClassStats     *self,
                        GString          *out,
                        const ChartScale *scale)
{
  double row_end[2] = { -G_MAXDOUBLE, -G_MAXDOUBLE };

  for (guint m = 0; m < self->measured->len; m++)
    {
      HsCensus *census = census_at (self, g_array_index (self->measured, guint, m));
      double x = chart_x (scale, measured_time (self, m));
      g_autofree char *shown = NULL;
      g_autofree char *label = NULL;
      double width, center;
      guint row;

      if (census->label == NULL || *census->label == '\0')
        continue;
      if (g_utf8_strlen (census->label, -1) > 24)
        {
          g_autofree char *start = g_utf8_substring (census->label, 0, 23);
          shown = g_strconcat (start, "…", NULL);
        }
      else
        shown = g_strdup (census->label);
      label = html_escape (shown);
      width = g_utf8_strlen (shown, -1) * 7.0;
      center = CLAMP (x, CHART_LEFT + width / 2, CHART_RIGHT - width / 2);
      row = center - width / 2 > row_end[0] ? 0 : 1;
      row_end[row] = center + width / 2 + 8;
      g_string_append_printf (out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#5e5c64\" "
                              "stroke-dasharray=\"4 3\"/>"
                              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                              x, x, CHART_TOP - (row == 0 ? 10 : 26) + 4, CHART_BOTTOM,
                              center, CHART_TOP - (row == 0 ? 10 : 26), label);
    }
}

/* HtmlStats' time-space chart: each class's total over time, stacked, with a legend. */
static void
append_chart (HsClassStats *self,
              GString      *out)
{
  g_autoptr(GPtrArray) series = chart_series (self);
  guint n = self->measured->len;
  g_autofree double *base = g_new0 (double, n);
  ChartScale scale;
  guint height;

  chart_scale (self, series, &scale);
  height = LEGEND_TOP + (series->len + LEGEND_COLUMNS - 1) / LEGEND_COLUMNS * LEGEND_ROW;
  g_string_append_printf (out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                          "viewBox=\"0 0 %d %u\" width=\"%d\" height=\"%u\" role=\"img\" aria-label=\"%s\">\n",
                          CHART_WIDTH, height, CHART_WIDTH, height, _("Memory distribution over time"));
  append_chart_grid (out, &scale);

  for (guint s = 0; s < series->len; s++)
    {
      ChartSeries *one = g_ptr_array_index (series, s);
      g_autofree char *name = html_escape (one->name != NULL ? one->name : _("Other classes"));
      g_autofree char *legend = NULL;
      int legend_x = CHART_LEFT + (int) (s % LEGEND_COLUMNS) * 220;
      int legend_y = LEGEND_TOP + (int) (s / LEGEND_COLUMNS) * LEGEND_ROW;

      /* The band: along its top from the left, back along its base. */
      g_string_append_printf (out, "<path fill=\"%s\" fill-opacity=\"0.8\" stroke=\"%s\" d=\"",
                              one->color, one->color);
      if (n == 1)
        g_string_append_printf (out, "M%d %.1fH%dV%.1fH%dZ", CHART_LEFT, chart_y (&scale, base[0] + one->values[0]),
                                CHART_RIGHT, chart_y (&scale, base[0]), CHART_LEFT);
      else
        {
          for (guint m = 0; m < n; m++)
            g_string_append_printf (out, "%s%.1f %.1f", m == 0 ? "M" : "L", chart_x (&scale, measured_time (self, m)),
                                    chart_y (&scale, base[m] + one->values[m]));
          for (guint m = n; m-- > 0;)
            g_string_append_printf (out, "L%.1f %.1f", chart_x (&scale, measured_time (self, m)),
                                    chart_y (&scale, base[m]));
          g_string_append_c (out, 'Z');
        }
      g_string_append_printf (out, "\"><title>%s</title></path>\n", name);
      for (guint m = 0; m < n; m++)
        base[m] += one->values[m];

      if (one->name != NULL && g_utf8_strlen (one->name, -1) > 28)
        {
          g_autofree char *start = g_utf8_substring (one->name, 0, 27);
          g_autofree char *cut = g_strconcat (start, "…", NULL);
          legend = html_escape (cut);
        }
      g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                              "<text x=\"%d\" y=\"%d\"><title>%s</title>%s</text>\n",
                              legend_x, legend_y - 12, one->color, legend_x + 20, legend_y, name,
                              legend != NULL ? legend : name);
    }
  append_chart_snapshots (self, out, &scale);
  g_string_append (out, "</svg>\n");
}

static void
append_share_cell (GString *out,
                   gint64   size,
                   gint64   rss)
{
  g_string_append_printf (out, "<td class=\"num\">%3.2f%%</td>", rss > 0 ? size * 100.0 / (double) rss : 0.0);
}

static void
append_figures_cells (GString            *out,
                      const HsClassPoint *point,
                      gint64              rss)
{
  gint64 active = point != NULL ? point->active : 0;
  gint64 size = point != NULL ? point->size : 0;
  g_autofree char *total = html_size ((double) size);
  g_autofree char *average = html_size (active > 0 ? (double) size / (double) active : 0);

  g_string_append_printf (out, "<td class=\"num\">%" G_GINT64_FORMAT "</td><td class=\"num\">%s</td>"
                          "<td class=\"num\">%s</td>", active, total, average);
  append_share_cell (out, size, rss);
}

/* Pympler's title page: each snapshot's figures, every class in a row. */
static void
append_snapshots (HsClassStats *self,
                  GString      *out)
{
  g_autofree guint *cursors = g_new0 (guint, MAX (self->classes->len, 1));

  g_string_append_printf (out, "<section id=\"snapshots\">\n<h2>%s</h2>\n", _("Snapshot statistics"));
  append_left_out_note (self, out);
  for (guint m = 0; m < self->measured->len; m++)
    {
      guint sample = g_array_index (self->measured, guint, m);
      HsCensus *census = census_at (self, sample);
      g_autofree char *title = html_sample_title (self, sample);
      g_autofree char *time = pp_timestamp (measured_time (self, m));
      g_autofree char *rss = html_size ((double) census->rss);
      g_autofree char *bytes = html_size ((double) census->bytes);
      gint64 tracked = 0;

      for (guint c = 0; c < self->classes->len; c++)
        {
          const HsClassPoint *point = point_at (g_ptr_array_index (self->classes, c), &cursors[c], sample);

          tracked += point != NULL ? point->size : 0;
        }
      if (!html_lists_sample (self, m))
        continue;
      {
        g_autofree char *tracked_text = html_size ((double) tracked);

        g_string_append_printf (out, "<h3>");
        g_string_append_printf (out, _("%s snapshot at %s"), title, time);
        g_string_append_printf (out, "</h3>\n<p>");
        g_string_append_printf (out, _("The program’s resident memory was %s. The census counted %s in "
                                       "%lld objects; the tracked instances held %s."),
                                rss, bytes, (long long) census->objects, tracked_text);
      }
      g_string_append_printf (out, "</p>\n<table>\n<tr><th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                              "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr>\n",
                              _("Class"), _("Instances"), _("Total"), _("Average size"), _("Share"));
      for (guint c = 0; c < self->classes->len; c++)
        {
          HsTrackedClass *klass = g_ptr_array_index (self->classes, c);
          g_autofree char *name = html_escape (hs_tracked_class_get_name (klass));
          guint cursor = 0;

          g_string_append_printf (out, "<tr><td><a href=\"#class-%" G_GINT64_FORMAT "\">%s</a></td>",
                                  hs_tracked_class_get_index (klass), name);
          append_figures_cells (out, point_at (klass, &cursor, sample), census->rss);
          g_string_append (out, "</tr>\n");
        }
      g_string_append (out, "</table>\n");
    }
  g_string_append (out, "</section>\n");
}

static void
append_html_referents (GString          *out,
                       const HsSizeNode *node,
                       gint64            total,
                       int               level)
{
  g_autoptr(GArray) ranked = ranked_referents (node, total);

  for (guint i = 0; i < ranked->len; i++)
    {
      const HsSizeNode *referent = g_array_index (ranked, RankedNode, i).node;
      g_autofree char *name = html_escape (referent->name);
      g_autofree char *size = html_size ((double) referent->size);

      g_string_append_printf (out, "<tr><td class=\"text\" style=\"padding-left:%dpx\">%s</td>"
                              "<td class=\"num\">%s</td><td class=\"num\">%3.1f%%</td></tr>\n",
                              12 + 24 * (level - 1), name, size, referent->size * 100.0 / (double) total);
      append_html_referents (out, referent, total, level + 1);
    }
}

/* @count for ngettext. */
static gulong
plural_count (gint64 count)
{
  return (gulong) CLAMP (count, 0, G_MAXLONG);
}

static void
append_class_summary (GString        *out,
                      HsTrackedClass *klass,
                      GPtrArray      *recorded)
{
  g_autofree char *name = html_escape (hs_tracked_class_get_name (klass));
  gint64 total = 0, smallest = G_MAXINT64, largest = 0;

  for (guint i = 0; i < recorded->len; i++)
    {
      gint64 size = hs_tracked_instance_get_size (g_ptr_array_index (recorded, i));

      total += size;
      smallest = MIN (smallest, size);
      largest = MAX (largest, size);
    }
  g_string_append (out, "<p>");
  if (recorded->len == 0)
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              "%lld instance of %s was registered; none is recorded now.",
                                              "%lld instances of %s were registered; none is recorded now.",
                                              plural_count (hs_tracked_class_get_born (klass))),
                            (long long) hs_tracked_class_get_born (klass), name);
  else
    {
      g_autofree char *average = html_size ((double) total / recorded->len);
      g_autofree char *minimum = html_size ((double) smallest);
      g_autofree char *maximum = html_size ((double) largest);

      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                "%lld instance of %s was registered.",
                                                "%lld instances of %s were registered.",
                                                plural_count (hs_tracked_class_get_born (klass))),
                              (long long) hs_tracked_class_get_born (klass), name);
      g_string_append_c (out, ' ');
      g_string_append_printf (out, _("The average size is %s, the minimal size is %s, the maximum size is %s."),
                              average, minimum, maximum);
      if ((gint64) recorded->len < hs_tracked_class_get_born (klass))
        {
          g_string_append_c (out, ' ');
          g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                    "These sizes are of the %u instance still recorded: the class "
                                                    "keeps no data of dead instances.",
                                                    "These sizes are of the %u instances still recorded: the class "
                                                    "keeps no data of dead instances.",
                                                    recorded->len),
                                  recorded->len);
        }
    }
  g_string_append (out, "</p>\n");
}

static void
append_class_samples (HsClassStats   *self,
                      GString        *out,
                      HsTrackedClass *klass)
{
  guint cursor = 0;

  g_string_append_printf (out, "<h3>%s</h3>\n<table>\n<tr><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
                          "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th></tr>\n",
                          _("Per snapshot"), _("Snapshot"), _("Time"), _("Instances"), _("Total"),
                          _("Average size"), _("Share"));
  for (guint m = 0; m < self->measured->len; m++)
    {
      guint sample = g_array_index (self->measured, guint, m);
      const HsClassPoint *point = point_at (klass, &cursor, sample);
      g_autofree char *title = NULL;
      g_autofree char *time = NULL;

      if (!html_lists_sample (self, m))
        continue;
      title = html_sample_title (self, sample);
      time = pp_timestamp (measured_time (self, m));
      g_string_append_printf (out, "<tr><td>%s</td><td>%s</td>", title, time);
      append_figures_cells (out, point, census_at (self, sample)->rss);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
}

static void
append_class_instances (HsClassStats   *self,
                        GString        *out,
                        HsTrackedClass *klass,
                        GPtrArray      *selected,
                        guint           n_recorded)
{
  guint shown = 0;

  if (n_recorded == 0)
    return;     /* the summary said so */
  for (guint i = 0; i < selected->len; i++)
    shown += hs_tracked_instance_get_class_index (g_ptr_array_index (selected, i)) == hs_tracked_class_get_index (klass);
  g_string_append_printf (out, "<h3>%s</h3>\n", _("Instances"));
  if (shown < n_recorded)
    {
      g_string_append (out, "<p class=\"note\">");
      g_string_append_printf (out, _("%u of %u shown (--sort, --match, --limit)."), shown, n_recorded);
      g_string_append (out, "</p>\n");
    }
  if (shown == 0)
    return;
  g_string_append_printf (out, "<table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                          "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr>\n",
                          _("Instance"), _("Representation"), _("Birth"), _("Death"), _("Size"),
                          _("At the peak"));
  for (guint i = 0; i < selected->len; i++)
    {
      HsTrackedInstance *instance = g_ptr_array_index (selected, i);
      const HsTrace *trace;
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;
      g_autofree char *birth = NULL;
      g_autofree char *death = NULL;
      g_autofree char *size = NULL;
      g_autofree char *tsize = NULL;

      if (hs_tracked_instance_get_class_index (instance) != hs_tracked_class_get_index (klass))
        continue;
      name = html_escape (hs_tracked_instance_get_class_name (instance));
      text = html_escape (hs_tracked_instance_get_text (instance));
      birth = html_time (hs_tracked_instance_get_birth (instance));
      death = hs_tracked_instance_get_alive (instance) ? g_strdup ("—")
                                                      : pp_timestamp (hs_tracked_instance_get_death (instance));
      size = html_size ((double) hs_tracked_instance_get_size (instance));
      tsize = html_size ((double) hs_tracked_instance_get_tsize (instance));
      g_string_append_printf (out, "<tr><td>%s at 0x%08" G_GINT64_MODIFIER "x", name,
                              hs_tracked_instance_get_address (instance));
      trace = hs_class_tracker_get_trace (self->tracker, hs_tracked_instance_get_trace (instance));
      if (trace != NULL)
        {
          g_autofree char *raw = hs_trace_format (trace);
          g_autofree char *stack = html_escape (raw);

          g_string_append_printf (out, "<details><summary>%s</summary><pre>%s</pre></details>",
                                  _("Instantiation"), stack);
        }
      g_string_append_printf (out, "</td><td class=\"text\">%s</td><td>%s</td><td>%s</td>"
                              "<td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
                              text, birth, death, size, tsize);
    }
  g_string_append (out, "</table>\n");
}

static void
append_class_referents (GString        *out,
                        HsTrackedClass *klass,
                        GPtrArray      *recorded)
{
  HsTrackedInstance *largest = NULL;
  const HsSizeNode *detail;

  for (guint i = 0; i < recorded->len; i++)
    {
      HsTrackedInstance *instance = g_ptr_array_index (recorded, i);

      if (largest == NULL || hs_tracked_instance_get_size (instance) > hs_tracked_instance_get_size (largest))
        largest = instance;
    }
  if (largest == NULL)
    return;
  g_string_append_printf (out, "<h3>%s</h3>\n", _("Referents of the largest instance"));
  detail = hs_tracked_instance_get_detail (largest);
  if (detail == NULL || detail->size <= 0 || detail->children == NULL || detail->children->len == 0)
    {
      g_string_append_printf (out, "<p class=\"note\">%s</p>\n",
                              hs_tracked_class_get_level (klass) == 0
                              ? _("Referents are not itemised at resolution level 0.")
                              : _("No per-referent sizes recorded."));
      return;
    }
  {
    g_autofree char *text = html_escape (hs_tracked_instance_get_text (largest));
    g_autofree char *size = html_size ((double) detail->size);

    g_string_append_printf (out, "<p class=\"text\">%s — %s</p>\n<table>\n<tr><th>%s</th><th class=\"num\">%s</th>"
                            "<th class=\"num\">%s</th></tr>\n",
                            text, size, _("Referent"), _("Size"), _("Share"));
  }
  append_html_referents (out, detail, detail->size, 1);
  g_string_append (out, "</table>\n");
}

/* Pympler's print_class_details, as a section of the one page. */
static void
append_class (HsClassStats   *self,
              GString        *out,
              HsTrackedClass *klass,
              GPtrArray      *selected)
{
  GListModel *instances = hs_class_tracker_get_instances (self->tracker);
  g_autoptr(GPtrArray) recorded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *name = html_escape (hs_tracked_class_get_name (klass));
  g_autofree char *type_name = html_escape (hs_tracked_class_get_type_name (klass));

  for (guint i = 0; i < g_list_model_get_n_items (instances); i++)
    {
      HsTrackedInstance *instance = g_list_model_get_item (instances, i);

      if (hs_tracked_instance_get_class_index (instance) == hs_tracked_class_get_index (klass))
        g_ptr_array_add (recorded, instance);
      else
        g_object_unref (instance);
    }

  g_string_append_printf (out, "<section id=\"class-%" G_GINT64_FORMAT "\">\n<h2>%s</h2>\n<p class=\"type\">",
                          hs_tracked_class_get_index (klass), name);
  g_string_append_printf (out, hs_tracked_class_get_is_object (klass)
                               ? _("Objects of %s tracked one by one, resolution level %d")
                               : _("Class %s, resolution level %d"),
                          type_name, hs_tracked_class_get_level (klass));
  if (hs_tracked_class_get_keep (klass))
    g_string_append_printf (out, " · %s", _("dead instances kept"));
  if (hs_tracked_class_get_trace (klass))
    g_string_append_printf (out, " · %s", _("creation stacks recorded"));
  if (!hs_tracked_class_get_active (klass))
    g_string_append_printf (out, " · %s", _("detached"));
  g_string_append (out, "</p>\n");

  append_class_summary (out, klass, recorded);
  append_class_samples (self, out, klass);
  append_class_instances (self, out, klass, selected, recorded->len);
  append_class_referents (out, klass, recorded);
  g_string_append (out, "</section>\n");
}

char *
hs_class_stats_format_html (HsClassStats              *self,
                            const HsClassStatsOptions *options,
                            const char                *title)
{
  GString *out;
  g_autoptr(GPtrArray) selected = NULL;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  out = g_string_new ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
  heading = html_escape (title != NULL ? title : _("Class tracker statistics"));
  g_string_append_printf (out, "<meta name=\"viewport\" content=\"width=device-width\">\n"
                          "<meta name=\"generator\" content=\"Heapscope %s\">\n"
                          "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>%s</h1>\n",
                          PACKAGE_VERSION, heading, style_sheet, heading);
  if (!hs_class_stats_has_classes (self))
    {
      g_string_append_printf (out, "<p>%s</p>\n</body>\n</html>\n", _("No classes were tracked in this session."));
      return g_string_free (out, FALSE);
    }

  {
    g_autofree char *from = pp_timestamp (measured_time (self, 0));
    g_autofree char *to = pp_timestamp (measured_time (self, self->measured->len - 1));

    g_string_append (out, "<p class=\"lead\">");
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "%u tracked class.", "%u tracked classes.",
                                              self->classes->len),
                            self->classes->len);
    g_string_append_c (out, ' ');
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "Measured in %u sample from %s to %s.",
                                              "Measured in %u samples from %s to %s.", self->measured->len),
                            self->measured->len, from, to);
    g_string_append (out, "</p>\n<nav><ul>\n");
  }
  for (guint c = 0; c < self->classes->len; c++)
    {
      HsTrackedClass *klass = g_ptr_array_index (self->classes, c);
      g_autofree char *name = html_escape (hs_tracked_class_get_name (klass));

      g_string_append_printf (out, "<li><a href=\"#class-%" G_GINT64_FORMAT "\">%s</a></li>\n",
                              hs_tracked_class_get_index (klass), name);
    }
  g_string_append_printf (out, "</ul></nav>\n<section id=\"time-space\">\n<h2>%s</h2>\n",
                          _("Memory distribution over time"));
  append_chart (self, out);
  g_string_append (out, "</section>\n");
  append_snapshots (self, out);

  selected = hs_class_stats_select (self, options);
  for (guint c = 0; c < self->classes->len; c++)
    {
      HsTrackedClass *klass = g_ptr_array_index (self->classes, c);

      if (options->match == NULL || strstr (hs_tracked_class_get_name (klass), options->match))
        append_class (self, out, klass, selected);
    }
  g_string_append_printf (out, "<footer>");
  g_string_append_printf (out, _("Written by Heapscope %s."), PACKAGE_VERSION);
  g_string_append (out, "</footer>\n</body>\n</html>\n");
  return g_string_free (out, FALSE);
}
