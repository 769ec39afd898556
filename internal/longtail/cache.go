package longtail

import (
	clist "container/list"
	"sync"
)

// synthCache keeps the encoded bodies of synthesized reads: an answer
// depends only on its request, the server's seed and the clock's day
// (synth.Options), so repeating one costs a map lookup, not a schema walk
// (a list page of a large schema takes a hundred microseconds to make).
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
}

// size is what the entry holds, as the budget counts it.
func (e *synthEntry) size() int { return len(e.key) + len(e.body) }

// synthCacheBytes bounds the cache: a few hundred typical answers.
const synthCacheBytes = 8 << 20

func newSynthCache() *synthCache {
	return &synthCache{order: clist.New(), index: map[string]*clist.Element{}}
}

func (c *synthCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.index[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*synthEntry).body, true
}

func (c *synthCache) put(key string, body []byte) {
	size := len(key) + len(body)
	if size > synthCacheBytes/8 {
		return // a rare huge answer (or request) is not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.index[key]; ok {
		c.bytes -= e.Value.(*synthEntry).size()
		c.order.Remove(e)
	}
	c.index[key] = c.order.PushFront(&synthEntry{key, body})
	c.bytes += size
	for c.bytes > synthCacheBytes {
		last := c.order.Back()
		ent := last.Value.(*synthEntry)
		c.order.Remove(last)
		delete(c.index, ent.key)
		c.bytes -= ent.size()
	}
}
