/* The stream.h calls (generators and the CSV reader) given bad arguments;
 * the other headers are in tests/test_pipeline_misuse.c, the shared
 * checks in tests/misuse.h. */
#include <stdint.h>

#include "support/misuse.h"

Test(misuse_stream, create) {
  sl_stream *s = (sl_stream *)&s, *a, *b, *c;
  EXPECT(SL_EINVAL, sl_stream_new(NULL, SL_STREAM_SEA, NULL));
  EXPECT(SL_EKIND, sl_stream_new(&s, (sl_stream_kind)99, NULL));
  cr_assert_null(s);
  EXPECT(SL_EKIND, sl_stream_new(&s, (sl_stream_kind)-1, NULL));
  EXPECT(SL_EINVAL, sl_stream_new(&s, SL_STREAM_SEA, &misuse_bad_alloc));
  cr_assert_null(s);
  cr_assert_eq(sl_stream_new(&a, SL_STREAM_SEA, NULL), SL_OK);
  cr_assert_eq(sl_stream_new(&b, SL_STREAM_SEA, NULL), SL_OK);
  cr_assert_eq(sl_stream_new(&c, SL_STREAM_AGRAWAL, NULL), SL_OK);
  EXPECT(SL_EINVAL, sl_stream_concept_drift(NULL, a, b, NULL));
  EXPECT(SL_EINVAL, sl_stream_concept_drift(&s, NULL, b, NULL));
  EXPECT(SL_EINVAL, sl_stream_concept_drift(&s, a, NULL, NULL));
  EXPECT(SL_EINVAL, sl_stream_concept_drift(&s, a, a, NULL));
  EXPECT(SL_EDIM, sl_stream_concept_drift(&s, a, c, NULL));
  EXPECT(SL_EINVAL, sl_stream_concept_drift(&s, a, b, &misuse_bad_alloc));
  /* The caller still owns them: the next call takes them. */
  cr_assert_eq(sl_stream_concept_drift(&s, a, b, NULL), SL_OK);
  sl_stream_free(s);
  sl_stream_free(c);
}

static void stream_calls(sl_stream_kind kind, size_t nf) {
  sl_stream *s;
  double X[40], y[4], x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, lab;
  char name[32];
  unsigned nv;
  sl_stream_info info;
  size_t k, len;
  unsigned char *other;
  sl_drift *d;
  cr_assert_eq(sl_drift_new(&d, SL_DRIFT_ADWIN, NULL), SL_OK);
  MISUSE_SNAPSHOT(drift, d, other, len);
  sl_drift_free(d);
  cr_assert_eq(sl_stream_new(&s, kind, NULL), SL_OK);
  cr_assert_eq(sl_stream_next(s, X, nf, y, 2), SL_OK);
  EXPECT(SL_EINVAL, sl_stream_describe(NULL, &info));
  EXPECT_UNCHANGED(stream, s, SL_EINVAL, sl_stream_describe(s, NULL));
  EXPECT(SL_EINVAL, sl_stream_feature(NULL, 0, name, sizeof name, &nv));
  EXPECT_UNCHANGED(stream, s, SL_EINVAL, sl_stream_feature(s, 0, NULL, 8, &nv));
  EXPECT_UNCHANGED(stream, s, SL_OK, sl_stream_feature(s, 0, NULL, 0, NULL));
  EXPECT_UNCHANGED(stream, s, SL_ENOTFOUND, sl_stream_feature(s, nf, name, sizeof name, &nv));
  EXPECT_UNCHANGED(stream, s, SL_EBUFFER, sl_stream_feature(s, 0, name, 1, &nv));
  EXPECT(SL_EINVAL, sl_stream_next(NULL, X, nf, y, 2));
  EXPECT_UNCHANGED(stream, s, SL_EINVAL, sl_stream_next(s, NULL, nf, y, 2));
  EXPECT_UNCHANGED(stream, s, SL_EDIM, sl_stream_next(s, X, nf + 1, y, 2));
  EXPECT_UNCHANGED(stream, s, SL_EDIM, sl_stream_next(s, X, nf - 1, y, 2));
  EXPECT_UNCHANGED(stream, s, SL_OK, sl_stream_next(s, NULL, nf, NULL, 0));
  EXPECT(SL_EINVAL, sl_stream_label(NULL, x, nf, &lab));
  EXPECT_UNCHANGED(stream, s, SL_EINVAL, sl_stream_label(s, NULL, nf, &lab));
  EXPECT_UNCHANGED(stream, s, SL_EINVAL, sl_stream_label(s, x, nf, NULL));
  EXPECT_UNCHANGED(stream, s, SL_EDIM, sl_stream_label(s, x, nf + 1, &lab));
  for (k = 0; k < N_NONFINITE; k++) {
    double keep = x[0];
    x[0] = misuse_nonfinite[k];
    EXPECT_UNCHANGED(stream, s, SL_ENONFINITE, sl_stream_label(s, x, nf, &lab));
    x[0] = keep;
  }
  EXPECT(SL_EINVAL, sl_stream_reset(NULL));
  EXPECT(SL_EINVAL, sl_stream_write_csv(NULL, 2, misuse_write_fail, NULL));
  EXPECT_UNCHANGED(stream, s, SL_EINVAL, sl_stream_write_csv(s, 2, NULL, NULL));
  MISUSE_HANDLE_API(stream, s, kind, kind == SL_STREAM_SEA ? "noise" : "mag_change", other, len);
  sl_stream_free(s);
  free(other);
}

Test(misuse_stream, sea) {
  stream_calls(SL_STREAM_SEA, 3);
}

Test(misuse_stream, hyperplane) {
  stream_calls(SL_STREAM_HYPERPLANE, 10);
}

Test(misuse_stream, no_closed_form_concept) {
  sl_stream *s;
  double x[10] = {0}, y;
  sl_stream_info info;
  cr_assert_eq(sl_stream_new(&s, SL_STREAM_RANDOM_RBF, NULL), SL_OK);
  cr_assert_eq(sl_stream_describe(s, &info), SL_OK);
  EXPECT_UNCHANGED(stream, s, SL_ENOTSUP, sl_stream_label(s, x, info.n_features, &y));
  sl_stream_free(s);
}

static long read_fail(void *user, void *buf, size_t cap) {
  (void)user, (void)buf, (void)cap;
  return -1;
}

Test(misuse_csv, open) {
  sl_csv *c = (sl_csv *)&c;
  EXPECT(SL_EINVAL, sl_csv_open(NULL, read_fail, NULL, NULL));
  EXPECT(SL_EINVAL, sl_csv_open(&c, NULL, NULL, NULL));
  cr_assert_null(c);
  c = (sl_csv *)&c;
  EXPECT(SL_EIO, sl_csv_open(&c, read_fail, NULL, NULL));
  cr_assert_null(c);
  EXPECT(SL_EINVAL, sl_csv_open_mem(NULL, "a,y\n", 4, NULL));
  c = (sl_csv *)&c;
  EXPECT(SL_EINVAL, sl_csv_open_mem(&c, NULL, 4, NULL));
  cr_assert_null(c);
  EXPECT(SL_ECORRUPT, sl_csv_open_mem(&c, NULL, 0, NULL));
  EXPECT(SL_EINVAL, sl_csv_open_mem(&c, "a,y\n", 4, &misuse_bad_alloc));
  cr_assert_null(c);
  EXPECT(SL_EINVAL, sl_csv_open_path(NULL, "/tmp/x", NULL));
  c = (sl_csv *)&c;
  EXPECT(SL_EINVAL, sl_csv_open_path(&c, NULL, NULL));
  cr_assert_null(c);
  EXPECT(SL_EIO, sl_csv_open_path(&c, "/nonexistent-dir/x.csv", NULL));
  cr_assert_null(c);
}

Test(misuse_csv, calls) {
  static const char text[] = "a,b,y\n1,2,0\n3,nan,1\n5,6,1\n";
  sl_csv *c;
  size_t n, got;
  const char *name;
  double X[8], y[4];
  cr_assert_eq(sl_csv_open_mem(&c, text, sizeof text - 1, NULL), SL_OK);
  EXPECT(SL_EINVAL, sl_csv_columns(NULL, &n));
  EXPECT(SL_EINVAL, sl_csv_columns(c, NULL));
  EXPECT(SL_EINVAL, sl_csv_column_name(NULL, 0, &name));
  EXPECT(SL_EINVAL, sl_csv_column_name(c, 0, NULL));
  EXPECT(SL_ENOTFOUND, sl_csv_column_name(c, 3, &name));
  EXPECT(SL_EINVAL, sl_csv_set_target(NULL, "y"));
  EXPECT(SL_ENOTFOUND, sl_csv_set_target(c, "nope"));
  EXPECT(SL_EINVAL, sl_csv_set_target_index(NULL, 0));
  EXPECT(SL_ENOTFOUND, sl_csv_set_target_index(c, 3));
  EXPECT(SL_ENOTFOUND, sl_csv_set_target_index(c, (size_t)-1));
  cr_assert_eq(sl_csv_n_features(NULL), 0);
  cr_assert_eq(sl_csv_n_features(c), 2, "failed set_target calls kept the target");
  EXPECT(SL_EINVAL, sl_csv_next(NULL, X, 2, y, 2, &got));
  EXPECT(SL_EINVAL, sl_csv_next(c, NULL, 2, y, 2, &got));
  EXPECT(SL_EINVAL, sl_csv_next(c, X, 2, y, 2, NULL));
  EXPECT(SL_EDIM, sl_csv_next(c, X, 3, y, 2, &got));
  EXPECT(SL_EDIM, sl_csv_next(c, X, 1, y, 2, &got));
  /* Nothing was read by the refused calls: the first row still comes first. */
  EXPECT(SL_ENONFINITE, sl_csv_next(c, X, 2, y, 4, &got));
  cr_assert_eq(got, 1);
  cr_assert(X[0] == 1 && X[1] == 2 && y[0] == 0);
  cr_assert_eq(sl_csv_error_line(c), 3);
  cr_assert_eq(sl_csv_error_line(NULL), 0);
  cr_assert_str_eq(sl_csv_last_error(NULL), "");
  EXPECT(SL_ESTATE, sl_csv_set_target(c, "a"));
  EXPECT(SL_ESTATE, sl_csv_set_target_index(c, 0));
  sl_csv_free(c);
  sl_csv_free(NULL);
}
