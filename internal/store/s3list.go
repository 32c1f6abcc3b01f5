package store

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// A listing page is ~230 KB of XML for 1,000 keys. The SDK decodes it
// token by token through encoding/xml (~5 µs an object: 0.6 CPU-s for a
// 100,000-entry bucket, in the chain of LISTs, each waiting for the one
// before). List reads the fields it keeps (Key, ETag, Size, LastModified;
// IsTruncated and NextContinuationToken for the paginator) with the
// scanner below instead, and hands every page it does not fully
// understand (an error status, a comment, CDATA, an unknown entity,
// anything not shaped like a ListBucketResult) to the SDK's own decoder,
// on the same bytes: the scanner either reads a page as the SDK does or
// leaves it to the SDK (TestFastListMatchesSDK).

// fastListOption makes one ListObjectsV2 call decode its page with
// fastList.
func fastListOption(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		orig, found := st.Deserialize.Get(opDeserializer)
		if !found {
			return nil // not there: the SDK decodes as usual
		}
		_, e := st.Deserialize.Swap(opDeserializer, fastList{orig})
		return e
	})
}

// opDeserializer is the ID of the SDK's operation deserializer.
const opDeserializer = "OperationDeserializer"

// fastList replaces the SDK's ListObjectsV2 deserializer; orig is that
// deserializer, which decodes what fastList does not.
type fastList struct {
	orig middleware.DeserializeMiddleware
}

func (fastList) ID() string { return opDeserializer }

func (m fastList) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if err != nil || !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 || resp.Header.Get("x-amz-request-charged") != "" {
		return m.orig.HandleDeserialize(ctx, in, done{out, md, err})
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if rerr != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		return m.orig.HandleDeserialize(ctx, in, done{out, md, err})
	}
	if page, ok := parseListPage(body); ok {
		out.Result = page
		return out, md, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return m.orig.HandleDeserialize(ctx, in, done{out, md, err})
}

// done is a DeserializeHandler that returns what the transport already
// returned.
type done struct {
	out middleware.DeserializeOutput
	md  middleware.Metadata
	err error
}

func (d done) HandleDeserialize(context.Context, middleware.DeserializeInput) (middleware.DeserializeOutput, middleware.Metadata, error) {
	return d.out, d.md, d.err
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// parseListPage reads a ListBucketResult; false when the page holds
// anything it does not read as the SDK would.
func parseListPage(b []byte) (*s3.ListObjectsV2Output, bool) {
	sc := xmlScan{b: b}
	if !sc.prolog() {
		return nil, false
	}
	name, closed, ok := sc.open()
	if !ok || name != "ListBucketResult" || closed {
		return nil, false
	}
	out := &s3.ListObjectsV2Output{}
	for {
		name, closed, ok := sc.open()
		if !ok {
			return nil, false
		}
		if name == "" { // </ListBucketResult>
			if sc.last != "ListBucketResult" || !sc.end() {
				return nil, false
			}
			return out, true
		}
		if name == "Contents" {
			if closed {
				return nil, false
			}
			obj, ok := sc.object()
			if !ok {
				return nil, false
			}
			out.Contents = append(out.Contents, obj)
			continue
		}
		var text string
		if !closed {
			if text, ok = sc.text(name); !ok {
				return nil, false
			}
		}
		switch name {
		case "IsTruncated":
			v, err := strconv.ParseBool(text)
			if err != nil {
				return nil, false
			}
			out.IsTruncated = &v
		case "NextContinuationToken":
			out.NextContinuationToken = &text
		case "ContinuationToken":
			out.ContinuationToken = &text
		case "KeyCount", "MaxKeys":
			n, err := strconv.ParseInt(text, 10, 32)
			if err != nil {
				return nil, false
			}
			k := int32(n)
			if name == "KeyCount" {
				out.KeyCount = &k
			} else {
				out.MaxKeys = &k
			}
		case "Name":
			out.Name = &text
		case "Prefix":
			out.Prefix = &text
		case "StartAfter":
			out.StartAfter = &text
		case "Delimiter", "EncodingType", "CommonPrefixes":
			// Never asked for by List: the SDK would decode them.
			return nil, false
		default:
			// The SDK skips an element it does not know; it matches the
			// names it knows in any case.
			if pageFields[strings.ToLower(name)] {
				return nil, false
			}
		}
	}
}

// pageFields are the ListObjectsV2Output fields the SDK decodes, lower case.
var pageFields = map[string]bool{
	"commonprefixes": true, "contents": true, "continuationtoken": true, "delimiter": true,
	"encodingtype": true, "istruncated": true, "keycount": true, "maxkeys": true, "name": true,
	"nextcontinuationtoken": true, "prefix": true, "startafter": true,
}

// object reads the children of a <Contents> element up to its end tag.
func (sc *xmlScan) object() (types.Object, bool) {
	var o types.Object
	for {
		name, closed, ok := sc.open()
		if !ok {
			return o, false
		}
		if name == "" { // </Contents>
			return o, sc.last == "Contents"
		}
		var text string
		if !closed {
			if name == "Owner" || name == "RestoreStatus" {
				return o, false // nested: left to the SDK
			}
			if text, ok = sc.text(name); !ok {
				return o, false
			}
		}
		switch name {
		case "Key":
			o.Key = &text
		case "ETag":
			o.ETag = &text
		case "Size":
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil {
				return o, false
			}
			o.Size = &n
		case "LastModified":
			t, err := time.Parse(time.RFC3339Nano, text)
			if err != nil {
				return o, false
			}
			o.LastModified = &t
		case "StorageClass":
			o.StorageClass = types.ObjectStorageClass(text)
		case "ChecksumAlgorithm": // AWS lists one for every new object
			o.ChecksumAlgorithm = append(o.ChecksumAlgorithm, types.ChecksumAlgorithm(text))
		case "ChecksumType":
			o.ChecksumType = types.ChecksumType(text)
		default:
			// Not read here, so not left as the SDK would fill it.
			return o, false
		}
	}
}

// xmlScan reads the flat XML of a listing page: elements, text and the
// five predefined entities and character references; nothing else.
type xmlScan struct {
	b    []byte
	i    int
	last string // the name of the last end tag read
}

// prolog skips the XML declaration a listing starts with, if any, and
// white space before the root; an unusual declaration (another encoding,
// a byte order mark, space before it) is left to the SDK.
func (sc *xmlScan) prolog() bool {
	for _, d := range []string{`<?xml version="1.0" encoding="UTF-8"?>`, `<?xml version="1.0" encoding="utf-8"?>`, `<?xml version="1.0"?>`} {
		if bytes.HasPrefix(sc.b, []byte(d)) {
			sc.i = len(d)
			break
		}
	}
	if sc.i == 0 && !bytes.HasPrefix(sc.b, []byte("<ListBucketResult")) {
		return false
	}
	sc.space()
	return true
}

func (sc *xmlScan) space() {
	for sc.i < len(sc.b) && (sc.b[sc.i] == ' ' || sc.b[sc.i] == '\n' || sc.b[sc.i] == '\r' || sc.b[sc.i] == '\t') {
		sc.i++
	}
}

// end reports whether only white space follows.
func (sc *xmlScan) end() bool {
	sc.space()
	return sc.i == len(sc.b)
}

// open reads the next tag, skipping white space before it: a start tag's
// name and whether it closes itself (<Prefix/>), or "" for an end tag
// (its name in sc.last). Attributes are allowed on the root only
// (xmlns); anything else is refused.
func (sc *xmlScan) open() (name string, closed, ok bool) {
	sc.space()
	if sc.i >= len(sc.b) || sc.b[sc.i] != '<' {
		return "", false, false
	}
	j := bytes.IndexByte(sc.b[sc.i:], '>')
	if j < 0 {
		return "", false, false
	}
	tag := sc.b[sc.i+1 : sc.i+j]
	sc.i += j + 1
	if len(tag) == 0 {
		return "", false, false
	}
	switch tag[0] {
	case '/':
		sc.last = string(tag[1:])
		return "", false, validName(tag[1:])
	case '!', '?':
		return "", false, false
	}
	if tag[len(tag)-1] == '/' {
		closed = true
		tag = tag[:len(tag)-1]
	}
	if k := bytes.IndexAny(tag, " \t\r\n"); k >= 0 {
		if string(tag[:k]) != "ListBucketResult" || !xmlnsOnly(tag[k:]) {
			return "", false, false
		}
		tag = tag[:k]
	}
	if !validName(tag) {
		return "", false, false
	}
	return string(tag), closed, true
}

// xmlnsOnly reports whether attrs is one xmlns="…" attribute and white
// space.
func xmlnsOnly(attrs []byte) bool {
	a := strings.Trim(string(attrs), " \t\r\n")
	v, ok := strings.CutPrefix(a, `xmlns="`)
	if !ok || !strings.HasSuffix(v, `"`) {
		return false
	}
	for _, c := range []byte(v[:len(v)-1]) {
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '&' {
			return false
		}
	}
	return true
}

func validName(b []byte) bool {
	if len(b) == 0 || b[0] >= '0' && b[0] <= '9' {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// text reads an element's text up to its end tag </name>; false when the
// element has children or markup the scanner does not read.
func (sc *xmlScan) text(name string) (string, bool) {
	j := bytes.IndexByte(sc.b[sc.i:], '<')
	if j < 0 {
		return "", false
	}
	raw := sc.b[sc.i : sc.i+j]
	sc.i += j
	end := "</" + name + ">"
	if !bytes.HasPrefix(sc.b[sc.i:], []byte(end)) {
		return "", false
	}
	sc.i += len(end)
	if bytes.IndexByte(raw, '\r') >= 0 || bytes.Contains(raw, []byte("]]>")) {
		return "", false // the SDK's decoder normalises line ends, and refuses ]]> outside CDATA
	}
	s := string(raw)
	if bytes.IndexByte(raw, '&') >= 0 {
		var ok bool
		if s, ok = unescape(raw); !ok {
			return "", false
		}
	}
	if !utf8.ValidString(s) {
		return "", false
	}
	for _, r := range s {
		if !xmlChar(r) {
			return "", false // invalid UTF-8 or a character XML 1.0 forbids: the SDK's decoder refuses it
		}
	}
	return s, true
}

// xmlChar reports whether r may appear in an XML 1.0 document (the range
// encoding/xml accepts).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// unescape replaces XML's predefined entities and character references.
func unescape(raw []byte) (string, bool) {
	var s strings.Builder
	s.Grow(len(raw))
	for len(raw) > 0 {
		k := bytes.IndexByte(raw, '&')
		if k < 0 {
			s.Write(raw)
			break
		}
		s.Write(raw[:k])
		raw = raw[k:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 {
			return "", false
		}
		ent := string(raw[1:semi])
		raw = raw[semi+1:]
		switch ent {
		case "amp":
			s.WriteByte('&')
		case "lt":
			s.WriteByte('<')
		case "gt":
			s.WriteByte('>')
		case "quot":
			s.WriteByte('"')
		case "apos":
			s.WriteByte('\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return "", false
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			r := rune(n)
			if err != nil || !utf8.ValidRune(r) {
				return "", false
			}
			s.WriteRune(r)
		}
	}
	return s.String(), true
}
