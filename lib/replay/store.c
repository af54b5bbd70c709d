/*
 * The record store every replay kind shares: the prepare step, which takes
 * one block for the records column-wise, the sampling scratch and the
 * kind's own storage; the shared state (size, ring head, records seen,
 * RNG); and their checkpoint form.
 *
 * A buffer takes no storage until the first call that needs it (an add,
 * sl_replay_reserve, the load of a prepared buffer), so setting "capacity"
 * after sl_replay_new costs nothing: on an arena, which cannot take back a
 * block that is not its last, a small buffer takes only what it holds.
 */
#include "replay_impl.h"

#define SL__REPLAY_MAX_FEATURES ((size_t)1 << 30)
/* The kind's part of the block starts at a multiple of this, the widest
 * alignment of its members (uint64_t, double). */
#define KIND_ALIGN ((size_t)8)
/* Checkpoint: the store flags word after n_features. Old checkpoints wrote
 * n_features as a u64, whose high half (the flags) was 0: prepared. */
#define STORE_UNPREPARED 1u

/* Bytes of the store for `cap` records of `nf` features, rounded up to
 * KIND_ALIGN; 0 on overflow (nf up to 2^30 overflows a 32-bit size_t).
 * Layout, widest alignment first: ts, key | x, y, w | picked | mark. */
static size_t store_bytes(size_t cap, size_t nf) {
  size_t fixed = 2 * sizeof(uint64_t) + 2 * sizeof(sl_real) + sizeof(uint32_t), per, bits = cap / 8 + 1;
  if (nf > (SIZE_MAX - fixed) / sizeof(sl_real)) return 0;
  per = fixed + nf * sizeof(sl_real);
  if (cap > (SIZE_MAX - bits - KIND_ALIGN) / per) return 0;
  return (cap * per + bits + KIND_ALIGN - 1) & ~(KIND_ALIGN - 1);
}

static void store_carve(sl_replay *r, void *block, size_t cap) {
  uint8_t *p = (uint8_t *)block;
  r->ts = (int64_t *)(void *)p;
  p += cap * sizeof(int64_t);
  r->key = (uint64_t *)(void *)p;
  p += cap * sizeof(uint64_t);
  r->x = (sl_real *)(void *)p;
  p += cap * r->n_features * sizeof(sl_real);
  r->y = (sl_real *)(void *)p;
  p += cap * sizeof(sl_real);
  r->w = (sl_real *)(void *)p;
  p += cap * sizeof(sl_real);
  r->picked = (uint32_t *)(void *)p;
  p += cap * sizeof(uint32_t);
  r->mark = p;
}

sl_status sl__replay_prepare(sl_replay *r) {
  const sl__replay_ops *ops = (const sl__replay_ops *)r->obj.kind->ops;
  size_t cap = (size_t)r->obj.param[SL__RP_CAPACITY].i, store = store_bytes(cap, r->n_features), bytes = 0;
  size_t part = ops->storage_bytes ? ops->storage_bytes(r, cap) : 0;
  void *block;
  if (store && part <= SIZE_MAX - store) bytes = store + part;
  block = bytes ? sl__alloc(&r->obj.mem, bytes) : NULL;
  if (!block) return sl__fail(&r->obj, SL_ENOMEM, "no memory for %z records of %z features", cap, r->n_features);
  sl__free(&r->obj.mem, r->block, r->block_bytes);
  r->block = block;
  r->block_bytes = bytes;
  r->capacity = cap;
  store_carve(r, block, cap);
  if (ops->install) ops->install(r, (uint8_t *)block + store);
  return SL_OK;
}

/* The records and shared state of a checkpoint (after n_features and the
 * flags; the storage, if the buffer was prepared, is already there). */
static void store_load(sl_replay *r, sl__reader *rd) {
  size_t i, cap = r->capacity;
  int rng_ok = 0;
  r->size = (size_t)sl__get_count(rd, cap);
  r->head = (size_t)sl__get_count(rd, cap - 1);
  r->seen = sl__get_u64(rd);
  /* Until the store is full every record offered is kept, in slot order;
   * an unprepared buffer has never been offered one. */
  sl__expect(rd, r->size == cap ? r->seen >= cap : (r->head == 0 && r->seen == r->size));
  sl__expect(rd, sl__replay_prepared(r) || r->seen == 0);
  for (i = 0; i < 4; i++) {
    r->rng.s[i] = sl__get_u64(rd);
    rng_ok |= r->rng.s[i] != 0;
  }
  sl__expect(rd, rng_ok); /* xoshiro's state is never all zero */
  if (rd->st != SL_OK) return;
  sl__get_reals(rd, r->x, r->size * r->n_features);
  sl__get_reals(rd, r->y, r->size);
  sl__get_reals(rd, r->w, r->size);
  for (i = 0; i < r->size; i++) sl__expect(rd, r->w[i] >= 0);
  for (i = 0; i < r->size; i++) r->ts[i] = sl__get_i64(rd);
  for (i = 0; i < r->size; i++) r->key[i] = sl__get_u64(rd);
}

sl_status sl__replay_create(sl_replay **out, const sl__kind *k, const sl__pval *params, sl__reader *rd,
                            const void *args, const sl_allocator *a) {
  size_t nf, size = ((const sl__replay_ops *)k->ops)->struct_bytes;
  sl__object *o = NULL;
  sl_replay *r;
  uint32_t flags = STORE_UNPREPARED;
  sl_status st;
  *out = NULL;
  if (rd) {
    nf = sl__get_u32(rd);
    flags = sl__get_u32(rd);
  } else {
    nf = ((const sl__replay_args *)args)->n_features;
  }
  if (nf == 0 || nf > SL__REPLAY_MAX_FEATURES) return rd ? SL_ECORRUPT : SL_EINVAL;
  if (flags > STORE_UNPREPARED) return SL_ECORRUPT;
  if ((st = sl__object_new(&o, size, k, params, a)) != SL_OK) return st;
  r = (sl_replay *)o;
  *out = r;
  r->n_features = nf;
  r->capacity = (size_t)o->param[SL__RP_CAPACITY].i;
  sl__rng_seed(&r->rng, (uint64_t)o->param[SL__RP_SEED].i);
  if (!rd) return SL_OK;
  if (!(flags & STORE_UNPREPARED) && (st = sl__replay_prepare(r)) != SL_OK) return st;
  store_load(r, rd);
  return rd->st;
}

void sl__replay_save_store(const sl_replay *r, sl__writer *w) {
  size_t i;
  sl__put_u32(w, (uint32_t)r->n_features);
  sl__put_u32(w, sl__replay_prepared(r) ? 0u : STORE_UNPREPARED);
  sl__put_u64(w, r->size);
  sl__put_u64(w, r->head);
  sl__put_u64(w, r->seen);
  for (i = 0; i < 4; i++) sl__put_u64(w, r->rng.s[i]);
  sl__put_reals(w, r->x, r->size * r->n_features);
  sl__put_reals(w, r->y, r->size);
  sl__put_reals(w, r->w, r->size);
  for (i = 0; i < r->size; i++) sl__put_i64(w, r->ts[i]);
  for (i = 0; i < r->size; i++) sl__put_u64(w, r->key[i]);
}

void sl__replay_destroy(sl__object *o) {
  sl_replay *r = (sl_replay *)o;
  sl__free(&o->mem, r->block, r->block_bytes);
  sl__object_delete(o, ((const sl__replay_ops *)o->kind->ops)->struct_bytes);
}

sl_status sl__replay_save_plain(const sl__object *o, sl__writer *w) {
  sl__replay_save_store((const sl_replay *)o, w);
  return SL_OK;
}

sl_status sl__replay_resize(sl_replay *r) {
  if (sl__replay_prepared(r)) return sl__replay_prepare(r);
  r->capacity = (size_t)r->obj.param[SL__RP_CAPACITY].i;
  return SL_OK;
}

sl_status sl__replay_configure(sl__object *o, size_t changed, sl__pval old) {
  sl_replay *r = (sl_replay *)o;
  (void)old;
  if (changed == SL__RP_CAPACITY) return sl__replay_resize(r);
  if (changed == SL__RP_SEED) sl__rng_seed(&r->rng, (uint64_t)o->param[SL__RP_SEED].i);
  return SL_OK;
}

double sl__replay_stat(const sl__object *o, size_t i) {
  const sl_replay *r = (const sl_replay *)o;
  switch (i) {
  case 0: return (double)r->size;
  case 1: return (double)r->seen;
  default: return (double)r->n_features;
  }
}

size_t sl__replay_ring_place(sl_replay *r) {
  size_t slot;
  if (r->size < r->capacity) return r->size++;
  slot = r->head;
  if (++r->head == r->capacity) r->head = 0;
  return slot;
}
