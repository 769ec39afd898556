package seed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"
)

// Apply checks seeds (Check) and makes their entities through t.Handler,
// in order, as a client would: the directory through the admin surface,
// everything else through the vendor API, with the clock moved to each
// entity's at (and back). It stops at the first request the fake refuses,
// naming the entity's line and the field the refusal names. Run it on a
// fake made for it: a refusal leaves what was made before it.
func Apply(t Target, seeds ...*Data) error {
	c, err := check(t, seeds)
	if err != nil {
		return err
	}
	a := &applier{t: t, c: c, start: t.Clock.Now(), dirs: map[string]bool{},
		issuers: map[string]map[string]string{}, creds: map[string]map[string]string{}}
	if t.Clock.Frozen() {
		defer t.Clock.SetNow(a.start)
	} else {
		was := t.Clock.Offset()
		defer t.Clock.SetOffset(was)
		a.offset = &was
	}
	for _, d := range seeds {
		a.d = d
		for i := range d.Tenants {
			if err := a.tenant(&d.Tenants[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// applier makes one seed's entities, remembering the ids of what it made
// by name, per org.
type applier struct {
	t      Target
	c      *checker
	d      *Data
	start  time.Time
	offset *time.Duration // the clock's offset to go back to; nil: frozen at start
	dirs   map[string]bool
	// issuers and creds are entityIds by org and name.
	issuers, creds map[string]map[string]string
}

// at moves the clock to an entity's time, or back to where it was.
func (a *applier) at(at string) {
	if at == "" {
		if a.offset != nil {
			a.t.Clock.SetOffset(*a.offset)
		} else {
			a.t.Clock.SetNow(a.start)
		}
		return
	}
	when, _ := When(at, a.start) // Check parsed it
	a.t.Clock.SetNow(when)
}

// refusal is a request the fake did not answer with a 2xx: its status and
// DRF body.
type refusal struct {
	method, path string
	status       int
	body         []byte
}

func (r *refusal) Error() string {
	return fmt.Sprintf("%s %s: %d %s", r.method, r.path, r.status, bytes.TrimSpace(r.body))
}

// call sends one request and decodes a 2xx JSON answer into out.
func (a *applier) call(method, path string, body, out any) error {
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
	if strings.HasPrefix(path, "/_fake/") {
		req.Host = "localhost" // in process: an open admin surface answers loopback names
	} else if a.t.Auth != "" {
		req.Header.Set("Authorization", a.t.Auth)
	}
	rec := httptest.NewRecorder()
	a.t.Handler.ServeHTTP(rec, req)
	if rec.Code < 200 || rec.Code > 299 {
		return &refusal{method: method, path: path, status: rec.Code, body: rec.Body.Bytes()}
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			return fmt.Errorf("%s %s: answer: %w", method, path, err)
		}
	}
	return nil
}

// fail names an entity the fake refused: the line of the field its
// refusal names, if the entity gives it, else the entity's.
func (a *applier) fail(err error, pos position, where string) error {
	line, reason := pos.line, err.Error()
	if r, ok := err.(*refusal); ok {
		var drf map[string]any
		if json.Unmarshal(r.body, &drf) == nil {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(drf)) {
				if l, ok := pos.keys[k]; ok && line == pos.line {
					line = l
				}
				parts = append(parts, k+": "+message(drf[k]))
			}
			reason = fmt.Sprintf("the fake refused it (%s %s, %d): %s", r.method, r.path, r.status, strings.Join(parts, "; "))
		}
	}
	return &Error{File: a.d.name(), Line: line, Where: where, Reason: reason}
}

// message is a DRF error value as text.
func message(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var out []string
		for _, it := range x {
			out = append(out, message(it))
		}
		return strings.Join(out, " ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// body is fields with the seed's own additions; additions win.
func body(fields map[string]any, add map[string]any) map[string]any {
	out := make(map[string]any, len(fields)+len(add))
	maps.Copy(out, fields)
	maps.Copy(out, add)
	return out
}

// credBase is the credentials API root of org as its platform admin.
func credBase(org string) string {
	return "/api/credentials/orgs/" + org + "/users/" + credentialsAdmin + "/"
}

func (a *applier) tenant(t *Tenant) error {
	org, where := t.Org, "tenant "+t.Org
	ts := a.c.world[org]
	if a.issuers[org] == nil {
		a.issuers[org], a.creds[org] = map[string]string{}, map[string]string{}
	}
	if !a.dirs[org] && (len(ts.users) > 0 || len(ts.groups) > 0) {
		// Every seed's users and groups of the org at once: a directory
		// is replaced as a whole.
		a.dirs[org] = true
		a.at("")
		if err := a.directory(org, ts); err != nil {
			return a.fail(err, t.pos, where+": users and groups")
		}
	}
	for _, e := range t.Issuers {
		w := fmt.Sprintf("%s: issuer %q", where, e.Name)
		a.at(e.At)
		var out struct {
			Result struct {
				EntityID string `json:"entityId"`
			} `json:"result"`
		}
		if err := a.call("POST", credBase(org)+"issuers/", body(e.Fields, map[string]any{"name": e.Name}), &out); err != nil {
			return a.fail(err, e.pos, w)
		}
		a.issuers[org][e.Name] = out.Result.EntityID
	}
	for _, e := range t.Credentials {
		w := fmt.Sprintf("%s: credential %q", where, e.Name)
		a.at(e.At)
		var out struct {
			Result struct {
				EntityID string `json:"entityId"`
			} `json:"result"`
		}
		b := body(e.Fields, map[string]any{"name": e.Name, "issuer": a.issuers[org][e.Issuer]})
		if err := a.call("POST", credBase(org), b, &out); err != nil {
			return a.fail(err, e.pos, w)
		}
		id := out.Result.EntityID
		a.creds[org][e.Name] = id
		if len(e.Assign.Users) > 0 {
			var ids []int64
			for _, u := range e.Assign.Users {
				ids = append(ids, ts.user(u).ID)
			}
			if err := a.call("POST", credBase(org)+"assignments/users/", map[string]any{"credential_id": id, "user_ids": ids}, nil); err != nil {
				return a.fail(err, e.pos, w+": assign")
			}
		}
		if len(e.Assign.Groups) > 0 {
			var keys []string
			for _, g := range e.Assign.Groups {
				keys = append(keys, ts.group(g).Key)
			}
			if err := a.call("POST", credBase(org)+"assignments/groups/", map[string]any{"credential_id": id, "group_ids": keys}, nil); err != nil {
				return a.fail(err, e.pos, w+": assign")
			}
		}
	}
	for i, e := range t.Assertions {
		w := fmt.Sprintf("%s: assertion %d", where, i+1)
		a.at(e.At)
		recipient := e.RecipientObject
		if recipient == nil {
			u := ts.user(e.Recipient)
			recipient = map[string]any{"identity": u.Username}
			if u.Email != "" {
				recipient["email"] = u.Email
			}
			if u.Name != "" {
				recipient["name"] = u.Name
			}
		}
		var out struct {
			EntityID string `json:"entityId"`
		}
		cred := a.creds[org][e.Credential]
		if err := a.call("POST", credBase(org)+cred+"/assertions/", body(e.Fields, map[string]any{"recipient": recipient}), &out); err != nil {
			return a.fail(err, e.pos, w)
		}
		if e.Revoked {
			rb := map[string]any{"revoked": true}
			if e.RevocationReason != "" {
				rb["revocationReason"] = e.RevocationReason
			}
			if err := a.call("PUT", credBase(org)+"assertions/"+out.EntityID, rb, nil); err != nil {
				return a.fail(err, e.pos, w+": revoke")
			}
		}
	}
	for i := range t.Licenses {
		if err := a.license(&t.Licenses[i], org, ts, fmt.Sprintf("%s: license %d", where, i+1)); err != nil {
			return err
		}
	}
	for i, e := range t.Invitations {
		w := fmt.Sprintf("%s: invitation %d", where, i+1)
		a.at(e.At)
		add := map[string]any{"platform_key": org}
		if e.User != "" {
			add["username"] = ts.user(e.User).Username
		}
		if err := a.call("POST", "/api/catalog/invitations/"+invitationKind(&e)+"/", body(e.Fields, add), nil); err != nil {
			return a.fail(err, e.pos, w)
		}
	}
	for i := range t.Resources {
		r := &t.Resources[i]
		res := a.c.resources[r]
		a.at(r.At)
		if err := a.call(res.method, res.path, r.Body, nil); err != nil {
			return a.fail(err, r.pos, fmt.Sprintf("%s: resource %d (%s)", where, i+1, res.op))
		}
	}
	return nil
}

func (a *applier) license(e *License, org string, ts *tenantSeen, where string) error {
	where = e.where(where)
	a.at(e.At)
	var out struct {
		ID int64 `json:"id"`
	}
	base := "/api/catalog/licenses/" + e.Kind + "/"
	if err := a.call("POST", base+"create/", body(e.Fields, map[string]any{"platform_key": org}), &out); err != nil {
		return a.fail(err, e.pos, where)
	}
	for i, s := range e.Seats {
		a.at(s.At)
		add := map[string]any{"license_id": out.ID}
		if s.User != "" {
			add["user_id"] = ts.user(s.User).ID
		}
		if err := a.call("POST", base+"assignment/", body(s.Fields, add), nil); err != nil {
			return a.fail(err, s.pos, fmt.Sprintf("%s: seat %d", where, i+1))
		}
	}
	for i, s := range e.GroupSeats {
		a.at(s.At)
		add := map[string]any{"license_id": out.ID, "group_id": ts.group(s.Group).ID}
		if err := a.call("POST", base+"assignment/group/", body(s.Fields, add), nil); err != nil {
			return a.fail(err, s.pos, fmt.Sprintf("%s: group seat %d", where, i+1))
		}
	}
	return nil
}

// directory stores org's users and groups in both directories.
func (a *applier) directory(org string, ts *tenantSeen) error {
	credUsers, catUsers := []map[string]any{}, []map[string]any{}
	byRef := map[string]map[string]any{}
	for _, u := range ts.users {
		cu := map[string]any{"user_id": u.ID, "username": u.Username, "platform_admin": u.Admin}
		ku := map[string]any{"user_id": u.ID, "username": u.Username}
		if u.Email != "" {
			cu["email"], ku["email"] = u.Email, u.Email
		}
		if u.Name != "" {
			cu["name"], ku["name"] = u.Name, u.Name
		}
		credUsers, catUsers = append(credUsers, cu), append(catUsers, ku)
		byRef[u.Username] = ku
	}
	credGroups, catGroups := []map[string]any{}, []map[string]any{}
	for _, g := range ts.groups {
		ids, members := []int64{}, []map[string]any{}
		for _, m := range g.Members {
			u := ts.user(m)
			ids, members = append(ids, u.ID), append(members, byRef[u.Username])
		}
		credGroups = append(credGroups, map[string]any{"id": g.Key, "name": g.Name, "members": ids})
		catGroups = append(catGroups, map[string]any{"id": g.ID, "name": g.Name, "members": members})
	}
	if err := a.call("PUT", "/_fake/credential-groups", map[string]any{"org": org, "users": credUsers, "groups": credGroups}, nil); err != nil {
		return err
	}
	return a.call("PUT", "/_fake/groups", map[string]any{"platform_key": org, "users": catUsers, "groups": catGroups}, nil)
}
