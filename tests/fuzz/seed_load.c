/* Writes the seed corpus of fuzz_load into the directory given: for every
 * kind of every handle type but the pipeline (drift, model, window, replay,
 * stream), a checkpoint of a fresh handle and one taken mid-stream, each
 * as a framed file (mode byte 0) and as a bare payload (mode byte
 * 1 | handle index << 1, then the kind). Mid-stream states are kept small
 * (the fuzzer's inputs are at most a few KiB) but reach every structure:
 * ADWIN buckets after a drift, split trees with nominal branches and
 * alternate trees, windows with open, queued and byte-keyed windows, full
 * replay buffers, nested concept-drift streams. Run it again when a format
 * changes:
 *   make BUILD=build-fuzz MODULES="drift model window replay stream" static
 *   cc -Iinclude -DSL_STATIC_DEFINE tests/fuzz/seed_load.c build-fuzz/libstreamlearn.a -lzstd -lm -o seed \
 *     && ./seed tests/fuzz/corpus/load */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"

static const char *dir;

/* The fuzz target's handle index of each handle type, by noun. */
enum { H_WINDOW, H_MODEL, H_DRIFT, H_REPLAY, H_STREAM };

static void put(const char *noun, const char *kind, const char *state, int mode, const unsigned char *b, size_t n) {
  char path[512];
  FILE *f;
  unsigned char m = (unsigned char)mode;
  snprintf(path, sizeof path, "%s/seed_%s_%s_%s_%s", dir, noun, kind, state, mode ? "payload" : "framed");
  if (!(f = fopen(path, "wb"))) exit(1);
  fwrite(&m, 1, 1, f);
  if (mode) {
    unsigned char id = b[8]; /* the kind, from the header */
    fwrite(&id, 1, 1, f);
    fwrite(b + 32, 1, n - 36, f); /* the payload between header and trailer */
  } else {
    fwrite(b, 1, n, f);
  }
  fclose(f);
}

/* Saves through `save` (a handle's sl_X_save_mem) and writes both seeds. */
#define SEED(noun, index, h, state)                                                                    \
  do {                                                                                                 \
    size_t n_ = 0;                                                                                     \
    unsigned char *b_;                                                                                 \
    int kind_;                                                                                         \
    if (sl_##noun##_save_mem((h), 0, NULL, 0, &n_) != SL_EBUFFER || !(b_ = malloc(n_))) exit(1);       \
    if (sl_##noun##_save_mem((h), 0, b_, n_, &n_) != SL_OK) exit(1);                                   \
    sl_##noun##_kind_of((h), &kind_);                                                                  \
    put(#noun, sl_##noun##_kind_name(kind_), (state), 0, b_, n_);                                      \
    put(#noun, sl_##noun##_kind_name(kind_), (state), 1 | (index) << 1, b_, n_);                       \
    free(b_);                                                                                          \
  } while (0)

#define CHECK(call)                                                                                    \
  do {                                                                                                 \
    if ((call) != SL_OK) {                                                                             \
      fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #call);                                \
      exit(1);                                                                                         \
    }                                                                                                  \
  } while (0)

/* A deterministic value in [0, 1). */
static double u(unsigned i) {
  unsigned x = i * 2654435761u;
  x ^= x >> 15;
  x *= 2246822519u;
  x ^= x >> 13;
  return (double)(x & 0xffffff) / 16777216.0;
}

static void seed_drift(void) {
  int k;
  for (k = 0; sl_drift_kind_name(k); k++) {
    sl_drift *d;
    unsigned i;
    CHECK(sl_drift_new(&d, (sl_drift_kind)k, NULL));
    SEED(drift, H_DRIFT, d, "fresh");
    /* error indicators whose rate jumps from 0.1 to 0.7: every kind drifts */
    for (i = 0; i < 600; i++) sl_drift_update(d, u(i) < (i < 300 ? 0.1 : 0.7) ? 1.0 : 0.0, NULL);
    SEED(drift, H_DRIFT, d, "mid");
    sl_drift_free(d);
  }
}

static void seed_model(void) {
  int k;
  for (k = 0; sl_model_kind_name(k); k++) {
    sl_model *m;
    sl_model_task task;
    size_t nf = 3, nominal = 2, i;
    int tree = k == SL_MODEL_HOEFFDING_TREE || k == SL_MODEL_HOEFFDING_ADAPTIVE_TREE;
    CHECK(sl_model_new(&m, (sl_model_kind)k, nf, NULL));
    SEED(model, H_MODEL, m, "fresh");
    CHECK(sl_model_info(m, &task, &nf));
    if (tree) {
      CHECK(sl_model_set_int(m, "grace_period", 40));
      CHECK(sl_model_set_int(m, "max_classes", 3));
      CHECK(sl_model_set_int(m, "max_nominal_values", 3));
      CHECK(sl_model_set_double(m, "delta", 0.2));
      CHECK(sl_model_set_nominal(m, &nominal, 1));
    }
    for (i = 0; i < (tree ? 600u : 50u); i++) {
      double x[3], y;
      x[0] = u((unsigned)(3 * i));
      x[1] = u((unsigned)(3 * i + 1));
      x[2] = (double)(i % 3);
      /* a concept that changes half way, so the adaptive tree grows alternates */
      if (task == SL_TASK_REGRESSION) y = 2 * x[0] - x[1] + 0.5 * x[2];
      else if (i < 300) y = x[0] > 0.5 ? (x[2] == 1 ? 0 : 1) : 0;
      else y = x[0] > 0.5 ? 0 : 1;
      CHECK(sl_model_learn(m, x, nf, y, 1.0));
    }
    SEED(model, H_MODEL, m, "mid");
    sl_model_free(m);
  }
}

static void seed_window(void) {
  int k;
  for (k = 0; sl_window_kind_name(k); k++) {
    sl_window *w;
    int64_t t;
    CHECK(sl_window_new(&w, (sl_window_kind)k, SL_WINDOW_AGG_ALL, NULL));
    SEED(window, H_WINDOW, w, "fresh");
    for (t = 0; t < 40; t++) {
      sl_window_push(w, (uint64_t)(t % 3), t * 250 + (t % 4) * 10, u((unsigned)t));
      if (t % 5 == 0) sl_window_push_bytes(w, "sensor", 6, t * 250, u((unsigned)t + 99));
    }
    SEED(window, H_WINDOW, w, "mid");
    sl_window_free(w);
  }
}

static void seed_replay(void) {
  int k;
  for (k = 0; sl_replay_kind_name(k); k++) {
    sl_replay *r;
    size_t slots[4] = {0, 3, 5, 7};
    double pr[4] = {0.5, 2, 0.1, 1};
    unsigned i;
    CHECK(sl_replay_new(&r, (sl_replay_kind)k, 2, NULL));
    CHECK(sl_replay_set_int(r, "capacity", 8));
    SEED(replay, H_REPLAY, r, "fresh");
    for (i = 0; i < 20; i++) {
      double x[2];
      x[0] = u(i);
      x[1] = u(i + 1000);
      CHECK(sl_replay_add(r, x, 2, (double)(i % 2), 1.0, (int64_t)i, i, NULL));
    }
    if (k == SL_REPLAY_PRIORITIZED) CHECK(sl_replay_update_priorities(r, slots, pr, 4));
    SEED(replay, H_REPLAY, r, "mid");
    sl_replay_free(r);
  }
}

static void advance(sl_stream *s, size_t rows) {
  sl_stream_info info;
  double *X, *y;
  CHECK(sl_stream_describe(s, &info));
  X = malloc(rows * info.n_features * sizeof *X);
  y = malloc(rows * sizeof *y);
  CHECK(sl_stream_next(s, X, info.n_features, y, rows));
  free(X);
  free(y);
}

static void seed_stream(void) {
  int k;
  sl_stream *a, *b, *c, *ab, *abc;
  for (k = 0; sl_stream_kind_name(k); k++) {
    sl_stream *s;
    CHECK(sl_stream_new(&s, (sl_stream_kind)k, NULL));
    SEED(stream, H_STREAM, s, "fresh");
    advance(s, 25);
    SEED(stream, H_STREAM, s, "mid");
    sl_stream_free(s);
  }
  /* concept drift nested two deep: (sea -> sea') -> sine */
  CHECK(sl_stream_new(&a, SL_STREAM_SEA, NULL));
  CHECK(sl_stream_new(&b, SL_STREAM_SEA, NULL));
  CHECK(sl_stream_new(&c, SL_STREAM_HYPERPLANE, NULL));
  CHECK(sl_stream_set_int(b, "variant", 2));
  CHECK(sl_stream_set_int(c, "n_features", 3));
  CHECK(sl_stream_concept_drift(&ab, a, b, NULL));
  CHECK(sl_stream_set_double(ab, "position", 10));
  CHECK(sl_stream_concept_drift(&abc, ab, c, NULL));
  CHECK(sl_stream_set_double(abc, "position", 20));
  advance(abc, 30);
  SEED(stream, H_STREAM, abc, "nested");
  sl_stream_free(abc);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  dir = argv[1];
  seed_drift();
  seed_model();
  seed_window();
  seed_replay();
  seed_stream();
  return 0;
}
