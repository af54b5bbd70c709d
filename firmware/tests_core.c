/* Core services on the target: CRC-32C, RNG, arena, checkpoint framing. */
#include "core/checkpoint.h"
#include "core/object.h"
#include "core/rng.h"
#include "fw_test.h"

static int crc32c_vectors(void) {
  unsigned char zeros[32] = {0}, ones[32], inc[32];
  int i;
  for (i = 0; i < 32; i++) {
    ones[i] = 0xff;
    inc[i] = (unsigned char)i;
  }
  FW_CHECK(sl__crc32c(0, "123456789", 9) == 0xE3069283u);
  /* RFC 3720 (iSCSI) appendix B.4. */
  FW_CHECK(sl__crc32c(0, zeros, 32) == 0x8A9136AAu);
  FW_CHECK(sl__crc32c(0, ones, 32) == 0x62A8AB43u);
  FW_CHECK(sl__crc32c(0, inc, 32) == 0x46DD794Eu);
  FW_CHECK(sl__crc32c(sl__crc32c(0, "1234", 4), "56789", 5) == 0xE3069283u);
  return 0;
}

/* The same pinned values as the host suite: the sequence is the same on
 * every platform and real type. */
static int rng_determinism(void) {
  sl__rng a, b, c;
  int i;
  sl__rng_seed(&a, 0);
  FW_CHECK(sl__rng_next(&a) == 0x99ec5f36cb75f2b4ull);
  sl__rng_seed(&a, 42);
  sl__rng_seed(&b, 42);
  sl__rng_seed(&c, 43);
  for (i = 0; i < 1000; i++) {
    uint64_t x = sl__rng_next(&a);
    FW_CHECK(x == sl__rng_next(&b));
    FW_CHECK(x != sl__rng_next(&c));
  }
  for (i = 0; i < 1000; i++) {
    double u = sl__rng_uniform(&a);
    FW_CHECK(u >= 0.0 && u < 1.0);
    FW_CHECK(sl__rng_below(&a, 7) < 7);
  }
  return 0;
}

static int arena_allocator(void) {
  static unsigned char buf[1024] __attribute__((aligned(16)));
  sl_allocator a;
  size_t used, high;
  unsigned char *p, *q;
  FW_CHECK(sl_arena_init(&a, buf, 8) == SL_EFULL);
  FW_CHECK(sl_arena_init(NULL, buf, sizeof buf) == SL_EINVAL);
  FW_CHECK(sl_arena_init(&a, buf + 1, sizeof buf - 1) == SL_OK); /* realigns */
  FW_CHECK(sl_arena_init(&a, buf, sizeof buf) == SL_OK);
  p = (unsigned char *)a.alloc(a.ctx, 100);
  q = (unsigned char *)a.alloc(a.ctx, 10);
  FW_CHECK(p && q && (uintptr_t)p % 16 == 0 && (uintptr_t)q % 16 == 0);
  FW_CHECK(q - p == 112);
  FW_CHECK(sl_arena_usage(&a, &used, &high) == SL_OK && used == 128 && high == 128);
  a.free(a.ctx, q, 10);
  FW_CHECK(sl_arena_usage(&a, &used, &high) == SL_OK && used == 112 && high == 128);
  FW_CHECK(a.alloc(a.ctx, 4096) == NULL);
  FW_CHECK(sl_arena_reset(&a) == SL_OK);
  FW_CHECK(sl_arena_usage(&a, &used, NULL) == SL_OK && used == 0);
  return 0;
}

/* A payload of a few typed fields, emitted twice by sl__ckpt_write. */
static sl_status emit_sample(const void *ctx, sl__writer *w) {
  (void)ctx;
  sl__put_u32(w, 0xC0FFEEu);
  sl__put_f64(w, -2.5);
  sl__put_u64(w, 1234567890123ull);
  return SL_OK;
}

static int checkpoint_round_trip_and_truncation(void) {
  uint8_t buf[128];
  sl__writer w;
  sl__mem mem;
  sl__frame f;
  sl__reader r;
  sl_checkpoint_info info;
  size_t len, cut;
  FW_CHECK_TARGET(sl__mem_init(&mem, NULL) == SL_EINVAL); /* SL_NO_MALLOC: no default allocator */
  FW_CHECK(sl__mem_init(&mem, fw_arena()) == SL_OK);
  memset(&w, 0, sizeof w);
  w.mem = buf;
  w.cap = sizeof buf;
  FW_CHECK(sl__ckpt_write(SL__HANDLE_DRIFT, 1, 0, emit_sample, NULL, &mem, &w) == SL_OK);
  len = (size_t)w.n;
  FW_CHECK(len == SL__CKPT_HEADER + 20 + SL__CKPT_TRAILER);
  FW_CHECK(memcmp(buf, "SLCK", 4) == 0);
  FW_CHECK(sl_checkpoint_inspect(buf, len, &info) == SL_OK);
  FW_CHECK(info.kind == 1 && info.payload_bytes == 20 && info.header_ok && info.payload_ok);

  FW_CHECK(sl__ckpt_read(NULL, buf, len, &mem, &f) == SL_OK);
  FW_CHECK(f.handle_type == SL__HANDLE_DRIFT && f.kind == 1 && f.len == 20);
  r.p = f.payload;
  r.left = f.len;
  r.st = SL_OK;
  FW_CHECK(sl__get_u32(&r) == 0xC0FFEEu);
  FW_CHECK(sl__get_f64(&r) == -2.5);
  FW_CHECK(sl__get_u64(&r) == 1234567890123ull);
  FW_CHECK(r.st == SL_OK && r.left == 0);
  sl__get_u8(&r);
  FW_CHECK(r.st == SL_ECORRUPT); /* reading past the end */
  sl__frame_release(&mem, &f);
  FW_CHECK(mem.bytes == 0);

  for (cut = 0; cut < len; cut++) FW_CHECK(sl__ckpt_read(NULL, buf, cut, &mem, &f) == SL_ECORRUPT);
  buf[SL__CKPT_HEADER + 3] ^= 0x10; /* one payload bit */
  FW_CHECK(sl__ckpt_read(NULL, buf, len, &mem, &f) == SL_ECORRUPT);
  FW_CHECK(mem.bytes == 0);
  return 0;
}

static const fw_test core_tests[] = {
    {"crc32c_vectors", crc32c_vectors},
    {"rng_determinism", rng_determinism},
    {"arena_allocator", arena_allocator},
    {"checkpoint_round_trip_and_truncation", checkpoint_round_trip_and_truncation},
};
FW_SUITE(core, core_tests);
