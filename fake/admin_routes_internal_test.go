package fake

import (
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
	known := map[string]bool{}
	for _, op := range s.spec.Operations() {
		known[op.Op.OperationID] = true
	}
	seen := map[string]bool{}
	for _, m := range s.modules {
		for id := range m.Operations() {
			if !known[id] {
				t.Errorf("%T serves %q, which is no operation of the document", m, id)
			}
			if seen[id] {
				t.Errorf("%q is served twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) < 81 {
		t.Errorf("the modules serve %d operations, want at least 81", len(seen))
	}
}
