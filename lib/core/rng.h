/* Seedable deterministic RNG: xoshiro256** seeded through splitmix64.
 * Same seed, same sequence, on every platform and build. */
#ifndef SL_CORE_RNG_H
#define SL_CORE_RNG_H

#include "deps.h"

typedef struct sl__rng {
  uint64_t s[4];
} sl__rng;

void sl__rng_seed(sl__rng *r, uint64_t seed);
uint64_t sl__rng_next(sl__rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double sl__rng_uniform(sl__rng *r);
/* Uniform integer in [0, n) without modulo bias; n > 0. Below 2^32 it
 * costs a multiply and a shift (no division on the usual path). */
uint64_t sl__rng_below(sl__rng *r, uint64_t n);
/* Standard normal (Marsaglia polar method; no cached spare, so the state is
 * the four words alone). */
double sl__rng_normal(sl__rng *r);
/* Poisson(lambda) for small lambda (Knuth), used by bootstrap sampling. */
unsigned sl__rng_poisson(sl__rng *r, double lambda);

/* splitmix64 step: also a good 64-bit mixer for hashing integer keys. */
uint64_t sl__splitmix64(uint64_t *state);
uint64_t sl__mix64(uint64_t x);

#endif
