/* The bounded pending table: predictions in arrival order, found by event
 * id through an open-addressing index (linear probing, backward-shift
 * deletion, at most half full). Allocates only in sl__pending_init. */
#include "pipeline_impl.h"

static size_t home(const sl__pending *pd, uint64_t id) {
  id ^= id >> 33;
  id *= 0xff51afd7ed558ccdull;
  id ^= id >> 33;
  id *= 0xc4ceb9fe1a85ec53ull;
  id ^= id >> 33;
  return (size_t)id & pd->index_mask;
}

sl_status sl__pending_init(sl__pending *pd, sl__mem *m, size_t cap, size_t stride) {
  size_t icap = 16;
  SL__MEMSET(pd, 0, sizeof *pd);
  while (icap < 2 * cap) icap *= 2;
  pd->cap = cap;
  pd->stride = stride;
  pd->index_mask = icap - 1;
  pd->id = (uint64_t *)sl__alloc_array(m, cap, sizeof *pd->id);
  pd->key = (uint64_t *)sl__alloc_array(m, cap, sizeof *pd->key);
  pd->ts = (int64_t *)sl__alloc_array(m, cap, sizeof *pd->ts);
  pd->flag = (uint8_t *)sl__alloc(m, cap);
  pd->data = (double *)sl__alloc_array(m, cap, stride * sizeof *pd->data);
  pd->index = (uint32_t *)sl__alloc_array(m, icap, sizeof *pd->index);
  if (pd->id && pd->key && pd->ts && pd->flag && pd->data && pd->index) return SL_OK;
  sl__pending_free(pd, m);
  return SL_ENOMEM;
}

void sl__pending_free(sl__pending *pd, sl__mem *m) {
  sl__free(m, pd->id, pd->cap * sizeof *pd->id);
  sl__free(m, pd->key, pd->cap * sizeof *pd->key);
  sl__free(m, pd->ts, pd->cap * sizeof *pd->ts);
  sl__free(m, pd->flag, pd->cap);
  sl__free(m, pd->data, pd->cap * pd->stride * sizeof *pd->data);
  sl__free(m, pd->index, (pd->index_mask + 1) * sizeof *pd->index);
  SL__MEMSET(pd, 0, sizeof *pd);
}

size_t sl__pending_find(const sl__pending *pd, uint64_t id) {
  size_t i;
  if (!pd->index) return SL__PEND_NONE;
  for (i = home(pd, id);; i = (i + 1) & pd->index_mask) {
    uint32_t e = pd->index[i];
    if (!e) return SL__PEND_NONE;
    if (pd->id[e - 1] == id) return e - 1;
  }
}

size_t sl__pending_append(sl__pending *pd, uint64_t id, uint64_t key, int64_t ts, uint8_t parity) {
  size_t slot = (pd->head + pd->n) % pd->cap, i = home(pd, id);
  while (pd->index[i]) i = (i + 1) & pd->index_mask;
  pd->index[i] = (uint32_t)(slot + 1);
  pd->id[slot] = id;
  pd->key[slot] = key;
  pd->ts[slot] = ts;
  pd->flag[slot] = (uint8_t)(SL__PEND_LIVE | (parity ? SL__PEND_PARITY : 0u));
  pd->n++;
  pd->n_live++;
  return slot;
}

/* Removes `slot` from the index, shifting back the entries probed past it. */
static void unindex(sl__pending *pd, size_t slot) {
  size_t i = home(pd, pd->id[slot]), j;
  while (pd->index[i] != slot + 1) i = (i + 1) & pd->index_mask;
  for (j = i;;) {
    size_t h;
    j = (j + 1) & pd->index_mask;
    if (!pd->index[j]) break;
    h = home(pd, pd->id[pd->index[j] - 1]);
    /* entry j may move to i when its home is not in (i, j] (cyclically) */
    if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
      pd->index[i] = pd->index[j];
      i = j;
    }
  }
  pd->index[i] = 0;
}

void sl__pending_remove(sl__pending *pd, size_t slot) {
  unindex(pd, slot);
  pd->flag[slot] = 0;
  pd->n_live--;
  while (pd->n && !(pd->flag[pd->head] & SL__PEND_LIVE)) {
    pd->head = (pd->head + 1) % pd->cap;
    pd->n--;
  }
}

void sl__pending_save(const sl__pending *pd, sl__writer *w) {
  size_t i, j;
  sl__put_u64(w, pd->n);
  for (i = 0; i < pd->n; i++) {
    size_t s = (pd->head + i) % pd->cap;
    const double *row = sl__pending_row(pd, s);
    sl__put_u8(w, pd->flag[s]);
    if (!(pd->flag[s] & SL__PEND_LIVE)) continue;
    sl__put_u64(w, pd->id[s]);
    sl__put_u64(w, pd->key[s]);
    sl__put_i64(w, pd->ts[s]);
    for (j = 0; j < pd->stride; j++) sl__put_f64(w, row[j]);
  }
}

void sl__pending_load(sl__pending *pd, sl__reader *r) {
  size_t n = (size_t)sl__get_count(r, pd->cap), i, j;
  for (i = 0; i < n && r->st == SL_OK; i++) {
    uint8_t flag = sl__get_u8(r);
    uint64_t id, key;
    int64_t ts;
    double *row;
    size_t s;
    /* the head is live: dead slots there are dropped at once */
    if (!sl__expect(r, flag <= (SL__PEND_LIVE | SL__PEND_PARITY) && ((flag & SL__PEND_LIVE) || (i && !flag))))
      return;
    if (!(flag & SL__PEND_LIVE)) {
      pd->flag[pd->n++] = 0; /* head is 0 on a fresh table */
      continue;
    }
    id = sl__get_u64(r);
    key = sl__get_u64(r);
    ts = sl__get_i64(r);
    if (!sl__expect(r, sl__pending_find(pd, id) == SL__PEND_NONE)) return;
    s = sl__pending_append(pd, id, key, ts, (uint8_t)(flag & SL__PEND_PARITY));
    row = sl__pending_row(pd, s);
    for (j = 0; j < pd->stride; j++) row[j] = sl__get_finite(r);
  }
}
