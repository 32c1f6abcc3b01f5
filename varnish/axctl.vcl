# axctl.vcl — Varnish in front of the axctl Worker, caching the way the edge
# does (docs/caching.md): the origin's Cache-Control decides (s-maxage, then
# max-age; private/no-store/no-cache/Set-Cookie are never stored, by
# Varnish's builtin vcl_backend_response, which runs after ours; a 5xx is
# never stored, by our own floor), requests the Worker bypasses (rsc,
# next-router-prefetch, _rsc, /__internal/) are passed, Cache-Tag becomes
# xkey for purging by tag, and PURGE from localhost takes an
# `xkey-purge: tag1 tag2` header (what `axctl purge --via xkey` sends).
# The backend is 127.0.0.1:8787 (`make demo`); the end-to-end test runs a
# copy with its own port. Adds X-Cache: HIT|MISS and X-Cache-TTL. Keys on
# the request target alone (not Host); answers itself, with the Worker's
# sandbox CSP and nosniff, what workerd would rewrite or answer bare
# (docs/security.md, "The reader").
vcl 4.1;

import std;
import xkey;

backend worker {
    .host = "127.0.0.1";
    .port = "8787";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    # Only an origin-form target ("/path?query") reaches the Worker: "*" or
    # an authority form would get workerd's own bare 500, with none of the
    # Worker's headers. (An absolute-form target has already been split into
    # Host and a path by Varnish.)
    if (req.url !~ "^/") {
        return (synth(400, "Bad Request"));
    }
    # workerd builds request.url from Host: one that is not made of host-name
    # characters or an IP literal, with an optional valid port ("a/b", "a@b",
    # "a:99999", "a b", none at all)
    # gets its bare 500. Refuse it here, sandboxed (Host is not in the hash:
    # vcl_hash).
    if (req.http.host !~ "^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$") {
        return (synth(400, "Bad Request"));
    }
    # The Worker serves GET and HEAD, and POST on /__internal/purge; any
    # other method there would be its 405, and an unknown one (FOO, a
    # lower-case get) workerd's own bare 501. Answer them here, with the
    # Worker's headers (vcl_synth), without a backend request.
    if (req.method != "GET" && req.method != "HEAD") {
        if (req.url ~ "^/__internal/purge(\?|$)") {
            return (pass);
        }
        return (synth(405, "Method Not Allowed"));
    }
    # Request targets workerd rewrites before the Worker sees them, so that
    # the Worker cannot redirect them to the canonical URL, while this cache
    # would key on the raw bytes: a fragment ("#", dropped), bytes outside
    # printable ASCII (percent-encoded: "/tags/caf\xc3\xa9" would be a second
    # cached copy of /tags/caf%C3%A9, "/search?q=<UTF-8>" of its canonical
    # query), and the characters the URL standard percent-encodes in a path
    # (" < > ` { } ^). Browsers send none of them raw. 404 before the lookup.
    if (req.url ~ "[^\x21-\x7e]|#" || req.url ~ "^[^?]*[\x22\x3c\x3e\x60\x7b\x7d\x5e]") {
        return (synth(404, "Not Found"));
    }
    # Dot segments (".", "..", "%2e" spellings) and backslashes: workerd
    # resolves them before the Worker sees the URL, so the Worker cannot
    # redirect them to the canonical address, and each spelling would be its
    # own cache object holding a copy of a real page. Cloudflare normalizes
    # them before its cache; here they are a 404 (docs/caching.md).
    if (req.url ~ "(?i)^[^?]*(^|/)(\.|%2e){1,2}(/|\?|$)" || req.url ~ "^[^?]*\x5c") {
        return (synth(404, "Not Found"));
    }
    # The Worker's bypass rules (policy.isBypass): React Server Component
    # fetches and /__internal/* are answered but never cached.
    if (req.http.rsc || req.http.next-router-prefetch || req.url ~ "[?&]_rsc(=|&|$)" || req.url ~ "^/__internal/") {
        return (pass);
    }
    # Static files (worker/public, served before the Worker runs) ignore the
    # query: keep one cache object for all of them, not one per "?v=…".
    if (req.url ~ "^/(static/|favicon\.svg\?)" && req.url ~ "\?") {
        set req.url = regsub(req.url, "\?.*$", "");
    }
    # The site sets no cookies and needs no credentials: neither splits nor
    # bypasses the cache (the builtin vcl_recv would pass them).
    unset req.http.Cookie;
    unset req.http.Authorization;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Tag) {
        set beresp.http.xkey = regsuball(beresp.http.Cache-Tag, ",", " ");
    }
    # The safety floor, whatever the origin says: a 5xx is never stored
    # (Varnish already gives most 5xx a negative TTL; 503 with s-maxage
    # would otherwise be kept). Not even as hit-for-miss: the next request
    # simply goes to the origin again.
    if (beresp.status >= 500) {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # A temporary redirect is never stored (docs/caching.md, the table). The
    # Worker sends 302/307 no-store already; the static-assets layer in
    # front of it answers /static//site.css or /static/%73ite.css with a 307
    # carrying worker/public/_headers' day-long Cache-Control, one object
    # per spelling a reader makes up.
    if (beresp.status == 302 || beresp.status == 307) {
        set beresp.http.Cache-Control = "private, no-store";
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Varnish 7.1 gives 308 a negative TTL whatever its headers (it is not
    # in its list of heuristically cacheable statuses); the edge keeps it
    # like a 301, so take s-maxage, then max-age, from Cache-Control here.
    if (beresp.status == 308 && beresp.ttl <= 0s && beresp.http.Cache-Control &&
        beresp.http.Cache-Control !~ "(?i)(^|[ ,])(private|no-store|no-cache)([ ,=]|$)") {
        if (beresp.http.Cache-Control ~ "(?i)(^|[ ,])s-maxage=[0-9]+") {
            set beresp.ttl = std.duration(regsub(beresp.http.Cache-Control, "(?i)^.*(^|[ ,])s-maxage=([0-9]+).*$", "\2s"), 0s);
        } else if (beresp.http.Cache-Control ~ "(?i)(^|[ ,])max-age=[0-9]+") {
            set beresp.ttl = std.duration(regsub(beresp.http.Cache-Control, "(?i)^.*(^|[ ,])max-age=([0-9]+).*$", "\2s"), 0s);
        }
    }
    # Grace (serving an expired object while it is fetched again) defaults
    # to default_grace, 10 s, when Cache-Control names no
    # stale-while-revalidate, and the Worker names it only in
    # CDN-Cache-Control, only on a response without a visibility cap
    # (docs/caching.md). Take it from there, and none otherwise: a page
    # capped at a publishDate or an expires was served up to 10 s past it
    # (e2e schedule-boundary).
    if (beresp.http.CDN-Cache-Control ~ "(?i)(^|[ ,])stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.CDN-Cache-Control, "(?i)^.*(^|[ ,])stale-while-revalidate=([0-9]+).*$", "\2s"), 0s);
    } else {
        set beresp.grace = 0s;
    }
    # Otherwise Varnish has computed beresp.ttl from s-maxage, then max-age
    # (RFC 9111), and the builtin vcl_backend_response that runs after this
    # turns ttl <= 0, Set-Cookie, Vary: * and private/no-store/no-cache into
    # hit-for-miss objects: never stored, never answered from cache.
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The TTL Varnish has left on the object (seconds; for the tests).
    set resp.http.X-Cache-TTL = obj.ttl;
    unset resp.http.Cache-Tag;
    unset resp.http.xkey;
}

# vcl_hash keys on the request target alone: the Worker's responses do not
# depend on Host (canonical and og:url come from site.baseURL), so Host
# (or an absolute-form target's authority) must not split the cache into
# one copy per name a client makes up.
sub vcl_hash {
    hash_data(req.url);
    return (lookup);
}

# Every answer of the cache's own carries what every non-HTML answer of the
# Worker carries (docs/caching.md, "Security headers"): the sandbox CSP,
# nosniff, no-store, and a fixed plain-text body that repeats nothing of
# the request (not Varnish's HTML error page).
sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.http.Content-Security-Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";
    set resp.http.X-Content-Type-Options = "nosniff";
    set resp.http.Cache-Control = "private, no-store";
    if (resp.status == 405) {
        set resp.http.Allow = "GET, HEAD";
    }
    set resp.body = resp.reason + {"
"};
    return (deliver);
}

# The backend did not answer (down, timeout): the same headers, a 503 that
# nothing stores.
sub vcl_backend_error {
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Content-Security-Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";
    set beresp.http.X-Content-Type-Options = "nosniff";
    set beresp.http.Cache-Control = "private, no-store";
    set beresp.http.Retry-After = "5";
    set beresp.body = {"Service unavailable: the site's origin did not answer. Try again shortly.
"};
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    return (deliver);
}
