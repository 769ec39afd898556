package admintoken_test

import (
	"testing"

	"github.com/iblfake/iblfake/internal/admintoken"
)

func TestCheck(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer T0K": "", "bearer T0K": "", "  Bearer   T0K ": "",
		"": admintoken.Required, "T0K": admintoken.Required, "Token T0K": admintoken.Required,
		"Bearer": admintoken.Required, "Bearer nope": admintoken.Invalid, "Bearer T0": admintoken.Invalid,
		"Bearer T0K extra": admintoken.Invalid,
	} {
		if got := admintoken.Check(header, "T0K"); got != want {
			t.Errorf("Check(%q) = %q, want %q", header, got, want)
		}
	}
}
