package store_test

import (
	"testing"

	"github.com/axctl/axctl/internal/store"
	"github.com/axctl/axctl/internal/store/storetest"
)

func TestDirStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.Options{})
}

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return store.NewMemStore() }, storetest.Options{})
}
