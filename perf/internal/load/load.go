package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// request builds the n-th request of a run.
type request func(base string, n int64) (*http.Request, error)

// Result is what one load run measured.
type Result struct {
	Requests int
	Errors   int // answers that were not 2xx, and failed requests
	Duration time.Duration
	P50, P90 time.Duration
	P99      time.Duration
	// CPU is the server's CPU time (user and system) over the run, when
	// the harness could read it: what a request costs the server, which a
	// machine shared with other work moves far less than it moves req/s.
	CPU time.Duration
}

func (r Result) RPS() float64 { return float64(r.Requests) / r.Duration.Seconds() }

// CPUPerRequest is the server's CPU time per successful request (0 when
// CPU is unknown).
func (r Result) CPUPerRequest() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

// GoDrive is the harness's own load generator, used when wrk is missing
// (-loadgen go). It runs in the harness's process, so on a small machine it
// takes CPU from the server under test: wrk costs the server less.
func GoDrive(ctx context.Context, base string, c Cell, conns int, warm, d time.Duration, offset int64) (Result, error) {
	return drive(ctx, base, conns, warm, d, func(base string, n int64) (*http.Request, error) {
		body := ""
		if c.Body != nil {
			body = c.Body(offset + n)
		}
		return JSONRequest(c.Method, base+c.Path, body)
	})
}

// drive runs a closed loop: conns workers each send a request, wait for
// the whole answer and send the next, for d after a warm-up. Bounded in
// time; every answer that is not 2xx counts as an error.
func drive(ctx context.Context, base string, conns int, warm, d time.Duration, mk request) (Result, error) {
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true},
		Timeout:   10 * time.Second,
	}
	defer client.CloseIdleConnections()
	var seq atomic.Int64
	var errs atomic.Int64
	var firstErr atomic.Value
	one := func() (time.Duration, bool) {
		req, err := mk(base, seq.Add(1))
		if err != nil {
			firstErr.CompareAndSwap(nil, err)
			return 0, false
		}
		start := time.Now()
		resp, err := client.Do(req.WithContext(ctx))
		if err != nil {
			firstErr.CompareAndSwap(nil, err)
			return 0, false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			firstErr.CompareAndSwap(nil, fmt.Errorf("status %d from %s %s", resp.StatusCode, req.Method, req.URL.Path))
			return 0, false
		}
		return time.Since(start), true
	}
	loop := func(until time.Time, record bool, out *[]time.Duration) {
		for time.Now().Before(until) && ctx.Err() == nil {
			lat, ok := one()
			if !ok {
				errs.Add(1)
				continue
			}
			if record {
				*out = append(*out, lat)
			}
		}
	}
	var wg sync.WaitGroup
	warmUntil := time.Now().Add(warm)
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); loop(warmUntil, false, nil) }()
	}
	wg.Wait()
	errs.Store(0)
	lats := make([][]time.Duration, conns)
	start := time.Now()
	until := start.Add(d)
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); loop(until, true, &lats[i]) }(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	res := Result{Requests: len(all), Errors: int(errs.Load()), Duration: elapsed}
	if len(all) > 0 {
		res.P50 = all[len(all)*50/100]
		res.P90 = all[len(all)*90/100]
		res.P99 = all[min(len(all)*99/100, len(all)-1)]
	}
	if res.Requests == 0 {
		err, _ := firstErr.Load().(error)
		return res, fmt.Errorf("no successful request: %v", err)
	}
	if res.Errors > 0 {
		err, _ := firstErr.Load().(error)
		fmt.Printf("   note: %d failed requests, first: %v\n", res.Errors, err)
	}
	return res, nil
}

// JSONRequest is a request as every cell sends it: authenticated, asking for
// JSON, and a JSON body when body is not empty.
func JSONRequest(method, url, body string) (*http.Request, error) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Api-Token perf-key")
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}
