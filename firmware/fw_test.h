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

#define FW_SUITE(module, table)                                                            \
  static const fw_suite fw_suite_##module                                                  \
      __attribute__((used, section("fw_suites"))) = {#module, table, sizeof table / sizeof table[0]}

/* Prints "  check failed: <expr> (file:line)". */
void fw_fail(const char *expr, const char *file, int line);

#define FW_CHECK(cond)                                                                     \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fw_fail(#cond, __FILE__, __LINE__);                                                  \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

/* A fresh arena allocator over the runner's static buffer (the previous
 * one is forgotten). Its size, FW_ARENA_BYTES, is set by firmware/Makefile. */
sl_allocator *fw_arena(void);

#endif
