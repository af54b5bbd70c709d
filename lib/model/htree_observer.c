/* Attribute observers of an active leaf: River's GaussianSplitter for numeric
 * features (per class: weight, mean and M2 by Welford's update, min, max) and
 * NominalSplitterClassif for nominal ones (weights per value and class). They
 * feed naive Bayes and propose split candidates. Doubles throughout: the
 * candidate thresholds and merits are compared bit for bit with River's. */
#include "htree.h"

#define HALF_LOG_TAU 0.9189385332046727 /* 0.5 * log(2 pi), as River's _HALF_LOG_TAU */

enum { G_N, G_MEAN, G_M2, G_MIN, G_MAX, G_VAR, G_HLV };

static int obs_has_class(const uint8_t *ord, unsigned c) {
  unsigned i;
  for (i = 0; i < ord[0]; i++)
    if (ord[1 + i] == c) return 1;
  return 0;
}

static void gauss_update(double *g, double x, double w, int fresh) {
  double old;
  if (fresh) {
    g[G_MIN] = g[G_MAX] = x;
  } else {
    if (x < g[G_MIN]) g[G_MIN] = x;
    if (x > g[G_MAX]) g[G_MAX] = x;
  }
  old = g[G_MEAN];
  g[G_N] += w;
  if (g[G_N] != 0.0) g[G_MEAN] += (w / g[G_N]) * (x - g[G_MEAN]);
  g[G_M2] += w * (x - old) * (x - g[G_MEAN]);
  /* River's Var.get() and the log term of Gaussian.log_pdf, cached. */
  g[G_VAR] = g[G_N] > 1.0 ? g[G_M2] / (g[G_N] - 1.0) : 0.0;
  g[G_HLV] = HT_HLV_UNSET; /* computed when naive Bayes first needs it */
}

void sl__ht_obs_update(ht_tree *t, ht_leaf *l, const double *x, unsigned c, double w) {
  uint8_t *ord = ht_obs_order(t, l->obs);
  int fresh = !obs_has_class(ord, c);
  size_t f;
  if (fresh) ord[1 + ord[0]++] = (uint8_t)c;
  for (f = 0; f < t->F; f++) {
    if (l->disabled[f]) continue;
    if (t->nominal[f]) {
      double *nom = ht_nom(t, l->obs, f);
      size_t v = (size_t)x[f];
      nom[v * t->C + c] += w;
      nom[t->V * t->C + v] = 1.0;
      nom[t->V * t->C + t->V + c] += w;
    } else {
      gauss_update(ht_gauss(t, l->obs, f, c), x[f], w, fresh);
    }
  }
}

/* A nominal value as an index, or -1 when it is not one the tree can hold. */
static long nominal_index(const ht_tree *t, double x) {
  return (x >= 0 && x < (double)t->V && x == floor(x)) ? (long)x : -1;
}

double sl__ht_obs_log_proba(const ht_tree *t, double *obs, size_t f, double x, unsigned c) {
  if (t->nominal[f]) {
    double *nom = ht_nom(t, obs, f), tot = nom[t->V * t->C + t->V + c], p;
    long v = nominal_index(t, x);
    if (v < 0 || tot == 0.0) return 0.0;
    p = nom[(size_t)v * t->C + c] / tot;
    return p > 0.0 ? log(p) : 0.0;
  } else {
    double *g = ht_gauss(t, obs, f, c), d, lp;
    if (!obs_has_class(ht_obs_order(t, obs), c) || !(g[G_VAR] > 0.0)) return 0.0;
    if (g[G_HLV] == HT_HLV_UNSET) g[G_HLV] = 0.5 * log(g[G_VAR]);
    d = x - g[G_MEAN];
    lp = d * d / (-2.0 * g[G_VAR]) - HALF_LOG_TAU - g[G_HLV];
    return lp > -HUGE_VAL ? lp : 0.0;
  }
}

/* River's Gaussian.cdf: 0 when sigma is 0 (its ZeroDivisionError). */
static double gauss_cdf(const double *g, double x) {
  double sigma = pow(g[G_VAR], 0.5);
  if (sigma == 0.0) return 0.0;
  return 0.5 * (1.0 + erf(((x - g[G_MEAN]) / sigma) / sqrt(2.0)));
}

static void child_put(ht_tree *t, unsigned i, unsigned c, double w) {
  t->sw[i * t->C + c] = w;
  t->so[i * t->C + t->sn[i]++] = (uint8_t)c;
}

static void children_clear(ht_tree *t, unsigned k) {
  unsigned i;
  for (i = 0; i < k; i++) t->sn[i] = 0;
}

/* River's _class_dists_from_binary_split. */
static void numeric_children(ht_tree *t, ht_leaf *l, size_t f, double split) {
  const uint8_t *ord = ht_obs_order(t, l->obs);
  unsigned i;
  children_clear(t, 2);
  for (i = 0; i < ord[0]; i++) {
    unsigned c = ord[1 + i];
    const double *g = ht_gauss(t, l->obs, f, c);
    if (split < g[G_MIN]) {
      child_put(t, 1, c, g[G_N]);
    } else if (split >= g[G_MAX]) {
      child_put(t, 0, c, g[G_N]);
    } else {
      double lhs = gauss_cdf(g, split) * g[G_N];
      child_put(t, 0, c, lhs);
      child_put(t, 1, c, g[G_N] - lhs);
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

static ht_split numeric_best(ht_tree *t, ht_leaf *l, size_t f) {
  const uint8_t *ord = ht_obs_order(t, l->obs);
  ht_split best = {0, -HUGE_VAL, 0, HT_SPLIT_NUMERIC, 0.0};
  double lo = HUGE_VAL, hi = -HUGE_VAL, bin;
  int64_t i, n = ht_p(t)[HT_P_N_SPLITS].i;
  unsigned j;
  for (j = 0; j < ord[0]; j++) {
    const double *g = ht_gauss(t, l->obs, f, ord[1 + j]);
    if (g[G_MIN] < lo) lo = g[G_MIN];
    if (g[G_MAX] > hi) hi = g[G_MAX];
  }
  if (!(lo < HUGE_VAL)) return best;
  bin = (hi - lo) / ((double)n + 1.0);
  for (i = 0; i < n; i++) {
    double split = lo + bin * (double)(i + 1), merit;
    if (!(lo < split && split < hi)) continue;
    numeric_children(t, l, f, split);
    merit = sl__ht_merit(t, &l->d, 2);
    if (merit > best.merit) {
      best.has = 1;
      best.merit = merit;
      best.feature = (uint32_t)f;
      best.value = split;
    }
  }
  return best;
}

static ht_split nominal_best(ht_tree *t, ht_leaf *l, size_t f) {
  const double *nom = ht_nom(t, l->obs, f);
  ht_split best = {0, -HUGE_VAL, (uint32_t)f, HT_SPLIT_NOMINAL_MULTIWAY, 0.0};
  size_t v;
  if (!ht_p(t)[HT_P_BINARY_SPLIT].i) {
    unsigned k = nominal_multiway_children(t, l, f);
    best.has = 1;
    best.merit = sl__ht_merit(t, &l->d, k);
  }
  for (v = 0; v < t->V; v++) {
    double merit;
    if (nom[t->V * t->C + v] == 0.0) continue;
    nominal_binary_children(t, l, f, v);
    merit = sl__ht_merit(t, &l->d, 2);
    if (merit > best.merit) {
      best.has = 1;
      best.merit = merit;
      best.kind = HT_SPLIT_NOMINAL_BINARY;
      best.value = (double)v;
    }
  }
  return best;
}

ht_split sl__ht_obs_best_split(ht_tree *t, ht_leaf *l, size_t f) {
  return t->nominal[f] ? nominal_best(t, l, f) : numeric_best(t, l, f);
}

unsigned sl__ht_obs_children(ht_tree *t, ht_leaf *l, const ht_split *s) {
  switch (s->kind) {
  case HT_SPLIT_NUMERIC: numeric_children(t, l, s->feature, s->value); return 2;
  case HT_SPLIT_NOMINAL_BINARY: nominal_binary_children(t, l, s->feature, (size_t)s->value); return 2;
  default: return nominal_multiway_children(t, l, s->feature);
  }
}
