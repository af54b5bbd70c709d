/* Sorting an example down the tree: River's branch_no, most_common_path and
 * the new branch a multiway nominal split grows for a value it has not seen. */
#include "htree.h"

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

/* The slot memo_x reached by its own values (no unseen nominal value on
 * the way), when remembered since the tree last changed; else NULL. */
static ht_node **memo_slot(const ht_tree *t) {
  return t->memo_slot && t->memo_slot_epoch == t->epoch ? t->memo_slot : NULL;
}

static void memo_slot_set(ht_tree *t, ht_node **slot) {
  t->memo_slot = slot;
  t->memo_slot_epoch = t->epoch;
}

ht_node **sl__ht_find_slot(ht_tree *t, const double *x) {
  ht_node **slot = memo_slot(t);
  int direct = 1;
  if (slot) return slot;
  slot = &t->root;
  while (*slot && !(*slot)->is_leaf) {
    ht_branch *b = (ht_branch *)*slot;
    int i = sl__ht_branch_no(t, b, x);
    if (i < 0) {
      direct = 0;
      i = (int)sl__ht_most_common(b);
    }
    slot = &b->child[i];
  }
  if (direct && *slot) memo_slot_set(t, slot);
  return slot;
}

ht_node **sl__ht_learn_slot(ht_tree *t, const double *x, int *direct) {
  ht_node **slot = memo_slot(t);
  *direct = 1;
  if (slot) return slot;
  slot = &t->root;
  while (!(*slot)->is_leaf) {
    ht_branch *b = (ht_branch *)*slot;
    int i = sl__ht_branch_no(t, b, x);
    if (i < 0) { /* River grows a branch for the new value, else follows the heaviest path */
      *direct = 0;
      if ((i = sl__ht_add_branch(t, b, x)) < 0) i = (int)sl__ht_most_common(b);
    }
    slot = &b->child[i];
  }
  return slot;
}

void sl__ht_reach_note(ht_tree *t, const ht_leaf *l) {
  t->memo_reach = l;
  t->memo_reach_epoch = t->epoch;
}

const ht_leaf *sl__ht_reach(ht_tree *t, const ht_node *n, const double *x) {
  if (t->memo_reach && t->memo_reach_epoch == t->epoch) return t->memo_reach;
  while (!n->is_leaf) {
    const ht_branch *b = (const ht_branch *)n;
    int i = sl__ht_branch_no(t, b, x);
    n = b->child[i >= 0 ? (unsigned)i : sl__ht_most_common(b)];
  }
  sl__ht_reach_note(t, (const ht_leaf *)n);
  return (const ht_leaf *)n;
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
