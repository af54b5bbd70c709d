/*
 * Shared by every benchmark program under bench/: a clock, latency
 * percentiles, and one way to report a row (a Markdown line on stdout, and a
 * JSON line appended to $SL_BENCH_JSON when set, which `make bench` gathers
 * into one report). Benchmarks report; they never assert on time.
 *
 * A program bench/bench_<name>.c takes `--quick` (small sizes, for CI) and
 * prints its own tables.
 */
#ifndef SL_BENCH_H
#define SL_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic nanoseconds. */
uint64_t bench_now_ns(void);

/* 1 when argv holds --quick (CI sizes). */
int bench_quick(int argc, char **argv);

/* Timing of `ops` operations: mean and the percentiles of per-op latency,
 * measured over batches of `batch` ops (a batch's time / batch is one
 * sample), so the clock's own cost does not dominate tiny operations. */
typedef struct bench_stats {
  double ns_mean, ns_p50, ns_p99, ns_p999;
  double ops_per_sec;
  uint64_t ops;
} bench_stats;

/* Runs op(ctx, i) for i in [0, ops), timed in batches of `batch`. */
bench_stats bench_run(void (*op)(void *ctx, uint64_t i), void *ctx, uint64_t ops, unsigned batch);

/* Percentiles of raw samples (ns), sorted in place. */
bench_stats bench_from_samples(double *samples, size_t n, double ns_total, uint64_t ops);

/* Prints the Markdown header of a results table. */
void bench_table_header(const char *title);

/* One result row: group ("drift"), case ("adwin clock=32"), timings,
 * bytes held by the handle (0 if not meaningful), allocations per op, and
 * an optional free-form note (a peer's figure, a ratio). */
void bench_row(const char *group, const char *name, const bench_stats *s, double bytes, double allocs_per_op,
               const char *note);

/* Keeps the compiler from discarding a computed value. */
void bench_sink(double v);

#endif
