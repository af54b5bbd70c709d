/* Leaves: learning (class weights, naive Bayes adaptive bookkeeping,
 * observers) and River's three leaf predictors: majority class, naive Bayes
 * and naive Bayes adaptive. */
#include "htree.h"

void sl__ht_memo_sync(ht_tree *t, const double *x) {
  if (t->memo_valid && memcmp(x, t->memo_x, t->F * sizeof *x) == 0) return;
  memcpy(t->memo_x, x, t->F * sizeof *x);
  t->memo_valid = 1;
  t->memo_slot = NULL;
  t->memo_reach = NULL;
  t->memo_leaf = NULL;
}

/* exp(v - max), without the call for the maximum itself: exp(0) is exactly 1. */
static double exp_from(double v, double max) {
  double d = v - max;
  return d == 0.0 ? 1.0 : exp(d);
}

/* Naive Bayes in two steps, remembered for the example in memo_x: the
 * log-likelihood of each class (the prior and River's log-pdf terms), then
 * the posterior by River's log-sum-exp, computed only when someone needs
 * more than the predicted class. */
enum { NB_LOGLIK = 1, NB_POSTERIOR };

static int nb_loglik(ht_tree *t, const ht_leaf *l, const double *x, double *v) {
  double total = sl__ht_dist_total(&l->d);
  unsigned i;
  if (l->d.n == 0 || total == 0.0) return 0;
  for (i = 0; i < l->d.n; i++) {
    unsigned c = l->d.order[i];
    v[c] = 0.0;
    if (l->d.w[c] > 0.0) {
      v[c] = log(l->d.w[c] / total);
      if (l->obs) v[c] = sl__ht_obs_log_lik(t, l, x, c, v[c]);
    }
  }
  return 1;
}

static void nb_posterior(const ht_leaf *l, double *p) {
  double max_ll = -HUGE_VAL, s = 0.0, lse;
  unsigned i;
  for (i = 0; i < l->d.n; i++)
    if (i == 0 || p[l->d.order[i]] > max_ll) max_ll = p[l->d.order[i]];
  for (i = 0; i < l->d.n; i++) s += exp_from(p[l->d.order[i]], max_ll);
  lse = max_ll + log(s);
  for (i = 0; i < l->d.n; i++) p[l->d.order[i]] = exp(p[l->d.order[i]] - lse);
}

/* Brings the memo to `stage` for leaf l; returns 0 when River's posterior is empty. */
static int nb_memo(ht_tree *t, const ht_leaf *l, const double *x, int stage) {
  if (l != t->memo_leaf || t->memo_epoch != t->epoch) {
    t->memo_has = nb_loglik(t, l, x, t->memo_p);
    t->memo_leaf = l;
    t->memo_epoch = t->epoch;
    t->memo_stage = NB_LOGLIK;
  }
  if (stage == NB_POSTERIOR && t->memo_stage == NB_LOGLIK) {
    if (t->memo_has) nb_posterior(l, t->memo_p);
    t->memo_stage = NB_POSTERIOR;
  }
  return t->memo_has;
}

int sl__ht_nb(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  unsigned i;
  int has = nb_memo(t, l, x, NB_POSTERIOR);
  for (i = 0; i < l->d.n; i++) p[l->d.order[i]] = t->memo_p[l->d.order[i]];
  return has;
}

/* The class whose posterior is strictly the largest, read from the
 * log-likelihoods v (memo at NB_LOGLIK), or -1 when they are too close to
 * tell. The posterior is exp(v - lse): two classes whose v differ by g get
 * arguments that differ by g up to the rounding of v - lse (at most
 * 2^-52 (|v_a| + |v_b| + 12), lse being within log(255) of the largest v),
 * and exp, within a relative 2^-52 of the truth, keeps any two arguments
 * more than 2^-50 apart in order. The margin asked below is far wider, so
 * the answer is the posterior's own argmax. */
static int nb_decisive(const ht_leaf *l, const double *v) {
  double best = 0.0, second = -HUGE_VAL;
  int a = -1;
  unsigned i;
  for (i = 0; i < l->d.n; i++) {
    double u = v[l->d.order[i]];
    if (a < 0 || u > best) {
      if (a >= 0) second = best;
      best = u;
      a = l->d.order[i];
    } else if (u > second || u != u) {
      second = u;
    }
  }
  if (l->d.n == 1) return a;
  return best - second > (fabs(best) + fabs(second) + 16.0) * 0x1p-40 ? a : -1;
}

/* River's max(nb_pred, key=nb_pred.get): the first class of largest
 * posterior in the leaf's order; -1 when the posterior is empty. */
static int nb_argmax(ht_tree *t, const ht_leaf *l, const double *x) {
  int a;
  if (!nb_memo(t, l, x, NB_LOGLIK)) return -1;
  if (t->memo_stage == NB_LOGLIK && (a = nb_decisive(l, t->memo_p)) >= 0) return a;
  nb_memo(t, l, x, NB_POSTERIOR);
  return sl__ht_argmax(l, t->memo_p);
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

/* River's leaf.prediction uses naive Bayes here. */
static int uses_nb(const ht_tree *t, const ht_leaf *l) {
  const sl__pval *prm = ht_p(t);
  if (!l->obs) return 0;
  if (prm[HT_P_LEAF_PREDICTION].i == HT_PRED_NB) return sl__ht_dist_total(&l->d) >= (double)prm[HT_P_NB_THRESHOLD].i;
  return prm[HT_P_LEAF_PREDICTION].i == HT_PRED_NBA && l->nb_correct >= l->mc_correct;
}

int sl__ht_leaf_predict(ht_tree *t, const ht_leaf *l, const double *x, double *p) {
  memset(p, 0, t->C * sizeof *p);
  if (uses_nb(t, l)) return sl__ht_nb(t, l, x, p);
  normalized(l, p);
  return l->d.n > 0;
}

int sl__ht_leaf_nb_class(ht_tree *t, const ht_leaf *l, const double *x) {
  if (!uses_nb(t, l) || !nb_memo(t, l, x, NB_LOGLIK) || t->memo_stage != NB_LOGLIK) return -1;
  return nb_decisive(l, t->memo_p);
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
    if (nb_argmax(t, l, x) == (int)c) l->nb_correct += w;
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
