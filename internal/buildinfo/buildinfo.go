// Package buildinfo says what a build of iblfake is: its version, the
// commit it was built from and when, and the Go that built it, for
// --version and the start-up log.
//
// A release stamps version, commit and time with -ldflags -X (see
// Stamp): scripts/release.sh and the Dockerfile do, since a Docker build
// context has no .git. Otherwise they come from what Go records in the
// binary (runtime/debug.ReadBuildInfo): `go build` in a git checkout
// records the commit, its time and whether the tree was modified, and a
// pseudo-version naming the commit; `go install module@v1.2.3` records
// the version; `go run` and `go test` record neither, and the version
// falls back to the code's own, marked "-devel".
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Stamp is what a release build sets with -ldflags -X on the command's
// variables; an empty field is taken from the build information.
type Stamp struct {
	Version  string // the release tag, v1.2.3
	Revision string // the full commit hash
	Time     string // the commit's time, RFC 3339
}

// Info describes one build.
type Info struct {
	// Version is the stamped or recorded version, or the fallback given
	// to Read with "-devel" appended when the build records none.
	Version string
	// Revision is the commit hash; empty when unknown.
	Revision string
	// Time is the commit's time; empty when unknown.
	Time string
	// Modified says the tree had uncommitted changes (VCS builds only).
	Modified bool
	// GoVersion and Platform are the toolchain and GOOS/GOARCH.
	GoVersion string
	Platform  string
}

// Read returns the build's information: s's fields first, then the
// build information Go recorded; fallback is the version when neither
// has one (e.g. fake.Version).
func Read(s Stamp, fallback string) Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(s, bi, fallback)
}

// fromBuildInfo is Read over given build information (nil when the binary
// has none).
func fromBuildInfo(s Stamp, bi *debug.BuildInfo, fallback string) Info {
	in := Info{Version: s.Version, Revision: s.Revision, Time: s.Time,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		in.GoVersion = bi.GoVersion
		vcs := map[string]string{}
		for _, kv := range bi.Settings {
			vcs[kv.Key] = kv.Value
		}
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		if in.Revision == "" {
			in.Revision = vcs["vcs.revision"]
			in.Modified = vcs["vcs.modified"] == "true"
		}
		if in.Time == "" {
			in.Time = vcs["vcs.time"]
		}
	}
	if in.Version == "" {
		in.Version = fallback + "-devel"
	}
	return in
}

// Commit is the revision shortened to 12 characters, as Go's
// pseudo-versions show it, with "+dirty" for a modified tree; "unknown"
// when the build records none.
func (in Info) Commit() string {
	if in.Revision == "" {
		return "unknown"
	}
	c := in.Revision
	if len(c) > 12 {
		c = c[:12]
	}
	if in.Modified {
		c += "+dirty"
	}
	return c
}

// String is the line --version prints before the vendor spec: the
// version, the commit and its time, the toolchain and platform. A build
// without a commit says how that happens.
func (in Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "iblfake %s (commit %s", in.Version, in.Commit())
	switch {
	case in.Revision == "":
		b.WriteString(": built without VCS information, as by go run, go test or a build outside a git checkout")
	case in.Time != "":
		b.WriteString(", " + in.Time)
	}
	fmt.Fprintf(&b, ") %s %s", in.GoVersion, in.Platform)
	return b.String()
}
