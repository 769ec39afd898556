package fake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// MsgNullCharacters is DRF's ProhibitNullCharactersValidator message, which
// every CharField carries.
const MsgNullCharacters = "Null characters are not allowed."

// identifierMaxLength is the longest value the real service's models hold
// for the identifiers requests carry, where the document declares no
// maxLength of its own (FIDELITY.md, "Identifier lengths"): Django's
// usernames are 150 characters, its EmailField 254, and a CharField's
// usual max_length 255. Values must be refused on their field before they
// reach the store: a longer one would be an index key the real database
// refuses (and bbolt refuses past 32 KiB).
var identifierMaxLength = map[string]int{
	"username": 150, "identity": 150, "users": 150, "user_id": 150,
	"email": 254,
	"name":  255, "org": 255, "platform_key": 255, "platform_org": 255, "key": 255,
	"course_id": 255, "program_id": 255, "program_key": 255, "entity_id": 255,
	"external_id": 255, "transaction_id": 255, "source": 255, "group_id": 255,
}

// maxLengthMessage is DRF's CharField max_length message.
func maxLengthMessage(n int) string {
	return fmt.Sprintf("Ensure this field has no more than %d characters.", n)
}

// normalize applies DRF's string rules to a request body value before it is
// validated and bound, adding violations to fields:
//
//   - NUL anywhere in a string is "Null characters are not allowed." on
//     its field (every CharField refuses it; PostgreSQL cannot store it
//     in JSON either).
//   - A string the schema declares as text is trimmed of surrounding
//     whitespace, as CharField's trim_whitespace does, so " " is blank
//     and " Acme " is stored as "Acme". Choices (enum), date-times and
//     files are not CharFields and are left as sent.
//   - An identifier longer than identifierMaxLength allows, where the
//     schema sets no maxLength, is refused with DRF's max_length message.
//
// Values under free-form objects (metadata) are checked for NUL only.
func normalize(s *openapi3.Schema, v any, name string, path []string, fields map[string]any) any {
	if out, changed := normalized(s, v, name, path, fields); changed {
		return out
	}
	return v
}

// normalized is normalize, saying whether v changed (a trimmed string), so
// that an object or a list is written to only where one did. path is the
// field's place for its errors; AddFieldError keeps none of it, so the
// fields of one object share its backing array (appended in turn) rather
// than each copying it.
func normalized(s *openapi3.Schema, v any, name string, path []string, fields map[string]any) (any, bool) {
	switch x := v.(type) {
	case string:
		if strings.IndexByte(x, 0) >= 0 {
			api.AddFieldError(fields, path, MsgNullCharacters)
			return x, false
		}
		if s == nil {
			return x, false
		}
		t := x
		if s.Type.Is("string") && len(s.Enum) == 0 && !untrimmedFormats[s.Format] {
			t = strings.TrimSpace(x)
		}
		if limit := identifierMaxLength[name]; limit > 0 && s.MaxLength == nil && utf8.RuneCountInString(t) > limit {
			api.AddFieldError(fields, path, maxLengthMessage(limit))
		}
		return t, len(t) != len(x)
	case map[string]any:
		var extra *openapi3.Schema
		if s != nil {
			if ap := s.AdditionalProperties.Schema; ap != nil {
				extra = ap.Value
			}
		}
		for k, e := range x {
			ps := extra
			if s != nil {
				if p := synth.Property(s, k); p != nil {
					ps = p.Value
				}
			}
			if out, changed := normalized(ps, e, k, append(path, k), fields); changed {
				x[k] = out
			}
		}
	case []any:
		var item *openapi3.Schema
		if s != nil && s.Items != nil {
			item = s.Items.Value
		}
		for i, e := range x {
			if out, changed := normalized(item, e, name, append(path, strconv.Itoa(i)), fields); changed {
				x[i] = out
			}
		}
	}
	return v, false
}

// untrimmedFormats are string formats whose DRF fields are not CharFields
// and so do not trim whitespace.
var untrimmedFormats = map[string]bool{"date-time": true, "date": true, "binary": true, "byte": true, "uuid": true}

// checkParams applies the same rules to the path and query parameters: NUL
// and over-long identifiers are refused on their parameter. A long-tail
// path parameter is an identifier whatever its name (an item's id, which
// the long tail keeps as a store key): a CharField's usual 255 unless the
// name has its own limit.
func checkParams(c echo.Context, r *route, fields map[string]any) {
	for i, name := range c.ParamNames() {
		if i < len(c.ParamValues()) {
			limit := identifierMaxLength[name]
			if limit == 0 && r.longTail {
				limit = pathIdentifierMaxLength
			}
			checkParam(name, c.ParamValues()[i], limit, fields)
		}
	}
	for name, vs := range c.QueryParams() {
		for _, v := range vs {
			checkParam(name, v, identifierMaxLength[name], fields)
		}
	}
}

// pathIdentifierMaxLength bounds a long-tail path parameter (checkParams).
const pathIdentifierMaxLength = 255

func checkParam(name, v string, limit int, fields map[string]any) {
	if strings.IndexByte(v, 0) >= 0 {
		api.AddFieldError(fields, []string{name}, MsgNullCharacters)
	} else if limit > 0 && utf8.RuneCountInString(v) > limit {
		api.AddFieldError(fields, []string{name}, maxLengthMessage(limit))
	}
}

// maxFields is Django's DATA_UPLOAD_MAX_NUMBER_FIELDS: a query string or
// form with more fields is refused (TooManyFieldsSent) rather than read.
const maxFields = 1000

// djangoBadRequest is the page Django (DEBUG off) answers a
// SuspiciousOperation with, such as too many fields.
const djangoBadRequest = `<!doctype html>
<html lang="en">
<head>
  <title>Bad Request (400)</title>
</head>
<body>
  <h1>Bad Request (400)</h1><p></p>
</body>
</html>
`

// tooManyFields is Django's answer to more than maxFields fields: its
// plain HTML 400, not DRF's JSON, since the request never reaches the view.
func tooManyFields() *api.Error {
	return &api.Error{Status: http.StatusBadRequest, Body: api.HTML(djangoBadRequest)}
}

// queryFields counts the fields of a raw query string as Python's
// parse_qsl does (separated by '&', empty ones skipped).
func queryFields(raw string) int {
	if raw == "" {
		return 0
	}
	n := 0
	for part := range strings.SplitSeq(raw, "&") {
		if part != "" {
			n++
		}
	}
	return n
}

func countValues(v url.Values) int {
	n := 0
	for _, vs := range v {
		n += len(vs)
	}
	return n
}
