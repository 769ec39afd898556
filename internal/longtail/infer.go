package longtail

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// shape is what the long tail decides of a family from its schemas, the
// first time the family is used.
type shape struct {
	// ok: the family keeps state; when not, why says what could not be
	// decided and its operations are answered as synthesized ones.
	ok  bool
	why string
	// item is the schema of one item as the item's GET answers it (the
	// create's answer where there is no item GET).
	item *openapi3.SchemaRef
	// idField is the item's property that holds its id (the item
	// parameter's value), "" when no property does; idType is "integer",
	// "uuid" or "string"; idWritable says a create may name it.
	idField    string
	idType     string
	idWritable bool
	// created and updated are the properties stamped with the fake's clock
	// when an item is made and changed.
	created, updated []string
	// tenantFields are the item's properties that name its tenant.
	tenantFields []string
	// list is how the family's list answers.
	list listShape
	// enumIDs are the ids of a family without a create whose id field is
	// an enum: the items it holds from the start (enum_family.go).
	enumIDs []string
}

// listShape is a list operation's envelope and vocabulary.
type listShape struct {
	// field is the envelope's array property ("" for a bare array).
	field string
	items *openapi3.SchemaRef
	// paging: "page" (page, page_size), "offset" (limit, offset) or ""
	// (everything at once).
	paging string
	// search: the list takes DRF's search parameter; ordering: its
	// ordering parameter.
	search, ordering bool
	// filters maps a query parameter to the item property it filters on
	// by value.
	filters map[string]string
}

// idNames are the properties that hold an id when none is named for the
// item parameter, in the order they are tried.
var idNames = []string{"id", "pk", "uuid", "unique_id", "slug", "name", "key"}

// createdNames and updatedNames are the timestamp properties the fake's
// clock sets.
var (
	createdNames = []string{"created_at", "created", "created_on", "created_date", "date_created", "creation_date", "inserted_at", "date_joined"}
	updatedNames = []string{"updated_at", "updated", "updated_on", "updated_date", "date_updated", "modified", "modified_at",
		"modified_on", "modified_date", "date_modified", "last_modified", "last_modified_at", "last_updated", "last_updated_at"}
)

// tenantNames are the properties that name an item's tenant.
var tenantNames = []string{"platform_key", "platform_org", "org", "platform"}

// infer decides f's shape from its operations' schemas (once).
func (f *family) infer() *shape {
	f.once.Do(func() {
		f.shape = inferShape(f)
	})
	return &f.shape
}

func inferShape(f *family) shape {
	var sh shape
	for _, v := range []verb{retrieve, create, update, partialUpdate} {
		if s := okSchema(compile(f.ops[v])); objectSchema(s) {
			sh.item = s
			break
		}
	}
	if sh.item == nil {
		// A family whose only answer is its list (a user's notifications:
		// list and destroy) keeps the list's items.
		if ls := inferList(compile(f.ops[list]), nil); ls.items != nil && objectSchema(ls.items) {
			sh.item = ls.items
		}
	}
	if sh.item == nil {
		sh.why = "no operation of the family answers an object"
		return sh
	}
	ps := props(sh.item)
	sh.idField = idField(f.param, ps)
	if sh.idField == "" {
		sh.why = "no property of " + refName(sh.item) + " holds the item parameter {" + f.param + "}"
		return sh
	}
	idp := ps[sh.idField].Value
	switch {
	case idp.Type.Is("integer"):
		sh.idType = "integer"
	case idp.Format == "uuid":
		sh.idType = "uuid"
	default:
		sh.idType = "string"
	}
	if op := compile(f.ops[create]); op != nil {
		if body := requestSchema(op); body != nil {
			if p := props(body)[sh.idField]; p != nil && p.Value != nil && !p.Value.ReadOnly {
				sh.idWritable = true
			}
		}
	}
	for _, n := range createdNames {
		if ps[n] != nil {
			sh.created = append(sh.created, n)
		}
	}
	for _, n := range updatedNames {
		if ps[n] != nil {
			sh.updated = append(sh.updated, n)
		}
	}
	for _, n := range tenantNames {
		if p := ps[n]; p != nil && p.Value != nil && p.Value.Type.Is("string") {
			sh.tenantFields = append(sh.tenantFields, n)
		}
	}
	if op := compile(f.ops[list]); op != nil {
		sh.list = inferList(op, sh.item)
	}
	if f.ops[create] == nil {
		for _, e := range idp.Enum {
			if s, ok := e.(string); ok && s != "" {
				sh.enumIDs = append(sh.enumIDs, s)
			}
		}
	}
	sh.ok = true
	return sh
}

// idField is the property that holds the item parameter's value: one of
// the same name, one the parameter names with a prefix ({redirect_token}
// is a token, {mentor_unique_id} a unique_id), else the usual id names.
func idField(param string, ps openapi3.Schemas) string {
	usable := func(n string) bool {
		p := ps[n]
		return p != nil && p.Value != nil && (p.Value.Type.Is("integer") || p.Value.Type.Is("string")) && !p.Value.WriteOnly
	}
	if usable(param) {
		return param
	}
	var suffixed []string
	for n := range ps {
		if strings.HasSuffix(param, "_"+n) && usable(n) {
			suffixed = append(suffixed, n)
		}
	}
	if len(suffixed) > 0 {
		slices.SortFunc(suffixed, func(a, b string) int { return len(b) - len(a) }) // the longest says most
		return suffixed[0]
	}
	for _, n := range idNames {
		if usable(n) {
			return n
		}
	}
	return ""
}

// inferList reads a list operation's envelope and parameters.
func inferList(op *openapi3.Operation, item *openapi3.SchemaRef) listShape {
	var ls listShape
	s := okSchema(op)
	switch {
	case s == nil || s.Value == nil:
		return ls
	case s.Value.Type.Is("array"):
		ls.items = s.Value.Items
	default:
		ps := props(s)
		for _, n := range []string{"results", "data", "items", "objects", "records"} {
			if p := ps[n]; p != nil && p.Value != nil && p.Value.Type.Is("array") {
				ls.field, ls.items = n, p.Value.Items
				break
			}
		}
		if ls.field == "" {
			var arrays []string
			for n, p := range ps {
				if p != nil && p.Value != nil && p.Value.Type.Is("array") && objectSchema(p.Value.Items) {
					arrays = append(arrays, n)
				}
			}
			if len(arrays) == 1 {
				ls.field, ls.items = arrays[0], ps[arrays[0]].Value.Items
			}
		}
	}
	params := map[string]*openapi3.Parameter{}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			params[p.Value.Name] = p.Value
		}
	}
	switch {
	case params["page"] != nil || params["page_size"] != nil:
		ls.paging = "page"
	case params["limit"] != nil || params["offset"] != nil:
		ls.paging = "offset"
	}
	ls.search = params["search"] != nil
	ls.ordering = params["ordering"] != nil
	itemProps := openapi3.Schemas{}
	for k, v := range props(item) {
		itemProps[k] = v
	}
	if ls.items != nil {
		for k, v := range props(ls.items) {
			itemProps[k] = v
		}
	}
	ls.filters = map[string]string{}
	for name := range params {
		if skipFilter[name] {
			continue
		}
		switch {
		case itemProps[name] != nil:
			ls.filters[name] = name
		case strings.HasSuffix(name, "_id") && itemProps[strings.TrimSuffix(name, "_id")] != nil:
			ls.filters[name] = strings.TrimSuffix(name, "_id")
		}
	}
	return ls
}

// skipFilter are the query parameters that are never a field filter.
var skipFilter = map[string]bool{"page": true, "page_size": true, "limit": true, "offset": true, "search": true, "ordering": true, "format": true}

// requestSchema is op's JSON (or form) request body schema.
func requestSchema(op *openapi3.Operation) *openapi3.SchemaRef {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	for _, ct := range []string{"application/json", "multipart/form-data", "application/x-www-form-urlencoded"} {
		if mt := op.RequestBody.Value.Content.Get(ct); mt != nil && mt.Schema != nil {
			return mt.Schema
		}
	}
	return nil
}

// refName is a schema's component name, for messages.
func refName(s *openapi3.SchemaRef) string {
	if s == nil {
		return "the answer"
	}
	if i := strings.LastIndexByte(s.Ref, '/'); i >= 0 {
		return s.Ref[i+1:]
	}
	return "the answer"
}

// collectionPath is a family's collection as one request addresses it:
// the template with the request's parameter values, so one parent's
// collection is not another's, and spellings of one path are one key.
func collectionPath(template string, param func(string) string) string {
	var b strings.Builder
	for i, seg := range strings.Split(template, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
			b.WriteString(param(seg[1 : len(seg)-1]))
			continue
		}
		b.WriteString(seg)
	}
	return b.String()
}
