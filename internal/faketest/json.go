package faketest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// Str returns m[k] as a string, failing t otherwise.
func Str(t testing.TB, m map[string]any, k string) string {
	t.Helper()
	s, ok := m[k].(string)
	if !ok {
		t.Fatalf("%q = %#v in %v, want a string", k, m[k], m)
	}
	return s
}

// ID returns m["id"] as an int.
func ID(t testing.TB, m map[string]any) int {
	t.Helper()
	f, ok := m["id"].(float64)
	if !ok {
		t.Fatalf("id = %#v in %v, want a number", m["id"], m)
	}
	return int(f)
}

// Page returns the data items of a page-number envelope.
func Page(t testing.TB, env map[string]any) []map[string]any {
	t.Helper()
	data, ok := env["data"].([]any)
	if !ok {
		t.Fatalf("data = %#v, want a list", env["data"])
	}
	out := make([]map[string]any, len(data))
	for i, d := range data {
		out[i] = d.(map[string]any)
	}
	return out
}

// Field returns key k of every item.
func Field(items []map[string]any, k string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, fmt.Sprint(it[k]))
	}
	return out
}

// JSONEq fails t unless got, decoded JSON, equals want written as JSON.
func JSONEq(t testing.TB, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %q: %v", want, err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Fatalf("body = %s, want %s", g, want)
	}
}

// Equal fails t unless got equals want.
func Equal[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}
