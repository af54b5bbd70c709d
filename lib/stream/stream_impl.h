/* Private to lib/stream: the head every generator shares and the per-kind
 * operations behind sl_stream. */
#ifndef SL_STREAM_IMPL_H
#define SL_STREAM_IMPL_H

#include "../core/object.h"
#include "../core/rng.h"
#include "streamlearn/stream.h"

/* Parameter 0 of every kind is its "seed" (for random_rbf, "seed_sample"):
 * the seed of the RNG rows are drawn from. */
#define SL__STREAM_SEED 0

/* Balancing classes redraws until the wanted class comes up; this many
 * draws bound the loop for a concept where one class is (nearly) empty. */
#define SL__STREAM_MAX_REDRAWS 10000

typedef struct sl__stream_ops {
  size_t (*n_features)(const sl_stream *s);
  size_t (*n_classes)(const sl_stream *s); /* 0: regression */
  /* Integer codes of feature i when nominal, 0 when numeric; NULL: all numeric. */
  unsigned (*nominal)(const sl_stream *s, size_t i);
  /* Feature names (as many as n_features), or NULL for x0, x1, ... */
  const char *const *names;
  /* Doubles of state the kind keeps in `buf` for the current parameters;
   * NULL: none. */
  size_t (*state_len)(const sl_stream *s);
  /* Back to row 0 from the parameters: the RNG is already seeded from
   * parameter 0; fills `buf` (which has state_len doubles). NULL: nothing to do. */
  void (*init)(sl_stream *s);
  /* One row: x[0 .. n_features-1] and *y. */
  void (*row)(sl_stream *s, double *x, double *y);
  /* The current concept's noise-free label of a checked x; NULL: none. */
  double (*label)(const sl_stream *s, const double *x);
} sl__stream_ops;

/* The handle. Kinds keep their whole state here, so save / load is shared. */
struct sl_stream {
  sl__object obj;
  sl__rng rng;
  uint64_t pos;        /* rows produced since creation / reset */
  int64_t flag;        /* a kind's one small state (the next class wanted when balancing) */
  double *buf;         /* the kind's state: weights, centroids; double, as River's
                        * float64, so the concepts agree to the last bit */
  size_t buf_len;
  sl_stream *child[2]; /* concept_drift: the two streams */
};

extern const sl__handle_class sl__stream_class;

static inline const sl__stream_ops *sl__stream_ops_of(const sl_stream *s) {
  return (const sl__stream_ops *)s->obj.kind->ops;
}

/* The constructor every kind's build wraps: handle, state block, init, and
 * with a reader the saved state. */
sl_status sl__stream_build(sl__object **out, const sl__kind *k, const sl__pval *params, sl__reader *r,
                           const sl_allocator *a);
/* The shared kind functions: configure (a parameter flagged
 * SL_PARAM_FIXED_AFTER_START resizes the state and restarts), stat
 * ("rows"), save, destroy. */
sl_status sl__stream_configure(sl__object *o, size_t changed, sl__pval old);
double sl__stream_stat(const sl__object *o, size_t i);
sl_status sl__stream_save(const sl__object *o, sl__writer *w);
void sl__stream_destroy(sl__object *o);
/* Restarts a stream (and the streams inside it) at row 0. */
void sl__stream_restart(sl_stream *s);
/* Produces one row and counts it. */
void sl__stream_row(sl_stream *s, double *x, double *y);

extern const char *const sl__stream_stats[];
#define SL__STREAM_N_STATS 1

/* The fields every kind's sl__kind shares, after its id, name and table. */
#define SL__STREAM_KIND(id, name, params, build, ops)                                                         \
  {SL__HANDLE_STREAM, id, name, params, sizeof params / sizeof params[0], sl__stream_stats,          \
   SL__STREAM_N_STATS, sl__stream_configure, sl__stream_stat, sl__stream_save, build, sl__stream_destroy, &ops}

/* "Draw until the wanted class" for balance_classes (River / MOA): with
 * `balance` set, classes alternate 1, 0, 1, ... (flag = next wanted is 0). */
static inline int sl__stream_accept(sl_stream *s, int balance, int y, unsigned *tries) {
  if (!balance) return 1;
  if (y != (s->flag ? 0 : 1) && ++*tries < SL__STREAM_MAX_REDRAWS) return 0;
  s->flag = !s->flag;
  return 1;
}

/* The seed parameter row every kind shares. */
#define SL__STREAM_SEED_PARAM(name)                                                                            \
  {name, SL_PARAM_INT, 1, 0, 9007199254740991.0, NULL, "seed of the random rows", SL_PARAM_FIXED_AFTER_START}

extern const sl__kind sl__sea_kind, sl__agrawal_kind, sl__hyperplane_kind, sl__random_rbf_kind, sl__stagger_kind,
    sl__led_kind, sl__sine_kind, sl__friedman_kind, sl__concept_drift_kind;

#endif
