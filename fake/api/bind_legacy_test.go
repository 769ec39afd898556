package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// legacyBinder is the binder as it was before its types' hooks were
// cached, an object's keys walked instead of its struct's fields, and
// paths shared a backing array: TestBindIsLegacyBind holds the binder to
// it.
type legacyBinder struct {
	errs map[string]any
}

func (b *legacyBinder) fail(path []string, msg string) {
	if len(path) == 0 {
		path = []string{"non_field_errors"}
	}
	AddFieldError(b.errs, path, msg)
}

// legacyBindOpt is Opt's bindOpt for the legacy binder.
func legacyBindOpt(b *legacyBinder, o optional, val any, path []string) {
	v := reflect.ValueOf(o).Elem()
	v.FieldByName("Set").SetBool(true)
	if val == nil {
		v.FieldByName("Null").SetBool(true)
		return
	}
	b.set(v.FieldByName("V"), val, path)
}

func (b *legacyBinder) set(dst reflect.Value, val any, path []string) {
	t := dst.Type()
	if reflect.PointerTo(t).Implements(optionalType) {
		legacyBindOpt(b, dst.Addr().Interface().(optional), val, path)
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
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(unmarshalerType) {
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
			b.set(out.Index(i), item, append(path[:len(path):len(path)], strconv.Itoa(i)))
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
			b.set(ev, item, append(path[:len(path):len(path)], k))
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
		for name, idx := range structFields(t) {
			item, present := obj[name]
			if !present {
				continue
			}
			b.set(dst.FieldByIndex(idx), item, append(path[:len(path):len(path)], name))
		}
	default:
		b.fail(path, "Invalid value.")
	}
}

// bindTarget is a struct with every kind of field the binder reads.
type bindTarget struct {
	bindEmbedded
	S    string            `json:"s"`
	PS   *string           `json:"ps"`
	B    bool              `json:"b"`
	I    int               `json:"i"`
	I8   int8              `json:"i8"`
	U8   uint8             `json:"u8"`
	U    uint64            `json:"u"`
	F    float64           `json:"f"`
	L    []string          `json:"l"`
	LI   []int             `json:"li"`
	M    map[string]any    `json:"m"`
	MS   map[string]string `json:"ms"`
	N    bindNested        `json:"n"`
	PN   *bindNested       `json:"pn"`
	LN   []bindNested      `json:"ln"`
	OI   Opt[int]          `json:"oi"`
	OS   Opt[string]       `json:"os"`
	ON   Opt[bindNested]   `json:"on"`
	Raw  json.RawMessage   `json:"raw"`
	T    time.Time         `json:"t"`
	PT   *time.Time        `json:"pt"`
	Any  any               `json:"any"`
	Skip string            `json:"-"`
	Bare string
}

type bindEmbedded struct {
	E string `json:"e"`
	S int    `json:"s"` // shadowed by bindTarget's
}

type bindNested struct {
	X  int       `json:"x"`
	Y  *string   `json:"y"`
	Z  []string  `json:"z"`
	OB Opt[bool] `json:"ob"`
}

var bindNames = []string{"e", "s", "ps", "b", "i", "i8", "u8", "u", "f", "l", "li", "m", "ms", "n", "pn", "ln",
	"oi", "os", "on", "raw", "t", "pt", "any", "Skip", "-", "Bare", "S", "x", "y", "z", "ob", "unknown"}

// randomBindValue is a JSON value (as ParseJSON makes them) that fits the
// fields above now and then.
func randomBindValue(rng *rand.Rand, depth int) any {
	switch n := rng.IntN(14); {
	case n < 3 && depth > 0:
		m := map[string]any{}
		for range rng.IntN(6) {
			m[bindNames[rng.IntN(len(bindNames))]] = randomBindValue(rng, depth-1)
		}
		return m
	case n < 4 && depth > 0:
		var l []any
		for range rng.IntN(3) {
			l = append(l, randomBindValue(rng, depth-1))
		}
		return append([]any{}, l...)
	case n < 7:
		return []string{"x", "", " 7 ", "1.0", "true", "False", "2024-01-01T00:00:00Z", "-1", "300", "1e2"}[rng.IntN(10)]
	case n < 10:
		return json.Number([]string{"0", "1", "-1", "1.0", "-0.0", "1.5", "255", "256", "-129", "1e2", "99999999999999999999"}[rng.IntN(11)])
	case n < 12:
		return rng.IntN(2) == 0
	case n < 13:
		return nil
	}
	return float64(rng.IntN(5)) / 2
}

// TestBindIsLegacyBind: BindValue binds random values (seeded) into a
// struct of every field kind exactly as the legacy binder did, field
// errors included.
func TestBindIsLegacyBind(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 6))
	bound, failed := 0, 0
	for i := range 20000 {
		val := randomBindValue(rng, 3)
		if rng.IntN(3) > 0 { // mostly an object
			m := map[string]any{}
			for range rng.IntN(8) {
				m[bindNames[rng.IntN(len(bindNames))]] = randomBindValue(rng, 3)
			}
			val = m
		}
		var got, want bindTarget
		err := BindValue(val, &got)
		lb := legacyBinder{errs: map[string]any{}}
		lb.set(reflect.ValueOf(&want).Elem(), val, nil)
		var wantErr error
		if len(lb.errs) > 0 {
			wantErr = Fields(lb.errs)
		}
		if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(err, wantErr) {
			raw, _ := json.Marshal(val)
			t.Fatalf("%d: %s:\nbound  %+v, %v\nlegacy %+v, %v", i, raw, got, err, want, wantErr)
		}
		if err == nil {
			bound++
		} else {
			failed++
		}
	}
	if bound < 1000 || failed < 1000 {
		t.Fatalf("%d bound, %d failed: too few of one to prove anything", bound, failed)
	}
}
