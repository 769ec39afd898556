package ui

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

//go:embed templates
var templateFS embed.FS

// FragmentHeader marks an answer as a dashboard fragment: the script puts
// into the page only answers that carry it, so a crafted #/.. route cannot
// make it show another admin answer as HTML.
const FragmentHeader = "X-Iblfake-Fragment"

// pages are the fragments' templates. html/template escapes every value
// for where it lands (text, attribute, URL), entity JSON included.
var pages = template.Must(template.New("ui").Funcs(template.FuncMap{
	"tenantURL": tenantURL,
	"cellURL":   func(tenant, link string) string { return tenantURL(tenant) + "/" + link },
	"entityURL": func(tenant, kind, id string) string {
		return tenantURL(tenant) + "/" + url.PathEscape(kind) + "/" + url.PathEscape(id)
	},
	"badge":       badgeClass,
	"statusClass": statusClass,
	"clock":       func(t time.Time) string { return t.UTC().Format("15:04:05.000") },
	"when":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"pretty":      pretty,
	"short":       shortTime,
	"breakable":   breakable,
	"offsetWords": offsetWords,
	"kib":         func(n int) string { return thousands(n>>10) + " KiB" },
	"longTime":    func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006, 15:04:05 UTC") },
	"num":         thousands,
	"num64":       func(n uint64) string { return thousands(int(min(n, 1<<62))) },
	"pathEscape":  url.PathEscape,
	"lower":       strings.ToLower,
	"inNote":      inNote,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"ms": func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"percent": func(n, of int) int {
		if of <= 0 {
			return 0
		}
		return min(100, n*100/of)
	},
}).ParseFS(templateFS, "templates/*.html"))

// inNote says where an entity sits in its vendor call's answer
// (api.BrowseRow.In).
func inNote(in string) string {
	switch in {
	case "":
		return "The answer is this entity."
	case "result":
		return "The answer wraps it: {\"status\": …, \"result\": this entity}."
	case "[0]":
		return "The answer is a list holding this entity."
	case "results[]":
		return "It is one of the results of that list, filtered as the query says."
	}
	return in
}

func tenantURL(tenant string) string { return "#/tenants/" + url.PathEscape(tenant) }

// badgeClass is the CSS class of a status word.
func badgeClass(state string) string {
	switch state {
	case "active", "redeemed", "on":
		return "badge ok"
	case "revoked", "cancelled":
		return "badge bad"
	case "expired", "inactive", "released", "off":
		return "badge muted"
	case "pending", "blank":
		return "badge info"
	}
	return "badge"
}

func statusClass(code int) string {
	switch {
	case code >= 500:
		return "st st5"
	case code >= 400:
		return "st st4"
	case code >= 300:
		return "st st3"
	case code >= 200:
		return "st st2"
	}
	return "st st0"
}

// breakable is a path, escaped, with a line-break opportunity after each
// slash, for narrow columns. Each part is escaped before it is joined, so
// nothing of s is ever markup.
func breakable(s string) template.HTML {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = template.HTMLEscapeString(p)
	}
	return template.HTML(strings.Join(parts, "/<wbr>"))
}

// shortTime writes an API date-time to the minute, in UTC, for tables
// (the full value is the cell's title); anything else is left as it is.
func shortTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// pretty is v as indented JSON, which the templates put in a <pre>
// (escaped there like any text).
func pretty(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("(not JSON: %v)", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// thousands writes n with thousands separators (12,345).
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// request is one fragment request: the Echo context and the dashboard.
type request struct {
	echo.Context
	d *dashboard
}

// param is a path parameter, unescaped (a tenant or id may hold any
// character). Echo routes on the escaped path only when the request's
// path has escapes plain unescaping would lose (RawPath, as for %2F), and
// then its parameters are still escaped.
func (r *request) param(name string) string {
	v := r.Param(name)
	if r.Request().URL.RawPath == "" {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// render writes the named template as a fragment.
func (r *request) render(status int, name string, data any) error {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return err
	}
	h := r.Response().Header()
	secure(h)
	h.Set("Cache-Control", "no-store")
	h.Set(FragmentHeader, "1")
	return r.HTMLBlob(status, b.Bytes())
}

// handle turns h's error into an error fragment with its status: a 400 or
// 404 for what the request asked wrongly, never a 500 for bad input.
func (d *dashboard) handle(h func(*request) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := &request{Context: c, d: d}
		err := h(r)
		if err == nil {
			return nil
		}
		status, msg := describe(err)
		return r.render(status, "error", map[string]any{"Status": status, "Text": http.StatusText(status), "Message": msg})
	}
}

// describe is an error's status and message: an *api.Error's own, else a
// 500.
func describe(err error) (int, string) {
	var ae *api.Error
	if !errors.As(err, &ae) {
		return http.StatusInternalServerError, err.Error()
	}
	return ae.Status, flatten(ae.Body)
}

// flatten writes a DRF error body ({"detail": ...} or field errors) as one
// line: "state: ... is none of ...".
func flatten(body any) string {
	switch b := body.(type) {
	case nil:
		return ""
	case string:
		return b
	case []string:
		return strings.Join(b, " ")
	case map[string]any:
		if d, ok := b["detail"].(string); ok && len(b) == 1 {
			return d
		}
		keys := make([]string, 0, len(b))
		for k := range b {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+": "+flatten(b[k]))
		}
		return strings.Join(parts, "; ")
	case []any:
		var parts []string
		for _, x := range b {
			parts = append(parts, flatten(x))
		}
		return strings.Join(parts, " ")
	}
	raw, _ := json.Marshal(body)
	var generic any
	if json.Unmarshal(raw, &generic) == nil {
		if _, same := generic.(map[string]any); same {
			return flatten(generic)
		}
	}
	return string(raw)
}

// badRequest is a 400 with a detail message.
func badRequest(format string, args ...any) error {
	return api.Detail(http.StatusBadRequest, fmt.Sprintf(format, args...))
}
