package export_test

import (
	"testing"

	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }
