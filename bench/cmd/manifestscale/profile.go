package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"runtime/pprof"
	"slices"
)

// digest is an order-free digest of every object built: the bytes of a
// build before and after a change to manifest.Build are compared by it.
type digest [][sha256.Size]byte

func (d *digest) add(key string, b []byte) {
	h := sha256.New()
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write(b)
	*d = append(*d, [sha256.Size]byte(h.Sum(nil)))
}

func (d digest) sum() string {
	slices.SortFunc(d, func(a, b [sha256.Size]byte) int { return slices.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, s := range d {
		h.Write(s[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// startCPUProfile profiles into path ("" does nothing) until stop.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeap writes a heap profile to path ("" does nothing): what is live
// when site.json, the last object, is built — the records and all Build
// holds at its end.
func writeHeap(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
