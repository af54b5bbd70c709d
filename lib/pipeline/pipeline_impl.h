/* Private to lib/pipeline: the sl_pipeline struct and its parts, one file
 * each (features.c, pending.c, metrics.c, latency.c, policy.c, loop.c,
 * persist.c, file.c; pipeline.c is the dispatch and the setup). */
#ifndef SL_PIPELINE_IMPL_H
#define SL_PIPELINE_IMPL_H

#include "../core/object.h"
#include "../drift/drift_impl.h"
#include "../model/model_impl.h"
#include "../replay/replay_impl.h"
#include "../window/window_impl.h"
#include "streamlearn/pipeline.h"

/* Parameter indices (the table is in pipeline.c). */
enum {
  SL__PP_PENDING_CAP,
  SL__PP_LABEL_TTL,
  SL__PP_METRIC_FADING,
  SL__PP_METRIC_WINDOW,
  SL__PP_DRIFT_POLICY,
  SL__PP_REPLAY_K,
  SL__PP_PROMOTE_MARGIN,
  SL__PP_PROMOTE_MIN_LABELS,
  SL__PP_SNAPSHOT_EVERY,
  SL__PP_SNAPSHOTS,
  SL__PP_ROLLBACK_THRESHOLD
};

#define SL__MAX_RAW ((size_t)1 << 20)
#define SL__MAX_RAW_FEATURES 1024
#define SL__MAX_WINDOWS 256
/* Class probabilities kept per pending prediction, at most. */
#define SL__MAX_PROBA 256

/* ---- features.c: the layout and the feature vector ----------------------- */

typedef struct sl__wfeat {
  sl_window *w;
  size_t field;    /* raw field fed to it */
  size_t n_values; /* its aggregates in the vector */
} sl__wfeat;

typedef struct sl__layout {
  size_t n_raw;
  uint32_t *raw; /* chosen raw fields; none chosen: all, in order */
  size_t n_sel, cap_sel;
  sl__wfeat *win;
  size_t n_win, cap_win;
} sl__layout;

size_t sl__layout_size(const sl__layout *l);
sl_status sl__layout_add_raw(sl__layout *l, sl__mem *m, size_t field);
sl_status sl__layout_add_window(sl__layout *l, sl__mem *m, sl_window *w, size_t field);
void sl__layout_free(sl__layout *l, sl__mem *m);
/* SL_ELATE when `ts` is behind any window's watermark, else SL_OK. */
sl_status sl__layout_check_late(const sl__layout *l, int64_t ts);
/* Adds the event to every window, then writes the feature vector into `x`
 * (non-finite aggregates as 0, counted in *nonfinite). On a window's
 * failure returns its status, the windows before it having the event. */
sl_status sl__layout_features(const sl__layout *l, uint64_t key, int64_t ts, const double *values, double *x,
                              uint64_t *nonfinite);

/* ---- pending.c: predictions waiting for labels ---------------------------- */

/* A ring of `cap` slots in arrival order (a matched entry leaves a dead
 * slot until the head passes it) plus an open-addressing index by id. Each
 * slot holds id, key, ts, a flag byte (bit 0 live, bit 1 the role parity at
 * prediction time) and `stride` doubles: the features, then per model its
 * prediction and class probabilities. */
typedef struct sl__pending {
  size_t cap, stride, head, n, n_live;
  uint64_t *id, *key;
  int64_t *ts;
  uint8_t *flag;
  double *data;
  uint32_t *index; /* slot + 1, 0 empty; index_mask + 1 entries */
  size_t index_mask;
} sl__pending;

#define SL__PEND_LIVE 1u
#define SL__PEND_PARITY 2u
#define SL__PEND_NONE ((size_t)-1)

sl_status sl__pending_init(sl__pending *pd, sl__mem *m, size_t cap, size_t stride);
void sl__pending_free(sl__pending *pd, sl__mem *m);
/* Slot of the live entry `id`, or SL__PEND_NONE. */
size_t sl__pending_find(const sl__pending *pd, uint64_t id);
/* Appends an entry (the ring must not be full) and returns its slot. */
size_t sl__pending_append(sl__pending *pd, uint64_t id, uint64_t key, int64_t ts, uint8_t parity);
/* Marks a live slot dead and drops dead slots at the head. */
void sl__pending_remove(sl__pending *pd, size_t slot);
/* The oldest slot (the ring's head; live, as dead ones are dropped). */
void sl__pending_save(const sl__pending *pd, sl__writer *w);
/* Fills a fresh table from a checkpoint (ids unique, head and tail live). */
void sl__pending_load(sl__pending *pd, sl__reader *r);
static inline size_t sl__pending_oldest(const sl__pending *pd) { return pd->n ? pd->head : SL__PEND_NONE; }
static inline double *sl__pending_row(const sl__pending *pd, size_t slot) { return pd->data + slot * pd->stride; }

/* ---- metrics.c: prequential metrics of one model -------------------------- */

/* Per label two numbers: err (0 / 1 miss, or |error|) and loss (log loss,
 * or squared error), summed with fading and over a ring of the last `cap`
 * labels. Kept in double: the sums decide promotions and rollbacks. */
typedef struct sl__metric {
  double f_err, f_loss, f_n; /* faded sums and faded count */
  uint64_t n;
  double *ring; /* 2 * cap: err, loss */
  size_t cap, pos, filled;
  double w_err, w_loss; /* sums over the ring, re-added exactly on each wrap */
} sl__metric;

sl_status sl__metric_init(sl__metric *mt, sl__mem *m, size_t cap);
void sl__metric_free(sl__metric *mt, sl__mem *m);
void sl__metric_push(sl__metric *mt, double err, double loss, double fading);
/* The four metrics of `task` (the others NaN), fading then window. */
void sl__metric_read(const sl__metric *mt, sl_model_task task, double *fading4, double *window4);
/* Higher is better: windowed accuracy, or minus windowed MAE; NaN before any label. */
double sl__metric_score(const sl__metric *mt, sl_model_task task);
void sl__metric_save(const sl__metric *mt, sl__writer *w);
void sl__metric_load(sl__metric *mt, sl__reader *r);

/* ---- latency.c: log-bucket histograms ------------------------------------- */

#define SL__HIST_SUB_BITS 5
#define SL__HIST_SUB (1u << SL__HIST_SUB_BITS)
#define SL__HIST_ROWS 40
#define SL__HIST_N (SL__HIST_ROWS * SL__HIST_SUB)

typedef struct sl__hist {
  uint64_t n;
  uint64_t b[SL__HIST_N];
} sl__hist;

void sl__hist_add(sl__hist *h, uint64_t ns);
/* The value at quantile q in (0, 1]: the middle of its bucket; 0 when empty. */
double sl__hist_quantile(const sl__hist *h, double q);

enum { SL__STAGE_FEATURES, SL__STAGE_PREDICT, SL__STAGE_LEARN, SL__N_STAGES };

/* ---- policy.c: snapshots ---------------------------------------------------- */

typedef struct sl__snap {
  uint8_t *buf; /* the champion's payload (sl__object_save_payload) */
  size_t cap, len; /* len 0: empty slot */
  double score;
  uint64_t version, label;
} sl__snap;

/* ---- the pipeline ----------------------------------------------------------- */

/* Counters, saved and served as statistics in this order. */
#define SL__PIPELINE_COUNTERS(X)                                                                           \
  X(EVENTS, "events") X(LABELS, "labels") X(VERSION, "model_version")                                        \
  X(LATE, "late") X(UNMATCHED, "unmatched_labels") X(EXPIRED, "expired") X(EVICTED, "evicted")              \
  X(DRIFTS, "drifts") X(WARNINGS, "warnings") X(PROMOTIONS, "promotions") X(ROLLBACKS, "rollbacks")         \
  X(RESETS, "resets") X(CONSOLIDATIONS, "consolidations") X(RETRAINS, "retrains")                          \
  X(SNAPSHOTS, "snapshots_taken") X(SNAP_FAILED, "snapshots_failed") X(LEARN_REJECTED, "learn_rejected") X(NONFINITE, "nonfinite_features")   \
  X(SINCE_CHANGE, "labels_since_change")

enum {
#define SL__PC_ENUM(id, name) SL__PC_##id,
  SL__PIPELINE_COUNTERS(SL__PC_ENUM)
#undef SL__PC_ENUM
  SL__PC_N
};

struct sl_pipeline {
  sl__object obj;
  sl__layout lay;
  sl_model *model[2]; /* champion, challenger */
  sl_drift *drift;
  sl_replay *replay;
  sl_pipeline_callbacks cb;
  sl_clock_fn clock;
  void *clock_user;
  int in_callback;
  /* Set up by sl__pipeline_ready at the first push (or a load). */
  int ready;
  sl_model_task task;
  size_t n_features, n_classes; /* n_classes: probabilities kept (classifiers) */
  double *x;                    /* the feature vector */
  double *row;                  /* a replay record */
  sl_replay_batch batch;        /* replay_k rows */
  sl__pending pend;
  sl__metric met[2]; /* by role: champion, challenger */
  sl__snap *snap;
  size_t n_snap, snap_next;
  uint8_t parity; /* flips on every promotion */
  uint8_t last_state;
  uint8_t has_newest;
  int64_t newest;
  uint64_t cnt[SL__PC_N];
  sl__hist lat[SL__N_STAGES];
};

extern const sl__handle_class sl__pipeline_class;
extern const sl__kind sl__pipeline_default_kind;

/* Checks the setup (handles, dimensions, tasks, policy) and allocates the
 * tables; nothing changed on error. */
sl_status sl__pipeline_ready(sl_pipeline *p);
/* Frees what ready allocated and the handles. */
void sl__pipeline_release(sl_pipeline *p);
/* Doubles per pending entry for the models attached. */
size_t sl__pipeline_stride(const sl_pipeline *p);
void sl__pipeline_fill_metrics(const sl_pipeline *p, sl_pipeline_metrics *m);

/* policy.c */
/* After a label's metrics: feeds the served error to the detector and
 * applies the drift policy (before the model learns the label). */
sl_status sl__policy_drift(sl_pipeline *p, double served_err, uint64_t event_id);
/* After the models learned a label: promotion, snapshot, rollback. */
sl_status sl__policy_after_label(sl_pipeline *p);
void sl__snaps_clear(sl_pipeline *p);
void sl__snaps_free(sl_pipeline *p);

/* persist.c */
sl_status sl__pipeline_save(const sl__object *o, sl__writer *w);
sl_status sl__pipeline_build(sl__object **out, const sl__pval *params, sl__reader *r, const void *args,
                             const sl_allocator *a);

#endif
