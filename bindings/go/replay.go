package streamlearn

/*
#include "streamlearn.h"

// sl_replay_sample with the batch struct built here, on the C stack: Go
// memory passed to C may not hold Go pointers, so Go passes the arrays.
static sl_status gsl_replay_sample(sl_replay *r, size_t k, int replace, size_t rows, size_t nf, double *features,
                                   double *targets, double *weights, int64_t *timestamps, uint64_t *keys,
                                   size_t *slots, double *is_weights) {
  sl_replay_batch b = {sizeof(sl_replay_batch), rows, nf, features, targets, weights, timestamps, keys, slots,
                       is_weights};
  return sl_replay_sample(r, k, replace, &b);
}
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// ReplayKind selects a replay buffer.
type ReplayKind int

// Replay buffer kinds (sl_replay_kind).
const (
	FIFO          ReplayKind = C.SL_REPLAY_FIFO           // the latest "capacity" records
	Reservoir     ReplayKind = C.SL_REPLAY_RESERVOIR      // a uniform sample of everything added
	Prioritized   ReplayKind = C.SL_REPLAY_PRIORITIZED    // sampled by priority^alpha, with IS weights
	ClassBalanced ReplayKind = C.SL_REPLAY_CLASS_BALANCED // class-balanced reservoir over class ids
)

// String returns the kind's library name ("fifo", ...).
func (k ReplayKind) String() string { return kindName(replayType, int(k)) }

// Params returns the kind's parameter table.
func (k ReplayKind) Params() []ParamInfo { return paramTable(replayType, int(k)) }

// ParseReplayKind maps a library name to its kind; ErrKind if none.
func ParseReplayKind(name string) (ReplayKind, error) {
	k, err := kindFromName(replayType, name)
	return ReplayKind(k), err
}

// NotStored is the slot Add reports for a record the buffer chose not to keep.
const NotStored = -1

// Record is one stored example.
type Record struct {
	X         []float64
	Target    float64
	Weight    float64
	Timestamp int64
	Key       uint64
}

// Batch holds rows of records, column by column: X row-major (rows *
// NumFeatures values), then one entry per row in each other slice. As input
// (AddMany) Weights, Timestamps and Keys may be nil (weights 1, zeros). As
// output (Sample) Slots and ISWeights are filled too.
type Batch struct {
	X          []float64
	Targets    []float64
	Weights    []float64
	Timestamps []int64
	Keys       []uint64
	Slots      []int     // Sample: each record's slot, for UpdatePriorities and Get
	ISWeights  []float64 // Sample: importance-sampling weights (1 for uniform kinds)
}

// Replay is a bounded store of past examples to learn from again. All its
// memory is taken at creation; Add, Sample and UpdatePriorities allocate
// nothing in C. Not safe for concurrent use: see the package doc.
type Replay struct {
	handle
	n     int
	slots []C.size_t // AddMany / Sample / UpdatePriorities slot buffer, reused
}

func (r *Replay) c() *C.sl_replay { return (*C.sl_replay)(r.p) }

// NewReplay creates an empty buffer of kind for rows of nFeatures values;
// set "capacity" and "seed" with Param. Errors: ErrInvalid, ErrKind,
// ErrNoMemory, and the parameter errors of Set.
func NewReplay(kind ReplayKind, nFeatures int, opts ...Option) (*Replay, error) {
	if nFeatures <= 0 {
		return nil, newError("NewReplay", C.SL_EINVAL, "nFeatures must be positive")
	}
	var p *C.sl_replay
	if st := C.sl_replay_new(&p, C.sl_replay_kind(kind), C.size_t(nFeatures), nil); st != C.SL_OK {
		return nil, newError("NewReplay", st, "")
	}
	return wrapReplay(unsafe.Pointer(p), nFeatures, opts)
}

// LoadReplay makes a buffer from a checkpoint written by Replay.Save: every
// record, the priorities and the RNG state, so it samples exactly as the
// saved one would have. Errors as LoadDrift.
func LoadReplay(data []byte) (*Replay, error) {
	p, err := load(replayType, data)
	if err != nil {
		return nil, err
	}
	r, _ := wrapReplay(p, 0, nil)
	w, err := r.Stat("n_features")
	r.n = int(w)
	return r, err
}

func wrapReplay(p unsafe.Pointer, n int, opts []Option) (*Replay, error) {
	r := &Replay{n: n}
	r.own(replayType, p)
	runtime.SetFinalizer(r, (*Replay).Close)
	if err := r.apply(opts); err != nil {
		return nil, err
	}
	return r, nil
}

// Kind returns the buffer's kind.
func (r *Replay) Kind() ReplayKind { return ReplayKind(r.kindID()) }

// NumFeatures returns the row width.
func (r *Replay) NumFeatures() int { return r.n }

// Add offers one record with weight 1, timestamp 0 and key 0 and returns its
// slot, or NotStored. See AddRecord.
func (r *Replay) Add(x []float64, target float64) (int, error) {
	return r.AddRecord(Record{X: x, Target: target, Weight: 1})
}

// AddRecord offers one record; the kind decides whether to keep it and where
// (a kept record may replace another). Returns the slot or NotStored.
// Errors: ErrDim, ErrNonFinite, ErrInvalid (negative weight, a class_balanced
// target that is not a class id); the buffer is then unchanged.
func (r *Replay) AddRecord(rec Record) (int, error) {
	if r.p == nil {
		return NotStored, r.closed("Add")
	}
	var slot C.size_t
	st := C.sl_replay_add(r.c(), ptr(rec.X), C.size_t(len(rec.X)), C.double(rec.Target), C.double(rec.Weight),
		C.int64_t(rec.Timestamp), C.uint64_t(rec.Key), &slot)
	runtime.KeepAlive(r)
	if st != C.SL_OK {
		return NotStored, r.fail("Add", st)
	}
	return slotOf(slot), nil
}

func slotOf(s C.size_t) int {
	if s == C.SL_REPLAY_NOT_STORED {
		return NotStored
	}
	return int(s)
}

func (r *Replay) slotBuf(n int) []C.size_t {
	if cap(r.slots) < n {
		r.slots = make([]C.size_t, n)
	}
	return r.slots[:n]
}

// AddMany offers the len(b.Targets) records of b in one call and returns
// their slots (NotStored where not kept). Every record is checked first: on
// error nothing changed and the detail names the bad row.
func (r *Replay) AddMany(b *Batch) ([]int, error) {
	if r.p == nil {
		return nil, r.closed("AddMany")
	}
	n := len(b.Targets)
	if len(b.X) != n*r.n || (b.Weights != nil && len(b.Weights) != n) ||
		(b.Timestamps != nil && len(b.Timestamps) != n) || (b.Keys != nil && len(b.Keys) != n) {
		return nil, newError("Replay.AddMany", C.SL_EDIM, "batch columns disagree with len(Targets) rows")
	}
	if n == 0 {
		return nil, nil
	}
	slots := r.slotBuf(n)
	var ts *C.int64_t
	var keys *C.uint64_t
	if b.Timestamps != nil {
		ts = (*C.int64_t)(unsafe.Pointer(&b.Timestamps[0]))
	}
	if b.Keys != nil {
		keys = (*C.uint64_t)(unsafe.Pointer(&b.Keys[0]))
	}
	st := C.sl_replay_add_many(r.c(), ptr(b.X), C.size_t(n), C.size_t(r.n), ptr(b.Targets), ptr(b.Weights), ts,
		keys, &slots[0])
	runtime.KeepAlive(r)
	if st != C.SL_OK {
		return nil, r.fail("AddMany", st)
	}
	out := make([]int, n)
	for i, s := range slots {
		out[i] = slotOf(s)
	}
	return out, nil
}

// Sample draws k records in one call, with replacement or as k distinct
// records, into b (its slices are reused when large enough, else
// replaced; b may be a zero Batch). Prioritized buffers draw by priority and
// fill ISWeights; the others draw uniformly. Errors: ErrInvalid (k above
// capacity, or above Len without replacement), ErrState (k > 0 from an
// empty buffer, or every priority zero); the buffer is then unchanged.
func (r *Replay) Sample(b *Batch, k int, replace bool) error {
	if r.p == nil {
		return r.closed("Sample")
	}
	if k < 0 {
		return newError("Replay.Sample", C.SL_EINVAL, "negative k")
	}
	b.X = resize(b.X, k*r.n)
	b.Targets = resize(b.Targets, k)
	b.Weights = resize(b.Weights, k)
	b.ISWeights = resize(b.ISWeights, k)
	if cap(b.Timestamps) < k {
		b.Timestamps = make([]int64, k)
	}
	if cap(b.Keys) < k {
		b.Keys = make([]uint64, k)
	}
	b.Timestamps, b.Keys = b.Timestamps[:k], b.Keys[:k]
	slots := r.slotBuf(k + 1)
	rep := C.int(0)
	if replace {
		rep = 1
	}
	var ts *C.int64_t
	var keys *C.uint64_t
	if k > 0 {
		ts, keys = (*C.int64_t)(unsafe.Pointer(&b.Timestamps[0])), (*C.uint64_t)(unsafe.Pointer(&b.Keys[0]))
	}
	st := C.gsl_replay_sample(r.c(), C.size_t(k), rep, C.size_t(k), C.size_t(r.n), ptr(b.X), ptr(b.Targets),
		ptr(b.Weights), ts, keys, &slots[0], ptr(b.ISWeights))
	runtime.KeepAlive(r)
	if st != C.SL_OK {
		return r.fail("Sample", st)
	}
	if cap(b.Slots) < k {
		b.Slots = make([]int, k)
	}
	b.Slots = b.Slots[:k]
	for i := range b.Slots {
		b.Slots[i] = int(slots[i])
	}
	return nil
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// UpdatePriorities sets the priority of each of slots (as Sample returned
// them) to priorities[i] + "epsilon" (prioritized buffers). Errors:
// ErrKind (another kind), ErrNotFound (slot not below Len), ErrNonFinite,
// ErrRange (outside [0, 1e15]); every value is checked first.
func (r *Replay) UpdatePriorities(slots []int, priorities []float64) error {
	if r.p == nil {
		return r.closed("UpdatePriorities")
	}
	if len(slots) != len(priorities) {
		return newError("Replay.UpdatePriorities", C.SL_EDIM, "slots and priorities differ in length")
	}
	if len(slots) == 0 {
		return nil
	}
	buf := r.slotBuf(len(slots))
	for i, s := range slots {
		if s < 0 {
			return newError("Replay.UpdatePriorities", C.SL_ENOTFOUND, "negative slot")
		}
		buf[i] = C.size_t(s)
	}
	st := C.sl_replay_update_priorities(r.c(), &buf[0], ptr(priorities), C.size_t(len(slots)))
	runtime.KeepAlive(r)
	return r.fail("UpdatePriorities", st)
}

// Get returns the record in slot. ErrNotFound when slot is not below Len.
func (r *Replay) Get(slot int) (Record, error) {
	if r.p == nil {
		return Record{}, r.closed("Get")
	}
	if slot < 0 {
		return Record{}, newError("Replay.Get", C.SL_ENOTFOUND, "negative slot")
	}
	rec := Record{X: make([]float64, r.n)}
	var t, w C.double
	var ts C.int64_t
	var key C.uint64_t
	st := C.sl_replay_get(r.c(), C.size_t(slot), ptr(rec.X), C.size_t(r.n), &t, &w, &ts, &key)
	runtime.KeepAlive(r)
	if st != C.SL_OK {
		return Record{}, r.fail("Get", st)
	}
	rec.Target, rec.Weight, rec.Timestamp, rec.Key = float64(t), float64(w), int64(ts), uint64(key)
	return rec, nil
}

// Len returns the number of records held (at most "capacity").
func (r *Replay) Len() int {
	var n C.size_t
	if r.p != nil {
		C.sl_replay_size(r.c(), &n)
	}
	runtime.KeepAlive(r)
	return int(n)
}

// Clear forgets every record, keeping parameters, storage and the RNG state.
func (r *Replay) Clear() error {
	if r.p == nil {
		return r.closed("Clear")
	}
	st := C.sl_replay_clear(r.c())
	runtime.KeepAlive(r)
	return r.fail("Clear", st)
}
