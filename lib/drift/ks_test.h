/* Private to lib/drift: the two-sample Kolmogorov-Smirnov test KSWIN runs. */
#ifndef SL_DRIFT_KS_TEST_H
#define SL_DRIFT_KS_TEST_H

#include "../core/deps.h"

/* Largest supported n: scipy's ks_2samp(method="auto") is exact up to here. */
#define SL__KS_MAX_N 10000

/* Sorts `a` and `b` (n values each, 0 < n <= SL__KS_MAX_N) in place and
 * gives the KS statistic D and the exact two-sided p-value, as
 * scipy.stats.ks_2samp(a, b, method="auto"). */
void sl__ks_2samp_same_n(double *a, double *b, size_t n, double *stat, double *pvalue);

#endif
