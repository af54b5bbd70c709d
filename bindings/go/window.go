package streamlearn

/*
#include <stdint.h>
#include "streamlearn.h"

extern int goWindowClosed(sl_window_key *k, int64_t start, int64_t end, double *values, size_t n, void *user);
extern int goWindowLate(sl_window_key *k, int64_t ts, double value, int64_t watermark, void *user);
extern int goWindowEvict(sl_window_key *k, int64_t last_seen, sl_window_removal why, void *user);

// Points the callbacks the Go side has at the exported Go functions.
static sl_status gsl_window_callbacks(sl_window *w, int on_window, int on_late, int on_evict, uintptr_t user) {
  return sl_window_set_callbacks(w, on_window ? (sl_window_cb)goWindowClosed : NULL,
                                 on_late ? (sl_window_late_cb)goWindowLate : NULL,
                                 on_evict ? (sl_window_evict_cb)goWindowEvict : NULL, (void *)user);
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// WindowKind selects how events are grouped in time (Flink's semantics).
type WindowKind int

// Window kinds (sl_window_kind).
const (
	Tumbling WindowKind = C.SL_WINDOW_TUMBLING // fixed, non-overlapping windows of "size"
	Hopping  WindowKind = C.SL_WINDOW_HOPPING  // windows of "size" starting every "slide"
	Sliding  WindowKind = C.SL_WINDOW_SLIDING  // the last "size" time units of each key (Query)
	Session  WindowKind = C.SL_WINDOW_SESSION  // bursts separated by at least "gap"
	Count    WindowKind = C.SL_WINDOW_COUNT    // the last "count" events of each key (Query)
)

// String returns the kind's library name ("tumbling", ...).
func (k WindowKind) String() string { return kindName(windowType, int(k)) }

// Params returns the kind's parameter table.
func (k WindowKind) Params() []ParamInfo { return paramTable(windowType, int(k)) }

// ParseWindowKind maps a library name to its kind; ErrKind if none.
func ParseWindowKind(name string) (WindowKind, error) {
	k, err := kindFromName(windowType, name)
	return WindowKind(k), err
}

// Agg is a set of aggregates (OR them); a result holds their values in bit
// order (Window.ValueNames names them).
type Agg uint

// Aggregates (SL_WINDOW_AGG_*).
const (
	AggCount    Agg = C.SL_WINDOW_AGG_COUNT
	AggSum      Agg = C.SL_WINDOW_AGG_SUM
	AggMean     Agg = C.SL_WINDOW_AGG_MEAN
	AggVar      Agg = C.SL_WINDOW_AGG_VAR
	AggStd      Agg = C.SL_WINDOW_AGG_STD
	AggMin      Agg = C.SL_WINDOW_AGG_MIN
	AggMax      Agg = C.SL_WINDOW_AGG_MAX
	AggFirst    Agg = C.SL_WINDOW_AGG_FIRST
	AggLast     Agg = C.SL_WINDOW_AGG_LAST
	AggEWMA     Agg = C.SL_WINDOW_AGG_EWMA
	AggRate     Agg = C.SL_WINDOW_AGG_RATE
	AggQuantile Agg = C.SL_WINDOW_AGG_QUANTILE // "n_quantiles" values at "quantile_1".. levels
	AggAll      Agg = C.SL_WINDOW_AGG_ALL
)

// WindowKey is a key as callbacks and Poll report it: Bytes is nil for an
// integer key (ID is the key); for a byte-string key ID is Hash(Bytes, 0).
type WindowKey struct {
	ID    uint64
	Bytes []byte
}

// WindowResult is one closed window: its key, [Start, End) and values.
type WindowResult struct {
	Key        WindowKey
	Start, End int64
	Values     []float64
}

// Removal says why a key left the table.
type Removal int

// Removal reasons.
const (
	Expired Removal = C.SL_WINDOW_EXPIRED // idle for "ttl"
	Evicted Removal = C.SL_WINDOW_EVICTED // made room at "key_cap"
)

// WindowCallbacks are called from inside Push, PushMany, Flush and Poll.
// Any may be nil. With OnWindow nil, closed windows queue for Poll.
type WindowCallbacks struct {
	// OnWindow receives a closed window; a non-nil error stops the call,
	// which returns it wrapped with ErrCallback (the windows not delivered
	// stay queued for the next call).
	OnWindow func(WindowResult) error
	// OnLate receives an event refused as behind the watermark.
	OnLate func(key WindowKey, ts int64, value float64, watermark int64)
	// OnEvict receives a key removed from the table with its windows.
	OnEvict func(key WindowKey, lastSeen int64, why Removal)
}

// Window computes per-key aggregates over event-time windows with a
// watermark. Not safe for concurrent use: see the package doc.
type Window struct {
	handle
	sink *windowSink
	h    cgo.Handle // names sink to C while callbacks are set
}

func (w *Window) c() *C.sl_window { return (*C.sl_window)(w.p) }

// NewWindow creates a window handle of kind computing aggs, with default
// parameters ("size", "slide", "gap", "count", "allowed_lateness", ...)
// changed by opts. Errors: ErrKind, ErrRange (empty or unknown aggregate
// bits), ErrNoMemory, and the parameter errors of Set.
func NewWindow(kind WindowKind, aggs Agg, opts ...Option) (*Window, error) {
	var p *C.sl_window
	if st := C.sl_window_new(&p, C.sl_window_kind(kind), C.unsigned(aggs), nil); st != C.SL_OK {
		return nil, newError("NewWindow", st, "")
	}
	return wrapWindow(unsafe.Pointer(p), opts)
}

// LoadWindow makes a window handle from a checkpoint written by Window.Save
// (callbacks are not saved: set them again). Errors as LoadDrift.
func LoadWindow(data []byte) (*Window, error) {
	p, err := load(windowType, data)
	if err != nil {
		return nil, err
	}
	return wrapWindow(p, nil)
}

func wrapWindow(p unsafe.Pointer, opts []Option) (*Window, error) {
	w := &Window{}
	w.own(windowType, p)
	runtime.SetFinalizer(w, (*Window).Close)
	if err := w.apply(opts); err != nil {
		return nil, err
	}
	return w, nil
}

// Close frees the window handle and forgets its callbacks.
func (w *Window) Close() error {
	w.handle.Close()
	w.dropCallbacks()
	return nil
}

func (w *Window) dropCallbacks() {
	if w.sink != nil {
		w.h.Delete()
		w.sink = nil
	}
}

// Kind returns the window kind.
func (w *Window) Kind() WindowKind { return WindowKind(w.kindID()) }

// SetCallbacks sets the callbacks (replacing earlier ones; a zero
// WindowCallbacks removes them). Windows already queued stay queued.
func (w *Window) SetCallbacks(cb WindowCallbacks) error {
	if w.p == nil {
		return w.closed("SetCallbacks")
	}
	var sink *windowSink
	var h cgo.Handle
	if cb.OnWindow != nil || cb.OnLate != nil || cb.OnEvict != nil {
		sink = &windowSink{cb: cb}
		h = cgo.NewHandle(sink)
	}
	st := C.gsl_window_callbacks(w.c(), flag(cb.OnWindow != nil), flag(cb.OnLate != nil), flag(cb.OnEvict != nil),
		C.uintptr_t(h))
	runtime.KeepAlive(w)
	if st != C.SL_OK {
		if sink != nil {
			h.Delete()
		}
		return w.fail("SetCallbacks", st)
	}
	w.dropCallbacks()
	w.sink, w.h = sink, h
	return nil
}

func flag(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// done finishes a call that may have run callbacks: it re-raises a
// callback's panic and adds a callback's error to the status.
func (w *Window) done(op string, st C.sl_status) error {
	var cbErr error
	if s := w.sink; s != nil {
		s.rethrow()
		cbErr, s.err = s.err, nil
	}
	err := w.fail(op, st)
	if err != nil && cbErr != nil {
		return fmt.Errorf("%w: %w", err, cbErr)
	}
	return err
}

// Push adds one event for integer key. Windows the new watermark closes are
// emitted first (OnWindow, or the Poll queue). Errors: ErrLate (behind the
// watermark: OnLate was called, nothing changed), ErrNonFinite, ErrFull
// (Poll first), ErrCallback (OnWindow stopped: the event was added), ErrNoMemory.
func (w *Window) Push(key uint64, ts int64, value float64) error {
	if w.p == nil {
		return w.closed("Push")
	}
	st := C.sl_window_push(w.c(), C.uint64_t(key), C.int64_t(ts), C.double(value))
	runtime.KeepAlive(w)
	return w.done("Push", st)
}

// PushBytes is Push for a byte-string key (1 to "key_bytes_max" bytes,
// copied). A byte key never equals an integer key.
func (w *Window) PushBytes(key []byte, ts int64, value float64) error {
	if w.p == nil {
		return w.closed("PushBytes")
	}
	var kp unsafe.Pointer
	if len(key) > 0 {
		kp = unsafe.Pointer(&key[0])
	}
	st := C.sl_window_push_bytes(w.c(), kp, C.size_t(len(key)), C.int64_t(ts), C.double(value))
	runtime.KeepAlive(w)
	return w.done("PushBytes", st)
}

// PushMany adds len(values) events with integer keys in one call, in order,
// stopping at the first that fails with anything but ErrLate. It returns
// how many were processed (late ones included) and how many were late. A
// NaN or infinite value anywhere fails with nothing applied.
func (w *Window) PushMany(keys []uint64, ts []int64, values []float64) (done, late int, err error) {
	if w.p == nil {
		return 0, 0, w.closed("PushMany")
	}
	n := len(values)
	if len(keys) != n || len(ts) != n {
		return 0, 0, newError("Window.PushMany", C.SL_EDIM, "keys, ts and values differ in length")
	}
	if n == 0 {
		return 0, 0, nil
	}
	var nd, nl C.size_t
	st := C.sl_window_push_many(w.c(), (*C.uint64_t)(unsafe.Pointer(&keys[0])), (*C.int64_t)(unsafe.Pointer(&ts[0])),
		ptr(values), C.size_t(n), &nd, &nl)
	runtime.KeepAlive(w)
	return int(nd), int(nl), w.done("PushMany", st)
}

// Query appends to dst the current aggregates of integer key (sliding and
// count kinds) and returns the extended slice. Errors: ErrNotFound (no such
// key), ErrKind (tumbling, hopping, session: their results are emitted).
func (w *Window) Query(dst []float64, key uint64) ([]float64, error) {
	if w.p == nil {
		return dst, w.closed("Query")
	}
	n := w.NumValues()
	start := len(dst)
	dst = grow(dst, n)
	st := C.sl_window_query(w.c(), C.uint64_t(key), ptr(dst[start:]), C.size_t(n))
	runtime.KeepAlive(w)
	if st != C.SL_OK {
		return dst[:start], w.fail("Query", st)
	}
	return dst, nil
}

// QueryBytes is Query for a byte-string key.
func (w *Window) QueryBytes(dst []float64, key []byte) ([]float64, error) {
	if w.p == nil {
		return dst, w.closed("QueryBytes")
	}
	var kp unsafe.Pointer
	if len(key) > 0 {
		kp = unsafe.Pointer(&key[0])
	}
	n := w.NumValues()
	start := len(dst)
	dst = grow(dst, n)
	st := C.sl_window_query_bytes(w.c(), kp, C.size_t(len(key)), ptr(dst[start:]), C.size_t(n))
	runtime.KeepAlive(w)
	if st != C.SL_OK {
		return dst[:start], w.fail("QueryBytes", st)
	}
	return dst, nil
}

// Poll takes up to max closed windows, oldest first, out of the queue (the
// callback-free path: set no OnWindow).
func (w *Window) Poll(max int) ([]WindowResult, error) {
	if w.p == nil {
		return nil, w.closed("Poll")
	}
	if max <= 0 {
		return nil, nil
	}
	kb, err := w.GetInt("key_bytes_max")
	if err != nil {
		return nil, err
	}
	nv := w.NumValues()
	keys, starts, ends := make([]C.uint64_t, max), make([]C.int64_t, max), make([]C.int64_t, max)
	values, lens := make([]float64, max*nv), make([]C.size_t, max)
	bytes := make([]byte, max*int(kb))
	var kbp *C.uint8_t
	if kb > 0 { // "key_bytes_max" 0: integer keys only, no byte buffer
		kbp = (*C.uint8_t)(unsafe.Pointer(&bytes[0]))
	}
	var n C.size_t
	st := C.sl_window_poll(w.c(), &keys[0], &starts[0], &ends[0], ptr(values), C.size_t(max), &n, kbp, &lens[0])
	runtime.KeepAlive(w)
	if err := w.done("Poll", st); err != nil {
		return nil, err
	}
	out := make([]WindowResult, int(n))
	for i := range out {
		r := WindowResult{Key: WindowKey{ID: uint64(keys[i])}, Start: int64(starts[i]), End: int64(ends[i]),
			Values: values[i*nv : (i+1)*nv : (i+1)*nv]}
		if lens[i] > 0 {
			r.Key.Bytes = append([]byte(nil), bytes[i*int(kb):i*int(kb)+int(lens[i])]...)
		}
		out[i] = r
	}
	return out, nil
}

// Flush closes every open tumbling, hopping and session window regardless
// of the watermark and emits them: the end of a stream. Errors: ErrFull
// (the queue filled: Poll, then Flush again), ErrCallback.
func (w *Window) Flush() error {
	if w.p == nil {
		return w.closed("Flush")
	}
	st := C.sl_window_flush(w.c())
	runtime.KeepAlive(w)
	return w.done("Flush", st)
}

// NumValues returns the number of values in one result.
func (w *Window) NumValues() int {
	if w.p == nil {
		return 0
	}
	n := C.sl_window_n_values(w.c())
	runtime.KeepAlive(w)
	return int(n)
}

// ValueNames names the values of a result ("count", "mean", "q0.99", ...).
func (w *Window) ValueNames() []string {
	out := make([]string, w.NumValues())
	for i := range out {
		var name *C.char
		if C.sl_window_value_name(w.c(), C.size_t(i), &name) == C.SL_OK {
			out[i] = C.GoString(name)
		}
	}
	runtime.KeepAlive(w)
	return out
}

// Watermark returns the current watermark (math.MinInt64 before any event).
func (w *Window) Watermark() int64 {
	var wm C.int64_t
	if w.p == nil || C.sl_window_watermark(w.c(), &wm) != C.SL_OK {
		return -1 << 63
	}
	runtime.KeepAlive(w)
	return int64(wm)
}
