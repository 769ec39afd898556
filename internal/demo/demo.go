// Package demo builds a realistic demo tenant in a running fake: issuers,
// credentials tied to courses and programs, a few hundred learners with
// assertions spread over the last months, licenses with assignments and
// invitations in every state, and the long tail's resources of the platform
// (mentors, RBAC roles and groups, notification templates, notifications:
// longtail.go). Everything is created through the fake's own
// HTTP handler, so every domain rule applies, with the fake's clock moved to
// each event's time so that dates are backdated. The values come from
// gofakeit seeded with Options.Seed: the same seed and day give the same
// tenant, byte for byte.
package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/iblfake/iblfake/fake/api"
)

// Org is the demo tenant's org, also its catalog platform key.
const Org = "demo"

// Options configure Build.
type Options struct {
	// Seed seeds the fake values (0: random). Give the server the same
	// seed for its ids (fake.WithSeed) to make the whole tenant
	// reproducible.
	Seed uint64
	// Today anchors the timeline: events fall in the months before the
	// start of its UTC day. The zero value means the clock's now.
	Today time.Time
	// Auth is the Authorization header for vendor routes, AdminAuth for
	// /_fake/ ("" for none).
	Auth, AdminAuth string
	// Users is how many learners to make (default 300).
	Users int
	// Log receives progress (default: none).
	Log *slog.Logger
}

// Stats counts what Build made.
type Stats struct {
	Issuers, Credentials, Users, Assertions, Revoked, Expired int
	CredentialAssignments                                     int
	Licenses, LicenseAssignments, GroupAssignments            int
	Invitations                                               int
	ProviderConfigs, ExternalMappings                         int
	// The long tail's resources (longtail.go).
	Mentors, RBACGroups, RBACRoles, Templates, Notifications int
	// Skipped names parts not built because the fake answers 501 for
	// their operations.
	Skipped []string
	Took    time.Duration
}

// errNotModelled is a 501: the fake does not model the operation yet.
var errNotModelled = errors.New("operation not modelled")

// builder holds one build's state.
type builder struct {
	h     http.Handler
	clock *api.Clock
	opts  Options
	f     *gofakeit.Faker
	log   *slog.Logger
	today time.Time // start of the anchor's UTC day
	stats Stats

	lastLog  time.Time
	requests int

	people   []person
	groups   []group
	courses  []course
	programs []program
	// school is the name of the platform's school (its first issuer's),
	// which the long tail's texts name.
	school string
}

// Build creates the demo tenant through h, moving clock to each event's
// time and restoring it afterwards. It stops at the first request the
// fake refuses, except a 501, which skips that part (see Stats.Skipped).
func Build(h http.Handler, clock *api.Clock, o Options) (*Stats, error) {
	start := time.Now()
	if o.Users <= 0 {
		o.Users = 300
	}
	if o.Today.IsZero() {
		o.Today = clock.Now()
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &builder{h: h, clock: clock, opts: o, f: gofakeit.New(o.Seed), log: log,
		today: o.Today.UTC().Truncate(24 * time.Hour), lastLog: start}
	if clock.Frozen() {
		was := clock.Now()
		defer clock.SetNow(was)
	} else {
		was := clock.Offset()
		defer clock.SetOffset(was)
	}
	log.Info("building the demo tenant", "org", Org, "seed", o.Seed, "users", o.Users, "today", b.today.Format(time.DateOnly))
	b.plan()
	phases := []struct {
		name string
		run  func() error
	}{
		{"directory", b.directories},
		{"credentials", b.credentials},
		{"providers", b.providers},
		{"licenses", b.licenses},
		{"invitations", b.invitations},
		{"long tail", b.longTail},
	}
	for _, p := range phases {
		err := p.run()
		if errors.Is(err, errNotModelled) {
			b.stats.Skipped = append(b.stats.Skipped, p.name+": "+err.Error())
			continue
		}
		if err != nil {
			return &b.stats, fmt.Errorf("%s: %w", p.name, err)
		}
		log.Info("demo tenant: "+p.name+" done", "requests", b.requests)
	}
	b.stats.Took = time.Since(start)
	s := &b.stats
	log.Info("demo tenant built", "org", Org, "issuers", s.Issuers, "credentials", s.Credentials, "users", s.Users,
		"assertions", s.Assertions, "revoked", s.Revoked, "expired", s.Expired, "licenses", s.Licenses,
		"license_assignments", s.LicenseAssignments, "invitations", s.Invitations,
		"provider_configs", s.ProviderConfigs, "external_mappings", s.ExternalMappings,
		"mentors", s.Mentors, "rbac_groups", s.RBACGroups, "rbac_roles", s.RBACRoles, "templates", s.Templates,
		"notifications", s.Notifications, "requests", b.requests,
		"took", s.Took.Round(time.Millisecond))
	return s, nil
}

// at moves the fake's clock to t.
func (b *builder) at(t time.Time) { b.clock.SetNow(t) }

// call sends one request to the fake's handler and decodes a 2xx JSON
// answer into out (nil: ignore it). A 501 is errNotModelled.
func (b *builder) call(method, path string, body, out any) error {
	var rd io.Reader = http.NoBody
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(js)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	auth := b.opts.Auth
	if len(path) > 7 && path[:7] == "/_fake/" {
		auth = b.opts.AdminAuth
		// In process, as from the fake's own machine: an open admin
		// surface answers loopback names only.
		req.Host = "localhost"
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	b.requests++
	if time.Since(b.lastLog) >= time.Second {
		b.lastLog = time.Now()
		b.log.Info("building the demo tenant", "requests", b.requests, "assertions", b.stats.Assertions)
	}
	switch {
	case rec.Code == http.StatusNotImplemented:
		return fmt.Errorf("%w: %s %s", errNotModelled, method, path)
	case rec.Code < 200 || rec.Code > 299:
		return fmt.Errorf("%s %s: %d %s", method, path, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			return fmt.Errorf("%s %s: answer: %w", method, path, err)
		}
	}
	return nil
}

// daysAgo is the start of the UTC day n days before today, plus a working
// hour drawn from the faker.
func (b *builder) daysAgo(n int) time.Time {
	d := b.today.AddDate(0, 0, -n)
	return d.Add(time.Duration(b.f.IntRange(8*3600, 20*3600)) * time.Second).
		Add(time.Duration(b.f.IntRange(0, 999999)) * time.Microsecond)
}
