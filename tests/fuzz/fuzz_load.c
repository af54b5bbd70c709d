/* libFuzzer target: loading a checkpoint of every handle type but the
 * pipeline (which has fuzz_pipeline_load.c) from arbitrary bytes.
 *
 * Byte 0 picks the mode:
 *   even  the rest is a whole framed checkpoint, offered to every handle
 *         type's sl_X_load_mem (the frame's checks: magic, version, handle
 *         type, kind, lengths, checksums);
 *   odd   bits 1-3 pick the handle type (window, model, drift, replay,
 *         stream), byte 1 the kind, and the rest is a payload the target
 *         frames with valid checksums, so mutations reach the kind's parser.
 * A load must either be refused with a status, leaving no handle and no
 * memory behind, or give a handle that saves a checkpoint which loads
 * back and saves identically, survives a few calls of its hot path with
 * fixed inputs (update / learn / predict / push / add / sample / next) and
 * saves and loads again afterwards, and frees everything. Loads run on an
 * allocator holding at most 64 MiB, as a host loading checkpoints it does
 * not trust should: a checkpoint whose parameters ask for more is refused
 * with SL_ENOMEM (a copy made for the round trip has a cap of its own).
 * Seeds: tests/fuzz/seed_load.c writes corpus/load. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "streamlearn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes held through each allocator: the loaded handle's, and its copies'
 * (a copy may need as much again as the handle, so it has its own cap). */
static size_t held, held_copy;

static void *capped_alloc(void *ctx, size_t n) {
  size_t *h = (size_t *)ctx;
  void *p;
  if (n > ((size_t)64 << 20) - *h || !(p = malloc(n))) return NULL;
  *h += n;
  return p;
}

static void capped_free(void *ctx, void *p, size_t n) {
  *(size_t *)ctx -= n;
  free(p);
}

static const sl_allocator capped = {sizeof(sl_allocator), capped_alloc, capped_free, &held};
static const sl_allocator capped_copy = {sizeof(sl_allocator), capped_alloc, capped_free, &held_copy};

static void put_le(uint8_t *b, uint64_t v, int n) {
  int i;
  for (i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
}

/* Frames payload p (n bytes) as an uncompressed checkpoint of `type` / `kind`. */
static uint8_t *frame(uint8_t type, unsigned kind, const uint8_t *p, size_t n, size_t *len) {
  uint8_t *b = (uint8_t *)malloc(n + SL__CKPT_HEADER + SL__CKPT_TRAILER);
  if (!b) return NULL;
  memcpy(b, "SLCK", 4);
  put_le(b + 4, SL__CKPT_VERSION, 2);
  b[6] = type;
  b[7] = 0;
  put_le(b + 8, kind, 2);
  put_le(b + 10, 0, 2);
  put_le(b + 12, n, 8);
  put_le(b + 20, n, 8);
  put_le(b + 28, sl__crc32c(0, b, 28), 4);
  if (n) memcpy(b + SL__CKPT_HEADER, p, n);
  put_le(b + SL__CKPT_HEADER + n, sl__crc32c(0, p, n), 4);
  *len = n + SL__CKPT_HEADER + SL__CKPT_TRAILER;
  return b;
}

/* The fixed inputs the hot paths are driven with. */
#define NX 64
static double xs[NX + 8];

/* One handle type: load, save, free, and a few calls of its hot path. */
typedef struct handle_ops {
  uint8_t type;
  sl_status (*load)(void **h, const void *buf, size_t len, const sl_allocator *a);
  sl_status (*save)(const void *h, void *buf, size_t cap, size_t *len);
  sl_status (*stat_name)(const void *h, size_t i, const char **name);
  sl_status (*stat)(const void *h, const char *name, double *v);
  void (*drive)(void *h);
  void (*free_)(void *h);
} handle_ops;

/* Wrappers giving every handle type the same signatures. */
#define HANDLE_GLUE(noun)                                                                     \
  static sl_status noun##_load(void **h, const void *buf, size_t len, const sl_allocator *a) { \
    sl_##noun *x = NULL;                                                                      \
    sl_status st = sl_##noun##_load_mem(&x, buf, len, a);                                     \
    *h = x;                                                                                   \
    return st;                                                                                \
  }                                                                                           \
  static sl_status noun##_save(const void *h, void *buf, size_t cap, size_t *len) {           \
    return sl_##noun##_save_mem((const sl_##noun *)h, 0, buf, cap, len);                      \
  }                                                                                           \
  static sl_status noun##_stat_name(const void *h, size_t i, const char **name) {             \
    return sl_##noun##_stat_name((const sl_##noun *)h, i, name);                              \
  }                                                                                           \
  static sl_status noun##_stat(const void *h, const char *name, double *v) {                  \
    return sl_##noun##_stat((const sl_##noun *)h, name, v);                                   \
  }                                                                                           \
  static void noun##_free(void *h) { sl_##noun##_free((sl_##noun *)h); }

HANDLE_GLUE(drift)
HANDLE_GLUE(model)
HANDLE_GLUE(window)
HANDLE_GLUE(replay)
HANDLE_GLUE(stream)

static void drift_drive(void *h) {
  sl_drift *d = (sl_drift *)h;
  static const double v[] = {0, 1, 1, 0, 0.5, 1, 0, 0, 1e6, -3};
  size_t i, at[4], nd, nw;
  sl_drift_state s;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) sl_drift_update(d, v[i], &s);
  sl_drift_update_many(d, v, 4, at, 4, &nd, at, 4, &nw);
  sl_drift_state_of(d, &s);
}

static void model_drive(void *h) {
  sl_model *m = (sl_model *)h;
  sl_model_task task;
  size_t nf = 0, i, n;
  double y, proba[8], w[4];
  uint32_t idx[3] = {0, 1, 2};
  int kind;
  double value;
  if (sl_model_info(m, &task, &nf) != SL_OK || nf > NX) return;
  for (i = 0; i < 6; i++) {
    sl_model_predict(m, xs + i, nf, &y);
    sl_model_predict_proba(m, xs + i, nf, proba, 8);
    sl_model_learn(m, xs + i, nf, (double)(i % 3), 1.0);
  }
  sl_model_predict_many(m, xs, 2, nf, proba);
  sl_model_learn_sparse(m, idx, xs, nf < 3 ? nf : 3, 1.0, 1.0);
  sl_model_predict_sparse(m, idx, xs, nf < 3 ? nf : 3, &y);
  sl_model_weights(m, w, 4, &n);
  for (i = 0; i < 8; i++) sl_model_tree_node(m, i, &kind, &n, &nf, &value);
}

static int on_window(const sl_window_key *key, int64_t start, int64_t end, const double *values, size_t n,
                     void *user) {
  (void)key, (void)start, (void)end, (void)values, (void)n, (void)user;
  return 0;
}

static void window_drive(void *h) {
  sl_window *w = (sl_window *)h;
  int64_t wm = 0, t;
  uint64_t keys[4];
  int64_t starts[4], ends[4];
  double vals[4 * SL_WINDOW_MAX_VALUES], q[SL_WINDOW_MAX_VALUES];
  size_t i, n;
  sl_window_watermark(w, &wm);
  t = wm > INT64_MIN ? wm : 0;
  if (t > ((int64_t)1 << 62) - 100) t = ((int64_t)1 << 62) - 100;
  for (i = 0; i < 8; i++) {
    sl_window_push(w, i & 3, t + (int64_t)(i * 7), xs[i]);
    sl_window_push_bytes(w, "k", 1, t + (int64_t)i, xs[i]);
    sl_window_query(w, i & 3, q, SL_WINDOW_MAX_VALUES);
  }
  sl_window_poll(w, keys, starts, ends, vals, 4, &n, NULL, NULL);
  sl_window_set_callbacks(w, on_window, NULL, NULL, NULL);
  sl_window_flush(w);
  for (i = 0; i < sl_window_n_values(w); i++) {
    const char *name;
    sl_window_value_name(w, i, &name);
  }
}

static void replay_drive(void *h) {
  sl_replay *r = (sl_replay *)h;
  double x[NX], tg[4], wt[4], is[4], pr[4] = {0.5, 1, 2, 0};
  int64_t ts[4];
  uint64_t ks[4];
  size_t size = 0, slots[4], i;
  int64_t nf = 0;
  sl_replay_batch b;
  sl_replay_size(r, &size);
  for (i = 0; i < size && i < 4; i++) sl_replay_get(r, i, NULL, 0, tg, wt, ts, ks);
  /* the row width is not a parameter: find it by asking for a record */
  for (nf = 1; nf <= NX; nf++)
    if (sl_replay_add(r, xs, (size_t)nf, 1.0, 1.0, 5, 7, slots) != SL_EDIM) break;
  if (nf > NX) return;
  for (i = 0; i < 3; i++) sl_replay_add(r, xs + i, (size_t)nf, (double)i, 1.0, (int64_t)i, i, NULL);
  memset(&b, 0, sizeof b);
  b.struct_size = sizeof b;
  b.rows = 4;
  b.n_features = (size_t)nf;
  b.features = 4 * (size_t)nf <= NX ? x : NULL;
  b.targets = tg;
  b.weights = wt;
  b.timestamps = ts;
  b.keys = ks;
  b.slots = slots;
  b.is_weights = is;
  if (sl_replay_sample(r, 4, 1, &b) == SL_OK) sl_replay_update_priorities(r, slots, pr, 4);
  sl_replay_sample(r, 2, 0, &b);
}

static void stream_drive(void *h) {
  sl_stream *s = (sl_stream *)h;
  sl_stream_info info;
  double X[4 * NX], y[4];
  char name[64];
  unsigned nv;
  size_t i;
  if (sl_stream_describe(s, &info) != SL_OK || info.n_features > NX) return;
  for (i = 0; i < info.n_features; i++) sl_stream_feature(s, i, name, sizeof name, &nv);
  sl_stream_next(s, X, info.n_features, y, 4);
  sl_stream_label(s, X, info.n_features, y);
}

static const handle_ops handles[] = {
    {1, window_load, window_save, window_stat_name, window_stat, window_drive, window_free},
    {2, model_load, model_save, model_stat_name, model_stat, model_drive, model_free},
    {3, drift_load, drift_save, drift_stat_name, drift_stat, drift_drive, drift_free},
    {4, replay_load, replay_save, replay_stat_name, replay_stat, replay_drive, replay_free},
    {6, stream_load, stream_save, stream_stat_name, stream_stat, stream_drive, stream_free},
};
#define N_HANDLES (sizeof handles / sizeof handles[0])

/* Saves `h` into a fresh buffer (the size query first). */
static uint8_t *save(const handle_ops *ops, const void *h, size_t *len) {
  uint8_t *b;
  size_t n = 0;
  if (ops->save(h, NULL, 0, &n) != SL_EBUFFER || !(b = (uint8_t *)malloc(n))) abort();
  if (ops->save(h, b, n, len) != SL_OK || *len != n) abort();
  return b;
}

/* The checkpoint `h` saves loads back into a handle that saves the same
 * bytes; returns that checkpoint. */
static uint8_t *round_trip(const handle_ops *ops, const void *h, size_t *len) {
  void *copy = NULL;
  size_t len2;
  uint8_t *b = save(ops, h, len), *b2;
  if (ops->load(&copy, b, *len, &capped_copy) != SL_OK) abort(); /* a save that does not load */
  b2 = save(ops, copy, &len2);
  if (len2 != *len || memcmp(b, b2, len2) != 0) abort(); /* a loaded handle saves differently */
  free(b2);
  ops->free_(copy);
  return b;
}

static void exercise(const handle_ops *ops, void *h) {
  size_t i, len;
  const char *name;
  double v;
  free(round_trip(ops, h, &len));
  for (i = 0; ops->stat_name(h, i, &name) == SL_OK; i++)
    if (ops->stat(h, name, &v) != SL_OK) abort();
  ops->drive(h);
  free(round_trip(ops, h, &len));
}

static void try_load(const handle_ops *ops, const uint8_t *in, size_t len) {
  void *h = NULL;
  if (ops->load(&h, in, len, &capped) == SL_OK) {
    exercise(ops, h);
    ops->free_(h);
  } else if (h) {
    abort(); /* a refused load leaves no handle */
  }
  if (held || held_copy) abort(); /* a leak */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t i, len;
  uint8_t *framed;
  if (!xs[1])
    for (i = 0; i < NX + 8; i++) xs[i] = (double)(i % 5) * 0.75 - 1.0;
  if (size < 1) return 0;
  if (!(data[0] & 1)) {
    for (i = 0; i < N_HANDLES; i++) try_load(&handles[i], data + 1, size - 1);
    return 0;
  }
  if (size < 2) return 0;
  i = (size_t)(data[0] >> 1 & 7) % N_HANDLES;
  if (!(framed = frame(handles[i].type, data[1], data + 2, size - 2, &len))) return 0;
  try_load(&handles[i], framed, len);
  free(framed);
  return 0;
}
