/* hs-status.c — an icon, a title and a line of text, centred
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-status.h"

struct _HsStatus
{
  GtkWidget  parent_instance;

  GtkImage  *icon;
  GtkLabel  *title;
  GtkLabel  *text;
};

G_DEFINE_FINAL_TYPE (HsStatus, hs_status, GTK_TYPE_WIDGET)

static void
hs_status_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hs_status_parent_class)->dispose (object);
}

static void
hs_status_class_init (HsStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_status_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsstatus");
}

static GtkLabel *
centred_label (GtkWidget  *parent,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_parent (label, parent);
  return GTK_LABEL (label);
}

static void
hs_status_init (HsStatus *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 6);
  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (widget, 18);
  gtk_widget_set_margin_end (widget, 18);

  self->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), "dim-label");
  gtk_widget_set_parent (GTK_WIDGET (self->icon), widget);
  self->title = centred_label (widget, "title-4");
  self->text = centred_label (widget, "dim-label");
}

/* @large: a whole page's (a 96-pixel icon and a big title), not a pane's. */
GtkWidget *
hs_status_new (gboolean large)
{
  HsStatus *self = g_object_new (HS_TYPE_STATUS, NULL);

  gtk_image_set_pixel_size (self->icon, large ? 96 : 48);
  if (large)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->title), "title-4");
      gtk_widget_add_css_class (GTK_WIDGET (self->title), "title-1");
    }
  return GTK_WIDGET (self);
}

/* An empty or NULL @text hides its line. */
void
hs_status_set (HsStatus   *self,
               const char *icon_name,
               const char *title,
               const char *text)
{
  g_return_if_fail (HS_IS_STATUS (self));

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->text, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->text), text != NULL && *text != '\0');
}

const char *
hs_status_get_text (HsStatus *self)
{
  g_return_val_if_fail (HS_IS_STATUS (self), NULL);
  return gtk_label_get_text (self->text);
}
