/*
 * The full sl_pipeline loop, per event: push (8 window features: for each
 * of 4 raw fields a sliding window of 1 s, mean + std, and a count window
 * of the last 16 events, mean + max; plus the 4 raw values: 20 features),
 * predict, and the label of the event 50 before (prequential metrics,
 * ADWIN on the error, learn). 100 keys, 1 ms apart. Models: logistic
 * regression and a Hoeffding tree (River's defaults). Each event's push +
 * label is timed on its own after 20k warm-up events, so p50 / p99 / p99.9
 * are per event. Allocations per event: the "handle_allocations" statistic
 * (the pipeline and every handle it holds) before and after the timed run.
 * Bytes: every handle's. 1M events (--quick: 100k).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "streamlearn.h"

#define N_RAW 4
#define N_KEYS 100
#define DELAY 50
#define WARMUP 20000

static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static double unit(uint64_t i, int f) { return (double)(mix(i * N_RAW + (uint64_t)f) >> 11) * 0x1.0p-53; }

/* Event i's raw values and its class: a fault when field 0 and field 1
 * together run high, with 5% label noise. */
static void event(uint64_t i, double *v, double *y) {
  int f;
  for (f = 0; f < N_RAW; f++) v[f] = unit(i, f) + (f == 0 ? 0.1 * (double)(i % N_KEYS % 7) : 0.0);
  *y = (v[0] + 0.5 * v[1] > 1.0) ^ (mix(i ^ 0x5bd1e995u) % 20 == 0);
}

static void check(sl_status st, const char *what) {
  if (st != SL_OK) {
    fprintf(stderr, "bench_pipeline: %s: %s\n", what, sl_strerror(st));
    exit(1);
  }
}

static sl_pipeline *build(sl_model_kind kind) {
  sl_pipeline *p;
  sl_model *m;
  sl_drift *d;
  size_t f, nf;
  check(sl_pipeline_new(&p, N_RAW, NULL), "new");
  for (f = 0; f < N_RAW; f++) {
    sl_window *s, *c;
    check(sl_window_new(&s, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_STD, NULL), "sliding");
    check(sl_window_set_int(s, "size", 1000), "size");
    check(sl_pipeline_add_window_feature(p, s, f), "add sliding");
    check(sl_window_new(&c, SL_WINDOW_COUNT, SL_WINDOW_AGG_MEAN | SL_WINDOW_AGG_MAX, NULL), "count");
    check(sl_window_set_int(c, "count", 16), "count");
    check(sl_pipeline_add_window_feature(p, c, f), "add count");
  }
  check(sl_pipeline_n_features(p, &nf), "n_features");
  check(sl_model_new(&m, kind, nf, NULL), "model");
  check(sl_pipeline_set_model(p, m), "set model");
  check(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), "drift");
  check(sl_pipeline_set_drift(p, d), "set drift");
  return p;
}

static void step(sl_pipeline *p, uint64_t i) {
  double v[N_RAW], y;
  sl_event ev;
  event(i, v, &y);
  ev.struct_size = sizeof ev;
  ev.id = i;
  ev.key = i % N_KEYS;
  ev.ts = (int64_t)i;
  ev.values = v;
  ev.n_values = N_RAW;
  check(sl_pipeline_push(p, &ev, NULL), "push");
  if (i >= DELAY) {
    event(i - DELAY, v, &y);
    check(sl_pipeline_push_label(p, i - DELAY, y), "label");
  }
}

static void bench_loop(const char *name, sl_model_kind kind, uint64_t n) {
  sl_pipeline *p = build(kind);
  double *samples = malloc(n * sizeof *samples), a0, a1, bytes, acc, total = 0;
  bench_stats s;
  char note[160];
  uint64_t i;
  if (!samples) exit(1);
  for (i = 0; i < WARMUP; i++) step(p, i);
  sl_pipeline_stat(p, "handle_allocations", &a0);
  for (i = 0; i < n; i++) {
    uint64_t t0 = bench_now_ns(), dt;
    step(p, WARMUP + i);
    dt = bench_now_ns() - t0;
    samples[i] = (double)dt;
    total += (double)dt;
  }
  sl_pipeline_stat(p, "handle_allocations", &a1);
  sl_pipeline_stat(p, "handle_bytes", &bytes);
  sl_pipeline_stat(p, "accuracy", &acc);
  s = bench_from_samples(samples, (size_t)n, total, n);
  snprintf(note, sizeof note, "8 windows, 20 features, label 50 events later, ADWIN; accuracy %.3f; %.0f allocs in %lu events",
           acc, a1 - a0, (unsigned long)n);
  bench_row("pipeline", name, &s, bytes, (a1 - a0) / (double)n, note);
  free(samples);
  sl_pipeline_free(p);
}

int main(int argc, char **argv) {
  uint64_t n = bench_quick(argc, argv) ? 100000 : 1000000;
  bench_table_header("sl_pipeline: push + label per event (full loop)");
  bench_loop("logistic regression", SL_MODEL_LOGISTIC_REGRESSION, n);
  bench_loop("hoeffding tree", SL_MODEL_HOEFFDING_TREE, n);
  return 0;
}
