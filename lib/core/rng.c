/* xoshiro256** (Blackman & Vigna 2018) with splitmix64 seeding. */
#include "rng.h"

uint64_t sl__mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t sl__splitmix64(uint64_t *state) {
  *state += 0x9e3779b97f4a7c15ull;
  return sl__mix64(*state);
}

void sl__rng_seed(sl__rng *r, uint64_t seed) {
  uint64_t st = seed;
  int i;
  for (i = 0; i < 4; i++) r->s[i] = sl__splitmix64(&st);
}

static uint64_t sl__rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sl__rng_next(sl__rng *r) {
  uint64_t *s = r->s;
  uint64_t result = sl__rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = sl__rotl(s[3], 45);
  return result;
}

double sl__rng_uniform(sl__rng *r) { return (double)(sl__rng_next(r) >> 11) * 0x1.0p-53; }

uint64_t sl__rng_below(sl__rng *r, uint64_t n) {
  uint64_t m, limit, x;
  uint32_t lo, n32 = (uint32_t)n;
  if (n <= UINT32_MAX) {
    /* Lemire 2019: a multiply and a shift; divides only on the rare
     * rejection path, so sampling loops carry no division. */
    m = (sl__rng_next(r) >> 32) * n;
    lo = (uint32_t)m;
    if (lo < n32) {
      uint32_t reject = (uint32_t)(0u - n32) % n32; /* 2^32 mod n */
      while (lo < reject) {
        m = (sl__rng_next(r) >> 32) * n;
        lo = (uint32_t)m;
      }
    }
    return m >> 32;
  }
  limit = UINT64_MAX - UINT64_MAX % n;
  do x = sl__rng_next(r);
  while (x >= limit);
  return x % n;
}

double sl__rng_normal(sl__rng *r) {
  double u, v, s;
  do {
    u = 2.0 * sl__rng_uniform(r) - 1.0;
    v = 2.0 * sl__rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * sqrt(-2.0 * log(s) / s);
}

unsigned sl__rng_poisson(sl__rng *r, double lambda) {
  double l = exp(-lambda), p = 1.0;
  unsigned k = 0;
  do {
    k++;
    p *= sl__rng_uniform(r);
  } while (p > l && k < 1000u);
  return k - 1;
}
