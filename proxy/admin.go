package proxy

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/internal/admintoken"
	"github.com/iblfake/iblfake/spec"
)

// serveAdmin is the proxy's /_fake/ surface: health, the journal, the
// summary and the document. Nothing under /_fake/ is forwarded: the real
// service has no such routes, and the admin token must never leave.
func (p *Proxy) serveAdmin(w http.ResponseWriter, r *http.Request) {
	route := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_fake"), "/")
	if route == "/health" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// Open, as on the fake: container health checks need no secret.
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "mode": "proxy", "version": p.opts.Version, "upstream": p.upstream.String(),
			"vendor_package": spec.VendorPackage + "@" + spec.VendorPackageVersion,
		})
		return
	}
	if !p.adminAllowed(w, r) {
		return
	}
	switch {
	case route == "/requests" && (r.Method == http.MethodGet || r.Method == http.MethodDelete):
		p.journal.ServeHTTP(w, r)
	case route == "/summary" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, p.Summary())
	case route == "/openapi.json" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(p.opts.Spec.JSON)
	default:
		writeDetail(w, http.StatusNotFound, "In proxy mode iblfake serves /_fake/health, /_fake/requests, /_fake/summary and /_fake/openapi.json only.")
	}
}

// adminAllowed checks the admin token as the fake does (admintoken),
// answering the fake's 401 when it is missing or wrong.
func (p *Proxy) adminAllowed(w http.ResponseWriter, r *http.Request) bool {
	if p.opts.AdminToken == "" {
		return true
	}
	msg := admintoken.Check(r.Header.Get("Authorization"), p.opts.AdminToken)
	if msg == "" {
		return true
	}
	w.Header().Set("WWW-Authenticate", admintoken.Challenge)
	writeDetail(w, http.StatusUnauthorized, msg)
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeDetail(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
