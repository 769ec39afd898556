package api

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/iblfake/iblfake/fake/store"
)

// Deps is what resource handlers work with.
type Deps struct {
	Store store.Backend
	Clock *Clock
	IDs   *IDs
}

// Clock is the fake's notion of now: the real time plus an offset, or a fixed
// instant. Tests move it instead of sleeping.
type Clock struct {
	mu     sync.RWMutex
	offset time.Duration
	fixed  *time.Time
}

// Now returns the fake's current time in UTC, truncated to microseconds as
// Django stores it.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.fixed != nil {
		return *c.fixed
	}
	return time.Now().Add(c.offset).UTC().Truncate(time.Microsecond)
}

// SetOffset makes Now return the real time moved by d.
func (c *Clock) SetOffset(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.fixed = d, nil
}

// SetNow freezes Now at t.
func (c *Clock) SetNow(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t = t.UTC().Truncate(time.Microsecond)
	c.fixed = &t
}

// Advance moves the clock on by d from where it is: the offset from real
// time grows by d, or a frozen clock's instant moves. It refuses, changing
// nothing, a move that would overflow the offset (about 292 years either
// way) or take the clock outside years 1-9999.
func (c *Clock) Advance(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed != nil {
		t := c.fixed.Add(d)
		if (d > 0) != t.After(*c.fixed) && d != 0 || t.Year() < 1 || t.Year() > 9999 {
			return fmt.Errorf("moving the clock by %s would take it outside years 1-9999", d)
		}
		c.fixed = &t
		return nil
	}
	sum := c.offset + d
	if (d > 0 && sum < c.offset) || (d < 0 && sum > c.offset) {
		return fmt.Errorf("moving the clock by %s would overflow its offset from real time (%s)", d, c.offset)
	}
	c.offset = sum
	return nil
}

// Offset returns the offset from real time (0 when frozen).
func (c *Clock) Offset() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.fixed != nil {
		return 0
	}
	return c.offset
}

// Frozen reports whether Now is fixed (SetNow) rather than moving.
func (c *Clock) Frozen() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.fixed != nil
}

// IDs makes entity ids: 22-character URL-safe strings like the vendor's
// (e.g. HaJsHrdUSL6QIJS5OEHcPw). Seeded, the sequence is reproducible.
type IDs struct {
	mu  sync.Mutex
	rng *mrand.ChaCha8
}

// NewIDs returns a generator; seed 0 draws a random seed.
func NewIDs(seed uint64) *IDs {
	var s [32]byte
	if seed == 0 {
		_, _ = rand.Read(s[:])
	} else {
		binary.LittleEndian.PutUint64(s[:], seed)
	}
	return &IDs{rng: mrand.NewChaCha8(s)}
}

// EntityID returns a new 22-character id.
func (g *IDs) EntityID() string {
	var b [16]byte
	g.mu.Lock()
	_, _ = g.rng.Read(b[:])
	g.mu.Unlock()
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// UUID returns a new random (version 4) UUID.
func (g *IDs) UUID() string {
	var b [16]byte
	g.mu.Lock()
	_, _ = g.rng.Read(b[:])
	g.mu.Unlock()
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// SeqKey formats a sequence number so that keys sort in numeric order:
// 16 lower-case hex digits, as fmt's %016x.
func SeqKey(n uint64) string {
	var b [16]byte
	return string(AppendSeqKey(b[:0], n))
}

// AppendSeqKey appends SeqKey(n) to b, for a key built in one buffer.
func AppendSeqKey(b []byte, n uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[n>>uint(shift)&0xf])
	}
	return b
}
