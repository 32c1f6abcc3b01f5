package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// deleteBatch is the DeleteObjects limit on S3 and R2.
const deleteBatch = 1000

// MaxConcurrency is the most requests a store keeps in flight
// (`--concurrency`'s bound); the client keeps that many idle connections.
const MaxConcurrency = 256

// DefaultMaxAttempts is how often the SDK's standard retryer tries one
// request (with exponential backoff and jitter) before giving up.
const DefaultMaxAttempts = 5

// S3Options configure an S3Store. The zero value reads everything from the
// environment.
type S3Options struct {
	// Endpoint is the S3 API base URL. Empty: AXCTL_S3_ENDPOINT, else
	// https://$R2_ACCOUNT_ID.r2.cloudflarestorage.com, else the SDK's own
	// resolution (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or AWS S3).
	Endpoint string
	// HTTPClient replaces the SDK's HTTP client (tests count requests or
	// inject faults through its Transport).
	HTTPClient *http.Client
	// WrapTransport, when set, wraps the store's own transport (benchmarks
	// count requests through it without changing how connections are
	// kept). Ignored when HTTPClient is set.
	WrapTransport func(http.RoundTripper) http.RoundTripper
	// Credentials replaces the standard AWS credential chain.
	Credentials aws.CredentialsProvider
	// MaxAttempts per request; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps the delay between attempts; 0 keeps the SDK's 20 s.
	// Tests lower it so injected faults do not cost seconds.
	MaxBackoff time.Duration
}

// S3Store is a bucket behind the S3 API: R2, MinIO or AWS S3
// (s3://BUCKET[/PREFIX]). Keys are stored under PREFIX + "/".
//
// The client uses path-style addressing, region "auto" unless AWS_REGION
// (or the shared config) names one, and sends or checks checksums only where
// an operation requires them (R2 rejects the SDK's default CRC32 headers).
// Nothing here logs requests, so secrets never reach output.
type S3Store struct {
	client *s3.Client
	bucket string
	prefix string // "" or ending in "/"
}

var _ Store = (*S3Store)(nil)

// NewS3Store returns a store for bucket, keys under prefix.
func NewS3Store(ctx context.Context, bucket, prefix string, opts S3Options) (*S3Store, error) {
	if bucket == "" {
		return nil, errors.New("s3 store: empty bucket name")
	}
	endpoint, err := resolveEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				if opts.MaxBackoff > 0 {
					o.MaxBackoff = opts.MaxBackoff
				}
				// The client-side retry quota would fail a large sync after
				// ~100 throttled requests; the backoff is enough.
				o.RateLimiter = ratelimit.None
			})
		}),
	}
	loadOpts = append(loadOpts, config.WithHTTPClient(awshttp.NewBuildableClient().
		WithTimeout(2*time.Minute).
		WithTransportOptions(func(t *http.Transport) {
			t.ResponseHeaderTimeout = 30 * time.Second
			// Keep a connection for every request in flight: with the SDK's
			// default of 10 idle connections per host, 16 concurrent PUTs
			// close and reopen a connection every few requests, which costs
			// the client and the server a TCP (and TLS) handshake each.
			t.MaxIdleConns = MaxConcurrency
			t.MaxIdleConnsPerHost = MaxConcurrency
		})))
	if opts.Credentials != nil {
		loadOpts = append(loadOpts, config.WithCredentialsProvider(opts.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("s3 store: load AWS config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "auto"
	}
	switch {
	case opts.HTTPClient != nil:
		// Set after loading: the loader applies AWS_CA_BUNDLE to the SDK's
		// own client and refuses a plain *http.Client when it is set.
		cfg.HTTPClient = opts.HTTPClient
	case opts.WrapTransport != nil:
		if bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
			cfg.HTTPClient = &http.Client{Transport: opts.WrapTransport(bc.GetTransport()), Timeout: bc.GetTimeout(),
				// As the SDK's own client: a redirect is returned, not followed.
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		}
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.EndpointResolverV2 = newMemoResolver(o.EndpointResolverV2)
	})
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3Store{client: client, bucket: bucket, prefix: prefix}, nil
}

// resolveEndpoint applies the endpoint precedence of S3Options.Endpoint.
func resolveEndpoint(opt string) (string, error) {
	ep := opt
	if ep == "" {
		ep = os.Getenv("AXCTL_S3_ENDPOINT")
	}
	if ep == "" {
		if id := os.Getenv("R2_ACCOUNT_ID"); id != "" {
			ep = "https://" + id + ".r2.cloudflarestorage.com"
		}
	}
	if ep == "" {
		return "", nil
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("s3 endpoint %q: want http(s)://host[:port]", ep)
	}
	return ep, nil
}

// String names the store as an s3:// URL (never with credentials).
func (s *S3Store) String() string {
	return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/")
}

func (s *S3Store) fullKey(key string) string { return s.prefix + key }

// List pages through ListObjectsV2, 1,000 keys a request.
func (s *S3Store) List(ctx context.Context, prefix string, fn func(Object) error) error {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket:  aws.String(s.bucket),
		Prefix:  aws.String(s.fullKey(prefix)),
		MaxKeys: aws.Int32(1000),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, fastListOption)
		if err != nil {
			return fmt.Errorf("list %s: %w", s, mapErr(err))
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			obj := Object{Key: key, Size: aws.ToInt64(o.Size), ETag: unquote(aws.ToString(o.ETag)), LastModified: aws.ToTime(o.LastModified)}
			if err := fn(obj); err != nil {
				return err
			}
		}
	}
	return nil
}

// Head issues one HEAD request.
func (s *S3Store) Head(ctx context.Context, key string) (Object, Attrs, error) {
	if err := checkKey(key); err != nil {
		return Object{}, Attrs{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.fullKey(key))})
	if err != nil {
		return Object{}, Attrs{}, fmt.Errorf("head %q: %w", key, mapErr(err))
	}
	meta, err := DecodeMetadata(out.Metadata)
	if err != nil {
		return Object{}, Attrs{}, fmt.Errorf("head %q: %w", key, err)
	}
	obj := Object{Key: key, Size: aws.ToInt64(out.ContentLength), ETag: unquote(aws.ToString(out.ETag)), LastModified: aws.ToTime(out.LastModified)}
	return obj, Attrs{ContentType: aws.ToString(out.ContentType), CacheControl: aws.ToString(out.CacheControl), Metadata: meta}, nil
}

// Get issues one GET request and reads the whole body.
func (s *S3Store) Get(ctx context.Context, key string) ([]byte, Object, Attrs, error) {
	if err := checkKey(key); err != nil {
		return nil, Object{}, Attrs{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.fullKey(key))})
	if err != nil {
		return nil, Object{}, Attrs{}, fmt.Errorf("get %q: %w", key, mapErr(err))
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, Object{}, Attrs{}, fmt.Errorf("get %q: read body: %w", key, err)
	}
	meta, err := DecodeMetadata(out.Metadata)
	if err != nil {
		return nil, Object{}, Attrs{}, fmt.Errorf("get %q: %w", key, err)
	}
	obj := Object{Key: key, Size: int64(len(body)), ETag: unquote(aws.ToString(out.ETag)), LastModified: aws.ToTime(out.LastModified)}
	return body, obj, Attrs{ContentType: aws.ToString(out.ContentType), CacheControl: aws.ToString(out.CacheControl), Metadata: meta}, nil
}

// Put issues one PutObject with Content-MD5, so a body damaged in transit is
// refused by the server rather than stored. A failed precondition costs one
// more request (a HEAD): when the key already holds exactly this body and
// these attributes, Put succeeds, which makes a retried conditional write
// idempotent.
func (s *S3Store) Put(ctx context.Context, key string, body []byte, attrs Attrs, pre Precondition) (string, error) {
	return s.PutReader(ctx, key, bytes.NewReader(body), int64(len(body)), MD5Hex(body), attrs, pre)
}

// PutReader is Put streaming the body from r. The SDK rewinds r to sign and
// to retry; the server checks the bytes it receives against md5 (sent as
// Content-MD5), so a file that changed since it was hashed is refused.
func (s *S3Store) PutReader(ctx context.Context, key string, r io.ReadSeeker, size int64, md5 string, attrs Attrs, pre Precondition) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	meta, err := EncodeMetadata(attrs.Metadata)
	if err != nil {
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	sum, err := hex.DecodeString(md5)
	if err != nil || len(sum) != 16 {
		return "", fmt.Errorf("put %q: MD5 %q is not 32 hex digits", key, md5)
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.fullKey(key)),
		Body:          r,
		ContentLength: aws.Int64(size),
		ContentMD5:    aws.String(base64.StdEncoding.EncodeToString(sum)),
		Metadata:      meta,
	}
	if attrs.ContentType != "" {
		in.ContentType = aws.String(attrs.ContentType)
	}
	if attrs.CacheControl != "" {
		in.CacheControl = aws.String(attrs.CacheControl)
	}
	if pre.IfMatch != "" {
		in.IfMatch = aws.String(`"` + unquote(pre.IfMatch) + `"`)
	}
	if pre.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		err = mapErr(err)
		if pre.IfMatch != "" && errors.Is(err, ErrNotFound) {
			// S3 and MinIO answer If-Match on a missing key with 404.
			err = fmt.Errorf("object is missing: %w (%w)", ErrPrecondition, err)
		}
		if errors.Is(err, ErrPrecondition) && s.holds(ctx, key, md5, attrs) {
			// Our own earlier attempt landed but its response was lost (the
			// retryer sent it again), or another writer wrote the very same
			// object: either way the key holds what we meant to write.
			return md5, nil
		}
		return "", fmt.Errorf("put %q: %w", key, err)
	}
	if etag := unquote(aws.ToString(out.ETag)); etag != "" {
		return etag, nil
	}
	return md5, nil
}

// holds reports whether key already has exactly the body of etag and attrs.
func (s *S3Store) holds(ctx context.Context, key, etag string, attrs Attrs) bool {
	obj, got, err := s.Head(ctx, key)
	return err == nil && obj.ETag == etag && sameAttrs(attrs, got)
}

// Delete issues one DeleteObjects request per 1,000 keys. Keys the server
// could not delete are reported together in the returned error.
func (s *S3Store) Delete(ctx context.Context, keys []string) error {
	var errs []error
	for start := 0; start < len(keys); start += deleteBatch {
		batch := keys[start:min(start+deleteBatch, len(keys))]
		ids := make([]types.ObjectIdentifier, 0, len(batch))
		for _, k := range batch {
			if err := checkKey(k); err != nil {
				return err
			}
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(s.fullKey(k))})
		}
		out, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(s.bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("delete %d objects: %w", len(batch), mapErr(err)))...)
		}
		for _, e := range out.Errors {
			if aws.ToString(e.Code) == "NoSuchKey" {
				continue
			}
			errs = append(errs, fmt.Errorf("delete %q: %s: %s",
				strings.TrimPrefix(aws.ToString(e.Key), s.prefix), aws.ToString(e.Code), aws.ToString(e.Message)))
		}
	}
	return errors.Join(errs...)
}

// mapErr wraps ErrNotFound and ErrPrecondition around the HTTP statuses
// that mean them, and ErrRejected around the error codes that refuse an
// object for what it is, keeping the SDK error in the chain.
func mapErr(err error) error {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) && rejected(ae.ErrorCode(), err.Error()) {
		return fmt.Errorf("%w (%w)", ErrRejected, err)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		return err
	}
	switch re.HTTPStatusCode() {
	case http.StatusNotFound:
		return fmt.Errorf("%w (%w)", ErrNotFound, err)
	case http.StatusPreconditionFailed, http.StatusConflict:
		// 409 is S3's answer to a conditional write racing another one.
		return fmt.Errorf("%w (%w)", ErrPrecondition, err)
	}
	return err
}

func unquote(etag string) string { return strings.Trim(etag, `"`) }

// rejected reports the S3 error codes (S3, R2 and MinIO use the same) that
// refuse an object for its key, metadata or size: content errors that no
// retry can fix.
func rejected(code, msg string) bool {
	switch code {
	case "KeyTooLongError", "MetadataTooLarge", "EntityTooLarge":
		return true
	case "InvalidArgument":
		return strings.Contains(strings.ToLower(msg), "metadata")
	}
	return false
}
