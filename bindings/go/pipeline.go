package streamlearn

/*
#include <stdint.h>
#include <time.h>
#include "streamlearn.h"

extern int goPipelinePrediction(sl_prediction *p, void *user);
extern int goPipelineExpired(sl_prediction *p, sl_pipeline_expiry why, void *user);
extern int goPipelineDrift(sl_pipeline_drift_info *d, void *user);
extern int goPipelineChange(sl_pipeline_change *c, void *user);

static sl_status gsl_pipeline_callbacks(sl_pipeline *p, int pred, int exp, int drift, int change, uintptr_t user) {
  sl_pipeline_callbacks cb = {sizeof(sl_pipeline_callbacks),
                              pred ? (sl_pipeline_prediction_cb)goPipelinePrediction : NULL,
                              exp ? (sl_pipeline_expired_cb)goPipelineExpired : NULL,
                              drift ? (sl_pipeline_drift_cb)goPipelineDrift : NULL,
                              change ? (sl_pipeline_change_cb)goPipelineChange : NULL, (void *)user};
  return sl_pipeline_set_callbacks(p, &cb);
}

// The event struct is built here: Go memory passed to C may not hold Go
// pointers (the values).
static sl_status gsl_pipeline_push(sl_pipeline *p, uint64_t id, uint64_t key, int64_t ts, const double *values,
                                   size_t n, sl_prediction *out) {
  sl_event ev = {sizeof(sl_event), id, key, ts, values, n};
  out->struct_size = sizeof(sl_prediction);
  return sl_pipeline_push(p, &ev, out);
}

static sl_status gsl_pipeline_metrics(const sl_pipeline *p, sl_pipeline_metrics *m) {
  m->struct_size = sizeof(sl_pipeline_metrics);
  return sl_pipeline_read_metrics(p, m);
}

// The latency clock: CLOCK_MONOTONIC read in C, no call into Go.
static uint64_t gsl_monotonic_ns(void *user) {
  struct timespec t;
  (void)user;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static sl_status gsl_pipeline_latency(sl_pipeline *p, int on) {
  return sl_pipeline_set_clock(p, on ? gsl_monotonic_ns : NULL, NULL);
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Policy is what a pipeline does on a detected drift ("drift_policy").
type Policy int

// Drift policies.
const (
	PolicyAlert       Policy = C.SL_PIPELINE_ALERT       // callback only
	PolicyReset       Policy = C.SL_PIPELINE_RESET       // reset the champion
	PolicyConsolidate Policy = C.SL_PIPELINE_CONSOLIDATE // Consolidate it (EWC kinds)
	PolicyReplay      Policy = C.SL_PIPELINE_REPLAY      // reset, relearn the replay buffer
)

// ChangeReason says why the served model changed.
type ChangeReason int

// Model change reasons.
const (
	Promoted     ChangeReason = C.SL_PIPELINE_PROMOTED
	RolledBack   ChangeReason = C.SL_PIPELINE_ROLLED_BACK
	WasReset     ChangeReason = C.SL_PIPELINE_WAS_RESET
	Consolidated ChangeReason = C.SL_PIPELINE_CONSOLIDATED
	Retrained    ChangeReason = C.SL_PIPELINE_RETRAINED
)

// Expiry says why a prediction left without its label.
type Expiry int

// Expiry reasons.
const (
	ExpiredTTL     Expiry = C.SL_PIPELINE_TTL     // older than "label_ttl"
	ExpiredEvicted Expiry = C.SL_PIPELINE_EVICTED // "pending_cap" later events arrived
)

// Event is one event pushed into a pipeline: Values holds its raw fields.
type Event struct {
	ID     uint64 // names the event for its label; unique among pending ones
	Key    uint64 // selects the windows' per-key state
	TS     int64  // event time, in the windows' unit
	Values []float64
}

// Prediction is what the pipeline served for an event.
type Prediction struct {
	ID, Key      uint64
	TS           int64
	Y            float64 // the champion's value or class index
	Confidence   float64 // classifiers: probability of Y; regressors NaN
	ChallengerY  float64 // NaN without a challenger
	ModelVersion uint64
}

// Metrics are a pipeline's prequential metrics; NaN where one does not
// apply or before any label.
type Metrics struct {
	Events, Labels, ModelVersion                         uint64
	Accuracy, LogLoss, MAE, RMSE                         float64 // faded by "metric_fading"
	AccuracyWindow, LogLossWindow, MAEWindow, RMSEWindow float64 // last "metric_window" labels
	ChallengerAccuracyWindow, ChallengerLogLossWindow    float64
	ChallengerMAEWindow, ChallengerRMSEWindow            float64
}

// PipelineDrift reports a drift detected, or a warning newly entered.
type PipelineDrift struct {
	LabelIndex, EventID uint64
	State               DriftState
	Action              Policy // what was done (warnings: PolicyAlert)
	Metrics             Metrics
}

// ModelChange reports a change of the served model (the audit trail).
type ModelChange struct {
	Version                     uint64
	Reason                      ChangeReason
	LabelIndex                  uint64
	ScoreBefore, ScoreReference float64
	Metrics                     Metrics
}

// PipelineCallbacks are called from inside Push, PushMany, PushLabel and
// PushLabels. Any may be nil. They must not call into the pipeline's push
// methods (ErrState).
type PipelineCallbacks struct {
	// OnPrediction: a non-nil error makes the push return it wrapped with
	// ErrCallback (the event was fully processed; PushMany stops after it).
	OnPrediction  func(Prediction) error
	OnExpired     func(Prediction, Expiry)
	OnDrift       func(PipelineDrift)
	OnModelChange func(ModelChange)
}

func predictionFrom(p *C.sl_prediction) Prediction {
	return Prediction{uint64(p.id), uint64(p.key), int64(p.ts), float64(p.y), float64(p.confidence),
		float64(p.challenger_y), uint64(p.model_version)}
}

func metricsFrom(m *C.sl_pipeline_metrics) Metrics {
	if m == nil {
		return Metrics{}
	}
	return Metrics{uint64(m.events), uint64(m.labels), uint64(m.model_version),
		float64(m.accuracy), float64(m.log_loss), float64(m.mae), float64(m.rmse),
		float64(m.accuracy_window), float64(m.log_loss_window), float64(m.mae_window), float64(m.rmse_window),
		float64(m.challenger_accuracy_window), float64(m.challenger_log_loss_window),
		float64(m.challenger_mae_window), float64(m.challenger_rmse_window)}
}

// Pipeline ties the handles together: window features and raw fields feed
// the champion model, which predicts; labels arriving later score the
// prediction, feed the drift detector, apply the drift policy and teach the
// models; a challenger may be promoted and a regression rolled back.
// Not safe for concurrent use: see the package doc.
type Pipeline struct {
	handle
	sink *pipelineSink
	h    cgo.Handle
}

func (p *Pipeline) c() *C.sl_pipeline { return (*C.sl_pipeline)(p.p) }

// NewPipeline creates a pipeline for events of nRaw raw values with the
// default parameters changed by opts ("pending_cap", "drift_policy",
// "promote_margin", "snapshot_every", ...). Attach a model with SetModel
// before the first Push. Errors: ErrInvalid, ErrNoMemory, parameter errors.
func NewPipeline(nRaw int, opts ...Option) (*Pipeline, error) {
	if nRaw <= 0 {
		return nil, newError("NewPipeline", C.SL_EINVAL, "nRaw must be positive")
	}
	var p *C.sl_pipeline
	if st := C.sl_pipeline_new(&p, C.size_t(nRaw), nil); st != C.SL_OK {
		return nil, newError("NewPipeline", st, "")
	}
	return wrapPipeline(unsafe.Pointer(p), opts)
}

// LoadPipeline makes a pipeline from a checkpoint written by Pipeline.Save:
// every attached handle, the pending predictions, metrics and snapshots.
// Callbacks and latency are not saved: set them again. Errors as LoadDrift.
func LoadPipeline(data []byte) (*Pipeline, error) {
	ptr, err := load(pipelineType, data)
	if err != nil {
		return nil, err
	}
	return wrapPipeline(ptr, nil)
}

func wrapPipeline(ptr unsafe.Pointer, opts []Option) (*Pipeline, error) {
	p := &Pipeline{}
	p.own(pipelineType, ptr)
	runtime.SetFinalizer(p, (*Pipeline).Close)
	if err := p.apply(opts); err != nil {
		return nil, err
	}
	return p, nil
}

// Close frees the pipeline and every handle attached to it.
func (p *Pipeline) Close() error {
	p.handle.Close()
	if p.sink != nil {
		p.h.Delete()
		p.sink = nil
	}
	return nil
}

// attach hands h to the pipeline with call; on success h is closed as a Go
// value (the pipeline frees it), on failure the caller keeps it.
func (p *Pipeline) attach(op string, h *handle, call func() C.sl_status) error {
	if p.p == nil {
		return p.closed(op)
	}
	if h.p == nil {
		return newError("Pipeline."+op, C.SL_EINVAL, "the handle is nil or closed")
	}
	st := call()
	runtime.KeepAlive(p)
	runtime.KeepAlive(h)
	if st != C.SL_OK {
		return p.fail(op, st)
	}
	h.release()
	return nil
}

// SetModel attaches the champion model (required). The pipeline takes it
// over: m is closed as a Go value. Before the first Push (ErrState after).
func (p *Pipeline) SetModel(m *Model) error {
	return p.attach("SetModel", &m.handle, func() C.sl_status { return C.sl_pipeline_set_model(p.c(), m.c()) })
}

// SetChallenger attaches a shadow model that learns every label and may be
// promoted. The pipeline takes it over.
func (p *Pipeline) SetChallenger(m *Model) error {
	return p.attach("SetChallenger", &m.handle, func() C.sl_status { return C.sl_pipeline_set_challenger(p.c(), m.c()) })
}

// SetDrift attaches the detector watching the served error. The pipeline takes it over.
func (p *Pipeline) SetDrift(d *Drift) error {
	return p.attach("SetDrift", &d.handle, func() C.sl_status { return C.sl_pipeline_set_drift(p.c(), d.c()) })
}

// SetReplay attaches a buffer the labelled examples go to ("replay_k" of
// them are relearned per label). The pipeline takes it over.
func (p *Pipeline) SetReplay(r *Replay) error {
	return p.attach("SetReplay", &r.handle, func() C.sl_status { return C.sl_pipeline_set_replay(p.c(), r.c()) })
}

// AddRawFeature adds raw field field to the feature vector (all raw fields
// are features when none is chosen). Errors: ErrDim, ErrState, ErrFull.
func (p *Pipeline) AddRawFeature(field int) error {
	if p.p == nil {
		return p.closed("AddRawFeature")
	}
	if field < 0 {
		return newError("Pipeline.AddRawFeature", C.SL_EDIM, "negative field")
	}
	st := C.sl_pipeline_add_raw_feature(p.c(), C.size_t(field))
	runtime.KeepAlive(p)
	return p.fail("AddRawFeature", st)
}

// AddWindowFeature adds the aggregates of window w (sliding or count kind),
// fed with raw field rawField of every event, to the feature vector. The
// pipeline takes w over and drives it: w's Go callbacks are removed.
// Errors: ErrKind, ErrDim, ErrState, ErrDup, ErrFull, ErrNoMemory.
func (p *Pipeline) AddWindowFeature(w *Window, rawField int) error {
	if rawField < 0 {
		return newError("Pipeline.AddWindowFeature", C.SL_EDIM, "negative field")
	}
	err := p.attach("AddWindowFeature", &w.handle, func() C.sl_status {
		return C.sl_pipeline_add_window_feature(p.c(), w.c(), C.size_t(rawField))
	})
	if err == nil {
		w.dropCallbacks()
	}
	return err
}

// NumFeatures returns the size of the feature vector for the layout as it stands.
func (p *Pipeline) NumFeatures() int {
	var n C.size_t
	if p.p != nil {
		C.sl_pipeline_n_features(p.c(), &n)
	}
	runtime.KeepAlive(p)
	return int(n)
}

// SetCallbacks sets the callbacks (replacing earlier ones; a zero value
// removes them).
func (p *Pipeline) SetCallbacks(cb PipelineCallbacks) error {
	if p.p == nil {
		return p.closed("SetCallbacks")
	}
	var sink *pipelineSink
	var h cgo.Handle
	if cb.OnPrediction != nil || cb.OnExpired != nil || cb.OnDrift != nil || cb.OnModelChange != nil {
		sink = &pipelineSink{cb: cb}
		h = cgo.NewHandle(sink)
	}
	st := C.gsl_pipeline_callbacks(p.c(), flag(cb.OnPrediction != nil), flag(cb.OnExpired != nil),
		flag(cb.OnDrift != nil), flag(cb.OnModelChange != nil), C.uintptr_t(h))
	runtime.KeepAlive(p)
	if st != C.SL_OK {
		if sink != nil {
			h.Delete()
		}
		return p.fail("SetCallbacks", st)
	}
	if p.sink != nil {
		p.h.Delete()
	}
	p.sink, p.h = sink, h
	return nil
}

// SetLatency turns the latency histograms on or off (statistics
// latency_{features,predict,learn}_{p50,p99,p999}, in ns). The clock is
// CLOCK_MONOTONIC read in C.
func (p *Pipeline) SetLatency(on bool) error {
	if p.p == nil {
		return p.closed("SetLatency")
	}
	st := C.gsl_pipeline_latency(p.c(), flag(on))
	runtime.KeepAlive(p)
	return p.fail("SetLatency", st)
}

// done finishes a call that may have run callbacks (see Window.done).
func (p *Pipeline) done(op string, st C.sl_status) error {
	var cbErr error
	if s := p.sink; s != nil {
		s.rethrow()
		cbErr, s.err = s.err, nil
	}
	err := p.fail(op, st)
	if err != nil && cbErr != nil {
		return fmt.Errorf("%w: %w", err, cbErr)
	}
	return err
}

// Push pushes one event and returns the served prediction. The first push
// checks the setup (ErrDim, ErrKind, ErrState, ErrRange). Errors on later
// pushes: ErrDim, ErrNonFinite, ErrDup (id pending), ErrLate (behind a
// window's watermark): nothing changed; ErrCallback (OnPrediction stopped;
// the event counts).
func (p *Pipeline) Push(ev Event) (Prediction, error) {
	if p.p == nil {
		return Prediction{}, p.closed("Push")
	}
	var out C.sl_prediction
	st := C.gsl_pipeline_push(p.c(), C.uint64_t(ev.ID), C.uint64_t(ev.Key), C.int64_t(ev.TS), ptr(ev.Values),
		C.size_t(len(ev.Values)), &out)
	runtime.KeepAlive(p)
	if err := p.done("Push", st); err != nil && st != C.SL_ECALLBACK {
		return Prediction{}, err
	} else if err != nil {
		return predictionFrom(&out), err
	}
	return predictionFrom(&out), nil
}

// PushMany pushes len(ids) events in one call, given as columns (values:
// len(ids) rows of the raw fields, row-major). The served predictions are
// appended to dst (NaN for a late event) and returned. Late events are
// skipped and counted; another failure stops: done is the number of events
// handled before it.
func (p *Pipeline) PushMany(dst []float64, ids, keys []uint64, ts []int64, values []float64) (
	y []float64, done, late int, err error) {
	if p.p == nil {
		return dst, 0, 0, p.closed("PushMany")
	}
	n := len(ids)
	if len(keys) != n || len(ts) != n {
		return dst, 0, 0, newError("Pipeline.PushMany", C.SL_EDIM, "ids, keys and ts differ in length")
	}
	if n == 0 {
		return dst, 0, 0, nil
	}
	start := len(dst)
	dst = grow(dst, n)
	var nd, nl C.size_t
	st := C.sl_pipeline_push_many(p.c(), C.size_t(n), (*C.uint64_t)(unsafe.Pointer(&ids[0])),
		(*C.uint64_t)(unsafe.Pointer(&keys[0])), (*C.int64_t)(unsafe.Pointer(&ts[0])), ptr(values),
		ptr(dst[start:]), &nd, &nl)
	runtime.KeepAlive(p)
	return dst[:start+int(nd)], int(nd), int(nl), p.done("PushMany", st)
}

// PushLabel gives the label y of pending event id: metrics, drift, policy,
// learning, promotion, snapshots, rollback. Errors: ErrNotFound (never
// pushed, labelled already, expired), ErrInvalid, ErrNonFinite, ErrState.
func (p *Pipeline) PushLabel(id uint64, y float64) error {
	if p.p == nil {
		return p.closed("PushLabel")
	}
	st := C.sl_pipeline_push_label(p.c(), C.uint64_t(id), C.double(y))
	runtime.KeepAlive(p)
	return p.done("PushLabel", st)
}

// PushLabels pushes len(ids) labels in one call. Unmatched ids are skipped
// and counted; another failure stops (done: labels handled before it).
func (p *Pipeline) PushLabels(ids []uint64, y []float64) (done, unmatched int, err error) {
	if p.p == nil {
		return 0, 0, p.closed("PushLabels")
	}
	if len(ids) != len(y) {
		return 0, 0, newError("Pipeline.PushLabels", C.SL_EDIM, "ids and y differ in length")
	}
	if len(ids) == 0 {
		return 0, 0, nil
	}
	var nd, nu C.size_t
	st := C.sl_pipeline_push_labels(p.c(), C.size_t(len(ids)), (*C.uint64_t)(unsafe.Pointer(&ids[0])), ptr(y), &nd,
		&nu)
	runtime.KeepAlive(p)
	return int(nd), int(nu), p.done("PushLabels", st)
}

// Metrics returns the current metrics.
func (p *Pipeline) Metrics() (Metrics, error) {
	if p.p == nil {
		return Metrics{}, p.closed("Metrics")
	}
	var m C.sl_pipeline_metrics
	st := C.gsl_pipeline_metrics(p.c(), &m)
	runtime.KeepAlive(p)
	return metricsFrom(&m), p.fail("Metrics", st)
}
