/* A deterministic pipeline workload shared by the pipeline suites and the
 * crash test: event i is a pure function of i (so a restarted process can
 * regenerate any suffix), its label arrives DELAY events later or never.
 *
 * Event i: key i % 5, time 10 i, raw values (a, b, c) uniform in [-1, 1).
 * Class label: a + 0.5 b > 0, flipped from event `flip_at` on (a concept
 * drift). Regression target: 2 a - b + 0.5 c + 0.25 (no drift). */
#ifndef SL_TEST_WORKLOAD_H
#define SL_TEST_WORKLOAD_H

#include <stdint.h>

#include "streamlearn.h"

#define WL_RAW 3
#define WL_DELAY 5

static inline uint64_t wl_mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline double wl_unit(uint64_t h) { return (double)(h >> 11) * 0x1.0p-52 - 1.0; }

static inline void wl_values(uint64_t i, double *v) {
  v[0] = wl_unit(wl_mix(3 * i));
  v[1] = wl_unit(wl_mix(3 * i + 1));
  v[2] = wl_unit(wl_mix(3 * i + 2));
}

static inline double wl_class(uint64_t i, uint64_t flip_at) {
  double v[WL_RAW];
  int y;
  wl_values(i, v);
  y = v[0] + 0.5 * v[1] > 0;
  return (double)(i >= flip_at ? !y : y);
}

static inline double wl_target(uint64_t i) {
  double v[WL_RAW];
  wl_values(i, v);
  return 2 * v[0] - v[1] + 0.5 * v[2] + 0.25;
}

/* 1 when the label of event i is never delivered. */
static inline int wl_missing(uint64_t i) { return wl_mix(i ^ 0xabcdef) % 11 == 3; }

static inline sl_status wl_push(sl_pipeline *p, uint64_t i, sl_prediction *pr) {
  double v[WL_RAW];
  sl_event ev;
  wl_values(i, v);
  ev.struct_size = sizeof ev;
  ev.id = i;
  ev.key = i % 5;
  ev.ts = (int64_t)i * 10;
  ev.values = v;
  ev.n_values = WL_RAW;
  if (pr) pr->struct_size = sizeof *pr;
  return sl_pipeline_push(p, &ev, pr);
}

/* Step i of the classification workload: event i, then the label of
 * event i - WL_DELAY unless missing. Returns the first failure. */
static inline sl_status wl_step(sl_pipeline *p, uint64_t i, uint64_t flip_at) {
  sl_status st = wl_push(p, i, NULL);
  if (st == SL_OK && i >= WL_DELAY && !wl_missing(i - WL_DELAY))
    st = sl_pipeline_push_label(p, i - WL_DELAY, wl_class(i - WL_DELAY, flip_at));
  return st;
}

/* The full pipeline: two window features (sliding mean + std of a over 200
 * time units, count-window mean of b over 8 events), raw a, b, c; a
 * logistic champion, a Hoeffding tree challenger, ADWIN with the reset
 * policy, a FIFO replay buffer with 2 records per label, snapshots.
 * `a` may be NULL. Returns NULL on any failure (everything freed). */
static inline sl_pipeline *wl_full_pipeline(const sl_allocator *a) {
  sl_pipeline *p = NULL;
  sl_window *w1 = NULL, *w2 = NULL;
  sl_model *m = NULL, *c = NULL;
  sl_drift *d = NULL;
  sl_replay *r = NULL;
  size_t nf = 0;
  if (sl_pipeline_new(&p, WL_RAW, a) != SL_OK) return NULL;
  if (sl_window_new(&w1, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_STD, a) != SL_OK ||
      sl_window_set_int(w1, "size", 200) != SL_OK || sl_pipeline_add_window_feature(p, w1, 0) != SL_OK)
    goto fail_w1;
  if (sl_window_new(&w2, SL_WINDOW_COUNT, SL_WINDOW_AGG_MEAN, a) != SL_OK || sl_window_set_int(w2, "count", 8) != SL_OK ||
      sl_pipeline_add_window_feature(p, w2, 1) != SL_OK)
    goto fail_w2;
  sl_pipeline_n_features(p, &nf);
  if (sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, nf, a) != SL_OK || sl_pipeline_set_model(p, m) != SL_OK)
    goto fail_m;
  if (sl_model_new(&c, SL_MODEL_HOEFFDING_TREE, nf, a) != SL_OK || sl_model_set_int(c, "grace_period", 50) != SL_OK ||
      sl_pipeline_set_challenger(p, c) != SL_OK)
    goto fail_c;
  if (sl_drift_new(&d, SL_DRIFT_ADWIN, a) != SL_OK || sl_pipeline_set_drift(p, d) != SL_OK) goto fail_d;
  if (sl_replay_new(&r, SL_REPLAY_FIFO, nf, a) != SL_OK || sl_replay_set_int(r, "capacity", 64) != SL_OK ||
      sl_pipeline_set_replay(p, r) != SL_OK)
    goto fail_r;
  if (sl_pipeline_set_int(p, "pending_cap", 32) != SL_OK || sl_pipeline_set_int(p, "metric_window", 50) != SL_OK ||
      sl_pipeline_set_str(p, "drift_policy", "reset") != SL_OK || sl_pipeline_set_int(p, "replay_k", 2) != SL_OK ||
      sl_pipeline_set_int(p, "snapshot_every", 40) != SL_OK || sl_pipeline_set_int(p, "snapshots", 3) != SL_OK ||
      sl_pipeline_set_int(p, "promote_min_labels", 100) != SL_OK)
    goto fail;
  return p;
fail_r:
  sl_replay_free(r);
  goto fail;
fail_d:
  sl_drift_free(d);
  goto fail;
fail_c:
  sl_model_free(c);
  goto fail;
fail_m:
  sl_model_free(m);
  goto fail;
fail_w2:
  sl_window_free(w2);
  goto fail;
fail_w1:
  sl_window_free(w1);
fail:
  sl_pipeline_free(p);
  return NULL;
}

#endif
