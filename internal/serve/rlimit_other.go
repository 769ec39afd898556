//go:build !unix

package serve

// fileLimit returns 0: this platform has no RLIMIT_NOFILE to read.
func fileLimit() uint64 { return 0 }
