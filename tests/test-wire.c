/* test-wire.c — frames and messages: round trips and every rejection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <string.h>

#include "hs-object-details.h"
#include "hs-ref-graph.h"
#include "hs-reply.h"
#include "hs-why-report.h"
#include "hs-wire.h"

static HsCensus *
make_census (void)
{
  HsCensus *census = hs_census_new (2);

  census->rows[0].name = g_strdup ("str");
  census->rows[0].count = 40211;
  census->rows[0].size = 3291744;
  census->rows[1].name = g_strdup ("__main__.Marker");
  census->rows[1].count = 12345;
  census->rows[1].size = 592560;
  census->objects = 40211 + 12345;
  census->bytes = 3291744 + 592560;
  census->time = 12.5;
  census->elapsed = 0.031;
  census->rss = 45678592;
  census->vms = 123456789;
  census->label = g_strdup ("after load");
  return census;
}

static HsMessage *
decode_one (GBytes  *frame,
            GError **error)
{
  g_autoptr(HsFrameDecoder) decoder = hs_frame_decoder_new ();
  g_autoptr(GBytes) payload = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (frame, &length);
  guint8 kind;

  hs_frame_decoder_push (decoder, data, length);
  if (!hs_frame_decoder_next (decoder, &kind, &payload, error))
    return NULL;
  return hs_message_parse (kind, payload, error);
}

static GBytes *
json_frame (const char *json)
{
  return hs_frame_encode (HS_FRAME_KIND_JSON, json, strlen (json));
}

static void
test_census_round_trip (void)
{
  g_autoptr(HsCensus) census = make_census ();
  HsMessage message = { HS_MESSAGE_CENSUS, 7, NULL, census, NULL };
  g_autoptr(GBytes) frame = hs_wire_encode_message (&message);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) decoded = decode_one (frame, &error);

  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  g_assert_cmpint (decoded->type, ==, HS_MESSAGE_CENSUS);
  g_assert_cmpint (decoded->id, ==, 7);
  g_assert_cmpstr (decoded->census->label, ==, "after load");
  g_assert_cmpuint (decoded->census->n_rows, ==, 2);
  g_assert_cmpstr (decoded->census->rows[1].name, ==, "__main__.Marker");
  g_assert_cmpint (decoded->census->rows[1].count, ==, 12345);
  g_assert_cmpint (decoded->census->rows[1].size, ==, 592560);
  g_assert_cmpint (decoded->census->objects, ==, census->objects);
  g_assert_cmpint (decoded->census->rss, ==, 45678592);
  g_assert_cmpfloat_with_epsilon (decoded->census->time, 12.5, 1e-9);
  g_assert_cmpint (hs_census_lookup (decoded->census, "str")->count, ==, 40211);
}

static void
test_hello_round_trip (void)
{
  HsHello hello = { HS_PROTOCOL_VERSION, 4242, (char *) "3.11.2", (char *) "CPython", (char *) "/usr/bin/python3", TRUE };
  HsMessage message = { HS_MESSAGE_HELLO, 0, &hello, NULL, NULL };
  g_autoptr(GBytes) frame = hs_wire_encode_message (&message);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) decoded = decode_one (frame, &error);
  g_autoptr(HsMessage) why = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (decoded->type, ==, HS_MESSAGE_HELLO);
  g_assert_cmpint (decoded->hello->pid, ==, 4242);
  g_assert_cmpstr (decoded->hello->python, ==, "3.11.2");
  g_assert_true (decoded->hello->accelerated);
  g_assert_false (decoded->hello->can_why);

  /* The "why" capability, as an agent that can say why objects are alive lists it. */
  g_clear_pointer (&frame, g_bytes_unref);
  hello.can_why = TRUE;
  frame = hs_wire_encode_message (&message);
  why = decode_one (frame, &error);
  g_assert_no_error (error);
  g_assert_true (why->hello->can_why);
  g_assert_false (why->hello->can_retain);
}

/* The agent's bye carries nothing but its type. */
static void
test_bye_round_trip (void)
{
  HsMessage message = { .type = HS_MESSAGE_BYE };
  g_autoptr(GBytes) frame = hs_wire_encode_message (&message);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) decoded = decode_one (frame, &error);

  g_assert_no_error (error);
  g_assert_cmpint (decoded->type, ==, HS_MESSAGE_BYE);
  g_assert_cmpint (decoded->id, ==, 0);
}

/* "held" says whether the script ended by an exception; anything but a
 * boolean there is refused. */
static void
test_held_round_trip (void)
{
  g_autoptr(GBytes) plain = json_frame ("{\"type\": \"held\", \"id\": 0}");
  g_autoptr(GBytes) wrong = json_frame ("{\"type\": \"held\", \"id\": 0, \"raised\": 1}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) decoded = decode_one (plain, &error);
  HsMessage message = { .type = HS_MESSAGE_HELD, .raised = TRUE };
  g_autoptr(GBytes) frame = hs_wire_encode_message (&message);
  g_autoptr(HsMessage) raised = NULL;
  g_autoptr(HsMessage) refused = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (decoded->type, ==, HS_MESSAGE_HELD);
  g_assert_false (decoded->raised);
  raised = decode_one (frame, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raised->type, ==, HS_MESSAGE_HELD);
  g_assert_true (raised->raised);
  refused = decode_one (wrong, &error);
  g_assert_null (refused);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
}

/* Frames split at every byte boundary come out whole and in order. */
static void
test_split_frames (void)
{
  g_autoptr(HsFrameDecoder) decoder = hs_frame_decoder_new ();
  g_autoptr(GBytes) first = hs_wire_encode_request ("census", 1);
  g_autoptr(GBytes) second = hs_wire_encode_request ("census", 2);
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  guint n_frames = 0;

  g_byte_array_append (stream, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_byte_array_append (stream, g_bytes_get_data (second, NULL), g_bytes_get_size (second));

  for (guint i = 0; i < stream->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) payload = NULL;
      guint8 kind;

      hs_frame_decoder_push (decoder, stream->data + i, 1);
      if (hs_frame_decoder_next (decoder, &kind, &payload, &error))
        {
          n_frames++;
          g_assert_cmpint (kind, ==, 'J');
          g_assert_nonnull (strstr (g_bytes_get_data (payload, NULL), n_frames == 1 ? "\"id\":1" : "\"id\":2"));
        }
      g_assert_no_error (error);
    }
  g_assert_cmpuint (n_frames, ==, 2);
  g_assert_true (hs_frame_decoder_finish (decoder, NULL));
}

static void
test_truncated (void)
{
  g_autoptr(HsFrameDecoder) decoder = hs_frame_decoder_new ();
  g_autoptr(GBytes) frame = hs_wire_encode_request ("census", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;
  guint8 kind;

  hs_frame_decoder_push (decoder, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame) - 3);
  g_assert_false (hs_frame_decoder_next (decoder, &kind, &payload, &error));
  g_assert_no_error (error);
  g_assert_false (hs_frame_decoder_finish (decoder, &error));
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_TRUNCATED);
}

static void
test_oversized (void)
{
  g_autoptr(HsFrameDecoder) decoder = hs_frame_decoder_new ();
  const guint8 header[] = { 0x01, 0x00, 0x00, 0x01, 'J' };  /* 16 MiB + 1 */
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;
  guint8 kind;

  hs_frame_decoder_push (decoder, header, sizeof header);
  g_assert_false (hs_frame_decoder_next (decoder, &kind, &payload, &error));
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_OVERSIZED);
}

static void
test_unknown_kind (void)
{
  g_autoptr(GBytes) frame = hs_frame_encode ('B', "{}", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);

  g_assert_null (message);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_UNKNOWN_KIND);
}

static void
test_unknown_type (void)
{
  g_autoptr(GBytes) frame = json_frame ("{\"type\":\"telepathy\",\"id\":0}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);

  g_assert_null (message);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_UNKNOWN_TYPE);
}

/* Each of these breaks exactly one rule of PROTOCOL.md. */
static void
test_invalid_fields (void)
{
  static const struct { const char *json; HsWireError code; } cases[] = {
    { "not json", HS_WIRE_ERROR_MALFORMED },
    { "[1,2,3]", HS_WIRE_ERROR_MALFORMED },
    { "{\"id\":1}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":7,\"id\":1}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":\"7\"}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":-1}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":1,\"bytes\":8,\"rss\":0,\"vms\":0}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":1,\"bytes\":8,\"rss\":0,\"vms\":0,\"rows\":[[\"int\",1]]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":1,\"bytes\":8,\"rss\":0,\"vms\":0,\"rows\":[[\"int\",1,-8]]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":1,\"bytes\":8,\"rss\":0,\"vms\":0,\"rows\":[[\"int\",1.5,8]]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":2,\"bytes\":8,\"rss\":0,\"vms\":0,\"rows\":[[\"int\",1,8]]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":2,\"bytes\":16,\"rss\":0,\"vms\":0,\"rows\":[[\"int\",1,8],[\"int\",1,8]]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":-1,\"elapsed\":0,\"objects\":0,\"bytes\":0,\"rss\":0,\"vms\":0,\"rows\":[]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"census\",\"id\":1,\"time\":1,\"elapsed\":0,\"objects\":9007199254740992,\"bytes\":0,\"rss\":0,\"vms\":0,\"rows\":[]}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"hello\",\"id\":0,\"protocol\":3,\"pid\":1,\"python\":\"3.11\",\"implementation\":\"CPython\",\"executable\":\"p\"}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"hello\",\"id\":0,\"protocol\":2,\"pid\":0,\"python\":\"3.11\",\"implementation\":\"CPython\",\"executable\":\"p\"}", HS_WIRE_ERROR_INVALID },
    { "{\"type\":\"error\",\"id\":3}", HS_WIRE_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) frame = json_frame (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsMessage) message = decode_one (frame, &error);

      if (message != NULL || !g_error_matches (error, HS_WIRE_ERROR, cases[i].code))
        g_error ("case %u (%s) was not rejected with code %d: %s", i, cases[i].json, cases[i].code,
                 error ? error->message : "accepted");
    }
}

static void
test_long_string_rejected (void)
{
  g_autofree char *name = g_strnfill (HS_WIRE_MAX_STRING + 1, 'x');
  g_autofree char *json = g_strdup_printf ("{\"type\":\"error\",\"id\":1,\"message\":\"%s\"}", name);
  g_autoptr(GBytes) frame = json_frame (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);

  g_assert_null (message);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
}

static void
test_not_utf8 (void)
{
  g_autoptr(GBytes) frame = hs_frame_encode ('J', "{\"type\":\"\xff\"}", 12);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);

  g_assert_null (message);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_MALFORMED);
}

/* Pympler's summary.print_ layout, byte for byte (see the tutorial's example). */
static void
test_pympler_table (void)
{
  HsCensusRow rows[] = {
    { (char *) "list", 345, 81224 },
  };
  g_autofree char *table = hs_census_format_table (rows, 1, 15);

  g_assert_cmpstr (table, ==,
                   "  types |   # objects |   total size\n"
                   "======= | =========== | ============\n"
                   "   list |         345 |     79.32 KB\n");
}

static void
test_format_size (void)
{
  g_autofree char *small = hs_format_size (1000);
  g_autofree char *kilo = hs_format_size (164 * 1024 + 31);
  g_autofree char *mega = hs_format_size (3365000);
  g_autofree char *negative = hs_format_size (-2048);

  g_assert_cmpstr (small, ==, "1000     B");
  g_assert_cmpstr (kilo, ==, " 164.03 KB");
  g_assert_cmpstr (mega, ==, "   3.21 MB");
  g_assert_cmpstr (negative, ==, "  -2.00 KB");
}

static void
test_diff (void)
{
  g_autoptr(HsCensus) before = hs_census_new (2);
  g_autoptr(HsCensus) after = hs_census_new (2);
  HsCensusRow *diff;
  guint n_rows;

  before->rows[0] = (HsCensusRow) { g_strdup ("int"), 10, 280 };
  before->rows[1] = (HsCensusRow) { g_strdup ("gone"), 2, 64 };
  after->rows[0] = (HsCensusRow) { g_strdup ("int"), 15, 420 };
  after->rows[1] = (HsCensusRow) { g_strdup ("new"), 1, 48 };

  diff = hs_census_diff (before, after, &n_rows);
  hs_census_rows_sort_by_size (diff, n_rows);
  g_assert_cmpuint (n_rows, ==, 3);
  g_assert_cmpstr (diff[0].name, ==, "int");
  g_assert_cmpint (diff[0].count, ==, 5);
  g_assert_cmpint (diff[0].size, ==, 140);
  g_assert_cmpstr (diff[1].name, ==, "new");
  g_assert_cmpstr (diff[2].name, ==, "gone");
  g_assert_cmpint (diff[2].count, ==, -2);
  g_assert_cmpint (diff[2].size, ==, -64);
  hs_census_rows_free (diff, n_rows);
}

/* The protocol 2 answers, as the fuzz seeds hold them: parsed field by field. */
static HsMessage *
decode_seed (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("HS_TEST_FUZZ_CORPUS"), name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GError) error = NULL;
  HsMessage *message;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  frame = g_bytes_new (contents, length);
  message = decode_one (frame, &error);
  g_assert_no_error (error);
  return message;
}

static void
test_replies (void)
{
  g_autoptr(HsMessage) instances = decode_seed ("reply-instances");
  g_autoptr(HsMessage) object = decode_seed ("reply-object");
  g_autoptr(HsMessage) referrers = decode_seed ("reply-referrers");
  g_autoptr(HsMessage) path = decode_seed ("reply-path");
  g_autoptr(HsMessage) stale = decode_seed ("error-stale");
  HsObjectRef *ref;
  HsSizeNode *node;

  g_assert_cmpint (instances->type, ==, HS_MESSAGE_REPLY);
  g_assert_cmpint (instances->reply->kind, ==, HS_REPLY_INSTANCES);
  g_assert_cmpint (instances->reply->list_handle, ==, 5);
  g_assert_cmpint (instances->reply->total, ==, 1000000);
  g_assert_cmpuint (instances->reply->items->len, ==, 2);
  ref = g_ptr_array_index (instances->reply->items, 1);
  g_assert_cmpint (ref->handle, ==, 18);
  g_assert_cmpstr (ref->type_name, ==, "__main__.Node");
  g_assert_cmpint (ref->edge, ==, HS_EDGE_NONE);

  g_assert_cmpint (object->reply->kind, ==, HS_REPLY_OBJECT);
  g_assert_cmpint (object->reply->object->handle, ==, 17);
  g_assert_cmpint (object->reply->basic, ==, 16);
  g_assert_cmpint (object->reply->deep, ==, 312);
  node = object->reply->breakdown;
  g_assert_cmpint (node->size, ==, 312);
  g_assert_cmpuint (node->children->len, ==, 2);
  node = g_ptr_array_index (node->children, 1);
  g_assert_cmpstr (node->name, ==, "children");
  g_assert_cmpstr (((HsSizeNode *) g_ptr_array_index (node->children, 0))->name, ==, "[0]");
  ref = g_ptr_array_index (object->reply->items, 1);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_REFERENT);

  g_assert_cmpint (referrers->reply->kind, ==, HS_REPLY_REFERRERS);
  g_assert_cmpint (referrers->reply->total, ==, 4);
  ref = g_ptr_array_index (referrers->reply->items, 2);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_CLOSURE);
  g_assert_cmpstr (ref->edge_name, ==, "x");
  ref = g_ptr_array_index (referrers->reply->items, 3);
  g_assert_cmpint (ref->root, ==, HS_ROOT_MODULE);

  g_assert_cmpint (path->reply->kind, ==, HS_REPLY_PATH);
  g_assert_true (path->reply->found);
  ref = g_ptr_array_index (path->reply->items, 1);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_LOCAL);
  g_assert_cmpint (ref->root, ==, HS_ROOT_FRAME);

  g_assert_cmpint (stale->type, ==, HS_MESSAGE_ERROR);
  g_assert_cmpstr (stale->error_code, ==, "stale");
}

/* An "object" answer as the inspector reads it: every part where it belongs,
 * kept after the message has gone. */
static void
test_object_details (void)
{
  HsMessage *object = decode_seed ("reply-object");
  g_autoptr(HsObjectDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  const HsObjectRef *ref;
  const HsSizeNode *node;

  details = hs_object_details_new (object->reply, &error);
  g_assert_no_error (error);
  hs_message_free (object);

  g_assert_cmpint (details->object->handle, ==, 17);
  g_assert_cmpstr (details->object->type_name, ==, "__main__.Node");
  g_assert_cmpint (details->object->address, ==, 140001088);
  g_assert_cmpint (details->object->flat, ==, 56);
  g_assert_cmpstr (details->object->text, ==, "__main__.Node at 0x11");
  g_assert_cmpint (details->basic, ==, 16);
  g_assert_cmpint (details->item, ==, 0);
  g_assert_cmpint (details->deep, ==, 312);
  node = details->breakdown;
  g_assert_cmpstr (node->name, ==, "node");
  g_assert_cmpint (node->size, ==, 312);
  g_assert_cmpint (node->flat, ==, 56);
  g_assert_cmpuint (node->children->len, ==, 2);
  node = g_ptr_array_index (node->children, 1);
  g_assert_cmpstr (node->name, ==, "children");
  g_assert_cmpint (node->size, ==, 200);
  g_assert_cmpuint (node->children->len, ==, 1);
  g_assert_cmpint (details->n_referents, ==, 2);
  g_assert_cmpuint (details->referents->len, ==, 2);
  ref = g_ptr_array_index (details->referents, 0);
  g_assert_cmpint (ref->handle, ==, 19);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_ATTRIBUTE);
  g_assert_cmpstr (ref->edge_name, ==, "name");
  ref = g_ptr_array_index (details->referents, 1);
  g_assert_cmpint (ref->handle, ==, 20);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_REFERENT);
}

/* An object summary and a referent, for answers written out below. */
#define SUMMARY "\"handle\": 4, \"type\": \"list\", \"address\": 64, \"flat\": 56, \"text\": \"1 items\""
#define REFERENT "{\"handle\": 5, \"type\": \"int\", \"address\": 96, \"flat\": 28, \"text\": \"1\"," \
                 " \"edge\": {\"kind\": \"index\", \"index\": 0}}"

/* Without the "sizes" capability: no deep size, no breakdown. */
static void
test_object_details_shallow (void)
{
  g_autoptr(GBytes) frame = json_frame ("{\"type\": \"object\", \"id\": 3, \"total\": 1, \"referents\": [" REFERENT "],"
                                        " \"object\": {" SUMMARY ", \"basic\": 40, \"item\": 8,"
                                        " \"deep\": null, \"sizes\": null}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);
  g_autoptr(HsObjectDetails) details = NULL;
  const HsObjectRef *ref;

  g_assert_no_error (error);
  details = hs_object_details_new (message->reply, &error);
  g_assert_no_error (error);
  g_assert_cmpint (details->object->handle, ==, 4);
  g_assert_cmpint (details->basic, ==, 40);
  g_assert_cmpint (details->item, ==, 8);
  g_assert_cmpint (details->deep, ==, -1);
  g_assert_null (details->breakdown);
  g_assert_cmpint (details->n_referents, ==, 1);
  g_assert_cmpuint (details->referents->len, ==, 1);
  ref = g_ptr_array_index (details->referents, 0);
  g_assert_cmpint (ref->handle, ==, 5);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_INDEX);
  g_assert_cmpint (ref->edge_index, ==, 0);
}

/* The edge kinds that name a dict's key, a set's member, and the type of a
 * referrer that exposes nothing, as the agent writes them. */
#define REFERRER(h, edge) "{\"handle\": " #h ", \"type\": \"dict\", \"address\": 64, \"flat\": 64," \
                          " \"text\": \"x\", \"root\": null, \"edge\": " edge "}"

static void
test_new_edge_kinds (void)
{
  g_autoptr(GBytes) frame = json_frame ("{\"type\": \"referrers\", \"id\": 3, \"handle\": 9, \"total\": 5,"
                                        " \"referrers\": ["
                                        REFERRER (4, "{\"kind\": \"dict-key\"}") ", "
                                        REFERRER (5, "{\"kind\": \"dict-key\", \"name\": \"cache\"}") ", "
                                        REFERRER (6, "{\"kind\": \"member\"}") ", "
                                        REFERRER (7, "{\"kind\": \"referent\", \"type\": \"numpy.ndarray\"}") ", "
                                        REFERRER (8, "{\"kind\": \"referent\"}") "]}");
  struct { HsEdgeKind kind; const char *name; const char *text; } expected[] = {
    { HS_EDGE_DICT_KEY, NULL, "dict key" },
    { HS_EDGE_DICT_KEY, "cache", "key in cache" },
    { HS_EDGE_MEMBER, NULL, "set member" },
    { HS_EDGE_REFERENT, "numpy.ndarray", "refers to it (numpy.ndarray)" },
    { HS_EDGE_REFERENT, NULL, "refers to it" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);

  g_assert_no_error (error);
  g_assert_cmpint (message->reply->kind, ==, HS_REPLY_REFERRERS);
  g_assert_cmpuint (message->reply->items->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      HsObjectRef *ref = g_ptr_array_index (message->reply->items, i);
      g_autofree char *text = hs_object_ref_describe_edge (ref);

      g_assert_cmpint (ref->edge, ==, expected[i].kind);
      g_assert_cmpstr (ref->edge_name, ==, expected[i].name);
      g_assert_cmpstr (text, ==, expected[i].text);
    }
}

/* A class, module or function in a referrers or path answer carries its
 * dotted name, which titles a class; any other object has none, and a name
 * that is no string is refused. */
static void
test_object_name (void)
{
  g_autoptr(GBytes) frame = json_frame ("{\"type\": \"path\", \"id\": 3, \"handle\": 9, \"found\": true,"
                                        " \"steps\": ["
                                        "{\"handle\": 4, \"type\": \"list\", \"address\": 64, \"flat\": 64,"
                                        " \"text\": \"list of 1 item\", \"root\": null,"
                                        " \"edge\": {\"kind\": \"index\", \"index\": 0}}, "
                                        "{\"handle\": 5, \"type\": \"type\", \"address\": 96, \"flat\": 1072,"
                                        " \"text\": \"class Registry\", \"root\": \"class\","
                                        " \"name\": \"__main__.Registry\","
                                        " \"edge\": {\"kind\": \"class-attribute\", \"name\": \"items\"}}]}");
  g_autoptr(GBytes) wrong = json_frame ("{\"type\": \"referrers\", \"id\": 3, \"handle\": 9, \"total\": 1,"
                                        " \"referrers\": [{\"handle\": 5, \"type\": \"type\", \"address\": 96,"
                                        " \"flat\": 1072, \"text\": \"class Registry\", \"root\": \"class\","
                                        " \"name\": 7, \"edge\": {\"kind\": \"class-attribute\", \"name\": \"items\"}}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);
  g_autoptr(HsMessage) refused = NULL;
  g_autoptr(HsObjectRef) copy = NULL;
  g_autofree char *title = NULL;
  g_autofree char *plain = NULL;
  HsObjectRef *list;
  HsObjectRef *registry;

  g_assert_no_error (error);
  g_assert_cmpint (message->reply->kind, ==, HS_REPLY_PATH);
  list = g_ptr_array_index (message->reply->items, 0);
  registry = g_ptr_array_index (message->reply->items, 1);
  g_assert_null (list->name);
  g_assert_cmpstr (registry->name, ==, "__main__.Registry");
  g_assert_cmpstr (registry->type_name, ==, "type");
  g_assert_cmpint (registry->root, ==, HS_ROOT_CLASS);
  copy = hs_object_ref_copy (registry);
  g_assert_cmpstr (copy->name, ==, "__main__.Registry");
  title = hs_object_ref_dup_title (copy);
  g_assert_cmpstr (title, ==, "class __main__.Registry");
  plain = hs_object_ref_dup_title (list);
  g_assert_cmpstr (plain, ==, "list");

  refused = decode_one (wrong, &error);
  g_assert_null (refused);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
}

/* A malformed "object" answer is refused as it is read (each differs from
 * the one above in one part); an answer to another question gives no details. */
static void
test_object_details_rejected (void)
{
  const char *malformed[] = {
    /* no object */
    "{\"type\": \"object\", \"id\": 3, \"total\": 1, \"referents\": [" REFERENT "]}",
    /* no basic size */
    "{\"type\": \"object\", \"id\": 3, \"total\": 1, \"referents\": [" REFERENT "],"
    " \"object\": {" SUMMARY ", \"item\": 8, \"deep\": null, \"sizes\": null}}",
    /* a negative deep size */
    "{\"type\": \"object\", \"id\": 3, \"total\": 1, \"referents\": [" REFERENT "],"
    " \"object\": {" SUMMARY ", \"basic\": 40, \"item\": 8, \"deep\": -5, \"sizes\": null}}",
    /* a breakdown node without a name */
    "{\"type\": \"object\", \"id\": 3, \"total\": 1, \"referents\": [" REFERENT "],"
    " \"object\": {" SUMMARY ", \"basic\": 40, \"item\": 8, \"deep\": null,"
    " \"sizes\": {\"size\": 56, \"flat\": 56, \"refs\": []}}}",
    /* fewer referents in all than listed */
    "{\"type\": \"object\", \"id\": 3, \"total\": 0, \"referents\": [" REFERENT "],"
    " \"object\": {" SUMMARY ", \"basic\": 40, \"item\": 8, \"deep\": null, \"sizes\": null}}",
    /* referents that are not a list */
    "{\"type\": \"object\", \"id\": 3, \"total\": 1, \"referents\": " REFERENT ","
    " \"object\": {" SUMMARY ", \"basic\": 40, \"item\": 8, \"deep\": null, \"sizes\": null}}",
  };
  g_autoptr(HsMessage) referrers = decode_seed ("reply-referrers");
  g_autoptr(HsObjectDetails) details = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) frame = json_frame (malformed[i]);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HsMessage) message = decode_one (frame, &case_error);

      if (message != NULL || !g_error_matches (case_error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID))
        g_error ("case %u (%s) was not rejected: %s", i, malformed[i],
                 case_error != NULL ? case_error->message : "accepted");
    }

  details = hs_object_details_new (referrers->reply, &error);
  g_assert_null (details);
  g_assert_error (error, HS_REPLY_ERROR, HS_REPLY_ERROR_FAILED);
}

/* A page of instances in retained or deep order: each one's size of the
 * order, -1 for null (outside the tree); none in flat order. A size that is
 * not one refuses the page. */
static void
test_instances_sizes (void)
{
  const char *pages[] = {
    "{\"type\": \"instances\", \"id\": 3, \"type_name\": \"list\", \"order\": \"retained\", \"list\": 5,"
    " \"total\": 2, \"offset\": 0, \"objects\": [{" SUMMARY ", \"retained\": 4096}, {" SUMMARY ", \"retained\": null}]}",
    "{\"type\": \"instances\", \"id\": 3, \"type_name\": \"list\", \"order\": \"deep\", \"list\": 5,"
    " \"total\": 2, \"offset\": 0, \"objects\": [{" SUMMARY ", \"deep\": 312}, {" SUMMARY ", \"deep\": 56}]}",
    "{\"type\": \"instances\", \"id\": 3, \"type_name\": \"list\", \"order\": \"flat\", \"list\": 5,"
    " \"total\": 2, \"offset\": 0, \"objects\": [{" SUMMARY "}, {" SUMMARY "}]}",
  };
  const gint64 expected[][2][2] = {     /* page, instance: deep, retained */
    { { -1, 4096 }, { -1, -1 } },
    { { 312, -1 }, { 56, -1 } },
    { { -1, -1 }, { -1, -1 } },
  };
  const char *malformed[] = {
    "{\"type\": \"instances\", \"id\": 3, \"type_name\": \"list\", \"order\": \"retained\", \"list\": 5,"
    " \"total\": 1, \"offset\": 0, \"objects\": [{" SUMMARY ", \"retained\": -5}]}",
    "{\"type\": \"instances\", \"id\": 3, \"type_name\": \"list\", \"order\": \"retained\", \"list\": 5,"
    " \"total\": 1, \"offset\": 0, \"objects\": [{" SUMMARY ", \"retained\": \"4096\"}]}",
    "{\"type\": \"instances\", \"id\": 3, \"type_name\": \"list\", \"order\": \"deep\", \"list\": 5,"
    " \"total\": 1, \"offset\": 0, \"objects\": [{" SUMMARY ", \"deep\": 1.5}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GBytes) frame = json_frame (pages[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsMessage) message = decode_one (frame, &error);

      g_assert_no_error (error);
      g_assert_cmpint (message->reply->kind, ==, HS_REPLY_INSTANCES);
      g_assert_cmpuint (message->reply->items->len, ==, 2);
      for (guint j = 0; j < 2; j++)
        {
          const HsObjectRef *ref = g_ptr_array_index (message->reply->items, j);

          g_assert_cmpint (ref->handle, ==, 4);
          g_assert_cmpint (ref->deep, ==, expected[i][j][0]);
          g_assert_cmpint (ref->retained, ==, expected[i][j][1]);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) frame = json_frame (malformed[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsMessage) message = decode_one (frame, &error);

      if (message != NULL || !g_error_matches (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID))
        g_error ("case %u (%s) was not rejected: %s", i, malformed[i], error != NULL ? error->message : "accepted");
    }
}

#undef REFERENT
#undef SUMMARY

/* A size breakdown deeper than the limit is refused, not followed. */
static void
test_deep_breakdown (void)
{
  g_autoptr(GString) json = g_string_new ("{\"type\": \"object\", \"id\": 1, \"total\": 0, \"referents\": [],"
                                          " \"object\": {\"handle\": 1, \"type\": \"list\", \"address\": 1,"
                                          " \"flat\": 56, \"text\": \"x\", \"basic\": 0, \"item\": 0, \"deep\": 0, \"sizes\": ");
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = NULL;

  for (guint i = 0; i <= HS_WIRE_MAX_DEPTH + 1; i++)
    g_string_append (json, "{\"name\": \"n\", \"size\": 0, \"flat\": 0, \"refs\": [");
  for (guint i = 0; i <= HS_WIRE_MAX_DEPTH + 1; i++)
    g_string_append (json, "]}");
  g_string_append (json, "}}");
  frame = json_frame (json->str);
  message = decode_one (frame, &error);
  g_assert_null (message);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "deeper"));
}

/* @request as the agent reads it: numbered, framed, as compact JSON. */
static char *
request_text (JsonNode *request)
{
  g_autoptr(JsonNode) owned = request;
  g_autoptr(GBytes) frame = hs_wire_encode_query (owned, 7);
  gsize length;
  const char *data = g_bytes_get_data (frame, &length);

  g_assert_cmpuint (length, >, 5);     /* length, kind, then the JSON */
  return g_strndup (data + 5, length - 5);
}

/* Every request the app sends about objects, field by field. */
static void
test_object_requests (void)
{
  const gint64 handles[] = { 3, 99 };
  struct { char *text; const char *expected; } cases[] = {
    { request_text (hs_wire_instances_request ("__main__.Foo", 0, 0, 100, HS_INSTANCE_ORDER_FLAT, FALSE)),
      "{\"type\":\"instances\",\"type_name\":\"__main__.Foo\",\"offset\":0,\"limit\":100,\"order\":\"flat\",\"id\":7}" },
    { request_text (hs_wire_instances_request ("dict", 12, 200, 100, HS_INSTANCE_ORDER_DEEP, TRUE)),
      "{\"type\":\"instances\",\"repr\":true,\"type_name\":\"dict\",\"list\":12,\"offset\":200,\"limit\":100,\"order\":\"deep\",\"id\":7}" },
    { request_text (hs_wire_instances_request ("__main__.Foo", 0, 0, 100, HS_INSTANCE_ORDER_RETAINED, FALSE)),
      "{\"type\":\"instances\",\"type_name\":\"__main__.Foo\",\"offset\":0,\"limit\":100,\"order\":\"retained\",\"id\":7}" },
    { request_text (hs_wire_object_request (5, 2, FALSE)),
      "{\"type\":\"object\",\"handle\":5,\"detail\":2,\"id\":7}" },
    { request_text (hs_wire_referrers_request (5, 1000, TRUE)),
      "{\"type\":\"referrers\",\"repr\":true,\"handle\":5,\"limit\":1000,\"id\":7}" },
    { request_text (hs_wire_path_request (5, FALSE)),
      "{\"type\":\"path\",\"handle\":5,\"id\":7}" },
    { request_text (hs_wire_cancel_request (41)),
      "{\"type\":\"cancel\",\"request\":41,\"id\":7}" },
    { request_text (hs_wire_release_request (handles, G_N_ELEMENTS (handles))),
      "{\"type\":\"release\",\"handles\":[3,99],\"id\":7}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (cases[i].text, ==, cases[i].expected);
      g_free (cases[i].text);
    }
}


/* The "graph" request, every member as the agent reads it; numbers out of
 * range are brought into it. */
static void
test_graph_request (void)
{
  const gint64 handles[] = { 17, 18 };
  const char *hidden[] = { "function", "type", NULL };
  g_autofree char *asked = request_text (hs_wire_graph_request (handles, 2, HS_GRAPH_REFERRERS, 3, 20, hidden,
                                                                20000, TRUE, FALSE));
  g_autofree char *clamped = request_text (hs_wire_graph_request (handles, 1, HS_GRAPH_BOTH, 99, 0, NULL,
                                                                  50000, FALSE, TRUE));
  g_autofree char *referents = request_text (hs_wire_graph_request (handles, 1, HS_GRAPH_REFERENTS, 0, 1000, NULL,
                                                                    1, FALSE, FALSE));

  g_assert_cmpstr (asked, ==,
                   "{\"type\":\"graph\",\"handles\":[17,18],\"direction\":\"referrers\",\"depth\":3,\"too_many\":20,"
                   "\"hide\":[\"function\",\"type\"],\"max_nodes\":20000,\"path\":true,\"id\":7}");
  g_assert_cmpstr (clamped, ==,
                   "{\"type\":\"graph\",\"repr\":true,\"handles\":[17],\"direction\":\"both\",\"depth\":20,\"too_many\":1,"
                   "\"hide\":[],\"max_nodes\":20000,\"path\":false,\"id\":7}");
  g_assert_cmpstr (referents, ==,
                   "{\"type\":\"graph\",\"handles\":[17],\"direction\":\"referents\",\"depth\":0,\"too_many\":1000,"
                   "\"hide\":[],\"max_nodes\":1,\"path\":false,\"id\":7}");
}

/* The "graph" answers of the fuzz seeds: asked, pushed by the script. */
static void
test_graph_replies (void)
{
  g_autoptr(HsMessage) asked = decode_seed ("reply-graph");
  g_autoptr(HsMessage) pushed = decode_seed ("reply-graph-pushed");
  g_autoptr(HsMessage) kinds = decode_seed ("reply-graph-kinds");
  const HsRefGraph *graph;
  const HsGraphNode *node;

  g_assert_cmpint (asked->type, ==, HS_MESSAGE_REPLY);
  g_assert_cmpint (asked->id, ==, 40);
  g_assert_cmpint (asked->reply->kind, ==, HS_REPLY_GRAPH);
  g_assert_null (asked->reply->filename);
  graph = asked->reply->graph;
  g_assert_null (graph->label);
  g_assert_false (graph->truncated);
  /* Five objects, "+25 more" referrers of the list, "+2 more" referents of the second order. */
  g_assert_cmpuint (graph->nodes->len, ==, 7);
  g_assert_cmpuint (graph->edges->len, ==, 8);
  node = hs_ref_graph_node (graph, 0);
  g_assert_cmpint (node->object->handle, ==, 17);
  g_assert_cmpuint (node->flags, ==, HS_GRAPH_NODE_ASKED | HS_GRAPH_NODE_ON_PATH | HS_GRAPH_NODE_IN_CYCLE);
  g_assert_cmpint (hs_ref_graph_node (graph, 3)->object->root, ==, HS_ROOT_MODULE);
  g_assert_cmpuint (hs_ref_graph_node (graph, 3)->flags, ==, HS_GRAPH_NODE_ON_PATH);
  node = hs_ref_graph_node (graph, 5);
  g_assert_cmpuint (node->flags, ==, HS_GRAPH_NODE_MORE);
  g_assert_cmpint (node->more, ==, 25);
  g_assert_cmpuint (node->more_of, ==, 1);
  node = hs_ref_graph_node (graph, 6);
  g_assert_cmpint (node->more, ==, 2);
  g_assert_cmpuint (node->more_of, ==, 4);
  g_assert_cmpuint (node->more_direction, ==, HS_GRAPH_REFERENTS);
  g_assert_cmpuint (hs_ref_graph_edge (graph, 1)->flags, ==, HS_GRAPH_EDGE_ON_PATH);
  g_assert_cmpuint (hs_ref_graph_edge (graph, 2)->flags, ==, HS_GRAPH_EDGE_ON_PATH);

  g_assert_cmpint (pushed->id, ==, 0);
  g_assert_cmpstr (pushed->reply->filename, ==, "orders.svg");
  graph = pushed->reply->graph;
  g_assert_cmpstr (graph->label, ==, "orders after load");
  g_assert_true (hs_ref_graph_node (graph, 1)->flags & HS_GRAPH_NODE_ASKED);
  g_assert_false (hs_ref_graph_node (graph, 2)->flags & HS_GRAPH_NODE_ASKED);
  g_assert_false (hs_ref_graph_node (graph, 2)->flags & HS_GRAPH_NODE_ON_PATH);

  /* Every kind of edge, and a list that holds itself. */
  graph = kinds->reply->graph;
  g_assert_true (graph->truncated);
  g_assert_cmpint (hs_ref_graph_edge (graph, 0)->from, ==, 0);
  g_assert_cmpint (hs_ref_graph_edge (graph, 0)->to, ==, 0);
  g_assert_true (hs_ref_graph_edge (graph, 0)->flags & HS_GRAPH_EDGE_IN_CYCLE);
  g_assert_cmpint (hs_ref_graph_edge (graph, 7)->kind, ==, HS_EDGE_CLASS_ATTRIBUTE);
  g_assert_cmpint (hs_ref_graph_edge (graph, 8)->kind, ==, HS_EDGE_REFERENT);
  g_assert_cmpint (hs_ref_graph_node (graph, 4)->object->root, ==, HS_ROOT_FRAME);
  g_assert_cmpuint (hs_ref_graph_node (graph, 0)->explored, ==, HS_GRAPH_BOTH);
}

#define GRAPH_NODE(h) "{\"handle\": " #h ", \"type\": \"list\", \"address\": 64, \"flat\": 56, \"text\": \"x\"," \
                      " \"deep\": null, \"root\": null, \"explored\": 0, \"more_referrers\": 0, \"more_referents\": 0}"
#define GRAPH_EDGE(a, b) "[" #a ", " #b ", {\"kind\": \"index\", \"index\": 0}]"

/* A malformed "graph" answer is refused, naming what is wrong (each case
 * differs from a good answer in one part). */
static void
test_graph_rejected (void)
{
  struct { const char *json; const char *member; } malformed[] = {
    { "{\"type\": \"graph\", \"id\": 1, \"edges\": []}", "“nodes”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) "]}", "“edges”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [" GRAPH_EDGE (1, 2) "]}", "“edges”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [" GRAPH_EDGE (1, 0) ", " GRAPH_EDGE (1, 0) "]}", "“edges”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [[1, 0]]}", "“edges”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [[1, -1, {\"kind\": \"index\", \"index\": 0}]]}", "“edges”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [[1, 0, {\"kind\": \"pointer\"}]]}", "“kind”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (1) "], \"edges\": []}", "“nodes”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (0) "], \"edges\": []}", "“handle”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [{\"handle\": 1, \"type\": 3, \"address\": 64, \"flat\": 56,"
      " \"text\": \"x\"}], \"edges\": []}", "“type”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [{\"handle\": 1, \"type\": \"list\", \"address\": 64, \"flat\": 56,"
      " \"text\": \"x\", \"explored\": 4}], \"edges\": []}", "“explored”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [{\"handle\": 1, \"type\": \"list\", \"address\": 64, \"flat\": 56,"
      " \"text\": \"x\", \"more_referrers\": -1}], \"edges\": []}", "“more_referrers”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [{\"handle\": 1, \"type\": \"list\", \"address\": 64, \"flat\": 56,"
      " \"text\": \"x\", \"deep\": \"big\"}], \"edges\": []}", "“deep”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [" GRAPH_EDGE (1, 0) "], \"path\": [0, 2]}", "“path”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [" GRAPH_EDGE (1, 0) "], \"path\": [1, 0]}", "“path”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [" GRAPH_EDGE (0, 1) "], \"path\": [0, 1]}", "“path”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) ", " GRAPH_NODE (2) "],"
      " \"edges\": [" GRAPH_EDGE (1, 0) "], \"path\": [0, 1, 0]}", "“path”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) "], \"edges\": [], \"path\": 3}", "“path”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) "], \"edges\": [], \"asked\": 2}", "“asked”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) "], \"edges\": [], \"label\": 5}", "“label”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) "], \"edges\": [], \"filename\": []}", "“filename”" },
    { "{\"type\": \"graph\", \"id\": 1, \"nodes\": [" GRAPH_NODE (1) "], \"edges\": [], \"truncated\": 1}", "“truncated”" },
  };
  g_autoptr(GString) many = g_string_new ("{\"type\": \"graph\", \"id\": 1, \"edges\": [], \"nodes\": [");
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) case_frame = json_frame (malformed[i].json);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HsMessage) case_message = decode_one (case_frame, &case_error);

      if (case_message != NULL || !g_error_matches (case_error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID) ||
          strstr (case_error->message, malformed[i].member) == NULL)
        g_error ("case %u (%s) was not rejected naming %s: %s", i, malformed[i].json, malformed[i].member,
                 case_error != NULL ? case_error->message : "accepted");
    }

  /* More nodes than the limit. */
  for (guint i = 0; i <= HS_GRAPH_MAX_NODES; i++)
    g_string_append_printf (many, "%s{\"handle\": %u, \"type\": \"t\", \"address\": 1, \"flat\": 1, \"text\": \"\"}",
                            i > 0 ? ", " : "", i + 1);
  g_string_append (many, "]}");
  frame = json_frame (many->str);
  message = decode_one (frame, &error);
  g_assert_null (message);
  g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“nodes”"));

  /* The seeds that are wrong are refused too. */
  g_clear_error (&error);
  g_clear_pointer (&frame, g_bytes_unref);
  {
    const char *bad_seeds[] = { "reply-graph-bad-path", "reply-graph-duplicate-edge" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_seeds); i++)
      {
        g_autofree char *path = g_build_filename (g_getenv ("HS_TEST_FUZZ_CORPUS"), bad_seeds[i], NULL);
        g_autofree char *contents = NULL;
        g_autoptr(GBytes) seed = NULL;
        g_autoptr(GError) seed_error = NULL;
        g_autoptr(HsMessage) seed_message = NULL;
        gsize length;

        g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
        seed = g_bytes_new (contents, length);
        seed_message = decode_one (seed, &seed_error);
        g_assert_null (seed_message);
        g_assert_error (seed_error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
      }
  }
}

#undef GRAPH_NODE
#undef GRAPH_EDGE

#define TREE_TOTALS "\"total_objects\": 1000, \"total_bytes\": 64000, \"unreachable_objects\": 3," \
                    " \"unreachable_bytes\": 192, \"computed_at\": 1765000000.5, \"elapsed\": 0.25"

/* What an object holds alone, with the tree's totals; the retained sizes of
 * objects asked by handle, null for one outside the tree. */
static void
test_retained_replies (void)
{
  g_autoptr(GBytes) frame = json_frame (
    "{\"type\": \"dominators\", \"id\": 7, \"handle\": null, \"retained\": 64000, \"retained_count\": 1000,"
    " \"total\": 3, \"offset\": 0, " TREE_TOTALS ", \"objects\": ["
    "{\"handle\": 5, \"type\": \"dict\", \"address\": 4096, \"flat\": 232, \"text\": \"dict of 3 items\","
    " \"retained\": 48000, \"retained_count\": 700},"
    "{\"handle\": 6, \"type\": \"list\", \"address\": 8192, \"flat\": 88, \"text\": \"list of 2 items\","
    " \"retained\": 9000, \"retained_count\": 120}]}");
  g_autoptr(GBytes) retained_frame = json_frame (
    "{\"type\": \"retained\", \"id\": 8, " TREE_TOTALS ", \"objects\": ["
    "{\"handle\": 5, \"retained\": 48000, \"retained_count\": 700},"
    "{\"handle\": 9, \"retained\": null, \"retained_count\": null}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);
  g_autoptr(HsMessage) retained = NULL;
  const HsObjectRef *first;
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (message->reply->kind, ==, HS_REPLY_DOMINATORS);
  g_assert_cmpint (message->reply->total, ==, 3);
  g_assert_cmpuint (message->reply->items->len, ==, 2);
  g_assert_cmpuint (message->reply->retained->len, ==, 2);
  first = g_ptr_array_index (message->reply->items, 0);
  g_assert_cmpint (first->handle, ==, 5);
  g_assert_cmpstr (first->type_name, ==, "dict");
  g_assert_cmpint (g_array_index (message->reply->retained, HsRetainedSize, 0).bytes, ==, 48000);
  g_assert_cmpint (g_array_index (message->reply->retained, HsRetainedSize, 1).objects, ==, 120);
  g_assert_cmpint (message->reply->whole.bytes, ==, 64000);
  g_assert_cmpint (message->reply->tree.total_objects, ==, 1000);
  g_assert_cmpint (message->reply->tree.unreachable_bytes, ==, 192);
  g_assert_cmpfloat (message->reply->tree.computed_at, ==, 1765000000.5);
  g_assert_cmpfloat (message->reply->tree.elapsed, ==, 0.25);

  retained = decode_one (retained_frame, &error);
  g_assert_no_error (error);
  g_assert_cmpint (retained->reply->kind, ==, HS_REPLY_RETAINED);
  g_assert_cmpuint (retained->reply->items->len, ==, 0);
  g_assert_cmpuint (retained->reply->retained->len, ==, 2);
  g_assert_cmpint (g_array_index (retained->reply->retained, HsRetainedSize, 0).bytes, ==, 48000);
  g_assert_cmpint (g_array_index (retained->reply->retained, HsRetainedSize, 1).bytes, ==, -1);
  g_assert_cmpint (g_array_index (retained->reply->retained, HsRetainedSize, 1).objects, ==, -1);

  /* The requests: the heap's roots as a null handle, a refresh only when asked. */
  request = hs_wire_dominators_request (0, 0, 100, TRUE, FALSE);
  text = json_to_string (request, FALSE);
  g_assert_nonnull (strstr (text, "\"type\":\"dominators\""));
  g_assert_nonnull (strstr (text, "\"handle\":null"));
  g_assert_nonnull (strstr (text, "\"refresh\":true"));
  g_clear_pointer (&request, json_node_unref);
  g_clear_pointer (&text, g_free);
  request = hs_wire_retained_request ((const gint64 []) { 5, 9 }, 2, FALSE);
  text = json_to_string (request, FALSE);
  g_assert_nonnull (strstr (text, "\"handles\":[5,9]"));
  g_assert_null (strstr (text, "refresh"));
}

static void
test_retained_rejected (void)
{
  struct { const char *json; const char *member; } malformed[] = {
    { "{\"type\": \"dominators\", \"id\": 1, \"total\": 0, \"offset\": 0, \"retained\": 1,"
      " \"retained_count\": 1, \"objects\": []}", "“total_objects”" },
    { "{\"type\": \"dominators\", \"id\": 1, \"total\": 0, \"offset\": 0, \"retained\": 1,"
      " \"retained_count\": null, " TREE_TOTALS ", \"objects\": []}", "“retained”" },
    { "{\"type\": \"dominators\", \"id\": 1, \"total\": 0, \"offset\": 0, \"retained\": -4,"
      " \"retained_count\": 1, " TREE_TOTALS ", \"objects\": []}", "“retained”" },
    { "{\"type\": \"dominators\", \"id\": 1, \"total\": 0, \"offset\": 0, \"retained\": 1,"
      " \"retained_count\": 1, " TREE_TOTALS ", \"objects\": [{\"handle\": 5, \"type\": \"dict\","
      " \"address\": 4096, \"flat\": 232, \"text\": \"d\", \"retained\": 1, \"retained_count\": 1}]}", "“total”" },
    { "{\"type\": \"retained\", \"id\": 1, " TREE_TOTALS ", \"objects\": [3]}", "“objects”" },
    { "{\"type\": \"retained\", \"id\": 1, " TREE_TOTALS ", \"objects\": [{\"retained\": \"big\","
      " \"retained_count\": 1}]}", "“retained”" },
    { "{\"type\": \"retained\", \"id\": 1, \"total_objects\": 1, \"total_bytes\": 1, \"unreachable_objects\": 0,"
      " \"unreachable_bytes\": 0, \"computed_at\": \"now\", \"elapsed\": 0, \"objects\": []}", "“computed_at”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) case_frame = json_frame (malformed[i].json);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HsMessage) case_message = decode_one (case_frame, &case_error);

      if (case_message != NULL || !g_error_matches (case_error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID) ||
          strstr (case_error->message, malformed[i].member) == NULL)
        g_error ("case %u (%s) was not rejected naming %s: %s", i, malformed[i].json, malformed[i].member,
                 case_error != NULL ? case_error->message : "accepted");
    }
}

/* Why a type's instances are alive, as the fuzz seed holds it: each group
 * with its count, what it holds alone (null: unknown) and one path; those
 * no root holds, by reason, with what holds them from C code. */
static void
test_why_replies (void)
{
  g_autoptr(HsMessage) message = decode_seed ("reply-why");
  const HsReply *reply = message->reply;
  const HsWhyGroup *group;
  const HsWhyUnreached *unreached;
  const HsObjectRef *ref;

  g_assert_cmpint (message->type, ==, HS_MESSAGE_REPLY);
  g_assert_cmpint (reply->kind, ==, HS_REPLY_WHY);
  g_assert_cmpstr (reply->type_name, ==, "__main__.Request");
  g_assert_cmpstr (reply->label, ==, "loaded");
  g_assert_cmpint (reply->total, ==, 606);
  g_assert_cmpint (reply->sampled, ==, 606);
  g_assert_cmpfloat_with_epsilon (reply->elapsed, 0.0134, 1e-9);
  g_assert_cmpuint (reply->items->len, ==, 0);

  g_assert_cmpuint (reply->groups->len, ==, 2);
  group = g_ptr_array_index (reply->groups, 0);
  g_assert_cmpint (group->count, ==, 406);
  g_assert_cmpint (group->retained.bytes, ==, 58870);
  g_assert_cmpint (group->retained.objects, ==, 812);
  g_assert_cmpint (group->example->handle, ==, 3);
  g_assert_cmpstr (group->example->type_name, ==, "__main__.Request");
  g_assert_cmpuint (group->steps->len, ==, 2);
  ref = g_ptr_array_index (group->steps, 0);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_KEY);
  g_assert_cmpstr (ref->edge_name, ==, "3");
  ref = g_ptr_array_index (group->steps, 1);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_GLOBAL);
  g_assert_cmpint (ref->root, ==, HS_ROOT_MODULE);
  group = g_ptr_array_index (reply->groups, 1);
  g_assert_cmpint (group->count, ==, 197);
  g_assert_cmpint (group->retained.bytes, ==, -1);
  g_assert_cmpint (group->retained.objects, ==, -1);
  g_assert_cmpuint (group->steps->len, ==, 3);
  ref = g_ptr_array_index (group->steps, 2);
  g_assert_cmpint (ref->root, ==, HS_ROOT_CLASS);
  g_assert_cmpstr (ref->name, ==, "__main__.Registry");

  g_assert_cmpuint (reply->unreached->len, ==, 2);
  unreached = g_ptr_array_index (reply->unreached, 0);
  g_assert_cmpint (unreached->reason, ==, HS_UNREACHED_GARBAGE);
  g_assert_cmpint (unreached->count, ==, 2);
  g_assert_cmpint (unreached->example->handle, ==, 8);
  g_assert_cmpuint (unreached->holders->len, ==, 0);
  unreached = g_ptr_array_index (reply->unreached, 1);
  g_assert_cmpint (unreached->reason, ==, HS_UNREACHED_HELD_FROM_C);
  g_assert_cmpuint (unreached->holders->len, ==, 1);
  ref = g_ptr_array_index (unreached->holders, 0);
  g_assert_cmpint (ref->handle, ==, 10);
  g_assert_cmpstr (ref->type_name, ==, "function (on_exit)");
  g_assert_cmpstr (ref->known, ==, "signal handler for SIGUSR1");
  {
    g_autoptr(HsObjectRef) copy = hs_object_ref_copy (ref);

    g_assert_cmpstr (copy->known, ==, "signal handler for SIGUSR1");
  }

  /* A type with no instance: nothing followed, nothing to group. */
  {
    g_autoptr(GBytes) frame = json_frame ("{\"type\": \"why\", \"id\": 4, \"label\": null, \"type_name\": \"x.Y\","
                                          " \"total\": 0, \"sampled\": 0, \"elapsed\": 0.0, \"groups\": [],"
                                          " \"unreached\": []}");
    g_autoptr(GError) error = NULL;
    g_autoptr(HsMessage) none = decode_one (frame, &error);

    g_assert_no_error (error);
    g_assert_cmpint (none->reply->kind, ==, HS_REPLY_WHY);
    g_assert_null (none->reply->label);
    g_assert_cmpint (none->reply->total, ==, 0);
    g_assert_cmpuint (none->reply->groups->len, ==, 0);
  }
}

/* A path that reaches no root says why, and what holds it from C code; an
 * agent without its C part says null, an older one nothing. */
static void
test_path_unreached (void)
{
  g_autoptr(HsMessage) held = decode_seed ("reply-path-unreached");
  struct { const char *json; HsUnreachedReason reason; } cases[] = {
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": false, \"steps\": [], \"reason\": \"garbage\","
      " \"holders\": []}", HS_UNREACHED_GARBAGE },
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": false, \"steps\": [], \"reason\": \"agent\","
      " \"holders\": []}", HS_UNREACHED_AGENT },
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": false, \"steps\": [], \"reason\": null,"
      " \"holders\": []}", HS_UNREACHED_UNKNOWN },
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": false, \"steps\": []}", HS_UNREACHED_UNKNOWN },
  };
  const HsObjectRef *ref;

  g_assert_cmpint (held->reply->kind, ==, HS_REPLY_PATH);
  g_assert_false (held->reply->found);
  g_assert_cmpuint (held->reply->items->len, ==, 0);
  g_assert_cmpint (held->reply->reason, ==, HS_UNREACHED_HELD_FROM_C);
  g_assert_cmpuint (held->reply->holders->len, ==, 2);
  ref = g_ptr_array_index (held->reply->holders, 0);
  g_assert_cmpstr (ref->known, ==, "signal handler for SIGUSR1");
  g_assert_cmpstr (ref->name, ==, "__main__.on_exit");
  ref = g_ptr_array_index (held->reply->holders, 1);
  g_assert_null (ref->known);
  g_assert_cmpstr (ref->type_name, ==, "list");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) frame = json_frame (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HsMessage) message = decode_one (frame, &error);

      g_assert_no_error (error);
      g_assert_cmpint (message->reply->reason, ==, cases[i].reason);
      g_assert_cmpuint (message->reply->holders->len, ==, 0);
    }
}

#define WHY_EXAMPLE \
  "\"example\": {\"handle\": 3, \"type\": \"x.Y\", \"address\": 64, \"flat\": 48, \"text\": \"x.Y at 0x40\"}"
#define WHY_GROUP(count) \
  "{\"count\": " count ", \"retained\": 96, \"retained_count\": 2, " WHY_EXAMPLE ", \"steps\": []}"
#define WHY_HEAD \
  "{\"type\": \"why\", \"id\": 1, \"label\": null, \"type_name\": \"x.Y\", \"elapsed\": 0.5, "

/* A malformed "why" answer, or "path" reason, is refused naming its member. */
static void
test_why_rejected (void)
{
  struct { const char *json; const char *member; } malformed[] = {
    { "{\"type\": \"why\", \"id\": 1, \"total\": 1, \"sampled\": 1, \"groups\": [], \"unreached\": []}",
      "“type_name”" },
    { WHY_HEAD "\"total\": 1, \"sampled\": 2, \"groups\": [], \"unreached\": []}", "“sampled”" },
    { WHY_HEAD "\"total\": -1, \"sampled\": 0, \"groups\": [], \"unreached\": []}", "“total”" },
    { WHY_HEAD "\"total\": 1, \"sampled\": 1, \"groups\": {}, \"unreached\": []}", "“groups”" },
    { WHY_HEAD "\"total\": 1, \"sampled\": 1, \"groups\": [], \"unreached\": null}", "“unreached”" },
    { WHY_HEAD "\"total\": 1, \"sampled\": 1, \"groups\": [7], \"unreached\": []}", "“groups”" },
    { WHY_HEAD "\"total\": 1, \"sampled\": 1, \"groups\": [" WHY_GROUP ("0") "], \"unreached\": []}", "“count”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [" WHY_GROUP ("2") ", " WHY_GROUP ("2") "],"
      " \"unreached\": []}", "“count”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [{\"count\": 1, \"retained\": 96, \"retained_count\": null, "
      WHY_EXAMPLE ", \"steps\": []}], \"unreached\": []}", "“retained”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [{\"count\": 1, \"retained\": null,"
      " \"retained_count\": null, \"steps\": []}], \"unreached\": []}", "“example”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [{\"count\": 1, \"retained\": null,"
      " \"retained_count\": null, " WHY_EXAMPLE ", \"steps\": [{\"handle\": 4, \"type\": \"list\", \"address\": 8,"
      " \"flat\": 56, \"text\": \"l\", \"edge\": {\"kind\": \"telepathy\"}}]}], \"unreached\": []}", "“kind”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [], \"unreached\": [{\"reason\": \"lost\", \"count\": 1, "
      WHY_EXAMPLE ", \"holders\": []}]}", "“reason”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [], \"unreached\": [{\"reason\": \"garbage\", \"count\": 4, "
      WHY_EXAMPLE ", \"holders\": []}]}", "“count”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [], \"unreached\": [{\"reason\": \"held-from-c\","
      " \"count\": 1, " WHY_EXAMPLE ", \"holders\": {}}]}", "“holders”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [], \"unreached\": [{\"reason\": \"held-from-c\","
      " \"count\": 1, " WHY_EXAMPLE ", \"holders\": [{\"handle\": 5, \"type\": \"function\", \"address\": 8,"
      " \"flat\": 136, \"text\": \"f\", \"known\": 3}]}]}", "“known”" },
    { WHY_HEAD "\"total\": 3, \"sampled\": 3, \"groups\": [], \"unreached\": [{\"reason\": \"held-from-c\","
      " \"count\": 1, " WHY_EXAMPLE ", \"holders\": [{\"handle\": 0, \"type\": \"function\", \"address\": 8,"
      " \"flat\": 136, \"text\": \"f\"}]}]}", "“handle”" },
    { "{\"type\": \"why\", \"id\": 1, \"label\": 5, \"type_name\": \"x.Y\", \"total\": 0, \"sampled\": 0,"
      " \"groups\": [], \"unreached\": []}", "“label”" },
    { "{\"type\": \"why\", \"id\": 1, \"type_name\": \"x.Y\", \"elapsed\": \"slow\", \"total\": 0, \"sampled\": 0,"
      " \"groups\": [], \"unreached\": []}", "“elapsed”" },
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": false, \"steps\": [], \"reason\": \"lost\"}",
      "“reason”" },
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": true, \"steps\": [], \"reason\": \"garbage\"}",
      "“reason”" },
    { "{\"type\": \"path\", \"id\": 1, \"handle\": 3, \"found\": false, \"steps\": [], \"reason\": \"held-from-c\","
      " \"holders\": [3]}", "“holders”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) case_frame = json_frame (malformed[i].json);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HsMessage) case_message = decode_one (case_frame, &case_error);

      if (case_message != NULL || !g_error_matches (case_error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID) ||
          strstr (case_error->message, malformed[i].member) == NULL)
        g_error ("case %u (%s) was not rejected naming %s: %s", i, malformed[i].json, malformed[i].member,
                 case_error != NULL ? case_error->message : "accepted");
    }
}

/* The "why" request: now, at a snapshot (its label), at the script's end;
 * the sample brought into 1..5000. */
static void
test_why_request (void)
{
  g_autofree char *now = request_text (hs_wire_why_request ("__main__.Request", 1000, HS_WHY_AT_NOW, NULL, FALSE));
  g_autofree char *snapshot = request_text (hs_wire_why_request ("__main__.Request", 99999, HS_WHY_AT_SNAPSHOT,
                                                                 "loaded", TRUE));
  g_autofree char *final = request_text (hs_wire_why_request ("dict", 0, HS_WHY_AT_FINAL, "ignored", FALSE));

  g_assert_cmpstr (now, ==,
                   "{\"type\":\"why\",\"type_name\":\"__main__.Request\",\"sample\":1000,\"at\":\"now\",\"id\":7}");
  g_assert_cmpstr (snapshot, ==,
                   "{\"type\":\"why\",\"repr\":true,\"type_name\":\"__main__.Request\",\"sample\":5000,"
                   "\"at\":\"snapshot\",\"label\":\"loaded\",\"id\":7}");
  g_assert_cmpstr (final, ==, "{\"type\":\"why\",\"type_name\":\"dict\",\"sample\":1,\"at\":\"final\",\"id\":7}");
}

static HsReply *parse_reply_text (const char *json);

/* The survivors since a census the agent marked: asked, and said. */
static void
test_why_since (void)
{
  JsonNode *request = hs_wire_why_request ("a.B", 10, HS_WHY_AT_NOW, NULL, FALSE);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) census = hs_wire_encode_census_request (4, TRUE);
  g_autoptr(GBytes) plain = hs_wire_encode_census_request (5, FALSE);
  g_autoptr(HsReply) since = NULL;
  g_autoptr(HsReply) all = NULL;
  gsize length;
  const char *data;

  hs_wire_why_request_set_since (request, 12.5);
  text = request_text (request);
  g_assert_cmpstr (text, ==, "{\"type\":\"why\",\"type_name\":\"a.B\",\"sample\":10,\"at\":\"now\","
                             "\"since\":12.5,\"id\":7}");
  data = g_bytes_get_data (census, &length);
  g_assert_true (length - 5 == strlen ("{\"type\":\"census\",\"id\":4,\"mark\":true}") &&
                 memcmp (data + 5, "{\"type\":\"census\",\"id\":4,\"mark\":true}", length - 5) == 0);
  data = g_bytes_get_data (plain, &length);
  g_assert_true (length - 5 == strlen ("{\"type\":\"census\",\"id\":5}") &&
                 memcmp (data + 5, "{\"type\":\"census\",\"id\":5}", length - 5) == 0);

  since = parse_reply_text ("{\"type\":\"why\",\"id\":3,\"type_name\":\"a.B\",\"label\":null,\"total\":0,"
                            "\"sampled\":0,\"since\":12.5,\"older\":300,\"groups\":[],\"unreached\":[]}");
  g_assert_cmpfloat (since->since, ==, 12.5);
  g_assert_cmpint (since->older, ==, 300);
  all = parse_reply_text ("{\"type\":\"why\",\"id\":3,\"type_name\":\"a.B\",\"label\":null,\"total\":0,"
                          "\"sampled\":0,\"since\":null,\"older\":0,\"groups\":[],\"unreached\":[]}");
  g_assert_true (isnan (all->since));
}

static HsReply *
parse_reply_text (const char *json)
{
  g_autoptr(GBytes) frame = json_frame (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsMessage) message = decode_one (frame, &error);

  g_assert_no_error (error);
  return hs_reply_ref (message->reply);
}

/* The why report of the seed: each group's share, what it holds, its path
 * by shape (keys and indexes "…"), the roots marked; then the instances no
 * root holds and why. */
static void
test_why_format (void)
{
  g_autoptr(HsMessage) message = decode_seed ("reply-why");
  g_autofree char *text = hs_why_format (message->reply);

  g_assert_cmpstr (text, ==,
                   "Why 606 __main__.Request objects are alive at the snapshot “loaded” (all 606 followed):\n"
                   "  406 (67 %), retaining 57.49 KB, held through:\n"
                   "    __main__.Request <- dict [key …] <- module(__main__) [global _RESPONSE_CACHE] (root: module)\n"
                   "  197 (33 %), held through:\n"
                   "    __main__.Request <- list [index …] <- __main__.Session [attribute pending]"
                   " <- class __main__.Registry [class attribute session] (root: class)\n"
                   "  2 no root reached: garbage the collector has not freed yet\n"
                   "  1 no root reached: held from C code by function (on_exit) (signal handler for SIGUSR1)\n");
}

/* Some of the instances followed: counts and sizes scaled to them all, said
 * to be estimates; the parts as the Leaks page shows them. */
static void
test_why_format_sampled (void)
{
  g_autoptr(HsReply) reply = parse_reply_text (
    "{\"type\": \"why\", \"id\": 3, \"label\": null, \"type_name\": \"__main__.Node\", \"total\": 4000,"
    " \"sampled\": 1000, \"elapsed\": 0.4, \"groups\": [{\"count\": 998, \"retained\": 47904, \"retained_count\": 998,"
    " \"example\": {\"handle\": 3, \"type\": \"__main__.Node\", \"address\": 64, \"flat\": 48, \"text\": \"n\"},"
    " \"steps\": [{\"handle\": 4, \"type\": \"set\", \"address\": 96, \"flat\": 216, \"text\": \"set of 998 items\","
    " \"edge\": {\"kind\": \"member\"}, \"root\": null}, {\"handle\": 5, \"type\": \"frame\", \"address\": 128,"
    " \"flat\": 432, \"text\": \"frame of main at 0x80\", \"edge\": {\"kind\": \"local\", \"name\": \"seen\"},"
    " \"root\": \"frame\"}]}],"
    " \"unreached\": [{\"reason\": \"agent\", \"count\": 1, \"example\": {\"handle\": 6, \"type\": \"__main__.Node\","
    " \"address\": 160, \"flat\": 48, \"text\": \"n\"}}, {\"reason\": null, \"count\": 1, \"example\": {\"handle\": 7,"
    " \"type\": \"__main__.Node\", \"address\": 192, \"flat\": 48, \"text\": \"n\"}}]}");
  const HsWhyGroup *group = g_ptr_array_index (reply->groups, 0);
  g_autofree char *text = hs_why_format (reply);
  g_autofree char *shape = hs_why_group_dup_shape (group);
  g_autofree char *agent = hs_why_unreached_dup_text (g_ptr_array_index (reply->unreached, 0));
  g_autofree char *unknown = hs_why_unreached_dup_text (g_ptr_array_index (reply->unreached, 1));

  g_assert_cmpstr (text, ==,
                   "Why 4000 __main__.Node objects are alive (1000 of 4000 followed):\n"
                   "  about 3992 (100 %), retaining about 187.12 KB, held through:\n"
                   "    __main__.Node <- set [set member] <- frame (codename: main) [local variable seen] (root: frame)\n"
                   "  about 4 no root reached: held only by Heapscope: the program let them go\n"
                   "  about 4 no root reached\n");
  g_assert_cmpint (hs_why_estimate (reply, 998), ==, 3992);
  g_assert_cmpstr (shape, ==,
                   "__main__.Node <- set [set member] <- frame (codename: main) [local variable seen] (root: frame)");
  g_assert_cmpstr (agent, ==, "Held only by Heapscope: the program let it go");
  g_assert_cmpstr (unknown, ==, "No root was reached");
}

/* A type with no instance alive, at a snapshot and not. */
static void
test_why_format_none (void)
{
  g_autoptr(HsReply) at_snapshot = parse_reply_text (
    "{\"type\": \"why\", \"id\": 3, \"label\": \"loaded\", \"type_name\": \"x.Gone\", \"total\": 0, \"sampled\": 0,"
    " \"elapsed\": 0.0, \"groups\": [], \"unreached\": []}");
  g_autoptr(HsReply) now = parse_reply_text (
    "{\"type\": \"why\", \"id\": 3, \"label\": null, \"type_name\": \"x.Gone\", \"total\": 0, \"sampled\": 0,"
    " \"elapsed\": 0.0, \"groups\": [], \"unreached\": []}");
  g_autofree char *labelled = hs_why_format (at_snapshot);
  g_autofree char *plain = hs_why_format (now);

  g_assert_cmpstr (labelled, ==, "No x.Gone object is alive at the snapshot “loaded”.\n");
  g_assert_cmpstr (plain, ==, "No x.Gone object is alive.\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hs/wire/census-round-trip", test_census_round_trip);
  g_test_add_func ("/hs/wire/hello-round-trip", test_hello_round_trip);
  g_test_add_func ("/hs/wire/bye-round-trip", test_bye_round_trip);
  g_test_add_func ("/hs/wire/held-round-trip", test_held_round_trip);
  g_test_add_func ("/hs/wire/split-frames", test_split_frames);
  g_test_add_func ("/hs/wire/truncated", test_truncated);
  g_test_add_func ("/hs/wire/oversized", test_oversized);
  g_test_add_func ("/hs/wire/unknown-kind", test_unknown_kind);
  g_test_add_func ("/hs/wire/unknown-type", test_unknown_type);
  g_test_add_func ("/hs/wire/invalid-fields", test_invalid_fields);
  g_test_add_func ("/hs/wire/long-string", test_long_string_rejected);
  g_test_add_func ("/hs/wire/not-utf8", test_not_utf8);
  g_test_add_func ("/hs/wire/replies", test_replies);
  g_test_add_func ("/hs/wire/deep-breakdown", test_deep_breakdown);
  g_test_add_func ("/hs/wire/object-details", test_object_details);
  g_test_add_func ("/hs/wire/object-details-shallow", test_object_details_shallow);
  g_test_add_func ("/hs/wire/object-details-rejected", test_object_details_rejected);
  g_test_add_func ("/hs/wire/instances-sizes", test_instances_sizes);
  g_test_add_func ("/hs/wire/new-edge-kinds", test_new_edge_kinds);
  g_test_add_func ("/hs/wire/object-name", test_object_name);
  g_test_add_func ("/hs/census/pympler-table", test_pympler_table);
  g_test_add_func ("/hs/census/format-size", test_format_size);
  g_test_add_func ("/hs/census/diff", test_diff);
  g_test_add_func ("/hs/wire/object-requests", test_object_requests);
  g_test_add_func ("/hs/wire/graph-request", test_graph_request);
  g_test_add_func ("/hs/wire/graph-replies", test_graph_replies);
  g_test_add_func ("/hs/wire/graph-rejected", test_graph_rejected);
  g_test_add_func ("/hs/wire/retained-replies", test_retained_replies);
  g_test_add_func ("/hs/wire/retained-rejected", test_retained_rejected);
  g_test_add_func ("/hs/wire/why-replies", test_why_replies);
  g_test_add_func ("/hs/wire/path-unreached", test_path_unreached);
  g_test_add_func ("/hs/wire/why-rejected", test_why_rejected);
  g_test_add_func ("/hs/wire/why-request", test_why_request);
  g_test_add_func ("/hs/wire/why-since", test_why_since);
  g_test_add_func ("/hs/why/format", test_why_format);
  g_test_add_func ("/hs/why/format-sampled", test_why_format_sampled);
  g_test_add_func ("/hs/why/format-none", test_why_format_none);

  return g_test_run ();
}
