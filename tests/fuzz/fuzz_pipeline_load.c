/* libFuzzer target: loading a pipeline checkpoint from arbitrary bytes.
 * Byte 0 picks the mode: even, the rest is a whole framed checkpoint (the
 * frame's checks: magic, version, lengths, checksums); odd, the rest is a
 * payload the target frames with valid checksums, so mutations reach the
 * pipeline's own parser and the nested handles'. A load must succeed or be
 * refused with a status, never crash or leak; a loaded pipeline must save
 * back identically and survive a few events and labels. A checkpoint may
 * legitimately ask for a lot of memory (its parameters size the tables),
 * so loads run on an allocator holding at most 64 MiB, as a host loading
 * checkpoints it does not trust should: more is refused with SL_ENOMEM.
 * Seeds: tests/fuzz/seed_pipeline_load.c writes corpus/pipeline_load. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "streamlearn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t held;

static void *capped_alloc(void *ctx, size_t n) {
  void *p;
  (void)ctx;
  if (n > ((size_t)64 << 20) - held || !(p = malloc(n))) return NULL;
  held += n;
  return p;
}

static void capped_free(void *ctx, void *p, size_t n) {
  (void)ctx;
  held -= n;
  free(p);
}

static const sl_allocator capped = {sizeof(sl_allocator), capped_alloc, capped_free, NULL};

static void put_le(uint8_t *b, uint64_t v, int n) {
  int i;
  for (i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
}

/* Frames payload p (n bytes) as an uncompressed pipeline checkpoint. */
static uint8_t *frame(const uint8_t *p, size_t n, size_t *len) {
  uint8_t *b = (uint8_t *)malloc(n + SL__CKPT_HEADER + SL__CKPT_TRAILER);
  if (!b) return NULL;
  memcpy(b, "SLCK", 4);
  put_le(b + 4, SL__CKPT_VERSION, 2);
  b[6] = 5; /* pipeline */
  b[7] = 0;
  put_le(b + 8, 0, 2);
  put_le(b + 10, 0, 2);
  put_le(b + 12, n, 8);
  put_le(b + 20, n, 8);
  put_le(b + 28, sl__crc32c(0, b, 28), 4);
  if (n) memcpy(b + SL__CKPT_HEADER, p, n);
  put_le(b + SL__CKPT_HEADER + n, sl__crc32c(0, p, n), 4);
  *len = n + SL__CKPT_HEADER + SL__CKPT_TRAILER;
  return b;
}

static void exercise(sl_pipeline *p, const uint8_t *in, size_t in_len, int compressed) {
  double n_raw = 0, v[16];
  size_t len = 0, i;
  uint8_t *out;
  if (sl_pipeline_save_mem(p, 0, NULL, 0, &len) != SL_EBUFFER || !(out = (uint8_t *)malloc(len))) abort();
  if (sl_pipeline_save_mem(p, 0, out, len, &len) != SL_OK) abort();
  if (!compressed && (len != in_len || memcmp(out, in, len) != 0)) abort(); /* saves back identically */
  free(out);
  sl_pipeline_stat(p, "n_raw", &n_raw);
  if (n_raw > 16) return;
  for (i = 0; i < 16; i++) v[i] = 0.25 * (double)i;
  for (i = 0; i < 4; i++) {
    sl_event ev;
    ev.struct_size = sizeof ev;
    ev.id = ((uint64_t)1 << 62) + i;
    ev.key = i;
    ev.ts = ((int64_t)1 << 61) + (int64_t)i;
    ev.values = v;
    ev.n_values = (size_t)n_raw;
    if (sl_pipeline_push(p, &ev, NULL) == SL_OK) sl_pipeline_push_label(p, ev.id, (double)(i & 1));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sl_pipeline *p = NULL;
  uint8_t *framed = NULL;
  const uint8_t *in;
  size_t len;
  if (size < 1) return 0;
  if (data[0] & 1) {
    if (!(framed = frame(data + 1, size - 1, &len))) return 0;
    in = framed;
  } else {
    in = data + 1;
    len = size - 1;
  }
  if (sl_pipeline_load_mem(&p, in, len, &capped) == SL_OK) {
    exercise(p, in, len, len > 11 && (in[10] & SL_SAVE_COMPRESS));
    sl_pipeline_free(p);
  } else if (p) {
    abort(); /* a refused load leaves no handle */
  }
  free(framed);
  if (held) abort(); /* a leak */
  return 0;
}
