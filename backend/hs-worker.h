/* hs-worker.h — the thread that owns a child, its agent socket and its output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include <json-glib/json-glib.h>

#include "hs-launch-spec.h"
#include "hs-ref-graph.h"
#include "hs-wire.h"

G_BEGIN_DECLS

#define HS_PYTHON_MIN_MAJOR 3
#define HS_PYTHON_MIN_MINOR 8

typedef enum
{
  HS_WORKER_EVENT_STARTED,
  HS_WORKER_EVENT_HELLO,
  HS_WORKER_EVENT_CENSUS,
  HS_WORKER_EVENT_CONSOLE,
  HS_WORKER_EVENT_AGENT_ERROR,
  HS_WORKER_EVENT_PROTOCOL_ERROR,
  HS_WORKER_EVENT_FAILED,
  HS_WORKER_EVENT_EXITED,
  HS_WORKER_EVENT_RECORD_ERROR,
  HS_WORKER_EVENT_GARBAGE,        /* what collections freed in cycles, while watched */
  HS_WORKER_EVENT_GRAPH,          /* the script asked for a graph (heapscope.refgraph);
                                   * message: why its file could not be written */
  HS_WORKER_EVENT_HELD,           /* the script ended; the agent holds the process at exit */
} HsWorkerEventType;

typedef struct
{
  HsWorkerEventType  type;
  gint64             pid;                 /* STARTED */
  char              *python_version;      /* STARTED: from the interpreter probe */
  HsHello           *hello;               /* HELLO */
  HsCensus          *census;              /* CENSUS */
  double             round_trip;          /* CENSUS: request to reply, seconds; 0 when pushed */
  double             effective_interval;  /* CENSUS */
  GPtrArray         *console;             /* CONSOLE: HsConsoleText */
  HsRefGraph        *graph;               /* GRAPH: laid out, kept in the file */
  gint64             graph_id;            /* GRAPH: its id there */
  HsGarbageReport   *garbage;             /* GARBAGE: kept in the file */
  char              *message;             /* *_ERROR, FAILED */
  gboolean           signaled;            /* EXITED */
  gboolean           raised;              /* HELD: the script ended by an exception */
  int                exit_code;           /* EXITED */
  int                term_signal;         /* EXITED */
} HsWorkerEvent;

typedef struct _HsWorker HsWorker;

/* Called on the main context the worker was created in, never after hs_worker_detach(). */
typedef void (*HsWorkerCallback) (const HsWorkerEvent *event,
                                  gpointer             user_data);

HsWorker     *hs_worker_new               (const HsLaunchSpec *spec,
                                           HsWorkerCallback    callback,
                                           gpointer            user_data);
HsWorker     *hs_worker_new_for_socket    (int                 agent_fd,
                                           double              interval,
                                           HsWorkerCallback    callback,
                                           gpointer            user_data);
HsWorker     *hs_worker_ref               (HsWorker           *self);
void          hs_worker_unref             (HsWorker           *self);
void          hs_worker_record_to         (HsWorker           *self,
                                           const char         *path);
void          hs_worker_start             (HsWorker           *self);
void          hs_worker_stop              (HsWorker           *self);
void          hs_worker_forward_signal    (HsWorker           *self,
                                           int                 signum,
                                           gboolean            child_got_it);
void          hs_worker_detach            (HsWorker           *self);
void          hs_worker_take_snapshot     (HsWorker           *self,
                                           const char         *label);
/* Writes a graph shown (hs_store_put_graph) to the file being recorded, if
 * any, under an id from hs_worker_new_graph_id (); again, to replace it.
 * The graph is written out in the worker thread: it must not change after. */
gint64        hs_worker_new_graph_id      (HsWorker           *self);
void          hs_worker_record_graph      (HsWorker           *self,
                                           gint64              id,
                                           HsRefGraph         *graph);
void          hs_worker_set_interval      (HsWorker           *self,
                                           double              seconds);
void          hs_worker_set_paused        (HsWorker           *self,
                                           gboolean            paused);
void          hs_worker_query             (HsWorker           *self,
                                           JsonNode           *request,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
HsReply      *hs_worker_query_finish      (GAsyncResult       *result,
                                           GError            **error);
void          hs_worker_release           (HsWorker           *self,
                                           const gint64       *handles,
                                           guint               n_handles);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsWorker, hs_worker_unref)

G_END_DECLS
