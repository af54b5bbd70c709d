/*
 * Class-balanced reservoir sampling, CBRS (Chrysakis & Moens, "Online
 * continual learning from imbalanced data", ICML 2020). Targets are class
 * ids 0 .. n_classes-1 and all classes share the one capacity:
 *
 *  - until the store is full, every record is kept;
 *  - once full, a class is "full" when it is, or has once been, a largest
 *    class (most records held; ties count for all of them);
 *  - a record of a class that is not full replaces a record drawn
 *    uniformly among those of the largest classes;
 *  - a record of a full class c, the n_c-th of c seen, replaces a uniformly
 *    drawn record of c with probability m_c / n_c (m_c records of c held),
 *    and is dropped otherwise: within a class, reservoir sampling.
 *
 * So a class that has been seen fewer times than its fair share keeps all
 * it has seen, and the classes above it split what is left evenly (their
 * counts stay within one of each other once every one of them is full).
 * Draws of a record of a given class are by rejection over all slots: the
 * class holds at least about capacity / n_classes of them, so a draw takes
 * n_classes tries at worst on average; with the O(n_classes) scan for the
 * largest class, an add costs O(n_classes) once the store is full.
 */
#include "replay_impl.h"

enum { CB_N_CLASSES = SL__RP_N_COMMON };

static const sl_param_info cb_params[] = {
    SL__REPLAY_COMMON_PARAMS,
    {"n_classes", SL_PARAM_INT, 2, 1, 65536, NULL, "targets are class ids 0 .. n_classes-1",
     SL_PARAM_FIXED_AFTER_START},
};

static const char *const cb_stats[] = {SL__REPLAY_COMMON_STATS, "largest_class_count"};

typedef struct sl__cb {
  sl_replay base;
  /* n_classes each, in the kind's part of the block */
  uint64_t *seen_c; /* records of each class offered since clear */
  uint32_t *held;   /* records of each class held */
  uint8_t *full;
  uint32_t held_max; /* largest entry of held */
} sl__cb;

static size_t cb_classes(const sl__cb *c) { return (size_t)c->base.obj.param[CB_N_CLASSES].i; }

/* Recomputes the largest count and marks every class holding it as full. */
static void cb_mark_largest(sl__cb *c) {
  size_t i, n = cb_classes(c);
  uint32_t mx = 0;
  for (i = 0; i < n; i++)
    if (c->held[i] > mx) mx = c->held[i];
  for (i = 0; i < n; i++)
    if (c->held[i] == mx) c->full[i] = 1;
  c->held_max = mx;
}

static size_t cb_place(sl_replay *r, double target) {
  sl__cb *c = (sl__cb *)r;
  size_t cls = (size_t)target, slot;
  c->seen_c[cls]++;
  if (r->size < r->capacity) {
    c->held[cls]++;
    slot = r->size++;
    if (r->size == r->capacity) cb_mark_largest(c);
    return slot;
  }
  if (!c->full[cls]) {
    do slot = (size_t)sl__rng_below(&r->rng, r->size);
    while (c->held[sl__replay_class_of(r, slot)] != c->held_max);
    c->held[sl__replay_class_of(r, slot)]--;
    c->held[cls]++;
    cb_mark_largest(c);
    return slot;
  }
  if (sl__rng_below(&r->rng, c->seen_c[cls]) >= c->held[cls]) return SL_REPLAY_NOT_STORED;
  do slot = (size_t)sl__rng_below(&r->rng, r->size);
  while (sl__replay_class_of(r, slot) != cls);
  return slot;
}

static sl_status cb_check_target(const sl_replay *r, double target) {
  size_t n = cb_classes((const sl__cb *)r);
  if (target >= 0 && target < (double)n && target == floor(target)) return SL_OK;
  return sl__fail(&r->obj, SL_EINVAL, "target is not a class id below n_classes = %z", n);
}

static void cb_clear(sl_replay *r) {
  sl__cb *c = (sl__cb *)r;
  size_t n = cb_classes(c);
  SL__MEMSET(c->seen_c, 0, n * sizeof *c->seen_c);
  SL__MEMSET(c->held, 0, n * sizeof *c->held);
  SL__MEMSET(c->full, 0, n);
  c->held_max = 0;
}

static double cb_stat(const sl__object *o, size_t i) {
  if (i < SL__REPLAY_N_COMMON_STATS) return sl__replay_stat(o, i);
  return ((const sl__cb *)o)->held_max;
}

/* The kind's storage: seen_c, held and full for n_classes. */
static size_t cb_storage_bytes(const sl_replay *r, size_t cap) {
  (void)cap;
  return cb_classes((const sl__cb *)r) * (sizeof(uint64_t) + sizeof(uint32_t) + 1);
}

static void cb_install(sl_replay *r, void *mem) {
  sl__cb *c = (sl__cb *)r;
  uint8_t *p = (uint8_t *)mem;
  size_t n = cb_classes(c);
  c->seen_c = (uint64_t *)mem;
  c->held = (uint32_t *)(void *)(p + n * sizeof(uint64_t));
  c->full = p + n * (sizeof(uint64_t) + sizeof(uint32_t));
  c->held_max = 0;
}

static sl_status cb_configure(sl__object *o, size_t changed, sl__pval old) {
  if (changed == CB_N_CLASSES) return sl__replay_resize((sl_replay *)o);
  return sl__replay_configure(o, changed, old);
}

static sl_status cb_save(const sl__object *o, sl__writer *w) {
  const sl__cb *c = (const sl__cb *)o;
  size_t i, n = cb_classes(c);
  sl__replay_save_store(&c->base, w);
  if (!sl__replay_prepared(&c->base)) return SL_OK;
  for (i = 0; i < n; i++) sl__put_u64(w, c->seen_c[i]);
  sl__put_bytes(w, c->full, n);
  return SL_OK;
}

/* The class state of a checkpoint: held counts come from the targets
 * stored, and must agree with what was seen. */
static void cb_load(sl__cb *c, sl__reader *r) {
  sl_replay *rp = &c->base;
  size_t i, n = cb_classes(c);
  uint64_t total = 0;
  for (i = 0; i < n; i++) {
    c->seen_c[i] = sl__get_u64(r);
    total += c->seen_c[i];
  }
  sl__get_bytes(r, c->full, n);
  for (i = 0; i < rp->size && r->st == SL_OK; i++)
    if (sl__expect(r, cb_check_target(rp, (double)rp->y[i]) == SL_OK)) c->held[sl__replay_class_of(rp, i)]++;
  for (i = 0; i < n; i++) sl__expect(r, c->full[i] <= 1 && c->held[i] <= c->seen_c[i]);
  sl__expect(r, total == rp->seen);
  for (i = 0; i < n; i++)
    if (c->held[i] > c->held_max) c->held_max = c->held[i];
  /* No class is full before the store is; after, every largest one is. */
  for (i = 0; i < n; i++)
    sl__expect(r, rp->size < rp->capacity ? !c->full[i] : (c->held[i] < c->held_max || c->full[i]));
}

static sl_status cb_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_replay *rp = NULL;
  sl_status st = sl__replay_create(&rp, &sl__class_balanced_kind, params, r, args, a);
  *out = (sl__object *)rp;
  if (st != SL_OK || !r || !sl__replay_prepared(rp)) return st;
  cb_load((sl__cb *)rp, r);
  return r->st;
}

static const sl__replay_ops cb_ops = {sizeof(sl__cb), cb_place,         sl__replay_draw_uniform, NULL, cb_clear,
                                      cb_check_target, cb_storage_bytes, cb_install};

const sl__kind sl__class_balanced_kind = {
    SL__HANDLE_REPLAY, SL_REPLAY_CLASS_BALANCED, "class_balanced", cb_params, sizeof cb_params / sizeof cb_params[0],
    cb_stats, sizeof cb_stats / sizeof cb_stats[0], cb_configure, cb_stat, cb_save, cb_build, sl__replay_destroy, &cb_ops,
};
