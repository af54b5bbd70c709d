/* sl_replay: the shared handle contract, bad input, FIFO order, checkpoints
 * and allocation failures, for every kind. The statistical checks are in
 * test_replay_sampling.c, the storage's life in test_replay_storage.c. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

#define NF 3

static const sl_replay_kind all_kinds[] = {SL_REPLAY_FIFO, SL_REPLAY_RESERVOIR, SL_REPLAY_PRIORITIZED,
                                           SL_REPLAY_CLASS_BALANCED};
#define N_KINDS (sizeof all_kinds / sizeof all_kinds[0])

/* Room for up to 64 drawn records. */
typedef struct batch_room {
  double x[64 * NF], y[64], w[64], isw[64];
  int64_t ts[64];
  uint64_t key[64];
  size_t slot[64];
  sl_replay_batch b;
} batch_room;

static void batch_init(batch_room *r) {
  memset(r, 0, sizeof *r);
  r->b.struct_size = sizeof r->b;
  r->b.rows = 64;
  r->b.n_features = NF;
  r->b.features = r->x;
  r->b.targets = r->y;
  r->b.weights = r->w;
  r->b.timestamps = r->ts;
  r->b.keys = r->key;
  r->b.slots = r->slot;
  r->b.is_weights = r->isw;
}

/* Record i of the test streams: class-id targets so every kind takes them. */
static void record(long i, double *x, double *y) {
  x[0] = (double)i;
  x[1] = 0.5 * (double)i;
  x[2] = -(double)(i % 7);
  *y = (double)(i % 2);
}

static sl_status add_records(sl_replay *r, long from, long to) {
  long i;
  for (i = from; i < to; i++) {
    double x[NF], y;
    sl_status st;
    record(i, x, &y);
    if ((st = sl_replay_add(r, x, NF, y, 1.0 + (double)(i % 3), i * 10, (uint64_t)i, NULL)) != SL_OK) return st;
  }
  return SL_OK;
}

static sl_replay *make(sl_replay_kind kind, int64_t capacity) {
  sl_replay *r = NULL;
  cr_assert_eq(sl_replay_new(&r, kind, NF, NULL), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", capacity), SL_OK);
  return r;
}

/* Two checkpoints of the same handles are byte-identical. */
static void assert_same_state(const sl_replay *a, const sl_replay *b) {
  static unsigned char ba[1 << 16], bb[1 << 16];
  size_t la, lb;
  cr_assert_eq(sl_replay_save_mem(a, 0, ba, sizeof ba, &la), SL_OK);
  cr_assert_eq(sl_replay_save_mem(b, 0, bb, sizeof bb, &lb), SL_OK);
  cr_assert(la == lb && memcmp(ba, bb, la) == 0, "states differ");
}

/* ---- the shared calls ------------------------------------------------------ */

Test(replay_handle, kinds_parameters_and_statistics) {
  static const char *names[] = {"fifo", "reservoir", "prioritized", "class_balanced"};
  const sl_param_info *info;
  sl_replay *r;
  double v;
  int64_t iv;
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    int kind;
    cr_assert_str_eq(sl_replay_kind_name(all_kinds[k]), names[k]);
    cr_assert_eq(sl_replay_kind_from_name(names[k], &kind), SL_OK);
    cr_assert_eq(kind, (int)all_kinds[k]);
    cr_assert_eq(sl_replay_kind_param(all_kinds[k], 0, &info), SL_OK);
    cr_assert_str_eq(info->name, "capacity");
    cr_assert_eq(sl_replay_kind_param(all_kinds[k], 1, &info), SL_OK);
    cr_assert_str_eq(info->name, "seed");
  }
  cr_assert_eq(sl_replay_kind_param(SL_REPLAY_PRIORITIZED, 2, &info), SL_OK);
  cr_assert_str_eq(info->name, "alpha");
  cr_assert_eq(info->default_value, 0.6);
  cr_assert_eq(sl_replay_kind_param(SL_REPLAY_PRIORITIZED, 3, &info), SL_OK);
  cr_assert_str_eq(info->name, "beta");
  cr_assert_eq(info->default_value, 0.4);

  r = make(SL_REPLAY_PRIORITIZED, 100);
  cr_assert_eq(sl_replay_get_int(r, "capacity", &iv), SL_OK);
  cr_assert_eq(iv, 100);
  cr_assert_eq(sl_replay_set_int(r, "capacity", 0), SL_ERANGE);
  cr_assert_eq(sl_replay_set_double(r, "alpha", 1.5), SL_ERANGE);
  cr_assert_eq(sl_replay_set_double(r, "alpha", 0.7), SL_OK);
  cr_assert_eq(sl_replay_stat(r, "n_features", &v), SL_OK);
  cr_assert_eq(v, NF);
  cr_assert_eq(sl_replay_stat(r, "max_priority", &v), SL_OK);
  cr_assert_eq(v, 1.0);
  cr_assert_eq(add_records(r, 0, 150), SL_OK);
  cr_assert_eq(sl_replay_stat(r, "size", &v), SL_OK);
  cr_assert_eq(v, 100);
  cr_assert_eq(sl_replay_stat(r, "seen", &v), SL_OK);
  cr_assert_eq(v, 150);
  cr_assert_eq(sl_replay_stat(r, "total_mass", &v), SL_OK);
  cr_assert_float_eq(v, 100.0, 1e-9, "a new record's mass is initial_priority^alpha = 1");
  cr_assert_eq(sl_replay_set_int(r, "capacity", 50), SL_ESTATE);
  cr_assert_eq(sl_replay_set_int(r, "seed", 7), SL_ESTATE);
  cr_assert_eq(sl_replay_set_double(r, "alpha", 0.5), SL_ESTATE);
  cr_assert_eq(sl_replay_set_double(r, "beta", 1.0), SL_OK, "beta may be annealed during use");
  cr_assert_eq(sl_replay_get_int(r, "capacity", &iv), SL_OK);
  cr_assert_eq(iv, 100);
  sl_replay_free(r);
}

Test(replay_handle, runs_on_a_static_arena) {
  static unsigned char arena[1 << 18];
  sl_allocator a;
  sl_replay *r;
  size_t used, high;
  batch_room br;
  cr_assert_eq(sl_arena_init(&a, arena, sizeof arena), SL_OK);
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_PRIORITIZED, NF, &a), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", 200), SL_OK);
  cr_assert_eq(add_records(r, 0, 500), SL_OK);
  batch_init(&br);
  cr_assert_eq(sl_replay_sample(r, 32, 1, &br.b), SL_OK);
  cr_assert_eq(sl_arena_usage(&a, &used, &high), SL_OK);
  cr_assert_leq(high, sizeof arena);
  sl_replay_free(r);
}

/* ---- bad input changes nothing --------------------------------------------- */

Test(replay_handle, null_and_bad_arguments_leave_the_buffer_unchanged) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    sl_replay *r = make(all_kinds[k], 20), *twin = make(all_kinds[k], 20);
    double x[NF] = {1, 2, 3}, bad[NF] = {1, NAN, 3}, xs[2 * NF] = {1, 2, 3, 4, INFINITY, 6}, y2[2] = {0, 1};
    size_t slot = 77, slots[2] = {0, 99};
    double pr[2] = {1, 2};
    batch_room br;
    batch_init(&br);
    cr_assert_eq(add_records(r, 0, 30), SL_OK);
    cr_assert_eq(add_records(twin, 0, 30), SL_OK);

    cr_assert_eq(sl_replay_add(NULL, x, NF, 0, 1, 0, 0, NULL), SL_EINVAL);
    cr_assert_eq(sl_replay_add(r, NULL, NF, 0, 1, 0, 0, &slot), SL_EINVAL);
    cr_assert_eq(sl_replay_add(r, x, NF + 1, 0, 1, 0, 0, &slot), SL_EDIM);
    cr_assert_eq(sl_replay_add(r, bad, NF, 0, 1, 0, 0, &slot), SL_ENONFINITE);
    cr_assert_eq(sl_replay_add(r, x, NF, NAN, 1, 0, 0, &slot), SL_ENONFINITE);
    cr_assert_eq(sl_replay_add(r, x, NF, 0, INFINITY, 0, 0, &slot), SL_ENONFINITE);
    cr_assert_eq(sl_replay_add(r, x, NF, 0, -1, 0, 0, &slot), SL_EINVAL);
    cr_assert_eq(slot, 77, "no slot reported on error");
    cr_assert_eq(sl_replay_add_many(r, xs, 2, NF, y2, NULL, NULL, NULL, NULL), SL_ENONFINITE);
    cr_assert_neq(strstr(sl_replay_last_error(r), "row 1"), NULL, "detail names the row: %s",
                  sl_replay_last_error(r));
    cr_assert_eq(sl_replay_add_many(r, NULL, 2, NF, y2, NULL, NULL, NULL, NULL), SL_EINVAL);
    cr_assert_eq(sl_replay_add_many(r, xs, 2, NF, NULL, NULL, NULL, NULL, NULL), SL_EINVAL);
    cr_assert_eq(sl_replay_add_many(r, xs, 2, 2, y2, NULL, NULL, NULL, NULL), SL_EDIM);

    cr_assert_eq(sl_replay_sample(NULL, 1, 1, &br.b), SL_EINVAL);
    cr_assert_eq(sl_replay_sample(r, 1, 1, NULL), SL_EINVAL);
    cr_assert_eq(sl_replay_sample(r, 21, 1, &br.b), SL_EINVAL, "above capacity");
    br.b.rows = 4;
    cr_assert_eq(sl_replay_sample(r, 5, 1, &br.b), SL_EBUFFER);
    br.b.rows = 64;
    br.b.n_features = NF - 1;
    cr_assert_eq(sl_replay_sample(r, 5, 1, &br.b), SL_EDIM);
    br.b.n_features = NF;
    br.b.struct_size = 8;
    cr_assert_eq(sl_replay_sample(r, 5, 1, &br.b), SL_EINVAL);
    br.b.struct_size = sizeof br.b;

    cr_assert_eq(sl_replay_get(r, 20, x, NF, NULL, NULL, NULL, NULL), SL_ENOTFOUND);
    cr_assert_eq(sl_replay_get(r, 0, x, NF - 1, NULL, NULL, NULL, NULL), SL_EDIM);
    cr_assert_eq(sl_replay_get(NULL, 0, x, NF, NULL, NULL, NULL, NULL), SL_EINVAL);
    cr_assert_eq(sl_replay_size(r, NULL), SL_EINVAL);

    if (all_kinds[k] == SL_REPLAY_PRIORITIZED) {
      double nanp[2] = {1, NAN}, negp[2] = {1, -0.5}, hugep[2] = {1, 1e16};
      slots[1] = 3;
      cr_assert_eq(sl_replay_update_priorities(r, slots, nanp, 2), SL_ENONFINITE);
      cr_assert_eq(sl_replay_update_priorities(r, slots, negp, 2), SL_ERANGE);
      cr_assert_eq(sl_replay_update_priorities(r, slots, hugep, 2), SL_ERANGE);
      slots[1] = 20;
      cr_assert_eq(sl_replay_update_priorities(r, slots, pr, 2), SL_ENOTFOUND);
      cr_assert_eq(sl_replay_update_priorities(r, NULL, pr, 2), SL_EINVAL);
    } else {
      cr_assert_eq(sl_replay_update_priorities(r, slots, pr, 1), SL_EKIND);
    }
    if (all_kinds[k] == SL_REPLAY_CLASS_BALANCED) {
      cr_assert_eq(sl_replay_add(r, x, NF, 2, 1, 0, 0, &slot), SL_EINVAL, "class id above n_classes");
      cr_assert_eq(sl_replay_add(r, x, NF, 0.5, 1, 0, 0, &slot), SL_EINVAL, "fractional class id");
      cr_assert_eq(sl_replay_add(r, x, NF, -1, 1, 0, 0, &slot), SL_EINVAL, "negative class id");
    }
    assert_same_state(r, twin);
    {
      batch_room bt;
      batch_init(&bt);
      cr_assert_eq(sl_replay_sample(r, 16, 1, &br.b), SL_OK);
      cr_assert_eq(sl_replay_sample(twin, 16, 1, &bt.b), SL_OK);
      cr_assert_eq(memcmp(br.slot, bt.slot, sizeof br.slot), 0, "the RNG did not move on error");
    }
    sl_replay_free(r);
    sl_replay_free(twin);
  }
  sl_replay_free(NULL);
  cr_assert_eq(sl_replay_new(NULL, SL_REPLAY_FIFO, NF, NULL), SL_EINVAL);
  {
    sl_replay *r = (sl_replay *)1;
    cr_assert_eq(sl_replay_new(&r, SL_REPLAY_FIFO, 0, NULL), SL_EINVAL);
    cr_assert_null(r);
    cr_assert_eq(sl_replay_new(&r, (sl_replay_kind)9, NF, NULL), SL_EKIND);
    cr_assert_null(r);
  }
}

Test(replay_handle, sampling_limits_and_empty_buffers) {
  sl_replay *r = make(SL_REPLAY_RESERVOIR, 10);
  batch_room br;
  batch_init(&br);
  cr_assert_eq(sl_replay_sample(r, 0, 0, &br.b), SL_OK, "nothing asked, nothing drawn");
  cr_assert_eq(sl_replay_sample(r, 1, 1, &br.b), SL_ESTATE, "empty");
  cr_assert_eq(sl_replay_sample(r, 1, 0, &br.b), SL_EINVAL, "more distinct draws than records");
  cr_assert_eq(add_records(r, 0, 4), SL_OK);
  cr_assert_eq(sl_replay_sample(r, 5, 0, &br.b), SL_EINVAL);
  cr_assert_eq(sl_replay_sample(r, 4, 0, &br.b), SL_OK);
  cr_assert_eq(sl_replay_sample(r, 10, 1, &br.b), SL_OK, "with replacement, up to capacity");
  {
    sl_replay_batch minimal;
    memset(&minimal, 0, sizeof minimal);
    minimal.struct_size = sizeof minimal;
    minimal.rows = 3;
    cr_assert_eq(sl_replay_sample(r, 3, 1, &minimal), SL_OK, "every output is optional");
  }
  sl_replay_free(r);
}

Test(replay_handle, all_zero_priorities_cannot_be_sampled) {
  sl_replay *r = make(SL_REPLAY_PRIORITIZED, 8);
  size_t slots[4] = {0, 1, 2, 3};
  double zero[4] = {0, 0, 0, 0};
  batch_room br;
  batch_init(&br);
  cr_assert_eq(sl_replay_set_double(r, "epsilon", 0), SL_OK);
  cr_assert_eq(add_records(r, 0, 4), SL_OK);
  cr_assert_eq(sl_replay_update_priorities(r, slots, zero, 3), SL_OK);
  cr_assert_eq(sl_replay_sample(r, 2, 0, &br.b), SL_ESTATE, "one record of non-zero priority, two distinct asked");
  cr_assert_eq(sl_replay_sample(r, 8, 1, &br.b), SL_OK);
  for (size_t i = 0; i < 8; i++) cr_assert_eq(br.slot[i], 3, "only slot 3 has mass");
  cr_assert_eq(sl_replay_update_priorities(r, slots, zero, 4), SL_OK);
  cr_assert_eq(sl_replay_sample(r, 1, 1, &br.b), SL_ESTATE);
  sl_replay_free(r);
}

/* ---- records in and out ------------------------------------------------------- */

Test(replay_fifo, keeps_the_latest_in_ring_order) {
  sl_replay *r = make(SL_REPLAY_FIFO, 5);
  long i;
  for (i = 0; i < 13; i++) {
    double x[NF], y;
    size_t slot, size;
    record(i, x, &y);
    cr_assert_eq(sl_replay_add(r, x, NF, y, 1, i, (uint64_t)i, &slot), SL_OK);
    cr_assert_eq(slot, (size_t)(i % 5), "record %ld went to slot %zu", i, slot);
    cr_assert_eq(sl_replay_size(r, &size), SL_OK);
    cr_assert_eq(size, (size_t)(i < 5 ? i + 1 : 5));
  }
  for (i = 8; i < 13; i++) {
    double x[NF], want[NF], y, wy, w;
    int64_t ts;
    uint64_t key;
    record(i, want, &wy);
    cr_assert_eq(sl_replay_get(r, (size_t)(i % 5), x, NF, &y, &w, &ts, &key), SL_OK);
    cr_assert_eq(key, (uint64_t)i, "slot %ld holds record %lu", i % 5, (unsigned long)key);
    cr_assert_eq(ts, i);
    cr_assert_eq(memcmp(x, want, sizeof x), 0);
    cr_assert_eq(y, wy);
    cr_assert_eq(w, 1.0);
  }
  cr_assert_eq(sl_replay_clear(r), SL_OK);
  {
    size_t size, slot;
    double x[NF] = {0};
    cr_assert_eq(sl_replay_size(r, &size), SL_OK);
    cr_assert_eq(size, 0);
    cr_assert_eq(sl_replay_add(r, x, NF, 0, 1, 0, 0, &slot), SL_OK);
    cr_assert_eq(slot, 0, "after clear the ring starts again at slot 0");
  }
  sl_replay_free(r);
}

Test(replay_handle, add_many_is_add_repeated_and_samples_carry_whole_records) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    sl_replay *one = make(all_kinds[k], 16), *many = make(all_kinds[k], 16);
    double x[40 * NF], y[40], w[40];
    int64_t ts[40];
    uint64_t key[40];
    size_t slots_one[40], slots_many[40], i;
    batch_room br;
    for (i = 0; i < 40; i++) {
      record((long)i, x + i * NF, &y[i]);
      w[i] = 0.25 * (double)i;
      ts[i] = -(int64_t)i;
      key[i] = 1000 + i;
      cr_assert_eq(sl_replay_add(one, x + i * NF, NF, y[i], w[i], ts[i], key[i], &slots_one[i]), SL_OK);
    }
    cr_assert_eq(sl_replay_add_many(many, x, 40, NF, y, w, ts, key, slots_many), SL_OK);
    cr_assert_eq(memcmp(slots_one, slots_many, sizeof slots_one), 0);
    assert_same_state(one, many);
    batch_init(&br);
    cr_assert_eq(sl_replay_sample(many, 16, 0, &br.b), SL_OK);
    for (i = 0; i < 16; i++) {
      size_t rec = (size_t)(br.key[i] - 1000);
      double want[NF], wy;
      record((long)rec, want, &wy);
      cr_assert_eq(memcmp(br.x + i * NF, want, sizeof want), 0, "features of record %zu", rec);
      cr_assert_eq(br.y[i], wy);
      cr_assert_eq(br.w[i], w[rec]);
      cr_assert_eq(br.ts[i], ts[rec]);
      {
        uint64_t key_at;
        cr_assert_eq(sl_replay_get(many, br.slot[i], NULL, 0, NULL, NULL, NULL, &key_at), SL_OK);
        cr_assert_eq(key_at, br.key[i], "the slot reported holds the record drawn");
      }
    }
    sl_replay_free(one);
    sl_replay_free(many);
  }
}

Test(replay_handle, add_many_defaults_weights_timestamps_and_keys) {
  sl_replay *r = make(SL_REPLAY_FIFO, 4);
  double x[2 * NF] = {1, 2, 3, 4, 5, 6}, y[2] = {7, 8}, w;
  int64_t ts;
  uint64_t key;
  cr_assert_eq(sl_replay_add_many(r, x, 2, NF, y, NULL, NULL, NULL, NULL), SL_OK);
  cr_assert_eq(sl_replay_get(r, 1, NULL, 0, NULL, &w, &ts, &key), SL_OK);
  cr_assert(w == 1.0 && ts == 0 && key == 0);
  cr_assert_eq(sl_replay_add_many(r, NULL, 0, NF, NULL, NULL, NULL, NULL, NULL), SL_OK, "nothing to add");
  sl_replay_free(r);
}

/* ---- checkpoints ------------------------------------------------------------- */

/* Adds, samples and (prioritized) updates priorities: one step of a run. */
static void run_step(sl_replay *r, long i, batch_room *br) {
  int kind;
  cr_assert_eq(add_records(r, i * 7, i * 7 + 7), SL_OK);
  cr_assert_eq(sl_replay_sample(r, 8, i % 2 == 0, &br->b), SL_OK, "%s", sl_replay_last_error(r));
  cr_assert_eq(sl_replay_kind_of(r, &kind), SL_OK);
  if (kind == SL_REPLAY_PRIORITIZED)
    cr_assert_eq(sl_replay_update_priorities(r, br->slot, br->w, 8), SL_OK, "%s", sl_replay_last_error(r));
}

Test(replay_checkpoint, contract_and_exact_resume_for_every_kind) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    sl_replay *r = make(all_kinds[k], 24), *c;
    static unsigned char buf[1 << 16];
    size_t len;
    long i;
    batch_room a, b;
    cr_assert_eq(sl_replay_set_int(r, "seed", 1234), SL_OK);
    CHECK_CHECKPOINT_CONTRACT(replay, r); /* fresh */
    batch_init(&a);
    batch_init(&b);
    for (i = 0; i < 6; i++) run_step(r, i, &a);
    CHECK_CHECKPOINT_CONTRACT(replay, r);
    cr_assert_eq(sl_replay_save_mem(r, 0, buf, sizeof buf, &len), SL_OK);
    cr_assert_eq(sl_replay_load_mem(&c, buf, len, NULL), SL_OK);
    for (i = 6; i < 40; i++) {
      run_step(r, i, &a);
      run_step(c, i, &b);
      cr_assert_eq(memcmp(&a.x, &b.x, sizeof a.x + sizeof a.y + sizeof a.w + sizeof a.isw + sizeof a.ts +
                                          sizeof a.key + sizeof a.slot),
                   0, "kind %s diverged after loading, step %ld", sl_replay_kind_name(all_kinds[k]), i);
    }
    assert_same_state(r, c);
    sl_replay_free(r);
    sl_replay_free(c);
  }
}

/* ---- allocation failures -------------------------------------------------------- */

static sl_status lifecycle(const sl_allocator *a, void *ctx) {
  sl_replay_kind kind = *(const sl_replay_kind *)ctx;
  sl_replay *r = NULL, *c = NULL;
  static unsigned char buf[1 << 16];
  size_t len;
  sl_status st;
  batch_room br;
  if ((st = sl_replay_new(&r, kind, NF, a)) != SL_OK) return st;
  st = sl_replay_set_int(r, "capacity", 40);
  if (st == SL_OK && kind == SL_REPLAY_CLASS_BALANCED) st = sl_replay_set_int(r, "n_classes", 3);
  /* A buffer without storage saved and loaded, then the prepare step by
   * reserve, again for a new capacity, then adds (prepared: take nothing). */
  if (st == SL_OK) st = sl_replay_save_mem(r, 0, buf, sizeof buf, &len);
  if (st == SL_OK) st = sl_replay_load_mem(&c, buf, len, a);
  sl_replay_free(c);
  c = NULL;
  if (st == SL_OK) st = sl_replay_reserve(r);
  if (st == SL_OK) st = sl_replay_set_int(r, "capacity", 30);
  if (st == SL_OK) st = add_records(r, 0, 100);
  batch_init(&br);
  if (st == SL_OK) st = sl_replay_sample(r, 10, 0, &br.b);
  if (st == SL_OK) st = sl_replay_save_mem(r, 0, buf, sizeof buf, &len);
  if (st == SL_OK) st = sl_replay_load_mem(&c, buf, len, a);
  sl_replay_free(c);
  sl_replay_free(r);
  return st;
}

Test(replay_handle, every_allocation_failure_is_clean) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) cr_assert_gt(test_alloc_sweep(lifecycle, (void *)&all_kinds[k]), 0);
}
