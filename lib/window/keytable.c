/* The key table: open addressing with linear probing over (tag, slot)
 * entries, at most half full, deletion by backward shift (no tombstones).
 * Per-key slots live in chunks of up to 256 slots and 1 MiB (at least one
 * slot), allocated when a new key finds no free slot; freed slots are
 * reused last-in first-out. */
#include "window_impl.h"
#include "../core/rng.h"

#define SL__CHUNK_SLOTS 256
#define SL__CHUNK_BYTES ((size_t)1 << 20)

uint64_t sl__key_hash_int(uint64_t key) { return sl__mix64(key ^ 0x5bd1e9955bd1e995ull); }
uint64_t sl__key_hash_bytes(uint64_t id) { return sl__mix64(id ^ 0x27d4eb2f165667c5ull); }

sl_status sl__keytab_init(sl__keytab *t, sl__mem *m, size_t key_cap, size_t slot_size) {
  SL__MEMSET(t, 0, sizeof *t);
  t->slot_size = slot_size;
  t->chunk_slots = key_cap < SL__CHUNK_SLOTS ? key_cap : SL__CHUNK_SLOTS;
  if (t->chunk_slots * slot_size > SL__CHUNK_BYTES) t->chunk_slots = SL__CHUNK_BYTES / slot_size ? SL__CHUNK_BYTES / slot_size : 1;
  t->max_chunks = (key_cap + t->chunk_slots - 1) / t->chunk_slots;
  t->free_head = SL__NOPOS;
  t->chunks = (uint8_t **)sl__alloc_array(m, t->max_chunks, sizeof *t->chunks);
  if (!t->chunks) return SL_ENOMEM;
  t->tab_cap = 16;
  t->tab = (sl__keyent *)sl__alloc_array(m, t->tab_cap, sizeof *t->tab);
  return t->tab ? SL_OK : SL_ENOMEM;
}

void sl__keytab_free(sl__keytab *t, sl__mem *m) {
  size_t i;
  if (t->chunks) {
    for (i = 0; i < t->n_chunks; i++) sl__free(m, t->chunks[i], t->chunk_slots * t->slot_size);
    sl__free(m, t->chunks, t->max_chunks * sizeof *t->chunks);
  }
  sl__free(m, t->tab, t->tab_cap * sizeof *t->tab);
  SL__MEMSET(t, 0, sizeof *t);
}

static int sl__key_equal(const sl__keytab *t, uint32_t s, uint64_t id, const void *bytes, size_t len) {
  const sl__wkey *k = sl__keytab_slot(t, s);
  if (k->id != id || k->key_len != (bytes ? len : 0)) return 0;
  return !bytes || SL__MEMCMP(k + 1, bytes, len) == 0;
}

uint32_t sl__keytab_find(const sl__keytab *t, uint64_t hash, uint64_t id, const void *bytes, size_t len) {
  size_t mask = t->tab_cap - 1, i = (size_t)hash & mask;
  uint32_t tag = (uint32_t)(hash >> 32);
  for (;; i = (i + 1) & mask) {
    const sl__keyent *e = &t->tab[i];
    if (!e->slot) return SL__NOPOS;
    if (e->tag == tag && sl__key_equal(t, e->slot - 1, id, bytes, len)) return e->slot - 1;
  }
}

static void sl__tab_put(sl__keyent *tab, size_t cap, uint64_t hash, uint32_t slot) {
  size_t mask = cap - 1, i = (size_t)hash & mask;
  while (tab[i].slot) i = (i + 1) & mask;
  tab[i].tag = (uint32_t)(hash >> 32);
  tab[i].slot = slot + 1;
}

/* Doubles the table so it stays at most half full with one more key. */
static sl_status sl__tab_grow(sl__keytab *t, sl__mem *m) {
  size_t cap = t->tab_cap * 2, i;
  sl__keyent *nt;
  if ((t->n_live + 1) * 2 <= t->tab_cap) return SL_OK;
  nt = (sl__keyent *)sl__alloc_array(m, cap, sizeof *nt);
  if (!nt) return SL_ENOMEM;
  for (i = 0; i < t->tab_cap; i++)
    if (t->tab[i].slot) sl__tab_put(nt, cap, sl__keytab_slot(t, t->tab[i].slot - 1)->hash, t->tab[i].slot - 1);
  sl__free(m, t->tab, t->tab_cap * sizeof *t->tab);
  t->tab = nt;
  t->tab_cap = cap;
  return SL_OK;
}

sl_status sl__keytab_reserve(sl__keytab *t, sl__mem *m, size_t hw) {
  while (t->n_chunks * t->chunk_slots < hw) {
    uint8_t *c;
    if (t->n_chunks == t->max_chunks) return SL_EFULL;
    c = (uint8_t *)sl__alloc_array(m, t->chunk_slots, t->slot_size);
    if (!c) return SL_ENOMEM;
    t->chunks[t->n_chunks++] = c;
  }
  return SL_OK;
}

sl_status sl__keytab_insert(sl__keytab *t, sl__mem *m, uint64_t hash, uint32_t *slot) {
  sl_status st;
  uint32_t s;
  sl__wkey *k;
  if (t->free_head == SL__NOPOS && (st = sl__keytab_reserve(t, m, t->hw + 1)) != SL_OK) return st;
  if ((st = sl__tab_grow(t, m)) != SL_OK) return st;
  if (t->free_head != SL__NOPOS) {
    s = t->free_head;
    t->free_head = sl__keytab_slot(t, s)->next_free;
  } else {
    s = (uint32_t)t->hw++;
  }
  k = sl__keytab_slot(t, s);
  SL__MEMSET(k, 0, t->slot_size);
  k->hash = hash;
  k->live = 1;
  k->heap_pos[0] = k->heap_pos[1] = SL__NOPOS;
  sl__tab_put(t->tab, t->tab_cap, hash, s);
  t->n_live++;
  *slot = s;
  return SL_OK;
}

sl_status sl__keytab_enter(sl__keytab *t, sl__mem *m, uint32_t slot) {
  sl_status st = sl__tab_grow(t, m);
  if (st != SL_OK) return st;
  sl__tab_put(t->tab, t->tab_cap, sl__keytab_slot(t, slot)->hash, slot);
  t->n_live++;
  return SL_OK;
}

void sl__keytab_remove(sl__keytab *t, uint32_t slot) {
  sl__wkey *k = sl__keytab_slot(t, slot);
  size_t mask = t->tab_cap - 1, i = (size_t)k->hash & mask, j;
  while (t->tab[i].slot != slot + 1) i = (i + 1) & mask;
  /* Backward shift: pull later entries of the probe run into the hole when
   * their home position is not after the hole. */
  for (j = (i + 1) & mask; t->tab[j].slot; j = (j + 1) & mask) {
    size_t home = (size_t)sl__keytab_slot(t, t->tab[j].slot - 1)->hash & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      t->tab[i] = t->tab[j];
      i = j;
    }
  }
  t->tab[i].slot = 0;
  t->tab[i].tag = 0;
  k->live = 0;
  k->next_free = t->free_head;
  t->free_head = slot;
  t->n_live--;
}

uint32_t sl__keytab_victim(sl__keytab *t) {
  uint32_t best = SL__NOPOS;
  size_t seen = 0, steps;
  for (steps = 0; steps < t->hw && seen < 16; steps++) {
    const sl__wkey *k;
    if (t->cursor >= t->hw) t->cursor = 0;
    k = sl__keytab_slot(t, (uint32_t)t->cursor);
    if (k->live) {
      if (best == SL__NOPOS || k->last_seen < sl__keytab_slot(t, best)->last_seen) best = (uint32_t)t->cursor;
      seen++;
    }
    t->cursor++;
  }
  return best;
}
