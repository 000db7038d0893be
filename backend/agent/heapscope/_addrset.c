/* _addrset.c — a set of object addresses as a sparse bitmap (see _addrset.h)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "_addrset.h"

#define HS_ADDR_BLOCK_BITMAPS 128     /* 64 KiB blocks of bitmaps */

int
hs_addr_set_init (HsAddrSet *set)
{
  memset (set, 0, sizeof (*set));
  set->keys = PyMem_RawCalloc (256, sizeof (uintptr_t));
  set->bitmaps = PyMem_RawMalloc (256 * sizeof (uint64_t *));
  set->mask = 255;
  if (set->keys == NULL || set->bitmaps == NULL
      || hs_ptr_table_init (&set->unaligned, 64, 0) < 0)
    {
      hs_addr_set_clear (set);
      return -1;
    }
  return 0;
}

void
hs_addr_set_clear (HsAddrSet *set)
{
  for (size_t i = 0; i < set->n_blocks; i++)
    PyMem_RawFree (set->blocks[i]);
  PyMem_RawFree (set->blocks);
  PyMem_RawFree (set->keys);
  PyMem_RawFree (set->bitmaps);
  hs_ptr_table_clear (&set->unaligned);
  memset (set, 0, sizeof (*set));
}

static size_t
hs_addr_set_slot (const HsAddrSet *set,
                  uintptr_t        key)
{
  size_t i = hs_ptr_hash (key << HS_ADDR_GRAIN_SHIFT) & set->mask;

  while (set->keys[i] != key && set->keys[i] != 0)
    i = (i + 1) & set->mask;
  return i;
}

static int
hs_addr_set_grow (HsAddrSet *set)
{
  size_t old_size = set->mask + 1;
  uintptr_t *old_keys = set->keys;
  uint64_t **old_bitmaps = set->bitmaps;
  uintptr_t *keys = PyMem_RawCalloc (old_size * 2, sizeof (uintptr_t));
  uint64_t **bitmaps = PyMem_RawMalloc (old_size * 2 * sizeof (uint64_t *));

  if (keys == NULL || bitmaps == NULL)
    {
      PyMem_RawFree (keys);
      PyMem_RawFree (bitmaps);
      return -1;
    }
  set->keys = keys;
  set->bitmaps = bitmaps;
  set->mask = old_size * 2 - 1;
  for (size_t j = 0; j < old_size; j++)
    if (old_keys[j] != 0)
      {
        size_t i = hs_addr_set_slot (set, old_keys[j]);

        keys[i] = old_keys[j];
        bitmaps[i] = old_bitmaps[j];
      }
  PyMem_RawFree (old_keys);
  PyMem_RawFree (old_bitmaps);
  return 0;
}

/* A zeroed bitmap from the current block, or a new block. */
static uint64_t *
hs_addr_set_new_bitmap (HsAddrSet *set)
{
  uint64_t *block;

  if (set->block_left == 0)
    {
      if (set->n_blocks == set->blocks_capacity)
        {
          size_t capacity = set->blocks_capacity ? set->blocks_capacity * 2 : 16;
          void **blocks = PyMem_RawRealloc (set->blocks, capacity * sizeof (void *));

          if (blocks == NULL)
            return NULL;
          set->blocks = blocks;
          set->blocks_capacity = capacity;
        }
      block = PyMem_RawCalloc (HS_ADDR_BLOCK_BITMAPS, HS_ADDR_WORDS * sizeof (uint64_t));
      if (block == NULL)
        return NULL;
      set->blocks[set->n_blocks++] = block;
      set->block_left = HS_ADDR_BLOCK_BITMAPS;
    }
  block = set->blocks[set->n_blocks - 1];
  return block + (HS_ADDR_BLOCK_BITMAPS - set->block_left--) * HS_ADDR_WORDS;
}

uint64_t *
hs_addr_set_bitmap (HsAddrSet *set,
                    uintptr_t  key,
                    int        create)
{
  size_t i = hs_addr_set_slot (set, key);
  uint64_t *bitmap;

  if (set->keys[i] != key)
    {
      if (!create)
        return NULL;
      if ((set->used + 1) * 4 > (set->mask + 1) * 3)
        {
          if (hs_addr_set_grow (set) < 0)
            return NULL;
          i = hs_addr_set_slot (set, key);
        }
      bitmap = hs_addr_set_new_bitmap (set);
      if (bitmap == NULL)
        return NULL;
      set->keys[i] = key;
      set->bitmaps[i] = bitmap;
      set->used++;
    }
  set->last_key = key;
  set->last_bitmap = set->bitmaps[i];
  return set->last_bitmap;
}
