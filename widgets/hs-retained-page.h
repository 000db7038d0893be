/* hs-retained-page.h — what holds the memory: the heap's dominator tree,
 * each object with the bytes it would free if it went away
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-session.h"

G_BEGIN_DECLS

#define HS_TYPE_RETAINED_PAGE (hs_retained_page_get_type ())
G_DECLARE_FINAL_TYPE (HsRetainedPage, hs_retained_page, HS, RETAINED_PAGE, GtkWidget)

GtkWidget         *hs_retained_page_new            (void);
void               hs_retained_page_set_session    (HsRetainedPage *self,
                                                    HsSession      *session);
/* Asks the agent for the tree again (it computes it if the heap changed). */
void               hs_retained_page_compute        (HsRetainedPage *self);
gboolean           hs_retained_page_get_busy       (HsRetainedPage *self);
/* The tree's rows as shown: GtkTreeListRow items; each row's item answers
 * hs_retained_page_row_object () and hs_retained_page_row_size (). */
GListModel        *hs_retained_page_get_rows       (HsRetainedPage *self);
const HsObjectRef *hs_retained_page_row_object     (GtkTreeListRow *row);
HsRetainedSize     hs_retained_page_row_size       (GtkTreeListRow *row);
const HsHeapTree  *hs_retained_page_get_heap       (HsRetainedPage *self);
/* Selects row @position and expands it. */
void               hs_retained_page_expand         (HsRetainedPage *self,
                                                    guint           position);
const HsObjectRef *hs_retained_page_get_selected   (HsRetainedPage *self);
const char        *hs_retained_page_get_note       (HsRetainedPage *self);

G_END_DECLS
