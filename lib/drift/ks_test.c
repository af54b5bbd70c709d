/*
 * Two-sample Kolmogorov-Smirnov test for two samples of the same size n, as
 * scipy.stats.ks_2samp(method="auto") computes it for n <= 10000: the
 * statistic D = h / n (h the largest gap between the two empirical counts)
 * and the exact two-sided p-value P(D_{n,n} >= h / n), by the same
 * Horner-like sum scipy's _compute_prob_outside_square uses, in double and
 * in the same order of operations.
 */
#include "ks_test.h"

static void sift_down(double *v, size_t root, size_t n) {
  for (;;) {
    size_t child = 2 * root + 1;
    double t;
    if (child >= n) return;
    if (child + 1 < n && v[child + 1] > v[child]) child++;
    if (!(v[child] > v[root])) return;
    t = v[root];
    v[root] = v[child];
    v[child] = t;
    root = child;
  }
}

/* Heapsort, ascending: O(n log n) without recursion or allocation. */
static void sort_doubles(double *v, size_t n) {
  size_t i;
  if (n < 2) return;
  for (i = n / 2; i-- > 0;) sift_down(v, i, n);
  for (i = n - 1; i > 0; i--) {
    double t = v[0];
    v[0] = v[i];
    v[i] = t;
    sift_down(v, 0, i);
  }
}

/* P(D_{n,n} >= h / n) for 0 < h <= n: scipy's alternating sum of path
 * counts, each term relative to binom(2n, n). */
static double prob_outside_square(size_t n_, size_t h_) {
  int64_t n = (int64_t)n_, h = (int64_t)h_, k = n / h + 1; /* n - k h - j goes negative */
  double p = 0.0;
  while (k-- > 0) {
    double p1 = 1.0;
    int64_t j;
    for (j = 0; j < h; j++) p1 = (double)(n - k * h - j) * p1 / (double)(n + k * h + j + 1);
    p = p1 * (1.0 - p);
  }
  return 2 * p;
}

void sl__ks_2samp_same_n(double *a, double *b, size_t n, double *stat, double *pvalue) {
  size_t i = 0, j = 0, h = 0;
  double p;
  sort_doubles(a, n);
  sort_doubles(b, n);
  while (i < n && j < n) {
    double t = a[i] < b[j] ? a[i] : b[j];
    while (i < n && a[i] <= t) i++;
    while (j < n && b[j] <= t) j++;
    if (i - j > h && i > j) h = i - j;
    if (j - i > h && j > i) h = j - i;
  }
  *stat = (double)h / (double)n;
  p = h == 0 ? 1.0 : prob_outside_square(n, h);
  *pvalue = p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}
