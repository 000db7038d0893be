/* hs-census.c — census rows, diffs and Pympler-style tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hs-census.h"
#include "hs-class-report.h"

HsCensus *
hs_census_new (guint n_rows)
{
  HsCensus *self = g_atomic_rc_box_new0 (HsCensus);

  self->rows = g_new0 (HsCensusRow, MAX (n_rows, 1));
  self->n_rows = n_rows;
  return self;
}

/* A census of @n_rows empty rows with @figures' label, times and totals. */
HsCensus *
hs_census_new_with_figures (const HsCensus *figures,
                            guint           n_rows)
{
  HsCensus *self = hs_census_new (n_rows);

  self->label = g_strdup (figures->label);
  self->final = figures->final;
  self->time = figures->time;
  self->elapsed = figures->elapsed;
  self->objects = figures->objects;
  self->bytes = figures->bytes;
  self->rss = figures->rss;
  self->vms = figures->vms;
  return self;
}

HsCensus *
hs_census_ref (HsCensus *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
hs_census_clear (HsCensus *self)
{
  hs_census_rows_free (self->rows, self->n_rows);
  g_clear_pointer (&self->index_by_name, g_hash_table_unref);
  g_free (self->label);
  g_clear_pointer (&self->classes, hs_class_report_free);
}

void
hs_census_unref (HsCensus *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) hs_census_clear);
}

void
hs_census_rows_free (HsCensusRow *rows,
                     guint        n_rows)
{
  for (guint i = 0; i < n_rows; i++)
    g_free (rows[i].name);
  g_free (rows);
}

/* The index is built on first use, on whichever thread asks first; a census is only
 * looked up on the main thread once it has been handed over, so no lock is needed. */
const HsCensusRow *
hs_census_lookup (HsCensus   *self,
                  const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  hs_census_index (self);
  return g_hash_table_lookup (self->index_by_name, name);
}

/* The index hs_census_lookup() reads, made now if it is not yet: the worker
 * makes it before a census goes to the main thread (thousands of names
 * hashed), and then lookups from any thread only read it. */
void
hs_census_index (HsCensus *self)
{
  g_return_if_fail (self != NULL);

  if (self->index_by_name != NULL)
    return;
  self->index_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->n_rows; i++)
    g_hash_table_insert (self->index_by_name, self->rows[i].name, &self->rows[i]);
}

/* Rows of @to minus @from, as Pympler's summary.get_diff, leaving out types
 * whose count and size did not change. */
HsCensusRow *
hs_census_diff (HsCensus *from,
                HsCensus *to,
                guint    *n_rows)
{
  g_autoptr(GArray) diff = g_array_new (FALSE, FALSE, sizeof (HsCensusRow));

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (n_rows != NULL, NULL);

  for (guint i = 0; i < to->n_rows; i++)
    {
      const HsCensusRow *now = &to->rows[i];
      const HsCensusRow *before = hs_census_lookup (from, now->name);
      HsCensusRow row = { NULL, now->count, now->size };

      if (before != NULL)
        {
          row.count -= before->count;
          row.size -= before->size;
        }
      if (row.count == 0 && row.size == 0)
        continue;
      row.name = g_strdup (now->name);
      g_array_append_val (diff, row);
    }

  for (guint i = 0; i < from->n_rows; i++)
    {
      const HsCensusRow *before = &from->rows[i];
      HsCensusRow row;

      if (hs_census_lookup (to, before->name) != NULL)
        continue;
      row.name = g_strdup (before->name);
      row.count = -before->count;
      row.size = -before->size;
      g_array_append_val (diff, row);
    }

  *n_rows = diff->len;
  return (HsCensusRow *) g_array_free (g_steal_pointer (&diff), FALSE);
}

static int
compare_rows_by_size_descending (gconstpointer a,
                                 gconstpointer b)
{
  const HsCensusRow *row_a = a;
  const HsCensusRow *row_b = b;

  if (row_a->size != row_b->size)
    return row_a->size < row_b->size ? 1 : -1;
  return strcmp (row_a->name, row_b->name);
}

void
hs_census_rows_sort_by_size (HsCensusRow *rows,
                             guint        n_rows)
{
  /* An empty diff has no array at all, and qsort() wants one. */
  if (n_rows == 0)
    return;
  qsort (rows, n_rows, sizeof *rows, compare_rows_by_size_descending);
}

/* As Pympler's stringutils.pp: "%4d     B" below 1 KiB, "%7.2f KB" and up above.
 * Pympler never scales a negative size; we scale by magnitude so diffs read alike. */
char *
hs_format_size (gint64 bytes)
{
  static const char *scales[] = { "B", "KB", "MB", "GB", "TB", "EB" };
  double value = (double) bytes;
  guint degree = 0;

  while (ABS (value) > 1024 && degree + 1 < G_N_ELEMENTS (scales))
    {
      value /= 1024;
      degree++;
    }

  if (degree == 0)
    return g_strdup_printf ("%4" G_GINT64_FORMAT "     %s", bytes, scales[0]);
  return g_strdup_printf ("%7.2f %s", value, scales[degree]);
}

static void
append_justified_row (GString    *out,
                      const char *cells[3],
                      const guint widths[3])
{
  for (guint column = 0; column < 3; column++)
    {
      guint length = g_utf8_strlen (cells[column], -1);

      if (column > 0)
        g_string_append (out, " | ");
      for (guint pad = length; pad < widths[column]; pad++)
        g_string_append_c (out, ' ');
      g_string_append (out, cells[column]);
    }
  g_string_append_c (out, '\n');
}

/* The table Pympler's summary.print_ prints: the first @limit rows as given,
 * right-justified columns padded by one space, a row of '=' under the header. */
char *
hs_census_format_table (const HsCensusRow *rows,
                        guint              n_rows,
                        guint              limit)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  guint widths[3] = { 0, 0, 0 };
  guint n_shown = MIN (n_rows, limit);
  GString *out = g_string_new (NULL);

  g_ptr_array_add (cells, g_strdup ("types"));
  g_ptr_array_add (cells, g_strdup ("# objects"));
  g_ptr_array_add (cells, g_strdup ("total size"));
  for (guint i = 0; i < n_shown; i++)
    {
      g_ptr_array_add (cells, g_strdup (rows[i].name));
      g_ptr_array_add (cells, g_strdup_printf ("%" G_GINT64_FORMAT, rows[i].count));
      g_ptr_array_add (cells, hs_format_size (rows[i].size));
    }

  for (guint i = 0; i < cells->len; i++)
    widths[i % 3] = MAX (widths[i % 3], g_utf8_strlen (g_ptr_array_index (cells, i), -1) + 2);

  for (guint row = 0; row <= n_shown; row++)
    {
      append_justified_row (out, (const char **) &cells->pdata[row * 3], widths);
      if (row == 0)
        {
          for (guint column = 0; column < 3; column++)
            {
              if (column > 0)
                g_string_append (out, " | ");
              for (guint i = 0; i < widths[column]; i++)
                g_string_append_c (out, '=');
            }
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

static void
append_csv_field (GString    *out,
                  const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* @rows as RFC 4180 CSV: a header, then one record per row, CRLF line ends,
 * sizes in bytes. With @deltas (@n_rows entries in the same order, names
 * unused), each record also has the change of its count and size. */
char *
hs_census_format_csv (const HsCensusRow *rows,
                      const HsCensusRow *deltas,
                      guint              n_rows)
{
  GString *out = g_string_new (deltas != NULL ? "type,count,size,delta_count,delta_size\r\n"
                                              : "type,count,size\r\n");

  g_return_val_if_fail (rows != NULL || n_rows == 0, NULL);

  for (guint i = 0; i < n_rows; i++)
    {
      append_csv_field (out, rows[i].name != NULL ? rows[i].name : "");
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, rows[i].count, rows[i].size);
      if (deltas != NULL)
        g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT, deltas[i].count, deltas[i].size);
      g_string_append (out, "\r\n");
    }

  return g_string_free (out, FALSE);
}

/* 1, 2, 5 × 10^n: the step that cuts @range into at most about @ticks parts
 * and reads at a glance. */
double
hs_format_nice_step (double range,
                     int    ticks)
{
  double raw = range / MAX (ticks, 1);
  double magnitude = pow (10, floor (log10 (MAX (raw, 1e-9))));
  double normalized = raw / magnitude;

  if (normalized <= 1)
    return magnitude;
  if (normalized <= 2)
    return 2 * magnitude;
  if (normalized <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}
