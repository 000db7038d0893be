/* _dominators.c — retained sizes: the heap's dominator tree (heapscope._accel.tree_*)
 *
 * Copyright 2025 The Heapscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An object's retained size is what would be freed if it went away: its own
 * flat size and that of every object all of whose paths from the roots pass
 * through it (the objects it dominates: heapy's domisize). The dominator
 * tree orders them: an object's parent is its immediate dominator, and a
 * retained size is the sum of the flat sizes of a subtree.
 *
 * The graph
 *     Its nodes are the objects the census counts (_heapwalk.c, _census.py):
 *     what the collector lists, less the agent's (the ids in `skip`, the
 *     frames of its code), and the untracked objects tp_traverse leads to
 *     from those, each once. Its edges are the references tp_traverse shows
 *     between nodes. Sizes are the census's flat sizes, so the tree's bytes
 *     and the unreachable bytes add up to a census's bytes.
 *
 * The roots
 *     A virtual root refers to every node held from outside the graph,
 *     found as the collector finds what a collection must keep: an object
 *     whose reference count is more than the references to it met in the
 *     graph is referred to from somewhere tp_traverse does not show -- a C
 *     static, an interpreter's stack (a running frame's locals), the
 *     interpreter's own tables. The references of the agent's objects (and
 *     of the untracked objects only they lead to) count as met: the agent
 *     holding an object never makes it a root, so what only the agent holds
 *     is not reached, and the app looking changes nothing. What the root does
 *     not reach (cycles the collector has not freed yet, what only the agent
 *     holds) is outside the tree and only counted, as unreachable.
 *
 * The computation, one call that holds the GIL from start to end
 *   1. the walk: nodes numbered as found (the collector's first), the
 *      references to each counted, the edges kept forward (CSR, 32-bit);
 *   2. the agent's references counted; the roots found;
 *   3. a depth-first search from the virtual root: preorder numbers;
 *   4. the nodes moved, in place, to their preorder positions (the
 *      unreachable ones after them); the edges reversed by preorder number;
 *   5. semi-dominators, then immediate dominators: semi-NCA (Georgiadis,
 *      "Linear-Time Algorithms for Dominators and Related Problems", 2005),
 *      as LLVM's GenericDomTreeConstruction.h runs it;
 *   6. the flat sizes, summed up the tree in reverse preorder (a node's
 *      immediate dominator is its ancestor in the search, so comes first).
 *
 * From the first pointer listed to the last flat size read, no code runs and
 * the GIL is never released, so the borrowed pointers stay valid; reference
 * counts are read before anything of ours takes a reference. That is why the
 * caller looks for a cancel before and after, not between the steps: looking
 * reads the socket, which lets the program's threads run, and no pointer of
 * the walk may be followed after that. Only at the end are the few sizes that
 * need sys.getsizeof asked (it may run code), holding those objects, as the
 * census does.
 *
 * Memory, at 1.2 references per object: about 34 bytes per object at the
 * peak (the edges both ways, step 4), 28 kept. The kept tree is addresses and
 * numbers only: an address is never followed again, only compared with those
 * of live objects (tree_children finds the live object at an address through
 * the collector's list and, for an untracked one, through a referrer of it).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_accel.h"
#include "_ptrtable.h"
#include "_traverse.h"
#include "_typetable.h"

/* Node numbers and edge positions are 32-bit: half the memory of pointers.
 * The top bit of a number marks a node placed during the permutation. */
#define HS_MAX_NODES  ((Py_ssize_t) INT32_MAX - 2)
#define HS_MAX_EDGES  ((Py_ssize_t) UINT32_MAX - 1)
#define HS_UNSEEN     UINT32_MAX
#define HS_PLACED     ((uint32_t) 1 << 31)
/* How many untracked objects deep tree_children looks for one through its referrers. */
#define HS_VIA_DEPTH  64

enum
{
  HS_FAILED_MEMORY = 1,
  HS_FAILED_SIZE = 2,
};

/* ---- the kept tree ------------------------------------------------------------ */

/* Positions: 0 is the virtual root, [1, reached) the nodes it reaches in
 * preorder, [reached, n_all) the unreachable ones. */
typedef struct
{
  Py_ssize_t  reached;
  Py_ssize_t  n_all;
  uintptr_t  *addresses;        /* [n_all): compared, never followed */
  uint8_t    *tracked;          /* bit per position: the collector listed it */
  uint8_t    *outside;          /* bit per position: referred to from outside the graph */
  uint32_t   *idom;             /* [reached): the immediate dominator's position */
  uint32_t   *via;              /* [reached): a referrer of an untracked node, 0 if none */
  Py_ssize_t *retained;         /* [reached): bytes */
  uint32_t   *count;            /* [reached): objects */
  Py_ssize_t  unreachable_bytes;
} HsTree;

static HsTree hs_tree;          /* one per process; the GIL guards it */

static void
hs_tree_clear (void)
{
  PyMem_RawFree (hs_tree.addresses);
  PyMem_RawFree (hs_tree.tracked);
  PyMem_RawFree (hs_tree.outside);
  PyMem_RawFree (hs_tree.idom);
  PyMem_RawFree (hs_tree.via);
  PyMem_RawFree (hs_tree.retained);
  PyMem_RawFree (hs_tree.count);
  memset (&hs_tree, 0, sizeof hs_tree);
}

static inline int
hs_bit (const uint8_t *bits,
        Py_ssize_t     i)
{
  return (bits[i >> 3] >> (i & 7)) & 1;
}

/* ---- the walk ------------------------------------------------------------------ */

typedef struct
{
  HsPtrTable  excluded;         /* the agent's objects (the ids in skip) */
  HsPtrTable  codes;            /* the agent's code objects: their frames are the agent's */

  PyObject  **nodes;            /* borrowed; the collector's first, then as found */
  Py_ssize_t  n_nodes;
  Py_ssize_t  n_tracked;        /* [0, n_tracked): listed by the collector */
  Py_ssize_t  nodes_capacity;

  /* address -> node + 1 (0: empty slot); the key is nodes[slot - 1], so
   * 4 bytes a slot, and a rehash needs only the nodes */
  uint32_t   *slots;
  size_t      mask;

  uint32_t   *refs;             /* per node: references to it met; then its preorder number */
  Py_ssize_t  refs_capacity;
  Py_ssize_t  n_refs;           /* all the references met: bounds every counter */

  uint32_t   *first;            /* node v refers to targets[first[v], first[v + 1]) */
  Py_ssize_t  first_capacity;
  uint32_t   *targets;
  Py_ssize_t  n_targets;
  Py_ssize_t  targets_capacity;
  Py_ssize_t  current;          /* the node being traversed */

  HsPtrTable  agent_seen;       /* the agent's untracked objects met */
  PyObject  **stack;            /* ... still to traverse */
  Py_ssize_t  stack_len;
  Py_ssize_t  stack_capacity;

  int         failed;           /* HS_FAILED_*: the walk gives up */
} HsGraph;

static inline Py_ssize_t
hs_graph_find (const HsGraph *graph,
               PyObject      *obj)
{
  size_t i = hs_ptr_hash ((uintptr_t) obj) & graph->mask;
  uint32_t slot;

  while ((slot = graph->slots[i]) != 0)
    {
      if (graph->nodes[slot - 1] == obj)
        return (Py_ssize_t) slot - 1;
      i = (i + 1) & graph->mask;
    }
  return -1;
}

static inline void
hs_graph_slot_in (HsGraph    *graph,
                  Py_ssize_t  node)
{
  size_t i = hs_ptr_hash ((uintptr_t) graph->nodes[node]) & graph->mask;

  while (graph->slots[i] != 0)
    i = (i + 1) & graph->mask;
  graph->slots[i] = (uint32_t) node + 1;
}

/* The keys are the nodes: the old slots go before the new ones are made. */
static int
hs_graph_rehash (HsGraph *graph,
                 size_t   size)
{
  PyMem_RawFree (graph->slots);
  graph->slots = PyMem_RawCalloc (size, sizeof (uint32_t));
  if (graph->slots == NULL)
    {
      graph->mask = 0;
      graph->failed = HS_FAILED_MEMORY;
      return -1;
    }
  graph->mask = size - 1;
  for (Py_ssize_t v = 0; v < graph->n_nodes; v++)
    hs_graph_slot_in (graph, v);
  return 0;
}

static Py_ssize_t
hs_graph_add (HsGraph  *graph,
              PyObject *obj)
{
  Py_ssize_t n = graph->n_nodes;

  if (n >= HS_MAX_NODES)
    {
      graph->failed = HS_FAILED_SIZE;
      return -1;
    }
  /* Room for the virtual root too, node n_nodes once the walk is over. */
  if (hs_grow ((void **) &graph->nodes, &graph->nodes_capacity, n + 2, sizeof (PyObject *)) < 0
      || hs_grow ((void **) &graph->refs, &graph->refs_capacity, n + 2, sizeof (uint32_t)) < 0)
    {
      graph->failed = HS_FAILED_MEMORY;
      return -1;
    }
  graph->nodes[n] = obj;
  graph->refs[n] = 0;
  graph->n_nodes++;
  /* At most 3/4 full, as _ptrtable.h. */
  if ((size_t) graph->n_nodes * 4 > (graph->mask + 1) * 3)
    return hs_graph_rehash (graph, (graph->mask + 1) * 2) < 0 ? -1 : n;
  hs_graph_slot_in (graph, n);
  return n;
}

static inline void
hs_graph_edge (HsGraph    *graph,
               Py_ssize_t  target)
{
  if (graph->n_targets >= HS_MAX_EDGES)
    {
      graph->failed = HS_FAILED_SIZE;
      return;
    }
  if (graph->n_targets == graph->targets_capacity
      && hs_grow ((void **) &graph->targets, &graph->targets_capacity,
                  graph->n_targets + 1, sizeof (uint32_t)) < 0)
    {
      graph->failed = HS_FAILED_MEMORY;
      return;
    }
  graph->targets[graph->n_targets++] = (uint32_t) target;
}

/* tp_traverse visit: a reference of the node graph->current. */
static int
hs_graph_visit (PyObject *obj,
                void     *arg)
{
  HsGraph *graph = arg;
  Py_ssize_t node;

  if (obj == NULL || graph->failed)
    return 0;
  node = hs_graph_find (graph, obj);
  if (node < 0)
    {
      /* An untracked object becomes a node here, as the census counts it;
       * a tracked one the collector did not list as a node is the agent's
       * (or frozen): outside the graph. */
      if (PyObject_GC_IsTracked (obj)
          || (graph->excluded.used != 0 && hs_ptr_table_contains (&graph->excluded, obj))
          || hs_is_agent_frame (obj, &graph->codes))
        return 0;
      node = hs_graph_add (graph, obj);
      if (node < 0)
        return 0;
    }
  graph->refs[node]++;
  graph->n_refs++;
  /* A reference to itself keeps nothing else alive: counted, not an edge. */
  if (node != graph->current)
    hs_graph_edge (graph, node);
  return 0;
}

/* Step 1. Nodes are traversed in their order, so each one's edges are
 * appended together: the forward CSR is built as it is found. */
static void
hs_graph_walk (HsGraph  *graph,
               PyObject *listed)
{
  Py_ssize_t n_listed = PyList_GET_SIZE (listed);
  size_t size = 1 << 16;

  /* About four objects a listed one (the atoms and untracked containers). */
  while (size < (size_t) n_listed * 6)
    size <<= 1;
  if (hs_graph_rehash (graph, size) < 0)
    return;
  for (Py_ssize_t i = 0; i < n_listed && !graph->failed; i++)
    {
      PyObject *obj = PyList_GET_ITEM (listed, i);

      if ((graph->excluded.used != 0 && hs_ptr_table_contains (&graph->excluded, obj))
          || hs_is_agent_frame (obj, &graph->codes))
        continue;
      hs_graph_add (graph, obj);
    }
  graph->n_tracked = graph->n_nodes;

  /* n_nodes grows as the traversals find untracked objects. */
  for (Py_ssize_t v = 0; v < graph->n_nodes && !graph->failed; v++)
    {
      PyObject *obj = graph->nodes[v];

      if (hs_grow ((void **) &graph->first, &graph->first_capacity, v + 3, sizeof (uint32_t)) < 0)
        {
          graph->failed = HS_FAILED_MEMORY;
          return;
        }
      graph->first[v] = (uint32_t) graph->n_targets;
      if (hs_can_traverse (obj))
        {
          graph->current = v;
          Py_TYPE (obj)->tp_traverse (obj, hs_graph_visit, graph);
        }
    }
}

/* tp_traverse visit: a reference of one of the agent's objects. */
static int
hs_agent_visit (PyObject *obj,
                void     *arg)
{
  HsGraph *graph = arg;
  Py_ssize_t node;
  int added;

  if (obj == NULL || graph->failed)
    return 0;
  node = hs_graph_find (graph, obj);
  if (node >= 0)
    {
      graph->refs[node]++;
      graph->n_refs++;
      return 0;
    }
  /* A tracked object is listed, and traversed from the list if it is the
   * agent's; an untracked one that is not a node only the agent leads to. */
  if (PyObject_GC_IsTracked (obj) || !hs_can_traverse (obj))
    return 0;
  added = hs_ptr_table_add (&graph->agent_seen, obj, 0);
  if (added > 0 && hs_grow ((void **) &graph->stack, &graph->stack_capacity,
                            graph->stack_len + 1, sizeof (PyObject *)) == 0)
    graph->stack[graph->stack_len++] = obj;
  else if (added != 0)
    graph->failed = HS_FAILED_MEMORY;
  return 0;
}

/* Step 2a. The agent's references to nodes count as met (see the top). */
static void
hs_graph_count_agent (HsGraph  *graph,
                      PyObject *listed)
{
  Py_ssize_t node;

  for (Py_ssize_t i = 0, n = PyList_GET_SIZE (listed); i < n && !graph->failed; i++)
    {
      PyObject *obj = PyList_GET_ITEM (listed, i);

      if (!((graph->excluded.used != 0 && hs_ptr_table_contains (&graph->excluded, obj))
            || hs_is_agent_frame (obj, &graph->codes)))
        continue;
      if (hs_can_traverse (obj))
        Py_TYPE (obj)->tp_traverse (obj, hs_agent_visit, graph);
      while (graph->stack_len > 0 && !graph->failed)
        {
          PyObject *next = graph->stack[--graph->stack_len];

          Py_TYPE (next)->tp_traverse (next, hs_agent_visit, graph);
        }
    }
  /* And the one this module keeps (_accel.c). */
  node = hs_graph_find (graph, hs_gc_get_objects);
  if (node >= 0)
    {
      graph->refs[node]++;
      graph->n_refs++;
    }
}

/* Step 2b. The virtual root, node n_nodes, refers to every node with more
 * references than were met: its row is the last one of the forward CSR. */
static void
hs_graph_roots (HsGraph *graph)
{
  Py_ssize_t n = graph->n_nodes;

  if (graph->n_refs >= (Py_ssize_t) UINT32_MAX)
    {
      graph->failed = HS_FAILED_SIZE;
      return;
    }
  if (hs_grow ((void **) &graph->nodes, &graph->nodes_capacity, n + 1, sizeof (PyObject *)) < 0
      || hs_grow ((void **) &graph->refs, &graph->refs_capacity, n + 1, sizeof (uint32_t)) < 0
      || hs_grow ((void **) &graph->first, &graph->first_capacity, n + 2, sizeof (uint32_t)) < 0)
    {
      graph->failed = HS_FAILED_MEMORY;
      return;
    }
  graph->nodes[n] = NULL;
  graph->first[n] = (uint32_t) graph->n_targets;
  for (Py_ssize_t v = 0; v < n && !graph->failed; v++)
    if (Py_REFCNT (graph->nodes[v]) > (Py_ssize_t) graph->refs[v])
      hs_graph_edge (graph, v);
  graph->first[n + 1] = (uint32_t) graph->n_targets;
}

static void
hs_graph_clear (HsGraph *graph)
{
  hs_ptr_table_clear (&graph->excluded);
  hs_ptr_table_clear (&graph->codes);
  hs_ptr_table_clear (&graph->agent_seen);
  PyMem_RawFree (graph->nodes);
  PyMem_RawFree (graph->slots);
  PyMem_RawFree (graph->refs);
  PyMem_RawFree (graph->first);
  PyMem_RawFree (graph->targets);
  PyMem_RawFree (graph->stack);
  memset (graph, 0, sizeof *graph);
}

/* ---- the search ------------------------------------------------------------------ */

typedef struct
{
  uint32_t node;
  uint32_t next;                /* the next edge of its row to follow */
} HsSearchFrame;

/* Step 3. Preorder numbers from the virtual root replace the reference counts
 * in graph->refs (HS_UNSEEN: not reached); parent[number] is the number of
 * the node the search came from. Returns how many were reached (the root
 * included), or -1 when out of memory. */
static Py_ssize_t
hs_graph_search (HsGraph  *graph,
                 uint32_t *parent)
{
  Py_ssize_t root = graph->n_nodes;
  uint32_t *order = graph->refs;
  HsSearchFrame *stack = NULL;
  Py_ssize_t len = 0;
  Py_ssize_t capacity = 0;
  uint32_t numbered = 1;

  for (Py_ssize_t v = 0; v <= root; v++)
    order[v] = HS_UNSEEN;
  order[root] = 0;
  parent[0] = 0;
  if (hs_grow ((void **) &stack, &capacity, 64, sizeof (HsSearchFrame)) < 0)
    return -1;
  stack[len].node = (uint32_t) root;
  stack[len].next = graph->first[root];
  len++;
  while (len > 0)
    {
      HsSearchFrame *top = &stack[len - 1];
      uint32_t target;

      if (top->next == graph->first[top->node + 1])
        {
          len--;
          continue;
        }
      target = graph->targets[top->next++];
      if (order[target] != HS_UNSEEN)
        continue;
      order[target] = numbered;
      parent[numbered] = order[top->node];
      numbered++;
      if (hs_grow ((void **) &stack, &capacity, len + 1, sizeof (HsSearchFrame)) < 0)
        {
          PyMem_RawFree (stack);
          return -1;
        }
      stack[len].node = target;
      stack[len].next = graph->first[target];
      len++;
    }
  PyMem_RawFree (stack);
  return numbered;
}

/* Step 4a. Moves items[v] to items[order[v]] for every v in [0, n), in place
 * (following each cycle of the permutation; HS_PLACED marks where it has
 * been, and is cleared at the end). Each step waits for the load before it:
 * only for when the copy of hs_place cannot be made. */
static void
hs_permute (PyObject  **items,
            uint32_t   *order,
            Py_ssize_t  n)
{
  for (Py_ssize_t start = 0; start < n; start++)
    {
      PyObject *carried;
      uint32_t at;

      if (order[start] & HS_PLACED)
        continue;
      carried = items[start];
      at = (uint32_t) start;
      for (;;)
        {
          uint32_t to = order[at];
          PyObject *displaced = items[to];

          items[to] = carried;
          order[at] |= HS_PLACED;
          carried = displaced;
          at = to;
          if (at == (uint32_t) start)
            break;
        }
    }
  for (Py_ssize_t v = 0; v < n; v++)
    order[v] &= ~HS_PLACED;
}

/* Step 4a. The nodes at their positions: *items replaced by a copy in that
 * order. A scatter whose stores do not wait for each other, so the cache
 * misses of a large heap overlap; its copy is smaller than what step 4b
 * needs at once. */
static void
hs_place (PyObject ***items,
          uint32_t   *order,
          Py_ssize_t  n)
{
  PyObject **placed = PyMem_RawMalloc ((size_t) n * sizeof (PyObject *));

  if (placed == NULL)
    {
      hs_permute (*items, order, n);
      return;
    }
  for (Py_ssize_t v = 0; v < n; v++)
    placed[order[v]] = (*items)[v];
  PyMem_RawFree (*items);
  *items = placed;
}

/* Step 4b. The referrers of each reached position, by position:
 * from[rfirst[w], rfirst[w + 1]). Referrers may be unreachable (a position
 * from `reached` on): the search skips them, tree_children may use them. */
static int
hs_graph_reverse (const HsGraph  *graph,
                  Py_ssize_t      reached,
                  uint32_t      **rfirst_out,
                  uint32_t      **from_out)
{
  const uint32_t *order = graph->refs;
  Py_ssize_t n_rows = graph->n_nodes + 1;
  uint32_t *rfirst = PyMem_RawCalloc ((size_t) reached + 1, sizeof (uint32_t));
  uint32_t *from;
  uint32_t total = 0;

  if (rfirst == NULL)
    return -1;
  for (Py_ssize_t u = 0; u < n_rows; u++)
    for (uint32_t k = graph->first[u]; k < graph->first[u + 1]; k++)
      {
        uint32_t to = order[graph->targets[k]];

        if (to < reached)
          rfirst[to]++;
      }
  /* Each count becomes the end of its range; filling from the end moves
   * it back to the range's start. */
  for (Py_ssize_t w = 0; w < reached; w++)
    {
      total += rfirst[w];
      rfirst[w] = total;
    }
  rfirst[reached] = total;
  from = PyMem_RawMalloc ((size_t) total * sizeof (uint32_t) + 1);
  if (from == NULL)
    {
      PyMem_RawFree (rfirst);
      return -1;
    }
  for (Py_ssize_t u = 0; u < n_rows; u++)
    {
      uint32_t pu = order[u];

      for (uint32_t k = graph->first[u]; k < graph->first[u + 1]; k++)
        {
          uint32_t to = order[graph->targets[k]];

          if (to < reached)
            from[--rfirst[to]] = pu;
        }
    }
  *rfirst_out = rfirst;
  *from_out = from;
  return 0;
}

/* ---- semi-NCA ------------------------------------------------------------------- */

typedef struct
{
  uint32_t   *ancestor;         /* the link-eval forest, compressed */
  uint32_t   *label;            /* the node of smallest semi on the path to the forest root */
  uint32_t   *semi;
  uint32_t   *stack;
  Py_ssize_t  stack_capacity;
} HsSemi;

/* The label of v's path in the forest of positions linked so far (those from
 * `last` on), compressing the path; HS_UNSEEN when out of memory. */
static uint32_t
hs_eval (HsSemi   *s,
         uint32_t  v,
         uint32_t  last)
{
  uint32_t *ancestor = s->ancestor;
  uint32_t *label = s->label;
  const uint32_t *semi = s->semi;
  Py_ssize_t n = 0;
  uint32_t top = v;
  uint32_t root;
  uint32_t best;

  if (ancestor[v] < last)
    return label[v];
  do
    {
      if (n == s->stack_capacity
          && hs_grow ((void **) &s->stack, &s->stack_capacity, n + 1, sizeof (uint32_t)) < 0)
        return HS_UNSEEN;
      s->stack[n++] = top;
      top = ancestor[top];
    }
  while (ancestor[top] >= last);
  /* Every node of the path points past the path, and takes the smaller
   * label of its own and the one above it. */
  root = ancestor[top];
  best = label[top];
  while (n > 0)
    {
      uint32_t x = s->stack[--n];

      ancestor[x] = root;
      if (semi[best] < semi[label[x]])
        label[x] = best;
      else
        best = label[x];
    }
  return label[v];
}

/* Step 5a. The semi-dominator of each position, into *semi_out; `parent`
 * (the search's) is read. -1 when out of memory. */
static int
hs_semi_dominators (const uint32_t  *parent,
                    Py_ssize_t       reached,
                    const uint32_t  *rfirst,
                    const uint32_t  *from,
                    uint32_t       **semi_out)
{
  HsSemi s;
  int result = -1;

  memset (&s, 0, sizeof s);
  s.ancestor = PyMem_RawMalloc ((size_t) reached * sizeof (uint32_t));
  s.label = PyMem_RawMalloc ((size_t) reached * sizeof (uint32_t));
  s.semi = PyMem_RawMalloc ((size_t) reached * sizeof (uint32_t));
  if (s.ancestor == NULL || s.label == NULL || s.semi == NULL)
    goto out;
  memcpy (s.ancestor, parent, (size_t) reached * sizeof (uint32_t));
  for (Py_ssize_t i = 0; i < reached; i++)
    s.label[i] = s.semi[i] = (uint32_t) i;

  /* In reverse preorder, each w is linked (its position is from `last` on)
   * once its semi-dominator is known. A referrer numbered before w is not
   * linked yet: its own label and semi, itself. */
  for (Py_ssize_t w = reached - 1; w >= 1; w--)
    {
      uint32_t best = parent[w];

      for (uint32_t k = rfirst[w]; k < rfirst[w + 1]; k++)
        {
          uint32_t v = from[k];
          uint32_t u;

          if (v >= reached)
            continue;           /* an unreachable referrer */
          u = hs_eval (&s, v, (uint32_t) w + 1);
          if (u == HS_UNSEEN)
            goto out;
          if (s.semi[u] < best)
            best = s.semi[u];
        }
      s.semi[w] = best;
    }
  *semi_out = s.semi;
  s.semi = NULL;
  result = 0;

out:
  PyMem_RawFree (s.ancestor);
  PyMem_RawFree (s.label);
  PyMem_RawFree (s.semi);
  PyMem_RawFree (s.stack);
  return result;
}

/* Step 5b. idom(w) is the nearest common ancestor, in the search tree, of
 * its parent and its semi-dominator: up from the parent while below semi(w).
 * In preorder, the dominators above w are final already. `idom` holds the
 * parents on entry. */
static void
hs_immediate_dominators (uint32_t       *idom,
                         const uint32_t *semi,
                         Py_ssize_t      reached)
{
  for (Py_ssize_t w = 1; w < reached; w++)
    {
      uint32_t candidate = idom[w];

      while (candidate > semi[w])
        candidate = idom[candidate];
      idom[w] = candidate;
    }
}

/* For each untracked position, a referrer tree_children can find it through:
 * a tracked one where there is one. */
static void
hs_vias (uint32_t       *via,
         const uint8_t  *tracked,
         Py_ssize_t      reached,
         const uint32_t *rfirst,
         const uint32_t *from)
{
  via[0] = 0;
  for (Py_ssize_t w = 1; w < reached; w++)
    {
      via[w] = 0;
      if (hs_bit (tracked, w))
        continue;
      for (uint32_t k = rfirst[w]; k < rfirst[w + 1]; k++)
        {
          uint32_t v = from[k];

          if (v == 0)
            continue;
          if (via[w] == 0)
            via[w] = v;
          if (hs_bit (tracked, v))
            {
              via[w] = v;
              break;
            }
        }
    }
}

/* ---- sizes ---------------------------------------------------------------------- */

typedef struct
{
  Py_ssize_t  position;
  PyObject   *object;           /* strong reference, until sized */
  Py_ssize_t  record;
  Py_ssize_t  extra;
} HsSizeLater;

/* Step 6a. The census's flat size of each position (see _heapwalk.c's
 * hs_account): into retained[] for the reached ones, summed for the others.
 * The sizes that need sys.getsizeof come last. -1 when out of memory. */
static int
hs_tree_sizes (PyObject   **nodes,
               Py_ssize_t   reached,
               Py_ssize_t   n_all,
               Py_ssize_t  *retained,
               Py_ssize_t  *unreachable_bytes)
{
  HsTypeTable types;
  HsSizeLater *later = NULL;
  Py_ssize_t n_later = 0;
  Py_ssize_t later_capacity = 0;
  Py_ssize_t outside = 0;
  int result = -1;

  if (hs_type_table_init (&types) < 0)
    return -1;
  retained[0] = 0;
  for (Py_ssize_t i = 1; i < n_all; i++)
    {
      PyObject *obj = nodes[i];
      Py_ssize_t r = hs_record_for (&types, Py_TYPE (obj));
      HsTypeRecord *record;
      Py_ssize_t size = 0;
      Py_ssize_t extra;

      if (r < 0)
        goto out;
      record = &types.records[r];
      extra = record->values_kind != HS_VALUES_NONE ? hs_values_size (record, obj) : 0;
      if (record->size_kind == HS_SIZE_DEFERRED)
        {
          if (hs_grow ((void **) &later, &later_capacity, n_later + 1, sizeof (HsSizeLater)) < 0)
            goto out;
          Py_INCREF (obj);
          later[n_later].position = i;
          later[n_later].object = obj;
          later[n_later].record = r;
          later[n_later].extra = extra;
          n_later++;
        }
      else
        size = hs_record_size (record, obj) + extra;
      if (i < reached)
        retained[i] = size;
      else
        outside += size;
    }
  /* The walk is over: sys.getsizeof may run code now. */
  for (Py_ssize_t j = 0; j < n_later; j++)
    {
      HsSizeLater *item = &later[j];
      Py_ssize_t size = hs_getsizeof_size (&types.records[item->record], item->object) + item->extra;

      if (item->position < reached)
        retained[item->position] = size;
      else
        outside += size;
      Py_CLEAR (item->object);
    }
  *unreachable_bytes = outside;
  result = 0;

out:
  for (Py_ssize_t j = 0; j < n_later; j++)
    Py_XDECREF (later[j].object);
  PyMem_RawFree (later);
  hs_type_table_clear (&types);
  return result;
}

/* Step 6b. Subtree sums, children before their immediate dominator. */
static void
hs_tree_sum (HsTree *tree)
{
  tree->count[0] = 0;
  for (Py_ssize_t i = 1; i < tree->reached; i++)
    tree->count[i] = 1;
  for (Py_ssize_t i = tree->reached - 1; i >= 1; i--)
    {
      uint32_t up = tree->idom[i];

      tree->retained[up] += tree->retained[i];
      tree->count[up] += tree->count[i];
    }
}

/* ---- tree_build ------------------------------------------------------------------- */

static PyObject *
hs_tree_totals_tuple (void)
{
  return Py_BuildValue ("(nnnn)", hs_tree.reached - 1, hs_tree.retained[0],
                        hs_tree.n_all - hs_tree.reached, hs_tree.unreachable_bytes);
}

/* Steps 3 to 6, once the walk is over; fills `tree`. -1 when out of memory. */
static int
hs_tree_compute (HsGraph *graph,
                 HsTree  *tree)
{
  Py_ssize_t n_all = graph->n_nodes + 1;
  Py_ssize_t reached;
  uint32_t *parent;
  uint32_t *order = graph->refs;
  uint32_t *rfirst = NULL;
  uint32_t *from = NULL;
  uint32_t *semi = NULL;
  uint32_t next;

  parent = PyMem_RawMalloc ((size_t) n_all * sizeof (uint32_t));
  if (parent == NULL)
    return -1;
  reached = hs_graph_search (graph, parent);
  if (reached < 0)
    goto fail;
  tree->reached = reached;
  tree->n_all = n_all;

  /* The unreachable nodes after the reached ones, in their order. */
  next = (uint32_t) reached;
  for (Py_ssize_t v = 0; v < graph->n_nodes; v++)
    if (order[v] == HS_UNSEEN)
      order[v] = next++;
  tree->tracked = PyMem_RawCalloc ((size_t) n_all / 8 + 1, 1);
  if (tree->tracked == NULL)
    goto fail;
  for (Py_ssize_t v = 0; v < graph->n_tracked; v++)
    tree->tracked[order[v] >> 3] |= (uint8_t) (1 << (order[v] & 7));
  /* The virtual root's row (the last of the forward CSR) lists the nodes
   * held from outside: what a path that finds no Python root ends at. */
  tree->outside = PyMem_RawCalloc ((size_t) n_all / 8 + 1, 1);
  if (tree->outside == NULL)
    goto fail;
  for (uint32_t e = graph->first[graph->n_nodes]; e < graph->first[graph->n_nodes + 1]; e++)
    {
      uint32_t position = order[graph->targets[e]];

      tree->outside[position >> 3] |= (uint8_t) (1 << (position & 7));
    }
  hs_place (&graph->nodes, order, n_all);
  graph->nodes_capacity = n_all;

  if (hs_graph_reverse (graph, reached, &rfirst, &from) < 0)
    goto fail;
  /* The forward edges and the numbers by node are done with. */
  PyMem_RawFree (graph->first);
  PyMem_RawFree (graph->targets);
  PyMem_RawFree (graph->refs);
  graph->first = graph->targets = graph->refs = NULL;
  graph->first_capacity = graph->targets_capacity = graph->refs_capacity = 0;

  if (hs_semi_dominators (parent, reached, rfirst, from, &semi) < 0)
    goto fail;
  tree->via = PyMem_RawMalloc ((size_t) reached * sizeof (uint32_t));
  if (tree->via == NULL)
    goto fail;
  hs_vias (tree->via, tree->tracked, reached, rfirst, from);
  PyMem_RawFree (rfirst);
  PyMem_RawFree (from);
  rfirst = from = NULL;
  hs_immediate_dominators (parent, semi, reached);
  PyMem_RawFree (semi);
  semi = NULL;
  tree->idom = PyMem_RawRealloc (parent, (size_t) reached * sizeof (uint32_t));
  if (tree->idom == NULL)
    tree->idom = parent;        /* (shrinking failed: keep it as it is) */
  parent = NULL;

  tree->retained = PyMem_RawMalloc ((size_t) reached * sizeof (Py_ssize_t));
  tree->count = PyMem_RawMalloc ((size_t) reached * sizeof (uint32_t));
  if (tree->retained == NULL || tree->count == NULL
      || hs_tree_sizes (graph->nodes, reached, n_all, tree->retained, &tree->unreachable_bytes) < 0)
    goto fail;
  hs_tree_sum (tree);

  /* The nodes are kept as addresses (the same words): never followed again. */
  tree->addresses = (uintptr_t *) graph->nodes;
  graph->nodes = NULL;
  graph->nodes_capacity = 0;
  return 0;

fail:
  PyMem_RawFree (parent);
  PyMem_RawFree (rfirst);
  PyMem_RawFree (from);
  PyMem_RawFree (semi);
  return -1;
}

PyObject *
hs_tree_build (PyObject         *module,
               PyObject *const  *args,
               Py_ssize_t        nargs)
{
  PyObject *skip_ids;
  PyObject *code_ids;
  PyObject *no_args[1] = { NULL };
  PyObject *listed = NULL;
  PyObject *result = NULL;
  HsGraph graph;
  HsTree tree;
  int gc_was_enabled;

  /* METH_FASTCALL: an argument tuple would be an object of ours on the heap
   * as we walk it, and counted. */
  if (nargs != 2)
    {
      PyErr_SetString (PyExc_TypeError, "tree_build() takes exactly 2 arguments (skip_ids, codes)");
      return NULL;
    }
  skip_ids = args[0];
  code_ids = args[1];
  /* The tree kept before goes first: its memory is not needed alongside. */
  hs_tree_clear ();
  memset (&graph, 0, sizeof graph);
  memset (&tree, 0, sizeof tree);
  if (hs_ptr_table_init (&graph.excluded, 512, 0) < 0 || hs_ptr_table_init (&graph.codes, 128, 0) < 0
      || hs_ptr_table_init (&graph.agent_seen, 512, 0) < 0)
    {
      hs_graph_clear (&graph);
      return PyErr_NoMemory ();
    }
  if (hs_ptr_table_add_ids (&graph.excluded, skip_ids) < 0
      || hs_ptr_table_add_ids (&graph.codes, code_ids) < 0)
    {
      hs_graph_clear (&graph);
      return NULL;
    }

  /* No collection (so no finalizer, no code) until the sizes are read. */
  gc_was_enabled = hs_gc_disable ();
  /* With a non-NULL argument array: see hs_walk. */
  listed = PyObject_Vectorcall (hs_gc_get_objects, no_args, 0, NULL);
  if (listed == NULL || !PyList_Check (listed))
    {
      if (listed != NULL)
        PyErr_SetString (PyExc_TypeError, "gc.get_objects() did not return a list");
      goto out;
    }
  hs_graph_walk (&graph, listed);
  if (!graph.failed)
    hs_graph_count_agent (&graph, listed);
  /* The list's references are ours: gone before the counts are compared. */
  Py_CLEAR (listed);
  if (!graph.failed)
    hs_graph_roots (&graph);
  PyMem_RawFree (graph.slots);
  graph.slots = NULL;
  hs_ptr_table_clear (&graph.agent_seen);
  if (graph.failed)
    goto out;

  if (hs_tree_compute (&graph, &tree) < 0)
    {
      graph.failed = HS_FAILED_MEMORY;
      goto out;
    }
  hs_tree = tree;
  memset (&tree, 0, sizeof tree);
  result = hs_tree_totals_tuple ();

out:
  if (gc_was_enabled)
    hs_gc_enable ();
  Py_XDECREF (listed);
  hs_graph_clear (&graph);
  PyMem_RawFree (tree.addresses);
  PyMem_RawFree (tree.tracked);
  PyMem_RawFree (tree.outside);
  PyMem_RawFree (tree.idom);
  PyMem_RawFree (tree.via);
  PyMem_RawFree (tree.retained);
  PyMem_RawFree (tree.count);
  if (result == NULL && !PyErr_Occurred ())
    {
      if (graph.failed == HS_FAILED_SIZE)
        PyErr_SetString (PyExc_OverflowError, "too many objects or references for the dominator tree");
      else
        PyErr_NoMemory ();
    }
  return result;
}

PyObject *
hs_tree_drop (PyObject *module,
              PyObject *unused)
{
  hs_tree_clear ();
  Py_RETURN_NONE;
}

PyObject *
hs_tree_totals (PyObject *module,
                PyObject *unused)
{
  if (hs_tree.addresses == NULL)
    Py_RETURN_NONE;
  return hs_tree_totals_tuple ();
}

/* ---- questions to the kept tree ------------------------------------------------------- */

/* The position of each of `n` addresses (-1: unknown to the tree), in one
 * pass over the addresses. */
static int
hs_tree_positions (const uintptr_t *wanted,
                   Py_ssize_t       n,
                   Py_ssize_t      *positions)
{
  HsPtrTable table;

  for (Py_ssize_t j = 0; j < n; j++)
    positions[j] = -1;
  if (n <= 4)
    {
      /* A straight compare is faster than a probe for one or two. */
      for (Py_ssize_t i = 1; i < hs_tree.n_all; i++)
        for (Py_ssize_t j = 0; j < n; j++)
          if (hs_tree.addresses[i] == wanted[j])
            positions[j] = i;
      return 0;
    }
  if (hs_ptr_table_init (&table, (size_t) n, 1) < 0)
    return -1;
  for (Py_ssize_t j = 0; j < n; j++)
    if (hs_ptr_table_add (&table, (void *) wanted[j], -1) < 0)
      {
        hs_ptr_table_clear (&table);
        return -1;
      }
  for (Py_ssize_t i = 1; i < hs_tree.n_all; i++)
    {
      size_t slot = hs_ptr_table_slot (&table, hs_tree.addresses[i]);

      if (table.keys[slot] == hs_tree.addresses[i])
        table.values[slot] = i;
    }
  for (Py_ssize_t j = 0; j < n; j++)
    positions[j] = hs_ptr_table_lookup (&table, (void *) wanted[j]);
  hs_ptr_table_clear (&table);
  return 0;
}

PyObject *
hs_tree_retained (PyObject *module,
                  PyObject *objects)
{
  PyObject *fast = PySequence_Fast (objects, "tree_retained: expected a sequence");
  PyObject *values = NULL;
  PyObject *result = NULL;
  uintptr_t *wanted = NULL;
  Py_ssize_t *positions = NULL;
  Py_ssize_t n;
  Py_ssize_t unknown = 0;

  if (fast == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (fast);
  wanted = PyMem_RawMalloc ((size_t) n * sizeof (uintptr_t) + 1);
  positions = PyMem_RawMalloc ((size_t) n * sizeof (Py_ssize_t) + 1);
  if (wanted == NULL || positions == NULL)
    {
      PyErr_NoMemory ();
      goto out;
    }
  for (Py_ssize_t j = 0; j < n; j++)
    {
      wanted[j] = (uintptr_t) PySequence_Fast_GET_ITEM (fast, j);
      positions[j] = -1;
    }
  if (hs_tree.addresses != NULL && hs_tree_positions (wanted, n, positions) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  values = PyList_New (n);
  if (values == NULL)
    goto out;
  for (Py_ssize_t j = 0; j < n; j++)
    {
      Py_ssize_t position = positions[j];
      PyObject *value;

      if (position < 0)
        unknown++;
      if (position > 0 && position < hs_tree.reached)
        value = Py_BuildValue ("(nn)", hs_tree.retained[position],
                               (Py_ssize_t) hs_tree.count[position]);
      else
        {
          Py_INCREF (Py_None);
          value = Py_None;
        }
      if (value == NULL)
        goto out;
      PyList_SET_ITEM (values, j, value);
    }
  result = Py_BuildValue ("(On)", values, unknown);

out:
  Py_XDECREF (values);
  Py_DECREF (fast);
  PyMem_RawFree (wanted);
  PyMem_RawFree (positions);
  return result;
}

/* A position as a key of an HsPtrTable, whose hash drops an address's low
 * four bits (always zero in an object's address). */
#define HS_POSITION_KEY(position) ((void *) ((uintptr_t) (position) << 4))

/* Whether the kept tree places `position` under another member of `group`:
 * the member's own retained size is then already in that one's. */
static int
hs_tree_under_member (const HsPtrTable *members,
                      Py_ssize_t        position,
                      Py_ssize_t        group)
{
  for (uint32_t up = hs_tree.idom[position]; up != 0; up = hs_tree.idom[up])
    if (hs_ptr_table_lookup (members, HS_POSITION_KEY (up)) == group)
      return 1;
  return 0;
}

PyObject *
hs_tree_sets (PyObject *module,
              PyObject *args)
{
  PyObject *objects;
  PyObject *groups;
  PyObject *fast = NULL;
  PyObject *fast_groups = NULL;
  PyObject *states = NULL;
  PyObject *sizes = NULL;
  PyObject *result = NULL;
  uintptr_t *wanted = NULL;
  Py_ssize_t *positions = NULL;
  Py_ssize_t *group_of = NULL;
  Py_ssize_t *bytes = NULL;
  Py_ssize_t *counts = NULL;
  HsPtrTable members = { 0 };
  Py_ssize_t n;
  Py_ssize_t n_groups = 0;
  Py_ssize_t unknown = 0;

  if (!PyArg_ParseTuple (args, "OO:tree_sets", &objects, &groups))
    return NULL;
  fast = PySequence_Fast (objects, "tree_sets: expected a sequence of objects");
  if (fast == NULL)
    return NULL;
  fast_groups = PySequence_Fast (groups, "tree_sets: expected a sequence of group numbers");
  if (fast_groups == NULL)
    goto out;
  n = PySequence_Fast_GET_SIZE (fast);
  if (PySequence_Fast_GET_SIZE (fast_groups) != n)
    {
      PyErr_SetString (PyExc_ValueError, "tree_sets: one group number per object");
      goto out;
    }
  wanted = PyMem_RawMalloc ((size_t) n * sizeof (uintptr_t) + 1);
  positions = PyMem_RawMalloc ((size_t) n * sizeof (Py_ssize_t) + 1);
  group_of = PyMem_RawMalloc ((size_t) n * sizeof (Py_ssize_t) + 1);
  if (wanted == NULL || positions == NULL || group_of == NULL)
    {
      PyErr_NoMemory ();
      goto out;
    }
  for (Py_ssize_t j = 0; j < n; j++)
    {
      Py_ssize_t group = PyLong_AsSsize_t (PySequence_Fast_GET_ITEM (fast_groups, j));

      if (group == -1 && PyErr_Occurred ())
        goto out;
      if (group < -1 || group >= n)
        {
          PyErr_SetString (PyExc_ValueError, "tree_sets: a group number out of range");
          goto out;
        }
      group_of[j] = group;
      n_groups = group + 1 > n_groups ? group + 1 : n_groups;
      wanted[j] = (uintptr_t) PySequence_Fast_GET_ITEM (fast, j);
      positions[j] = -1;
    }
  if (hs_tree.addresses != NULL && hs_tree_positions (wanted, n, positions) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  bytes = PyMem_RawCalloc ((size_t) n_groups + 1, sizeof (Py_ssize_t));
  counts = PyMem_RawCalloc ((size_t) n_groups + 1, sizeof (Py_ssize_t));
  if (bytes == NULL || counts == NULL || hs_ptr_table_init (&members, (size_t) n, 1) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  for (Py_ssize_t j = 0; j < n; j++)
    if (positions[j] > 0 && positions[j] < hs_tree.reached && group_of[j] >= 0
        && hs_ptr_table_add (&members, HS_POSITION_KEY (positions[j]), group_of[j]) < 0)
      {
        PyErr_NoMemory ();
        goto out;
      }

  states = PyList_New (n);
  if (states == NULL)
    goto out;
  for (Py_ssize_t j = 0; j < n; j++)
    {
      Py_ssize_t position = positions[j];
      long state;
      PyObject *value;

      if (position < 0)
        {
          state = 3;
          unknown++;
        }
      else if (position >= hs_tree.reached)
        state = 2;
      else
        {
          state = hs_bit (hs_tree.outside, position);
          if (group_of[j] >= 0 && !hs_tree_under_member (&members, position, group_of[j]))
            {
              bytes[group_of[j]] += hs_tree.retained[position];
              counts[group_of[j]] += hs_tree.count[position];
            }
        }
      value = PyLong_FromLong (state);
      if (value == NULL)
        goto out;
      PyList_SET_ITEM (states, j, value);
    }
  sizes = PyList_New (n_groups);
  if (sizes == NULL)
    goto out;
  for (Py_ssize_t g = 0; g < n_groups; g++)
    {
      PyObject *value = Py_BuildValue ("(nn)", bytes[g], counts[g]);

      if (value == NULL)
        goto out;
      PyList_SET_ITEM (sizes, g, value);
    }
  result = Py_BuildValue ("(OOn)", states, sizes, unknown);

out:
  Py_XDECREF (states);
  Py_XDECREF (sizes);
  Py_XDECREF (fast_groups);
  Py_DECREF (fast);
  hs_ptr_table_clear (&members);
  PyMem_RawFree (wanted);
  PyMem_RawFree (positions);
  PyMem_RawFree (group_of);
  PyMem_RawFree (bytes);
  PyMem_RawFree (counts);
  return result;
}

/* Largest retained size first, then by address: a page's order is stable. */
static int
hs_compare_retained (const void *a,
                     const void *b)
{
  uint32_t i = *(const uint32_t *) a;
  uint32_t j = *(const uint32_t *) b;

  if (hs_tree.retained[i] != hs_tree.retained[j])
    return hs_tree.retained[i] > hs_tree.retained[j] ? -1 : 1;
  if (hs_tree.addresses[i] != hs_tree.addresses[j])
    return hs_tree.addresses[i] < hs_tree.addresses[j] ? -1 : 1;
  return 0;
}

typedef struct
{
  uintptr_t  wanted;
  PyObject  *found;             /* borrowed */
} HsFindReferent;

static int
hs_find_visit (PyObject *obj,
               void     *arg)
{
  HsFindReferent *find = arg;

  if (obj != NULL && (uintptr_t) obj == find->wanted)
    find->found = obj;
  return 0;
}

/* The live program objects now at the addresses of `positions` (new
 * references; NULL where none is found). A tracked one is looked for among
 * what the collector lists; an untracked one among the referents of its
 * `via` referrer, found the same way, up to HS_VIA_DEPTH untracked ones
 * deep. An object of the agent's at such an address is not taken. */
static int
hs_tree_find_objects (const uint32_t   *positions,
                      Py_ssize_t        n,
                      PyObject        **found,
                      const HsPtrTable *excluded,
                      const HsPtrTable *codes)
{
  PyObject *no_args[1] = { NULL };
  PyObject *listed = NULL;
  HsPtrTable tops;
  uint32_t chain[HS_VIA_DEPTH + 1];
  int gc_was_enabled;
  int result = -1;

  for (Py_ssize_t j = 0; j < n; j++)
    found[j] = NULL;
  if (hs_ptr_table_init (&tops, (size_t) n, 1) < 0)
    {
      PyErr_NoMemory ();
      return -1;
    }
  /* The tracked position each one is found through. */
  for (Py_ssize_t j = 0; j < n; j++)
    {
      uint32_t p = positions[j];
      int depth = 0;

      while (!hs_bit (hs_tree.tracked, p) && p != 0 && p < hs_tree.reached && depth < HS_VIA_DEPTH)
        {
          p = hs_tree.via[p];
          depth++;
        }
      if (p != 0 && hs_bit (hs_tree.tracked, p)
          && hs_ptr_table_add (&tops, (void *) hs_tree.addresses[p], -1) < 0)
        {
          PyErr_NoMemory ();
          goto out;
        }
    }

  gc_was_enabled = hs_gc_disable ();
  listed = PyObject_Vectorcall (hs_gc_get_objects, no_args, 0, NULL);
  if (gc_was_enabled)
    hs_gc_enable ();
  if (listed == NULL || !PyList_Check (listed))
    {
      if (listed != NULL)
        PyErr_SetString (PyExc_TypeError, "gc.get_objects() did not return a list");
      goto out;
    }
  for (Py_ssize_t i = 0, m = PyList_GET_SIZE (listed); i < m; i++)
    {
      PyObject *obj = PyList_GET_ITEM (listed, i);
      size_t slot = hs_ptr_table_slot (&tops, (uintptr_t) obj);

      if (tops.keys[slot] == (uintptr_t) obj)
        tops.values[slot] = i;
    }

  /* Down each chain: the list holds the top, which holds the rest. */
  for (Py_ssize_t j = 0; j < n; j++)
    {
      PyObject *obj = NULL;
      Py_ssize_t depth = 0;
      Py_ssize_t index;
      uint32_t p = positions[j];

      chain[depth++] = p;
      while (!hs_bit (hs_tree.tracked, p) && p != 0 && p < hs_tree.reached && depth <= HS_VIA_DEPTH)
        {
          p = hs_tree.via[p];
          chain[depth++] = p;
        }
      if (p == 0 || !hs_bit (hs_tree.tracked, p))
        continue;
      index = hs_ptr_table_lookup (&tops, (void *) hs_tree.addresses[p]);
      if (index < 0)
        continue;               /* gone */
      obj = PyList_GET_ITEM (listed, index);
      for (Py_ssize_t k = depth - 2; k >= 0 && obj != NULL; k--)
        {
          HsFindReferent find = { hs_tree.addresses[chain[k]], NULL };

          if (hs_can_traverse (obj))
            Py_TYPE (obj)->tp_traverse (obj, hs_find_visit, &find);
          obj = find.found;
        }
      if (obj == NULL
          || (excluded->used != 0 && hs_ptr_table_contains (excluded, obj))
          || hs_is_agent_frame (obj, codes))
        continue;
      Py_INCREF (obj);
      found[j] = obj;
    }
  result = 0;

out:
  Py_XDECREF (listed);
  hs_ptr_table_clear (&tops);
  return result;
}

PyObject *
hs_tree_children (PyObject *module,
                  PyObject *args)
{
  PyObject *obj;
  PyObject *skip_ids;
  PyObject *code_ids;
  Py_ssize_t offset;
  Py_ssize_t limit;
  HsPtrTable excluded = { 0 };
  HsPtrTable codes = { 0 };
  uint32_t *children = NULL;
  PyObject **found = NULL;
  PyObject *objects = NULL;
  PyObject *entries = NULL;
  PyObject *result = NULL;
  Py_ssize_t position = 0;
  Py_ssize_t total = 0;
  Py_ssize_t n_page = 0;

  if (!PyArg_ParseTuple (args, "OnnOO:tree_children", &obj, &offset, &limit, &skip_ids, &code_ids))
    return NULL;
  if (offset < 0 || limit < 0)
    {
      PyErr_SetString (PyExc_ValueError, "tree_children: negative offset or limit");
      return NULL;
    }
  if (hs_tree.addresses == NULL)
    return Py_BuildValue ("(iOOn[][])", 2, Py_None, Py_None, (Py_ssize_t) 0);
  if (obj != Py_None)
    {
      uintptr_t wanted = (uintptr_t) obj;

      if (hs_tree_positions (&wanted, 1, &position) < 0)
        return PyErr_NoMemory ();
      if (position < 0 || position >= hs_tree.reached)
        return Py_BuildValue ("(iOOn[][])", position < 0 ? 2 : 1, Py_None, Py_None, (Py_ssize_t) 0);
    }

  /* The dominatees: one pass over the tree, then sorted. */
  for (Py_ssize_t i = 1; i < hs_tree.reached; i++)
    if (hs_tree.idom[i] == (uint32_t) position)
      total++;
  children = PyMem_RawMalloc ((size_t) total * sizeof (uint32_t) + 1);
  if (children == NULL)
    return PyErr_NoMemory ();
  total = 0;
  for (Py_ssize_t i = 1; i < hs_tree.reached; i++)
    if (hs_tree.idom[i] == (uint32_t) position)
      children[total++] = (uint32_t) i;
  qsort (children, (size_t) total, sizeof (uint32_t), hs_compare_retained);

  if (offset < total)
    n_page = limit < total - offset ? limit : total - offset;
  found = PyMem_RawMalloc ((size_t) n_page * sizeof (PyObject *) + 1);
  if (found == NULL)
    {
      PyErr_NoMemory ();
      goto out;
    }
  if (hs_ptr_table_init (&excluded, 512, 0) < 0 || hs_ptr_table_init (&codes, 128, 0) < 0)
    {
      PyErr_NoMemory ();
      goto out;
    }
  if (hs_ptr_table_add_ids (&excluded, skip_ids) < 0 || hs_ptr_table_add_ids (&codes, code_ids) < 0)
    goto out;
  if (hs_tree_find_objects (children + offset, n_page, found, &excluded, &codes) < 0)
    {
      n_page = 0;
      goto out;
    }

  objects = PyList_New (n_page);
  entries = PyList_New (n_page);
  if (objects == NULL || entries == NULL)
    goto out;
  for (Py_ssize_t j = 0; j < n_page; j++)
    {
      uint32_t child = children[offset + j];
      PyObject *entry = Py_BuildValue ("(Nnn)", PyLong_FromVoidPtr ((void *) hs_tree.addresses[child]),
                                       hs_tree.retained[child], (Py_ssize_t) hs_tree.count[child]);

      if (entry == NULL)
        goto out;
      PyList_SET_ITEM (entries, j, entry);
      if (found[j] == NULL)
        {
          Py_INCREF (Py_None);
          found[j] = Py_None;
        }
      PyList_SET_ITEM (objects, j, found[j]);
      found[j] = NULL;
    }
  result = Py_BuildValue ("(innnOO)", 0, hs_tree.retained[position],
                          (Py_ssize_t) hs_tree.count[position], total, objects, entries);

out:
  if (found != NULL)
    for (Py_ssize_t j = 0; j < n_page; j++)
      Py_XDECREF (found[j]);
  PyMem_RawFree (found);
  PyMem_RawFree (children);
  hs_ptr_table_clear (&excluded);
  hs_ptr_table_clear (&codes);
  Py_XDECREF (objects);
  Py_XDECREF (entries);
  return result;
}
