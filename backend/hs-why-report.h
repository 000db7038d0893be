/* hs-why-report.h — why a type's instances are alive, as text: the report
 * heapscope --why prints, and its parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-reply.h"

G_BEGIN_DECLS

/* The groups a report writes out, largest first; the others are counted. */
#define HS_WHY_GROUPS_SHOWN 10

char   *hs_why_format             (const HsReply        *reply);
gint64  hs_why_estimate           (const HsReply        *reply,
                                   gint64                value);
char   *hs_why_group_dup_shape    (const HsWhyGroup     *group);
char   *hs_why_unreached_dup_text (const HsWhyUnreached *unreached);

G_END_DECLS
