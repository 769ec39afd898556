package state

import (
	"errors"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestYAMLError: yaml.v3's syntax errors give their line and reason
// apart; an error that names no line keeps its whole reason.
func TestYAMLError(t *testing.T) {
	var v any
	err := yaml.Unmarshal([]byte("a: 1\nb: [2\nc: 3\n"), &v)
	if err == nil {
		t.Fatal("the broken document parsed")
	}
	line, reason := YAMLError(err)
	if line == 0 || reason == "" || reason == err.Error() {
		t.Errorf("YAMLError(%q) = %d, %q; want its line and reason apart", err, line, reason)
	}
	if line, reason := YAMLError(errors.New("yaml: control characters are not allowed")); line != 0 || reason != "control characters are not allowed" {
		t.Errorf("YAMLError without a line = %d, %q", line, reason)
	}
}
