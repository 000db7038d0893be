/* hs-instance-list.c — the instances of one type, paged in from the agent
 *
 * The first page is asked for at once; it says how many instances there are,
 * and the model then has that many rows. A row not yet fetched is a
 * placeholder HsObjectItem: asking for it asks for its page of
 * HS_INSTANCE_LIST_PAGE_SIZE, and the placeholders fill in place when the page
 * arrives, so a million instances cost only the pages looked at.
 *
 * The agent holds an object without weak references for as long as a handle
 * names it, so only the pages in use are kept: the model holds its items by
 * toggle references, and a page none of whose rows anyone else holds (a row
 * widget, the selection) for HS_INSTANCE_LIST_RELEASE_DELAY_MS releases its
 * handles and goes back to placeholders, asked for again when looked at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-instance-list.h"

struct _HsInstanceList
{
  GObject          parent_instance;

  HsSession       *session;
  char            *type_name;
  HsInstanceOrder  order;
  GCancellable    *cancellable;

  guint            n_items;
  gint64           list_handle;
  GHashTable      *pages;        /* page index → Page */
  GHashTable      *asked;        /* page indexes asked for and not answered */
  guint            release_source;
  guint            n_requests;
  gboolean         loading;
  GError          *error;
};

typedef struct
{
  HsInstanceList *list;       /* not a reference: the list owns the page */
  GPtrArray      *items;      /* HsObjectItem, each held by a toggle reference */
  GArray         *handles;    /* the handles of its rows, held while the page is */
  guint           n_used;     /* items someone else holds too */
  gboolean        filled;
} Page;

static void hs_instance_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HsInstanceList, hs_instance_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hs_instance_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_LOADING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

typedef struct
{
  GWeakRef list;
  guint    page;
} PageRequest;

static gboolean release_unused_pages (gpointer data);

/* One sweep lets go of every page unused by then: a sweep already due
 * covers this page too. */
static void
schedule_release (HsInstanceList *self)
{
  if (self->release_source != 0)
    return;
  self->release_source = g_timeout_add (HS_INSTANCE_LIST_RELEASE_DELAY_MS, release_unused_pages, self);
  g_source_set_name_by_id (self->release_source, "[hs] release unused instance pages");
}

/* The model holds each item by a toggle reference: told when someone else
 * takes one (a row shows it) and when the model's is the last again. */
static void
on_item_toggled (gpointer  data,
                 GObject  *item,
                 gboolean  is_last_ref)
{
  Page *page = data;

  if (!is_last_ref)
    {
      page->n_used++;
      return;
    }
  g_assert (page->n_used > 0);
  if (--page->n_used == 0 && page->filled)
    schedule_release (page->list);
}

static Page *
page_new (HsInstanceList *self,
          guint           index)
{
  Page *page = g_new0 (Page, 1);
  guint first = index * HS_INSTANCE_LIST_PAGE_SIZE;
  guint n = MIN (self->n_items - MIN (first, self->n_items), HS_INSTANCE_LIST_PAGE_SIZE);

  page->list = self;
  page->items = g_ptr_array_new ();
  page->handles = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < n; i++)
    {
      HsObjectItem *item = hs_object_item_new (NULL);

      /* Counted as used until the creation's own reference goes, just below. */
      page->n_used++;
      g_object_add_toggle_ref (G_OBJECT (item), on_item_toggled, page);
      g_ptr_array_add (page->items, item);
      g_object_unref (item);
    }
  return page;
}

static void
page_free (Page *page)
{
  HsInstanceList *self = page->list;

  if (self->session != NULL && page->handles->len > 0)
    hs_session_drop_handles (self->session, (const gint64 *) page->handles->data, page->handles->len);
  for (guint i = 0; i < page->items->len; i++)
    g_object_remove_toggle_ref (g_ptr_array_index (page->items, i), on_item_toggled, page);
  g_ptr_array_unref (page->items);
  g_array_unref (page->handles);
  g_free (page);
}

/* Pages no row has used since the delay: their handles go back to the agent. */
static gboolean
release_unused_pages (gpointer data)
{
  HsInstanceList *self = data;
  GHashTableIter iter;
  Page *page;

  self->release_source = 0;
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    if (page->filled && page->n_used == 0)
      g_hash_table_iter_remove (&iter);
  return G_SOURCE_REMOVE;
}

/* Handles of a reply no page takes: released, unless something else shows them. */
static void
let_go_of_reply (HsSession     *session,
                 const HsReply *reply)
{
  g_autoptr(GArray) handles = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; reply != NULL && reply->items != NULL && i < reply->items->len; i++)
    {
      const HsObjectRef *ref = g_ptr_array_index (reply->items, i);

      g_array_append_val (handles, ref->handle);
    }
  /* Held and dropped together: one release for the lot. */
  hs_session_hold_handles (session, (gint64 *) handles->data, handles->len);
  hs_session_drop_handles (session, (gint64 *) handles->data, handles->len);
}

static void
set_loading (HsInstanceList *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  PageRequest *request = user_data;
  g_autoptr(HsInstanceList) self = g_weak_ref_get (&request->list);
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  guint page = request->page;
  Page *filled;

  g_weak_ref_clear (&request->list);
  g_free (request);
  /* A list let go of has no one to show the answer to: what it names goes back. */
  if (self == NULL || self->session == NULL)
    {
      if (reply != NULL && reply->kind == HS_REPLY_INSTANCES)
        let_go_of_reply (HS_SESSION (source), reply);
      return;
    }
  g_hash_table_remove (self->asked, GUINT_TO_POINTER (page));

  if (reply == NULL || reply->kind != HS_REPLY_INSTANCES)
    {
      if (error == NULL)
        error = g_error_new_literal (HS_REPLY_ERROR, HS_REPLY_ERROR_FAILED, "not a list of instances");
      /* A page not had can be asked for again. */
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (page));
      /* A cancelled page is asked for again when looked at; a cancelled
       * first page leaves nothing to look at, and says so. */
      if (self->error == NULL &&
          (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->loading))
        {
          self->error = g_steal_pointer (&error);
          g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ERROR]);
        }
      if (page == 0)
        set_loading (self, FALSE);
      return;
    }

  if (reply->list_handle > 0 && self->list_handle == 0)
    self->list_handle = reply->list_handle;

  if (page == 0 && self->loading)
    {
      self->n_items = (guint) CLAMP (reply->total, 0, G_MAXUINT);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (0), page_new (self, 0));
    }
  filled = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (filled == NULL || filled->filled)
    {
      let_go_of_reply (self->session, reply);
      filled = NULL;
    }
  else
    for (guint i = 0; i < reply->items->len && i < filled->items->len; i++)
      {
        const HsObjectRef *ref = g_ptr_array_index (reply->items, i);

        hs_session_hold_handles (self->session, &ref->handle, 1);
        g_array_append_val (filled->handles, ref->handle);
        hs_object_item_set_ref (g_ptr_array_index (filled->items, i), ref);
      }
  if (filled != NULL)
    {
      filled->filled = TRUE;
      /* Rows that show none of it yet (say, the first page of a list not
       * on screen): let go of after the delay too. */
      if (filled->n_used == 0)
        schedule_release (self);
    }

  if (page == 0 && self->loading)
    {
      if (self->n_items > 0)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
          g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
        }
      set_loading (self, FALSE);
    }
}

static void
ask_for_page (HsInstanceList *self,
              guint           page)
{
  g_autoptr(JsonNode) request = NULL;
  PageRequest *data;

  if (g_hash_table_contains (self->asked, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->asked, GUINT_TO_POINTER (page));
  request = hs_session_instances_request (self->session, self->type_name, self->list_handle,
                                          (gint64) page * HS_INSTANCE_LIST_PAGE_SIZE,
                                          HS_INSTANCE_LIST_PAGE_SIZE, self->order);
  data = g_new0 (PageRequest, 1);
  g_weak_ref_init (&data->list, self);
  data->page = page;
  self->n_requests++;
  hs_session_query_async (self->session, request, self->cancellable, on_page, data);
}

static GType
hs_instance_list_get_item_type (GListModel *model)
{
  return HS_TYPE_OBJECT_ITEM;
}

static guint
hs_instance_list_get_n_items (GListModel *model)
{
  return HS_INSTANCE_LIST (model)->n_items;
}

static gpointer
hs_instance_list_get_item (GListModel *model,
                           guint       position)
{
  HsInstanceList *self = HS_INSTANCE_LIST (model);
  guint index = position / HS_INSTANCE_LIST_PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    {
      page = page_new (self, index);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
      ask_for_page (self, index);
    }
  return g_object_ref (g_ptr_array_index (page->items, position % HS_INSTANCE_LIST_PAGE_SIZE));
}

static void
hs_instance_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hs_instance_list_get_item_type;
  iface->get_n_items = hs_instance_list_get_n_items;
  iface->get_item = hs_instance_list_get_item;
}

static void
hs_instance_list_dispose (GObject *object)
{
  HsInstanceList *self = (HsInstanceList *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->release_source, g_source_remove);
  /* The pages drop their handles as they go. */
  g_hash_table_remove_all (self->pages);
  if (self->session != NULL)
    {
      if (self->list_handle > 0)
        hs_session_release (self->session, &self->list_handle, 1);
      self->list_handle = 0;
    }
  g_clear_object (&self->session);
  G_OBJECT_CLASS (hs_instance_list_parent_class)->dispose (object);
}

static void
hs_instance_list_finalize (GObject *object)
{
  HsInstanceList *self = (HsInstanceList *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->asked, g_hash_table_unref);
  g_clear_error (&self->error);
  g_free (self->type_name);
  G_OBJECT_CLASS (hs_instance_list_parent_class)->finalize (object);
}

static void
hs_instance_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HsInstanceList *self = HS_INSTANCE_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_instance_list_class_init (HsInstanceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_instance_list_dispose;
  object_class->finalize = hs_instance_list_finalize;
  object_class->get_property = hs_instance_list_get_property;

  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_instance_list_init (HsInstanceList *self)
{
  self->cancellable = g_cancellable_new ();
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->asked = g_hash_table_new (NULL, NULL);
}

/* Asks for the first page at once; the list is empty until it arrives
 * ("loading"), then has a row for every instance. */
HsInstanceList *
hs_instance_list_new (HsSession       *session,
                      const char      *type_name,
                      HsInstanceOrder  order)
{
  HsInstanceList *self;

  g_return_val_if_fail (HS_IS_SESSION (session), NULL);
  g_return_val_if_fail (type_name != NULL, NULL);
  g_return_val_if_fail (order <= HS_INSTANCE_ORDER_RETAINED, NULL);

  self = g_object_new (HS_TYPE_INSTANCE_LIST, NULL);
  self->session = g_object_ref (session);
  self->type_name = g_strdup (type_name);
  self->order = order;
  self->loading = TRUE;
  ask_for_page (self, 0);
  return self;
}

const char *
hs_instance_list_get_type_name (HsInstanceList *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_LIST (self), NULL);
  return self->type_name;
}

HsInstanceOrder
hs_instance_list_get_order (HsInstanceList *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_LIST (self), HS_INSTANCE_ORDER_FLAT);
  return self->order;
}

/* TRUE until the first page (and so the number of instances) is known. */
gboolean
hs_instance_list_get_loading (HsInstanceList *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_LIST (self), FALSE);
  return self->loading;
}

/* Why a page could not be had (HS_REPLY_ERROR_STALE, _ENDED, …), or NULL. */
const GError *
hs_instance_list_get_error (HsInstanceList *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_LIST (self), NULL);
  return self->error;
}

/* How many pages were asked for: rows never looked at cost nothing. */
guint
hs_instance_list_get_n_requests (HsInstanceList *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_LIST (self), 0);
  return self->n_requests;
}

/* Gives up on the pages asked for (a deep or retained ordering can be slow); the
 * first page, if it was one of them, ends with G_IO_ERROR_CANCELLED. */
void
hs_instance_list_cancel (HsInstanceList *self)
{
  g_return_if_fail (HS_IS_INSTANCE_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}
