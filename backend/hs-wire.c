/* hs-wire.c — frames and messages of the agent protocol
 *
 * Every field of every frame is checked here, so the rest of the app only ever
 * sees well-formed values within the limits of PROTOCOL.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hs-class-report.h"
#include "hs-garbage-report.h"
#include "hs-ref-graph.h"
#include "hs-reply.h"
#include "hs-wire-private.h"

#define BIG_PAYLOAD (1024 * 1024)

G_DEFINE_QUARK (hs-wire-error-quark, hs_wire_error)

struct _HsFrameDecoder
{
  GByteArray *buffer;
  gsize       consumed;
};

HsFrameDecoder *
hs_frame_decoder_new (void)
{
  HsFrameDecoder *self = g_new0 (HsFrameDecoder, 1);

  self->buffer = g_byte_array_new ();
  return self;
}

void
hs_frame_decoder_free (HsFrameDecoder *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buffer);
  g_free (self);
}

void
hs_frame_decoder_push (HsFrameDecoder *self,
                       const guint8   *data,
                       gsize           length)
{
  g_return_if_fail (self != NULL);

  /* Drop what earlier frames used before growing, so the buffer stays one frame big. */
  if (self->consumed > 0)
    {
      g_byte_array_remove_range (self->buffer, 0, self->consumed);
      self->consumed = 0;
    }
  g_byte_array_append (self->buffer, data, length);
}

/* Returns TRUE with a frame, FALSE with @error set for a broken frame,
 * FALSE with @error unset when more bytes are needed. */
gboolean
hs_frame_decoder_next (HsFrameDecoder  *self,
                       guint8          *kind,
                       GBytes         **payload,
                       GError         **error)
{
  const guint8 *start;
  gsize available;
  guint32 length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  available = self->buffer->len - self->consumed;
  if (available < HS_FRAME_HEADER_SIZE)
    return FALSE;
  start = self->buffer->data + self->consumed;

  length = ((guint32) start[0] << 24) | ((guint32) start[1] << 16) |
           ((guint32) start[2] << 8) | (guint32) start[3];
  if (length > HS_FRAME_MAX_LENGTH)
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_OVERSIZED,
                   "Frame of %u bytes is larger than the limit of %u bytes",
                   length, HS_FRAME_MAX_LENGTH);
      return FALSE;
    }
  if (length < 2)
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_MALFORMED,
                   "Frame of %u bytes is too short to hold a kind and a payload", length);
      return FALSE;
    }
  if (available - HS_FRAME_HEADER_SIZE < length)
    return FALSE;

  *kind = start[HS_FRAME_HEADER_SIZE];
  *payload = g_bytes_new (start + HS_FRAME_HEADER_SIZE + 1, length - 1);
  self->consumed += HS_FRAME_HEADER_SIZE + length;
  return TRUE;
}

/* At end of stream: an unfinished frame means the peer was cut off mid-write. */
gboolean
hs_frame_decoder_finish (HsFrameDecoder  *self,
                         GError         **error)
{
  gsize left;

  g_return_val_if_fail (self != NULL, FALSE);

  left = self->buffer->len - self->consumed;
  if (left == 0)
    return TRUE;
  g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_TRUNCATED,
               "The stream ended inside a frame (%" G_GSIZE_FORMAT " bytes left over)", left);
  return FALSE;
}

GBytes *
hs_frame_encode (guint8      kind,
                 const void *payload,
                 gsize       length)
{
  guint32 frame_length;
  guint8 *frame;

  g_return_val_if_fail (length + 1 <= HS_FRAME_MAX_LENGTH, NULL);

  frame_length = (guint32) length + 1;
  frame = g_malloc (HS_FRAME_HEADER_SIZE + frame_length);
  frame[0] = frame_length >> 24;
  frame[1] = (frame_length >> 16) & 0xff;
  frame[2] = (frame_length >> 8) & 0xff;
  frame[3] = frame_length & 0xff;
  frame[4] = kind;
  if (length > 0)
    memcpy (frame + 5, payload, length);
  return g_bytes_new_take (frame, HS_FRAME_HEADER_SIZE + frame_length);
}

static GBytes *
encode_json_object (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  return hs_frame_encode (HS_FRAME_KIND_JSON, text, length);
}

GBytes *
hs_wire_encode_request (const char *type,
                        gint64      id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (type != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);
  return encode_json_object (builder);
}

/* A census request; with @mark, the agent also remembers the objects it
 * tracks then, to count the survivors made since (a why request's "since"). */
GBytes *
hs_wire_encode_census_request (gint64   id,
                               gboolean mark)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  hs_wire_add_string_member (builder, "type", "census");
  hs_wire_add_int_member (builder, "id", id);
  if (mark)
    hs_wire_add_boolean_member (builder, "mark", TRUE);
  json_builder_end_object (builder);
  return encode_json_object (builder);
}

GBytes *
hs_wire_encode_query (JsonNode *request,
                      gint64    id)
{
  g_autoptr(JsonNode) message = json_node_copy (request);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  g_return_val_if_fail (JSON_NODE_HOLDS_OBJECT (request), NULL);

  json_object_set_int_member (json_node_get_object (message), "id", id);
  json_generator_set_root (generator, message);
  text = json_generator_to_data (generator, &length);
  return hs_frame_encode (HS_FRAME_KIND_JSON, text, length);
}

void
hs_wire_add_string_member (JsonBuilder *builder,
                           const char  *name,
                           const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
hs_wire_add_int_member (JsonBuilder *builder,
                        const char  *name,
                        gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
hs_wire_add_optional_int_member (JsonBuilder *builder,
                                 const char  *name,
                                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value >= 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
hs_wire_add_double_member (JsonBuilder *builder,
                           const char  *name,
                           double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

void
hs_wire_add_boolean_member (JsonBuilder *builder,
                            const char  *name,
                            gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* Requests about objects: built here, with every other frame the app
 * sends; the worker numbers them (hs_wire_encode_query). @allow_repr lets the
 * agent describe objects with their own __repr__. */

static JsonBuilder *
begin_request (const char *type,
               gboolean    allow_repr)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  if (allow_repr)
    hs_wire_add_boolean_member (builder, "repr", TRUE);
  return builder;
}

static JsonNode *
end_request (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A page of the instances of the census row @type_name, largest first by
 * the size @order names. The first page makes the list (the agent keeps its
 * order, as HsReply.list_handle, until released); later pages name it by
 * @list_handle, so they page through the same objects in the same order. */
JsonNode *
hs_wire_instances_request (const char      *type_name,
                           gint64           list_handle,
                           gint64           offset,
                           gint64           limit,
                           HsInstanceOrder  order,
                           gboolean         allow_repr)
{
  g_autoptr(JsonBuilder) builder = NULL;
  static const char *const orders[] = { "flat", "deep", "retained" };

  g_return_val_if_fail (order <= HS_INSTANCE_ORDER_RETAINED, NULL);

  builder = begin_request ("instances", allow_repr);
  json_builder_set_member_name (builder, "type_name");
  json_builder_add_string_value (builder, type_name);
  if (list_handle > 0)
    hs_wire_add_int_member (builder, "list", list_handle);
  hs_wire_add_int_member (builder, "offset", offset);
  hs_wire_add_int_member (builder, "limit", limit);
  json_builder_set_member_name (builder, "order");
  json_builder_add_string_value (builder, orders[order]);
  return end_request (builder);
}

/* An object's sizes, its asized(detail) breakdown, and its referents. */
JsonNode *
hs_wire_object_request (gint64   handle,
                        int      detail,
                        gboolean allow_repr)
{
  g_autoptr(JsonBuilder) builder = begin_request ("object", allow_repr);

  hs_wire_add_int_member (builder, "handle", handle);
  hs_wire_add_int_member (builder, "detail", detail);
  return end_request (builder);
}

/* The first @limit objects that refer to @handle's object, and how. */
JsonNode *
hs_wire_referrers_request (gint64   handle,
                           gint64   limit,
                           gboolean allow_repr)
{
  g_autoptr(JsonBuilder) builder = begin_request ("referrers", allow_repr);

  hs_wire_add_int_member (builder, "handle", handle);
  hs_wire_add_int_member (builder, "limit", limit);
  return end_request (builder);
}

/* The shortest chain of referrers from @handle's object to a root. */
JsonNode *
hs_wire_path_request (gint64   handle,
                      gboolean allow_repr)
{
  g_autoptr(JsonBuilder) builder = begin_request ("path", allow_repr);

  hs_wire_add_int_member (builder, "handle", handle);
  return end_request (builder);
}

JsonNode *
hs_wire_dominators_request (gint64   handle,
                            gint64   offset,
                            gint64   limit,
                            gboolean refresh,
                            gboolean allow_repr)
{
  g_autoptr(JsonBuilder) builder = begin_request ("dominators", allow_repr);

  json_builder_set_member_name (builder, "handle");
  if (handle > 0)
    json_builder_add_int_value (builder, handle);
  else
    json_builder_add_null_value (builder);
  hs_wire_add_int_member (builder, "offset", offset);
  hs_wire_add_int_member (builder, "limit", limit);
  if (refresh)
    hs_wire_add_boolean_member (builder, "refresh", TRUE);
  return end_request (builder);
}

JsonNode *
hs_wire_retained_request (const gint64 *handles,
                          guint         n_handles,
                          gboolean      refresh)
{
  g_autoptr(JsonBuilder) builder = begin_request ("retained", FALSE);

  g_return_val_if_fail (n_handles > 0 && n_handles <= HS_WIRE_MAX_ITEMS, NULL);

  json_builder_set_member_name (builder, "handles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_handles; i++)
    json_builder_add_int_value (builder, handles[i]);
  json_builder_end_array (builder);
  if (refresh)
    hs_wire_add_boolean_member (builder, "refresh", TRUE);
  return end_request (builder);
}

/* The reference graph around @handles (1..100 objects, the first one's path
 * to a root too when @path): @depth levels (0..20) of neighbours in
 * @direction, at most @too_many (1..1000) per node and direction, at most
 * @max_nodes (1..HS_GRAPH_MAX_NODES) in all, none of the census types
 * @hidden_types (NULL-terminated, up to 100; may be NULL). Out-of-range
 * numbers are brought into range. */
JsonNode *
hs_wire_graph_request (const gint64       *handles,
                       guint               n_handles,
                       HsGraphDirection    direction,
                       int                 depth,
                       int                 too_many,
                       const char * const *hidden_types,
                       int                 max_nodes,
                       gboolean            path,
                       gboolean            allow_repr)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (handles != NULL, NULL);
  g_return_val_if_fail (n_handles >= 1 && n_handles <= HS_WIRE_MAX_GRAPH_HANDLES, NULL);

  builder = begin_request ("graph", allow_repr);
  json_builder_set_member_name (builder, "handles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_handles; i++)
    json_builder_add_int_value (builder, handles[i]);
  json_builder_end_array (builder);
  hs_wire_add_string_member (builder, "direction", hs_graph_direction_to_string (direction));
  hs_wire_add_int_member (builder, "depth", CLAMP (depth, 0, HS_WIRE_MAX_GRAPH_DEPTH));
  hs_wire_add_int_member (builder, "too_many", CLAMP (too_many, 1, HS_WIRE_MAX_GRAPH_TOO_MANY));
  json_builder_set_member_name (builder, "hide");
  json_builder_begin_array (builder);
  for (guint i = 0; hidden_types != NULL && hidden_types[i] != NULL && i < HS_WIRE_MAX_GRAPH_HIDDEN; i++)
    json_builder_add_string_value (builder, hidden_types[i]);
  json_builder_end_array (builder);
  hs_wire_add_int_member (builder, "max_nodes", CLAMP (max_nodes, 1, HS_GRAPH_MAX_NODES));
  hs_wire_add_boolean_member (builder, "path", path);
  return end_request (builder);
}

JsonNode *
hs_wire_why_request (const char *type_name,
                     gint64      sample,
                     HsWhyAt     at,
                     const char *label,
                     gboolean    allow_repr)
{
  g_autoptr(JsonBuilder) builder = NULL;
  static const char *const moments[] = { "now", "snapshot", "final" };

  g_return_val_if_fail (type_name != NULL, NULL);
  g_return_val_if_fail (at <= HS_WHY_AT_FINAL, NULL);
  g_return_val_if_fail (at != HS_WHY_AT_SNAPSHOT || label != NULL, NULL);

  builder = begin_request ("why", allow_repr);
  hs_wire_add_string_member (builder, "type_name", type_name);
  hs_wire_add_int_member (builder, "sample", CLAMP (sample, 1, HS_WIRE_MAX_WHY_SAMPLE));
  hs_wire_add_string_member (builder, "at", moments[at]);
  if (at == HS_WHY_AT_SNAPSHOT)
    hs_wire_add_string_member (builder, "label", label);
  return end_request (builder);
}

/* Asks @request, a why request, about the instances made since the census
 * of agent time @since only (those of the first sample and of snapshots
 * are remembered); all of them when the agent has no mark of then. */
void
hs_wire_why_request_set_since (JsonNode *request,
                               double    since)
{
  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (request));

  json_object_set_double_member (json_node_get_object (request), "since", since);
}

/* The app gave up on the request numbered @request_id. */
JsonNode *
hs_wire_cancel_request (gint64 request_id)
{
  g_autoptr(JsonBuilder) builder = begin_request ("cancel", FALSE);

  hs_wire_add_int_member (builder, "request", request_id);
  return end_request (builder);
}

/* The app no longer shows these objects: the agent may let them go. */
/* track-class (@type_name) or track-object (@handle, when @type_name is NULL). */
JsonNode *
hs_wire_track_request (const char *type_name,
                       gint64      handle,
                       const char *name,
                       int         level,
                       gboolean    keep,
                       gboolean    trace)
{
  g_autoptr(JsonBuilder) builder = begin_request (type_name != NULL ? "track-class" : "track-object",
                                                  FALSE);

  if (type_name != NULL)
    hs_wire_add_string_member (builder, "type_name", type_name);
  else
    hs_wire_add_int_member (builder, "handle", handle);
  if (name != NULL && *name != '\0')
    hs_wire_add_string_member (builder, "name", name);
  hs_wire_add_int_member (builder, "resolution_level", level);
  hs_wire_add_boolean_member (builder, "keep", keep);
  hs_wire_add_boolean_member (builder, "trace", trace);
  return end_request (builder);
}

/* The live object tracked as @instance (its summary and a handle). */
JsonNode *
hs_wire_tracked_object_request (gint64   instance,
                                gboolean allow_repr)
{
  g_autoptr(JsonBuilder) builder = begin_request ("tracked-object", allow_repr);

  hs_wire_add_int_member (builder, "instance", instance);
  return end_request (builder);
}

/* watch-garbage: look at what each collection frees in cycles, or stop. */
JsonNode *
hs_wire_watch_garbage_request (gboolean on)
{
  g_autoptr(JsonBuilder) builder = begin_request ("watch-garbage", FALSE);

  hs_wire_add_boolean_member (builder, "on", on);
  return end_request (builder);
}

/* detach-class of @class_index, or detach-all when it is 0. */
JsonNode *
hs_wire_detach_request (gint64 class_index)
{
  g_autoptr(JsonBuilder) builder = begin_request (class_index > 0 ? "detach-class" : "detach-all",
                                                  FALSE);

  if (class_index > 0)
    hs_wire_add_int_member (builder, "class", class_index);
  return end_request (builder);
}

JsonNode *
hs_wire_release_request (const gint64 *handles,
                         guint         n_handles)
{
  g_autoptr(JsonBuilder) builder = begin_request ("release", FALSE);

  json_builder_set_member_name (builder, "handles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_handles; i++)
    json_builder_add_int_value (builder, handles[i]);
  json_builder_end_array (builder);
  return end_request (builder);
}

/* The agent's side of the protocol, in C: used by tests and by fake agents. */
GBytes *
hs_wire_encode_message (const HsMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  switch (message->type)
    {
    case HS_MESSAGE_HELLO:
      hs_wire_add_string_member (builder, "type", "hello");
      hs_wire_add_int_member (builder, "id", message->id);
      hs_wire_add_int_member (builder, "protocol", message->hello->protocol);
      hs_wire_add_int_member (builder, "pid", message->hello->pid);
      hs_wire_add_string_member (builder, "python", message->hello->python);
      hs_wire_add_string_member (builder, "implementation", message->hello->implementation);
      hs_wire_add_string_member (builder, "executable", message->hello->executable);
      hs_wire_add_boolean_member (builder, "accelerated", message->hello->accelerated);
      json_builder_set_member_name (builder, "capabilities");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "census");
      if (message->hello->can_track)
        json_builder_add_string_value (builder, "classes");
      if (message->hello->can_watch_garbage)
        json_builder_add_string_value (builder, "garbage");
      if (message->hello->can_retain)
        json_builder_add_string_value (builder, "dominators");
      if (message->hello->can_why)
        json_builder_add_string_value (builder, "why");
      json_builder_end_array (builder);
      break;

    case HS_MESSAGE_CENSUS:
      {
        const HsCensus *census = message->census;

        hs_wire_add_string_member (builder, "type", "census");
        hs_wire_add_int_member (builder, "id", message->id);
        hs_wire_add_string_member (builder, "label", census->label);
        hs_wire_add_boolean_member (builder, "final", census->final);
        hs_wire_add_double_member (builder, "time", census->time);
        hs_wire_add_double_member (builder, "elapsed", census->elapsed);
        hs_wire_add_int_member (builder, "objects", census->objects);
        hs_wire_add_int_member (builder, "bytes", census->bytes);
        hs_wire_add_int_member (builder, "rss", census->rss);
        hs_wire_add_int_member (builder, "vms", census->vms);
        json_builder_set_member_name (builder, "rows");
        json_builder_begin_array (builder);
        for (guint i = 0; i < census->n_rows; i++)
          {
            json_builder_begin_array (builder);
            json_builder_add_string_value (builder, census->rows[i].name);
            json_builder_add_int_value (builder, census->rows[i].count);
            json_builder_add_int_value (builder, census->rows[i].size);
            json_builder_end_array (builder);
          }
        json_builder_end_array (builder);
      }
      break;

    case HS_MESSAGE_ERROR:
      hs_wire_add_string_member (builder, "type", "error");
      hs_wire_add_int_member (builder, "id", message->id);
      hs_wire_add_string_member (builder, "message", message->error_message);
      break;

    case HS_MESSAGE_BYE:
      hs_wire_add_string_member (builder, "type", "bye");
      hs_wire_add_int_member (builder, "id", 0);
      break;

    case HS_MESSAGE_HELD:
      hs_wire_add_string_member (builder, "type", "held");
      hs_wire_add_int_member (builder, "id", 0);
      if (message->raised)
        hs_wire_add_boolean_member (builder, "raised", TRUE);
      break;

    default:
      g_assert_not_reached ();
    }
  json_builder_end_object (builder);
  return encode_json_object (builder);
}

/* Field readers: each sets a clear error naming the member it rejects. */

gboolean
hs_wire_invalid (GError     **error,
         const char  *member,
         const char  *why)
{
  g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID,
               "Member “%s” %s", member, why);
  return FALSE;
}

gboolean
hs_wire_read_integer_node (JsonNode    *node,
                   const char  *member,
                   gint64       minimum,
                   gint64      *value,
                   GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return hs_wire_invalid (error, member, "is not an integer");
  *value = json_node_get_int (node);
  if (*value < minimum || *value >= HS_WIRE_MAX_INTEGER)
    return hs_wire_invalid (error, member, "is out of range");
  return TRUE;
}

gboolean
hs_wire_read_integer (JsonObject  *object,
              const char  *member,
              gint64       minimum,
              gint64      *value,
              GError     **error)
{
  return hs_wire_read_integer_node (json_object_get_member (object, member), member, minimum, value, error);
}

gboolean
hs_wire_read_number (JsonObject  *object,
             const char  *member,
             double      *value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return hs_wire_invalid (error, member, "is not a number");
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return hs_wire_invalid (error, member, "is not a number");
  if (!(*value >= 0 && *value < 1e12))
    return hs_wire_invalid (error, member, "is out of range");
  return TRUE;
}

gboolean
hs_wire_check_string (const char  *value,
              const char  *member,
              GError     **error)
{
  if (strlen (value) > HS_WIRE_MAX_STRING)
    return hs_wire_invalid (error, member, "is longer than the limit");
  if (!g_utf8_validate (value, -1, NULL))
    return hs_wire_invalid (error, member, "is not valid UTF-8");
  return TRUE;
}

gboolean
hs_wire_read_string (JsonObject  *object,
             const char  *member,
             gboolean     nullable,
             char       **value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    {
      *value = NULL;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return hs_wire_invalid (error, member, "is not a string");
  if (!hs_wire_check_string (json_node_get_string (node), member, error))
    return FALSE;
  *value = json_node_dup_string (node);
  return TRUE;
}

gboolean
hs_wire_read_boolean (JsonObject  *object,
              const char  *member,
              gboolean     fallback,
              gboolean    *value,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return hs_wire_invalid (error, member, "is not a boolean");
  *value = json_node_get_boolean (node);
  return TRUE;
}

static HsHello *
parse_hello (JsonObject  *object,
             GError     **error)
{
  g_autoptr(HsHello) hello = g_new0 (HsHello, 1);
  JsonNode *capabilities;

  if (!hs_wire_read_integer (object, "protocol", 1, &hello->protocol, error) ||
      !hs_wire_read_integer (object, "pid", 1, &hello->pid, error) ||
      !hs_wire_read_string (object, "python", FALSE, &hello->python, error) ||
      !hs_wire_read_string (object, "implementation", FALSE, &hello->implementation, error) ||
      !hs_wire_read_string (object, "executable", FALSE, &hello->executable, error) ||
      !hs_wire_read_boolean (object, "accelerated", FALSE, &hello->accelerated, error))
    return NULL;
  capabilities = json_object_get_member (object, "capabilities");
  if (capabilities != NULL && JSON_NODE_HOLDS_ARRAY (capabilities))
    {
      JsonArray *names = json_node_get_array (capabilities);

      for (guint i = 0; i < json_array_get_length (names) && i < 64; i++)
        {
          JsonNode *name = json_array_get_element (names, i);

          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            continue;
          if (g_strcmp0 (json_node_get_string (name), "classes") == 0)
            hello->can_track = TRUE;
          else if (g_strcmp0 (json_node_get_string (name), "garbage") == 0)
            hello->can_watch_garbage = TRUE;
          else if (g_strcmp0 (json_node_get_string (name), "dominators") == 0)
            hello->can_retain = TRUE;
          else if (g_strcmp0 (json_node_get_string (name), "why") == 0)
            hello->can_why = TRUE;
        }
    }

  if (hello->protocol != HS_PROTOCOL_VERSION)
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID,
                   "The agent speaks protocol version %" G_GINT64_FORMAT ", this Heapscope speaks %d",
                   hello->protocol, HS_PROTOCOL_VERSION);
      return NULL;
    }
  return g_steal_pointer (&hello);
}

static HsCensus *
parse_census (JsonObject  *object,
              GError     **error)
{
  g_autoptr(HsCensus) census = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonNode *rows_node = json_object_get_member (object, "rows");
  JsonNode *classes;
  JsonArray *rows;
  gint64 objects = 0;
  gint64 bytes = 0;
  guint n_rows;

  if (rows_node == NULL || !JSON_NODE_HOLDS_ARRAY (rows_node))
    {
      hs_wire_invalid (error, "rows", "is not an array");
      return NULL;
    }
  rows = json_node_get_array (rows_node);
  n_rows = json_array_get_length (rows);
  if (n_rows > HS_WIRE_MAX_CENSUS_ROWS)
    {
      hs_wire_invalid (error, "rows", "has more rows than the limit");
      return NULL;
    }

  census = hs_census_new (n_rows);
  census->n_rows = 0;
  if (!hs_wire_read_string (object, "label", TRUE, &census->label, error) ||
      !hs_wire_read_boolean (object, "final", FALSE, &census->final, error) ||
      !hs_wire_read_number (object, "time", &census->time, error) ||
      !hs_wire_read_number (object, "elapsed", &census->elapsed, error) ||
      !hs_wire_read_integer (object, "objects", 0, &census->objects, error) ||
      !hs_wire_read_integer (object, "bytes", 0, &census->bytes, error) ||
      !hs_wire_read_integer (object, "rss", 0, &census->rss, error) ||
      !hs_wire_read_integer (object, "vms", 0, &census->vms, error))
    return NULL;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_rows; i++)
    {
      JsonNode *row_node = json_array_get_element (rows, i);
      HsCensusRow *row = &census->rows[i];
      JsonArray *cells;
      JsonNode *name;

      if (!JSON_NODE_HOLDS_ARRAY (row_node) ||
          json_array_get_length (cells = json_node_get_array (row_node)) != 3)
        {
          hs_wire_invalid (error, "rows", "holds a row that is not [name, count, size]");
          return NULL;
        }
      name = json_array_get_element (cells, 0);
      if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING ||
          !hs_wire_check_string (json_node_get_string (name), "rows", error))
        {
          if (error == NULL || *error == NULL)
            hs_wire_invalid (error, "rows", "holds a type name that is not a string");
          return NULL;
        }
      if (!hs_wire_read_integer_node (json_array_get_element (cells, 1), "rows", 0, &row->count, error) ||
          !hs_wire_read_integer_node (json_array_get_element (cells, 2), "rows", 0, &row->size, error))
        return NULL;
      row->name = json_node_dup_string (name);
      census->n_rows = i + 1;
      if (!g_hash_table_add (seen, row->name))
        {
          hs_wire_invalid (error, "rows", "names a type twice");
          return NULL;
        }
      objects += row->count;
      bytes += row->size;
    }

  if (objects != census->objects || bytes != census->bytes)
    {
      hs_wire_invalid (error, "objects", "does not equal the sum of the rows");
      return NULL;
    }
  classes = json_object_get_member (object, "classes");
  if (classes != NULL && !JSON_NODE_HOLDS_NULL (classes))
    {
      if (!JSON_NODE_HOLDS_OBJECT (classes))
        {
          hs_wire_invalid (error, "classes", "is not a JSON object");
          return NULL;
        }
      if (!(census->classes = hs_class_report_parse (json_node_get_object (classes), error)))
        return NULL;
    }
  return g_steal_pointer (&census);
}

/* Answers about objects */

JsonArray *
hs_wire_read_array (JsonObject  *object,
            const char  *member,
            guint        limit,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      hs_wire_invalid (error, member, "is not an array");
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (node)) > limit)
    {
      hs_wire_invalid (error, member, "has more items than the limit");
      return NULL;
    }
  return json_node_get_array (node);
}

JsonObject *
hs_wire_read_object (JsonObject  *object,
             const char  *member,
             gboolean     nullable,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    return NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      hs_wire_invalid (error, member, "is not an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static const struct { const char *name; int value; } edge_kinds[] = {
  { "attribute", HS_EDGE_ATTRIBUTE },
  { "key", HS_EDGE_KEY },
  { "index", HS_EDGE_INDEX },
  { "closure", HS_EDGE_CLOSURE },
  { "local", HS_EDGE_LOCAL },
  { "global", HS_EDGE_GLOBAL },
  { "class-attribute", HS_EDGE_CLASS_ATTRIBUTE },
  { "referent", HS_EDGE_REFERENT },
  { "dict-key", HS_EDGE_DICT_KEY },
  { "member", HS_EDGE_MEMBER },
};

static const struct { const char *name; int value; } root_kinds[] = {
  { "module", HS_ROOT_MODULE },
  { "frame", HS_ROOT_FRAME },
  { "class", HS_ROOT_CLASS },
  { "sys.modules", HS_ROOT_SYS_MODULES },
};

/* An edge object {"kind", "name" | "index"} into @ref's edge, edge_name,
 * edge_index: "name" is optional for "dict-key" and absent for "member"; a
 * "referent" may name the referrer's type in "type" (kept in edge_name). */
gboolean
hs_wire_parse_edge (JsonObject   *edge,
                    HsObjectRef  *ref,
                    GError      **error)
{
  g_autofree char *kind = NULL;

  if (!hs_wire_read_string (edge, "kind", FALSE, &kind, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (edge_kinds); i++)
    if (g_str_equal (kind, edge_kinds[i].name))
      ref->edge = edge_kinds[i].value;
  if (ref->edge == HS_EDGE_NONE)
    return hs_wire_invalid (error, "kind", "names no kind of reference");
  if (ref->edge == HS_EDGE_INDEX)
    return hs_wire_read_integer (edge, "index", 0, &ref->edge_index, error);
  if (ref->edge == HS_EDGE_REFERENT)
    return hs_wire_read_string (edge, "type", TRUE, &ref->edge_name, error);
  if (ref->edge == HS_EDGE_MEMBER)
    return TRUE;
  return hs_wire_read_string (edge, "name", ref->edge == HS_EDGE_DICT_KEY, &ref->edge_name, error);
}

/* An object summary {"handle", "type", "address", "flat", "text", "root",
 * "name"?, "edge"?} held in @member; handles below @min_handle are refused. */
HsObjectRef *
hs_wire_parse_object_ref (JsonNode    *node,
                          const char  *member,
                          gint64       min_handle,
                          GError     **error)
{
  g_autoptr(HsObjectRef) ref = hs_object_ref_new ();
  g_autofree char *root = NULL;
  JsonObject *object;
  JsonObject *edge;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      hs_wire_invalid (error, member, "holds an object description that is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!hs_wire_read_integer (object, "handle", min_handle, &ref->handle, error) ||
      !hs_wire_read_string (object, "type", FALSE, &ref->type_name, error) ||
      !hs_wire_read_integer (object, "address", 0, &ref->address, error) ||
      !hs_wire_read_integer (object, "flat", 0, &ref->flat, error) ||
      !hs_wire_read_string (object, "text", FALSE, &ref->text, error) ||
      !hs_wire_read_string (object, "root", TRUE, &root, error) ||
      !hs_wire_read_string (object, "name", TRUE, &ref->name, error))
    return NULL;
  if (json_object_has_member (object, "edge"))
    {
      if (!(edge = hs_wire_read_object (object, "edge", TRUE, error)) && error != NULL && *error != NULL)
        return NULL;
      if (edge != NULL && !hs_wire_parse_edge (edge, ref, error))
        return NULL;
    }
  if (root != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (root_kinds); i++)
        if (g_str_equal (root, root_kinds[i].name))
          ref->root = root_kinds[i].value;
      if (ref->root == HS_ROOT_NONE)
        {
          hs_wire_invalid (error, "root", "names no kind of root");
          return NULL;
        }
    }
  return g_steal_pointer (&ref);
}

static HsObjectRef *
parse_object_ref (JsonNode  *node,
                  GError   **error)
{
  return hs_wire_parse_object_ref (node, "objects", 1, error);
}

/* The writers matching the readers above: an object summary's members into
 * the object @builder is in, and an edge object as the next value. */
void
hs_wire_add_object_ref (JsonBuilder       *builder,
                        const HsObjectRef *ref)
{
  const char *root = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (root_kinds); i++)
    if (root_kinds[i].value == (int) ref->root)
      root = root_kinds[i].name;
  hs_wire_add_int_member (builder, "handle", ref->handle);
  hs_wire_add_string_member (builder, "type", ref->type_name != NULL ? ref->type_name : "");
  hs_wire_add_int_member (builder, "address", ref->address);
  hs_wire_add_int_member (builder, "flat", ref->flat);
  hs_wire_add_string_member (builder, "text", ref->text != NULL ? ref->text : "");
  hs_wire_add_string_member (builder, "root", root);
  if (ref->name != NULL)
    hs_wire_add_string_member (builder, "name", ref->name);
}

void
hs_wire_add_edge (JsonBuilder *builder,
                  HsEdgeKind   kind,
                  const char  *name,
                  gint64       index)
{
  const char *kind_name = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (edge_kinds); i++)
    if (edge_kinds[i].value == (int) kind)
      kind_name = edge_kinds[i].name;
  g_return_if_fail (kind_name != NULL);

  json_builder_begin_object (builder);
  hs_wire_add_string_member (builder, "kind", kind_name);
  if (kind == HS_EDGE_INDEX)
    hs_wire_add_int_member (builder, "index", index);
  else if (kind == HS_EDGE_REFERENT || kind == HS_EDGE_DICT_KEY)
    {
      if (name != NULL)
        hs_wire_add_string_member (builder, kind == HS_EDGE_REFERENT ? "type" : "name", name);
    }
  else if (kind != HS_EDGE_MEMBER)
    hs_wire_add_string_member (builder, "name", name != NULL ? name : "");
  json_builder_end_object (builder);
}

static gboolean
parse_object_refs (JsonObject  *object,
                   const char  *member,
                   GPtrArray   *items,
                   GError     **error)
{
  JsonArray *array = hs_wire_read_array (object, member, HS_WIRE_MAX_ITEMS, error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      HsObjectRef *ref = parse_object_ref (json_array_get_element (array, i), error);

      if (ref == NULL)
        return FALSE;
      g_ptr_array_add (items, ref);
    }
  return TRUE;
}

/* A page of instances: each summary with the size the list is sorted by,
 * "deep" or "retained" (nullable), when it is not the flat size. */
static gboolean
parse_instance_refs (JsonObject  *object,
                     GPtrArray   *items,
                     GError     **error)
{
  JsonArray *array = hs_wire_read_array (object, "objects", HS_WIRE_MAX_ITEMS, error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(HsObjectRef) ref = parse_object_ref (node, error);

      /* (A summary parsed is a JSON object.) */
      if (ref == NULL ||
          !hs_wire_read_optional_size (json_node_get_object (node), "deep", &ref->deep, error) ||
          !hs_wire_read_optional_size (json_node_get_object (node), "retained", &ref->retained, error))
        return FALSE;
      g_ptr_array_add (items, g_steal_pointer (&ref));
    }
  return TRUE;
}

/* A nullable size: -1 for null. */
gboolean
hs_wire_read_optional_size (JsonObject  *object,
                    const char  *member,
                    gint64      *value,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *value = -1;
      return TRUE;
    }
  return hs_wire_read_integer (object, member, 0, value, error);
}

/* A breakdown node: {"name", "size", "flat", "refs": [...]}; @budget counts
 * the nodes still allowed. */
HsSizeNode *
hs_wire_parse_size_node (JsonNode  *node,
                 guint      depth,
                 guint     *budget,
                 GError   **error)
{
  g_autoptr(HsSizeNode) size_node = hs_size_node_new ();
  JsonObject *object;
  JsonArray *children;

  if (depth > HS_WIRE_MAX_DEPTH || *budget == 0)
    {
      hs_wire_invalid (error, "sizes", "is deeper or larger than the limit");
      return NULL;
    }
  (*budget)--;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      hs_wire_invalid (error, "sizes", "holds a node that is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!hs_wire_read_string (object, "name", FALSE, &size_node->name, error) ||
      !hs_wire_read_optional_size (object, "size", &size_node->size, error) ||
      !hs_wire_read_optional_size (object, "flat", &size_node->flat, error) ||
      !(children = hs_wire_read_array (object, "refs", HS_WIRE_MAX_SIZE_NODES, error)))
    return NULL;
  for (guint i = 0; i < json_array_get_length (children); i++)
    {
      HsSizeNode *child = hs_wire_parse_size_node (json_array_get_element (children, i), depth + 1, budget, error);

      if (child == NULL)
        return NULL;
      g_ptr_array_add (size_node->children, child);
    }
  return g_steal_pointer (&size_node);
}

/* {"retained": bytes or null, "retained_count": objects or null}: null is an
 * object outside the tree. */
static gboolean
parse_retained_size (JsonObject      *object,
                     HsRetainedSize  *size,
                     GError         **error)
{
  if (!hs_wire_read_optional_size (object, "retained", &size->bytes, error) ||
      !hs_wire_read_optional_size (object, "retained_count", &size->objects, error))
    return FALSE;
  if ((size->bytes < 0) != (size->objects < 0))
    return hs_wire_invalid (error, "retained", "is given without its count, or the count without it");
  return TRUE;
}

static gboolean
parse_heap_tree (JsonObject  *object,
                 HsHeapTree  *tree,
                 GError     **error)
{
  return hs_wire_read_integer (object, "total_objects", 0, &tree->total_objects, error) &&
         hs_wire_read_integer (object, "total_bytes", 0, &tree->total_bytes, error) &&
         hs_wire_read_integer (object, "unreachable_objects", 0, &tree->unreachable_objects, error) &&
         hs_wire_read_integer (object, "unreachable_bytes", 0, &tree->unreachable_bytes, error) &&
         hs_wire_read_number (object, "computed_at", &tree->computed_at, error) &&
         hs_wire_read_number (object, "elapsed", &tree->elapsed, error);
}

/* Each element of @member, an object, its retained size into @sizes; with
 * @items, its summary too. */
static gboolean
parse_retained_list (JsonObject  *object,
                     const char  *member,
                     GPtrArray   *items,
                     GArray      *sizes,
                     GError     **error)
{
  JsonArray *array = hs_wire_read_array (object, member, HS_WIRE_MAX_ITEMS, error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      HsRetainedSize size;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return hs_wire_invalid (error, member, "holds something that is not a JSON object");
      if (!parse_retained_size (json_node_get_object (node), &size, error))
        return FALSE;
      if (items != NULL)
        {
          HsObjectRef *ref = parse_object_ref (node, error);

          if (ref == NULL)
            return FALSE;
          g_ptr_array_add (items, ref);
        }
      g_array_append_val (sizes, size);
    }
  return TRUE;
}

static const struct { const char *name; int value; } unreached_reasons[] = {
  { "garbage", HS_UNREACHED_GARBAGE },
  { "held-from-c", HS_UNREACHED_HELD_FROM_C },
  { "agent", HS_UNREACHED_AGENT },
};

/* Why no root holds an object: "reason", null (or absent: an agent without
 * its C part cannot tell) or one of unreached_reasons; and "holders", the
 * summaries, each with its "known" text, of what holds it from C code
 * (absent for none). */
static gboolean
parse_unreached (JsonObject         *object,
                 HsUnreachedReason  *reason,
                 GPtrArray          *holders,
                 GError            **error)
{
  g_autofree char *name = NULL;
  JsonArray *array;

  if (!hs_wire_read_string (object, "reason", TRUE, &name, error))
    return FALSE;
  *reason = HS_UNREACHED_UNKNOWN;
  if (name != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (unreached_reasons); i++)
        if (g_str_equal (name, unreached_reasons[i].name))
          *reason = unreached_reasons[i].value;
      if (*reason == HS_UNREACHED_UNKNOWN)
        return hs_wire_invalid (error, "reason", "names no reason a root is not reached");
    }
  if (!json_object_has_member (object, "holders"))
    return TRUE;
  if (!(array = hs_wire_read_array (object, "holders", HS_WIRE_MAX_ITEMS, error)))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(HsObjectRef) holder = hs_wire_parse_object_ref (node, "holders", 1, error);

      if (holder == NULL ||
          !hs_wire_read_string (json_node_get_object (node), "known", TRUE, &holder->known, error))
        return FALSE;
      g_ptr_array_add (holders, g_steal_pointer (&holder));
    }
  return TRUE;
}

/* Element @index of @array (the value of @member): a JSON object, or an error. */
static JsonObject *
array_object (JsonArray   *array,
              guint        index,
              const char  *member,
              GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      hs_wire_invalid (error, member, "holds something that is not a JSON object");
      return NULL;
    }
  return json_node_get_object (node);
}

/* A why reply's "groups" and "unreached": each with a "count" of followed
 * instances (at least one), their counts adding up to at most @sampled, and
 * an "example". */
static gboolean
parse_why_parts (JsonObject  *object,
                 gint64       sampled,
                 GPtrArray   *groups,
                 GPtrArray   *unreached,
                 GError     **error)
{
  JsonArray *group_array = hs_wire_read_array (object, "groups", HS_WIRE_MAX_ITEMS, error);
  JsonArray *unreached_array = group_array != NULL
                               ? hs_wire_read_array (object, "unreached", HS_WIRE_MAX_ITEMS, error) : NULL;
  gint64 left = sampled;

  if (unreached_array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (group_array); i++)
    {
      g_autoptr(HsWhyGroup) group = hs_why_group_new ();
      JsonObject *body = array_object (group_array, i, "groups", error);

      if (body == NULL ||
          !hs_wire_read_integer (body, "count", 1, &group->count, error) ||
          !parse_retained_size (body, &group->retained, error) ||
          !(group->example = hs_wire_parse_object_ref (json_object_get_member (body, "example"),
                                                       "example", 1, error)) ||
          !parse_object_refs (body, "steps", group->steps, error))
        return FALSE;
      if (group->count > left)
        return hs_wire_invalid (error, "count", "adds up to more instances than were followed");
      left -= group->count;
      g_ptr_array_add (groups, g_steal_pointer (&group));
    }
  for (guint i = 0; i < json_array_get_length (unreached_array); i++)
    {
      g_autoptr(HsWhyUnreached) part = hs_why_unreached_new ();
      JsonObject *body = array_object (unreached_array, i, "unreached", error);

      if (body == NULL ||
          !hs_wire_read_integer (body, "count", 1, &part->count, error) ||
          !parse_unreached (body, &part->reason, part->holders, error) ||
          !(part->example = hs_wire_parse_object_ref (json_object_get_member (body, "example"),
                                                      "example", 1, error)))
        return FALSE;
      if (part->count > left)
        return hs_wire_invalid (error, "count", "adds up to more instances than were followed");
      left -= part->count;
      g_ptr_array_add (unreached, g_steal_pointer (&part));
    }
  return TRUE;
}

static HsReply *
parse_reply (HsReplyKind   kind,
             JsonObject   *object,
             GError      **error)
{
  g_autoptr(HsReply) reply = hs_reply_new (kind);

  switch (kind)
    {
    case HS_REPLY_INSTANCES:
      if (!hs_wire_read_integer (object, "list", 1, &reply->list_handle, error) ||
          !hs_wire_read_integer (object, "total", 0, &reply->total, error) ||
          !hs_wire_read_integer (object, "offset", 0, &reply->offset, error) ||
          !parse_instance_refs (object, reply->items, error))
        return NULL;
      break;

    case HS_REPLY_REFERRERS:
      if (!hs_wire_read_integer (object, "total", 0, &reply->total, error) ||
          !parse_object_refs (object, "referrers", reply->items, error))
        return NULL;
      break;

    case HS_REPLY_PATH:
      if (!hs_wire_read_boolean (object, "found", FALSE, &reply->found, error) ||
          !parse_object_refs (object, "steps", reply->items, error) ||
          !parse_unreached (object, &reply->reason, reply->holders, error))
        return NULL;
      if (reply->found && (reply->reason != HS_UNREACHED_UNKNOWN || reply->holders->len > 0))
        {
          hs_wire_invalid (error, "reason", "is given for a path that reaches a root");
          return NULL;
        }
      break;

    case HS_REPLY_WHY:
      if (!hs_wire_read_string (object, "type_name", FALSE, &reply->type_name, error) ||
          !hs_wire_read_string (object, "label", TRUE, &reply->label, error) ||
          !hs_wire_read_integer (object, "total", 0, &reply->total, error) ||
          !hs_wire_read_integer (object, "sampled", 0, &reply->sampled, error) ||
          /* Absent from the answer about a type nobody asked about: it took no time. */
          (json_object_has_member (object, "elapsed") &&
           !hs_wire_read_number (object, "elapsed", &reply->elapsed, error)))
        return NULL;
      /* Counted from a mark: the survivors made since the census of that time. */
      reply->since = NAN;
      if (json_object_has_member (object, "since") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (object, "since")) &&
          !hs_wire_read_number (object, "since", &reply->since, error))
        return NULL;
      if (json_object_has_member (object, "older") &&
          !hs_wire_read_integer (object, "older", 0, &reply->older, error))
        return NULL;
      if (reply->sampled > reply->total)
        {
          hs_wire_invalid (error, "sampled", "is more than the instances there are");
          return NULL;
        }
      if (!parse_why_parts (object, reply->sampled, reply->groups, reply->unreached, error))
        return NULL;
      break;

    case HS_REPLY_OBJECT:
      {
        JsonObject *body = hs_wire_read_object (object, "object", FALSE, error);
        guint budget = HS_WIRE_MAX_SIZE_NODES;
        JsonNode *sizes;

        if (body == NULL ||
            !(reply->object = parse_object_ref (json_object_get_member (object, "object"), error)) ||
            !hs_wire_read_integer (body, "basic", 0, &reply->basic, error) ||
            !hs_wire_read_integer (body, "item", 0, &reply->item, error) ||
            !hs_wire_read_optional_size (body, "deep", &reply->deep, error) ||
            !hs_wire_read_integer (object, "total", 0, &reply->total, error) ||
            !parse_object_refs (object, "referents", reply->items, error))
          return NULL;
        sizes = json_object_get_member (body, "sizes");
        if (sizes != NULL && !JSON_NODE_HOLDS_NULL (sizes) &&
            !(reply->breakdown = hs_wire_parse_size_node (sizes, 0, &budget, error)))
          return NULL;
      }
      break;

    case HS_REPLY_GRAPH:
      if (!hs_wire_read_string (object, "filename", TRUE, &reply->filename, error) ||
          !(reply->graph = hs_ref_graph_parse_reply (object, error)))
        return NULL;
      break;

    case HS_REPLY_DOMINATORS:
      if (!hs_wire_read_integer (object, "total", 0, &reply->total, error) ||
          !hs_wire_read_integer (object, "offset", 0, &reply->offset, error) ||
          !parse_retained_size (object, &reply->whole, error) ||
          !parse_heap_tree (object, &reply->tree, error) ||
          !parse_retained_list (object, "objects", reply->items, reply->retained, error))
        return NULL;
      break;

    case HS_REPLY_RETAINED:
      if (!parse_heap_tree (object, &reply->tree, error) ||
          !parse_retained_list (object, "objects", NULL, reply->retained, error))
        return NULL;
      break;

    case HS_REPLY_TRACK:
      /* What changed shows in the next census; tracked-object names one. */
      if (json_object_has_member (object, "object") &&
          !(reply->object = parse_object_ref (json_object_get_member (object, "object"), error)))
        return NULL;
      break;

    default:
      g_assert_not_reached ();
    }
  if (kind != HS_REPLY_PATH && reply->items->len > (guint64) reply->total)
    {
      hs_wire_invalid (error, "total", "is less than the objects given");
      return NULL;
    }
  return g_steal_pointer (&reply);
}

HsMessage *
hs_message_parse (guint8   kind,
                  GBytes  *payload,
                  GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(HsMessage) message = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *root;
  const char *data;
  gsize length;

  g_return_val_if_fail (payload != NULL, NULL);

  if (kind != HS_FRAME_KIND_JSON)
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_UNKNOWN_KIND,
                   "Unknown frame kind 0x%02x", kind);
      return NULL;
    }

  data = g_bytes_get_data (payload, &length);
  if (length == 0 || memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_MALFORMED,
                   "Frame payload is not UTF-8 text");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_MALFORMED,
                   "Frame payload is not JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_MALFORMED,
                   "Frame payload is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);

  message = g_new0 (HsMessage, 1);
  if (!hs_wire_read_string (object, "type", FALSE, &type, error) ||
      !hs_wire_read_integer (object, "id", 0, &message->id, error))
    return NULL;

  if (g_str_equal (type, "hello"))
    {
      message->type = HS_MESSAGE_HELLO;
      if (!(message->hello = parse_hello (object, error)))
        return NULL;
    }
  else if (g_str_equal (type, "census"))
    {
      message->type = HS_MESSAGE_CENSUS;
      if (!(message->census = parse_census (object, error)))
        return NULL;
    }
  else if (g_str_equal (type, "error"))
    {
      message->type = HS_MESSAGE_ERROR;
      if (!hs_wire_read_string (object, "message", FALSE, &message->error_message, error) ||
          !hs_wire_read_string (object, "code", TRUE, &message->error_code, error))
        return NULL;
    }
  else if (g_str_equal (type, "bye"))
    message->type = HS_MESSAGE_BYE;
  else if (g_str_equal (type, "held"))
    {
      message->type = HS_MESSAGE_HELD;
      if (!hs_wire_read_boolean (object, "raised", FALSE, &message->raised, error))
        return NULL;
    }
  else if (g_str_equal (type, "instances") || g_str_equal (type, "object") ||
           g_str_equal (type, "referrers") || g_str_equal (type, "path"))
    {
      HsReplyKind kind = g_str_equal (type, "instances") ? HS_REPLY_INSTANCES
                         : g_str_equal (type, "object") ? HS_REPLY_OBJECT
                         : g_str_equal (type, "referrers") ? HS_REPLY_REFERRERS
                         : HS_REPLY_PATH;

      message->type = HS_MESSAGE_REPLY;
      if (!(message->reply = parse_reply (kind, object, error)))
        return NULL;
    }
  else if (g_str_equal (type, "graph") || g_str_equal (type, "dominators") || g_str_equal (type, "retained") ||
           g_str_equal (type, "why"))
    {
      HsReplyKind kind = g_str_equal (type, "graph") ? HS_REPLY_GRAPH
                         : g_str_equal (type, "dominators") ? HS_REPLY_DOMINATORS
                         : g_str_equal (type, "retained") ? HS_REPLY_RETAINED
                         : HS_REPLY_WHY;

      message->type = HS_MESSAGE_REPLY;
      if (!(message->reply = parse_reply (kind, object, error)))
        return NULL;
    }
  else if (g_str_equal (type, "garbage"))
    {
      message->type = HS_MESSAGE_GARBAGE;
      if (!(message->garbage = hs_garbage_report_parse (object, error)))
        return NULL;
    }
  else if (g_str_equal (type, "track-class") || g_str_equal (type, "track-object") ||
           g_str_equal (type, "detach-class") || g_str_equal (type, "detach-all") ||
           g_str_equal (type, "tracked-object") || g_str_equal (type, "watch-garbage"))
    {
      message->type = HS_MESSAGE_REPLY;
      if (!(message->reply = parse_reply (HS_REPLY_TRACK, object, error)))
        return NULL;
    }
  else
    {
      g_set_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_UNKNOWN_TYPE,
                   "Unknown message type “%.64s”", type);
      return NULL;
    }

#ifdef __GLIBC__
  /* A big answer's JSON tree takes ten times its size (30 MB for a graph
   * of 10 000 objects): give it back now, not when this thread's heap
   * happens to be reused. */
  if (length >= BIG_PAYLOAD)
    {
      g_clear_object (&parser);
      malloc_trim (0);
    }
#endif
  return g_steal_pointer (&message);
}

void
hs_hello_free (HsHello *self)
{
  if (self == NULL)
    return;
  g_free (self->python);
  g_free (self->implementation);
  g_free (self->executable);
  g_free (self);
}

HsHello *
hs_hello_copy (const HsHello *self)
{
  HsHello *copy = g_memdup2 (self, sizeof *self);

  copy->python = g_strdup (self->python);
  copy->implementation = g_strdup (self->implementation);
  copy->executable = g_strdup (self->executable);
  return copy;
}

void
hs_message_free (HsMessage *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->hello, hs_hello_free);
  g_clear_pointer (&self->census, hs_census_unref);
  g_clear_pointer (&self->reply, hs_reply_unref);
  g_clear_pointer (&self->garbage, hs_garbage_report_unref);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_free (self->error_message);
  g_free (self->error_code);
  g_free (self);
}
