package streamlearn

// The Go functions C calls back. A file with //export may only declare C
// in its preamble; the C helpers that pass these functions to the library
// live in the files that use them. The `user` pointer C hands back is a
// runtime/cgo.Handle (an integer, never a Go pointer) naming the Go value
// that receives the call.

/*
#include "streamlearn.h"
*/
import "C"

import (
	"io"
	"runtime/cgo"
	"unsafe"
)

// callback is the state of one Go value C calls into: the first error or
// panic of a callback is kept and reported when the C call returns.
type callback struct {
	err      error
	panicked any
}

// guard runs f, turning a panic into a failure: a Go panic must not unwind
// through C frames. It returns 0 for success, -1 for failure.
func (c *callback) guard(f func() error) (rc int) {
	defer func() {
		if p := recover(); p != nil {
			c.panicked = p
			rc = -1
		}
	}()
	if err := f(); err != nil {
		if c.err == nil {
			c.err = err
		}
		return -1
	}
	return 0
}

// rethrow re-raises, on the Go side of the call, a panic a callback caught.
func (c *callback) rethrow() {
	if p := c.panicked; p != nil {
		c.panicked = nil
		panic(p)
	}
}

// writer feeds an io.Writer (sl_write_fn).
type writer struct {
	callback
	w io.Writer
}

//export goWrite
func goWrite(user unsafe.Pointer, buf unsafe.Pointer, n C.size_t) C.int {
	wr := cgo.Handle(user).Value().(*writer)
	return C.int(wr.guard(func() error {
		_, err := wr.w.Write(unsafe.Slice((*byte)(buf), int(n)))
		return err
	}))
}

// reader drains an io.Reader (sl_csv_read_fn): it returns what Read gave,
// 0 at the end, -1 on an error.
type reader struct {
	callback
	r io.Reader
}

//export goRead
func goRead(user unsafe.Pointer, buf unsafe.Pointer, capacity C.size_t) C.long {
	rd := cgo.Handle(user).Value().(*reader)
	got := 0
	if rd.guard(func() error {
		p := unsafe.Slice((*byte)(buf), int(capacity))
		for got == 0 {
			n, err := rd.r.Read(p)
			got = n
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	}) != 0 {
		return -1
	}
	return C.long(got)
}

// windowSink receives a Window's callbacks.
type windowSink struct {
	callback
	cb WindowCallbacks
}

func windowKey(k *C.sl_window_key) WindowKey {
	key := WindowKey{ID: uint64(k.id)}
	if k.bytes != nil {
		key.Bytes = C.GoBytes(k.bytes, C.int(k.len))
	}
	return key
}

//export goWindowClosed
func goWindowClosed(k *C.sl_window_key, start, end C.int64_t, values *C.double, n C.size_t, user unsafe.Pointer) C.int {
	ws := cgo.Handle(user).Value().(*windowSink)
	return C.int(ws.guard(func() error {
		vals := append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(values)), int(n))...)
		return ws.cb.OnWindow(WindowResult{Key: windowKey(k), Start: int64(start), End: int64(end), Values: vals})
	}))
}

//export goWindowLate
func goWindowLate(k *C.sl_window_key, ts C.int64_t, value C.double, watermark C.int64_t, user unsafe.Pointer) C.int {
	ws := cgo.Handle(user).Value().(*windowSink)
	ws.guard(func() error {
		ws.cb.OnLate(windowKey(k), int64(ts), float64(value), int64(watermark))
		return nil
	})
	return 0
}

//export goWindowEvict
func goWindowEvict(k *C.sl_window_key, lastSeen C.int64_t, why C.sl_window_removal, user unsafe.Pointer) C.int {
	ws := cgo.Handle(user).Value().(*windowSink)
	ws.guard(func() error {
		ws.cb.OnEvict(windowKey(k), int64(lastSeen), Removal(why))
		return nil
	})
	return 0
}

// pipelineSink receives a Pipeline's callbacks.
type pipelineSink struct {
	callback
	cb PipelineCallbacks
}

//export goPipelinePrediction
func goPipelinePrediction(p *C.sl_prediction, user unsafe.Pointer) C.int {
	ps := cgo.Handle(user).Value().(*pipelineSink)
	return C.int(ps.guard(func() error { return ps.cb.OnPrediction(predictionFrom(p)) }))
}

//export goPipelineExpired
func goPipelineExpired(p *C.sl_prediction, why C.sl_pipeline_expiry, user unsafe.Pointer) C.int {
	ps := cgo.Handle(user).Value().(*pipelineSink)
	ps.guard(func() error {
		ps.cb.OnExpired(predictionFrom(p), Expiry(why))
		return nil
	})
	return 0
}

//export goPipelineDrift
func goPipelineDrift(d *C.sl_pipeline_drift_info, user unsafe.Pointer) C.int {
	ps := cgo.Handle(user).Value().(*pipelineSink)
	ps.guard(func() error {
		ps.cb.OnDrift(PipelineDrift{LabelIndex: uint64(d.label_index), EventID: uint64(d.event_id),
			State: DriftState(d.state), Action: Policy(d.action), Metrics: metricsFrom(d.metrics)})
		return nil
	})
	return 0
}

//export goPipelineChange
func goPipelineChange(c *C.sl_pipeline_change, user unsafe.Pointer) C.int {
	ps := cgo.Handle(user).Value().(*pipelineSink)
	ps.guard(func() error {
		ps.cb.OnModelChange(ModelChange{Version: uint64(c.version), Reason: ChangeReason(c.reason),
			LabelIndex: uint64(c.label_index), ScoreBefore: float64(c.score_before),
			ScoreReference: float64(c.score_reference), Metrics: metricsFrom(c.metrics)})
		return nil
	})
	return 0
}
