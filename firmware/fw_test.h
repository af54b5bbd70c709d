/*
 * The firmware test runner's interface (firmware/test_main.c runs them).
 *
 * A module adds firmware/tests_<module>.c holding test functions and one
 * FW_SUITE(<module>, table) line; the runner finds every suite through the
 * linker section `fw_suites` (firmware/mps2_an386.ld), so it never changes.
 *
 *   static int crc_vectors(void) { FW_CHECK(sl__crc32c(0, "123456789", 9) == 0xE3069283u); return 0; }
 *   static const fw_test tests[] = { {"crc_vectors", crc_vectors} };
 *   FW_SUITE(core, tests);
 *
 * A test returns 0 when it passed; FW_CHECK prints the failing condition
 * and returns 1. Tests run on the target with SL_NO_MALLOC: give every
 * handle an arena (fw_arena() hands out a fresh one).
 */
#ifndef SL_FW_TEST_H
#define SL_FW_TEST_H

#include <stddef.h>

#include "core/object.h"
#include "streamlearn.h"

typedef struct fw_test {
  const char *name;
  int (*fn)(void);
} fw_test;

typedef struct fw_suite {
  const char *name;
  const fw_test *tests;
  size_t n;
} fw_suite;

/* The alignment keeps the section a plain array: a compiler may otherwise
 * align a 24-byte struct to 16 or 32 on a 64-bit host. */
#define FW_SUITE(module, table)                                                            \
  static const fw_suite fw_suite_##module __attribute__((used, aligned(sizeof(void *)),   \
                                                         section("fw_suites"))) =          \
      {#module, table, sizeof table / sizeof table[0]}

/* Prints "  check failed: <expr> (file:line)". */
void fw_fail(const char *expr, const char *file, int line);

#define FW_CHECK(cond)                                                                     \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fw_fail(#cond, __FILE__, __LINE__);                                                  \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

/* A check of what only the firmware build promises (no default allocator,
 * no zstd); `make firmware-host` runs the tests against the host build,
 * which has both, and skips these. */
#ifdef FW_HOST
#define FW_CHECK_TARGET(cond) ((void)0)
#else
#define FW_CHECK_TARGET(cond) FW_CHECK(cond)
#endif

/* A fresh arena allocator over the runner's static buffer (the previous
 * one is forgotten). Its size, FW_ARENA_BYTES, is set by firmware/firmware.mk. */
sl_allocator *fw_arena(void);

/* Known answers. FW_EXPECT(name, got, n, tol) compares the `n` values of
 * `got` with fw_answer_<name>[] from firmware/answers_<module>.h, which
 * `make firmware-answers` writes by running these same tests on the host
 * build (double reals): |got - want| <= tol * max(1, |want|) for each, and
 * the count must match. It prints the largest deviation, which is what the
 * float build costs. Built with FW_RECORD (the host run that writes the
 * header), it records `got` instead. */
int fw_expect(const char *name, const double *got, size_t n, const double *want, size_t n_want, double tol);
int fw_record(const char *name, const double *got, size_t n);

#ifdef FW_RECORD
#define FW_EXPECT(name, got, n, tol) FW_CHECK(fw_record(#name, got, n) == 0)
#else
#define FW_EXPECT(name, got, n, tol)                                                       \
  FW_CHECK(fw_expect(#name, got, n, fw_answer_##name, sizeof fw_answer_##name / sizeof fw_answer_##name[0], \
                     tol) == 0)
#endif

/* Every kind of handle type `noun` that this build has (ids below 64) must
 * fit its parameter table in the SL__MAX_PARAMS slots of a handle head (a
 * build may lower SL__MAX_PARAMS, lib/core/object.h), and one kind exists. */
#define FW_CHECK_PARAMS_FIT(noun)                                                          \
  do {                                                                                     \
    const sl_param_info *info_;                                                            \
    int kind_, n_kinds_ = 0;                                                               \
    for (kind_ = 0; kind_ < 64; kind_++) {                                                 \
      if (!sl_##noun##_kind_name(kind_)) continue;                                         \
      n_kinds_++;                                                                          \
      FW_CHECK(sl_##noun##_kind_param(kind_, SL__MAX_PARAMS, &info_) == SL_ENOTFOUND);     \
    }                                                                                      \
    FW_CHECK(n_kinds_ > 0);                                                                \
  } while (0)

#endif
