/* hs-session-private.h — what hs-session.c (the run and the questions about
 * its objects) and hs-session-files.c (the session's file: reopening it,
 * reading rows back, saving a copy) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-session.h"

G_BEGIN_DECLS

struct _HsSession
{
  GObject         parent_instance;

  HsWorker       *worker;
  HsLaunchSpec   *spec;
  HsSessionState  state;
  gint64          pid;
  int             exit_code;
  int             term_signal;
  char           *python_version;
  char           *failure;
  char           *protocol_error;
  gboolean        accelerated;
  gboolean        paused;
  double          interval;
  double          effective_interval;

  HsCensusModel  *census_model;
  GListStore     *samples;
  GListStore     *snapshots;
  GListStore     *console;

  HsBaselineKind  baseline_kind;
  HsSample       *baseline_sample;
  HsSample       *shown_sample;

  char           *file;
  char           *record_error;
  gint64          started_at;
  gint64          ended_at;
  gboolean        read_only;
  gboolean        being_written_elsewhere;
  guint64         missing_samples;    /* numbers a reopened file lacks between its samples */
  HsStore        *store;              /* where rows come from: opened at load, or on
                                       * first need while recording (under store_mutex) */
  GMutex          store_mutex;
  GCancellable   *rows_cancellable;   /* the rows being read, if any */

  /* The latest answers about objects, by request text: what a live session
   * can still show once its process has ended (a recorded one also has
   * every answer in its file). */
  GHashTable     *replies;
  GQueue          reply_order;        /* their keys, the latest used first */
  gboolean        allow_repr;
  GHashTable     *handle_counts;      /* handle (gint64) → how many shown things hold it (guint) */
  HsClassTracker *class_tracker;
  gboolean        can_track;          /* the agent has the "classes" capability */
};

void     _hs_session_refresh_census_model (HsSession  *self);
void     _hs_session_apply_classes        (HsSession  *self,
                                           guint       index,
                                           HsCensus   *census);
HsStore *_hs_session_get_store            (HsSession  *self,
                                           GError    **error);

G_END_DECLS
