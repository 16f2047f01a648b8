vcl 4.1;

# The CDN's edge: keeps the origin's anonymous GET answers near the user, for as long as the origin's
# Cache-Control allows, and drops them when a write bans their surrogate keys. Valid on Varnish 7.1 (Debian, the
# native runner, which rewrites the backend's host and port) and 7.6 (the official image). The stage README teaches
# the policy; the comments here say why each rule is written the way it is.

import std;

# The origin's liveness, polled across the same distance as the requests: while it fails, cached copies are served
# stale (stale-if-error) instead of waiting for fetches that cannot succeed.
probe origin_alive {
    .request =
        "GET /api/health HTTP/1.1"
        "Host: origin"
        "User-Agent: varnish-health-probe"
        "Connection: close";
    .expected_response = 200;
    .timeout = 2s;
    .interval = 2s;
    .window = 3;
    .threshold = 2;
    # Healthy from the start: the first requests need not wait for two good polls.
    .initial = 2;
}

backend origin {
    .host = "toxiproxy";
    .port = "8666";
    .probe = origin_alive;
    .connect_timeout = 2s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 5s;
    .max_connections = 512;
}

# Who may BAN or PURGE: the app replicas on the private network (and the host itself, natively). A purge from
# anywhere else would let any client empty the cache and push the whole load onto the origin.
acl purgers {
    "localhost";
    "127.0.0.0"/8;
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
    "fc00::"/7;
}

sub vcl_recv {
    # Set only by this VCL on a restart (see vcl_hit, vcl_synth); a client's own copy means nothing.
    if (req.restarts == 0) {
        unset req.http.X-Edge-Grace;
        unset req.http.X-Edge-Pass;
    }

    if (req.method == "BAN" || req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Only the origin may purge this cache."));
        }
        # An address is weak proof where clients of a published port arrive from the Docker bridge's (private)
        # gateway: with EDGE_PURGE_TOKEN in varnishd's environment, a purge must also carry it.
        if (std.getenv("EDGE_PURGE_TOKEN") && std.getenv("EDGE_PURGE_TOKEN") != ""
                && req.http.X-Purge-Token != std.getenv("EDGE_PURGE_TOKEN")) {
            return (synth(403, "Send the edge's purge token in X-Purge-Token."));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        # Keys are what @scaling/edge's surrogateKeys makes: [A-Za-z0-9_-] and percent escapes after a prefix, so
        # nothing in them is regular-expression syntax once this check passes.
        if (req.http.X-Purge-Keys !~ "^[A-Za-z0-9:%_-]+( [A-Za-z0-9:%_-]+)*$") {
            return (synth(400, "Send X-Purge-Keys: space-separated surrogate keys."));
        }
        # A ban on obj.* only, so the ban lurker can test it in the background against stored objects and retire
        # it, instead of every later lookup testing it against the request.
        # Unquoted (the ban parser splits its argument at spaces), hence [[:blank:]] for the space between keys.
        if (std.ban("obj.http.Surrogate-Key ~ (^|[[:blank:]])(" +
                regsuball(req.http.X-Purge-Keys, " ", "|") + ")([[:blank:]]|$)")) {
            return (synth(200, "Banned."));
        }
        return (synth(400, std.ban_error()));
    }

    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405, "Method not allowed."));
    }
    # Header and whole-request sizes and idle clients are bounded by varnishd's own parameters (http_req_hdr_len
    # 8k, http_req_size 32k, timeout_idle 5s); the URL and a declared body are bounded here, below the origin's limits.
    if (req.url ~ "^.{2049}") {
        return (synth(414, "The URL is too long."));
    }
    if (std.integer(req.http.Content-Length, 0) > 1048576) {
        return (synth(413, "The request body is too large."));
    }

    # Only anonymous reads are shared: an answer to a signed-in user carries their favorites and follows.
    if (req.method != "GET" && req.method != "HEAD") {
        set req.http.X-Edge-Pass = "method";
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie) {
        set req.http.X-Edge-Pass = "credentials";
        return (pass);
    }

    # ?limit=5&offset=0 and ?offset=0&limit=5 are one page: one copy, one hit ratio.
    set req.url = std.querysort(req.url);

    # "fresh": the copy is past its stale-while-revalidate window and the origin is up, so fetch now (the copy still
    # serves as the If-None-Match of that fetch). "stale": that fetch failed; any copy within stale-if-error will do.
    if (req.http.X-Edge-Grace == "fresh") {
        set req.grace = 0s;
    } elsif (req.http.X-Edge-Grace == "stale") {
        # Lifts the 0s of the "fresh" attempt (req.grace survives a restart); the copy's own grace still bounds it.
        set req.grace = 3650d;
    }
    return (hash);
}

sub vcl_hit {
    if (obj.ttl >= 0s || req.http.X-Edge-Grace == "stale" || !std.healthy(req.backend_hint)) {
        return (deliver);
    }
    # Within grace: stale-while-revalidate answers at once and refreshes in the background; past it (but within
    # stale-if-error) a healthy origin is asked first.
    if (obj.ttl + std.duration(obj.http.X-Edge-Revalidate + "s", 0s) > 0s) {
        return (deliver);
    }
    set req.http.X-Edge-Grace = "fresh";
    return (restart);
}

sub vcl_backend_response {
    # An origin error on a cacheable read: give up this fetch so the client gets a stale copy if there is one
    # (vcl_synth restarts the request); a background refresh simply keeps the copy it was refreshing.
    if (beresp.status >= 500 && beresp.status != 501 && !bereq.uncacheable
            && bereq.http.X-Edge-Grace != "stale") {
        return (abandon);
    }

    # Shared only what the origin marks public with an s-maxage; anything else (private, no-store, errors, no
    # Cache-Control, a Set-Cookie) is fetched for each request. Varnish's own default TTL never applies.
    if (bereq.uncacheable || beresp.http.Set-Cookie
            || beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)"
            || beresp.http.Cache-Control !~ "s-maxage=[0-9]+") {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    set beresp.ttl = std.duration(regsub(beresp.http.Cache-Control, "^.*s-maxage=([0-9]+).*$", "\1") + "s", 0s);

    set beresp.http.X-Edge-Revalidate = "0";
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.http.X-Edge-Revalidate =
            regsub(beresp.http.Cache-Control, "^.*stale-while-revalidate=([0-9]+).*$", "\1");
    }
    # Grace covers both stale windows; vcl_hit tells them apart.
    set beresp.grace = std.duration(beresp.http.X-Edge-Revalidate + "s", 0s);
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1") + "s", beresp.grace);
    }
    # After grace, a copy is kept a while longer only as the If-None-Match of the next fetch: a 304 from the origin
    # then renews it without the body crossing the distance again.
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_backend_error {
    # No answer at all (refused, timed out, origin marked sick): as for a 5xx, a stale copy beats an error page.
    if (!bereq.uncacheable && bereq.http.X-Edge-Grace != "stale") {
        return (abandon);
    }
    set beresp.http.Content-Type = "application/json";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "5";
    set beresp.body = {"{"errors":{"origin":["did not answer and the edge holds no copy of this page: try again in a few seconds"]}}"};
    return (deliver);
}

sub vcl_synth {
    # An abandoned fetch arrives here as a 503: try once more, allowing any copy within stale-if-error.
    if (resp.status == 503 && req.http.X-Edge-Grace != "stale" && !req.http.X-Edge-Pass
            && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Edge-Grace = "stale";
        return (restart);
    }
    set resp.http.Cache-Control = "no-store";
    # In the API's error shape, as the app and nginx answer: the API's document declares JSON errors only, and a
    # client reads them the same way whoever refused the request.
    set resp.http.Content-Type = "application/json";
    if (resp.status == 405) {
        set resp.http.Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
        set resp.body = {"{"errors":{"method":["is not allowed; use one of those in Allow"]}}"};
    } else {
        set resp.body = {"{"errors":{"request":[""} + regsuball(resp.reason, {"""}, "'") + {""]}}"};
    }
    set resp.http.X-Edge-Cache = "SYNTH";
    return (deliver);
}

sub vcl_deliver {
    if (req.http.X-Edge-Pass) {
        set resp.http.X-Edge-Cache = "PASS";
    } elsif (obj.uncacheable) {
        set resp.http.X-Edge-Cache = "MISS";
    } elsif (obj.hits > 0 && obj.ttl < 0s) {
        set resp.http.X-Edge-Cache = "STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
    set resp.http.X-Edge-Hits = obj.hits;
    # Internal to the edge: the keys are for bans, the stale window for vcl_hit.
    unset resp.http.Surrogate-Key;
    unset resp.http.X-Edge-Revalidate;
    unset resp.http.Via;
}
