/* hs-headless.h — run a script under the agent with no display and print tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-class-stats.h"
#include "hs-session.h"

G_BEGIN_DECLS

/* The Leaks page's ranking of @self's samples, as text; NULL (and @error)
 * if a sample cannot be read back from its file. */
char *hs_session_format_leaks  (HsSession          *self,
                                GError            **error);
int   hs_headless_report_leaks (const char         *path);
/* With @leaks, the leak suspects (hs_session_format_leaks) follow the tables;
 * then why the instances of each of @why_types are alive (hs_why_format). */
int   hs_headless_run          (const HsLaunchSpec *spec,
                                const char         *record_path,
                                gboolean            leaks,
                                const char * const *why_types,
                                const char         *why_label);
int   hs_headless_report       (const char         *path,
                                const char         *from_label,
                                const char         *to_label);
int   hs_headless_report_classes (const char                *path,
                                  const HsClassStatsOptions *options,
                                  gboolean                   print_stats,
                                  const char                *html_path,
                                  const char                *title);
int   hs_headless_write_graphs (const char         *path,
                                const char         *dir);
char *hs_session_format_report (HsSession          *self,
                                HsSample           *from,
                                HsSample           *to);
char *hs_escape_for_terminal   (const char         *text);

G_END_DECLS
