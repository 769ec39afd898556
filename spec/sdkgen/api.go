package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Method is one public method of an SDK API class, as its generated code
// sends it: the signature, the _serialize method and the response types
// map.
type Method struct {
	// Class is the API class (AiMentorApi), File its source file relative
	// to the SDK's root (iblai/api/ai_mentor_api.py), Line the line of the
	// method's def.
	Class string `json:"class"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	// Name is the Python method's name: the operationId of the document the
	// SDK was generated from, with "_2" written "2".
	Name string `json:"name"`
	// HTTPMethod and Path are what _serialize passes to param_serialize.
	HTTPMethod string `json:"method"`
	Path       string `json:"path"`
	// Params are the path, query, header and form parameters and the body
	// parameter, in the signature's order.
	Params []Param `json:"params"`
	// ContentTypes are the request media types the method lists; the SDK
	// sends the first JSON one unless the caller names another (S2).
	ContentTypes []string `json:"content_types,omitempty"`
	// Accept are the response media types it lists.
	Accept []string `json:"accept,omitempty"`
	// Auth are its authentication settings (none: a public operation).
	Auth []string `json:"auth"`
	// Responses maps each declared status to its type ("" for none).
	Responses map[string]string `json:"responses"`
}

// Param is one parameter of a method.
type Param struct {
	// Name is the name on the wire (the URL's, the query's, the form's);
	// Var the Python argument's name.
	Name string `json:"name"`
	Var  string `json:"-"`
	// In is path, query, header, form, file or body.
	In       string `json:"in"`
	Required bool   `json:"required"`
	// Type is the signature's annotation, DocType the docstring's ":type"
	// (which names the model or enum a form parameter's Any stands for).
	Type    *pyNode `json:"-"`
	DocType string  `json:"-"`
}

var (
	classRe    = regexp.MustCompile(`(?m)^class (\w+):`)
	defRe      = regexp.MustCompile(`(?m)^    @validate_call\n    def (\w+)\(`)
	sigEndRe   = regexp.MustCompile(`\) -> RESTResponseType:`)
	docTypeRe  = regexp.MustCompile(`(?m)^        :type (\w+): (.+)$`)
	respMapRe  = regexp.MustCompile(`(?s)_response_types_map: Dict\[str, Optional\[str\]\] = \{(.*?)\n        \}`)
	respLineRe = regexp.MustCompile(`'(\w+)': (None|"[^"]*")`)
	sectionRe  = regexp.MustCompile(`(?m)^        # process the (path parameters|query parameters|header parameters|form parameters|body parameter)$`)
	ifVarRe    = regexp.MustCompile(`(?m)^        if (\w+) is not None:`)
	pathSetRe  = regexp.MustCompile(`_path_params\['([^']+)'\] = (\w+)`)
	quotedRe   = regexp.MustCompile(`'([^']+)'`)
	formRe     = regexp.MustCompile(`_form_params\.append\(\('([^']+)', (\w+)\)\)`)
	fileRe     = regexp.MustCompile(`_files\['([^']+)'\] = (\w+)`)
	headerRe   = regexp.MustCompile(`_header_params\['([^']+)'\] = (\w+)`)
	bodyRe     = regexp.MustCompile(`_body_params = (\w+)`)
	methodRe   = regexp.MustCompile(`method='(\w+)',\s*resource_path='([^']+)'`)
	ctypeRe    = regexp.MustCompile(`(?s)select_header_content_type\(\s*\[(.*?)\]`)
	acceptRe   = regexp.MustCompile(`(?s)select_header_accept\(\s*\[(.*?)\]`)
	authRe     = regexp.MustCompile(`(?s)_auth_settings: List\[str\] = \[(.*?)\]`)
)

// readAPIs parses every iblai/api/*_api.py below root.
func readAPIs(root string) ([]Method, error) {
	files, err := filepath.Glob(filepath.Join(root, "iblai", "api", "*_api.py"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no iblai/api/*_api.py below %s", root)
	}
	sort.Strings(files)
	var all []Method
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, f)
		ms, err := parseAPI(filepath.ToSlash(rel), strings.ReplaceAll(string(src), "\r\n", "\n"))
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	return all, nil
}

// parseAPI parses one API module.
func parseAPI(file, src string) ([]Method, error) {
	cm := classRe.FindStringSubmatch(src)
	if cm == nil {
		return nil, fmt.Errorf("%s: no class", file)
	}
	defs := defRe.FindAllStringSubmatchIndex(src, -1)
	var out []Method
	for i, d := range defs {
		end := len(src)
		if i+1 < len(defs) {
			end = defs[i+1][0]
		}
		name := src[d[2]:d[3]]
		m, err := parseMethod(src[d[0]:end], name)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, name, err)
		}
		m.Class, m.File = cm[1], file
		m.Line = strings.Count(src[:d[2]], "\n") + 1
		out = append(out, *m)
	}
	return out, nil
}

// parseMethod reads one method from its block: the public def, its
// docstring and types map, and its _serialize.
func parseMethod(block, name string) (*Method, error) {
	m := &Method{Name: name, Responses: map[string]string{}}
	open := strings.Index(block, name+"(") + len(name) + 1
	loc := sigEndRe.FindStringIndex(block)
	if loc == nil {
		return nil, fmt.Errorf("no signature end")
	}
	vars := map[string]*Param{}
	var order []string
	for _, piece := range splitTop(block[open:loc[0]]) {
		piece = strings.TrimSpace(piece)
		if piece == "" || piece == "self" {
			continue
		}
		colon := indexTop(piece, ':')
		if colon < 0 {
			return nil, fmt.Errorf("parameter %q has no annotation", piece)
		}
		pname := strings.TrimSpace(piece[:colon])
		if strings.HasPrefix(pname, "_") {
			continue // _request_timeout, _headers and the like
		}
		rest := piece[colon+1:]
		var def *pyNode
		if eq := indexTop(rest, '='); eq >= 0 {
			d, err := parsePy(strings.TrimSpace(rest[eq+1:]))
			if err != nil {
				return nil, err
			}
			def = d
			rest = rest[:eq]
		}
		typ, err := parsePy(strings.TrimSpace(rest))
		if err != nil {
			return nil, err
		}
		p := &Param{Var: pname, Name: pname, Type: typ, Required: def == nil}
		vars[pname] = p
		order = append(order, pname)
	}
	for _, dm := range docTypeRe.FindAllStringSubmatch(block, -1) {
		if p := vars[dm[1]]; p != nil {
			p.DocType = strings.TrimSpace(dm[2])
		}
	}
	if rm := respMapRe.FindStringSubmatch(block); rm != nil {
		for _, l := range respLineRe.FindAllStringSubmatch(rm[1], -1) {
			t := ""
			if l[2] != "None" {
				t, _ = strconv.Unquote(l[2])
			}
			m.Responses[l[1]] = t
		}
	}
	ser := strings.Index(block, "def _"+name+"_serialize(")
	if ser < 0 {
		return nil, fmt.Errorf("no _serialize")
	}
	body := block[ser:]
	hm := methodRe.FindStringSubmatch(body)
	if hm == nil {
		return nil, fmt.Errorf("no method and resource_path")
	}
	m.HTTPMethod, m.Path = hm[1], hm[2]
	if c := ctypeRe.FindStringSubmatch(body); c != nil {
		m.ContentTypes = quotedList(c[1])
	}
	if c := acceptRe.FindStringSubmatch(body); c != nil {
		m.Accept = quotedList(c[1])
	}
	if c := authRe.FindStringSubmatch(body); c != nil {
		m.Auth = quotedList(c[1])
	}
	if m.Auth == nil {
		m.Auth = []string{}
	}
	// Each section lists its parameters as `if VAR is not None:` followed
	// by the statement that puts VAR on the wire under its name.
	secs := sectionRe.FindAllStringSubmatchIndex(body, -1)
	for i, s := range secs {
		end := len(body)
		if i+1 < len(secs) {
			end = secs[i+1][0]
		}
		kind := body[s[2]:s[3]]
		text := body[s[1]:end]
		ifs := ifVarRe.FindAllStringSubmatchIndex(text, -1)
		for j, f := range ifs {
			stmtEnd := len(text)
			if j+1 < len(ifs) {
				stmtEnd = ifs[j+1][0]
			}
			v := text[f[2]:f[3]]
			stmt := text[f[1]:stmtEnd]
			p := vars[v]
			if p == nil {
				return nil, fmt.Errorf("%s: %s is not a parameter", kind, v)
			}
			var wire string
			switch kind {
			case "path parameters":
				if mm := pathSetRe.FindStringSubmatch(stmt); mm != nil {
					wire, p.In = mm[1], "path"
				}
			case "query parameters":
				if mm := quotedRe.FindStringSubmatch(stmt); mm != nil {
					wire, p.In = mm[1], "query"
				}
			case "header parameters":
				if mm := headerRe.FindStringSubmatch(stmt); mm != nil {
					wire, p.In = mm[1], "header"
				}
			case "form parameters":
				if mm := formRe.FindStringSubmatch(stmt); mm != nil {
					wire, p.In = mm[1], "form"
				} else if mm := fileRe.FindStringSubmatch(stmt); mm != nil {
					wire, p.In = mm[1], "file"
				}
			case "body parameter":
				if bodyRe.MatchString(stmt) {
					wire, p.In = v, "body"
				}
			}
			if p.In == "" {
				return nil, fmt.Errorf("%s: cannot read where %s goes", kind, v)
			}
			p.Name = wire
		}
	}
	for _, v := range order {
		p := vars[v]
		if p.In == "" {
			return nil, fmt.Errorf("parameter %s is never sent", v)
		}
		m.Params = append(m.Params, *p)
	}
	return m, nil
}

// quotedList reads the quoted strings of a Python list's inside.
func quotedList(s string) []string {
	var out []string
	for _, q := range quotedRe.FindAllStringSubmatch(s, -1) {
		out = append(out, q[1])
	}
	return out
}

// splitTop splits s at commas outside brackets and strings.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			i = skipString(s, i)
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// indexTop is the index of the first c in s outside brackets and strings
// ('=' not part of '==', '<=', '>=', '!='), or -1.
func indexTop(s string, c byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '"', '\'':
			i = skipString(s, i)
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		default:
			if ch == c && depth == 0 {
				if c == '=' && (i+1 < len(s) && s[i+1] == '=' || i > 0 && strings.ContainsRune("=<>!", rune(s[i-1]))) {
					continue
				}
				return i
			}
		}
	}
	return -1
}

// skipString returns the index of the closing quote of the string that
// opens at i.
func skipString(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if s[j] == q {
			return j
		}
	}
	return len(s) - 1
}
