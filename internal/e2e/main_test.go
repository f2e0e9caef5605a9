package e2e_test

import (
	"testing"

	"teamfund/internal/e2e"
)

func TestMain(m *testing.M) { e2e.Main(m) }
