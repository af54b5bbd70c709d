/*
 * SEA concepts (Street & Kim 2001; River SEA, MOA SEAGenerator): three
 * features uniform in [0, 10), label x0 + x1 > threshold, the threshold
 * chosen by the variant (8, 9, 7, 9.5), labels flipped with probability
 * `noise`. `switch_every` > 0 moves to the next variant every that many
 * rows, cycling 0-1-2-3 from `variant`: the paper's stream of four blocks
 * is switch_every = 12500 over 50000 rows.
 */
#include "stream_impl.h"

enum { SEA_SEED, SEA_VARIANT, SEA_NOISE, SEA_SWITCH_EVERY };

static const sl_param_info sea_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"variant", SL_PARAM_INT, 0, 0, 3, NULL, "concept: threshold 8, 9, 7 or 9.5 on x0 + x1", 0},
    {"noise", SL_PARAM_DOUBLE, 0, 0, 1, NULL, "probability that a label is flipped", 0},
    {"switch_every", SL_PARAM_INT, 0, 0, 1e15, NULL, "rows per concept before the next variant (0: never)", 0},
};

static const double sea_threshold[4] = {8.0, 9.0, 7.0, 9.5};

static size_t sea_n_features(const sl_stream *s) { (void)s; return 3; }
static size_t sea_n_classes(const sl_stream *s) { (void)s; return 2; }

/* The concept of the next row: the variant, moved on by the switches. */
static double sea_label(const sl_stream *s, const double *x) {
  int64_t every = s->obj.param[SEA_SWITCH_EVERY].i, variant = s->obj.param[SEA_VARIANT].i;
  if (every > 0) variant = (variant + (int64_t)(s->pos / (uint64_t)every)) % 4;
  return x[0] + x[1] > sea_threshold[variant];
}

static void sea_row(sl_stream *s, double *x, double *y) {
  int label;
  x[0] = 10.0 * sl__rng_uniform(&s->rng);
  x[1] = 10.0 * sl__rng_uniform(&s->rng);
  x[2] = 10.0 * sl__rng_uniform(&s->rng);
  label = sea_label(s, x) != 0.0;
  if (sl__rng_uniform(&s->rng) < s->obj.param[SEA_NOISE].d) label = !label; /* drawn always: noise leaves x alone */
  *y = label;
}

static sl_status sea_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                           const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__sea_kind, params, r, a);
}

static const sl__stream_ops sea_ops = {sea_n_features, sea_n_classes, NULL, NULL, NULL, NULL, sea_row, sea_label};

const sl__kind sl__sea_kind = SL__STREAM_KIND(SL_STREAM_SEA, "sea", sea_params, sea_build, sea_ops);
