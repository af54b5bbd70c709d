/*
 * Hoeffding tree (VFDT) classifier, after River's HoeffdingTreeClassifier
 * (Domingos & Hulten 2000; MOA's implementation): Gaussian observers for
 * numeric features, count tables for nominal ones, info gain / Gini /
 * Hellinger splits decided by the Hoeffding bound, majority class / naive
 * Bayes / naive Bayes adaptive leaves, and a byte budget. This file holds
 * what both tree kinds share (parameters, statistics, creation, the public
 * sl_model_set_nominal) and the plain tree's learn / predict.
 */
#include "htree.h"

#define FIXED SL_PARAM_FIXED_AFTER_START

const sl_param_info sl__ht_params[HT_N_HAT_PARAMS] = {
    {"grace_period", SL_PARAM_INT, 200, 1, 1e9, NULL, "weight a leaf sees between split attempts", 0},
    {"max_depth", SL_PARAM_INT, 980, 0, 1000, NULL, "deepest level a leaf may split at (River: None = recursion limit - 20)", FIXED},
    {"split_criterion", SL_PARAM_ENUM, HT_CRIT_INFO_GAIN, 0, 2, "info_gain|gini|hellinger", "merit of a split (hellinger: binary classes)", 0},
    {"delta", SL_PARAM_DOUBLE, 1e-7, 1e-300, 1, NULL, "significance of the Hoeffding bound (1 - confidence)", 0},
    {"tau", SL_PARAM_DOUBLE, 0.05, 0, 1e9, NULL, "bound below which a tie is broken by splitting", 0},
    {"leaf_prediction", SL_PARAM_ENUM, HT_PRED_NBA, 0, 2, "mc|nb|nba", "majority class, naive Bayes, or naive Bayes adaptive", 0},
    {"nb_threshold", SL_PARAM_INT, 0, 0, 1e12, NULL, "weight a leaf sees before naive Bayes is used (nb)", 0},
    {"binary_split", SL_PARAM_BOOL, 0, 0, 1, NULL, "only binary splits (nominal features too)", 0},
    {"min_branch_fraction", SL_PARAM_DOUBLE, 0.01, 0, 0.5, NULL, "share of weight two branches must each exceed", 0},
    {"max_share_to_split", SL_PARAM_DOUBLE, 0.99, 0, 1, NULL, "no split while the majority class holds more than this share", 0},
    {"max_size", SL_PARAM_DOUBLE, 100, 0.001, 1e7, NULL, "memory budget of the whole model in MiB; least promising leaves stop learning when reached", 0},
    {"memory_estimate_period", SL_PARAM_INT, 1000000, 1, 1e15, NULL, "examples between checks that reactivate leaves when there is room", 0},
    {"remove_poor_attrs", SL_PARAM_BOOL, 0, 0, 1, NULL, "drop features that cannot win at a leaf (majority-class leaves)", 0},
    {"merit_preprune", SL_PARAM_BOOL, 1, 0, 1, NULL, "the null split competes: a leaf may stop splitting", 0},
    {"n_splits", SL_PARAM_INT, 10, 1, 1000, NULL, "candidate thresholds per numeric feature (Gaussian observer)", 0},
    {"max_classes", SL_PARAM_INT, 8, 2, 255, NULL, "class labels accepted: 0 .. max_classes - 1 (sizes every leaf)", FIXED},
    {"max_nominal_values", SL_PARAM_INT, 32, 2, 254, NULL, "nominal feature values accepted: 0 .. max_nominal_values - 1", FIXED},
    {"bootstrap_sampling", SL_PARAM_BOOL, 1, 0, 1, NULL, "weight each example at a leaf by a Poisson(1) draw (0 draws keep the weight, as River)", 0},
    {"drift_window_threshold", SL_PARAM_INT, 300, 1, 1e12, NULL, "errors a subtree and its alternate each see before they are compared", 0},
    {"switch_significance", SL_PARAM_DOUBLE, 0.05, 1e-12, 1, NULL, "significance of the test that swaps in an alternate subtree", 0},
    {"seed", SL_PARAM_INT, 0, 0, 9007199254740992.0, NULL, "seed of the bootstrap draws", FIXED},
};

const char *const sl__ht_stat_names[] = {"depth",          "nodes",          "branches",
                                         "leaves",         "active_leaves",  "inactive_leaves",
                                         "weight_seen",    "split_failures", "alternate_trees",
                                         "pruned_alternate_trees", "switched_alternate_trees"};

/* ---- shared by both kinds --------------------------------------------------- */

static void *counting_alloc(void *ctx, size_t n) { return sl__alloc((sl__mem *)ctx, n); }
static void counting_free(void *ctx, void *p, size_t n) { sl__free((sl__mem *)ctx, p, n); }

sl_status sl__ht_build(sl__object **out, const sl__kind *k, const ht_hooks *hooks, const sl__pval *params,
                       sl__reader *r, const void *args, const sl_allocator *a) {
  sl_model *m = NULL;
  ht_tree *t;
  size_t f, n = r ? sl__model_load_head(r) : ((const sl__model_args *)args)->n_features;
  sl_status st;
  *out = NULL;
  if (r && r->st != SL_OK) return r->st;
  if ((st = sl__model_create(&m, k, sizeof(ht_tree), n, params, a)) != SL_OK) return st;
  *out = (sl__object *)m;
  t = (ht_tree *)m;
  t->adaptive = hooks != NULL;
  t->hooks = hooks;
  t->F = n;
  t->counting.struct_size = sizeof t->counting;
  t->counting.alloc = counting_alloc;
  t->counting.free = counting_free;
  t->counting.ctx = &m->obj.mem;
  sl__rng_seed(&t->rng, (uint64_t)m->obj.param[HT_P_SEED].i);
  if (!(t->nominal = (uint8_t *)sl__alloc(&m->obj.mem, n)) ||
      !(t->off = (size_t *)sl__alloc_array(&m->obj.mem, n, sizeof(size_t))))
    return SL_ENOMEM;
  if (r)
    for (f = 0; f < n; f++) {
      t->nominal[f] = sl__get_u8(r);
      if (!sl__expect(r, t->nominal[f] <= 1)) return r->st;
    }
  if ((st = sl__ht_layout(t)) != SL_OK) return st;
  return r ? sl__ht_load(t, r) : SL_OK;
}

void sl__ht_destroy(sl__object *o) {
  ht_tree *t = (ht_tree *)o;
  sl__ht_free(t, t->root);
  sl__free(&o->mem, t->rank, t->rank_cap * sizeof *t->rank);
  sl__ht_scratch_free(t);
  sl__free(&o->mem, t->nominal, t->F);
  sl__free(&o->mem, t->off, t->F * sizeof(size_t));
  sl__object_delete(o, sizeof(ht_tree));
}

sl_status sl__ht_configure(sl__object *o, size_t changed, sl__pval old) {
  ht_tree *t = (ht_tree *)o;
  (void)old;
  switch (changed) {
  case HT_P_MAX_CLASSES:
  case HT_P_MAX_NOMINAL_VALUES: return sl__ht_layout(t);
  case HT_P_SEED: sl__rng_seed(&t->rng, (uint64_t)o->param[HT_P_SEED].i); return SL_OK;
  case HT_P_MAX_SIZE: sl__ht_enforce(t, 0, NULL); return SL_OK;
  default: return SL_OK;
  }
}

double sl__ht_stat(const sl__object *o, size_t i) {
  const ht_tree *t = (const ht_tree *)o;
  ht_counts c;
  memset(&c, 0, sizeof c);
  sl__ht_count(t->root, &c);
  switch (i) {
  case 0: return (double)c.depth;
  case 1: return (double)c.nodes;
  case 2: return (double)c.branches;
  case 3: return (double)c.leaves;
  case 4: return (double)t->n_active;
  case 5: return (double)(t->n_leaves - t->n_active);
  case 6: return t->weight_seen;
  case 7: return (double)t->split_failures;
  case 8: return (double)t->n_alternate;
  case 9: return (double)t->n_pruned;
  default: return (double)t->n_switched;
  }
}

sl_status sl__ht_save_kind(const sl__object *o, sl__writer *w) {
  const ht_tree *t = (const ht_tree *)o;
  sl__model_save_head(&t->base, w);
  sl__put_bytes(w, t->nominal, t->F);
  return sl__ht_save(t, w);
}

size_t sl__ht_max_classes(const sl_model *m) { return ((const ht_tree *)m)->C; }

void sl__ht_reset(sl_model *m) {
  ht_tree *t = (ht_tree *)m;
  sl__ht_free(t, t->root);
  t->root = NULL;
  t->weight_seen = 0.0;
  memset(t->seen, 0, sizeof t->seen);
  t->since_check = t->split_failures = t->n_alternate = t->n_pruned = t->n_switched = 0;
  t->memo_valid = 0;
  sl__rng_seed(&t->rng, (uint64_t)m->obj.param[HT_P_SEED].i);
}

double sl__ht_output(const ht_tree *t, const double *dist, double *p, size_t n) {
  size_t c;
  int best = -1;
  for (c = 0; c < t->C; c++)
    if (t->seen[c] && (best < 0 || dist[c] > dist[best])) best = (int)c;
  if (p)
    for (c = 0; c < n; c++) p[c] = (c < t->C && t->seen[c]) ? dist[c] : 0.0;
  return best < 0 ? 0.0 : (double)best;
}

sl_status sl__ht_learn_begin(ht_tree *t, const double *x, double y, double w) {
  size_t f;
  if (t->n_nominal)
    for (f = 0; f < t->F; f++)
      if (t->nominal[f] && !(x[f] >= 0 && x[f] < (double)t->V && x[f] == floor(x[f])))
        return sl__fail(&t->base.obj, SL_EINVAL, "nominal feature %z is not a value index below max_nominal_values (%z)",
                        f, t->V);
  if (!t->root && (sl__ht_rank_reserve(t, 1) != SL_OK || !(t->root = (ht_node *)sl__ht_leaf_new(t, 0, 1))))
    return sl__fail(&t->base.obj, SL_ENOMEM, "no memory for the root leaf");
  t->seen[(unsigned)y] = 1;
  t->weight_seen += w;
  sl__ht_memo_sync(t, x);
  return SL_OK;
}

void sl__ht_memory_check(ht_tree *t) {
  if (++t->since_check >= (uint64_t)ht_p(t)[HT_P_MEMORY_ESTIMATE_PERIOD].i) {
    t->since_check = 0;
    sl__ht_enforce(t, 0, NULL);
  }
}

static int is_tree(const sl_model *m) {
  return m->obj.kind->id == SL_MODEL_HOEFFDING_TREE || m->obj.kind->id == SL_MODEL_HOEFFDING_ADAPTIVE_TREE;
}

SL_API sl_status sl_model_set_nominal(sl_model *m, const size_t *features, size_t n) {
  ht_tree *t = (ht_tree *)m;
  size_t i;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if (!is_tree(m)) return sl__fail(&m->obj, SL_EKIND, "kind '%s' has no nominal features", m->obj.kind->name);
  if (n && !features) return sl__fail(&m->obj, SL_EINVAL, "feature list is NULL");
  if (m->obj.started || t->root) return sl__fail(&m->obj, SL_ESTATE, "nominal features are fixed once the model has data");
  for (i = 0; i < n; i++)
    if (features[i] >= t->F) return sl__fail(&m->obj, SL_EDIM, "feature %z is past the model's %z", features[i], t->F);
  memset(t->nominal, 0, t->F);
  for (i = 0; i < n; i++) t->nominal[features[i]] = 1;
  sl__ht_offsets(t);
  return SL_OK;
}

/* Finds node i in preorder below n; *i counts down. */
static const ht_node *preorder(const ht_node *n, size_t *i) {
  const ht_branch *b;
  unsigned k;
  if (!n) return NULL;
  if ((*i)-- == 0) return n;
  if (n->is_leaf) return NULL;
  b = (const ht_branch *)n;
  for (k = 0; k < b->n_children; k++) {
    const ht_node *hit = preorder(b->child[k], i);
    if (hit) return hit;
  }
  return NULL;
}

SL_API sl_status sl_model_tree_node(const sl_model *m, size_t i, int *kind, size_t *depth, size_t *feature,
                                    double *value) {
  const ht_node *n;
  if (!m || !kind || !depth || !feature || !value) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if (!is_tree(m)) return sl__fail(&m->obj, SL_EKIND, "kind '%s' is not a tree", m->obj.kind->name);
  if (!(n = preorder(((const ht_tree *)m)->root, &i))) return SL_ENOTFOUND;
  *depth = n->depth;
  if (n->is_leaf) {
    *kind = 0;
    *feature = 0;
    *value = sl__ht_dist_total(&((const ht_leaf *)n)->d);
  } else {
    const ht_branch *b = (const ht_branch *)n;
    *kind = 1 + b->h.split_kind;
    *feature = b->feature;
    *value = b->h.split_kind == HT_SPLIT_NOMINAL_MULTIWAY ? (double)b->n_children : b->threshold;
  }
  return SL_OK;
}

/* ---- the plain tree ------------------------------------------------------------- */

static sl_status vfdt_learn(sl_model *m, const sl__row *x, double y, double w) {
  ht_tree *t = (ht_tree *)m;
  const sl__pval *p = ht_p(t);
  unsigned c = (unsigned)y;
  ht_node **slot;
  ht_leaf *l;
  int direct;
  sl_status st = sl__ht_learn_begin(t, x->dense, y, w);
  if (st != SL_OK) return st;
  slot = sl__ht_learn_slot(t, x->dense, &direct);
  l = (ht_leaf *)*slot;
  sl__ht_leaf_learn(t, l, x->dense, c, w, p[HT_P_LEAF_PREDICTION].i == HT_PRED_NBA);
  if (direct && l->obs) {
    if ((int64_t)l->h.depth >= p[HT_P_MAX_DEPTH].i) {
      sl__ht_leaf_deactivate(t, l);
    } else {
      double seen = sl__ht_dist_total(&l->d);
      if (seen - l->last_split_at >= (double)p[HT_P_GRACE_PERIOD].i && !sl__ht_attempt_split(t, l, slot))
        l->last_split_at = seen;
    }
  }
  sl__ht_memory_check(t);
  return SL_OK;
}

/* The leaf x reaches (NULL in an empty tree). */
static const ht_leaf *vfdt_leaf(ht_tree *t, const sl__row *x) {
  sl__ht_memo_sync(t, x->dense);
  return (const ht_leaf *)*sl__ht_find_slot(t, x->dense);
}

/* River's predict_proba_one: the distribution of leaf l for x, into t->votes. */
static void vfdt_dist(ht_tree *t, const ht_leaf *l, const sl__row *x) {
  if (l) sl__ht_leaf_predict(t, l, x->dense, t->votes);
  else memset(t->votes, 0, t->C * sizeof(double));
}

static void vfdt_predict_proba(sl_model *m, const sl__row *x, double *p, size_t n) {
  ht_tree *t = (ht_tree *)m;
  vfdt_dist(t, vfdt_leaf(t, x), x);
  sl__ht_output(t, t->votes, p, n);
}

static void vfdt_predict(sl_model *m, const sl__row *x, double *y) {
  ht_tree *t = (ht_tree *)m;
  const ht_leaf *l = vfdt_leaf(t, x);
  int c = l ? sl__ht_leaf_nb_class(t, l, x->dense) : -1;
  if (c >= 0) { /* a strict maximum: what sl__ht_output would pick from the distribution */
    *y = (double)c;
    return;
  }
  vfdt_dist(t, l, x);
  *y = sl__ht_output(t, t->votes, NULL, 0);
}

static sl_status vfdt_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                            const sl_allocator *a) {
  return sl__ht_build(out, &sl__hoeffding_tree_kind, NULL, params, r, args, a);
}

static const sl__model_ops vfdt_ops = {
    SL_TASK_CLASSIFICATION, 0, sl__ht_max_classes, vfdt_learn, vfdt_predict, vfdt_predict_proba, sl__ht_reset,
};

const sl__kind sl__hoeffding_tree_kind = {
    SL__HANDLE_MODEL, SL_MODEL_HOEFFDING_TREE, "hoeffding_tree", sl__ht_params, HT_N_VFDT_PARAMS,
    sl__ht_stat_names, HT_N_VFDT_STATS, sl__ht_configure, sl__ht_stat, sl__ht_save_kind, vfdt_build, sl__ht_destroy, &vfdt_ops,
};
