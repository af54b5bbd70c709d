/* Split criteria (River's InfoGain, Gini and Hellinger split criteria), over
 * the parent distribution and the candidate children in the tree's scratch.
 * Sums run in River's dict order so merits match it bit for bit. */
#include "htree.h"

static double child_sum(const ht_tree *t, unsigned i) {
  const double *w = t->sw + i * t->C;
  const uint8_t *o = t->so + i * t->C;
  double s = 0.0;
  unsigned j;
  for (j = 0; j < t->sn[i]; j++) s += w[o[j]];
  return s;
}

/* River's num_subsets_greater_than_frac. */
static unsigned subsets_above(const ht_tree *t, unsigned k, double frac, double *total) {
  double tot = 0.0;
  unsigned i, n = 0;
  for (i = 0; i < k; i++) tot += child_sum(t, i);
  if (tot > 0)
    for (i = 0; i < k; i++)
      if (child_sum(t, i) / tot > frac) n++;
  *total = tot;
  return n;
}

static double entropy(const double *w, const uint8_t *order, unsigned n) {
  double e = 0.0, s = 0.0;
  unsigned i;
  for (i = 0; i < n; i++) {
    double d = w[order[i]];
    if (d > 0.0) {
      e -= d * log2(d);
      s += d;
    }
  }
  return s > 0.0 ? (e + s * log2(s)) / s : 0.0;
}

static double gini_of(const double *w, const uint8_t *order, unsigned n, double sum) {
  double g = 1.0;
  unsigned i;
  if (sum != 0.0)
    for (i = 0; i < n; i++) {
      double f = w[order[i]] / sum;
      g -= f * f;
    }
  return g;
}

/* River reads dist[branch][class] and returns 0 on a missing key. */
static int child_get(const ht_tree *t, unsigned i, unsigned c, double *v) {
  unsigned j;
  for (j = 0; j < t->sn[i]; j++)
    if (t->so[i * t->C + j] == c) {
      *v = t->sw[i * t->C + c];
      return 1;
    }
  return 0;
}

static double hellinger(const ht_tree *t) {
  double lp, ln, rp, rn, tn, tp, h;
  if (!child_get(t, 0, 1, &lp) || !child_get(t, 0, 0, &ln) || !child_get(t, 1, 1, &rp) || !child_get(t, 1, 0, &rn))
    return 0.0;
  tn = ln + rn;
  tp = lp + rp;
  if (tn == 0.0 || tp == 0.0) return 0.0; /* River would divide by zero */
  h = pow(sqrt(ln / tn) - sqrt(lp / tp), 2.0) + pow(sqrt(rn / tn) - sqrt(rp / tp), 2.0);
  return sqrt(h);
}

double sl__ht_pre_merit(const ht_tree *t, const ht_dist *pre) {
  return ht_p(t)[HT_P_SPLIT_CRITERION].i == HT_CRIT_INFO_GAIN ? entropy(pre->w, pre->order, pre->n) : 0.0;
}

double sl__ht_merit(const ht_tree *t, double pre, unsigned k) {
  const sl__pval *p = ht_p(t);
  double total, acc = 0.0;
  unsigned i;
  if (subsets_above(t, k, p[HT_P_MIN_BRANCH_FRACTION].d, &total) < 2) return -HUGE_VAL;
  switch (p[HT_P_SPLIT_CRITERION].i) {
  case HT_CRIT_GINI:
    for (i = 0; i < k; i++) {
      double s = child_sum(t, i);
      acc += (s / total) * gini_of(t->sw + i * t->C, t->so + i * t->C, t->sn[i], s);
    }
    return 1.0 - acc;
  case HT_CRIT_HELLINGER:
    return hellinger(t); /* River reads the first two branches */
  default:
    for (i = 0; i < k; i++) acc += child_sum(t, i) * entropy(t->sw + i * t->C, t->so + i * t->C, t->sn[i]);
    return pre - acc / total;
  }
}

double sl__ht_range_of_merit(const ht_tree *t, const ht_dist *pre) {
  if (ht_p(t)[HT_P_SPLIT_CRITERION].i == HT_CRIT_GINI) return 1.0;
  return log2(pre->n > 2 ? (double)pre->n : 2.0);
}
