/* Sorting an example down the tree: River's branch_no, most_common_path and
 * the new branch a multiway nominal split grows for a value it has not seen. */
#include "htree.h"

int sl__ht_branch_no(const ht_tree *t, const ht_branch *b, const double *x) {
  double v = x[b->feature];
  switch (b->h.split_kind) {
  case HT_SPLIT_NUMERIC: return v <= b->threshold ? 0 : 1;
  case HT_SPLIT_NOMINAL_BINARY: return v == b->threshold ? 0 : 1;
  default:
    if (v >= 0 && v < (double)t->V && v == floor(v) && b->map[(size_t)v] != HT_NO_CHILD) return b->map[(size_t)v];
    return -1;
  }
}

double sl__ht_node_weight(const ht_node *n) {
  const ht_branch *b;
  double s = 0.0;
  unsigned i;
  if (n->is_leaf) return sl__ht_dist_total(&((const ht_leaf *)n)->d);
  b = (const ht_branch *)n;
  for (i = 0; i < b->n_children; i++) s += sl__ht_node_weight(b->child[i]);
  return s;
}

unsigned sl__ht_most_common(const ht_branch *b) {
  unsigned i, best = 0;
  double bw;
  if (b->n_children == 2) /* River's binary branches: right only when strictly heavier */
    return sl__ht_node_weight(b->child[0]) < sl__ht_node_weight(b->child[1]) ? 1 : 0;
  bw = sl__ht_node_weight(b->child[0]);
  for (i = 1; i < b->n_children; i++) {
    double w = sl__ht_node_weight(b->child[i]);
    if (w > bw) {
      bw = w;
      best = i;
    }
  }
  return best;
}

ht_node **sl__ht_find_slot(ht_tree *t, const double *x) {
  ht_node **slot = &t->root;
  while (*slot && !(*slot)->is_leaf) {
    ht_branch *b = (ht_branch *)*slot;
    int i = sl__ht_branch_no(t, b, x);
    slot = &b->child[i >= 0 ? (unsigned)i : sl__ht_most_common(b)];
  }
  return slot;
}

int sl__ht_add_branch(ht_tree *t, ht_branch *b, const double *x) {
  size_t v = (size_t)x[b->feature];
  ht_leaf *l;
  size_t need = t->leaf_bytes + t->obs_bytes + sl__ht_rank_need(t, (size_t)t->n_leaves + 1);
  if (b->n_children >= t->V || need > sl__ht_room(t)) return -1;
  if (sl__ht_rank_reserve(t, (size_t)t->n_leaves + 1) != SL_OK) return -1;
  if (!(l = sl__ht_leaf_new(t, b->h.depth + 1, 1))) return -1;
  b->map[v] = (uint8_t)b->n_children;
  b->child[b->n_children++] = (ht_node *)l;
  return b->map[v];
}
