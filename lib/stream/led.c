/*
 * LED display digits (Breiman et al. 1984, CART; River LED / LEDDrift, MOA
 * LEDGenerator / LEDGeneratorDrift): a digit 0-9 uniform, its seven
 * segments each flipped with probability noise_percentage, and with
 * irrelevant_features 17 more uniform binary features. n_drift_features > 0
 * (with irrelevant_features) swaps that many segments with irrelevant
 * features at positions drawn at the start (River LEDDrift). (River flips
 * when 0.01 + U <= p, i.e. with probability p - 0.01; here with p.)
 * State: the feature position of each of the 24 attributes.
 */
#include "stream_impl.h"

enum { LED_SEED, LED_NOISE, LED_IRRELEVANT, LED_N_DRIFT };
#define LED_RELEVANT 7
#define LED_ALL 24

static const sl_param_info led_params[] = {
    SL__STREAM_SEED_PARAM("seed"),
    {"noise_percentage", SL_PARAM_DOUBLE, 0, 0, 1, NULL, "probability that a segment is flipped", 0},
    {"irrelevant_features", SL_PARAM_BOOL, 0, 0, 1, NULL, "add 17 random binary features",
     SL_PARAM_FIXED_AFTER_START},
    {"n_drift_features", SL_PARAM_INT, 0, 0, 7, NULL, "segments swapped with irrelevant features (LEDDrift)",
     SL_PARAM_FIXED_AFTER_START},
};

static const unsigned char led_digits[10][LED_RELEVANT] = {
    {1, 1, 1, 0, 1, 1, 1}, {0, 0, 1, 0, 0, 1, 0}, {1, 0, 1, 1, 1, 0, 1}, {1, 0, 1, 1, 0, 1, 1},
    {0, 1, 1, 1, 0, 1, 0}, {1, 1, 0, 1, 0, 1, 1}, {1, 1, 0, 1, 1, 1, 1}, {1, 0, 1, 0, 0, 1, 0},
    {1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 1, 1},
};

static size_t led_n_features(const sl_stream *s) { return s->obj.param[LED_IRRELEVANT].i ? LED_ALL : LED_RELEVANT; }
static size_t led_n_classes(const sl_stream *s) { (void)s; return 10; }
static unsigned led_nominal(const sl_stream *s, size_t i) { (void)s; (void)i; return 2; }
static size_t led_state_len(const sl_stream *s) { (void)s; return LED_ALL; }

static void led_init(sl_stream *s) {
  int64_t i, nd = s->obj.param[LED_N_DRIFT].i;
  for (i = 0; i < LED_ALL; i++) s->buf[i] = (double)i;
  if (s->obj.param[LED_IRRELEVANT].i && nd > 0) {
    int64_t shift = (int64_t)sl__rng_below(&s->rng, LED_RELEVANT);
    int64_t offset = (int64_t)sl__rng_below(&s->rng, LED_ALL - LED_RELEVANT);
    for (i = 0; i < nd; i++) {
      int64_t a = (i + shift) % LED_RELEVANT, b = LED_RELEVANT + (i + offset) % (LED_ALL - LED_RELEVANT);
      s->buf[a] = (double)b;
      s->buf[b] = (double)a;
    }
  }
}

/* Position of attribute i; the clamp keeps a damaged checkpoint in bounds. */
static size_t led_at(const sl_stream *s, size_t i, size_t n) {
  double v = s->buf[i];
  return v >= 0.0 && v < (double)n ? (size_t)v : i % n;
}

static void led_row(sl_stream *s, double *x, double *y) {
  size_t i, n = led_n_features(s);
  unsigned digit = (unsigned)sl__rng_below(&s->rng, 10);
  double noise = s->obj.param[LED_NOISE].d;
  for (i = 0; i < LED_RELEVANT; i++) {
    unsigned seg = led_digits[digit][i];
    if (sl__rng_uniform(&s->rng) < noise) seg = !seg;
    x[led_at(s, i, n)] = seg;
  }
  for (; i < n; i++) x[led_at(s, i, n)] = (double)sl__rng_below(&s->rng, 2);
  *y = digit;
}

static sl_status led_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                           const sl_allocator *a) {
  (void)args;
  return sl__stream_build(out, &sl__led_kind, params, r, a);
}

static const sl__stream_ops led_ops = {led_n_features, led_n_classes, led_nominal, NULL,
                                       led_state_len, led_init, led_row, NULL};

const sl__kind sl__led_kind = SL__STREAM_KIND(SL_STREAM_LED, "led", led_params, led_build, led_ops);
