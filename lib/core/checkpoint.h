/*
 * Checkpoint framing and the byte-level writer / reader kinds serialize with.
 *
 * Frame (little-endian):
 *   0  magic "SLCK"            4
 *   4  format version u16      (SL__CKPT_VERSION)
 *   6  handle type u8          (SL__HANDLE_*)
 *   7  reserved u8             0
 *   8  kind u16
 *  10  flags u16               SL_SAVE_COMPRESS
 *  12  stored length u64       payload bytes in the frame
 *  20  payload length u64      payload bytes once decompressed
 *  28  header CRC-32C u32      over bytes 0..27
 *  32  payload                 stored length bytes
 *  ..  payload CRC-32C u32     over the stored payload bytes
 * Payload: the parameter block (count u16, then per parameter its name
 * length u8, name, value as f64 or i64), then the kind's own state.
 */
#ifndef SL_CORE_CHECKPOINT_H
#define SL_CORE_CHECKPOINT_H

#include "streamlearn/common.h"
#include "deps.h"

#define SL__CKPT_VERSION 1
#define SL__CKPT_HEADER 32
#define SL__CKPT_TRAILER 4
/* A payload larger than this is refused as corrupt before any allocation. */
#define SL__CKPT_MAX_PAYLOAD ((uint64_t)1 << 40)
/* Handles nest inside a payload (a concept-drift stream's two streams, a
 * pipeline's model and its tree's detectors) at most this deep: loading
 * recurses once per level, so a deeper payload is refused as corrupt
 * instead of exhausting the stack. */
#define SL__CKPT_MAX_NESTING 32

/* Serializer. With fn == NULL and mem == NULL it only counts (`n`).
 * The first failure sticks in `st`; later puts do nothing. */
typedef struct sl__writer {
  sl_write_fn fn;
  void *user;
  uint8_t *mem; /* or: write into memory */
  size_t cap;
  uint64_t n;
  uint32_t crc;
  sl_status st;
} sl__writer;

void sl__put_bytes(sl__writer *w, const void *p, size_t n);
void sl__put_u8(sl__writer *w, uint8_t v);
void sl__put_u16(sl__writer *w, uint16_t v);
void sl__put_u32(sl__writer *w, uint32_t v);
void sl__put_u64(sl__writer *w, uint64_t v);
void sl__put_i64(sl__writer *w, int64_t v);
void sl__put_f64(sl__writer *w, double v);
/* An sl_real array, stored as f64 so checkpoints move between float and
 * double builds. */
void sl__put_reals(sl__writer *w, const sl_real *v, size_t n);

/* Deserializer over a memory payload already checksum-verified. Reading past
 * the end sets st = SL_ECORRUPT and yields zeros. `depth` counts the
 * sl__object_load_payload calls under way (start it at 0). */
typedef struct sl__reader {
  const uint8_t *p;
  size_t left;
  sl_status st;
  unsigned depth;
} sl__reader;

void sl__get_bytes(sl__reader *r, void *p, size_t n);
uint8_t sl__get_u8(sl__reader *r);
uint16_t sl__get_u16(sl__reader *r);
uint32_t sl__get_u32(sl__reader *r);
uint64_t sl__get_u64(sl__reader *r);
int64_t sl__get_i64(sl__reader *r);
double sl__get_f64(sl__reader *r);
/* A finite f64; a NaN / Inf marks the reader corrupt. */
double sl__get_finite(sl__reader *r);
void sl__get_reals(sl__reader *r, sl_real *v, size_t n);
/* A count that must be <= max (else corrupt); for sizes read before allocating. */
uint64_t sl__get_count(sl__reader *r, uint64_t max);
/* Marks the reader corrupt when `ok` is false; returns ok. */
int sl__expect(sl__reader *r, int ok);

/* Frames a payload produced by `emit(ctx, w)` and writes it. Two passes
 * (count, then write) unless compressing, which buffers through `mem`. */
struct sl__mem;
typedef sl_status (*sl__emit_fn)(const void *ctx, sl__writer *w);
sl_status sl__ckpt_write(uint8_t handle_type, int kind, unsigned flags, sl__emit_fn emit, const void *ctx,
                         struct sl__mem *mem, sl__writer *out);

/* A verified frame: the payload in memory (owned by `mem` when `owned`). */
typedef struct sl__frame {
  uint8_t handle_type;
  int kind;
  unsigned flags;
  uint8_t *payload;
  size_t len;
  size_t alloc_len;
} sl__frame;

/* Reads and verifies a frame through `read`, or from memory when read == NULL
 * (then `user` is the buffer and `len` its size). The payload is copied into
 * a block from `mem`; release it with sl__frame_release. */
sl_status sl__ckpt_read(sl_read_fn read, void *user, size_t len, struct sl__mem *mem, sl__frame *f);
void sl__frame_release(struct sl__mem *mem, sl__frame *f);

/* CRC-32C (Castagnoli), continued from `crc` (start with 0). */
uint32_t sl__crc32c(uint32_t crc, const void *data, size_t n);

#endif
