package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestEachKindOfBuildSaysWhatItIs: a release stamp wins over what Go
// recorded; a git checkout's build names its commit, time and a modified
// tree; `go install module@version` its version; `go run` and `go test`
// builds fall back to the code's version marked -devel and say why no
// commit is known.
func TestEachKindOfBuildSaysWhatItIs(t *testing.T) {
	const rev = "b73ec72e91994af3b95e8857dd72d3efab7aa75f"
	vcs := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/iblfake/iblfake", Version: "v0.0.0-20261207191007-b73ec72e9199+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-07T19:10:07Z"}, {Key: "vcs.modified", Value: "true"}}}
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/iblfake/iblfake", Version: "v1.4.0"}}
	goRun := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/iblfake/iblfake", Version: "(devel)"}}
	release := Stamp{Version: "v1.5.0", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-12-24T10:00:00Z"}
	cases := []struct {
		name  string
		stamp Stamp
		bi    *debug.BuildInfo
		want  []string // in String(), in order
		not   []string
	}{
		{"Release", release, vcs, []string{"iblfake v1.5.0 (commit 0123456789ab, 2026-12-24T10:00:00Z) go1.26.8 "}, []string{"dirty", "b73ec72"}},
		{"GitCheckout", Stamp{}, vcs, []string{"iblfake v0.0.0-20261207191007-b73ec72e9199+dirty (commit b73ec72e9199+dirty, 2026-12-07T19:10:07Z) go1.26.8"}, nil},
		{"GoInstall", Stamp{}, installed, []string{"iblfake v1.4.0 (commit unknown: built without VCS information"}, nil},
		{"GoRun", Stamp{}, goRun, []string{"iblfake 0.1.0-devel (commit unknown: built without VCS information, as by go run, go test"}, nil},
		{"NoBuildInfo", Stamp{}, nil, []string{"iblfake 0.1.0-devel (commit unknown"}, nil},
		{"DockerBuildArgsOnlyVersion", Stamp{Version: "v2.0.0"}, goRun, []string{"iblfake v2.0.0 (commit unknown"}, nil},
	}
	for _, c := range cases {
		got := fromBuildInfo(c.stamp, c.bi, "0.1.0").String()
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q, want %q in it", c.name, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q, want no %q in it", c.name, got, n)
			}
		}
	}
}

// TestReadInATestBinary: a test binary records no VCS information, and
// Read still answers with the fallback version and the toolchain.
func TestReadInATestBinary(t *testing.T) {
	in := Read(Stamp{}, "9.9.9")
	if !strings.HasPrefix(in.String(), "iblfake ") || in.GoVersion == "" || in.Platform == "" {
		t.Fatalf("Read in a test binary: %+v", in)
	}
}
