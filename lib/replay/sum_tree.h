/*
 * A sum tree (Schaul et al. 2016, appendix B.2.1): non-negative masses on
 * n leaves, every internal node the sum of its two children, so the total is
 * the root and a prefix-sum search finds the leaf covering a point in
 * O(log n). Leaves live at [P, 2P) of one array of 2P nodes, P the power of
 * two at or above n; node 1 is the root, node 0 is unused.
 *
 * Nodes are sl_real: float on an MCU moves sampling probabilities by a few
 * parts in 10^7, which replay tolerates. A parent is always recomputed as
 * left + right (never adjusted by a delta), so the tree holds the same bits
 * whatever order of updates led to its leaves, and rebuilding it from the
 * leaves (a checkpoint load) gives exactly the tree that was saved.
 */
#ifndef SL_REPLAY_SUM_TREE_H
#define SL_REPLAY_SUM_TREE_H

#include "../core/deps.h"

typedef struct sl__sum_tree {
  sl_real *node; /* 2 * leaves entries, caller-owned */
  size_t leaves; /* P, a power of two */
} sl__sum_tree;

/* Nodes needed for n leaves (2P), or 0 when that would overflow. */
size_t sl__sum_tree_nodes(size_t n);
/* Uses `node` (sl__sum_tree_nodes(n) entries) as the tree; all masses 0. */
void sl__sum_tree_init(sl__sum_tree *t, sl_real *node, size_t n);
/* Sets leaf i to mass m (finite, >= 0) and re-sums its ancestors. */
void sl__sum_tree_set(sl__sum_tree *t, size_t i, sl_real m);
/* Re-sums every internal node from the leaves (after writing leaves directly). */
void sl__sum_tree_rebuild(sl__sum_tree *t);
/* All masses back to 0. */
void sl__sum_tree_zero(sl__sum_tree *t);

static inline sl_real sl__sum_tree_total(const sl__sum_tree *t) { return t->node[1]; }
static inline sl_real sl__sum_tree_get(const sl__sum_tree *t, size_t i) { return t->node[t->leaves + i]; }
static inline sl_real *sl__sum_tree_leaves(sl__sum_tree *t) { return t->node + t->leaves; }

/* The leaf whose share of [0, total) holds `u` (0 <= u < total, total > 0):
 * the first leaf whose prefix sum exceeds u. Never returns a leaf of zero
 * mass, even where rounding puts u at the edge of a subtree (or at the
 * total itself). Arithmetic in sl_real: single precision on an MCU's FPU. */
size_t sl__sum_tree_find(const sl__sum_tree *t, sl_real u);

#endif
