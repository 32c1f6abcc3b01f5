package store

import (
	"context"
	"io"
)

// ReaderPutter is a Store that takes a body as a stream: size bytes read
// from r whose hex MD5 is md5. A body that does not match is refused and
// nothing is written. Every store here implements it; Apply falls back to reading
// the body into memory for a Store that does not.
type ReaderPutter interface {
	PutReader(ctx context.Context, key string, r io.ReadSeeker, size int64, md5 string, attrs Attrs, pre Precondition) (string, error)
}

var (
	_ ReaderPutter = (*DirStore)(nil)
	_ ReaderPutter = (*S3Store)(nil)
)
