/* hs-session-garbage.c — what the garbage watch of a session saw: asked for,
 * kept in its file, read back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-garbage-report.h"
#include "hs-session-private.h"

HsGarbageLog *
hs_session_get_garbage_log (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), NULL);
  return self->garbage_log;
}

gboolean
hs_session_can_watch_garbage (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), FALSE);

  return _hs_session_agent_can (self, self->can_watch_garbage);
}

static void
on_watch_changed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HsSession *self = HS_SESSION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (self, result, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  hs_garbage_log_set_watching (self->garbage_log, GPOINTER_TO_INT (g_task_get_task_data (task)));
  g_task_return_boolean (task, TRUE);
}

/* Starts or stops the agent's look at what each collection frees in cycles
 * (off by default: it costs the program a little at every collection). */
void
hs_session_set_watch_garbage_async (HsSession           *self,
                                    gboolean             on,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) request = NULL;

  g_return_if_fail (HS_IS_SESSION (self));

  g_task_set_source_tag (task, hs_session_set_watch_garbage_async);
  g_task_set_task_data (task, GINT_TO_POINTER (on != FALSE), NULL);
  request = hs_wire_watch_garbage_request (on);
  _hs_session_query_capable (self, self->can_watch_garbage, _("This Python cannot watch collected cycles"),
                             request, g_steal_pointer (&task), on_watch_changed);
}

gboolean
hs_session_set_watch_garbage_finish (HsSession     *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reopened: every report the file keeps, in order; a damaged one is left out. */
void
_hs_session_load_garbage (HsSession *self,
                          GPtrArray *texts)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  for (guint i = 0; texts != NULL && i < texts->len; i++)
    {
      g_autoptr(HsGarbageReport) report = NULL;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, g_ptr_array_index (texts, i), -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          !(report = hs_garbage_report_parse (json_node_get_object (root), NULL)))
        {
          self->unreadable_garbage++;
          continue;
        }
      hs_garbage_log_apply (self->garbage_log, report);
    }
}

guint
hs_session_get_unreadable_garbage (HsSession *self)
{
  g_return_val_if_fail (HS_IS_SESSION (self), 0);
  return self->unreadable_garbage;
}
