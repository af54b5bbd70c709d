#include "testalloc.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries its size in a 16-byte header, so frees can be checked. */
static void *t_alloc(void *ctx, size_t n) {
  test_alloc *t = (test_alloc *)ctx;
  unsigned char *p;
  long idx = t->calls++;
  if (t->fail_at >= 0 && idx == t->fail_at) return NULL;
  p = (unsigned char *)malloc(n + 16);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  t->live_blocks++;
  t->live_bytes += n;
  return p + 16;
}

static void t_free(void *ctx, void *ptr, size_t n) {
  test_alloc *t = (test_alloc *)ctx;
  unsigned char *p;
  size_t had;
  if (!ptr) return;
  p = (unsigned char *)ptr - 16;
  memcpy(&had, p, sizeof had);
  if (had != n) t->bad_free = 1;
  t->live_blocks--;
  t->live_bytes -= had;
  free(p);
}

void test_alloc_init(test_alloc *t) {
  memset(t, 0, sizeof *t);
  t->a.struct_size = sizeof t->a;
  t->a.alloc = t_alloc;
  t->a.free = t_free;
  t->a.ctx = t;
  t->fail_at = -1;
}

void test_alloc_fail_at(test_alloc *t, long n) {
  t->fail_at = n;
  t->calls = 0;
}

long test_alloc_sweep(sl_status (*attempt)(const sl_allocator *a, void *ctx), void *ctx) {
  long n;
  for (n = 0; n < 100000; n++) {
    test_alloc t;
    sl_status st;
    test_alloc_init(&t);
    test_alloc_fail_at(&t, n);
    st = attempt(&t.a, ctx);
    cr_assert_eq(t.bad_free, 0, "free with a wrong size (failing allocation %ld)", n);
    if (t.calls <= n) { /* no failure was injected: the run is complete */
      cr_assert_eq(st, SL_OK, "run without injected failure returned %s", sl_status_name(st));
      cr_assert_eq(t.live_blocks, 0, "%ld blocks leaked on success", t.live_blocks);
      return n;
    }
    cr_assert_eq(st, SL_ENOMEM, "allocation %ld failed but the call returned %s", n, sl_status_name(st));
    cr_assert_eq(t.live_blocks, 0, "allocation %ld failed and %ld blocks leaked", n, t.live_blocks);
  }
  cr_assert_fail("allocation sweep did not terminate");
  return -1;
}
