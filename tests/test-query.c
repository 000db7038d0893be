/* test-query.c — asking a session about objects and waiting for the answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "test-query.h"
#include "test-support.h"

static void
on_query_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  QueryResult *outcome = user_data;

  outcome->reply = hs_session_query_finish (HS_SESSION (source), result, &outcome->error);
  outcome->done = TRUE;
}

/* Asks @request; @outcome is filled when the answer comes (query_wait). */
void
query_start (HsSession    *session,
             JsonNode     *request,
             GCancellable *cancellable,
             QueryResult  *outcome)
{
  hs_session_query_async (session, request, cancellable, on_query_done, outcome);
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until the answer is in, failing after @seconds (scaled). */
void
query_wait (QueryResult *outcome,
            guint        seconds)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (test_scaled_seconds (seconds), on_deadline, &expired);

  while (!outcome->done && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (deadline);
}

void
query_clear (QueryResult *outcome)
{
  g_clear_pointer (&outcome->reply, hs_reply_unref);
  g_clear_error (&outcome->error);
  outcome->done = FALSE;
}

/* Asks @request (taken) and waits for the answer; NULL with @error set on failure. */
HsReply *
ask (HsSession  *session,
     JsonNode   *request,
     GError    **error)
{
  QueryResult outcome = { 0 };

  query_start (session, request, NULL, &outcome);
  json_node_unref (request);
  query_wait (&outcome, 60);
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.reply;
}
