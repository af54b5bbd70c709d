package streamlearn

/*
#include <stdlib.h>
#include "streamlearn.h"

// One Go type serves the calls every handle shares (SL_HANDLE_API): these
// helpers pick the handle type's function by its number.
enum { GSL_DRIFT, GSL_MODEL, GSL_REPLAY, GSL_STREAM, GSL_WINDOW, GSL_PIPELINE };

#define GSL_FN(ret, name, params, args, fail)                 \
  static ret gsl_##name params {                              \
    switch (t) {                                              \
    case GSL_DRIFT: return sl_drift_##name args;              \
    case GSL_MODEL: return sl_model_##name args;              \
    case GSL_REPLAY: return sl_replay_##name args;            \
    case GSL_STREAM: return sl_stream_##name args;            \
    case GSL_WINDOW: return sl_window_##name args;            \
    case GSL_PIPELINE: return sl_pipeline_##name args;        \
    }                                                         \
    return fail;                                              \
  }

GSL_FN(sl_status, set_double, (int t, void *h, const char *n, double v), (h, n, v), SL_EKIND)
GSL_FN(sl_status, set_int, (int t, void *h, const char *n, int64_t v), (h, n, v), SL_EKIND)
GSL_FN(sl_status, set_str, (int t, void *h, const char *n, const char *v), (h, n, v), SL_EKIND)
GSL_FN(sl_status, get_double, (int t, void *h, const char *n, double *v), (h, n, v), SL_EKIND)
GSL_FN(sl_status, get_int, (int t, void *h, const char *n, int64_t *v), (h, n, v), SL_EKIND)
GSL_FN(sl_status, stat, (int t, void *h, const char *n, double *v), (h, n, v), SL_EKIND)
GSL_FN(sl_status, stat_name, (int t, void *h, size_t i, const char **n), (h, i, n), SL_EKIND)
GSL_FN(const char *, last_error, (int t, void *h), (h), "")
GSL_FN(sl_status, kind_of, (int t, void *h, int *k), (h, k), SL_EKIND)
GSL_FN(const char *, kind_name, (int t, int k), (k), NULL)
GSL_FN(sl_status, kind_from_name, (int t, const char *n, int *k), (n, k), SL_EKIND)
GSL_FN(sl_status, kind_param, (int t, int k, size_t i, const sl_param_info **p), (k, i, p), SL_EKIND)
GSL_FN(sl_status, save_mem, (int t, void *h, unsigned f, void *b, size_t cap, size_t *len), (h, f, b, cap, len),
       SL_EKIND)
GSL_FN(sl_status, load_mem, (int t, void **out, const void *b, size_t len), ((void *)out, b, len, NULL), SL_EKIND)

static void gsl_free(int t, void *h) {
  switch (t) {
  case GSL_DRIFT: sl_drift_free(h); break;
  case GSL_MODEL: sl_model_free(h); break;
  case GSL_REPLAY: sl_replay_free(h); break;
  case GSL_STREAM: sl_stream_free(h); break;
  case GSL_WINDOW: sl_window_free(h); break;
  case GSL_PIPELINE: sl_pipeline_free(h); break;
  }
}
*/
import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// handleType numbers the handle types for the C helpers above.
type handleType C.int

const (
	driftType    handleType = C.GSL_DRIFT
	modelType    handleType = C.GSL_MODEL
	replayType   handleType = C.GSL_REPLAY
	streamType   handleType = C.GSL_STREAM
	windowType   handleType = C.GSL_WINDOW
	pipelineType handleType = C.GSL_PIPELINE
)

var typeNames = [...]string{driftType: "Drift", modelType: "Model", replayType: "Replay", streamType: "Stream",
	windowType: "Window", pipelineType: "Pipeline"}

// handle is the part every handle type shares: the C pointer, its type, and
// the calls of SL_HANDLE_API (parameters, statistics, checkpoints, Close).
// The handle types embed it, so these methods are theirs.
type handle struct {
	p unsafe.Pointer
	t handleType
}

// live counts the C handles this package holds (tests check it for leaks).
var live atomic.Int64

// own takes ownership of C handle p of type t. The constructor then sets a
// finalizer on the embedding value, (*T).Close, as a safety net.
func (h *handle) own(t handleType, p unsafe.Pointer) {
	h.t, h.p = t, p
	live.Add(1)
}

// Close frees the C handle and all its memory. Calling it again, or calling
// any method afterwards, is harmless: methods then return ErrInvalid.
// A finalizer frees a handle that was never closed, but only when the
// garbage collector gets round to it, which may be late: close handles.
func (h *handle) Close() error {
	if h.p != nil {
		C.gsl_free(C.int(h.t), h.p)
		h.p = nil
		live.Add(-1)
	}
	return nil
}

// release gives up ownership after C took the handle over (it now belongs
// to another handle, which frees it): methods then return ErrInvalid.
func (h *handle) release() {
	h.p = nil
	live.Add(-1)
}

// fail builds the error for status st of operation op, with the handle's detail.
func (h *handle) fail(op string, st C.sl_status) error {
	if st == C.SL_OK {
		return nil
	}
	detail := ""
	if h.p != nil {
		detail = C.GoString(C.gsl_last_error(C.int(h.t), h.p))
	}
	runtime.KeepAlive(h)
	return newError(typeNames[h.t]+"."+op, st, detail)
}

// closed is the error of a call on a closed handle.
func (h *handle) closed(op string) error {
	return newError(typeNames[h.t]+"."+op, C.SL_EINVAL, "the handle is closed")
}

// Set sets parameter name (see the kind's Params) before or while the handle
// runs. value is a float64 (a real), an integer (an int, enum index or
// bool), a bool, or a string ("1e-3", "true", an enum choice such as
// "info_gain"). Errors: ErrParam (no such name), ErrType, ErrRange,
// ErrNonFinite, ErrState (a size-giving parameter after data); on error the
// handle is unchanged.
func (h *handle) Set(name string, value any) error {
	if h.p == nil {
		return h.closed("Set")
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var st C.sl_status
	switch v := value.(type) {
	case float64:
		st = C.gsl_set_double(C.int(h.t), h.p, cname, C.double(v))
	case float32:
		st = C.gsl_set_double(C.int(h.t), h.p, cname, C.double(v))
	case int:
		st = C.gsl_set_int(C.int(h.t), h.p, cname, C.int64_t(v))
	case int64:
		st = C.gsl_set_int(C.int(h.t), h.p, cname, C.int64_t(v))
	case int32:
		st = C.gsl_set_int(C.int(h.t), h.p, cname, C.int64_t(v))
	case uint32:
		st = C.gsl_set_int(C.int(h.t), h.p, cname, C.int64_t(v))
	case bool:
		b := C.int64_t(0)
		if v {
			b = 1
		}
		st = C.gsl_set_int(C.int(h.t), h.p, cname, b)
	case string:
		cv := C.CString(v)
		defer C.free(unsafe.Pointer(cv))
		st = C.gsl_set_str(C.int(h.t), h.p, cname, cv)
	default:
		return newError(typeNames[h.t]+".Set", C.SL_ETYPE, "parameter '"+name+"': value of an unsupported Go type")
	}
	return h.fail("Set", st)
}

// Get returns the current value of parameter name (an integer, bool or enum
// index as a float64). ErrParam for an unknown name.
func (h *handle) Get(name string) (float64, error) {
	if h.p == nil {
		return 0, h.closed("Get")
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.double
	return float64(v), h.fail("Get", C.gsl_get_double(C.int(h.t), h.p, cname, &v))
}

// GetInt returns an integer, bool or enum parameter (ErrType for a real).
func (h *handle) GetInt(name string) (int64, error) {
	if h.p == nil {
		return 0, h.closed("GetInt")
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.int64_t
	return int64(v), h.fail("GetInt", C.gsl_get_int(C.int(h.t), h.p, cname, &v))
}

// Stat returns read-only statistic name of the running handle. Every handle
// has "bytes", "peak_bytes" and "allocations"; StatNames lists the rest.
// ErrNotFound for an unknown name.
func (h *handle) Stat(name string) (float64, error) {
	if h.p == nil {
		return 0, h.closed("Stat")
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.double
	return float64(v), h.fail("Stat", C.gsl_stat(C.int(h.t), h.p, cname, &v))
}

// StatNames lists the statistics Stat knows for this handle.
func (h *handle) StatNames() []string {
	var names []string
	for i := 0; h.p != nil; i++ {
		var n *C.char
		if C.gsl_stat_name(C.int(h.t), h.p, C.size_t(i), &n) != C.SL_OK {
			break
		}
		names = append(names, C.GoString(n))
	}
	runtime.KeepAlive(h)
	return names
}

// Stats returns every statistic by name.
func (h *handle) Stats() map[string]float64 {
	out := map[string]float64{}
	for _, n := range h.StatNames() {
		if v, err := h.Stat(n); err == nil {
			out[n] = v
		}
	}
	return out
}

func (h *handle) kindID() int {
	var k C.int
	if h.p == nil || C.gsl_kind_of(C.int(h.t), h.p, &k) != C.SL_OK {
		return -1
	}
	runtime.KeepAlive(h)
	return int(k)
}

// Save writes the handle's checkpoint (versioned, checksummed, portable) to
// a new byte slice; the matching LoadX makes an identical handle from it.
// The handle is not changed.
func (h *handle) Save() ([]byte, error) { return h.save("Save", 0) }

// SaveCompressed is Save with a zstd-compressed payload; ErrNotSupported
// when the library was built without zstd (the default Go build is).
func (h *handle) SaveCompressed() ([]byte, error) {
	return h.save("SaveCompressed", C.SL_SAVE_COMPRESS)
}

func (h *handle) save(op string, flags C.unsigned) ([]byte, error) {
	if h.p == nil {
		return nil, h.closed(op)
	}
	var n C.size_t
	st := C.gsl_save_mem(C.int(h.t), h.p, flags, nil, 0, &n)
	if st != C.SL_EBUFFER && st != C.SL_OK {
		return nil, h.fail(op, st)
	}
	buf := make([]byte, int(n))
	st = C.gsl_save_mem(C.int(h.t), h.p, flags, unsafe.Pointer(&buf[0]), n, &n)
	if st != C.SL_OK {
		return nil, h.fail(op, st)
	}
	return buf[:int(n)], nil
}

// load makes a C handle of type t from checkpoint data.
func load(t handleType, data []byte) (unsafe.Pointer, error) {
	var p unsafe.Pointer
	var ptr unsafe.Pointer
	if len(data) > 0 {
		ptr = unsafe.Pointer(&data[0])
	}
	st := C.gsl_load_mem(C.int(t), &p, ptr, C.size_t(len(data)))
	return p, newError("Load"+typeNames[t], st, "")
}

// ParamInfo describes one parameter of a kind, from the C parameter table.
type ParamInfo struct {
	Name    string
	Type    ParamType
	Default float64
	Min     float64  // inclusive
	Max     float64  // inclusive
	Choices []string // ParamEnum: the names, value = index
	Doc     string   // one line
	// FixedAfterStart: the parameter sizes the handle and can only be set
	// before it sees data.
	FixedAfterStart bool
}

// ParamType is the type of a parameter.
type ParamType int

// Parameter types.
const (
	ParamDouble ParamType = C.SL_PARAM_DOUBLE
	ParamInt    ParamType = C.SL_PARAM_INT
	ParamBool   ParamType = C.SL_PARAM_BOOL
	ParamEnum   ParamType = C.SL_PARAM_ENUM
)

type tableKey struct {
	t    handleType
	kind int
}

var tables sync.Map // tableKey -> []ParamInfo

// paramTable returns the parameter table of a kind (nil for an unknown kind).
func paramTable(t handleType, kind int) []ParamInfo {
	if v, ok := tables.Load(tableKey{t, kind}); ok {
		return v.([]ParamInfo)
	}
	var out []ParamInfo
	for i := 0; ; i++ {
		var p *C.sl_param_info
		if C.gsl_kind_param(C.int(t), C.int(kind), C.size_t(i), &p) != C.SL_OK {
			break
		}
		info := ParamInfo{
			Name: C.GoString(p.name), Type: ParamType(p._type), Default: float64(p.default_value),
			Min: float64(p.min_value), Max: float64(p.max_value), Doc: C.GoString(p.doc),
			FixedAfterStart: p.flags&C.SL_PARAM_FIXED_AFTER_START != 0,
		}
		if p.choices != nil {
			info.Choices = splitChoices(C.GoString(p.choices))
		}
		out = append(out, info)
	}
	tables.Store(tableKey{t, kind}, out)
	return out
}

func splitChoices(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func kindName(t handleType, kind int) string {
	if n := C.gsl_kind_name(C.int(t), C.int(kind)); n != nil {
		return C.GoString(n)
	}
	return "unknown"
}

func kindFromName(t handleType, name string) (int, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var k C.int
	st := C.gsl_kind_from_name(C.int(t), cname, &k)
	return int(k), newError("Parse"+typeNames[t]+"Kind", st, "no kind named '"+name+"'")
}

// Option configures a handle at creation: Param sets a parameter.
type Option func(h *handle) error

// Param sets parameter name to value when the handle is created (see
// handle.Set for the value types). An unknown name or a bad value makes the
// constructor fail with ErrParam, ErrRange, ErrType or ErrNonFinite.
func Param(name string, value any) Option {
	return func(h *handle) error { return h.Set(name, value) }
}

// apply runs the options on a new handle; on failure it frees the handle.
func (h *handle) apply(opts []Option) error {
	for _, o := range opts {
		if err := o(h); err != nil {
			h.Close()
			return err
		}
	}
	return nil
}

// Version returns the linked library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.sl_version_string()) }
