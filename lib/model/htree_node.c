/* Node blocks and the memory budget: the layout of leaves, branches and
 * observer blocks, creating and freeing nodes, (de)activating leaves, and the
 * memory manager that keeps the most promising leaves active within max_size. */
#include "htree.h"

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

void sl__ht_offsets(ht_tree *t) {
  size_t f, off, C = t->C, V = t->V;
  t->n_nominal = t->n_numeric = 0;
  for (f = 0; f < t->F; f++)
    if (!t->nominal[f]) t->off[f] = t->n_numeric++;
  t->gstride = 1 + HT_G_FIELDS * t->n_numeric;
  off = C * t->gstride;
  for (f = 0; f < t->F; f++)
    if (t->nominal[f]) {
      t->off[f] = off;
      off += V * C + V + C;
      t->n_nominal++;
    }
  t->obs_doubles = off;
  t->obs_bytes = off * sizeof(double) + ALIGN8(1 + C);
  t->leaf_bytes = ALIGN8(sizeof(ht_leaf)) + C * sizeof(double) + ALIGN8(C + t->F);
  t->branch_bytes[0] = ALIGN8(sizeof(ht_branch)) + 2 * sizeof(ht_node *);
  t->branch_bytes[1] = ALIGN8(sizeof(ht_branch)) + V * sizeof(ht_node *) + ALIGN8(V);
}

sl_status sl__ht_layout(ht_tree *t) {
  sl__mem *m = &t->base.obj.mem;
  size_t C = (size_t)ht_p(t)[HT_P_MAX_CLASSES].i, V = (size_t)ht_p(t)[HT_P_MAX_NOMINAL_VALUES].i;
  size_t K = V > 2 ? V : 2, bytes;
  uint8_t *s;
  bytes = ALIGN8(K * C * sizeof(double)) + 2 * ALIGN8(t->F * sizeof(double)) + 3 * ALIGN8(C * sizeof(double)) +
          ALIGN8(K * sizeof(unsigned)) + ALIGN8(K * C) + ALIGN8(t->F);
  s = (uint8_t *)sl__alloc(m, bytes);
  if (!s) return SL_ENOMEM;
  sl__ht_scratch_free(t);
  t->scratch = s;
  t->scratch_bytes = bytes;
  t->C = C;
  t->V = V;
  t->sw = (double *)s;
  s += ALIGN8(K * C * sizeof(double));
  t->fmerit = (double *)s;
  s += ALIGN8(t->F * sizeof(double));
  t->votes = (double *)s;
  s += ALIGN8(C * sizeof(double));
  t->sigma = (double *)s;
  s += ALIGN8(C * sizeof(double));
  t->memo_p = (double *)s;
  s += ALIGN8(C * sizeof(double));
  t->memo_x = (double *)s;
  s += ALIGN8(t->F * sizeof(double));
  t->memo_valid = 0;
  t->sn = (unsigned *)s;
  s += ALIGN8(K * sizeof(unsigned));
  t->so = s;
  s += ALIGN8(K * C);
  t->fhas = s;
  sl__ht_offsets(t);
  return SL_OK;
}

void sl__ht_scratch_free(ht_tree *t) {
  sl__free(&t->base.obj.mem, t->scratch, t->scratch_bytes);
  t->scratch = NULL;
  t->scratch_bytes = 0;
}

static int below_max_depth(const ht_tree *t, uint32_t depth) {
  return (int64_t)depth < ht_p(t)[HT_P_MAX_DEPTH].i;
}

ht_leaf *sl__ht_leaf_new(ht_tree *t, uint32_t depth, int active) {
  sl__mem *m = &t->base.obj.mem;
  uint8_t *b = (uint8_t *)sl__alloc(m, t->leaf_bytes);
  ht_leaf *l = (ht_leaf *)b;
  if (!b) return NULL;
  l->h.is_leaf = 1;
  l->h.depth = depth;
  l->d.w = (double *)(b + ALIGN8(sizeof(ht_leaf)));
  l->d.order = (uint8_t *)(l->d.w + t->C);
  l->disabled = l->d.order + t->C;
  if (active && !(l->obs = (double *)sl__alloc(m, t->obs_bytes))) goto fail;
  if (t->adaptive && !(l->h.adwin = t->hooks->adwin_new(t))) goto fail;
  l->h.active = l->obs != NULL;
  t->epoch++;
  t->n_leaves++;
  if (l->obs) t->n_active++;
  else if (below_max_depth(t, depth)) t->n_inactive_mem++;
  return l;
fail:
  sl__free(m, l->obs, t->obs_bytes);
  sl__free(m, b, t->leaf_bytes);
  return NULL;
}

ht_branch *sl__ht_branch_new(ht_tree *t, uint32_t depth, int multiway) {
  sl__mem *m = &t->base.obj.mem;
  size_t n = t->branch_bytes[multiway != 0];
  uint8_t *b = (uint8_t *)sl__alloc(m, n);
  ht_branch *br = (ht_branch *)b;
  if (!b) return NULL;
  br->h.depth = depth;
  br->h.split_kind = multiway ? HT_SPLIT_NOMINAL_MULTIWAY : HT_SPLIT_NUMERIC;
  br->child = (ht_node **)(b + ALIGN8(sizeof(ht_branch)));
  if (multiway) {
    br->map = (uint8_t *)(br->child + t->V);
    memset(br->map, HT_NO_CHILD, t->V);
  }
  if (t->adaptive && !(br->h.adwin = t->hooks->adwin_new(t))) {
    sl__free(m, b, n);
    return NULL;
  }
  return br;
}

void sl__ht_free(ht_tree *t, ht_node *n) {
  sl__mem *m = &t->base.obj.mem;
  if (!n) return;
  t->epoch++;
  if (n->adwin) t->hooks->adwin_free(n->adwin);
  if (n->is_leaf) {
    ht_leaf *l = (ht_leaf *)n;
    t->n_leaves--;
    if (l->obs) t->n_active--;
    else if (below_max_depth(t, n->depth)) t->n_inactive_mem--;
    sl__free(m, l->obs, t->obs_bytes);
    sl__free(m, l, t->leaf_bytes);
  } else {
    ht_branch *b = (ht_branch *)n;
    unsigned i;
    for (i = 0; i < b->n_children; i++) sl__ht_free(t, b->child[i]);
    sl__ht_free(t, (ht_node *)b->alt);
    sl__free(m, b, t->branch_bytes[b->h.split_kind == HT_SPLIT_NOMINAL_MULTIWAY]);
  }
}

void sl__ht_leaf_deactivate(ht_tree *t, ht_leaf *l) {
  if (!l->obs) return;
  sl__free(&t->base.obj.mem, l->obs, t->obs_bytes);
  l->obs = NULL;
  l->h.active = 0;
  t->epoch++;
  t->n_active--;
  if (below_max_depth(t, l->h.depth)) t->n_inactive_mem++;
}

sl_status sl__ht_leaf_activate(ht_tree *t, ht_leaf *l) {
  if (l->obs) return SL_OK;
  if (!(l->obs = (double *)sl__alloc(&t->base.obj.mem, t->obs_bytes))) return SL_ENOMEM;
  l->h.active = 1;
  t->epoch++;
  t->n_active++;
  if (below_max_depth(t, l->h.depth)) t->n_inactive_mem--;
  return SL_OK;
}

void sl__ht_obs_clear(ht_tree *t, ht_leaf *l) {
  memset(l->obs, 0, t->obs_bytes);
  t->epoch++;
}

static size_t budget(const ht_tree *t) {
  double b = ht_p(t)[HT_P_MAX_SIZE].d * 1048576.0;
  return b >= (double)SIZE_MAX ? SIZE_MAX : (size_t)b;
}

int sl__ht_over_budget(const ht_tree *t) { return t->base.obj.mem.bytes > budget(t); }

size_t sl__ht_room(const ht_tree *t) {
  size_t b = budget(t), used = t->base.obj.mem.bytes;
  return b > used ? b - used : 0;
}

static size_t rank_cap_for(const ht_tree *t, size_t n) {
  size_t cap = t->rank_cap ? t->rank_cap : 16;
  while (cap < n) cap *= 2;
  return cap;
}

size_t sl__ht_rank_need(const ht_tree *t, size_t n) {
  return n <= t->rank_cap ? 0 : rank_cap_for(t, n) * sizeof(ht_rank);
}

sl_status sl__ht_rank_reserve(ht_tree *t, size_t n) {
  sl__mem *m = &t->base.obj.mem;
  size_t cap = rank_cap_for(t, n);
  ht_rank *r;
  if (n <= t->rank_cap) return SL_OK;
  if (!(r = (ht_rank *)sl__alloc_array(m, cap, sizeof *r))) return SL_ENOMEM;
  sl__free(m, t->rank, t->rank_cap * sizeof *t->rank);
  t->rank = r;
  t->rank_cap = cap;
  return SL_OK;
}

static void collect(ht_tree *t, ht_node *n, const ht_leaf *skip, size_t *k) {
  if (!n) return;
  if (n->is_leaf) {
    ht_leaf *l = (ht_leaf *)n;
    if (l != skip && *k < t->rank_cap) {
      t->rank[*k].promise = sl__ht_leaf_promise(l);
      t->rank[(*k)++].leaf = l;
    }
  } else {
    ht_branch *b = (ht_branch *)n;
    unsigned i;
    for (i = 0; i < b->n_children; i++) collect(t, b->child[i], skip, k);
    collect(t, (ht_node *)b->alt, skip, k);
  }
}

static int rank_less(const ht_rank *a, const ht_rank *b) { return a->promise < b->promise; }

static void sift(ht_rank *r, size_t i, size_t n) {
  for (;;) {
    size_t c = 2 * i + 1;
    ht_rank tmp;
    if (c >= n) return;
    if (c + 1 < n && rank_less(&r[c], &r[c + 1])) c++;
    if (!rank_less(&r[i], &r[c])) return;
    tmp = r[i];
    r[i] = r[c];
    r[c] = tmp;
    i = c;
  }
}

/* Heap sort, ascending promise: deterministic, in place, no allocation. */
static void rank_sort(ht_rank *r, size_t n) {
  size_t i;
  for (i = n / 2; i-- > 0;) sift(r, i, n);
  for (i = n; i-- > 1;) {
    ht_rank tmp = r[0];
    r[0] = r[i];
    r[i] = tmp;
    sift(r, 0, i);
  }
}

/* `keep` (a leaf about to split) is left as it is and its observers counted
 * as fixed. Under pressure a tenth of the room is kept free, so the next
 * splits do not each pay for a full pass. */
void sl__ht_enforce(ht_tree *t, size_t need, const ht_leaf *keep) {
  size_t k = 0, i, cut, b = budget(t), used = t->base.obj.mem.bytes, fixed, max_active;
  uint64_t others_active = t->n_active - (keep && keep->obs ? 1 : 0);
  int pressure = used + need > b;
  if (!pressure && t->n_inactive_mem == 0) return;
  collect(t, t->root, keep, &k);
  rank_sort(t->rank, k);
  fixed = used - (size_t)others_active * t->obs_bytes;
  max_active = b > fixed + need ? (b - fixed - need) / t->obs_bytes : 0;
  if (pressure) max_active -= max_active / 10;
  cut = k > max_active ? k - max_active : 0;
  for (i = 0; i < cut; i++) sl__ht_leaf_deactivate(t, t->rank[i].leaf);
  for (i = k; i-- > cut;) {
    ht_leaf *l = t->rank[i].leaf;
    if (!l->obs && below_max_depth(t, l->h.depth) && sl__ht_leaf_activate(t, l) != SL_OK) break;
  }
}

void sl__ht_count(const ht_node *n, ht_counts *c) {
  if (!n) return;
  c->nodes++;
  if (n->depth > c->depth) c->depth = n->depth;
  if (n->is_leaf) {
    c->leaves++;
    if (((const ht_leaf *)n)->obs) c->active++;
  } else {
    const ht_branch *b = (const ht_branch *)n;
    unsigned i;
    c->branches++;
    for (i = 0; i < b->n_children; i++) sl__ht_count(b->child[i], c);
  }
}
