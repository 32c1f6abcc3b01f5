// Package storetest is the conformance suite every store.Store must pass.
// Each implementation's test calls Run with a constructor that returns a
// new, empty store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axctl/axctl/internal/store"
)

// R2MetadataLimit is R2's per-object custom metadata budget in bytes, as
// store.MetadataSize counts.
const R2MetadataLimit = 8192

// Options describe what the store under test accepts.
type Options struct {
	// MetadataLimit is the largest metadata the store accepts, in bytes as
	// store.MetadataSize counts them (header names included). The suite
	// writes metadata of exactly this size. 0 means R2MetadataLimit.
	MetadataLimit int
}

// MinIO is what a MinIO server accepts: 2 KiB of user metadata counted
// with the header names (cmd/generic-handlers.go maxUserDataSize).
var MinIO = Options{MetadataLimit: 2048}

// Run runs the suite. newStore must return a new, empty store each call.
func Run(t *testing.T, newStore func(t *testing.T) store.Store, opts Options) {
	if opts.MetadataLimit == 0 {
		opts.MetadataLimit = R2MetadataLimit
	}
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("MetadataValues", func(t *testing.T) { testMetadataValues(t, newStore(t)) })
	t.Run("MetadataAtLimit", func(t *testing.T) { testMetadataAtLimit(t, newStore(t), opts) })
	t.Run("MetadataBadKey", func(t *testing.T) { testMetadataBadKey(t, newStore(t)) })
	t.Run("ListOrderAndPrefix", func(t *testing.T) { testListOrder(t, newStore(t)) })
	t.Run("ListStopsOnError", func(t *testing.T) { testListStops(t, newStore(t)) })
	t.Run("ManyObjects", func(t *testing.T) { testMany(t, newStore(t)) })
	t.Run("IfNoneMatch", func(t *testing.T) { testIfNoneMatch(t, newStore(t)) })
	t.Run("IfMatch", func(t *testing.T) { testIfMatch(t, newStore(t)) })
	t.Run("IdempotentConditionalPut", func(t *testing.T) { testIdempotent(t, newStore(t)) })
	t.Run("IfNoneMatchRace", func(t *testing.T) { testRace(t, newStore(t)) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, newStore(t)) })
	t.Run("EmptyBody", func(t *testing.T) { testEmptyBody(t, newStore(t)) })
}

func put(t *testing.T, s store.Store, key string, body []byte, attrs store.Attrs) string {
	t.Helper()
	etag, err := s.Put(context.Background(), key, body, attrs, store.Precondition{})
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return etag
}

func list(t *testing.T, s store.Store, prefix string) []store.Object {
	t.Helper()
	var objs []store.Object
	if err := s.List(context.Background(), prefix, func(o store.Object) error {
		objs = append(objs, o)
		return nil
	}); err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return objs
}

func keys(objs []store.Object) []string {
	var ks []string
	for _, o := range objs {
		ks = append(ks, o.Key)
	}
	return ks
}

// checkAttrs compares attributes, treating nil and empty metadata alike.
func checkAttrs(t *testing.T, what string, got, want store.Attrs) {
	t.Helper()
	if got.ContentType != want.ContentType || got.CacheControl != want.CacheControl {
		t.Errorf("%s: content type %q, cache control %q; want %q, %q", what, got.ContentType, got.CacheControl, want.ContentType, want.CacheControl)
	}
	if !maps.Equal(got.Metadata, want.Metadata) {
		for _, k := range slices.Sorted(maps.Keys(want.Metadata)) {
			if got.Metadata[k] != want.Metadata[k] {
				t.Errorf("%s: metadata[%q] = %q, want %q", what, k, got.Metadata[k], want.Metadata[k])
			}
		}
		for k := range got.Metadata {
			if _, ok := want.Metadata[k]; !ok {
				t.Errorf("%s: unexpected metadata[%q] = %q", what, k, got.Metadata[k])
			}
		}
	}
}

// roundTrip puts and reads back through Head, Get and List.
func roundTrip(t *testing.T, s store.Store, key string, body []byte, attrs store.Attrs) {
	t.Helper()
	ctx := context.Background()
	before := time.Now().Add(-time.Minute)
	etag := put(t, s, key, body, attrs)
	if etag != store.MD5Hex(body) {
		t.Errorf("Put ETag = %q, want hex MD5 %q", etag, store.MD5Hex(body))
	}
	obj, got, err := s.Head(ctx, key)
	if err != nil {
		t.Fatalf("Head(%q): %v", key, err)
	}
	checkAttrs(t, "Head", got, attrs)
	if obj.Key != key || obj.Size != int64(len(body)) || obj.ETag != etag {
		t.Errorf("Head object = %+v, want key %q size %d etag %q", obj, key, len(body), etag)
	}
	if obj.LastModified.Before(before) || obj.LastModified.After(time.Now().Add(time.Minute)) {
		t.Errorf("Head LastModified = %v, want about now", obj.LastModified)
	}
	b, gobj, got, err := s.Get(ctx, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if !bytes.Equal(b, body) {
		t.Errorf("Get body = %q, want %q", b, body)
	}
	checkAttrs(t, "Get", got, attrs)
	if gobj.ETag != etag || gobj.Size != int64(len(body)) {
		t.Errorf("Get object = %+v, want etag %q size %d", gobj, etag, len(body))
	}
	objs := list(t, s, key)
	if len(objs) == 0 || objs[0].Key != key || objs[0].ETag != etag || objs[0].Size != int64(len(body)) {
		t.Errorf("List(%q) = %+v, want %q first with etag %q", key, objs, key, etag)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	roundTrip(t, s, "entries/blog/hello.html", []byte("<p>Hello, world.</p>\n"), store.Attrs{
		ContentType:  "text/html; charset=utf-8",
		CacheControl: "public, max-age=60",
		Metadata:     map[string]string{"title": "Hello", "date": "2026-11-02T00:00:00Z", "hash": "0123abcd"},
	})
	roundTrip(t, s, "assets/0a1b.png", []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 255}, store.Attrs{
		ContentType:  "image/png",
		CacheControl: "public, max-age=31536000, immutable",
	})
	if s.String() == "" {
		t.Error("String() is empty")
	}
}

func testOverwrite(t *testing.T, s store.Store) {
	put(t, s, "k", []byte("one"), store.Attrs{ContentType: "text/plain", Metadata: map[string]string{"a": "1", "b": "2"}})
	roundTrip(t, s, "k", []byte("two"), store.Attrs{ContentType: "application/json", Metadata: map[string]string{"a": "3"}})
	if objs := list(t, s, ""); len(objs) != 1 {
		t.Errorf("List after overwrite = %v, want one object", keys(objs))
	}
}

// MetadataValues are the values every store must return exactly as given.
// Their total stays under MinIO's 2 KiB.
var MetadataValues = map[string]string{
	"title":    "Café society: naïve résumé",
	"emoji":    "Launch 🚀🎉 done",
	"cjk":      "日本語のタイトル",
	"quotes":   `He said "hi" & 'bye' <b>`,
	"newline":  "line one\nline two\r\nline three",
	"leading":  "  leading spaces",
	"trailing": "trailing space ",
	"inner":    "two  spaces\tand a tab",
	"word":     "=?UTF-8?b?Zm9v?= looks encoded",
	"long":     strings.Repeat("Ünïcödé ", 12),
	"ascii":    strings.Repeat("plain ascii, ", 12),
	"json":     `[{"name":"Café","slug":"caf%C3%A9"}]`,
	"percent":  "100% = 50%+50%",
	"control":  "bell\x07 del\x7f",
}

func testMetadataValues(t *testing.T, s store.Store) {
	roundTrip(t, s, "entries/blog/meta.html", []byte("<p>x</p>"), store.Attrs{
		ContentType: "text/html; charset=utf-8",
		Metadata:    MetadataValues,
	})
}

// AtLimit returns metadata, mixing encoded and plain values, whose
// store.MetadataSize is exactly limit.
func AtLimit(limit int) map[string]string {
	m := map[string]string{
		"title":       "Ünïcödé title — “quoted” 🚀",
		"description": "a description\nover two lines",
		"tags":        `[{"name":"Café","slug":"caf%C3%A9"}]`,
		"filler":      "",
	}
	m["filler"] = strings.Repeat("x", limit-store.MetadataSize(m))
	return m
}

func testMetadataAtLimit(t *testing.T, s store.Store, opts Options) {
	m := AtLimit(opts.MetadataLimit)
	if n := store.MetadataSize(m); n != opts.MetadataLimit {
		t.Fatalf("metadata size = %d, want %d", n, opts.MetadataLimit)
	}
	roundTrip(t, s, "limit", []byte("body"), store.Attrs{ContentType: "text/plain", Metadata: m})
}

func testMetadataBadKey(t *testing.T, s store.Store) {
	for _, k := range []string{"Title", "clé", "", "a b", "x:y"} {
		_, err := s.Put(context.Background(), "bad", []byte("x"), store.Attrs{Metadata: map[string]string{k: "v"}}, store.Precondition{})
		if err == nil {
			t.Errorf("Put with metadata key %q: no error", k)
		}
	}
	if objs := list(t, s, ""); len(objs) != 0 {
		t.Errorf("rejected puts wrote %v", keys(objs))
	}
}

func testListOrder(t *testing.T, s store.Store) {
	for _, k := range []string{"b", "a/b", "a-b", "a/a", "c/d/e", "ab", "a/c/z", "B"} {
		put(t, s, k, []byte(k), store.Attrs{})
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"B", "a-b", "a/a", "a/b", "a/c/z", "ab", "b", "c/d/e"}},
		{"a/", []string{"a/a", "a/b", "a/c/z"}},
		{"a", []string{"a-b", "a/a", "a/b", "a/c/z", "ab"}},
		{"c/d/", []string{"c/d/e"}},
		{"zz", nil},
	} {
		if got := keys(list(t, s, tc.prefix)); !slices.Equal(got, tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	for _, o := range list(t, s, "") {
		if o.ETag != store.MD5Hex([]byte(o.Key)) || o.Size != int64(len(o.Key)) || o.LastModified.IsZero() {
			t.Errorf("List object %+v: want etag %s, size %d, a time", o, store.MD5Hex([]byte(o.Key)), len(o.Key))
		}
	}
}

func testListStops(t *testing.T, s store.Store) {
	for _, k := range []string{"a", "b", "c"} {
		put(t, s, k, nil, store.Attrs{})
	}
	stop := errors.New("stop")
	n := 0
	err := s.List(context.Background(), "", func(store.Object) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("List returned %v after %d calls, want fn's error after 1", err, n)
	}
}

// testMany crosses the 1,000-key page and batch limits: list pagination,
// then one Delete of every key plus missing ones.
func testMany(t *testing.T, s store.Store) {
	const n = 1050
	ctx := context.Background()
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("many/%05d", i)
	}
	put(t, s, "other", []byte("stays"), store.Attrs{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	for _, k := range want {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := s.Put(ctx, k, []byte(k), store.Attrs{}, store.Precondition{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	objs := list(t, s, "many/")
	if got := keys(objs); !slices.Equal(got, want) {
		t.Fatalf("List(many/) returned %d keys, want %d in order", len(got), n)
	}
	for _, o := range objs {
		if o.ETag != store.MD5Hex([]byte(o.Key)) {
			t.Fatalf("List: %s has etag %s", o.Key, o.ETag)
		}
	}
	del := append(slices.Clone(want), "missing/1", "missing/2", "many/99999")
	if err := s.Delete(ctx, del); err != nil {
		t.Fatalf("Delete(%d keys): %v", len(del), err)
	}
	if got := keys(list(t, s, "")); !slices.Equal(got, []string{"other"}) {
		t.Errorf("after Delete, List = %d keys (%.5q…), want [other]", len(got), got)
	}
	if _, _, err := s.Head(ctx, want[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Head(deleted) = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, nil); err != nil {
		t.Errorf("Delete(nil) = %v", err)
	}
}

func testIfNoneMatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	pre := store.Precondition{IfNoneMatch: true}
	etag, err := s.Put(ctx, "m.json", []byte("v1"), store.Attrs{}, pre)
	if err != nil || etag != store.MD5Hex([]byte("v1")) {
		t.Fatalf("Put(IfNoneMatch) on a new key = %q, %v", etag, err)
	}
	_, err = s.Put(ctx, "m.json", []byte("v2"), store.Attrs{}, pre)
	if !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("Put(IfNoneMatch) on an existing key = %v, want ErrPrecondition", err)
	}
	if b, _, _, _ := s.Get(ctx, "m.json"); string(b) != "v1" {
		t.Errorf("failed Put changed the object to %q", b)
	}
}

func testIfMatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	old := put(t, s, "m.json", []byte("v1"), store.Attrs{})
	cur := put(t, s, "m.json", []byte("v2"), store.Attrs{})
	_, err := s.Put(ctx, "m.json", []byte("v3"), store.Attrs{}, store.Precondition{IfMatch: old})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("Put(IfMatch stale) = %v, want ErrPrecondition", err)
	}
	etag, err := s.Put(ctx, "m.json", []byte("v3"), store.Attrs{}, store.Precondition{IfMatch: cur})
	if err != nil || etag != store.MD5Hex([]byte("v3")) {
		t.Fatalf("Put(IfMatch current) = %q, %v", etag, err)
	}
	_, err = s.Put(ctx, "absent.json", []byte("v1"), store.Attrs{}, store.Precondition{IfMatch: cur})
	if !errors.Is(err, store.ErrPrecondition) {
		t.Errorf("Put(IfMatch) on a missing key = %v, want ErrPrecondition", err)
	}
	if b, _, _, _ := s.Get(ctx, "m.json"); string(b) != "v3" {
		t.Errorf("object = %q, want v3", b)
	}
}

// testRace: of concurrent create-only writers exactly one wins.
func testRace(t *testing.T, s store.Store) {
	const writers = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, lost := 0, 0
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Put(context.Background(), "race.json", fmt.Appendf(nil, "writer %d", i), store.Attrs{}, store.Precondition{IfNoneMatch: true})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrPrecondition):
				lost++
			default:
				t.Errorf("Put: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || lost != writers-1 {
		t.Errorf("%d writers won, %d lost; want 1 and %d", won, lost, writers-1)
	}
}

func testMissing(t *testing.T, s store.Store) {
	ctx := context.Background()
	put(t, s, "dir/present", []byte("x"), store.Attrs{})
	for _, k := range []string{"absent", "dir/absent", "dir/present/below", "dir"} {
		if _, _, err := s.Head(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Head(%q) = %v, want ErrNotFound", k, err)
		}
		if _, _, _, err := s.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", k, err)
		}
	}
	if err := s.Delete(ctx, []string{"absent"}); err != nil {
		t.Errorf("Delete(absent) = %v", err)
	}
}

func testEmptyBody(t *testing.T, s store.Store) {
	roundTrip(t, s, "empty", nil, store.Attrs{ContentType: "text/plain"})
}

// testIdempotent: a conditional Put whose object is already exactly in
// place succeeds (so a retry after a lost response is not a lost race); any
// difference in body or attributes still fails.
func testIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	attrs := store.Attrs{ContentType: "application/json", Metadata: map[string]string{"hash": "h1", "title": "Café"}}
	v1 := put(t, s, "m.json", []byte("v1"), attrs)
	for name, pre := range map[string]store.Precondition{
		"IfNoneMatch":   {IfNoneMatch: true},
		"IfMatch stale": {IfMatch: store.MD5Hex([]byte("v0"))},
	} {
		etag, err := s.Put(ctx, "m.json", []byte("v1"), attrs, pre)
		if err != nil || etag != v1 {
			t.Errorf("%s, same object: %q, %v; want success", name, etag, err)
		}
		other := attrs
		other.Metadata = map[string]string{"hash": "h2", "title": "Café"}
		if _, err := s.Put(ctx, "m.json", []byte("v1"), other, pre); !errors.Is(err, store.ErrPrecondition) {
			t.Errorf("%s, same body, other metadata: %v; want ErrPrecondition", name, err)
		}
		if _, err := s.Put(ctx, "m.json", []byte("v2"), attrs, pre); !errors.Is(err, store.ErrPrecondition) {
			t.Errorf("%s, other body: %v; want ErrPrecondition", name, err)
		}
	}
	if _, got, _ := s.Head(ctx, "m.json"); got.Metadata["hash"] != "h1" {
		t.Errorf("object changed: %+v", got)
	}
}
