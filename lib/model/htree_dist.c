/* Class distributions kept the way River's dicts are: weights plus the order
 * in which classes were inserted, which orders sums and breaks ties. */
#include "htree.h"

void sl__ht_dist_add(ht_dist *d, unsigned c, double w) {
  unsigned i;
  for (i = 0; i < d->n; i++)
    if (d->order[i] == c) {
      d->w[c] += w;
      return;
    }
  d->order[d->n++] = (uint8_t)c;
  d->w[c] = w;
}

double sl__ht_dist_total(const ht_dist *d) {
  double s = 0.0;
  unsigned i;
  for (i = 0; i < d->n; i++) s += d->w[d->order[i]];
  return s;
}

unsigned sl__ht_dist_nonzero2(const ht_dist *d) {
  unsigned i, k = 0;
  for (i = 0; i < d->n && k < 2; i++)
    if (d->w[d->order[i]] != 0.0) k++;
  return k;
}
