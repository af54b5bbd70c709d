/*
 * Firmware test runner: runs every suite that a firmware/tests_<module>.c
 * registered with FW_SUITE, one line per test, then "N passed, N failed".
 * Output goes through semihosting (newlib's rdimon); main's return value
 * becomes QEMU's exit code (0 when every test passed).
 */
#include <stdio.h>

#include "fw_test.h"

#ifndef FW_ARENA_BYTES
#define FW_ARENA_BYTES 16384
#endif

/* Bounds of the `fw_suites` section, from the linker script. */
extern const fw_suite __fw_suites_start[], __fw_suites_end[];

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
  for (s = __fw_suites_start; s < __fw_suites_end; s++) {
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
