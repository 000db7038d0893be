/* test-query.h — asking a session about objects and waiting for the answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-session.h"

G_BEGIN_DECLS

typedef struct
{
  HsReply  *reply;
  GError   *error;
  gboolean  done;
} QueryResult;

void     query_start  (HsSession    *session,
                       JsonNode     *request,
                       GCancellable *cancellable,
                       QueryResult  *outcome);
void     query_wait   (QueryResult  *outcome,
                       guint         seconds);
void     query_clear  (QueryResult  *outcome);
HsReply *ask          (HsSession    *session,
                       JsonNode     *request,
                       GError      **error);

G_END_DECLS
