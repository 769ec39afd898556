package seed

import (
	"errors"
	"testing"
)

// TestParseNamesASyntaxErrorsLine: a seed YAML cannot read is refused
// with the file and the line the parser stopped at.
func TestParseNamesASyntaxErrorsLine(t *testing.T) {
	_, err := Parse("s.yaml", []byte("format: iblfake-seed/1\ntenants:\n  acme: [\n  bob: 1\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse = %v, want a *seed.Error", err)
	}
	if e.File != "s.yaml" || e.Line == 0 || e.Reason == "" {
		t.Errorf("Parse error = %+v, want the file, a line and a reason", e)
	}
}
