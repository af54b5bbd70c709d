/* sl_pipeline: setup, bad input, labels late / out of order / missing against
 * a hand-run model, expiry, metrics, callbacks, latency, checkpoints and
 * exact resume, files, allocation failures. Policies: test_pipeline_policy.c. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash/workload.h"
#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

/* A pipeline over the raw fields only with a model of `kind`. */
static sl_pipeline *raw_pipeline(sl_model_kind kind, sl_model **model) {
  sl_pipeline *p;
  sl_model *m;
  cr_assert_eq(sl_pipeline_new(&p, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_model_new(&m, kind, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  if (model) *model = m;
  return p;
}

/* The checkpoint bytes (caller frees). */
static unsigned char *ckpt(const sl_pipeline *p, size_t *len) {
  unsigned char *b;
  cr_assert_eq(sl_pipeline_save_mem(p, 0, NULL, 0, len), SL_EBUFFER);
  b = malloc(*len);
  cr_assert_eq(sl_pipeline_save_mem(p, 0, b, *len, len), SL_OK);
  return b;
}

static void assert_same_state(const sl_pipeline *a, const sl_pipeline *b) {
  size_t la, lb;
  unsigned char *x = ckpt(a, &la), *y = ckpt(b, &lb);
  cr_assert(la == lb && memcmp(x, y, la) == 0, "checkpoints differ (%zu vs %zu bytes)", la, lb);
  free(x);
  free(y);
}

/* ---- setup and parameters --------------------------------------------------------- */

Test(pipeline_setup, parameters_kinds_and_layout) {
  sl_pipeline *p;
  sl_window *w, *t;
  sl_model *m;
  const sl_param_info *info;
  size_t n;
  int64_t iv;
  int kind;
  cr_assert_eq(sl_pipeline_new(&p, 4, NULL), SL_OK);
  cr_assert_str_eq(sl_pipeline_kind_name(SL_PIPELINE_DEFAULT), "default");
  cr_assert_eq(sl_pipeline_kind_of(p, &kind), SL_OK);
  cr_assert_eq(sl_pipeline_kind_param(SL_PIPELINE_DEFAULT, 0, &info), SL_OK);
  cr_assert_str_eq(info->name, "pending_cap");
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "replay"), SL_OK);
  cr_assert_eq(sl_pipeline_get_int(p, "drift_policy", &iv), SL_OK);
  cr_assert_eq(iv, SL_PIPELINE_REPLAY);
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "panic"), SL_ERANGE);
  cr_assert_eq(sl_pipeline_set_double(p, "metric_fading", 1.5), SL_ERANGE);
  cr_assert_eq(sl_pipeline_set_int(p, "pending_cap", 0), SL_ERANGE);
  cr_assert_eq(sl_pipeline_n_features(p, &n), SL_OK);
  cr_assert_eq(n, 4, "all raw fields by default");
  cr_assert_eq(sl_pipeline_add_raw_feature(p, 3), SL_OK);
  cr_assert_eq(sl_pipeline_add_raw_feature(p, 4), SL_EDIM);
  cr_assert_eq(sl_pipeline_add_raw_feature(p, 1), SL_OK);
  cr_assert_eq(sl_window_new(&w, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_MAX | SL_WINDOW_AGG_COUNT, NULL),
               SL_OK);
  cr_assert_eq(sl_pipeline_add_window_feature(p, w, 9), SL_EDIM);
  cr_assert_eq(sl_pipeline_add_window_feature(p, w, 2), SL_OK);
  cr_assert_eq(sl_pipeline_add_window_feature(p, w, 2), SL_EDUP);
  cr_assert_eq(sl_window_new(&t, SL_WINDOW_TUMBLING, SL_WINDOW_AGG_MEAN, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_add_window_feature(p, t, 0), SL_EKIND);
  sl_window_free(t); /* refused: still ours */
  cr_assert_eq(sl_pipeline_n_features(p, &n), SL_OK);
  cr_assert_eq(n, 5, "two raw + three aggregates");
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 4, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  cr_assert_eq(sl_pipeline_set_challenger(p, m), SL_EDUP);
  {
    double v[4] = {1, 2, 3, 4};
    sl_event ev = {sizeof ev, 1, 1, 0, v, 4};
    double stat;
    cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EDIM, "model of 4 features, layout of 5");
    cr_assert_neq(strstr(sl_pipeline_last_error(p), "layout"), NULL);
    cr_assert_eq(sl_pipeline_stat(p, "events", &stat), SL_OK);
    cr_assert_eq(stat, 0);
    cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 5, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK, "replacing frees the old one");
    cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "alert"), SL_OK);
    cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_add_raw_feature(p, 0), SL_ESTATE);
    cr_assert_eq(sl_pipeline_set_int(p, "pending_cap", 10), SL_ESTATE);
    cr_assert_eq(sl_pipeline_set_double(p, "promote_margin", 0.5), SL_OK, "not fixed");
  }
  sl_pipeline_free(p);
}

Test(pipeline_setup, incompatible_handles_refused_at_first_push) {
  sl_pipeline *p;
  sl_model *m;
  sl_drift *d;
  sl_replay *r;
  double v[WL_RAW] = {0, 0, 0};
  sl_event ev = {sizeof ev, 1, 1, 0, v, WL_RAW};
  cr_assert_eq(sl_pipeline_new(&p, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_ESTATE, "no model");
  cr_assert_eq(sl_pipeline_push_label(p, 1, 0), SL_ESTATE, "before any event");
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_DDM, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_drift(p, d), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EKIND, "DDM takes 0 / 1 errors, a regressor's are real");
  cr_assert_eq(sl_pipeline_set_drift(p, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "consolidate"), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EKIND, "consolidate needs EWC");
  cr_assert_eq(sl_pipeline_set_str(p, "drift_policy", "replay"), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_ESTATE, "replay needs a buffer");
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_FIFO, WL_RAW + 1, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_replay(p, r), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EDIM, "replay rows of the wrong width");
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_FIFO, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", 4), SL_OK);
  cr_assert_eq(sl_pipeline_set_replay(p, r), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "replay_k", 5), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_ERANGE, "replay_k above capacity");
  cr_assert_eq(sl_pipeline_set_int(p, "replay_k", 4), SL_OK);
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_challenger(p, m), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EKIND, "a classifier challenging a regressor");
  cr_assert_eq(sl_pipeline_set_challenger(p, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_OK);
  sl_pipeline_free(p);
}

/* ---- bad input leaves everything as it was ------------------------------------------ */

Test(pipeline_input, rejected_events_and_labels_change_nothing) {
  sl_pipeline *p = wl_full_pipeline(NULL);
  unsigned char *before, *after;
  size_t lb, la;
  double v[WL_RAW] = {0.5, NAN, 0}, ok[WL_RAW] = {0.1, 0.2, 0.3};
  sl_event ev = {sizeof ev, 1000, 1, 100000, v, WL_RAW};
  sl_prediction pr = {0};
  uint64_t i;
  cr_assert_not_null(p);
  for (i = 0; i < 200; i++) cr_assert_eq(wl_step(p, i, 1u << 30), SL_OK);
  before = ckpt(p, &lb);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_ENONFINITE);
  ev.values = ok;
  ev.n_values = 2;
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EDIM);
  ev.n_values = WL_RAW;
  ev.id = 199; /* still pending: its label comes WL_DELAY events later */
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EDUP);
  ev.id = 1000;
  ev.ts = INT64_MAX;
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EINVAL);
  ev.ts = 100000;
  ev.struct_size = 8;
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_EINVAL);
  ev.struct_size = sizeof ev;
  cr_assert_eq(sl_pipeline_push(p, &ev, &pr), SL_EINVAL, "prediction struct_size not set");
  cr_assert_eq(sl_pipeline_push(NULL, &ev, NULL), SL_EINVAL);
  cr_assert_eq(sl_pipeline_push_label(p, 198, NAN), SL_ENONFINITE);
  cr_assert_eq(sl_pipeline_push_label(p, 198, 2), SL_EINVAL, "logistic takes classes 0 / 1");
  cr_assert_eq(sl_pipeline_push_label(p, 198, 0.5), SL_EINVAL);
  cr_assert_eq(sl_pipeline_push_many(p, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL), SL_EINVAL);
  after = ckpt(p, &la);
  cr_assert(la == lb && memcmp(before, after, la) == 0, "a refused call changed the state");
  free(after);
  /* unmatched labels and late events change nothing but their counters */
  {
    sl_pipeline *q;
    double st;
    cr_assert_eq(sl_pipeline_load_mem(&q, before, lb, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, 5, 1), SL_ENOTFOUND, "labelled already");
    cr_assert_eq(sl_pipeline_push_label(p, 99999, 1), SL_ENOTFOUND, "never pushed");
    ev.ts = 10; /* far behind the sliding window's watermark (newest 1990) */
    cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_ELATE);
    cr_assert_eq(sl_pipeline_stat(p, "late", &st), SL_OK);
    cr_assert_eq(st, 1);
    cr_assert_eq(sl_pipeline_stat(p, "unmatched_labels", &st), SL_OK);
    cr_assert_eq(st, 2);
    for (i = 200; i < 400; i++) {
      sl_prediction a, b;
      cr_assert_eq(wl_push(p, i, &a), SL_OK);
      cr_assert_eq(wl_push(q, i, &b), SL_OK);
      cr_assert(a.y == b.y && (a.confidence == b.confidence) && a.challenger_y == b.challenger_y, "event %lu",
                (unsigned long)i);
      if (!wl_missing(i - WL_DELAY)) {
        cr_assert_eq(sl_pipeline_push_label(p, i - WL_DELAY, wl_class(i - WL_DELAY, 1u << 30)), SL_OK);
        cr_assert_eq(sl_pipeline_push_label(q, i - WL_DELAY, wl_class(i - WL_DELAY, 1u << 30)), SL_OK);
      }
    }
    sl_pipeline_free(q);
  }
  free(before);
  sl_pipeline_free(p);
}

/* ---- labels against a hand-run model ------------------------------------------------- */

/* Events 0..n-1 pushed; labels for a shuffled 80% of them, arriving while
 * later events are pushed. The same model run by hand in the same
 * interleaving must give the same predictions, and MAE / RMSE by hand. */
Test(pipeline_labels, out_of_order_and_missing_match_a_hand_run_model) {
  enum { N = 600 };
  static uint64_t order[N];
  sl_pipeline *p;
  sl_model *hand;
  static double pred[N], xs[N][WL_RAW];
  double sum_abs = 0, sum_sq = 0, v;
  size_t n_lab = 0, next = 0, i;
  sl_pipeline_metrics m;
  p = raw_pipeline(SL_MODEL_LINEAR_REGRESSION, NULL);
  cr_assert_eq(sl_pipeline_set_int(p, "metric_window", 100000), SL_OK);
  cr_assert_eq(sl_model_new(&hand, SL_MODEL_LINEAR_REGRESSION, WL_RAW, NULL), SL_OK);
  for (i = 0; i < N; i++) order[i] = i;
  for (i = N - 1; i > 0; i--) { /* a shuffle within blocks of 40: labels come late and out of order */
    size_t j = (i / 40) * 40 + (size_t)(wl_mix(i) % (i % 40 + 1)), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (i = 0; i < N; i++) {
    sl_prediction pr;
    wl_values(i, xs[i]);
    cr_assert_eq(wl_push(p, i, &pr), SL_OK);
    cr_assert_eq(sl_model_predict(hand, xs[i], WL_RAW, &pred[i]), SL_OK);
    cr_assert_eq(pr.y, pred[i], "event %zu: pipeline %g, by hand %g", i, pr.y, pred[i]);
    cr_assert(isnan(pr.confidence) && isnan(pr.challenger_y));
    if (i % 40 == 39) /* the block's labels, shuffled, a fifth missing */
      for (; next <= i; next++) {
        uint64_t id = order[next];
        double y = wl_target(id);
        if (id % 5 == 2) continue;
        cr_assert_eq(sl_pipeline_push_label(p, id, y), SL_OK, "%s", sl_pipeline_last_error(p));
        cr_assert_eq(sl_model_learn(hand, xs[id], WL_RAW, y, 1.0), SL_OK);
        sum_abs += fabs(pred[id] - y);
        sum_sq += (pred[id] - y) * (pred[id] - y);
        n_lab++;
      }
  }
  m.struct_size = sizeof m;
  cr_assert_eq(sl_pipeline_read_metrics(p, &m), SL_OK);
  cr_assert_eq(m.labels, n_lab);
  cr_assert_eq(m.events, N);
  cr_assert_float_eq(m.mae, sum_abs / n_lab, 1e-12);
  cr_assert_float_eq(m.rmse, sqrt(sum_sq / n_lab), 1e-12);
  cr_assert_float_eq(m.mae_window, sum_abs / n_lab, 1e-12);
  cr_assert(isnan(m.accuracy) && isnan(m.log_loss) && isnan(m.challenger_mae_window));
  cr_assert_eq(sl_pipeline_stat(p, "pending", &v), SL_OK);
  cr_assert_eq(v, N - n_lab, "missing labels stay pending");
  sl_model_free(hand);
  sl_pipeline_free(p);
}

Test(pipeline_labels, classifier_accuracy_and_log_loss_by_hand) {
  sl_pipeline *p = raw_pipeline(SL_MODEL_LOGISTIC_REGRESSION, NULL);
  double hits = 0, ll = 0, w_hits = 0;
  size_t i, n = 0;
  sl_pipeline_metrics m;
  cr_assert_eq(sl_pipeline_set_int(p, "metric_window", 50), SL_OK);
  for (i = 0; i < 300; i++) {
    sl_prediction pr;
    double y = wl_class(i, 150), pt;
    cr_assert_eq(wl_push(p, i, &pr), SL_OK);
    pt = y == pr.y ? pr.confidence : 1 - pr.confidence;
    pt = pt < 1e-15 ? 1e-15 : pt > 1 - 1e-15 ? 1 - 1e-15 : pt;
    hits += pr.y == y;
    if (i >= 250) w_hits += pr.y == y;
    ll += -log(pt);
    n++;
    cr_assert_eq(sl_pipeline_push_label(p, i, y), SL_OK);
  }
  m.struct_size = sizeof m;
  cr_assert_eq(sl_pipeline_read_metrics(p, &m), SL_OK);
  cr_assert_float_eq(m.accuracy, hits / n, 1e-12);
  cr_assert_float_eq(m.log_loss, ll / n, 1e-12);
  cr_assert_float_eq(m.accuracy_window, w_hits / 50, 1e-12);
  cr_assert(isnan(m.mae));
  /* fading: with factor f the accuracy is a weighted mean, recent labels heavier */
  cr_assert_eq(sl_pipeline_set_double(p, "metric_fading", 0.0), SL_OK);
  {
    sl_prediction pr;
    double y = wl_class(300, 150);
    cr_assert_eq(wl_push(p, 300, &pr), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, 300, y), SL_OK);
    cr_assert_eq(sl_pipeline_read_metrics(p, &m), SL_OK);
    cr_assert_eq(m.accuracy, pr.y == y ? 1.0 : 0.0, "fading 0 keeps the last label only");
  }
  sl_pipeline_free(p);
}

/* ---- expiry --------------------------------------------------------------------------- */

static uint64_t expired_ids[64];
static int expired_why[64];
static size_t n_expired;

static int on_expired(const sl_prediction *pr, sl_pipeline_expiry why, void *user) {
  (void)user;
  if (n_expired < 64) {
    expired_ids[n_expired] = pr->id;
    expired_why[n_expired] = why;
  }
  n_expired++;
  return 0;
}

Test(pipeline_labels, bounded_table_evicts_oldest_and_ttl_expires) {
  sl_pipeline *p = raw_pipeline(SL_MODEL_LINEAR_REGRESSION, NULL);
  sl_pipeline_callbacks cb = {sizeof cb, NULL, on_expired, NULL, NULL, NULL};
  double v;
  size_t i;
  cr_assert_eq(sl_pipeline_set_int(p, "pending_cap", 4), SL_OK);
  cr_assert_eq(sl_pipeline_set_callbacks(p, &cb), SL_OK);
  n_expired = 0;
  for (i = 0; i < 4; i++) cr_assert_eq(wl_push(p, i, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_push_label(p, 1, 0.5), SL_OK, "a hole in the middle");
  cr_assert_eq(n_expired, 0);
  cr_assert_eq(wl_push(p, 4, NULL), SL_OK);
  cr_assert_eq(n_expired, 1, "the ring is full (4 slots, one dead): the oldest goes");
  cr_assert_eq(expired_ids[0], 0);
  cr_assert_eq(expired_why[0], SL_PIPELINE_EVICTED);
  cr_assert_eq(sl_pipeline_push_label(p, 0, 1), SL_ENOTFOUND);
  cr_assert_eq(wl_push(p, 5, NULL), SL_OK);
  cr_assert_eq(n_expired, 1, "0 and the dead 1 left: room for 5");
  cr_assert_eq(sl_pipeline_push_label(p, 5, 0.5), SL_OK, "the tail dies, still holds its slot");
  cr_assert_eq(wl_push(p, 6, NULL), SL_OK);
  cr_assert_eq(n_expired, 2);
  cr_assert_eq(expired_ids[1], 2, "2 was the oldest");
  cr_assert_eq(sl_pipeline_stat(p, "evicted", &v), SL_OK);
  cr_assert_eq(v, 2);
  /* ttl: 15 time units; events are 10 apart */
  cr_assert_eq(sl_pipeline_push_label(p, 3, 0.5), SL_OK);
  cr_assert_eq(sl_pipeline_set_int(p, "label_ttl", 15), SL_OK);
  cr_assert_eq(wl_push(p, 7, NULL), SL_OK); /* newest 70: 4 (ts 40) is 30 behind, 6 only 10 */
  cr_assert_eq(n_expired, 3);
  cr_assert_eq(expired_ids[2], 4);
  cr_assert_eq(expired_why[2], SL_PIPELINE_TTL);
  cr_assert_eq(sl_pipeline_stat(p, "expired", &v), SL_OK);
  cr_assert_eq(v, 1);
  cr_assert_eq(sl_pipeline_stat(p, "pending", &v), SL_OK);
  cr_assert_eq(v, 2, "6 and 7");
  sl_pipeline_free(p);
}

/* ---- callbacks, batches ------------------------------------------------------------------ */

static sl_pipeline *cb_pipeline;
static size_t n_predictions;

static int on_prediction(const sl_prediction *pr, void *user) {
  double v[WL_RAW] = {0, 0, 0};
  sl_event ev = {sizeof ev, 777, 0, pr->ts, v, WL_RAW};
  cr_assert_eq(sl_pipeline_push(cb_pipeline, &ev, NULL), SL_ESTATE, "no pushing from a callback");
  cr_assert_eq(sl_pipeline_push_label(cb_pipeline, pr->id, 0), SL_ESTATE);
  n_predictions++;
  return pr->id == *(const uint64_t *)user;
}

Test(pipeline_callbacks, prediction_callback_stops_and_columns_match_single_pushes) {
  sl_pipeline *p = raw_pipeline(SL_MODEL_LINEAR_REGRESSION, NULL), *q = raw_pipeline(SL_MODEL_LINEAR_REGRESSION, NULL);
  uint64_t stop_at = 12, ids[30], keys[30];
  int64_t ts[30];
  double vals[30 * WL_RAW], y[30], labels[30];
  size_t i, done, late;
  sl_pipeline_callbacks cb = {sizeof cb, on_prediction, NULL, NULL, NULL, &stop_at};
  cb_pipeline = p;
  n_predictions = 0;
  cr_assert_eq(sl_pipeline_set_callbacks(p, &cb), SL_OK);
  for (i = 0; i < 30; i++) {
    ids[i] = i;
    keys[i] = i % 5;
    ts[i] = (int64_t)i * 10;
    wl_values(i, vals + i * WL_RAW);
    labels[i] = wl_target(i);
  }
  cr_assert_eq(sl_pipeline_push_many(p, 30, ids, keys, ts, vals, y, &done, &late), SL_ECALLBACK);
  cr_assert_eq(done, 13, "events 0..12 handled, the callback stopped after 12");
  cr_assert_eq(n_predictions, 13);
  cr_assert_eq(sl_pipeline_set_callbacks(p, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_push_many(p, 17, ids + 13, keys + 13, ts + 13, vals + 13 * WL_RAW, y + 13, &done, &late),
               SL_OK);
  cr_assert_eq(done, 17);
  cr_assert_eq(sl_pipeline_push_labels(p, 30, ids, labels, &done, &late), SL_OK);
  cr_assert_eq(done, 30);
  cr_assert_eq(late, 0);
  cr_assert_eq(sl_pipeline_push_labels(p, 2, ids, labels, &done, &late), SL_OK);
  cr_assert_eq(late, 2, "labelled already: unmatched");
  for (i = 0; i < 30; i++) {
    sl_prediction pr;
    cr_assert_eq(wl_push(q, i, &pr), SL_OK);
    cr_assert_eq(pr.y, y[i]);
  }
  for (i = 0; i < 30; i++) cr_assert_eq(sl_pipeline_push_label(q, i, labels[i]), SL_OK);
  {
    double a, b;
    sl_pipeline_stat(p, "mae", &a);
    sl_pipeline_stat(q, "mae", &b);
    cr_assert_eq(a, b);
  }
  sl_pipeline_free(p);
  sl_pipeline_free(q);
}

Test(pipeline_callbacks, late_events_in_a_batch_are_skipped_and_counted) {
  sl_pipeline *p;
  sl_window *w;
  uint64_t ids[4] = {1, 2, 3, 4}, keys[4] = {0, 0, 0, 0};
  int64_t ts[4] = {100, 200, 50, 300};
  double vals[4 * WL_RAW] = {0}, y[4];
  size_t done, late, nf;
  sl_model *m;
  cr_assert_eq(sl_pipeline_new(&p, WL_RAW, NULL), SL_OK);
  cr_assert_eq(sl_window_new(&w, SL_WINDOW_COUNT, SL_WINDOW_AGG_SUM, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_add_window_feature(p, w, 0), SL_OK);
  sl_pipeline_n_features(p, &nf);
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, nf, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  cr_assert_eq(sl_pipeline_push_many(p, 4, ids, keys, ts, vals, y, &done, &late), SL_OK);
  cr_assert_eq(done, 4);
  cr_assert_eq(late, 1);
  cr_assert(isnan(y[2]) && !isnan(y[3]));
  cr_assert_eq(sl_pipeline_push_label(p, 3, 1), SL_ENOTFOUND, "a late event leaves no prediction");
  sl_pipeline_free(p);
}

/* ---- latency ------------------------------------------------------------------------------ */

static uint64_t fake_clock(void *user) {
  uint64_t *t = (uint64_t *)user;
  return *t += 1000; /* every reading 1000 ns after the last */
}

Test(pipeline_latency, stages_timed_with_the_host_clock) {
  sl_pipeline *p = raw_pipeline(SL_MODEL_LINEAR_REGRESSION, NULL);
  uint64_t t = 0;
  double v;
  size_t i;
  cr_assert_eq(sl_pipeline_stat(p, "latency_predict_p50", &v), SL_OK);
  cr_assert_eq(v, 0, "off by default");
  cr_assert_eq(sl_pipeline_set_clock(p, fake_clock, &t), SL_OK);
  for (i = 0; i < 100; i++) {
    cr_assert_eq(wl_push(p, i, NULL), SL_OK);
    cr_assert_eq(sl_pipeline_push_label(p, i, 1.0), SL_OK);
  }
  cr_assert_eq(sl_pipeline_stat(p, "latency_features_p50", &v), SL_OK);
  cr_assert(fabs(v - 1000) < 1000 * 0.035, "p50 %g, one tick is 1000", v);
  cr_assert_eq(sl_pipeline_stat(p, "latency_predict_p999", &v), SL_OK);
  cr_assert(fabs(v - 1000) < 1000 * 0.035, "p99.9 %g", v);
  cr_assert_eq(sl_pipeline_stat(p, "latency_learn_p99", &v), SL_OK);
  cr_assert(fabs(v - 1000) < 1000 * 0.035, "p99 %g", v);
  sl_pipeline_free(p);
}

/* ---- checkpoints ------------------------------------------------------------------------ */

Test(pipeline_checkpoint, contract_fresh_and_running) {
  sl_pipeline *p = wl_full_pipeline(NULL);
  uint64_t i;
  cr_assert_not_null(p);
  CHECK_CHECKPOINT_CONTRACT(pipeline, p);
  for (i = 0; i < 400; i++) cr_assert_eq(wl_step(p, i, 250), SL_OK, "%s", sl_pipeline_last_error(p));
  CHECK_CHECKPOINT_CONTRACT(pipeline, p);
  sl_pipeline_free(p);
}

Test(pipeline_checkpoint, restored_pipeline_continues_bit_identically) {
  sl_pipeline *p = wl_full_pipeline(NULL), *q;
  unsigned char *b;
  size_t len;
  uint64_t i;
  double snaps, ver;
  cr_assert_not_null(p);
  for (i = 0; i < 700; i++) cr_assert_eq(wl_step(p, i, 500), SL_OK);
  b = ckpt(p, &len);
  cr_assert_eq(sl_pipeline_load_mem(&q, b, len, NULL), SL_OK, "%s", sl_pipeline_last_error(p));
  free(b);
  for (i = 700; i < 1500; i++) {
    sl_prediction a, c;
    cr_assert_eq(wl_push(p, i, &a), SL_OK);
    cr_assert_eq(wl_push(q, i, &c), SL_OK);
    cr_assert(memcmp(&a.y, &c.y, sizeof a.y) == 0 && memcmp(&a.challenger_y, &c.challenger_y, sizeof a.y) == 0 &&
                  memcmp(&a.confidence, &c.confidence, sizeof a.y) == 0 && a.model_version == c.model_version,
              "event %lu differs", (unsigned long)i);
    if (!wl_missing(i - WL_DELAY)) {
      cr_assert_eq(sl_pipeline_push_label(p, i - WL_DELAY, wl_class(i - WL_DELAY, 500)), SL_OK);
      cr_assert_eq(sl_pipeline_push_label(q, i - WL_DELAY, wl_class(i - WL_DELAY, 500)), SL_OK);
    }
  }
  assert_same_state(p, q);
  sl_pipeline_stat(p, "snapshots_taken", &snaps);
  sl_pipeline_stat(p, "model_version", &ver);
  cr_assert_gt(snaps, 0, "the run took snapshots");
  cr_assert_gt(ver, 1, "the run changed the model (drift reset or promotion)");
  sl_pipeline_free(p);
  sl_pipeline_free(q);
}

/* Every state the long workload passes through (drifts, promotions back and
 * forth, snapshots, rollbacks) loads and saves back byte for byte. */
Test(pipeline_checkpoint, every_hundredth_state_round_trips) {
  sl_pipeline *p = wl_full_pipeline(NULL), *q;
  uint64_t i;
  double changes;
  cr_assert_not_null(p);
  for (i = 0; i < 3000; i++) {
    cr_assert_eq(wl_step(p, i, 1500), SL_OK);
    if (i % 100 == 99) {
      size_t len;
      unsigned char *b = ckpt(p, &len);
      cr_assert_eq(sl_pipeline_load_mem(&q, b, len, NULL), SL_OK, "after step %lu", (unsigned long)i);
      assert_same_state(p, q);
      sl_pipeline_free(q);
      free(b);
    }
  }
  sl_pipeline_stat(p, "model_version", &changes);
  cr_assert_gt(changes, 3, "the workload changes the model several times");
  sl_pipeline_free(p);
}

Test(pipeline_checkpoint, compressed_when_built_with_zstd) {
  sl_pipeline *p = wl_full_pipeline(NULL), *q;
  unsigned char *b;
  size_t len, plain;
  uint64_t i;
  cr_assert_not_null(p);
  for (i = 0; i < 300; i++) cr_assert_eq(wl_step(p, i, 1u << 30), SL_OK);
  if (!sl_has_compression()) {
    cr_assert_eq(sl_pipeline_save_mem(p, SL_SAVE_COMPRESS, NULL, 0, &len), SL_ENOTSUP);
    sl_pipeline_free(p);
    return;
  }
  free(ckpt(p, &plain));
  cr_assert_eq(sl_pipeline_save_mem(p, SL_SAVE_COMPRESS, NULL, 0, &len), SL_EBUFFER);
  b = malloc(len);
  cr_assert_eq(sl_pipeline_save_mem(p, SL_SAVE_COMPRESS, b, len, &len), SL_OK);
  cr_assert_lt(len, plain);
  cr_assert_eq(sl_pipeline_load_mem(&q, b, len, NULL), SL_OK);
  assert_same_state(p, q);
  free(b);
  sl_pipeline_free(p);
  sl_pipeline_free(q);
}

Test(pipeline_checkpoint, atomic_file_round_trip) {
  sl_pipeline *p = wl_full_pipeline(NULL), *q = NULL;
  char dir[] = "/tmp/sl_pipeline_XXXXXX", path[256], tmp[270];
  uint64_t i;
  cr_assert_not_null(p);
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/state.slck", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  for (i = 0; i < 300; i++) cr_assert_eq(wl_step(p, i, 1u << 30), SL_OK);
  cr_assert_eq(sl_pipeline_save_file(p, path, 0), SL_OK);
  cr_assert_neq(access(tmp, F_OK), 0, "the temporary file is renamed away");
  cr_assert_eq(sl_pipeline_load_file(&q, path, NULL), SL_OK);
  assert_same_state(p, q);
  sl_pipeline_free(q);
  cr_assert_eq(sl_pipeline_save_file(p, "/nonexistent/dir/x", 0), SL_EIO);
  cr_assert_eq(sl_pipeline_load_file(&q, "/nonexistent/dir/x", NULL), SL_EIO);
  cr_assert_null(q);
  cr_assert_eq(sl_pipeline_save_file(NULL, path, 0), SL_EINVAL);
  unlink(path);
  rmdir(dir);
  sl_pipeline_free(p);
}

Test(pipeline_checkpoint, other_handle_types_refused) {
  sl_model *m;
  sl_pipeline *p = NULL;
  unsigned char buf[4096];
  size_t len;
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 3, NULL), SL_OK);
  cr_assert_eq(sl_model_save_mem(m, 0, buf, sizeof buf, &len), SL_OK);
  cr_assert_eq(sl_pipeline_load_mem(&p, buf, len, NULL), SL_EKIND);
  cr_assert_null(p);
  sl_model_free(m);
}

/* ---- allocation failures ---------------------------------------------------------------- */

/* Failures the pipeline absorbs by design (a skipped snapshot, an update a
 * model refused, a tree split not made) count as the ENOMEM the sweep
 * expects: the workload has no other cause for them. */
static sl_status absorbed(const sl_pipeline *p, sl_status st) {
  const sl_model *m[2];
  double v = 0, total = 0;
  int i;
  if (st != SL_OK || !p) return st;
  sl_pipeline_stat(p, "snapshots_failed", &total);
  sl_pipeline_stat(p, "learn_rejected", &v);
  total += v;
  sl_pipeline_handles(p, &m[0], &m[1], NULL, NULL);
  for (i = 0; i < 2; i++)
    if (m[i] && sl_model_stat(m[i], "split_failures", &v) == SL_OK) total += v;
  return total > 0 ? SL_ENOMEM : SL_OK;
}

static sl_status lifecycle(const sl_allocator *a, void *ctx) {
  sl_pipeline *p = wl_full_pipeline(a), *q = NULL;
  unsigned char *buf = NULL;
  size_t len = 0;
  sl_status st = SL_OK;
  uint64_t i;
  (void)ctx;
  if (!p) return SL_ENOMEM;
  for (i = 0; i < 150 && st == SL_OK; i++) st = wl_step(p, i, 100);
  st = absorbed(p, st);
  if (st == SL_OK) {
    sl_pipeline_save_mem(p, 0, NULL, 0, &len);
    buf = malloc(len);
    st = sl_pipeline_save_mem(p, 0, buf, len, &len);
  }
  if (st == SL_OK) st = sl_pipeline_load_mem(&q, buf, len, a);
  for (i = 150; i < 170 && st == SL_OK; i++) st = wl_step(q, i, 100);
  st = absorbed(q, st);
  free(buf);
  sl_pipeline_free(q);
  sl_pipeline_free(p);
  return st;
}

Test(pipeline_checkpoint, every_allocation_failure_is_clean) { cr_assert_gt(test_alloc_sweep(lifecycle, NULL), 0); }
