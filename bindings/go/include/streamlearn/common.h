/*
 * libstreamlearn: conventions shared by every handle.
 *
 * - Every fallible call returns an sl_status: SL_OK (0) or a negative code.
 *   Results go to out-parameters. Misuse never asserts, aborts or prints.
 * - Handles are opaque (sl_window, sl_model, sl_drift, sl_replay, sl_pipeline).
 *   sl_X_free(NULL) is a no-op. A handle is used by one thread at a time.
 * - Parameters are set by name through typed, non-variadic calls and listed,
 *   with type, default, range and a one-line doc, by a per-kind table.
 * - Memory comes from an sl_allocator given at creation (NULL: malloc/free).
 *
 * The header is C99 and C++ compatible.
 */
#ifndef STREAMLEARN_COMMON_H
#define STREAMLEARN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- export macro ------------------------------------------------------ */

#if defined(SL_STATIC_DEFINE)
#  define SL_API
#elif defined(_WIN32)
#  ifdef SL_BUILDING
#    define SL_API __declspec(dllexport)
#  else
#    define SL_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define SL_API __attribute__((visibility("default")))
#else
#  define SL_API
#endif

/* ---- version ----------------------------------------------------------- */

/* Returns SL_VERSION_NUMBER of the library actually linked (major*10000 +
 * minor*100 + patch), which may differ from the header a program built with. */
SL_API unsigned sl_version_number(void);

/* Returns the linked library's version as "MAJOR.MINOR.PATCH"; static storage. */
SL_API const char *sl_version_string(void);

/* ---- status codes ------------------------------------------------------ */

/* One list generates the enum, sl_status_name() and sl_strerror().
 * Numbers are never reused; new codes are appended. */
#define SL_STATUS_MAP(X)                                                        \
  X(OK,            0, "success")                                               \
  X(EINVAL,       -1, "invalid argument")                                      \
  X(ENOMEM,       -2, "out of memory")                                         \
  X(EDIM,         -3, "dimension mismatch")                                    \
  X(ENONFINITE,   -4, "non-finite input (NaN or infinity)")                    \
  X(EPARAM,       -5, "unknown parameter")                                     \
  X(ERANGE,       -6, "parameter value out of range")                          \
  X(ESTATE,       -7, "call not allowed in the handle's current state")        \
  X(ELATE,        -8, "late event: behind the watermark")                      \
  X(EDUP,         -9, "duplicate")                                             \
  X(ECORRUPT,    -10, "corrupt or truncated data")                             \
  X(EVERSION,    -11, "unsupported format version")                            \
  X(ENOTSUP,     -12, "feature not compiled in")                               \
  X(EIO,         -13, "input/output error")                                    \
  X(EFULL,       -14, "capacity full")                                         \
  X(ETYPE,       -15, "parameter type mismatch")                               \
  X(EKIND,       -16, "unknown kind, or wrong kind for this call")             \
  X(ENOTFOUND,   -17, "not found")                                             \
  X(ECALLBACK,   -18, "stopped by a callback's non-zero return")               \
  X(EBUFFER,     -19, "output buffer too small")

typedef enum sl_status {
#define SL__STATUS_ENUM(name, num, text) SL_##name = (num),
  SL_STATUS_MAP(SL__STATUS_ENUM)
#undef SL__STATUS_ENUM
  SL_STATUS_MIN_ = -19 /* lowest code in use; for range checks */
} sl_status;

/* Returns a one-line English description of `status`; "unknown status" for a
 * number that is not a status. Static storage, never NULL. */
SL_API const char *sl_strerror(int status);

/* Returns the status's identifier without prefix ("EINVAL", "OK"), or
 * "UNKNOWN". Static storage, never NULL. */
SL_API const char *sl_status_name(int status);

/* ---- allocation -------------------------------------------------------- */

/* A caller-supplied allocator, passed to sl_X_new() and copied into the
 * handle (the caller's struct need not outlive the call). `alloc` returns
 * memory aligned for any object type, or NULL; `free` receives the size
 * that was asked. Set `struct_size = sizeof(sl_allocator)`: sl_X_new and
 * sl_X_load refuse one with a smaller struct_size or a NULL function
 * (SL_EINVAL). Every sl_X_new leaves `*out` NULL on error. */
typedef struct sl_allocator {
  size_t struct_size;
  void *(*alloc)(void *ctx, size_t size);
  void (*free)(void *ctx, void *ptr, size_t size);
  void *ctx;
} sl_allocator;

/* Static mode: makes `*out` an allocator that carves memory out of `buf`
 * (`len` bytes) and never calls malloc. Blocks are taken in order; freeing
 * the most recent block gives it back, other frees are ignored until
 * sl_arena_reset(). Bookkeeping lives at the start of `buf`.
 * @return SL_OK, SL_EINVAL (NULL) or SL_EFULL (`len` too small for the header). */
SL_API sl_status sl_arena_init(sl_allocator *out, void *buf, size_t len);

/* Bytes of an arena in use now, and the most ever in use (high water mark);
 * `used` and `high_water` may each be NULL. Size a firmware arena by
 * creating the handles once on a host and reading the high water mark.
 * @return SL_OK or SL_EINVAL (`arena` NULL or not made by sl_arena_init). */
SL_API sl_status sl_arena_usage(const sl_allocator *arena, size_t *used, size_t *high_water);

/* Forgets every block of the arena: every handle allocated from it must
 * already be freed or abandoned. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_arena_reset(const sl_allocator *arena);

/* ---- named parameters -------------------------------------------------- */

typedef enum sl_param_type {
  SL_PARAM_DOUBLE = 1, /* finite real in [min, max] */
  SL_PARAM_INT = 2,    /* integer in [min, max] */
  SL_PARAM_BOOL = 3,   /* 0 or 1 */
  SL_PARAM_ENUM = 4    /* index into `choices`, or set by choice name */
} sl_param_type;

/* The parameter may only change before the handle has seen data (it sizes
 * structures); afterwards setting it returns SL_ESTATE. */
#define SL_PARAM_FIXED_AFTER_START 1u

/* One row of a kind's parameter table. Read-only: the library owns these;
 * fields may be appended in a later minor version, so never allocate one. */
typedef struct sl_param_info {
  const char *name;
  sl_param_type type;
  double default_value;
  double min_value; /* inclusive */
  double max_value; /* inclusive */
  const char *choices; /* SL_PARAM_ENUM: "a|b|c", value = 0-based index; else NULL */
  const char *doc;     /* one line */
  unsigned flags;      /* SL_PARAM_* flags */
} sl_param_info;

/* ---- persistence ------------------------------------------------------- */

/* Write `len` bytes; return 0 on success, non-zero to fail the save (SL_EIO). */
typedef int (*sl_write_fn)(void *user, const void *buf, size_t len);

/* Read exactly `len` bytes into `buf`; return 0 on success, non-zero on
 * failure or end of input (the load then fails with SL_ECORRUPT). */
typedef int (*sl_read_fn)(void *user, void *buf, size_t len);

/* Checkpoint options for sl_X_save(): OR of these flags. */
#define SL_SAVE_COMPRESS 1u /* zstd-compress the payload (SL_ENOTSUP without zstd) */

/* Returns 1 if the library was built with zstd-compressed checkpoints, else 0. */
SL_API int sl_has_compression(void);

/* Describes a framed checkpoint without loading it: the handle type
 * ("window", "model", "drift", "replay", "pipeline", "stream"), the kind's id, the
 * format version, payload sizes and whether the checksums match.
 * Read-only, filled by sl_checkpoint_inspect(); fields may be appended. */
typedef struct sl_checkpoint_info {
  const char *handle_type;
  int kind;
  unsigned format_version;
  unsigned flags;            /* SL_SAVE_* flags the checkpoint was written with */
  uint64_t stored_bytes;     /* payload bytes as stored (compressed or not) */
  uint64_t payload_bytes;    /* payload bytes once decompressed */
  int header_ok;             /* header checksum matches */
  int payload_ok;            /* payload checksum matches (0 if truncated) */
} sl_checkpoint_info;

/* Inspects the checkpoint in `buf` (`len` bytes) into `*info`.
 * @return SL_OK when header and payload check out; SL_ECORRUPT (with `info`
 * filled as far as it could be read), SL_EVERSION, SL_EINVAL (NULL). */
SL_API sl_status sl_checkpoint_inspect(const void *buf, size_t len, sl_checkpoint_info *info);


/* ---- the calls every handle has ---------------------------------------- */

/* SL_HANDLE_API(noun) declares, for handle type sl_<noun>, the calls that
 * every handle shares. They behave the same on every handle:
 *
 * sl_<noun>_set_double / _set_int (h, name, value)
 *   Set parameter `name`. SL_EPARAM (no such name), SL_ETYPE (an ENUM set by
 *   double, or a fractional value for INT/BOOL), SL_ENONFINITE, SL_ERANGE
 *   (outside [min, max]), SL_ESTATE (a FIXED_AFTER_START parameter after data),
 *   SL_ENOMEM (resizing failed). On any error the handle is unchanged.
 * sl_<noun>_set_str (h, name, text)
 *   Same, with the value as text: a number ("0.002", "1e-7", "32"), "true" /
 *   "false", or an ENUM choice name. Parsing ignores the C locale.
 * sl_<noun>_get_double / _get_int (h, name, &value)
 *   Current value (ENUM: the choice index). SL_EPARAM for an unknown name.
 * sl_<noun>_stat (h, name, &value)
 *   A read-only statistic of the running handle (a detector's mean, a tree's
 *   depth, ...). Every handle has "bytes" (memory held now), "peak_bytes" and
 *   "allocations" (count of allocator calls so far). SL_ENOTFOUND otherwise.
 * sl_<noun>_stat_name (h, i, &name)
 *   Name of statistic i (0-based), SL_ENOTFOUND past the last.
 * sl_<noun>_last_error (h)
 *   Detail of the handle's most recent failure ("" if none); valid until the
 *   next call on the handle. Never NULL; "" for a NULL handle.
 * sl_<noun>_kind_of (h, &kind)
 *   The kind the handle was created with.
 * sl_<noun>_kind_name (kind) / sl_<noun>_kind_from_name (name, &kind)
 *   Map a kind to its lower-case name ("adwin") and back; NULL / SL_EKIND
 *   when unknown.
 * sl_<noun>_kind_param (kind, i, &info)
 *   Row i of the kind's parameter table; SL_ENOTFOUND past the last,
 *   SL_EKIND for an unknown kind.
 * sl_<noun>_save (h, flags, write, user)
 *   Write a framed, checksummed checkpoint through `write` (flags:
 *   SL_SAVE_COMPRESS). SL_EIO when `write` fails, SL_ENOTSUP for compression
 *   without zstd, SL_EINVAL for NULL `h` / `write` or an unknown flag bit.
 *   The handle is never changed.
 * sl_<noun>_save_mem (h, flags, buf, cap, &len)
 *   Same into memory: `*len` receives the size; SL_EBUFFER (with `*len` set)
 *   when `cap` is too small, so buf = NULL, cap = 0 asks the size; SL_EINVAL
 *   for NULL `len`, NULL `buf` with cap > 0, or an unknown flag bit.
 * sl_<noun>_load (&h, read, user, allocator) / sl_<noun>_load_mem (&h, buf, len, allocator)
 *   Create a new handle from a checkpoint, identical in every observable way
 *   to the one saved. SL_ECORRUPT (truncated, checksum mismatch, inconsistent
 *   content), SL_EVERSION, SL_EKIND (a checkpoint of another handle type),
 *   SL_ENOTSUP (compressed, without zstd), SL_ENOMEM. On error `*h` is NULL
 *   and nothing leaks. SL_EINVAL for NULL `out`, `read` or `buf`, or an
 *   allocator without functions or with struct_size too small (as sl_X_new).
 * sl_<noun>_free (h)
 *   Release the handle and all its memory; NULL is a no-op.
 */
#define SL_HANDLE_API(noun)                                                                  \
  SL_API sl_status sl_##noun##_set_double(sl_##noun *h, const char *name, double value);     \
  SL_API sl_status sl_##noun##_set_int(sl_##noun *h, const char *name, int64_t value);       \
  SL_API sl_status sl_##noun##_set_str(sl_##noun *h, const char *name, const char *value);   \
  SL_API sl_status sl_##noun##_get_double(const sl_##noun *h, const char *name, double *value); \
  SL_API sl_status sl_##noun##_get_int(const sl_##noun *h, const char *name, int64_t *value); \
  SL_API sl_status sl_##noun##_stat(const sl_##noun *h, const char *name, double *value);    \
  SL_API sl_status sl_##noun##_stat_name(const sl_##noun *h, size_t i, const char **name);   \
  SL_API const char *sl_##noun##_last_error(const sl_##noun *h);                             \
  SL_API sl_status sl_##noun##_kind_of(const sl_##noun *h, int *kind);                          \
  SL_API const char *sl_##noun##_kind_name(int kind);                                        \
  SL_API sl_status sl_##noun##_kind_from_name(const char *name, int *kind);                  \
  SL_API sl_status sl_##noun##_kind_param(int kind, size_t i, const sl_param_info **info);   \
  SL_API sl_status sl_##noun##_save(const sl_##noun *h, unsigned flags, sl_write_fn write, void *user); \
  SL_API sl_status sl_##noun##_save_mem(const sl_##noun *h, unsigned flags, void *buf, size_t cap, size_t *len); \
  SL_API sl_status sl_##noun##_load(sl_##noun **out, sl_read_fn read, void *user, const sl_allocator *a); \
  SL_API sl_status sl_##noun##_load_mem(sl_##noun **out, const void *buf, size_t len, const sl_allocator *a); \
  SL_API void sl_##noun##_free(sl_##noun *h)

/* ---- utilities --------------------------------------------------------- */

/* Deterministic 64-bit hash of `len` bytes with `seed` (the hashing trick
 * for string-named features, and byte-string keys). Same on every platform.
 * `data` NULL reads no bytes (only `len` and `seed` count), so NULL with
 * len 0 hashes as any pointer with len 0. */
SL_API uint64_t sl_hash_bytes(const void *data, size_t len, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif /* STREAMLEARN_COMMON_H */
