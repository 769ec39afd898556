//go:build windows || plan9 || solaris || aix

package store

import "os"

// unlockFile does nothing where bbolt does not lock with flock(2): its
// fcntl(2) and LockFileEx locks are released when the file is closed.
func unlockFile(*os.File) {}
