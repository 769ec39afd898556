package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// A completed report's file: one row per record of the tenant the report
// covers, made from the tenant's own users and courses (the catalog's
// directory and the courses its credentials, licenses and invitations
// name), with the rest of each row drawn from a source seeded by the
// server's seed and the report's id: the same report gives the same file
// on every download and every restart. A tenant without users has an
// empty report (its header alone).

// maxRowUsers bounds the users a file covers.
const maxRowUsers = 200

// rowContext is what a report's rows are made from.
type rowContext struct {
	r        *Report
	users    []api.DirectoryUser
	courses  []string
	rng      *rand.Rand
	from, to time.Time
}

// rowMaker makes a report type's rows, each a map from column to value.
type rowMaker func(rc *rowContext) []map[string]string

// when is a time in the report's range.
func (rc *rowContext) when() string {
	span := rc.to.Sub(rc.from)
	if span <= 0 {
		return drf.FormatDateTime(rc.to)
	}
	return drf.FormatDateTime(rc.from.Add(time.Duration(rc.rng.Int64N(int64(span)))).Truncate(time.Second))
}

// uuid is a version-4 UUID drawn from the report's source.
func (rc *rowContext) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rc.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

var sentiments = []string{"positive", "neutral", "negative"}

// mentor is the mentor the request named, if any.
func (rc *rowContext) mentor() string {
	s, _ := rc.r.Params["mentor"].(string)
	return s
}

func chatRows(rc *rowContext) []map[string]string {
	var out []map[string]string
	for _, u := range rc.users {
		for range rc.rng.IntN(4) {
			out = append(out, map[string]string{"session_id": rc.uuid(), "username": u.Username, "email": u.Email,
				"mentor": rc.mentor(), "started_at": rc.when(), "messages": strconv.Itoa(2 + rc.rng.IntN(39)),
				"sentiment": sentiments[rc.rng.IntN(len(sentiments))]})
		}
	}
	return out
}

func myChatRows(rc *rowContext) []map[string]string {
	if len(rc.users) == 0 {
		return nil
	}
	// The API key's own user is not known: the platform's first user
	// (the demo's admin) stands for "me".
	rc.users = rc.users[:1]
	return chatRows(rc)
}

func recommendationRows(rc *rowContext) []map[string]string {
	courses := rc.courses
	if c, _ := rc.r.Params["course_id"].(string); c != "" {
		courses = []string{c}
	}
	if len(courses) == 0 {
		return nil
	}
	var out []map[string]string
	for _, u := range rc.users {
		for range rc.rng.IntN(3) {
			out = append(out, map[string]string{"username": u.Username, "email": u.Email,
				"course_id": courses[rc.rng.IntN(len(courses))], "recommended_at": rc.when(),
				"enrolled": strconv.FormatBool(rc.rng.IntN(3) == 0)})
		}
	}
	return out
}

// rows makes report r's columns and rows.
func (m *Module) rows(tx store.Tx, r *Report) ([]string, []map[string]string) {
	t := typeOf(r.Name)
	if t == nil {
		return nil, nil
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%s", m.o.Seed, r.Tenant, r.ID)
	rc := &rowContext{r: r, rng: rand.New(rand.NewPCG(h.Sum64(), h.Sum64()^0x9e3779b97f4a7c15)),
		from: r.CreatedAt.AddDate(0, 0, -30), to: r.CreatedAt}
	if d, ok := date(r.Params["start_date"]); ok {
		rc.from = d
	}
	if d, ok := date(r.Params["end_date"]); ok {
		rc.to = d.Add(24*time.Hour - time.Second)
	}
	if m.o.Users != nil {
		rc.users = m.o.Users(tx, r.Tenant)
		if len(rc.users) > maxRowUsers {
			rc.users = rc.users[:maxRowUsers]
		}
	}
	if m.o.Names != nil {
		rc.courses = m.o.Names(tx, r.Tenant)["course"]
	}
	return t.Columns, t.rows(rc)
}

// date reads a request's yyyy-mm-dd date.
func date(v any) (time.Time, bool) {
	s, _ := v.(string)
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}

// completed is the tenant's completed report id: nil with an error the
// client sees otherwise (DRF's 404 for one unknown or expired, whose file
// is gone; a 400 while it is processing).
func (m *Module) completed(tx store.Tx, tenant, id string) (*Report, error) {
	r, err := get(tx, tenant, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, api.NotFound()
	}
	switch r.state(m.d.Clock.Now()) {
	case stateProcessing:
		return nil, api.Detail(http.StatusBadRequest, "The report is not ready yet.")
	case stateExpired:
		return nil, api.NotFound()
	}
	return r, nil
}

// download is the documented download of a completed report (task_id is
// its report_id): CSV by default, JSON with format=json; columns chooses
// and orders the columns (unknown ones are left out).
func (m *Module) download(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		return api.Field("format", fmt.Sprintf("%q is not a valid choice.", format))
	}
	var cols []string
	var rows []map[string]string
	var r *Report
	err := m.d.Store.View(func(tx store.Tx) error {
		var err error
		if r, err = m.completed(tx, api.Tenant(c), c.Param("task_id")); err != nil {
			return err
		}
		cols, rows = m.rows(tx, r)
		return nil
	})
	if err != nil {
		return err
	}
	cols = chooseColumns(cols, c.QueryParam("columns"))
	if format == "json" {
		out := make([]map[string]string, len(rows))
		for i, row := range rows {
			out[i] = map[string]string{}
			for _, col := range cols {
				out[i][col] = row[col]
			}
		}
		return api.JSON(c, http.StatusOK, out)
	}
	return m.writeCSV(c, r, cols, rows)
}

// serveFile serves a completed report's file at its public URL (the
// status's url), without the API key, as a presigned URL is; the token
// must be the report's.
func (m *Module) serveFile(c echo.Context) error {
	var cols []string
	var rows []map[string]string
	var r *Report
	err := m.d.Store.View(func(tx store.Tx) error {
		var err error
		r, err = m.completed(tx, c.Param("tenant"), c.Param("id"))
		if err != nil {
			return err
		}
		if r.Token != c.Param("token") || c.Param("file") != r.Name+".csv" {
			r = nil
			return nil
		}
		cols, rows = m.rows(tx, r)
		return nil
	})
	if r == nil || err != nil {
		// Django's 404 page, as for any media file that is not there.
		return echo.ErrNotFound
	}
	return m.writeCSV(c, r, cols, rows)
}

// writeCSV writes rows as a CSV file named after the report.
func (m *Module) writeCSV(c echo.Context, r *Report, cols []string, rows []map[string]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(cols)
	for _, row := range rows {
		rec := make([]string, len(cols))
		for i, col := range cols {
			rec[i] = row[col]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, r.Name, r.CreatedAt.UTC().Format("2006-01-02")))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// chooseColumns is the columns a download asks for, in its order; all of
// them when it names none.
func chooseColumns(all []string, ask string) []string {
	if strings.TrimSpace(ask) == "" {
		return all
	}
	var out []string
	for _, col := range strings.Split(ask, ",") {
		col = strings.TrimSpace(col)
		for _, a := range all {
			if a == col {
				out = append(out, col)
			}
		}
	}
	return out
}
