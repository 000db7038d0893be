/* fake-agent.c — a small heap served over a socketpair
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "fake-agent.h"
#include "test-support.h"
#include "hs-census.h"
#include "hs-wire.h"

struct _FakeAgent
{
  int             fd;
  guint           watch;
  HsFrameDecoder *decoder;
  GHashTable     *counts;     /* request type → how many */
  GArray         *released;
  gboolean        hold_deep;
  gboolean        saw_cancel;
  gboolean        last_repr;
  gint64          last_offset;
};

typedef struct
{
  gint64      handle;
  const char *type;
  const char *text;
  gint64      flat;
  const char *root;     /* its root marker, or NULL */
  const char *name;     /* a class's, module's or function's "name", or NULL */
  const char *known;    /* a holder from C code: what Python knows it as, or NULL */
} FakeObject;

static const FakeObject objects[] = {
  { 1, "str", "'target'", 55, NULL, NULL },
  { 2, "list", "list of 2 items", 72, NULL, NULL },
  { 3, "dict", "dict of 5 items", 232, NULL, NULL },
  { 4, "module", "module(__main__)", 72, "module", NULL },
  { 5, "list", "list of 1 item", 64, NULL, NULL },
  { 6, "__main__.Holder", "Holder at 0x6000 name='target'", 48, NULL, NULL },
  { 7, "int", "7", 28, NULL, NULL },
  /* An Item in a list that a class holds: a class root (type "type"). */
  { 20, "__main__.Item", "__main__.Item at 0x14000 (id=3)", 48, NULL, NULL },
  { 21, "list", "list of 1 item", 64, NULL, NULL },
  { 22, "type", "class Registry", 1072, "class", "__main__.Registry" },
  /* No root holds these, for each reason a path can say: a cycle not yet
   * collected; held from C code through a signal handler; let go. */
  { 30, "__main__.Node", "__main__.Node at 0x1e000", 56, NULL, NULL },
  { 31, "__main__.Request", "__main__.Request at 0x1f000", 48, NULL, NULL },
  { 32, "function (on_exit)", "function on_exit", 136, NULL, "__main__.on_exit", "signal handler for SIGUSR1" },
  { 33, "__main__.Dropped", "__main__.Dropped at 0x21000", 48, NULL, NULL },
};

typedef struct
{
  gint64      from;     /* referred to */
  gint64      by;       /* referrer */
  const char *kind;
  const char *name;
  gint64      index;
} FakeEdge;

static const FakeEdge edges[] = {
  { 1, 2, "index", NULL, 0 },
  { 1, 6, "attribute", "name", 0 },
  { 2, 3, "key", "items", 0 },
  { 2, 5, "index", NULL, 0 },
  { 5, 2, "index", NULL, 1 },
  { 3, 4, "attribute", "__dict__", 0 },
  { 6, 3, "key", "holder", 0 },
  { 20, 21, "index", NULL, 0 },
  { 21, 22, "class-attribute", "items", 0 },
};

static const FakeObject *
find_object (gint64 handle)
{
  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    if (objects[i].handle == handle)
      return &objects[i];
  return NULL;
}

static void
send_text (FakeAgent  *self,
           const char *text)
{
  g_autoptr(GBytes) frame = hs_frame_encode (HS_FRAME_KIND_JSON, text, strlen (text));
  const guint8 *data = g_bytes_get_data (frame, NULL);
  gsize left = g_bytes_get_size (frame);

  while (left > 0)
    {
      gssize n = write (self->fd, data, left);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      data += n;
      left -= n;
    }
}

static void
send_builder (FakeAgent   *self,
              JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  send_text (self, text);
}

static void
add_member_int (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_ref (JsonBuilder      *builder,
         const FakeObject *object,
         const FakeEdge   *edge,
         const char       *root)
{
  json_builder_begin_object (builder);
  add_member_int (builder, "handle", object->handle);
  add_member_string (builder, "type", object->type);
  add_member_int (builder, "address", 0x1000 * object->handle);
  add_member_int (builder, "flat", object->flat);
  add_member_string (builder, "text", object->text);
  if (object->name != NULL)
    add_member_string (builder, "name", object->name);
  if (object->known != NULL)
    add_member_string (builder, "known", object->known);
  if (edge != NULL)
    {
      json_builder_set_member_name (builder, "edge");
      json_builder_begin_object (builder);
      add_member_string (builder, "kind", edge->kind);
      if (g_str_equal (edge->kind, "index"))
        add_member_int (builder, "index", edge->index);
      else if (edge->name != NULL)
        add_member_string (builder, "name", edge->name);
      json_builder_end_object (builder);
    }
  if (root != NULL)
    add_member_string (builder, "root", root);
  json_builder_end_object (builder);
}

static void
add_object_ref (JsonBuilder    *builder,
                const FakeObject *object,
                const FakeEdge *edge)
{
  add_ref (builder, object, edge, object->root);
}

static JsonBuilder *
begin_reply (const char *type,
             gint64      id)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_member_string (builder, "type", type);
  add_member_int (builder, "id", id);
  return builder;
}

static void
send_error (FakeAgent  *self,
            gint64      id,
            const char *code,
            const char *message)
{
  g_autofree char *text = g_strdup_printf ("{\"type\": \"error\", \"id\": %lld, \"code\": \"%s\", \"message\": \"%s\"}",
                                           (long long) id, code, message);

  send_text (self, text);
}

static void
answer_census (FakeAgent *self,
               gint64     id)
{
  g_autoptr(HsCensus) census = hs_census_new (3);
  HsMessage message = { HS_MESSAGE_CENSUS, id, NULL, census, NULL };
  g_autoptr(GBytes) frame = NULL;

  census->rows[0] = (HsCensusRow) { g_strdup ("str"), 1000, 60000 };
  census->rows[1] = (HsCensusRow) { g_strdup ("list"), 20, 2000 };
  census->rows[2] = (HsCensusRow) { g_strdup ("__main__.Empty"), 1, 48 };
  census->objects = 1021;
  census->bytes = 62048;
  census->time = id;
  census->rss = 10 << 20;
  frame = hs_wire_encode_message (&message);
  g_assert_cmpint (write (self->fd, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame)), ==,
                   (gssize) g_bytes_get_size (frame));
}

static void
answer_instances (FakeAgent  *self,
                  gint64      id,
                  JsonObject *request)
{
  const char *type_name = json_object_get_string_member (request, "type_name");
  gint64 offset = json_object_get_int_member (request, "offset");
  gint64 limit = json_object_get_int_member (request, "limit");
  gint64 total;
  g_autoptr(JsonBuilder) builder = NULL;

  self->last_offset = offset;
  if (g_str_equal (type_name, "str"))
    total = 1000;
  else if (g_str_equal (type_name, "__main__.Empty"))
    total = 0;
  else
    {
      send_error (self, id, "stale", "no such type");
      return;
    }
  builder = begin_reply ("instances", id);
  add_member_int (builder, "total", total);
  add_member_int (builder, "offset", offset);
  add_member_int (builder, "list", 900);
  json_builder_set_member_name (builder, "objects");
  json_builder_begin_array (builder);
  for (gint64 i = offset; i < MIN (total, offset + limit); i++)
    {
      g_autofree char *text = g_strdup_printf ("'s%lld'", (long long) i);
      FakeObject object = { 2000 + i, "str", text, 1100 - i };

      add_object_ref (builder, i == 0 ? find_object (1) : &object, NULL);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  send_builder (self, builder);
}

static void
answer_referrers (FakeAgent *self,
                  gint64     id,
                  gint64     handle,
                  gint64     limit)
{
  g_autoptr(JsonBuilder) builder = begin_reply ("referrers", id);
  guint total = 0;

  add_member_int (builder, "handle", handle);
  json_builder_set_member_name (builder, "referrers");
  json_builder_begin_array (builder);
  if (handle == 7)
    {
      for (gint64 i = 0; i < 250; i++)
        {
          FakeObject tuple = { 10000 + i, "tuple", "tuple of 2 items", 56 };
          FakeEdge edge = { 7, tuple.handle, "index", NULL, 1 };

          if (i < limit)
            add_object_ref (builder, &tuple, &edge);
          total++;
        }
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
      if (edges[i].from == handle)
        {
          if (total < limit)
            add_object_ref (builder, find_object (edges[i].by), &edges[i]);
          total++;
        }
  json_builder_end_array (builder);
  add_member_int (builder, "total", total);
  json_builder_end_object (builder);
  send_builder (self, builder);
}

static void
answer_path (FakeAgent *self,
             gint64     id,
             gint64     handle)
{
  g_autoptr(JsonBuilder) builder = begin_reply ("path", id);
  static const gint64 to_module[] = { 1, 2, 3, 4 };
  static const gint64 to_class[] = { 20, 21, 22 };
  const gint64 *chain = NULL;
  guint length = 0;

  if (handle == 1)
    {
      chain = to_module;
      length = G_N_ELEMENTS (to_module);
    }
  else if (handle == 20)
    {
      chain = to_class;
      length = G_N_ELEMENTS (to_class);
    }
  json_builder_set_member_name (builder, "found");
  json_builder_add_boolean_value (builder, chain != NULL);
  add_member_int (builder, "handle", handle);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  /* From the object's referrer up: the object itself is not a step. */
  for (guint i = 1; i < length; i++)
    {
      const FakeEdge *edge = NULL;

      for (guint e = 0; e < G_N_ELEMENTS (edges); e++)
        if (edges[e].from == chain[i - 1] && edges[e].by == chain[i])
          edge = &edges[e];
      add_object_ref (builder, find_object (chain[i]), edge);
    }
  json_builder_end_array (builder);
  /* Why no root was reached, as an agent with its C part says. */
  if (handle == 30)
    add_member_string (builder, "reason", "garbage");
  else if (handle == 31)
    {
      add_member_string (builder, "reason", "held-from-c");
      json_builder_set_member_name (builder, "holders");
      json_builder_begin_array (builder);
      add_object_ref (builder, find_object (32), NULL);
      json_builder_end_array (builder);
    }
  else if (handle == 33)
    add_member_string (builder, "reason", "agent");
  json_builder_end_object (builder);
  send_builder (self, builder);
}

static void
add_size_node (JsonBuilder *builder,
               const char  *name,
               gint64       size,
               gint64       flat,
               int          depth,
               int          detail)
{
  json_builder_begin_object (builder);
  add_member_string (builder, "name", name);
  add_member_int (builder, "size", size);
  add_member_int (builder, "flat", flat);
  json_builder_set_member_name (builder, "refs");
  json_builder_begin_array (builder);
  if (depth < detail)
    for (int i = 0; i < 2; i++)
      {
        g_autofree char *child = g_strdup_printf ("[%d] level %d", i, depth + 1);

        add_size_node (builder, child, size / 3, flat / 2, depth + 1, detail);
      }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
answer_object (FakeAgent *self,
               gint64     id,
               gint64     handle,
               int        detail)
{
  const FakeObject *object = find_object (handle);
  g_autoptr(JsonBuilder) builder = NULL;
  guint total = 0;

  if (object == NULL)
    {
      send_error (self, id, "stale", "this object no longer exists");
      return;
    }
  builder = begin_reply ("object", id);
  json_builder_set_member_name (builder, "object");
  json_builder_begin_object (builder);
  add_member_int (builder, "handle", object->handle);
  add_member_string (builder, "type", object->type);
  add_member_int (builder, "address", 0x1000 * object->handle);
  add_member_int (builder, "flat", object->flat);
  add_member_string (builder, "text", object->text);
  add_member_int (builder, "basic", object->flat - 8);
  add_member_int (builder, "item", 8);
  add_member_int (builder, "deep", object->flat * 10);
  json_builder_set_member_name (builder, "sizes");
  add_size_node (builder, object->text, object->flat * 10, object->flat, 0, detail);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "referents");
  json_builder_begin_array (builder);
  /* What it refers to: the reverse of the referrer edges. */
  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    if (edges[i].by == handle)
      {
        FakeEdge edge = { 0, 0, "referent", NULL, 0 };

        add_object_ref (builder, find_object (edges[i].from), &edge);
        total++;
      }
  json_builder_end_array (builder);
  add_member_int (builder, "total", total);
  json_builder_end_object (builder);
  send_builder (self, builder);
}

static void
answer (FakeAgent  *self,
        JsonObject *request)
{
  const char *type = json_object_get_string_member (request, "type");
  gint64 id = json_object_get_int_member_with_default (request, "id", 0);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, type));

  g_hash_table_insert (self->counts, g_strdup (type), GUINT_TO_POINTER (count + 1));
  if (!g_str_equal (type, "census") && !g_str_equal (type, "release") && !g_str_equal (type, "cancel"))
    self->last_repr = json_object_get_boolean_member_with_default (request, "repr", FALSE);

  if (g_str_equal (type, "census"))
    answer_census (self, id);
  else if (g_str_equal (type, "release"))
    {
      JsonArray *handles = json_object_get_array_member (request, "handles");

      for (guint i = 0; i < json_array_get_length (handles); i++)
        {
          gint64 handle = json_array_get_int_element (handles, i);

          g_array_append_val (self->released, handle);
        }
    }
  else if (g_str_equal (type, "cancel"))
    {
      self->saw_cancel = TRUE;
      send_error (self, json_object_get_int_member (request, "request"), "cancelled", "cancelled");
    }
  else if (g_str_equal (type, "instances"))
    {
      if (self->hold_deep && g_strcmp0 (json_object_get_string_member (request, "order"), "deep") == 0)
        return;
      answer_instances (self, id, request);
    }
  else if (g_str_equal (type, "referrers"))
    answer_referrers (self, id, json_object_get_int_member (request, "handle"),
                      json_object_get_int_member (request, "limit"));
  else if (g_str_equal (type, "path"))
    answer_path (self, id, json_object_get_int_member (request, "handle"));
  else if (g_str_equal (type, "object"))
    answer_object (self, id, json_object_get_int_member (request, "handle"),
                   json_object_get_int_member (request, "detail"));
}

static gboolean
on_readable (int           fd,
             GIOCondition  condition,
             gpointer      user_data)
{
  FakeAgent *self = user_data;
  guint8 buffer[4096];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      self->watch = 0;
      return G_SOURCE_REMOVE;
    }
  hs_frame_decoder_push (self->decoder, buffer, n);
  for (;;)
    {
      g_autoptr(GBytes) payload = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;
      guint8 kind;

      if (!hs_frame_decoder_next (self->decoder, &kind, &payload, &error))
        {
          g_assert_no_error (error);
          break;
        }
      text = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
      node = json_from_string (text, &error);
      g_assert_no_error (error);
      answer (self, json_node_get_object (node));
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
session_is_live (gpointer data)
{
  return hs_session_is_live (data) && hs_session_get_pid (data) > 0;
}

/* Attaches @session to the fake heap (recording it to @record_path, if not
 * NULL) and answers it from the default main context. */
FakeAgent *
fake_agent_start (HsSession  *session,
                  const char *record_path)
{
  FakeAgent *self = g_new0 (FakeAgent, 1);
  HsHello hello = { HS_PROTOCOL_VERSION, 4242, (char *) "3.11.2", (char *) "CPython", (char *) "/usr/bin/python3", TRUE };
  HsMessage message = { HS_MESSAGE_HELLO, 0, &hello, NULL, NULL };
  g_autoptr(GBytes) frame = hs_wire_encode_message (&message);
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  self->fd = fds[1];
  self->decoder = hs_frame_decoder_new ();
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->released = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (record_path != NULL)
    hs_session_record_to (session, record_path);
  hs_session_attach_socket (session, fds[0], 0.5);
  g_assert_cmpint (write (self->fd, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame)), ==,
                   (gssize) g_bytes_get_size (frame));
  self->watch = g_unix_fd_add (self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, self);
  /* Questions are for a live process: wait for the hello to be read. */
  g_assert_true (fake_agent_wait (session_is_live, session));
  return self;
}

/* The process ends: the session sees its agent go away. */
void
fake_agent_end (FakeAgent *self)
{
  if (self->watch != 0)
    g_source_remove (self->watch);
  self->watch = 0;
  if (self->fd != -1)
    close (self->fd);
  self->fd = -1;
}

void
fake_agent_free (FakeAgent *self)
{
  fake_agent_end (self);
  hs_frame_decoder_free (self->decoder);
  g_hash_table_unref (self->counts);
  g_array_unref (self->released);
  g_free (self);
}

/* How many requests of @type ("instances", "referrers", …) were asked. */
guint
fake_agent_count (FakeAgent  *self,
                  const char *type)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, type));
}

gboolean
fake_agent_was_released (FakeAgent *self,
                         gint64     handle)
{
  for (guint i = 0; i < self->released->len; i++)
    if (g_array_index (self->released, gint64, i) == handle)
      return TRUE;
  return FALSE;
}

/* Instances in deep-size order are left unanswered (a slow ordering). */
void
fake_agent_hold_deep (FakeAgent *self,
                      gboolean   hold)
{
  self->hold_deep = hold;
}

gint64
fake_agent_last_offset (FakeAgent *self)
{
  return self->last_offset;
}

gboolean
fake_agent_saw_cancel (FakeAgent *self)
{
  return self->saw_cancel;
}

/* Whether the last question about objects allowed __repr__. */
gboolean
fake_agent_last_repr (FakeAgent *self)
{
  return self->last_repr;
}

/* Runs the default main context until @condition holds (a minute at most). */
gboolean
fake_agent_wait (gboolean (*condition) (gpointer),
                 gpointer   data)
{
  return test_wait_for (condition, data, 60);
}
