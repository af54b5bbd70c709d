//go:build !streamlearn_system

package streamlearn

// The default build compiles the library from streamlearn.c, the
// amalgamation of lib/ that scripts/amalgamate.py generates, with the public
// headers copied into include/: no C library needs to be installed.

// #cgo CFLAGS: -I${SRCDIR}/include -DSL_STATIC_DEFINE
// #cgo LDFLAGS: -lm
import "C"
