package streamlearn

/*
#include <stdint.h>
#include <stdlib.h>
#include "streamlearn.h"

extern int goWrite(void *user, void *buf, size_t n);
extern long goRead(void *user, void *buf, size_t cap);

static sl_status gsl_stream_write_csv(sl_stream *s, size_t rows, uintptr_t user) {
  return sl_stream_write_csv(s, rows, (sl_write_fn)goWrite, (void *)user);
}

static sl_status gsl_csv_open(sl_csv **out, uintptr_t user) {
  return sl_csv_open(out, (sl_csv_read_fn)goRead, (void *)user, NULL);
}

// sl_stream_next for `len` feature values: the row count follows from the
// stream's width, so the batch costs one crossing.
static sl_status gsl_stream_next(sl_stream *s, double *X, size_t len, double *y, size_t rows) {
  sl_stream_info info;
  sl_status st = sl_stream_describe(s, &info);
  if (st != SL_OK) return st;
  if (len != rows * info.n_features) return SL_EDIM;
  return sl_stream_next(s, X, info.n_features, y, rows);
}
*/
import "C"

import (
	"fmt"
	"io"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// StreamKind selects a synthetic stream generator.
type StreamKind int

// Generator kinds (sl_stream_kind).
const (
	SEA          StreamKind = C.SL_STREAM_SEA           // Street & Kim 2001
	Agrawal      StreamKind = C.SL_STREAM_AGRAWAL       // Agrawal et al. 1993, ten functions
	Hyperplane   StreamKind = C.SL_STREAM_HYPERPLANE    // rotating hyperplane, Hulten et al. 2001
	RandomRBF    StreamKind = C.SL_STREAM_RANDOM_RBF    // Gaussian centroids, optionally moving
	STAGGER      StreamKind = C.SL_STREAM_STAGGER       // Schlimmer & Granger 1986
	LED          StreamKind = C.SL_STREAM_LED           // seven-segment digits, Breiman et al. 1984
	Sine         StreamKind = C.SL_STREAM_SINE          // Gama et al. 2004
	Friedman     StreamKind = C.SL_STREAM_FRIEDMAN      // Friedman #1 regression, with drifts
	ConceptDrift StreamKind = C.SL_STREAM_CONCEPT_DRIFT // one stream blending into another
)

// String returns the kind's library name ("sea", ...).
func (k StreamKind) String() string { return kindName(streamType, int(k)) }

// Params returns the kind's parameter table.
func (k StreamKind) Params() []ParamInfo { return paramTable(streamType, int(k)) }

// ParseStreamKind maps a library name to its kind; ErrKind if none.
func ParseStreamKind(name string) (StreamKind, error) {
	k, err := kindFromName(streamType, name)
	return StreamKind(k), err
}

// StreamInfo describes what a stream produces.
type StreamInfo struct {
	NumFeatures int
	NumClasses  int    // 0: regression (real-valued target)
	NumNominal  int    // features that take a few integer codes
	Rows        uint64 // rows produced since creation or the last Reset
}

// Stream is a seeded synthetic data stream: the same kind, parameters and
// seed give the same rows on every platform. Not safe for concurrent use:
// see the package doc.
type Stream struct {
	handle
}

func (s *Stream) c() *C.sl_stream { return (*C.sl_stream)(s.p) }

// NewStream creates a generator of kind with River's default parameters
// (seed 1), changed by opts. Errors: ErrKind, ErrNoMemory, and the
// parameter errors of Set.
func NewStream(kind StreamKind, opts ...Option) (*Stream, error) {
	var p *C.sl_stream
	if st := C.sl_stream_new(&p, C.sl_stream_kind(kind), nil); st != C.SL_OK {
		return nil, newError("NewStream", st, "")
	}
	return wrapStream(unsafe.Pointer(p), opts)
}

// NewConceptDriftStream makes a stream that blends first into second (set
// "position", "width", "seed" with opts). On success the new stream owns
// both: first and second are then closed as Go values (using them returns
// ErrInvalid) and freed with the new stream. On failure the caller still
// owns them. Errors: ErrInvalid (nil, closed, or the same stream twice),
// ErrDim (different widths), ErrNoMemory.
func NewConceptDriftStream(first, second *Stream, opts ...Option) (*Stream, error) {
	if first == nil || second == nil || first.p == nil || second.p == nil || first == second {
		return nil, newError("NewConceptDriftStream", C.SL_EINVAL, "two distinct open streams are needed")
	}
	var p *C.sl_stream
	st := C.sl_stream_concept_drift(&p, first.c(), second.c(), nil)
	runtime.KeepAlive(first)
	runtime.KeepAlive(second)
	if st != C.SL_OK {
		return nil, newError("NewConceptDriftStream", st, "")
	}
	first.release()
	second.release()
	return wrapStream(unsafe.Pointer(p), opts)
}

// LoadStream makes a stream from a checkpoint written by Stream.Save; it
// resumes the exact sequence. Errors as LoadDrift.
func LoadStream(data []byte) (*Stream, error) {
	p, err := load(streamType, data)
	if err != nil {
		return nil, err
	}
	return wrapStream(p, nil)
}

func wrapStream(p unsafe.Pointer, opts []Option) (*Stream, error) {
	s := &Stream{}
	s.own(streamType, p)
	runtime.SetFinalizer(s, (*Stream).Close)
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	return s, nil
}

// Kind returns the generator's kind.
func (s *Stream) Kind() StreamKind { return StreamKind(s.kindID()) }

// Info describes the stream.
func (s *Stream) Info() (StreamInfo, error) {
	if s.p == nil {
		return StreamInfo{}, s.closed("Info")
	}
	var in C.sl_stream_info
	st := C.sl_stream_describe(s.c(), &in)
	runtime.KeepAlive(s)
	return StreamInfo{int(in.n_features), int(in.n_classes), int(in.n_nominal), uint64(in.rows)}, s.fail("Info", st)
}

// Feature returns the name of feature i and its number of integer codes
// (0 for a numeric feature). ErrNotFound when i is not below NumFeatures.
func (s *Stream) Feature(i int) (name string, values int, err error) {
	if s.p == nil {
		return "", 0, s.closed("Feature")
	}
	if i < 0 {
		return "", 0, newError("Stream.Feature", C.SL_ENOTFOUND, "negative feature index")
	}
	var buf [256]C.char
	var nv C.unsigned
	st := C.sl_stream_feature(s.c(), C.size_t(i), &buf[0], C.size_t(len(buf)), &nv)
	runtime.KeepAlive(s)
	if st != C.SL_OK {
		return "", 0, s.fail("Feature", st)
	}
	return C.GoString(&buf[0]), int(nv), nil
}

// Next fills X (row-major, rows * NumFeatures values) and y (rows targets:
// class indices, or reals for regression) with the next len(y) rows, in one
// call. Errors: ErrDim (X does not hold len(y) rows); nothing is produced.
func (s *Stream) Next(X, y []float64) error {
	if s.p == nil {
		return s.closed("Next")
	}
	st := C.gsl_stream_next(s.c(), ptr(X), C.size_t(len(X)), ptr(y), C.size_t(len(y)))
	runtime.KeepAlive(s)
	if st == C.SL_EDIM {
		return newError("Stream.Next", st, fmt.Sprintf("X holds %d values, not %d rows of features", len(X), len(y)))
	}
	return s.fail("Next", st)
}

// Label returns the label the stream's current concept gives x, without
// noise. ErrNotSupported for generators without a closed-form concept
// (random_rbf, led, concept_drift).
func (s *Stream) Label(x []float64) (float64, error) {
	if s.p == nil {
		return 0, s.closed("Label")
	}
	var y C.double
	st := C.sl_stream_label(s.c(), ptr(x), C.size_t(len(x)), &y)
	runtime.KeepAlive(s)
	return float64(y), s.fail("Label", st)
}

// Reset restarts the stream: the same rows again from the first.
func (s *Stream) Reset() error {
	if s.p == nil {
		return s.closed("Reset")
	}
	st := C.sl_stream_reset(s.c())
	runtime.KeepAlive(s)
	return s.fail("Reset", st)
}

// WriteCSV writes the next rows rows as CSV to w (a header of the feature
// names and "y"; numbers that read back exactly), through a callback from
// C into w.Write. A Write error stops it and is returned (wrapped with
// ErrIO); a panic in Write is re-raised here.
func (s *Stream) WriteCSV(w io.Writer, rows int) error {
	if s.p == nil {
		return s.closed("WriteCSV")
	}
	if rows < 0 {
		return newError("Stream.WriteCSV", C.SL_EINVAL, "negative rows")
	}
	wr := &writer{w: w}
	h := cgo.NewHandle(wr)
	defer h.Delete()
	st := C.gsl_stream_write_csv(s.c(), C.size_t(rows), C.uintptr_t(h))
	runtime.KeepAlive(s)
	wr.rethrow()
	if wr.err != nil {
		return fmt.Errorf("%w: %w", s.fail("WriteCSV", st), wr.err)
	}
	return s.fail("WriteCSV", st)
}

// CSV reads a numeric CSV with a header row from an io.Reader in chunks
// (through a callback from C into Read). One column is the target (by
// default the last); the others are the features. Not safe for concurrent
// use. Close it when done.
type CSV struct {
	c  *C.sl_csv
	rd *reader
	h  cgo.Handle
	nf int
}

// OpenCSV opens a reader on r and reads the header. Errors: ErrCorrupt (no
// or a bad header), ErrFull (header too long), ErrIO (r failed), ErrNoMemory.
func OpenCSV(r io.Reader) (*CSV, error) {
	c := &CSV{rd: &reader{r: r}}
	c.h = cgo.NewHandle(c.rd)
	st := C.gsl_csv_open(&c.c, C.uintptr_t(c.h))
	c.rd.rethrow()
	if st != C.SL_OK {
		c.h.Delete()
		return nil, c.wrap(newError("OpenCSV", st, ""))
	}
	c.nf = int(C.sl_csv_n_features(c.c))
	runtime.SetFinalizer(c, (*CSV).Close)
	return c, nil
}

// wrap adds the reader's own error to err.
func (c *CSV) wrap(err error) error {
	if err != nil && c.rd.err != nil {
		return fmt.Errorf("%w: %w", err, c.rd.err)
	}
	return err
}

// Close releases the reader; the io.Reader is not closed.
func (c *CSV) Close() error {
	if c.c != nil {
		C.sl_csv_free(c.c)
		c.c = nil
		c.h.Delete()
	}
	return nil
}

// Columns returns the header's column names.
func (c *CSV) Columns() []string {
	var n C.size_t
	if c.c == nil || C.sl_csv_columns(c.c, &n) != C.SL_OK {
		return nil
	}
	out := make([]string, int(n))
	for i := range out {
		var name *C.char
		C.sl_csv_column_name(c.c, C.size_t(i), &name)
		out[i] = C.GoString(name)
	}
	runtime.KeepAlive(c)
	return out
}

// SetTarget makes column name the target ("" for none: every column is a
// feature). Before the first Next. Errors: ErrNotFound, ErrState.
func (c *CSV) SetTarget(name string) error {
	if c.c == nil {
		return newError("CSV.SetTarget", C.SL_EINVAL, "the reader is closed")
	}
	var cname *C.char
	if name != "" {
		cname = C.CString(name)
		defer C.free(unsafe.Pointer(cname))
	}
	st := C.sl_csv_set_target(c.c, cname)
	c.nf = int(C.sl_csv_n_features(c.c))
	runtime.KeepAlive(c)
	return newError("CSV.SetTarget", st, C.GoString(C.sl_csv_last_error(c.c)))
}

// NumFeatures returns the feature columns per row.
func (c *CSV) NumFeatures() int { return c.nf }

// Next reads up to len(y) rows into X (rows * NumFeatures values) and y and
// returns how many it stored: fewer than len(y) only at the end of input
// (with a nil error) or before a bad row. A bad row returns its status
// (ErrDim, ErrNotFound for a missing value, ErrNonFinite, ErrCorrupt,
// ErrFull) with the line in the detail; the next call goes on after it.
// ErrIO when the io.Reader failed (wrapping its error).
func (c *CSV) Next(X, y []float64) (int, error) {
	if c.c == nil {
		return 0, newError("CSV.Next", C.SL_EINVAL, "the reader is closed")
	}
	if len(X) != len(y)*c.nf {
		return 0, newError("CSV.Next", C.SL_EDIM, "X does not hold len(y) rows")
	}
	var got C.size_t
	st := C.sl_csv_next(c.c, ptr(X), C.size_t(c.nf), ptr(y), C.size_t(len(y)), &got)
	c.rd.rethrow()
	detail := ""
	if st != C.SL_OK {
		detail = fmt.Sprintf("line %d: %s", uint64(C.sl_csv_error_line(c.c)), C.GoString(C.sl_csv_last_error(c.c)))
	}
	runtime.KeepAlive(c)
	return int(got), c.wrap(newError("CSV.Next", st, detail))
}
