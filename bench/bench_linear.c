/*
 * ns per (predict + learn) of the linear kinds, the prequential step of a
 * streaming learner: dense rows at d = 8, 32, 128, 1024 (linear regression,
 * SGD, River's lr 0.01 at d = 8, smaller beyond so SGD stays stable),
 * every optimizer at d = 32 (logistic regression), and sparse rows of
 * 20 active features out of 2^20 weights (logistic, SGD and vw). The same
 * step through sl_model_predict_learn (one call), and learn_many in batches
 * of 256 rows (ns per row: the Python batch API's floor). Beside d = 1024,
 * the time to only read a row from the same 32 MiB ring (four independent
 * sums: the memory floor of any learner that reads its input) and to sum it
 * in order (the floor of a score whose bits fix the order of its adds).
 * Rows are generated before timing (a ring of 4096), so the clock sees only
 * the model. 2M steps per case, --quick 100k; a timed batch is about 16k
 * features long, so a sample stays short on a busy machine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "core/rng.h"
#include "streamlearn/model.h"

#define RING 4096

typedef struct run {
  sl_model *m;
  size_t d, nnz;
  double *x, *y;     /* dense rows, or sparse values */
  uint32_t *idx;     /* sparse indices */
} run;

static void op_dense(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  const double *x = r->x + (i % RING) * r->d;
  double p;
  sl_model_predict(r->m, x, r->d, &p);
  sl_model_learn(r->m, x, r->d, r->y[i % RING], 1.0);
  bench_sink(p);
}

static void op_pl(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  double p;
  sl_model_predict_learn(r->m, r->x + (i % RING) * r->d, r->d, r->y[i % RING], 1.0, &p);
  bench_sink(p);
}

#define MANY 256
static void op_many(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  size_t at = (size_t)(i * MANY) % RING;
  sl_model_learn_many(r->m, r->x + at * r->d, MANY, r->d, r->y + at, NULL);
}

/* Reads the row and nothing else: the memory floor. Four independent sums,
 * so the adds' latency does not hide the memory's. */
static void op_read(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  const double *x = r->x + (i % RING) * r->d;
  double s[4] = {0, 0, 0, 0};
  size_t j;
  for (j = 0; j + 4 <= r->d; j += 4) {
    s[0] += x[j];
    s[1] += x[j + 1];
    s[2] += x[j + 2];
    s[3] += x[j + 3];
  }
  bench_sink(s[0] + s[1] + s[2] + s[3]);
}

/* Sums the row in order, as the score must (its bits depend on the order):
 * the floor the chain of dependent adds sets. */
static void op_chain(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  const double *x = r->x + (i % RING) * r->d;
  double s = 0.0;
  size_t j;
  for (j = 0; j < r->d; j++) s += x[j];
  bench_sink(s);
}

static void op_sparse(void *ctx, uint64_t i) {
  run *r = (run *)ctx;
  const double *v = r->x + (i % RING) * r->nnz;
  const uint32_t *k = r->idx + (i % RING) * r->nnz;
  double p;
  sl_model_predict_sparse(r->m, k, v, r->nnz, &p);
  sl_model_learn_sparse(r->m, k, v, r->nnz, r->y[i % RING], 1.0);
  bench_sink(p);
}

/* Rows x ~ N(0, 1), targets from a fixed random hyperplane (class = sign). */
static void make_rows(run *r, int classify, int sparse, size_t d_total) {
  sl__rng g;
  size_t i, j, n = sparse ? r->nnz : r->d;
  double *w = (double *)malloc(d_total * sizeof(double));
  sl__rng_seed(&g, 7);
  for (j = 0; j < d_total; j++) w[j] = sl__rng_normal(&g);
  r->x = (double *)malloc(RING * n * sizeof(double));
  r->y = (double *)malloc(RING * sizeof(double));
  r->idx = sparse ? (uint32_t *)malloc(RING * n * sizeof(uint32_t)) : NULL;
  for (i = 0; i < RING; i++) {
    double z = 0;
    for (j = 0; j < n; j++) {
      size_t f = sparse ? (size_t)sl__rng_below(&g, d_total) : j;
      r->x[i * n + j] = sparse ? 1.0 : sl__rng_normal(&g);
      if (sparse) r->idx[i * n + j] = (uint32_t)f;
      z += w[f] * r->x[i * n + j];
    }
    r->y[i] = classify ? (z > 0) : z;
  }
  free(w);
}

/* How a case drives the model. */
enum { STEP_TWO_CALLS, STEP_ONE_CALL, STEP_MANY, STEP_READ, STEP_CHAIN };

static void bench_case(const char *label, sl_model_kind kind, size_t d, size_t nnz, const char *opt,
                       const char *lr, uint64_t ops, int how) {
  static void (*const dense_ops[])(void *, uint64_t) = {op_dense, op_pl, op_many, op_read, op_chain};
  static const char *const notes[] = {"predict + learn per row", "predict_learn per row",
                                      "learn_many, 256 rows a call: per row", "read the row only: memory floor",
                                      "in-order sum of the row: add-latency floor"};
  run r = {0};
  bench_stats s;
  double bytes, a0, a1;
  size_t width = nnz ? nnz : d;
  unsigned batch = width >= 16384 ? 1 : (unsigned)(16384 / width);
  r.d = d;
  r.nnz = nnz;
  if (sl_model_new(&r.m, kind, d, NULL) != SL_OK) exit(1);
  if (opt && sl_model_set_str(r.m, "optimizer", opt) != SL_OK) exit(1);
  if (lr && sl_model_set_str(r.m, "lr", lr) != SL_OK) exit(1);
  make_rows(&r, kind != SL_MODEL_LINEAR_REGRESSION, nnz > 0, d);
  sl_model_stat(r.m, "allocations", &a0);
  if (how == STEP_MANY) {
    ops /= MANY;
    batch = batch / MANY ? batch / MANY : 1;
  }
  s = bench_run(nnz ? op_sparse : dense_ops[how], &r, ops, batch);
  sl_model_stat(r.m, "allocations", &a1);
  sl_model_stat(r.m, "bytes", &bytes);
  if (how == STEP_MANY) { /* per row */
    s.ns_mean /= MANY;
    s.ns_p50 /= MANY;
    s.ns_p99 /= MANY;
    s.ns_p999 /= MANY;
    s.ops_per_sec *= MANY;
    ops *= MANY;
  }
  bench_row("linear", label, &s, how >= STEP_READ ? 0.0 : bytes, (a1 - a0) / (double)ops, notes[how]);
  sl_model_free(r.m);
  free(r.x);
  free(r.y);
  free(r.idx);
}

int main(int argc, char **argv) {
  uint64_t ops = bench_quick(argc, argv) ? 100000 : 2000000;
  static const char *const opts[] = {"sgd", "adagrad", "adam", "ftrl", "vw"};
  static const char *const lrs[] = {"0.01", "0.1", "0.01", NULL, "0.5"};
  char label[64];
  size_t i;
  bench_table_header("linear models: ns per predict + learn");
  bench_case("linreg sgd dense d=8", SL_MODEL_LINEAR_REGRESSION, 8, 0, NULL, NULL, ops, STEP_TWO_CALLS);
  bench_case("linreg sgd dense d=8", SL_MODEL_LINEAR_REGRESSION, 8, 0, NULL, NULL, ops, STEP_ONE_CALL);
  bench_case("linreg sgd dense d=8", SL_MODEL_LINEAR_REGRESSION, 8, 0, NULL, NULL, ops, STEP_MANY);
  bench_case("logreg sgd dense d=8", SL_MODEL_LOGISTIC_REGRESSION, 8, 0, NULL, NULL, ops, STEP_ONE_CALL);
  /* lr below 1 / |x|^2 so plain SGD stays stable on N(0, 1) rows */
  bench_case("linreg sgd dense d=32", SL_MODEL_LINEAR_REGRESSION, 32, 0, NULL, "0.005", ops, STEP_TWO_CALLS);
  bench_case("linreg sgd dense d=128", SL_MODEL_LINEAR_REGRESSION, 128, 0, NULL, "0.002", ops, STEP_TWO_CALLS);
  bench_case("linreg sgd dense d=1024", SL_MODEL_LINEAR_REGRESSION, 1024, 0, NULL, "0.0002", ops / 10, STEP_TWO_CALLS);
  bench_case("linreg sgd dense d=1024", SL_MODEL_LINEAR_REGRESSION, 1024, 0, NULL, "0.0002", ops / 10, STEP_ONE_CALL);
  bench_case("linreg sgd dense d=1024", SL_MODEL_LINEAR_REGRESSION, 1024, 0, NULL, "0.0002", ops / 10, STEP_MANY);
  bench_case("read a d=1024 row", SL_MODEL_LINEAR_REGRESSION, 1024, 0, NULL, NULL, ops / 10, STEP_READ);
  bench_case("in-order sum of a d=1024 row", SL_MODEL_LINEAR_REGRESSION, 1024, 0, NULL, NULL, ops / 10, STEP_CHAIN);
  for (i = 0; i < 5; i++) {
    snprintf(label, sizeof label, "logreg %s dense d=32", opts[i]);
    bench_case(label, SL_MODEL_LOGISTIC_REGRESSION, 32, 0, opts[i], lrs[i], ops, STEP_TWO_CALLS);
  }
  bench_case("logreg sgd sparse 20 of 2^20", SL_MODEL_LOGISTIC_REGRESSION, (size_t)1 << 20, 20, NULL, NULL, ops,
             STEP_TWO_CALLS);
  bench_case("logreg vw sparse 20 of 2^20", SL_MODEL_LOGISTIC_REGRESSION, (size_t)1 << 20, 20, "vw", "0.5", ops,
             STEP_TWO_CALLS);
  return 0;
}
