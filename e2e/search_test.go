package e2e

import (
	"strings"
	"testing"
)

// testSearchHit: through Varnish, a search results page is stored like any
// page: the second identical query is a HIT with the same bytes, and a
// respelling of the query is a 301 to the one canonical URL.
func (s *site) testSearchHit(t *testing.T) {
	const q = "/search?q=cafe"
	first := s.through(t, q)
	if first.Status != 200 || !strings.Contains(first.Body, `<a href="/notes/hello">`) {
		t.Fatalf("GET %s: %d, want 200 listing /notes/hello:\n%.600s", q, first.Status, first.Body)
	}
	// Varnish turns Cache-Tag into xkey; the Worker's own answer names it.
	if direct := get(t, s.client, s.origin, q); !strings.Contains(direct.Header.Get("Cache-Tag"), "search") {
		t.Errorf("Cache-Tag %q lacks search", direct.Header.Get("Cache-Tag"))
	}
	second := s.through(t, q)
	if second.Header.Get("X-Cache") != "HIT" || second.Body != first.Body {
		t.Errorf("second GET %s: X-Cache %q, same body %v; want a HIT", q, second.Header.Get("X-Cache"), second.Body == first.Body)
	}
	if r := s.through(t, "/search?q=Caf%C3%A9&utm_source=e2e"); r.Status != 301 || r.Header.Get("Location") != q {
		t.Errorf("respelled query: %d Location %q, want 301 to %s", r.Status, r.Header.Get("Location"), q)
	}
	none := "/search?q=xylophone"
	s.through(t, none)
	if r := s.through(t, none); r.Status != 200 || r.Header.Get("X-Cache") != "HIT" {
		t.Errorf("no-result query: %d X-Cache %q, want a cached 200", r.Status, r.Header.Get("X-Cache"))
	}
}
