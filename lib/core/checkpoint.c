/* Checkpoint framing (layout in checkpoint.h), the byte writer and reader,
 * optional zstd compression of the payload, and sl_checkpoint_inspect. */
#include "object.h"

#ifdef SL_HAVE_ZSTD
#include <zstd.h>
#endif

static const uint8_t sl__magic[4] = {'S', 'L', 'C', 'K'};

/* ---- writer -------------------------------------------------------------- */

void sl__put_bytes(sl__writer *w, const void *p, size_t n) {
  if (w->st != SL_OK || n == 0) return;
  if (w->mem) {
    if (n > w->cap - (size_t)w->n) {
      w->st = SL_EBUFFER;
      return;
    }
    SL__MEMCPY(w->mem + w->n, p, n);
  } else if (w->fn) {
    if (w->fn(w->user, p, n) != 0) {
      w->st = SL_EIO;
      return;
    }
  }
  w->crc = sl__crc32c(w->crc, p, n);
  w->n += n;
}

static void sl__put_le(sl__writer *w, uint64_t v, int n) {
  uint8_t b[8];
  int i;
  for (i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
  sl__put_bytes(w, b, (size_t)n);
}

void sl__put_u8(sl__writer *w, uint8_t v) { sl__put_le(w, v, 1); }
void sl__put_u16(sl__writer *w, uint16_t v) { sl__put_le(w, v, 2); }
void sl__put_u32(sl__writer *w, uint32_t v) { sl__put_le(w, v, 4); }
void sl__put_u64(sl__writer *w, uint64_t v) { sl__put_le(w, v, 8); }
void sl__put_i64(sl__writer *w, int64_t v) { sl__put_le(w, (uint64_t)v, 8); }

void sl__put_f64(sl__writer *w, double v) {
  uint64_t bits;
  SL__MEMCPY(&bits, &v, 8);
  sl__put_le(w, bits, 8);
}

void sl__put_reals(sl__writer *w, const sl_real *v, size_t n) {
  size_t i;
  for (i = 0; i < n && w->st == SL_OK; i++) sl__put_f64(w, (double)v[i]);
}

/* ---- reader -------------------------------------------------------------- */

int sl__expect(sl__reader *r, int ok) {
  if (!ok && r->st == SL_OK) r->st = SL_ECORRUPT;
  return ok;
}

void sl__get_bytes(sl__reader *r, void *p, size_t n) {
  if (r->st != SL_OK || n > r->left) {
    r->st = SL_ECORRUPT;
    SL__MEMSET(p, 0, n);
    return;
  }
  SL__MEMCPY(p, r->p, n);
  r->p += n;
  r->left -= n;
}

static uint64_t sl__get_le(sl__reader *r, int n) {
  uint8_t b[8];
  uint64_t v = 0;
  int i;
  sl__get_bytes(r, b, (size_t)n);
  for (i = 0; i < n; i++) v |= (uint64_t)b[i] << (8 * i);
  return v;
}

uint8_t sl__get_u8(sl__reader *r) { return (uint8_t)sl__get_le(r, 1); }
uint16_t sl__get_u16(sl__reader *r) { return (uint16_t)sl__get_le(r, 2); }
uint32_t sl__get_u32(sl__reader *r) { return (uint32_t)sl__get_le(r, 4); }
uint64_t sl__get_u64(sl__reader *r) { return sl__get_le(r, 8); }
int64_t sl__get_i64(sl__reader *r) { return (int64_t)sl__get_le(r, 8); }

double sl__get_f64(sl__reader *r) {
  uint64_t bits = sl__get_le(r, 8);
  double v;
  SL__MEMCPY(&v, &bits, 8);
  return v;
}

double sl__get_finite(sl__reader *r) {
  double v = sl__get_f64(r);
  return sl__expect(r, sl__finite(v)) ? v : 0.0;
}

void sl__get_reals(sl__reader *r, sl_real *v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) v[i] = (sl_real)sl__get_finite(r);
}

uint64_t sl__get_count(sl__reader *r, uint64_t max) {
  uint64_t v = sl__get_u64(r);
  return sl__expect(r, v <= max) ? v : 0;
}

/* ---- framing ------------------------------------------------------------- */

static void sl__le_store(uint8_t *p, uint64_t v, int n) {
  int i;
  for (i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t sl__le_load(const uint8_t *p, int n) {
  uint64_t v = 0;
  int i;
  for (i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static void sl__header_make(uint8_t h[SL__CKPT_HEADER], uint8_t type, int kind, unsigned flags, uint64_t stored,
                            uint64_t raw) {
  SL__MEMCPY(h, sl__magic, 4);
  sl__le_store(h + 4, SL__CKPT_VERSION, 2);
  h[6] = type;
  h[7] = 0;
  sl__le_store(h + 8, (uint64_t)(unsigned)kind, 2);
  sl__le_store(h + 10, flags, 2);
  sl__le_store(h + 12, stored, 8);
  sl__le_store(h + 20, raw, 8);
  sl__le_store(h + 28, sl__crc32c(0, h, 28), 4);
}

sl_status sl__ckpt_write(uint8_t handle_type, int kind, unsigned flags, sl__emit_fn emit, const void *ctx,
                         sl__mem *mem, sl__writer *out) {
  uint8_t h[SL__CKPT_HEADER];
  sl__writer count;
  sl_status st;
  if (flags & ~(unsigned)SL_SAVE_COMPRESS) return SL_EINVAL;
  SL__MEMSET(&count, 0, sizeof count);
  st = emit(ctx, &count);
  if (st == SL_OK) st = count.st;
  if (st != SL_OK) return st;
  if (flags & SL_SAVE_COMPRESS) {
#ifdef SL_HAVE_ZSTD
    size_t raw_len = (size_t)count.n, bound = ZSTD_compressBound(raw_len), zlen;
    uint8_t *raw = (uint8_t *)sl__alloc(mem, raw_len ? raw_len : 1);
    uint8_t *z = (uint8_t *)sl__alloc(mem, bound);
    sl__writer body;
    if (!raw || !z) {
      st = SL_ENOMEM;
      goto done;
    }
    SL__MEMSET(&body, 0, sizeof body);
    body.mem = raw;
    body.cap = raw_len;
    st = emit(ctx, &body);
    if (st == SL_OK) st = body.st;
    if (st != SL_OK) goto done;
    zlen = ZSTD_compress(z, bound, raw, raw_len, 3);
    if (ZSTD_isError(zlen)) {
      st = SL_ENOMEM;
      goto done;
    }
    sl__header_make(h, handle_type, kind, flags, zlen, raw_len);
    sl__put_bytes(out, h, sizeof h);
    out->crc = 0;
    sl__put_bytes(out, z, zlen);
    sl__put_u32(out, out->crc);
    st = out->st;
  done:
    sl__free(mem, raw, raw_len ? raw_len : 1);
    sl__free(mem, z, bound);
    return st;
#else
    (void)mem;
    return SL_ENOTSUP;
#endif
  }
  sl__header_make(h, handle_type, kind, flags, count.n, count.n);
  sl__put_bytes(out, h, sizeof h);
  out->crc = 0;
  {
    uint64_t before = out->n;
    st = emit(ctx, out);
    if (st == SL_OK && out->st == SL_OK && out->n - before != count.n) st = SL_ECORRUPT; /* emit not repeatable */
  }
  if (st == SL_OK) sl__put_u32(out, out->crc);
  return st != SL_OK ? st : out->st;
}

/* Input for sl__ckpt_read: a callback, or a memory buffer. */
typedef struct sl__input {
  sl_read_fn read;
  void *user;
  const uint8_t *buf;
  size_t left;
} sl__input;

static int sl__input_get(sl__input *in, void *dst, size_t n) {
  if (in->read) return in->read(in->user, dst, n) == 0 ? 0 : -1;
  if (n > in->left) return -1;
  SL__MEMCPY(dst, in->buf, n);
  in->buf += n;
  in->left -= n;
  return 0;
}

/* Parses and checks a header. */
static sl_status sl__header_parse(const uint8_t h[SL__CKPT_HEADER], uint8_t *type, int *kind, unsigned *flags,
                                  uint64_t *stored, uint64_t *raw) {
  if (SL__MEMCMP(h, sl__magic, 4) != 0) return SL_ECORRUPT;
  if ((uint32_t)sl__le_load(h + 28, 4) != sl__crc32c(0, h, 28)) return SL_ECORRUPT;
  if (sl__le_load(h + 4, 2) != SL__CKPT_VERSION) return SL_EVERSION;
  *type = h[6];
  *kind = (int)sl__le_load(h + 8, 2);
  *flags = (unsigned)sl__le_load(h + 10, 2);
  *stored = sl__le_load(h + 12, 8);
  *raw = sl__le_load(h + 20, 8);
  if (h[7] != 0 || (*flags & ~(unsigned)SL_SAVE_COMPRESS)) return SL_ECORRUPT;
  if (*stored > SL__CKPT_MAX_PAYLOAD || *raw > SL__CKPT_MAX_PAYLOAD) return SL_ECORRUPT;
  if (!(*flags & SL_SAVE_COMPRESS) && *stored != *raw) return SL_ECORRUPT;
  return SL_OK;
}

void sl__frame_release(sl__mem *mem, sl__frame *f) {
  sl__free(mem, f->payload, f->alloc_len);
  f->payload = NULL;
  f->len = f->alloc_len = 0;
}

sl_status sl__ckpt_read(sl_read_fn read, void *user, size_t len, sl__mem *mem, sl__frame *f) {
  uint8_t h[SL__CKPT_HEADER], tail[4];
  uint64_t stored, raw;
  uint8_t *buf;
  sl__input in;
  sl_status st;
  SL__MEMSET(f, 0, sizeof *f);
  in.read = read;
  in.user = user;
  in.buf = read ? NULL : (const uint8_t *)user;
  in.left = read ? 0 : len;
  if (sl__input_get(&in, h, sizeof h) != 0) return SL_ECORRUPT;
  st = sl__header_parse(h, &f->handle_type, &f->kind, &f->flags, &stored, &raw);
  if (st != SL_OK) return st;
  if (!read && stored + SL__CKPT_TRAILER > in.left) return SL_ECORRUPT; /* truncated: refuse before allocating */
  if (stored > SIZE_MAX - 1) return SL_ECORRUPT;
  buf = (uint8_t *)sl__alloc(mem, stored ? (size_t)stored : 1);
  if (!buf) return SL_ENOMEM;
  if (sl__input_get(&in, buf, (size_t)stored) != 0 || sl__input_get(&in, tail, 4) != 0 ||
      (uint32_t)sl__le_load(tail, 4) != sl__crc32c(0, buf, (size_t)stored)) {
    sl__free(mem, buf, stored ? (size_t)stored : 1);
    return SL_ECORRUPT;
  }
  if (!read && in.left != 0) {
    sl__free(mem, buf, stored ? (size_t)stored : 1);
    return SL_ECORRUPT; /* trailing bytes */
  }
  if (!(f->flags & SL_SAVE_COMPRESS)) {
    f->payload = buf;
    f->len = (size_t)stored;
    f->alloc_len = stored ? (size_t)stored : 1;
    return SL_OK;
  }
#ifdef SL_HAVE_ZSTD
  {
    uint8_t *out;
    size_t got;
    /* The frame states its decompressed size: a header claiming another
     * (a few bytes asking for a terabyte) is refused before allocating. */
    if (ZSTD_getFrameContentSize(buf, (size_t)stored) != raw) {
      sl__free(mem, buf, stored ? (size_t)stored : 1);
      return SL_ECORRUPT;
    }
    out = (uint8_t *)sl__alloc(mem, raw ? (size_t)raw : 1);
    if (!out) {
      sl__free(mem, buf, stored ? (size_t)stored : 1);
      return SL_ENOMEM;
    }
    got = ZSTD_decompress(out, (size_t)raw, buf, (size_t)stored);
    sl__free(mem, buf, stored ? (size_t)stored : 1);
    if (ZSTD_isError(got) || got != raw) {
      sl__free(mem, out, raw ? (size_t)raw : 1);
      return SL_ECORRUPT;
    }
    f->payload = out;
    f->len = (size_t)raw;
    f->alloc_len = raw ? (size_t)raw : 1;
    return SL_OK;
  }
#else
  sl__free(mem, buf, stored ? (size_t)stored : 1);
  return SL_ENOTSUP;
#endif
}

SL_API int sl_has_compression(void) {
#ifdef SL_HAVE_ZSTD
  return 1;
#else
  return 0;
#endif
}

static const char *sl__handle_type_name(uint8_t t) {
  switch (t) {
  case SL__HANDLE_WINDOW: return "window";
  case SL__HANDLE_MODEL: return "model";
  case SL__HANDLE_DRIFT: return "drift";
  case SL__HANDLE_REPLAY: return "replay";
  case SL__HANDLE_PIPELINE: return "pipeline";
  case SL__HANDLE_STREAM: return "stream";
  default: return "unknown";
  }
}

SL_API sl_status sl_checkpoint_inspect(const void *buf, size_t len, sl_checkpoint_info *info) {
  const uint8_t *p = (const uint8_t *)buf;
  uint8_t type;
  sl_status st;
  if (!buf || !info) return SL_EINVAL;
  SL__MEMSET(info, 0, sizeof *info);
  info->handle_type = "unknown";
  if (len < SL__CKPT_HEADER) return SL_ECORRUPT;
  info->format_version = (unsigned)sl__le_load(p + 4, 2);
  st = sl__header_parse(p, &type, &info->kind, &info->flags, &info->stored_bytes, &info->payload_bytes);
  if (st != SL_OK) return st;
  info->header_ok = 1;
  info->handle_type = sl__handle_type_name(type);
  if (info->stored_bytes + SL__CKPT_HEADER + SL__CKPT_TRAILER != (uint64_t)len) return SL_ECORRUPT;
  info->payload_ok = (uint32_t)sl__le_load(p + SL__CKPT_HEADER + info->stored_bytes, 4) ==
                     sl__crc32c(0, p + SL__CKPT_HEADER, (size_t)info->stored_bytes);
  return info->payload_ok ? SL_OK : SL_ECORRUPT;
}
