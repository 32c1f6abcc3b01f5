package soak

import (
	"os"
	"testing"

	"github.com/axctl/axctl/internal/testutil/minio"
)

func TestMain(m *testing.M) { os.Exit(minio.Main(m)) }
