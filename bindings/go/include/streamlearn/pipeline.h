/*
 * sl_pipeline: the loop that ties the other handles together.
 *
 *   push(event)  -> window features + raw fields -> model.predict -> prediction
 *   push_label(id, y) -> pending prediction -> prequential metrics
 *                     -> drift detector (on the served error) -> policy
 *                     -> model.learn (+ replay batch) -> challenger learns too
 *                     -> promotion / snapshot / rollback
 *
 * Build one with sl_pipeline_new(), attach the handles it runs (it takes
 * ownership of each: they are freed with the pipeline), then push. The
 * handles and the feature layout are fixed from the first push on.
 *
 * Feature layout. The feature vector is, in this order: the raw fields
 * chosen with sl_pipeline_add_raw_feature() (in call order; all n_raw
 * fields when none were chosen), then for each window feature in call
 * order the sl_window_n_values() aggregates of that window. A window
 * feature is a sliding or count sl_window fed with one raw field of every
 * event, keyed by the event's key, and read with sl_window_query() after
 * the event was added (so the aggregates include the event). A non-finite
 * aggregate is given to the model as 0 (statistic "nonfinite_features").
 * The model's n_features must equal the layout's size
 * (sl_pipeline_n_features()).
 *
 * Labels arrive later, by event id, in any order or never. A prediction
 * waits in a bounded pending table: it is dropped (on_expired) when
 * "pending_cap" later events have arrived, or when the newest event time
 * is more than "label_ttl" past its own (checked in arrival order). The
 * features are kept with it, so the model learns the vector it predicted on.
 *
 * Metrics are prequential (each label scores the prediction made before
 * the model learned it): classifiers get accuracy and log loss, regressors
 * MAE and RMSE, each faded by "metric_fading" (1 = the whole stream) and
 * over the last "metric_window" labels. The "score" that promotion and
 * rollback compare is the windowed accuracy (classification) or minus the
 * windowed MAE (regression): higher is better.
 *
 * Drift: the detector sees the served prediction's error (0 / 1 for a
 * classifier, absolute error for a regressor). On a detected drift,
 * "drift_policy" says what happens: alert (callback only), reset the
 * champion, consolidate it (EWC kinds: sl_model_consolidate), or replay
 * (reset it and relearn every record of the replay buffer). reset and
 * replay also empty the snapshot ring (its models belong to the old
 * concept).
 *
 * Challenger: learns every label too; its predictions are recorded, not
 * served. When at least "promote_min_labels" labels passed since the last
 * model change and its score beats the champion's by more than
 * "promote_margin", the two swap roles (the old champion becomes the
 * challenger) and the snapshot ring empties.
 *
 * Rollback: every "snapshot_every" labels (0: never) the champion is
 * copied into a ring of "snapshots" slots with its score. When
 * "metric_window" labels passed since the last change and the live score
 * is below the best snapshot's by more than "rollback_threshold", the
 * champion is replaced by that snapshot.
 *
 * Every promotion, rollback, reset, consolidation and replay-retrain adds
 * 1 to the model version and calls on_model_change: the audit trail.
 *
 * Latency: with a clock set (sl_pipeline_set_clock), the time spent in the
 * stages features (windows), predict (models) and learn (everything a
 * label does) goes into log-bucket histograms (about 3% resolution);
 * statistics latency_<stage>_p50 / _p99 / _p999 (ns, 0 before any).
 *
 * Checkpoints (sl_pipeline_save / load, SL_HANDLE_API) hold every attached
 * handle, the layout, the pending table, the metrics, the counters and
 * versions, and the snapshots; not the callbacks, the clock or the latency
 * histograms (set them again after a load). A loaded pipeline given the
 * same events and labels makes bit-identical predictions and saves a
 * byte-identical checkpoint.
 *
 * Nothing allocates per event or label once the pipeline runs, except a
 * new window key, a tree split, a snapshot larger than its slot, and a
 * rollback (which loads the snapshot into a new model).
 */
#ifndef STREAMLEARN_PIPELINE_H
#define STREAMLEARN_PIPELINE_H

#include "common.h"
#include "drift.h"
#include "model.h"
#include "replay.h"
#include "window.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_pipeline sl_pipeline;

/* Pipeline kinds: one for now. */
typedef enum sl_pipeline_kind {
  SL_PIPELINE_DEFAULT = 0 /* [default] */
} sl_pipeline_kind;

/* Values of the "drift_policy" parameter. */
typedef enum sl_pipeline_policy {
  SL_PIPELINE_ALERT = 0,       /* [alert] on_drift only */
  SL_PIPELINE_RESET = 1,       /* [reset] sl_model_reset the champion */
  SL_PIPELINE_CONSOLIDATE = 2, /* [consolidate] sl_model_consolidate (EWC kinds) */
  SL_PIPELINE_REPLAY = 3       /* [replay] reset, then learn the replay buffer again */
} sl_pipeline_policy;

/* Why the model changed (on_model_change). */
typedef enum sl_pipeline_reason {
  SL_PIPELINE_PROMOTED = 0,     /* the challenger beat the champion */
  SL_PIPELINE_ROLLED_BACK = 1,  /* back to a snapshot */
  SL_PIPELINE_WAS_RESET = 2,    /* drift policy reset */
  SL_PIPELINE_CONSOLIDATED = 3, /* drift policy consolidate */
  SL_PIPELINE_RETRAINED = 4     /* drift policy replay */
} sl_pipeline_reason;

/* Why a pending prediction left without its label (on_expired). */
typedef enum sl_pipeline_expiry {
  SL_PIPELINE_TTL = 0,     /* older than "label_ttl" in event time */
  SL_PIPELINE_EVICTED = 1  /* "pending_cap" later events arrived */
} sl_pipeline_expiry;

/* One event, filled by the caller. Set struct_size = sizeof(sl_event).
 * `values` holds `n_values` raw fields (the pipeline's n_raw); `id` names
 * the event for its label (unique among pending ones); `key` selects the
 * windows' per-key state; `ts` is event time, within +-2^62, in the
 * windows' unit. */
typedef struct sl_event {
  size_t struct_size;
  uint64_t id;
  uint64_t key;
  int64_t ts;
  const double *values;
  size_t n_values;
} sl_event;

/* A prediction. Set struct_size before passing one to sl_pipeline_push;
 * the library fills the fields that fit. */
typedef struct sl_prediction {
  size_t struct_size;
  uint64_t id;
  uint64_t key;
  int64_t ts;
  double y;             /* served: the champion's value or class index */
  double confidence;    /* classifiers: the probability of class y; regressors NaN */
  double challenger_y;  /* the challenger's prediction, NaN without one */
  uint64_t model_version;
} sl_prediction;

/* Metrics at one moment. NaN where a metric does not apply (accuracy of a
 * regressor, MAE of a classifier, a challenger that is not there) or before
 * any label. Set struct_size before sl_pipeline_read_metrics(). */
typedef struct sl_pipeline_metrics {
  size_t struct_size;
  uint64_t events;        /* events accepted */
  uint64_t labels;        /* labels matched */
  uint64_t model_version; /* 1 at start, +1 per change */
  double accuracy, log_loss, mae, rmse;                         /* faded by metric_fading */
  double accuracy_window, log_loss_window, mae_window, rmse_window; /* last metric_window labels */
  double challenger_accuracy_window, challenger_log_loss_window, challenger_mae_window,
      challenger_rmse_window;
} sl_pipeline_metrics;

/* A drift signal (on_drift): detected, or a warning newly entered. */
typedef struct sl_pipeline_drift_info {
  size_t struct_size;
  uint64_t label_index;       /* labels matched so far, this one included */
  uint64_t event_id;          /* the event whose label raised it */
  sl_drift_state state;       /* SL_DRIFT_WARNING or SL_DRIFT_DETECTED */
  sl_pipeline_policy action;  /* what was done (warnings: nothing, reported as alert) */
  const sl_pipeline_metrics *metrics;
} sl_pipeline_drift_info;

/* A model change (on_model_change). */
typedef struct sl_pipeline_change {
  size_t struct_size;
  uint64_t version;       /* the new model version */
  sl_pipeline_reason reason;
  uint64_t label_index;   /* labels matched when it happened */
  double score_before;    /* the champion's score just before */
  double score_reference; /* promotion: the challenger's score; rollback: the snapshot's; else NaN */
  const sl_pipeline_metrics *metrics;
} sl_pipeline_change;

/* Callbacks. The structs they receive live during the call only.
 * on_prediction: a non-zero return makes the push return SL_ECALLBACK (the
 * event was fully processed; push_many stops after it). The others report
 * what already happened: their return value is ignored. */
typedef int (*sl_pipeline_prediction_cb)(const sl_prediction *p, void *user);
typedef int (*sl_pipeline_expired_cb)(const sl_prediction *p, sl_pipeline_expiry why, void *user);
typedef int (*sl_pipeline_drift_cb)(const sl_pipeline_drift_info *d, void *user);
typedef int (*sl_pipeline_change_cb)(const sl_pipeline_change *c, void *user);

/* Set struct_size = sizeof(sl_pipeline_callbacks); any callback may be NULL. */
typedef struct sl_pipeline_callbacks {
  size_t struct_size;
  sl_pipeline_prediction_cb on_prediction;
  sl_pipeline_expired_cb on_expired;
  sl_pipeline_drift_cb on_drift;
  sl_pipeline_change_cb on_model_change;
  void *user;
} sl_pipeline_callbacks;

/* Host clock for latency histograms: monotonic nanoseconds. */
typedef uint64_t (*sl_clock_fn)(void *user);

/* Creates a pipeline for events of `n_raw` raw values (1 .. 2^20) with
 * the default parameters, using allocator `a` (NULL: malloc) for itself and
 * for the handles it loads (checkpoints, rollbacks).
 * @return SL_OK, SL_EINVAL (NULL out, n_raw out of range), SL_ENOMEM. */
SL_API sl_status sl_pipeline_new(sl_pipeline **out, size_t n_raw, const sl_allocator *a);

/* Attach handles. The pipeline takes ownership on SL_OK (a handle attached
 * before in the same role is freed); on error the caller keeps it. Only
 * before the first push (else SL_ESTATE). Compatibility with the layout
 * and with each other is checked at the first push.
 * set_model: the champion (required). set_challenger: a shadow model
 * (NULL detaches). set_drift: the detector on the error stream (NULL:
 * none). set_replay: a buffer the champion's labelled examples go to, with
 * a batch of "replay_k" learned per label and the replay policy's source.
 * @return SL_OK, SL_EINVAL (NULL pipeline; NULL model for set_model),
 * SL_ESTATE (the pipeline has run), SL_EDUP (the handle is already
 * attached here in another role). Setting the handle a role already holds
 * is a no-op (SL_OK). */
SL_API sl_status sl_pipeline_set_model(sl_pipeline *p, sl_model *m);
SL_API sl_status sl_pipeline_set_challenger(sl_pipeline *p, sl_model *m);
SL_API sl_status sl_pipeline_set_drift(sl_pipeline *p, sl_drift *d);
SL_API sl_status sl_pipeline_set_replay(sl_pipeline *p, sl_replay *r);

/* Adds raw field `field` to the feature vector (see the layout above).
 * @return SL_OK, SL_EINVAL, SL_EDIM (field >= n_raw), SL_ESTATE, SL_EFULL
 * (1024 raw features already). */
SL_API sl_status sl_pipeline_add_raw_feature(sl_pipeline *p, size_t field);

/* Adds window `w` (sliding or count kind) fed with raw field `raw_field`;
 * its aggregates join the feature vector. Takes ownership on SL_OK.
 * @return SL_OK, SL_EINVAL (NULL), SL_EKIND (another window kind), SL_EDIM
 * (raw_field >= n_raw), SL_ESTATE, SL_EDUP (already attached), SL_EFULL
 * (256 windows already), SL_ENOMEM. */
SL_API sl_status sl_pipeline_add_window_feature(sl_pipeline *p, sl_window *w, size_t raw_field);

/* The feature vector's size for the layout as it stands. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_pipeline_n_features(const sl_pipeline *p, size_t *n);

/* Sets the callbacks (NULL: none). Copies `cb`. Callbacks may read the
 * pipeline (stats, metrics) but must not push into it (SL_ESTATE).
 * @return SL_OK, SL_EINVAL (struct_size too small). */
SL_API sl_status sl_pipeline_set_callbacks(sl_pipeline *p, const sl_pipeline_callbacks *cb);

/* Sets the clock for latency (NULL: latency off, the default).
 * @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_pipeline_set_clock(sl_pipeline *p, sl_clock_fn clock, void *user);

/* Pushes one event: windows, features, predictions, pending entry,
 * on_prediction. `*out` (may be NULL; struct_size set) receives the
 * prediction. The first push checks the setup and allocates the tables.
 * @return SL_OK;
 *   SL_EINVAL (NULL, struct_size too small, NULL values, ts beyond +-2^62),
 *   SL_EDIM (n_values != n_raw; first push: a model's n_features is not the
 *   layout's, or the replay buffer's), SL_ENONFINITE (a value NaN / Inf),
 *   SL_EDUP (id already pending), SL_ELATE (ts behind a window's
 *   watermark): nothing changed;
 *   SL_ESTATE (no model attached, or called from a callback),
 *   SL_EKIND (first push: a binary drift detector or class_balanced
 *   buffer with a regressor, consolidate without an EWC champion, models
 *   of different tasks), SL_ERANGE (replay_k above the buffer's capacity),
 *   SL_ENOMEM: nothing changed;
 *   SL_ENOMEM / SL_EFULL from a window storing a new key: the windows
 *   before it in the layout have the event, nothing else changed;
 *   SL_ECALLBACK: on_prediction returned non-zero (the event counts). */
SL_API sl_status sl_pipeline_push(sl_pipeline *p, const sl_event *ev, sl_prediction *out);

/* Pushes `n` events given as columns: ids, keys, ts (n each) and values
 * (n rows of n_raw, row-major). `y` (n, may be NULL) receives the served
 * predictions (NaN for a late event). Late events are skipped and
 * counted in `*n_late`; any other failure stops: `*n_done` (may be NULL)
 * is the number of events handled before it (late ones included), and the
 * status is that event's. @return as sl_pipeline_push. */
SL_API sl_status sl_pipeline_push_many(sl_pipeline *p, size_t n, const uint64_t *ids, const uint64_t *keys,
                                       const int64_t *ts, const double *values, double *y, size_t *n_done,
                                       size_t *n_late);

/* The label `y` of pending event `id`: metrics, drift, policy, learning,
 * promotion, snapshot, rollback (callbacks on the way).
 * @return SL_OK, SL_EINVAL (NULL; a class label that is not an index the
 * models accept), SL_ENONFINITE, SL_ENOTFOUND (no pending prediction with
 * this id: never pushed, labelled already, expired), SL_ESTATE (before
 * the first push, or from a callback); on these nothing changed, except
 * that SL_ENOTFOUND counts in the "unmatched_labels" statistic.
 * SL_ENOMEM: a rollback could not load its snapshot; the label was
 * applied, the champion kept. A model refusing an update (a diverging
 * step, rolled back by the model) is counted in "learn_rejected", not an
 * error. */
SL_API sl_status sl_pipeline_push_label(sl_pipeline *p, uint64_t id, double y);

/* Pushes `n` labels in order. Unmatched ids are skipped and counted in
 * `*n_unmatched`; another failure stops (`*n_done` handled before it). */
SL_API sl_status sl_pipeline_push_labels(sl_pipeline *p, size_t n, const uint64_t *ids, const double *y,
                                         size_t *n_done, size_t *n_unmatched);

/* Fills `*m` (struct_size set; the fields that fit). Also as statistics by
 * the field names. @return SL_OK or SL_EINVAL. */
SL_API sl_status sl_pipeline_read_metrics(const sl_pipeline *p, sl_pipeline_metrics *m);

/* The attached champion / challenger / detector / buffer (NULL when none),
 * for reading: owned by the pipeline, valid until the next push, label or
 * free (a promotion or rollback replaces the champion). @return SL_OK or
 * SL_EINVAL. */
SL_API sl_status sl_pipeline_handles(const sl_pipeline *p, const sl_model **champion, const sl_model **challenger,
                                     const sl_drift **drift, const sl_replay **replay);

/* Atomic checkpoint files: writes sl_pipeline_save() output to a temporary
 * file beside `path`, flushes it to disk (fsync), renames it over `path`
 * and syncs the directory, so `path` always holds a whole checkpoint, the
 * old or the new, whenever the process dies. load_file reads one back.
 * @return as save / load, plus SL_EIO (a file call failed), SL_ENOTSUP
 * (built with SL_NO_STDIO, or not a POSIX system), SL_EINVAL (NULL). */
SL_API sl_status sl_pipeline_save_file(const sl_pipeline *p, const char *path, unsigned flags);
SL_API sl_status sl_pipeline_load_file(sl_pipeline **out, const char *path, const sl_allocator *a);

/* Parameters, statistics, save / load, free: see SL_HANDLE_API in common.h.
 * Parameters: pending_cap, label_ttl, metric_fading, metric_window,
 * drift_policy, replay_k, promote_margin, promote_min_labels,
 * snapshot_every, snapshots, rollback_threshold (sl_pipeline_kind_param
 * lists them with ranges and docs). Statistics: the sl_pipeline_metrics
 * fields by name, and pending, late, unmatched_labels, expired, evicted,
 * drifts, warnings, promotions, rollbacks, resets, consolidations,
 * retrains, snapshots_taken, snapshots_failed, learn_rejected, nonfinite_features,
 * n_raw, n_features, handle_allocations and handle_bytes (allocation calls
 * and bytes held of the pipeline and every attached handle), latency_{features,predict,learn}_{p50,p99,p999}. */
SL_HANDLE_API(pipeline);

#ifdef __cplusplus
}
#endif

#endif
