package upload_test

import (
	"testing"

	"github.com/axctl/axctl/internal/upload"
	"github.com/axctl/axctl/internal/upload/storetest"
)

func TestDirStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) upload.Store {
		s, err := upload.NewDirStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storetest.Options{})
}
