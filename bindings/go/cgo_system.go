//go:build streamlearn_system

package streamlearn

// With the streamlearn_system build tag the package links the installed
// library found through pkg-config (libstreamlearn.pc) instead of compiling
// its own copy: go build -tags streamlearn_system.

// #cgo pkg-config: libstreamlearn
import "C"
