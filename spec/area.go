package spec

import "strings"

// ModelledPrefixes are the path prefixes of the operations the fake models
// with handlers of its own (spec/vendor.json, corrected into openapi.json);
// every other operation is the long tail (longtail.json). spec/gen splits
// the vendor document by them; spec/sdkgen never generates corrections
// inside them (those operations' changes are judged by hand, FIDELITY.md).
var ModelledPrefixes = []string{
	"/api/credentials/",
	"/api/catalog/licenses/",
	"/api/catalog/invitations/",
}

// ModelledPaths are single paths outside ModelledPrefixes the fake models.
var ModelledPaths = []string{
	"/api/core/platform/users/",
}

// Modelled reports whether the fake models the operations of path.
func Modelled(path string) bool {
	for _, pre := range ModelledPrefixes {
		if strings.HasPrefix(path, pre) {
			return true
		}
	}
	for _, e := range ModelledPaths {
		if path == e {
			return true
		}
	}
	return false
}
