/* The key table: open addressing with linear probing over (tag, slot)
 * entries, at most half full, deletion by backward shift (no tombstones).
 * Per-key slots live in chunks of a power of two slots, up to 256 and 1 MiB
 * (at least one slot), allocated when a new key finds no free slot; freed
 * slots are reused last-in first-out. A slot's hash is recomputed from its
 * key when needed (growing, removing) rather than stored. */
#include "window_impl.h"

#define SL__CHUNK_SHIFT 8
#define SL__CHUNK_BYTES ((size_t)1 << 20)
#define SL__SLOT_ALIGN 64

static uint64_t sl__slot_hash(const sl__keytab *t, uint32_t s) {
  const sl__wkey *k = sl__keytab_slot(t, s);
  return sl__key_hash(k->id, k->key_len != 0);
}

/* Chunk blocks carry SL__SLOT_ALIGN spare bytes: the slots start at the
 * first aligned address past a pointer to the block as allocated (blocks
 * are at least 8-byte aligned, so that pointer and the padding fit). */
static size_t sl__chunk_bytes(const sl__keytab *t) { return t->chunk_slots * t->slot_size + SL__SLOT_ALIGN; }

static uint8_t *sl__chunk_new(sl__keytab *t, sl__mem *m) {
  uint8_t *raw = (uint8_t *)sl__alloc(m, sl__chunk_bytes(t)), *base;
  if (!raw) return NULL;
  base = raw + sizeof raw;
  base += (SL__SLOT_ALIGN - (uintptr_t)base % SL__SLOT_ALIGN) % SL__SLOT_ALIGN;
  SL__MEMCPY(base - sizeof raw, &raw, sizeof raw);
  return base;
}

static void sl__chunk_free(sl__keytab *t, sl__mem *m, uint8_t *base) {
  uint8_t *raw;
  SL__MEMCPY(&raw, base - sizeof raw, sizeof raw);
  sl__free(m, raw, sl__chunk_bytes(t));
}

sl_status sl__keytab_init(sl__keytab *t, sl__mem *m, size_t key_cap, size_t slot_size, size_t key_off) {
  SL__MEMSET(t, 0, sizeof *t);
  t->slot_size = slot_size;
  t->key_off = key_off;
  t->chunk_shift = SL__CHUNK_SHIFT;
  while (t->chunk_shift && (((size_t)1 << t->chunk_shift) > key_cap ||
                            ((size_t)1 << t->chunk_shift) * slot_size > SL__CHUNK_BYTES))
    t->chunk_shift--;
  t->chunk_slots = (size_t)1 << t->chunk_shift;
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
    for (i = 0; i < t->n_chunks; i++) sl__chunk_free(t, m, t->chunks[i]);
    sl__free(m, t->chunks, t->max_chunks * sizeof *t->chunks);
  }
  sl__free(m, t->tab, t->tab_cap * sizeof *t->tab);
  SL__MEMSET(t, 0, sizeof *t);
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
    if (t->tab[i].slot) sl__tab_put(nt, cap, sl__slot_hash(t, t->tab[i].slot - 1), t->tab[i].slot - 1);
  sl__free(m, t->tab, t->tab_cap * sizeof *t->tab);
  t->tab = nt;
  t->tab_cap = cap;
  return SL_OK;
}

sl_status sl__keytab_reserve(sl__keytab *t, sl__mem *m, size_t hw) {
  while (t->n_chunks * t->chunk_slots < hw) {
    uint8_t *c;
    if (t->n_chunks == t->max_chunks) return SL_EFULL;
    c = sl__chunk_new(t, m);
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
  sl__tab_put(t->tab, t->tab_cap, sl__slot_hash(t, slot), slot);
  t->n_live++;
  return SL_OK;
}

void sl__keytab_remove(sl__keytab *t, uint32_t slot) {
  sl__wkey *k = sl__keytab_slot(t, slot);
  size_t mask = t->tab_cap - 1, i = (size_t)sl__slot_hash(t, slot) & mask, j;
  while (t->tab[i].slot != slot + 1) i = (i + 1) & mask;
  /* Backward shift: pull later entries of the probe run into the hole when
   * their home position is not after the hole. */
  for (j = (i + 1) & mask; t->tab[j].slot; j = (j + 1) & mask) {
    size_t home = (size_t)sl__slot_hash(t, t->tab[j].slot - 1) & mask;
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
