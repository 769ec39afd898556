package api

import (
	"reflect"
	"testing"
)

// FuzzParsePlain is TestParsePlainIsEncodingJSON's rule under the fuzzer:
// whatever bytes parsePlain reads, encoding/json's decoder (decodeJSON,
// ParseJSON's other path) reads to the same value, so the one-pass reader
// never accepts a body the decoder refuses, nor reads one otherwise. CI
// runs it bounded (.ci/run).
func FuzzParsePlain(f *testing.F) {
	for _, seed := range []string{
		`{"recipient":{"identity":"user1"},"course":"course-v1:perf+C1+2024"}`,
		`[1,-0,1.5e3,true,false,null,"x",{}]`, `"日本 😀"`, `{"a":1,"a":2}`, ` 0 `, `01`, `"\u00e9"`,
		`{"a":[[[[[]]]]]}`, "\"tab\tin\"", `1e400`, `-`, `{"a" 1}`, "\xef\xbb\xbf{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := parsePlain(raw)
		if !ok {
			return
		}
		want, wok := decodeJSON(raw)
		if !wok {
			t.Fatalf("parsePlain read %q, which encoding/json refuses", raw)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parsePlain(%q) = %#v, encoding/json reads %#v", raw, got, want)
		}
	})
}
