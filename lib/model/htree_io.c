/* Checkpoint of a tree: the tree's counters, then its nodes in preorder.
 * Loading rebuilds every block through the same constructors as learning,
 * so a loaded tree holds the same bytes, and checks every count, index,
 * depth and value it reads. */
#include "htree.h"

enum { TAG_NONE, TAG_LEAF, TAG_BRANCH };

static void put_dist(sl__writer *w, const ht_dist *d) {
  unsigned i;
  sl__put_u8(w, (uint8_t)d->n);
  for (i = 0; i < d->n; i++) {
    sl__put_u8(w, d->order[i]);
    sl__put_f64(w, d->w[d->order[i]]);
  }
}

static sl_status put_node(const ht_tree *t, const ht_node *n, sl__writer *w) {
  sl_status st = SL_OK;
  if (!n) {
    sl__put_u8(w, TAG_NONE);
    return SL_OK;
  }
  sl__put_u8(w, n->is_leaf ? TAG_LEAF : TAG_BRANCH);
  sl__put_u32(w, n->depth);
  if (!n->is_leaf) sl__put_u8(w, n->split_kind); /* sizes the block, so it comes first */
  if (t->adaptive) {
    if ((st = t->hooks->adwin_save(n->adwin, w)) != SL_OK) return st;
    sl__put_f64(w, n->err_n);
    sl__put_f64(w, n->err_mean);
  }
  if (n->is_leaf) {
    const ht_leaf *l = (const ht_leaf *)n;
    put_dist(w, &l->d);
    sl__put_f64(w, l->last_split_at);
    sl__put_f64(w, l->mc_correct);
    sl__put_f64(w, l->nb_correct);
    sl__put_bytes(w, l->disabled, t->F);
    sl__put_u8(w, l->obs != NULL);
    if (l->obs) {
      sl__ht_obs_put(t, l, w);
      sl__put_bytes(w, ht_obs_order(t, l->obs), 1 + t->C);
    }
  } else {
    const ht_branch *b = (const ht_branch *)n;
    unsigned i;
    sl__put_u32(w, b->feature);
    sl__put_f64(w, b->threshold);
    sl__put_u8(w, (uint8_t)b->n_children);
    if (b->map) sl__put_bytes(w, b->map, t->V);
    for (i = 0; i < b->n_children && st == SL_OK; i++) st = put_node(t, b->child[i], w);
    if (t->adaptive && st == SL_OK) st = put_node(t, (const ht_node *)b->alt, w);
  }
  return st;
}

sl_status sl__ht_save(const ht_tree *t, sl__writer *w) {
  size_t i;
  sl__put_f64(w, t->weight_seen);
  sl__put_bytes(w, t->seen, t->C);
  sl__put_u64(w, t->since_check);
  sl__put_u64(w, t->split_failures);
  sl__put_u64(w, t->n_alternate);
  sl__put_u64(w, t->n_pruned);
  sl__put_u64(w, t->n_switched);
  for (i = 0; i < 4; i++) sl__put_u64(w, t->rng.s[i]);
  sl__put_u64(w, t->rank_cap);
  return put_node(t, t->root, w);
}

/* Classes present, each once and below C, with finite weights. */
static int get_order(const ht_tree *t, sl__reader *r, uint8_t *order, unsigned n) {
  unsigned i, j;
  if (!sl__expect(r, n <= t->C)) return 0;
  for (i = 0; i < n; i++) {
    if (!sl__expect(r, order[i] < t->C)) return 0;
    for (j = 0; j < i; j++)
      if (!sl__expect(r, order[j] != order[i])) return 0;
  }
  return 1;
}

static void get_dist(const ht_tree *t, sl__reader *r, ht_dist *d) {
  unsigned i;
  d->n = sl__get_u8(r);
  if (!sl__expect(r, d->n <= t->C)) return;
  for (i = 0; i < d->n && r->st == SL_OK; i++) {
    d->order[i] = sl__get_u8(r);
    if (!sl__expect(r, d->order[i] < t->C)) return;
    d->w[d->order[i]] = sl__get_finite(r);
  }
  get_order(t, r, d->order, d->n);
}

/* The adaptive tree's detector and mean error. */
static sl_status get_head(ht_tree *t, ht_node *n, sl__reader *r) {
  sl_status st;
  if (!t->adaptive) return SL_OK;
  t->hooks->adwin_free(n->adwin);
  n->adwin = NULL;
  if ((st = t->hooks->adwin_load(t, &n->adwin, r)) == SL_ENOMEM) return st;
  if (!sl__expect(r, st == SL_OK)) return r->st;
  n->err_n = sl__get_finite(r);
  n->err_mean = sl__get_finite(r);
  sl__expect(r, n->err_n >= 0 && n->err_mean >= 0 && n->err_mean <= 1);
  return r->st;
}

static sl_status get_node(ht_tree *t, ht_node **slot, uint32_t depth, int allow_none, sl__reader *r);

static sl_status get_leaf(ht_tree *t, ht_node **slot, uint32_t depth, sl__reader *r) {
  ht_leaf *l;
  size_t i;
  int active;
  if (!(l = sl__ht_leaf_new(t, depth, 1))) return SL_ENOMEM;
  *slot = (ht_node *)l;
  if (get_head(t, &l->h, r) != SL_OK) return r->st != SL_OK ? r->st : SL_ENOMEM;
  get_dist(t, r, &l->d);
  l->last_split_at = sl__get_finite(r);
  l->mc_correct = sl__get_finite(r);
  l->nb_correct = sl__get_finite(r);
  sl__get_bytes(r, l->disabled, t->F);
  for (i = 0; i < t->F && r->st == SL_OK; i++) sl__expect(r, l->disabled[i] <= 1);
  active = sl__get_u8(r);
  if (!sl__expect(r, active <= 1)) return r->st;
  if (!active) {
    sl__ht_leaf_deactivate(t, l);
    return r->st;
  }
  sl__ht_obs_get(t, l, r);
  {
    uint8_t *ord = ht_obs_order(t, l->obs);
    sl__get_bytes(r, ord, 1 + t->C);
    if (r->st == SL_OK) get_order(t, r, ord + 1, ord[0]);
  }
  return r->st;
}

static int valid_split(const ht_tree *t, const ht_branch *b, unsigned k) {
  switch (b->h.split_kind) {
  case HT_SPLIT_NUMERIC: return !t->nominal[b->feature] && k == 2 && sl__finite(b->threshold);
  case HT_SPLIT_NOMINAL_BINARY:
    return t->nominal[b->feature] && k == 2 && b->threshold >= 0 && b->threshold < (double)t->V &&
           b->threshold == floor(b->threshold);
  default: return t->nominal[b->feature] && k >= 1 && k <= t->V;
  }
}

/* Each child index appears exactly once in a multiway map. */
static int valid_map(const ht_tree *t, const ht_branch *b, unsigned k) {
  unsigned used = 0;
  size_t v, u;
  for (v = 0; v < t->V; v++) {
    if (b->map[v] == HT_NO_CHILD) continue;
    if (b->map[v] >= k) return 0;
    for (u = 0; u < v; u++)
      if (b->map[u] == b->map[v]) return 0;
    used++;
  }
  return used == k;
}

static sl_status get_branch(ht_tree *t, ht_node **slot, uint32_t depth, sl__reader *r) {
  ht_branch *b;
  uint8_t kind;
  unsigned k, i;
  sl_status st = SL_OK;
  kind = sl__get_u8(r);
  if (!sl__expect(r, kind <= HT_SPLIT_NOMINAL_MULTIWAY && (int64_t)depth < ht_p(t)[HT_P_MAX_DEPTH].i)) return r->st;
  if (!(b = sl__ht_branch_new(t, depth, kind == HT_SPLIT_NOMINAL_MULTIWAY))) return SL_ENOMEM;
  *slot = (ht_node *)b;
  b->h.split_kind = kind;
  if (get_head(t, &b->h, r) != SL_OK) return r->st != SL_OK ? r->st : SL_ENOMEM;
  b->feature = sl__get_u32(r);
  b->threshold = sl__get_finite(r);
  k = sl__get_u8(r);
  if (!sl__expect(r, b->feature < t->F) || !sl__expect(r, valid_split(t, b, k))) return r->st;
  if (b->map) {
    sl__get_bytes(r, b->map, t->V);
    if (!sl__expect(r, valid_map(t, b, k))) return r->st;
  }
  for (i = 0; i < k && st == SL_OK && r->st == SL_OK; i++) {
    st = get_node(t, &b->child[i], depth + 1, 0, r);
    if (b->child[i]) b->n_children = i + 1;
  }
  if (t->adaptive && st == SL_OK && r->st == SL_OK) {
    ht_node *alt = NULL;
    st = get_node(t, &alt, depth, 1, r);
    b->alt = (ht_leaf *)alt;
    sl__expect(r, !alt || alt->is_leaf);
  }
  return st != SL_OK ? st : r->st;
}

static sl_status get_node(ht_tree *t, ht_node **slot, uint32_t depth, int allow_none, sl__reader *r) {
  uint8_t tag = sl__get_u8(r);
  uint32_t d;
  if (r->st != SL_OK) return r->st;
  if (tag == TAG_NONE) return sl__expect(r, allow_none) ? SL_OK : r->st;
  d = sl__get_u32(r);
  if (!sl__expect(r, tag <= TAG_BRANCH && d == depth && (int64_t)d <= ht_p(t)[HT_P_MAX_DEPTH].i)) return r->st;
  if (sl__ht_rank_reserve(t, (size_t)t->n_leaves + 1) != SL_OK) return SL_ENOMEM;
  return tag == TAG_LEAF ? get_leaf(t, slot, depth, r) : get_branch(t, slot, depth, r);
}

sl_status sl__ht_load(ht_tree *t, sl__reader *r) {
  size_t i;
  uint64_t cap;
  sl_status st;
  t->weight_seen = sl__get_finite(r);
  sl__get_bytes(r, t->seen, t->C);
  for (i = 0; i < t->C && r->st == SL_OK; i++) sl__expect(r, t->seen[i] <= 1);
  t->since_check = sl__get_u64(r);
  t->split_failures = sl__get_u64(r);
  t->n_alternate = sl__get_u64(r);
  t->n_pruned = sl__get_u64(r);
  t->n_switched = sl__get_u64(r);
  for (i = 0; i < 4; i++) t->rng.s[i] = sl__get_u64(r);
  cap = sl__get_count(r, (uint64_t)1 << 32);
  if (r->st != SL_OK || !sl__expect(r, cap == 0 || (cap >= 16 && (cap & (cap - 1)) == 0))) return r->st;
  if (cap && sl__ht_rank_reserve(t, (size_t)cap) != SL_OK) return SL_ENOMEM;
  if ((st = get_node(t, &t->root, 0, 1, r)) != SL_OK) return st;
  return sl__expect(r, t->rank_cap == cap) ? SL_OK : r->st;
}
