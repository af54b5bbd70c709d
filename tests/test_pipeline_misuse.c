/* Every public call of the core, drift, model, replay, window and pipeline
 * headers given bad arguments: a NULL handle, each pointer NULL where the
 * header does not allow it, NaN / +Inf / -Inf for each double, a dimension
 * or count that does not match, an out-of-range kind. Each returns its
 * documented status and leaves a valid handle byte-identical (tests/misuse.h).
 * The stream module, which the pipeline does not link, is in
 * tests/test_stream_misuse.c. Coverage check:
 *   python3 scripts/list-api.py --check tests/test_pipeline_misuse.c tests/test_stream_misuse.c */
#include <stdint.h>

#include "support/misuse.h"

/* A checkpoint of a handle of type `noun` other than the one under test. */
static unsigned char *checkpoint_of_drift(size_t *len) {
  sl_drift *d;
  unsigned char *buf;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  MISUSE_SNAPSHOT(drift, d, buf, *len);
  sl_drift_free(d);
  return buf;
}

static unsigned char *checkpoint_of_model(size_t *len) {
  sl_model *m;
  unsigned char *buf;
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 2, NULL), SL_OK);
  MISUSE_SNAPSHOT(model, m, buf, *len);
  sl_model_free(m);
  return buf;
}

/* ---- common.h ------------------------------------------------------------------ */

Test(misuse_common, status_and_version) {
  cr_assert_str_eq(sl_strerror(SL_OK), "success");
  cr_assert_str_eq(sl_strerror(1), "unknown status");
  cr_assert_str_eq(sl_strerror(-1000), "unknown status");
  cr_assert_str_eq(sl_strerror(INT32_MIN), "unknown status");
  cr_assert_str_eq(sl_status_name(SL_STATUS_MIN_ - 1), "UNKNOWN");
  cr_assert_str_eq(sl_status_name(7), "UNKNOWN");
  cr_assert_str_eq(sl_status_name(SL_EBUFFER), "EBUFFER");
  cr_assert_eq(sl_version_number(), (unsigned)SL_VERSION_NUMBER);
  cr_assert_not_null(sl_version_string());
  cr_assert(sl_has_compression() == 0 || sl_has_compression() == 1);
}

Test(misuse_common, arena) {
  static unsigned char buf[4096];
  sl_allocator a, heap = {sizeof(sl_allocator), NULL, NULL, NULL};
  size_t used = 1, high = 1;
  EXPECT(SL_EINVAL, sl_arena_init(NULL, buf, sizeof buf));
  EXPECT(SL_EINVAL, sl_arena_init(&a, NULL, sizeof buf));
  EXPECT(SL_EFULL, sl_arena_init(&a, buf, 0));
  EXPECT(SL_EFULL, sl_arena_init(&a, buf + 1, 1));
  EXPECT(SL_OK, sl_arena_init(&a, buf, sizeof buf));
  EXPECT(SL_EINVAL, sl_arena_usage(NULL, &used, &high));
  EXPECT(SL_EINVAL, sl_arena_usage(&heap, &used, &high));
  EXPECT(SL_OK, sl_arena_usage(&a, NULL, NULL));
  EXPECT(SL_OK, sl_arena_usage(&a, &used, &high));
  cr_assert_eq(used, 0);
  EXPECT(SL_EINVAL, sl_arena_reset(NULL));
  EXPECT(SL_EINVAL, sl_arena_reset(&heap));
  EXPECT(SL_OK, sl_arena_reset(&a));
}

Test(misuse_common, inspect_and_hash) {
  sl_checkpoint_info info;
  size_t len;
  unsigned char *ck = checkpoint_of_drift(&len);
  EXPECT(SL_EINVAL, sl_checkpoint_inspect(NULL, len, &info));
  EXPECT(SL_EINVAL, sl_checkpoint_inspect(ck, len, NULL));
  EXPECT(SL_ECORRUPT, sl_checkpoint_inspect(ck, 0, &info));
  EXPECT(SL_ECORRUPT, sl_checkpoint_inspect(ck, len - 1, &info));
  EXPECT(SL_OK, sl_checkpoint_inspect(ck, len, &info));
  ck[0] ^= 1;
  EXPECT(SL_ECORRUPT, sl_checkpoint_inspect(ck, len, &info));
  free(ck);
  /* NULL data hashes no bytes: the result depends on len and seed only. */
  cr_assert_eq(sl_hash_bytes(NULL, 0, 7), sl_hash_bytes("abc", 0, 7));
  cr_assert_eq(sl_hash_bytes(NULL, 5, 7), sl_hash_bytes(NULL, 5, 7));
}

/* ---- drift.h ---------------------------------------------------------------------- */

Test(misuse_drift, create) {
  sl_drift *d = (sl_drift *)&d;
  EXPECT(SL_EINVAL, sl_drift_new(NULL, SL_DRIFT_ADWIN, NULL));
  EXPECT(SL_EKIND, sl_drift_new(&d, (sl_drift_kind)99, NULL));
  cr_assert_null(d);
  d = (sl_drift *)&d;
  EXPECT(SL_EKIND, sl_drift_new(&d, (sl_drift_kind)-1, NULL));
  cr_assert_null(d);
  d = (sl_drift *)&d;
  EXPECT(SL_EINVAL, sl_drift_new(&d, SL_DRIFT_ADWIN, &misuse_bad_alloc));
  cr_assert_null(d);
}

static void drift_calls(sl_drift_kind kind) {
  sl_drift *d;
  sl_drift_state s;
  double xs[3] = {0, 1, 0}, bad[3] = {0, 1, 0};
  size_t at[4], n_drift, n_warn, k;
  size_t len;
  unsigned char *other = checkpoint_of_model(&len);
  cr_assert_eq(sl_drift_new(&d, kind, NULL), SL_OK);
  for (k = 0; k < 50; k++) cr_assert_eq(sl_drift_update(d, (double)(k % 3 == 0), NULL), SL_OK);
  EXPECT(SL_EINVAL, sl_drift_update(NULL, 0, &s));
  for (k = 0; k < N_NONFINITE; k++) {
    EXPECT_UNCHANGED(drift, d, SL_ENONFINITE, sl_drift_update(d, misuse_nonfinite[k], &s));
    bad[1] = misuse_nonfinite[k];
    EXPECT_UNCHANGED(drift, d, SL_ENONFINITE,
                     sl_drift_update_many(d, bad, 3, at, 4, &n_drift, at, 4, &n_warn));
  }
  EXPECT(SL_EINVAL, sl_drift_update_many(NULL, xs, 3, at, 4, &n_drift, at, 4, &n_warn));
  EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_update_many(d, NULL, 3, at, 4, &n_drift, at, 4, &n_warn));
  EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_update_many(d, xs, 3, NULL, 4, &n_drift, at, 4, &n_warn));
  EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_update_many(d, xs, 3, at, 4, &n_drift, NULL, 4, &n_warn));
  EXPECT_UNCHANGED(drift, d, SL_OK, sl_drift_update_many(d, NULL, 0, NULL, 0, NULL, NULL, 0, NULL));
  EXPECT(SL_EINVAL, sl_drift_state_of(NULL, &s));
  EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_state_of(d, NULL));
  EXPECT(SL_EINVAL, sl_drift_reset(NULL));
  MISUSE_HANDLE_API(drift, d, kind, "delta", other, len);
  sl_drift_free(d);
  free(other);
}

Test(misuse_drift, calls) {
  drift_calls(SL_DRIFT_ADWIN);
}

Test(misuse_drift, binary_detectors_refuse_other_values) {
  sl_drift_kind kinds[2] = {SL_DRIFT_DDM, SL_DRIFT_EDDM};
  double xs[3] = {0, 0.5, 1};
  size_t k;
  for (k = 0; k < 2; k++) {
    sl_drift *d;
    cr_assert_eq(sl_drift_new(&d, kinds[k], NULL), SL_OK);
    EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_update(d, 0.5, NULL));
    EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_update(d, -1, NULL));
    EXPECT_UNCHANGED(drift, d, SL_EINVAL, sl_drift_update_many(d, xs, 3, NULL, 0, NULL, NULL, 0, NULL));
    sl_drift_free(d);
  }
}

/* ---- model.h ------------------------------------------------------------------- */

Test(misuse_model, create) {
  sl_model *m = (sl_model *)&m;
  EXPECT(SL_EINVAL, sl_model_new(NULL, SL_MODEL_LINEAR_REGRESSION, 3, NULL));
  EXPECT(SL_EKIND, sl_model_new(&m, (sl_model_kind)99, 3, NULL));
  cr_assert_null(m);
  EXPECT(SL_EKIND, sl_model_new(&m, (sl_model_kind)-1, 3, NULL));
  EXPECT(SL_EINVAL, sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 0, NULL));
  cr_assert_null(m);
  EXPECT(SL_EINVAL, sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, ((size_t)1 << 30) + 1, NULL));
  EXPECT(SL_EINVAL, sl_model_new(&m, SL_MODEL_HOEFFDING_TREE, 0, NULL));
  EXPECT(SL_EINVAL, sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 3, &misuse_bad_alloc));
  cr_assert_null(m);
}

/* A model of `kind` over 3 features that has learned a few rows. */
static sl_model *trained(sl_model_kind kind) {
  sl_model *m;
  double x[3];
  int i;
  cr_assert_eq(sl_model_new(&m, kind, 3, NULL), SL_OK);
  for (i = 0; i < 40; i++) {
    x[0] = i % 5, x[1] = (i * 7) % 3, x[2] = 1;
    cr_assert_eq(sl_model_learn(m, x, 3, (double)(i % 2), 1), SL_OK);
  }
  return m;
}

/* The dense learn / predict calls on `m` (3 features). */
static void model_dense_calls(sl_model *m, int classifier) {
  double x[3] = {1, 2, 3}, X[6] = {1, 2, 3, 4, 5, 6}, y[2] = {0, 1}, w[2] = {1, 1};
  double out[4], xb[3], yb[2], Xb[6], wb[2], p;
  size_t k;
  EXPECT(SL_EINVAL, sl_model_learn(NULL, x, 3, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, NULL, 3, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_learn(m, x, 2, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_learn(m, x, 4, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, 1, -1));
  EXPECT(SL_EINVAL, sl_model_predict_learn(NULL, x, 3, 1, 1, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_learn(m, NULL, 3, 1, 1, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_learn(m, x, 3, 1, 1, NULL));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict_learn(m, x, 2, 1, 1, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_learn(m, x, 3, 1, -1, &p));
  EXPECT(SL_EINVAL, sl_model_learn_many(NULL, X, 2, 3, y, w));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_many(m, NULL, 2, 3, y, w));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_many(m, X, 2, 3, NULL, w));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_learn_many(m, X, 2, 2, y, w));
  EXPECT(SL_EINVAL, sl_model_predict(NULL, x, 3, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict(m, NULL, 3, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict(m, x, 3, NULL));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict(m, x, 4, &p));
  EXPECT(SL_EINVAL, sl_model_predict_many(NULL, X, 2, 3, yb));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_many(m, NULL, 2, 3, yb));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_many(m, X, 2, 3, NULL));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict_many(m, X, 2, 2, yb));
  EXPECT(SL_EINVAL, sl_model_predict_proba(NULL, x, 3, out, 4));
  EXPECT(SL_EINVAL, sl_model_predict_proba_learn(NULL, x, 3, 1, 1, out, 4));
  if (classifier) {
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba(m, NULL, 3, out, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba(m, x, 3, NULL, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba(m, x, 3, out, 0));
    EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict_proba(m, x, 2, out, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_learn(m, NULL, 3, 1, 1, out, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_learn(m, x, 3, 1, 1, NULL, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_learn(m, x, 3, 1, 1, out, 0));
    EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict_proba_learn(m, x, 4, 1, 1, out, 4));
    /* A class label that is not an index. */
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, 0.5, 1));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, -1, 1));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, 1e12, 1));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_learn(m, x, 3, 0.5, 1, &p));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_learn(m, x, 3, 0.5, 1, out, 4));
  } else {
    EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_predict_proba(m, x, 3, out, 4));
    EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_predict_proba_learn(m, x, 3, 1, 1, out, 4));
  }
  for (k = 0; k < N_NONFINITE; k++) {
    double bad = misuse_nonfinite[k];
    memcpy(xb, x, sizeof xb), xb[1] = bad;
    memcpy(Xb, X, sizeof Xb), Xb[4] = bad;
    memcpy(yb, y, sizeof yb), yb[1] = bad;
    memcpy(wb, w, sizeof wb), wb[1] = bad;
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn(m, xb, 3, 1, 1));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn(m, x, 3, bad, 1));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn(m, x, 3, 1, bad));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_learn(m, xb, 3, 1, 1, &p));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_learn(m, x, 3, bad, 1, &p));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_learn(m, x, 3, 1, bad, &p));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn_many(m, Xb, 2, 3, y, w));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn_many(m, X, 2, 3, yb, w));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn_many(m, X, 2, 3, y, wb));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict(m, xb, 3, &p));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_many(m, Xb, 2, 3, yb));
    if (classifier) {
      EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_proba(m, xb, 3, out, 4));
      EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_proba_learn(m, xb, 3, 1, 1, out, 4));
      EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_proba_learn(m, x, 3, bad, 1, out, 4));
      EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_proba_learn(m, x, 3, 1, bad, out, 4));
    }
  }
  wb[1] = -1;
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_many(m, X, 2, 3, y, wb));
  EXPECT(SL_EINVAL, sl_model_reset(NULL));
  EXPECT(SL_EINVAL, sl_model_info(NULL, NULL, NULL));
}

/* The sparse, weight, EWC and tree calls on `m` (3 features). */
static void model_linear_calls(sl_model *m, int classifier) {
  uint32_t idx[2] = {0, 2}, far[2] = {0, 3};
  double val[2] = {1, 2}, vb[2] = {1, 0}, out[8], p;
  size_t n, k, nw;
  EXPECT(SL_EINVAL, sl_model_learn_sparse(NULL, idx, val, 2, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_sparse(m, NULL, val, 2, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_sparse(m, idx, NULL, 2, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_learn_sparse(m, far, val, 2, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_sparse(m, idx, val, 2, 1, -1));
  EXPECT(SL_EINVAL, sl_model_predict_sparse(NULL, idx, val, 2, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_sparse(m, NULL, val, 2, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_sparse(m, idx, NULL, 2, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_sparse(m, idx, val, 2, NULL));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict_sparse(m, far, val, 2, &p));
  EXPECT(SL_EINVAL, sl_model_predict_proba_sparse(NULL, idx, val, 2, out, 4));
  if (classifier) {
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_sparse(m, NULL, val, 2, out, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_sparse(m, idx, val, 2, NULL, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_predict_proba_sparse(m, idx, val, 2, out, 0));
    EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_predict_proba_sparse(m, far, val, 2, out, 4));
    EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn_sparse(m, idx, val, 2, 0.5, 1));
  } else {
    EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_predict_proba_sparse(m, idx, val, 2, out, 4));
  }
  for (k = 0; k < N_NONFINITE; k++) {
    double bad = misuse_nonfinite[k];
    vb[1] = bad;
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn_sparse(m, idx, vb, 2, 1, 1));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn_sparse(m, idx, val, 2, bad, 1));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_learn_sparse(m, idx, val, 2, 1, bad));
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_sparse(m, idx, vb, 2, &p));
    if (classifier)
      EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_predict_proba_sparse(m, idx, vb, 2, out, 4));
  }
  EXPECT(SL_EINVAL, sl_model_weights(NULL, out, 8, &n));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_weights(m, out, 8, NULL));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_weights(m, NULL, 8, &n));
  EXPECT_UNCHANGED(model, m, SL_EBUFFER, sl_model_weights(m, NULL, 0, &nw));
  EXPECT_UNCHANGED(model, m, SL_EBUFFER, sl_model_weights(m, out, 1, &n));
  cr_assert_eq(n, nw);
  cr_assert_leq(nw, 8);
  EXPECT_UNCHANGED(model, m, SL_OK, sl_model_weights(m, out, 8, &n));
  EXPECT(SL_EINVAL, sl_model_set_weights(NULL, out, nw));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_set_weights(m, NULL, nw));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_set_weights(m, out, nw - 1));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_set_weights(m, out, nw + 1));
  for (k = 0; k < N_NONFINITE; k++) {
    double keep = out[1];
    out[1] = misuse_nonfinite[k];
    EXPECT_UNCHANGED(model, m, SL_ENONFINITE, sl_model_set_weights(m, out, nw));
    out[1] = keep;
  }
  EXPECT(SL_EINVAL, sl_model_consolidate(NULL));
  EXPECT(SL_EINVAL, sl_model_set_nominal(NULL, NULL, 0));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_set_nominal(m, NULL, 0));
  EXPECT(SL_EINVAL, sl_model_tree_node(NULL, 0, NULL, NULL, NULL, NULL));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_tree_node(m, 0, (int *)out, &n, &n, &p));
}

static void model_info_calls(sl_model *m) {
  sl_model_task t;
  size_t n;
  EXPECT(SL_EINVAL, sl_model_info(NULL, &t, &n));
  EXPECT_UNCHANGED(model, m, SL_OK, sl_model_info(m, NULL, NULL));
}

Test(misuse_model, linear_regression) {
  sl_model *m = trained(SL_MODEL_LINEAR_REGRESSION);
  size_t len;
  unsigned char *other = checkpoint_of_drift(&len);
  model_dense_calls(m, 0);
  model_linear_calls(m, 0);
  model_info_calls(m);
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_consolidate(m));
  MISUSE_HANDLE_API(model, m, SL_MODEL_LINEAR_REGRESSION, "lr", other, len);
  sl_model_free(m);
  free(other);
}

Test(misuse_model, logistic_and_softmax) {
  sl_model *m = trained(SL_MODEL_LOGISTIC_REGRESSION);
  model_dense_calls(m, 1);
  model_linear_calls(m, 1);
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, (double[3]){1, 2, 3}, 3, 2, 1));
  sl_model_free(m);
  m = trained(SL_MODEL_SOFTMAX_REGRESSION);
  model_dense_calls(m, 1);
  model_linear_calls(m, 1);
  sl_model_free(m);
}

Test(misuse_model, ewc) {
  sl_model *m = trained(SL_MODEL_EWC_LOGISTIC);
  model_dense_calls(m, 1);
  model_linear_calls(m, 1);
  EXPECT(SL_OK, sl_model_consolidate(m));
  sl_model_free(m);
}

Test(misuse_model, ftrl_weights_are_derived) {
  sl_model *m;
  double w[4] = {0};
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LINEAR_REGRESSION, 3, NULL), SL_OK);
  cr_assert_eq(sl_model_set_str(m, "optimizer", "ftrl"), SL_OK);
  EXPECT_UNCHANGED(model, m, SL_ESTATE, sl_model_set_weights(m, w, 4));
  sl_model_free(m);
}

static void tree_calls(sl_model_kind kind) {
  sl_model *m;
  size_t feats[2] = {0, 3}, one = 1, depth, feature, k;
  uint32_t idx[1] = {0};
  double val[1] = {1}, out[4], p, x[3] = {1, 2, 3};
  int nk;
  size_t len;
  unsigned char *other = checkpoint_of_drift(&len);
  cr_assert_eq(sl_model_new(&m, kind, 3, NULL), SL_OK);
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_set_nominal(m, NULL, 2));
  EXPECT_UNCHANGED(model, m, SL_EDIM, sl_model_set_nominal(m, feats, 2));
  EXPECT_UNCHANGED(model, m, SL_OK, sl_model_set_nominal(m, NULL, 0));
  cr_assert_eq(sl_model_set_nominal(m, &one, 1), SL_OK);
  /* A nominal value beyond max_nominal_values, or not a whole number. */
  x[1] = 1e9;
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, 1, 1));
  x[1] = 1.5;
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, 1, 1));
  x[1] = -1;
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_learn(m, x, 3, 1, 1));
  sl_model_free(m);
  m = trained(kind);
  model_dense_calls(m, 1);
  EXPECT_UNCHANGED(model, m, SL_ESTATE, sl_model_set_nominal(m, &one, 1));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_learn_sparse(m, idx, val, 1, 1, 1));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_predict_sparse(m, idx, val, 1, &p));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_predict_proba_sparse(m, idx, val, 1, out, 4));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_weights(m, out, 4, &k));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_set_weights(m, out, 4));
  EXPECT_UNCHANGED(model, m, SL_EKIND, sl_model_consolidate(m));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_tree_node(m, 0, NULL, &depth, &feature, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_tree_node(m, 0, &nk, NULL, &feature, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_tree_node(m, 0, &nk, &depth, NULL, &p));
  EXPECT_UNCHANGED(model, m, SL_EINVAL, sl_model_tree_node(m, 0, &nk, &depth, &feature, NULL));
  EXPECT_UNCHANGED(model, m, SL_ENOTFOUND, sl_model_tree_node(m, (size_t)-1, &nk, &depth, &feature, &p));
  EXPECT_UNCHANGED(model, m, SL_OK, sl_model_tree_node(m, 0, &nk, &depth, &feature, &p));
  model_info_calls(m);
  MISUSE_HANDLE_API(model, m, kind, "delta", other, len);
  sl_model_free(m);
  free(other);
}

Test(misuse_model, hoeffding_tree) {
  tree_calls(SL_MODEL_HOEFFDING_TREE);
}

Test(misuse_model, hoeffding_adaptive_tree) {
  tree_calls(SL_MODEL_HOEFFDING_ADAPTIVE_TREE);
}

/* ---- replay.h ------------------------------------------------------------------ */

Test(misuse_replay, create) {
  sl_replay *r = (sl_replay *)&r;
  EXPECT(SL_EINVAL, sl_replay_new(NULL, SL_REPLAY_FIFO, 2, NULL));
  EXPECT(SL_EKIND, sl_replay_new(&r, (sl_replay_kind)99, 2, NULL));
  cr_assert_null(r);
  EXPECT(SL_EKIND, sl_replay_new(&r, (sl_replay_kind)-1, 2, NULL));
  EXPECT(SL_EINVAL, sl_replay_new(&r, SL_REPLAY_FIFO, 0, NULL));
  EXPECT(SL_EINVAL, sl_replay_new(&r, SL_REPLAY_FIFO, ((size_t)1 << 30) + 1, NULL));
  EXPECT(SL_EINVAL, sl_replay_new(&r, SL_REPLAY_FIFO, 2, &misuse_bad_alloc));
  cr_assert_null(r);
}

/* A buffer of `kind` over 2 features holding 5 records. */
static sl_replay *filled(sl_replay_kind kind) {
  sl_replay *r;
  double x[2];
  int i;
  cr_assert_eq(sl_replay_new(&r, kind, 2, NULL), SL_OK);
  cr_assert_eq(sl_replay_set_int(r, "capacity", 8), SL_OK);
  for (i = 0; i < 5; i++) {
    x[0] = i, x[1] = -i;
    cr_assert_eq(sl_replay_add(r, x, 2, i % 2, 1, i, (uint64_t)i, NULL), SL_OK);
  }
  return r;
}

static void replay_calls(sl_replay_kind kind) {
  sl_replay *r = filled(kind);
  double x[2] = {1, 2}, X[4] = {1, 2, 3, 4}, t[2] = {0, 1}, w[2] = {1, 1}, xb[2], Xb[4], tb[2], wb[2];
  double feats[16], targ[8], pri[2] = {1, 2};
  size_t slot, slots[2] = {0, 1}, far[2] = {0, 99}, size, k;
  sl_replay_batch b;
  size_t len;
  unsigned char *other = checkpoint_of_model(&len);
  memset(&b, 0, sizeof b);
  b.struct_size = sizeof b, b.rows = 8, b.n_features = 2, b.features = feats, b.targets = targ;
  EXPECT(SL_EINVAL, sl_replay_reserve(NULL));
  EXPECT(SL_EINVAL, sl_replay_add(NULL, x, 2, 0, 1, 0, 0, &slot));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add(r, NULL, 2, 0, 1, 0, 0, &slot));
  EXPECT_UNCHANGED(replay, r, SL_EDIM, sl_replay_add(r, x, 3, 0, 1, 0, 0, &slot));
  EXPECT_UNCHANGED(replay, r, SL_EDIM, sl_replay_add(r, x, 1, 0, 1, 0, 0, &slot));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add(r, x, 2, 0, -1, 0, 0, &slot));
  EXPECT(SL_EINVAL, sl_replay_add_many(NULL, X, 2, 2, t, w, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add_many(r, NULL, 2, 2, t, w, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add_many(r, X, 2, 2, NULL, w, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EDIM, sl_replay_add_many(r, X, 2, 1, t, w, NULL, NULL, NULL));
  for (k = 0; k < N_NONFINITE; k++) {
    double bad = misuse_nonfinite[k];
    memcpy(xb, x, sizeof xb), xb[1] = bad;
    memcpy(Xb, X, sizeof Xb), Xb[3] = bad;
    memcpy(tb, t, sizeof tb), tb[1] = bad;
    memcpy(wb, w, sizeof wb), wb[1] = bad;
    EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_add(r, xb, 2, 0, 1, 0, 0, &slot));
    EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_add(r, x, 2, bad, 1, 0, 0, &slot));
    EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_add(r, x, 2, 0, bad, 0, 0, &slot));
    EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_add_many(r, Xb, 2, 2, t, w, NULL, NULL, NULL));
    EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_add_many(r, X, 2, 2, tb, w, NULL, NULL, NULL));
    EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_add_many(r, X, 2, 2, t, wb, NULL, NULL, NULL));
  }
  wb[1] = -1;
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add_many(r, X, 2, 2, t, wb, NULL, NULL, NULL));
  EXPECT(SL_EINVAL, sl_replay_sample(NULL, 2, 1, &b));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_sample(r, 2, 1, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_sample(r, 9, 1, &b));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_sample(r, 6, 0, &b));
  b.struct_size = 0;
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_sample(r, 2, 1, &b));
  b.struct_size = sizeof b, b.rows = 1;
  EXPECT_UNCHANGED(replay, r, SL_EBUFFER, sl_replay_sample(r, 2, 1, &b));
  b.rows = 8, b.n_features = 3;
  EXPECT_UNCHANGED(replay, r, SL_EDIM, sl_replay_sample(r, 2, 1, &b));
  b.n_features = 2;
  EXPECT(SL_EINVAL, sl_replay_update_priorities(NULL, slots, pri, 2));
  if (kind == SL_REPLAY_PRIORITIZED) {
    EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_update_priorities(r, NULL, pri, 2));
    EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_update_priorities(r, slots, NULL, 2));
    EXPECT_UNCHANGED(replay, r, SL_ENOTFOUND, sl_replay_update_priorities(r, far, pri, 2));
    for (k = 0; k < N_NONFINITE; k++) {
      double bad[2] = {1, misuse_nonfinite[k]};
      EXPECT_UNCHANGED(replay, r, SL_ENONFINITE, sl_replay_update_priorities(r, slots, bad, 2));
    }
    pri[1] = -1;
    EXPECT_UNCHANGED(replay, r, SL_ERANGE, sl_replay_update_priorities(r, slots, pri, 2));
    pri[1] = 1e16;
    EXPECT_UNCHANGED(replay, r, SL_ERANGE, sl_replay_update_priorities(r, slots, pri, 2));
  } else {
    EXPECT_UNCHANGED(replay, r, SL_EKIND, sl_replay_update_priorities(r, slots, pri, 2));
  }
  EXPECT(SL_EINVAL, sl_replay_get(NULL, 0, x, 2, NULL, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EDIM, sl_replay_get(r, 0, xb, 3, NULL, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_ENOTFOUND, sl_replay_get(r, 5, xb, 2, NULL, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_ENOTFOUND, sl_replay_get(r, (size_t)-1, xb, 2, NULL, NULL, NULL, NULL));
  EXPECT_UNCHANGED(replay, r, SL_OK, sl_replay_get(r, 0, NULL, 2, NULL, NULL, NULL, NULL));
  EXPECT(SL_EINVAL, sl_replay_size(NULL, &size));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_size(r, NULL));
  EXPECT(SL_EINVAL, sl_replay_clear(NULL));
  if (kind == SL_REPLAY_PRIORITIZED) MISUSE_HANDLE_API(replay, r, kind, "alpha", other, len);
  sl_replay_free(r);
  free(other);
}

Test(misuse_replay, prioritized) {
  replay_calls(SL_REPLAY_PRIORITIZED);
}

Test(misuse_replay, fifo) {
  replay_calls(SL_REPLAY_FIFO);
}

Test(misuse_replay, empty_and_class_balanced) {
  sl_replay *r;
  double x[2] = {1, 2}, feats[4];
  sl_replay_batch b;
  memset(&b, 0, sizeof b);
  b.struct_size = sizeof b, b.rows = 2, b.n_features = 2, b.features = feats;
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_FIFO, 2, NULL), SL_OK);
  EXPECT_UNCHANGED(replay, r, SL_ESTATE, sl_replay_sample(r, 1, 1, &b));
  EXPECT_UNCHANGED(replay, r, SL_OK, sl_replay_add_many(r, NULL, 0, 2, NULL, NULL, NULL, NULL, NULL));
  sl_replay_free(r);
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_CLASS_BALANCED, 2, NULL), SL_OK);
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add(r, x, 2, 0.5, 1, 0, 0, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add(r, x, 2, -1, 1, 0, 0, NULL));
  EXPECT_UNCHANGED(replay, r, SL_EINVAL, sl_replay_add(r, x, 2, 1e9, 1, 0, 0, NULL));
  sl_replay_free(r);
}

/* ---- window.h ------------------------------------------------------------------ */

Test(misuse_window, create) {
  sl_window *w = (sl_window *)&w;
  EXPECT(SL_EINVAL, sl_window_new(NULL, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN, NULL));
  EXPECT(SL_EKIND, sl_window_new(&w, (sl_window_kind)99, SL_WINDOW_AGG_MEAN, NULL));
  cr_assert_null(w);
  EXPECT(SL_EKIND, sl_window_new(&w, (sl_window_kind)-1, SL_WINDOW_AGG_MEAN, NULL));
  EXPECT(SL_ERANGE, sl_window_new(&w, SL_WINDOW_SLIDING, 0, NULL));
  cr_assert_null(w);
  EXPECT(SL_ERANGE, sl_window_new(&w, SL_WINDOW_SLIDING, SL_WINDOW_AGG_ALL + 1, NULL));
  EXPECT(SL_EINVAL, sl_window_new(&w, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN, &misuse_bad_alloc));
  cr_assert_null(w);
}

static void window_calls(sl_window_kind kind) {
  sl_window *w;
  uint64_t keys[3] = {1, 2, 3};
  int64_t ts[3] = {10, 11, 12}, starts[4], ends[4], wm;
  double vals[3] = {1, 2, 3}, vb[3], out[SL_WINDOW_MAX_VALUES];
  uint8_t kb[64];
  size_t n, lens[4], k, big = 1000;
  const char *name;
  size_t len;
  unsigned char *other = checkpoint_of_drift(&len);
  unsigned char longkey[1024] = {0};
  int sliding = kind == SL_WINDOW_SLIDING;
  cr_assert_eq(sl_window_new(&w, kind, SL_WINDOW_AGG_COUNT | SL_WINDOW_AGG_MEAN, NULL), SL_OK);
  cr_assert_eq(sl_window_push(w, 7, 5, 1.0), SL_OK);
  cr_assert_eq(sl_window_push_bytes(w, "ab", 2, 6, 1.0), SL_OK);
  EXPECT(SL_EINVAL, sl_window_set_callbacks(NULL, NULL, NULL, NULL, NULL));
  EXPECT(SL_EINVAL, sl_window_push(NULL, 1, 10, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push(w, 1, INT64_MAX, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push(w, 1, INT64_MIN, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push(w, 1, ((int64_t)1 << 62) + 1, 1));
  EXPECT(SL_EINVAL, sl_window_push_bytes(NULL, "ab", 2, 10, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_bytes(w, NULL, 2, 10, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_bytes(w, "ab", 0, 10, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_bytes(w, longkey, sizeof longkey, 10, 1));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_bytes(w, "ab", 2, INT64_MAX, 1));
  EXPECT(SL_EINVAL, sl_window_push_many(NULL, keys, ts, vals, 3, &n, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_many(w, NULL, ts, vals, 3, &n, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_many(w, keys, NULL, vals, 3, &n, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_push_many(w, keys, ts, NULL, 3, &n, NULL));
  EXPECT_UNCHANGED(window, w, SL_OK, sl_window_push_many(w, NULL, NULL, NULL, 0, NULL, NULL));
  for (k = 0; k < N_NONFINITE; k++) {
    double bad = misuse_nonfinite[k];
    memcpy(vb, vals, sizeof vb), vb[2] = bad;
    EXPECT_UNCHANGED(window, w, SL_ENONFINITE, sl_window_push(w, 1, 10, bad));
    EXPECT_UNCHANGED(window, w, SL_ENONFINITE, sl_window_push_bytes(w, "ab", 2, 10, bad));
    EXPECT_UNCHANGED(window, w, SL_ENONFINITE, sl_window_push_many(w, keys, ts, vb, 3, &n, NULL));
  }
  EXPECT(SL_EINVAL, sl_window_query(NULL, 7, out, SL_WINDOW_MAX_VALUES));
  EXPECT(SL_EINVAL, sl_window_query_bytes(NULL, "ab", 2, out, SL_WINDOW_MAX_VALUES));
  if (sliding) {
    EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_query(w, 7, NULL, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_EBUFFER, sl_window_query(w, 7, out, 1));
    EXPECT_UNCHANGED(window, w, SL_ENOTFOUND, sl_window_query(w, 8, out, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_query_bytes(w, NULL, 2, out, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_query_bytes(w, "ab", 0, out, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_query_bytes(w, "ab", 2, NULL, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_EBUFFER, sl_window_query_bytes(w, "ab", 2, out, 1));
    EXPECT_UNCHANGED(window, w, SL_ENOTFOUND, sl_window_query_bytes(w, "ac", 2, out, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_OK, sl_window_query_bytes(w, "ab", 2, out, SL_WINDOW_MAX_VALUES));
  } else {
    EXPECT_UNCHANGED(window, w, SL_EKIND, sl_window_query(w, 7, out, SL_WINDOW_MAX_VALUES));
    EXPECT_UNCHANGED(window, w, SL_EKIND, sl_window_query_bytes(w, "ab", 2, out, SL_WINDOW_MAX_VALUES));
  }
  EXPECT(SL_EINVAL, sl_window_poll(NULL, keys, starts, ends, out, 1, &n, NULL, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_poll(w, NULL, starts, ends, out, 1, &n, NULL, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_poll(w, keys, NULL, ends, out, 1, &n, NULL, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_poll(w, keys, starts, NULL, out, 1, &n, NULL, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_poll(w, keys, starts, ends, NULL, 1, &n, NULL, NULL));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_poll(w, keys, starts, ends, out, 1, NULL, kb, lens));
  EXPECT_UNCHANGED(window, w, SL_OK, sl_window_poll(w, NULL, NULL, NULL, NULL, 0, &n, NULL, NULL));
  EXPECT(SL_EINVAL, sl_window_flush(NULL));
  cr_assert_eq(sl_window_n_values(NULL), 0);
  cr_assert_eq(sl_window_n_values(w), 2);
  EXPECT(SL_EINVAL, sl_window_value_name(NULL, 0, &name));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_value_name(w, 0, NULL));
  EXPECT_UNCHANGED(window, w, SL_ENOTFOUND, sl_window_value_name(w, 2, &name));
  EXPECT_UNCHANGED(window, w, SL_ENOTFOUND, sl_window_value_name(w, big, &name));
  EXPECT(SL_EINVAL, sl_window_watermark(NULL, &wm));
  EXPECT_UNCHANGED(window, w, SL_EINVAL, sl_window_watermark(w, NULL));
  MISUSE_HANDLE_API(window, w, kind, "units_per_second", other, len);
  sl_window_free(w);
  free(other);
}

Test(misuse_window, sliding) {
  window_calls(SL_WINDOW_SLIDING);
}

Test(misuse_window, tumbling) {
  window_calls(SL_WINDOW_TUMBLING);
}

/* ---- pipeline.h ---------------------------------------------------------------- */

Test(misuse_pipeline, create) {
  sl_pipeline *p = (sl_pipeline *)&p;
  EXPECT(SL_EINVAL, sl_pipeline_new(NULL, 2, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_new(&p, 0, NULL));
  cr_assert_null(p);
  EXPECT(SL_EINVAL, sl_pipeline_new(&p, ((size_t)1 << 20) + 1, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_new(&p, 2, &misuse_bad_alloc));
  cr_assert_null(p);
}

/* The attach calls before the first push, and a push with no model. */
Test(misuse_pipeline, setup) {
  sl_pipeline *p;
  sl_model *m, *m2;
  sl_window *tw, *sw;
  sl_drift *d;
  sl_replay *r;
  size_t n;
  sl_pipeline_callbacks cb;
  double vals[2] = {1, 2};
  sl_event ev = {sizeof(sl_event), 1, 1, 10, vals, 2};
  cr_assert_eq(sl_pipeline_new(&p, 2, NULL), SL_OK);
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, 2, NULL), SL_OK);
  cr_assert_eq(sl_window_new(&tw, SL_WINDOW_TUMBLING, SL_WINDOW_AGG_MEAN, NULL), SL_OK);
  cr_assert_eq(sl_window_new(&sw, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN, NULL), SL_OK);
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_push(p, &ev, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_set_model(NULL, m));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_set_model(p, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_set_challenger(NULL, m));
  EXPECT(SL_EINVAL, sl_pipeline_set_drift(NULL, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_set_replay(NULL, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_add_raw_feature(NULL, 0));
  EXPECT_UNCHANGED(pipeline, p, SL_EDIM, sl_pipeline_add_raw_feature(p, 2));
  EXPECT_UNCHANGED(pipeline, p, SL_EDIM, sl_pipeline_add_raw_feature(p, (size_t)-1));
  EXPECT(SL_EINVAL, sl_pipeline_add_window_feature(NULL, sw, 0));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_add_window_feature(p, NULL, 0));
  EXPECT_UNCHANGED(pipeline, p, SL_EKIND, sl_pipeline_add_window_feature(p, tw, 0));
  EXPECT_UNCHANGED(pipeline, p, SL_EDIM, sl_pipeline_add_window_feature(p, sw, 2));
  EXPECT(SL_EINVAL, sl_pipeline_n_features(NULL, &n));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_n_features(p, NULL));
  memset(&cb, 0, sizeof cb);
  EXPECT(SL_EINVAL, sl_pipeline_set_callbacks(NULL, &cb));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_set_callbacks(p, &cb));
  cb.struct_size = sizeof cb;
  EXPECT_UNCHANGED(pipeline, p, SL_OK, sl_pipeline_set_callbacks(p, &cb));
  EXPECT_UNCHANGED(pipeline, p, SL_OK, sl_pipeline_set_callbacks(p, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_set_clock(NULL, NULL, NULL));
  /* Attached twice, in the same role or another. */
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  EXPECT_UNCHANGED(pipeline, p, SL_OK, sl_pipeline_set_model(p, m)); /* the role it holds: a no-op */
  EXPECT_UNCHANGED(pipeline, p, SL_EDUP, sl_pipeline_set_challenger(p, m));
  cr_assert_eq(sl_pipeline_add_window_feature(p, sw, 0), SL_OK);
  EXPECT_UNCHANGED(pipeline, p, SL_EDUP, sl_pipeline_add_window_feature(p, sw, 1));
  /* The layout is now 2 raw + 1 window value, the model's 2 features: the first push refuses. */
  EXPECT_UNCHANGED(pipeline, p, SL_EDIM, sl_pipeline_push(p, &ev, NULL));
  /* After a push nothing attaches. */
  cr_assert_eq(sl_model_new(&m2, SL_MODEL_LOGISTIC_REGRESSION, 3, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m2), SL_OK);
  cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_OK);
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  cr_assert_eq(sl_replay_new(&r, SL_REPLAY_FIFO, 3, NULL), SL_OK);
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, 3, NULL), SL_OK);
  cr_assert_eq(sl_window_new(&sw, SL_WINDOW_SLIDING, SL_WINDOW_AGG_MEAN, NULL), SL_OK);
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_set_model(p, m));
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_set_challenger(p, m));
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_set_drift(p, d));
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_set_replay(p, r));
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_add_raw_feature(p, 0));
  EXPECT_UNCHANGED(pipeline, p, SL_ESTATE, sl_pipeline_add_window_feature(p, sw, 0));
  sl_model_free(m);
  sl_drift_free(d);
  sl_replay_free(r);
  sl_window_free(sw);
  sl_window_free(tw);
  sl_pipeline_free(p);
}

/* A running pipeline: 2 raw fields, a logistic champion, 3 events pushed. */
static sl_pipeline *running(void) {
  sl_pipeline *p;
  sl_model *m;
  double vals[2] = {1, 2};
  sl_event ev = {sizeof(sl_event), 0, 1, 10, vals, 2};
  uint64_t id;
  cr_assert_eq(sl_pipeline_new(&p, 2, NULL), SL_OK);
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, 2, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(p, m), SL_OK);
  for (id = 1; id <= 3; id++) {
    ev.id = id, ev.ts = 10 + (int64_t)id;
    cr_assert_eq(sl_pipeline_push(p, &ev, NULL), SL_OK);
  }
  return p;
}

/* An unmatched label changes nothing but the "unmatched_labels" statistic. */
static void unmatched_label_counts(sl_pipeline *p) {
  double before, after;
  sl_pipeline *copy;
  unsigned char *b0, *b1;
  size_t n0 = 0, n1 = 0;
  MISUSE_SNAPSHOT(pipeline, p, b0, n0);
  cr_assert_eq(sl_pipeline_stat(p, "unmatched_labels", &before), SL_OK);
  EXPECT(SL_ENOTFOUND, sl_pipeline_push_label(p, 99, 0));
  cr_assert_eq(sl_pipeline_stat(p, "unmatched_labels", &after), SL_OK);
  cr_assert_eq(after, before + 1);
  /* The same bytes as the copy from before, given the same count. */
  cr_assert_eq(sl_pipeline_load_mem(&copy, b0, n0, NULL), SL_OK);
  EXPECT(SL_ENOTFOUND, sl_pipeline_push_label(copy, 99, 0));
  free(b0);
  MISUSE_SNAPSHOT(pipeline, copy, b1, n1);
  MISUSE_SNAPSHOT(pipeline, p, b0, n0);
  cr_assert(n0 == n1 && memcmp(b0, b1, n0) == 0, "an unmatched label changed more than its count");
  sl_pipeline_free(copy);
  free(b0);
  free(b1);
}

Test(misuse_pipeline, push_and_label) {
  sl_pipeline *p, *empty;
  sl_model *m;
  double vals[2] = {1, 2}, vb[2], V[4] = {1, 2, 3, 4}, Vb[4], y[2], lab[2] = {0, 1}, lb[2];
  uint64_t ids[2] = {10, 11}, keys[2] = {1, 1}, lids[2] = {1, 2};
  int64_t ts[2] = {20, 21};
  sl_event ev = {sizeof(sl_event), 9, 1, 20, vals, 2};
  sl_prediction pred;
  size_t n, nl, k;
  memset(&pred, 0, sizeof pred);
  pred.struct_size = sizeof pred;
  cr_assert_eq(sl_pipeline_new(&empty, 2, NULL), SL_OK);
  cr_assert_eq(sl_model_new(&m, SL_MODEL_LOGISTIC_REGRESSION, 2, NULL), SL_OK);
  cr_assert_eq(sl_pipeline_set_model(empty, m), SL_OK);
  EXPECT_UNCHANGED(pipeline, empty, SL_ESTATE, sl_pipeline_push_label(empty, 1, 0));
  sl_pipeline_free(empty);
  p = running();
  EXPECT(SL_EINVAL, sl_pipeline_push(NULL, &ev, &pred));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push(p, NULL, &pred));
  ev.struct_size = 0;
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push(p, &ev, &pred));
  ev.struct_size = sizeof ev, ev.values = NULL;
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push(p, &ev, &pred));
  ev.values = vals, ev.n_values = 3;
  EXPECT_UNCHANGED(pipeline, p, SL_EDIM, sl_pipeline_push(p, &ev, &pred));
  ev.n_values = 1;
  EXPECT_UNCHANGED(pipeline, p, SL_EDIM, sl_pipeline_push(p, &ev, &pred));
  ev.n_values = 2, ev.ts = INT64_MAX;
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push(p, &ev, &pred));
  ev.ts = INT64_MIN;
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push(p, &ev, &pred));
  ev.ts = 20, ev.id = 2;
  EXPECT_UNCHANGED(pipeline, p, SL_EDUP, sl_pipeline_push(p, &ev, &pred));
  ev.id = 9;
  pred.struct_size = 0;
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push(p, &ev, &pred));
  pred.struct_size = sizeof pred;
  EXPECT(SL_EINVAL, sl_pipeline_push_many(NULL, 2, ids, keys, ts, V, y, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_many(p, 2, NULL, keys, ts, V, y, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_many(p, 2, ids, NULL, ts, V, y, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_many(p, 2, ids, keys, NULL, V, y, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_many(p, 2, ids, keys, ts, NULL, y, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_OK, sl_pipeline_push_many(p, 0, NULL, NULL, NULL, NULL, NULL, &n, &nl));
  EXPECT(SL_EINVAL, sl_pipeline_push_label(NULL, 1, 0));
  unmatched_label_counts(p);
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_label(p, 1, 0.5));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_label(p, 1, 2));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_label(p, 1, -1));
  EXPECT(SL_EINVAL, sl_pipeline_push_labels(NULL, 2, lids, lab, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_labels(p, 2, NULL, lab, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_push_labels(p, 2, lids, NULL, &n, &nl));
  EXPECT_UNCHANGED(pipeline, p, SL_OK, sl_pipeline_push_labels(p, 0, NULL, NULL, &n, &nl));
  for (k = 0; k < N_NONFINITE; k++) {
    double bad = misuse_nonfinite[k];
    memcpy(vb, vals, sizeof vb), vb[1] = bad;
    memcpy(Vb, V, sizeof Vb), Vb[3] = bad;
    memcpy(lb, lab, sizeof lb), lb[0] = bad;
    ev.values = vb;
    EXPECT_UNCHANGED(pipeline, p, SL_ENONFINITE, sl_pipeline_push(p, &ev, &pred));
    EXPECT_UNCHANGED(pipeline, p, SL_ENONFINITE, sl_pipeline_push_label(p, 1, bad));
    EXPECT_UNCHANGED(pipeline, p, SL_ENONFINITE, sl_pipeline_push_labels(p, 2, lids, lb, &n, &nl));
    cr_assert_eq(n, 0);
    /* push_many stops at the event: the one before it went in. */
    cr_assert_eq(sl_pipeline_push_many(p, 2, ids, keys, ts, Vb, y, &n, &nl), SL_ENONFINITE);
    cr_assert_eq(n, 1);
    ids[0] += 2, ids[1] += 2;
  }
  ev.values = vals;
  sl_pipeline_free(p);
}

Test(misuse_pipeline, read_and_files) {
  sl_pipeline *p = running(), *q = (sl_pipeline *)&q;
  sl_pipeline_metrics met;
  const sl_model *champ, *chal;
  const sl_drift *d;
  const sl_replay *r;
  size_t len;
  unsigned char *other = checkpoint_of_model(&len);
  memset(&met, 0, sizeof met);
  EXPECT(SL_EINVAL, sl_pipeline_read_metrics(NULL, &met));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_read_metrics(p, NULL));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_read_metrics(p, &met));
  EXPECT(SL_EINVAL, sl_pipeline_handles(NULL, &champ, &chal, &d, &r));
  EXPECT_UNCHANGED(pipeline, p, SL_OK, sl_pipeline_handles(p, NULL, NULL, NULL, NULL));
  EXPECT(SL_EINVAL, sl_pipeline_save_file(NULL, "/tmp/x", 0));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_save_file(p, NULL, 0));
  EXPECT_UNCHANGED(pipeline, p, SL_EINVAL, sl_pipeline_save_file(p, "/tmp/misuse-never-written", 0x80u));
  EXPECT_UNCHANGED(pipeline, p, SL_EIO, sl_pipeline_save_file(p, "/nonexistent-dir/ck", 0));
  EXPECT(SL_EINVAL, sl_pipeline_load_file(NULL, "/tmp/x", NULL));
  EXPECT(SL_EINVAL, sl_pipeline_load_file(&q, NULL, NULL));
  cr_assert_null(q);
  q = (sl_pipeline *)&q;
  EXPECT(SL_EIO, sl_pipeline_load_file(&q, "/nonexistent-dir/ck", NULL));
  cr_assert_null(q);
  MISUSE_HANDLE_API(pipeline, p, SL_PIPELINE_DEFAULT, "metric_fading", other, len);
  sl_pipeline_free(p);
  free(other);
}
