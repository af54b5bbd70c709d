/* Numbers as CSV text, the same in every locale (see csv_impl.h). */
#include "csv_impl.h"

#ifndef SL_NO_STDIO
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

char sl__csv_locale_point(void) {
  const struct lconv *lc = localeconv();
  return lc && lc->decimal_point && lc->decimal_point[0] ? lc->decimal_point[0] : '.';
}

size_t sl__csv_format(double v, char point, char *out) {
  int n, i;
  if (v > -9007199254740992.0 && v < 9007199254740992.0 && v == (double)(int64_t)v && (v != 0 || 1 / v > 0)) {
    /* whole numbers (labels, codes, counts): digits by hand, no snprintf */
    char tmp[24];
    uint64_t u = (uint64_t)(v < 0 ? -v : v);
    int k = 0;
    n = 0;
    if (v < 0) out[n++] = '-';
    do tmp[k++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    while (k) out[n++] = tmp[--k];
    out[n] = '\0';
    return (size_t)n;
  }
  n = snprintf(out, SL__CSV_NUM_MAX, "%.17g", v);
  if (n < 0 || n >= SL__CSV_NUM_MAX) n = 0; /* cannot happen for %.17g of a double */
  if (point != '.')
    for (i = 0; i < n; i++)
      if (out[i] == point) out[i] = '.';
  out[n] = '\0';
  return (size_t)n;
}

static int sl__lower_is(const char *b, const char *e, const char *word) {
  for (; b < e && *word; b++, word++)
    if ((*b | 0x20) != *word) return 0;
  return b == e && !*word;
}

static const double sl__pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Checks the syntax of a decimal number ([sign] digits [. digits] [e [sign]
 * digits], at least one digit in the mantissa) and tries the exact fast path
 * (Clinger 1990): mantissa < 2^53 and |exponent| <= 22 make one correctly
 * rounded multiplication or division. Returns -1 for bad syntax, 1 when the
 * fast path gave `*out`, 0 when the slow path is needed. */
static int sl__fast_number(const char *p, const char *e, double *out) {
  uint64_t mant = 0;
  int neg = 0, digits = 0, sig = 0, exp10 = 0, eneg = 0, ex = 0, edig = 0;
  if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
  for (; p < e && *p >= '0' && *p <= '9'; p++, digits++) {
    if (!mant && *p == '0') continue; /* leading zero */
    if (sig++ < 19) mant = mant * 10 + (uint64_t)(*p - '0');
    else exp10++; /* dropped: the slow path takes over */
  }
  if (p < e && *p == '.') {
    for (p++; p < e && *p >= '0' && *p <= '9'; p++, digits++) {
      if (!mant && *p == '0') {
        exp10--;
        continue;
      }
      if (sig++ < 19) {
        mant = mant * 10 + (uint64_t)(*p - '0');
        exp10--;
      }
    }
  }
  if (!digits) return -1;
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
    for (; p < e && *p >= '0' && *p <= '9'; p++, edig++)
      if (ex < 100000) ex = ex * 10 + (*p - '0');
    if (!edig) return -1;
    exp10 += eneg ? -ex : ex;
  }
  if (p != e) return -1;
  if (sig > 19 || mant > (1ull << 53)) return 0; /* digits were dropped, or not exact in a double */
  if (mant == 0) {
    *out = neg ? -0.0 : 0.0;
    return 1;
  }
  if (exp10 < -22 || exp10 > 22) return 0;
  *out = exp10 >= 0 ? (double)mant * sl__pow10[exp10] : (double)mant / sl__pow10[-exp10];
  if (neg) *out = -*out;
  return 1;
}

sl_status sl__csv_parse(const char *b, const char *e, char point, double *out) {
  char tmp[400], *end;
  size_t n = (size_t)(e - b), i;
  const char *w = b;
  double v;
  int r;
  if (w < e && (*w == '+' || *w == '-')) w++;
  if (sl__lower_is(w, e, "nan") || sl__lower_is(w, e, "inf") || sl__lower_is(w, e, "infinity"))
    return SL_ENONFINITE;
  if ((r = sl__fast_number(b, e, out)) != 0) return r > 0 ? SL_OK : SL_ECORRUPT;
  /* Long or far-out numbers: strtod, which rounds correctly, on a copy whose
   * '.' is the locale's decimal point (the syntax was checked above). */
  if (n >= sizeof tmp) return SL_ECORRUPT;
  for (i = 0; i < n; i++) tmp[i] = b[i] == '.' ? point : b[i];
  tmp[n] = '\0';
  v = strtod(tmp, &end);
  if (end != tmp + n) return SL_ECORRUPT;
  if (!sl__finite(v)) return SL_ENONFINITE;
  *out = v;
  return SL_OK;
}

#endif
