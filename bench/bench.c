/* Shared benchmark support; see bench.h. */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile double bench_sink_value;

void bench_sink(double v) { bench_sink_value += v; }

uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int bench_quick(int argc, char **argv) {
  int i;
  for (i = 1; i < argc; i++)
    if (strcmp(argv[i], "--quick") == 0) return 1;
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(const double *s, size_t n, double q) {
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return n ? s[i < n ? i : n - 1] : 0.0;
}

bench_stats bench_from_samples(double *samples, size_t n, double ns_total, uint64_t ops) {
  bench_stats st;
  memset(&st, 0, sizeof st);
  qsort(samples, n, sizeof *samples, cmp_double);
  st.ops = ops;
  st.ns_mean = ops ? ns_total / (double)ops : 0;
  st.ns_p50 = pct(samples, n, 0.50);
  st.ns_p99 = pct(samples, n, 0.99);
  st.ns_p999 = pct(samples, n, 0.999);
  st.ops_per_sec = ns_total > 0 ? (double)ops * 1e9 / ns_total : 0;
  return st;
}

bench_stats bench_run(void (*op)(void *ctx, uint64_t i), void *ctx, uint64_t ops, unsigned batch) {
  size_t nb, b = 0;
  double *samples, total = 0;
  uint64_t i = 0;
  bench_stats st;
  if (batch == 0) batch = 1;
  nb = (size_t)((ops + batch - 1) / batch);
  samples = (double *)malloc((nb ? nb : 1) * sizeof *samples);
  while (i < ops) {
    uint64_t end = i + batch < ops ? i + batch : ops, t0 = bench_now_ns(), t1, k = i;
    for (; k < end; k++) op(ctx, k);
    t1 = bench_now_ns();
    samples[b++] = (double)(t1 - t0) / (double)(end - i);
    total += (double)(t1 - t0);
    i = end;
  }
  st = bench_from_samples(samples, b, total, ops);
  free(samples);
  return st;
}

void bench_table_header(const char *title) {
  printf("\n### %s\n\n", title);
  printf("| group | case | ns/op mean | p50 | p99 | p99.9 | ops/s | bytes | allocs/op | note |\n");
  printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
}

void bench_row(const char *group, const char *name, const bench_stats *s, double bytes, double allocs_per_op,
               const char *note) {
  const char *path = getenv("SL_BENCH_JSON");
  printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.3g | %.0f | %.3g | %s |\n", group, name, s->ns_mean, s->ns_p50,
         s->ns_p99, s->ns_p999, s->ops_per_sec, bytes, allocs_per_op, note ? note : "");
  fflush(stdout);
  if (path && *path) {
    FILE *f = fopen(path, "a");
    if (f) {
      fprintf(f,
              "{\"group\":\"%s\",\"case\":\"%s\",\"ns_mean\":%.3f,\"ns_p50\":%.3f,\"ns_p99\":%.3f,"
              "\"ns_p999\":%.3f,\"ops_per_sec\":%.1f,\"ops\":%llu,\"bytes\":%.0f,\"allocs_per_op\":%.6g,"
              "\"note\":\"%s\"}\n",
              group, name, s->ns_mean, s->ns_p50, s->ns_p99, s->ns_p999, s->ops_per_sec, (unsigned long long)s->ops,
              bytes, allocs_per_op, note ? note : "");
      fclose(f);
    }
  }
}
