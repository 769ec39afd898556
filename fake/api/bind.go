package api

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Bind decodes the request's body (Body.Value: JSON, or a form the
// validator turned into JSON; an empty body is {}) into v, a pointer to a
// struct, the way DRF's serializers read request.data:
//
//   - A key matches a field only when it is spelled exactly as the field's
//     json tag. encoding/json would match "Redirect_To" or "COUNT" too, and
//     a case-variant duplicate would then override the validated key after
//     validation; to DRF such a key is unknown, and ignored.
//   - An integer field takes 1.0 and -0.0 (DRF strips a ".0" before int()),
//     and a numeric or boolean string where DRF's fields take one.
//   - A value of the wrong type is a 400 on its field in DRF's words
//     ("A valid integer is required."), never Go's.
//
// Unknown keys are ignored, as DRF ignores them.
func Bind(c echo.Context, v any) error {
	val, err := RequestBody(c).Value()
	if err != nil {
		return err
	}
	if val == nil {
		val = map[string]any{}
	}
	return BindValue(val, v)
}

// Unmarshal is Bind for JSON bytes: a nested raw value of a request body,
// or a document an admin route takes.
func Unmarshal(data []byte, v any) error {
	val, err := ParseJSON(data)
	if err != nil {
		return err
	}
	return BindValue(val, v)
}

// BindValue binds a parsed JSON value (ParseJSON's: json.Number for
// numbers) into v as Bind does.
func BindValue(val any, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("api.BindValue: need a non-nil pointer, got %T", v)
	}
	var b binder
	b.set(rv.Elem(), val, make([]string, 0, 4))
	if len(b.errs) > 0 {
		return Fields(b.errs)
	}
	return nil
}

// binder collects field errors in DRF's nested shape while binding.
type binder struct {
	errs map[string]any // made on the first error
}

func (b *binder) fail(path []string, msg string) {
	if b.errs == nil {
		b.errs = map[string]any{}
	}
	if len(path) == 0 {
		path = []string{"non_field_errors"}
	}
	AddFieldError(b.errs, path, msg)
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	optionalType    = reflect.TypeFor[optional]()
)

// optional is Opt's hook into the binder.
type optional interface {
	bindOpt(b *binder, val any, path []string)
}

// set binds val into dst. path is dst's place for its errors; nothing
// keeps it (AddFieldError copies what it needs), so the fields of one
// object share its backing array, appended in turn.
func (b *binder) set(dst reflect.Value, val any, path []string) {
	t := dst.Type()
	hooks := hooksOf(t)
	if hooks.optional {
		dst.Addr().Interface().(optional).bindOpt(b, val, path)
		return
	}
	if t == rawMessageType {
		raw, err := json.Marshal(val)
		if err != nil {
			b.fail(path, "Invalid value.")
			return
		}
		dst.SetBytes(raw)
		return
	}
	if hooks.unmarshaler {
		raw, err := json.Marshal(val)
		if err == nil {
			err = dst.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw)
		}
		if err != nil {
			b.fail(path, "Invalid value.")
		}
		return
	}
	if val == nil {
		// null: the zero value (a nil pointer, slice or map), as
		// encoding/json leaves it; required-ness was the validator's.
		dst.SetZero()
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		b.set(elem.Elem(), val, path)
		dst.Set(elem)
	case reflect.Interface:
		dst.Set(reflect.ValueOf(Plain(val)))
	case reflect.String:
		switch x := val.(type) {
		case string:
			dst.SetString(x)
		case json.Number:
			dst.SetString(x.String()) // DRF's CharField: str(data)
		default:
			b.fail(path, "Not a valid string.")
		}
	case reflect.Bool:
		if x, ok := boolValue(val); ok {
			dst.SetBool(x)
		} else {
			b.fail(path, "Must be a valid boolean.")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, msg := intValue(val, t.Bits())
		if msg != "" {
			b.fail(path, msg)
			return
		}
		dst.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, msg := intValue(val, 64)
		if msg == "" && (n < 0 || (t.Bits() < 64 && n >= 1<<t.Bits())) {
			msg = "A valid integer is required."
		}
		if msg != "" {
			b.fail(path, msg)
			return
		}
		dst.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		if f, ok := floatValue(val); ok {
			dst.SetFloat(f)
		} else {
			b.fail(path, "A valid number is required.")
		}
	case reflect.Slice:
		list, ok := val.([]any)
		if !ok {
			b.fail(path, fmt.Sprintf("Expected a list of items but got type \"%s\".", PyType(val)))
			return
		}
		out := reflect.MakeSlice(t, len(list), len(list))
		for i, item := range list {
			b.set(out.Index(i), item, append(path, strconv.Itoa(i)))
		}
		dst.Set(out)
	case reflect.Map:
		obj, ok := val.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			b.fail(path, fmt.Sprintf("Expected a dictionary of items but got type \"%s\".", PyType(val)))
			return
		}
		out := reflect.MakeMapWithSize(t, len(obj))
		for k, item := range obj {
			ev := reflect.New(t.Elem()).Elem()
			b.set(ev, item, append(path, k))
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		dst.Set(out)
	case reflect.Struct:
		obj, ok := val.(map[string]any)
		if !ok {
			// A serializer (the body itself, or a nested one) given a non-object.
			b.fail(path, fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", PyType(val)))
			return
		}
		// Whichever is shorter is walked: a body names a few of its
		// struct's fields, usually.
		fields := structFields(t)
		if len(obj) < len(fields) {
			for name, item := range obj {
				if idx, ok := fields[name]; ok {
					b.set(dst.FieldByIndex(idx), item, append(path, name))
				}
			}
			return
		}
		for name, idx := range fields {
			if item, present := obj[name]; present {
				b.set(dst.FieldByIndex(idx), item, append(path, name))
			}
		}
	default:
		b.fail(path, "Invalid value.")
	}
}

// typeHooks are the binding hooks a type has: Opt's, or an
// UnmarshalJSON method on its pointer (for a type that is neither a
// pointer nor an interface).
type typeHooks struct{ optional, unmarshaler bool }

// hookCache holds each type's typeHooks: reflect's Implements, asked for
// every value bound, was a tenth of binding.
var hookCache sync.Map // reflect.Type -> typeHooks

func hooksOf(t reflect.Type) typeHooks {
	if h, ok := hookCache.Load(t); ok {
		return h.(typeHooks)
	}
	pt := reflect.PointerTo(t)
	h := typeHooks{
		optional:    pt.Implements(optionalType),
		unmarshaler: t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && pt.Implements(unmarshalerType),
	}
	hookCache.Store(t, h)
	return h
}

// fieldCache holds each struct type's fields by exact json name.
var fieldCache sync.Map // reflect.Type -> map[string][]int

// structFields maps a struct's json names to field indexes, with embedded
// structs' fields promoted as encoding/json promotes them.
func structFields(t reflect.Type) map[string][]int {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(index[:len(index):len(index)], i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := m[name]; !dup || len(idx) < len(m[name]) {
				m[name] = idx
			}
		}
	}
	walk(t, nil)
	fieldCache.Store(t, m)
	return m
}

// intValue reads an integer as DRF's IntegerField does: a number or a
// string, where "1.0" and "-0.0" count (DRF strips a trailing ".0*")
// but 1.5 and 1e2 do not.
func intValue(val any, bits int) (int64, string) {
	var s string
	switch x := val.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		s = strconv.FormatInt(x, 10)
	default:
		return 0, "A valid integer is required."
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			limit := int64(math.MaxInt64) >> (64 - bits)
			if strings.HasPrefix(s, "-") {
				return 0, fmt.Sprintf("Ensure this value is greater than or equal to %d.", -limit-1)
			}
			return 0, fmt.Sprintf("Ensure this value is less than or equal to %d.", limit)
		}
		return 0, "A valid integer is required."
	}
	return n, ""
}

// floatValue reads a finite number (a JSON number or a numeric string, as
// DRF's FloatField takes).
func floatValue(val any) (float64, bool) {
	var f float64
	var err error
	switch x := val.(type) {
	case json.Number:
		f, err = x.Float64()
	case string:
		f, err = strconv.ParseFloat(strings.TrimSpace(x), 64)
	case float64:
		f = x
	case int64:
		f = float64(x)
	default:
		return 0, false
	}
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// boolValue reads a boolean as DRF's BooleanField does.
func boolValue(val any) (bool, bool) {
	switch x := val.(type) {
	case bool:
		return x, true
	case string:
		return ParseBool(x)
	case json.Number:
		switch x.String() {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	}
	return false, false
}

// ParseBool reads a boolean as DRF's BooleanField does, with exactly its
// spellings (TRUE_VALUES and FALSE_VALUES: "true", "True", "TRUE", "t",
// "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1", and their
// false twins); ok is false for anything else, "tRuE" included.
func ParseBool(s string) (value, ok bool) {
	switch s {
	case "true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1":
		return true, true
	case "false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF", "0":
		return false, true
	}
	return false, false
}

// Plain converts ParseJSON's numbers to float64, recursively, for values
// kept as untyped JSON (metadata), as encoding/json would have decoded them.
func Plain(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Plain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	}
	return v
}

// PyType names a JSON value's type as Python (and so DRF) would.
func PyType(v any) string {
	switch x := v.(type) {
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "float"
		}
		return "int"
	case float64:
		return "float"
	case int, int64:
		return "int"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	case nil:
		return "NoneType"
	}
	return fmt.Sprintf("%T", v)
}

// AddFieldError puts msg at path in DRF's nested error shape ({"a": {"b":
// ["msg"]}}), once; an empty path is a non-field error.
func AddFieldError(fields map[string]any, path []string, msg string) {
	if len(path) == 0 {
		path = []string{"non_field_errors"}
	}
	m := fields
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	last := path[len(path)-1]
	list, _ := m[last].([]string)
	for _, have := range list {
		if have == msg {
			return
		}
	}
	m[last] = append(list, msg)
}

// Opt is a body field that may be absent, null or a value: the catalog's
// writes tell "not sent" from "sent as null" (an update that clears a
// field).
type Opt[T any] struct {
	Set  bool // the key was in the body
	Null bool // its value was null
	V    T
}

func (o *Opt[T]) bindOpt(b *binder, val any, path []string) {
	o.Set = true
	if val == nil {
		o.Null = true
		return
	}
	b.set(reflect.ValueOf(&o.V).Elem(), val, path)
}

// Has reports whether the field holds a value (neither absent nor null).
func (o Opt[T]) Has() bool { return o.Set && !o.Null }

// Ptr returns the value as a pointer, nil when absent or null.
func (o Opt[T]) Ptr() *T {
	if !o.Has() {
		return nil
	}
	v := o.V
	return &v
}
