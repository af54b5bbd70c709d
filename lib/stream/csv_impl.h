/* Private to lib/stream's CSV files: numbers as text without the C locale.
 * These files use stdio (snprintf, strtod, fopen), which the rest of the
 * library never does; a build with SL_NO_STDIO compiles them to stubs. */
#ifndef SL_STREAM_CSV_IMPL_H
#define SL_STREAM_CSV_IMPL_H

#include "stream_impl.h"

/* The C library's decimal point under the current locale: read once per
 * call that formats or per reader, and passed to the two below. */
char sl__csv_locale_point(void);

/* Writes `v` exactly: whole numbers below 2^53 as integers, others with 17
 * significant digits ("%.17g"), '.' as decimal point whatever the locale
 * (`point` is the locale's). `out` has at least SL__CSV_NUM_MAX bytes;
 * returns the length. */
#define SL__CSV_NUM_MAX 32
size_t sl__csv_format(double v, char point, char *out);

/* Parses the number in [b, e) (no surrounding spaces). Correctly rounded:
 * a fast exact path for up to 19 digits with a small exponent, else strtod
 * on a copy with the locale's decimal point `point`. @return SL_OK,
 * SL_ECORRUPT (not a number), SL_ENONFINITE ("nan", "inf", or beyond the
 * double range). */
sl_status sl__csv_parse(const char *b, const char *e, char point, double *out);

#endif
