/*
 * The one door to libc and libm. Every library file includes this instead of
 * system headers, so a freestanding build can swap what stands behind it.
 *
 * Build switches (each one macro):
 *   SL_REAL_FLOAT  internal real type is float (MCUs with a single-precision
 *                  FPU); default double. Public calls always take double.
 *   SL_NO_MALLOC   no default allocator: every handle needs an sl_allocator.
 *   SL_HAVE_ZSTD   zstd-compressed checkpoints.
 *   SL_NO_STDIO    leave out the parts that need files (file helpers).
 *   SL_KINDS_SELECTED  keep in the dispatch tables only the kinds named by
 *                  SL_KIND_<HANDLE>_<KIND> macros (-DSL_KINDS_SELECTED
 *                  -DSL_KIND_DRIFT_PAGE_HINKLEY): other kinds give SL_EKIND
 *                  and, from a static archive, are not linked. Default: all.
 *   SL__MAX_PARAMS, SL__ERR_LEN  sizes of every handle head (object.h).
 */
#ifndef SL_CORE_DEPS_H
#define SL_CORE_DEPS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <limits.h>

#ifndef SL_NO_MALLOC
#include <stdlib.h>
#define SL__MALLOC(n) malloc(n)
#define SL__FREE(p) free(p)
#endif

#define SL__MEMCPY(d, s, n) memcpy((d), (s), (n))
#define SL__MEMMOVE(d, s, n) memmove((d), (s), (n))
#define SL__MEMSET(d, v, n) memset((d), (v), (n))
#define SL__MEMCMP(a, b, n) memcmp((a), (b), (n))
#define SL__STRLEN(s) strlen(s)
#define SL__STRCMP(a, b) strcmp((a), (b))

#ifdef SL_REAL_FLOAT
typedef float sl_real;
#define SL__R(x) ((float)(x))
#define sl__sqrt sqrtf
#define sl__exp expf
#define sl__log logf
#define sl__fabs fabsf
#define sl__pow powf
#define SL__REAL_MAX FLT_MAX
#define SL__REAL_EPS FLT_EPSILON
#else
typedef double sl_real;
#define SL__R(x) ((double)(x))
#define sl__sqrt sqrt
#define sl__exp exp
#define sl__log log
#define sl__fabs fabs
#define sl__pow pow
#define SL__REAL_MAX DBL_MAX
#define SL__REAL_EPS DBL_EPSILON
#endif

/* Finite check usable on double without relying on isfinite under
 * -ffast-math-like flags: NaN fails x == x, infinities fail the range. */
static inline int sl__finite(double x) { return x == x && x <= DBL_MAX && x >= -DBL_MAX; }

#if defined(__GNUC__)
#define SL__LIKELY(x) __builtin_expect(!!(x), 1)
#define SL__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SL__LIKELY(x) (x)
#define SL__UNLIKELY(x) (x)
#endif

#endif
