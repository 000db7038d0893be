/* _addrset.h — a set of object addresses as a sparse bitmap
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The census walk meets most of a heap's objects once each and many of them
 * (its str, int and float atoms) again and again; it must count each once.
 * A hash set of every address costs 16 bytes or more an object, an array of
 * every reference to be sorted costs 16 bytes a reference. Objects are 16
 * bytes apart at least and, from pymalloc and malloc, on 16-byte boundaries,
 * so one bit for each 16 bytes of the address space the heap uses tells the
 * same: 1/128 of the heap, allocated by 64 KiB stretch of addresses met.
 *
 * A stretch's bitmap is found by a small hash table of stretch numbers, the
 * last one used kept at hand: neighbouring objects share a stretch. The few
 * objects off a 16-byte boundary (statically allocated ones, 8-aligned) go to
 * an HsPtrTable beside. Nothing is ever removed.
 *
 * Include after Python.h.
 */
#pragma once

#include <stdint.h>

#include "_ptrtable.h"

#define HS_ADDR_STRETCH_SHIFT 16              /* 64 KiB of addresses a bitmap */
#define HS_ADDR_GRAIN_SHIFT   4               /* one bit for 16 bytes */
#define HS_ADDR_WORDS (((size_t) 1 << (HS_ADDR_STRETCH_SHIFT - HS_ADDR_GRAIN_SHIFT)) / 64)

typedef struct
{
  uintptr_t  *keys;             /* stretch number + 1; 0: an empty slot */
  uint64_t  **bitmaps;
  size_t      mask;             /* number of slots - 1 */
  size_t      used;
  uintptr_t   last_key;         /* the stretch used last, 0 before any */
  uint64_t   *last_bitmap;
  void      **blocks;           /* bitmaps are carved from these */
  size_t      n_blocks;
  size_t      blocks_capacity;
  size_t      block_left;       /* bitmaps left in the last block */
  HsPtrTable  unaligned;        /* addresses off a 16-byte boundary */
} HsAddrSet;

/* -1 when out of memory. */
int       hs_addr_set_init     (HsAddrSet  *set);
/* Frees everything; a zeroed set may be cleared too. */
void      hs_addr_set_clear    (HsAddrSet  *set);
/* The bitmap of stretch `key`, made if `create`; NULL when absent (or out
 * of memory, when creating). */
uint64_t *hs_addr_set_bitmap   (HsAddrSet  *set,
                                uintptr_t   key,
                                int         create);

/* Adds `ptr`: 1 if added, 0 if it was there, -1 when out of memory. */
static inline int
hs_addr_set_add (HsAddrSet  *set,
                 const void *ptr)
{
  uintptr_t address = (uintptr_t) ptr;
  uintptr_t key;
  uint64_t *bitmap;
  size_t bit;
  uint64_t mask;

  if ((address & (((uintptr_t) 1 << HS_ADDR_GRAIN_SHIFT) - 1)) != 0)
    return hs_ptr_table_add (&set->unaligned, ptr, 0);
  key = (address >> HS_ADDR_STRETCH_SHIFT) + 1;
  bitmap = key == set->last_key ? set->last_bitmap : hs_addr_set_bitmap (set, key, 1);
  if (bitmap == NULL)
    return -1;
  bit = (address >> HS_ADDR_GRAIN_SHIFT) & (HS_ADDR_WORDS * 64 - 1);
  mask = (uint64_t) 1 << (bit & 63);
  if (bitmap[bit >> 6] & mask)
    return 0;
  bitmap[bit >> 6] |= mask;
  return 1;
}

static inline int
hs_addr_set_contains (HsAddrSet  *set,
                      const void *ptr)
{
  uintptr_t address = (uintptr_t) ptr;
  uintptr_t key;
  uint64_t *bitmap;
  size_t bit;

  if ((address & (((uintptr_t) 1 << HS_ADDR_GRAIN_SHIFT) - 1)) != 0)
    return set->unaligned.used != 0 && hs_ptr_table_contains (&set->unaligned, ptr);
  key = (address >> HS_ADDR_STRETCH_SHIFT) + 1;
  bitmap = key == set->last_key ? set->last_bitmap : hs_addr_set_bitmap (set, key, 0);
  if (bitmap == NULL)
    return 0;
  bit = (address >> HS_ADDR_GRAIN_SHIFT) & (HS_ADDR_WORDS * 64 - 1);
  return (bitmap[bit >> 6] >> (bit & 63)) & 1;
}
