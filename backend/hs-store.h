/* hs-store.h — a session recorded in a SQLite file, and read back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hs-census.h"

G_BEGIN_DECLS

#define HS_STORE_SUFFIX ".heapscope"
#define HS_STORE_SCHEMA_VERSION 4

#define HS_STORE_ERROR (hs_store_error_quark ())

typedef enum
{
  HS_STORE_ERROR_NOT_A_SESSION,  /* not SQLite, or another program's database */
  HS_STORE_ERROR_NEWER,          /* a schema this Heapscope does not know */
  HS_STORE_ERROR_DAMAGED,        /* truncated, corrupted, or missing parts */
  HS_STORE_ERROR_IO,             /* cannot be opened, read or written */
} HsStoreError;

/* Everything about a recorded session except the census rows, which are read
 * one census at a time with hs_store_read_census(). */
struct _HsRecording
{
  HsLaunchSpec   *spec;             /* script, arguments, folder, interpreter, interval */
  char           *app_version;      /* the Heapscope that wrote the file */
  char           *python_version;
  gint64          pid;
  gboolean        accelerated;
  gint64          started_at;       /* wall clock, µs since the epoch */
  gint64          ended_at;         /* 0 if the recorder never saw the end */
  HsSessionState  state;            /* RUNNING if the recorder never saw the end */
  int             exit_code;
  int             term_signal;
  char           *failure;
  char           *protocol_error;
  guint           n_samples;
  guint64         n_missing_samples; /* ids absent before the last sample: the file was damaged */
  double          duration;         /* seconds from the agent's start to the last sample */
  GPtrArray      *samples;          /* HsCensus with figures and label, no rows; NULL in a summary */
  GPtrArray      *console;          /* HsConsoleText; NULL in a summary */
  GPtrArray      *graphs;           /* hs_ref_graph_to_json texts; NULL in a summary */
  GPtrArray      *garbage;          /* hs_garbage_report_to_json texts; NULL in a summary */
};

GQuark        hs_store_error_quark        (void);

/* Writing: one thread creates the store and makes every call. Each call is one
 * durable transaction: once it returns, the data survives a crash. Closing a
 * store being written makes the file self-contained (no -wal beside it). */
HsStore      *hs_store_create             (const char          *path,
                                           GError             **error);
gboolean      hs_store_write_launch       (HsStore             *self,
                                           const HsLaunchSpec  *spec,
                                           gint64               started_at,
                                           GError             **error);
gboolean      hs_store_write_process      (HsStore             *self,
                                           gint64               pid,
                                           const char          *python_version,
                                           gboolean             accelerated,
                                           GError             **error);
gboolean      hs_store_append_census      (HsStore             *self,
                                           HsCensus            *census,
                                           GPtrArray           *console,
                                           GError             **error);
gboolean      hs_store_append_console     (HsStore             *self,
                                           GPtrArray           *texts,
                                           GError             **error);
gboolean      hs_store_append_reply       (HsStore             *self,
                                           const char          *request,
                                           const char          *reply,
                                           GError             **error);
gboolean      hs_store_put_graph          (HsStore             *self,
                                           gint64               id,
                                           const char          *graph,
                                           GError             **error);
gboolean      hs_store_append_garbage     (HsStore             *self,
                                           const char          *report,
                                           GError             **error);
gboolean      hs_store_write_outcome      (HsStore             *self,
                                           HsSessionState       state,
                                           int                  exit_code,
                                           int                  term_signal,
                                           const char          *failure,
                                           const char          *protocol_error,
                                           GError             **error);

/* Reading: safe to share between threads. Nothing is created beside the file. */
HsStore      *hs_store_open               (const char          *path,
                                           GError             **error);
HsStore      *hs_store_open_bytes         (GBytes              *database,
                                           GBytes              *log,
                                           const char          *name,
                                           GError             **error);
gboolean      hs_store_is_being_written   (HsStore             *self);
HsRecording  *hs_store_read_recording     (HsStore             *self,
                                           GError             **error);
HsRecording  *hs_store_read_summary       (HsStore             *self,
                                           GError             **error);
/* @index is the sample's position in hs_store_read_recording()'s samples. */
HsCensus     *hs_store_read_census        (HsStore             *self,
                                           guint                index,
                                           GError             **error);
char         *hs_store_lookup_reply       (HsStore             *self,
                                           const char          *request,
                                           GError             **error);

const char   *hs_store_get_path           (HsStore             *self);   /* NULL if opened from bytes */
void          hs_store_close              (HsStore             *self);

gboolean      hs_store_backup             (const char          *source_path,
                                           const char          *destination_path,
                                           GCancellable        *cancellable,
                                           GError             **error);
char         *hs_store_autosave_path      (const char          *script,
                                           GDateTime           *started);

void          hs_recording_free           (HsRecording         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsStore, hs_store_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsRecording, hs_recording_free)

G_END_DECLS
