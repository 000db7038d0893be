/* test-support.c — what the C tests share: waiting on events, with deadlines
 * that are a last guard only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "test-support.h"

/* How long a test waits for what it expects before it calls it lost. */
#define DEFAULT_WAIT_SECONDS 60

/* A condition no main-context event announces (a file, another process) is
 * looked at again this often; everything else wakes the wait at once. */
#define RECHECK_MS 50

/* @seconds, stretched for slow builds: HS_TEST_TIME_SCALE is set for the
 * sanitizer builds, whose every step is several times slower. */
guint
test_scaled_seconds (guint seconds)
{
  const char *text = g_getenv ("HS_TEST_TIME_SCALE");
  guint64 scale = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 1;

  return seconds * CLAMP (scale, 1, 100);
}

static gboolean
on_expired (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_recheck (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until @done holds or @seconds (scaled) have
 * passed; between events it blocks, so a loaded machine only makes it later. */
gboolean
test_wait_for (TestCondition done,
               gpointer      data,
               guint         seconds)
{
  gboolean expired = FALSE;
  guint deadline;
  guint recheck;

  if (done (data))
    return TRUE;
  deadline = g_timeout_add_seconds (test_scaled_seconds (seconds), on_expired, &expired);
  recheck = g_timeout_add (RECHECK_MS, on_recheck, NULL);
  while (!done (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (recheck);
  if (!expired)
    g_source_remove (deadline);
  return !expired;
}

/* test_wait_for() with the default deadline, failing the test when it passes. */
void
test_wait_until (TestCondition done,
                 gpointer      data)
{
  if (!test_wait_for (done, data, DEFAULT_WAIT_SECONDS))
    g_error ("what the test waited for did not happen within %u s", test_scaled_seconds (DEFAULT_WAIT_SECONDS));
}

/* Dispatches everything already due on the default main context. */
void
test_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

HsTrackedClass *
test_class_named (HsClassTracker *tracker,
                  const char     *name)
{
  GListModel *classes = hs_class_tracker_get_classes (tracker);

  for (guint i = 0; i < g_list_model_get_n_items (classes); i++)
    {
      g_autoptr(HsTrackedClass) klass = g_list_model_get_item (classes, i);

      if (g_str_equal (hs_tracked_class_get_name (klass), name))
        return klass;     /* the tracker holds it */
    }
  g_assert_not_reached ();
}
