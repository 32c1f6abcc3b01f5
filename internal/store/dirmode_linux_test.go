package store

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDirFileModesDefaultACL: on a folder with a default ACL the kernel
// applies the ACL in place of the umask, so a umask that keeps 0644 says
// nothing; every body and sidecar must still be 0644. The ACL here grants
// the owner rw, the group r and others nothing (a file created 0644 comes
// out 0640).
func TestDirFileModesDefaultACL(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	// system.posix_acl_default: version 2, then (tag, perm, id) entries
	// for the owner, the group and others.
	acl := binary.LittleEndian.AppendUint32(nil, 2)
	for _, e := range []struct{ tag, perm uint16 }{{0x01, 6}, {0x04, 4}, {0x20, 0}} {
		acl = binary.LittleEndian.AppendUint16(acl, e.tag)
		acl = binary.LittleEndian.AppendUint16(acl, e.perm)
		acl = binary.LittleEndian.AppendUint32(acl, 0xFFFFFFFF)
	}
	if err := unix.Setxattr(dir, "system.posix_acl_default", acl, 0); err != nil {
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP) {
			t.Skipf("the file system of %s has no POSIX ACLs: %v", dir, err)
		}
		t.Fatal(err)
	}
	probe := filepath.Join(dir, "probe")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(probe); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("the default ACL did not apply: %v %v", fi.Mode(), err)
	}
	s, err := NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.chmod {
		t.Errorf("files created 0644 under the ACL come out 0640, yet the store does not chmod them")
	}
	checkPutModes(t, s, "default ACL")
}
