package reports_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/internal/reports"
)

// TestAReportCompletesOnTheClockAndDownloads replays the vendor's reports
// page (WC analytics/use-reports.ts: list, request, poll the detail until
// its state is completed, open its url) on every backend: the report is
// processing until reports.Delay has passed on the fake's clock, then
// completed with a url on the fake's own host that answers the CSV without
// the API key, as the documented download does with it; after
// reports.Lifetime it is expired and its file gone. Another tenant sees
// none of it.
func TestAReportCompletesOnTheClockAndDownloads(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(9),
				fake.WithClockAt(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"), fake.WithAPIKey("dm", fake.DMAdmin))
			c.Auth = "Token dm"
			c.SeedGroups(t, "acme", map[string]any{"users": []map[string]any{
				{"user_id": 1, "username": "admin", "email": "admin@acme.test"},
				{"user_id": 2, "username": "alice", "email": "alice@acme.test"},
				{"user_id": 3, "username": "bob", "email": "bob@acme.test"},
			}})
			c.Auth = "Token key-acme"
			base := "/api/reports/platforms/acme/"

			// The list: every report type, none requested yet.
			list := c.Must(t, 200, "GET", base, nil).Obj(t)["data"].([]any)
			if len(list) == 0 {
				t.Fatal("no report types")
			}
			for _, r := range list {
				if st := r.(map[string]any)["status"].(map[string]any); len(st) != 0 {
					t.Errorf("a report never requested has status %v", st)
				}
			}

			// Request one: processing, no url yet; asking again while it
			// runs answers the same report.
			created := c.Must(t, 200, "POST", base+"new", map[string]any{"report_name": "ai-mentor-chat-history", "mentor": "7d1c2a9e"}).Obj(t)["data"].(map[string]any)
			faketest.Equal(t, "state", created["state"], any("processing"))
			if _, ok := created["url"]; ok {
				t.Errorf("a processing report has a url: %v", created)
			}
			id := faketest.Str(t, created, "report_id")
			again := c.Must(t, 200, "POST", base+"new", map[string]any{"report_name": "ai-mentor-chat-history", "mentor": "7d1c2a9e"}).Obj(t)["data"].(map[string]any)
			faketest.Equal(t, "same report", again["report_id"], any(id))
			poll := func(t *testing.T) map[string]any {
				t.Helper()
				return c.Must(t, 200, "GET", base+"ai-mentor-chat-history", nil).Obj(t)["data"].(map[string]any)["status"].(map[string]any)
			}
			faketest.Equal(t, "polled state", poll(t)["state"], any("processing"))

			// The clock moves past the delay: completed, with a url.
			c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": (reports.Delay + time.Second).String()})
			st := poll(t)
			faketest.Equal(t, "state after the delay", st["state"], any("completed"))
			faketest.Equal(t, "report id", st["report_id"], any(id))
			link, err := url.Parse(faketest.Str(t, st, "url"))
			if err != nil {
				t.Fatal(err)
			}
			srv, _ := url.Parse(c.Srv.URL)
			if link.Host != srv.Host {
				t.Fatalf("url %s is not on the fake's host %s", link, srv.Host)
			}

			// The url answers the CSV without the API key, the same on every
			// download; the documented download answers the same rows.
			file := c.Must(t, 200, "GET", link.Path, nil, "Authorization", "")
			if ct := file.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("Content-Type = %q, want text/csv", ct)
			}
			recs, err := csv.NewReader(strings.NewReader(string(file.Raw))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			faketest.Equal(t, "header", strings.Join(recs[0], ","), "session_id,username,email,mentor,started_at,messages,sentiment")
			if len(recs) < 2 {
				t.Fatalf("the report has no rows: %q", file.Raw)
			}
			for _, r := range recs[1:] {
				if r[1] != "admin" && r[1] != "alice" && r[1] != "bob" || r[3] != "7d1c2a9e" {
					t.Errorf("row %v: not one of acme's users and the mentor asked for", r)
				}
			}
			if again := c.Must(t, 200, "GET", link.Path, nil, "Authorization", "").Raw; string(again) != string(file.Raw) {
				t.Error("two downloads, two files")
			}
			dl := c.Must(t, 200, "GET", base+id+"/download", nil)
			faketest.Equal(t, "API download", string(dl.Raw), string(file.Raw))
			rows := c.Must(t, 200, "GET", base+id+"/download?format=json&columns=username,messages", nil).Arr(t)
			faketest.Equal(t, "JSON rows", len(rows), len(recs)-1)
			if r := rows[0].(map[string]any); len(r) != 2 || r["username"] == nil || r["messages"] == nil {
				t.Errorf("columns=username,messages gave %v", r)
			}
			c.Must(t, 404, "GET", strings.Replace(link.Path, "/"+id+"/", "/"+id+"/x", 1), nil, "Authorization", "")

			// Another tenant sees none of it.
			c.Auth = "Token key-globex"
			if st := c.Must(t, 200, "GET", "/api/reports/platforms/globex/ai-mentor-chat-history", nil).Obj(t)["data"].(map[string]any)["status"].(map[string]any); len(st) != 0 {
				t.Errorf("globex sees a status %v", st)
			}
			c.Must(t, 404, "GET", "/api/reports/platforms/globex/"+id+"/download", nil)
			c.Must(t, 403, "GET", base+id+"/download", nil)
			c.Must(t, 404, "GET", strings.Replace(link.Path, "/acme/", "/globex/", 1), nil, "Authorization", "")
			c.Auth = "Token key-acme"

			// After its lifetime the report is expired and its file gone; a
			// new request starts another.
			c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": reports.Lifetime.String()})
			st = poll(t)
			faketest.Equal(t, "state after the lifetime", st["state"], any("expired"))
			if _, ok := st["url"]; ok {
				t.Errorf("an expired report has a url: %v", st)
			}
			c.Must(t, 404, "GET", link.Path, nil, "Authorization", "")
			c.Must(t, 404, "GET", base+id+"/download", nil)
			renewed := c.Must(t, 200, "POST", base+"new", map[string]any{"report_name": "ai-mentor-chat-history", "mentor": "7d1c2a9e"}).Obj(t)["data"].(map[string]any)
			if renewed["report_id"] == id || renewed["state"] != "processing" {
				t.Errorf("a request after expiry = %v, want a new processing report", renewed)
			}

			// Unknown types.
			c.Must(t, 404, "GET", base+"no-such-report", nil)
			faketest.JSONEq(t, c.Must(t, 400, "POST", base+"new", map[string]any{"report_name": "no-such-report"}).Body,
				`{"report_name": ["\"no-such-report\" is not a valid choice."]}`)
			c.Must(t, 400, "POST", base+"new", map[string]any{})
		})
	}
}

// TestAReportNotReadyIsNotDownloaded: the download of a processing report
// is refused, not an empty file.
func TestAReportNotReadyIsNotDownloaded(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithClockAt(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)))
	r := c.Must(t, 200, "POST", "/api/reports/orgs/acme/new", map[string]any{"report_name": "my-chat-history"}).Obj(t)["data"].(map[string]any)
	got := c.Do(t, http.MethodGet, "/api/reports/platforms/acme/"+faketest.Str(t, r, "report_id")+"/download", nil)
	faketest.Equal(t, "status", got.Status, 400)
}
