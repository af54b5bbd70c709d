/*
 * sl_window: nanoseconds per push for each window kind with 1, 1000 and 1M
 * keys (--quick: 100k), and per query (sliding, count). Keys are drawn
 * uniformly; timestamps rise by 1 ms per event. Every key is pushed once
 * before timing, so the timed pushes never create a key (allocations per
 * push are reported and should be 0). Emitted windows go to a callback that
 * only counts them. The "push_many" rows push the same events in batches of
 * 256 through sl_window_push_many (ns per event).
 *
 * Options: --quick; --only TEXT runs the cases whose name contains TEXT;
 * --ops N times N operations per case. One case under callgrind gives the
 * instructions per push:
 *   valgrind --tool=callgrind bench_window --only "sliding mean keys=1 " --ops 1000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "streamlearn.h"

#define MANY 256

typedef struct ctx {
  sl_window *w;
  uint64_t *keys;
  int64_t *ts;
  double *vals;
  int64_t t0;
  double out[SL_WINDOW_MAX_VALUES];
  size_t mask;
} ctx;

static long emitted;

static int count_window(const sl_window_key *k, int64_t s, int64_t e, const double *v, size_t n, void *u) {
  (void)k, (void)s, (void)e, (void)v, (void)n, (void)u;
  emitted++;
  return 0;
}

static void op_push(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  sl_window_push(c->w, c->keys[i & c->mask], c->t0 + (int64_t)i, (double)(i & 1023) * 0.5);
}

/* One batch of MANY events (i counts batches); the event arrays are laid out
 * like op_push's key, timestamp and value sequence. */
static void op_push_many(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  size_t off = (size_t)(i * MANY) & c->mask, j;
  for (j = 0; j < MANY; j++) c->ts[off + j] = c->t0 + (int64_t)(i * MANY + j);
  sl_window_push_many(c->w, c->keys + off, c->ts + off, c->vals + off, MANY, NULL, NULL);
}

static void op_query(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  sl_window_query(c->w, c->keys[i & c->mask], c->out, SL_WINDOW_MAX_VALUES);
  bench_sink(c->out[0]);
}

static uint64_t xorshift(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static sl_window *make(sl_window_kind kind, unsigned aggs, size_t n_keys) {
  sl_window *w;
  if (sl_window_new(&w, kind, aggs, NULL) != SL_OK) exit(1);
  sl_window_set_int(w, "key_cap", (int64_t)n_keys);
  sl_window_set_int(w, "key_bytes_max", 0);
  sl_window_set_callbacks(w, count_window, NULL, NULL, NULL);
  switch (kind) {
  case SL_WINDOW_TUMBLING: sl_window_set_int(w, "size", 1000); break;
  case SL_WINDOW_HOPPING:
    sl_window_set_int(w, "slide", 250);
    sl_window_set_int(w, "size", 1000);
    break;
  case SL_WINDOW_SLIDING:
    sl_window_set_int(w, "size", 1000);
    sl_window_set_int(w, "max_events", n_keys > 1000 ? 8 : 1024);
    break;
  case SL_WINDOW_SESSION: sl_window_set_int(w, "gap", 500); break;
  case SL_WINDOW_COUNT: sl_window_set_int(w, "count", n_keys > 1000 ? 8 : 100); break;
  }
  return w;
}

static const char *only;
static uint64_t ops_override;

static void bench_kind(sl_window_kind kind, unsigned aggs, const char *aggname, size_t n_keys, uint64_t ops,
                       int with_query, int many) {
  ctx c;
  uint64_t seed = 88172645463325252ull, i;
  double a0, a1, bytes;
  bench_stats s;
  char name[96], note[96];
  size_t table = MANY;
  snprintf(name, sizeof name, "%s%s %s keys=%zu ", many ? "push_many " : "", sl_window_kind_name(kind), aggname,
           n_keys);
  if (only && !strstr(name, only)) return;
  if (ops_override) ops = ops_override;
  while (table < 4 * n_keys) table <<= 1; /* the key sequence repeats every `table` pushes */
  memset(&c, 0, sizeof c);
  c.w = make(kind, aggs, n_keys);
  c.keys = (uint64_t *)malloc(table * sizeof *c.keys);
  c.ts = (int64_t *)malloc(table * sizeof *c.ts);
  c.vals = (double *)malloc(table * sizeof *c.vals);
  c.mask = table - 1;
  for (i = 0; i < table; i++) {
    c.keys[i] = i < n_keys ? i * 2654435761u : xorshift(&seed) % n_keys * 2654435761u;
    c.vals[i] = (double)(i & 1023) * 0.5;
  }
  for (i = 0; i < n_keys; i++) sl_window_push(c.w, c.keys[i], (int64_t)i, 1.0); /* every key exists */
  c.t0 = (int64_t)n_keys;
  emitted = 0;
  sl_window_stat(c.w, "allocations", &a0);
  if (many) {
    s = bench_run(op_push_many, &c, ops / MANY, 1);
    s.ns_mean /= MANY, s.ns_p50 /= MANY, s.ns_p99 /= MANY, s.ns_p999 /= MANY;
    s.ops_per_sec *= MANY;
    s.ops *= MANY;
  } else {
    s = bench_run(op_push, &c, ops, MANY);
  }
  sl_window_stat(c.w, "allocations", &a1);
  sl_window_stat(c.w, "bytes", &bytes);
  name[strlen(name) - 1] = '\0';
  snprintf(note, sizeof note, "%ld windows emitted", emitted);
  bench_row("window push", name, &s, bytes, (a1 - a0) / (double)ops, kind == SL_WINDOW_SLIDING || kind == SL_WINDOW_COUNT ? "" : note);
  if (with_query) {
    s = bench_run(op_query, &c, ops, 256);
    snprintf(name, sizeof name, "query %s %s keys=%zu", sl_window_kind_name(kind), aggname, n_keys);
    bench_row("window query", name, &s, bytes, 0, "");
  }
  free(c.keys);
  free(c.ts);
  free(c.vals);
  sl_window_free(c.w);
}

int main(int argc, char **argv) {
  int quick = bench_quick(argc, argv);
  const size_t keys[3] = {1, 1000, quick ? 100000 : 1000000};
  const unsigned mean = SL_WINDOW_AGG_MEAN, most = SL_WINDOW_AGG_ALL & ~SL_WINDOW_AGG_QUANTILE;
  sl_window_kind k;
  int i;
  for (i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    if (strcmp(argv[i], "--ops") == 0) ops_override = strtoull(argv[i + 1], NULL, 10);
  }
  bench_table_header("sl_window: ns per push / query (1 ms per event, uniform keys)");
  for (i = 0; i < 3; i++) {
    uint64_t ops = quick ? 200000 : (keys[i] > 1000 ? 5000000 : 10000000);
    for (k = SL_WINDOW_TUMBLING; k <= SL_WINDOW_COUNT; k++)
      bench_kind(k, mean, "mean", keys[i], ops, k == SL_WINDOW_SLIDING || k == SL_WINDOW_COUNT, 0);
    bench_kind(SL_WINDOW_SLIDING, mean, "mean", keys[i], ops, 0, 1);
    bench_kind(SL_WINDOW_TUMBLING, mean, "mean", keys[i], ops, 0, 1);
    bench_kind(SL_WINDOW_SLIDING, most, "11-aggs", keys[i], ops, 1, 0);
    bench_kind(SL_WINDOW_TUMBLING, most | SL_WINDOW_AGG_QUANTILE, "all+quantiles", keys[i] > 1000 ? 10000 : keys[i],
               ops, 0, 0);
  }
  return 0;
}
