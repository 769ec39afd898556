package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/labstack/echo/v4"
)

// Limits of the live log.
const (
	// logRows is how many of the journal's latest requests the log page
	// opens with.
	logRows = 100
	// watchBuffer is how many requests a stream holds between two sends;
	// beyond it the journal drops them for that stream and says how many.
	watchBuffer = 1024
	// maxBatch is the most rows one event carries: a fake under load sends
	// a few events a second of at most this many rows, and counts the rest
	// as not shown.
	maxBatch = 200
	// batchDelay gathers the requests of a burst into one event.
	batchDelay = 150 * time.Millisecond
	// keepAlive is how often an idle stream sends a comment, so a client
	// that went away is noticed.
	keepAlive = 15 * time.Second
)

// requests is the live log page: the journal's latest requests, newest
// first; the script then follows the stream (events).
func (d *dashboard) requests(r *request) error {
	rows := d.f.Journal().Recent(logRows, 0)
	newestFirst(rows)
	var last uint64
	if len(rows) > 0 {
		last = rows[0].Seq
	}
	return r.render(http.StatusOK, "requests", map[string]any{"Rows": rows, "Last": last, "Info": d.f.Info()})
}

func newestFirst(rows []journal.Watched) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Seq > rows[j].Seq })
}

// bodyView is a captured body as the detail shows it.
type bodyView struct {
	Text  string
	Note  string
	Empty bool
}

// showBody renders a captured body: JSON indented, other text as it is,
// binary as a note; a body cut at the capture limit says so.
func showBody(h http.Header, b []byte, size int) bodyView {
	if size == 0 {
		return bodyView{Empty: true}
	}
	var v bodyView
	if size > len(b) {
		v.Note = fmt.Sprintf("The first %s of %s bytes.", thousands(len(b)), thousands(size))
	}
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case strings.HasSuffix(mt, "json") && json.Valid(b):
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") == nil {
			v.Text = out.String()
			return v
		}
	case !utf8.Valid(b):
		v.Note = strings.TrimSpace(fmt.Sprintf("%s bytes of %s, not shown. %s", thousands(size), orDefault(mt, "binary"), v.Note))
		return v
	}
	v.Text = string(b)
	return v
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// headerLines lists a header's fields sorted, one "Name: value" each.
func headerLines(h http.Header) []string {
	var out []string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, k+": "+v)
		}
	}
	sort.Strings(out)
	return out
}

// requestDetail is one request: what the journal says of it and, when a
// dashboard was watching as it was answered, its headers and bodies.
func (d *dashboard) requestDetail(r *request) error {
	seq, err := strconv.ParseUint(r.param("seq"), 10, 64)
	if err != nil {
		return badRequest("%q is not a request number.", r.param("seq"))
	}
	rq, ok := d.f.Journal().Lookup(seq)
	if !ok {
		return api.Detail(http.StatusNotFound, "Request "+strconv.FormatUint(seq, 10)+" is no longer in the journal.")
	}
	data := map[string]any{"R": rq}
	if x := rq.Exchange; x != nil {
		data["ReqHeader"] = headerLines(x.RequestHeader)
		data["ReqBody"] = showBody(x.RequestHeader, x.RequestBody, x.RequestSize)
		data["RespHeader"] = headerLines(x.ResponseHeader)
		data["RespBody"] = showBody(x.ResponseHeader, x.ResponseBody, x.ResponseSize)
	}
	return r.render(http.StatusOK, "request", data)
}

// events is the live log's stream (text/event-stream): every request the
// journal records from now on, as the log's own table rows, gathered into
// an event per burst ("rows"), and "lost" with a count when the page fell
// behind. ?after=SEQ first sends the kept requests after SEQ, so neither
// the page that opened with SEQ as its newest row nor a stream that
// reconnects misses anything the journal still holds. It ends when
// the client goes away or the server shuts down.
// MaxStreams bounds the live logs open at once: each one is a goroutine
// and a buffer, and each renders every request the fake answers, so sixty
// of them cut the vendor API's throughput to a third. A few windows are
// plenty for a person.
const MaxStreams = 8

func (d *dashboard) events(c echo.Context) error {
	var after uint64
	resume := c.QueryParams().Has("after")
	if resume {
		n, err := strconv.ParseUint(c.QueryParam("after"), 10, 64)
		if err != nil {
			return api.Field("after", "A request number is required.")
		}
		after = n
	}
	h := c.Response().Header()
	secure(h)
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}
	if d.streams.Add(1) > MaxStreams {
		d.streams.Add(-1)
		e := api.Detail(http.StatusTooManyRequests, fmt.Sprintf("%d live logs are open already; close one (another tab or window) first.", MaxStreams))
		e.Header = http.Header{"Retry-After": {"5"}}
		return e
	}
	defer d.streams.Add(-1)
	ch, dropped, stop := d.f.Journal().Watch(watchBuffer)
	defer stop()
	w := c.Response()
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	write := func(s string) error {
		if _, err := w.Write([]byte(s)); err != nil {
			return err
		}
		return rc.Flush()
	}
	if write("retry: 2000\n: iblfake live log\n\n") != nil {
		return nil
	}
	var batch []journal.Watched
	seen := map[uint64]bool{}
	if resume {
		batch = d.f.Journal().Recent(maxBatch, after)
		for _, rq := range batch {
			seen[rq.Seq] = true
		}
	}
	var overflow, lostSent uint64
	send := func() error {
		if lost := dropped() + overflow; lost > lostSent {
			if err := write(fmt.Sprintf("event: lost\ndata: %d\n\n", lost-lostSent)); err != nil {
				return err
			}
			lostSent = lost
		}
		if len(batch) == 0 {
			return nil
		}
		newestFirst(batch)
		var b bytes.Buffer
		for _, rq := range batch {
			if err := pages.ExecuteTemplate(&b, "reqrow", rq); err != nil {
				return err
			}
		}
		var ev strings.Builder
		fmt.Fprintf(&ev, "event: rows\nid: %d\n", batch[0].Seq)
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			ev.WriteString("data: " + line + "\n")
		}
		ev.WriteString("\n")
		batch = batch[:0]
		return write(ev.String())
	}
	if send() != nil {
		return nil
	}
	keep := time.NewTicker(keepAlive)
	defer keep.Stop()
	var flush <-chan time.Time
	for {
		select {
		case <-c.Request().Context().Done():
			return nil
		case <-d.f.Done():
			return nil
		case rq := <-ch:
			if seen[rq.Seq] {
				delete(seen, rq.Seq)
				continue
			}
			if len(batch) >= maxBatch {
				overflow++
				continue
			}
			batch = append(batch, rq)
			if flush == nil {
				flush = time.After(batchDelay)
			}
		case <-flush:
			flush = nil
			if send() != nil {
				return nil
			}
		case <-keep.C:
			if write(": ping\n\n") != nil {
				return nil
			}
		}
	}
}
