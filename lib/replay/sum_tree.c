/* The sum tree behind prioritized replay. See sum_tree.h. */
#include "sum_tree.h"

size_t sl__sum_tree_nodes(size_t n) {
  size_t p = 1;
  while (p < n) {
    if (p > SIZE_MAX / 4) return 0;
    p <<= 1;
  }
  return 2 * p;
}

void sl__sum_tree_init(sl__sum_tree *t, sl_real *node, size_t n) {
  t->node = node;
  t->leaves = sl__sum_tree_nodes(n) / 2;
  sl__sum_tree_zero(t);
}

void sl__sum_tree_zero(sl__sum_tree *t) { SL__MEMSET(t->node, 0, 2 * t->leaves * sizeof(sl_real)); }

void sl__sum_tree_set(sl__sum_tree *t, size_t i, sl_real m) {
  sl_real *node = t->node;
  size_t j = t->leaves + i;
  node[j] = m;
  for (j >>= 1; j; j >>= 1) node[j] = node[2 * j] + node[2 * j + 1];
}

void sl__sum_tree_rebuild(sl__sum_tree *t) {
  size_t j;
  for (j = t->leaves - 1; j; j--) t->node[j] = t->node[2 * j] + t->node[2 * j + 1];
}

size_t sl__sum_tree_find(const sl__sum_tree *t, sl_real u) {
  const sl_real *node = t->node;
  size_t j = 1;
  while (j < t->leaves) {
    sl_real left = node[2 * j];
    j *= 2;
    /* Go right when u is past the left mass, unless the right is empty:
     * then u sits past the total only by rounding, and left is not empty
     * because this node is not. */
    if (!(u < left) && node[j + 1] > 0) {
      u -= left;
      j++;
    }
  }
  return j - t->leaves;
}
