/* Writes the seed corpus of fuzz_pipeline_load into the directory given:
 * checkpoints of pipelines in several states (fresh; raw features only;
 * the full workload early on, and compressed after its drift, promotions
 * and rollbacks), each as a framed file (mode byte 0) and as a bare
 * payload (mode byte 1). The committed corpus keeps the small seeds, the
 * bare full_100 payload and the compressed one, plus what libFuzzer found
 * (inputs up to 1.5 KB). Run it again when the format changes:
 *   cc -Iinclude -Ilib -Itests -DSL_STATIC_DEFINE tests/fuzz/seed_pipeline_load.c \
 *      build/libstreamlearn.a -lzstd -lm -o seed && ./seed tests/fuzz/corpus/pipeline_load */
#include <stdio.h>
#include <stdlib.h>

#include "crash/workload.h"

static void put(const char *dir, const char *name, int mode, const unsigned char *b, size_t n) {
  char path[512];
  FILE *f;
  unsigned char m = (unsigned char)mode;
  snprintf(path, sizeof path, "%s/seed_%s_%d", dir, name, mode);
  if (!(f = fopen(path, "wb"))) exit(1);
  fwrite(&m, 1, 1, f);
  if (mode) fwrite(b + 32, 1, n - 36, f); /* the payload between header and trailer */
  else fwrite(b, 1, n, f);
  fclose(f);
}

static void seed(const char *dir, const char *name, const sl_pipeline *p, unsigned flags) {
  size_t n = 0;
  unsigned char *b;
  if (sl_pipeline_save_mem(p, flags, NULL, 0, &n) != SL_EBUFFER) exit(1);
  b = malloc(n);
  if (sl_pipeline_save_mem(p, flags, b, n, &n) != SL_OK) exit(1);
  put(dir, name, 0, b, n);
  if (!flags) put(dir, name, 1, b, n);
  free(b);
}

int main(int argc, char **argv) {
  sl_pipeline *p;
  sl_model *m;
  uint64_t i;
  if (argc != 2) return 2;
  if (sl_pipeline_new(&p, WL_RAW, NULL) != SL_OK) return 1;
  seed(argv[1], "fresh", p, 0);
  if (sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, WL_RAW, NULL) != SL_OK || sl_pipeline_set_model(p, m) != SL_OK ||
      sl_pipeline_set_int(p, "pending_cap", 8) != SL_OK)
    return 1;
  for (i = 0; i < 20; i++) {
    wl_push(p, i, NULL);
    if (i % 3) sl_pipeline_push_label(p, i, wl_target(i));
  }
  seed(argv[1], "raw", p, 0);
  sl_pipeline_free(p);
  p = wl_full_pipeline(NULL);
  seed(argv[1], "full_fresh", p, 0);
  for (i = 0; i < 3000; i++) {
    wl_step(p, i, 1500);
    if (i == 99) seed(argv[1], "full_100", p, 0);
  }
  if (sl_has_compression()) seed(argv[1], "full_3000_zstd", p, SL_SAVE_COMPRESS);
  sl_pipeline_free(p);
  return 0;
}
