package syncer_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/axctl/axctl/internal/plan"
	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/syncer"
	"github.com/axctl/axctl/internal/testutil/minio"
	"github.com/axctl/axctl/internal/testutil/synctest"
)

// TestVerifyRepairsStrippedMetadata: an entry object whose custom metadata
// was stripped behind axctl's back keeps its body and ETag, so a sync's
// LIST sees nothing; sync --verify HEADs it, reports every missing field,
// puts it again with its metadata (a dry run only reports), and a second
// --verify finds nothing.
func TestVerifyRepairsStrippedMetadata(t *testing.T) {
	const key = "entries/blog/p01.html"
	stores := []struct {
		name  string
		open  func(t *testing.T) store.Store
		strip func(t *testing.T, s store.Store)
	}{
		{"dir", func(t *testing.T) store.Store {
			s, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, func(t *testing.T, s store.Store) {
			// The dir store keeps attributes in a sidecar: drop its metadata, keep its ETag.
			p := filepath.Join(s.(*store.DirStore).Dir(), ".meta", filepath.FromSlash(key)+".json")
			var sc map[string]any
			b, err := os.ReadFile(p)
			if err == nil {
				err = json.Unmarshal(b, &sc)
			}
			if err != nil {
				t.Fatal(err)
			}
			sc["metadata"] = map[string]string{"title": "Post 1"}
			if b, err = json.Marshal(sc); err == nil {
				err = os.WriteFile(p, b, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"minio", nil, nil},
	}
	var srv *minio.Server
	stores[1].open = func(t *testing.T) store.Store {
		srv = minio.Start(t)
		return s3Store(t, srv, store.S3Options{})
	}
	stores[1].strip = func(t *testing.T, _ store.Store) {
		// A CopyObject onto itself with REPLACE keeps the body (and ETag) and drops the metadata.
		_, err := srv.Client().CopyObject(context.Background(), &s3.CopyObjectInput{
			Bucket: aws.String(srv.Bucket), Key: aws.String(key), CopySource: aws.String(srv.Bucket + "/" + key),
			MetadataDirective: types.MetadataDirectiveReplace, ContentType: aws.String("text/html; charset=utf-8"),
			Metadata: map[string]string{"title": "Post 1"},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := newSite(t, 3)
			s.blogOf(4)
			storage := st.open(t)
			run(t, s, storage)
			before := snapshot(t, storage)
			st.strip(t, storage)
			after := snapshot(t, storage)
			if after[key].ETag != before[key].ETag {
				t.Fatalf("stripping changed the ETag: %s → %s", before[key].ETag, after[key].ETag)
			}
			if len(after[key].Attrs.Metadata) >= len(before[key].Attrs.Metadata) {
				t.Fatalf("metadata not stripped: %v", after[key].Attrs.Metadata)
			}
			if rep := run(t, s, storage); !rep.Plan.Empty() {
				t.Fatalf("a plain sync saw the change (the test is moot):\n%s", rep.Plan)
			}

			verify := func(dry bool) *syncer.Report {
				t.Helper()
				rep, err := synctest.Run(context.Background(), s.config(), storage, syncer.Options{MaxDeletes: -1, Concurrency: 4, Verify: true, DryRun: dry})
				if err != nil {
					t.Fatalf("sync --verify: %v", err)
				}
				return rep
			}
			dry := verify(true)
			fields := map[string]bool{}
			for _, d := range dry.Drift {
				if d.Key != key {
					t.Errorf("drift on an untouched object: %s", d)
				}
				fields[d.Field] = true
			}
			for _, f := range []string{"metadata.hash", "metadata.input", "metadata.date", "metadata.words"} {
				if !fields[f] {
					t.Errorf("drift misses %s: %v", f, dry.Drift)
				}
			}
			if fields["metadata.title"] {
				t.Errorf("title was kept, yet reported: %v", dry.Drift)
			}
			if dry.Heads < len(before)-2 || len(dry.Plan.Uploads) != 1 || dry.Plan.Uploads[0].Key != key || dry.Plan.Uploads[0].Reason != plan.ReasonAttrsDiffer {
				t.Errorf("dry run: %d heads of %d objects, plan:\n%s", dry.Heads, len(before), dry.Plan)
			}
			sameBucket(t, snapshot(t, storage), after) // a dry run writes nothing

			rep := verify(false)
			if len(rep.Drift) == 0 || rep.Result == nil {
				t.Fatalf("verify found %v, applied %+v", rep.Drift, rep.Result)
			}
			sameBucket(t, snapshot(t, storage), before) // repaired: same body, same metadata as the sync wrote

			again := verify(false)
			if len(again.Drift) != 0 || !again.Plan.Empty() {
				t.Errorf("second --verify: drift %v, plan:\n%s", again.Drift, again.Plan)
			}
		})
	}
}

// TestVerifyManyObjects runs sync --verify over a bucket of a few hundred
// unchanged objects (the HEADs run 16 at once while the loop that starts
// them reads what the finished ones found: it read that map unlocked, and
// the process died with "concurrent map read and map write" from ~2,000
// entries; run with -race to see it at any size).
func TestVerifyManyObjects(t *testing.T) {
	s := newSite(t, 10)
	s.blogOf(400)
	storage, err := store.NewDirStore(filepath.Join(t.TempDir(), "bucket"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, s, storage)
	rep, err := synctest.Run(context.Background(), s.config(), storage, syncer.Options{MaxDeletes: -1, Concurrency: 16, Verify: true})
	if err != nil {
		t.Fatalf("sync --verify: %v", err)
	}
	if len(rep.Drift) != 0 || !rep.Plan.Empty() || rep.Heads < 400 {
		t.Fatalf("sync --verify of an unchanged bucket: %d heads, drift %v, plan:\n%s", rep.Heads, rep.Drift, rep.Plan)
	}
}
