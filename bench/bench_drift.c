/*
 * ns per update of every drift detector at River's defaults, on a stream of
 * 1M values (--quick: 50k): real-valued detectors get unit Gaussian noise
 * whose mean steps by 1 every 100k values, binary ones 0 / 1 errors whose
 * rate steps between 0.1 and 0.3. Two rows per detector: one
 * sl_drift_update call per value, and sl_drift_update_many over the stream
 * in chunks of 1000 (the batch path bindings use). Also ADWIN at clock=1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "streamlearn/drift.h"

typedef struct run {
  sl_drift *d;
  const double *x;
  size_t n;
} run;

static void op_update(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  sl_drift_state s;
  sl_drift_update(r->d, r->x[i], &s); /* i < n: one pass */
  bench_sink((double)s);
}

static void op_many(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  size_t at = (size_t)i * 1000, nd = 0; /* i < n / 1000 */
  sl_drift_update_many(r->d, r->x + at, 1000, NULL, 0, &nd, NULL, 0, NULL);
  bench_sink((double)nd);
}

static double uniform(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return ((double)(*s >> 11) + 0.5) * 0x1.0p-53;
}

static void make_streams(double *real, double *bin, size_t n) {
  uint64_t s = 42;
  size_t i;
  for (i = 0; i < n; i++) {
    double u = uniform(&s), v = uniform(&s);
    int seg = (int)(i / 100000);
    real[i] = sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v) + (seg % 2 ? 1.0 : 0.0);
    bin[i] = uniform(&s) < (seg % 2 ? 0.3 : 0.1) ? 1.0 : 0.0;
  }
}

static void bench_kind(const char *label, sl_drift_kind kind, const char *param, const char *value,
                       const double *x, size_t n) {
  run r;
  bench_stats s;
  double bytes, allocs0, allocs1;
  char note[96];
  size_t nd = 0;
  r.x = x;
  r.n = n;
  if (sl_drift_new(&r.d, kind, NULL) != SL_OK) exit(1);
  if (param && sl_drift_set_str(r.d, param, value) != SL_OK) exit(1);
  sl_drift_stat(r.d, "allocations", &allocs0);
  s = bench_run(op_update, &r, n, 1000);
  sl_drift_stat(r.d, "allocations", &allocs1);
  sl_drift_stat(r.d, "bytes", &bytes);
  sl_drift_reset(r.d);
  sl_drift_update_many(r.d, x, n, NULL, 0, &nd, NULL, 0, NULL);
  snprintf(note, sizeof note, "%zu drifts in the stream", nd);
  bench_row("drift", label, &s, bytes, (allocs1 - allocs0) / (double)n, note);
  sl_drift_reset(r.d);
  s = bench_run(op_many, &r, n / 1000, 1);
  s.ns_mean /= 1000;
  s.ns_p50 /= 1000;
  s.ns_p99 /= 1000;
  s.ns_p999 /= 1000;
  s.ops_per_sec *= 1000;
  s.ops *= 1000;
  snprintf(note, sizeof note, "update_many, chunks of 1000");
  bench_row("drift", label, &s, bytes, 0, note);
  sl_drift_free(r.d);
}

int main(int argc, char **argv) {
  size_t n = bench_quick(argc, argv) ? 50000 : 1000000;
  double *real = (double *)malloc(n * sizeof(double)), *bin = (double *)malloc(n * sizeof(double));
  if (!real || !bin) return 1;
  make_streams(real, bin, n);
  bench_table_header("drift detectors: ns per update (River defaults)");
  bench_kind("adwin clock=32", SL_DRIFT_ADWIN, NULL, NULL, real, n);
  bench_kind("adwin clock=1", SL_DRIFT_ADWIN, "clock", "1", real, n);
  bench_kind("page_hinkley", SL_DRIFT_PAGE_HINKLEY, NULL, NULL, real, n);
  bench_kind("kswin", SL_DRIFT_KSWIN, NULL, NULL, real, n);
  bench_kind("ddm", SL_DRIFT_DDM, NULL, NULL, bin, n);
  bench_kind("eddm", SL_DRIFT_EDDM, NULL, NULL, bin, n);
  bench_kind("hddm_a", SL_DRIFT_HDDM_A, NULL, NULL, bin, n);
  bench_kind("hddm_w", SL_DRIFT_HDDM_W, NULL, NULL, bin, n);
  bench_kind("adwin clock=32 (binary)", SL_DRIFT_ADWIN, NULL, NULL, bin, n);
  free(real);
  free(bin);
  return 0;
}
