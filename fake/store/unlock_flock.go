//go:build !windows && !plan9 && !solaris && !aix

package store

import (
	"os"
	"syscall"
)

// unlockFile releases the flock(2) lock bbolt took on f. Closing f alone
// does not: the lock belongs to the open file description, which bbolt's
// memory map of the file keeps open after the descriptor is closed. (The
// build constraint is the set of systems on which bbolt locks with flock.)
func unlockFile(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
