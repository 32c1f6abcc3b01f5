package store

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithy "github.com/aws/smithy-go"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// memoResolver remembers the S3 endpoint resolved for each set of
// parameters that can change it. The SDK resolves the endpoint twice per
// request through its rules engine, and with a region no partition names
// ("auto", R2's) the engine compiles every partition's region regexp each
// time: a fifth of the client's CPU in a cold sync's uploads. The object
// key, prefix and copy source are request parameters that the rules do not
// read (TestMemoResolverMatchesSDK checks that against the SDK's resolver),
// so one resolution serves every object of a bucket.
type memoResolver struct {
	next s3.EndpointResolverV2
	memo sync.Map // string (endpointKey) → smithyendpoints.Endpoint
}

func newMemoResolver(next s3.EndpointResolverV2) *memoResolver {
	if next == nil {
		next = s3.NewDefaultEndpointResolverV2()
	}
	return &memoResolver{next: next}
}

// ResolveEndpoint returns a copy of the remembered endpoint, resolving it
// first if it is new.
func (m *memoResolver) ResolveEndpoint(ctx context.Context, p s3.EndpointParameters) (smithyendpoints.Endpoint, error) {
	key := endpointKey(p)
	if e, ok := m.memo.Load(key); ok {
		return copyEndpoint(e.(smithyendpoints.Endpoint)), nil
	}
	e, err := m.next.ResolveEndpoint(ctx, p)
	if err != nil {
		return e, err // not remembered: errors name the request
	}
	m.memo.Store(key, copyEndpoint(e))
	return e, nil
}

// perObject are the parameters the endpoint rules never read.
var perObject = map[string]bool{"Key": true, "Prefix": true, "CopySource": true}

// endpointKey spells every parameter but the per-object ones, so a
// parameter a later SDK adds is part of the key without a change here.
func endpointKey(p s3.EndpointParameters) string {
	var b strings.Builder
	v := reflect.ValueOf(p)
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if perObject[f.Name] || !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		b.WriteString(f.Name)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				b.WriteString("=nil;")
				continue
			}
			fv = fv.Elem()
		}
		switch x := fv.Interface().(type) {
		case string:
			b.WriteString("=" + strconv.Quote(x) + ";")
		case bool:
			b.WriteString("=" + strconv.FormatBool(x) + ";")
		default:
			fmt.Fprintf(&b, "=%q;", fmt.Sprint(x))
		}
	}
	return b.String()
}

// copyEndpoint copies what the SDK's middleware may change in place.
func copyEndpoint(e smithyendpoints.Endpoint) smithyendpoints.Endpoint {
	out := smithyendpoints.Endpoint{URI: e.URI, Headers: e.Headers.Clone()}
	if e.URI.User != nil {
		u := *e.URI.User
		out.URI.User = &u
	}
	var props smithy.Properties
	props.SetAll(&e.Properties)
	// The SDK rebases the auth options' properties in place (its
	// endpointAuthResolver), so each request gets options of its own.
	if opts, ok := smithyauth.GetAuthOptions(&e.Properties); ok {
		cp := make([]*smithyauth.Option, len(opts))
		for i, o := range opts {
			c := &smithyauth.Option{SchemeID: o.SchemeID}
			c.IdentityProperties.SetAll(&o.IdentityProperties)
			c.SignerProperties.SetAll(&o.SignerProperties)
			cp[i] = c
		}
		smithyauth.SetAuthOptions(&props, cp)
	}
	out.Properties = props
	return out
}
