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
  gboolean   large;
};

G_DEFINE_FINAL_TYPE (HsStatus, hs_status, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LARGE,
  PROP_ICON_NAME,
  PROP_TITLE,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* @large: a whole page's (a 96-pixel icon and a big title), not a pane's. */
static void
set_large (HsStatus *self,
           gboolean  large)
{
  self->large = large;
  gtk_image_set_pixel_size (self->icon, large ? 96 : 48);
  gtk_widget_remove_css_class (GTK_WIDGET (self->title), large ? "title-4" : "title-1");
  gtk_widget_add_css_class (GTK_WIDGET (self->title), large ? "title-1" : "title-4");
}

static void
set_icon_name (HsStatus   *self,
               const char *icon_name)
{
  if (g_strcmp0 (gtk_image_get_icon_name (self->icon), icon_name) == 0)
    return;
  gtk_image_set_from_icon_name (self->icon, icon_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ICON_NAME]);
}

static void
set_title (HsStatus   *self,
           const char *title)
{
  if (g_strcmp0 (gtk_label_get_text (self->title), title != NULL ? title : "") == 0)
    return;
  gtk_label_set_text (self->title, title);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TITLE]);
}

/* An empty or NULL @text hides its line. */
static void
set_text (HsStatus   *self,
          const char *text)
{
  gtk_widget_set_visible (GTK_WIDGET (self->text), text != NULL && *text != '\0');
  if (g_strcmp0 (gtk_label_get_text (self->text), text != NULL ? text : "") == 0)
    return;
  gtk_label_set_text (self->text, text != NULL ? text : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TEXT]);
}

static void
hs_status_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hs_status_parent_class)->dispose (object);
}

static void
hs_status_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsStatus *self = HS_STATUS (object);

  switch (prop_id)
    {
    case PROP_LARGE:
      g_value_set_boolean (value, self->large);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, gtk_image_get_icon_name (self->icon));
      break;
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_text (self->title));
      break;
    case PROP_TEXT:
      g_value_set_string (value, gtk_label_get_text (self->text));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_status_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HsStatus *self = HS_STATUS (object);

  switch (prop_id)
    {
    case PROP_LARGE:
      set_large (self, g_value_get_boolean (value));
      break;
    case PROP_ICON_NAME:
      set_icon_name (self, g_value_get_string (value));
      break;
    case PROP_TITLE:
      set_title (self, g_value_get_string (value));
      break;
    case PROP_TEXT:
      set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_status_class_init (HsStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_status_dispose;
  object_class->get_property = hs_status_get_property;
  object_class->set_property = hs_status_set_property;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsstatus");

  /* Set once, as the status is made (in a template, or by hs_status_new). */
  properties [PROP_LARGE] =
    g_param_spec_boolean ("large", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static GtkLabel *
centred_label (GtkWidget *parent)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
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
  self->title = centred_label (widget);
  self->text = centred_label (widget);
  gtk_widget_add_css_class (GTK_WIDGET (self->text), "dim-label");
}

GtkWidget *
hs_status_new (gboolean large)
{
  return g_object_new (HS_TYPE_STATUS, "large", large, NULL);
}

void
hs_status_set (HsStatus   *self,
               const char *icon_name,
               const char *title,
               const char *text)
{
  g_return_if_fail (HS_IS_STATUS (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_icon_name (self, icon_name);
  set_title (self, title);
  set_text (self, text);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
hs_status_get_text (HsStatus *self)
{
  g_return_val_if_fail (HS_IS_STATUS (self), NULL);
  return gtk_label_get_text (self->text);
}
