package store

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// flat spells an endpoint with its auth options' properties, for comparing.
func flat(e smithyendpoints.Endpoint) string {
	s := fmt.Sprintf("%s %v", e.URI.String(), e.Headers)
	for k, v := range e.Properties.Values() {
		if _, ok := v.([]*smithyauth.Option); !ok {
			s += fmt.Sprintf(" %v=%v", k, v)
		}
	}
	opts, _ := smithyauth.GetAuthOptions(&e.Properties)
	for _, o := range opts {
		s += fmt.Sprintf(" [%s %v %v]", o.SchemeID, o.IdentityProperties.Values(), o.SignerProperties.Values())
	}
	return s
}

// TestMemoResolverMatchesSDK: for every key, prefix and copy source, the
// memo answers what the SDK's own resolver answers for that request, for
// the endpoints axctl is used with (MinIO, R2, AWS S3), and it resolves
// once per bucket. If an SDK update made the rules read the object key,
// the per-key answers would differ and this would fail.
func TestMemoResolverMatchesSDK(t *testing.T) {
	ctx := context.Background()
	sdk := s3.NewDefaultEndpointResolverV2()
	keys := []*string{nil, aws.String("a"), aws.String("entries/blog/x.html"), aws.String("../odd key?é"), aws.String("_site.json")}
	for _, base := range []s3.EndpointParameters{
		{Region: aws.String("auto"), Endpoint: aws.String("http://127.0.0.1:9000"), ForcePathStyle: aws.Bool(true)},
		{Region: aws.String("auto"), Endpoint: aws.String("https://acct.r2.cloudflarestorage.com"), ForcePathStyle: aws.Bool(true)},
		{Region: aws.String("eu-west-1"), ForcePathStyle: aws.Bool(true)},
		{Region: aws.String("us-east-1")},
	} {
		for _, bucket := range []string{"site", "my.bucket", "b-2"} {
			p := base.WithDefaults()
			p.Bucket = aws.String(bucket)
			counting := &countResolver{next: sdk}
			memo := newMemoResolver(counting)
			for i, k := range keys {
				q := p
				q.Key, q.Prefix, q.CopySource = k, k, k
				if i%2 == 1 {
					q.Prefix, q.CopySource = nil, nil
				}
				want, werr := sdk.ResolveEndpoint(ctx, q)
				got, gerr := memo.ResolveEndpoint(ctx, q)
				if (werr == nil) != (gerr == nil) {
					t.Fatalf("%s %s key %v: error %v, SDK %v", aws.ToString(base.Endpoint), bucket, aws.ToString(k), gerr, werr)
				}
				if flat(got) != flat(want) {
					t.Errorf("%s %s key %q:\n got %s\nwant %s", aws.ToString(base.Endpoint), bucket, aws.ToString(k), flat(got), flat(want))
				}
			}
			if counting.n != 1 {
				t.Errorf("%s %s: %d resolutions for %d keys, want 1", aws.ToString(base.Endpoint), bucket, counting.n, len(keys))
			}
		}
	}
	// A parameter other than the per-object ones is part of the key.
	memo := newMemoResolver(sdk)
	a := s3.EndpointParameters{Region: aws.String("auto"), Endpoint: aws.String("http://127.0.0.1:9000"), ForcePathStyle: aws.Bool(true), Bucket: aws.String("one")}.WithDefaults()
	b := a
	b.Bucket = aws.String("two")
	ea, _ := memo.ResolveEndpoint(ctx, a)
	eb, _ := memo.ResolveEndpoint(ctx, b)
	if ea.URI.String() == eb.URI.String() {
		t.Errorf("buckets one and two resolved to the same %s", ea.URI.String())
	}
}

type countResolver struct {
	next s3.EndpointResolverV2
	n    int
}

func (c *countResolver) ResolveEndpoint(ctx context.Context, p s3.EndpointParameters) (smithyendpoints.Endpoint, error) {
	c.n++
	return c.next.ResolveEndpoint(ctx, p)
}

// TestMemoResolverCopies: what a caller changes in an endpoint it was given
// (the SDK rebases auth options in place) never reaches another caller.
func TestMemoResolverCopies(t *testing.T) {
	ctx := context.Background()
	memo := newMemoResolver(nil)
	p := s3.EndpointParameters{Region: aws.String("auto"), Endpoint: aws.String("http://127.0.0.1:9000"), ForcePathStyle: aws.Bool(true), Bucket: aws.String("site")}.WithDefaults()
	first, err := memo.ResolveEndpoint(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	want := flat(first)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := memo.ResolveEndpoint(ctx, p)
			if err != nil {
				t.Error(err)
				return
			}
			e.URI.Path += "/changed"
			e.Headers.Set("X-Changed", "1")
			opts, _ := smithyauth.GetAuthOptions(&e.Properties)
			for _, o := range opts {
				o.SignerProperties.Set("changed", true)
				o.SchemeID = "changed"
			}
		}()
	}
	wg.Wait()
	again, _ := memo.ResolveEndpoint(ctx, p)
	if got := flat(again); got != want || !reflect.DeepEqual(again.URI, first.URI) {
		t.Errorf("after callers changed their copies:\n got %s\nwant %s", got, want)
	}
}
