package content

import "testing"

// TestCheckBaseURL: site.baseURL is what the Worker writes before every
// absolute URL (head.js baseOf takes the same form; feeds, sitemaps and
// robots.txt now go through it too). Refused: other schemes in any case or
// spelling, protocol-relative and host-less forms, a user part, a query or
// fragment, spaces, quotes, angle brackets, backslashes and control
// characters, each of which reached a feed, a sitemap or robots.txt.
func TestCheckBaseURL(t *testing.T) {
	good := []string{"", "https://example.com", "https://example.com/", "http://127.0.0.1:8787",
		"HTTPS://Example.com/Blog/", "https://example.com/blog", "https://bücher.example", "https://x.example/a%20b",
		"https://[::1]:8080", "https://REPLACE_ME.workers.dev"}
	bad := []string{"javascript:alert(1)//", "JAVASCRIPT:alert(1)//x", "data:text/html,x", "vbscript:x", "file:///etc/passwd",
		"//evil.example", "example.com", "/blog", "https://", "https:///x", "https://user:pw@x.example", "https://x.example@evil.example",
		"https://x.example/?q=1", "https://x.example/#f", "https://x.example?", "https://x.example/a b", "https://x.example/\"><script>",
		"https://x.example/'", "https://x.example/<b>", "https://x.example\\evil", "https:\\\\evil.example", "https://x.example\nDisallow: /",
		"https://x.example\r\nX: y", "https://x.example\t", " https://x.example", "https://x.example/\u2028", "https://x.example/\u202e",
		"https://x.example/\x00", "ftp://x.example", "https:x.example"}
	for _, s := range good {
		if err := CheckBaseURL(s); err != nil {
			t.Errorf("CheckBaseURL(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range bad {
		if CheckBaseURL(s) == nil {
			t.Errorf("CheckBaseURL(%q) = nil, want an error", s)
		}
	}
}
