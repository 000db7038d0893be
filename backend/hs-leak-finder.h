/* hs-leak-finder.h — a session's leak suspects, kept up to date off the
 * main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-leak-suspects.h"
#include "hs-session.h"

G_BEGIN_DECLS

/* New samples are ranked with the others at most this often. */
#define HS_LEAK_FINDER_DELAY_MS 2000

#define HS_TYPE_LEAK_FINDER (hs_leak_finder_get_type ())
G_DECLARE_FINAL_TYPE (HsLeakFinder, hs_leak_finder, HS, LEAK_FINDER, GObject)

/* Ranks @session's types from its baseline sample (the one the Types page
 * compares with, or the first) to its latest, as samples come. Properties
 * (read-only): "session"; "busy" (ranking in a thread); "ranked" (a ranking
 * has been made since the baseline was set); "baseline" (the sample ranked
 * from, or NULL before the first); "n-samples" and "duration" (seconds) that
 * the ranking covers; "n-types" (the types it followed); "unreadable"
 * (samples whose rows could not be read back from the session file, left
 * out). Each ranking replaces the suspects at once, then notifies. */
HsLeakFinder *hs_leak_finder_new            (HsSession    *session);
HsSession    *hs_leak_finder_get_session    (HsLeakFinder *self);
/* HsLeakSuspect, most likely first. */
GListModel   *hs_leak_finder_get_suspects   (HsLeakFinder *self);
gboolean      hs_leak_finder_get_busy       (HsLeakFinder *self);
gboolean      hs_leak_finder_get_ranked     (HsLeakFinder *self);
HsSample     *hs_leak_finder_get_baseline   (HsLeakFinder *self);
guint         hs_leak_finder_get_n_samples  (HsLeakFinder *self);
double        hs_leak_finder_get_duration   (HsLeakFinder *self);
guint         hs_leak_finder_get_n_types    (HsLeakFinder *self);
guint         hs_leak_finder_get_unreadable (HsLeakFinder *self);

G_END_DECLS
