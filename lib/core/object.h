/*
 * The object layer every handle is built on: a counting allocator, the
 * parameter store, the last-error detail, and the kind descriptor that
 * dispatches the calls every handle shares (SL_HANDLE_API in common.h).
 *
 * A handle struct starts with an sl__object, so a handle pointer is an
 * sl__object pointer. A handle folder (lib/drift/) has one file per kind,
 * each defining an sl__kind, and a dispatch file that lists the kinds in an
 * sl__handle_class and expands SL__HANDLE_DEFINE(noun, class).
 */
#ifndef SL_CORE_OBJECT_H
#define SL_CORE_OBJECT_H

#include "streamlearn/common.h"
#include "deps.h"
#include "checkpoint.h"

/* ---- counting allocator ------------------------------------------------ */

/* The handle's allocator plus what it has handed out. `bytes` is what the
 * handle holds now; memory caps and reports read it. */
typedef struct sl__mem {
  sl_allocator a;
  size_t bytes;
  size_t peak;
  uint64_t allocations;
} sl__mem;

/* Fills `m` from the caller's allocator (NULL: malloc/free, or SL_EINVAL in a
 * SL_NO_MALLOC build). */
sl_status sl__mem_init(sl__mem *m, const sl_allocator *a);
/* Zeroed block of `n` bytes, or NULL (n == 0 also gives NULL). */
void *sl__alloc(sl__mem *m, size_t n);
/* Zeroed array of `count` items of `size`, NULL on overflow or failure. */
void *sl__alloc_array(sl__mem *m, size_t count, size_t size);
/* Gives back a block from sl__alloc (`n` as asked); NULL is a no-op. */
void sl__free(sl__mem *m, void *p, size_t n);

/* ---- kinds and objects ------------------------------------------------- */

enum {
  SL__HANDLE_WINDOW = 1,
  SL__HANDLE_MODEL = 2,
  SL__HANDLE_DRIFT = 3,
  SL__HANDLE_REPLAY = 4,
  SL__HANDLE_PIPELINE = 5,
  SL__HANDLE_STREAM = 6
};

/* Every handle head holds SL__MAX_PARAMS parameter values (8 bytes each)
 * and an SL__ERR_LEN-byte last-error text. A build may lower both (the
 * firmware build does: -DSL__MAX_PARAMS=24 -DSL__ERR_LEN=48); a longer
 * detail is cut, and SL__MAX_PARAMS must cover the largest parameter table
 * of the kinds built (firmware/fw_test.h FW_CHECK_PARAMS_FIT checks every
 * kind on the target). */
#ifndef SL__MAX_PARAMS
#define SL__MAX_PARAMS 48
#endif
#ifndef SL__ERR_LEN
#define SL__ERR_LEN 160
#endif

typedef union sl__pval {
  double d;
  int64_t i;
} sl__pval;

typedef struct sl__object sl__object;

/* What a kind is: its name, its parameter and statistic tables, and the
 * operations the shared calls dispatch to. `ops` points at the handle
 * type's own vtable (struct sl__drift_ops, ...). */
typedef struct sl__kind {
  uint8_t handle_type; /* SL__HANDLE_* */
  int id;              /* the public enum value */
  const char *name;
  const sl_param_info *params;
  size_t n_params;
  const char *const *stats; /* names of read-only statistics */
  size_t n_stats;
  /* After parameter `changed` took a new value (the old one is `old`):
   * re-derive cached values, resize structures. On failure the kind leaves
   * its state as it was and the layer restores the old value. May be NULL. */
  sl_status (*configure)(sl__object *o, size_t changed, sl__pval old);
  double (*stat)(const sl__object *o, size_t i);
  /* Payload after the parameters (which the layer writes and reads). */
  sl_status (*save)(const sl__object *o, sl__writer *w);
  /* Build a handle of this kind. With a reader: from a payload, `params`
   * holding the saved values, already checked against the table, `args`
   * NULL. With r == NULL: a fresh handle (sl_X_new), `params` NULL for the
   * defaults, `args` the handle type's creation arguments (a model's
   * n_features) or NULL. One constructor, so a loaded handle cannot differ
   * from a new one in anything the payload does not carry. */
  sl_status (*build)(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                     const sl_allocator *a);
  void (*destroy)(sl__object *o);
  const void *ops;
} sl__kind;

/* The head of every handle. */
struct sl__object {
  const sl__kind *kind;
  sl__mem mem;
  sl__pval param[SL__MAX_PARAMS];
  int started; /* has seen data: FIXED_AFTER_START parameters are locked */
  char err[SL__ERR_LEN];
};

/* The kinds of one handle type, indexed by their public id. */
typedef struct sl__handle_class {
  const char *noun; /* "drift" */
  uint8_t handle_type;
  const sl__kind *const *kinds;
  size_t n_kinds;
} sl__handle_class;

const sl__kind *sl__class_kind(const sl__handle_class *c, int id);

/* Allocates a zeroed handle struct of `size` bytes (starting with an
 * sl__object) from allocator `a`, with parameter values `params` (a kind's
 * load passes the saved ones) or, when NULL, the kind's defaults. */
sl_status sl__object_new(sl__object **out, size_t size, const sl__kind *k, const sl__pval *params,
                         const sl_allocator *a);
/* Runs the kind's constructor (sl__kind.build); on failure frees whatever it
 * built, so `*out` is NULL and nothing leaks. */
sl_status sl__kind_build(const sl__kind *k, const sl__pval *params, sl__reader *r, const void *args,
                         const sl_allocator *a, sl__object **out);
/* sl_X_new's common part: the kind `id` of class `c` (SL_EKIND if unknown),
 * built fresh with default parameters and creation `args`. */
sl_status sl__class_new(const sl__handle_class *c, int id, const void *args, const sl_allocator *a,
                        sl__object **out);
/* Fills `p` (SL__MAX_PARAMS values) with the kind's defaults. */
void sl__params_default(const sl__kind *k, sl__pval *p);
/* Frees the handle struct itself (the kind frees its own blocks first). */
void sl__object_delete(sl__object *o, size_t size);

/* Records a failure detail and returns `st`. The format knows %s, %d (int),
 * %u (unsigned), %z (size_t), %l (int64_t) and %%; no stdio involved. */
sl_status sl__fail(const sl__object *o, sl_status st, const char *fmt, ...);
/* Clears the detail (on the entry of a call that reports through it). */
static inline void sl__clear_error(const sl__object *o) { ((sl__object *)o)->err[0] = '\0'; }

/* Parameter lookup for kinds: the index of `name` in the kind's table is
 * fixed, so kinds read o->param[THEIR_ENUM].d / .i directly. */
int sl__param_index(const sl__kind *k, const char *name);
/* Checks a value against a table row; SL_OK or the status to return. */
sl_status sl__param_check(const sl_param_info *p, double v);

/* Parses a decimal number without the C locale: sign, digits, '.', exponent.
 * Returns 0 and the value, or -1 (not a number, or not finite). */
int sl__parse_double(const char *s, double *out);

/* Shared-call bodies (the macro below wraps them in typed functions). */
sl_status sl__object_set(sl__object *o, const char *name, double v, int from_int);
sl_status sl__object_set_str(sl__object *o, const char *name, const char *text);
sl_status sl__object_get(const sl__object *o, const char *name, double *d, int64_t *i);
sl_status sl__object_stat(const sl__object *o, const char *name, double *v);
sl_status sl__object_stat_name(const sl__object *o, size_t i, const char **name);
const char *sl__object_last_error(const sl__object *o);
const char *sl__class_kind_name(const sl__handle_class *c, int id);
sl_status sl__class_kind_from_name(const sl__handle_class *c, const char *name, int *id);
sl_status sl__class_kind_param(const sl__handle_class *c, int id, size_t i, const sl_param_info **info);
sl_status sl__object_save(const sl__object *o, unsigned flags, sl_write_fn w, void *user);
sl_status sl__object_save_mem(const sl__object *o, unsigned flags, void *buf, size_t cap, size_t *len);
sl_status sl__object_load(sl__object **out, const sl__handle_class *c, sl_read_fn r, void *user, const sl_allocator *a);
sl_status sl__object_load_mem(sl__object **out, const sl__handle_class *c, const void *buf, size_t len,
                              const sl_allocator *a);
void sl__object_free(sl__object *o);

/* Payload pieces for kinds that embed another handle (a pipeline holding a
 * model): writes / reads one whole handle, parameters and state, unframed. */
sl_status sl__object_save_payload(const sl__object *o, sl__writer *w);
sl_status sl__object_load_payload(sl__object **out, const sl__handle_class *c, sl__reader *r,
                                  const sl_allocator *a);

/* Defines the SL_HANDLE_API(noun) functions for `sl_<noun>` over `class`. */
#define SL__HANDLE_DEFINE(noun, class)                                                              \
  SL_API sl_status sl_##noun##_set_double(sl_##noun *h, const char *name, double value) {           \
    return h ? sl__object_set((sl__object *)h, name, value, 0) : SL_EINVAL;                         \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_set_int(sl_##noun *h, const char *name, int64_t value) {             \
    return h ? sl__object_set((sl__object *)h, name, (double)value, 1) : SL_EINVAL;                 \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_set_str(sl_##noun *h, const char *name, const char *value) {         \
    return h ? sl__object_set_str((sl__object *)h, name, value) : SL_EINVAL;                        \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_get_double(const sl_##noun *h, const char *name, double *value) {    \
    return h ? sl__object_get((const sl__object *)h, name, value, NULL) : SL_EINVAL;                \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_get_int(const sl_##noun *h, const char *name, int64_t *value) {      \
    return h ? sl__object_get((const sl__object *)h, name, NULL, value) : SL_EINVAL;                \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_stat(const sl_##noun *h, const char *name, double *value) {          \
    return h ? sl__object_stat((const sl__object *)h, name, value) : SL_EINVAL;                     \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_stat_name(const sl_##noun *h, size_t i, const char **name) {         \
    return h ? sl__object_stat_name((const sl__object *)h, i, name) : SL_EINVAL;                    \
  }                                                                                                 \
  SL_API const char *sl_##noun##_last_error(const sl_##noun *h) {                                   \
    return sl__object_last_error((const sl__object *)h);                                            \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_kind_of(const sl_##noun *h, int *kind) {                                \
    if (!h || !kind) return SL_EINVAL;                                                              \
    *kind = ((const sl__object *)h)->kind->id;                                                      \
    return SL_OK;                                                                                   \
  }                                                                                                 \
  SL_API const char *sl_##noun##_kind_name(int kind) { return sl__class_kind_name(&class, kind); }  \
  SL_API sl_status sl_##noun##_kind_from_name(const char *name, int *kind) {                        \
    return sl__class_kind_from_name(&class, name, kind);                                            \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_kind_param(int kind, size_t i, const sl_param_info **info) {         \
    return sl__class_kind_param(&class, kind, i, info);                                             \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_save(const sl_##noun *h, unsigned flags, sl_write_fn write, void *user) { \
    return h ? sl__object_save((const sl__object *)h, flags, write, user) : SL_EINVAL;              \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_save_mem(const sl_##noun *h, unsigned flags, void *buf, size_t cap,  \
                                        size_t *len) {                                              \
    return h ? sl__object_save_mem((const sl__object *)h, flags, buf, cap, len) : SL_EINVAL;        \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_load(sl_##noun **out, sl_read_fn read, void *user, const sl_allocator *a) { \
    sl__object *o = NULL;                                                                           \
    sl_status st;                                                                                   \
    if (!out) return SL_EINVAL;                                                                     \
    st = sl__object_load(&o, &class, read, user, a);                                                \
    *out = (sl_##noun *)o;                                                                          \
    return st;                                                                                      \
  }                                                                                                 \
  SL_API sl_status sl_##noun##_load_mem(sl_##noun **out, const void *buf, size_t len,               \
                                        const sl_allocator *a) {                                    \
    sl__object *o = NULL;                                                                           \
    sl_status st;                                                                                   \
    if (!out) return SL_EINVAL;                                                                     \
    st = sl__object_load_mem(&o, &class, buf, len, a);                                              \
    *out = (sl_##noun *)o;                                                                          \
    return st;                                                                                      \
  }                                                                                                 \
  SL_API void sl_##noun##_free(sl_##noun *h) { sl__object_free((sl__object *)h); }

#endif
