/* The handle's counting allocator and the static arena allocator. */
#include "object.h"

#ifndef SL_NO_MALLOC
static void *sl__default_alloc(void *ctx, size_t n) {
  (void)ctx;
  return SL__MALLOC(n);
}
static void sl__default_free(void *ctx, void *p, size_t n) {
  (void)ctx;
  (void)n;
  SL__FREE(p);
}
#endif

sl_status sl__mem_init(sl__mem *m, const sl_allocator *a) {
  SL__MEMSET(m, 0, sizeof *m);
  if (a) {
    if (a->struct_size < sizeof(sl_allocator) || !a->alloc || !a->free) return SL_EINVAL;
    m->a = *a;
    return SL_OK;
  }
#ifdef SL_NO_MALLOC
  return SL_EINVAL; /* this build has no default allocator */
#else
  m->a.struct_size = sizeof(sl_allocator);
  m->a.alloc = sl__default_alloc;
  m->a.free = sl__default_free;
  return SL_OK;
#endif
}

void *sl__alloc(sl__mem *m, size_t n) {
  void *p;
  if (n == 0) return NULL;
  p = m->a.alloc(m->a.ctx, n);
  m->allocations++;
  if (!p) return NULL;
  SL__MEMSET(p, 0, n);
  m->bytes += n;
  if (m->bytes > m->peak) m->peak = m->bytes;
  return p;
}

void *sl__alloc_array(sl__mem *m, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return sl__alloc(m, count * size);
}

void sl__free(sl__mem *m, void *p, size_t n) {
  if (!p) return;
  m->a.free(m->a.ctx, p, n);
  m->bytes -= n;
}

/* ---- arena ---------------------------------------------------------------- */

/* Lives at the start of the caller's buffer. */
typedef struct sl__arena {
  uint64_t magic;
  size_t cap;   /* usable bytes after this header */
  size_t used;  /* bytes handed out, including alignment padding */
  size_t high;  /* high water mark */
  size_t last;  /* offset of the most recent block, for a LIFO free */
} sl__arena;

#define SL__ARENA_MAGIC 0x534c4152454e4131ull /* "SLARENA1" */
#define SL__ALIGN 16u

static size_t sl__align_up(size_t n) { return (n + (SL__ALIGN - 1)) & ~(size_t)(SL__ALIGN - 1); }

static size_t sl__arena_header(void) { return sl__align_up(sizeof(sl__arena)); }

static void *sl__arena_alloc(void *ctx, size_t n) {
  sl__arena *ar = (sl__arena *)ctx;
  size_t need = sl__align_up(n);
  if (need < n || need > ar->cap - ar->used) return NULL;
  ar->last = ar->used;
  ar->used += need;
  if (ar->used > ar->high) ar->high = ar->used;
  return (uint8_t *)ar + sl__arena_header() + ar->last;
}

static void sl__arena_free(void *ctx, void *p, size_t n) {
  sl__arena *ar = (sl__arena *)ctx;
  size_t off = (size_t)((uint8_t *)p - ((uint8_t *)ar + sl__arena_header()));
  if (off == ar->last && off + sl__align_up(n) == ar->used) ar->used = off;
}

static sl__arena *sl__arena_of(const sl_allocator *a) {
  sl__arena *ar;
  if (!a || a->alloc != sl__arena_alloc || !a->ctx) return NULL;
  ar = (sl__arena *)a->ctx;
  return ar->magic == SL__ARENA_MAGIC ? ar : NULL;
}

SL_API sl_status sl_arena_init(sl_allocator *out, void *buf, size_t len) {
  sl__arena *ar;
  uintptr_t mis;
  if (!out || !buf) return SL_EINVAL;
  mis = (uintptr_t)buf % SL__ALIGN;
  if (mis) { /* start on an aligned address */
    size_t skip = SL__ALIGN - mis;
    if (len < skip) return SL_EFULL;
    buf = (uint8_t *)buf + skip;
    len -= skip;
  }
  if (len < sl__arena_header()) return SL_EFULL;
  ar = (sl__arena *)buf;
  ar->magic = SL__ARENA_MAGIC;
  ar->cap = (len - sl__arena_header()) & ~(size_t)(SL__ALIGN - 1);
  ar->used = ar->high = ar->last = 0;
  out->struct_size = sizeof *out;
  out->alloc = sl__arena_alloc;
  out->free = sl__arena_free;
  out->ctx = ar;
  return SL_OK;
}

SL_API sl_status sl_arena_usage(const sl_allocator *arena, size_t *used, size_t *high_water) {
  const sl__arena *ar = sl__arena_of(arena);
  if (!ar) return SL_EINVAL;
  if (used) *used = ar->used;
  if (high_water) *high_water = ar->high;
  return SL_OK;
}

SL_API sl_status sl_arena_reset(const sl_allocator *arena) {
  sl__arena *ar = sl__arena_of(arena);
  if (!ar) return SL_EINVAL;
  ar->used = ar->last = 0;
  return SL_OK;
}
