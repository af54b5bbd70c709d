package streamlearn

// The Go functions C calls back. A file with //export may only declare C
// in its preamble; the C helpers that pass these functions to the library
// live in the files that use them. The `user` pointer C hands back is a
// runtime/cgo.Handle (an integer, never a Go pointer) naming the Go value
// that receives the call.

/*
#include <stddef.h>
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
