package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/iblfake/iblfake/perf/internal/load"
)

// process is a server the harness started.
type process struct {
	name    string
	cmd     *exec.Cmd
	base    string
	startup time.Duration
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs argv and waits until probe answers 2xx, measuring the time
// from exec to that first healthy answer.
func start(ctx context.Context, name string, port int, probe string, dir string, argv ...string) (*process, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf, _ := os.CreateTemp("", "iblfake-perf-"+name+"-*.log")
	cmd.Stdout, cmd.Stderr = logf, logf
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: time.Second}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{name: name, cmd: cmd, base: base}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := load.JSONRequest(http.MethodGet, base+probe, "")
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				p.startup = time.Since(t0)
				return p, nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	p.stop()
	log, _ := os.ReadFile(logf.Name())
	return nil, fmt.Errorf("%s did not answer %s within 60s; its log:\n%s", name, probe, tail(string(log), 2000))
}

func (p *process) stop() {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

// rss returns the resident and peak resident memory (bytes) of the process
// and its descendants.
func (p *process) rss() (cur, peak int64) {
	for _, pid := range tree(p.cmd.Process.Pid) {
		f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			switch fields[0] {
			case "VmRSS:":
				cur += kb << 10
			case "VmHWM:":
				peak += kb << 10
			}
		}
		f.Close()
	}
	return cur, peak
}

// cpu returns the CPU time (user and system) the process and its
// descendants have used so far, from /proc (in USER_HZ ticks, 10 ms on
// Linux), or 0 where /proc is not to be had.
func (p *process) cpu() time.Duration {
	var ticks int64
	for _, pid := range tree(p.cmd.Process.Pid) {
		raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			continue
		}
		s := string(raw)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 12 { // state is field 3 of stat, utime 14, stime 15
			u, _ := strconv.ParseInt(fields[11], 10, 64)
			k, _ := strconv.ParseInt(fields[12], 10, 64)
			ticks += u + k
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// tree lists pid and all its descendants.
func tree(root int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command may hold spaces; the fields after ") " are fixed.
		s := string(raw)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) > 1 {
			ppid, _ := strconv.Atoi(fields[1])
			children[ppid] = append(children[ppid], pid)
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
