package longtail

import (
	"strings"
	"testing"
)

// TestTheSynthesizedCacheCountsItsKeys: a key holds the request's path and
// query, so unique long queries with small answers must not grow the cache
// past its budget (they once pinned ~100 KB each, without bound).
func TestTheSynthesizedCacheCountsItsKeys(t *testing.T) {
	c := newSynthCache()
	query := strings.Repeat("q", 100<<10)
	for i := range 1000 {
		c.put(query+strings.Repeat("x", i), synthAnswer{body: []byte(`{"status":"ok"}`)})
		if c.bytes > synthCacheBytes {
			t.Fatalf("after %d puts the cache holds %d bytes, over its %d", i+1, c.bytes, synthCacheBytes)
		}
	}
	held := 0
	for e := c.order.Front(); e != nil; e = e.Next() {
		held += e.Value.(*synthEntry).size()
	}
	if held != c.bytes || len(c.index) != c.order.Len() {
		t.Fatalf("the cache counts %d bytes but holds %d (%d keys, %d entries)", c.bytes, held, len(c.index), c.order.Len())
	}
	if len(c.index) > synthCacheBytes/(100<<10)+1 {
		t.Fatalf("the cache keeps %d entries of 100 KiB keys", len(c.index))
	}
	// A key too large to keep is not kept.
	c.put(strings.Repeat("k", synthCacheBytes/8+1), synthAnswer{body: []byte("{}")})
	if _, ok := c.get(strings.Repeat("k", synthCacheBytes/8+1)); ok {
		t.Fatal("kept an entry larger than an eighth of the budget")
	}
}
