/*
 * Hoeffding trees: learn + predict throughput on 8 numeric features
 * (progressive validation: predict each example, then learn it; one case
 * asks predict_proba, which needs the whole naive Bayes posterior), the tree's
 * bytes and size, and the byte budget held on a long stream. Stream: x
 * uniform in [0, 1)^8, y = [sum_j (j + 1) x_j > 18] with 5% of labels
 * flipped (bench/compare/tree_compare.py makes the same stream for River).
 * 1M events per case (--quick: 100k); the budget case runs 10M (--quick: 1M).
 * The note gives events/s also by process CPU time (clock()), which other
 * load on the machine does not inflate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "streamlearn/model.h"

#define NF 8

typedef struct run {
  sl_model *m;
  const double *X, *y;
  uint64_t ok;
  int proba; /* predict_proba instead of predict */
} run;

static double uniform(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(*s >> 11) * 0x1.0p-53;
}

static void make_stream(double *X, double *y, size_t n) {
  uint64_t s = 42;
  size_t i, j;
  for (i = 0; i < n; i++) {
    double z = 0;
    for (j = 0; j < NF; j++) {
      X[i * NF + j] = uniform(&s);
      z += (double)(j + 1) * X[i * NF + j];
    }
    y[i] = z > 18.0;
    if (uniform(&s) < 0.05) y[i] = 1.0 - y[i];
  }
}

static void op_event(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  double p, pr[2];
  if (r->proba) {
    sl_model_predict_proba(r->m, r->X + i * NF, NF, pr, 2);
    p = pr[1] > pr[0];
  } else {
    sl_model_predict(r->m, r->X + i * NF, NF, &p);
  }
  r->ok += p == r->y[i];
  sl_model_learn(r->m, r->X + i * NF, NF, r->y[i], 1.0);
}

static double stat(const sl_model *m, const char *name) {
  double v = 0;
  sl_model_stat(m, name, &v);
  return v;
}

static void bench_case(const char *label, sl_model_kind kind, const char *pred, int max_classes, double max_size,
                       int proba, const double *X, const double *y, size_t n) {
  run r = {NULL, X, y, 0, 0};
  bench_stats s;
  double allocs, cpu;
  clock_t c0;
  char note[200];
  r.proba = proba;
  if (sl_model_new(&r.m, kind, NF, NULL) != SL_OK) return;
  sl_model_set_str(r.m, "leaf_prediction", pred);
  sl_model_set_int(r.m, "max_classes", max_classes);
  sl_model_set_double(r.m, "max_size", max_size);
  c0 = clock();
  s = bench_run(op_event, &r, n, 1000);
  cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  allocs = stat(r.m, "allocations");
  snprintf(note, sizeof note, "%.0f ev/s by CPU time; acc %.4f; nodes %.0f, depth %.0f, active %.0f/%.0f leaves; peak %.0f B",
           (double)n / cpu, (double)r.ok / (double)n, stat(r.m, "nodes"), stat(r.m, "depth"),
           stat(r.m, "active_leaves"), stat(r.m, "leaves"), stat(r.m, "peak_bytes"));
  bench_row("tree", label, &s, stat(r.m, "bytes"), allocs / (double)n, note);
  sl_model_free(r.m);
}

int main(int argc, char **argv) {
  int quick = bench_quick(argc, argv);
  size_t n = quick ? 100000 : 1000000, nb = quick ? 1000000 : 10000000;
  double *X = malloc(nb * NF * sizeof *X), *y = malloc(nb * sizeof *y);
  if (!X || !y) return 1;
  make_stream(X, y, nb);
  bench_table_header("Hoeffding trees: predict + learn per event, 8 numeric features");
  bench_case("hoeffding_tree nba (defaults)", SL_MODEL_HOEFFDING_TREE, "nba", 8, 100, 0, X, y, n);
  bench_case("hoeffding_tree nba, max_classes=2", SL_MODEL_HOEFFDING_TREE, "nba", 2, 100, 0, X, y, n);
  bench_case("hoeffding_tree nba, max_classes=2, predict_proba", SL_MODEL_HOEFFDING_TREE, "nba", 2, 100, 1, X, y, n);
  bench_case("hoeffding_tree mc, max_classes=2", SL_MODEL_HOEFFDING_TREE, "mc", 2, 100, 0, X, y, n);
  bench_case("hoeffding_tree nb, max_classes=2", SL_MODEL_HOEFFDING_TREE, "nb", 2, 100, 0, X, y, n);
  bench_case("hoeffding_adaptive_tree nba, max_classes=2", SL_MODEL_HOEFFDING_ADAPTIVE_TREE, "nba", 2, 100, 0, X, y, n);
  bench_case(quick ? "hoeffding_tree nba, max_size=0.25 MiB, 1M events" : "hoeffding_tree nba, max_size=0.25 MiB, 10M events",
             SL_MODEL_HOEFFDING_TREE, "nba", 2, 0.25, 0, X, y, nb);
  free(X);
  free(y);
  return 0;
}
