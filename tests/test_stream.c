/* sl_stream: the handle contract, determinism, and each generator's concept
 * checked row by row (known answers) or by rates (noise, balance, drift). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "streamlearn.h"
#include "support/contract.h"
#include "support/testalloc.h"

#define N_KINDS 9
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int sink(void *user, const void *buf, size_t len) {
  (void)buf;
  *(size_t *)user += len;
  return 0;
}

static sl_stream *make(sl_stream_kind kind) {
  sl_stream *s = NULL;
  cr_assert_eq(sl_stream_new(&s, kind, NULL), SL_OK);
  return s;
}

static size_t nf_of(const sl_stream *s) {
  sl_stream_info info;
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  return info.n_features;
}

/* `rows` rows into fresh arrays (free both). */
static void draw(sl_stream *s, size_t rows, double **X, double **y) {
  size_t nf = nf_of(s);
  *X = malloc((rows * nf + 1) * sizeof **X);
  *y = malloc(rows * sizeof **y);
  cr_assert_eq(sl_stream_next(s, *X, nf, *y, rows), SL_OK, "%s", sl_stream_last_error(s));
}

/* ---- the handle -------------------------------------------------------------- */

Test(stream_handle, kinds_names_and_parameters) {
  static const char *const names[N_KINDS] = {"sea",    "agrawal", "hyperplane", "random_rbf",   "stagger",
                                             "led",    "sine",    "friedman",   "concept_drift"};
  const sl_param_info *info;
  int k, kind;
  for (k = 0; k < N_KINDS; k++) {
    sl_stream *s = make((sl_stream_kind)k);
    cr_assert_str_eq(sl_stream_kind_name(k), names[k]);
    cr_assert_eq(sl_stream_kind_from_name(names[k], &kind), SL_OK);
    cr_assert_eq(kind, k);
    cr_assert_eq(sl_stream_kind_param(k, 0, &info), SL_OK);
    cr_assert(strncmp(info->name, "seed", 4) == 0, "parameter 0 of %s is its seed", names[k]);
    sl_stream_free(s);
  }
  cr_assert_eq(sl_stream_kind_from_name("nope", &kind), SL_EKIND);
  cr_assert_null(sl_stream_kind_name(N_KINDS));
}

Test(stream_handle, bad_arguments_change_nothing) {
  sl_stream *s = NULL, *t;
  double x[16], y;
  char name[4];
  sl_stream_info info;
  cr_assert_eq(sl_stream_new(NULL, SL_STREAM_SEA, NULL), SL_EINVAL);
  cr_assert_eq(sl_stream_new(&s, (sl_stream_kind)99, NULL), SL_EKIND);
  cr_assert_null(s);
  cr_assert_eq(sl_stream_next(NULL, x, 3, &y, 1), SL_EINVAL);
  cr_assert_eq(sl_stream_describe(NULL, &info), SL_EINVAL);
  cr_assert_eq(sl_stream_reset(NULL), SL_EINVAL);
  sl_stream_free(NULL);
  s = make(SL_STREAM_SEA);
  cr_assert_eq(sl_stream_next(s, NULL, 3, &y, 1), SL_EINVAL);
  cr_assert_eq(sl_stream_next(s, x, 4, &y, 1), SL_EDIM);
  cr_assert_neq(strstr(sl_stream_last_error(s), "3 features"), NULL);
  cr_assert_eq(sl_stream_next(s, NULL, 3, NULL, 0), SL_OK, "zero rows is fine");
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  cr_assert_eq(info.rows, 0, "rejected calls produced nothing");
  cr_assert_eq(sl_stream_set_int(s, "variant", 4), SL_ERANGE);
  cr_assert_eq(sl_stream_set_double(s, "noise", NAN), SL_ENONFINITE);
  cr_assert_eq(sl_stream_feature(s, 3, name, sizeof name, NULL), SL_ENOTFOUND);
  cr_assert_eq(sl_stream_feature(s, 0, NULL, 4, NULL), SL_EINVAL);
  t = make(SL_STREAM_AGRAWAL);
  cr_assert_eq(sl_stream_feature(t, 1, name, sizeof name, NULL), SL_EBUFFER, "'commission' needs 11 bytes");
  {
    sl_stream *cd = NULL;
    cr_assert_eq(sl_stream_concept_drift(&cd, s, s, NULL), SL_EINVAL);
  }
  cr_assert_eq(sl_stream_concept_drift(NULL, s, t, NULL), SL_EINVAL);
  {
    sl_stream *cd = NULL;
    cr_assert_eq(sl_stream_concept_drift(&cd, s, t, NULL), SL_EDIM, "3 and 9 features");
    cr_assert_null(cd);
  }
  sl_stream_free(t);
  sl_stream_free(s);
}

Test(stream_handle, describe_and_features) {
  sl_stream *s = make(SL_STREAM_AGRAWAL);
  sl_stream_info info;
  char name[32];
  unsigned nv;
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  cr_assert_eq(info.n_features, 9);
  cr_assert_eq(info.n_classes, 2);
  cr_assert_eq(info.n_nominal, 3);
  cr_assert_eq(sl_stream_feature(s, 4, name, sizeof name, &nv), SL_OK);
  cr_assert_str_eq(name, "car");
  cr_assert_eq(nv, 20);
  cr_assert_eq(sl_stream_feature(s, 0, name, sizeof name, &nv), SL_OK);
  cr_assert_str_eq(name, "salary");
  cr_assert_eq(nv, 0);
  sl_stream_free(s);
  s = make(SL_STREAM_HYPERPLANE);
  cr_assert_eq(sl_stream_set_int(s, "n_features", 12), SL_OK);
  cr_assert_eq(sl_stream_feature(s, 11, name, sizeof name, &nv), SL_OK);
  cr_assert_str_eq(name, "x11");
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  cr_assert_eq(info.n_features, 12);
  sl_stream_free(s);
  s = make(SL_STREAM_FRIEDMAN);
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  cr_assert_eq(info.n_classes, 0, "regression");
  sl_stream_free(s);
}

Test(stream_handle, shaping_parameters_lock_after_the_first_row) {
  sl_stream *s = make(SL_STREAM_HYPERPLANE);
  double x[10], y;
  cr_assert_eq(sl_stream_next(s, x, 10, &y, 1), SL_OK);
  cr_assert_eq(sl_stream_set_int(s, "n_features", 5), SL_ESTATE);
  cr_assert_eq(sl_stream_set_int(s, "seed", 5), SL_ESTATE);
  cr_assert_eq(sl_stream_set_double(s, "mag_change", 0.01), SL_OK, "concept parameters may change mid-stream");
  cr_assert_eq(nf_of(s), 10);
  sl_stream_free(s);
}

Test(stream_handle, same_seed_same_rows_and_reset_replays) {
  int k;
  for (k = 0; k < N_KINDS; k++) {
    sl_stream *a = make((sl_stream_kind)k), *b = make((sl_stream_kind)k);
    double *Xa, *ya, *Xb, *yb, *Xc, *yc;
    size_t nf = nf_of(a);
    draw(a, 500, &Xa, &ya);
    draw(b, 500, &Xb, &yb);
    cr_assert(memcmp(Xa, Xb, 500 * nf * sizeof(double)) == 0 && memcmp(ya, yb, 500 * sizeof(double)) == 0,
              "kind %d differs between two handles", k);
    cr_assert_eq(sl_stream_reset(a), SL_OK);
    draw(a, 500, &Xc, &yc);
    cr_assert(memcmp(Xa, Xc, 500 * nf * sizeof(double)) == 0 && memcmp(ya, yc, 500 * sizeof(double)) == 0,
              "kind %d: reset does not replay", k);
    free(Xc);
    free(yc);
    sl_stream_free(b);
    b = make((sl_stream_kind)k);
    cr_assert_eq(sl_stream_set_int(b, sl_stream_kind_name(k)[0] == 'r' ? "seed_sample" : "seed", 2), SL_OK);
    draw(b, 500, &Xc, &yc);
    /* concept_drift's seed only picks between its streams, all from the first this early */
    cr_assert(k == SL_STREAM_CONCEPT_DRIFT || memcmp(Xa, Xc, 500 * nf * sizeof(double)) != 0,
              "kind %d ignores its seed", k);
    free(Xa), free(ya), free(Xb), free(yb), free(Xc), free(yc);
    sl_stream_free(a);
    sl_stream_free(b);
  }
}

Test(stream_handle, checkpoint_contract_and_exact_resume) {
  int k;
  for (k = 0; k < N_KINDS; k++) {
    sl_stream *s = make((sl_stream_kind)k), *t = NULL;
    double *X, *y, *X2, *y2;
    size_t len, nf = nf_of(s);
    unsigned char *buf;
    if (k == SL_STREAM_RANDOM_RBF) cr_assert_eq(sl_stream_set_double(s, "change_speed", 0.01), SL_OK);
    if (k == SL_STREAM_AGRAWAL) cr_assert_eq(sl_stream_set_int(s, "balance_classes", 1), SL_OK);
    CHECK_CHECKPOINT_CONTRACT(stream, s);
    draw(s, 333, &X, &y);
    free(X), free(y);
    CHECK_CHECKPOINT_CONTRACT(stream, s);
    cr_assert_eq(sl_stream_save_mem(s, 0, NULL, 0, &len), SL_EBUFFER);
    buf = malloc(len);
    cr_assert_eq(sl_stream_save_mem(s, 0, buf, len, &len), SL_OK);
    cr_assert_eq(sl_stream_load_mem(&t, buf, len, NULL), SL_OK, "kind %d: %s", k, sl_stream_last_error(s));
    draw(s, 700, &X, &y);
    draw(t, 700, &X2, &y2);
    cr_assert(memcmp(X, X2, 700 * nf * sizeof(double)) == 0 && memcmp(y, y2, 700 * sizeof(double)) == 0,
              "kind %d: the loaded stream goes on differently", k);
    free(X), free(y), free(X2), free(y2), free(buf);
    sl_stream_free(s);
    sl_stream_free(t);
  }
}

static sl_status lifecycle(const sl_allocator *a, void *ctx) {
  sl_stream *s = NULL, *t = NULL, *u = NULL, *cd = NULL;
  double x[64], y;
  static unsigned char buf[1 << 16];
  size_t len;
  sl_status st;
  int k = *(int *)ctx, i;
  if ((st = sl_stream_new(&s, (sl_stream_kind)k, a)) != SL_OK) return st;
  if (k == SL_STREAM_HYPERPLANE && (st = sl_stream_set_int(s, "n_features", 20)) != SL_OK) goto out;
  for (i = 0; i < 20; i++) sl_stream_next(s, x, nf_of(s), &y, 1);
  if ((st = sl_stream_save_mem(s, 0, buf, sizeof buf, &len)) != SL_OK) goto out;
  if ((st = sl_stream_load_mem(&t, buf, len, a)) != SL_OK) goto out;
  if ((st = sl_stream_new(&u, (sl_stream_kind)k, a)) != SL_OK) goto out;
  if (k == SL_STREAM_HYPERPLANE && (st = sl_stream_set_int(u, "n_features", 20)) != SL_OK) goto out;
  if ((st = sl_stream_concept_drift(&cd, t, u, a)) != SL_OK) goto out;
  t = u = NULL;
  len = 0;
  st = sl_stream_write_csv(cd, 5, sink, &len);
out:
  sl_stream_free(cd);
  sl_stream_free(u);
  sl_stream_free(t);
  sl_stream_free(s);
  return st;
}

Test(stream_handle, every_allocation_failure_is_clean) {
  int k;
  for (k = 0; k < N_KINDS; k++) cr_assert_gt(test_alloc_sweep(lifecycle, &k), 0);
}

/* ---- SEA --------------------------------------------------------------------- */

Test(sea, labels_follow_the_threshold_and_noise_rate) {
  static const double thr[4] = {8, 9, 7, 9.5};
  int v;
  for (v = 0; v < 4; v++) {
    sl_stream *s = make(SL_STREAM_SEA);
    double *X, *y;
    size_t i, flips = 0, n = 20000;
    cr_assert_eq(sl_stream_set_int(s, "variant", v), SL_OK);
    cr_assert_eq(sl_stream_set_double(s, "noise", v * 0.1), SL_OK);
    draw(s, n, &X, &y);
    for (i = 0; i < n; i++) {
      cr_assert(X[3 * i] >= 0 && X[3 * i] < 10 && X[3 * i + 2] >= 0 && X[3 * i + 2] < 10);
      flips += y[i] != (double)(X[3 * i] + X[3 * i + 1] > thr[v]);
    }
    /* binomial: 5 standard deviations */
    cr_assert(fabs(flips / (double)n - v * 0.1) <= 5 * sqrt(0.1 * 0.9 / n) + 1e-12, "variant %d: flip rate %g", v,
              flips / (double)n);
    free(X), free(y);
    sl_stream_free(s);
  }
}

Test(sea, switch_every_changes_concept_exactly_there) {
  static const double thr[4] = {8, 9, 7, 9.5};
  sl_stream *s = make(SL_STREAM_SEA);
  double *X, *y;
  size_t i;
  cr_assert_eq(sl_stream_set_int(s, "switch_every", 250), SL_OK);
  cr_assert_eq(sl_stream_set_int(s, "variant", 1), SL_OK);
  draw(s, 2000, &X, &y);
  for (i = 0; i < 2000; i++)
    cr_assert_eq(y[i], (double)(X[3 * i] + X[3 * i + 1] > thr[(1 + i / 250) % 4]), "row %zu", i);
  free(X), free(y);
  sl_stream_free(s);
}

/* ---- Agrawal ------------------------------------------------------------------- */

Test(agrawal, ranges_both_classes_and_balance) {
  int f;
  for (f = 0; f < 10; f++) {
    sl_stream *s = make(SL_STREAM_AGRAWAL);
    double *X, *y;
    size_t i, ones = 0, n = 4000;
    cr_assert_eq(sl_stream_set_int(s, "classification_function", f), SL_OK);
    draw(s, n, &X, &y);
    for (i = 0; i < n; i++) {
      const double *x = X + 9 * i;
      cr_assert(x[0] >= 20000 && x[0] < 150000 && x[2] >= 20 && x[2] <= 80 && x[3] >= 0 && x[3] <= 4);
      cr_assert(x[4] >= 1 && x[4] <= 20 && x[5] >= 0 && x[5] <= 8 && x[7] >= 1 && x[7] <= 30 && x[8] < 500000);
      cr_assert(x[0] >= 75000 ? x[1] == 0 : (x[1] >= 10000 && x[1] < 85000));
      ones += y[i] == 1;
    }
    cr_assert(ones > 0 && ones < n, "function %d has a single class", f);
    free(X), free(y);
    cr_assert_eq(sl_stream_set_int(s, "balance_classes", 1), SL_OK);
    draw(s, 200, &X, &y);
    for (i = 0; i < 200; i++) cr_assert_eq(y[i], (double)((i + 1) % 2), "function %d row %zu", f, i);
    free(X), free(y);
    sl_stream_free(s);
  }
}

Test(agrawal, perturbation_keeps_ranges_and_moves_values) {
  sl_stream *a = make(SL_STREAM_AGRAWAL), *b = make(SL_STREAM_AGRAWAL);
  double *Xa, *ya, *Xb, *yb;
  size_t i, moved = 0;
  cr_assert_eq(sl_stream_set_double(b, "perturbation", 0.2), SL_OK);
  draw(a, 1, &Xa, &ya);
  draw(b, 3000, &Xb, &yb);
  for (i = 0; i < 3000; i++) {
    const double *x = Xb + 9 * i;
    cr_assert(x[0] >= 20000 && x[0] <= 150000 && x[2] >= 20 && x[2] <= 80 && x[7] >= 1 && x[7] <= 30);
    cr_assert(x[6] >= (8 - x[5]) * 50000 && x[6] <= (8 - x[5]) * 150000);
    cr_assert_eq(x[2], floor(x[2]), "age stays whole");
  }
  moved = Xa[0] != Xb[0];
  cr_assert(moved, "salary perturbed");
  free(Xa), free(ya), free(Xb), free(yb);
  sl_stream_free(a);
  sl_stream_free(b);
}

/* ---- Hyperplane ---------------------------------------------------------------- */

Test(hyperplane, noise_rate_and_drifting_weights) {
  sl_stream *a = make(SL_STREAM_HYPERPLANE), *b = make(SL_STREAM_HYPERPLANE);
  double *Xa, *ya, *Xb, *yb;
  size_t i, diff = 0, n = 20000;
  cr_assert_eq(sl_stream_set_double(a, "noise_percentage", 0), SL_OK);
  cr_assert_eq(sl_stream_set_double(b, "noise_percentage", 0.3), SL_OK);
  draw(a, n, &Xa, &ya);
  draw(b, n, &Xb, &yb);
  cr_assert(memcmp(Xa, Xb, n * 10 * sizeof(double)) == 0, "noise leaves the features alone");
  for (i = 0; i < n; i++) diff += ya[i] != yb[i];
  cr_assert(fabs(diff / (double)n - 0.3) < 5 * sqrt(0.21 / n), "flip rate %g", diff / (double)n);
  free(Xa), free(ya), free(Xb), free(yb);
  sl_stream_free(a);
  sl_stream_free(b);
  /* Without mag_change the concept is fixed, with it the labels of the same
   * points change. */
  a = make(SL_STREAM_HYPERPLANE);
  b = make(SL_STREAM_HYPERPLANE);
  cr_assert_eq(sl_stream_set_double(a, "noise_percentage", 0), SL_OK);
  cr_assert_eq(sl_stream_set_double(b, "noise_percentage", 0), SL_OK);
  cr_assert_eq(sl_stream_set_double(b, "mag_change", 0.01), SL_OK);
  draw(a, n, &Xa, &ya);
  draw(b, n, &Xb, &yb);
  for (diff = 0, i = n / 2; i < n; i++) diff += ya[i] != yb[i];
  cr_assert_gt(diff, n / 100, "drifting weights relabel points");
  free(Xa), free(ya), free(Xb), free(yb);
  sl_stream_free(a);
  sl_stream_free(b);
}

/* ---- Random RBF ---------------------------------------------------------------- */

Test(random_rbf, classes_in_range_and_centroids_drift) {
  sl_stream *a = make(SL_STREAM_RANDOM_RBF), *b = make(SL_STREAM_RANDOM_RBF);
  double *Xa, *ya, *Xb, *yb;
  size_t i, n = 5000, seen[5] = {0};
  sl_stream_info info;
  cr_assert_eq(sl_stream_set_int(a, "n_classes", 5), SL_OK);
  cr_assert_eq(sl_stream_set_int(a, "n_features", 4), SL_OK);
  cr_assert_eq(sl_stream_describe(a, &info), SL_OK);
  cr_assert_eq(info.n_classes, 5);
  draw(a, n, &Xa, &ya);
  for (i = 0; i < n; i++) {
    cr_assert(ya[i] >= 0 && ya[i] < 5 && ya[i] == floor(ya[i]));
    seen[(int)ya[i]]++;
  }
  for (i = 0; i < 5; i++) cr_assert_gt(seen[i], 0, "class %zu never drawn", i);
  free(Xa), free(ya);
  sl_stream_free(a);
  a = make(SL_STREAM_RANDOM_RBF);
  cr_assert_eq(sl_stream_set_double(b, "change_speed", 0.001), SL_OK);
  draw(a, n, &Xa, &ya);
  draw(b, n, &Xb, &yb);
  cr_assert(memcmp(ya, yb, n * sizeof(double)) == 0, "drift moves centres, not classes or choices");
  cr_assert(Xa[0] == Xb[0] || fabs(Xa[0] - Xb[0]) < 0.01, "first row: centres moved by one step");
  cr_assert(fabs(Xa[10 * (n - 1)] - Xb[10 * (n - 1)]) > 1e-6, "late rows: centres have moved");
  free(Xa), free(ya), free(Xb), free(yb);
  sl_stream_free(a);
  sl_stream_free(b);
}

/* ---- STAGGER, Sine, LED -------------------------------------------------------------- */

Test(stagger, concepts_and_balance) {
  int f;
  for (f = 0; f < 3; f++) {
    sl_stream *s = make(SL_STREAM_STAGGER);
    double *X, *y;
    size_t i;
    cr_assert_eq(sl_stream_set_int(s, "classification_function", f), SL_OK);
    cr_assert_eq(sl_stream_set_int(s, "balance_classes", 1), SL_OK);
    draw(s, 1000, &X, &y);
    for (i = 0; i < 1000; i++) {
      const double *x = X + 3 * i;
      int want = f == 0 ? (x[0] == 0 && x[1] == 0) : f == 1 ? (x[1] == 2 || x[2] == 0) : (x[0] >= 1);
      cr_assert_eq(y[i], (double)want);
      cr_assert_eq(y[i], (double)((i + 1) % 2), "balanced");
    }
    free(X), free(y);
    sl_stream_free(s);
  }
}

Test(sine, concepts_and_noise_features) {
  int f;
  for (f = 0; f < 4; f++) {
    sl_stream *s = make(SL_STREAM_SINE);
    double *X, *y;
    size_t i;
    cr_assert_eq(sl_stream_set_int(s, "classification_function", f), SL_OK);
    cr_assert_eq(sl_stream_set_int(s, "has_noise", 1), SL_OK);
    cr_assert_eq(nf_of(s), 4);
    draw(s, 2000, &X, &y);
    for (i = 0; i < 2000; i++) {
      const double *x = X + 4 * i;
      double b = f < 2 ? sin(x[1]) : 0.5 + 0.3 * sin(3 * M_PI * x[1]);
      int zero = f % 2 == 0 ? x[0] >= b : x[0] < b;
      cr_assert_eq(y[i], zero ? 0.0 : 1.0, "function %d row %zu", f, i);
    }
    free(X), free(y);
    sl_stream_free(s);
  }
}

static const int segs[10][7] = {{1, 1, 1, 0, 1, 1, 1}, {0, 0, 1, 0, 0, 1, 0}, {1, 0, 1, 1, 1, 0, 1},
                                {1, 0, 1, 1, 0, 1, 1}, {0, 1, 1, 1, 0, 1, 0}, {1, 1, 0, 1, 0, 1, 1},
                                {1, 1, 0, 1, 1, 1, 1}, {1, 0, 1, 0, 0, 1, 0}, {1, 1, 1, 1, 1, 1, 1},
                                {1, 1, 1, 1, 0, 1, 1}};

Test(led, segments_noise_and_drift) {
  sl_stream *s = make(SL_STREAM_LED);
  double *X, *y;
  size_t i, j, flips = 0, n = 20000, moved = 0;
  draw(s, 1000, &X, &y);
  for (i = 0; i < 1000; i++)
    for (j = 0; j < 7; j++) cr_assert_eq(X[7 * i + j], (double)segs[(int)y[i]][j]);
  free(X), free(y);
  sl_stream_free(s);
  s = make(SL_STREAM_LED);
  cr_assert_eq(sl_stream_set_double(s, "noise_percentage", 0.1), SL_OK);
  cr_assert_eq(sl_stream_set_int(s, "irrelevant_features", 1), SL_OK);
  cr_assert_eq(nf_of(s), 24);
  draw(s, n, &X, &y);
  for (i = 0; i < n; i++) {
    for (j = 0; j < 7; j++) flips += X[24 * i + j] != segs[(int)y[i]][j];
    for (j = 7; j < 24; j++) cr_assert(X[24 * i + j] == 0 || X[24 * i + j] == 1);
  }
  cr_assert(fabs(flips / (7.0 * n) - 0.1) < 5 * sqrt(0.09 / (7.0 * n)), "segment flip rate %g", flips / (7.0 * n));
  free(X), free(y);
  sl_stream_free(s);
  s = make(SL_STREAM_LED);
  cr_assert_eq(sl_stream_set_int(s, "irrelevant_features", 1), SL_OK);
  cr_assert_eq(sl_stream_set_int(s, "n_drift_features", 3), SL_OK);
  draw(s, 1000, &X, &y);
  for (j = 0; j < 7; j++) {
    int same = 1;
    for (i = 0; i < 1000; i++) same &= X[24 * i + j] == segs[(int)y[i]][j];
    moved += !same;
  }
  cr_assert_eq(moved, 3, "three segments left their columns");
  free(X), free(y);
  sl_stream_free(s);
}

/* ---- Friedman -------------------------------------------------------------------- */

static double friedman1(const double *x, int a, int b, int c, int d, int e) {
  return 10 * sin(M_PI * x[a] * x[b]) + 20 * (x[c] - 0.5) * (x[c] - 0.5) + 10 * x[d] + 5 * x[e];
}

/* Mean and variance of y - f(x) over rows [from, to). */
static void residuals(const double *X, const double *y, size_t from, size_t to, int a, int b, int c, int d, int e,
                      double *mean, double *var) {
  double s = 0, ss = 0;
  size_t i;
  for (i = from; i < to; i++) {
    double r = y[i] - friedman1(X + 10 * i, a, b, c, d, e);
    s += r;
    ss += r * r;
  }
  *mean = s / (to - from);
  *var = ss / (to - from) - *mean * *mean;
}

Test(friedman, unit_noise_around_the_function_and_gra_drift) {
  sl_stream *s = make(SL_STREAM_FRIEDMAN);
  double *X, *y, m, v;
  draw(s, 20000, &X, &y);
  residuals(X, y, 0, 20000, 0, 1, 2, 3, 4, &m, &v);
  cr_assert(fabs(m) < 0.05 && fabs(v - 1) < 0.06, "residual mean %g variance %g", m, v);
  free(X), free(y);
  sl_stream_free(s);
  s = make(SL_STREAM_FRIEDMAN);
  cr_assert_eq(sl_stream_set_str(s, "drift_type", "gra"), SL_OK);
  cr_assert_eq(sl_stream_set_int(s, "position_1", 5000), SL_OK);
  cr_assert_eq(sl_stream_set_int(s, "position_2", 10000), SL_OK);
  draw(s, 15000, &X, &y);
  residuals(X, y, 0, 5000, 0, 1, 2, 3, 4, &m, &v);
  cr_assert(fabs(v - 1) < 0.1, "first concept: variance %g", v);
  residuals(X, y, 5000, 10000, 3, 5, 1, 0, 2, &m, &v);
  cr_assert(fabs(v - 1) < 0.1, "drifted concept: variance %g", v);
  residuals(X, y, 10000, 15000, 0, 1, 2, 3, 4, &m, &v);
  cr_assert(fabs(v - 1) < 0.1, "recurring concept: variance %g", v);
  residuals(X, y, 5000, 10000, 0, 1, 2, 3, 4, &m, &v);
  cr_assert_gt(v, 5, "the first concept does not fit the drifted rows");
  free(X), free(y);
  sl_stream_free(s);
}

/* ---- concept drift ------------------------------------------------------------------- */

/* Two SEA streams with different thresholds; rows whose label tells which
 * concept made them (x0 + x1 between the thresholds) show the switch. */
static sl_stream *sea_pair(double position, double width) {
  sl_stream *a = make(SL_STREAM_SEA), *b = make(SL_STREAM_SEA), *cd = NULL;
  cr_assert_eq(sl_stream_set_int(a, "variant", 2), SL_OK); /* threshold 7 */
  cr_assert_eq(sl_stream_set_int(b, "variant", 3), SL_OK); /* threshold 9.5 */
  cr_assert_eq(sl_stream_set_int(b, "seed", 7), SL_OK);
  cr_assert_eq(sl_stream_concept_drift(&cd, a, b, NULL), SL_OK);
  cr_assert_eq(sl_stream_set_double(cd, "position", position), SL_OK);
  cr_assert_eq(sl_stream_set_double(cd, "width", width), SL_OK);
  return cd;
}

Test(concept_drift, abrupt_switch_at_the_position) {
  sl_stream *cd = sea_pair(1000, 1);
  double *X, *y;
  size_t i, n = 3000;
  draw(cd, n, &X, &y);
  for (i = 0; i < n; i++) {
    double s = X[3 * i] + X[3 * i + 1];
    /* width 1: P(second) is 1 / (1 + e^-4(t - 1000)), within 2e-9 of 0 or 1 five rows away */
    if (s > 7 && s <= 9.5 && (i + 1 <= 995 || i + 1 >= 1005))
      cr_assert_eq(y[i], i + 1 < 1000 ? 1.0 : 0.0, "row %zu (t = %zu)", i, i + 1);
  }
  free(X), free(y);
  sl_stream_free(cd);
}

Test(concept_drift, sigmoid_blend_rate_and_nested_checkpoint) {
  sl_stream *cd = sea_pair(5000, 2000), *copy = NULL;
  double *X, *y;
  size_t i, second = 0, telling = 0, len;
  unsigned char *buf;
  draw(cd, 10000, &X, &y);
  /* Around t = position the two concepts are equally likely; over
   * [position - w/4, position + w/4] the mean of the sigmoid is 1/2 too. */
  for (i = 4500; i < 5500; i++) {
    double s = X[3 * i] + X[3 * i + 1];
    if (s > 7 && s <= 9.5) {
      telling++;
      second += y[i] == 0.0;
    }
  }
  cr_assert(fabs(second / (double)telling - 0.5) < 5 * sqrt(0.25 / telling), "%zu of %zu", second, telling);
  free(X), free(y);
  CHECK_CHECKPOINT_CONTRACT(stream, cd);
  cr_assert_eq(sl_stream_save_mem(cd, 0, NULL, 0, &len), SL_EBUFFER);
  buf = malloc(len);
  cr_assert_eq(sl_stream_save_mem(cd, 0, buf, len, &len), SL_OK);
  cr_assert_eq(sl_stream_load_mem(&copy, buf, len, NULL), SL_OK);
  {
    double *X2, *y2;
    draw(cd, 100, &X, &y);
    draw(copy, 100, &X2, &y2);
    cr_assert(memcmp(X, X2, 300 * sizeof(double)) == 0 && memcmp(y, y2, 100 * sizeof(double)) == 0);
    free(X), free(y), free(X2), free(y2);
  }
  free(buf);
  sl_stream_free(copy);
  sl_stream_free(cd);
}

/* The payload of stream `s`'s checkpoint (without header and trailer). */
static unsigned char *payload_of(const sl_stream *s, size_t *len) {
  size_t n = 0;
  unsigned char *b;
  cr_assert_eq(sl_stream_save_mem(s, 0, NULL, 0, &n), SL_EBUFFER);
  b = malloc(n);
  cr_assert_eq(sl_stream_save_mem(s, 0, b, n, &n), SL_OK);
  *len = n - SL__CKPT_HEADER - SL__CKPT_TRAILER;
  memmove(b, b + SL__CKPT_HEADER, *len);
  return b;
}

static void put_le(unsigned char *b, uint64_t v, int n) {
  int i;
  for (i = 0; i < n; i++) b[i] = (unsigned char)(v >> (8 * i));
}

/* A checkpoint of concept-drift streams nested `levels` deep, each
 * blending the next level into a SEA stream: built from the bytes of a
 * one-level stream, as a hostile file would be (free it). */
static unsigned char *nested_checkpoint(size_t levels, size_t *len) {
  sl_stream *sea = make(SL_STREAM_SEA), *cd;
  size_t nsea, ncd, head, i, at;
  unsigned char *psea = payload_of(sea, &nsea), *pcd, *b;
  cr_assert_eq(sl_stream_concept_drift(&cd, sea, make(SL_STREAM_SEA), NULL), SL_OK);
  pcd = payload_of(cd, &ncd);
  sl_stream_free(cd);
  head = ncd - 2 * (3 + nsea); /* the concept-drift stream's own part; its two SEA children follow */
  *len = SL__CKPT_HEADER + levels * (head + 3 + 3 + nsea) + nsea + SL__CKPT_TRAILER;
  b = malloc(*len);
  at = SL__CKPT_HEADER;
  for (i = 0; i < levels; i++) { /* level i's own part, then its first stream... */
    memcpy(b + at, pcd, head);
    at += head;
    b[at++] = 6; /* handle type: stream */
    put_le(b + at, i + 1 < levels ? SL_STREAM_CONCEPT_DRIFT : SL_STREAM_SEA, 2);
    at += 2;
    if (i + 1 == levels) {
      memcpy(b + at, psea, nsea);
      at += nsea;
    }
  }
  for (i = 0; i < levels; i++) { /* ...and, innermost first, each level's second stream */
    memcpy(b + at, pcd + head, 3 + nsea);
    at += 3 + nsea;
  }
  cr_assert_eq(at + SL__CKPT_TRAILER, *len);
  memcpy(b, "SLCK", 4);
  put_le(b + 4, SL__CKPT_VERSION, 2);
  b[6] = 6;
  b[7] = 0;
  put_le(b + 8, SL_STREAM_CONCEPT_DRIFT, 2);
  put_le(b + 10, 0, 2);
  put_le(b + 12, at - SL__CKPT_HEADER, 8);
  put_le(b + 20, at - SL__CKPT_HEADER, 8);
  put_le(b + 28, sl__crc32c(0, b, 28), 4);
  put_le(b + at, sl__crc32c(0, b + SL__CKPT_HEADER, at - SL__CKPT_HEADER), 4);
  free(psea);
  free(pcd);
  return b;
}

/* Loading recurses once per level: a checkpoint nested deeper than 32
 * levels is refused before it can exhaust the stack (found by reading the
 * loader for fuzz_load: 60 bytes a level made a 1 MiB file a crash), and
 * sl_stream_concept_drift builds no stream whose checkpoint would not load. */
Test(concept_drift, nesting_is_bounded_on_load_and_on_build) {
  sl_stream *s = make(SL_STREAM_SEA), *next, *extra = make(SL_STREAM_SEA), *copy = NULL;
  size_t len, i;
  unsigned char *b;
  test_alloc ta;
  for (i = 0; i < 32; i++) cr_assert_eq(sl_stream_concept_drift(&s, s, make(SL_STREAM_SEA), NULL), SL_OK);
  cr_assert_eq(sl_stream_concept_drift(&next, s, extra, NULL), SL_EFULL);
  cr_assert_null(next);
  cr_assert_eq(sl_stream_concept_drift(&next, extra, s, NULL), SL_EFULL);
  sl_stream_free(extra); /* still the caller's */
  CHECK_CHECKPOINT_CONTRACT(stream, s);
  sl_stream_free(s);
  b = nested_checkpoint(32, &len);
  cr_assert_eq(sl_stream_load_mem(&copy, b, len, NULL), SL_OK);
  sl_stream_free(copy);
  free(b);
  test_alloc_init(&ta);
  b = nested_checkpoint(33, &len);
  cr_assert_eq(sl_stream_load_mem(&copy, b, len, &ta.a), SL_ECORRUPT);
  cr_assert_null(copy);
  free(b);
  b = nested_checkpoint(200000, &len);
  cr_assert_eq(sl_stream_load_mem(&copy, b, len, &ta.a), SL_ECORRUPT);
  cr_assert_null(copy);
  cr_assert_eq(ta.live_blocks, 0);
  free(b);
}

Test(concept_drift, default_is_agrawal_0_to_2_with_its_names) {
  sl_stream *cd = make(SL_STREAM_CONCEPT_DRIFT);
  sl_stream_info info;
  char name[16];
  cr_assert_eq(sl_stream_describe(cd, &info), SL_OK);
  cr_assert_eq(info.n_features, 9);
  cr_assert_eq(info.n_nominal, 3);
  cr_assert_eq(sl_stream_feature(cd, 8, name, sizeof name, NULL), SL_OK);
  cr_assert_str_eq(name, "loan");
  sl_stream_free(cd);
}

/* ---- label: the concept without noise ---------------------------------------------- */

Test(stream_label, agrees_with_noise_free_rows) {
  static const sl_stream_kind kinds[] = {SL_STREAM_SEA, SL_STREAM_AGRAWAL, SL_STREAM_STAGGER, SL_STREAM_SINE,
                                         SL_STREAM_HYPERPLANE};
  size_t k, i;
  for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    sl_stream *s = make(kinds[k]);
    size_t nf = nf_of(s);
    double x[16], y, want;
    if (kinds[k] == SL_STREAM_HYPERPLANE) {
      cr_assert_eq(sl_stream_set_double(s, "noise_percentage", 0), SL_OK);
      cr_assert_eq(sl_stream_set_double(s, "mag_change", 0), SL_OK);
    }
    for (i = 0; i < 2000; i++) {
      cr_assert_eq(sl_stream_next(s, x, nf, &y, 1), SL_OK);
      cr_assert_eq(sl_stream_label(s, x, nf, &want), SL_OK);
      cr_assert_eq(y, want, "kind %d row %zu", kinds[k], i);
    }
    x[0] = NAN;
    cr_assert_eq(sl_stream_label(s, x, nf, &want), SL_ENONFINITE);
    cr_assert_eq(sl_stream_label(s, x, nf + 1, &want), SL_EDIM);
    cr_assert_eq(sl_stream_label(s, NULL, nf, &want), SL_EINVAL);
    sl_stream_free(s);
  }
  {
    sl_stream *s = make(SL_STREAM_RANDOM_RBF);
    double x[10] = {0}, y;
    cr_assert_eq(sl_stream_label(s, x, 10, &y), SL_ENOTSUP);
    sl_stream_free(s);
  }
}
