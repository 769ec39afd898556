package urlconf

import "strings"

// MaxParams is the most path parameters a template of the document has,
// with room to spare; a Match holds them without allocating.
const MaxParams = 12

// Match is a resolved path: its view and the parameters' values, in the
// order of View.Names, decoded (the path is).
type Match struct {
	View   *View
	values [MaxParams]string
	n      int
}

// Values are the parameters' values, in the order of View.Names.
func (m *Match) Values() []string { return m.values[:m.n] }

// Param returns the value of the parameter name ("" for none).
func (m *Match) Param(name string) string {
	for i, n := range m.View.Names {
		if n == name && i < m.n {
			return m.values[i]
		}
	}
	return ""
}

// Resolve finds the view path addresses and fills m; false when none
// does (Django's 404). path is the decoded path, as Django resolves
// PATH_INFO (an escaped slash is a slash), and the catalog's second mount
// is the catalog's (Canonical). A parameter matches one non-empty segment;
// at each segment a static child is tried before the parameter, as
// Django's URLconf lists the static patterns first (GET .../issuers/ lists
// issuers, it is not the detail of issuer "issuers").
func (r *Resolver) Resolve(path string, m *Match) bool {
	path = Canonical(path)
	m.n = 0
	v := r.root.match(path, 0, m)
	m.View = v
	return v != nil
}

// match resolves the rest of path from position i (the start of a
// segment), or returns nil having left m.n as it found it.
func (n *node) match(path string, i int, m *Match) *View {
	end := strings.IndexByte(path[i:], '/')
	last := end < 0
	if last {
		end = len(path)
	} else {
		end += i
	}
	seg := path[i:end]
	if c := n.static[seg]; c != nil {
		if last {
			if c.view != nil {
				return c.view
			}
		} else if v := c.match(path, end+1, m); v != nil {
			return v
		}
	}
	if n.param != nil && seg != "" && m.n < MaxParams {
		m.values[m.n] = seg
		m.n++
		if last {
			if n.param.view != nil {
				return n.param.view
			}
		} else if v := n.param.match(path, end+1, m); v != nil {
			return v
		}
		m.n--
	}
	return nil
}

// SlashRedirect reports whether path only lacks its trailing slash: Django's
// APPEND_SLASH redirects such a request (301) to the path with one.
func (r *Resolver) SlashRedirect(path string) bool {
	if strings.HasSuffix(path, "/") {
		return false
	}
	var m Match
	return r.Resolve(path+"/", &m)
}

// catalogAlias is a second mount of the catalog app that the published
// document does not list. The vendor's Python SDK posts invitations to
// {base}/api/ibl/catalog/invitations/platform/ with base
// https://base.manager.iblai.app (iblai-python-sdk,
// iblai/helpers/user_invitation.py and helpers/constants.py), so the real
// service answers there; every /api/ibl/catalog/ URL is served as its
// /api/catalog/ twin (FIDELITY.md, "/api/ibl/catalog/").
const catalogAlias = "/api/ibl/catalog/"

// Canonical is path with the catalog's second mount made the document's
// (/api/ibl/catalog/x -> /api/catalog/x); any other path as it is.
func Canonical(path string) string {
	if strings.HasPrefix(path, catalogAlias) {
		return "/api" + path[len("/api/ibl"):]
	}
	return path
}
