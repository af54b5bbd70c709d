/* Tolerances that follow the build's internal real type (double by
 * default, float with SL_REAL_FLOAT), shared by the suites. */
#ifndef SL_TEST_REAL_H
#define SL_TEST_REAL_H

#include <float.h>
#include <math.h>

#include "core/deps.h" /* sl_real */

/* The relative tolerance of a value that went through `n` roundings to
 * sl_real: `rel` in the double build (the checks stay as tight as the
 * arithmetic), n float roundings in an SL_REAL_FLOAT build. */
#define REAL_REL(rel, n) (sizeof(sl_real) == sizeof(double) ? (rel) : fmax((rel), (n) * FLT_EPSILON))

#endif
