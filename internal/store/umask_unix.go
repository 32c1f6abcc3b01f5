//go:build unix

package store

import (
	"bytes"
	"os"
	"strconv"
)

// umaskKeeps reports whether the process's umask clears none of perm's
// bits, so a file created with perm has it without a chmod. The umask is
// read from /proc/self/status (Linux 4.7 and later); where that cannot
// be read it answers false (the caller chmods), as setting the umask to
// read it would race with files created meanwhile. Nothing in axctl
// changes the umask once started.
func umaskKeeps(perm uint32) bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	return umaskKeepsIn(b, perm)
}

// umaskKeepsIn is umaskKeeps for the contents of a /proc/PID/status file.
func umaskKeepsIn(status []byte, perm uint32) bool {
	for line := range bytes.Lines(status) {
		v, ok := bytes.CutPrefix(line, []byte("Umask:"))
		if !ok {
			continue
		}
		mask, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 32)
		return err == nil && uint32(mask)&perm == 0
	}
	return false
}
