/* sl_hash_bytes: a portable 64-bit hash (64-bit words read little-endian,
 * mixed with the splitmix64 finalizer). Stable across platforms: feature
 * hashes and byte-string keys saved on one machine mean the same elsewhere. */
#include "rng.h"
#include "streamlearn/common.h"

static uint64_t sl__load_le64(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  size_t i;
  for (i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

SL_API uint64_t sl_hash_bytes(const void *data, size_t len, uint64_t seed) {
  const uint8_t *p = (const uint8_t *)data;
  uint64_t h = sl__mix64(seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(len + 1)));
  if (!p) return sl__mix64(h); /* no bytes: as any pointer with len 0 */
  while (len >= 8) {
    h = sl__mix64(h ^ sl__load_le64(p, 8)) * 0xff51afd7ed558ccdull;
    p += 8;
    len -= 8;
  }
  if (len) h = sl__mix64(h ^ sl__load_le64(p, len) ^ ((uint64_t)len << 56));
  return sl__mix64(h);
}
