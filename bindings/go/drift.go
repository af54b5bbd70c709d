package streamlearn

// #include "streamlearn.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// DriftKind selects a change detector.
type DriftKind int

// Detector kinds (sl_drift_kind).
const (
	ADWIN       DriftKind = C.SL_DRIFT_ADWIN        // adaptive windowing, Bifet & Gavalda 2007
	PageHinkley DriftKind = C.SL_DRIFT_PAGE_HINKLEY // Page 1954, fading two-sided CUSUM
	DDM         DriftKind = C.SL_DRIFT_DDM          // Gama et al. 2004, 0 / 1 errors
	EDDM        DriftKind = C.SL_DRIFT_EDDM         // Baena-Garcia et al. 2006, 0 / 1 errors
	HDDMA       DriftKind = C.SL_DRIFT_HDDM_A       // Frias-Blanco et al. 2015, averages, 0 / 1 errors
	HDDMW       DriftKind = C.SL_DRIFT_HDDM_W       // Frias-Blanco et al. 2015, weighted, 0 / 1 errors
	KSWIN       DriftKind = C.SL_DRIFT_KSWIN        // Raab et al. 2020, Kolmogorov-Smirnov window
)

// String returns the kind's library name ("adwin", "page_hinkley", ...).
func (k DriftKind) String() string { return kindName(driftType, int(k)) }

// Params returns the kind's parameter table: names, types, defaults (River's),
// ranges and one-line docs.
func (k DriftKind) Params() []ParamInfo { return paramTable(driftType, int(k)) }

// ParseDriftKind maps a library name ("adwin") to its kind; ErrKind if none.
func ParseDriftKind(name string) (DriftKind, error) {
	k, err := kindFromName(driftType, name)
	return DriftKind(k), err
}

// DriftState is a detector's verdict after a value.
type DriftState int

// Detector states.
const (
	DriftNone     DriftState = C.SL_DRIFT_NONE
	DriftWarning  DriftState = C.SL_DRIFT_WARNING
	DriftDetected DriftState = C.SL_DRIFT_DETECTED
)

func (s DriftState) String() string {
	switch s {
	case DriftNone:
		return "none"
	case DriftWarning:
		return "warning"
	case DriftDetected:
		return "drift"
	}
	return "unknown"
}

// Drift is one change detector watching a stream of values (an error, a
// loss, a feature). Not safe for concurrent use: see the package doc.
type Drift struct {
	handle
	driftAt, warnAt []C.size_t // UpdateMany's index buffers, reused
}

func (d *Drift) c() *C.sl_drift { return (*C.sl_drift)(d.p) }

// NewDrift creates a detector of kind with River's default parameters,
// changed by opts (Param("delta", 0.01)). Close it when done.
// Errors: ErrKind, ErrNoMemory, and the parameter errors of Set.
func NewDrift(kind DriftKind, opts ...Option) (*Drift, error) {
	var p *C.sl_drift
	if st := C.sl_drift_new(&p, C.sl_drift_kind(kind), nil); st != C.SL_OK {
		return nil, newError("NewDrift", st, "")
	}
	return wrapDrift(unsafe.Pointer(p), opts)
}

// LoadDrift makes a detector from a checkpoint written by Drift.Save,
// identical in every observable way to the one saved. Errors: ErrCorrupt
// (truncated, tampered), ErrVersion, ErrKind (a checkpoint of another
// handle type), ErrNotSupported (compressed, without zstd), ErrNoMemory.
func LoadDrift(data []byte) (*Drift, error) {
	p, err := load(driftType, data)
	if err != nil {
		return nil, err
	}
	return wrapDrift(p, nil)
}

func wrapDrift(p unsafe.Pointer, opts []Option) (*Drift, error) {
	d := &Drift{}
	d.own(driftType, p)
	runtime.SetFinalizer(d, (*Drift).Close)
	if err := d.apply(opts); err != nil {
		return nil, err
	}
	return d, nil
}

// Kind returns the detector's kind.
func (d *Drift) Kind() DriftKind { return DriftKind(d.kindID()) }

// Update feeds one value and returns the state after it. After a drift the
// detector restarts on the next value. Errors: ErrNonFinite, ErrInvalid (a
// binary detector given a value other than 0 / 1); the detector is then
// unchanged.
func (d *Drift) Update(x float64) (DriftState, error) {
	if d.p == nil {
		return DriftNone, d.closed("Update")
	}
	var s C.sl_drift_state
	st := C.sl_drift_update(d.c(), C.double(x), &s)
	runtime.KeepAlive(d)
	if st != C.SL_OK {
		return DriftNone, d.fail("Update", st)
	}
	return DriftState(s), nil
}

// UpdateMany feeds every value of xs in one call into C and returns the
// indices into xs where a drift fired and where a warning did. Every value
// is checked first: on error nothing was applied.
func (d *Drift) UpdateMany(xs []float64) (drifts, warnings []int, err error) {
	if d.p == nil {
		return nil, nil, d.closed("UpdateMany")
	}
	if len(xs) == 0 {
		return nil, nil, nil
	}
	if cap(d.driftAt) < len(xs) {
		d.driftAt = make([]C.size_t, len(xs))
		d.warnAt = make([]C.size_t, len(xs))
	}
	var nd, nw C.size_t
	n := C.size_t(len(xs))
	st := C.sl_drift_update_many(d.c(), (*C.double)(unsafe.Pointer(&xs[0])), n, &d.driftAt[0], n, &nd,
		&d.warnAt[0], n, &nw)
	runtime.KeepAlive(d)
	if st != C.SL_OK {
		return nil, nil, d.fail("UpdateMany", st)
	}
	return indices(d.driftAt[:nd]), indices(d.warnAt[:nw]), nil
}

func indices(at []C.size_t) []int {
	if len(at) == 0 {
		return nil
	}
	out := make([]int, len(at))
	for i, v := range at {
		out[i] = int(v)
	}
	return out
}

// State returns the state after the latest update.
func (d *Drift) State() DriftState {
	var s C.sl_drift_state
	if d.p == nil || C.sl_drift_state_of(d.c(), &s) != C.SL_OK {
		return DriftNone
	}
	runtime.KeepAlive(d)
	return DriftState(s)
}

// Reset forgets every value seen, keeping the parameters.
func (d *Drift) Reset() error {
	if d.p == nil {
		return d.closed("Reset")
	}
	st := C.sl_drift_reset(d.c())
	runtime.KeepAlive(d)
	return d.fail("Reset", st)
}
