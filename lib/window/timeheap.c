/* Indexed binary min-heap of (time, slot): a key is in a heap at most once
 * and its slot header remembers where, so its entry can move or leave in
 * O(log n). Ordered by time, then slot, so the order of pops is fixed by
 * the entries alone. */
#include "window_impl.h"

sl_status sl__heap_reserve(sl__heap *h, sl__mem *m, size_t cap) {
  sl__heapent *e;
  if (cap <= h->cap) return SL_OK;
  e = (sl__heapent *)sl__alloc_array(m, cap, sizeof *e);
  if (!e) return SL_ENOMEM;
  if (h->n) SL__MEMCPY(e, h->e, h->n * sizeof *e);
  sl__free(m, h->e, h->cap * sizeof *h->e);
  h->e = e;
  h->cap = cap;
  return SL_OK;
}

void sl__heap_free(sl__heap *h, sl__mem *m) {
  sl__free(m, h->e, h->cap * sizeof *h->e);
  h->e = NULL;
  h->n = h->cap = 0;
}

static int sl__before(const sl__heapent *a, const sl__heapent *b) {
  return a->t < b->t || (a->t == b->t && a->slot < b->slot);
}

static void sl__place(sl__heap *h, const sl__keytab *kt, size_t i, sl__heapent e) {
  sl__wkey *k = sl__keytab_slot(kt, e.slot);
  h->e[i] = e;
  k->heap_pos[h->which] = (uint32_t)i;
}

static void sl__sift(sl__heap *h, const sl__keytab *kt, size_t i) {
  sl__heapent e = h->e[i];
  while (i > 0 && sl__before(&e, &h->e[(i - 1) / 2])) {
    sl__place(h, kt, i, h->e[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && sl__before(&h->e[c + 1], &h->e[c])) c++;
    if (!sl__before(&h->e[c], &e)) break;
    sl__place(h, kt, i, h->e[c]);
    i = c;
  }
  sl__place(h, kt, i, e);
}

void sl__heap_set(sl__heap *h, const sl__keytab *kt, uint32_t slot, int64_t t) {
  uint32_t pos = sl__keytab_slot(kt, slot)->heap_pos[h->which];
  if (pos == SL__NOPOS) pos = (uint32_t)h->n++; /* capacity: one entry per key slot, reserved with the slots */
  h->e[pos].t = t;
  h->e[pos].slot = slot;
  sl__sift(h, kt, pos);
}

/* Fills the hole at i with the last entry. The last entry is usually among
 * the latest, so rather than comparing it at every level on the way down,
 * the hole first moves down to a leaf along the earlier children (one
 * comparison a level) and the entry then climbs back from there (Floyd's
 * bottom-up removal); an entry that belongs above i goes up instead. */
static void sl__fill_hole(sl__heap *h, const sl__keytab *kt, size_t i) {
  sl__heapent e = h->e[h->n];
  size_t top = i, c;
  if (i > 0 && sl__before(&e, &h->e[(i - 1) / 2])) {
    h->e[i] = e;
    sl__sift(h, kt, i);
    return;
  }
  while ((c = 2 * i + 1) < h->n) {
    if (c + 1 < h->n && sl__before(&h->e[c + 1], &h->e[c])) c++;
    sl__place(h, kt, i, h->e[c]);
    i = c;
  }
  while (i > top && sl__before(&e, &h->e[(i - 1) / 2])) {
    sl__place(h, kt, i, h->e[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  sl__place(h, kt, i, e);
}

void sl__heap_remove(sl__heap *h, const sl__keytab *kt, uint32_t slot) {
  sl__wkey *k = sl__keytab_slot(kt, slot);
  uint32_t pos = k->heap_pos[h->which];
  if (pos == SL__NOPOS) return;
  k->heap_pos[h->which] = SL__NOPOS;
  if (pos != --h->n) sl__fill_hole(h, kt, pos);
}
