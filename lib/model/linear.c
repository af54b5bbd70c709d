/*
 * State of the linear kinds: the block layout, construction and load (one
 * constructor), configure, save, reset, statistics, scores and prediction.
 */
#include "linear.h"

/* Blocks stored as sl_real (bulk per-weight arrays, float on an MCU); the
 * others are double (per-feature statistics and per-output scalars, where
 * River conformance needs the precision). */
static const uint8_t lb_is_real[LB_N] = {1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0};
/* Saved blocks (the rest is scratch). */
static const uint8_t lb_saved[LB_N] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0};
/* Blocks whose values cannot be negative (checked on load). */
static const uint8_t lb_nonneg[LB_N] = {0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0};

static size_t lin_n_out(const sl__linear_spec *sp, const sl__pval *p) {
  return sp->n_out_param >= 0 ? (size_t)p[sp->n_out_param].i : 1;
}

static int lin_opt(const sl__linear_spec *sp, const sl__pval *p) {
  return sp->pa ? SL__OPT_PA : (int)p[LP_OPTIMIZER].i;
}

/* Element counts of every block for parameters `p` over `d` features. */
static void lin_layout(const sl__linear_spec *sp, const sl__pval *p, size_t d, size_t count[LB_N]) {
  size_t n_out = lin_n_out(sp, p), nw = d * n_out;
  int opt = lin_opt(sp, p);
  SL__MEMSET(count, 0, sizeof(size_t) * LB_N);
  count[LB_W] = nw;
  if (opt == SL__OPT_ADAGRAD || opt == SL__OPT_ADAM || opt == SL__OPT_FTRL || opt == SL__OPT_VW) count[LB_S1] = nw;
  if (opt == SL__OPT_ADAM || opt == SL__OPT_FTRL || opt == SL__OPT_VW) count[LB_S2] = nw;
  if (!sp->pa && p[LP_L1].d > 0) count[LB_L1] = nw;
  if (p[sp->standardize].i) count[LB_MEAN] = count[LB_VAR] = count[LB_Z] = d;
  if (sp->ewc_param >= 0) count[LB_ANCHOR] = count[LB_FISHER] = count[LB_FRUN] = nw;
  count[LB_B] = n_out;
  count[LB_OUT] = 2 * n_out; /* scores / loss gradients, then intercept changes */
  count[LB_SEEN] = (d + 7) / 8;
}

static size_t lb_size(int b) { return b == LB_SEEN ? 1 : lb_is_real[b] ? sizeof(sl_real) : sizeof(double); }

/* SL_OK when the parameters make a model this kind can run, else the status
 * with the reason in the handle's detail. */
static sl_status lin_validate(const sl__object *o, const sl__pval *p) {
  const sl__linear_spec *sp = &((const sl__linear_ops *)o->kind->ops)->spec;
  int opt = lin_opt(sp, p);
  if (opt == SL__OPT_VW && p[LP_L2].d > 0)
    return sl__fail(o, SL_ERANGE, "optimizer 'vw' takes no l2 (use l1, or another optimizer)");
  if (opt == SL__OPT_VW && lin_n_out(sp, p) > 1)
    return sl__fail(o, SL_ERANGE, "optimizer 'vw' is for one-output kinds");
  if (opt == SL__OPT_FTRL && sp->ewc_param >= 0)
    return sl__fail(o, SL_ERANGE, "EWC kinds need sgd, adagrad, adam or vw (ftrl recomputes its weights)");
  return SL_OK;
}

static void lin_reset_intercepts(sl__linear *L) {
  const sl__linear_spec *sp = sl__lin_spec(&L->base);
  double init = sp->pa ? 0.0 : L->base.obj.param[LP_INTERCEPT_INIT].d;
  size_t c;
  for (c = 0; c < L->n_out; c++) SL__LBLK(L, LB_B, double)[c] = init;
}

/* Moves the blocks to the layout of the current parameters: blocks whose
 * size is unchanged keep their values, new ones start at zero. On ENOMEM
 * nothing changed. */
static sl_status lin_relayout(sl__linear *L) {
  const sl__linear_spec *sp = sl__lin_spec(&L->base);
  size_t count[LB_N];
  void *fresh[LB_N];
  int b;
  lin_layout(sp, L->base.obj.param, L->base.n_features, count);
  for (b = 0; b < LB_N; b++) {
    fresh[b] = NULL;
    if (count[b] * lb_size(b) == L->blk[b].bytes) continue;
    if (count[b] && !(fresh[b] = sl__alloc_array(&L->base.obj.mem, count[b], lb_size(b)))) {
      while (b-- > 0)
        if (fresh[b]) sl__free(&L->base.obj.mem, fresh[b], count[b] * lb_size(b));
      return SL_ENOMEM;
    }
  }
  L->n_out = lin_n_out(sp, L->base.obj.param);
  L->n_w = L->base.n_features * L->n_out;
  for (b = 0; b < LB_N; b++) {
    if (count[b] * lb_size(b) == L->blk[b].bytes) continue;
    sl__free(&L->base.obj.mem, L->blk[b].p, L->blk[b].bytes);
    L->blk[b].p = fresh[b];
    L->blk[b].bytes = count[b] * lb_size(b);
    if (b == LB_L1) L->l1_total = 0.0;
    if (b == LB_MEAN) L->sc_n = 0.0;
    if (b == LB_B) lin_reset_intercepts(L);
  }
  return SL_OK;
}

/* Fills L->c from the parameters and the layout. */
static void lin_cache(sl__linear *L) {
  const sl__linear_spec *sp = sl__lin_spec(&L->base);
  const sl__pval *p = L->base.obj.param;
  sl__lin_cache *c = &L->c;
  SL__MEMSET(c, 0, sizeof *c);
  c->clf = sl__lin_ops(&L->base)->ops.task == SL_TASK_CLASSIFICATION;
  if (sp->pa) return; /* PA has its own table and step */
  c->loss = sl__linear_loss(&L->base);
  c->heps = c->loss == SL__LOSS_HUBER ? p[LP_EXTRA + 1].d : 0.0;
  c->lr = p[LP_LR].d;
  c->ilr = p[LP_INTERCEPT_LR].d;
  c->clip = p[LP_CLIP].d;
  c->plain = p[LP_OPTIMIZER].i == SL__OPT_SGD && p[LP_SCHEDULE].i == SL__SCHED_CONSTANT && L->n_out == 1 &&
             p[LP_L1].d == 0 && p[LP_L2].d == 0 && !p[LP_STANDARDIZE].i && sp->ewc_param < 0;
}

sl_status sl__linear_configure(sl__object *o, size_t changed, sl__pval old) {
  sl__linear *L = (sl__linear *)o;
  const sl__linear_spec *sp = sl__lin_spec(&L->base);
  sl_status st;
  (void)old;
  if ((st = lin_validate(o, o->param)) != SL_OK) return st;
  if ((st = lin_relayout(L)) != SL_OK) return sl__fail(o, st, "no memory for the new layout");
  if (!sp->pa && changed == LP_INTERCEPT_INIT && !o->started) lin_reset_intercepts(L);
  lin_cache(L);
  return SL_OK;
}

void sl__linear_reset(sl_model *m) {
  sl__linear *L = (sl__linear *)m;
  int b;
  for (b = 0; b < LB_N; b++)
    if (L->blk[b].p) SL__MEMSET(L->blk[b].p, 0, L->blk[b].bytes);
  L->t = 0;
  L->l1_total = L->sc_n = L->vw_weight = L->vw_norm = L->fisher_n = 0.0;
  L->consolidations = 0;
  lin_reset_intercepts(L);
}

/* ---- persistence ---------------------------------------------------------- */

sl_status sl__linear_save(const sl__object *o, sl__writer *w) {
  const sl__linear *L = (const sl__linear *)o;
  size_t i;
  int b;
  sl__model_save_head(&L->base, w);
  sl__put_u64(w, L->t);
  sl__put_f64(w, L->l1_total);
  sl__put_f64(w, L->sc_n);
  sl__put_f64(w, L->vw_weight);
  sl__put_f64(w, L->vw_norm);
  sl__put_f64(w, L->fisher_n);
  sl__put_u64(w, L->consolidations);
  for (b = 0; b < LB_N; b++) {
    size_t n = L->blk[b].bytes / lb_size(b);
    if (!lb_saved[b] || !n) continue;
    if (lb_is_real[b])
      sl__put_reals(w, (const sl_real *)L->blk[b].p, n);
    else
      for (i = 0; i < n; i++) sl__put_f64(w, ((const double *)L->blk[b].p)[i]);
  }
  return w->st;
}

/* Reads block b, refusing non-finite values (and negative ones where the
 * block cannot hold them). */
static void lin_load_block(sl__linear *L, int b, sl__reader *r) {
  size_t i, n = L->blk[b].bytes / lb_size(b);
  int nonneg = lb_nonneg[b];
  int opt = lin_opt(sl__lin_spec(&L->base), L->base.obj.param);
  if (b == LB_S1 && (opt == SL__OPT_ADAM || opt == SL__OPT_FTRL)) nonneg = 0; /* adam m, ftrl z are signed */
  for (i = 0; i < n && r->st == SL_OK; i++) {
    double v = sl__get_finite(r);
    if (!sl__expect(r, !nonneg || v >= 0)) break;
    if (lb_is_real[b])
      ((sl_real *)L->blk[b].p)[i] = (sl_real)v;
    else
      ((double *)L->blk[b].p)[i] = v;
  }
}

static void lin_load(sl__linear *L, sl__reader *r) {
  int b;
  L->t = sl__get_u64(r);
  L->l1_total = sl__get_finite(r);
  L->sc_n = sl__get_finite(r);
  L->vw_weight = sl__get_finite(r);
  L->vw_norm = sl__get_finite(r);
  L->fisher_n = sl__get_finite(r);
  L->consolidations = sl__get_u64(r);
  sl__expect(r, L->l1_total >= 0 && L->sc_n >= 0 && L->vw_weight >= 0 && L->vw_norm >= 0 && L->fisher_n >= 0);
  for (b = 0; b < LB_N && r->st == SL_OK; b++)
    if (lb_saved[b]) lin_load_block(L, b, r);
}

sl_status sl__linear_build(sl__object **out, const sl__kind *k, const sl__pval *params, sl__reader *r,
                           const void *args, const sl_allocator *a) {
  sl_model *m = NULL;
  sl__linear *L;
  size_t d = r ? sl__model_load_head(r) : ((const sl__model_args *)args)->n_features;
  sl_status st;
  *out = NULL;
  if (r && r->st != SL_OK) return r->st;
  if ((st = sl__model_create(&m, k, sizeof(sl__linear), d, params, a)) != SL_OK) return st;
  *out = (sl__object *)m;
  L = (sl__linear *)m;
  if ((st = lin_validate(&m->obj, m->obj.param)) != SL_OK) return r ? SL_ECORRUPT : st;
  if ((st = lin_relayout(L)) != SL_OK) return st;
  lin_cache(L);
  sl__linear_reset(m);
  if (r) lin_load(L, r);
  return r ? r->st : SL_OK;
}

void sl__linear_destroy(sl__object *o) {
  sl__linear *L = (sl__linear *)o;
  int b;
  for (b = 0; b < LB_N; b++) sl__free(&o->mem, L->blk[b].p, L->blk[b].bytes);
  sl__object_delete(o, sizeof(sl__linear));
}

/* ---- statistics -------------------------------------------------------------- */

double sl__linear_stat(const sl__object *o, size_t i) {
  const sl__linear *L = (const sl__linear *)o;
  const sl_real *w = SL__LW(L), *a = SL__LBLK(L, LB_ANCHOR, const sl_real), *f = SL__LBLK(L, LB_FISHER, const sl_real);
  double s = 0.0;
  size_t j;
  switch (i) {
  case 0: return (double)L->t;
  case 1: return SL__LBLK(L, LB_B, const double)[0];
  case 2:
    for (j = 0; j < L->n_w; j++) s += (double)w[j] * w[j];
    return sqrt(s);
  case 3: return (double)L->consolidations;
  default: /* EWC penalty lambda/2 sum F (w - w*)^2 */
    for (j = 0; j < L->n_w; j++) s += f[j] * ((double)w[j] - a[j]) * ((double)w[j] - a[j]);
    return 0.5 * o->param[sl__lin_spec((const sl_model *)o)->ewc_param].d * s;
  }
}

/* ---- scores and prediction --------------------------------------------------------- */

int sl__linear_loss(const sl_model *m) {
  const sl__linear_spec *sp = sl__lin_spec(m);
  return sp->loss >= 0 ? sp->loss : (m->obj.param[LP_EXTRA].i ? SL__LOSS_HUBER : SL__LOSS_SQUARED);
}

size_t sl__linear_max_classes(const sl_model *m) { return ((const sl__linear *)m)->n_out > 1 ? ((const sl__linear *)m)->n_out : 2; }

/* x_j standardized with the current statistics (0 while the variance is 0, as River). */
static inline double std_value(const double *mean, const double *var, size_t j, double x) {
  return var[j] > 0 ? (x - mean[j]) / sqrt(var[j]) : 0.0;
}

void sl__linear_scores(const sl__linear *L, const sl__row *x, int raw, double *out) {
  const sl_real *w = SL__LW(L);
  const double *b = SL__LBLK(L, LB_B, const double);
  const double *mean = raw ? NULL : SL__LBLK(L, LB_MEAN, const double), *var = SL__LBLK(L, LB_VAR, const double);
  size_t j, c, n_out = L->n_out, d = L->base.n_features;
  if (n_out == 1) {
    double s = 0.0;
    if (x->dense && mean)
      for (j = 0; j < d; j++) s += w[j] * std_value(mean, var, j, x->dense[j]);
    else if (x->dense)
      for (j = 0; j < d; j++) s += w[j] * x->dense[j];
    else
      for (j = 0; j < x->nnz; j++) s += w[x->idx[j]] * (mean ? std_value(mean, var, x->idx[j], x->val[j]) : x->val[j]);
    out[0] = s + b[0];
    return;
  }
  for (c = 0; c < n_out; c++) out[c] = 0.0;
  for (j = 0; j < (x->dense ? d : x->nnz); j++) {
    size_t f = x->dense ? j : x->idx[j];
    double v = x->dense ? x->dense[j] : x->val[j];
    const sl_real *wf = w + f * n_out;
    if (mean) v = std_value(mean, var, f, v);
    for (c = 0; c < n_out; c++) out[c] += wf[c] * v;
  }
  for (c = 0; c < n_out; c++) out[c] += b[c];
}

/* Softmax of n scores in place (max subtracted first, as River). */
static void softmax(double *s, size_t n) {
  double mx = s[0], tot = 0.0;
  size_t c;
  for (c = 1; c < n; c++)
    if (s[c] > mx) mx = s[c];
  for (c = 0; c < n; c++) tot += (s[c] = exp(s[c] - mx));
  for (c = 0; c < n; c++) s[c] /= tot;
}

double sl__linear_output(const sl__linear *L, const double *s) {
  size_t c, best = 0;
  if (L->n_out == 1) {
    if (!L->c.clf) return s[0];
    /* sigmoid(s) > 0.5 is s > 0 except within rounding of 0, where the
     * sigmoid itself decides (same answer, without exp in the usual case). */
    if (fabs(s[0]) > 1e-9) return s[0] > 0 ? 1.0 : 0.0;
    return sl__sigmoid(s[0]) > 0.5 ? 1.0 : 0.0;
  }
  for (c = 1; c < L->n_out; c++)
    if (s[c] > s[best]) best = c;
  return (double)best;
}

void sl__linear_predict(sl_model *m, const sl__row *x, double *y) {
  sl__linear *L = (sl__linear *)m;
  double *s = SL__LBLK(L, LB_OUT, double);
  sl__linear_scores(L, x, 0, s);
  *y = sl__linear_output(L, s);
}

void sl__linear_predict_proba(sl_model *m, const sl__row *x, double *p, size_t n) {
  sl__linear *L = (sl__linear *)m;
  double *s = SL__LBLK(L, LB_OUT, double);
  size_t c;
  sl__linear_scores(L, x, 0, s);
  for (c = 0; c < n; c++) p[c] = 0.0;
  if (L->n_out == 1) {
    double q = sl__sigmoid(s[0]);
    p[0] = 1.0 - q;
    if (n > 1) p[1] = q;
    return;
  }
  softmax(s, L->n_out);
  for (c = 0; c < n && c < L->n_out; c++) p[c] = s[c];
}

/* ---- standardize (dense rows) ---------------------------------------------------------- */

/* River's StandardScaler.learn_one for one feature: Welford mean and
 * population variance. */
static inline void welford(double n, double x, double *mean, double *var) {
  double old = *mean;
  *mean += (x - old) / n;
  *var += ((x - old) * (x - *mean) - *var) / n;
}

int sl__linear_standardize_learn(sl__linear *L, const double *x) {
  const double *mean = SL__LBLK(L, LB_MEAN, const double), *var = SL__LBLK(L, LB_VAR, const double);
  double *z = SL__LBLK(L, LB_Z, double), n = L->sc_n + 1.0, bad = 0.0;
  size_t j;
  for (j = 0; j < L->base.n_features; j++) {
    double mu = mean[j], v = var[j];
    welford(n, x[j], &mu, &v);
    z[j] = v > 0 ? (x[j] - mu) / sqrt(v) : 0.0;
    bad += (mu - mu) + (v - v) + (z[j] - z[j]);
  }
  return bad == 0.0;
}

void sl__linear_standardize_commit(sl__linear *L, const double *x) {
  double *mean = SL__LBLK(L, LB_MEAN, double), *var = SL__LBLK(L, LB_VAR, double);
  size_t j;
  L->sc_n += 1.0;
  for (j = 0; j < L->base.n_features; j++) welford(L->sc_n, x[j], &mean[j], &var[j]);
}

/* ---- public extras ------------------------------------------------------------------------ */

/* The linear state behind `m`, or NULL (with the detail set) for another kind. */
static sl__linear *lin_of(const sl_model *m) {
  if (m->obj.kind->configure != sl__linear_configure) {
    sl__fail(&m->obj, SL_EKIND, "kind '%s' has no weight vector", m->obj.kind->name);
    return NULL;
  }
  return (sl__linear *)m;
}

SL_API sl_status sl_model_weights(const sl_model *m, double *out, size_t cap, size_t *n) {
  const sl__linear *L;
  size_t j, c, d;
  if (!m || !n || (!out && cap)) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if (!(L = lin_of(m))) return SL_EKIND;
  d = m->n_features;
  *n = L->n_w + L->n_out;
  if (cap < *n) return sl__fail(&m->obj, SL_EBUFFER, "%z values, buffer has %z", *n, cap);
  for (c = 0; c < L->n_out; c++)
    for (j = 0; j < d; j++) out[c * d + j] = SL__LW(L)[j * L->n_out + c];
  for (c = 0; c < L->n_out; c++) out[L->n_w + c] = SL__LBLK(L, LB_B, const double)[c];
  return SL_OK;
}

SL_API sl_status sl_model_set_weights(sl_model *m, const double *v, size_t n) {
  sl__linear *L;
  size_t j, c, d;
  if (!m) return SL_EINVAL;
  sl__clear_error(&m->obj);
  if (!(L = lin_of(m))) return SL_EKIND;
  if (!v) return sl__fail(&m->obj, SL_EINVAL, "weights are NULL");
  if (n != L->n_w + L->n_out) return sl__fail(&m->obj, SL_EDIM, "the model has %z weights and intercepts, not %z", L->n_w + L->n_out, n);
  if (lin_opt(sl__lin_spec(m), m->obj.param) == SL__OPT_FTRL)
    return sl__fail(&m->obj, SL_ESTATE, "ftrl derives its weights from its accumulators");
  for (j = 0; j < n; j++)
    if (!sl__finite(v[j]) || !sl__finite((sl_real)v[j])) return sl__fail(&m->obj, SL_ENONFINITE, "value %z is not finite", j);
  d = m->n_features;
  for (c = 0; c < L->n_out; c++)
    for (j = 0; j < d; j++) SL__LW(L)[j * L->n_out + c] = (sl_real)v[c * d + j];
  for (c = 0; c < L->n_out; c++) SL__LBLK(L, LB_B, double)[c] = v[L->n_w + c];
  return SL_OK;
}
