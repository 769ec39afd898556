package store

import "sync/atomic"

// Version identifies the committed state a read transaction reads. Two
// read transactions with equal versions read the same data, whichever
// stores of the process they belong to, so what was derived from one (an
// entity's rendered JSON, a list's filtered index) holds for the other
// without reading the store again. The zero Version is no version.
type Version struct {
	store uint64 // the store, numbered in the process from 1
	n     uint64 // its committed state
}

// storeIDs numbers the process's stores, so that two stores' versions
// never compare equal (tests run many servers in one process).
var storeIDs atomic.Uint64

// versioned is what a backend's transactions implement to tell.
type versioned interface{ version() (Version, bool) }

// VersionOf returns the version tx reads; ok is false for a write
// transaction (its uncommitted changes are in it) and for a transaction of
// a backend that does not tell.
func VersionOf(tx Tx) (v Version, ok bool) {
	if vt, is := tx.(versioned); is {
		return vt.version()
	}
	return Version{}, false
}
