/* sl_replay on the target: buffers on an arena hold and sample what the
 * host build holds and samples (firmware/answers_replay.h). */
#include <stdio.h>

#include "answers_replay.h"
#include "fw_test.h"

#define FW_D 2
#define FW_CAP 16
#define FW_K 8 /* records per sample */

/* Record i: features (i, -i / 2), target i, weight 1, timestamp 10 i, key 7 i. */
static int add_records(sl_replay *r, int from, int to) {
  int i;
  for (i = from; i < to; i++) {
    double x[FW_D];
    x[0] = (double)i;
    x[1] = -0.5 * i;
    FW_CHECK(sl_replay_add(r, x, FW_D, (double)i, 1.0, (int64_t)i * 10, (uint64_t)i * 7, NULL) == SL_OK);
  }
  return 0;
}

/* Samples FW_K records into targets / slots / is_weights (doubles). */
static int sample(sl_replay *r, int replace, double *targets, double *slots_out, double *is_weights) {
  double x[FW_K * FW_D];
  size_t slots[FW_K];
  sl_replay_batch b = {sizeof(sl_replay_batch), FW_K, FW_D, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  int i;
  b.features = x;
  b.targets = targets;
  b.slots = slots;
  b.is_weights = is_weights;
  FW_CHECK(sl_replay_sample(r, FW_K, replace, &b) == SL_OK);
  for (i = 0; i < FW_K; i++) {
    FW_CHECK(x[i * FW_D] == targets[i] && x[i * FW_D + 1] == -0.5 * targets[i]); /* rows stay whole */
    slots_out[i] = (double)slots[i];
  }
  return 0;
}

static int params_fit(void) {
  FW_CHECK_PARAMS_FIT(replay);
  return 0;
}

/* FIFO keeps the latest FW_CAP records, record i in slot i mod FW_CAP;
 * setting the capacity takes nothing from the arena, the first add takes
 * the storage for FW_CAP records, and later adds and sampling take nothing. */
static int fifo_on_arena(void) {
  sl_allocator *a = fw_arena();
  sl_replay *r = NULL;
  double t[FW_K], s[FW_K], w[FW_K], x[FW_D], y, weight, held, handle;
  size_t used, used_after, high, size, i;
  int64_t ts;
  uint64_t key;
  FW_CHECK_TARGET(sl_replay_new(&r, SL_REPLAY_FIFO, FW_D, NULL) == SL_EINVAL); /* no malloc */
  FW_CHECK(sl_replay_new(&r, SL_REPLAY_FIFO, FW_D, a) == SL_OK);
  FW_CHECK(sl_replay_stat(r, "bytes", &handle) == SL_OK);
  FW_CHECK(sl_arena_usage(a, &used, NULL) == SL_OK);
  FW_CHECK(sl_replay_set_int(r, "capacity", FW_CAP) == SL_OK);
  FW_CHECK(sl_arena_usage(a, &used_after, NULL) == SL_OK && used_after == used);
  if (add_records(r, 0, 1)) return 1;
  FW_CHECK(sl_arena_usage(a, &used, NULL) == SL_OK && used > used_after);
  if (add_records(r, 1, 40) || sample(r, 1, t, s, w)) return 1;
  FW_CHECK(sl_arena_usage(a, &used_after, &high) == SL_OK && used_after == used && high == used);
  FW_CHECK(sl_replay_size(r, &size) == SL_OK && size == FW_CAP);
  FW_CHECK(sl_replay_stat(r, "bytes", &held) == SL_OK);
  FW_CHECK(high < held + 32); /* two blocks, each rounded up to 16 bytes: nothing lost */
  printf("  fifo, capacity %d: %u bytes held (handle %u)\n", FW_CAP, (unsigned)held, (unsigned)handle);
  for (i = 0; i < FW_CAP; i++) {
    size_t rec = i + FW_CAP * ((40 - 1 - i) / FW_CAP); /* the latest record with rec mod FW_CAP == i */
    FW_CHECK(sl_replay_get(r, i, x, FW_D, &y, &weight, &ts, &key) == SL_OK);
    FW_CHECK(y == (double)rec && x[0] == (double)rec && weight == 1.0 && ts == (int64_t)rec * 10 &&
             key == (uint64_t)rec * 7);
  }
  for (i = 0; i < FW_K; i++) FW_CHECK(t[i] >= 40 - FW_CAP && t[i] < 40 && w[i] == 1.0);
  FW_EXPECT(fifo_sample, t, FW_K, 0.0);
  FW_CHECK(sl_replay_get(r, FW_CAP, x, FW_D, &y, NULL, NULL, NULL) == SL_ENOTFOUND);
  x[0] = INFINITY;
  FW_CHECK(sl_replay_add(r, x, FW_D, 1.0, 1.0, 0, 0, NULL) == SL_ENONFINITE);
  sl_replay_free(r);
  return 0;
}

/* A reservoir of FW_CAP out of 200 records: the same records as the host
 * (the RNG is integer arithmetic, the same on every target). */
static int reservoir_on_arena(void) {
  sl_allocator *a = fw_arena();
  sl_replay *r = NULL;
  double held[FW_CAP], t[FW_K], s[FW_K], w[FW_K];
  size_t i;
  FW_CHECK(sl_replay_new(&r, SL_REPLAY_RESERVOIR, FW_D, a) == SL_OK);
  FW_CHECK(sl_replay_set_int(r, "capacity", FW_CAP) == SL_OK);
  if (add_records(r, 0, 200) || sample(r, 0, t, s, w)) return 1;
  for (i = 0; i < FW_CAP; i++) FW_CHECK(sl_replay_get(r, i, NULL, 0, &held[i], NULL, NULL, NULL) == SL_OK);
  FW_EXPECT(reservoir_held, held, FW_CAP, 0.0);
  FW_EXPECT(reservoir_sample, t, FW_K, 0.0);
  sl_replay_free(r);
  return 0;
}

/* Prioritized replay: sample, raise the priorities of what was drawn,
 * sample again (float sum tree on the target); checkpoint in the middle,
 * and the loaded copy draws exactly what the original draws. */
static int prioritized_and_checkpoint(void) {
  static uint8_t ck[2048];
  sl_allocator *a = fw_arena();
  sl_replay *r = NULL, *c = NULL;
  double t[FW_K], s[FW_K], w[FW_K], t2[FW_K], s2[FW_K], w2[FW_K], prio[FW_K];
  size_t slots[FW_K], len = 0, cut;
  int i;
  FW_CHECK(sl_replay_new(&r, SL_REPLAY_PRIORITIZED, FW_D, a) == SL_OK);
  FW_CHECK(sl_replay_set_int(r, "capacity", 2 * FW_CAP) == SL_OK);
  if (add_records(r, 0, 3 * FW_CAP) || sample(r, 1, t, s, w)) return 1;
  for (i = 0; i < FW_K; i++) {
    slots[i] = (size_t)s[i];
    prio[i] = 0.5 + 0.25 * i;
  }
  FW_CHECK(sl_replay_update_priorities(r, slots, prio, FW_K) == SL_OK);
  prio[0] = -1.0;
  FW_CHECK(sl_replay_update_priorities(r, slots, prio, FW_K) == SL_ERANGE);
  FW_CHECK(sl_replay_save_mem(r, 0, NULL, 0, &len) == SL_EBUFFER && len <= sizeof ck);
  FW_CHECK(sl_replay_save_mem(r, 0, ck, sizeof ck, &len) == SL_OK);
  for (cut = 0; cut < len; cut += 7) FW_CHECK(sl_replay_load_mem(&c, ck, cut, a) == SL_ECORRUPT && c == NULL);
  FW_CHECK(sl_replay_load_mem(&c, ck, len, a) == SL_OK);
  if (sample(r, 0, t, s, w) || sample(c, 0, t2, s2, w2)) return 1;
  for (i = 0; i < FW_K; i++) FW_CHECK(t[i] == t2[i] && s[i] == s2[i] && w[i] == w2[i]);
  FW_EXPECT(prioritized_slots, s, FW_K, 0.0);
  FW_EXPECT(prioritized_is_weights, w, FW_K, 1e-5);
  sl_replay_free(c);
  sl_replay_free(r);
  return 0;
}

/* Every kind this build has, capacity FW_CAP, reserved: the arena holds
 * what the buffer holds and no more, and the adds take nothing. */
static int every_kind_small_on_arena(void) {
  int kind;
  for (kind = 0; kind < 64; kind++) {
    sl_allocator *a;
    sl_replay *r = NULL;
    size_t used, used_after, high;
    double held;
    if (!sl_replay_kind_name(kind)) continue;
    a = fw_arena();
    FW_CHECK(sl_replay_new(&r, (sl_replay_kind)kind, FW_D, a) == SL_OK);
    FW_CHECK(sl_replay_set_int(r, "capacity", FW_CAP) == SL_OK);
    if (kind == SL_REPLAY_CLASS_BALANCED) FW_CHECK(sl_replay_set_int(r, "n_classes", 3 * FW_CAP) == SL_OK);
    FW_CHECK(sl_replay_reserve(r) == SL_OK);
    FW_CHECK(sl_arena_usage(a, &used, NULL) == SL_OK);
    if (add_records(r, 0, 3 * FW_CAP)) return 1; /* record i has target i */
    FW_CHECK(sl_arena_usage(a, &used_after, &high) == SL_OK && used_after == used && high == used);
    FW_CHECK(sl_replay_stat(r, "bytes", &held) == SL_OK && high < held + 32);
    printf("  %-14s capacity %d: %5u bytes held, arena high water %5u\n", sl_replay_kind_name(kind), FW_CAP,
           (unsigned)held, (unsigned)high);
    sl_replay_free(r);
  }
  return 0;
}

/* An arena too small for the storage: the prepare fails with SL_ENOMEM,
 * takes nothing, and the buffer works once its capacity fits. */
static int a_failed_prepare_takes_nothing(void) {
  static unsigned char small[2048] __attribute__((aligned(16)));
  sl_allocator a;
  sl_replay *r = NULL;
  size_t used, used_after, size;
  double x[FW_D] = {1, 2};
  FW_CHECK(sl_arena_init(&a, small, sizeof small) == SL_OK);
  FW_CHECK(sl_replay_new(&r, SL_REPLAY_FIFO, FW_D, &a) == SL_OK);
  FW_CHECK(sl_replay_set_int(r, "capacity", 100) == SL_OK);
  FW_CHECK(sl_arena_usage(&a, &used, NULL) == SL_OK);
  FW_CHECK(sl_replay_add(r, x, FW_D, 0.0, 1.0, 0, 0, NULL) == SL_ENOMEM);
  FW_CHECK(sl_replay_reserve(r) == SL_ENOMEM);
  FW_CHECK(sl_arena_usage(&a, &used_after, NULL) == SL_OK && used_after == used);
  FW_CHECK(sl_replay_size(r, &size) == SL_OK && size == 0);
  FW_CHECK(sl_replay_set_int(r, "capacity", 8) == SL_OK); /* not started: still free to change */
  if (add_records(r, 0, 20)) return 1;
  FW_CHECK(sl_replay_size(r, &size) == SL_OK && size == 8);
  sl_replay_free(r);
  return 0;
}

static const fw_test replay_tests[] = {
    {"params_fit", params_fit},
    {"fifo_on_arena", fifo_on_arena},
    {"every_kind_small_on_arena", every_kind_small_on_arena},
    {"a_failed_prepare_takes_nothing", a_failed_prepare_takes_nothing},
    {"reservoir_on_arena", reservoir_on_arena},
    {"prioritized_and_checkpoint", prioritized_and_checkpoint},
};
FW_SUITE(replay, replay_tests);
