package invite_test

import (
	"strings"
	"testing"

	"teamfund/internal/invite"
)

// BenchmarkParseCSV10k measures the parse alone (no database) of a 10,000-row file;
// BenchmarkPreview10k adds the checks against the database.
//
//	go test ./internal/invite -run '^$' -bench 'ParseCSV|Preview' -benchmem
func BenchmarkParseCSV10k(b *testing.B) {
	text := csv10k()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		cands, err := invite.ParseCSV(strings.NewReader(text))
		if err != nil || len(cands) != 10_000 {
			b.Fatal(err, len(cands))
		}
	}
}
