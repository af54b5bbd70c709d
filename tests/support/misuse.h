/* Misuse checks shared by tests/test_pipeline_misuse.c (every handle the
 * pipeline links) and tests/test_stream_misuse.c (the optional stream
 * module): each public call given bad arguments returns its documented
 * status and leaves the handle as it was (its checkpoint byte for byte).
 * scripts/list-api.py --check on both files fails when a public function
 * is never called there. */
#ifndef SL_TEST_MISUSE_H
#define SL_TEST_MISUSE_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "streamlearn.h"

/* NaN, +Inf, -Inf: every double argument is tried with each. */
static const double misuse_nonfinite[3] = {NAN, INFINITY, -INFINITY};
#define N_NONFINITE 3

/* `*buf` (malloc'd) and `*len` receive sl_<noun> `h`'s checkpoint. */
#define MISUSE_SNAPSHOT(noun, h, buf, len)                                                     \
  do {                                                                                         \
    size_t cap_ = 0;                                                                           \
    cr_assert_eq(sl_##noun##_save_mem((h), 0, NULL, 0, &cap_), SL_EBUFFER, "size query");      \
    (buf) = (unsigned char *)malloc(cap_);                                                     \
    cr_assert_eq(sl_##noun##_save_mem((h), 0, (buf), cap_, &(len)), SL_OK, "snapshot");        \
  } while (0)

/* `call` returns `want`, and sl_<noun> `h` saves the same bytes after it. */
#define EXPECT_UNCHANGED(noun, h, want, call)                                                   \
  do {                                                                                          \
    unsigned char *b0_, *b1_;                                                                   \
    size_t n0_ = 0, n1_ = 0;                                                                    \
    sl_status st_;                                                                              \
    MISUSE_SNAPSHOT(noun, h, b0_, n0_);                                                         \
    st_ = (call);                                                                               \
    cr_assert_eq(st_, (want), "line %d: %s gave %s, want %s (%s)", __LINE__, #call,            \
                 sl_status_name(st_), sl_status_name(want), sl_##noun##_last_error(h));         \
    MISUSE_SNAPSHOT(noun, h, b1_, n1_);                                                         \
    cr_assert(n0_ == n1_ && memcmp(b0_, b1_, n0_) == 0, "line %d: %s changed the handle",      \
              __LINE__, #call);                                                                 \
    free(b0_);                                                                                  \
    free(b1_);                                                                                  \
  } while (0)

/* `call` (no handle to compare) returns `want`. */
#define EXPECT(want, call)                                                                     \
  do {                                                                                         \
    sl_status st_ = (call);                                                                    \
    cr_assert_eq(st_, (want), "line %d: %s gave %s, want %s", __LINE__, #call,                 \
                 sl_status_name(st_), sl_status_name(want));                                   \
  } while (0)

static inline int misuse_write_fail(void *user, const void *buf, size_t len) {
  (void)user, (void)buf, (void)len;
  return 1;
}
static inline int misuse_read_fail(void *user, void *buf, size_t len) {
  (void)user, (void)buf, (void)len;
  return 1;
}

/* An allocator that is not one: struct_size 0, no functions. */
static const sl_allocator misuse_bad_alloc = {0, NULL, NULL, NULL};

/* The SL_HANDLE_API(noun) calls on a valid handle `h` of kind `kind`, with
 * `dparam` one of its SL_PARAM_DOUBLE parameters, and `other` a checkpoint
 * (`other_len` bytes) of another handle type. */
#define MISUSE_HANDLE_API(noun, h, kind, dparam, other, other_len)                                 \
  do {                                                                                             \
    double v_;                                                                                     \
    int64_t i_;                                                                                    \
    int k_;                                                                                        \
    size_t n_, j_;                                                                                 \
    const char *s_;                                                                                \
    const sl_param_info *pi_;                                                                      \
    unsigned char small_[8];                                                                       \
    sl_##noun *out_ = (sl_##noun *)&out_;                                                          \
    unsigned char *ck_;                                                                            \
    size_t ck_len_ = 0;                                                                            \
    EXPECT(SL_EINVAL, sl_##noun##_set_double(NULL, dparam, 1));                                    \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_set_double(h, NULL, 1));                      \
    EXPECT_UNCHANGED(noun, h, SL_EPARAM, sl_##noun##_set_double(h, "no_such_parameter", 1));       \
    for (j_ = 0; j_ < N_NONFINITE; j_++)                                                           \
      EXPECT_UNCHANGED(noun, h, SL_ENONFINITE, sl_##noun##_set_double(h, dparam, misuse_nonfinite[j_])); \
    EXPECT_UNCHANGED(noun, h, SL_ERANGE, sl_##noun##_set_double(h, dparam, -1e308));               \
    EXPECT(SL_EINVAL, sl_##noun##_set_int(NULL, dparam, 1));                                       \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_set_int(h, NULL, 1));                         \
    EXPECT_UNCHANGED(noun, h, SL_EPARAM, sl_##noun##_set_int(h, "no_such_parameter", 1));          \
    EXPECT(SL_EINVAL, sl_##noun##_set_str(NULL, dparam, "1"));                                     \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_set_str(h, NULL, "1"));                       \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_set_str(h, dparam, NULL));                    \
    EXPECT_UNCHANGED(noun, h, SL_ETYPE, sl_##noun##_set_str(h, dparam, "nan"));                    \
    EXPECT_UNCHANGED(noun, h, SL_ETYPE, sl_##noun##_set_str(h, dparam, "inf"));                    \
    EXPECT_UNCHANGED(noun, h, SL_ETYPE, sl_##noun##_set_str(h, dparam, ""));                       \
    EXPECT_UNCHANGED(noun, h, SL_EPARAM, sl_##noun##_set_str(h, "no_such_parameter", "1"));        \
    EXPECT(SL_EINVAL, sl_##noun##_get_double(NULL, dparam, &v_));                                  \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_get_double(h, NULL, &v_));                    \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_get_double(h, dparam, NULL));                 \
    EXPECT_UNCHANGED(noun, h, SL_EPARAM, sl_##noun##_get_double(h, "no_such_parameter", &v_));     \
    EXPECT(SL_EINVAL, sl_##noun##_get_int(NULL, dparam, &i_));                                     \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_get_int(h, NULL, &i_));                       \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_get_int(h, dparam, NULL));                    \
    EXPECT_UNCHANGED(noun, h, SL_ETYPE, sl_##noun##_get_int(h, dparam, &i_));                      \
    EXPECT(SL_EINVAL, sl_##noun##_stat(NULL, "bytes", &v_));                                       \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_stat(h, NULL, &v_));                          \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_stat(h, "bytes", NULL));                      \
    EXPECT_UNCHANGED(noun, h, SL_ENOTFOUND, sl_##noun##_stat(h, "no_such_stat", &v_));             \
    EXPECT(SL_EINVAL, sl_##noun##_stat_name(NULL, 0, &s_));                                        \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_stat_name(h, 0, NULL));                       \
    EXPECT_UNCHANGED(noun, h, SL_ENOTFOUND, sl_##noun##_stat_name(h, (size_t)-1, &s_));            \
    cr_assert_str_eq(sl_##noun##_last_error(NULL), "");                                            \
    EXPECT(SL_EINVAL, sl_##noun##_kind_of(NULL, &k_));                                             \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_kind_of(h, NULL));                            \
    cr_assert_null(sl_##noun##_kind_name(99));                                                     \
    cr_assert_null(sl_##noun##_kind_name(-1));                                                     \
    cr_assert_not_null(sl_##noun##_kind_name(kind));                                               \
    EXPECT(SL_EINVAL, sl_##noun##_kind_from_name(NULL, &k_));                                      \
    EXPECT(SL_EINVAL, sl_##noun##_kind_from_name(sl_##noun##_kind_name(kind), NULL));              \
    EXPECT(SL_EKIND, sl_##noun##_kind_from_name("no_such_kind", &k_));                             \
    EXPECT(SL_EKIND, sl_##noun##_kind_from_name("", &k_));                                         \
    EXPECT(SL_EKIND, sl_##noun##_kind_param(99, 0, &pi_));                                         \
    EXPECT(SL_EKIND, sl_##noun##_kind_param(-1, 0, &pi_));                                         \
    EXPECT(SL_EINVAL, sl_##noun##_kind_param(kind, 0, NULL));                                      \
    EXPECT(SL_ENOTFOUND, sl_##noun##_kind_param(kind, (size_t)-1, &pi_));                          \
    EXPECT(SL_EINVAL, sl_##noun##_save(NULL, 0, misuse_write_fail, NULL));                         \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_save(h, 0, NULL, NULL));                      \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_save(h, 0x80u, misuse_write_fail, NULL));     \
    EXPECT_UNCHANGED(noun, h, SL_EIO, sl_##noun##_save(h, 0, misuse_write_fail, NULL));            \
    EXPECT(SL_EINVAL, sl_##noun##_save_mem(NULL, 0, NULL, 0, &n_));                                \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_save_mem(h, 0, small_, sizeof small_, NULL)); \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_save_mem(h, 0, NULL, 8, &n_));                \
    EXPECT_UNCHANGED(noun, h, SL_EINVAL, sl_##noun##_save_mem(h, 0x80u, NULL, 0, &n_));            \
    EXPECT_UNCHANGED(noun, h, SL_EBUFFER, sl_##noun##_save_mem(h, 0, small_, sizeof small_, &n_)); \
    cr_assert_gt(n_, sizeof small_, "SL_EBUFFER sets the size");                                   \
    EXPECT(SL_EINVAL, sl_##noun##_load(NULL, misuse_read_fail, NULL, NULL));                       \
    EXPECT(SL_EINVAL, sl_##noun##_load(&out_, NULL, NULL, NULL));                                  \
    cr_assert_null(out_);                                                                          \
    out_ = (sl_##noun *)&out_;                                                                     \
    EXPECT(SL_ECORRUPT, sl_##noun##_load(&out_, misuse_read_fail, NULL, NULL));                    \
    cr_assert_null(out_);                                                                          \
    MISUSE_SNAPSHOT(noun, h, ck_, ck_len_);                                                        \
    out_ = (sl_##noun *)&out_;                                                                     \
    EXPECT(SL_EINVAL, sl_##noun##_load_mem(&out_, ck_, ck_len_, &misuse_bad_alloc));               \
    cr_assert_null(out_);                                                                          \
    free(ck_);                                                                                     \
    EXPECT(SL_EINVAL, sl_##noun##_load_mem(NULL, other, other_len, NULL));                         \
    out_ = (sl_##noun *)&out_;                                                                     \
    EXPECT(SL_EINVAL, sl_##noun##_load_mem(&out_, NULL, 64, NULL));                                \
    cr_assert_null(out_);                                                                          \
    EXPECT(SL_ECORRUPT, sl_##noun##_load_mem(&out_, other, 0, NULL));                              \
    cr_assert_null(out_);                                                                          \
    EXPECT(SL_EKIND, sl_##noun##_load_mem(&out_, other, other_len, NULL));                         \
    cr_assert_null(out_);                                                                          \
    sl_##noun##_free(NULL);                                                                        \
  } while (0)

#endif
