/*
 * ADWIN, adaptive windowing (Bifet & Gavalda 2007), in its ADWIN2 form: the
 * window is an exponential histogram. Row r holds up to max_buckets
 * summaries (sum, sum of squared deviations) of 2^r values each, oldest
 * first; when a row overflows, its two oldest summaries merge into one of the
 * next row. Every `clock` values (once the window is longer than
 * grace_period) every boundary between summaries is a candidate cut into an
 * older part W0 and a newer part W1; when their means differ by more than
 * the Hoeffding / Bernstein bound, the oldest summary is dropped and the
 * scan starts again. As River does, the detector then restarts empty on the
 * next value.
 *
 * The arithmetic follows River's (rust_src/adwin.rs) operation by operation,
 * in double: the drift indices are part of the conformance contract, and
 * the sums span the whole window. Memory is O(log W): `max_rows` rows are
 * allocated at creation. When the oldest row is full and a merge would need
 * one more row, its oldest summary is dropped instead (the window then
 * slides); River has no cap and grows a row.
 */
#include "drift_impl.h"

enum { AD_DELTA, AD_CLOCK, AD_MAX_BUCKETS, AD_MIN_WINDOW, AD_GRACE, AD_MAX_ROWS };

static const sl_param_info ad_params[] = {
    {"delta", SL_PARAM_DOUBLE, 0.002, 1e-300, 1, NULL, "significance of the cut test", 0},
    {"clock", SL_PARAM_INT, 32, 1, 1e9, NULL, "check for a cut every this many values", 0},
    {"max_buckets", SL_PARAM_INT, 5, 1, 1000, NULL, "summaries kept per row before two merge",
     SL_PARAM_FIXED_AFTER_START},
    {"min_window_length", SL_PARAM_INT, 5, 0, 1e9, NULL, "values each side of a cut needs to be tested", 0},
    {"grace_period", SL_PARAM_INT, 10, 0, 1e9, NULL, "window length before the first check", 0},
    {"max_rows", SL_PARAM_INT, 32, 1, 62, NULL,
     "cap on rows (row r holds 2^r-value summaries); a full last row slides", SL_PARAM_FIXED_AFTER_START},
};

static const char *const ad_stats[] = {"width", "mean", "variance", "n_detections", "rows"};

typedef struct sl__adwin {
  sl_drift base;
  double total;    /* sum of the window */
  double variance; /* sum of squared deviations from the window mean (River's `variance`) */
  double width;    /* values in the window; a whole number */
  uint64_t tick;          /* values since the restart (River's tick) */
  uint64_t phase;         /* tick % clock, kept to avoid a division per value */
  uint64_t n_detections; /* since creation or sl_drift_reset, across restarts */
  uint32_t n_rows;       /* rows in use, >= 1 (row 0 always exists) */
  uint32_t rows_cap, per_row; /* allocated rows; max_buckets + 1 slots per row */
  uint32_t *count;            /* summaries in each row */
  uint32_t *head;             /* slot of each row's oldest summary: rows are rings */
  double *sum, *var;          /* row r's slots at [r * per_row, (r + 1) * per_row) */
  size_t block;               /* bytes of the block holding all of these */
} sl__adwin;

static size_t ad_block_size(uint32_t rows, uint32_t per_row) {
  return (size_t)rows * per_row * 2 * sizeof(double) + (size_t)rows * 2 * sizeof(uint32_t);
}

/* Allocates the rows for the current max_rows / max_buckets, empty. */
static sl_status ad_alloc(sl__adwin *w) {
  uint32_t rows = (uint32_t)w->base.obj.param[AD_MAX_ROWS].i;
  uint32_t per = (uint32_t)w->base.obj.param[AD_MAX_BUCKETS].i + 1;
  size_t n = ad_block_size(rows, per);
  double *blk = (double *)sl__alloc(&w->base.obj.mem, n);
  if (!blk) return SL_ENOMEM;
  sl__free(&w->base.obj.mem, w->sum, w->block);
  w->sum = blk;
  w->var = blk + (size_t)rows * per;
  w->count = (uint32_t *)(blk + (size_t)rows * per * 2);
  w->head = w->count + rows;
  w->block = n;
  w->rows_cap = rows;
  w->per_row = per;
  return SL_OK;
}

/* Empties the window; the detection count is kept. */
static void ad_restart(sl__adwin *w) {
  w->total = w->variance = w->width = 0.0;
  w->tick = w->phase = 0;
  w->n_rows = 1;
  SL__MEMSET(w->count, 0, (size_t)w->rows_cap * sizeof(uint32_t));
  SL__MEMSET(w->head, 0, (size_t)w->rows_cap * sizeof(uint32_t));
}

static void ad_reset(sl_drift *d) {
  sl__adwin *w = (sl__adwin *)d;
  ad_restart(w);
  w->n_detections = 0;
}

/* Index in sum / var of row r's k-th oldest summary. */
static size_t ad_slot(const sl__adwin *w, uint32_t r, uint32_t k) {
  uint32_t at = w->head[r] + k;
  return (size_t)r * w->per_row + (at >= w->per_row ? at - w->per_row : at);
}

/* Drops the n oldest summaries of row r. */
static void ad_row_drop(sl__adwin *w, uint32_t r, uint32_t n) {
  uint32_t at = w->head[r] + n;
  w->head[r] = at >= w->per_row ? at - w->per_row : at;
  w->count[r] -= n;
}

static void ad_row_push(sl__adwin *w, uint32_t r, double s, double v) {
  size_t at = ad_slot(w, r, w->count[r]++);
  w->sum[at] = s;
  w->var[at] = v;
}

/* 2^-r. Dividing by 2^r and multiplying by 2^-r round the same real
 * number, so they give the same double: River's divisions, cheaper. */
static double ad_inv_pow2(uint32_t r) { return 1.0 / (double)((uint64_t)1 << r); }

/* Removes the oldest summary (slot 0 of the last row) from the window. */
static void ad_drop_oldest(sl__adwin *w) {
  uint32_t last = w->n_rows - 1;
  double n = (double)((uint64_t)1 << last);
  size_t at = ad_slot(w, last, 0);
  double u = w->sum[at], v = w->var[at];
  double mu = u * ad_inv_pow2(last), mu_window;
  w->width -= n;
  w->total -= u;
  mu_window = w->total / w->width;
  w->variance -= v + n * w->width * (mu - mu_window) * (mu - mu_window) / (n + w->width);
  ad_row_drop(w, last, 1);
  /* River pops one emptied row; with max_buckets = 1 inner rows can be
   * empty too, and River would then fail on the next drop: pop them all. */
  while (w->n_rows > 1 && w->count[w->n_rows - 1] == 0) w->n_rows--;
}

/* Merges overflowing rows upward, from row 0. */
static void ad_compress(sl__adwin *w) {
  uint32_t r, full = w->per_row;
  for (r = 0; w->count[r] == full; r++) {
    size_t a0 = ad_slot(w, r, 0), a1 = ad_slot(w, r, 1);
    double n1 = (double)((uint64_t)1 << r), inv = ad_inv_pow2(r);
    double mu1 = w->sum[a0] * inv, mu2 = w->sum[a1] * inv;
    double s12 = w->sum[a0] + w->sum[a1];
    double v12 = w->var[a0] + w->var[a1] + n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
    if (r + 1 == w->rows_cap) { /* no row left to merge into: the window slides */
      ad_drop_oldest(w);
      return;
    }
    if (r + 1 == w->n_rows) w->n_rows++;
    ad_row_push(w, r + 1, s12, v12);
    ad_row_drop(w, r, 2);
  }
}

/* Adds one value as a new summary of row 0 (River's insert_element). */
static void ad_insert(sl__adwin *w, double x) {
  w->width += 1.0;
  if (w->width > 1.0) {
    double dv = x - w->total / (w->width - 1.0);
    w->variance += (w->width - 1.0) * dv * dv / w->width;
  }
  w->total += x;
  ad_row_push(w, 0, x, 0.0);
  ad_compress(w);
}

/* River's evaluate_cut: is |dm| beyond the bound for a cut of n0 | n1? `dp`
 * is ln(2 ln(width) / delta) and `vw` the window variance, both fixed for a
 * scan. */
static int ad_cut_exact(double n0, double n1, double dm, double mwl, double dp, double vw) {
  double m = 1.0 / (n0 - mwl + 1.0) + 1.0 / (n1 - mwl + 1.0);
  double eps = sqrt(2.0 * m * vw * dp) + 2.0 / 3.0 * dp * m;
  return fabs(dm) > eps;
}

/* What a scan needs besides the cut point: River's bound inputs, and the
 * constants of the quick test in ad_cut. */
typedef struct ad_bound {
  double mwl, dp, vw;   /* min_window_length; ln(2 ln(width) / delta); variance / width */
  double width;         /* n0 + n1 */
  double lin_c, sq_c;   /* (1 - 1e-9) 2/3 dp s and (1 - 1e-9)^2 2 vw dp s, s = a + b */
} ad_bound;

static ad_bound ad_bound_for(const sl__adwin *w) {
  ad_bound b;
  double s, shrink = 1.0 - 1e-9;
  b.mwl = (double)w->base.obj.param[AD_MIN_WINDOW].i;
  b.dp = log(2.0 * log(w->width) / w->base.obj.param[AD_DELTA].d);
  b.vw = w->variance / w->width;
  b.width = w->width;
  s = w->width - 2.0 * b.mwl + 2.0;
  b.lin_c = shrink * (2.0 / 3.0) * b.dp * s;
  b.sq_c = shrink * shrink * 2.0 * b.vw * b.dp * s;
  return b;
}

/* Same answer as ad_cut_exact(n0, n1, u0 / n0 - u1 / n1, ...), faster: most
 * cut points are far from the bound, and that is proved without a division
 * or a square root. With a = n0 - mwl + 1, b = n1 - mwl + 1 (a + b = s is
 * the same for every cut of a scan) and P = n0 n1, |dm| > eps reads
 * |u0 n1 - u1 n0| a b > P (sqrt(2 vw dp s a b) + 2/3 dp s). The left side is
 * taken a margin too large (its own rounding and the rounding of River's
 * u0 / n0 - u1 / n1, both below 8 DBL_EPSILON (|u0| + |u1|) width), the
 * right side 1e-9 too small; only when the inequality might still hold does
 * the exact test run. Anything not finite falls through to the exact test. */
static int ad_cut(const ad_bound *bd, double n0, double n1, double u0, double u1) {
  double ab = (n0 - bd->mwl + 1.0) * (n1 - bd->mwl + 1.0), p = n0 * n1;
  double err = 8.0 * DBL_EPSILON * (fabs(u0) + fabs(u1)) * bd->width;
  double lhs = (fabs(u0 * n1 - u1 * n0) * (1.0 + 1e-9) + err) * ab, gap = lhs - p * bd->lin_c;
  double gap2 = gap * gap; /* an overflowed square proves nothing */
  if (gap <= 0.0 || (gap2 <= DBL_MAX && gap2 <= p * p * bd->sq_c * ab)) return 0;
  return ad_cut_exact(n0, n1, u0 / n0 - u1 / n1, bd->mwl, bd->dp, bd->vw);
}

/* Tests every cut from the oldest end; on a cut drops the oldest summary and
 * starts over. Returns 1 when at least one cut was made. */
static int ad_scan(sl__adwin *w) {
  int cut = 0;
  for (;;) {
    ad_bound bd = ad_bound_for(w);
    double n0 = 0.0, n1 = w->width, u0 = 0.0, u1 = w->total;
    uint32_t r = w->n_rows;
    int again = 0;
    while (r-- > 0 && !again) {
      const double *s = w->sum + (size_t)r * w->per_row;
      double size = (double)((uint64_t)1 << r);
      uint32_t k, c = w->count[r], at = w->head[r];
      for (k = 0; k < c; k++, at = at + 1 == w->per_row ? 0 : at + 1) {
        n0 += size;
        n1 -= size;
        u0 += s[at];
        u1 -= s[at];
        if (r == 0 && k == c - 1) return cut; /* W1 would be empty */
        if (n1 >= bd.mwl && n0 >= bd.mwl && ad_cut(&bd, n0, n1, u0, u1)) {
          cut = again = 1;
          ad_drop_oldest(w);
          break;
        }
      }
    }
    if (!again) return cut;
  }
}

static sl_drift_state ad_update(sl_drift *d, double x) {
  sl__adwin *w = (sl__adwin *)d;
  if (d->state == SL_DRIFT_DETECTED) ad_restart(w);
  ad_insert(w, x);
  w->tick++;
  if (++w->phase == (uint64_t)d->obj.param[AD_CLOCK].i) w->phase = 0;
  if (w->phase != 0 || !(w->width > (double)d->obj.param[AD_GRACE].i))
    return SL_DRIFT_NONE;
  if (!ad_scan(w)) return SL_DRIFT_NONE;
  w->n_detections++;
  return SL_DRIFT_DETECTED;
}

static double ad_stat(const sl__object *o, size_t i) {
  const sl__adwin *w = (const sl__adwin *)o;
  switch (i) {
  case 0: return w->width;
  case 1: return w->width > 0 ? w->total / w->width : 0.0;
  case 2: return w->width > 0 ? w->variance / w->width : 0.0;
  case 3: return (double)w->n_detections;
  default: return (double)w->n_rows;
  }
}

/* clock changed: re-derive the phase. max_buckets / max_rows changed
 * (before any data): re-size the rows. */
static sl_status ad_configure(sl__object *o, size_t changed, sl__pval old) {
  sl__adwin *w = (sl__adwin *)o;
  sl_status st;
  (void)old;
  if (changed == AD_CLOCK) w->phase = w->tick % (uint64_t)o->param[AD_CLOCK].i;
  if (changed != AD_MAX_BUCKETS && changed != AD_MAX_ROWS) return SL_OK;
  if ((st = ad_alloc(w)) != SL_OK) return st;
  ad_restart(w);
  return SL_OK;
}

static sl_status ad_save(const sl__object *o, sl__writer *wr) {
  const sl__adwin *w = (const sl__adwin *)o;
  uint32_t r;
  sl__drift_save_head(&w->base, wr);
  sl__put_f64(wr, w->total);
  sl__put_f64(wr, w->variance);
  sl__put_f64(wr, w->width);
  sl__put_u64(wr, w->tick);
  sl__put_u64(wr, w->n_detections);
  sl__put_u64(wr, w->n_rows);
  for (r = 0; r < w->n_rows; r++) {
    uint32_t k;
    sl__put_u64(wr, w->count[r]);
    for (k = 0; k < w->count[r]; k++) { /* oldest first */
      sl__put_f64(wr, w->sum[ad_slot(w, r, k)]);
      sl__put_f64(wr, w->var[ad_slot(w, r, k)]);
    }
  }
  return SL_OK;
}

/* Reads the window saved by ad_save, checking its shape: rows within the
 * cap, at most max_buckets summaries a row, a non-empty last row, and a
 * width equal to the values the summaries hold. The sums are taken as
 * saved, infinite or NaN too: finite values near the top of the double
 * range overflow them, in River as here, and such a state must load. */
static void ad_load(sl__adwin *w, sl__reader *r) {
  double held = 0.0;
  uint32_t i;
  sl__drift_load_head(&w->base, r);
  w->total = sl__get_f64(r);
  w->variance = sl__get_f64(r);
  w->width = sl__get_finite(r);
  w->tick = sl__get_u64(r);
  w->phase = w->tick % (uint64_t)w->base.obj.param[AD_CLOCK].i;
  w->n_detections = sl__get_u64(r);
  w->n_rows = (uint32_t)sl__get_count(r, w->rows_cap);
  if (!sl__expect(r, w->n_rows >= 1)) return;
  for (i = 0; i < w->n_rows && r->st == SL_OK; i++) {
    uint32_t k, c = (uint32_t)sl__get_count(r, w->per_row - 1);
    w->count[i] = w->head[i] = 0;
    for (k = 0; k < c; k++) {
      double s = sl__get_f64(r), v = sl__get_f64(r);
      ad_row_push(w, i, s, v);
    }
    held += (double)c * (double)((uint64_t)1 << i);
  }
  sl__expect(r, held == w->width && (w->n_rows == 1 || w->count[w->n_rows - 1] > 0));
}

static sl_status ad_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                          const sl_allocator *a) {
  sl_drift *d = NULL;
  sl__adwin *w;
  sl_status st = sl__drift_create(&d, &sl__adwin_kind, sizeof(sl__adwin), params, a);
  *out = (sl__object *)d;
  if (st != SL_OK) return st;
  (void)args;
  w = (sl__adwin *)d;
  if ((st = ad_alloc(w)) != SL_OK) return st;
  ad_reset(d);
  if (r) ad_load(w, r);
  return r ? r->st : SL_OK;
}

static void ad_destroy(sl__object *o) {
  sl__adwin *w = (sl__adwin *)o;
  sl__free(&o->mem, w->sum, w->block);
  sl__object_delete(o, sizeof(sl__adwin));
}

static const sl__drift_ops ad_ops = {SL__DRIFT_REAL, ad_update, ad_reset};

const sl__kind sl__adwin_kind = {
    SL__HANDLE_DRIFT, SL_DRIFT_ADWIN, "adwin", ad_params, sizeof ad_params / sizeof ad_params[0],
    ad_stats, sizeof ad_stats / sizeof ad_stats[0], ad_configure, ad_stat, ad_save, ad_build, ad_destroy, &ad_ops,
};
