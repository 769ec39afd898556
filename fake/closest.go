package fake

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/internal/urlconf"
)

// closest says, for the journal, which route a request no operation
// answered came closest to: for a 405 the view its path resolves to and
// what that view allows; for a 404 the template the resolver finds within
// one segment of the path (urlconf.Nearest), with its operations. "" when
// there is none.
func (s *Server) closest(method, path string, status int) string {
	if status == http.StatusMethodNotAllowed {
		var m urlconf.Match
		if !s.urls.Resolve(path, &m) {
			return ""
		}
		return fmt.Sprintf("%s is %s, which has no %s (Allow: %s)", path, describeView(m.View), method, m.View.Allow)
	}
	near, ok := s.urls.Nearest(path)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s: %s", describeView(near.View), near.Why)
}

// describeView is a view's template and its operations by method.
func describeView(v *urlconf.View) string {
	var ops []string
	for _, m := range urlconf.MethodOrder {
		if op := v.Ops[m]; op != nil {
			ops = append(ops, m+" "+op.ID)
		}
	}
	return fmt.Sprintf("%s (%s)", v.Template, strings.Join(ops, ", "))
}
