// Package plan decides and carries out a sync's writes: the objects the
// content produces against the bucket listing make a Plan (each write or
// delete with its reason and precondition), and Apply writes it in the order
// that keeps readers consistent.
package plan

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/axctl/axctl/internal/contract"

	"github.com/axctl/axctl/internal/store"
)

// Kind is what an object is for; it decides the apply order.
type Kind string

// Kinds, in apply order.
const (
	KindAsset    Kind = "asset"
	KindEntry    Kind = "entry"
	KindManifest Kind = "manifest"
	// KindPurge is the pending-purge record (contract.PurgePendingKey): a
	// sync that will purge writes it before anything else.
	KindPurge Kind = "purge"
)

// Reason says why an object is written or deleted.
type Reason string

// Reasons a plan gives.
const (
	ReasonNew             Reason = "new"
	ReasonContentChanged  Reason = "content changed"
	ReasonMetadataChanged Reason = "metadata changed"
	ReasonRendererChanged Reason = "renderer changed"
	ReasonRemoved         Reason = "no longer produced"
	ReasonPurgePending    Reason = "tags to purge"
	// ReasonAttrsDiffer is an object the listing shows unchanged whose
	// attributes a HEAD found different (sync --verify).
	ReasonAttrsDiffer Reason = "bucket attributes differ"
)

// Item is one object the content produces.
type Item struct {
	Key  string
	Kind Kind
	Body []byte // nil when Src or Open gives the body
	Src  string // a body kept on disk (a rendered entry in the cache)
	// SrcByMD5 says Src is a folder of such bodies, each named by its MD5
	// (SrcFile): the entries of a sync share one string, where a whole
	// path each was ~10 MB held through a 100,000-entry sync.
	SrcByMD5 bool
	// Open, when set, opens the body at apply time (assets: through the
	// content root they were hashed from); it is streamed, never held in
	// memory, and must be Size bytes with this MD5.
	Open  func() (io.ReadSeekCloser, error)
	Size  int64
	MD5   string // hex MD5 of the body (the ETag a single PUT yields)
	Attrs store.Attrs
	// Meta, when set, makes the custom metadata when the object is written
	// or verified (Attributes): an entry keeps its record, not one more map
	// per entry for the whole sync.
	Meta func() map[string]string
	// Load, when set, reads the body and its attributes at apply time (pull:
	// from the source bucket); the body must have this MD5 when MD5 is one.
	Load func(ctx context.Context) ([]byte, store.Attrs, error)
	// Hash and Input are the entry record's hashes (entries only). The
	// digest of its listing fields (MetaDigest) is made from Meta only for
	// an entry the plan rewrites: a no-op makes none.
	Hash, Input string
}

// SrcFile is the file holding the body on disk: Src, or with SrcByMD5 the
// file <MD5>.html in the folder Src ("" when neither gives one).
func (it *Item) SrcFile() string {
	if it.SrcByMD5 && it.Src != "" {
		return it.Src + string(os.PathSeparator) + it.MD5 + ".html"
	}
	return it.Src
}

// metaDigest is the MetaDigest of the metadata Meta makes (zero without Meta).
func (it *Item) metaDigest() [md5.Size]byte {
	if it.Meta == nil {
		return [md5.Size]byte{}
	}
	return MetaDigest(it.Meta())
}

// Attributes returns it.Attrs, with the metadata Meta makes when it is set.
func (it *Item) Attributes() store.Attrs {
	a := it.Attrs
	if it.Meta != nil {
		a.Metadata = it.Meta()
	}
	return a
}

// Previous is what the bucket's current manifests say about an entry; it
// only refines the reason a changed entry is written.
type Previous struct {
	Hash, Input string
	MetaDigest  [md5.Size]byte
}

// MetaDigest summarises the metadata an author writes (frontmatter), not
// what is derived from the body (words) or the hashes, so a plan can
// say "metadata changed" rather than "content changed". It is the digest
// itself, not its hex: Previous holds one per entry the old manifests name.
func MetaDigest(meta map[string]string) [md5.Size]byte {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		switch k {
		case "hash", "input", "words":
		default:
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := md5.New()
	for _, k := range keys {
		h.Write([]byte(k + "\x00" + meta[k] + "\x00"))
	}
	var sum [md5.Size]byte
	h.Sum(sum[:0])
	return sum
}

// Action is one write or delete with its reason.
type Action struct {
	Key    string `json:"key"`
	Kind   Kind   `json:"kind"`
	Reason Reason `json:"reason"`
	// Precondition for manifest writes: the listed ETag, or must-not-exist.
	Pre  store.Precondition `json:"-"`
	Item *Item              `json:"-"`
}

// Plan is what a sync will do. It is computed without I/O.
type Plan struct {
	Uploads   []Action `json:"uploads"`
	Deletes   []Action `json:"deletes"`
	Unchanged int      `json:"unchanged"`
}

// ManagedPrefixes are the key prefixes sync owns: anything under them that
// the content does not produce is deleted.
var ManagedPrefixes = []string{"assets/", "entries/", "metadata/"}

// Make compares the objects the content produces with the bucket
// listing. An object is unchanged exactly when its listed ETag is the MD5 of
// the bytes the content produces: entry bodies carry their hash, which
// covers their metadata, so the listing alone decides. prev, the records
// the bucket's manifests held, only refines why an entry is rewritten.
func Make(local []Item, remote map[string]store.Object, prev map[string]Previous) *Plan {
	return diff([][]Item{local}, remote, prev, false)
}

// MakeOf is Make of the items of every part, in order: a caller holding
// them in several slices need not copy them into one (each action points
// at its item where it is).
func MakeOf(parts [][]Item, remote map[string]store.Object, prev map[string]Previous) *Plan {
	return diff(parts, remote, prev, false)
}

// Mirror plans making remote hold exactly the objects local lists (pull
// into a directory): an object is written when its listed ETag differs from
// the item's MD5, whatever its kind (a damaged asset copy is repaired), and
// every other key is deleted, managed or not. Manifests keep their
// conditional writes and the apply order keeps a reader of remote
// consistent while it changes.
func Mirror(local []Item, remote map[string]store.Object) *Plan {
	return diff([][]Item{local}, remote, nil, true)
}

func diff(parts [][]Item, remote map[string]store.Object, prev map[string]Previous, mirror bool) *Plan {
	p := &Plan{}
	n := 0
	for _, local := range parts {
		n += len(local)
	}
	produced := make(map[string]bool, n)
	for _, local := range parts {
		p.diffPart(local, remote, prev, mirror, produced)
	}
	owned := Managed
	if mirror {
		owned = func(string) bool { return true }
	}
	for key := range remote {
		if produced[key] || !owned(key) {
			continue
		}
		p.Deletes = append(p.Deletes, Action{Key: key, Kind: KindOf(key), Reason: ReasonRemoved})
	}
	sortUploads(p.Uploads)
	sort.Slice(p.Deletes, func(i, j int) bool { return p.Deletes[i].Key < p.Deletes[j].Key })
	return p
}

// diffPart adds to p what local's items need, and their keys to produced.
func (p *Plan) diffPart(local []Item, remote map[string]store.Object, prev map[string]Previous, mirror bool, produced map[string]bool) {
	for i := range local {
		it := &local[i]
		produced[it.Key] = true
		obj, exists := remote[it.Key]
		a := Action{Key: it.Key, Kind: it.Kind, Item: it, Pre: condition(it.Kind, obj, exists)}
		switch {
		case !exists:
			a.Reason = ReasonNew
		case it.Kind == KindAsset && !mirror:
			// Content-addressed: the key names the bytes. Never overwrite.
			p.Unchanged++
			continue
		case obj.ETag == it.MD5:
			p.Unchanged++
			continue
		case it.Kind != KindEntry:
			a.Reason = ReasonContentChanged
		default: // a changed entry
			old, known := prev[it.Key]
			switch {
			case known && old.Input == it.Input && old.Hash != it.Hash:
				a.Reason = ReasonRendererChanged
			case known && old.MetaDigest != it.metaDigest():
				a.Reason = ReasonMetadataChanged
			default:
				a.Reason = ReasonContentChanged
			}
		}
		p.Uploads = append(p.Uploads, a)
	}
}

// condition is the precondition of a write: a manifest is written only over
// the object the listing showed (its ETag), or where the listing showed
// none; bodies are written unconditionally.
func condition(kind Kind, listed store.Object, exists bool) store.Precondition {
	switch {
	case kind != KindManifest:
		return store.Precondition{}
	case exists:
		return store.Precondition{IfMatch: listed.ETag}
	default:
		return store.Precondition{IfNoneMatch: true}
	}
}

// ErrRefused is returned (wrapped) when a guard refuses a plan before
// anything is written.
var ErrRefused = errors.New("refused by a guard")

// Guard refuses a plan that deletes more than maxDeletes objects (the
// --max-deletes guard); a negative maxDeletes means no limit.
func (p *Plan) Guard(maxDeletes int) error {
	if maxDeletes >= 0 && len(p.Deletes) > maxDeletes {
		return fmt.Errorf("%w: the plan deletes %d objects, more than --max-deletes %d; nothing was written", ErrRefused, len(p.Deletes), maxDeletes)
	}
	return nil
}

// sortUploads puts uploads in apply order: assets, entries, manifests, then by key.
func sortUploads(ups []Action) {
	order := map[Kind]int{KindAsset: 0, KindEntry: 1, KindManifest: 2}
	sort.Slice(ups, func(i, j int) bool {
		a, b := ups[i], ups[j]
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] < order[b.Kind]
		}
		return a.Key < b.Key
	})
}

// Rewrite adds a put of it, which the listing shows unchanged (listed) but
// whose stored attributes differ from it.Attrs (sync --verify): the body is
// the same, so only a put of the whole object repairs it. A manifest keeps
// its conditional write.
func (p *Plan) Rewrite(it *Item, listed store.Object) {
	a := Action{Key: it.Key, Kind: it.Kind, Reason: ReasonAttrsDiffer, Item: it, Pre: condition(it.Kind, listed, true)}
	p.Unchanged--
	p.Uploads = append(p.Uploads, a)
	sortUploads(p.Uploads)
}

// Managed reports whether key is under one of the ManagedPrefixes and is
// not the sync lease (contract.LeaseKey), which no plan writes or deletes,
// nor the pending-purge record (contract.PurgePendingKey), which a plan
// writes only as a KindPurge action and never deletes.
func Managed(key string) bool {
	if key == contract.LeaseKey || key == contract.PurgePendingKey {
		return false
	}
	for _, pre := range ManagedPrefixes {
		if strings.HasPrefix(key, pre) {
			return true
		}
	}
	return false
}

// KindOf is the kind of an object by its key alone: an asset, an entry, or
// (anything else) a manifest.
func KindOf(key string) Kind {
	switch {
	case strings.HasPrefix(key, "assets/"):
		return KindAsset
	case strings.HasPrefix(key, "entries/"):
		return KindEntry
	}
	return KindManifest
}

// Empty reports whether the plan writes and deletes nothing.
func (p *Plan) Empty() bool { return len(p.Uploads) == 0 && len(p.Deletes) == 0 }

// Count returns the uploads of a kind, by reason.
func (p *Plan) Count(kind Kind) map[Reason]int {
	out := map[Reason]int{}
	for _, a := range p.Uploads {
		if a.Kind == kind {
			out[a.Reason]++
		}
	}
	return out
}

// String renders the plan as one line per action, then a summary.
func (p *Plan) String() string {
	var b strings.Builder
	for _, a := range p.Uploads {
		fmt.Fprintf(&b, "put    %-8s %s (%s)\n", a.Kind, a.Key, a.Reason)
	}
	for _, a := range p.Deletes {
		fmt.Fprintf(&b, "delete %-8s %s (%s)\n", a.Kind, a.Key, a.Reason)
	}
	return b.String()
}
