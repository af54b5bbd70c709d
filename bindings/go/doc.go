// Package streamlearn binds libstreamlearn, a C library for online machine
// learning on live data streams: event-time window aggregates (Window),
// online models (Model: linear kinds and Hoeffding trees), change detectors
// (Drift), replay buffers (Replay), the loop that ties them together
// (Pipeline), and seeded synthetic streams and CSV input (Stream, CSV).
//
// # Building
//
// The package compiles the library itself from streamlearn.c, one
// amalgamated C file generated from the repository's lib/ by
// scripts/amalgamate.py, so `go build` needs a C compiler and nothing else
// (no zstd: compressed checkpoints return ErrNotSupported). With the build
// tag streamlearn_system it links an installed libstreamlearn found through
// pkg-config instead:
//
//	go build -tags streamlearn_system
//
// # Handles
//
// NewWindow, NewModel, NewDrift, NewReplay, NewPipeline and NewStream
// return a handle and an error.
// Parameters are set by name with Param options checked by the library
// against the kind's parameter table (DriftKind.Params lists it), or later
// with Set. Close frees a handle's C memory at once; a finalizer frees a
// handle that was never closed, but only when the garbage collector runs,
// so close handles you are done with (defer h.Close()).
//
// Every handle saves to a []byte checkpoint (Save) that LoadWindow,
// LoadModel, LoadDrift, LoadReplay, LoadPipeline and LoadStream turn back
// into an identical handle: versioned, little-endian, checksummed, the same
// on every platform. Attaching a handle to a pipeline (SetModel,
// AddWindowFeature, ...) hands it over: the pipeline frees it, and the Go
// value is closed.
//
// # Errors
//
// Every failure is an *Error holding the operation, the library's Status
// and its detail. Status values are errors themselves, so
//
//	if errors.Is(err, streamlearn.ErrNonFinite) { ... }
//
// tests the cause. A failed call leaves the handle as it was.
//
// # Batches
//
// Each call crosses from Go into C once, which costs tens of nanoseconds
// on top of the work. The batch calls (Window.PushMany, Drift.UpdateMany,
// Model.LearnMany, Model.PredictMany, Replay.AddMany, Replay.Sample,
// Pipeline.PushMany, Pipeline.PushLabels, Stream.Next) take slices and do
// the whole batch in one crossing, and Model.PredictLearn does the
// prequential step in one; C never keeps a Go pointer after a call returns.
//
// # Concurrency
//
// A handle is not safe for concurrent use: the C library keeps no locks,
// and two goroutines calling one handle at once corrupt it (the race
// detector does not see C memory). Give each goroutine its own handle (they
// share nothing), or guard a shared handle with a sync.Mutex. Different
// handles may be used from different goroutines freely; a checkpoint moves
// a model from one goroutine's handle to another's.
//
// # Callbacks
//
// Window and Pipeline callbacks (SetCallbacks), Stream.WriteCSV into an
// io.Writer and CSV reading from an io.Reader call Go from C; the Go value
// travels through a runtime/cgo.Handle, never as a pointer. A callback runs
// on the goroutine that made the call, inside it. A callback's error stops
// the C call and is returned wrapped with the library's status
// (errors.Is(err, ErrCallback) and errors.Is(err, yourErr) both hold); a
// panic in a callback is caught before it reaches C and re-raised in the
// calling goroutine. Each callback is a crossing too: poll (Window.Poll)
// or read results from the batch calls where that matters.
package streamlearn
