/* _inline_values.h — an instance's attributes kept without a __dict__
 *
 * CPython 3.11+ keeps the attributes of most instances in a values array
 * whose names are the class's shared keys; a __dict__ is only made when
 * someone asks for it. These read that layout (3.11–3.13, default build)
 * without creating anything, for the census, the sizes and the referrers.
 * Include after Python.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>

#if PY_VERSION_HEX >= 0x030B0000

/* The head of CPython's PyDictKeysObject. */
typedef struct
{
  Py_ssize_t dk_refcnt;
  uint8_t    dk_log2_size;
  uint8_t    dk_log2_index_bytes;
  uint8_t    dk_kind;
  uint32_t   dk_version;
  Py_ssize_t dk_usable;
  Py_ssize_t dk_nentries;
  char       dk_indices[];
} HsDictKeysHead;

/* The values array @obj uses, or NULL when it has none in use (a __dict__
 * was made, or its class keeps none). *capacity gets the array's length
 * where the object records it (3.13+), else PY_SSIZE_T_MAX. */
static inline PyObject **
hs_inline_values (PyObject   *obj,
                  Py_ssize_t *capacity)
{
  PyTypeObject *type = Py_TYPE (obj);

  *capacity = PY_SSIZE_T_MAX;
# if PY_VERSION_HEX >= 0x030D0000
  {
    uint8_t *head;

    if (!(type->tp_flags & Py_TPFLAGS_INLINE_VALUES))
      return NULL;
    head = (uint8_t *) obj + type->tp_basicsize;
    if (!head[3])               /* valid */
      return NULL;
    *capacity = head[0];
    return (PyObject **) (head + sizeof (PyObject *));
  }
# elif PY_VERSION_HEX >= 0x030C0000
  {
    uintptr_t word;

    if (!(type->tp_flags & Py_TPFLAGS_MANAGED_DICT))
      return NULL;
    /* A tagged pointer: the values' address minus one, or the dict's. */
    word = ((uintptr_t *) obj)[-3];
    return (word & 1) ? (PyObject **) (word + 1) : NULL;
  }
# else
  if (!(type->tp_flags & Py_TPFLAGS_MANAGED_DICT))
    return NULL;
  return ((PyObject ***) obj)[-4];
# endif
}

/* The __dict__ made for @obj when its class manages it, or NULL. */
static inline PyObject *
hs_managed_dict (PyObject *obj)
{
  uintptr_t word;

  if (!(Py_TYPE (obj)->tp_flags & Py_TPFLAGS_MANAGED_DICT))
    return NULL;
  word = ((uintptr_t *) obj)[-3];
# if PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030D0000
  if (word & 1)                 /* values, not a dict */
    return NULL;
# endif
  return (PyObject *) word;
}

/* The class's shared keys (NULL for none): the names of inline values. */
static inline const HsDictKeysHead *
hs_shared_keys (PyTypeObject *type)
{
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE))
    return NULL;
  return (const HsDictKeysHead *) ((PyHeapTypeObject *) type)->ht_cached_keys;
}

/* The name of inline value @index: the key of shared-keys entry @index. */
static inline PyObject *
hs_shared_key_name (const HsDictKeysHead *keys,
                    Py_ssize_t            index)
{
  PyObject **entries = (PyObject **) (keys->dk_indices + ((size_t) 1 << keys->dk_log2_index_bytes));

  return entries[2 * index];    /* entries are (key, value) pairs */
}

#endif
