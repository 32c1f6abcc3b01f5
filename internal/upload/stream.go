package upload

import (
	"context"
	"fmt"
	"io"
	"os"
)

// ReaderPutter is a Store that takes a body as a stream: size bytes read
// from r whose hex MD5 is md5. A body that does not match is refused and
// nothing is written. Both stores implement it; Apply falls back to reading
// the body into memory for a Store that does not.
type ReaderPutter interface {
	PutReader(ctx context.Context, key string, r io.ReadSeeker, size int64, md5 string, attrs Attrs, pre Precondition) (string, error)
}

var (
	_ ReaderPutter = (*DirStore)(nil)
	_ ReaderPutter = (*S3Store)(nil)
)

// put writes one action's body: in memory, from a file on disk, or streamed
// from the item's Open.
func put(ctx context.Context, s Store, a Action) error {
	it := a.Item
	if it.Open == nil {
		body := it.Body
		if body == nil && it.Src != "" {
			b, err := os.ReadFile(it.Src)
			if err != nil {
				return fmt.Errorf("read %s: %w", it.Src, err)
			}
			body = b
		}
		_, err := s.Put(ctx, a.Key, body, it.Attributes(), a.Pre)
		return err
	}
	r, err := it.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	if rp, ok := s.(ReaderPutter); ok {
		_, err = rp.PutReader(ctx, a.Key, r, it.Size, it.MD5, it.Attributes(), a.Pre)
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r, it.Size+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", a.Key, err)
	}
	if int64(len(body)) != it.Size || MD5Hex(body) != it.MD5 {
		return fmt.Errorf("put %q: the body changed since it was hashed", a.Key)
	}
	_, err = s.Put(ctx, a.Key, body, it.Attributes(), a.Pre)
	return err
}
