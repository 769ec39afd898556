//go:build unix

package serve

import "syscall"

// fileLimit returns the process's soft RLIMIT_NOFILE, or 0 if it cannot be
// read. Go raises the soft limit to the hard one at start-up, so this is
// what the process may really open.
func fileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return rl.Cur
}
