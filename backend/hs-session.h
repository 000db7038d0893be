/* hs-session.h — one run of a script: its state, samples, snapshots and output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-census-model.h"
#include "hs-class-stats.h"
#include "hs-class-tracker.h"
#include "hs-garbage-log.h"
#include "hs-object-details.h"
#include "hs-ref-graph.h"
#include "hs-reply.h"
#include "hs-sample.h"
#include "hs-store.h"
#include "hs-worker.h"

G_BEGIN_DECLS

typedef enum
{
  HS_BASELINE_PREVIOUS,
  HS_BASELINE_FIRST,
  HS_BASELINE_SAMPLE,
} HsBaselineKind;

#define HS_TYPE_SESSION_STATE (hs_session_state_get_type ())
#define HS_TYPE_SESSION (hs_session_get_type ())
G_DECLARE_FINAL_TYPE (HsSession, hs_session, HS, SESSION, GObject)

GType           hs_session_state_get_type       (void) G_GNUC_CONST;

HsSession      *hs_session_new                  (void);
void            hs_session_start                (HsSession          *self,
                                                 const HsLaunchSpec *spec);
void            hs_session_attach_socket        (HsSession          *self,
                                                 int                 agent_fd,
                                                 double              interval);
void            hs_session_record_to            (HsSession          *self,
                                                 const char         *path);
void            hs_session_stop                 (HsSession          *self);
void            hs_session_forward_signal       (HsSession          *self,
                                                 int                 signum,
                                                 gboolean            child_got_it);
void            hs_session_take_snapshot        (HsSession          *self,
                                                 const char         *label);
void            hs_session_set_interval         (HsSession          *self,
                                                 double              seconds);
double          hs_session_get_interval         (HsSession          *self);
double          hs_session_get_effective_interval (HsSession        *self);
void            hs_session_set_paused           (HsSession          *self,
                                                 gboolean            paused);
gboolean        hs_session_get_paused           (HsSession          *self);
gboolean        hs_session_get_held             (HsSession          *self);
gboolean        hs_session_get_held_after_exception (HsSession      *self);
void            hs_session_set_baseline         (HsSession          *self,
                                                 HsBaselineKind      kind,
                                                 HsSample           *sample);
HsSample       *hs_session_get_baseline_sample  (HsSession          *self);
void            hs_session_set_shown_sample     (HsSession          *self,
                                                 HsSample           *sample);

HsSessionState  hs_session_get_state            (HsSession          *self);
gboolean        hs_session_is_live              (HsSession          *self);
gboolean        hs_session_is_over              (HsSession          *self);
gint64          hs_session_get_pid              (HsSession          *self);
int             hs_session_get_exit_code        (HsSession          *self);
int             hs_session_get_term_signal      (HsSession          *self);
const char     *hs_session_get_python_version   (HsSession          *self);
const char     *hs_session_get_failure          (HsSession          *self);
const char     *hs_session_get_protocol_error   (HsSession          *self);
const HsLaunchSpec *hs_session_get_launch_spec  (HsSession          *self);
char           *hs_session_dup_status_text      (HsSession          *self);

/* Reopening a recorded session: read-only, every view works. */
HsSession      *hs_session_load                 (const char         *path,
                                                 GError            **error);
void            hs_session_load_async           (const char         *path,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
HsSession      *hs_session_load_finish          (GAsyncResult       *result,
                                                 GError            **error);
HsSession      *hs_session_load_store           (HsStore            *store,
                                                 GError            **error);
void            hs_session_save_as_async        (HsSession          *self,
                                                 const char         *path,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean        hs_session_save_as_finish       (HsSession          *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
gboolean        hs_session_is_read_only         (HsSession          *self);
gboolean        hs_session_is_being_written_elsewhere (HsSession    *self);
guint64         hs_session_get_missing_samples  (HsSession          *self);
const char     *hs_session_get_file             (HsSession          *self);
const char     *hs_session_get_record_error     (HsSession          *self);
char           *hs_session_dup_record_error_text (HsSession         *self);
gboolean        hs_session_get_loading          (HsSession          *self);
gint64          hs_session_get_started_at       (HsSession          *self);
gint64          hs_session_get_ended_at         (HsSession          *self);
HsSample       *hs_session_find_peak            (HsSession          *self);
HsSample       *hs_session_find_snapshot        (HsSession          *self,
                                                 const char         *label);
gboolean        hs_session_load_rows            (HsSession          *self,
                                                 HsSample           *sample,
                                                 GError            **error);

HsCensusModel  *hs_session_get_census_model     (HsSession          *self);
GListModel     *hs_session_get_samples          (HsSession          *self);
GListModel     *hs_session_get_snapshots        (HsSession          *self);
GListModel     *hs_session_get_console          (HsSession          *self);
HsSample       *hs_session_get_latest_sample    (HsSession          *self);
HsSample       *hs_session_get_first_sample     (HsSession          *self);

/* Questions about objects (hs-reply.h) */
void            hs_session_query_async          (HsSession          *self,
                                                 JsonNode           *request,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
HsReply        *hs_session_query_finish         (HsSession          *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
void            hs_session_describe_object_async (HsSession         *self,
                                                  gint64             handle,
                                                  int                detail,
                                                  GCancellable      *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer           user_data);
HsObjectDetails *hs_session_describe_object_finish (HsSession       *self,
                                                    GAsyncResult    *result,
                                                    GError         **error);
void            hs_session_release              (HsSession          *self,
                                                 const gint64       *handles,
                                                 guint               n_handles);
void            hs_session_hold_handles         (HsSession          *self,
                                                 const gint64       *handles,
                                                 guint               n_handles);
void            hs_session_drop_handles         (HsSession          *self,
                                                 const gint64       *handles,
                                                 guint               n_handles);
void            hs_session_set_allow_repr       (HsSession          *self,
                                                 gboolean            allow);
JsonNode       *hs_session_instances_request    (HsSession          *self,
                                                 const char         *type_name,
                                                 gint64              list_handle,
                                                 gint64              offset,
                                                 gint64              limit,
                                                 HsInstanceOrder     order);
JsonNode       *hs_session_object_request       (HsSession          *self,
                                                 gint64              handle,
                                                 int                 detail);
JsonNode       *hs_session_referrers_request    (HsSession          *self,
                                                 gint64              handle,
                                                 gint64              limit);
JsonNode       *hs_session_path_request         (HsSession          *self,
                                                 gint64              handle);
/* Retained sizes (hs_wire_dominators_request, hs_wire_retained_request):
 * asked only when the agent can compute them. */
gboolean        hs_session_can_retain           (HsSession          *self);
JsonNode       *hs_session_dominators_request   (HsSession          *self,
                                                 gint64              handle,
                                                 gint64              offset,
                                                 gint64              limit,
                                                 gboolean            refresh);
/* Why a type's instances are alive (hs_wire_why_request), answered by
 * hs_session_query_async with an HS_REPLY_WHY reply, when the agent can say
 * (hs_session_can_why, known from its hello). A question for a snapshot or
 * the script's end may be asked as the session starts: it waits for the
 * hello, and an agent that cannot answer it says so. */
gboolean        hs_session_can_why              (HsSession          *self);
JsonNode       *hs_session_why_request          (HsSession          *self,
                                                 const char         *type_name,
                                                 gint64              sample,
                                                 HsWhyAt             at,
                                                 const char         *label);

/* Class tracking (the Classes page). A track or detach request goes to the
 * live agent; its effect shows in the class tracker with the census the
 * session asks for right after. */
typedef struct
{
  const char *type_name;      /* a class by its census row name… */
  gint64      handle;         /* …or one object, when type_name is NULL */
  const char *name;           /* display name, or NULL for the default */
  int         level;          /* resolution level, 0..16 */
  gboolean    keep;           /* keep dead instances' data */
  gboolean    trace;          /* record creation stacks */
} HsTrackRequest;

HsClassTracker *hs_session_get_class_tracker    (HsSession          *self);
/* Pympler's ClassTracker statistics of what the session tracked (reports). */
HsClassStats   *hs_session_dup_class_stats      (HsSession          *self);
gboolean        hs_session_can_track            (HsSession          *self);
void            hs_session_track_async          (HsSession            *self,
                                                 const HsTrackRequest *request,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        hs_session_track_finish         (HsSession          *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
/* Stops births of the class tracked under @class_index, or of every class and
 * object when it is 0 (detach_all). */
void            hs_session_detach_async         (HsSession          *self,
                                                 gint64              class_index,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean        hs_session_detach_finish        (HsSession          *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
/* The live object tracked as @instance, with a handle the caller holds
 * (hs_session_hold_handles) while it shows it. */
void            hs_session_find_tracked_async   (HsSession          *self,
                                                 gint64              instance,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
HsObjectRef    *hs_session_find_tracked_finish  (HsSession          *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);

/* Reference graphs (the Graph page): the request for a graph around objects
 * (hs_session_query_async answers it with an HS_REPLY_GRAPH reply), and the
 * graphs shown, each as far as it was explored, laid out, kept with the
 * session's file. */
JsonNode       *hs_session_graph_request        (HsSession          *self,
                                                 const gint64       *handles,
                                                 guint               n_handles,
                                                 HsGraphDirection    direction,
                                                 int                 depth,
                                                 int                 too_many,
                                                 const char * const *hidden_types,
                                                 gboolean            path);
guint           hs_session_get_n_graphs         (HsSession          *self);
HsRefGraph     *hs_session_get_graph            (HsSession          *self,
                                                 guint               index);
/* Graphs a reopened file holds but could not be read back (damaged). */
guint           hs_session_get_unreadable_graphs (HsSession         *self);
/* Records @graph as a new graph (@index -1; emits ::graph-added) or as the
 * next state of graph @index. Returns its index. @graph must not change
 * after: it is written to the file in the worker thread. */
guint           hs_session_record_graph         (HsSession          *self,
                                                 int                 index,
                                                 HsRefGraph         *graph);

/* The garbage watch (the Garbage page): what each collection frees in
 * cycles, while the user watches; kept with the session's file. */
HsGarbageLog   *hs_session_get_garbage_log      (HsSession          *self);
gboolean        hs_session_can_watch_garbage    (HsSession          *self);
void            hs_session_set_watch_garbage_async  (HsSession           *self,
                                                     gboolean             on,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        hs_session_set_watch_garbage_finish (HsSession          *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
guint           hs_session_get_unreadable_garbage (HsSession        *self);

G_END_DECLS
