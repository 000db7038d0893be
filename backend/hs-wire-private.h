/* hs-wire-private.h — the validating field readers of hs-wire.c, and its
 * writers, for the parsers and writers of message parts kept in files of
 * their own (hs-class-report.c, hs-ref-graph.c, hs-garbage-report.c)
 *
 * Each sets a clear error naming the member it rejects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hs-wire.h"
#include "hs-reply.h"

G_BEGIN_DECLS

gboolean    hs_wire_invalid            (GError     **error,
                                        const char  *member,
                                        const char  *why);
gboolean    hs_wire_read_integer_node  (JsonNode    *node,
                                        const char  *member,
                                        gint64       minimum,
                                        gint64      *value,
                                        GError     **error);
gboolean    hs_wire_read_integer       (JsonObject  *object,
                                        const char  *member,
                                        gint64       minimum,
                                        gint64      *value,
                                        GError     **error);
gboolean    hs_wire_read_number        (JsonObject  *object,
                                        const char  *member,
                                        double      *value,
                                        GError     **error);
gboolean    hs_wire_check_string       (const char  *value,
                                        const char  *member,
                                        GError     **error);
gboolean    hs_wire_read_string        (JsonObject  *object,
                                        const char  *member,
                                        gboolean     nullable,
                                        char       **value,
                                        GError     **error);
gboolean    hs_wire_read_boolean       (JsonObject  *object,
                                        const char  *member,
                                        gboolean     fallback,
                                        gboolean    *value,
                                        GError     **error);
JsonArray  *hs_wire_read_array         (JsonObject  *object,
                                        const char  *member,
                                        guint        limit,
                                        GError     **error);
JsonObject *hs_wire_read_object        (JsonObject  *object,
                                        const char  *member,
                                        gboolean     nullable,
                                        GError     **error);
gboolean    hs_wire_read_optional_size (JsonObject  *object,
                                        const char  *member,
                                        gint64      *value,
                                        GError     **error);
HsSizeNode *hs_wire_parse_size_node    (JsonNode    *node,
                                        guint        depth,
                                        guint       *budget,
                                        GError     **error);
HsObjectRef *hs_wire_parse_object_ref  (JsonNode    *node,
                                        const char  *member,
                                        gint64       min_handle,
                                        GError     **error);
gboolean    hs_wire_parse_edge         (JsonObject  *edge,
                                        HsObjectRef *ref,
                                        GError     **error);

/* The writers of what the readers above read. A member: @value under @name
 * in the object being built, a NULL string as null. */
void        hs_wire_add_string_member  (JsonBuilder *builder,
                                        const char  *name,
                                        const char  *value);
void        hs_wire_add_int_member     (JsonBuilder *builder,
                                        const char  *name,
                                        gint64       value);
/* A count or size, null when it is negative (unknown), as
 * hs_wire_read_optional_size reads it. */
void        hs_wire_add_optional_int_member (JsonBuilder *builder,
                                             const char  *name,
                                             gint64       value);
void        hs_wire_add_double_member  (JsonBuilder *builder,
                                        const char  *name,
                                        double       value);
void        hs_wire_add_boolean_member (JsonBuilder *builder,
                                        const char  *name,
                                        gboolean     value);
void        hs_wire_add_object_ref     (JsonBuilder       *builder,
                                        const HsObjectRef *ref);
void        hs_wire_add_edge           (JsonBuilder *builder,
                                        HsEdgeKind   kind,
                                        const char  *name,
                                        gint64       index);

G_END_DECLS
