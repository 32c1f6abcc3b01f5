package plan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/axctl/axctl/internal/store"
)

// put writes one action's body: in memory, from a file on disk, or streamed
// from the item's Open.
func put(ctx context.Context, s store.Store, a Action) error {
	it := a.Item
	if it.Load != nil {
		body, attrs, err := it.Load(ctx)
		if err != nil {
			return err
		}
		if isMD5(it.MD5) && store.MD5Hex(body) != it.MD5 {
			return fmt.Errorf("put %q: the source object changed since it was listed; rerun to converge", a.Key)
		}
		_, err = s.Put(ctx, a.Key, body, attrs, a.Pre)
		return err
	}
	rp, streams := s.(store.ReaderPutter)
	if it.Open == nil {
		body := it.Body
		if src := it.SrcFile(); body == nil && src != "" {
			b, err := os.ReadFile(src)
			if err != nil {
				return fmt.Errorf("read %s: %w", src, err)
			}
			body = b
		}
		if streams && isMD5(it.MD5) {
			// The MD5 is known (hashed when the body was rendered): the
			// store sends it as Content-MD5 without hashing the body again,
			// and the server refuses a body that no longer matches it.
			_, err := rp.PutReader(ctx, a.Key, bytes.NewReader(body), int64(len(body)), it.MD5, it.Attributes(), a.Pre)
			return err
		}
		_, err := s.Put(ctx, a.Key, body, it.Attributes(), a.Pre)
		return err
	}
	r, err := it.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	if streams {
		_, err = rp.PutReader(ctx, a.Key, r, it.Size, it.MD5, it.Attributes(), a.Pre)
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r, it.Size+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", a.Key, err)
	}
	if int64(len(body)) != it.Size || store.MD5Hex(body) != it.MD5 {
		return fmt.Errorf("put %q: the body changed since it was hashed", a.Key)
	}
	_, err = s.Put(ctx, a.Key, body, it.Attributes(), a.Pre)
	return err
}

// isMD5 reports whether etag is a hex MD5 (a single-part upload's ETag),
// not a multipart ETag, which names no digest of the body.
func isMD5(etag string) bool {
	if len(etag) != 32 {
		return false
	}
	for _, c := range etag {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
