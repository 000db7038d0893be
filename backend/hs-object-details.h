/* hs-object-details.h — what the agent says about one object: its sizes,
 * their asized(detail) breakdown, and what it refers to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hs-reply.h"

G_BEGIN_DECLS

typedef struct _HsObjectDetails HsObjectDetails;

/* Read from an "object" answer, which it keeps: immutable, shared by reference. */
struct _HsObjectDetails
{
  const HsObjectRef *object;       /* the object itself: type, address, flat size, text */
  gint64             basic;        /* bytes, the type's fixed part */
  gint64             item;         /* bytes, one item of the type */
  gint64             deep;         /* bytes; -1 when the agent cannot size deeply */
  const HsSizeNode  *breakdown;    /* NULL when the agent cannot size deeply */
  gint64             n_referents;  /* how many objects it refers to */
  GPtrArray         *referents;    /* HsObjectRef, each with its edge: the first of them */

  /*< private >*/
  HsReply           *reply;
  gatomicrefcount    ref_count;
};

#define HS_TYPE_OBJECT_DETAILS (hs_object_details_get_type ())

GType            hs_object_details_get_type   (void) G_GNUC_CONST;
HsObjectDetails *hs_object_details_new        (HsReply          *reply,
                                               GError          **error);
HsObjectDetails *hs_object_details_ref        (HsObjectDetails  *self);
void             hs_object_details_unref      (HsObjectDetails  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsObjectDetails, hs_object_details_unref)

G_END_DECLS
