package longtail

import (
	clist "container/list"
	"sync"

	"github.com/iblfake/iblfake/fake/store"
)

// synthCache keeps the encoded bodies of synthesized reads: an answer
// depends on its request, the server's seed and the clock's day
// (synth.Options), and, when a field took one of the tenant's own names
// (relations.go), on the stored state it read them from; so repeating one
// costs a map lookup, not a schema walk (a list page of a large schema
// takes a hundred microseconds to make). An entry that read the store
// holds the store's version it read, and is no answer for another one.
// It holds at most synthCacheBytes of keys and bodies together, least
// recently used out first: a key holds the request's path and query, which
// a client can make as long as the header limit allows, so counting the
// bodies alone let unique queries pin memory without bound.
type synthCache struct {
	mu    sync.Mutex
	bytes int
	order *clist.List // of *synthEntry, most recent first
	index map[string]*clist.Element
}

type synthEntry struct {
	key  string
	body []byte
	// read is whether the answer drew on stored state, version the
	// committed state it drew on.
	read    bool
	version store.Version
}

// synthAnswer is what the cache holds of an answer besides its key.
type synthAnswer struct {
	body    []byte
	read    bool
	version store.Version
}

// validAt reports whether the answer holds for the committed state v: it
// read nothing stored, or it read v (the zero Version, a state that cannot
// tell, never matches one that read).
func (a synthAnswer) validAt(v store.Version) bool {
	return !a.read || (v != store.Version{} && a.version == v)
}

// size is what the entry holds, as the budget counts it.
func (e *synthEntry) size() int { return len(e.key) + len(e.body) }

// synthCacheBytes bounds the cache: a few hundred typical answers.
const synthCacheBytes = 8 << 20

func newSynthCache() *synthCache {
	return &synthCache{order: clist.New(), index: map[string]*clist.Element{}}
}

func (c *synthCache) get(key string) (synthAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.index[key]
	if !ok {
		return synthAnswer{}, false
	}
	c.order.MoveToFront(e)
	ent := e.Value.(*synthEntry)
	return synthAnswer{ent.body, ent.read, ent.version}, true
}

func (c *synthCache) put(key string, a synthAnswer) {
	size := len(key) + len(a.body)
	if size > synthCacheBytes/8 {
		return // a rare huge answer (or request) is not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.index[key]; ok {
		c.bytes -= e.Value.(*synthEntry).size()
		c.order.Remove(e)
	}
	c.index[key] = c.order.PushFront(&synthEntry{key: key, body: a.body, read: a.read, version: a.version})
	c.bytes += size
	for c.bytes > synthCacheBytes {
		last := c.order.Back()
		ent := last.Value.(*synthEntry)
		c.order.Remove(last)
		delete(c.index, ent.key)
		c.bytes -= ent.size()
	}
}
