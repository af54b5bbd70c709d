/*
 * Install smoke test (scripts/check-install.sh builds it against an
 * installed libstreamlearn through pkg-config):
 *
 *   cc main.c $(pkg-config --cflags --libs libstreamlearn) -o detect
 *
 * Feeds a Page-Hinkley detector noise around 0 whose mean moves to 2 at
 * value 500, and prints where the drift was flagged. Exit status 0 when it
 * was flagged after the shift and not before.
 */
#include <stdint.h>
#include <stdio.h>

#include <streamlearn.h>

#define SHIFT_AT 500
#define N 1000

/* Uniform noise in [-1, 1) from a 64-bit xorshift: no libc RNG involved. */
static double noise(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return (double)(*s >> 11) / 4503599627370496.0 - 1.0;
}

int main(void) {
  sl_drift *d;
  sl_status st;
  uint64_t seed = 88172645463325252ull;
  int i, at = -1;
  printf("libstreamlearn %s (header %d.%d.%d)\n", sl_version_string(), SL_VERSION_MAJOR, SL_VERSION_MINOR,
         SL_VERSION_PATCH);
  if ((st = sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, NULL)) != SL_OK) {
    fprintf(stderr, "sl_drift_new: %s\n", sl_strerror(st));
    return 1;
  }
  for (i = 0; i < N && at < 0; i++) {
    sl_drift_state s;
    double x = noise(&seed) + (i >= SHIFT_AT ? 2.0 : 0.0);
    if ((st = sl_drift_update(d, x, &s)) != SL_OK) {
      fprintf(stderr, "sl_drift_update: %s\n", sl_strerror(st));
      sl_drift_free(d);
      return 1;
    }
    if (s == SL_DRIFT_DETECTED) at = i;
  }
  sl_drift_free(d);
  if (at < 0) {
    printf("no drift detected (mean shift at value %d)\n", SHIFT_AT);
    return 1;
  }
  printf("drift detected at value %d (mean shift at value %d)\n", at, SHIFT_AT);
  return at >= SHIFT_AT ? 0 : 1;
}
