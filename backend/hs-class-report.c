/* hs-class-report.c — the "classes" member of a census, read and checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hs-class-report.h"
#include "hs-reply.h"
#include "hs-wire-private.h"

#define MEMBER "classes"

static JsonArray *
entry_of (JsonArray   *list,
          guint        position,
          guint        min_length,
          guint        max_length,
          const char  *what,
          GError     **error)
{
  JsonNode *node = json_array_get_element (list, position);
  JsonArray *entry;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      hs_wire_invalid (error, MEMBER, what);
      return NULL;
    }
  entry = json_node_get_array (node);
  if (json_array_get_length (entry) < min_length || json_array_get_length (entry) > max_length)
    {
      hs_wire_invalid (error, MEMBER, what);
      return NULL;
    }
  return entry;
}

static gboolean
read_cell_integer (JsonArray  *entry,
                   guint       position,
                   gint64      minimum,
                   gint64     *value,
                   GError    **error)
{
  return hs_wire_read_integer_node (json_array_get_element (entry, position), MEMBER,
                                    minimum, value, error);
}

/* A time: a number >= 0, or null (-1) where @nullable. */
static gboolean
read_cell_time (JsonArray  *entry,
                guint       position,
                gboolean    nullable,
                double     *value,
                GError    **error)
{
  JsonNode *node = json_array_get_element (entry, position);

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *value = -1;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return hs_wire_invalid (error, MEMBER, "holds a time that is not a number");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return hs_wire_invalid (error, MEMBER, "holds a time that is not a number");
  if (!(*value >= 0 && *value < 1e12))
    return hs_wire_invalid (error, MEMBER, "holds a time out of range");
  return TRUE;
}

static gboolean
read_cell_string (JsonArray   *entry,
                  guint        position,
                  gboolean     nullable,
                  char       **value,
                  GError     **error)
{
  JsonNode *node = json_array_get_element (entry, position);

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *value = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return hs_wire_invalid (error, MEMBER, "holds a name that is not a string");
  if (!hs_wire_check_string (json_node_get_string (node), MEMBER, error))
    return FALSE;
  *value = json_node_dup_string (node);
  return TRUE;
}

static gboolean
read_cell_boolean (JsonArray  *entry,
                   guint       position,
                   gboolean   *value,
                   GError    **error)
{
  JsonNode *node = json_array_get_element (entry, position);

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return hs_wire_invalid (error, MEMBER, "holds a flag that is not a boolean");
  *value = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
parse_classes (HsClassReport  *report,
               JsonArray      *list,
               GError        **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  report->classes = g_new0 (HsTrackedClassInfo, MAX (1, json_array_get_length (list)));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      HsTrackedClassInfo *info = &report->classes[i];
      JsonArray *entry = entry_of (list, i, 8, 8, "holds a tracked class that is not "
                                   "[index, name, type, kind, level, keep, trace, active]", error);
      g_autofree char *kind = NULL;
      gint64 level;

      if (entry == NULL)
        return FALSE;
      report->n_classes = i + 1;
      if (!read_cell_integer (entry, 0, 1, &info->index, error) ||
          !read_cell_string (entry, 1, FALSE, &info->name, error) ||
          !read_cell_string (entry, 2, FALSE, &info->type_name, error) ||
          !read_cell_string (entry, 3, FALSE, &kind, error) ||
          !read_cell_integer (entry, 4, 0, &level, error) ||
          !read_cell_boolean (entry, 5, &info->keep, error) ||
          !read_cell_boolean (entry, 6, &info->trace, error) ||
          !read_cell_boolean (entry, 7, &info->active, error))
        return FALSE;
      if (!g_str_equal (kind, "class") && !g_str_equal (kind, "object"))
        return hs_wire_invalid (error, MEMBER, "holds a tracked class of an unknown kind");
      if (level > HS_CLASS_REPORT_MAX_LEVEL)
        return hs_wire_invalid (error, MEMBER, "holds a resolution level out of range");
      if (!g_hash_table_add (seen, &info->index))
        return hs_wire_invalid (error, MEMBER, "names a tracked class twice");
      info->is_object = g_str_equal (kind, "object");
      info->level = (int) level;
    }
  return TRUE;
}

static gboolean
parse_births (HsClassReport  *report,
              JsonArray      *list,
              GError        **error)
{
  report->births = g_new0 (HsBirth, MAX (1, json_array_get_length (list)));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      HsBirth *birth = &report->births[i];
      JsonArray *entry = entry_of (list, i, 5, 5, "holds a birth that is not "
                                   "[instance, class, address, time, trace]", error);

      if (entry == NULL ||
          !read_cell_integer (entry, 0, 1, &birth->instance, error) ||
          !read_cell_integer (entry, 1, 1, &birth->class_index, error) ||
          !read_cell_integer (entry, 2, 0, &birth->address, error) ||
          !read_cell_time (entry, 3, TRUE, &birth->birth, error) ||
          !read_cell_integer (entry, 4, 0, &birth->trace, error))
        return FALSE;
      if (hs_class_report_find_class (report, birth->class_index) == NULL)
        return hs_wire_invalid (error, MEMBER, "holds a birth of a class it does not list");
      report->n_births = i + 1;
    }
  return TRUE;
}

static gboolean
parse_deaths (HsClassReport  *report,
              JsonArray      *list,
              GError        **error)
{
  report->deaths = g_new0 (HsDeath, MAX (1, json_array_get_length (list)));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      HsDeath *death = &report->deaths[i];
      JsonArray *entry = entry_of (list, i, 2, 2, "holds a death that is not [instance, time]",
                                   error);

      if (entry == NULL ||
          !read_cell_integer (entry, 0, 1, &death->instance, error) ||
          !read_cell_time (entry, 1, FALSE, &death->time, error))
        return FALSE;
      report->n_deaths = i + 1;
    }
  return TRUE;
}

static gboolean
parse_dropped (HsClassReport  *report,
               JsonArray      *list,
               GError        **error)
{
  report->dropped = g_new0 (gint64, MAX (1, json_array_get_length (list)));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      if (!hs_wire_read_integer_node (json_array_get_element (list, i), MEMBER, 1,
                                      &report->dropped[i], error))
        return FALSE;
      report->n_dropped = i + 1;
    }
  return TRUE;
}

static gboolean
parse_frame (JsonNode      *node,
             HsStackFrame  *frame,
             GError       **error)
{
  JsonArray *cells;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (cells = json_node_get_array (node)) != 3)
    return hs_wire_invalid (error, MEMBER, "holds a stack frame that is not [file, line, function]");
  return read_cell_string (cells, 0, FALSE, &frame->file, error) &&
         read_cell_integer (cells, 1, 0, &frame->line, error) &&
         read_cell_string (cells, 2, FALSE, &frame->function, error);
}

static gboolean
parse_traces (HsClassReport  *report,
              JsonArray      *list,
              GError        **error)
{
  report->traces = g_new0 (HsTrace, MAX (1, json_array_get_length (list)));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      HsTrace *trace = &report->traces[i];
      JsonArray *entry = entry_of (list, i, 2, 2, "holds a trace that is not [id, frames]", error);
      JsonNode *frames;
      guint n_frames;

      if (entry == NULL)
        return FALSE;
      report->n_traces = i + 1;
      frames = json_array_get_element (entry, 1);
      if (!read_cell_integer (entry, 0, 1, &trace->trace, error))
        return FALSE;
      if (!JSON_NODE_HOLDS_ARRAY (frames) ||
          (n_frames = json_array_get_length (json_node_get_array (frames))) > HS_CLASS_REPORT_MAX_FRAMES)
        return hs_wire_invalid (error, MEMBER, "holds a trace whose frames are not a short list");
      trace->frames = g_new0 (HsStackFrame, MAX (1, n_frames));
      for (guint k = 0; k < n_frames; k++)
        {
          trace->n_frames = k + 1;
          if (!parse_frame (json_array_get_element (json_node_get_array (frames), k),
                            &trace->frames[k], error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_sizes (HsClassReport  *report,
             JsonArray      *list,
             GError        **error)
{
  guint budget = HS_WIRE_MAX_SIZE_NODES * 10;

  report->sizes = g_new0 (HsInstanceSize, MAX (1, json_array_get_length (list)));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      HsInstanceSize *size = &report->sizes[i];
      JsonArray *entry = entry_of (list, i, 5, 5, "holds a size that is not "
                                   "[instance, size, flat, text, detail]", error);
      JsonNode *detail;

      if (entry == NULL)
        return FALSE;
      report->n_sizes = i + 1;
      if (!read_cell_integer (entry, 0, 1, &size->instance, error) ||
          !read_cell_integer (entry, 1, 0, &size->size, error) ||
          !read_cell_integer (entry, 2, 0, &size->flat, error) ||
          !read_cell_string (entry, 3, TRUE, &size->text, error))
        return FALSE;
      detail = json_array_get_element (entry, 4);
      if (!JSON_NODE_HOLDS_NULL (detail) &&
          !(size->detail = hs_wire_parse_size_node (detail, 0, &budget, error)))
        return FALSE;
    }
  return TRUE;
}

HsClassReport *
hs_class_report_parse (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(HsClassReport) report = g_new0 (HsClassReport, 1);
  JsonArray *list;

  g_return_val_if_fail (object != NULL, NULL);

#define LIST(member, limit) \
  ((list = hs_wire_read_array (object, member, limit, error)) != NULL)
  if (!(LIST ("tracked", HS_CLASS_REPORT_MAX_CLASSES) && parse_classes (report, list, error)) ||
      !(LIST ("born", HS_CLASS_REPORT_MAX_ENTRIES) && parse_births (report, list, error)) ||
      !(LIST ("died", HS_CLASS_REPORT_MAX_ENTRIES) && parse_deaths (report, list, error)) ||
      !(LIST ("dropped", HS_CLASS_REPORT_MAX_ENTRIES) && parse_dropped (report, list, error)) ||
      !(LIST ("traces", HS_CLASS_REPORT_MAX_ENTRIES) && parse_traces (report, list, error)) ||
      !(LIST ("sizes", HS_CLASS_REPORT_MAX_ENTRIES) && parse_sizes (report, list, error)))
    return NULL;
#undef LIST
  return g_steal_pointer (&report);
}

const HsTrackedClassInfo *
hs_class_report_find_class (const HsClassReport *self,
                            gint64               index)
{
  for (guint i = 0; i < self->n_classes; i++)
    if (self->classes[i].index == index)
      return &self->classes[i];
  return NULL;
}

/* "file:line in function" lines, outermost first, as Pympler prints a trace. */
char *
hs_trace_format (const HsTrace *trace)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < trace->n_frames; i++)
    g_string_append_printf (text, "%s:%" G_GINT64_FORMAT " in %s\n", trace->frames[i].file,
                            trace->frames[i].line, trace->frames[i].function);
  return g_string_free (text, FALSE);
}

void
hs_class_report_free (HsClassReport *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_classes; i++)
    {
      g_free (self->classes[i].name);
      g_free (self->classes[i].type_name);
    }
  for (guint i = 0; i < self->n_traces; i++)
    {
      for (guint k = 0; k < self->traces[i].n_frames; k++)
        {
          g_free (self->traces[i].frames[k].file);
          g_free (self->traces[i].frames[k].function);
        }
      g_free (self->traces[i].frames);
    }
  for (guint i = 0; i < self->n_sizes; i++)
    {
      g_free (self->sizes[i].text);
      g_clear_pointer (&self->sizes[i].detail, hs_size_node_free);
    }
  g_free (self->classes);
  g_free (self->births);
  g_free (self->deaths);
  g_free (self->dropped);
  g_free (self->traces);
  g_free (self->sizes);
  g_free (self);
}
