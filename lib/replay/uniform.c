/* Uniform sampling over the records held, shared by the fifo, reservoir
 * and class_balanced kinds. */
#include "replay_impl.h"

/* k distinct slots below n in a uniformly random order: Floyd's algorithm
 * (each step adds one new slot, marked in r->mark) and then a Fisher-Yates
 * shuffle, since Floyd's insertion order is not uniform. O(k) time. */
static void draw_distinct(sl_replay *r, size_t k) {
  uint32_t *out = r->picked;
  uint8_t *mark = r->mark;
  size_t i = 0, j, n = r->size;
  for (j = n - k; j < n; j++) {
    size_t t = (size_t)sl__rng_below(&r->rng, j + 1);
    if (mark[t >> 3] & (1u << (t & 7))) t = j;
    mark[t >> 3] |= (uint8_t)(1u << (t & 7));
    out[i++] = (uint32_t)t;
  }
  for (i = k; i > 1; i--) {
    size_t t = (size_t)sl__rng_below(&r->rng, i);
    uint32_t tmp = out[i - 1];
    out[i - 1] = out[t];
    out[t] = tmp;
  }
  for (i = 0; i < k; i++) mark[out[i] >> 3] = 0;
}

sl_status sl__replay_draw_uniform(sl_replay *r, size_t k, int replace, double *is_w) {
  size_t i;
  if (replace)
    for (i = 0; i < k; i++) r->picked[i] = (uint32_t)sl__rng_below(&r->rng, r->size);
  else
    draw_distinct(r, k);
  if (is_w)
    for (i = 0; i < k; i++) is_w[i] = 1.0;
  return SL_OK;
}
