/* hs-instance-list.c — the instances of one type, paged in from the agent
 *
 * The first page is asked for at once; it says how many instances there are,
 * and the model then has that many rows. A row not yet fetched is a
 * placeholder HsObjectItem: asking for it asks for its page of
 * HS_INSTANCE_LIST_PAGE_SIZE, and the placeholders fill in place when the page
 * arrives, so a million instances cost only the pages looked at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-instance-list.h"

struct _HsInstanceList
{
  GObject       parent_instance;

  HsSession    *session;
  char         *type_name;
  gboolean      by_deep_size;
  GCancellable *cancellable;

  guint         n_items;
  gint64        list_handle;
  GHashTable   *pages;        /* page index → GPtrArray of HsObjectItem */
  GHashTable   *asked;        /* page indexes asked for and not answered */
  GArray       *held;         /* handles shown, dropped with the list */
  guint         n_requests;
  gboolean      loading;
  GError       *error;
};

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
  GPtrArray *items;

  g_weak_ref_clear (&request->list);
  g_free (request);
  /* A list let go of has no one to show the answer to. */
  if (self == NULL || self->session == NULL)
    return;
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
      guint total = (guint) CLAMP (reply->total, 0, G_MAXUINT);

      items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < MIN (total, HS_INSTANCE_LIST_PAGE_SIZE); i++)
        g_ptr_array_add (items, hs_object_item_new (NULL));
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (0), items);
      self->n_items = total;
    }
  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items != NULL)
    for (guint i = 0; i < reply->items->len && i < items->len; i++)
      {
        const HsObjectRef *ref = g_ptr_array_index (reply->items, i);

        hs_session_hold_handles (self->session, &ref->handle, 1);
        g_array_append_val (self->held, ref->handle);
        hs_object_item_set_ref (g_ptr_array_index (items, i), ref);
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
                                          HS_INSTANCE_LIST_PAGE_SIZE, self->by_deep_size);
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
  guint page = position / HS_INSTANCE_LIST_PAGE_SIZE;
  GPtrArray *items;

  if (position >= self->n_items)
    return NULL;
  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items == NULL)
    {
      guint first = page * HS_INSTANCE_LIST_PAGE_SIZE;

      items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = first; i < MIN (self->n_items, first + HS_INSTANCE_LIST_PAGE_SIZE); i++)
        g_ptr_array_add (items, hs_object_item_new (NULL));
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
      ask_for_page (self, page);
    }
  return g_object_ref (g_ptr_array_index (items, position % HS_INSTANCE_LIST_PAGE_SIZE));
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
  if (self->session != NULL)
    {
      hs_session_drop_handles (self->session, (const gint64 *) self->held->data, self->held->len);
      g_array_set_size (self->held, 0);
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
  g_clear_pointer (&self->held, g_array_unref);
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
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->asked = g_hash_table_new (NULL, NULL);
  self->held = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/* Asks for the first page at once; the list is empty until it arrives
 * ("loading"), then has a row for every instance. */
HsInstanceList *
hs_instance_list_new (HsSession  *session,
                      const char *type_name,
                      gboolean    by_deep_size)
{
  HsInstanceList *self;

  g_return_val_if_fail (HS_IS_SESSION (session), NULL);
  g_return_val_if_fail (type_name != NULL, NULL);

  self = g_object_new (HS_TYPE_INSTANCE_LIST, NULL);
  self->session = g_object_ref (session);
  self->type_name = g_strdup (type_name);
  self->by_deep_size = by_deep_size;
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

gboolean
hs_instance_list_get_by_deep_size (HsInstanceList *self)
{
  g_return_val_if_fail (HS_IS_INSTANCE_LIST (self), FALSE);
  return self->by_deep_size;
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

/* Gives up on the pages asked for (a deep-size ordering can be slow); the
 * first page, if it was one of them, ends with G_IO_ERROR_CANCELLED. */
void
hs_instance_list_cancel (HsInstanceList *self)
{
  g_return_if_fail (HS_IS_INSTANCE_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}
