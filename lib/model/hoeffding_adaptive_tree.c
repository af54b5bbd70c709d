/*
 * Hoeffding adaptive tree classifier (Bifet & Gavalda 2009), after River's
 * HoeffdingAdaptiveTreeClassifier: every node watches its error with ADWIN
 * (through the public sl_drift API, allocating from the tree's counting
 * allocator so the detectors count in the budget); on a rise in error a
 * branch starts an alternate leaf, which replaces the branch when it splits
 * or when its error is significantly lower, and is dropped when it is
 * significantly higher. Leaves see each example with a Poisson(1) weight.
 * Predictions add the distributions of the leaf reached and of the
 * alternates met on the way, each scaled by 1 / (sum * error^2).
 *
 * As in River (and MOA), an alternate passes its learning to the branch's
 * parent slot, so its first split takes the branch's place.
 */
#include "htree.h"
#include "../drift/drift_impl.h"

/* ---- the detectors ------------------------------------------------------------ */

static sl_drift *adwin_new(ht_tree *t) {
  sl_drift *d = NULL;
  return sl_drift_new(&d, SL_DRIFT_ADWIN, &t->counting) == SL_OK ? d : NULL;
}

static void adwin_free(sl_drift *d) { sl_drift_free(d); }

static sl_status adwin_save(const sl_drift *d, sl__writer *w) { return sl__object_save_payload(&d->obj, w); }

static sl_status adwin_load(ht_tree *t, sl_drift **d, sl__reader *r) {
  sl__object *o = NULL;
  sl_status st = sl__object_load_payload(&o, &sl__drift_class, r, &t->counting);
  if (st == SL_OK && o->kind->id != SL_DRIFT_ADWIN) {
    sl__object_free(o);
    return SL_ECORRUPT;
  }
  *d = (sl_drift *)o;
  return st;
}

static const ht_hooks hat_hooks = {adwin_new, adwin_free, adwin_save, adwin_load};

/* Feeds a 0 / 1 error to a node's detector and mean; returns 1 on a drift
 * with the error rising (River resets the mean when it fell). */
static int error_step(ht_node *n, double e) {
  double old = n->err_mean;
  sl_drift_state s = SL_DRIFT_NONE;
  sl_drift_update(n->adwin, e, &s);
  n->err_n += 1.0;
  n->err_mean += (1.0 / n->err_n) * (e - n->err_mean);
  if (s != SL_DRIFT_DETECTED) return 0;
  if (old > n->err_mean) {
    n->err_n = n->err_mean = 0.0;
    return 0;
  }
  return 1;
}

/* River's AdaLeafClassifier.prediction into p[C]; returns 0 when empty. */
static int ada_predict(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  double s = 0.0, f;
  unsigned i;
  int has;
  if (l->d.n == 0) {
    memset(p, 0, t->C * sizeof *p);
    return 0;
  }
  has = sl__ht_leaf_predict(t, l, x, p);
  for (i = 0; i < l->d.n; i++) s += p[l->d.order[i]];
  f = s * l->h.err_mean * l->h.err_mean;
  if (f != 0.0 && f == f)
    for (i = 0; i < l->d.n; i++) p[l->d.order[i]] *= 1.0 / f;
  return has;
}

/* 0 when the leaf predicts c, else 1 (also when it has nothing to say). */
static double leaf_error(ht_tree *t, const ht_leaf *l, const double *x, unsigned c) {
  return ada_predict(t, l, x, t->votes) && sl__ht_argmax(l, t->votes) == (int)c ? 0.0 : 1.0;
}

/* ---- learning ----------------------------------------------------------------- */

/* One example being learned, and the error of the last leaf scored for it:
 * every branch on the path scores the leaf the example reaches (as River
 * does, walking down from each), which stays the same leaf in the same state
 * until the tree changes (the epoch moves), so its error is worked out once. */
typedef struct hat_example {
  const double *x;
  unsigned c;
  double w;
  const ht_leaf *scored;
  uint64_t scored_epoch;
  double error;
} hat_example;

static double scored_error(ht_tree *t, hat_example *ex, const ht_leaf *l) {
  if (l != ex->scored || ex->scored_epoch != t->epoch) {
    ex->error = leaf_error(t, l, ex->x, ex->c);
    ex->scored = l;
    ex->scored_epoch = t->epoch;
  }
  return ex->error;
}

static void learn_node(ht_tree *t, ht_node **slot, hat_example *ex);

static void learn_leaf(ht_tree *t, ht_node **slot, ht_leaf *l, hat_example *ex) {
  const sl__pval *p = ht_p(t);
  double seen, w = ex->w;
  if (p[HT_P_BOOTSTRAP_SAMPLING].i) {
    unsigned k = sl__rng_poisson(&t->rng, 1.0);
    if (k > 0) w *= (double)k;
  }
  error_step(&l->h, scored_error(t, ex, l));
  sl__ht_leaf_learn(t, l, ex->x, ex->c, w, 1);
  seen = sl__ht_dist_total(&l->d);
  if (seen - l->last_split_at < (double)p[HT_P_GRACE_PERIOD].i) return;
  if ((int64_t)l->h.depth >= p[HT_P_MAX_DEPTH].i) sl__ht_leaf_deactivate(t, l);
  else if (l->obs && !sl__ht_attempt_split(t, l, slot)) l->last_split_at = seen;
}

/* Starts (or restarts) branch b's alternate, room and memory permitting. */
static void start_alternate(ht_tree *t, ht_branch *b) {
  ht_leaf *alt = NULL;
  size_t need;
  sl__ht_free(t, (ht_node *)b->alt);
  b->alt = NULL;
  need = t->leaf_bytes + t->obs_bytes + sl__ht_rank_need(t, (size_t)t->n_leaves + 1);
  if (need <= sl__ht_room(t) && sl__ht_rank_reserve(t, (size_t)t->n_leaves + 1) == SL_OK)
    alt = sl__ht_leaf_new(t, b->h.depth, 1);
  if (!alt) {
    t->split_failures++;
    return;
  }
  b->alt = alt;
  t->n_alternate++;
}

/* Compares b with its alternate; returns 1 when the alternate took b's place. */
static int compare_alternate(ht_tree *t, ht_node **slot, ht_branch *b) {
  const sl__pval *p = ht_p(t);
  double thr = (double)p[HT_P_DRIFT_WINDOW_THRESHOLD].i, old, alt, n, bound;
  ht_leaf *a = b->alt;
  if (!(a->h.err_n > thr && b->h.err_n > thr)) return 0;
  old = b->h.err_mean;
  alt = a->h.err_mean;
  n = 1.0 / a->h.err_n + 1.0 / b->h.err_n;
  bound = sqrt(2.0 * old * (1.0 - old) * log(2.0 / p[HT_P_SWITCH_SIGNIFICANCE].d) * n);
  if (bound < old - alt) {
    b->alt = NULL;
    *slot = (ht_node *)a;
    sl__ht_free(t, (ht_node *)b);
    t->n_switched++;
    return 1;
  }
  if (bound < alt - old) {
    sl__ht_free(t, (ht_node *)a);
    b->alt = NULL;
    t->n_pruned++;
  }
  return 0;
}

static void learn_branch(ht_tree *t, ht_node **slot, ht_branch *b, hat_example *ex) {
  int i;
  if (error_step(&b->h, scored_error(t, ex, sl__ht_reach(t, &b->h, ex->x)))) {
    b->h.err_n = b->h.err_mean = 0.0;
    start_alternate(t, b);
  } else if (b->alt && compare_alternate(t, slot, b)) {
    if (slot == &t->root) learn_node(t, slot, ex); /* River: a new root learns the example */
    return;
  }
  if (b->alt) {
    learn_leaf(t, slot, b->alt, ex);
    if (*slot != (ht_node *)b) { /* the alternate split and replaced b */
      b->alt = NULL;
      sl__ht_free(t, (ht_node *)b);
      return;
    }
  }
  if ((i = sl__ht_branch_no(t, b, ex->x)) < 0 && (i = sl__ht_add_branch(t, b, ex->x)) < 0)
    i = (int)sl__ht_most_common(b);
  learn_node(t, &b->child[i], ex);
}

static void learn_node(ht_tree *t, ht_node **slot, hat_example *ex) {
  if ((*slot)->is_leaf) learn_leaf(t, slot, (ht_leaf *)*slot, ex);
  else learn_branch(t, slot, (ht_branch *)*slot, ex);
}

static sl_status hat_learn(sl_model *m, const sl__row *x, double y, double w) {
  ht_tree *t = (ht_tree *)m;
  hat_example ex;
  sl_status st = sl__ht_learn_begin(t, x->dense, y, w);
  if (st != SL_OK) return st;
  memset(&ex, 0, sizeof ex);
  ex.x = x->dense;
  ex.c = (unsigned)y;
  ex.w = w;
  learn_node(t, &t->root, &ex);
  sl__ht_memory_check(t);
  return SL_OK;
}

/* ---- prediction ------------------------------------------------------------------ */

static void add_leaf(ht_tree *t, const ht_leaf *l, const double *x, double *acc) {
  unsigned i;
  if (!ada_predict(t, l, x, t->votes)) return;
  for (i = 0; i < l->d.n; i++) acc[l->d.order[i]] += t->votes[l->d.order[i]];
}

/* River's predict_proba_one: alternates met on the path, then the leaf, summed and normalized. */
static void hat_dist(ht_tree *t, const double *x, double *acc) {
  const ht_node *n = t->root;
  double s = 0.0;
  size_t c;
  memset(acc, 0, t->C * sizeof *acc);
  if (!n) return;
  sl__ht_memo_sync(t, x);
  while (!n->is_leaf) {
    const ht_branch *b = (const ht_branch *)n;
    int i = sl__ht_branch_no(t, b, x);
    if (b->alt) add_leaf(t, b->alt, x, acc);
    n = b->child[i >= 0 ? (unsigned)i : sl__ht_most_common(b)];
  }
  sl__ht_reach_note(t, (const ht_leaf *)n);
  add_leaf(t, (const ht_leaf *)n, x, acc);
  for (c = 0; c < t->C; c++)
    if (t->seen[c]) s += acc[c];
  if (s != 0.0 && s == s)
    for (c = 0; c < t->C; c++) acc[c] *= 1.0 / s;
}

static void hat_predict_proba(sl_model *m, const sl__row *x, double *p, size_t n) {
  ht_tree *t = (ht_tree *)m;
  double *acc = t->sw; /* the split scratch holds at least 2 * C doubles */
  hat_dist(t, x->dense, acc);
  sl__ht_output(t, acc, p, n);
}

static void hat_predict(sl_model *m, const sl__row *x, double *y) {
  ht_tree *t = (ht_tree *)m;
  double *acc = t->sw;
  hat_dist(t, x->dense, acc);
  *y = sl__ht_output(t, acc, NULL, 0);
}

static sl_status hat_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                           const sl_allocator *a) {
  sl_status st = sl__ht_build(out, &sl__hoeffding_adaptive_tree_kind, &hat_hooks, params, r, args, a);
  sl_drift *probe = NULL;
  if (st != SL_OK || r) return st;
  /* Fails early (SL_EKIND) in a build without ADWIN. */
  st = sl_drift_new(&probe, SL_DRIFT_ADWIN, &((ht_tree *)*out)->counting);
  sl_drift_free(probe);
  return st;
}

static const sl__model_ops hat_ops = {
    SL_TASK_CLASSIFICATION, 0, sl__ht_max_classes, hat_learn, hat_predict, hat_predict_proba, sl__ht_reset,
};

const sl__kind sl__hoeffding_adaptive_tree_kind = {
    SL__HANDLE_MODEL, SL_MODEL_HOEFFDING_ADAPTIVE_TREE, "hoeffding_adaptive_tree", sl__ht_params, HT_N_HAT_PARAMS,
    sl__ht_stat_names, HT_N_STATS, sl__ht_configure, sl__ht_stat, sl__ht_save_kind, hat_build, sl__ht_destroy,
    &hat_ops,
};
