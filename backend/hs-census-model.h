/* hs-census-model.h — the rows of the Types page, updated in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-census.h"
#include "hs-type-stat.h"

G_BEGIN_DECLS

#define HS_TYPE_CENSUS_MODEL (hs_census_model_get_type ())
G_DECLARE_FINAL_TYPE (HsCensusModel, hs_census_model, HS, CENSUS_MODEL, GObject)

HsCensusModel *hs_census_model_new     (void);
void           hs_census_model_update  (HsCensusModel *self,
                                        HsCensus      *current,
                                        HsCensus      *baseline);
HsTypeStat    *hs_census_model_lookup  (HsCensusModel *self,
                                        const char    *name);

G_END_DECLS
