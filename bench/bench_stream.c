/*
 * Generator throughput and CSV speed. For every generator at River's
 * defaults: ns per row through sl_stream_next in batches of 256 rows (the
 * path bindings use) and one row per call. Then CSV: writing rows to a
 * memory sink and reading them back from memory with sl_csv_next, in ns per
 * row and MB/s, for Friedman (11 columns of 17 significant digits: the
 * strtod path) and LED with irrelevant features (25 columns of 0 / 1: the
 * exact fast path). 1M rows (--quick: 50k).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "streamlearn/stream.h"

typedef struct run {
  sl_stream *s;
  double *X, *y;
  size_t nf, batch;
} run;

static void op_rows(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  (void)i;
  sl_stream_next(r->s, r->X, r->nf, r->y, r->batch);
  bench_sink(r->y[0]);
}

static void bench_kind(sl_stream_kind kind, size_t rows) {
  static const size_t batches[2] = {256, 1};
  sl_stream_info info;
  run r;
  int b;
  if (sl_stream_new(&r.s, kind, NULL) != SL_OK) return;
  sl_stream_describe(r.s, &info);
  r.nf = info.n_features;
  r.X = malloc(256 * r.nf * sizeof *r.X);
  r.y = malloc(256 * sizeof *r.y);
  sl_stream_next(r.s, r.X, r.nf, r.y, 256); /* warm up */
  for (b = 0; b < 2; b++) {
    bench_stats st;
    char name[64], note[64];
    double a0, a1, bytes;
    r.batch = batches[b];
    sl_stream_stat(r.s, "allocations", &a0);
    st = bench_run(op_rows, &r, rows / r.batch, b == 0 ? 4 : 256);
    sl_stream_stat(r.s, "allocations", &a1);
    sl_stream_stat(r.s, "bytes", &bytes);
    /* per row, not per call */
    st.ns_mean /= (double)r.batch;
    st.ns_p50 /= (double)r.batch;
    st.ns_p99 /= (double)r.batch;
    st.ns_p999 /= (double)r.batch;
    st.ops_per_sec *= (double)r.batch;
    st.ops *= r.batch;
    snprintf(name, sizeof name, "%s %s", sl_stream_kind_name(kind), b == 0 ? "batch=256" : "row by row");
    snprintf(note, sizeof note, "%zu features", r.nf);
    bench_row("stream", name, &st, bytes, (a1 - a0) / (double)st.ops, note);
  }
  free(r.X);
  free(r.y);
  sl_stream_free(r.s);
}

typedef struct sink {
  char *p;
  size_t n, cap;
} sink;

static int sink_write(void *user, const void *buf, size_t len) {
  sink *k = (sink *)user;
  if (k->n + len > k->cap) {
    k->cap = (k->n + len) * 2;
    if (!(k->p = realloc(k->p, k->cap))) return 1;
  }
  memcpy(k->p + k->n, buf, len);
  k->n += len;
  return 0;
}

/* Writes `rows` rows of `kind` to memory, then reads them back. */
static void bench_csv(sl_stream_kind kind, const char *what, size_t rows) {
  static double X[24 * 256], y[256];
  sl_stream *s;
  sink k = {NULL, 0, 0};
  sl_csv *c;
  sl_stream_info info;
  double samples[1], t0, t1;
  size_t got, total = 0;
  bench_stats st;
  char note[64], name[96];
  if (sl_stream_new(&s, kind, NULL) != SL_OK) return;
  if (kind == SL_STREAM_LED) sl_stream_set_int(s, "irrelevant_features", 1);
  sl_stream_describe(s, &info);
  t0 = (double)bench_now_ns();
  if (sl_stream_write_csv(s, rows, sink_write, &k) != SL_OK) goto out;
  t1 = (double)bench_now_ns();
  samples[0] = (t1 - t0) / (double)rows;
  st = bench_from_samples(samples, 1, t1 - t0, rows);
  snprintf(note, sizeof note, "%.0f MB/s", (double)k.n / ((t1 - t0) / 1e9) / 1e6);
  snprintf(name, sizeof name, "write %s", what);
  bench_row("csv", name, &st, 0, 0, note);
  t0 = (double)bench_now_ns();
  if (sl_csv_open_mem(&c, k.p, k.n, NULL) != SL_OK) goto out;
  while (sl_csv_next(c, X, info.n_features, y, 256, &got) == SL_OK && got) total += got;
  sl_csv_free(c);
  t1 = (double)bench_now_ns();
  samples[0] = (t1 - t0) / (double)total;
  st = bench_from_samples(samples, 1, t1 - t0, total);
  snprintf(note, sizeof note, "%.0f MB/s, %zu rows", (double)k.n / ((t1 - t0) / 1e9) / 1e6, total);
  snprintf(name, sizeof name, "read %s", what);
  bench_row("csv", name, &st, 0, 0, note);
out:
  free(k.p);
  sl_stream_free(s);
}

int main(int argc, char **argv) {
  size_t rows = bench_quick(argc, argv) ? 50000 : 1000000;
  int k;
  bench_table_header("stream generators: ns per row");
  for (k = SL_STREAM_SEA; k <= SL_STREAM_CONCEPT_DRIFT; k++) bench_kind((sl_stream_kind)k, rows);
  bench_table_header("CSV: ns per row");
  bench_csv(SL_STREAM_FRIEDMAN, "friedman (11 columns, 17 digits)", rows);
  bench_csv(SL_STREAM_LED, "led (25 columns, 0 / 1)", rows);
  return 0;
}
