/* hs-format.c — numbers as the views show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "hs-census.h"
#include "hs-format.h"

/* Digits grouped by three with the locale's separator, or with a comma where
 * the locale has none (C, C.UTF-8): a count of millions must read at a glance. */
static char *
group_digits (guint64     magnitude,
              const char *sign)
{
  const char *separator = localeconv ()->thousands_sep;
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude);
  GString *out = g_string_new (sign);
  gsize length = strlen (digits);

  if (separator == NULL || *separator == '\0')
    separator = ",";
  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append (out, separator);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static guint64
magnitude_of (gint64 value)
{
  return value < 0 ? (guint64) -(value + 1) + 1 : (guint64) value;
}

/* 1234567 → "1,234,567" in the user's locale grouping. */
char *
hs_format_count (gint64 count)
{
  return group_digits (magnitude_of (count), count < 0 ? "−" : "");
}

char *
hs_format_signed_count (gint64 count)
{
  if (count == 0)
    return g_strdup ("0");
  return group_digits (magnitude_of (count), count > 0 ? "+" : "−");
}

/* The same units as the Pympler-style tables, without their padding. */
char *
hs_format_bytes (gint64 bytes)
{
  if (ABS (bytes) <= 1024)
    return g_strdup_printf ("%" G_GINT64_FORMAT " B", bytes);
  return g_strstrip (hs_format_size (bytes));
}

char *
hs_format_signed_bytes (gint64 bytes)
{
  g_autofree char *magnitude = NULL;

  if (bytes == 0)
    return g_strdup ("0 B");
  magnitude = hs_format_bytes (bytes > 0 ? bytes : -bytes);
  return g_strconcat (bytes > 0 ? "+" : "−", magnitude, NULL);
}

/* "0.4 s", "12 s", "3 min 4 s", "2 h 5 min". */
char *
hs_format_duration (double seconds)
{
  long whole;

  if (!(seconds >= 0))
    seconds = 0;
  if (seconds < 10)
    return g_strdup_printf (_("%.1f s"), seconds);
  whole = lround (MIN (seconds, (double) G_MAXINT32));
  if (whole < 60)
    return g_strdup_printf (_("%ld s"), whole);
  if (whole < 3600)
    return g_strdup_printf (_("%ld min %ld s"), whole / 60, whole % 60);
  return g_strdup_printf (_("%ld h %ld min"), whole / 3600, (whole % 3600) / 60);
}

/* "21 Nov 2026, 14:05" in local time; "" for 0. */
char *
hs_format_date_time (gint64 usec_since_epoch)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (usec_since_epoch <= 0)
    return g_strdup ("");
  utc = g_date_time_new_from_unix_utc (usec_since_epoch / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  /* Translators: a session's start, as in "21 Nov 2026, 14:05"; see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y, %H:%M"));
}

/* The labels of a byte axis from 0 up to at least @max_bytes, in about
 * @ticks steps that are round in the unit shown (the power of 1024 the
 * largest value reads in, named as the tables name it): "0 MB", "50 MB",
 * "100 MB", "150 MB", never 47.68 / 95.37 / 143.05 MB. *@top_bytes is the
 * last label's value. Decimals only where the step needs them. */
char **
hs_format_byte_axis (double  max_bytes,
                     int     ticks,
                     double *top_bytes)
{
  static const char *names[] = { "B", "KB", "MB", "GB", "TB" };
  GPtrArray *labels = g_ptr_array_new ();
  double unit = 1;
  guint degree = 0;
  double step;
  double top;
  int decimals;

  max_bytes = MAX (max_bytes, 1);
  while (max_bytes / unit >= 1024 && degree + 1 < G_N_ELEMENTS (names))
    {
      unit *= 1024;
      degree++;
    }
  step = hs_format_nice_step (max_bytes / unit, ticks);
  if (degree == 0)
    step = MAX (step, 1);   /* no half bytes */
  top = ceil (max_bytes / unit / step - 1e-9) * step;
  decimals = step >= 1 ? 0 : MIN ((int) ceil (-log10 (step) - 1e-9), 3);
  for (guint i = 0; i * step <= top + step / 2; i++)
    g_ptr_array_add (labels, g_strdup_printf ("%.*f %s", decimals, i * step, names[degree]));
  g_ptr_array_add (labels, NULL);
  *top_bytes = top * unit;
  return (char **) g_ptr_array_free (labels, FALSE);
}
