package streamlearn

// #include "streamlearn.h"
import "C"

import "fmt"

// Status is a libstreamlearn status code (sl_status): 0 for success, a
// negative number for each kind of failure. Every error this package returns
// wraps one, so errors.Is(err, streamlearn.ErrCorrupt) tells the cause.
type Status int

// The statuses of include/streamlearn/common.h, as errors.
const (
	ErrInvalid      Status = C.SL_EINVAL     // invalid argument (NULL, negative weight, closed handle, ...)
	ErrNoMemory     Status = C.SL_ENOMEM     // out of memory
	ErrDim          Status = C.SL_EDIM       // dimension mismatch
	ErrNonFinite    Status = C.SL_ENONFINITE // NaN or infinity
	ErrParam        Status = C.SL_EPARAM     // unknown parameter name
	ErrRange        Status = C.SL_ERANGE     // parameter value out of range
	ErrState        Status = C.SL_ESTATE     // not allowed in the handle's current state
	ErrLate         Status = C.SL_ELATE      // event behind the watermark
	ErrDup          Status = C.SL_EDUP       // duplicate
	ErrCorrupt      Status = C.SL_ECORRUPT   // corrupt or truncated checkpoint / data
	ErrVersion      Status = C.SL_EVERSION   // unsupported format version
	ErrNotSupported Status = C.SL_ENOTSUP    // feature not compiled in
	ErrIO           Status = C.SL_EIO        // input/output error (a Writer or Reader failed)
	ErrFull         Status = C.SL_EFULL      // capacity full
	ErrType         Status = C.SL_ETYPE      // parameter type mismatch
	ErrKind         Status = C.SL_EKIND      // unknown kind, or wrong kind for this call
	ErrNotFound     Status = C.SL_ENOTFOUND  // not found
	ErrCallback     Status = C.SL_ECALLBACK  // stopped by a callback
	ErrBuffer       Status = C.SL_EBUFFER    // output buffer too small
)

// Error returns the library's one-line description ("corrupt or truncated data").
func (s Status) Error() string { return C.GoString(C.sl_strerror(C.int(s))) }

// Name returns the status's identifier without prefix ("ECORRUPT", "OK").
func (s Status) Name() string { return C.GoString(C.sl_status_name(C.int(s))) }

// Error is what every failing call returns: the operation, the status and
// the handle's detail (sl_X_last_error) when it gave one.
type Error struct {
	Op     string // the call that failed, e.g. "Drift.Update"
	Status Status
	Detail string // the library's detail for this failure; may be empty
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("streamlearn: %s: %s (%s)", e.Op, e.Status.Error(), e.Status.Name())
	}
	return fmt.Sprintf("streamlearn: %s: %s (%s): %s", e.Op, e.Status.Error(), e.Status.Name(), e.Detail)
}

// Unwrap gives the Status, so errors.Is(err, ErrDim) works.
func (e *Error) Unwrap() error { return e.Status }

// newError returns nil for SL_OK, else an *Error.
func newError(op string, st C.sl_status, detail string) error {
	if st == C.SL_OK {
		return nil
	}
	return &Error{Op: op, Status: Status(st), Detail: detail}
}
