/* hs-worker.c — the thread that owns a child, its agent socket and its output
 *
 * Everything here runs on the worker's own GMainContext, except the public
 * commands, which only post closures to it. Results go to the main context as
 * HsWorkerEvents; console output is coalesced (one pending idle at a time) so a
 * chatty script cannot flood the UI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "hs-child-launcher.h"
#include "hs-garbage-report.h"
#include "hs-graph-layout.h"
#include "hs-console-chunk.h"
#include "hs-reply.h"
#include "hs-store.h"
#include "hs-graph-layout.h"
#include "hs-worker.h"

#define STOP_GRACE_MS          3000
#define PROBE_TIMEOUT_MS       15000
#define AGENT_EOF_GRACE_MS     1500
#define CENSUS_COST_FACTOR     10.0  /* wait ≥ 10× a sample's cost: the agent takes ≤ 10 % */
#define READ_CHUNK             65536
#define CONSOLE_FLUSH_MS       250   /* output reaches the session file within this */
#define HELD_OUTPUT_MS         250   /* how long a line begun holds back the other pipe */

#define PROBE_CODE \
  "import sys; sys.stdout.write('heapscope-probe %d.%d.%d\\n' % tuple(sys.version_info[:3]))"

typedef enum
{
  REQUEST_SAMPLE,
  REQUEST_SNAPSHOT,
  REQUEST_QUERY,
} RequestKind;

typedef struct
{
  RequestKind  kind;
  char        *label;
  gint64       sent_at;
  GTask       *task;             /* QUERY: returned once, then cleared */
} Request;

/* One of the child's output pipes (indexed by the stream it carries alone).
 * The two keep no order between them: a line one has begun is finished before
 * the other's output is shown, unless it stays unfinished for HELD_OUTPUT_MS. */
typedef struct
{
  GPtrArray *held;          /* HsConsoleText waiting for the other pipe's line */
  gboolean   mid_line;      /* what it showed last ends inside a line */
} OutputPipe;

/* A query asked before the agent's hello: sent when it comes. */
typedef struct
{
  GTask    *task;
  JsonNode *request;
} EarlyQuery;

struct _HsWorker
{
  gatomicrefcount    ref_count;
  gint               last_graph_id;     /* ids of the graphs kept in the file (atomic) */

  /* Set at creation, read-only afterwards. */
  HsLaunchSpec      *spec;
  HsWorkerCallback   callback;
  gpointer           user_data;
  GMainContext      *main_context;
  GMainContext      *context;
  GMainLoop         *loop;

  /* Main thread only. */
  gboolean           detached;

  /* Worker thread only. */
  HsChildLauncher   *launcher;          /* from the checks to the spawn */
  GSubprocess       *process;
  GCancellable      *cancellable;
  int                agent_fd;
  GSource           *agent_source;
  GSource           *stdout_source;
  GSource           *stderr_source;
  int                stdout_fd;
  int                stderr_fd;
  HsConsoleDemux    *console_demux;     /* stderr framed into the stdout pipe */
  OutputPipe         pipes[2];          /* HS_CONSOLE_STDOUT, HS_CONSOLE_STDERR */
  GSource           *held_output_timeout;
  GSource           *sample_timeout;
  GSource           *kill_timeout;
  GSource           *eof_timeout;
  HsFrameDecoder    *decoder;
  GHashTable        *requests;          /* id → Request */
  GHashTable        *cancelled;         /* ids of queries given up on: their answers are dropped */
  GPtrArray         *early_queries;     /* EarlyQuery: asked before the hello */
  gint64             next_request_id;
  gboolean           sample_in_flight;
  gboolean           census_sent;       /* the first one asked for a mark */
  gboolean           peer_closed;       /* a send found the agent's end closed */
  gboolean           hello_received;
  gboolean           agent_closed;      /* the link is gone: no hello will come */
  gboolean           paused;
  gboolean           process_exited;
  gboolean           agent_said_bye;    /* the link's end is the interpreter exiting */
  gboolean           finished_posted;
  gboolean           stopping;
  gboolean           done;
  double             interval;
  double             last_census_cost;
  double             effective_interval;
  gint64             last_sample_sent_at;
  char              *record_path;
  HsStore           *store;
  GPtrArray         *store_console;       /* HsConsoleText not yet in the store */
  GSource           *console_flush_timeout;
  char              *protocol_error_text;

  /* Shared, under console_mutex. */
  GMutex             console_mutex;
  GPtrArray         *console_pending;
  gboolean           console_idle_queued;
};

static void worker_close_agent   (HsWorker *self);
static gboolean drain_output (HsWorker        *self,
                              int              fd,
                              HsConsoleStream  stream);
static gboolean on_console_flush_due (gpointer user_data);
static void worker_schedule_sample (HsWorker *self);
static gint64 send_query (HsWorker *self,
                          JsonNode *request,
                          GTask    *task);

/* Events */

static HsWorkerEvent *
event_new (HsWorkerEventType type)
{
  HsWorkerEvent *event = g_new0 (HsWorkerEvent, 1);

  event->type = type;
  return event;
}

static void
event_free (gpointer data)
{
  HsWorkerEvent *event = data;

  g_free (event->python_version);
  g_clear_pointer (&event->hello, hs_hello_free);
  g_clear_pointer (&event->census, hs_census_unref);
  g_clear_pointer (&event->console, g_ptr_array_unref);
  g_clear_pointer (&event->graph, hs_ref_graph_unref);
  g_clear_pointer (&event->garbage, hs_garbage_report_unref);
  g_free (event->message);
  g_free (event);
}

typedef struct
{
  HsWorker      *worker;
  HsWorkerEvent *event;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  event_free (delivery->event);
  hs_worker_unref (delivery->worker);
  g_free (delivery);
}

static gboolean
deliver_in_main (gpointer data)
{
  Delivery *delivery = data;

  if (!delivery->worker->detached)
    delivery->worker->callback (delivery->event, delivery->worker->user_data);
  return G_SOURCE_REMOVE;
}

static void
post_event (HsWorker      *self,
            HsWorkerEvent *event)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->worker = hs_worker_ref (self);
  delivery->event = event;
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                              deliver_in_main, delivery, delivery_free);
}

static gboolean
deliver_console_in_main (gpointer data)
{
  HsWorker *self = data;
  HsWorkerEvent *event = event_new (HS_WORKER_EVENT_CONSOLE);
  Delivery delivery = { self, event };

  g_mutex_lock (&self->console_mutex);
  event->console = g_steal_pointer (&self->console_pending);
  self->console_pending = g_ptr_array_new_with_free_func (hs_console_text_free);
  self->console_idle_queued = FALSE;
  g_mutex_unlock (&self->console_mutex);

  if (event->console->len > 0)
    deliver_in_main (&delivery);
  event_free (event);
  return G_SOURCE_REMOVE;
}

/* Output in @texts as it was written: a piece of the same stream as the
 * last one joins it. */
static void
add_console_text (GPtrArray       *texts,
                  HsConsoleStream  stream,
                  const char      *data,
                  gsize            length)
{
  HsConsoleText *last = texts->len > 0 ? g_ptr_array_index (texts, texts->len - 1) : NULL;

  if (last != NULL && last->stream == stream)
    hs_console_text_append (last, data, length);
  else
    g_ptr_array_add (texts, hs_console_text_new (stream, data, length));
}

static void
post_console (HsWorker        *self,
              HsConsoleStream  stream,
              const char      *data,
              gsize            length)
{
  gboolean queue_idle;

  g_mutex_lock (&self->console_mutex);
  add_console_text (self->console_pending, stream, data, length);
  queue_idle = !self->console_idle_queued;
  self->console_idle_queued = TRUE;
  g_mutex_unlock (&self->console_mutex);

  /* Output reaches the file in batches: one transaction per write would be
   * one fsync per line. */
  if (self->store != NULL)
    {
      add_console_text (self->store_console, stream, data, length);
      if (self->console_flush_timeout == NULL)
        {
          self->console_flush_timeout = g_timeout_source_new (CONSOLE_FLUSH_MS);
          g_source_set_callback (self->console_flush_timeout, on_console_flush_due, self, NULL);
          g_source_attach (self->console_flush_timeout, self->context);
        }
    }

  if (queue_idle)
    {
      GSource *idle = g_idle_source_new ();
      g_source_set_priority (idle, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (idle, deliver_console_in_main, hs_worker_ref (self),
                             (GDestroyNotify) hs_worker_unref);
      g_source_attach (idle, self->main_context);
      g_source_unref (idle);
    }
}

/* Object lifetime */

static void
return_ended (GTask *task)
{
  g_task_return_new_error (task, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED,
                           _("The process has ended; it can no longer be asked about objects"));
}

/* A query that will get no answer: the agent link is gone. */
static void
request_end_query (Request *request)
{
  if (request->task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&request->task);

      return_ended (task);
    }
}

static void
early_query_free (gpointer data)
{
  EarlyQuery *query = data;

  /* Still here when the link goes: the agent never said hello. */
  if (query->task != NULL)
    return_ended (query->task);
  g_clear_object (&query->task);
  json_node_unref (query->request);
  g_free (query);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  request_end_query (request);
  g_free (request->label);
  g_free (request);
}

static HsWorker *
worker_new (HsWorkerCallback callback,
            gpointer         user_data,
            double           interval)
{
  HsWorker *self = g_new0 (HsWorker, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->callback = callback;
  self->user_data = user_data;
  self->main_context = g_main_context_ref_thread_default ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->cancellable = g_cancellable_new ();
  self->agent_fd = -1;
  self->stdout_fd = -1;
  self->stderr_fd = -1;
  self->decoder = hs_frame_decoder_new ();
  self->requests = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, request_free);
  self->cancelled = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->early_queries = g_ptr_array_new_with_free_func (early_query_free);
  self->next_request_id = 1;
  self->interval = self->effective_interval = interval > 0 ? interval : 1.0;
  g_mutex_init (&self->console_mutex);
  self->console_pending = g_ptr_array_new_with_free_func (hs_console_text_free);
  self->store_console = g_ptr_array_new_with_free_func (hs_console_text_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->pipes); i++)
    self->pipes[i].held = g_ptr_array_new_with_free_func (hs_console_text_free);
  return self;
}

HsWorker *
hs_worker_new (const HsLaunchSpec *spec,
               HsWorkerCallback    callback,
               gpointer            user_data)
{
  HsWorker *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->script != NULL, NULL);
  g_return_val_if_fail (callback != NULL, NULL);

  self = worker_new (callback, user_data, spec->interval);
  self->spec = hs_launch_spec_copy (spec);
  return self;
}

/* A worker talking to an agent that is already connected: no child, no output. */
HsWorker *
hs_worker_new_for_socket (int              agent_fd,
                          double           interval,
                          HsWorkerCallback callback,
                          gpointer         user_data)
{
  HsWorker *self;

  g_return_val_if_fail (agent_fd >= 0, NULL);
  g_return_val_if_fail (callback != NULL, NULL);

  self = worker_new (callback, user_data, interval);
  self->agent_fd = agent_fd;
  return self;
}

HsWorker *
hs_worker_ref (HsWorker *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
close_fd (int *fd)
{
  if (*fd != -1)
    close (*fd);
  *fd = -1;
}

void
hs_worker_unref (HsWorker *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  close_fd (&self->agent_fd);
  close_fd (&self->stdout_fd);
  close_fd (&self->stderr_fd);
  g_clear_pointer (&self->console_demux, hs_console_demux_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->pipes); i++)
    g_clear_pointer (&self->pipes[i].held, g_ptr_array_unref);
  g_clear_object (&self->launcher);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->decoder, hs_frame_decoder_free);
  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_clear_pointer (&self->cancelled, g_hash_table_unref);
  g_clear_pointer (&self->early_queries, g_ptr_array_unref);
  g_clear_pointer (&self->console_pending, g_ptr_array_unref);
  g_mutex_clear (&self->console_mutex);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->spec, hs_launch_spec_free);
  g_clear_pointer (&self->store, hs_store_close);
  g_clear_pointer (&self->store_console, g_ptr_array_unref);
  g_free (self->record_path);
  g_free (self->protocol_error_text);
  g_free (self);
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

/* The two output pipes, kept line by line */

static void
show_text (HsWorker      *self,
           OutputPipe    *pipe,
           HsConsoleText *text)
{
  if (text->length == 0)
    return;
  post_console (self, text->stream, text->text, text->length);
  pipe->mid_line = text->text[text->length - 1] != '\n';
}

static void
show_held (HsWorker   *self,
           OutputPipe *pipe)
{
  for (guint i = 0; i < pipe->held->len; i++)
    show_text (self, pipe, g_ptr_array_index (pipe->held, i));
  g_ptr_array_set_size (pipe->held, 0);
}

/* A pipe's line ended: the other pipe's held output follows it, and that
 * may end a line in turn. */
static void
release_held_output (HsWorker *self)
{
  for (;;)
    {
      gboolean shown = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (self->pipes); i++)
        {
          OutputPipe *pipe = &self->pipes[i];

          if (pipe->held->len > 0 && !self->pipes[!i].mid_line)
            {
              show_held (self, pipe);
              shown = TRUE;
            }
        }
      if (!shown)
        break;
    }
  if (self->pipes[0].held->len == 0 && self->pipes[1].held->len == 0)
    destroy_source (&self->held_output_timeout);
}

/* Shows all held output: its wait is over, or the pipes have ended. */
static void
show_held_output (HsWorker *self)
{
  destroy_source (&self->held_output_timeout);
  for (guint i = 0; i < G_N_ELEMENTS (self->pipes); i++)
    {
      show_held (self, &self->pipes[i]);
      self->pipes[i].mid_line = FALSE;
    }
}

static gboolean
on_held_output_due (gpointer user_data)
{
  HsWorker *self = user_data;

  g_clear_pointer (&self->held_output_timeout, g_source_unref);
  /* The line waited for may be in its pipe already, not yet read. */
  if (self->stdout_fd != -1)
    drain_output (self, self->stdout_fd, HS_CONSOLE_STDOUT);
  if (self->stderr_fd != -1)
    drain_output (self, self->stderr_fd, HS_CONSOLE_STDERR);
  show_held_output (self);
  return G_SOURCE_REMOVE;
}

/* Output read from the pipe carrying @pipe_stream alone, in @stream. */
static void
post_pipe_output (HsWorker        *self,
                  HsConsoleStream  pipe_stream,
                  HsConsoleStream  stream,
                  const char      *data,
                  gsize            length)
{
  OutputPipe *pipe = &self->pipes[pipe_stream];
  HsConsoleText text = { stream, (char *) data, length, length };

  if (pipe->held->len == 0 && !self->pipes[!pipe_stream].mid_line)
    {
      show_text (self, pipe, &text);
      release_held_output (self);
      return;
    }
  add_console_text (pipe->held, stream, data, length);
  if (self->held_output_timeout == NULL)
    {
      self->held_output_timeout = g_timeout_source_new (HELD_OUTPUT_MS);
      g_source_set_callback (self->held_output_timeout, on_held_output_due, self, NULL);
      g_source_attach (self->held_output_timeout, self->context);
    }
}

/* A pipe has ended: its unfinished line never will be. */
static void
end_pipe (HsWorker        *self,
          HsConsoleStream  pipe_stream)
{
  self->pipes[pipe_stream].mid_line = FALSE;
  release_held_output (self);
}

/* Recording: everything is written to the store before the main thread
 * hears of it, so the file always holds what the window shows. */

static void
record_failed (HsWorker *self,
               GError   *error)
{
  HsWorkerEvent *event = event_new (HS_WORKER_EVENT_RECORD_ERROR);

  event->message = g_strdup (error->message);
  post_event (self, event);
  g_clear_pointer (&self->store, hs_store_close);
  g_ptr_array_set_size (self->store_console, 0);
}

static void
record_start (HsWorker *self)
{
  g_autoptr(GError) error = NULL;

  if (self->record_path == NULL)
    return;
  if (!(self->store = hs_store_create (self->record_path, &error)) ||
      !hs_store_write_launch (self->store, self->spec, g_get_real_time (), &error))
    record_failed (self, error);
}

static void
record_process (HsWorker   *self,
                gint64      pid,
                const char *python_version,
                gboolean    accelerated)
{
  g_autoptr(GError) error = NULL;

  if (self->store != NULL && !hs_store_write_process (self->store, pid, python_version, accelerated, &error))
    record_failed (self, error);
}

static void
record_console (HsWorker *self)
{
  g_autoptr(GError) error = NULL;

  destroy_source (&self->console_flush_timeout);
  if (self->store != NULL && !hs_store_append_console (self->store, self->store_console, &error))
    record_failed (self, error);
  g_ptr_array_set_size (self->store_console, 0);
}

static gboolean
on_console_flush_due (gpointer user_data)
{
  HsWorker *self = user_data;

  g_clear_pointer (&self->console_flush_timeout, g_source_unref);
  record_console (self);
  return G_SOURCE_REMOVE;
}

static void
record_census (HsWorker *self,
               HsCensus *census)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  /* The output printed before the census goes in its transaction: one fsync. */
  destroy_source (&self->console_flush_timeout);
  if (!hs_store_append_census (self->store, census, self->store_console, &error))
    record_failed (self, error);
  g_ptr_array_set_size (self->store_console, 0);
}

static void
record_reply (HsWorker  *self,
              Request   *request,
              HsMessage *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;

  if (self->store == NULL || message->payload == NULL || request->task == NULL)
    return;
  reply = g_strndup (g_bytes_get_data (message->payload, NULL), g_bytes_get_size (message->payload));
  if (!hs_store_append_reply (self->store, g_task_get_task_data (request->task), reply, &error))
    record_failed (self, error);
}

/* Writes @graph to the file being recorded under @id, replacing what it had. */
static void
store_graph (HsWorker   *self,
             gint64      id,
             HsRefGraph *graph)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  node = hs_ref_graph_to_json (graph);
  text = json_to_string (node, FALSE);
  if (!hs_store_put_graph (self->store, id, text, &error))
    record_failed (self, error);
}

/* The script called heapscope.refgraph (): the graph is laid out and kept
 * here, where the file is sure to be open still, and written where the
 * script asked; the window shows it next. Graphviz takes this thread a
 * moment; the app's main thread never waits for it. */
static void
show_pushed_graph (HsWorker *self,
                   HsReply  *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsRefGraph) graph = hs_ref_graph_copy (reply->graph);
  g_autoptr(HsRefGraph) laid_out = NULL;
  HsWorkerEvent *event;

  hs_ref_graph_mark_cycles (graph);
  laid_out = hs_graph_layout (graph, NULL, FALSE, NULL, &error);
  if (laid_out == NULL)
    {
      event = event_new (HS_WORKER_EVENT_AGENT_ERROR);
      event->message = g_strdup_printf (_("Graphviz could not lay out the script’s graph: %s"), error->message);
      post_event (self, event);
      return;
    }
  event = event_new (HS_WORKER_EVENT_GRAPH);
  event->graph = hs_ref_graph_ref (laid_out);
  event->graph_id = hs_worker_new_graph_id (self);
  store_graph (self, event->graph_id, laid_out);
  if (reply->filename != NULL && !hs_ref_graph_render_file (laid_out, reply->filename, &error))
    event->message = g_strdup_printf (_("Could not write the script’s graph to “%s”: %s"),
                                      reply->filename, error->message);
  post_event (self, event);
}

static void
record_outcome (HsWorker       *self,
                HsSessionState  state,
                int             exit_code,
                int             term_signal,
                const char     *failure)
{
  g_autoptr(GError) error = NULL;

  /* The outcome follows everything the child wrote. */
  show_held_output (self);
  if (self->store == NULL)
    return;
  record_console (self);
  if (self->store != NULL &&
      !hs_store_write_outcome (self->store, state, exit_code, term_signal, failure,
                               self->protocol_error_text, &error))
    record_failed (self, error);
  g_clear_pointer (&self->store, hs_store_close);
}

/* Ending */

static void
worker_finish (HsWorker *self)
{
  if (self->done)
    return;
  self->done = TRUE;

  /* A worker without a child ends when its agent does. */
  if (!self->finished_posted)
    {
      record_outcome (self, HS_SESSION_STATE_EXITED, 0, 0, NULL);
      post_event (self, event_new (HS_WORKER_EVENT_EXITED));
      self->finished_posted = TRUE;
    }
  destroy_source (&self->sample_timeout);
  destroy_source (&self->kill_timeout);
  destroy_source (&self->eof_timeout);
  destroy_source (&self->stdout_source);
  destroy_source (&self->stderr_source);
  destroy_source (&self->console_flush_timeout);
  destroy_source (&self->held_output_timeout);
  worker_close_agent (self);
  g_clear_pointer (&self->store, hs_store_close);
  g_main_loop_quit (self->loop);
}

static void
fail (HsWorker   *self,
      const char *message)
{
  HsWorkerEvent *event = event_new (HS_WORKER_EVENT_FAILED);

  record_outcome (self, HS_SESSION_STATE_FAILED, 0, 0, message);
  event->message = g_strdup (message);
  post_event (self, event);
  self->finished_posted = TRUE;
  worker_finish (self);
}

static void
protocol_error (HsWorker   *self,
                const char *message)
{
  HsWorkerEvent *event = event_new (HS_WORKER_EVENT_PROTOCOL_ERROR);

  if (self->protocol_error_text == NULL)
    self->protocol_error_text = g_strdup (message);
  event->message = g_strdup (message);
  post_event (self, event);
  worker_close_agent (self);

  /* Without a child there is nothing more to wait for. */
  if (self->process == NULL)
    worker_finish (self);
}

/* Reading the child's output */

static void
post_demuxed (HsConsoleStream  stream,
              const char      *data,
              gsize            length,
              gpointer         user_data)
{
  post_pipe_output (user_data, HS_CONSOLE_STDOUT, stream, data, length);
}

/* The stdout pipe has ended, or will not be read again. */
static void
finish_stdout (HsWorker *self)
{
  if (self->console_demux != NULL)
    hs_console_demux_finish (self->console_demux, post_demuxed, self);
  end_pipe (self, HS_CONSOLE_STDOUT);
}

static gboolean
drain_output (HsWorker        *self,
              int              fd,
              HsConsoleStream  stream)
{
  char buffer[READ_CHUNK];

  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);

      if (n > 0 && stream == HS_CONSOLE_STDOUT && self->console_demux != NULL)
        {
          hs_console_demux_feed (self->console_demux, buffer, n, post_demuxed, self);
          continue;
        }
      if (n > 0)
        {
          post_pipe_output (self, stream, stream, buffer, n);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TRUE;
      return FALSE;  /* EOF or error */
    }
}

static gboolean
on_output_ready (int          fd,
                 GIOCondition condition,
                 gpointer     user_data)
{
  HsWorker *self = user_data;
  HsConsoleStream stream = fd == self->stdout_fd ? HS_CONSOLE_STDOUT : HS_CONSOLE_STDERR;

  if (drain_output (self, fd, stream))
    return G_SOURCE_CONTINUE;

  if (stream == HS_CONSOLE_STDOUT)
    {
      finish_stdout (self);
      g_clear_pointer (&self->stdout_source, g_source_unref);
      close_fd (&self->stdout_fd);
    }
  else
    {
      end_pipe (self, HS_CONSOLE_STDERR);
      g_clear_pointer (&self->stderr_source, g_source_unref);
      close_fd (&self->stderr_fd);
    }
  return G_SOURCE_REMOVE;
}

/* Talking to the agent */

static gboolean
send_frame (HsWorker *self,
            GBytes   *frame)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (frame, &length);

  while (length > 0)
    {
      gssize n = send (self->agent_fd, data, length, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          /* Requests are tiny; a full socket buffer means the agent stopped reading. */
          GPollFD poll_fd = { self->agent_fd, G_IO_OUT, 0 };
          if (g_poll (&poll_fd, 1, 1000) <= 0)
            return FALSE;
          continue;
        }
      if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
        {
          /* The agent closed its end: what it sent first (a short script's
           * graph, its final census, its bye) is still to be read, and the
           * end of the link is told by reading, not here. */
          self->peer_closed = TRUE;
          return FALSE;
        }
      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }
  return TRUE;
}

static void
send_census_request (HsWorker    *self,
                     RequestKind  kind,
                     const char  *label)
{
  g_autoptr(GBytes) frame = NULL;
  Request *request;
  gint64 id;

  if (self->agent_fd == -1 || !self->hello_received || self->peer_closed)
    return;

  id = self->next_request_id++;
  request = g_new0 (Request, 1);
  request->kind = kind;
  request->label = g_strdup (label);
  request->sent_at = g_get_monotonic_time ();
  g_hash_table_insert (self->requests, g_memdup2 (&id, sizeof id), request);

  if (kind == REQUEST_SAMPLE)
    {
      self->sample_in_flight = TRUE;
      self->last_sample_sent_at = request->sent_at;
    }

  /* The first sample and the snapshots are the moments a leak's survivors
   * are counted from. */
  frame = hs_wire_encode_census_request (id, kind == REQUEST_SNAPSHOT || !self->census_sent);
  self->census_sent = TRUE;
  if (!send_frame (self, frame) && !self->peer_closed)
    protocol_error (self, _("Could not send a request to the agent: the connection is broken"));
}

static gboolean
on_sample_due (gpointer user_data)
{
  HsWorker *self = user_data;

  g_clear_pointer (&self->sample_timeout, g_source_unref);
  if (!self->paused && !self->sample_in_flight)
    send_census_request (self, REQUEST_SAMPLE, NULL);
  return G_SOURCE_REMOVE;
}

static void
worker_schedule_sample (HsWorker *self)
{
  gint64 due;
  gint64 now;

  destroy_source (&self->sample_timeout);
  if (self->paused || self->sample_in_flight || self->agent_fd == -1 || !self->hello_received)
    return;

  now = g_get_monotonic_time ();
  due = self->last_sample_sent_at + (gint64) (self->effective_interval * G_USEC_PER_SEC);
  self->sample_timeout = g_timeout_source_new (due > now ? (due - now) / 1000 : 0);
  g_source_set_callback (self->sample_timeout, on_sample_due, self, NULL);
  g_source_attach (self->sample_timeout, self->context);
}

/* The hello came: the queries asked before it go now, in the order asked
 * (those given up on meanwhile are answered so). */
static void
send_early_queries (HsWorker *self)
{
  g_autoptr(GPtrArray) queries = g_steal_pointer (&self->early_queries);

  self->early_queries = g_ptr_array_new_with_free_func (early_query_free);
  for (guint i = 0; i < queries->len; i++)
    {
      EarlyQuery *query = g_ptr_array_index (queries, i);

      if (g_task_return_error_if_cancelled (query->task) ||
          send_query (self, query->request, query->task) != 0)
        g_clear_object (&query->task);
    }
}

static void
handle_message (HsWorker  *self,
                HsMessage *message)
{
  if (!self->hello_received && message->type != HS_MESSAGE_HELLO)
    {
      protocol_error (self, _("The agent did not begin with a hello"));
      return;
    }

  switch (message->type)
    {
    case HS_MESSAGE_HELLO:
      {
        HsWorkerEvent *event;

        if (self->hello_received)
          {
            protocol_error (self, _("The agent said hello twice"));
            return;
          }
        self->hello_received = TRUE;
        event = event_new (HS_WORKER_EVENT_HELLO);
        event->hello = g_steal_pointer (&message->hello);
        record_process (self, self->process != NULL ? 0 : event->hello->pid,
                        event->hello->python, event->hello->accelerated);
        post_event (self, event);
        send_census_request (self, REQUEST_SAMPLE, NULL);
        send_early_queries (self);
      }
      break;

    case HS_MESSAGE_CENSUS:
    case HS_MESSAGE_ERROR:
      {
        HsWorkerEvent *event;
        Request *request = NULL;
        gint64 id = message->id;

        if (message->type == HS_MESSAGE_ERROR && id != 0 && g_hash_table_remove (self->cancelled, &id))
          return;
        if (id != 0 && !(request = g_hash_table_lookup (self->requests, &id)))
          {
            g_autofree char *text = g_strdup_printf (_("The agent answered request %lld, which was never asked"), (long long) id);
            protocol_error (self, text);
            return;
          }

        if (request != NULL && request->kind == REQUEST_QUERY)
          {
            if (message->type != HS_MESSAGE_ERROR)
              {
                protocol_error (self, _("The agent answered a question about an object with a census"));
                return;
              }
            if (request->task != NULL)
              g_task_return_new_error (request->task, HS_REPLY_ERROR,
                                       g_strcmp0 (message->error_code, "stale") == 0
                                         ? HS_REPLY_ERROR_STALE
                                         : g_strcmp0 (message->error_code, "not-reached") == 0
                                         ? HS_REPLY_ERROR_NOT_REACHED : HS_REPLY_ERROR_FAILED,
                                       "%s", g_strcmp0 (message->error_code, "stale") == 0
                                               ? _("This object no longer exists")
                                               : message->error_message);
            g_clear_object (&request->task);
            g_hash_table_remove (self->requests, &id);
            return;
          }
        if (message->type == HS_MESSAGE_ERROR)
          {
            event = event_new (HS_WORKER_EVENT_AGENT_ERROR);
            event->message = g_steal_pointer (&message->error_message);
          }
        else
          {
            event = event_new (HS_WORKER_EVENT_CENSUS);
            event->census = g_steal_pointer (&message->census);
            /* Here, not on the main thread, which looks every type up in it. */
            hs_census_index (event->census);
            if (request != NULL)
              {
                event->round_trip = (g_get_monotonic_time () - request->sent_at) / (double) G_USEC_PER_SEC;
                if (request->kind == REQUEST_SNAPSHOT)
                  {
                    g_free (event->census->label);
                    event->census->label = g_strdup (request->label != NULL ? request->label : "");
                  }
                else
                  {
                    /* The whole round trip: the census, and its message
                     * made and sent (the census's own time alone left the
                     * agent 11 % of a core at 10 M objects). */
                    self->last_census_cost = MAX (event->census->elapsed, event->round_trip);
                    self->effective_interval = MAX (self->interval, self->last_census_cost * CENSUS_COST_FACTOR);
                  }
              }
            event->effective_interval = self->effective_interval;
          }

        if (event->census != NULL)
          record_census (self, event->census);
        if (request != NULL && request->kind == REQUEST_SAMPLE)
          self->sample_in_flight = FALSE;
        if (request != NULL)
          g_hash_table_remove (self->requests, &id);
        post_event (self, event);
        worker_schedule_sample (self);
      }
      break;

    case HS_MESSAGE_REPLY:
      {
        Request *request;
        gint64 id = message->id;

        if (g_hash_table_remove (self->cancelled, &id))
          return;
        if (id == 0 && message->reply->kind == HS_REPLY_GRAPH)
          {
            show_pushed_graph (self, message->reply);
            return;
          }
        request = g_hash_table_lookup (self->requests, &id);
        if (request == NULL || request->kind != REQUEST_QUERY)
          {
            g_autofree char *text = g_strdup_printf (_("The agent answered request %lld, which was never asked"), (long long) id);
            protocol_error (self, text);
            return;
          }
        record_reply (self, request, message);
        if (request->task != NULL)
          g_task_return_pointer (request->task, hs_reply_ref (message->reply), (GDestroyNotify) hs_reply_unref);
        g_clear_object (&request->task);
        g_hash_table_remove (self->requests, &id);
      }
      break;

    case HS_MESSAGE_GARBAGE:
      {
        HsWorkerEvent *event = event_new (HS_WORKER_EVENT_GARBAGE);

        if (self->store != NULL)
          {
            g_autoptr(JsonNode) node = hs_garbage_report_to_json (message->garbage);
            g_autofree char *text = json_to_string (node, FALSE);
            g_autoptr(GError) error = NULL;

            if (!hs_store_append_garbage (self->store, text, &error))
              record_failed (self, error);
          }
        event->garbage = g_steal_pointer (&message->garbage);
        post_event (self, event);
      }
      break;

    case HS_MESSAGE_BYE:
      self->agent_said_bye = TRUE;
      break;

    case HS_MESSAGE_HELD:
      {
        HsWorkerEvent *event = event_new (HS_WORKER_EVENT_HELD);

        event->raised = message->raised;
        post_event (self, event);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
worker_close_agent (HsWorker *self)
{
  GHashTableIter iter;
  Request *request;

  destroy_source (&self->agent_source);
  destroy_source (&self->sample_timeout);
  close_fd (&self->agent_fd);
  self->agent_closed = TRUE;

  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &request))
    if (request->kind == REQUEST_QUERY)
      g_hash_table_iter_remove (&iter);
  g_ptr_array_set_size (self->early_queries, 0);
}

static gboolean
on_agent_eof_grace_over (gpointer user_data)
{
  HsWorker *self = user_data;

  g_clear_pointer (&self->eof_timeout, g_source_unref);
  protocol_error (self, _("The agent closed its connection while the script is still running"));
  return G_SOURCE_REMOVE;
}

/* Reads what is available; returns FALSE once the agent link is gone. */
static gboolean
read_agent (HsWorker *self)
{
  guint8 buffer[READ_CHUNK];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = recv (self->agent_fd, buffer, sizeof buffer, MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TRUE;
      if (n <= 0)
        {
          if (!hs_frame_decoder_finish (self->decoder, &error))
            {
              protocol_error (self, error->message);
              return FALSE;
            }
          /* After a bye, the process is finalizing: however long that
           * takes, it is no sign of trouble. */
          if (self->process == NULL || self->process_exited || self->agent_said_bye)
            {
              worker_close_agent (self);
              if (self->process == NULL)
                worker_finish (self);
              return FALSE;
            }
          /* The process may be exiting: the socket can close before we reap it. */
          destroy_source (&self->agent_source);
          destroy_source (&self->sample_timeout);
          self->eof_timeout = g_timeout_source_new (AGENT_EOF_GRACE_MS);
          g_source_set_callback (self->eof_timeout, on_agent_eof_grace_over, self, NULL);
          g_source_attach (self->eof_timeout, self->context);
          return FALSE;
        }

      hs_frame_decoder_push (self->decoder, buffer, n);
      for (;;)
        {
          g_autoptr(GBytes) payload = NULL;
          g_autoptr(HsMessage) message = NULL;
          guint8 kind;

          if (!hs_frame_decoder_next (self->decoder, &kind, &payload, &error))
            {
              if (error != NULL)
                {
                  protocol_error (self, error->message);
                  return FALSE;
                }
              break;
            }
          if (!(message = hs_message_parse (kind, payload, &error)))
            {
              protocol_error (self, error->message);
              return FALSE;
            }
          if (message->type == HS_MESSAGE_REPLY)
            message->payload = g_bytes_ref (payload);
          handle_message (self, message);
          if (self->agent_fd == -1)
            return FALSE;
        }
    }
}

static gboolean
on_agent_ready (int          fd,
                GIOCondition condition,
                gpointer     user_data)
{
  HsWorker *self = user_data;

  if (read_agent (self))
    return G_SOURCE_CONTINUE;
  return G_SOURCE_REMOVE;
}

static GSource *
watch_fd (HsWorker          *self,
          int                fd,
          GUnixFDSourceFunc  callback)
{
  GSource *source = g_unix_fd_source_new (fd, G_IO_IN | G_IO_HUP | G_IO_ERR);

  g_source_set_callback (source, G_SOURCE_FUNC (callback), self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
watch_agent (HsWorker *self)
{
  g_unix_set_fd_nonblocking (self->agent_fd, TRUE, NULL);
  self->agent_source = watch_fd (self, self->agent_fd, on_agent_ready);
}

/* The child */

static void
on_process_exited (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HsWorker *self = user_data;
  HsWorkerEvent *event;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  self->process_exited = TRUE;

  /* Everything the child wrote before it died is already in the buffers. */
  if (self->agent_fd != -1 && self->agent_source != NULL)
    read_agent (self);
  else if (self->eof_timeout != NULL)
    destroy_source (&self->eof_timeout);
  if (self->stdout_fd != -1)
    drain_output (self, self->stdout_fd, HS_CONSOLE_STDOUT);
  finish_stdout (self);
  if (self->stderr_fd != -1)
    drain_output (self, self->stderr_fd, HS_CONSOLE_STDERR);

  event = event_new (HS_WORKER_EVENT_EXITED);
  if (g_subprocess_get_if_signaled (self->process))
    {
      event->signaled = TRUE;
      event->term_signal = g_subprocess_get_term_sig (self->process);
    }
  else
    event->exit_code = g_subprocess_get_exit_status (self->process);
  record_outcome (self, event->signaled ? HS_SESSION_STATE_SIGNALED : HS_SESSION_STATE_EXITED,
                  event->exit_code, event->term_signal, NULL);
  post_event (self, event);
  self->finished_posted = TRUE;
  worker_finish (self);
  hs_worker_unref (self);
}

static void
spawn_child (HsWorker   *self,
             const char *python_version)
{
  g_autoptr(HsChildLauncher) launcher = g_steal_pointer (&self->launcher);
  g_autoptr(GError) error = NULL;
  HsWorkerEvent *event;

  /* Two pipes keep no order between them: the agent frames the script's
   * sys.stderr into the stdout pipe with this token (PROTOCOL.md, "Console"). */
  if (!self->spec->inherit_stdio)
    {
      self->console_demux = hs_console_demux_new (NULL);
      hs_child_launcher_setenv (launcher, "HEAPSCOPE_CONSOLE",
                                hs_console_demux_get_token (self->console_demux));
    }
  else
    hs_child_launcher_setenv (launcher, "HEAPSCOPE_CONSOLE", NULL);

  self->process = hs_child_launcher_spawn (launcher, &error);
  if (self->process == NULL)
    {
      fail (self, error->message);
      return;
    }

  self->agent_fd = hs_child_launcher_steal_agent_fd (launcher);
  watch_agent (self);

  self->stdout_fd = hs_child_launcher_steal_stdout_fd (launcher);
  self->stderr_fd = hs_child_launcher_steal_stderr_fd (launcher);
  if (self->stdout_fd != -1)
    self->stdout_source = watch_fd (self, self->stdout_fd, on_output_ready);
  if (self->stderr_fd != -1)
    self->stderr_source = watch_fd (self, self->stderr_fd, on_output_ready);

  event = event_new (HS_WORKER_EVENT_STARTED);
  event->pid = g_ascii_strtoll (g_subprocess_get_identifier (self->process), NULL, 10);
  event->python_version = g_strdup (python_version);
  record_process (self, event->pid, python_version, FALSE);
  post_event (self, event);

  g_subprocess_wait_async (self->process, NULL, on_process_exited, hs_worker_ref (self));
}

typedef struct
{
  HsWorker    *worker;
  GSubprocess *probe;
  GSource     *timeout;
} Probe;

static gboolean
on_probe_timeout (gpointer user_data)
{
  Probe *probe = user_data;

  g_cancellable_cancel (probe->worker->cancellable);
  g_subprocess_force_exit (probe->probe);
  return G_SOURCE_REMOVE;
}

/* Parses "heapscope-probe X.Y.Z"; returns NULL when @output is not from a Python. */
static char *
parse_probe_output (const char *output,
                    guint      *major,
                    guint      *minor)
{
  const char *line = output != NULL ? strstr (output, "heapscope-probe ") : NULL;
  guint micro;

  if (line == NULL || sscanf (line, "heapscope-probe %u.%u.%u", major, minor, &micro) != 3)
    return NULL;
  return g_strdup_printf ("%u.%u.%u", *major, *minor, micro);
}

static void
on_probe_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Probe *probe = user_data;
  HsWorker *self = probe->worker;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *version = NULL;
  guint major = 0;
  guint minor = 0;

  destroy_source (&probe->timeout);
  g_subprocess_communicate_utf8_finish (probe->probe, result, &output, NULL, &error);

  if (self->stopping)
    fail (self, _("Stopped before the script started"));
  else if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("The interpreter %s did not answer within %d seconds"),
                                                  self->spec->interpreter, PROBE_TIMEOUT_MS / 1000);
      fail (self, message);
    }
  else if (!(version = parse_probe_output (output, &major, &minor)))
    {
      g_autofree char *message = g_strdup_printf (_("%s is not a Python interpreter"), self->spec->interpreter);
      fail (self, message);
    }
  else if (major < HS_PYTHON_MIN_MAJOR || (major == HS_PYTHON_MIN_MAJOR && minor < HS_PYTHON_MIN_MINOR))
    {
      g_autofree char *message = g_strdup_printf (_("%s is Python %s; Heapscope needs Python %d.%d or newer"),
                                                  self->spec->interpreter, version,
                                                  HS_PYTHON_MIN_MAJOR, HS_PYTHON_MIN_MINOR);
      fail (self, message);
    }
  else
    spawn_child (self, version);

  g_object_unref (probe->probe);
  hs_worker_unref (probe->worker);
  g_free (probe);
}

static gboolean
check_script (HsWorker *self)
{
  g_autoptr(GError) error = NULL;

  self->launcher = hs_child_launcher_new (self->spec);
  if (!hs_child_launcher_check (self->launcher, &error))
    {
      fail (self, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
start_probe (HsWorker *self)
{
  g_autoptr(GError) error = NULL;
  Probe *probe;
  GSubprocess *process;

  if (!check_script (self))
    return;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              self->spec->interpreter, "-c", PROBE_CODE, NULL);
  if (process == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
        message = g_strdup_printf (_("The interpreter %s was not found"), self->spec->interpreter);
      else
        message = g_strdup_printf (_("Could not start the interpreter %s: %s"), self->spec->interpreter, error->message);
      fail (self, message);
      return;
    }

  probe = g_new0 (Probe, 1);
  probe->worker = hs_worker_ref (self);
  probe->probe = process;
  probe->timeout = g_timeout_source_new (PROBE_TIMEOUT_MS);
  g_source_set_callback (probe->timeout, on_probe_timeout, probe, NULL);
  g_source_attach (probe->timeout, self->context);
  g_subprocess_communicate_utf8_async (process, NULL, self->cancellable, on_probe_done, probe);
}

static gpointer
worker_thread (gpointer data)
{
  HsWorker *self = data;

  g_main_context_push_thread_default (self->context);

  /* From the start: a run that fails to start is recorded with its reason. */
  record_start (self);
  if (self->spec != NULL)
    start_probe (self);
  else
    watch_agent (self);

  if (!self->done)
    g_main_loop_run (self->loop);

  /* Let pending sources (closures posted by commands) release their references. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  hs_worker_unref (self);
  return NULL;
}

/* Records everything the worker sees to a session file at @path; call before
 * hs_worker_start(). */
void
hs_worker_record_to (HsWorker   *self,
                     const char *path)
{
  g_return_if_fail (self != NULL);

  g_free (self->record_path);
  self->record_path = g_strdup (path);
}

void
hs_worker_start (HsWorker *self)
{
  g_return_if_fail (self != NULL);

  /* The thread holds its own reference and is never joined: it ends with the child. */
  g_thread_unref (g_thread_new ("hs-worker", worker_thread, hs_worker_ref (self)));
}

/* Commands, posted to the worker's context */

typedef struct
{
  HsWorker *worker;
  char     *label;
  double    number;
  gboolean  flag;
  GTask    *task;        /* query */
  GTask    *cancelled;   /* cancel: the query given up on */
  JsonNode *request;     /* query, release: the message without its id */
  HsRefGraph *graph;     /* record a graph */
} Command;

static void
command_free (gpointer data)
{
  Command *command = data;

  /* A query the worker never took: it has finished. */
  if (command->task != NULL)
    return_ended (command->task);
  g_clear_object (&command->task);
  g_clear_object (&command->cancelled);
  g_clear_pointer (&command->request, json_node_unref);
  g_clear_pointer (&command->graph, hs_ref_graph_unref);
  hs_worker_unref (command->worker);
  g_free (command->label);
  g_free (command);
}

static Command *
command_new (HsWorker *self)
{
  Command *command = g_new0 (Command, 1);

  command->worker = hs_worker_ref (self);
  return command;
}

static void
command_post (Command     *command,
              GSourceFunc  func)
{
  g_main_context_invoke_full (command->worker->context, G_PRIORITY_DEFAULT, func, command, command_free);
}

static void
post_command (HsWorker    *self,
              GSourceFunc  func,
              const char  *label,
              double       number,
              gboolean     flag)
{
  Command *command = command_new (self);

  command->label = g_strdup (label);
  command->number = number;
  command->flag = flag;
  command_post (command, func);
}

static gboolean
on_kill_due (gpointer user_data)
{
  HsWorker *self = user_data;

  g_clear_pointer (&self->kill_timeout, g_source_unref);
  if (self->process != NULL && !self->process_exited)
    g_subprocess_force_exit (self->process);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_in_worker (gpointer data)
{
  Command *command = data;
  HsWorker *self = command->worker;

  self->stopping = TRUE;
  if (self->process == NULL)
    {
      /* Still probing (or never had a child): cancel what runs. */
      g_cancellable_cancel (self->cancellable);
      if (self->spec == NULL)
        worker_finish (self);
      return G_SOURCE_REMOVE;
    }
  if (self->process_exited || self->kill_timeout != NULL)
    return G_SOURCE_REMOVE;

  g_subprocess_send_signal (self->process, command->flag ? SIGKILL : SIGTERM);
  self->kill_timeout = g_timeout_source_new (STOP_GRACE_MS);
  g_source_set_callback (self->kill_timeout, on_kill_due, self, NULL);
  g_source_attach (self->kill_timeout, self->context);
  return G_SOURCE_REMOVE;
}

/* SIGTERM, then SIGKILL if the script is still there after a grace period. */
void
hs_worker_stop (HsWorker *self)
{
  g_return_if_fail (self != NULL);

  post_command (self, stop_in_worker, NULL, 0, FALSE);
}

static gboolean
forward_signal_in_worker (gpointer data)
{
  Command *command = data;
  HsWorker *self = command->worker;

  /* Still probing: the script is not to start at all. */
  if (self->process == NULL)
    return stop_in_worker (data);
  if (!self->process_exited && !command->flag)
    g_subprocess_send_signal (self->process, (int) command->number);
  return G_SOURCE_REMOVE;
}

/* We were sent @signum (SIGINT, SIGTERM): the script gets it too, as it
 * would under python, and ends as it chooses; unless @child_got_it, as when
 * a terminal's Ctrl+C went to the whole foreground job. */
void
hs_worker_forward_signal (HsWorker *self,
                          int       signum,
                          gboolean  child_got_it)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (signum > 0);

  post_command (self, forward_signal_in_worker, NULL, signum, child_got_it);
}

/* The owner is going away: no more callbacks; the child is stopped. */
void
hs_worker_detach (HsWorker *self)
{
  g_return_if_fail (self != NULL);

  self->detached = TRUE;
  post_command (self, stop_in_worker, NULL, 0, FALSE);
}

static gboolean
snapshot_in_worker (gpointer data)
{
  Command *command = data;

  send_census_request (command->worker, REQUEST_SNAPSHOT, command->label);
  return G_SOURCE_REMOVE;
}

void
hs_worker_take_snapshot (HsWorker   *self,
                         const char *label)
{
  g_return_if_fail (self != NULL);

  post_command (self, snapshot_in_worker, label, 0, FALSE);
}

static gboolean
record_graph_in_worker (gpointer data)
{
  Command *command = data;

  store_graph (command->worker, (gint64) command->number, command->graph);
  return G_SOURCE_REMOVE;
}

/* A new id for a graph kept in the file: they order the graphs as shown. */
gint64
hs_worker_new_graph_id (HsWorker *self)
{
  return g_atomic_int_add (&self->last_graph_id, 1) + 1;
}

void
hs_worker_record_graph (HsWorker   *self,
                        gint64      id,
                        HsRefGraph *graph)
{
  Command *command;

  g_return_if_fail (self != NULL);
  g_return_if_fail (id > 0 && graph != NULL);

  command = command_new (self);
  command->number = (double) id;
  command->graph = hs_ref_graph_ref (graph);
  command_post (command, record_graph_in_worker);
}

static gboolean
set_interval_in_worker (gpointer data)
{
  Command *command = data;
  HsWorker *self = command->worker;

  self->interval = command->number;
  self->effective_interval = MAX (self->interval, self->last_census_cost * CENSUS_COST_FACTOR);
  worker_schedule_sample (self);
  return G_SOURCE_REMOVE;
}

void
hs_worker_set_interval (HsWorker *self,
                        double    seconds)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (seconds > 0);

  post_command (self, set_interval_in_worker, NULL, seconds, FALSE);
}

static gboolean
set_paused_in_worker (gpointer data)
{
  Command *command = data;
  HsWorker *self = command->worker;

  self->paused = command->flag;
  worker_schedule_sample (self);
  return G_SOURCE_REMOVE;
}

void
hs_worker_set_paused (HsWorker *self,
                      gboolean  paused)
{
  g_return_if_fail (self != NULL);

  post_command (self, set_paused_in_worker, NULL, 0, paused);
}

/* Questions about objects */

/* Sends @request (a JSON object, given an id here); with a @task, the
 * answer is waited for and goes to it (releases and cancels get none).
 * Returns the id, or 0 when the agent cannot be reached. */
static gint64
send_query (HsWorker *self,
            JsonNode *request,
            GTask    *task)
{
  g_autoptr(GBytes) frame = NULL;
  gint64 id;

  if (self->agent_fd == -1 || !self->hello_received)
    return 0;

  id = self->next_request_id++;
  frame = hs_wire_encode_query (request, id);
  /* Waited for only once sent: a request that could not be is the caller's
   * to answer (closing the link would answer it too, twice). */
  if (!send_frame (self, frame))
    {
      if (!self->peer_closed)
        protocol_error (self, _("Could not send a request to the agent: the connection is broken"));
      return 0;
    }
  if (task != NULL)
    {
      Request *pending = g_new0 (Request, 1);

      pending->kind = REQUEST_QUERY;
      pending->sent_at = g_get_monotonic_time ();
      pending->task = g_object_ref (task);
      g_hash_table_insert (self->requests, g_memdup2 (&id, sizeof id), pending);
    }
  return id;
}

/* Worker thread: the app gave up on a query. Tell the agent, which stops a
 * long search early, and answer the task at once. */
static gboolean
cancel_in_worker (gpointer data)
{
  Command *command = data;
  HsWorker *self = command->worker;
  g_autoptr(JsonNode) cancel = NULL;
  GHashTableIter iter;
  gint64 *key;
  Request *request;
  gint64 id = 0;

  /* Still waiting for the hello: answered here, never sent. */
  for (guint i = 0; i < self->early_queries->len; i++)
    {
      EarlyQuery *query = g_ptr_array_index (self->early_queries, i);

      if (query->task == command->cancelled)
        {
          g_task_return_error_if_cancelled (query->task);
          g_clear_object (&query->task);
          g_ptr_array_remove_index (self->early_queries, i);
          return G_SOURCE_REMOVE;
        }
    }
  /* Not found: not sent yet (query_in_worker answers it), or answered. */
  g_hash_table_iter_init (&iter, self->requests);
  while (id == 0 && g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &request))
    if (request->task == command->cancelled)
      id = *key;
  if (id == 0)
    return G_SOURCE_REMOVE;

  cancel = hs_wire_cancel_request (id);

  g_task_return_error_if_cancelled (request->task);
  g_clear_object (&request->task);
  g_hash_table_insert (self->cancelled, g_memdup2 (&id, sizeof id), NULL);
  g_hash_table_remove (self->requests, &id);
  send_query (self, cancel, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
query_in_worker (gpointer data)
{
  Command *command = data;
  HsWorker *self = command->worker;
  gint64 id;

  if (g_task_return_error_if_cancelled (command->task))
    {
      g_clear_object (&command->task);
      return G_SOURCE_REMOVE;
    }
  /* Asked as the process starts (a question for its end): it waits for the
   * agent's hello, or the link's end. */
  if (!self->hello_received && !self->agent_closed && !self->done)
    {
      EarlyQuery *query = g_new0 (EarlyQuery, 1);

      query->task = g_steal_pointer (&command->task);
      query->request = g_steal_pointer (&command->request);
      g_ptr_array_add (self->early_queries, query);
      return G_SOURCE_REMOVE;
    }
  id = send_query (self, command->request, command->task);
  if (id == 0)
    return G_SOURCE_REMOVE;     /* command_free answers the task */
  g_clear_object (&command->task);
  return G_SOURCE_REMOVE;
}

/* Main thread: a query's cancellable fired. */
static gboolean
on_query_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  Command *cancel = user_data;
  Command *command = command_new (cancel->worker);

  command->cancelled = g_object_ref (cancel->cancelled);
  command_post (command, cancel_in_worker);
  return G_SOURCE_REMOVE;
}

static void
on_query_completed (GTask      *task,
                    GParamSpec *pspec,
                    GSource    *watch)
{
  g_source_destroy (watch);
}

/* Asks the agent @request, a JSON object without an id ({"type": "referrers",
 * "handle": 12, …}); asked before the agent's hello, it is sent when the
 * hello comes. The answer is recorded in the session file under the
 * request's text, so a reopened session can show it. */
void
hs_worker_query (HsWorker            *self,
                 JsonNode            *request,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  Command *command;
  GTask *task;

  g_return_if_fail (self != NULL);
  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (request));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_worker_query);
  g_task_set_task_data (task, json_to_string (request, FALSE), g_free);

  /* The cancellable is watched where it is cancelled and where the task
   * ends, on this thread: a GCancellableSource disposed in one thread while
   * cancelled in another can be leaked (GLib 2.74). */
  if (cancellable != NULL)
    {
      Command *cancel = command_new (self);
      GSource *watch = g_cancellable_source_new (cancellable);

      cancel->cancelled = g_object_ref (task);
      g_source_set_callback (watch, G_SOURCE_FUNC (on_query_cancelled), cancel, command_free);
      g_source_attach (watch, g_main_context_get_thread_default ());
      g_signal_connect_data (task, "notify::completed", G_CALLBACK (on_query_completed),
                             watch, (GClosureNotify) G_CALLBACK (g_source_unref), 0);
    }

  command = command_new (self);
  command->task = task;
  command->request = json_node_copy (request);
  command_post (command, query_in_worker);
}

HsReply *
hs_worker_query_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hs_worker_query, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
release_in_worker (gpointer data)
{
  Command *command = data;

  send_query (command->worker, command->request, NULL);
  return G_SOURCE_REMOVE;
}

/* The app no longer shows these objects: the agent may let them go. */
void
hs_worker_release (HsWorker     *self,
                   const gint64 *handles,
                   guint         n_handles)
{
  Command *command;

  g_return_if_fail (self != NULL);

  if (n_handles == 0)
    return;
  command = command_new (self);
  command->request = hs_wire_release_request (handles, n_handles);
  command_post (command, release_in_worker);
}
