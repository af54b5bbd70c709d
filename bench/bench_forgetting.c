/*
 * Catastrophic forgetting of an online logistic model over three tasks
 * learned one after the other, and what EWC and replay do about it.
 *
 * Tasks (generated here with lib/core/rng.h, d = 30): task t labels a row
 * by the sign of v_t . x_Bt, its own block B_t of 10 features; in task t the
 * features of B_t are N(0, 1) and the rest N(0, NOISE^2) background noise.
 * One weight vector can serve all three tasks (sum of the v_t), but plain
 * SGD, fitting task 2, shrinks the block-1 weights that only add noise
 * there, and forgets task 1.
 *
 * Learners, each over the same rows: plain SGD; EWC (consolidate at each
 * task boundary) for a sweep of ewc_lambda with the default Fisher (`ema`,
 * near the anchor), and at lambda 10 with `fisher=mean` (the mean since the
 * last consolidate, the default before); SGD with replay (a reservoir
 * sl_replay of 500 past rows, one replayed row learned after each new row).
 * Reported: accuracy on task 1 after each task, the forgetting (task-1
 * accuracy after task 1 minus after task 3), the accuracy on the newest task
 * at the end, on 5000 fresh test rows per task, and whether a learner meets
 * issue 5's goal (forgetting at most half of SGD's, newest-task accuracy
 * within 1 point of SGD's). --quick: 2000 rows per task instead of 20000.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "core/rng.h"
#include "streamlearn/model.h"
#include "streamlearn/replay.h"

#define D 30
#define BLOCK 10
#define TASKS 3
#define TEST_ROWS 5000
#define NOISE 0.05

typedef struct task {
  double v[BLOCK];
} task;

static void draw(sl__rng *g, const task *tk, int t, double *x, double *y) {
  double z = 0;
  int j;
  for (j = 0; j < D; j++) x[j] = (j / BLOCK == t ? 1.0 : NOISE) * sl__rng_normal(g);
  for (j = 0; j < BLOCK; j++) z += tk[t].v[j] * x[t * BLOCK + j];
  *y = z > 0;
}

static double accuracy(sl_model *m, const task *tk, int t) {
  sl__rng g;
  double x[D], y, p, hits = 0;
  int i;
  sl__rng_seed(&g, 1000 + (uint64_t)t); /* the same test rows every time */
  for (i = 0; i < TEST_ROWS; i++) {
    draw(&g, tk, t, x, &y);
    sl_model_predict(m, x, D, &p);
    hits += p == y;
  }
  return hits / TEST_ROWS;
}

/* The EWC learners: ewc_lambda and fisher estimate. */
static const struct {
  double lambda;
  const char *fisher;
} ewc_cfg[] = {{1, "ema"}, {3, "ema"}, {10, "ema"}, {30, "ema"}, {100, "ema"}, {10, "mean"}};
#define N_EWC (sizeof ewc_cfg / sizeof ewc_cfg[0])

enum { PLAIN, REPLAY, EWC0, N_LEARNERS = EWC0 + N_EWC };

static sl_model *learner(int l) {
  sl_model *m = NULL;
  if (sl_model_new(&m, l >= EWC0 ? SL_MODEL_EWC_LOGISTIC : SL_MODEL_LOGISTIC_REGRESSION, D, NULL) != SL_OK) return NULL;
  sl_model_set_double(m, "lr", 0.05);
  sl_model_set_double(m, "intercept_lr", 0.0); /* tasks are centered; EWC anchors weights, not the intercept */
  if (l >= EWC0 && (sl_model_set_double(m, "ewc_lambda", ewc_cfg[l - EWC0].lambda) != SL_OK ||
                    sl_model_set_str(m, "fisher", ewc_cfg[l - EWC0].fisher) != SL_OK)) {
    sl_model_free(m);
    return NULL;
  }
  return m;
}

int main(int argc, char **argv) {
  int rows = bench_quick(argc, argv) ? 2000 : 20000, t, i, l, j;
  sl_model *m[N_LEARNERS];
  sl_replay *rp = NULL;
  task tk[TASKS];
  double acc1[N_LEARNERS][TASKS], newest[N_LEARNERS], x[D], y, rx[D], ry;
  sl_replay_batch batch = {sizeof(sl_replay_batch), 1, D, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  sl__rng g;
  sl__rng_seed(&g, 42);
  for (t = 0; t < TASKS; t++)
    for (j = 0; j < BLOCK; j++) tk[t].v[j] = sl__rng_normal(&g);
  for (l = 0; l < N_LEARNERS; l++)
    if (!(m[l] = learner(l))) return 1;
  if (sl_replay_new(&rp, SL_REPLAY_RESERVOIR, D, NULL) != SL_OK || sl_replay_set_int(rp, "capacity", 500) != SL_OK)
    return 1;
  batch.features = rx;
  batch.targets = &ry;
  for (t = 0; t < TASKS; t++) {
    for (i = 0; i < rows; i++) {
      draw(&g, tk, t, x, &y);
      for (l = 0; l < N_LEARNERS; l++) sl_model_learn(m[l], x, D, y, 1.0);
      if (sl_replay_sample(rp, 1, 1, &batch) == SL_OK) sl_model_learn(m[REPLAY], rx, D, ry, 1.0);
      sl_replay_add(rp, x, D, y, 1.0, 0, 0, NULL);
    }
    for (l = EWC0; l < N_LEARNERS; l++) sl_model_consolidate(m[l]);
    for (l = 0; l < N_LEARNERS; l++) acc1[l][t] = accuracy(m[l], tk, 0);
  }
  for (l = 0; l < N_LEARNERS; l++) newest[l] = accuracy(m[l], tk, TASKS - 1);
  printf("\n### forgetting: logistic regression over %d tasks of %d rows (d = %d, background noise %.2f)\n\n", TASKS,
         rows, D, NOISE);
  printf("| learner | task-1 acc after t1 | after t2 | after t3 | forgetting | newest-task acc | goal |\n");
  printf("|---|---:|---:|---:|---:|---:|---|\n");
  for (l = 0; l < N_LEARNERS; l++) {
    double forget = acc1[l][0] - acc1[l][2], forget0 = acc1[PLAIN][0] - acc1[PLAIN][2];
    int goal = forget <= 0.5 * forget0 && newest[l] >= newest[PLAIN] - 0.01;
    if (l >= EWC0)
      printf("| ewc (lambda %g, fisher %s)", ewc_cfg[l - EWC0].lambda, ewc_cfg[l - EWC0].fisher);
    else
      printf("| %s", l == PLAIN ? "sgd" : "sgd + replay (500, 1:1)");
    printf(" | %.4f | %.4f | %.4f | %.4f | %.4f | %s |\n", acc1[l][0], acc1[l][1], acc1[l][2], forget, newest[l],
           l == PLAIN ? "" : goal ? "met" : "missed");
    sl_model_free(m[l]);
  }
  sl_replay_free(rp);
  return 0;
}
