/* hs-sample.h — one census taken during a session, with the process figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hs-census.h"

G_BEGIN_DECLS

#define HS_TYPE_SAMPLE (hs_sample_get_type ())
G_DECLARE_FINAL_TYPE (HsSample, hs_sample, HS, SAMPLE, GObject)

HsSample   *hs_sample_new          (guint     index,
                                    HsCensus *census);
guint       hs_sample_get_index    (HsSample *self);
HsSample   *hs_sample_new_without_rows (guint     index,
                                        HsCensus *header);
HsCensus   *hs_sample_get_census   (HsSample *self);
gboolean    hs_sample_has_rows     (HsSample *self);
void        hs_sample_drop_rows    (HsSample *self);
void        hs_sample_set_census   (HsSample *self,
                                    HsCensus *census);
const char *hs_sample_get_label    (HsSample *self);
double      hs_sample_get_time     (HsSample *self);
char       *hs_sample_dup_title    (HsSample *self);

G_END_DECLS
