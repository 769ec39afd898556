//go:build !linux

package store

// mmapFlags is 0 where MAP_POPULATE does not exist (see mmap_linux.go).
const mmapFlags = 0
