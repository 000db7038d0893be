/* hs-object-details.c — what the agent says about one object
 *
 * hs-wire.c reads and checks the answer; this names its parts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-object-details.h"

G_DEFINE_BOXED_TYPE (HsObjectDetails, hs_object_details, hs_object_details_ref, hs_object_details_unref)

/* The details in @reply, which they keep; HS_REPLY_ERROR_FAILED when it
 * answers another question. */
HsObjectDetails *
hs_object_details_new (HsReply  *reply,
                       GError  **error)
{
  HsObjectDetails *self;

  g_return_val_if_fail (reply != NULL, NULL);

  if (reply->kind != HS_REPLY_OBJECT)
    {
      g_set_error_literal (error, HS_REPLY_ERROR, HS_REPLY_ERROR_FAILED, _("The agent gave no answer"));
      return NULL;
    }
  self = g_new0 (HsObjectDetails, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->reply = hs_reply_ref (reply);
  self->object = reply->object;
  self->basic = reply->basic;
  self->item = reply->item;
  self->deep = reply->deep;
  self->breakdown = reply->breakdown;
  self->n_referents = reply->total;
  self->referents = reply->items;
  return self;
}

HsObjectDetails *
hs_object_details_ref (HsObjectDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hs_object_details_unref (HsObjectDetails *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  hs_reply_unref (self->reply);
  g_free (self);
}
