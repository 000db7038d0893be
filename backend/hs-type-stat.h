/* hs-type-stat.h — one row of the Types page: a type's count and size, and their change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HS_TYPE_TYPE_STAT (hs_type_stat_get_type ())
G_DECLARE_FINAL_TYPE (HsTypeStat, hs_type_stat, HS, TYPE_STAT, GObject)

HsTypeStat *hs_type_stat_new              (const char *name);
const char *hs_type_stat_get_name         (HsTypeStat *self);
gint64      hs_type_stat_get_count        (HsTypeStat *self);
gint64      hs_type_stat_get_size         (HsTypeStat *self);
gint64      hs_type_stat_get_delta_count  (HsTypeStat *self);
gint64      hs_type_stat_get_delta_size   (HsTypeStat *self);
gboolean    hs_type_stat_set_values       (HsTypeStat *self,
                                           gint64      count,
                                           gint64      size,
                                           gint64      delta_count,
                                           gint64      delta_size);
HsTypeStat *hs_type_stat_copy             (HsTypeStat *source);
void        hs_type_stat_refresh          (HsTypeStat *self,
                                           HsTypeStat *source);
void        hs_type_stat_assign           (HsTypeStat *self,
                                           HsTypeStat *source);

G_END_DECLS
