package store

import (
	"encoding/json"
	"sync"
)

// DecodeCache memoizes decoding stored JSON values into T for read-only
// use. Decoding a stored credential costs more than the rest of a list
// request together; a page of ten decoded them again on every request.
//
// The cache is keyed by the stored bytes themselves, so it never serves a
// stale value (a changed entity is different bytes), works on every
// backend (bbolt's mmap'ed values included, which are copied into the key)
// and cannot leak one tenant's data to another (a caller only finds what
// it already read). It holds at most about maxBytes of keys and starts
// over when full.
type DecodeCache[T any] struct {
	mu       sync.RWMutex
	m        map[string]*T
	bytes    int
	maxBytes int
}

// NewDecodeCache returns an empty cache holding about maxBytes of values.
func NewDecodeCache[T any](maxBytes int) *DecodeCache[T] {
	return &DecodeCache[T]{m: map[string]*T{}, maxBytes: maxBytes}
}

// Decode returns raw decoded into a T that every caller decoding the same
// bytes shares: the result must not be modified.
func (c *DecodeCache[T]) Decode(raw []byte) (*T, error) {
	c.mu.RLock()
	v, ok := c.m[string(raw)]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v = new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	if len(raw) > c.maxBytes/16 {
		return v, nil // too large to be worth a slot
	}
	c.mu.Lock()
	if c.bytes+len(raw) > c.maxBytes {
		clear(c.m)
		c.bytes = 0
	}
	if _, ok := c.m[string(raw)]; !ok {
		c.m[string(raw)] = v
		c.bytes += len(raw)
	}
	c.mu.Unlock()
	return v, nil
}

// Len reports how many decoded values the cache holds.
func (c *DecodeCache[T]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
