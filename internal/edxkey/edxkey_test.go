package edxkey

import "testing"

func TestProgramKey(t *testing.T) {
	for id, want := range map[string]string{
		"program-v1:demo+DSCERT+2026": "demo+DSCERT",
		"demo+DSCERT":                 "demo+DSCERT",
		"program-v1:demo+DSCERT":      "demo+DSCERT",
		"program-v1:demo":             "",
		"program-v1:+X+1":             "",
		"demo+DS CERT":                "",
		"a/b+c":                       "",
	} {
		got, ok := ProgramKey(id)
		if got != want || ok != (want != "") {
			t.Errorf("ProgramKey(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
}

func TestCode(t *testing.T) {
	for key, want := range map[string]string{
		"course-v1:demo+DS101+2024":   "DS101",
		"program-v1:demo+DSCERT+2026": "DSCERT",
		"demo+DSCERT":                 "DSCERT",
		"alice":                       "alice",
	} {
		if got := Code(key); got != want {
			t.Errorf("Code(%q) = %q, want %q", key, got, want)
		}
	}
}
