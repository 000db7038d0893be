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
  gboolean        held;               /* the process waits at the script's end */
  gboolean        held_after_exception;
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
  GPtrArray      *graphs;             /* HsRefGraph: the graphs shown, laid out (hs-session-graphs.c) */
  GArray         *graph_ids;          /* gint64: their ids in the file being written */
  guint           unreadable_graphs;  /* left out of a reopened file: damaged */
  HsGarbageLog   *garbage_log;        /* what the garbage watch saw (hs-session-garbage.c) */
  gboolean        can_watch_garbage;  /* the agent has the "garbage" capability */
  gboolean        can_retain;         /* the agent has the "dominators" capability */
  gboolean        can_why;            /* the agent has the "why" capability */
  guint           unreadable_garbage; /* reports left out of a reopened file: damaged */
};

void     _hs_session_refresh_census_model (HsSession  *self);
void     _hs_session_apply_classes        (HsSession  *self,
                                           guint       index,
                                           HsCensus   *census);
void     _hs_session_notice               (HsSession  *self,
                                           const char *text);
/* The agent runs and has @capability (one of its can_* flags above). */
gboolean _hs_session_agent_can            (HsSession           *self,
                                           gboolean             capability);
/* Sends @request, which needs @capability, its reply to @callback with
 * @task; or, when the agent cannot answer it (_hs_session_agent_can),
 * returns HS_REPLY_ERROR_ENDED in @task: @cannot while the program runs,
 * else that it ended. Takes @task. */
void     _hs_session_query_capable        (HsSession           *self,
                                           gboolean             capability,
                                           const char          *cannot,
                                           JsonNode            *request,
                                           GTask               *task,
                                           GAsyncReadyCallback  callback);
/* hs-session-graphs.c */
void     _hs_session_emit_graph_added     (HsSession  *self,
                                           guint       index,
                                           gboolean    pushed);
void     _hs_session_add_pushed_graph     (HsSession  *self,
                                           HsRefGraph *graph,
                                           gint64      id,
                                           const char *problem);
void     _hs_session_load_graphs          (HsSession  *self,
                                           GPtrArray  *texts);
/* hs-session-garbage.c */
void     _hs_session_load_garbage         (HsSession  *self,
                                           GPtrArray  *texts);
HsStore *_hs_session_get_store            (HsSession  *self,
                                           GError    **error);

G_END_DECLS
