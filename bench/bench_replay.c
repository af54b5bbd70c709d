/*
 * sl_replay: nanoseconds per add, per sample call and per priority update,
 * for every kind, at capacities 1k and 1M (--quick: 1k and 64k). Rows of 8
 * features. Adds are timed on a full buffer (the steady state: every add
 * evicts, or is dropped); a sample call draws a batch of 32; an update sets
 * the priorities of the 32 slots just drawn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "streamlearn.h"

#define NF 8
#define BATCH 32
#define N_CLASSES 10

typedef struct ctx {
  sl_replay *r;
  double x[NF];
  uint64_t lcg;
  sl_replay_batch b;
  double bx[BATCH * NF], by[BATCH], bw[BATCH], isw[BATCH], pr[BATCH];
  int64_t bts[BATCH];
  uint64_t bkey[BATCH];
  size_t slots[BATCH];
} ctx;

static uint64_t next(ctx *c) {
  c->lcg = c->lcg * 6364136223846793005ull + 1442695040888963407ull;
  return c->lcg >> 33;
}

static void op_add(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  c->x[i % NF] = (double)(i & 1023);
  if (sl_replay_add(c->r, c->x, NF, (double)(next(c) % N_CLASSES), 1.0, (int64_t)i, i, NULL) != SL_OK) abort();
}

static void op_sample(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  (void)i;
  if (sl_replay_sample(c->r, BATCH, 1, &c->b) != SL_OK) abort();
  bench_sink(c->by[0]);
}

static void op_sample_distinct(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  (void)i;
  if (sl_replay_sample(c->r, BATCH, 0, &c->b) != SL_OK) abort();
  bench_sink(c->by[0]);
}

static void op_update(void *p, uint64_t i) {
  ctx *c = (ctx *)p;
  size_t j;
  for (j = 0; j < BATCH; j++) c->pr[j] = (double)((next(c) % 1000) + i % 7) * 0.01;
  if (sl_replay_update_priorities(c->r, c->slots, c->pr, BATCH) != SL_OK) abort();
}

static double stat(const sl_replay *r, const char *name) {
  double v = 0;
  sl_replay_stat(r, name, &v);
  return v;
}

/* Times `op` `ops` times and prints its row, with the allocations it made. */
static void row(ctx *c, const char *kind, size_t cap, const char *what, void (*op)(void *, uint64_t), uint64_t ops,
                const char *note) {
  char name[96];
  double a0 = stat(c->r, "allocations");
  bench_stats s = bench_run(op, c, ops, 64);
  snprintf(name, sizeof name, "%s cap=%zu %s", kind, cap, what);
  bench_row("replay", name, &s, stat(c->r, "bytes"), (stat(c->r, "allocations") - a0) / (double)ops, note);
}

static void bench_kind(sl_replay_kind kind, size_t cap, uint64_t ops) {
  const char *name = sl_replay_kind_name(kind);
  ctx c;
  uint64_t i;
  char note[64];
  memset(&c, 0, sizeof c);
  c.lcg = 7;
  if (sl_replay_new(&c.r, kind, NF, NULL) != SL_OK || sl_replay_set_int(c.r, "capacity", (int64_t)cap) != SL_OK)
    abort();
  if (kind == SL_REPLAY_CLASS_BALANCED && sl_replay_set_int(c.r, "n_classes", N_CLASSES) != SL_OK) abort();
  c.b.struct_size = sizeof c.b;
  c.b.rows = BATCH;
  c.b.n_features = NF;
  c.b.features = c.bx;
  c.b.targets = c.by;
  c.b.weights = c.bw;
  c.b.timestamps = c.bts;
  c.b.keys = c.bkey;
  c.b.slots = c.slots;
  c.b.is_weights = c.isw;
  for (i = 0; i < cap; i++) op_add(&c, i); /* fill: every timed add is on a full buffer */
  row(&c, name, cap, "add", op_add, ops, NULL);
  snprintf(note, sizeof note, "batch of %d, with replacement", BATCH);
  row(&c, name, cap, "sample", op_sample, ops / 8, note);
  snprintf(note, sizeof note, "batch of %d, distinct", BATCH);
  row(&c, name, cap, "sample distinct", op_sample_distinct, ops / 8, note);
  if (kind == SL_REPLAY_PRIORITIZED) {
    snprintf(note, sizeof note, "%d priorities per call", BATCH);
    row(&c, name, cap, "update", op_update, ops / 8, note);
  }
  sl_replay_free(c.r);
}

int main(int argc, char **argv) {
  int quick = bench_quick(argc, argv);
  size_t caps[2] = {1000, quick ? 65536 : 1000000};
  uint64_t ops = quick ? 100000 : 2000000;
  sl_replay_kind kinds[] = {SL_REPLAY_FIFO, SL_REPLAY_RESERVOIR, SL_REPLAY_PRIORITIZED, SL_REPLAY_CLASS_BALANCED};
  size_t k, ci;
  bench_table_header("sl_replay: ns per add / sample call / priority update (8 features)");
  for (ci = 0; ci < 2; ci++)
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) bench_kind(kinds[k], caps[ci], ops);
  return 0;
}
