/* test-support.h — what the C tests share: waiting on events, with deadlines
 * that are a last guard only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hs-class-tracker.h"

G_BEGIN_DECLS

typedef gboolean (*TestCondition) (gpointer data);

guint    test_scaled_seconds (guint         seconds);
gboolean test_wait_for       (TestCondition done,
                              gpointer      data,
                              guint         seconds);
void     test_wait_until     (TestCondition done,
                              gpointer      data);
void     test_drain_main_context (void);

/* The tracked class named @name (it must be there). */
HsTrackedClass *test_class_named (HsClassTracker *tracker,
                                  const char     *name);

G_END_DECLS
