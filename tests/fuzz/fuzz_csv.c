/* libFuzzer target: the CSV reader on arbitrary bytes. The first byte picks
 * the read chunk size (chunk boundaries fall everywhere) and the target
 * column; the rest is the file. Every row is read to the end: bad rows must
 * come back as statuses, never as a crash, a hang or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct src {
  const uint8_t *p;
  size_t left, step;
} src;

static long src_read(void *user, void *buf, size_t cap) {
  src *s = (src *)user;
  size_t n = s->step < cap ? s->step : cap;
  if (n > s->left) n = s->left;
  memcpy(buf, s->p, n);
  s->p += n;
  s->left -= n;
  return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static double X[64 * 16], y[16];
  sl_csv *c = NULL;
  src s;
  size_t cols = 0, got = 0, nf, rounds = 0;
  sl_status st;
  if (size < 1) return 0;
  s.p = data + 1;
  s.left = size - 1;
  s.step = (size_t)(data[0] & 0x0f) * 37 + 1;
  if (sl_csv_open(&c, src_read, &s, NULL) != SL_OK) return 0;
  sl_csv_columns(c, &cols);
  if (data[0] & 0x10) sl_csv_set_target(c, NULL);
  else if (cols) sl_csv_set_target_index(c, (size_t)(data[0] >> 5) % cols);
  nf = sl_csv_n_features(c);
  if (nf > 64) {
    sl_csv_free(c);
    return 0;
  }
  do {
    st = sl_csv_next(c, X, nf, y, 16, &got);
    /* every call consumes at least one record: more calls than bytes is a hang */
    if (++rounds > size + 2) abort();
  } while ((st != SL_OK || got == 16) && st != SL_EIO);
  sl_csv_free(c);
  return 0;
}
