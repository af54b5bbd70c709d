/* Private to lib/replay: the record store every kind shares and the
 * per-kind operations behind sl_replay. */
#ifndef SL_REPLAY_IMPL_H
#define SL_REPLAY_IMPL_H

#include "../core/object.h"
#include "../core/rng.h"
#include "streamlearn/replay.h"

/* Parameters every kind has, first in its table, in this order. */
enum { SL__RP_CAPACITY, SL__RP_SEED, SL__RP_N_COMMON };

#define SL__REPLAY_MAX_CAPACITY ((int64_t)1 << 30)
/* Priorities a caller may set lie in [0, SL__REPLAY_MAX_PRIORITY]: masses
 * and their sums then stay finite even in float. */
#define SL__REPLAY_MAX_PRIORITY 1e15
#define SL__REPLAY_COMMON_PARAMS                                                                             \
  {"capacity", SL_PARAM_INT, 1000, 1, (double)SL__REPLAY_MAX_CAPACITY, NULL, "records held at most",       \
   SL_PARAM_FIXED_AFTER_START},                                                                              \
  {                                                                                                          \
    "seed", SL_PARAM_INT, 42, 0, 9007199254740991.0, NULL, "seed of the sampling RNG", SL_PARAM_FIXED_AFTER_START \
  }

/* Statistics every kind has, first in its list (sl__replay_stat serves them). */
#define SL__REPLAY_COMMON_STATS "size", "seen", "n_features"
#define SL__REPLAY_N_COMMON_STATS 3

typedef struct sl__replay_ops {
  /* Size of the kind's handle struct (sl_replay, or one extending it). */
  size_t struct_bytes;
  /* Chooses the slot for a new, checked record of `target` (r->seen already
   * counts it) and does the kind's bookkeeping: r->size, evictions,
   * priorities. Returns SL_REPLAY_NOT_STORED when the record is not kept;
   * the caller then writes the record into the slot. */
  size_t (*place)(sl_replay *r, double target);
  /* Writes `k` slot ids into r->picked: with replacement, or distinct
   * (k <= size). When `is_w` is not NULL, also the k importance weights.
   * Called with size > 0 and k <= capacity. Returns SL_ESTATE, having
   * changed nothing, when the kind cannot draw (no priority mass). */
  sl_status (*draw)(sl_replay *r, size_t k, int replace, double *is_w);
  /* Sets the priority of n checked slots to checked values; NULL for kinds
   * without priorities. */
  void (*update)(sl_replay *r, const size_t *slots, const double *priorities, size_t n);
  /* Kind bookkeeping back to empty (the caller drops the records); called
   * on a prepared buffer only. May be NULL. */
  void (*clear)(sl_replay *r);
  /* A target check beyond finiteness (class ids); NULL when any will do. */
  sl_status (*check_target)(const sl_replay *r, double target);
  /* The prepare step's share of the kind: bytes of its own storage for
   * `cap` records and the current parameters (SIZE_MAX when too large),
   * and `install`, which points its state into `mem` (that many zeroed
   * bytes, 8-byte aligned) as an empty buffer. NULL when the store is all
   * the kind needs. */
  size_t (*storage_bytes)(const sl_replay *r, size_t cap);
  void (*install)(sl_replay *r, void *mem);
} sl__replay_ops;

/* The head of every buffer; kinds extend it (struct { sl_replay base; ... }).
 * Storage is taken once, by the prepare step (sl__replay_prepare), at the
 * first call that needs it; until then `block` is NULL and the buffer is
 * empty. Records are stored column-wise in that one block: features and
 * targets and weights as sl_real (float on an MCU is enough to replay
 * them), timestamps and keys exact; the kind's own part follows them. */
struct sl_replay {
  sl__object obj;
  size_t n_features;
  size_t capacity; /* = param capacity (the storage's, once prepared) */
  size_t size;     /* records held: slots 0 .. size-1 */
  size_t head;     /* ring kinds: the oldest record's slot once full, else 0 */
  uint64_t seen;   /* records offered since creation or clear */
  sl__rng rng;
  void *block; /* everything below lives in it; NULL until prepared */
  size_t block_bytes;
  int64_t *ts;
  uint64_t *key;
  sl_real *x; /* capacity * n_features */
  sl_real *y;
  sl_real *w;
  uint32_t *picked; /* sampling scratch: slot ids, capacity entries */
  uint8_t *mark;    /* sampling scratch: one bit per slot, all clear between calls */
};

extern const sl__handle_class sl__replay_class;
extern const sl__kind sl__fifo_kind, sl__reservoir_kind, sl__prioritized_kind, sl__class_balanced_kind;

/* Creation arguments of sl_replay_new, passed to a kind's build. */
typedef struct sl__replay_args {
  size_t n_features;
} sl__replay_args;

/* The first half of every kind's build: the handle (ops->struct_bytes) with
 * `params`, n_features from `args` (fresh: unprepared) or from the reader;
 * then with a reader the prepare step if the saved buffer was prepared,
 * the records and the shared state. */
sl_status sl__replay_create(sl_replay **out, const sl__kind *k, const sl__pval *params, sl__reader *rd,
                            const void *args, const sl_allocator *a);
/* The prepare step: one block for `capacity` records (and the sampling
 * scratch) and the kind's own storage, for the current parameters, then
 * the kind's install. Replaces an earlier block (before data: a sizing
 * parameter changed). All or nothing: SL_ENOMEM leaves the buffer as it was. */
sl_status sl__replay_prepare(sl_replay *r);
static inline int sl__replay_prepared(const sl_replay *r) { return r->block != NULL; }
/* Writes the shared state and the records (the first half of every save);
 * the kind's state follows only for a prepared buffer. */
void sl__replay_save_store(const sl_replay *r, sl__writer *w);
/* destroy of every kind: the block (if any) and the handle. Copes with a
 * partly built handle. */
void sl__replay_destroy(sl__object *o);
/* save of the kinds whose state is the store alone (a bare sl_replay). */
sl_status sl__replay_save_plain(const sl__object *o, sl__writer *w);
/* A parameter that sizes the storage changed (before data): an unprepared
 * buffer only takes the value, a prepared one is prepared again for it. */
sl_status sl__replay_resize(sl_replay *r);
/* configure for the common parameters: capacity resizes, seed re-seeds. */
sl_status sl__replay_configure(sl__object *o, size_t changed, sl__pval old);
/* The common statistics (index below SL__REPLAY_N_COMMON_STATS). */
double sl__replay_stat(const sl__object *o, size_t i);

/* Ring placement (fifo, prioritized): the next free slot, or the oldest. */
size_t sl__replay_ring_place(sl_replay *r);
/* Uniform draws over the records held (fifo, reservoir, class_balanced). */
sl_status sl__replay_draw_uniform(sl_replay *r, size_t k, int replace, double *is_w);
/* Class of the record in `slot` (class_balanced targets are class ids). */
static inline size_t sl__replay_class_of(const sl_replay *r, size_t slot) { return (size_t)r->y[slot]; }

#endif
