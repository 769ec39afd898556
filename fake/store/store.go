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

// MaxKeySize is the longest key, and the longest bucket name, a backend
// stores, in bytes. It is bbolt's limit (bolt.go checks that they agree);
// the memory backend enforces it too, so that a document one backend takes
// the other does not refuse, and an over-long identifier is a refusal on
// both rather than a 500 on --db only.
const MaxKeySize = 32768

// MaxValueSize is the largest value a backend stores, in bytes: bbolt's
// limit, enforced by both backends for the same reason as MaxKeySize.
const MaxValueSize = 1<<31 - 2

// Errors the write methods of Tx return (wrapped, naming the bucket) for
// names, keys and values no backend stores; test with errors.Is. Callers
// that take names and keys from a request (state import) can refuse it up
// front with CheckBucket and CheckKey.
var (
	// ErrBucketRequired: the bucket name is empty (bbolt has no such
	// bucket).
	ErrBucketRequired = errors.New("store: bucket name required")
	// ErrReservedBucket: the bucket name is one a backend keeps for
	// itself (Bolt's meta bucket). Every backend refuses the same names.
	ErrReservedBucket = errors.New("store: bucket name is reserved")
	// ErrKeyRequired: the key is empty (bbolt has no empty key).
	ErrKeyRequired = errors.New("store: key required")
	// ErrKeyTooLarge: the key (or bucket name) is longer than MaxKeySize.
	ErrKeyTooLarge = errors.New("store: key too large")
	// ErrValueTooLarge: the value is longer than MaxValueSize.
	ErrValueTooLarge = errors.New("store: value too large")
)

// metaBucket is Bolt's own bucket: it records the schema version. It is
// hidden from Tx.Buckets and refused to callers on every backend (the
// memory backend has no use for it, but refusing the same names keeps the
// backends interchangeable), so no domain code and no reset or import can
// touch it.
const metaBucket = "\x00iblfake.meta"

// CheckBucket reports why no backend would write to the bucket name: an
// error wrapping ErrBucketRequired, ErrReservedBucket or ErrKeyTooLarge
// (names are keys of bbolt's root bucket), or nil.
func CheckBucket(name string) error {
	switch {
	case name == "":
		return ErrBucketRequired
	case name == metaBucket:
		return fmt.Errorf("%w: %q", ErrReservedBucket, name)
	case len(name) > MaxKeySize:
		return fmt.Errorf("%w: a bucket name of %d bytes, more than %d", ErrKeyTooLarge, len(name), MaxKeySize)
	}
	return nil
}

// CheckKey reports why no backend would store key: an error wrapping
// ErrKeyRequired or ErrKeyTooLarge, or nil.
func CheckKey(key string) error {
	switch {
	case key == "":
		return ErrKeyRequired
	case len(key) > MaxKeySize:
		return fmt.Errorf("%w: %d bytes, more than %d", ErrKeyTooLarge, len(key), MaxKeySize)
	}
	return nil
}

// checkPut is what both backends check before a Put: the bucket, the key
// and the value's size, the errors wrapped to name the bucket.
func checkPut(bucket, key string, value []byte) error {
	if err := CheckBucket(bucket); err != nil {
		return err
	}
	if err := CheckKey(key); err != nil {
		return fmt.Errorf("%w (bucket %q)", err, bucket)
	}
	if len(value) > MaxValueSize {
		return fmt.Errorf("%w: %d bytes, more than %d (bucket %q)", ErrValueTooLarge, len(value), MaxValueSize, bucket)
	}
	return nil
}

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
	// Returns ErrReadOnly in a View, CheckBucket's error for a bucket no
	// backend writes, CheckKey's for a key none stores (both wrapped to
	// name the bucket) and ErrValueTooLarge past MaxValueSize; nothing is
	// written then.
	Put(bucket, key string, value []byte) error
	// Delete removes key from bucket; a missing key is not an error (nor
	// is a key CheckKey refuses, which cannot be there). Returns
	// ErrReadOnly in a View and CheckBucket's error.
	Delete(bucket, key string) error
	// NextSequence returns the bucket's next integer, starting at 1. Values
	// are never reused, even after the keys that used them are deleted.
	// Returns ErrReadOnly in a View and CheckBucket's error.
	NextSequence(bucket string) (uint64, error)
	// Sequence returns the bucket's last issued sequence (0 for none).
	Sequence(bucket string) uint64
	// SetSequence sets the bucket's last issued sequence, creating the
	// bucket if needed (state import). Returns ErrReadOnly in a View and
	// CheckBucket's error.
	SetSequence(bucket string, n uint64) error
	// Scan calls fn for each key of bucket that starts with prefix, in
	// ascending order (descending with reverse), until fn returns false.
	Scan(bucket, prefix string, reverse bool, fn func(key string, value []byte) bool)
	// Buckets lists the names of the buckets that exist, sorted.
	Buckets() []string
	// DeleteBucket removes a bucket, its keys and its sequence; a missing
	// bucket is not an error. Returns ErrReadOnly in a View and
	// CheckBucket's error.
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

// Get decodes the value of key in bucket into a new T; nil (and no error)
// when there is none.
func Get[T any](tx Tx, bucket, key string) (*T, error) {
	var v T
	ok, err := GetJSON(tx, bucket, key, &v)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

// PutJSON encodes v and stores it under key.
func PutJSON(tx Tx, bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if o, ok := tx.(ownedPutter); ok {
		return o.putOwned(bucket, key, raw) // raw is no one else's: not copied again
	}
	return tx.Put(bucket, key, raw)
}

// PutOwned is tx.Put of a value the caller hands over: the store may keep
// v itself rather than a copy, so the caller must never modify it again.
// One value may be handed to several PutOwned (an entry written to two
// indexes): the store only reads what it keeps.
func PutOwned(tx Tx, bucket, key string, v []byte) error {
	if o, ok := tx.(ownedPutter); ok {
		return o.putOwned(bucket, key, v)
	}
	return tx.Put(bucket, key, v)
}

// ownedPutter is what the backends' transactions implement: Put of a
// value the caller hands over and never touches again, so the store keeps
// it rather than a copy.
type ownedPutter interface {
	putOwned(bucket, key string, value []byte) error
}

// Count returns how many keys of bucket start with prefix.
func Count(tx Tx, bucket, prefix string) int {
	n := 0
	tx.Scan(bucket, prefix, false, func(string, []byte) bool { n++; return true })
	return n
}
