/* hs-format.h — numbers as the views show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hs-census.h"       /* hs_format_size, hs_format_nice_step */

G_BEGIN_DECLS

char *hs_format_count        (gint64 count);
char *hs_format_signed_count (gint64 count);
char *hs_format_bytes        (gint64 bytes);
char *hs_format_signed_bytes (gint64 bytes);
char *hs_format_duration     (double seconds);
char *hs_format_date_time    (gint64 usec_since_epoch);
char **hs_format_byte_axis   (double  max_bytes,
                              int     ticks,
                              double *top_bytes);

G_END_DECLS
