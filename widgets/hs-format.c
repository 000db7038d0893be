/* hs-format.c — numbers as the views show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-census.h"
#include "hs-format.h"

/* 1234567 → "1,234,567" in the user's locale grouping. */
char *
hs_format_count (gint64 count)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

char *
hs_format_signed_count (gint64 count)
{
  if (count == 0)
    return g_strdup ("0");
  return g_strdup_printf (count > 0 ? "+%'" G_GINT64_FORMAT : "−%'" G_GINT64_FORMAT,
                          count > 0 ? count : -count);
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
