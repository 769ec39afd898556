package urlconf_test

import (
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
)

// BenchmarkNearest is what a 404 costs the journal: a path one misspelt
// segment from a served template, over the whole served document; and a
// path of a thousand segments, refused at once.
func BenchmarkNearest(b *testing.B) {
	sp, _ := spec.LoadRequests()
	r, _ := urlconf.Of(sp)
	b.Run("misspelt", func(b *testing.B) {
		for b.Loop() {
			if _, ok := r.Nearest("/api/credentials/orgs/acme/users/admin/isuers/"); !ok {
				b.Fatal("no nearest")
			}
		}
	})
	long := strings.Repeat("/a", 1000)
	b.Run("long", func(b *testing.B) {
		for b.Loop() {
			r.Nearest(long)
		}
	})
}
