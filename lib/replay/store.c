/*
 * The record store every replay kind shares: one block holding the records
 * column-wise plus the sampling scratch, the shared state (size, ring head,
 * records seen, RNG), and their checkpoint form.
 */
#include "replay_impl.h"

#define SL__REPLAY_MAX_FEATURES ((size_t)1 << 30)

/* Bytes of the block for `cap` records of `nf` features, 0 on overflow.
 * Layout, widest alignment first: ts, key | x, y, w | picked | mark. */
static size_t store_bytes(size_t cap, size_t nf) {
  size_t per = 2 * sizeof(uint64_t) + (nf + 2) * sizeof(sl_real) + sizeof(uint32_t);
  size_t bits = cap / 8 + 1;
  if (cap > (SIZE_MAX - bits) / per) return 0;
  return cap * per + bits;
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

/* Replaces the (empty) storage by one for `cap` records; unchanged on failure. */
static sl_status store_alloc(sl_replay *r, size_t cap) {
  size_t bytes = store_bytes(cap, r->n_features);
  void *block = bytes ? sl__alloc(&r->obj.mem, bytes) : NULL;
  if (!block) return sl__fail(&r->obj, SL_ENOMEM, "no memory for %z records of %z features", cap, r->n_features);
  sl__free(&r->obj.mem, r->block, r->block_bytes);
  r->block = block;
  r->block_bytes = bytes;
  r->capacity = cap;
  store_carve(r, block, cap);
  return SL_OK;
}

/* The records and shared state of a checkpoint (after n_features). */
static void store_load(sl_replay *r, sl__reader *rd) {
  size_t i, cap = r->capacity;
  int rng_ok = 0;
  r->size = (size_t)sl__get_count(rd, cap);
  r->head = (size_t)sl__get_count(rd, cap - 1);
  r->seen = sl__get_u64(rd);
  /* Until the store is full every record offered is kept, in slot order. */
  sl__expect(rd, r->size == cap ? r->seen >= cap : (r->head == 0 && r->seen == r->size));
  for (i = 0; i < 4; i++) {
    r->rng.s[i] = sl__get_u64(rd);
    rng_ok |= r->rng.s[i] != 0;
  }
  sl__expect(rd, rng_ok); /* xoshiro's state is never all zero */
  sl__get_reals(rd, r->x, r->size * r->n_features);
  sl__get_reals(rd, r->y, r->size);
  sl__get_reals(rd, r->w, r->size);
  for (i = 0; i < r->size; i++) sl__expect(rd, r->w[i] >= 0);
  for (i = 0; i < r->size; i++) r->ts[i] = sl__get_i64(rd);
  for (i = 0; i < r->size; i++) r->key[i] = sl__get_u64(rd);
}

sl_status sl__replay_create(sl_replay **out, const sl__kind *k, size_t size, const sl__pval *params, sl__reader *rd,
                            const void *args, const sl_allocator *a) {
  sl__object *o = NULL;
  sl_replay *r;
  size_t nf;
  sl_status st;
  *out = NULL;
  nf = rd ? (size_t)sl__get_count(rd, SL__REPLAY_MAX_FEATURES) : ((const sl__replay_args *)args)->n_features;
  if (nf == 0 || nf > SL__REPLAY_MAX_FEATURES) return rd ? SL_ECORRUPT : SL_EINVAL;
  if ((st = sl__object_new(&o, size, k, params, a)) != SL_OK) return st;
  r = (sl_replay *)o;
  *out = r;
  r->n_features = nf;
  sl__rng_seed(&r->rng, (uint64_t)o->param[SL__RP_SEED].i);
  if ((st = store_alloc(r, (size_t)o->param[SL__RP_CAPACITY].i)) != SL_OK) return st;
  if (rd) store_load(r, rd);
  return rd ? rd->st : SL_OK;
}

void sl__replay_save_store(const sl_replay *r, sl__writer *w) {
  size_t i;
  sl__put_u64(w, r->n_features);
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

void sl__replay_destroy(sl_replay *r, size_t size) {
  sl__free(&r->obj.mem, r->block, r->block_bytes);
  sl__object_delete(&r->obj, size);
}

sl_status sl__replay_save_plain(const sl__object *o, sl__writer *w) {
  sl__replay_save_store((const sl_replay *)o, w);
  return SL_OK;
}

void sl__replay_destroy_plain(sl__object *o) { sl__replay_destroy((sl_replay *)o, sizeof(sl_replay)); }

sl_status sl__replay_configure(sl__object *o, size_t changed, sl__pval old) {
  sl_replay *r = (sl_replay *)o;
  (void)old;
  if (changed == SL__RP_CAPACITY) return store_alloc(r, (size_t)o->param[SL__RP_CAPACITY].i);
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
