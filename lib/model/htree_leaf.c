/* Leaves: learning (class weights, naive Bayes adaptive bookkeeping,
 * observers) and River's three leaf predictors: majority class, naive Bayes
 * and naive Bayes adaptive. */
#include "htree.h"

void sl__ht_memo_sync(ht_tree *t, const double *x) {
  if (t->memo_valid && memcmp(x, t->memo_x, t->F * sizeof *x) == 0) return;
  memcpy(t->memo_x, x, t->F * sizeof *x);
  t->memo_valid = 1;
  t->memo_slot = NULL;
  t->memo_leaf = NULL;
}

/* exp(v - max), without the call for the maximum itself: exp(0) is exactly 1. */
static double exp_from(double v, double max) {
  double d = v - max;
  return d == 0.0 ? 1.0 : exp(d);
}

static int nb_compute(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  double total = sl__ht_dist_total(&l->d), max_ll = -HUGE_VAL, s = 0.0, lse;
  unsigned i;
  if (l->d.n == 0 || total == 0.0) return 0;
  for (i = 0; i < l->d.n; i++) {
    unsigned c = l->d.order[i];
    double v = 0.0;
    if (l->d.w[c] > 0.0) {
      v = log(l->d.w[c] / total);
      if (l->obs) v = sl__ht_obs_log_lik(t, l, x, c, v);
    }
    p[c] = v;
    if (i == 0 || v > max_ll) max_ll = v;
  }
  for (i = 0; i < l->d.n; i++) s += exp_from(p[l->d.order[i]], max_ll);
  lse = max_ll + log(s);
  for (i = 0; i < l->d.n; i++) p[l->d.order[i]] = exp(p[l->d.order[i]] - lse);
  return 1;
}

int sl__ht_nb(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  unsigned i;
  if (l != t->memo_leaf || t->memo_epoch != t->epoch) {
    t->memo_has = nb_compute(t, l, x, t->memo_p);
    t->memo_leaf = l;
    t->memo_epoch = t->epoch;
  }
  for (i = 0; i < l->d.n; i++) p[l->d.order[i]] = t->memo_p[l->d.order[i]];
  return t->memo_has;
}

/* River's normalize_values_in_dict: left as is when the sum is 0. */
static void normalized(const ht_leaf *l, double *p) {
  double s = sl__ht_dist_total(&l->d);
  unsigned i;
  for (i = 0; i < l->d.n; i++) {
    unsigned c = l->d.order[i];
    p[c] = (s == 0.0 || s != s) ? l->d.w[c] : l->d.w[c] * (1.0 / s);
  }
}

int sl__ht_leaf_predict(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  const sl__pval *prm = ht_p(t);
  int nb = 0;
  memset(p, 0, t->C * sizeof *p);
  if (l->obs) {
    if (prm[HT_P_LEAF_PREDICTION].i == HT_PRED_NB)
      nb = sl__ht_dist_total(&l->d) >= (double)prm[HT_P_NB_THRESHOLD].i;
    else if (prm[HT_P_LEAF_PREDICTION].i == HT_PRED_NBA)
      nb = l->nb_correct >= l->mc_correct;
  }
  if (nb) return sl__ht_nb(t, l, x, p);
  normalized(l, p);
  return l->d.n > 0;
}

int sl__ht_argmax(const ht_leaf *l, const double *p) {
  unsigned i;
  int best = -1;
  for (i = 0; i < l->d.n; i++)
    if (best < 0 || p[l->d.order[i]] > p[best]) best = l->d.order[i];
  return best;
}

void sl__ht_leaf_learn(ht_tree *t, ht_leaf *l, const double *x, unsigned c, double w, int track_nba) {
  if (track_nba && l->obs) {
    double *p = t->votes;
    normalized(l, p);
    if (l->d.n == 0 || sl__ht_argmax(l, p) == (int)c) l->mc_correct += w;
    if (sl__ht_nb(t, l, x, p) && sl__ht_argmax(l, p) == (int)c) l->nb_correct += w;
  }
  sl__ht_dist_add(&l->d, c, w);
  if (l->obs) sl__ht_obs_update(t, l, x, c, w);
  t->epoch++;
}

double sl__ht_leaf_promise(const ht_leaf *l) {
  double total = sl__ht_dist_total(&l->d), mx = -HUGE_VAL;
  unsigned i;
  if (!(total > 0.0)) return 0.0;
  for (i = 0; i < l->d.n; i++)
    if (l->d.w[l->d.order[i]] > mx) mx = l->d.w[l->d.order[i]];
  return total - mx;
}
