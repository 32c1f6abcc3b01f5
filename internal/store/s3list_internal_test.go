package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// pageServer answers every request with one listing page.
type pageServer struct {
	status int
	body   []byte
}

func (p *pageServer) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: p.status, Header: http.Header{"Content-Type": {"application/xml"}},
		Body: io.NopCloser(bytes.NewReader(p.body)), Request: req}, nil
}

// decodeBoth lists one page of body with the SDK's decoder and with
// fastListOption.
func decodeBoth(t testing.TB, status int, body []byte) (sdk, fast *s3.ListObjectsV2Output, sdkErr, fastErr error) {
	t.Helper()
	client := s3.New(s3.Options{
		Region: "auto", BaseEndpoint: aws.String("http://127.0.0.1:1"), UsePathStyle: true,
		Credentials:      credentials.NewStaticCredentialsProvider("a", "b", ""),
		HTTPClient:       &http.Client{Transport: &pageServer{status, body}},
		RetryMaxAttempts: 1,
	})
	in := &s3.ListObjectsV2Input{Bucket: aws.String("b")}
	sdk, sdkErr = client.ListObjectsV2(context.Background(), in)
	fast, fastErr = client.ListObjectsV2(context.Background(), in, fastListOption)
	return
}

// same compares what a caller reads of two pages (not ResultMetadata).
func same(a, b *s3.ListObjectsV2Output) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.ResultMetadata = y.ResultMetadata
	return reflect.DeepEqual(x, y)
}

// hostileKey is a key with the characters XML escapes, white space, and
// non-ASCII text.
func hostileKey(r *rand.Rand, i int) string {
	parts := []string{"a", "&", "<", ">", "\"", "'", " ", "\t", "\n", "é", "日本", "😀", "/", "%2F", "&amp;", "]]>", "x.html"}
	var b strings.Builder
	fmt.Fprintf(&b, "entries/%d/", i)
	for n := r.IntN(6); n >= 0; n-- {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// escape writes s as XML text, choosing among the ways a server may
// escape each character.
func escape(r *rand.Rand, s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '&' || c == '<' || c == '>' && strings.HasSuffix(b.String(), "]]") ||
			(c == '>' || c == '"' || c == '\'' || c == '\t' || c == '\n') && r.IntN(2) == 0:
			switch r.IntN(3) {
			case 0:
				fmt.Fprintf(&b, "&#%d;", c)
			case 1:
				fmt.Fprintf(&b, "&#x%X;", c)
			default:
				b.WriteString(map[rune]string{'&': "&amp;", '<': "&lt;", '>': "&gt;", '"': "&quot;", '\'': "&apos;", '\t': "&#9;", '\n': "&#10;"}[c])
			}
		case c > 127 && r.IntN(4) == 0:
			fmt.Fprintf(&b, "&#%d;", c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// page renders a ListBucketResult of keys in the shape MinIO, S3 and R2
// send, with white space and optional elements chosen by r.
func page(r *rand.Rand, keys []string, truncated bool) []byte {
	var b bytes.Buffer
	ws := func() {
		if r.IntN(3) == 0 {
			b.WriteString([]string{"\n", "  ", "\n\t"}[r.IntN(3)])
		}
	}
	if r.IntN(2) == 0 {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	b.WriteString(`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	ws()
	b.WriteString(`<Name>b</Name>`)
	ws()
	if r.IntN(2) == 0 {
		b.WriteString(`<Prefix/>`)
	} else {
		b.WriteString(`<Prefix></Prefix>`)
	}
	if truncated {
		fmt.Fprintf(&b, "<NextContinuationToken>%s</NextContinuationToken>", escape(r, "tok&en=="))
	}
	fmt.Fprintf(&b, "<KeyCount>%d</KeyCount><MaxKeys>1000</MaxKeys>", len(keys))
	ws()
	fmt.Fprintf(&b, "<IsTruncated>%t</IsTruncated>", truncated)
	for _, k := range keys {
		ws()
		b.WriteString("<Contents>")
		ws()
		fmt.Fprintf(&b, "<Key>%s</Key>", escape(r, k))
		ws()
		t := time.Date(2026, 12, 2, 19, r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
		fmt.Fprintf(&b, "<LastModified>%s</LastModified>", t.Format(time.RFC3339Nano))
		ws()
		fmt.Fprintf(&b, "<ETag>%s</ETag>", escape(r, fmt.Sprintf("\"%032x\"", r.Uint64())))
		fmt.Fprintf(&b, "<Size>%d</Size>", r.IntN(1<<20))
		if r.IntN(2) == 0 {
			b.WriteString("<StorageClass>STANDARD</StorageClass>")
		}
		switch r.IntN(4) { // as AWS lists objects it stored a checksum for
		case 0:
			b.WriteString("<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>")
		case 1:
			b.WriteString("<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumAlgorithm>SHA256</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>")
		}
		ws()
		b.WriteString("</Contents>")
	}
	ws()
	b.WriteString("</ListBucketResult>")
	return b.Bytes()
}

// TestFastListMatchesSDK: every page the scanner reads, it reads as the
// SDK's decoder does; a page it cannot read goes to that decoder, whose
// result (or error) the caller then gets.
func TestFastListMatchesSDK(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		keys := make([]string, r.IntN(30))
		for j := range keys {
			keys[j] = hostileKey(r, j)
		}
		body := page(r, keys, r.IntN(2) == 0)
		fast, ok := parseListPage(body)
		if !ok {
			t.Fatalf("page %d: not read by the scanner:\n%s", i, body)
		}
		sdk, _, sdkErr, fastErr := decodeBoth(t, 200, body)
		if sdkErr != nil || fastErr != nil {
			t.Fatalf("page %d: sdk %v, fast %v", i, sdkErr, fastErr)
		}
		if !same(sdk, fast) {
			t.Fatalf("page %d: scanner and SDK differ:\n%s", i, body)
		}
		for j, o := range fast.Contents {
			if aws.ToString(o.Key) != keys[j] {
				t.Fatalf("page %d: key %q, want %q", i, aws.ToString(o.Key), keys[j])
			}
		}
	}
	// Pages the scanner leaves to the SDK: the result is the SDK's.
	base := string(page(r, []string{"a&b", "c"}, true))
	for name, body := range map[string]string{
		"owner":          strings.Replace(base, "</Contents>", "<Owner><ID>x</ID></Owner></Contents>", 1),
		"restore status": strings.Replace(base, "</Contents>", "<RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress></RestoreStatus></Contents>", 1),
		"unknown field":  strings.Replace(base, "</Contents>", "<Color>red</Color></Contents>", 1),
		"lower-case key": strings.Replace(base, "<Key>c</Key>", "<key>c</key>", 1),
		"cdata":          strings.Replace(base, "<Key>c</Key>", "<Key><![CDATA[c]]></Key>", 1),
		"comment":        strings.Replace(base, "<Contents>", "<!-- x --><Contents>", 1),
		"common prefix":  strings.Replace(base, "</ListBucketResult>", "<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>", 1),
		"lower case":     strings.Replace(base, "IsTruncated", "isTruncated", 2),
		"carriage":       strings.Replace(base, "<Key>c</Key>", "<Key>c\r\nd</Key>", 1),
		"bad entity":     strings.Replace(base, "<Key>c</Key>", "<Key>c&nbsp;</Key>", 1),
		"control char":   strings.Replace(base, "<Key>c</Key>", "<Key>c&#1;</Key>", 1),
		"bad utf-8":      strings.Replace(base, "<Key>c</Key>", "<Key>c\xff</Key>", 1),
		"cdata end":      strings.Replace(base, "<Key>c</Key>", "<Key>c]]></Key>", 1),
		"unclosed":       strings.TrimSuffix(base, "</ListBucketResult>"),
		"trailing":       base + "<x/>",
		"wrong end":      strings.Replace(base, "</Key>", "</Kex>", 1),
		"bad size":       strings.Replace(base, "<Size>", "<Size>x", 1),
		"bad truncation": strings.Replace(base, "<IsTruncated>true", "<IsTruncated>yes", 1),
	} {
		if _, ok := parseListPage([]byte(body)); ok {
			t.Errorf("%s: read by the scanner", name)
		}
		sdk, fast, sdkErr, fastErr := decodeBoth(t, 200, []byte(body))
		if (sdkErr == nil) != (fastErr == nil) || !same(sdk, fast) {
			t.Errorf("%s: sdk (%v, %v), with the scanner (%v, %v)", name, sdk, sdkErr, fast, fastErr)
		}
	}
	// An error status is the SDK's error.
	errBody := []byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>no</Message></Error>`)
	_, _, sdkErr, fastErr := decodeBoth(t, 404, errBody)
	if sdkErr == nil || fastErr == nil || sdkErr.Error() != fastErr.Error() {
		t.Errorf("error page: sdk %v, with the scanner %v", sdkErr, fastErr)
	}
}

// FuzzParseListPage: whatever the scanner reads, the SDK's decoder reads
// the same.
func FuzzParseListPage(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	f.Add(page(r, []string{"a&b", "é<x>"}, true))
	f.Add(page(r, nil, false))
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := parseListPage(body)
		if !ok {
			return
		}
		sdk, _, sdkErr, _ := decodeBoth(t, 200, body)
		if sdkErr != nil {
			t.Fatalf("scanner read a page the SDK refuses (%v):\n%q", sdkErr, body)
		}
		if !same(sdk, fast) {
			t.Fatalf("scanner and SDK differ:\n%q", body)
		}
	})
}
