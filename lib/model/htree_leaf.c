/* Leaves: learning (class weights, naive Bayes adaptive bookkeeping,
 * observers) and River's three leaf predictors: majority class, naive Bayes
 * and naive Bayes adaptive. */
#include "htree.h"

static int memo_hit(const ht_tree *t, const ht_leaf *l, const double *x) {
  return l == t->memo_leaf && t->memo_epoch == t->epoch && memcmp(x, t->memo_x, t->F * sizeof *x) == 0;
}

static int nb_compute(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  double total = sl__ht_dist_total(&l->d), max_ll = -HUGE_VAL, s = 0.0, lse;
  unsigned i;
  size_t f;
  if (l->d.n == 0 || total == 0.0) return 0;
  for (i = 0; i < l->d.n; i++) {
    unsigned c = l->d.order[i];
    double v = 0.0;
    if (l->d.w[c] > 0.0) {
      v = log(l->d.w[c] / total);
      if (l->obs)
        for (f = 0; f < t->F; f++)
          if (!l->disabled[f]) v += sl__ht_obs_log_proba(t, l->obs, f, x[f], c);
    }
    p[c] = v;
    if (i == 0 || v > max_ll) max_ll = v;
  }
  for (i = 0; i < l->d.n; i++) s += exp(p[l->d.order[i]] - max_ll);
  lse = max_ll + log(s);
  for (i = 0; i < l->d.n; i++) p[l->d.order[i]] = exp(p[l->d.order[i]] - lse);
  return 1;
}

int sl__ht_nb(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  unsigned i;
  if (!memo_hit(t, l, x)) {
    t->memo_has = nb_compute(t, l, x, t->memo_p);
    t->memo_leaf = l;
    t->memo_epoch = t->epoch;
    memcpy(t->memo_x, x, t->F * sizeof *x);
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
