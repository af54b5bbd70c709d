/*
 * Firmware test runner: runs every suite that a firmware/tests_<module>.c
 * registered with FW_SUITE, one line per test, then "N passed, N failed".
 * Output goes through semihosting (newlib's rdimon); main's return value
 * becomes QEMU's exit code (0 when every test passed).
 *
 * Built with FW_HOST it runs the same tests on the host build (`make
 * firmware-host`), and with FW_RECORD as well it prints the values the
 * FW_EXPECT checks compare against, as `FW_ANSWER <suite> <C definition>`
 * lines (`make firmware-answers` turns them into firmware/answers_*.h).
 */
#include <math.h>
#include <stdio.h>

#include "fw_test.h"

#ifndef FW_ARENA_BYTES
#define FW_ARENA_BYTES 16384
#endif

#ifdef FW_HOST
/* GNU ld defines these for a section whose name is a C identifier. */
extern const fw_suite __start_fw_suites[], __stop_fw_suites[];
#define FW_SUITES_BEGIN __start_fw_suites
#define FW_SUITES_END __stop_fw_suites
#else
/* Bounds of the `fw_suites` section, from the linker script. */
extern const fw_suite __fw_suites_start[], __fw_suites_end[];
#define FW_SUITES_BEGIN __fw_suites_start
#define FW_SUITES_END __fw_suites_end
#endif

static unsigned char arena_buf[FW_ARENA_BYTES] __attribute__((aligned(16)));
static sl_allocator arena;
static int arena_used;
static const fw_suite *current_suite;
static const fw_test *current_test;

sl_allocator *fw_arena(void) {
  if (sl_arena_init(&arena, arena_buf, sizeof arena_buf) != SL_OK) return NULL;
  arena_used = 1;
  return &arena;
}

void fw_fail(const char *expr, const char *file, int line) {
  printf("  check failed: %s (%s:%d)\n", expr, file, line);
}

int fw_expect(const char *name, const double *got, size_t n, const double *want, size_t n_want, double tol) {
  double worst = 0.0;
  size_t i;
  if (n != n_want) {
    printf("  %s: %u values, the host recorded %u (make firmware-answers)\n", name, (unsigned)n, (unsigned)n_want);
    return 1;
  }
  for (i = 0; i < n; i++) {
    double d = fabs(got[i] - want[i]), scale = fabs(want[i]) > 1.0 ? fabs(want[i]) : 1.0;
    if (!(d <= tol * scale)) {
      printf("  %s[%u] = %.9g, host %.9g (tolerance %g)\n", name, (unsigned)i, got[i], want[i], tol * scale);
      return 1;
    }
    if (d / scale > worst) worst = d / scale;
  }
  printf("  %-26s %3u values, largest deviation from the host %.2g\n", name, (unsigned)n, worst);
  return 0;
}

int fw_record(const char *name, const double *got, size_t n) {
  size_t i;
  printf("FW_ANSWER %s static const double fw_answer_%s[%u] = {", current_suite->name, name, (unsigned)n);
  for (i = 0; i < n; i++) printf("%s%.17g", i ? ", " : "", got[i]);
  printf("};\n");
  return 0;
}

/* Called by the fault handler (firmware/startup.c) before it exits. */
void fw_on_fault(unsigned exception);
void fw_on_fault(unsigned exception) {
  if (current_test) printf("CRASH %s.%s (exception %u)\n", current_suite->name, current_test->name, exception);
}

int main(void) {
  const fw_suite *s;
  unsigned passed = 0, failed = 0;
  size_t i;
  printf("libstreamlearn %s firmware tests, arena %u bytes\n", sl_version_string(), (unsigned)FW_ARENA_BYTES);
  for (s = FW_SUITES_BEGIN; s < FW_SUITES_END; s++) {
    for (i = 0; i < s->n; i++) {
      int rc;
      size_t high = 0;
      arena_used = 0;
      current_suite = s;
      current_test = &s->tests[i];
      rc = s->tests[i].fn();
      if (rc == 0) passed++;
      else failed++;
      printf("%s %s.%s", rc == 0 ? "PASS" : "FAIL", s->name, s->tests[i].name);
      if (arena_used && sl_arena_usage(&arena, NULL, &high) == SL_OK)
        printf(" (arena high water %u bytes)", (unsigned)high);
      printf("\n");
    }
  }
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
