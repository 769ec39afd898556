package fake

import (
	"container/list"
	"sync"
)

// synthCache keeps the encoded bodies of synthesized reads: an answer
// depends only on its request, the server's seed and the clock's day
// (synth.Options), so repeating one costs a map lookup, not a schema walk
// (a list page of a large schema takes a hundred microseconds to make).
// It holds at most synthCacheBytes, least recently used out first.
type synthCache struct {
	mu    sync.Mutex
	bytes int
	order *list.List // of *synthEntry, most recent first
	index map[string]*list.Element
}

type synthEntry struct {
	key  string
	body []byte
}

// synthCacheBytes bounds the cache: a few hundred typical answers.
const synthCacheBytes = 8 << 20

func newSynthCache() *synthCache {
	return &synthCache{order: list.New(), index: map[string]*list.Element{}}
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
	if len(body) > synthCacheBytes/8 {
		return // a rare huge answer is not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.index[key]; ok {
		c.bytes -= len(e.Value.(*synthEntry).body)
		c.order.Remove(e)
	}
	c.index[key] = c.order.PushFront(&synthEntry{key, body})
	c.bytes += len(body)
	for c.bytes > synthCacheBytes {
		last := c.order.Back()
		ent := last.Value.(*synthEntry)
		c.order.Remove(last)
		delete(c.index, ent.key)
		c.bytes -= len(ent.body)
	}
}
