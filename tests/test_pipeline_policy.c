/* sl_pipeline policies end to end: a concept flip triggers each drift
 * policy, a better challenger is promoted and a worse one is not, a
 * degraded model rolls back to a snapshot, and the audit callbacks see
 * every change (count, order, versions). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crash/workload.h"
#include "streamlearn.h"

#define FLIP 1500

/* What the callbacks saw. */
typedef struct audit {
  sl_pipeline *p;
  int n_drift, n_warn, n_change;
  sl_pipeline_policy action[64];
  uint64_t drift_event[64];
  sl_pipeline_reason reason[64];
  uint64_t version[64];
  double before[64], reference[64];
  int zero_weights[64]; /* champion weights all zero at the change */
  int matches_replay[64]; /* champion equals a fresh model fed the replay buffer */
  unsigned char *champion[64]; /* champion checkpoint at the change */
  size_t champion_len[64];
} audit;

static int on_drift(const sl_pipeline_drift_info *d, void *user) {
  audit *a = (audit *)user;
  cr_assert_eq(d->struct_size, sizeof *d);
  cr_assert_not_null(d->metrics);
  if (d->state == SL_DRIFT_WARNING) {
    a->n_warn++;
    return 0;
  }
  cr_assert_eq(d->state, SL_DRIFT_DETECTED);
  if (a->n_drift < 64) {
    a->action[a->n_drift] = d->action;
    a->drift_event[a->n_drift] = d->event_id;
  }
  a->n_drift++;
  return 1; /* ignored: the change is reported, not vetoed */
}

/* The champion's weights equal those of a fresh model with the same
 * parameters that learned the replay buffer's records in slot order. */
static int champion_is_replay_trained(const sl_pipeline *p) {
  const sl_model *m;
  const sl_replay *r;
  sl_model *fresh;
  unsigned char buf[4096];
  double w1[16], w2[16], x[WL_RAW], y, wt;
  size_t n1, n2, size, i, len;
  int same;
  sl_pipeline_handles(p, &m, NULL, NULL, &r);
  cr_assert_eq(sl_model_save_mem(m, 0, buf, sizeof buf, &len), SL_OK);
  cr_assert_eq(sl_model_load_mem(&fresh, buf, len, NULL), SL_OK);
  cr_assert_eq(sl_model_reset(fresh), SL_OK);
  sl_replay_size(r, &size);
  for (i = 0; i < size; i++) {
    cr_assert_eq(sl_replay_get(r, i, x, WL_RAW, &y, &wt, NULL, NULL), SL_OK);
    cr_assert_eq(sl_model_learn(fresh, x, WL_RAW, y, wt), SL_OK);
  }
  cr_assert_eq(sl_model_weights(m, w1, 16, &n1), SL_OK);
  cr_assert_eq(sl_model_weights(fresh, w2, 16, &n2), SL_OK);
  same = n1 == n2 && memcmp(w1, w2, n1 * sizeof *w1) == 0 && size > 0;
  sl_model_free(fresh);
  return same;
}

static int on_change(const sl_pipeline_change *c, void *user) {
  audit *a = (audit *)user;
  const sl_model *m;
  int k = a->n_change++;
  double w[16];
  size_t n, i;
  cr_assert_lt(k, 64);
  cr_assert_eq(c->struct_size, sizeof *c);
  cr_assert_eq(c->metrics->model_version, c->version);
  a->reason[k] = c->reason;
  a->version[k] = c->version;
  a->before[k] = c->score_before;
  a->reference[k] = c->score_reference;
  sl_pipeline_handles(a->p, &m, NULL, NULL, NULL);
  a->zero_weights[k] = 1;
  if (sl_model_weights(m, w, 16, &n) == SL_OK)
    for (i = 0; i < n; i++) a->zero_weights[k] &= w[i] == 0.0;
  a->matches_replay[k] = c->reason == SL_PIPELINE_RETRAINED && champion_is_replay_trained(a->p);
  sl_model_save_mem(m, 0, NULL, 0, &a->champion_len[k]);
  a->champion[k] = malloc(a->champion_len[k]);
  cr_assert_eq(sl_model_save_mem(m, 0, a->champion[k], a->champion_len[k], &a->champion_len[k]), SL_OK);
  return 0;
}

static void audit_free(audit *a) {
  int i;
  for (i = 0; i < a->n_change && i < 64; i++) free(a->champion[i]);
}

/* Raw features into a `kind` champion with `lr`, audit callbacks set. */
static sl_pipeline *policy_pipeline(sl_model_kind kind, double lr, audit *a) {
  sl_pipeline *p;
  sl_model *m;
  sl_pipeline_callbacks cb = {sizeof cb, NULL, NULL, on_drift, on_change, a};
  memset(a, 0, sizeof *a);
  cr_assert_eq(sl_pipeline_new(&p, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_model_new(&m, kind, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_model_set_double(m, "lr", lr), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  cr_assert_eq(sl_pipeline_set_callbacks(p, &cb), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "metric_window", 200), SL_OK);
  a->p = p;
  return p;
}

static void attach_detector(sl_pipeline *p) {
  sl_drift *d;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_drift(p, d), SL_OK);
}

/* Every step of the workload; returns the windowed accuracy at its end. */
static double run(sl_pipeline *p, uint64_t from, uint64_t to, uint64_t flip_at) {
  double acc;
  uint64_t i;
  for (i = from; i < to; i++) cr_assert_eq(wl_step(p, i, flip_at), SL_OK, "%s", sl_pipeline_last_error(p));
  cr_assert_eq(sl_pipeline_stat(p, "accuracy_window", &acc), SL_OK);
  return acc;
}

/* The audit trail agrees with the counters: one callback per change,
 * versions 2, 3, ... in order. */
static void check_trail(const sl_pipeline *p, const audit *a) {
  double v, sum = 0, c;
  int i;
  static const char *const counters[] = {"promotions", "rollbacks", "resets", "consolidations", "retrains"};
  cr_assert_eq(sl_pipeline_stat(p, "model_version", &v), SL_OK);
  cr_assert_eq(v, 1 + a->n_change, "version %g after %d changes", v, a->n_change);
  for (i = 0; i < 5; i++) {
    cr_assert_eq(sl_pipeline_stat(p, counters[i], &c), SL_OK);
    sum += c;
  }
  cr_assert_eq(sum, a->n_change);
  for (i = 0; i < a->n_change && i < 64; i++) cr_assert_eq(a->version[i], (uint64_t)i + 2);
  cr_assert_eq(sl_pipeline_stat(p, "drifts", &c), SL_OK);
  cr_assert_eq(c, a->n_drift);
  cr_assert_eq(sl_pipeline_stat(p, "warnings", &c), SL_OK);
  cr_assert_eq(c, a->n_warn);
}

/* ---- drift policies --------------------------------------------------------------- */

Test(pipeline_drift, alert_reports_and_changes_nothing) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.1, &a);
  int i;
  attach_detector(p);
  cr_assert_gt(run(p, 0, FLIP, FLIP), 0.9, "the concept is learned before the flip");
  cr_assert_eq(a.n_drift, 0, "no drift before the flip");
  run(p, FLIP, FLIP + 1500, FLIP);
  cr_assert_geq(a.n_drift, 1);
  cr_assert_geq(a.drift_event[0], FLIP, "detected on a label after the flip (event %lu)",
                (unsigned long)a.drift_event[0]);
  for (i = 0; i < a.n_drift && i < 64; i++) cr_assert_eq(a.action[i], SL_PIPELINE_ALERT);
  cr_assert_eq(a.n_change, 0);
  check_trail(p, &a);
  audit_free(&a);
  sl_pipeline_free(p);
}

Test(pipeline_drift, reset_policy_resets_and_recovers_faster) {
  audit a, b;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.1, &a);
  sl_pipeline *q = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.1, &b);
  double acc_reset, acc_alert;
  int i;
  attach_detector(p);
  attach_detector(q);
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "reset"), SL_OK);
  run(p, 0, FLIP, FLIP);
  run(q, 0, FLIP, FLIP);
  cr_assert_eq(a.n_change, 0);
  acc_reset = run(p, FLIP, FLIP + 300, FLIP);
  acc_alert = run(q, FLIP, FLIP + 300, FLIP);
  cr_assert_geq(a.n_drift, 1);
  cr_assert_eq(a.n_change, a.n_drift, "one reset per drift");
  for (i = 0; i < a.n_change; i++) {
    cr_assert_eq(a.reason[i], SL_PIPELINE_WAS_RESET);
    cr_assert_eq(a.action[i], SL_PIPELINE_RESET);
    cr_assert(a.zero_weights[i], "the champion was reset before it learned the label");
  }
  cr_assert_gt(acc_reset, acc_alert, "reset %g vs alert %g over the 200 labels after the flip", acc_reset, acc_alert);
  check_trail(p, &a);
  check_trail(q, &b);
  audit_free(&a);
  audit_free(&b);
  sl_pipeline_free(p);
  sl_pipeline_free(q);
}

Test(pipeline_drift, consolidate_policy_consolidates_the_ewc_model) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_EWC_LOGISTIC, 0.1, &a);
  const sl_model *m;
  double n;
  int i;
  attach_detector(p);
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "consolidate"), SL_OK);
  run(p, 0, FLIP + 1500, FLIP);
  cr_assert_geq(a.n_drift, 1);
  cr_assert_eq(a.n_change, a.n_drift);
  for (i = 0; i < a.n_change; i++) cr_assert_eq(a.reason[i], SL_PIPELINE_CONSOLIDATED);
  sl_pipeline_handles(p, &m, NULL, NULL, NULL);
  cr_assert_eq(sl_model_stat(m, "consolidations", &n), SL_OK);
  cr_assert_eq(n, a.n_drift);
  check_trail(p, &a);
  audit_free(&a);
  sl_pipeline_free(p);
}

Test(pipeline_drift, replay_policy_retrains_from_the_buffer) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.1, &a);
  sl_replay *r;
  int i;
  attach_detector(p);
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_FIFO, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", 40), SL_OK);
  cr_assert_eq(sl_pipeline_set_replay(p, r), SL_OK);
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "replay"), SL_OK);
  run(p, 0, FLIP + 1500, FLIP);
  cr_assert_geq(a.n_drift, 1);
  cr_assert_eq(a.n_change, a.n_drift);
  for (i = 0; i < a.n_change; i++) {
    cr_assert_eq(a.reason[i], SL_PIPELINE_RETRAINED);
    cr_assert(a.matches_replay[i], "change %d: the champion is a fresh model fed the buffer", i);
  }
  check_trail(p, &a);
  audit_free(&a);
  sl_pipeline_free(p);
}

Test(pipeline_drift, replay_batches_are_learned_with_each_label) {
  audit a, b;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LINEAR_REGRESSION, 0.01, &a);
  sl_pipeline *q = policy_pipeline(SL_MODEL_LINEAR_REGRESSION, 0.01, &b);
  sl_replay *r;
  double mae_k, mae_0;
  uint64_t i;
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_RESERVOIR, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_replay(p, r), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "replay_k", 4), SL_OK);
  for (i = 0; i < 300; i++) {
    cr_assert_eq(wl_push(p, i, NULL), SL_OK);
    cr_assert_eq(wl_push(q, i, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, i, wl_target(i)), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(q, i, wl_target(i)), SL_OK);
  }
  sl_pipeline_stat(p, "mae", &mae_k);
  sl_pipeline_stat(q, "mae", &mae_0);
  cr_assert_lt(mae_k, mae_0, "five updates per label learn faster than one (%g vs %g)", mae_k, mae_0);
  audit_free(&a);
  audit_free(&b);
  sl_pipeline_free(p);
  sl_pipeline_free(q);
}

/* ---- challenger ------------------------------------------------------------------- */

static sl_model *logistic(double lr) {
  sl_model *m;
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_model_set_double(m, "lr", lr), SL_OK);
  return m;
}

Test(pipeline_challenger, better_challenger_is_promoted) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 1e-7, &a);
  sl_model *good = logistic(0.1);
  const sl_model *champ, *chal, *old;
  uint64_t i;
  cr_assert_eq(sl_pipeline_set_challenger(p, good), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "promote_min_labels", 300), SL_OK);
  cr_assert_eq(sl_pipeline_set_double(p, "promote_margin", 0.1), SL_OK);
  sl_pipeline_handles(p, &old, NULL, NULL, NULL);
  for (i = 0; i < 2000 && a.n_change == 0; i++) cr_assert_eq(wl_step(p, i, 1u << 30), SL_OK);
  cr_assert_eq(a.n_change, 1, "promoted");
  cr_assert_eq(a.reason[0], SL_PIPELINE_PROMOTED);
  cr_assert_gt(a.reference[0], a.before[0] + 0.1, "challenger %g vs champion %g", a.reference[0], a.before[0]);
  cr_assert_geq(i, 300, "not before promote_min_labels");
  sl_pipeline_handles(p, &champ, &chal, NULL, NULL);
  cr_assert_eq(champ, good, "the challenger serves now");
  cr_assert_eq(chal, old, "the old champion shadows");
  {
    sl_prediction pr;
    double x[WL_RAW], y;
    cr_assert_eq(wl_push(p, 5000, &pr), SL_OK);
    wl_values(5000, x);
    cr_assert_eq(sl_model_predict(good, x, WL_RAW, &y), SL_OK);
    cr_assert_eq(pr.y, y, "served by the promoted model");
    cr_assert_eq(pr.model_version, 2);
  }
  run(p, i, i + 1500, 1u << 30);
  cr_assert_eq(a.n_change, 1, "the weak model is never promoted back");
  check_trail(p, &a);
  audit_free(&a);
  sl_pipeline_free(p);
}

Test(pipeline_challenger, worse_challenger_is_not_promoted) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.1, &a);
  double cacc, acc;
  cr_assert_eq(sl_pipeline_set_challenger(p, logistic(1e-7)), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "promote_min_labels", 100), SL_OK);
  cr_assert_eq(sl_pipeline_set_double(p, "promote_margin", 0.0), SL_OK);
  acc = run(p, 0, 3000, 1u << 30);
  cr_assert_eq(sl_pipeline_stat(p, "challenger_accuracy_window", &cacc), SL_OK);
  cr_assert_lt(cacc, acc, "the challenger is worse (%g vs %g)", cacc, acc);
  cr_assert_eq(a.n_change, 0);
  check_trail(p, &a);
  audit_free(&a);
  sl_pipeline_free(p);
}

/* ---- rollback ------------------------------------------------------------------------ */

/* Labels of events in [from, to) are noise: a burst of garbage that
 * damages a fast-learning model. */
static double noisy_label(uint64_t i, uint64_t from, uint64_t to) {
  return i >= from && i < to ? (double)(wl_mix(i * 7 + 1) & 1) : wl_class(i, 1u << 30);
}

Test(pipeline_rollback, degraded_model_rolls_back_to_a_snapshot) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.5, &a);
  static unsigned char *saved[100];
  static size_t saved_len[100];
  size_t n_saved = 0, k;
  double labels, rolled;
  uint64_t i;
  int found = 0;
  cr_assert_eq(sl_pipeline_set_int(p, "metric_window", 100), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "snapshot_every", 50), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "snapshots", 4), SL_OK);
  cr_assert_eq(sl_pipeline_set_double(p, "rollback_threshold", 0.2), SL_OK);
  for (i = 0; i < 2500 && a.n_change == 0; i++) {
    cr_assert_eq(wl_push(p, i, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, i, noisy_label(i, 1000, 1400)), SL_OK);
    sl_pipeline_stat(p, "labels", &labels);
    if ((uint64_t)labels % 50 == 0 && a.n_change == 0 && n_saved < 100) {
      const sl_model *m;
      sl_pipeline_handles(p, &m, NULL, NULL, NULL);
      sl_model_save_mem(m, 0, NULL, 0, &saved_len[n_saved]);
      saved[n_saved] = malloc(saved_len[n_saved]);
      cr_assert_eq(sl_model_save_mem(m, 0, saved[n_saved], saved_len[n_saved], &saved_len[n_saved]), SL_OK);
      n_saved++;
    }
  }
  cr_assert_eq(a.n_change, 1, "rolled back during the burst");
  cr_assert_gt(i, 1000);
  cr_assert_eq(a.reason[0], SL_PIPELINE_ROLLED_BACK);
  cr_assert_gt(a.reference[0] - a.before[0], 0.2, "snapshot %g vs live %g", a.reference[0], a.before[0]);
  for (k = 0; k < n_saved; k++)
    found |= saved_len[k] == a.champion_len[0] && memcmp(saved[k], a.champion[0], saved_len[k]) == 0;
  cr_assert(found, "the champion after the rollback is byte for byte one taken at a snapshot label");
  sl_pipeline_stat(p, "rollbacks", &rolled);
  cr_assert_eq(rolled, 1);
  for (k = 0; k < n_saved; k++) free(saved[k]);
  check_trail(p, &a);
  audit_free(&a);
  sl_pipeline_free(p);
}

Test(pipeline_rollback, no_rollback_without_snapshots_or_within_threshold) {
  audit a;
  sl_pipeline *p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.5, &a);
  uint64_t i;
  cr_assert_eq(sl_pipeline_set_int(p, "metric_window", 100), SL_OK);
  for (i = 0; i < 2000; i++) {
    cr_assert_eq(wl_push(p, i, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, i, noisy_label(i, 1000, 1400)), SL_OK);
  }
  cr_assert_eq(a.n_change, 0, "snapshot_every 0: no snapshots, no rollback");
  audit_free(&a);
  sl_pipeline_free(p);
  p = policy_pipeline(SL_MODEL_LOGISTIC_REGRESSION, 0.5, &a);
  cr_assert_eq(sl_pipeline_set_int(p, "metric_window", 100), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "snapshot_every", 50), SL_OK);
  cr_assert_eq(sl_pipeline_set_double(p, "rollback_threshold", 0.9), SL_OK);
  for (i = 0; i < 2000; i++) {
    cr_assert_eq(wl_push(p, i, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, i, noisy_label(i, 1000, 1400)), SL_OK);
  }
  cr_assert_eq(a.n_change, 0, "the drop stays within the threshold");
  audit_free(&a);
  sl_pipeline_free(p);
}
