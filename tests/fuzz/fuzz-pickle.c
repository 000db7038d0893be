/* fuzz-pickle.c — the restricted pickle reader and the Pympler import on arbitrary bytes
 *
 * The bytes are read as pickles one after the other, and every value is
 * walked; then they are imported as a Pympler dump, and every census it
 * becomes must be one the session file's reader takes back (limits of the
 * class report: times, sizes, strings, stacks, size trees) and must apply to
 * an HsClassTracker.
 *
 * The corpus, pickle-corpus/: dumps written by Pympler 1.1's Stats.dump_stats
 * (tests/scripts/pympler_dump.py), the tutorial's loaded and written again
 * with protocols 2 to 4, an empty tracker's dump, dumps whose objects call
 * os.system when Python loads them, shared and self-holding values, and one
 * of each scalar opcode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hs-census.h"
#include "hs-class-report.h"
#include "hs-class-tracker.h"
#include "hs-pickle.h"
#include "hs-pympler-import.h"
#include "hs-reply.h"
#include "hs-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define MAX_WALK_DEPTH 48

static void
walk (const HsPickleValue *value,
      guint                depth,
      guint               *budget)
{
  gint64 integer;
  double number;

  if (value == NULL || depth > MAX_WALK_DEPTH || *budget == 0)
    return;
  (*budget)--;
  hs_pickle_value_get_int (value, &integer);
  hs_pickle_value_get_number (value, &number);
  switch (value->kind)
    {
    case HS_PICKLE_STRING:
      g_assert_true (g_utf8_validate (value->string, value->n_items, NULL));
      g_assert_cmpuint (strlen (hs_pickle_value_get_string (value)), <=, value->n_items);
      break;
    case HS_PICKLE_BYTES:
      g_assert_cmpint (value->string[value->n_items], ==, '\0');
      break;
    case HS_PICKLE_DICT:
      g_assert_cmpuint (value->n_items % 2, ==, 0);
      hs_pickle_value_lookup (value, "size");
      G_GNUC_FALLTHROUGH;
    case HS_PICKLE_TUPLE:
    case HS_PICKLE_LIST:
      for (guint i = 0; i < value->n_items; i++)
        walk (value->items[i], depth + 1, budget);
      break;
    case HS_PICKLE_CLASS:
      g_assert_true (g_str_has_prefix (value->global.module, "pympler.") ||
                     g_str_equal (value->global.module, "collections") ||
                     g_str_equal (value->global.module, "builtins") ||
                     g_str_equal (value->global.module, "__builtin__"));
      break;
    case HS_PICKLE_OBJECT:
      g_assert_cmpint (value->object.klass->kind, ==, HS_PICKLE_CLASS);
      g_assert_true (g_str_has_prefix (value->object.klass->global.module, "pympler."));
      hs_pickle_value_lookup (value, "size");
      walk (value->object.state, depth + 1, budget);
      break;
    default:
      break;
    }
}

static void
assert_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), <=, HS_WIRE_MAX_STRING);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
assert_time (double time)
{
  g_assert_true (time >= 0 && time < 1e12);
}

static void
assert_id (gint64 id,
           gint64 minimum)
{
  g_assert_cmpint (id, >=, minimum);
  g_assert_cmpint (id, <, HS_WIRE_MAX_INTEGER);
}

/* What hs_wire_parse_size_node() takes back. */
static void
assert_size_node (const HsSizeNode *node,
                  guint             depth,
                  guint            *n_nodes)
{
  g_assert_cmpuint (depth, <=, HS_WIRE_MAX_DEPTH);
  (*n_nodes)++;
  assert_text (node->name);
  g_assert_cmpint (node->size, >=, -1);
  g_assert_cmpint (node->size, <, HS_WIRE_MAX_INTEGER);
  g_assert_cmpint (node->flat, >=, -1);
  g_assert_cmpint (node->flat, <, HS_WIRE_MAX_INTEGER);
  g_assert_cmpuint (node->children->len, <=, HS_WIRE_MAX_SIZE_NODES);
  for (guint i = 0; i < node->children->len; i++)
    assert_size_node (g_ptr_array_index (node->children, i), depth + 1, n_nodes);
}

/* What hs_class_report_parse() takes back from the session file. */
static void
assert_report (const HsClassReport *report)
{
  guint n_nodes = 0;

  g_assert_cmpuint (report->n_classes, <=, HS_CLASS_REPORT_MAX_CLASSES);
  for (guint i = 0; i < report->n_classes; i++)
    {
      assert_id (report->classes[i].index, 1);
      assert_text (report->classes[i].name);
      assert_text (report->classes[i].type_name);
      g_assert_cmpint (report->classes[i].level, >=, 0);
      g_assert_cmpint (report->classes[i].level, <=, HS_CLASS_REPORT_MAX_LEVEL);
      for (guint k = 0; k < i; k++)
        g_assert_cmpint (report->classes[k].index, !=, report->classes[i].index);
    }
  for (guint i = 0; i < report->n_births; i++)
    {
      assert_id (report->births[i].instance, 1);
      g_assert_nonnull (hs_class_report_find_class (report, report->births[i].class_index));
      assert_id (report->births[i].address, 0);
      assert_time (report->births[i].birth);
      assert_id (report->births[i].trace, 0);
    }
  for (guint i = 0; i < report->n_deaths; i++)
    {
      assert_id (report->deaths[i].instance, 1);
      assert_time (report->deaths[i].time);
    }
  for (guint i = 0; i < report->n_traces; i++)
    {
      assert_id (report->traces[i].trace, 1);
      g_assert_cmpuint (report->traces[i].n_frames, <=, HS_CLASS_REPORT_MAX_FRAMES);
      for (guint k = 0; k < report->traces[i].n_frames; k++)
        {
          assert_text (report->traces[i].frames[k].file);
          assert_text (report->traces[i].frames[k].function);
          assert_id (report->traces[i].frames[k].line, 0);
        }
    }
  for (guint i = 0; i < report->n_sizes; i++)
    {
      assert_id (report->sizes[i].instance, 1);
      assert_id (report->sizes[i].size, 0);
      assert_id (report->sizes[i].flat, 0);
      if (report->sizes[i].text != NULL)
        assert_text (report->sizes[i].text);
      if (report->sizes[i].detail != NULL)
        assert_size_node (report->sizes[i].detail, 0, &n_nodes);
    }
  g_assert_cmpuint (n_nodes, <=, HS_WIRE_MAX_SIZE_NODES * 10);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(HsPickle) pickle = hs_pickle_new ();
  g_autoptr(GPtrArray) censuses = NULL;
  g_autoptr(GError) error = NULL;
  gsize offset = 0;
  double last_time = 0;

  for (guint i = 0; i < 4 && offset < size; i++)
    {
      g_autoptr(GError) load_error = NULL;
      const HsPickleValue *value = hs_pickle_load (pickle, data, size, &offset, &load_error);
      guint budget = 100000;

      if (value == NULL)
        {
          g_assert_nonnull (load_error);
          g_assert_true (load_error->domain == HS_PICKLE_ERROR);
          assert_text (load_error->message);
          break;
        }
      g_assert_cmpuint (offset, <=, size);
      walk (value, 0, &budget);
    }

  (void) hs_pympler_is_dump (data, size);
  censuses = hs_pympler_read_bytes (data, size, "fuzz", &error);
  if (censuses == NULL)
    {
      g_assert_nonnull (error);
      assert_text (error->message);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (censuses->len, >, 0);
  {
    g_autoptr(HsClassTracker) tracker = hs_class_tracker_new ();

    for (guint i = 0; i < censuses->len; i++)
      {
        HsCensus *census = g_ptr_array_index (censuses, i);

        assert_time (census->time);
        g_assert_cmpfloat (census->time, >=, last_time);
        last_time = census->time;
        g_assert_nonnull (census->classes);
        assert_report (census->classes);
        hs_class_tracker_apply (tracker, i, census->time, census->rss, census->classes);
      }
  }
  return 0;
}
