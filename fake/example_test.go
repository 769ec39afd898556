package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/journal"
)

// ExampleNewTestServer embeds the fake in a Go test: inside
// func TestX(t *testing.T), pass t itself where this example passes its
// stand-in. The server stops when the test ends, and any response that does
// not match the vendor's (corrected) document fails the test.
func ExampleNewTestServer() {
	t := &exampleT{}
	defer t.finish()

	srv := fake.NewTestServer(t, fake.WithAPIKey("test-key", "acme"))

	body := strings.NewReader(`{"name": "Acme University"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/credentials/orgs/acme/users/admin/issuers/", body)
	req.Header.Set("Authorization", "Api-Token test-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()

	var created struct {
		Status struct{ Description string }
		Result struct{ Name, Org string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, created.Status.Description)
	fmt.Println(created.Result.Name, "is an issuer of", created.Result.Org)
	// Output:
	// 200 Created
	// Acme University is an issuer of acme
}

// exampleT stands in for the *testing.T an example function has not got: it
// runs cleanups at finish and prints what a test would report.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                        {}
func (t *exampleT) Cleanup(f func())               { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, a ...any) { fmt.Printf("error: "+format+"\n", a...) }
func (t *exampleT) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (t *exampleT) TempDir() string { // IBLFAKE_TEST_STORE=bolt keeps its file here
	dir, err := os.MkdirTemp("", "iblfake-example-")
	if err != nil {
		panic(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// dayOneSeed is README's "Day one" seed.
const dayOneSeed = `format: iblfake-seed/1
tenants:
  test-issue: &example
    users:
      - {id: 7, username: ada, email: ada@example.com, name: Ada Lovelace}
    issuers:
      - {name: Example Academy}
    credentials:
      - {name: Data Science, issuer: Example Academy, courses: ["course-v1:example+DS101+2024"]}
    assertions:
      - {credential: Data Science, recipient: ada, course: "course-v1:example+DS101+2024"}
  test-revoke: *example
`

// ExampleTestServer_AssertRequests is README's "Day one" in Go: a fake
// started from a hand-written seed, keeping bodies; the code under test
// issues a credential; the test checks it sent one create, and what.
func ExampleTestServer_AssertRequests() {
	t := &exampleT{}
	defer t.finish()
	srv := fake.NewTestServer(t, fake.WithFixtureBytes("seed.yaml", []byte(dayOneSeed)), fake.WithJournalBodies())

	// The code under test: find the credential, issue it to grace.
	base := srv.URL + "/api/credentials/orgs/test-issue/users/admin/"
	call := func(method, url, body string) map[string]any {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Api-Token any-key")
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	creds := call(http.MethodGet, base, "")["result"].(map[string]any)["data"].([]any)
	cred := creds[0].(map[string]any)["entityId"].(string)
	call(http.MethodPost, base+cred+"/assertions/", `{"recipient": {"identity": "grace"}}`)

	sent := srv.AssertRequests(t, journal.Match{
		Operation: "credentials_orgs_users_assertions_create", Tenant: "test-issue", Status: 200}, 1)
	fmt.Println(string(sent[0].Exchange.RequestBody))
	// Output:
	// {"recipient": {"identity": "grace"}}
}
