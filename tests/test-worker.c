/* test-worker.c — the worker and session against a fake agent over a socketpair
 *
 * No Python here: the test plays the agent with the same codec the app uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hs-session.h"
#include "test-query.h"
#include "test-support.h"

typedef struct
{
  HsSession *session;
  int        agent_fd;
  GPtrArray *notices;
} Fixture;

static void
on_notice (HsSession  *session,
           const char *text,
           GPtrArray  *notices)
{
  g_ptr_array_add (notices, g_strdup (text));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  fixture->agent_fd = fds[1];
  fixture->notices = g_ptr_array_new_with_free_func (g_free);
  fixture->session = hs_session_new ();
  g_signal_connect (fixture->session, "notice", G_CALLBACK (on_notice), fixture->notices);
  hs_session_attach_socket (fixture->session, fds[0], 0.05);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->agent_fd != -1)
    close (fixture->agent_fd);
  g_signal_handlers_disconnect_by_data (fixture->session, fixture->notices);
  g_assert_finalize_object (fixture->session);
  g_ptr_array_unref (fixture->notices);
}

static void
send_bytes (Fixture    *fixture,
            const void *data,
            gsize       length)
{
  g_assert_cmpint (write (fixture->agent_fd, data, length), ==, (gssize) length);
}

static void
send_message (Fixture   *fixture,
              HsMessage *message)
{
  g_autoptr(GBytes) frame = hs_wire_encode_message (message);

  send_bytes (fixture, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

static void
send_hello (Fixture *fixture)
{
  HsHello hello = { HS_PROTOCOL_VERSION, 4242, (char *) "3.11.2", (char *) "CPython", (char *) "/usr/bin/python3", TRUE };
  HsMessage message = { HS_MESSAGE_HELLO, 0, &hello, NULL, NULL };

  send_message (fixture, &message);
}

/* Reads the next frame from the app: its JSON object. */
static JsonObject *
read_frame_object (Fixture *fixture)
{
  static HsFrameDecoder *decoder;

  if (decoder == NULL)
    decoder = hs_frame_decoder_new ();
  for (;;)
    {
      guint8 buffer[256];
      g_autoptr(GBytes) payload = NULL;
      g_autoptr(GError) error = NULL;
      gssize n;
      guint8 kind;

      if (hs_frame_decoder_next (decoder, &kind, &payload, &error))
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
          g_autoptr(JsonNode) node = json_from_string (text, &error);

          g_assert_no_error (error);
          return json_object_ref (json_node_get_object (node));
        }
      g_assert_no_error (error);
      n = read (fixture->agent_fd, buffer, 1);   /* a byte at a time: frames are never read past */
      g_assert_cmpint (n, >, 0);
      hs_frame_decoder_push (decoder, buffer, n);
    }
}

/* Reads one census request from the app and returns its id. */
static gint64
read_request (Fixture *fixture)
{
  g_autoptr(JsonObject) request = read_frame_object (fixture);

  g_assert_cmpstr (json_object_get_string_member (request, "type"), ==, "census");
  return json_object_get_int_member (request, "id");
}

static void
send_json (Fixture    *fixture,
           const char *text)
{
  g_autoptr(GBytes) frame = hs_frame_encode (HS_FRAME_KIND_JSON, text, strlen (text));

  send_bytes (fixture, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

static void
send_census (Fixture    *fixture,
             gint64      id,
             const char *label,
             gint64      markers)
{
  g_autoptr(HsCensus) census = hs_census_new (2);
  HsMessage message = { HS_MESSAGE_CENSUS, id, NULL, census, NULL };

  census->rows[0] = (HsCensusRow) { g_strdup ("__main__.Marker"), markers, markers * 48 };
  census->rows[1] = (HsCensusRow) { g_strdup ("str"), 100, 5000 };
  census->objects = markers + 100;
  census->bytes = markers * 48 + 5000;
  census->time = id;
  census->rss = 10 << 20;
  census->label = g_strdup (label);
  send_message (fixture, &message);
}

static gboolean
wait_until (gboolean (*condition) (Fixture *), Fixture *fixture)
{
  return test_wait_for ((TestCondition) condition, fixture, 60);
}

static gboolean
has_two_samples (Fixture *fixture)
{
  return g_list_model_get_n_items (hs_session_get_samples (fixture->session)) >= 2;
}

static gboolean
is_over (Fixture *fixture)
{
  return hs_session_is_over (fixture->session);
}

static gboolean
has_protocol_error (Fixture *fixture)
{
  return hs_session_get_protocol_error (fixture->session) != NULL;
}

static gboolean
has_snapshot (Fixture *fixture)
{
  return g_list_model_get_n_items (hs_session_get_snapshots (fixture->session)) >= 1;
}

/* hello → census request → reply → the next request after the interval. */
static void
test_sampling (Fixture       *fixture,
               gconstpointer  data)
{
  HsCensusModel *model = hs_session_get_census_model (fixture->session);
  HsTypeStat *marker;
  gint64 id;

  send_hello (fixture);
  id = read_request (fixture);
  g_assert_cmpint (id, ==, 1);
  send_census (fixture, id, NULL, 100);
  id = read_request (fixture);
  g_assert_cmpint (id, ==, 2);
  send_census (fixture, id, NULL, 150);

  g_assert_true (wait_until (has_two_samples, fixture));
  g_assert_cmpint (hs_session_get_pid (fixture->session), ==, 4242);
  g_assert_cmpstr (hs_session_get_python_version (fixture->session), ==, "3.11.2");
  marker = hs_census_model_lookup (model, "__main__.Marker");
  g_assert_nonnull (marker);
  g_assert_cmpint (hs_type_stat_get_count (marker), ==, 150);
  g_assert_cmpint (hs_type_stat_get_delta_count (marker), ==, 50);  /* vs the previous sample */

  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  g_assert_true (wait_until (is_over, fixture));
  g_assert_cmpuint (fixture->notices->len, ==, 0);
}

/* A pushed census with a label (heapscope.snapshot in the script) is a snapshot. */
static void
test_pushed_snapshot (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(HsSample) snapshot = NULL;

  send_hello (fixture);
  send_census (fixture, 0, "after load", 7);
  g_assert_true (wait_until (has_snapshot, fixture));
  snapshot = g_list_model_get_item (hs_session_get_snapshots (fixture->session), 0);
  g_assert_cmpstr (hs_sample_get_label (snapshot), ==, "after load");
}

static void
assert_protocol_error (Fixture    *fixture,
                       const char *fragment)
{
  g_assert_true (wait_until (has_protocol_error, fixture));
  g_assert_nonnull (strstr (hs_session_get_protocol_error (fixture->session), fragment));
  g_assert_cmpuint (fixture->notices->len, >=, 1);
}

static void
test_garbage (Fixture       *fixture,
              gconstpointer  data)
{
  send_hello (fixture);
  read_request (fixture);
  send_census (fixture, 1, NULL, 1);
  send_bytes (fixture, "\x00\x00\x00\x05Jnope", 9);
  assert_protocol_error (fixture, "not JSON");
  /* What was recorded before the garbage stays. */
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (fixture->session)), ==, 1);
}

static void
test_oversized_frame (Fixture       *fixture,
                      gconstpointer  data)
{
  send_bytes (fixture, "\x7f\xff\xff\xffJ", 5);
  assert_protocol_error (fixture, "larger than the limit");
}

static void
test_no_hello (Fixture       *fixture,
               gconstpointer  data)
{
  send_census (fixture, 0, NULL, 1);
  assert_protocol_error (fixture, "hello");
}

static void
test_unasked_reply (Fixture       *fixture,
                    gconstpointer  data)
{
  send_hello (fixture);
  send_census (fixture, 99, NULL, 1);
  assert_protocol_error (fixture, "never asked");
}

static void
test_truncated_stream (Fixture       *fixture,
                       gconstpointer  data)
{
  send_bytes (fixture, "\x00\x00\x01\x00J{", 6);
  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  assert_protocol_error (fixture, "ended inside a frame");
}

static void
test_agent_error_is_a_notice (Fixture       *fixture,
                              gconstpointer  data)
{
  HsMessage message = { .type = HS_MESSAGE_ERROR, .id = 1, .error_message = (char *) "census failed: MemoryError" };
  gint64 id;

  send_hello (fixture);
  id = read_request (fixture);
  message.id = id;
  send_message (fixture, &message);
  /* The session goes on: the next request still comes. */
  g_assert_cmpint (read_request (fixture), ==, id + 1);
  g_assert_null (hs_session_get_protocol_error (fixture->session));
  while (fixture->notices->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->notices, 0), "MemoryError"));
}

static void
send_wide_snapshot (Fixture *fixture,
                    guint    index)
{
  g_autoptr(HsCensus) census = hs_census_new (200);
  HsMessage message = { HS_MESSAGE_CENSUS, 0, NULL, census, NULL };

  for (guint row = 0; row < 200; row++)
    census->rows[row] = (HsCensusRow) { g_strdup_printf ("module_%u.SomeRatherLongClassName_%u", index, row),
                                        row + 1, 64 * (row + 1) };
  census->objects = 200 * 201 / 2;
  census->bytes = 64 * census->objects;
  census->time = index;
  census->label = g_strdup_printf ("snapshot %u", index);
  send_message (fixture, &message);
}

static gboolean
has_record_error (Fixture *fixture)
{
  return hs_session_get_record_error (fixture->session) != NULL;
}

static guint
n_samples (Fixture *fixture)
{
  return g_list_model_get_n_items (hs_session_get_samples (fixture->session));
}

/* The disk fills up mid-run: the session says so and keeps sampling in memory;
 * the file keeps what was written before. */
static void
test_disk_full (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hs-worker-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "full.heapscope", NULL);
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture_storage = { 0 };
  Fixture *fixture = &fixture_storage;
  struct rlimit saved, limit;
  guint sent = 0;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  fixture->agent_fd = fds[1];
  fixture->notices = g_ptr_array_new_with_free_func (g_free);
  fixture->session = hs_session_new ();
  g_signal_connect (fixture->session, "notice", G_CALLBACK (on_notice), fixture->notices);
  hs_session_record_to (fixture->session, path);
  hs_session_attach_socket (fixture->session, fds[0], 3600);

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = 160 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  send_hello (fixture);
  while (!has_record_error (fixture) && sent < 400)
    {
      send_wide_snapshot (fixture, sent++);
      while (n_samples (fixture) < sent)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (has_record_error (fixture));
  g_assert_cmpuint (fixture->notices->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->notices, 0), "Recording to disk stopped"));

  /* Sampling goes on in memory. */
  send_wide_snapshot (fixture, sent++);
  g_assert_true (wait_until (has_snapshot, fixture));
  while (n_samples (fixture) < sent)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);

  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  g_assert_true (wait_until (is_over, fixture));

  reopened = hs_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (reopened)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (hs_session_get_samples (reopened)), <, sent - 1);

  fixture_tear_down (fixture, NULL);
  g_remove (path);
  g_rmdir (tmpdir);
}

/* A recorded run lets the rows of samples nobody shows go, and reads them
 * back from its file when they are asked for. */
static void
test_recorded_rows_let_go (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hs-worker-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "rows.heapscope", NULL);
  g_autoptr(HsSample) first = NULL;
  g_autoptr(HsSample) middle = NULL;
  g_autoptr(HsSample) snapshot = NULL;
  g_autoptr(HsSample) last = NULL;
  Fixture fixture_storage = { 0 };
  Fixture *fixture = &fixture_storage;
  HsTypeStat *marker;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  fixture->agent_fd = fds[1];
  fixture->notices = g_ptr_array_new_with_free_func (g_free);
  fixture->session = hs_session_new ();
  hs_session_record_to (fixture->session, path);
  hs_session_attach_socket (fixture->session, fds[0], 3600);

  send_hello (fixture);
  send_census (fixture, read_request (fixture), NULL, 100);
  for (guint i = 1; i < 8; i++)
    {
      send_census (fixture, 0, i == 4 ? "kept" : NULL, 100 + 10 * i);
      while (n_samples (fixture) < i + 1)
        g_main_context_iteration (NULL, TRUE);
    }

  first = g_list_model_get_item (hs_session_get_samples (fixture->session), 0);
  middle = g_list_model_get_item (hs_session_get_samples (fixture->session), 3);
  snapshot = g_list_model_get_item (hs_session_get_samples (fixture->session), 4);
  last = g_list_model_get_item (hs_session_get_samples (fixture->session), 7);
  g_assert_true (hs_sample_has_rows (first));
  g_assert_false (hs_sample_has_rows (middle));
  g_assert_cmpint (hs_sample_get_census (middle)->objects, ==, 130 + 100);   /* the figures stay */
  g_assert_true (hs_sample_has_rows (snapshot));
  g_assert_true (hs_sample_has_rows (last));

  /* Shown again, its rows come back from the file, diffed with the one before. */
  hs_session_set_shown_sample (fixture->session, middle);
  while (hs_session_get_loading (fixture->session))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hs_sample_has_rows (middle));
  marker = hs_census_model_lookup (hs_session_get_census_model (fixture->session), "__main__.Marker");
  g_assert_nonnull (marker);
  g_assert_cmpint (hs_type_stat_get_count (marker), ==, 130);
  g_assert_cmpint (hs_type_stat_get_delta_count (marker), ==, 10);
  g_assert_cmpuint (fixture->notices->len, ==, 0);

  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  g_assert_true (wait_until (is_over, fixture));
  fixture_tear_down (fixture, NULL);
  g_remove (path);
  g_rmdir (tmpdir);
}

/* Questions about objects */

/* Starts the session and leaves its first census unanswered, so no other
 * census request comes between the queries. */
static void
start_quiet (Fixture *fixture)
{
  send_hello (fixture);
  read_request (fixture);
}

/* Asks for the referrers of handle 7 and returns the id the agent sees. */
static gint64
ask_referrers (Fixture      *fixture,
               GCancellable *cancellable,
               QueryResult  *outcome)
{
  g_autoptr(JsonNode) request = hs_session_referrers_request (fixture->session, 7, 100);
  g_autoptr(JsonObject) seen = NULL;

  query_start (fixture->session, request, cancellable, outcome);
  seen = read_frame_object (fixture);
  g_assert_cmpstr (json_object_get_string_member (seen, "type"), ==, "referrers");
  g_assert_cmpint (json_object_get_int_member (seen, "handle"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (seen, "limit"), ==, 100);
  g_assert_false (json_object_has_member (seen, "repr"));
  return json_object_get_int_member (seen, "id");
}

#define REFERRERS_REPLY \
  "{\"type\": \"referrers\", \"id\": %lld, \"handle\": 7, \"total\": 3, \"referrers\": [" \
  "{\"handle\": 8, \"type\": \"__main__.Holder\", \"address\": 4096, \"flat\": 56," \
  " \"text\": \"Holder at 0x1000\", \"edge\": {\"kind\": \"attribute\", \"name\": \"items\"}, \"root\": null}," \
  "{\"handle\": 9, \"type\": \"list\", \"address\": 8192, \"flat\": 88," \
  " \"text\": \"list of 3\", \"edge\": {\"kind\": \"index\", \"index\": 2}}," \
  "{\"handle\": 10, \"type\": \"module\", \"address\": 12288, \"flat\": 72," \
  " \"text\": \"module(__main__)\", \"edge\": {\"kind\": \"global\", \"name\": \"cache\"}, \"root\": \"module\"}]}"

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  QueryResult outcome = { 0 };
  g_autofree char *reply = NULL;
  g_autofree char *edge = NULL;
  HsObjectRef *ref;
  gint64 id;

  start_quiet (fixture);
  id = ask_referrers (fixture, NULL, &outcome);
  reply = g_strdup_printf (REFERRERS_REPLY, (long long) id);
  send_json (fixture, reply);
  query_wait (&outcome, 10);

  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.reply->kind, ==, HS_REPLY_REFERRERS);
  g_assert_cmpint (outcome.reply->total, ==, 3);
  g_assert_cmpuint (outcome.reply->items->len, ==, 3);
  ref = g_ptr_array_index (outcome.reply->items, 0);
  g_assert_cmpint (ref->handle, ==, 8);
  g_assert_cmpstr (ref->type_name, ==, "__main__.Holder");
  g_assert_cmpint (ref->edge, ==, HS_EDGE_ATTRIBUTE);
  edge = hs_object_ref_describe_edge (ref);
  g_assert_cmpstr (edge, ==, "attribute items");
  g_assert_cmpint (ref->root, ==, HS_ROOT_NONE);
  ref = g_ptr_array_index (outcome.reply->items, 1);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_INDEX);
  g_assert_cmpint (ref->edge_index, ==, 2);
  ref = g_ptr_array_index (outcome.reply->items, 2);
  g_assert_cmpint (ref->edge, ==, HS_EDGE_GLOBAL);
  g_assert_cmpint (ref->root, ==, HS_ROOT_MODULE);
  query_clear (&outcome);

  /* Once the process has ended, the same question gets the answer it had;
   * a new one says the process has ended. */
  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  g_assert_true (wait_until (is_over, fixture));
  {
    g_autoptr(JsonNode) same = hs_session_referrers_request (fixture->session, 7, 100);
    g_autoptr(JsonNode) other = hs_session_referrers_request (fixture->session, 8, 100);

    query_start (fixture->session, same, NULL, &outcome);
    query_wait (&outcome, 10);
    g_assert_no_error (outcome.error);
    g_assert_cmpint (outcome.reply->total, ==, 3);
    query_clear (&outcome);

    query_start (fixture->session, other, NULL, &outcome);
    query_wait (&outcome, 10);
    g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
    query_clear (&outcome);
  }
}

static void
test_query_stale (Fixture       *fixture,
                  gconstpointer  data)
{
  QueryResult outcome = { 0 };
  g_autofree char *reply = NULL;
  gint64 id;

  start_quiet (fixture);
  id = ask_referrers (fixture, NULL, &outcome);
  reply = g_strdup_printf ("{\"type\": \"error\", \"id\": %lld, \"code\": \"stale\","
                           " \"message\": \"no such handle\"}", (long long) id);
  send_json (fixture, reply);
  query_wait (&outcome, 10);
  g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_STALE);
  g_assert_cmpstr (outcome.error->message, ==, "This object no longer exists");
  /* An error about one object is not the session's error. */
  g_assert_null (hs_session_get_protocol_error (fixture->session));
  g_assert_cmpuint (fixture->notices->len, ==, 0);
  query_clear (&outcome);
}

/* Cancelling answers at once, tells the agent, and its late answer is dropped. */
static void
test_query_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonObject) cancel = NULL;
  QueryResult outcome = { 0 };
  g_autofree char *late = NULL;
  g_autofree char *reply = NULL;
  gint64 id;

  start_quiet (fixture);
  id = ask_referrers (fixture, cancellable, &outcome);
  g_cancellable_cancel (cancellable);
  query_wait (&outcome, 10);
  g_assert_error (outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  query_clear (&outcome);

  cancel = read_frame_object (fixture);
  g_assert_cmpstr (json_object_get_string_member (cancel, "type"), ==, "cancel");
  g_assert_cmpint (json_object_get_int_member (cancel, "request"), ==, id);

  late = g_strdup_printf ("{\"type\": \"error\", \"id\": %lld, \"code\": \"cancelled\","
                          " \"message\": \"cancelled\"}", (long long) id);
  send_json (fixture, late);
  /* The session goes on: the next question is answered. */
  id = ask_referrers (fixture, NULL, &outcome);
  reply = g_strdup_printf (REFERRERS_REPLY, (long long) id);
  send_json (fixture, reply);
  query_wait (&outcome, 10);
  g_assert_no_error (outcome.error);
  g_assert_null (hs_session_get_protocol_error (fixture->session));
  query_clear (&outcome);
}

/* A query outstanding when the agent goes away is answered, not left hanging. */
static void
test_query_agent_gone (Fixture       *fixture,
                       gconstpointer  data)
{
  QueryResult outcome = { 0 };

  start_quiet (fixture);
  ask_referrers (fixture, NULL, &outcome);
  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  query_wait (&outcome, 10);
  g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
  query_clear (&outcome);
}

/* An answer that breaks the protocol ends the session like any bad frame. */
static void
test_query_invalid (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const replies[] = {
    /* no handle */
    "{\"type\": \"referrers\", \"id\": %lld, \"total\": 1, \"referrers\": ["
    "{\"type\": \"list\", \"address\": 1, \"flat\": 56, \"text\": \"x\"}]}",
    /* an edge of no known kind */
    "{\"type\": \"referrers\", \"id\": %lld, \"total\": 1, \"referrers\": ["
    "{\"handle\": 3, \"type\": \"list\", \"address\": 1, \"flat\": 56, \"text\": \"x\","
    " \"edge\": {\"kind\": \"telepathy\"}}]}",
    /* more items than it says there are */
    "{\"type\": \"referrers\", \"id\": %lld, \"total\": 0, \"referrers\": ["
    "{\"handle\": 3, \"type\": \"list\", \"address\": 1, \"flat\": 56, \"text\": \"x\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf (replies[i], 1LL);
      g_autoptr(GBytes) payload = g_bytes_new (text, strlen (text));
      g_autoptr(HsMessage) message = hs_message_parse (HS_FRAME_KIND_JSON, payload, &error);

      g_assert_null (message);
      g_assert_error (error, HS_WIRE_ERROR, HS_WIRE_ERROR_INVALID);
    }

  {
    QueryResult outcome = { 0 };
    g_autofree char *reply = NULL;
    gint64 id;

    start_quiet (fixture);
    id = ask_referrers (fixture, NULL, &outcome);
    reply = g_strdup_printf (replies[0], (long long) id);
    send_json (fixture, reply);
    g_assert_true (wait_until (has_protocol_error, fixture));
    query_wait (&outcome, 10);
    g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
    query_clear (&outcome);
  }
}

#define WHY_REPLY \
  "{\"type\": \"why\", \"id\": %lld, \"label\": null, \"type_name\": \"__main__.Marker\", \"total\": 2," \
  " \"sampled\": 2, \"elapsed\": 0.01, \"groups\": [{\"count\": 2, \"retained\": 96, \"retained_count\": 2," \
  " \"example\": {\"handle\": 3, \"type\": \"__main__.Marker\", \"address\": 64, \"flat\": 48, \"text\": \"m\"}," \
  " \"steps\": [{\"handle\": 4, \"type\": \"module\", \"address\": 96, \"flat\": 72, \"text\": \"module(__main__)\"," \
  " \"edge\": {\"kind\": \"global\", \"name\": \"markers\"}, \"root\": \"module\"}]}], \"unreached\": []}"

/* A question for the script's end, asked as the session starts: it waits
 * for the agent's hello, goes right after it, and is answered. */
static void
test_query_before_hello (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) request = hs_session_why_request (fixture->session, "__main__.Marker", 1000,
                                                        HS_WHY_AT_FINAL, NULL);
  g_autoptr(JsonObject) seen = NULL;
  g_autofree char *reply = NULL;
  QueryResult outcome = { 0 };
  const HsWhyGroup *group;

  query_start (fixture->session, request, NULL, &outcome);
  /* Nothing answers it meanwhile. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (outcome.done);
  g_assert_false (hs_session_can_why (fixture->session));

  /* An agent that lists "why" among what it can do. */
  {
    HsHello hello = { HS_PROTOCOL_VERSION, 4242, (char *) "3.11.2", (char *) "CPython", (char *) "/usr/bin/python3",
                      TRUE, .can_why = TRUE };
    HsMessage message = { HS_MESSAGE_HELLO, 0, &hello, NULL, NULL };

    send_message (fixture, &message);
  }
  read_request (fixture);
  seen = read_frame_object (fixture);
  g_assert_cmpstr (json_object_get_string_member (seen, "type"), ==, "why");
  g_assert_cmpstr (json_object_get_string_member (seen, "type_name"), ==, "__main__.Marker");
  g_assert_cmpstr (json_object_get_string_member (seen, "at"), ==, "final");
  reply = g_strdup_printf (WHY_REPLY, (long long) json_object_get_int_member (seen, "id"));
  send_json (fixture, reply);
  query_wait (&outcome, 10);
  g_assert_no_error (outcome.error);
  g_assert_cmpint (outcome.reply->kind, ==, HS_REPLY_WHY);
  g_assert_cmpint (outcome.reply->total, ==, 2);
  group = g_ptr_array_index (outcome.reply->groups, 0);
  g_assert_cmpint (group->retained.bytes, ==, 96);
  g_assert_true (hs_session_can_why (fixture->session));
  query_clear (&outcome);
}

/* Asked before a hello that never comes: answered when the link ends. Given
 * up on before it: answered at once, and never sent. */
static void
test_query_before_hello_ends (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonNode) given_up = hs_session_why_request (fixture->session, "a.Given", 10, HS_WHY_AT_FINAL, NULL);
  g_autoptr(JsonNode) request = hs_session_why_request (fixture->session, "a.Kept", 10, HS_WHY_AT_SNAPSHOT, "x");
  QueryResult cancelled = { 0 };
  QueryResult outcome = { 0 };

  query_start (fixture->session, given_up, cancellable, &cancelled);
  query_start (fixture->session, request, NULL, &outcome);
  g_cancellable_cancel (cancellable);
  query_wait (&cancelled, 10);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  query_clear (&cancelled);
  g_assert_false (outcome.done);

  close (fixture->agent_fd);
  fixture->agent_fd = -1;
  query_wait (&outcome, 10);
  g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
  query_clear (&outcome);
}

/* Given up on before the hello, it is not sent after it: the next frame
 * after the first census request is the next question. The agent's
 * "not-reached" (a snapshot never taken) is an error of its own. */
static void
test_query_not_reached (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonNode) given_up = hs_session_why_request (fixture->session, "a.Given", 10, HS_WHY_AT_FINAL, NULL);
  g_autoptr(JsonNode) request = hs_session_why_request (fixture->session, "a.Kept", 10, HS_WHY_AT_SNAPSHOT, "x");
  g_autoptr(JsonObject) seen = NULL;
  g_autofree char *reply = NULL;
  QueryResult cancelled = { 0 };
  QueryResult outcome = { 0 };

  query_start (fixture->session, given_up, cancellable, &cancelled);
  g_cancellable_cancel (cancellable);
  query_wait (&cancelled, 10);
  query_clear (&cancelled);
  query_start (fixture->session, request, NULL, &outcome);
  send_hello (fixture);
  read_request (fixture);
  seen = read_frame_object (fixture);
  g_assert_cmpstr (json_object_get_string_member (seen, "type_name"), ==, "a.Kept");
  g_assert_cmpstr (json_object_get_string_member (seen, "label"), ==, "x");
  reply = g_strdup_printf ("{\"type\": \"error\", \"id\": %lld, \"code\": \"not-reached\","
                           " \"message\": \"the script ended without calling heapscope.snapshot('x')\"}",
                           (long long) json_object_get_int_member (seen, "id"));
  send_json (fixture, reply);
  query_wait (&outcome, 10);
  g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_NOT_REACHED);
  g_assert_null (hs_session_get_protocol_error (fixture->session));
  query_clear (&outcome);
}

/* Answers are recorded with the session; reopened, the same questions get
 * the same answers and new ones say the process has ended. */
static void
test_query_recorded (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hs-test-query-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "browsed.heapscope", NULL);
  g_autoptr(HsSession) reopened = NULL;
  g_autoptr(GError) error = NULL;
  QueryResult outcome = { 0 };
  Fixture fixture = { 0 };
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  fixture.agent_fd = fds[1];
  fixture.notices = g_ptr_array_new_with_free_func (g_free);
  fixture.session = hs_session_new ();
  hs_session_record_to (fixture.session, path);
  hs_session_attach_socket (fixture.session, fds[0], 0.05);

  {
    g_autofree char *reply = NULL;
    gint64 id;

    start_quiet (&fixture);
    id = ask_referrers (&fixture, NULL, &outcome);
    reply = g_strdup_printf (REFERRERS_REPLY, (long long) id);
    send_json (&fixture, reply);
    query_wait (&outcome, 10);
    g_assert_no_error (outcome.error);
    query_clear (&outcome);
  }
  close (fixture.agent_fd);
  fixture.agent_fd = -1;
  g_assert_true (wait_until (is_over, &fixture));
  fixture_tear_down (&fixture, NULL);

  reopened = hs_session_load (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) same = hs_session_referrers_request (reopened, 7, 100);
    g_autoptr(JsonNode) other = hs_session_referrers_request (reopened, 7, 50);
    HsObjectRef *ref;

    query_start (reopened, same, NULL, &outcome);
    query_wait (&outcome, 10);
    g_assert_no_error (outcome.error);
    g_assert_cmpint (outcome.reply->total, ==, 3);
    ref = g_ptr_array_index (outcome.reply->items, 2);
    g_assert_cmpstr (ref->text, ==, "module(__main__)");
    g_assert_cmpstr (ref->edge_name, ==, "cache");
    query_clear (&outcome);

    query_start (reopened, other, NULL, &outcome);
    query_wait (&outcome, 10);
    g_assert_error (outcome.error, HS_REPLY_ERROR, HS_REPLY_ERROR_ENDED);
    query_clear (&outcome);
  }
  g_clear_object (&reopened);
  g_remove (path);
  g_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hs/worker/sampling", test_sampling);
  g_test_add_func ("/hs/worker/disk-full", test_disk_full);
  g_test_add_func ("/hs/worker/recorded-rows-let-go", test_recorded_rows_let_go);
  ADD ("/hs/worker/pushed-snapshot", test_pushed_snapshot);
  ADD ("/hs/worker/garbage", test_garbage);
  ADD ("/hs/worker/oversized-frame", test_oversized_frame);
  ADD ("/hs/worker/no-hello", test_no_hello);
  ADD ("/hs/worker/unasked-reply", test_unasked_reply);
  ADD ("/hs/worker/truncated-stream", test_truncated_stream);
  ADD ("/hs/worker/agent-error", test_agent_error_is_a_notice);
  ADD ("/hs/worker/query", test_query);
  ADD ("/hs/worker/query-stale", test_query_stale);
  ADD ("/hs/worker/query-cancel", test_query_cancel);
  ADD ("/hs/worker/query-agent-gone", test_query_agent_gone);
  ADD ("/hs/worker/query-invalid", test_query_invalid);
  ADD ("/hs/worker/query-before-hello", test_query_before_hello);
  ADD ("/hs/worker/query-before-hello-ends", test_query_before_hello_ends);
  ADD ("/hs/worker/query-not-reached", test_query_not_reached);
  g_test_add_func ("/hs/worker/query-recorded", test_query_recorded);
#undef ADD

  return g_test_run ();
}
