package store_test

import (
	"testing"

	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/fake/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Backend { return store.NewMemory() })
}
