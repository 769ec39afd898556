package main

import (
	"encoding/json"
	"reflect"
	"sort"
)

// mergePatchOf returns the RFC 7386 merge patch that turns from into to
// (nil when they are equal), and false when no merge patch can: a null
// value inside an object of to, which a merge patch reads as "remove".
func mergePatchOf(from, to map[string]any) (map[string]any, bool) {
	patch := map[string]any{}
	for k, tv := range to {
		fv, had := from[k]
		if had && reflect.DeepEqual(fv, tv) {
			continue
		}
		if tv == nil {
			return nil, false
		}
		fm, fok := fv.(map[string]any)
		tm, tok := tv.(map[string]any)
		if had && fok && tok {
			sub, ok := mergePatchOf(fm, tm)
			if !ok {
				return nil, false
			}
			patch[k] = sub
			continue
		}
		if tok && hasNullInObject(tm) {
			return nil, false
		}
		patch[k] = tv
	}
	for k := range from {
		if _, kept := to[k]; !kept {
			patch[k] = nil
		}
	}
	if len(patch) == 0 {
		return nil, true
	}
	return patch, true
}

// hasNullInObject reports whether an object (not an array) below v holds
// a null value.
func hasNullInObject(m map[string]any) bool {
	for _, v := range m {
		switch t := v.(type) {
		case nil:
			return true
		case map[string]any:
			if hasNullInObject(t) {
				return true
			}
		}
	}
	return false
}

// applyMerge applies an RFC 7386 merge patch to a copy of target.
func applyMerge(target any, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	out := map[string]any{}
	if ok {
		for k, v := range tm {
			out[k] = v
		}
	}
	for k, v := range pm {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = applyMerge(out[k], v)
	}
	return out
}

// deepCopy copies a JSON value.
func deepCopy[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(a, b any) bool {
	return reflect.DeepEqual(deepCopy(a), deepCopy(b))
}

// sortedKeys returns m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
