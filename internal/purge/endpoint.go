package purge

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// CloudflareAPI is the one API a zone purge sends its token to (loopback
// aside, for tests).
const CloudflareAPI = "https://api.cloudflare.com/client/v4"

// CheckEndpoint refuses a URL that a purge secret must not be sent to: only
// https, or plain http to a loopback host (127.0.0.0/8, ::1, localhost),
// with a host and no user information.
func CheckEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("purge URL %q: want https://HOST[/PATH]", raw)
	}
	if u.User != nil {
		return fmt.Errorf("purge URL %q: user information is not allowed", u.Redacted())
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("purge URL %q: plain http is allowed only to a loopback address; use https", raw)
	}
	return fmt.Errorf("purge URL %q: want https://HOST[/PATH]", raw)
}

// IsLoopback reports whether host (no port) is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SameEndpoint reports whether a and b name the same purge endpoint:
// scheme and host compared without case, paths without trailing slashes.
func SameEndpoint(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) &&
		strings.TrimRight(ua.EscapedPath(), "/") == strings.TrimRight(ub.EscapedPath(), "/") &&
		ua.RawQuery == ub.RawQuery
}

// checkZoneAPI lets the API token go to CloudflareAPI's host only, or to a
// loopback test server.
func checkZoneAPI(api string) error {
	if err := CheckEndpoint(api); err != nil {
		return err
	}
	u, _ := url.Parse(api)
	if !strings.EqualFold(u.Hostname(), "api.cloudflare.com") && !IsLoopback(u.Hostname()) {
		return fmt.Errorf("purge API URL %q: the Cloudflare API token goes to api.cloudflare.com only", api)
	}
	return nil
}

// noRedirects returns a copy of c (or a default client) that never follows
// a redirect: a secret, and the purge itself, go to the configured URL or
// nowhere. Go drops Authorization on redirects to another host, but a
// same-host redirect to http, or a chain back, would still carry it. The
// 3xx answer itself is returned, and do reports it.
func noRedirects(c *http.Client) *http.Client {
	var cc http.Client
	if c != nil {
		cc = *c
	} else {
		cc.Timeout = 30 * time.Second
	}
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// scrub replaces secret in err's message (a server that echoes the request
// back) so that no output ever shows it.
func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "[redacted]"))
}
