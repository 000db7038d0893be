/* _ptrtable.h — sets and maps keyed by object address
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one pointer table of the agent's C code (the census walk, the deep
 * sizer, the referrer scans): open addressing with linear probing over a
 * power-of-two array of addresses, 0 marking an empty slot, at most 3/4
 * full. With values it maps each address to a Py_ssize_t (an index, a
 * decision), without them it is a set. Nothing is ever removed. Lookups
 * and inserts are inline: a heap walk makes one per reference.
 *
 * A long list of addresses met again and again (the atoms of a heap) is
 * cheaper to count once each as an array: append, hs_sort_pointers, then
 * skip repeats in one sequential pass.
 *
 * Include after Python.h.
 */
#pragma once

#include <stdint.h>
#include <string.h>

typedef struct
{
  uintptr_t  *keys;             /* 0: an empty slot */
  Py_ssize_t *values;           /* NULL for a set */
  size_t      mask;             /* number of slots - 1 */
  size_t      used;
} HsPtrTable;

/* Slots for `expected` entries, which fill at most half of them (64 slots at
 * least); -1 when out of memory. */
int  hs_ptr_table_init        (HsPtrTable *table,
                               size_t      expected,
                               int         with_values);
/* Frees the slots; a zeroed table may be cleared too. */
void hs_ptr_table_clear       (HsPtrTable *table);
int  hs_ptr_table_grow        (HsPtrTable *table);
/* Adds every object of a sequence, or the address every int of an iterable
 * names (ids); -1 with an exception set on failure. */
int  hs_ptr_table_add_objects (HsPtrTable *table,
                               PyObject   *sequence);
int  hs_ptr_table_add_ids     (HsPtrTable *table,
                               PyObject   *ids);

/* Sorts object addresses in place (8-byte aligned, below 2^51); -1 when out
 * of memory. */
int  hs_sort_pointers         (PyObject  **items,
                               Py_ssize_t  n);

/* Defines `static int NAME (TYPE *items, size_t n)`: an LSD radix sort, 16
 * bits a pass, of records by the address ADDRESS (record) gives (8-byte
 * aligned: its low 3 bits are skipped); -1 when out of memory. The one sort
 * of the agent's C code, for any record: hs_sort_pointers is one. */
#define HS_DEFINE_ADDRESS_SORT(NAME, TYPE, ADDRESS)                              \
static int                                                                      \
NAME (TYPE   *items,                                                            \
      size_t  n)                                                                \
{                                                                               \
  TYPE *scratch;                                                                \
  size_t *counts;                                                               \
  uintptr_t max = 0;                                                            \
                                                                                \
  if (n < 2)                                                                    \
    return 0;                                                                   \
  for (size_t i = 0; i < n; i++)                                                \
    if (ADDRESS (items[i]) > max)                                               \
      max = ADDRESS (items[i]);                                                 \
  scratch = PyMem_RawMalloc (n * sizeof (TYPE));                                \
  counts = PyMem_RawMalloc (65536 * sizeof (size_t));                           \
  if (scratch == NULL || counts == NULL)                                        \
    {                                                                           \
      PyMem_RawFree (scratch);                                                  \
      PyMem_RawFree (counts);                                                   \
      return -1;                                                                \
    }                                                                           \
  for (int shift = 3; shift < 64 && (max >> shift) != 0; shift += 16)           \
    {                                                                           \
      size_t total = 0;                                                         \
                                                                                \
      memset (counts, 0, 65536 * sizeof (size_t));                              \
      for (size_t i = 0; i < n; i++)                                            \
        counts[(ADDRESS (items[i]) >> shift) & 0xFFFF]++;                       \
      for (size_t d = 0; d < 65536; d++)                                        \
        {                                                                       \
          size_t c = counts[d];                                                 \
                                                                                \
          counts[d] = total;                                                    \
          total += c;                                                           \
        }                                                                       \
      for (size_t i = 0; i < n; i++)                                            \
        scratch[counts[(ADDRESS (items[i]) >> shift) & 0xFFFF]++] = items[i];   \
      memcpy (items, scratch, n * sizeof (TYPE));                               \
    }                                                                           \
  PyMem_RawFree (scratch);                                                      \
  PyMem_RawFree (counts);                                                       \
  return 0;                                                                     \
}

static inline size_t
hs_ptr_hash (uintptr_t ptr)
{
  uint64_t x = (uint64_t) ptr >> 4;

  x *= UINT64_C (0x9E3779B97F4A7C15);
  return (size_t) (x ^ (x >> 31));
}

/* The slot holding `key`, or the empty slot where it would go. */
static inline size_t
hs_ptr_table_slot (const HsPtrTable *table,
                   uintptr_t         key)
{
  size_t i = hs_ptr_hash (key) & table->mask;

  while (table->keys[i] != key && table->keys[i] != 0)
    i = (i + 1) & table->mask;
  return i;
}

static inline int
hs_ptr_table_contains (const HsPtrTable *table,
                       const void       *ptr)
{
  uintptr_t key = (uintptr_t) ptr;

  return table->keys[hs_ptr_table_slot (table, key)] == key;
}

/* The value `ptr` maps to, or -1 when it is not there. */
static inline Py_ssize_t
hs_ptr_table_lookup (const HsPtrTable *table,
                     const void       *ptr)
{
  uintptr_t key = (uintptr_t) ptr;
  size_t i = hs_ptr_table_slot (table, key);

  return table->keys[i] == key ? table->values[i] : -1;
}

/* Adds `ptr`, mapped to `value` in a map (ignored in a set): 1 if added, 0 if
 * it was there (its value kept), -1 when out of memory. */
static inline int
hs_ptr_table_add (HsPtrTable *table,
                  const void *ptr,
                  Py_ssize_t  value)
{
  uintptr_t key = (uintptr_t) ptr;
  size_t i;

  /* At most 3/4 full: linear probing stays short with a mixing hash. */
  if ((table->used + 1) * 4 > (table->mask + 1) * 3 && hs_ptr_table_grow (table) < 0)
    return -1;
  i = hs_ptr_table_slot (table, key);
  if (table->keys[i] == key)
    return 0;
  table->keys[i] = key;
  if (table->values != NULL)
    table->values[i] = value;
  table->used++;
  return 1;
}
