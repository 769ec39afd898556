package fake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// openAdminPaths are the only admin paths whose GET and HEAD answer
// without the token: the health check and the dashboard's static shell.
// Spelled out here, not taken from ui.OpenPaths, so that opening another
// path fails this test until it is named.
var openAdminPaths = map[string]bool{
	"/_fake/health": true, "/_fake/ui": true, "/_fake/ui/": true,
	"/_fake/ui/app.css": true, "/_fake/ui/app.js": true, "/_fake/ui/icon.svg": true,
}

// TestEveryAdminRouteNeedsTheToken walks every route registered under
// /_fake/ (every method, 405 and OPTIONS handlers included) and sends each
// without the admin token: all must answer 401 but GET and HEAD of
// openAdminPaths. A route a module adds later is covered without being
// named here (finding C1: /_fake/groups was mounted beside the token); the
// dashboard's fragments, its live stream and its upload are walked too.
func TestEveryAdminRouteNeedsTheToken(t *testing.T) {
	t.Parallel()
	s, err := New(WithAdminToken("T0K"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	param := regexp.MustCompile(`:[a-z_]+`)
	n, dashboard := 0, 0
	for _, r := range s.echo.Routes() {
		if !strings.HasPrefix(r.Path, AdminPrefix+"/") || strings.Contains(r.Path, "*") {
			continue
		}
		path := param.ReplaceAllString(r.Path, "x")
		for _, auth := range []string{"", "Bearer wrong", "Api-Token T0K"} {
			req := httptest.NewRequest(r.Method, path, strings.NewReader(`{"platform_key": "acme", "users": [], "groups": []}`))
			req.Header.Set("Content-Type", "application/json")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			open := openAdminPaths[path] && (r.Method == http.MethodGet || r.Method == http.MethodHead)
			switch {
			case open && rec.Code != http.StatusOK && rec.Code != http.StatusFound:
				t.Errorf("%s %s (%q) = %d, want 200: it stays open", r.Method, path, auth, rec.Code)
			case !open && rec.Code != http.StatusUnauthorized:
				t.Errorf("%s %s (%q) = %d, want 401 without the admin token; body %s", r.Method, path, auth, rec.Code, rec.Body)
			}
		}
		n++
		if strings.HasPrefix(path, AdminPrefix+"/ui/") && !openAdminPaths[path] {
			dashboard++
		}
	}
	if n < 40 {
		t.Fatalf("walked %d admin routes; the walk no longer sees the admin surface", n)
	}
	if dashboard < 10 {
		t.Fatalf("walked %d of the dashboard's data routes; the walk no longer sees them", dashboard)
	}
	t.Logf("%d admin routes refuse a request without the token", n)
}

// TestPanicIsJournaled: the journal is the outermost middleware, so a
// request whose handler panics is answered 500 and still recorded.
func TestPanicIsJournaled(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.echo.GET("/api/boom/", func(echo.Context) error { panic("boom") })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/boom/", nil))
	if rec.Code != 500 {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	entries := s.Journal().Entries()
	if len(entries) != 1 || entries[0].Status != 500 || entries[0].Path != "/api/boom/" {
		t.Fatalf("journal = %+v, want the 500", entries)
	}
}

// TestEveryServedOperationIsInTheDocument: each operationId a module
// serves names an operation of the corrected document (New refuses one
// that does not), and none is served by two modules.
func TestEveryServedOperationIsInTheDocument(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]bool{}
	for _, m := range s.modules[:len(s.modules)-1] { // the long tail (last) offers every operation
		for _, op := range m.Operations() {
			if s.urls.Operation(op.ID) == nil {
				t.Errorf("%T serves %q, which is no operation of the document", m, op.ID)
			}
			if seen[op.ID] {
				t.Errorf("%q is served twice", op.ID)
			}
			seen[op.ID] = true
			if got := s.Coverage()[s.urls.Operation(op.ID).Index]; got.OperationID != op.ID || got.Tier != TierStateful {
				t.Errorf("%s: coverage says %+v", op.ID, got)
			}
		}
	}
	if len(seen) < 81 {
		t.Errorf("the modules serve %d operations, want at least 81", len(seen))
	}
	if n := len(s.Coverage()); n != len(s.urls.Operations()) || n < 1180 {
		t.Errorf("coverage lists %d operations of %d", n, len(s.urls.Operations()))
	}
}

// TestEveryAdminRouteRefusesWebPages walks every route registered under
// /_fake/ on an open fake (no token, the laptop default), as
// TestEveryAdminRouteNeedsTheToken does: a state-changing request from a
// page on another origin, or one its browser marks cross-site, is a 403
// before any handler runs; a form or text/plain body is a 415; a request
// for a Host the fake does not know (a name rebound to 127.0.0.1) reads
// nothing but the open paths; and the fake's own origin (the dashboard),
// a listed admin origin and curl (no Origin) are not refused by it.
func TestEveryAdminRouteRefusesWebPages(t *testing.T) {
	t.Parallel()
	s, err := New(WithAdminCORS("http://trusted.test"), WithAdminHosts("iblfake"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	param := regexp.MustCompile(`:[a-z_]+`)
	send := func(method, path, host string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(`{"platform_key": "acme", "users": [], "groups": []}`))
		// Gone already: the live log's stream ends at once.
		ctx, cancel := context.WithCancel(req.Context())
		cancel()
		req = req.WithContext(ctx)
		req.Host = host
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	writes, n := 0, 0
	for _, r := range s.echo.Routes() {
		if !strings.HasPrefix(r.Path, AdminPrefix+"/") || strings.Contains(r.Path, "*") {
			continue
		}
		n++
		path := param.ReplaceAllString(r.Path, "x")
		open := openAdminPaths[path] && (r.Method == http.MethodGet || r.Method == http.MethodHead)
		for _, host := range []string{"evil.example", "evil.example:8080", "127.0.0.1.evil.example"} {
			if rec := send(r.Method, path, host); !open && rec.Code != http.StatusForbidden {
				t.Errorf("%s %s for Host %s = %d, want 403 on an open fake", r.Method, path, host, rec.Code)
			}
		}
		for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "iblfake:8080", "app.localhost"} {
			if rec := send(r.Method, path, host); rec.Code == http.StatusForbidden {
				t.Errorf("%s %s for Host %s = 403: a known host", r.Method, path, host)
			}
		}
		if safeAdminMethod(r.Method) {
			continue
		}
		writes++
		for _, h := range [][]string{
			{"Origin", "https://evil.example"},
			{"Origin", "http://127.0.0.1:9999"}, // another loopback port is another origin
			{"Origin", "null"},
			{"Sec-Fetch-Site", "cross-site"},
			{"Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site", "cross-site"},
		} {
			if rec := send(r.Method, path, "127.0.0.1:8080", h...); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s with %q = %d, want 403", r.Method, path, h, rec.Code)
			}
		}
		for _, h := range [][]string{
			{"Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site", "same-origin"},
			{"Origin", "http://trusted.test", "Sec-Fetch-Site", "cross-site"},
		} {
			if rec := send(r.Method, path, "127.0.0.1:8080", h...); rec.Code == http.StatusForbidden {
				t.Errorf("%s %s with %q = 403: its own origin or a listed one", r.Method, path, h)
			}
		}
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
			rec := send(r.Method, path, "127.0.0.1:8080", "Content-Type", ct)
			if rec.Code != http.StatusUnsupportedMediaType && rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s with a %s body = %d %s, want 415", r.Method, path, ct, rec.Code, rec.Body)
			}
		}
	}
	if n < 40 || writes < 15 {
		t.Fatalf("walked %d admin routes, %d writes; the walk no longer sees the admin surface", n, writes)
	}
	t.Logf("%d admin routes (%d writes) refuse web pages", n, writes)
}

// TestATokenGuardsForeignHosts: with an admin token the token guards the
// surface, so a container's service name needs no listing.
func TestATokenGuardsForeignHosts(t *testing.T) {
	t.Parallel()
	s, err := New(WithAdminToken("T0K"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	req := httptest.NewRequest(http.MethodGet, "/_fake/state", nil)
	req.Host = "iblfake:8080"
	req.Header.Set("Authorization", "Bearer T0K")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /_fake/state for iblfake:8080 with the token = %d %s", rec.Code, rec.Body)
	}
}

// TestEveryAdminRouteRefusesUnknownQueryParameters walks every route
// registered under /_fake/ (as the token walk does) and sends each with a
// query parameter no route takes: every one answers 400 naming it, before
// its handler runs (finding: POST /_fake/reset?tenant=x wiped every
// tenant), but the method's 405 and OPTIONS, which run no handler. Then
// each parameter a route declares (api.Route.Query) is not refused as
// unknown. A route added later is covered without being named here.
func TestEveryAdminRouteRefusesUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	declared := map[string][]string{} // "METHOD /_fake/path" -> its query
	routes := s.adminRoutes()
	for _, m := range s.modules {
		routes = append(routes, m.AdminRoutes()...)
	}
	for _, r := range routes {
		declared[r.Method+" "+AdminPrefix+r.Path] = r.Query
		if r.Method == http.MethodGet {
			declared[http.MethodHead+" "+AdminPrefix+r.Path] = r.Query
		}
	}
	param := regexp.MustCompile(`:[a-z_]+`)
	send := func(method, target string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(`{}`))
		ctx, cancel := context.WithCancel(req.Context()) // the live log's stream ends at once
		cancel()
		req = req.WithContext(ctx)
		req.Host = "127.0.0.1:8080"
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	n, params := 0, 0
	for _, r := range s.echo.Routes() {
		if !strings.HasPrefix(r.Path, AdminPrefix+"/") || strings.Contains(r.Path, "*") {
			continue
		}
		query, handled := declared[r.Method+" "+r.Path]
		if !handled {
			continue // a 405 or OPTIONS answer
		}
		n++
		path := param.ReplaceAllString(r.Path, "x")
		rec := send(r.Method, path+"?iblfake_guess=1")
		if rec.Code != http.StatusBadRequest || (r.Method != http.MethodHead && !strings.Contains(rec.Body.String(), `\"iblfake_guess\"`)) {
			t.Errorf("%s %s?iblfake_guess=1 = %d %s, want a 400 naming the parameter", r.Method, path, rec.Code, rec.Body)
		}
		for _, q := range query {
			params++
			rec := send(r.Method, path+"?"+q+"=x")
			if strings.Contains(rec.Body.String(), "Unknown query parameter") {
				t.Errorf("%s %s?%s=x = %d %s: the route declares %q", r.Method, path, q, rec.Code, rec.Body, q)
			}
		}
	}
	if n < 30 || params < 10 {
		t.Fatalf("walked %d admin routes and %d declared parameters; the walk no longer sees the admin surface", n, params)
	}
	t.Logf("%d admin routes refuse an unknown query parameter; %d declared ones are taken", n, params)
}
