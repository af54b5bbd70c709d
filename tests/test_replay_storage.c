/* sl_replay storage: a buffer takes its storage at the first add (or at
 * sl_replay_reserve), once, all or nothing; before that, setting sizing
 * parameters only changes values, so a small buffer on a static arena
 * takes only what it holds. Checkpoints of buffers with and without their
 * storage, and of the format written before storage was deferred. */
#include <criterion/criterion.h>
#include <string.h>

#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

#define NF 2

static const sl_replay_kind all_kinds[] = {SL_REPLAY_FIFO, SL_REPLAY_RESERVOIR, SL_REPLAY_PRIORITIZED,
                                           SL_REPLAY_CLASS_BALANCED};
#define N_KINDS (sizeof all_kinds / sizeof all_kinds[0])

/* Offers records from .. to-1: features (i, -i/2), target i mod 2 (a class
 * id for class_balanced), weight 1, timestamp 10 i, key 7 i. */
static sl_status offer(sl_replay *r, long from, long to) {
  long i;
  for (i = from; i < to; i++) {
    double x[NF] = {(double)i, -0.5 * (double)i};
    sl_status st = sl_replay_add(r, x, NF, (double)(i % 2), 1.0, i * 10, (uint64_t)(i * 7), NULL);
    if (st != SL_OK) return st;
  }
  return SL_OK;
}

/* Draws k records with replacement; their keys go to `keys`. */
static sl_status draw(sl_replay *r, size_t k, uint64_t *keys) {
  size_t slots[16];
  double isw[16];
  sl_replay_batch b;
  memset(&b, 0, sizeof b);
  b.struct_size = sizeof b;
  b.rows = 16;
  b.keys = keys;
  b.slots = slots;
  b.is_weights = isw;
  return sl_replay_sample(r, k, 1, &b);
}

static double stat(const sl_replay *r, const char *name) {
  double v = -1;
  cr_assert_eq(sl_replay_stat(r, name, &v), SL_OK, "stat %s", name);
  return v;
}

static void assert_saves_equal(const sl_replay *a, const sl_replay *b, const char *what) {
  static unsigned char ba[1 << 14], bb[1 << 14];
  size_t la, lb;
  cr_assert_eq(sl_replay_save_mem(a, 0, ba, sizeof ba, &la), SL_OK);
  cr_assert_eq(sl_replay_save_mem(b, 0, bb, sizeof bb, &lb), SL_OK);
  cr_assert(la == lb && memcmp(ba, bb, la) == 0, "%s", what);
}

/* ---- before the storage ----------------------------------------------------- */

Test(replay_storage, a_new_buffer_holds_only_its_handle_until_the_first_add) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    test_alloc t;
    sl_replay *r;
    double handle, full;
    size_t size = 9, slot = 0;
    uint64_t keys[16];
    const char *name = sl_replay_kind_name(all_kinds[k]);
    test_alloc_init(&t);
    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, &t.a), SL_OK);
    cr_assert_eq(t.calls, 1, "%s: the handle alone", name);
    handle = stat(r, "bytes");
    cr_assert_lt(handle, 2048, "%s: no record storage (%g bytes)", name, handle);
    /* Sizing parameters only change values, in any order, any number of times. */
    cr_assert_eq(sl_replay_set_int(r, "capacity", 1 << 20), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 40), SL_OK);
    if (all_kinds[k] == SL_REPLAY_CLASS_BALANCED) cr_assert_eq(sl_replay_set_int(r, "n_classes", 500), SL_OK);
    if (all_kinds[k] == SL_REPLAY_PRIORITIZED) cr_assert_eq(sl_replay_set_double(r, "alpha", 0.5), SL_OK);
    /* Calls that need no storage work on an empty buffer without taking it. */
    cr_assert_eq(sl_replay_size(r, &size), SL_OK);
    cr_assert_eq(size, 0);
    cr_assert_eq(draw(r, 0, keys), SL_OK);
    cr_assert_eq(draw(r, 1, keys), SL_ESTATE, "%s: empty", name);
    cr_assert_eq(draw(r, 41, keys), SL_EINVAL, "%s: the capacity set is the bound", name);
    cr_assert_eq(sl_replay_get(r, 0, NULL, 0, NULL, NULL, NULL, NULL), SL_ENOTFOUND);
    cr_assert_eq(sl_replay_add_many(r, NULL, 0, NF, NULL, NULL, NULL, NULL, NULL), SL_OK);
    cr_assert_eq(sl_replay_clear(r), SL_OK);
    if (all_kinds[k] == SL_REPLAY_PRIORITIZED) {
      cr_assert_eq(sl_replay_update_priorities(r, &slot, NULL, 0), SL_OK);
      cr_assert_eq(stat(r, "total_mass"), 0.0);
      cr_assert_eq(stat(r, "max_priority"), 1.0);
    }
    if (all_kinds[k] == SL_REPLAY_CLASS_BALANCED) cr_assert_eq(stat(r, "largest_class_count"), 0.0);
    cr_assert_eq(stat(r, "bytes"), handle, "%s: nothing taken", name);
    cr_assert_eq(t.calls, 1, "%s: nothing asked of the allocator", name);
    /* The first add takes it all, once. */
    cr_assert_eq(offer(r, 0, 1), SL_OK);
    cr_assert_eq(t.calls, 2, "%s: one block for the records and the kind", name);
    full = stat(r, "bytes");
    cr_assert_gt(full, handle + 40 * (NF + 2) * sizeof(float), "%s: storage for 40 records", name);
    cr_assert_lt(full, handle + 40 * 100.0 + 500 * 13.0 + 64, "%s: for 40 records, not for the default", name);
    cr_assert_eq(offer(r, 1, 300), SL_OK);
    cr_assert_eq(draw(r, 16, keys), SL_OK);
    if (all_kinds[k] == SL_REPLAY_PRIORITIZED) {
      size_t slots[2] = {0, 3};
      double pr[2] = {4, 0.5};
      cr_assert_eq(sl_replay_update_priorities(r, slots, pr, 2), SL_OK);
    }
    cr_assert_eq(sl_replay_set_int(r, "capacity", 10), SL_ESTATE, "%s: fixed after data", name);
    cr_assert_eq(t.calls, 2, "%s: nothing allocated after the first add", name);
    cr_assert_eq(stat(r, "bytes"), full);
    sl_replay_free(r);
    cr_assert_eq(t.live_blocks, 0);
    cr_assert_eq(t.bad_free, 0);
  }
}

Test(replay_storage, reserve_takes_the_storage_once_and_the_adds_take_nothing) {
  size_t k;
  cr_assert_eq(sl_replay_reserve(NULL), SL_EINVAL);
  for (k = 0; k < N_KINDS; k++) {
    test_alloc t, u;
    sl_replay *r, *twin;
    double reserved;
    const char *name = sl_replay_kind_name(all_kinds[k]);
    test_alloc_init(&t);
    test_alloc_init(&u);
    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, &t.a), SL_OK);
    cr_assert_eq(sl_replay_new(&twin, all_kinds[k], NF, &u.a), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 100), SL_OK);
    cr_assert_eq(sl_replay_set_int(twin, "capacity", 100), SL_OK);
    cr_assert_eq(sl_replay_reserve(r), SL_OK);
    cr_assert_eq(t.calls, 2);
    reserved = stat(r, "bytes");
    cr_assert_eq(sl_replay_reserve(r), SL_OK, "%s: idempotent", name);
    cr_assert_eq(t.calls, 2, "%s: a second reserve takes nothing", name);
    cr_assert_eq(offer(r, 0, 250), SL_OK);
    cr_assert_eq(sl_replay_reserve(r), SL_OK, "%s: after data too", name);
    cr_assert_eq(t.calls, 2, "%s: the adds took nothing", name);
    cr_assert_eq(stat(r, "bytes"), reserved);
    cr_assert_eq(offer(twin, 0, 250), SL_OK);
    cr_assert_eq(stat(twin, "bytes"), reserved, "%s: reserve takes what the first add would", name);
    assert_saves_equal(r, twin, "reserving changes no state but the storage");
    sl_replay_free(r);
    sl_replay_free(twin);
    cr_assert(t.live_blocks == 0 && u.live_blocks == 0);
  }
}

Test(replay_storage, sizing_a_reserved_buffer_takes_new_storage_all_or_nothing) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    test_alloc t;
    sl_replay *r;
    int64_t cap;
    double before, size;
    const char *name = sl_replay_kind_name(all_kinds[k]);
    test_alloc_init(&t);
    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, &t.a), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 30), SL_OK);
    cr_assert_eq(sl_replay_reserve(r), SL_OK);
    before = stat(r, "bytes");
    test_alloc_fail_at(&t, 0);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 60), SL_ENOMEM, "%s", name);
    cr_assert_eq(sl_replay_get_int(r, "capacity", &cap), SL_OK);
    cr_assert_eq(cap, 30, "%s: the old value stays", name);
    cr_assert_eq(stat(r, "bytes"), before, "%s: the old storage stays", name);
    if (all_kinds[k] == SL_REPLAY_CLASS_BALANCED) {
      test_alloc_fail_at(&t, 0);
      cr_assert_eq(sl_replay_set_int(r, "n_classes", 7), SL_ENOMEM);
      cr_assert_eq(sl_replay_get_int(r, "n_classes", &cap), SL_OK);
      cr_assert_eq(cap, 2);
      cr_assert_eq(sl_replay_set_int(r, "n_classes", 7), SL_OK);
      cr_assert_gt(stat(r, "bytes"), before, "class arrays for 7");
      before = stat(r, "bytes");
    }
    test_alloc_fail_at(&t, -1);
    cr_assert_eq(offer(r, 0, 100), SL_OK, "%s: the reserved storage still works", name);
    size = stat(r, "size");
    cr_assert_eq(size, 30);
    cr_assert_eq(stat(r, "bytes"), before);
    sl_replay_free(r);
    cr_assert_eq(t.live_blocks, 0);

    test_alloc_init(&t);
    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, &t.a), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 30), SL_OK);
    cr_assert_eq(sl_replay_reserve(r), SL_OK);
    before = stat(r, "bytes");
    cr_assert_eq(sl_replay_set_int(r, "capacity", 60), SL_OK);
    cr_assert_gt(stat(r, "bytes"), before, "%s: storage for 60", name);
    cr_assert_eq(t.live_blocks, 2, "%s: the handle and one block; the old one went back", name);
    before = stat(r, "bytes");
    cr_assert_eq(offer(r, 0, 100), SL_OK);
    cr_assert_eq(stat(r, "size"), 60);
    cr_assert_eq(stat(r, "bytes"), before, "%s: still reserved", name);
    sl_replay_free(r);
    cr_assert_eq(t.live_blocks, 0);
  }
}

Test(replay_storage, a_failed_prepare_leaves_the_buffer_as_it_was) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    test_alloc t, u;
    sl_replay *r, *twin;
    double x[2 * NF] = {1, 2, 3, 4}, y[2] = {0, 1}, handle;
    size_t slot = 77;
    uint64_t keys[16];
    const char *name = sl_replay_kind_name(all_kinds[k]);
    test_alloc_init(&t);
    test_alloc_init(&u);
    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, &t.a), SL_OK);
    cr_assert_eq(sl_replay_new(&twin, all_kinds[k], NF, &u.a), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 20), SL_OK);
    cr_assert_eq(sl_replay_set_int(twin, "capacity", 20), SL_OK);
    handle = stat(r, "bytes");
    test_alloc_fail_at(&t, 0);
    cr_assert_eq(sl_replay_add(r, x, NF, 1, 1, 0, 0, &slot), SL_ENOMEM, "%s", name);
    cr_assert_eq(slot, 77, "%s: no slot reported", name);
    test_alloc_fail_at(&t, 0);
    cr_assert_eq(sl_replay_add_many(r, x, 2, NF, y, NULL, NULL, NULL, NULL), SL_ENOMEM, "%s", name);
    test_alloc_fail_at(&t, 0);
    cr_assert_eq(sl_replay_reserve(r), SL_ENOMEM, "%s", name);
    cr_assert_neq(strstr(sl_replay_last_error(r), "no memory"), NULL, "%s: %s", name, sl_replay_last_error(r));
    cr_assert_eq(stat(r, "bytes"), handle, "%s: still without storage", name);
    cr_assert_eq(stat(r, "size"), 0);
    cr_assert_eq(stat(r, "seen"), 0);
    assert_saves_equal(r, twin, "a failed prepare changed the state");
    cr_assert_eq(sl_replay_set_int(r, "capacity", 16), SL_OK, "%s: not started, parameters still free", name);
    cr_assert_eq(sl_replay_set_int(twin, "capacity", 16), SL_OK);
    test_alloc_fail_at(&t, -1);
    cr_assert_eq(offer(r, 0, 50), SL_OK);
    cr_assert_eq(offer(twin, 0, 50), SL_OK);
    cr_assert_eq(draw(r, 8, keys), SL_OK);
    cr_assert_eq(draw(twin, 8, keys), SL_OK);
    assert_saves_equal(r, twin, "the buffer that failed runs as one that did not");
    sl_replay_free(r);
    sl_replay_free(twin);
    cr_assert(t.live_blocks == 0 && u.live_blocks == 0);
  }
}

/* ---- on a static arena ------------------------------------------------------- */

/* The arena's high water mark for a buffer of `capacity` made, sized, filled
 * past capacity and sampled on a fresh arena; `held` gets its "bytes". */
static size_t arena_high_water(sl_replay_kind kind, int64_t capacity, double *held) {
  static unsigned char buf[1 << 16];
  sl_allocator a;
  sl_replay *r;
  size_t used, high, after;
  uint64_t keys[16];
  cr_assert_eq(sl_arena_init(&a, buf, sizeof buf), SL_OK);
  cr_assert_eq(sl_replay_new(&r, kind, NF, &a), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", capacity), SL_OK);
  cr_assert_eq(offer(r, 0, 3 * capacity), SL_OK);
  cr_assert_eq(sl_arena_usage(&a, &used, &high), SL_OK);
  cr_assert_eq(draw(r, 8, keys), SL_OK);
  cr_assert_eq(sl_arena_usage(&a, &after, NULL), SL_OK);
  cr_assert_eq(after, used, "sampling takes nothing from the arena");
  cr_assert_eq(used, high, "nothing was taken and lost on the way");
  *held = stat(r, "bytes");
  sl_replay_free(r);
  return high;
}

Test(replay_storage, a_small_buffer_on_an_arena_takes_only_what_it_holds) {
  size_t k;
  double held;
  for (k = 0; k < N_KINDS; k++) {
    size_t high = arena_high_water(all_kinds[k], 16, &held);
    cr_log_info("%s, capacity 16, %d features: arena high water %zu bytes, holds %g", sl_replay_kind_name(all_kinds[k]),
                NF, high, held);
    /* Two blocks (handle, storage), each rounded up to the arena's 16 bytes. */
    cr_assert(high >= held && high < held + 32, "%s: high water %zu for %g bytes held",
              sl_replay_kind_name(all_kinds[k]), high, held);
    cr_assert_lt(high, 2048, "%s: a capacity-16 buffer takes %zu bytes of arena", sl_replay_kind_name(all_kinds[k]),
                 high);
  }
}

/* ---- checkpoints --------------------------------------------------------------- */

/* Loads a's checkpoint; the copy holds as many bytes as `a`, saves the
 * same, and runs on exactly as `a` does. */
static void assert_load_resumes(sl_replay *a) {
  static unsigned char buf[1 << 14];
  sl_replay *c;
  size_t len;
  long i;
  uint64_t ka[16], kc[16];
  cr_assert_eq(sl_replay_save_mem(a, 0, buf, sizeof buf, &len), SL_OK);
  cr_assert_eq(sl_replay_load_mem(&c, buf, len, NULL), SL_OK, "%s", sl_replay_last_error(a));
  cr_assert_eq(stat(c, "bytes"), stat(a, "bytes"), "the copy has its storage if and only if the original has");
  assert_saves_equal(a, c, "the copy saves differently");
  for (i = 0; i < 6; i++) {
    cr_assert_eq(offer(a, i * 9, i * 9 + 9), SL_OK);
    cr_assert_eq(offer(c, i * 9, i * 9 + 9), SL_OK);
    cr_assert_eq(draw(a, 8, ka), SL_OK);
    cr_assert_eq(draw(c, 8, kc), SL_OK);
    cr_assert_eq(memcmp(ka, kc, 8 * sizeof ka[0]), 0, "the copy drew differently at step %ld", i);
  }
  assert_saves_equal(a, c, "the copy diverged");
  sl_replay_free(c);
}

Test(replay_storage, checkpoints_of_buffers_with_and_without_storage) {
  size_t k;
  for (k = 0; k < N_KINDS; k++) {
    sl_replay *r;
    double handle;
    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, NULL), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 24), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "seed", 99), SL_OK);
    handle = stat(r, "bytes");
    CHECK_CHECKPOINT_CONTRACT(replay, r); /* without storage */
    assert_load_resumes(r);
    sl_replay_free(r);

    cr_assert_eq(sl_replay_new(&r, all_kinds[k], NF, NULL), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "capacity", 24), SL_OK);
    cr_assert_eq(sl_replay_set_int(r, "seed", 99), SL_OK);
    cr_assert_eq(sl_replay_reserve(r), SL_OK);
    cr_assert_gt(stat(r, "bytes"), handle);
    CHECK_CHECKPOINT_CONTRACT(replay, r); /* reserved, empty */
    assert_load_resumes(r);
    CHECK_CHECKPOINT_CONTRACT(replay, r); /* with records */
    assert_load_resumes(r);
    sl_replay_free(r);
  }
}

/* Checkpoints written before storage was deferred (n_features as a u64;
 * commit 575b433): a fifo and a prioritized buffer, capacity 3, rows of 2,
 * records i = 0..4 with features (i, -i/2), target i, weight 1, timestamp
 * 10 i, key 7 i, and the prioritized one's slot 1 given priority 2.5. */
static const unsigned char old_fifo[] = {
    0x53, 0x4c, 0x43, 0x4b, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf5, 0x6d, 0xac, 0xdf, 0x02, 0x00, 0x08, 0x63, 0x61, 0x70,
    0x61, 0x63, 0x69, 0x74, 0x79, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x73, 0x65, 0x65, 0x64, 0x2a,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x95, 0x6e, 0xeb, 0x2f, 0x26, 0x32, 0xd7, 0xbd, 0x03, 0xf1, 0x66, 0xb2, 0x33, 0xe3, 0xef, 0x28, 0x52,
    0x9f, 0x0f, 0x13, 0x57, 0x67, 0x52, 0x47, 0x94, 0xe3, 0x4a, 0x0e, 0xff, 0xe1, 0x1c, 0x58, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xbf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xf0, 0xbf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x1e, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0e,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbd, 0xf4, 0xd9, 0x10};
static const unsigned char old_prioritized[] = {
    0x53, 0x4c, 0x43, 0x4b, 0x01, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x55, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x55, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xbb, 0x9a, 0xc3, 0xfd, 0x06, 0x00, 0x08, 0x63, 0x61, 0x70,
    0x61, 0x63, 0x69, 0x74, 0x79, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x73, 0x65, 0x65, 0x64, 0x2a,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x61, 0x6c, 0x70, 0x68, 0x61, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
    0xe3, 0x3f, 0x04, 0x62, 0x65, 0x74, 0x61, 0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xd9, 0x3f, 0x07, 0x65, 0x70, 0x73,
    0x69, 0x6c, 0x6f, 0x6e, 0x8d, 0xed, 0xb5, 0xa0, 0xf7, 0xc6, 0xb0, 0x3e, 0x10, 0x69, 0x6e, 0x69, 0x74, 0x69, 0x61,
    0x6c, 0x5f, 0x70, 0x72, 0x69, 0x6f, 0x72, 0x69, 0x74, 0x79, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x01,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x95, 0x6e, 0xeb, 0x2f, 0x26, 0x32,
    0xd7, 0xbd, 0x03, 0xf1, 0x66, 0xb2, 0x33, 0xe3, 0xef, 0x28, 0x52, 0x9f, 0x0f, 0x13, 0x57, 0x67, 0x52, 0x47, 0x94,
    0xe3, 0x4a, 0x0e, 0xff, 0xe1, 0x1c, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xf8, 0xbf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0xbf, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
    0xbd, 0x37, 0x86, 0x00, 0x00, 0x04, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x72, 0x39, 0xc1, 0x0d,
    0xce, 0xb9, 0xfb, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x73, 0x86, 0x64, 0x27};

/* The old checkpoint loads as a buffer with its storage, holds what the
 * old buffer held, and saves the same bytes: a buffer with storage is
 * written exactly as before. */
static void check_old_checkpoint(sl_replay_kind kind, const unsigned char *old, size_t len) {
  sl_replay *c, *fresh;
  unsigned char again[512];
  size_t n, i;
  cr_assert_eq(sl_replay_load_mem(&c, old, len, NULL), SL_OK);
  cr_assert_eq(sl_replay_new(&fresh, kind, NF, NULL), SL_OK);
  cr_assert_eq(sl_replay_set_int(fresh, "capacity", 3), SL_OK);
  cr_assert_eq(sl_replay_reserve(fresh), SL_OK);
  cr_assert_eq(stat(c, "bytes"), stat(fresh, "bytes"), "loaded with its storage");
  cr_assert_eq(stat(c, "size"), 3);
  for (i = 0; i < 3; i++) {
    double x[NF], y;
    uint64_t key;
    size_t rec = i + 3 * ((5 - 1 - i) / 3); /* the latest record in slot i */
    cr_assert_eq(sl_replay_get(c, i, x, NF, &y, NULL, NULL, &key), SL_OK);
    cr_assert(x[0] == (double)rec && x[1] == -0.5 * (double)rec && key == 7 * rec, "slot %zu", i);
  }
  cr_assert_eq(sl_replay_save_mem(c, 0, again, sizeof again, &n), SL_OK);
  cr_assert(n == len && memcmp(again, old, len) == 0, "re-saved differently");
  sl_replay_free(fresh);
  sl_replay_free(c);
}

Test(replay_storage, checkpoints_written_before_deferred_storage_still_load) {
  check_old_checkpoint(SL_REPLAY_FIFO, old_fifo, sizeof old_fifo);
  check_old_checkpoint(SL_REPLAY_PRIORITIZED, old_prioritized, sizeof old_prioritized);
}
