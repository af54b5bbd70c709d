/* Attribute observers of an active leaf: River's GaussianSplitter for numeric
 * features (per class: weight, mean and M2 by Welford's update, min, max) and
 * NominalSplitterClassif for nominal ones (weights per value and class). They
 * feed naive Bayes and propose split candidates. Doubles throughout: the
 * candidate thresholds and merits are compared bit for bit with River's. */
#include "htree.h"

#define HALF_LOG_TAU 0.9189385332046727 /* 0.5 * log(2 pi), as River's _HALF_LOG_TAU */

static int obs_has_class(const uint8_t *ord, unsigned c) {
  unsigned i;
  for (i = 0; i < ord[0]; i++)
    if (ord[1 + i] == c) return 1;
  return 0;
}

/* Welford's update with weights as River's Var: the class weight once (every
 * enabled numeric feature has seen the same weight, so River's w / n is the
 * same for all of them), then mean and M2 per feature. The variance and its
 * log are left stale (refreshed by naive Bayes when it needs them). */
static void gauss_update(const ht_tree *t, const ht_leaf *l, const double *x, unsigned c, double w, int fresh) {
  double *gc = ht_gclass(t, l->obs, c), n = gc[0] + w, r = n != 0.0 ? w / n : 0.0;
  double *mean = ht_gfield(t, gc, HT_G_MEAN), *m2 = ht_gfield(t, gc, HT_G_M2), *mn = ht_gfield(t, gc, HT_G_MIN);
  double *mx = ht_gfield(t, gc, HT_G_MAX), *hlv = ht_gfield(t, gc, HT_G_HLV);
  const uint8_t *nominal = t->nominal, *disabled = l->disabled;
  const size_t *off = t->off;
  size_t f, F = t->F;
  gc[0] = n;
  for (f = 0; f < F; f++) {
    size_t k = off[f];
    double v = x[f], old, now, lo, hi;
    if (nominal[f] | disabled[f]) continue;
    old = mean[k];
    lo = mn[k];
    hi = mx[k];
    now = n != 0.0 ? old + r * (v - old) : old;
    m2[k] += w * (v - old) * (v - now);
    mean[k] = now;
    mn[k] = fresh || v < lo ? v : lo;
    mx[k] = fresh || v > hi ? v : hi;
    hlv[k] = HT_HLV_UNSET;
  }
}

void sl__ht_obs_update(ht_tree *t, ht_leaf *l, const double *x, unsigned c, double w) {
  uint8_t *ord = ht_obs_order(t, l->obs);
  int fresh = !obs_has_class(ord, c);
  size_t f;
  if (fresh) ord[1 + ord[0]++] = (uint8_t)c;
  gauss_update(t, l, x, c, w, fresh);
  if (t->n_nominal)
    for (f = 0; f < t->F; f++) {
      double *nom;
      size_t v;
      if (!t->nominal[f] || l->disabled[f]) continue;
      nom = ht_nom(t, l->obs, f);
      v = (size_t)x[f];
      nom[v * t->C + c] += w;
      nom[t->V * t->C + v] = 1.0;
      nom[t->V * t->C + t->V + c] += w;
    }
}

/* River's Var.get() for numeric rank k of class block gc. */
static double gauss_var(const ht_tree *t, double *gc, size_t k) {
  return gc[0] > 1.0 ? ht_gfield(t, gc, HT_G_M2)[k] / (gc[0] - 1.0) : 0.0;
}
/* A nominal value as an index, or -1 when it is not one the tree can hold. */
static long nominal_index(const ht_tree *t, double x) {
  return (x >= 0 && x < (double)t->V && x == floor(x)) ? (long)x : -1;
}

/* River's NominalSplitterClassif.cond_proba, as a log (0 when River adds nothing). */
static double nominal_log_proba(const ht_tree *t, double *obs, size_t f, double x, unsigned c) {
  double *nom = ht_nom(t, obs, f), tot = nom[t->V * t->C + t->V + c], p;
  long v = nominal_index(t, x);
  if (v < 0 || tot == 0.0) return 0.0;
  p = nom[(size_t)v * t->C + c] / tot;
  return p > 0.0 ? log(p) : 0.0;
}

/* River's Gaussian.log_pdf term by term; the variance and its log are
 * refreshed here when an update left them stale, so a log is taken once per
 * change of a (feature, class) observer, not once per query. */
double sl__ht_obs_log_lik(const ht_tree *t, const ht_leaf *l, const double *x, unsigned c, double v) {
  const uint8_t *nominal = t->nominal, *disabled = l->disabled;
  const size_t *off = t->off;
  double *gc, *mean, *var, *hlv;
  size_t f, F = t->F;
  if (!obs_has_class(ht_obs_order(t, l->obs), c)) return v; /* River: -inf for every feature, skipped */
  gc = ht_gclass(t, l->obs, c);
  mean = ht_gfield(t, gc, HT_G_MEAN);
  var = ht_gfield(t, gc, HT_G_VAR);
  hlv = ht_gfield(t, gc, HT_G_HLV);
  for (f = 0; f < F; f++) {
    size_t k = off[f];
    double s2, h, d, lp;
    if (nominal[f] | disabled[f]) {
      if (!disabled[f]) v += nominal_log_proba(t, l->obs, f, x[f], c);
      continue;
    }
    s2 = var[k];
    h = hlv[k];
    if (h == HT_HLV_UNSET) {
      var[k] = s2 = gauss_var(t, gc, k);
      if (s2 > 0.0) hlv[k] = h = 0.5 * log(s2);
    }
    if (!(s2 > 0.0)) continue;
    d = x[f] - mean[k];
    lp = d * d / (-2.0 * s2) - HALF_LOG_TAU - h;
    if (lp > -HUGE_VAL) v += lp;
  }
  return v;
}

/* River's Gaussian.cdf given its sigma: 0 when sigma is 0 (its ZeroDivisionError). */
static double gauss_cdf(double mean, double sigma, double x) {
  if (sigma == 0.0) return 0.0;
  return 0.5 * (1.0 + erf(((x - mean) / sigma) / sqrt(2.0)));
}

static void child_put(ht_tree *t, unsigned i, unsigned c, double w) {
  t->sw[i * t->C + c] = w;
  t->so[i * t->C + t->sn[i]++] = (uint8_t)c;
}

static void children_clear(ht_tree *t, unsigned k) {
  unsigned i;
  for (i = 0; i < k; i++) t->sn[i] = 0;
}

/* The sigma (River's Var.get() ** 0.5) of each class of numeric feature f
 * into t->sigma, once for all the thresholds tried. */
static void numeric_sigmas(ht_tree *t, ht_leaf *l, size_t f) {
  const uint8_t *ord = ht_obs_order(t, l->obs);
  unsigned i;
  for (i = 0; i < ord[0]; i++) {
    unsigned c = ord[1 + i];
    t->sigma[c] = pow(gauss_var(t, ht_gclass(t, l->obs, c), t->off[f]), 0.5);
  }
}

/* River's _class_dists_from_binary_split (t->sigma filled for f). */
static void numeric_children(ht_tree *t, ht_leaf *l, size_t f, double split) {
  const uint8_t *ord = ht_obs_order(t, l->obs);
  size_t k = t->off[f];
  unsigned i;
  children_clear(t, 2);
  for (i = 0; i < ord[0]; i++) {
    unsigned c = ord[1 + i];
    double *gc = ht_gclass(t, l->obs, c), n = gc[0];
    if (split < ht_gfield(t, gc, HT_G_MIN)[k]) {
      child_put(t, 1, c, n);
    } else if (split >= ht_gfield(t, gc, HT_G_MAX)[k]) {
      child_put(t, 0, c, n);
    } else {
      double lhs = gauss_cdf(ht_gfield(t, gc, HT_G_MEAN)[k], t->sigma[c], split) * n;
      child_put(t, 0, c, lhs);
      child_put(t, 1, c, n - lhs);
    }
  }
}

/* Equal / not equal to value v, classes in the observer's order. */
static void nominal_binary_children(ht_tree *t, ht_leaf *l, size_t f, size_t v) {
  const uint8_t *ord = ht_obs_order(t, l->obs);
  const double *nom = ht_nom(t, l->obs, f);
  unsigned i;
  size_t u;
  children_clear(t, 2);
  for (i = 0; i < ord[0]; i++) {
    unsigned c = ord[1 + i];
    double rest = 0.0;
    int any = 0;
    if (nom[v * t->C + c] != 0.0) child_put(t, 0, c, nom[v * t->C + c]);
    for (u = 0; u < t->V; u++)
      if (u != v && nom[u * t->C + c] != 0.0) {
        rest += nom[u * t->C + c];
        any = 1;
      }
    if (any) child_put(t, 1, c, rest);
  }
}

/* One child per value seen (ascending), classes ascending, as River sorts them. */
static unsigned nominal_multiway_children(ht_tree *t, ht_leaf *l, size_t f) {
  const double *nom = ht_nom(t, l->obs, f);
  unsigned k = 0, c;
  size_t v;
  for (v = 0; v < t->V; v++) {
    if (nom[t->V * t->C + v] == 0.0) continue;
    t->sn[k] = 0;
    for (c = 0; c < t->C; c++)
      if (nom[v * t->C + c] != 0.0) child_put(t, k, c, nom[v * t->C + c]);
    k++;
  }
  return k;
}

static ht_split numeric_best(ht_tree *t, ht_leaf *l, size_t f, double pre) {
  const uint8_t *ord = ht_obs_order(t, l->obs);
  ht_split best = {0, -HUGE_VAL, 0, HT_SPLIT_NUMERIC, 0.0};
  double lo = HUGE_VAL, hi = -HUGE_VAL, bin;
  int64_t i, n = ht_p(t)[HT_P_N_SPLITS].i;
  size_t k = t->off[f];
  unsigned j;
  for (j = 0; j < ord[0]; j++) {
    double *gc = ht_gclass(t, l->obs, ord[1 + j]);
    double a = ht_gfield(t, gc, HT_G_MIN)[k], b = ht_gfield(t, gc, HT_G_MAX)[k];
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  if (!(lo < HUGE_VAL)) return best;
  numeric_sigmas(t, l, f);
  bin = (hi - lo) / ((double)n + 1.0);
  for (i = 0; i < n; i++) {
    double split = lo + bin * (double)(i + 1), merit;
    if (!(lo < split && split < hi)) continue;
    numeric_children(t, l, f, split);
    merit = sl__ht_merit(t, pre, 2);
    if (merit > best.merit) {
      best.has = 1;
      best.merit = merit;
      best.feature = (uint32_t)f;
      best.value = split;
    }
  }
  return best;
}

static ht_split nominal_best(ht_tree *t, ht_leaf *l, size_t f, double pre) {
  const double *nom = ht_nom(t, l->obs, f);
  ht_split best = {0, -HUGE_VAL, (uint32_t)f, HT_SPLIT_NOMINAL_MULTIWAY, 0.0};
  size_t v;
  if (!ht_p(t)[HT_P_BINARY_SPLIT].i) {
    unsigned k = nominal_multiway_children(t, l, f);
    best.has = 1;
    best.merit = sl__ht_merit(t, pre, k);
  }
  for (v = 0; v < t->V; v++) {
    double merit;
    if (nom[t->V * t->C + v] == 0.0) continue;
    nominal_binary_children(t, l, f, v);
    merit = sl__ht_merit(t, pre, 2);
    if (merit > best.merit) {
      best.has = 1;
      best.merit = merit;
      best.kind = HT_SPLIT_NOMINAL_BINARY;
      best.value = (double)v;
    }
  }
  return best;
}

ht_split sl__ht_obs_best_split(ht_tree *t, ht_leaf *l, size_t f, double pre) {
  return t->nominal[f] ? nominal_best(t, l, f, pre) : numeric_best(t, l, f, pre);
}

unsigned sl__ht_obs_children(ht_tree *t, ht_leaf *l, const ht_split *s) {
  switch (s->kind) {
  case HT_SPLIT_NUMERIC:
    numeric_sigmas(t, l, s->feature);
    numeric_children(t, l, s->feature, s->value);
    return 2;
  case HT_SPLIT_NOMINAL_BINARY: nominal_binary_children(t, l, s->feature, (size_t)s->value); return 2;
  default: return nominal_multiway_children(t, l, s->feature);
  }
}

/* The record order of the checkpoint (the layout before the observers were
 * stored by class): weight, mean, M2, min, max, variance, 0.5 * log(variance). */
void sl__ht_obs_put(const ht_tree *t, const ht_leaf *l, sl__writer *w) {
  size_t f, c, i;
  for (f = 0; f < t->F; f++) {
    size_t k = t->off[f];
    if (t->nominal[f]) {
      for (i = 0; i < t->V * t->C + t->V + t->C; i++) sl__put_f64(w, l->obs[k + i]);
      continue;
    }
    for (c = 0; c < t->C; c++) {
      double *gc = ht_gclass(t, l->obs, c);
      sl__put_f64(w, gc[0]);
      sl__put_f64(w, ht_gfield(t, gc, HT_G_MEAN)[k]);
      sl__put_f64(w, ht_gfield(t, gc, HT_G_M2)[k]);
      sl__put_f64(w, ht_gfield(t, gc, HT_G_MIN)[k]);
      sl__put_f64(w, ht_gfield(t, gc, HT_G_MAX)[k]);
      sl__put_f64(w, gauss_var(t, gc, k));
      sl__put_f64(w, ht_gfield(t, gc, HT_G_HLV)[k]);
    }
  }
}

/* A class's weight comes from the first enabled numeric feature (else the
 * first numeric one); the other enabled features must agree with it. */
void sl__ht_obs_get(const ht_tree *t, ht_leaf *l, sl__reader *r) {
  size_t f, c, i, lead = t->F;
  for (f = 0; f < t->F; f++)
    if (!t->nominal[f] && (lead == t->F || (l->disabled[lead] && !l->disabled[f]))) lead = f;
  for (f = 0; f < t->F && r->st == SL_OK; f++) {
    size_t k = t->off[f];
    if (t->nominal[f]) {
      for (i = 0; i < t->V * t->C + t->V + t->C; i++) l->obs[k + i] = sl__get_finite(r);
      continue;
    }
    for (c = 0; c < t->C && r->st == SL_OK; c++) {
      double *gc = ht_gclass(t, l->obs, c), n = sl__get_finite(r);
      if (f == lead) gc[0] = n;
      else if (!l->disabled[f] && !sl__expect(r, n == gc[0])) return;
      ht_gfield(t, gc, HT_G_MEAN)[k] = sl__get_finite(r);
      ht_gfield(t, gc, HT_G_M2)[k] = sl__get_finite(r);
      ht_gfield(t, gc, HT_G_MIN)[k] = sl__get_finite(r);
      ht_gfield(t, gc, HT_G_MAX)[k] = sl__get_finite(r);
      ht_gfield(t, gc, HT_G_VAR)[k] = sl__get_finite(r);
      ht_gfield(t, gc, HT_G_HLV)[k] = sl__get_finite(r);
    }
  }
}
