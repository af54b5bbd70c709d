/* River's _attempt_to_split: rank the features' best split candidates (and
 * the null split), apply the Hoeffding bound, and grow a branch with one
 * leaf per child distribution when the best candidate wins. All blocks of a
 * split are allocated before the tree changes: a refused allocation leaves
 * the leaf as it was (the split is tried again a grace period later). */
#include "htree.h"

typedef struct cand_top {
  unsigned n;          /* candidates seen */
  double best, second; /* merits */
  int best_feature;    /* -1: the null split won */
  ht_split split;      /* the best feature candidate */
} cand_top;

/* Python's stable sort, then the last two: a later candidate wins ties. */
static void push(cand_top *c, double merit, const ht_split *s) {
  if (merit != merit) return;
  if (c->n == 0 || merit >= c->best) {
    c->second = c->best;
    c->best = merit;
    c->best_feature = s ? (int)s->feature : -1;
    if (s) c->split = *s;
  } else if (c->n == 1 || merit >= c->second) {
    c->second = merit;
  }
  c->n++;
}

static void rank_candidates(ht_tree *t, ht_leaf *l, cand_top *c) {
  const sl__pval *p = ht_p(t);
  double total = sl__ht_dist_total(&l->d), mx = 0.0, pre;
  unsigned i;
  size_t f;
  for (i = 0; i < l->d.n; i++)
    if (i == 0 || l->d.w[l->d.order[i]] > mx) mx = l->d.w[l->d.order[i]];
  if (mx != 0.0 && mx / total > p[HT_P_MAX_SHARE_TO_SPLIT].d) {
    push(c, -HUGE_VAL, NULL);
    return;
  }
  if (p[HT_P_MERIT_PREPRUNE].i) push(c, -HUGE_VAL, NULL);
  pre = sl__ht_pre_merit(t, &l->d);
  for (f = 0; f < t->F; f++) {
    ht_split s;
    t->fhas[f] = 0;
    if (l->disabled[f]) continue;
    s = sl__ht_obs_best_split(t, l, f, pre);
    t->fhas[f] = (uint8_t)s.has;
    t->fmerit[f] = s.merit;
    push(c, s.merit, s.has ? &s : NULL);
  }
}

/* River's remove_poor_attrs; only majority-class leaves drop features
 * (naive Bayes ones keep them for their predictions). */
static void drop_poor(ht_tree *t, ht_leaf *l, const cand_top *c, double bound) {
  size_t f;
  if (!ht_p(t)[HT_P_REMOVE_POOR_ATTRS].i || t->adaptive || ht_p(t)[HT_P_LEAF_PREDICTION].i != HT_PRED_MC) return;
  for (f = 0; f < t->F; f++)
    if (!l->disabled[f] && t->fhas[f] && c->best - t->fmerit[f] > bound) l->disabled[f] = 1;
}

static void fill_child(ht_tree *t, ht_leaf *child, unsigned i) {
  unsigned j;
  for (j = 0; j < t->sn[i]; j++) {
    unsigned c = t->so[i * t->C + j];
    child->d.order[j] = (uint8_t)c;
    child->d.w[c] = t->sw[i * t->C + c];
  }
  child->d.n = t->sn[i];
  child->last_split_at = sl__ht_dist_total(&child->d);
}

static int grow(ht_tree *t, ht_leaf *l, ht_node **slot, const ht_split *s) {
  unsigned k = sl__ht_obs_children(t, l, s), i;
  int multiway = s->kind == HT_SPLIT_NOMINAL_MULTIWAY;
  size_t structure = t->branch_bytes[multiway] + k * t->leaf_bytes + sl__ht_rank_need(t, (size_t)t->n_leaves + k), v;
  ht_branch *b;
  if (structure + k * t->obs_bytes > sl__ht_room(t)) sl__ht_enforce(t, structure + k * t->obs_bytes, l);
  if (structure > sl__ht_room(t)) return 0;
  if (sl__ht_rank_reserve(t, (size_t)t->n_leaves + k) != SL_OK) goto fail_early;
  if (!(b = sl__ht_branch_new(t, l->h.depth, multiway))) goto fail_early;
  b->h.split_kind = (uint8_t)s->kind;
  b->feature = s->feature;
  b->threshold = s->value;
  for (i = 0; i < k; i++) {
    ht_leaf *child = sl__ht_leaf_new(t, l->h.depth + 1, t->obs_bytes <= sl__ht_room(t));
    if (!child) {
      sl__ht_free(t, (ht_node *)b);
      goto fail_early;
    }
    fill_child(t, child, i);
    b->child[b->n_children++] = (ht_node *)child;
  }
  if (multiway) {
    const double *seen = ht_nom(t, l->obs, s->feature) + t->V * t->C;
    for (v = 0, i = 0; v < t->V; v++)
      if (seen[v] != 0.0) b->map[v] = (uint8_t)i++;
  }
  *slot = (ht_node *)b;
  sl__ht_free(t, (ht_node *)l);
  return 1;
fail_early:
  t->split_failures++;
  return 0;
}

int sl__ht_attempt_split(ht_tree *t, ht_leaf *l, ht_node **slot) {
  const sl__pval *p = ht_p(t);
  cand_top c;
  int split;
  if (sl__ht_dist_nonzero2(&l->d) < 2) return 0;
  memset(&c, 0, sizeof c);
  c.best_feature = -1;
  rank_candidates(t, l, &c);
  if (c.n < 2) {
    split = c.n > 0;
  } else {
    double r = sl__ht_range_of_merit(t, &l->d), n = sl__ht_dist_total(&l->d);
    double bound = sqrt((r * r * log(1.0 / p[HT_P_DELTA].d)) / (2.0 * n));
    split = c.best - c.second > bound || bound < p[HT_P_TAU].d;
    drop_poor(t, l, &c, bound);
  }
  if (!split) return 0;
  if (c.best_feature < 0) { /* the null split won: River deactivates, then reactivates if memory allows */
    if (!sl__ht_over_budget(t))
      sl__ht_obs_clear(t, l);
    else
      sl__ht_leaf_deactivate(t, l);
    return 0;
  }
  return grow(t, l, slot, &c.split);
}
