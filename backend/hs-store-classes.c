/* hs-store-classes.c — tracked classes in the session file
 *
 * Each census that carries a "classes" report keeps it in tracked_report, as
 * the JSON the agent sent, less what a reader can tell without it: a size
 * entry is written only when the instance's size changed since the last one
 * written (or it has text or itemised referents).  Reading gives each sample
 * its report back through the same checking parser as the link, so a file
 * is trusted no more than the agent is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hs-census.h"
#include "hs-class-report.h"
#include "hs-reply.h"
#include "hs-store-private.h"

typedef struct
{
  gint64 instance;      /* the key */
  gint64 size;
} WrittenSize;

static void
add_size_node (JsonBuilder      *builder,
               const HsSizeNode *node)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, node->name ? node->name : "");
  json_builder_set_member_name (builder, "size");
  if (node->size >= 0)
    json_builder_add_int_value (builder, node->size);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "flat");
  if (node->flat >= 0)
    json_builder_add_int_value (builder, node->flat);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "refs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < node->children->len; i++)
    add_size_node (builder, g_ptr_array_index (node->children, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* Whether @size must be written: new, changed, or carrying more than a size. */
static gboolean
size_is_news (GHashTable           *written,
              const HsInstanceSize *size)
{
  WrittenSize *known = g_hash_table_lookup (written, &size->instance);

  if (known == NULL)
    {
      known = g_new (WrittenSize, 1);
      known->instance = size->instance;
      known->size = size->size;
      g_hash_table_add (written, known);
      return TRUE;
    }
  if (known->size == size->size && size->text == NULL && size->detail == NULL)
    return FALSE;
  known->size = size->size;
  return TRUE;
}

static char *
report_to_json (const HsClassReport *report,
                GHashTable          *written)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "tracked");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_classes; i++)
    {
      const HsTrackedClassInfo *info = &report->classes[i];

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, info->index);
      json_builder_add_string_value (builder, info->name);
      json_builder_add_string_value (builder, info->type_name);
      json_builder_add_string_value (builder, info->is_object ? "object" : "class");
      json_builder_add_int_value (builder, info->level);
      json_builder_add_boolean_value (builder, info->keep);
      json_builder_add_boolean_value (builder, info->trace);
      json_builder_add_boolean_value (builder, info->active);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "born");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_births; i++)
    {
      const HsBirth *birth = &report->births[i];

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, birth->instance);
      json_builder_add_int_value (builder, birth->class_index);
      json_builder_add_int_value (builder, birth->address);
      if (birth->birth < 0)
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, birth->birth);
      json_builder_add_int_value (builder, birth->trace);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "died");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_deaths; i++)
    {
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, report->deaths[i].instance);
      json_builder_add_double_value (builder, report->deaths[i].time);
      json_builder_end_array (builder);
      g_hash_table_remove (written, &report->deaths[i].instance);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "dropped");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_dropped; i++)
    {
      json_builder_add_int_value (builder, report->dropped[i]);
      g_hash_table_remove (written, &report->dropped[i]);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "traces");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_traces; i++)
    {
      const HsTrace *trace = &report->traces[i];

      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, trace->trace);
      json_builder_begin_array (builder);
      for (guint k = 0; k < trace->n_frames; k++)
        {
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, trace->frames[k].file);
          json_builder_add_int_value (builder, trace->frames[k].line);
          json_builder_add_string_value (builder, trace->frames[k].function);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "sizes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_sizes; i++)
    {
      const HsInstanceSize *size = &report->sizes[i];

      if (!size_is_news (written, size))
        continue;
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, size->instance);
      json_builder_add_int_value (builder, size->size);
      json_builder_add_int_value (builder, size->flat);
      if (size->text != NULL)
        json_builder_add_string_value (builder, size->text);
      else
        json_builder_add_null_value (builder);
      if (size->detail != NULL)
        add_size_node (builder, size->detail);
      else
        json_builder_add_null_value (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
_hs_store_write_classes (HsStore             *self,
                         gint64               sample_id,
                         const HsClassReport *report,
                         GError             **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  char *json = report_to_json (report, _hs_store_class_sizes (self));

  insert = _hs_store_prepare_write (self, "INSERT INTO tracked_report (sample, report) VALUES (?, ?)",
                                    error);
  if (insert == NULL)
    {
      g_free (json);
      return FALSE;
    }
  sqlite3_bind_int64 (insert, 1, sample_id);
  sqlite3_bind_text (insert, 2, json, -1, g_free);
  return sqlite3_step (insert) == SQLITE_DONE || _hs_store_write_failed (self, error);
}

/* The position of the sample with @id in @samples, or -1. */
static int
position_of (HsStore *self,
             guint    n_samples,
             gint64   id)
{
  guint low = 0, high = n_samples;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      gint64 found = _hs_store_sample_id (self, middle);

      if (found == id)
        return (int) middle;
      if (found < id)
        low = middle + 1;
      else
        high = middle;
    }
  return -1;
}

gboolean
_hs_store_read_classes (HsStore    *self,
                        GPtrArray  *samples,
                        GError    **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  int step;

  if (_hs_store_schema_version (self) < 3)
    return TRUE;
  select = _hs_store_prepare_read (self, "SELECT sample, report FROM tracked_report ORDER BY sample",
                                   error);
  if (select == NULL)
    return FALSE;
  while ((step = sqlite3_step (select)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (select, 1);
      int position = position_of (self, samples->len, sqlite3_column_int64 (select, 0));
      g_autoptr(GError) local_error = NULL;
      HsCensus *census;
      JsonNode *root;

      if (position < 0)
        continue;       /* the sample itself is missing, which opening says already */
      census = g_ptr_array_index (samples, position);
      if (text == NULL || !json_parser_load_from_data (parser, text, -1, &local_error) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          !(census->classes = hs_class_report_parse (json_node_get_object (root), &local_error)))
        return _hs_store_damaged (self, error, _("a report of tracked classes is unreadable"));
    }
  return step == SQLITE_DONE || _hs_store_read_failed (self, error);
}
