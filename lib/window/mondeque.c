/* Monotonic deque for sliding min / max with removal: a subsequence of the
 * key's events in timestamp order whose values strictly decrease (max) or
 * increase (min). An event is kept while no later event is at least as
 * extreme, so the front is the extreme of the window, and when the ring's
 * oldest event leaves it is either the front or absent. Out-of-order events
 * are inserted at their place; in-order ones take the O(1) amortized path. */
#include "window_impl.h"

static uint32_t sl__at(const sl__deque *d, uint32_t cap, uint32_t i) {
  uint32_t j = d->head + i;
  return j >= cap ? j - cap : j;
}

/* 1 when a is at least as extreme as b. */
static int sl__covers(sl_real a, sl_real b, int want_max) { return want_max ? a >= b : a <= b; }

void sl__deque_offer(sl__deque *d, sl__ev *buf, uint32_t cap, const sl__ev *e, int want_max) {
  uint32_t lo = 0, hi = d->n, r, i, removed;
  /* p = first entry with t > e->t */
  if (d->n && buf[sl__at(d, cap, d->n - 1)].t > e->t) {
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (buf[sl__at(d, cap, mid)].t <= e->t)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (sl__covers(buf[sl__at(d, cap, lo)].v, e->v, want_max)) return; /* a later event dominates */
  } else {
    lo = d->n;
  }
  r = lo;
  while (r > 0 && sl__covers(e->v, buf[sl__at(d, cap, r - 1)].v, want_max)) r--;
  removed = lo - r;
  if (removed == 0) {
    /* open a hole at r: shift [r, n) one place back */
    for (i = d->n; i > r; i--) buf[sl__at(d, cap, i)] = buf[sl__at(d, cap, i - 1)];
    d->n++;
  } else if (removed > 1) {
    /* close the gap: shift [lo, n) forward onto r + 1 */
    for (i = lo; i < d->n; i++) buf[sl__at(d, cap, i - removed + 1)] = buf[sl__at(d, cap, i)];
    d->n -= removed - 1;
  }
  buf[sl__at(d, cap, r)] = *e;
}

void sl__deque_leave(sl__deque *d, sl__ev *buf, uint32_t cap, uint32_t seq) {
  if (d->n && buf[d->head].seq == seq) {
    d->head = d->head + 1 == cap ? 0 : d->head + 1;
    d->n--;
  }
}
