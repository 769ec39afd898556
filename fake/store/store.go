// Package store is iblfake's persistence seam: a small transactional,
// ordered key-value interface with one implementation per backend (memory
// here; bbolt in bolt.go). Domain packages keep their entities as JSON values
// in named buckets and their indexes as ordered keys, so every backend
// behaves the same way, including rollback and prefix scans.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrReadOnly is returned by a write inside View.
var ErrReadOnly = errors.New("store: write in a read-only transaction")

// Backend is a transactional store. Update runs fn in one write transaction:
// every change fn made commits when it returns nil and none does when it
// returns an error (which Update returns). View runs fn on a consistent
// snapshot. Writers are serialised; readers never wait for them.
type Backend interface {
	View(fn func(Tx) error) error
	Update(fn func(Tx) error) error
	// Close releases the backend; it must not be used afterwards.
	Close() error
}

// Tx is one transaction. Byte slices returned by Get and passed to Scan's
// callback are valid only until the transaction ends and must not be
// modified. Keys are ordered bytewise.
type Tx interface {
	// Get returns the value of key in bucket, or nil when there is none.
	Get(bucket, key string) []byte
	// Put stores value under key in bucket, creating the bucket if needed.
	// Returns ErrReadOnly in a View.
	Put(bucket, key string, value []byte) error
	// Delete removes key from bucket; a missing key is not an error.
	// Returns ErrReadOnly in a View.
	Delete(bucket, key string) error
	// NextSequence returns the bucket's next integer, starting at 1. Values
	// are never reused, even after the keys that used them are deleted.
	// Returns ErrReadOnly in a View.
	NextSequence(bucket string) (uint64, error)
	// Sequence returns the bucket's last issued sequence (0 for none).
	Sequence(bucket string) uint64
	// SetSequence sets the bucket's last issued sequence, creating the
	// bucket if needed (state import). Returns ErrReadOnly in a View.
	SetSequence(bucket string, n uint64) error
	// Scan calls fn for each key of bucket that starts with prefix, in
	// ascending order (descending with reverse), until fn returns false.
	Scan(bucket, prefix string, reverse bool, fn func(key string, value []byte) bool)
	// Buckets lists the names of the buckets that exist, sorted.
	Buckets() []string
	// DeleteBucket removes a bucket, its keys and its sequence.
	// Returns ErrReadOnly in a View.
	DeleteBucket(bucket string) error
}

// GetJSON decodes the value of key into v and reports whether it existed.
func GetJSON(tx Tx, bucket, key string, v any) (bool, error) {
	raw := tx.Get(bucket, key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("store: %s/%q: %w", bucket, key, err)
	}
	return true, nil
}

// PutJSON encodes v and stores it under key.
func PutJSON(tx Tx, bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(bucket, key, raw)
}

// Count returns how many keys of bucket start with prefix.
func Count(tx Tx, bucket, prefix string) int {
	n := 0
	tx.Scan(bucket, prefix, false, func(string, []byte) bool { n++; return true })
	return n
}
