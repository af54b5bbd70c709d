/* Test allocator shared by every suite: counts blocks and bytes, reports
 * leaks, and can fail the N-th allocation (fault injection, as SQLite's
 * test_malloc.c and libuv's test-loop-oom.c). */
#ifndef SL_TEST_TESTALLOC_H
#define SL_TEST_TESTALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "streamlearn.h"

typedef struct test_alloc {
  sl_allocator a;     /* pass &t.a to sl_X_new */
  long fail_at;       /* 0-based index of the allocation to fail; -1 never */
  long calls;         /* allocations attempted */
  long live_blocks;   /* blocks not yet freed */
  size_t live_bytes;  /* bytes not yet freed */
  int bad_free;       /* a free whose size did not match, or of an unknown block */
} test_alloc;

/* A fresh allocator that never fails. */
void test_alloc_init(test_alloc *t);
/* Fails allocation number `n` (0-based) from now on counting from zero. */
void test_alloc_fail_at(test_alloc *t, long n);

/* Runs `attempt` with allocation 0, 1, 2, ... failing until it returns
 * SL_OK without any failure injected. Each failed attempt must return
 * SL_ENOMEM and leave nothing allocated; `attempt` must free what it made
 * when it succeeds. Returns the number of allocations of the successful
 * run; aborts the test (Criterion assertion) on a violation. */
long test_alloc_sweep(sl_status (*attempt)(const sl_allocator *a, void *ctx), void *ctx);

#endif
