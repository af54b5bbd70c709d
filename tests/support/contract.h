/* Checks every handle keeps the checkpoint contract (common.h):
 *  - save_mem size query, then save;
 *  - load gives a handle whose own checkpoint is byte-identical;
 *  - every truncation is refused with SL_ECORRUPT, NULL out, no leak;
 *  - every single-bit flip (all of them for small checkpoints, the header,
 *    trailer and a seeded sample of payload bits for large ones) is refused.
 * Use: CHECK_CHECKPOINT_CONTRACT(drift, handle); */
#ifndef SL_TEST_CONTRACT_H
#define SL_TEST_CONTRACT_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testalloc.h"

/* Positions of bits to flip: all for small buffers, else a sample. */
static inline int contract_flip_this(size_t byte, size_t len, unsigned *seed) {
  if (len <= 2048 || byte < 40 || byte + 4 >= len) return 1;
  *seed = *seed * 1103515245u + 12345u;
  return ((*seed >> 16) % (len / 1024 + 1)) == 0;
}

#define CHECK_CHECKPOINT_CONTRACT(noun, h)                                                          \
  do {                                                                                              \
    size_t len_ = 0, len2_ = 0, k_;                                                                 \
    unsigned char *buf_, *buf2_;                                                                    \
    unsigned seed_ = 12345u;                                                                        \
    sl_##noun *copy_ = NULL;                                                                        \
    test_alloc ta_;                                                                                 \
    cr_assert_eq(sl_##noun##_save_mem((h), 0, NULL, 0, &len_), SL_EBUFFER, "size query");           \
    buf_ = (unsigned char *)malloc(len_);                                                           \
    cr_assert_eq(sl_##noun##_save_mem((h), 0, buf_, len_, &len2_), SL_OK, "save");                  \
    cr_assert_eq(len2_, len_, "size query and save disagree");                                      \
    test_alloc_init(&ta_);                                                                          \
    cr_assert_eq(sl_##noun##_load_mem(&copy_, buf_, len_, &ta_.a), SL_OK, "load: %s",               \
                 sl_##noun##_last_error(h));                                                        \
    buf2_ = (unsigned char *)malloc(len_);                                                          \
    cr_assert_eq(sl_##noun##_save_mem(copy_, 0, buf2_, len_, &len2_), SL_OK, "re-save");            \
    cr_assert(len2_ == len_ && memcmp(buf_, buf2_, len_) == 0, "loaded handle saves differently"); \
    sl_##noun##_free(copy_);                                                                        \
    cr_assert_eq(ta_.live_blocks, 0, "load + free leaked");                                         \
    for (k_ = 0; k_ < len_; k_++) {                                                                 \
      sl_status st_ = sl_##noun##_load_mem(&copy_, buf_, k_, &ta_.a);                               \
      cr_assert_eq(st_, SL_ECORRUPT, "truncation to %zu bytes gave %s", k_, sl_status_name(st_));  \
      cr_assert_null(copy_);                                                                        \
      cr_assert_eq(ta_.live_blocks, 0, "truncated load leaked");                                    \
    }                                                                                               \
    for (k_ = 0; k_ < len_ * 8; k_++) {                                                             \
      sl_status st_;                                                                                \
      if (k_ % 8 == 0 && !contract_flip_this(k_ / 8, len_, &seed_)) {                               \
        k_ += 7;                                                                                    \
        continue;                                                                                   \
      }                                                                                             \
      buf2_[0] = 0;                                                                                 \
      memcpy(buf2_, buf_, len_);                                                                    \
      buf2_[k_ / 8] ^= (unsigned char)(1u << (k_ % 8));                                             \
      st_ = sl_##noun##_load_mem(&copy_, buf2_, len_, &ta_.a);                                      \
      cr_assert(st_ == SL_ECORRUPT || st_ == SL_EVERSION, "bit flip %zu accepted (%s)", k_,        \
                sl_status_name(st_));                                                               \
      cr_assert_null(copy_);                                                                        \
      cr_assert_eq(ta_.live_blocks, 0, "damaged load leaked");                                      \
    }                                                                                               \
    free(buf_);                                                                                     \
    free(buf2_);                                                                                    \
  } while (0)

#endif
