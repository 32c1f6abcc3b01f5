package store

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// metaDir holds one JSON sidecar per object and the temp files of writes in
// progress. Keys whose first segment is metaDir are refused.
const metaDir = ".meta"

// DirStore is a bucket in a local directory (file://DIR): the object's bytes
// at DIR/<key> and its attributes at DIR/.meta/<key>.json. This layout is
// also what the Worker's tests load as a fixture.
//
// A body is written to a temp file inside DIR/.meta and renamed into place,
// then its sidecar: through a temp file and a rename when one is there to
// replace, else created in place (a new object: nothing to replace, so a
// temp file and a rename would buy nothing). A crash between the body's
// rename and the sidecar's last byte leaves the new body with the old
// sidecar, none, or a torn one; the sidecar records the body's MD5 and a
// torn one is not JSON, so the store reports the object with empty
// attributes and its true ETag in each case, and the next sync rewrites
// it. Temp files left by a crash are never listed. Writes are not fsynced:
// they survive a killed process, not a power cut.
//
// Preconditions are checked under a mutex, so they hold between goroutines
// sharing one DirStore, not between processes.
type DirStore struct {
	dir string
	// mu serialises Delete with every Put: a Put holds it shared, and the
	// lock of its key's stripe (keyMu, by a hash of the key) for its
	// check-and-write, so two Puts of one key run one after the other and
	// Puts of other keys at once (their renames and sidecars are the
	// kernel's work: one mutex for every Put held 16 writers to one core's
	// file creation).
	mu    sync.RWMutex
	keyMu [1024]sync.Mutex
	seed  maphash.Seed
	// perm is the mode files are created with. Every file ends up 0644;
	// when a file created 0644 keeps that mode (keepsMode: neither the
	// umask nor a default ACL clears a bit), files are created 0644 and
	// not chmod'ed after, else created 0600 and chmod'ed to 0644 before
	// they are renamed or closed.
	perm  uint32
	chmod bool
	// etags remembers, per key, the MD5 of the body file List last read
	// and the file's identity then (etagStamp): a List that finds the same
	// file reports the ETag without reading every byte again. Every write
	// renames a new file into place (a new inode), so a changed body is a
	// changed stamp; Put and Delete also forget the key. It lives as long
	// as the DirStore: `axctl dev` lists after every save.
	etags sync.Map // key → etagStamp
}

// etagStamp is a body file's identity and MD5 when List read it.
type etagStamp struct {
	ino, ctime, size, mtime int64
	etag                    string
}

// stampOf is fi's identity: inode and status-change time (where the
// platform has them), size and modification time in nanoseconds.
func stampOf(fi fs.FileInfo) etagStamp {
	ino, ctime := fileID(fi)
	return etagStamp{ino: ino, ctime: ctime, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
}

var _ Store = (*DirStore)(nil)

// sidecar is the JSON beside each object. Field order is alphabetical and
// Metadata is a map (encoded with sorted keys), so the bytes are
// deterministic.
type sidecar struct {
	CacheControl string            `json:"cacheControl"`
	ContentType  string            `json:"contentType"`
	ETag         string            `json:"etag"`
	Metadata     map[string]string `json:"metadata"`
}

// NewDirStore returns a store rooted at dir, creating it if needed.
func NewDirStore(dir string) (*DirStore, error) {
	if dir == "" {
		return nil, errors.New("dir store: empty directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("dir store %q: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, metaDir), 0o755); err != nil {
		return nil, fmt.Errorf("dir store: %w", err)
	}
	s := &DirStore{dir: abs, perm: 0o644, seed: maphash.MakeSeed()}
	if !s.keepsMode() {
		s.perm, s.chmod = 0o600, true
	}
	return s, nil
}

// keepsMode reports whether a file created in the meta directory with
// s.perm gets exactly that mode. The umask and a default ACL on the
// directory (which the kernel applies in place of the umask, and new
// folders inherit) both clear bits at creation, so one probe file,
// created and removed, tells; any error answers false (files are then
// created 0600 and chmod'ed).
func (s *DirStore) keepsMode() bool {
	f, name, err := s.createTemp()
	if err != nil {
		return false
	}
	defer os.Remove(name)
	if err := f.Close(); err != nil {
		return false
	}
	fi, err := os.Stat(name)
	return err == nil && uint32(fi.Mode().Perm()) == s.perm
}

// create creates name, which must not exist, for writing, with the mode
// of s's files (see DirStore.perm).
func (s *DirStore) create(name string) (newFile, error) { return createNew(name, s.perm) }

// finish sets f's mode to 0644 when it was not created with it, then
// closes it, joined with werr (the error of writing it).
func (s *DirStore) finish(f newFile, werr error) error {
	var cerr error
	if s.chmod {
		cerr = f.Chmod(0o644)
	}
	return errors.Join(werr, cerr, f.Close())
}

// String names the store as a file:// URL.
func (s *DirStore) String() string { return "file://" + filepath.ToSlash(s.dir) }

// Dir returns the store's root directory.
func (s *DirStore) Dir() string { return s.dir }

func (s *DirStore) bodyPath(key string) string { return filepath.Join(s.dir, filepath.FromSlash(key)) }

func (s *DirStore) metaPath(key string) string {
	return filepath.Join(s.dir, metaDir, filepath.FromSlash(key)+".json")
}

// List walks the directory in lexical key order. Each listed object's body
// is read to report its true MD5, which keeps the listing honest after a
// crash at the cost of reading every byte (cheap for a local site).
func (s *DirStore) List(ctx context.Context, prefix string, fn func(Object) error) error {
	var keys []string
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == metaDir {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list %s: %w", s, err)
	}
	// WalkDir orders by path components ("a/b" before "a-b"); S3 orders by
	// bytes ("a-b" before "a/b").
	sort.Strings(keys)
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		obj, err := s.listed(key)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted while listing
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", s, err)
		}
		if err := fn(obj); err != nil {
			return err
		}
	}
	return nil
}

// listed is key as List reports it: its ETag from the memo when the body
// file is the one last read (same inode, change time, size and
// modification time), else read and hashed. The stamp is kept only when
// the file did not change while it was read (stat before and after agree)
// and the platform gives inodes.
func (s *DirStore) listed(key string) (Object, error) {
	p := s.bodyPath(key)
	before, err := os.Stat(p)
	if err != nil {
		return Object{}, err
	}
	st := stampOf(before)
	if v, ok := s.etags.Load(key); ok {
		if memo := v.(etagStamp); memo.ino == st.ino && memo.ctime == st.ctime && memo.size == st.size && memo.mtime == st.mtime {
			return Object{Key: key, Size: st.size, ETag: memo.etag, LastModified: before.ModTime()}, nil
		}
	}
	body, err := os.ReadFile(p)
	if err != nil {
		return Object{}, err
	}
	obj := Object{Key: key, Size: int64(len(body)), ETag: MD5Hex(body), LastModified: before.ModTime()}
	if after, err := os.Stat(p); err == nil && stampOf(after) == st && st.size == obj.Size && st.ino != 0 {
		st.etag = obj.ETag
		s.etags.Store(key, st)
	}
	return obj, nil
}

func (s *DirStore) object(key string, body []byte) (Object, error) {
	fi, err := os.Stat(s.bodyPath(key))
	if err != nil {
		return Object{}, fmt.Errorf("stat %q: %w", key, err)
	}
	return Object{Key: key, Size: int64(len(body)), ETag: MD5Hex(body), LastModified: fi.ModTime()}, nil
}

// Head reads the body too (to verify the sidecar); see Get.
func (s *DirStore) Head(ctx context.Context, key string) (Object, Attrs, error) {
	_, obj, attrs, err := s.Get(ctx, key)
	return obj, attrs, err
}

// Get returns the body and the attributes from the sidecar. A sidecar that
// is missing or describes other bytes yields empty attributes.
func (s *DirStore) Get(ctx context.Context, key string) ([]byte, Object, Attrs, error) {
	if err := checkDirKey(key); err != nil {
		return nil, Object{}, Attrs{}, err
	}
	body, err := os.ReadFile(s.bodyPath(key))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
			return nil, Object{}, Attrs{}, fmt.Errorf("get %q: %w", key, ErrNotFound)
		}
		return nil, Object{}, Attrs{}, fmt.Errorf("get %q: %w", key, err)
	}
	obj, err := s.object(key, body)
	if err != nil {
		return nil, Object{}, Attrs{}, err
	}
	attrs, err := s.readSidecar(key, obj.ETag)
	if err != nil {
		return nil, Object{}, Attrs{}, err
	}
	return body, obj, attrs, nil
}

func (s *DirStore) readSidecar(key, etag string) (Attrs, error) {
	b, err := os.ReadFile(s.metaPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return Attrs{}, nil
	}
	if err != nil {
		return Attrs{}, fmt.Errorf("read attributes of %q: %w", key, err)
	}
	var sc sidecar
	if err := json.Unmarshal(b, &sc); err != nil || sc.ETag != etag {
		return Attrs{}, nil // torn or stale: treat as unknown, the next sync rewrites
	}
	return Attrs{ContentType: sc.ContentType, CacheControl: sc.CacheControl, Metadata: sc.Metadata}, nil
}

// Put writes body then sidecar, each through a temp file and a rename. Like
// S3Store.Put, a failed precondition is not an error when the key already
// holds exactly this body and these attributes.
func (s *DirStore) Put(ctx context.Context, key string, body []byte, attrs Attrs, pre Precondition) (string, error) {
	return s.PutReader(ctx, key, bytes.NewReader(body), int64(len(body)), MD5Hex(body), attrs, pre)
}

// PutReader is Put streaming the body from r into a temp file; a body that
// is not size bytes with this md5 is refused before anything is renamed
// into place.
func (s *DirStore) PutReader(ctx context.Context, key string, r io.ReadSeeker, size int64, md5 string, attrs Attrs, pre Precondition) (string, error) {
	if err := checkDirKey(key); err != nil {
		return "", err
	}
	if _, err := EncodeMetadata(attrs.Metadata); err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	etag := md5
	meta := attrs.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	sc, err := encodeSidecar(sidecar{CacheControl: attrs.CacheControl, ContentType: attrs.ContentType, ETag: etag, Metadata: meta})
	if err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}

	tmp, err := s.spool(r, size, md5)
	if err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	km := &s.keyMu[maphash.String(s.seed, key)%uint64(len(s.keyMu))]
	km.Lock()
	defer km.Unlock()
	if err := s.checkPrecondition(key, pre); err != nil {
		os.Remove(tmp)
		if errors.Is(err, ErrPrecondition) && s.holds(ctx, key, etag, attrs) {
			return etag, nil // already holds exactly this object, as in S3Store
		}
		return "", err
	}
	s.etags.Delete(key)
	if err := s.moveInto(tmp, s.bodyPath(key)); err != nil { // tmp is gone either way
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	if err := s.writeSidecar(s.metaPath(key), sc); err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	return etag, nil
}

// writeSidecar writes the sidecar b to dst: created in place when dst does
// not exist (see DirStore on a crash meanwhile), else through writeAtomic.
func (s *DirStore) writeSidecar(dst string, b []byte) error {
	f, err := s.create(dst)
	if errors.Is(err, fs.ErrNotExist) {
		if err := mkdirs(filepath.Dir(dst)); err != nil {
			return err
		}
		f, err = s.create(dst)
	}
	if errors.Is(err, fs.ErrExist) {
		return s.writeAtomic(dst, b)
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	if err := s.finish(f, werr); err != nil {
		os.Remove(dst)
		return err
	}
	return nil
}

// holds reports whether key already has exactly the body of etag and attrs.
func (s *DirStore) holds(ctx context.Context, key, etag string, want Attrs) bool {
	_, obj, got, err := s.Get(ctx, key)
	return err == nil && obj.ETag == etag && sameAttrs(want, got)
}

func (s *DirStore) checkPrecondition(key string, pre Precondition) error {
	if !pre.IfNoneMatch && pre.IfMatch == "" {
		return nil
	}
	body, err := os.ReadFile(s.bodyPath(key))
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !isNotDir(err) {
		return fmt.Errorf("put %q: %w", key, err)
	}
	if pre.IfNoneMatch && exists {
		return fmt.Errorf("put %q: object exists: %w", key, ErrPrecondition)
	}
	if pre.IfMatch != "" {
		if !exists {
			return fmt.Errorf("put %q: object is missing: %w", key, ErrPrecondition)
		}
		if got := MD5Hex(body); got != strings.Trim(pre.IfMatch, `"`) {
			return fmt.Errorf("put %q: etag is %s, not %s: %w", key, got, pre.IfMatch, ErrPrecondition)
		}
	}
	return nil
}

// writeAtomic writes b to a temp file in the meta directory (same file
// system, never listed) and renames it to dst.
func (s *DirStore) writeAtomic(dst string, b []byte) error {
	tmp, err := s.spool(bytes.NewReader(b), int64(len(b)), "")
	if err != nil {
		return err
	}
	return s.moveInto(tmp, dst)
}

// spool copies size bytes of r to a new temp file in the meta directory and
// returns its name. It refuses (and removes the file) when r holds another
// number of bytes or, if want (hex MD5) is set, other bytes.
func (s *DirStore) spool(r io.Reader, size int64, want string) (string, error) {
	f, tmp, err := s.createTemp()
	if err != nil {
		return "", err
	}
	h := md5.New()
	n, werr := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, size+1))
	if werr == nil && n != size {
		werr = fmt.Errorf("body is %d bytes, not the %d it was when hashed", n, size)
	} else if got := hex.EncodeToString(h.Sum(nil)); werr == nil && want != "" && got != want {
		werr = fmt.Errorf("body has MD5 %s, not the %s it had when hashed", got, want)
	}
	if err := s.finish(f, werr); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// newFile is a file created by createNew.
type newFile interface {
	io.Writer
	Chmod(fs.FileMode) error
	Close() error
}

// createTemp creates a file of a new random name in the meta directory, as
// os.CreateTemp(dir, ".tmp-*") does.
func (s *DirStore) createTemp() (newFile, string, error) {
	dir := filepath.Join(s.dir, metaDir)
	for try := 0; ; try++ {
		name := filepath.Join(dir, ".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := s.create(name)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		return f, name, err
	}
}

// moveInto renames the temp file tmp to dst, making dst's directory first
// if the rename fails; tmp is removed if it was not renamed.
func (s *DirStore) moveInto(tmp, dst string) error {
	if renameFile(tmp, dst) == nil {
		return nil
	}
	if err := mkdirs(filepath.Dir(dst)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := renameFile(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// mkdirs is os.MkdirAll for a directory that is most likely missing while
// its parent is there (a write into a new folder): it makes dir first and
// walks up only when that fails, where MkdirAll Lstats dir and then its
// parent before making it. A name that exists is left to MkdirAll, which
// tells a directory (nil) from a file (an error).
func mkdirs(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrNotExist) {
		if parent := filepath.Dir(dir); parent != dir {
			if err := mkdirs(parent); err != nil {
				return err
			}
			err = os.Mkdir(dir, 0o755)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return os.MkdirAll(dir, 0o755)
	}
	return err
}

// Delete removes bodies, then sidecars, then directories left empty.
func (s *DirStore) Delete(ctx context.Context, keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := checkDirKey(key); err != nil {
			errs = append(errs, err)
			continue
		}
		s.etags.Delete(key)
		for _, p := range []string{s.bodyPath(key), s.metaPath(key)} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !isNotDir(err) {
				errs = append(errs, fmt.Errorf("delete %q: %w", key, err))
				continue
			}
			s.pruneDirs(filepath.Dir(p))
		}
	}
	return errors.Join(errs...)
}

// pruneDirs removes empty directories from d up to (not including) the
// store root and the meta directory.
func (s *DirStore) pruneDirs(d string) {
	stop := map[string]bool{s.dir: true, filepath.Join(s.dir, metaDir): true}
	for !stop[d] && strings.HasPrefix(d, s.dir+string(filepath.Separator)) {
		if os.Remove(d) != nil {
			return // not empty, or gone
		}
		d = filepath.Dir(d)
	}
}

func encodeSidecar(sc sidecar) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(sc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkDirKey refuses keys that are not clean relative slash paths, or that
// would land in the meta directory.
func checkDirKey(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if first, _, _ := strings.Cut(key, "/"); first == metaDir {
		return fmt.Errorf("key %q: %q is reserved", key, metaDir)
	}
	if strings.Contains(key, `\`) {
		return fmt.Errorf("key %q: backslash is not allowed", key)
	}
	return nil
}

// checkKey refuses keys both stores would treat differently: empty, absolute,
// with empty, "." or ".." segments, or with NUL bytes.
func checkKey(key string) error {
	if key == "" {
		return errors.New("empty key")
	}
	if strings.ContainsRune(key, 0) {
		return fmt.Errorf("key %q: NUL byte", key)
	}
	if path.Clean(key) != key || strings.HasPrefix(key, "/") || key == "." || strings.HasPrefix(key, "../") || key == ".." {
		return fmt.Errorf("key %q: must be a clean relative path", key)
	}
	return nil
}

// isNotDir reports errors that mean "no object here" on a file system: a
// path through a file ("a/b" when "a" is an object) or a directory where an
// object was expected.
func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR)
}

// MD5Hex is the hex MD5 of b: the ETag a store reports for a single-part
// upload, and the digest every plan compares (the one hashing helper).
func MD5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
