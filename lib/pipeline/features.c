/* The feature layout: chosen raw fields, then window aggregates; and the
 * one place an event becomes a feature vector. */
#include "pipeline_impl.h"

size_t sl__layout_size(const sl__layout *l) {
  size_t n = l->n_sel ? l->n_sel : l->n_raw, i;
  for (i = 0; i < l->n_win; i++) n += l->win[i].n_values;
  return n;
}

/* Makes room for one more item in an array of `*cap` items of `size` bytes
 * (setup time only: doubles, up to `max`). */
static sl_status grow(sl__mem *m, void **arr, size_t *cap, size_t n, size_t size, size_t max) {
  size_t want;
  void *bigger;
  if (n < *cap) return SL_OK;
  if (n >= max) return SL_EFULL;
  want = *cap ? *cap * 2 : 8;
  if (want > max) want = max;
  if (!(bigger = sl__alloc_array(m, want, size))) return SL_ENOMEM;
  if (n) SL__MEMCPY(bigger, *arr, n * size);
  sl__free(m, *arr, *cap * size);
  *arr = bigger;
  *cap = want;
  return SL_OK;
}

sl_status sl__layout_add_raw(sl__layout *l, sl__mem *m, size_t field) {
  sl_status st = grow(m, (void **)&l->raw, &l->cap_sel, l->n_sel, sizeof *l->raw, SL__MAX_RAW_FEATURES);
  if (st != SL_OK) return st;
  l->raw[l->n_sel++] = (uint32_t)field;
  return SL_OK;
}

sl_status sl__layout_add_window(sl__layout *l, sl__mem *m, sl_window *w, size_t field) {
  sl_status st = grow(m, (void **)&l->win, &l->cap_win, l->n_win, sizeof *l->win, SL__MAX_WINDOWS);
  if (st != SL_OK) return st;
  l->win[l->n_win].w = w;
  l->win[l->n_win].field = field;
  l->win[l->n_win].n_values = sl_window_n_values(w);
  l->n_win++;
  return SL_OK;
}

void sl__layout_free(sl__layout *l, sl__mem *m) {
  size_t i;
  for (i = 0; i < l->n_win; i++) sl_window_free(l->win[i].w);
  sl__free(m, l->win, l->cap_win * sizeof *l->win);
  sl__free(m, l->raw, l->cap_sel * sizeof *l->raw);
  l->win = NULL;
  l->raw = NULL;
  l->n_win = l->cap_win = l->n_sel = l->cap_sel = 0;
}

sl_status sl__layout_check_late(const sl__layout *l, int64_t ts) {
  size_t i;
  for (i = 0; i < l->n_win; i++) {
    int64_t wm = INT64_MIN;
    sl_window_watermark(l->win[i].w, &wm);
    if (ts < wm) return SL_ELATE;
  }
  return SL_OK;
}

sl_status sl__layout_features(const sl__layout *l, uint64_t key, int64_t ts, const double *values, double *x,
                              uint64_t *nonfinite) {
  size_t i, j, at;
  sl_status st;
  for (i = 0; i < l->n_win; i++)
    if ((st = sl_window_push(l->win[i].w, key, ts, values[l->win[i].field])) != SL_OK) return st;
  if (l->n_sel) {
    for (at = 0; at < l->n_sel; at++) x[at] = values[l->raw[at]];
  } else {
    SL__MEMCPY(x, values, l->n_raw * sizeof *x);
    at = l->n_raw;
  }
  for (i = 0; i < l->n_win; i++) {
    size_t nv = l->win[i].n_values;
    /* A key evicted by this very push (key_cap 1) reads as zeros. */
    if (sl_window_query(l->win[i].w, key, x + at, nv) != SL_OK) SL__MEMSET(x + at, 0, nv * sizeof *x);
    for (j = 0; j < nv; j++)
      if (!sl__finite(x[at + j])) {
        x[at + j] = 0.0;
        ++*nonfinite;
      }
    at += nv;
  }
  return SL_OK;
}
