/* hs-banner.c — a message across the top of the window, until it no longer holds
 *
 * libadwaita 1.2 has no AdwBanner: this is the same idea, a revealer holding a
 * line of text that stays while what it says is true (a toast would vanish).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hs-banner.h"

struct _HsBanner
{
  GtkWidget    parent_instance;
  GtkRevealer *revealer;
  GtkImage    *icon;
  GtkLabel    *label;
  GtkButton   *button;
};

G_DEFINE_FINAL_TYPE (HsBanner, hs_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
hs_banner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsBanner *self = HS_BANNER (object);

  switch (prop_id)
    {
    case PROP_ICON_NAME:
      g_value_set_string (value, gtk_image_get_icon_name (self->icon));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_banner_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HsBanner *self = HS_BANNER (object);
  const char *icon_name;

  switch (prop_id)
    {
    case PROP_ICON_NAME:
      icon_name = g_value_get_string (value);
      gtk_image_set_from_icon_name (self->icon, icon_name);
      gtk_widget_set_visible (GTK_WIDGET (self->icon), icon_name != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_banner_dispose (GObject *object)
{
  HsBanner *self = (HsBanner *) object;

  if (self->revealer != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->revealer));
      self->revealer = NULL;
    }
  G_OBJECT_CLASS (hs_banner_parent_class)->dispose (object);
}

static void
hs_banner_class_init (HsBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_banner_dispose;
  object_class->get_property = hs_banner_get_property;
  object_class->set_property = hs_banner_set_property;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hsbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  /* Shown before the text, or NULL for none. */
  properties [PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_banner_init (HsBanner *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 9);

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));

  /* The bar spans the window (and carries the colour); its content is centred. */
  gtk_widget_add_css_class (bar, "hs-banner-bar");
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_box_append (GTK_BOX (bar), box);
  self->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->icon), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->icon));
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  /* On one line where the window is wide enough: a wrapping label would ask
   * for less, and wrap a short text in the middle of a wide window. */
  gtk_label_set_natural_wrap_mode (self->label, GTK_NATURAL_WRAP_NONE);
  gtk_label_set_xalign (self->label, 0);
  gtk_widget_set_valign (GTK_WIDGET (self->label), GTK_ALIGN_CENTER);
  gtk_label_set_selectable (self->label, TRUE);
  gtk_widget_set_can_focus (GTK_WIDGET (self->label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  self->button = GTK_BUTTON (gtk_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->button), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->button));
  gtk_revealer_set_child (self->revealer, bar);
}

/* @icon_name: shown before the text, or NULL. */
GtkWidget *
hs_banner_new (const char *icon_name)
{
  return g_object_new (HS_TYPE_BANNER, "icon-name", icon_name, NULL);
}

void
hs_banner_set_title (HsBanner   *self,
                     const char *title)
{
  g_return_if_fail (HS_IS_BANNER (self));

  gtk_label_set_text (self->label, title != NULL ? title : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : "", -1);
}

const char *
hs_banner_get_title (HsBanner *self)
{
  g_return_val_if_fail (HS_IS_BANNER (self), NULL);
  return gtk_label_get_text (self->label);
}

/* A button after the text that activates @detailed_action; a NULL @label
 * for none. */
void
hs_banner_set_button (HsBanner   *self,
                      const char *label,
                      const char *detailed_action)
{
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;

  g_return_if_fail (HS_IS_BANNER (self));

  gtk_button_set_label (self->button, label);
  gtk_button_set_use_underline (self->button, TRUE);
  /* The target before the name: a name without its target warns of a
   * parameter mismatch (gtk_actionable_set_detailed_action_name sets the
   * name first). */
  if (detailed_action != NULL && !g_action_parse_detailed_name (detailed_action, &action, &target, NULL))
    g_return_if_reached ();
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action);
  gtk_widget_set_visible (GTK_WIDGET (self->button), label != NULL);
}

GtkButton *
hs_banner_get_button (HsBanner *self)
{
  g_return_val_if_fail (HS_IS_BANNER (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->button)) ? self->button : NULL;
}

void
hs_banner_set_revealed (HsBanner *self,
                        gboolean  revealed)
{
  g_return_if_fail (HS_IS_BANNER (self));
  gtk_revealer_set_reveal_child (self->revealer, revealed);
}

gboolean
hs_banner_get_revealed (HsBanner *self)
{
  g_return_val_if_fail (HS_IS_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}
