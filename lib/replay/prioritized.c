/*
 * Prioritized replay, proportional variant (Schaul, Quan, Antonoglou &
 * Silver 2016): FIFO storage; record i is drawn with probability
 * P(i) = m_i / sum_j m_j where its mass m_i = priority_i^alpha; a drawn
 * record carries the importance-sampling weight
 * w_i = (N * P(i))^-beta / max_j w_j, N the records held and the max over
 * the batch (the paper's Algorithm 1). Priorities set by the caller have
 * "epsilon" added; a new record gets the largest priority set so far
 * ("initial_priority" before any), so it is replayed at least once soon.
 * A sum tree over the masses gives O(log capacity) add, draw and update.
 */
#include "replay_impl.h"
#include "sum_tree.h"

enum { PR_ALPHA = SL__RP_N_COMMON, PR_BETA, PR_EPSILON, PR_INITIAL };

static const sl_param_info pr_params[] = {
    SL__REPLAY_COMMON_PARAMS,
    {"alpha", SL_PARAM_DOUBLE, 0.6, 0, 1, NULL, "priority exponent: 0 samples uniformly, 1 in proportion",
     SL_PARAM_FIXED_AFTER_START},
    {"beta", SL_PARAM_DOUBLE, 0.4, 0, 1, NULL, "importance-sampling exponent (anneal it towards 1)", 0},
    {"epsilon", SL_PARAM_DOUBLE, 1e-6, 0, 1e6, NULL, "added to every priority set, so none is zero", 0},
    {"initial_priority", SL_PARAM_DOUBLE, 1.0, 0, SL__REPLAY_MAX_PRIORITY, NULL,
     "priority of new records until a larger one is set", SL_PARAM_FIXED_AFTER_START},
};

static const char *const pr_stats[] = {SL__REPLAY_COMMON_STATS, "total_mass", "max_priority"};

typedef struct sl__prio {
  sl_replay base;
  sl__sum_tree tree;   /* nodes in the kind's part of the block, then pr_stash */
  size_t positive;     /* records of non-zero mass */
  double max_priority; /* largest priority set so far, >= initial_priority */
  sl_real new_mass;    /* max_priority^alpha, given to new records */
} sl__prio;

/* Masses of the records drawn so far by a distinct draw: `capacity` reals
 * after the tree's nodes. */
static sl_real *pr_stash(const sl__prio *p) { return p->tree.node + 2 * p->tree.leaves; }

static void pr_set_max(sl__prio *p, double priority) {
  p->max_priority = priority;
  p->new_mass = (sl_real)pow(priority, p->base.obj.param[PR_ALPHA].d);
}

static void pr_set_mass(sl__prio *p, size_t slot, sl_real m) {
  if (sl__sum_tree_get(&p->tree, slot) > 0) p->positive--;
  if (m > 0) p->positive++;
  sl__sum_tree_set(&p->tree, slot, m);
}

static size_t pr_place(sl_replay *r, double target) {
  sl__prio *p = (sl__prio *)r;
  size_t slot = sl__replay_ring_place(r);
  (void)target;
  pr_set_mass(p, slot, p->new_mass);
  return slot;
}

/* One draw in proportion to mass; total > 0. */
static size_t pr_draw_one(sl__prio *p) {
  sl_real u = (sl_real)(sl__rng_uniform(&p->base.rng) * (double)sl__sum_tree_total(&p->tree));
  return sl__sum_tree_find(&p->tree, u);
}

static sl_status pr_draw(sl_replay *r, size_t k, int replace, double *is_w) {
  sl__prio *p = (sl__prio *)r;
  uint32_t *out = r->picked;
  size_t i;
  if (!(sl__sum_tree_total(&p->tree) > 0))
    return sl__fail(&r->obj, SL_ESTATE, "every priority is zero: nothing can be drawn");
  if (!replace && k > p->positive)
    return sl__fail(&r->obj, SL_ESTATE, "%z distinct draws asked, %z records have a non-zero priority", k,
                    p->positive);
  if (replace) {
    for (i = 0; i < k; i++) out[i] = (uint32_t)pr_draw_one(p);
  } else {
    /* Each draw among the records not yet drawn: take a drawn record's
     * mass out of the tree, and put every one back afterwards. */
    sl_real *stash = pr_stash(p);
    for (i = 0; i < k; i++) {
      size_t s = pr_draw_one(p);
      out[i] = (uint32_t)s;
      stash[i] = sl__sum_tree_get(&p->tree, s);
      sl__sum_tree_set(&p->tree, s, 0);
    }
    for (i = 0; i < k; i++) sl__sum_tree_set(&p->tree, out[i], stash[i]);
  }
  if (is_w && k) {
    /* w_i / max w = (m_i / m_min)^-beta = exp(beta * (log m_min - log m_i)):
     * N and the total cancel, and no division is needed. */
    double beta = r->obj.param[PR_BETA].d, lmin;
    for (i = 0; i < k; i++) is_w[i] = log((double)sl__sum_tree_get(&p->tree, out[i]));
    lmin = is_w[0];
    for (i = 1; i < k; i++)
      if (is_w[i] < lmin) lmin = is_w[i];
    for (i = 0; i < k; i++) is_w[i] = exp(beta * (lmin - is_w[i]));
  }
  return SL_OK;
}

static void pr_update(sl_replay *r, const size_t *slots, const double *priorities, size_t n) {
  sl__prio *p = (sl__prio *)r;
  double eps = r->obj.param[PR_EPSILON].d, alpha = r->obj.param[PR_ALPHA].d;
  size_t i;
  for (i = 0; i < n; i++) {
    double pr = priorities[i] + eps;
    if (pr > p->max_priority) pr_set_max(p, pr);
    pr_set_mass(p, slots[i], (sl_real)pow(pr, alpha));
  }
}

static void pr_clear(sl_replay *r) {
  sl__prio *p = (sl__prio *)r;
  sl__sum_tree_zero(&p->tree);
  p->positive = 0;
  pr_set_max(p, r->obj.param[PR_INITIAL].d);
}

static double pr_stat(const sl__object *o, size_t i) {
  const sl__prio *p = (const sl__prio *)o;
  if (i < SL__REPLAY_N_COMMON_STATS) return sl__replay_stat(o, i);
  if (i > SL__REPLAY_N_COMMON_STATS) return p->max_priority;
  return sl__replay_prepared(&p->base) ? (double)sl__sum_tree_total(&p->tree) : 0.0;
}

/* The kind's storage: a sum tree over `cap` leaves, then the stash. */
static size_t pr_storage_bytes(const sl_replay *r, size_t cap) {
  size_t nodes = sl__sum_tree_nodes(cap);
  (void)r;
  if (!nodes || nodes > SIZE_MAX / sizeof(sl_real) - cap) return SIZE_MAX;
  return (nodes + cap) * sizeof(sl_real);
}

static void pr_install(sl_replay *r, void *mem) {
  sl__prio *p = (sl__prio *)r;
  sl__sum_tree_init(&p->tree, (sl_real *)mem, r->capacity);
  p->positive = 0;
}

static sl_status pr_configure(sl__object *o, size_t changed, sl__pval old) {
  if (changed == PR_ALPHA || changed == PR_INITIAL) {
    pr_set_max((sl__prio *)o, o->param[PR_INITIAL].d); /* before data: no record holds a mass yet */
    return SL_OK;
  }
  return sl__replay_configure(o, changed, old);
}

static sl_status pr_save(const sl__object *o, sl__writer *w) {
  const sl__prio *p = (const sl__prio *)o;
  sl__replay_save_store(&p->base, w);
  if (!sl__replay_prepared(&p->base)) return SL_OK;
  sl__put_f64(w, p->max_priority);
  sl__put_reals(w, p->tree.node + p->tree.leaves, p->base.size);
  return SL_OK;
}

static sl_status pr_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_replay *rp = NULL;
  sl__prio *p;
  size_t i;
  sl_status st = sl__replay_create(&rp, &sl__prioritized_kind, params, r, args, a);
  *out = (sl__object *)rp;
  if (st != SL_OK) return st;
  p = (sl__prio *)rp;
  pr_set_max(p, rp->obj.param[PR_INITIAL].d);
  if (!r || !sl__replay_prepared(rp)) return SL_OK;
  {
    double mp = sl__get_finite(r);
    sl__expect(r, mp >= p->max_priority && mp <= SL__REPLAY_MAX_PRIORITY + 1e6);
    pr_set_max(p, mp);
  }
  sl__get_reals(r, sl__sum_tree_leaves(&p->tree), rp->size);
  for (i = 0; i < rp->size; i++) {
    sl_real m = sl__sum_tree_get(&p->tree, i);
    sl__expect(r, m >= 0);
    p->positive += m > 0;
  }
  sl__sum_tree_rebuild(&p->tree);
  return r->st;
}

static const sl__replay_ops pr_ops = {sizeof(sl__prio), pr_place, pr_draw, pr_update, pr_clear, NULL, pr_storage_bytes, pr_install};

const sl__kind sl__prioritized_kind = {
    SL__HANDLE_REPLAY, SL_REPLAY_PRIORITIZED, "prioritized", pr_params, sizeof pr_params / sizeof pr_params[0],
    pr_stats, sizeof pr_stats / sizeof pr_stats[0], pr_configure, pr_stat, pr_save, pr_build, sl__replay_destroy, &pr_ops,
};
