/*
 * sl_stream: seeded synthetic data streams (the generators of River / MOA)
 * and CSV input / output for numeric streams.
 *
 * A stream fills caller buffers in batches: `rows` x `n_features` doubles,
 * row-major, plus one target per row (a class index 0..n_classes-1 stored
 * as a double, or a real value for regression). Same kind, parameters and
 * seed give the same rows on every platform and build; a checkpoint taken
 * in the middle resumes the exact sequence.
 *
 * Generators draw from the library's own RNG (xoshiro256**), not Python's
 * Mersenne Twister, so rows are not River's rows; the concepts (how a label
 * follows from the features) and the feature distributions are the same.
 * docs/streams.md lists every generator with its reference and where it
 * differs from River.
 *
 * The generators are an optional module (the firmware build leaves
 * lib/stream out). The CSV calls need stdio: a build with SL_NO_STDIO keeps
 * the generators and returns SL_ENOTSUP from the CSV calls.
 */
#ifndef STREAMLEARN_STREAM_H
#define STREAMLEARN_STREAM_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_stream sl_stream;

/* Generator kinds. Names for sl_stream_kind_from_name() in brackets.
 * Parameters (names, defaults, ranges, docs) are listed by
 * sl_stream_kind_param(); every kind has "seed" (default 1). */
typedef enum sl_stream_kind {
  /* [sea] Street & Kim 2001 (River SEA, MOA SEAGenerator): three uniform
   * features in [0, 10), y = x0 + x1 > threshold (8, 9, 7, 9.5 for
   * variant 0-3), labels flipped with probability `noise`. `switch_every`
   * > 0 cycles the variant every that many rows (the paper's four blocks). */
  SL_STREAM_SEA = 0,
  /* [agrawal] Agrawal et al. 1993 (River Agrawal, MOA AgrawalGenerator):
   * nine loan-applicant features (salary, commission, age, elevel 0-4,
   * car 1-20, zipcode 0-8, hvalue, hyears, loan), ten classification
   * functions, `perturbation` noise on numeric features, balanced classes
   * on request. Labels are River's (1 = group A). */
  SL_STREAM_AGRAWAL = 1,
  /* [hyperplane] Hulten et al. 2001 (River Hyperplane, MOA
   * HyperplaneGenerator): y = sum w_i x_i >= sum w_i / 2 over uniform x;
   * the first n_drift_features weights move by mag_change per row and turn
   * around with probability sigma; labels flipped with probability noise. */
  SL_STREAM_HYPERPLANE = 2,
  /* [random_rbf] (River RandomRBF / RandomRBFDrift, MOA RandomRBFGenerator
   * and ...Drift): n_centroids Gaussian centroids with random centre, class,
   * spread and weight; a row picks a centroid by weight and a point at a
   * normal distance from it. change_speed > 0 moves the first
   * n_drift_centroids centroids every row (bouncing inside the unit cube). */
  SL_STREAM_RANDOM_RBF = 3,
  /* [stagger] Schlimmer & Granger 1986 (River STAGGER): nominal size,
   * color, shape (0-2 each), three concepts, balanced classes on request. */
  SL_STREAM_STAGGER = 4,
  /* [led] Breiman et al. 1984 (River LED / LEDDrift): the seven segments of
   * a digit 0-9, each flipped with probability noise, plus 17 random binary
   * features when irrelevant_features is set; n_drift_features > 0 swaps that
   * many relevant segments with irrelevant features (LEDDrift). 10 classes. */
  SL_STREAM_LED = 5,
  /* [sine] Gama et al. 2004 (River Sine): two uniform features, SINE1 /
   * reversed SINE1 / SINE2 / reversed SINE2, balanced classes on request,
   * two extra uniform noise features when has_noise is set. */
  SL_STREAM_SINE = 6,
  /* [friedman] Friedman 1991 #1 (River Friedman / FriedmanDrift): ten
   * uniform features, y = 10 sin(pi x0 x1) + 20 (x2 - .5)^2 + 10 x3 + 5 x4
   * + N(0, 1); regression. drift_type lea / gra / gsg gives Ikonomovska's
   * local expanding abrupt, global recurring abrupt and global slow gradual
   * drifts at position_1..3 (River FriedmanDrift). */
  SL_STREAM_FRIEDMAN = 7,
  /* [concept_drift] MOA ConceptDriftStream (River ConceptDriftStream): row t
   * (1-based) comes from the second stream with probability
   * 1 / (1 + exp(-4 (t - position) / width)), else from the first; only the
   * chosen stream advances. Built from two streams by
   * sl_stream_concept_drift(); sl_stream_new() gives River's default,
   * Agrawal function 0 drifting to function 2. */
  SL_STREAM_CONCEPT_DRIFT = 8
} sl_stream_kind;

/* What a stream produces. Read-only, filled by sl_stream_describe(); fields may
 * be appended in a later minor version, so never rely on its size. */
typedef struct sl_stream_info {
  size_t n_features;
  size_t n_classes; /* 0: regression (real-valued target) */
  size_t n_nominal; /* features that take a few integer codes (sl_stream_feature) */
  uint64_t rows;    /* rows produced since creation or the last reset */
} sl_stream_info;

/* Creates a generator of `kind` with its default parameters (River's, seed
 * 1), using allocator `a` (NULL: malloc). Parameters that shape the stream
 * (seed, n_features, n_centroids, ...) can be set until the first row;
 * the others (noise, variant, function, ...) can change between rows, which
 * is itself a concept drift. @return SL_OK, SL_EINVAL, SL_EKIND, SL_ENOMEM. */
SL_API sl_status sl_stream_new(sl_stream **out, sl_stream_kind kind, const sl_allocator *a);

/* Creates a concept-drift stream blending `first` into `second`
 * (SL_STREAM_CONCEPT_DRIFT; set "position", "width", "seed" on the result).
 * On success the new stream owns both (sl_stream_free frees them); on
 * failure the caller still owns them. Streams may nest, up to 32 levels of
 * concept-drift streams (a checkpoint of a deeper one would not load).
 * @return SL_OK, SL_EINVAL (NULL, or first == second), SL_EDIM (different
 * n_features), SL_EFULL (32 levels already), SL_ENOMEM. */
SL_API sl_status sl_stream_concept_drift(sl_stream **out, sl_stream *first, sl_stream *second,
                                         const sl_allocator *a);

/* Describes the stream. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_stream_describe(const sl_stream *s, sl_stream_info *info);

/* Feature `i`: its name written to `name` (`cap` bytes, NUL-terminated;
 * name may be NULL with cap 0 to skip), and `*n_values` (may be NULL) the
 * number of integer codes of a nominal feature (0 for a numeric one).
 * Unnamed features are "x0", "x1", ... @return SL_OK, SL_EINVAL,
 * SL_ENOTFOUND (i >= n_features), SL_EBUFFER (name longer than cap - 1). */
SL_API sl_status sl_stream_feature(const sl_stream *s, size_t i, char *name, size_t cap, unsigned *n_values);

/* Produces `rows` rows: features to `X` (rows x n_features, row-major) and
 * targets to `y` (rows; may be NULL to drop them). Allocates nothing.
 * @return SL_OK, SL_EINVAL (NULL stream, or NULL X with rows > 0), SL_EDIM
 * (`n_features` is not the stream's); on error nothing is produced. */
SL_API sl_status sl_stream_next(sl_stream *s, double *X, size_t n_features, double *y, size_t rows);

/* The label the stream's current concept gives the features `x`
 * (`n_features` values), without label noise: how a conformance test or a
 * monitor asks "what is the truth here". For friedman, the noise-free
 * target (inside a gsg transition, the newer concept). Reads the current
 * state (hyperplane weights, SEA's switched variant); changes nothing.
 * @return SL_OK, SL_EINVAL, SL_EDIM, SL_ENONFINITE (a NaN / Inf feature),
 * SL_ENOTSUP (random_rbf, led, concept_drift: no closed-form concept). */
SL_API sl_status sl_stream_label(const sl_stream *s, const double *x, size_t n_features, double *y);

/* Restarts the stream: the same rows again from the first, with the
 * current parameters. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_stream_reset(sl_stream *s);

/* Writes `rows` rows of the stream as CSV through `write`: a header (the
 * feature names, then "y"), '.' as decimal separator whatever the C locale,
 * "\n" line ends, whole numbers as integers and others with 17
 * significant digits (every value reads back exactly). Allocates one row of scratch from the stream's allocator.
 * @return SL_OK, SL_EINVAL, SL_EIO (`write` failed), SL_ENOMEM, SL_ENOTSUP
 * (built with SL_NO_STDIO). */
SL_API sl_status sl_stream_write_csv(sl_stream *s, size_t rows, sl_write_fn write, void *user);

/* Parameters, statistics ("rows"), save / load, free: see SL_HANDLE_API in
 * common.h. A concept-drift stream saves and loads its two streams with it. */
SL_HANDLE_API(stream);

/* ---- CSV reader ------------------------------------------------------------
 *
 * Reads a numeric CSV with a header row, in chunks (never the whole input at
 * once), from a callback, a memory buffer or a file path. Fields are
 * separated by ','; a field may be quoted ("1.5", with "" for a quote);
 * lines end in "\n" or "\r\n"; empty lines are skipped; a UTF-8 byte-order
 * mark is ignored; numbers are parsed without the C locale. A record may
 * be up to SL_CSV_MAX_RECORD bytes.
 *
 * One column is the target (by default the last; choose it by name or
 * index, or none); the others are the features, in file order. A bad row is
 * reported with its status and line number and skipped; reading can go on:
 *   SL_EDIM       wrong number of fields
 *   SL_ENOTFOUND  missing value: an empty field, "NA" or "?"
 *   SL_ENONFINITE "nan", "inf" or a number too large for a double
 *   SL_ECORRUPT   not a number, or an unterminated quote at end of input
 *   SL_EFULL      record longer than SL_CSV_MAX_RECORD
 *   SL_EIO        the read callback (or the file) failed; reading stops
 */

#define SL_CSV_MAX_RECORD 65536

typedef struct sl_csv sl_csv;

/* Reads up to `cap` bytes into `buf`; returns how many (0 only at the end
 * of input), or a negative number on error. */
typedef long (*sl_csv_read_fn)(void *user, void *buf, size_t cap);

/* Opens a reader on `read` and reads the header. The reader keeps one
 * buffer of SL_CSV_MAX_RECORD bytes from allocator `a` (NULL: malloc).
 * @return SL_OK, SL_EINVAL, SL_ENOMEM, SL_EIO, SL_ECORRUPT (no header, a
 * bad header), SL_EFULL (header too long), SL_ENOTSUP (SL_NO_STDIO build).
 * On error `*out` is NULL. */
SL_API sl_status sl_csv_open(sl_csv **out, sl_csv_read_fn read, void *user, const sl_allocator *a);

/* Same over `len` bytes at `data` (not copied; must outlive the reader). */
SL_API sl_status sl_csv_open_mem(sl_csv **out, const void *data, size_t len, const sl_allocator *a);

/* Same over the file at `path`, closed by sl_csv_free(). SL_EIO when it
 * cannot be opened. */
SL_API sl_status sl_csv_open_path(sl_csv **out, const char *path, const sl_allocator *a);

/* Number of columns of the header, and the name of column `i` (unquoted;
 * valid until sl_csv_free). @return SL_OK, SL_EINVAL, SL_ENOTFOUND. */
SL_API sl_status sl_csv_columns(const sl_csv *c, size_t *n);
SL_API sl_status sl_csv_column_name(const sl_csv *c, size_t i, const char **name);

/* Chooses the target column by name (the first column of that name; NULL:
 * no target, every column is a feature) or by index. Only before the first
 * row. @return SL_OK, SL_EINVAL, SL_ENOTFOUND, SL_ESTATE (rows were read). */
SL_API sl_status sl_csv_set_target(sl_csv *c, const char *name);
SL_API sl_status sl_csv_set_target_index(sl_csv *c, size_t i);

/* Features per row: the columns minus the target. */
SL_API size_t sl_csv_n_features(const sl_csv *c);

/* Reads up to `rows` rows into `X` (rows x n_features) and `y` (may be NULL;
 * ignored without a target); `*got` receives how many were stored (fewer
 * than `rows` only at the end of input or on a bad row). On a bad row the
 * call returns its status after storing the good rows before it;
 * sl_csv_error_line() tells its line (1-based, counting the header) and the
 * next call goes on after it. Allocates nothing.
 * @return SL_OK (end of input when *got < rows), a bad-row status above,
 * SL_EINVAL, SL_EDIM (`n_features` is not sl_csv_n_features). */
SL_API sl_status sl_csv_next(sl_csv *c, double *X, size_t n_features, double *y, size_t rows, size_t *got);

/* Line of the most recent bad row (0 if none), and its detail ("" if none;
 * valid until the next call). A NULL reader gives 0 and "". */
SL_API uint64_t sl_csv_error_line(const sl_csv *c);
SL_API const char *sl_csv_last_error(const sl_csv *c);

/* Closes the reader (and its file); NULL is a no-op. */
SL_API void sl_csv_free(sl_csv *c);

#ifdef __cplusplus
}
#endif

#endif
