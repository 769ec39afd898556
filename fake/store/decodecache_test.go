package store

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestDecodeCache(t *testing.T) {
	type item struct{ Name string }
	c := NewDecodeCache[item](1 << 10)
	a1, err := c.Decode([]byte(`{"Name":"a"}`))
	if err != nil || a1.Name != "a" {
		t.Fatalf("Decode: %+v, %v", a1, err)
	}
	a2, _ := c.Decode([]byte(`{"Name":"a"}`))
	if a1 != a2 {
		t.Fatal("the same bytes decoded twice: want the cached value")
	}
	// A changed entity is different bytes: never the old value.
	if b, _ := c.Decode([]byte(`{"Name":"b"}`)); b.Name != "b" {
		t.Fatalf("changed bytes gave %q", b.Name)
	}
	if _, err := c.Decode([]byte(`{"Name":`)); err == nil {
		t.Fatal("broken JSON decoded")
	}
	// Bounded: far more distinct values than fit keep it under maxBytes.
	for i := range 1000 {
		if _, err := c.Decode(fmt.Appendf(nil, `{"Name":"%04d"}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.Len(); n == 0 || n > (1<<10)/len(`{"Name":"0000"}`) {
		t.Fatalf("cache holds %d values, more than fit in 1 KiB", n)
	}
}

func BenchmarkDecodeCache(b *testing.B) {
	type cred struct {
		Name, Description, HTML string
		Tags                    []string
		Metadata                map[string]any
	}
	raw := []byte(`{"Name":"CPR and First Aid","Description":"Certified in adult CPR and first aid; renewed every 90 days.","HTML":"<div class=\"badge\">{{name}}</div>","Tags":["health","safety"],"Metadata":{"level":"1","hours":8}}`)
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			var v cred
			if err := json.Unmarshal(raw, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		c := NewDecodeCache[cred](1 << 20)
		for b.Loop() {
			if _, err := c.Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
