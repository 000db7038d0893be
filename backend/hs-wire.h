/* hs-wire.h — frames and messages of the agent protocol (see PROTOCOL.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hs-census.h"
#include "hs-ref-graph.h"

G_BEGIN_DECLS

#define HS_PROTOCOL_VERSION      2
#define HS_FRAME_HEADER_SIZE     4
#define HS_FRAME_MAX_LENGTH      (16u * 1024u * 1024u)
#define HS_FRAME_KIND_JSON       'J'
#define HS_WIRE_MAX_STRING       4096
#define HS_WIRE_MAX_CENSUS_ROWS  200000
#define HS_WIRE_MAX_INTEGER      ((gint64) 1 << 53)

#define HS_WIRE_ERROR (hs_wire_error_quark ())

typedef enum
{
  HS_WIRE_ERROR_OVERSIZED,
  HS_WIRE_ERROR_TRUNCATED,
  HS_WIRE_ERROR_UNKNOWN_KIND,
  HS_WIRE_ERROR_MALFORMED,
  HS_WIRE_ERROR_INVALID,
  HS_WIRE_ERROR_UNKNOWN_TYPE,
} HsWireError;

#define HS_WIRE_MAX_ITEMS        10000   /* objects in one answer */
#define HS_WIRE_MAX_SIZE_NODES   10000   /* nodes of one size breakdown */
#define HS_WIRE_MAX_DEPTH        64      /* levels of one size breakdown */
#define HS_WIRE_MAX_GRAPH_HANDLES  100   /* objects one graph is asked about */
#define HS_WIRE_MAX_GRAPH_DEPTH    20
#define HS_WIRE_MAX_GRAPH_TOO_MANY 1000
#define HS_WIRE_MAX_GRAPH_HIDDEN   100   /* type names left out of one graph */
#define HS_WIRE_MAX_WHY_SAMPLE     5000  /* instances one why request follows */

typedef enum
{
  HS_MESSAGE_HELLO,
  HS_MESSAGE_CENSUS,
  HS_MESSAGE_ERROR,
  HS_MESSAGE_REPLY,      /* instances, object, referrers, path, graph, track… */
  HS_MESSAGE_BYE,        /* the interpreter is exiting: the link closes next */
  HS_MESSAGE_GARBAGE,    /* what collections freed in cycles (pushed while watching) */
  HS_MESSAGE_HELD,       /* the script ended; the process waits to be looked at */
} HsMessageType;

struct _HsHello
{
  gint64    protocol;
  gint64    pid;
  char     *python;
  char     *implementation;
  char     *executable;
  gboolean  accelerated;
  gboolean  can_track;        /* "classes" is among its capabilities */
  gboolean  can_watch_garbage;/* "garbage" is among them */
  gboolean  can_retain;       /* "dominators": retained sizes */
  gboolean  can_why;          /* "why": why a type's instances are alive */
};

struct _HsMessage
{
  HsMessageType  type;
  gint64         id;
  HsHello       *hello;          /* HS_MESSAGE_HELLO */
  HsCensus      *census;         /* HS_MESSAGE_CENSUS */
  HsReply       *reply;          /* HS_MESSAGE_REPLY */
  HsGarbageReport *garbage;      /* HS_MESSAGE_GARBAGE */
  char          *error_message;  /* HS_MESSAGE_ERROR */
  char          *error_code;     /* HS_MESSAGE_ERROR: "stale", "cancelled", or NULL */
  GBytes        *payload;        /* HS_MESSAGE_REPLY, when kept to be recorded */
  gboolean       raised;         /* HS_MESSAGE_HELD: the script ended by an exception */
};

typedef struct _HsFrameDecoder HsFrameDecoder;

GQuark          hs_wire_error_quark      (void);

HsFrameDecoder *hs_frame_decoder_new     (void);
void            hs_frame_decoder_free    (HsFrameDecoder  *self);
void            hs_frame_decoder_push    (HsFrameDecoder  *self,
                                          const guint8    *data,
                                          gsize            length);
gboolean        hs_frame_decoder_next    (HsFrameDecoder  *self,
                                          guint8          *kind,
                                          GBytes         **payload,
                                          GError         **error);
gboolean        hs_frame_decoder_finish  (HsFrameDecoder  *self,
                                          GError         **error);

GBytes         *hs_frame_encode          (guint8           kind,
                                          const void      *payload,
                                          gsize            length);
GBytes         *hs_wire_encode_request   (const char      *type,
                                          gint64           id);
GBytes         *hs_wire_encode_census_request (gint64      id,
                                               gboolean    mark);
GBytes         *hs_wire_encode_message   (const HsMessage *message);
GBytes         *hs_wire_encode_query     (JsonNode        *request,
                                          gint64           id);
JsonNode       *hs_wire_instances_request (const char     *type_name,
                                           gint64          list_handle,
                                           gint64          offset,
                                           gint64          limit,
                                           HsInstanceOrder order,
                                           gboolean        allow_repr);
JsonNode       *hs_wire_object_request    (gint64          handle,
                                           int             detail,
                                           gboolean        allow_repr);
JsonNode       *hs_wire_referrers_request (gint64          handle,
                                           gint64          limit,
                                           gboolean        allow_repr);
JsonNode       *hs_wire_path_request      (gint64          handle,
                                           gboolean        allow_repr);
/* What @handle's object (0: the heap) holds alone, largest first: @limit of
 * them from @offset. With @refresh the dominator tree is computed again
 * even if the agent kept one. */
JsonNode       *hs_wire_dominators_request (gint64         handle,
                                           gint64          offset,
                                           gint64          limit,
                                           gboolean        refresh,
                                           gboolean        allow_repr);
/* The retained sizes of @n_handles objects (1..HS_WIRE_MAX_ITEMS). */
JsonNode       *hs_wire_retained_request  (const gint64   *handles,
                                           guint           n_handles,
                                           gboolean        refresh);
/* Why the instances of the census row @type_name are alive: at most @sample
 * of them (1..HS_WIRE_MAX_WHY_SAMPLE) followed to a root. The agent answers
 * as @at says: at once, when the script takes the snapshot @label, or at
 * the script's end. */
JsonNode       *hs_wire_why_request       (const char     *type_name,
                                           gint64          sample,
                                           HsWhyAt         at,
                                           const char     *label,
                                           gboolean        allow_repr);
void            hs_wire_why_request_set_since (JsonNode   *request,
                                               double      since);
JsonNode       *hs_wire_cancel_request    (gint64          request_id);
JsonNode       *hs_wire_track_request     (const char     *type_name,
                                           gint64          handle,
                                           const char     *name,
                                           int             level,
                                           gboolean        keep,
                                           gboolean        trace);
JsonNode       *hs_wire_watch_garbage_request (gboolean    on);
JsonNode       *hs_wire_detach_request    (gint64          class_index);
JsonNode       *hs_wire_tracked_object_request (gint64     instance,
                                                gboolean   allow_repr);
JsonNode       *hs_wire_release_request   (const gint64   *handles,
                                           guint           n_handles);
JsonNode       *hs_wire_graph_request     (const gint64   *handles,
                                           guint           n_handles,
                                           HsGraphDirection direction,
                                           int             depth,
                                           int             too_many,
                                           const char *const *hidden_types,
                                           int             max_nodes,
                                           gboolean        path,
                                           gboolean        allow_repr);

HsMessage      *hs_message_parse         (guint8           kind,
                                          GBytes          *payload,
                                          GError         **error);
void            hs_message_free          (HsMessage       *self);
void            hs_hello_free            (HsHello         *self);
HsHello        *hs_hello_copy            (const HsHello   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsFrameDecoder, hs_frame_decoder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsMessage, hs_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsHello, hs_hello_free)

G_END_DECLS
