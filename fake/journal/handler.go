package journal

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// QueryParams are the query parameters GET /_fake/requests takes.
var QueryParams = []string{"limit"}

// ServeHTTP is the journal's admin route, /_fake/requests on the fake and
// the proxy alike: GET lists the kept entries, oldest first (?limit=N the
// latest N), with how many were ever recorded, {"total", "requests"};
// DELETE empties the journal (204). Any other method is the caller's to
// refuse before it gets here.
func (j *Journal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		j.Clear()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	entries := j.Entries()
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n >= 0 && n < len(entries) {
		entries = entries[len(entries)-n:]
	}
	if entries == nil {
		entries = []Entry{}
	}
	body, err := json.Marshal(map[string]any{"total": j.Total(), "requests": entries})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
