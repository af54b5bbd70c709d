/*
 * KSWIN, Kolmogorov-Smirnov windowing (Raab et al. 2020), as River has it:
 * a sliding window of the last window_size values; once full, every value
 * draws stat_size distinct positions among the older window_size - stat_size
 * and compares those values with the stat_size newest by a two-sample KS
 * test; drift when p <= alpha and D > 0.1. No warning zone. The detector
 * restarts (window emptied, random stream re-seeded) on the value after a
 * drift, as River's does.
 *
 * The draw uses the library's seeded RNG (lib/core/rng.h), so it cannot
 * follow Python's random.Random index for index: the same seed gives a
 * different subsample from River's, and the drift points agree with River's
 * in distribution, not one by one (docs/drift.md). The window is sl_real:
 * the test only ranks values, which float keeps on an MCU.
 */
#include "drift_impl.h"
#include "ks_test.h"
#include "../core/rng.h"

enum { KS_ALPHA, KS_WINDOW, KS_STAT, KS_SEED };

static const sl_param_info ks_params[] = {
    {"alpha", SL_PARAM_DOUBLE, 0.005, 0, 1, NULL, "p-value at or below which the KS test signals drift", 0},
    {"window_size", SL_PARAM_INT, 100, 2, 1e7, NULL, "values in the sliding window (>= 2 stat_size)",
     SL_PARAM_FIXED_AFTER_START},
    {"stat_size", SL_PARAM_INT, 30, 1, SL__KS_MAX_N, NULL, "values in each of the two samples tested",
     SL_PARAM_FIXED_AFTER_START},
    {"seed", SL_PARAM_INT, 0, 0, 9007199254740991.0, NULL, "seed of the subsample draws",
     SL_PARAM_FIXED_AFTER_START},
};

static const char *const ks_stats[] = {"n", "p_value", "statistic", "window"};

typedef struct sl__kswin {
  sl_drift base;
  uint64_t n;         /* values since the last restart */
  double p_value, statistic;
  sl__rng rng;
  uint32_t size, stat, len, start; /* window_size, stat_size, values held, oldest slot */
  sl_real *win;                    /* ring of `size` values */
  double *a, *b;                   /* the two samples, `stat` each (sorted by the test) */
  uint32_t *idx, *swap;            /* identity 0..size-stat-1; the draw's swaps, to undo them */
  size_t block;
} sl__kswin;

static size_t ks_block_size(uint32_t size, uint32_t stat) {
  return 2 * (size_t)stat * sizeof(double) + (size_t)size * sizeof(sl_real) +
         ((size_t)(size - stat) + stat) * sizeof(uint32_t);
}

/* window_size >= 2 stat_size: the older part must hold a full sample. */
static int ks_shape_ok(const sl__pval *p) { return p[KS_WINDOW].i >= 2 * p[KS_STAT].i; }

static sl_status ks_alloc(sl__kswin *k) {
  uint32_t size = (uint32_t)k->base.obj.param[KS_WINDOW].i, stat = (uint32_t)k->base.obj.param[KS_STAT].i, i;
  size_t n = ks_block_size(size, stat);
  double *blk = (double *)sl__alloc(&k->base.obj.mem, n);
  if (!blk) return SL_ENOMEM;
  sl__free(&k->base.obj.mem, k->a, k->block);
  k->a = blk;
  k->b = blk + stat;
  k->win = (sl_real *)(blk + 2 * (size_t)stat);
  k->idx = (uint32_t *)(k->win + size);
  k->swap = k->idx + (size - stat);
  for (i = 0; i < size - stat; i++) k->idx[i] = i;
  k->block = n;
  k->size = size;
  k->stat = stat;
  return SL_OK;
}

static void ks_reset(sl_drift *d) {
  sl__kswin *k = (sl__kswin *)d;
  k->n = 0;
  k->p_value = k->statistic = 0.0;
  k->len = k->start = 0;
  sl__rng_seed(&k->rng, (uint64_t)d->obj.param[KS_SEED].i);
}

static double ks_at(const sl__kswin *k, uint32_t i) {
  uint32_t at = k->start + i;
  return (double)k->win[at >= k->size ? at - k->size : at];
}

static void ks_append(sl__kswin *k, double x) {
  uint32_t at = k->start + k->len;
  if (k->len < k->size) {
    k->win[at >= k->size ? at - k->size : at] = (sl_real)x;
    k->len++;
  } else {
    k->win[k->start] = (sl_real)x;
    k->start = k->start + 1 == k->size ? 0 : k->start + 1;
  }
}

/* Fills a with `stat` values at distinct random positions among the oldest
 * size - stat (a partial Fisher-Yates shuffle of idx, undone afterwards so
 * idx stays the identity and is no part of the state), b with the newest. */
static void ks_draw(sl__kswin *k) {
  uint32_t pool = k->size - k->stat, j;
  for (j = 0; j < k->stat; j++) {
    uint32_t r = j + (uint32_t)sl__rng_below(&k->rng, pool - j), t = k->idx[j];
    k->idx[j] = k->idx[r];
    k->idx[r] = t;
    k->swap[j] = r;
    k->a[j] = ks_at(k, k->idx[j]);
  }
  for (j = k->stat; j-- > 0;) {
    uint32_t r = k->swap[j], t = k->idx[j];
    k->idx[j] = k->idx[r];
    k->idx[r] = t;
  }
  for (j = 0; j < k->stat; j++) k->b[j] = ks_at(k, pool + j);
}

static sl_drift_state ks_update(sl_drift *d, double x) {
  sl__kswin *k = (sl__kswin *)d;
  if (d->state == SL_DRIFT_DETECTED) ks_reset(d);
  k->n++;
  ks_append(k, x);
  if (k->len < k->size) return SL_DRIFT_NONE;
  ks_draw(k);
  sl__ks_2samp_same_n(k->a, k->b, k->stat, &k->statistic, &k->p_value);
  return k->p_value <= d->obj.param[KS_ALPHA].d && k->statistic > 0.1 ? SL_DRIFT_DETECTED : SL_DRIFT_NONE;
}

static double ks_stat(const sl__object *o, size_t i) {
  const sl__kswin *k = (const sl__kswin *)o;
  switch (i) {
  case 0: return (double)k->n;
  case 1: return k->p_value;
  case 2: return k->statistic;
  default: return (double)k->len;
  }
}

/* Before any data: re-size for window_size / stat_size, re-seed for seed. */
static sl_status ks_configure(sl__object *o, size_t changed, sl__pval old) {
  sl__kswin *k = (sl__kswin *)o;
  sl_status st;
  (void)old;
  if (changed == KS_ALPHA) return SL_OK;
  if (changed == KS_WINDOW || changed == KS_STAT) {
    if (!ks_shape_ok(o->param))
      return sl__fail(o, SL_ERANGE, "'window_size' must be at least twice 'stat_size'");
    if ((st = ks_alloc(k)) != SL_OK) return st;
  }
  ks_reset(&k->base);
  return SL_OK;
}

static sl_status ks_save(const sl__object *o, sl__writer *w) {
  const sl__kswin *k = (const sl__kswin *)o;
  uint32_t i;
  sl__drift_save_head(&k->base, w);
  sl__put_u64(w, k->n);
  sl__put_f64(w, k->p_value);
  sl__put_f64(w, k->statistic);
  for (i = 0; i < 4; i++) sl__put_u64(w, k->rng.s[i]);
  sl__put_u64(w, k->len);
  for (i = 0; i < k->len; i++) sl__put_f64(w, ks_at(k, i)); /* oldest first */
  return SL_OK;
}

static void ks_load(sl__kswin *k, sl__reader *r) {
  uint32_t i;
  sl__drift_load_head(&k->base, r);
  k->n = sl__get_u64(r);
  k->p_value = sl__get_finite(r);
  k->statistic = sl__get_finite(r);
  for (i = 0; i < 4; i++) k->rng.s[i] = sl__get_u64(r);
  k->len = (uint32_t)sl__get_count(r, k->size);
  k->start = 0;
  for (i = 0; i < k->len && r->st == SL_OK; i++) k->win[i] = (sl_real)sl__get_finite(r);
  sl__expect(r, (k->rng.s[0] | k->rng.s[1] | k->rng.s[2] | k->rng.s[3]) != 0 && k->len <= k->n &&
                    k->p_value >= 0.0 && k->p_value <= 1.0 && k->statistic >= 0.0 && k->statistic <= 1.0);
}

static sl_status ks_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__kswin *k;
  sl_status st = sl__drift_create(&d, &sl__kswin_kind, sizeof(sl__kswin), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  k = (sl__kswin *)d;
  if (!ks_shape_ok(d->obj.param)) return SL_ECORRUPT; /* only a checkpoint can hold such a pair */
  if ((st = ks_alloc(k)) != SL_OK) return st;
  ks_reset(d);
  if (r) ks_load(k, r);
  return r ? r->st : SL_OK;
}

static void ks_destroy(sl__object *o) {
  sl__kswin *k = (sl__kswin *)o;
  sl__free(&o->mem, k->a, k->block);
  sl__object_delete(o, sizeof(sl__kswin));
}

static const sl__drift_ops ks_ops = {SL__DRIFT_REAL, ks_update, ks_reset};

const sl__kind sl__kswin_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_KSWIN, "kswin", ks_params, sizeof ks_params / sizeof ks_params[0],
    ks_stats, sizeof ks_stats / sizeof ks_stats[0], ks_configure, ks_stat, ks_save, ks_build, ks_destroy, &ks_ops,
};
