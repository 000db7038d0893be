/* hs-retained-page.c — what holds the memory: the heap's dominator tree
 *
 * The agent computes the tree in the program, on request ("dominators",
 * PROTOCOL.md), and keeps it until the heap changes. A row is an object with
 * what it retains: the bytes and objects that would be freed if it went
 * away. The top level is what the heap's roots hold alone; a row's children,
 * what it holds alone, are asked for when it is first expanded, PAGE_SIZE of
 * them, largest first, the rest counted in a last row. Rows live in one
 * GListStore per level inside a GtkTreeListModel. Every handle shown is held
 * (hs_session_hold_handles) until the tree it belongs to is replaced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hs-format.h"
#include "hs-retained-page.h"
#include "hs-status.h"

#define PAGE_SIZE 100

/* -- A row ------------------------------------------------------------------- */

#define HS_TYPE_RETAINED_ROW (hs_retained_row_get_type ())
G_DECLARE_FINAL_TYPE (HsRetainedRow, hs_retained_row, HS, RETAINED_ROW, GObject)

struct _HsRetainedRow
{
  GObject         parent_instance;

  HsObjectRef    *object;       /* NULL: the row counting those left out */
  HsRetainedSize  size;
  gint64          more;         /* that row: how many */
  GListStore     *children;     /* made when it is first expanded */
  gboolean        asked;
};

G_DEFINE_FINAL_TYPE (HsRetainedRow, hs_retained_row, G_TYPE_OBJECT)

static void
hs_retained_row_finalize (GObject *object)
{
  HsRetainedRow *self = HS_RETAINED_ROW (object);

  hs_object_ref_free (self->object);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (hs_retained_row_parent_class)->finalize (object);
}

static void
hs_retained_row_class_init (HsRetainedRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_retained_row_finalize;
}

static void
hs_retained_row_init (HsRetainedRow *self)
{
}

static HsRetainedRow *
retained_row_new (const HsObjectRef *object,
                  HsRetainedSize     size,
                  gint64             more)
{
  HsRetainedRow *row = g_object_new (HS_TYPE_RETAINED_ROW, NULL);

  row->object = object != NULL ? hs_object_ref_copy (object) : NULL;
  row->size = size;
  row->more = more;
  return row;
}

static gboolean
row_can_expand (const HsRetainedRow *row)
{
  /* It holds more than itself. */
  return row->object != NULL && row->size.objects > 1;
}

/* -- The page ----------------------------------------------------------------- */

struct _HsRetainedPage
{
  GtkWidget            parent_instance;

  HsSession           *session;
  GCancellable        *cancellable;   /* the tree's answers: cancelled when it is replaced */
  GListStore          *roots;
  GtkTreeListModel    *rows;
  GtkSingleSelection  *selection;
  GArray              *held;          /* gint64: the handles shown */
  HsHeapTree           heap;
  gboolean             has_heap;
  guint                n_asked;       /* answers awaited */
  char                *note;

  /* Template children. */
  GtkStack            *stack;
  HsStatus            *status;
  GtkWidget           *compute_button;
  GtkLabel            *summary_label;
  GtkSpinner          *spinner;
  GtkWidget           *cancel_button;
  GtkWidget           *recompute_button;
  GtkLabel            *note_label;
  GtkColumnView       *tree_view;
  GtkColumnViewColumn *object_column;
  GtkColumnViewColumn *retained_column;
  GtkColumnViewColumn *share_column;
  GtkColumnViewColumn *count_column;
};

G_DEFINE_FINAL_TYPE (HsRetainedPage, hs_retained_page, GTK_TYPE_WIDGET)

enum {
  OBJECT_SELECTED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

typedef struct
{
  HsRetainedPage *page;
  HsRetainedRow  *parent;       /* NULL: the top level */
  GCancellable   *cancellable;  /* the tree's, when it was asked */
} Asking;

static void
asking_free (Asking *asking)
{
  g_clear_object (&asking->parent);
  g_clear_object (&asking->cancellable);
  g_object_unref (asking->page);
  g_free (asking);
}

static void
set_note (HsRetainedPage *self,
          const char     *note)
{
  g_free (self->note);
  self->note = g_strdup (note);
  gtk_label_set_text (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);
}

static void
update_busy (HsRetainedPage *self)
{
  gboolean busy = self->n_asked > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (self->cancel_button, busy);
  gtk_widget_set_sensitive (self->recompute_button,
                            !busy && self->session != NULL && hs_session_can_retain (self->session));
}

static void
update_empty (HsRetainedPage *self)
{
  gboolean can = self->session != NULL && hs_session_can_retain (self->session);

  if (self->has_heap)
    return;
  if (self->session == NULL || can)
    hs_status_set (self->status, "view-list-bullet-symbolic", _("What Holds the Memory"),
                   _("Find the objects that hold the most: the bytes each one would free if it went away, and what it holds alone.\n"
                     "The whole heap is walked once, in the program, which pauses it for about a second per million objects."));
  else
    hs_status_set (self->status, "view-list-bullet-symbolic", _("What Holds the Memory"),
                   hs_session_is_live (self->session)
                   ? _("This Python cannot compute retained sizes: the agent’s C part is missing")
                   : _("Retained sizes are computed in a running program: run the script again, or keep its process at exit"));
  gtk_widget_set_sensitive (self->compute_button, can);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
update_summary (HsRetainedPage *self)
{
  g_autofree char *bytes = hs_format_bytes (self->heap.total_bytes);
  g_autofree char *objects = hs_format_count (self->heap.total_objects);
  g_autofree char *unreachable = hs_format_bytes (self->heap.unreachable_bytes);
  g_autofree char *when = hs_format_date_time ((gint64) (self->heap.computed_at * G_USEC_PER_SEC));
  g_autofree char *took = hs_format_duration (self->heap.elapsed);
  g_autofree char *text = NULL;

  if (self->heap.elapsed > 0)
    /* Translators: "Heap: 120 MB in 1 234 567 objects, 2 MB unreachable · as of 12:03:04, 0.8 s to compute" */
    text = g_strdup_printf (_("Heap: %s in %s objects, %s unreachable · as of %s, %s to compute"),
                            bytes, objects, unreachable, when, took);
  else
    text = g_strdup_printf (_("Heap: %s in %s objects, %s unreachable · as of %s"),
                            bytes, objects, unreachable, when);
  gtk_label_set_text (self->summary_label, text);
}

/* The rows shown go, and the handles they hold. */
static void
forget_rows (HsRetainedPage *self)
{
  g_list_store_remove_all (self->roots);
  if (self->session != NULL && self->held->len > 0)
    hs_session_drop_handles (self->session, (const gint64 *) self->held->data, self->held->len);
  g_array_set_size (self->held, 0);
}

/* Drops the tree shown, and the answers still awaited for it. */
static void
drop_tree (HsRetainedPage *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->n_asked = 0;
  forget_rows (self);
  self->has_heap = FALSE;
  set_note (self, NULL);
}

static void ask (HsRetainedPage *self,
                 HsRetainedRow  *parent,
                 gboolean        refresh);

/* The answer for @asking's parent: its rows, and one counting the rest. */
static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Asking *asking = user_data;
  HsRetainedPage *self = asking->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsReply) reply = hs_session_query_finish (HS_SESSION (source), result, &error);
  g_autoptr(GPtrArray) rows = NULL;
  GListStore *store;

  if (g_cancellable_is_cancelled (asking->cancellable))
    {
      asking_free (asking);
      return;
    }
  self->n_asked--;
  update_busy (self);
  if (reply == NULL || reply->kind != HS_REPLY_DOMINATORS)
    {
      set_note (self, error != NULL ? error->message : _("The agent did not answer with retained sizes"));
      if (asking->parent == NULL && !self->has_heap)
        update_empty (self);
      asking_free (asking);
      return;
    }
  if (asking->parent == NULL)
    /* A new tree: what was asked about the old rows was cancelled when
     * this one was asked for. */
    forget_rows (self);
  self->heap = reply->tree;
  self->has_heap = TRUE;
  update_summary (self);

  rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < reply->items->len; i++)
    {
      const HsObjectRef *object = g_ptr_array_index (reply->items, i);

      hs_session_hold_handles (self->session, &object->handle, 1);
      g_array_append_val (self->held, object->handle);
      g_ptr_array_add (rows, retained_row_new (object, g_array_index (reply->retained, HsRetainedSize, i), 0));
    }
  if (reply->total > reply->offset + (gint64) reply->items->len)
    g_ptr_array_add (rows, retained_row_new (NULL, (HsRetainedSize) { -1, -1 },
                                             reply->total - reply->offset - reply->items->len));
  store = asking->parent != NULL ? asking->parent->children : self->roots;
  g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0, rows->pdata, rows->len);
  gtk_stack_set_visible_child_name (self->stack, "tree");
  asking_free (asking);
}

/* Asks what @parent (NULL: the heap's roots) holds alone; at the top, with
 * @refresh, the agent computes the tree again even if it kept one. */
static void
ask (HsRetainedPage *self,
     HsRetainedRow  *parent,
     gboolean        refresh)
{
  g_autoptr(JsonNode) request = NULL;
  Asking *asking;

  if (self->session == NULL || !hs_session_can_retain (self->session))
    return;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  request = hs_session_dominators_request (self->session, parent != NULL ? parent->object->handle : 0,
                                           0, PAGE_SIZE, refresh);
  asking = g_new0 (Asking, 1);
  asking->page = g_object_ref (self);
  asking->parent = parent != NULL ? g_object_ref (parent) : NULL;
  asking->cancellable = g_object_ref (self->cancellable);
  self->n_asked++;
  update_busy (self);
  hs_session_query_async (self->session, request, self->cancellable, on_answered, asking);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  HsRetainedRow *row = item;

  if (!row_can_expand (row))
    return NULL;
  if (row->children == NULL)
    row->children = g_list_store_new (HS_TYPE_RETAINED_ROW);
  return G_LIST_MODEL (g_object_ref (row->children));
}

/* Children are asked for when a row is first opened, not when it is shown. */
static void
on_row_expanded (GtkTreeListRow *list_row,
                 GParamSpec     *pspec,
                 HsRetainedPage *self)
{
  /* No item: the row is going, with the tree it was in. */
  g_autoptr(HsRetainedRow) row = gtk_tree_list_row_get_item (list_row);

  if (row != NULL && gtk_tree_list_row_get_expanded (list_row) && !row->asked)
    {
      row->asked = TRUE;
      ask (self, row, FALSE);
    }
}

/* -- Cells --------------------------------------------------------------------- */

static HsRetainedRow *
cell_row (GtkListItem *list_item)
{
  GtkTreeListRow *list_row = gtk_list_item_get_item (list_item);

  return list_row != NULL ? gtk_tree_list_row_get_item (list_row) : NULL;
}

static void
on_object_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *type = gtk_label_new (NULL);
  GtkWidget *edge = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (type), 0);
  gtk_widget_add_css_class (type, "heading");
  /* How the row above holds it, as the referrer tree says it: "global cache". */
  gtk_widget_add_css_class (edge, "hs-edge");
  gtk_widget_add_css_class (edge, "caption");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (text, "dim-label");
  gtk_box_append (GTK_BOX (box), type);
  gtk_box_append (GTK_BOX (box), edge);
  gtk_box_append (GTK_BOX (box), text);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
on_object_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                HsRetainedPage           *self)
{
  GtkTreeListRow *list_row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *type = gtk_widget_get_first_child (box);
  GtkWidget *edge = gtk_widget_get_next_sibling (type);
  GtkWidget *text = gtk_widget_get_next_sibling (edge);
  g_autoptr(HsRetainedRow) row = cell_row (list_item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), list_row);
  g_signal_connect_object (list_row, "notify::expanded", G_CALLBACK (on_row_expanded), self, 0);
  if (row->object == NULL)
    {
      g_autofree char *count = hs_format_count (row->more);
      g_autofree char *more = g_strdup_printf (_("… and %s more"), count);

      gtk_label_set_text (GTK_LABEL (type), more);
      gtk_widget_set_visible (edge, FALSE);
      gtk_label_set_text (GTK_LABEL (text), NULL);
      return;
    }
  {
    g_autofree char *title = hs_object_ref_dup_title (row->object);
    g_autofree char *held_as = hs_object_ref_describe_edge (row->object);

    gtk_label_set_text (GTK_LABEL (type), title);
    gtk_label_set_text (GTK_LABEL (edge), held_as);
    gtk_widget_set_visible (edge, held_as != NULL);
    gtk_label_set_text (GTK_LABEL (text), row->object->text);
  }
}

static void
on_object_unbind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  HsRetainedPage           *self)
{
  GtkTreeListRow *list_row = gtk_list_item_get_item (list_item);

  if (list_row != NULL)
    g_signal_handlers_disconnect_by_func (list_row, on_row_expanded, self);
}

static void
on_number_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
on_retained_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  g_autoptr(HsRetainedRow) row = cell_row (list_item);
  g_autofree char *text = row->size.bytes >= 0 ? hs_format_bytes (row->size.bytes) : NULL;

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
on_count_bind (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  g_autoptr(HsRetainedRow) row = cell_row (list_item);
  g_autofree char *text = row->size.objects >= 0 ? hs_format_count (row->size.objects) : NULL;

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
on_share_setup (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *bar = gtk_level_bar_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_level_bar_set_min_value (GTK_LEVEL_BAR (bar), 0);
  gtk_level_bar_set_max_value (GTK_LEVEL_BAR (bar), 1);
  /* One colour: a share is not a warning. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_label_set_width_chars (GTK_LABEL (label), 6);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
on_share_bind (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               HsRetainedPage           *self)
{
  g_autoptr(HsRetainedRow) row = cell_row (list_item);
  GtkWidget *bar = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *label = gtk_widget_get_next_sibling (bar);
  double share = row->size.bytes >= 0 && self->heap.total_bytes > 0
    ? (double) row->size.bytes / self->heap.total_bytes : -1;
  g_autofree char *text = share >= 0 ? g_strdup_printf ("%.1f %%", 100 * share) : NULL;

  gtk_widget_set_visible (bar, share >= 0);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (share, 0, 1));
  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
set_factory (GtkColumnViewColumn *column,
             GCallback            setup,
             GCallback            bind,
             GCallback            unbind,
             HsRetainedPage      *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, self);
  g_signal_connect (factory, "bind", bind, self);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, self);
  gtk_column_view_column_set_factory (column, factory);
}

/* -- Actions and selection ---------------------------------------------------- */

static void
on_compute_clicked (HsRetainedPage *self)
{
  hs_retained_page_compute (self);
}

static void
on_cancel_clicked (HsRetainedPage *self)
{
  gboolean had_heap = self->has_heap && g_list_model_get_n_items (G_LIST_MODEL (self->roots)) > 0;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->n_asked = 0;
  update_busy (self);
  if (!had_heap)
    {
      self->has_heap = FALSE;
      update_empty (self);
    }
}

static void
on_selected (GtkSingleSelection *selection,
             GParamSpec         *pspec,
             HsRetainedPage     *self)
{
  const HsObjectRef *object = hs_retained_page_get_selected (self);

  if (object != NULL)
    g_signal_emit (self, signals [OBJECT_SELECTED], 0, object);
}

static void
on_session_changed (HsRetainedPage *self)
{
  update_busy (self);
  update_empty (self);
}

/* -- GObject -------------------------------------------------------------------- */

static void
hs_retained_page_dispose (GObject *object)
{
  HsRetainedPage *self = HS_RETAINED_PAGE (object);

  hs_retained_page_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_RETAINED_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->roots);
  G_OBJECT_CLASS (hs_retained_page_parent_class)->dispose (object);
}

static void
hs_retained_page_finalize (GObject *object)
{
  HsRetainedPage *self = HS_RETAINED_PAGE (object);

  g_array_unref (self->held);
  g_free (self->note);
  G_OBJECT_CLASS (hs_retained_page_parent_class)->finalize (object);
}

static void
hs_retained_page_class_init (HsRetainedPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_retained_page_dispose;
  object_class->finalize = hs_retained_page_finalize;
  gtk_widget_class_set_css_name (widget_class, "hsretainedpage");

  g_type_ensure (HS_TYPE_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/widgets/hs-retained-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, HsRetainedPage, name)
  CHILD (stack);
  CHILD (status);
  CHILD (compute_button);
  CHILD (summary_label);
  CHILD (spinner);
  CHILD (cancel_button);
  CHILD (recompute_button);
  CHILD (note_label);
  CHILD (tree_view);
  CHILD (object_column);
  CHILD (retained_column);
  CHILD (share_column);
  CHILD (count_column);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_compute_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);

  /**
   * HsRetainedPage::object-selected:
   * @object: (type HsObjectRef): the object of the row selected
   */
  signals [OBJECT_SELECTED] =
    g_signal_new ("object-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
hs_retained_page_init (HsRetainedPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->held = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->roots = g_list_store_new (HS_TYPE_RETAINED_ROW);
  self->rows = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->roots)), FALSE, FALSE,
                                        create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selected), self);
  gtk_column_view_set_model (self->tree_view, GTK_SELECTION_MODEL (self->selection));
  set_factory (self->object_column, G_CALLBACK (on_object_setup), G_CALLBACK (on_object_bind),
               G_CALLBACK (on_object_unbind), self);
  set_factory (self->retained_column, G_CALLBACK (on_number_setup), G_CALLBACK (on_retained_bind), NULL, self);
  set_factory (self->share_column, G_CALLBACK (on_share_setup), G_CALLBACK (on_share_bind), NULL, self);
  set_factory (self->count_column, G_CALLBACK (on_number_setup), G_CALLBACK (on_count_bind), NULL, self);
  update_busy (self);
  update_empty (self);
}

/* -- API -------------------------------------------------------------------------- */

GtkWidget *
hs_retained_page_new (void)
{
  return g_object_new (HS_TYPE_RETAINED_PAGE, NULL);
}

void
hs_retained_page_set_session (HsRetainedPage *self,
                              HsSession      *session)
{
  g_return_if_fail (HS_IS_RETAINED_PAGE (self));
  g_return_if_fail (session == NULL || HS_IS_SESSION (session));

  if (session == self->session)
    return;
  drop_tree (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      /* Whether it can be asked changes with the hello and the end. */
      g_signal_connect_swapped (session, "notify::state", G_CALLBACK (on_session_changed), self);
      g_signal_connect_swapped (session, "notify::python-version", G_CALLBACK (on_session_changed), self);
      g_signal_connect_swapped (session, "notify::live", G_CALLBACK (on_session_changed), self);
    }
  on_session_changed (self);
}

void
hs_retained_page_compute (HsRetainedPage *self)
{
  g_return_if_fail (HS_IS_RETAINED_PAGE (self));

  if (self->session == NULL || !hs_session_can_retain (self->session))
    return;
  /* Answers still awaited are for the tree being replaced. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->n_asked = 0;
  set_note (self, NULL);
  if (!self->has_heap)
    {
      gtk_label_set_text (self->summary_label, _("Computing retained sizes…"));
      gtk_stack_set_visible_child_name (self->stack, "tree");
    }
  ask (self, NULL, self->has_heap);
}

gboolean
hs_retained_page_get_busy (HsRetainedPage *self)
{
  g_return_val_if_fail (HS_IS_RETAINED_PAGE (self), FALSE);
  return self->n_asked > 0;
}

GListModel *
hs_retained_page_get_rows (HsRetainedPage *self)
{
  g_return_val_if_fail (HS_IS_RETAINED_PAGE (self), NULL);
  return G_LIST_MODEL (self->rows);
}

const HsObjectRef *
hs_retained_page_row_object (GtkTreeListRow *row)
{
  g_autoptr(HsRetainedRow) item = gtk_tree_list_row_get_item (row);

  /* The store keeps the row, and the row its object. */
  return item != NULL ? item->object : NULL;
}

HsRetainedSize
hs_retained_page_row_size (GtkTreeListRow *row)
{
  g_autoptr(HsRetainedRow) item = gtk_tree_list_row_get_item (row);

  return item != NULL ? item->size : (HsRetainedSize) { -1, -1 };
}

const HsHeapTree *
hs_retained_page_get_heap (HsRetainedPage *self)
{
  g_return_val_if_fail (HS_IS_RETAINED_PAGE (self), NULL);
  return self->has_heap ? &self->heap : NULL;
}

void
hs_retained_page_expand (HsRetainedPage *self,
                         guint           position)
{
  g_autoptr(GtkTreeListRow) row = NULL;

  g_return_if_fail (HS_IS_RETAINED_PAGE (self));

  row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);
  if (row == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_tree_list_row_set_expanded (row, TRUE);
  /* A row never bound (scrolled out) has no handler yet. */
  on_row_expanded (row, NULL, self);
}

const HsObjectRef *
hs_retained_page_get_selected (HsRetainedPage *self)
{
  GtkTreeListRow *row;

  g_return_val_if_fail (HS_IS_RETAINED_PAGE (self), NULL);

  row = gtk_single_selection_get_selected_item (self->selection);
  return row != NULL ? hs_retained_page_row_object (row) : NULL;
}

const char *
hs_retained_page_get_note (HsRetainedPage *self)
{
  g_return_val_if_fail (HS_IS_RETAINED_PAGE (self), NULL);
  return self->note;
}
