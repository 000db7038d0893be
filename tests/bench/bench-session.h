/* bench-session.h — what the C benchmarks that drive a real HsSession share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-session.h"

G_BEGIN_DECLS

/* One turn of the main loop while waiting for @what; FALSE (and says why, with
 * the child's console) once the child has ended, the link failed or @deadline
 * (monotonic µs) has passed. A timeout wakes the loop now and then for that. */
gboolean bench_iterate          (HsSession  *session,
                                 gint64      deadline,
                                 const char *what);
/* A child of @script (NULL: HS_BENCH_SCRIPT) with @arguments, run by @python
 * (NULL: $HS_TEST_PYTHON, else python3) under the agent of @agent_dir (NULL:
 * $HS_AGENT_DIR, else the build's), sampled once an hour: only the censuses
 * and questions a benchmark asks reach the agent. */
HsLaunchSpec *bench_launch_spec (const char        *python,
                                 const char        *agent_dir,
                                 const char        *script,
                                 const char *const *arguments);
/* Stops the child and lets the worker reap it. */
void     bench_stop             (HsSession  *session);
/* "  NAME   min median max" of @values (double seconds), in ms. */
void     bench_print_stats      (const char *name,
                                 GArray     *values);

G_END_DECLS
