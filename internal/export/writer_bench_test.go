package export_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"teamfund/internal/export"
	"teamfund/internal/money"
)

// BenchmarkRowWriter measures the row writers alone (no database): 10,000 ledger-like rows
// (text, money, time, number) to io.Discard; allocs/op and B/op are per file.
//
//	go test ./internal/export -run '^$' -bench RowWriter -benchmem
func BenchmarkRowWriter(b *testing.B) {
	const rows = 10_000
	when := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	for _, f := range []export.Format{export.CSV, export.XLSX} {
		b.Run(fmt.Sprintf("%s/%dk", f, rows/1000), func(b *testing.B) {
			for b.Loop() {
				w, err := export.NewWriter(f, io.Discard, export.Options{Location: time.UTC, Currency: "USD", Sheet: "Ledger"})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.WriteHeader(testColumns); err != nil {
					b.Fatal(err)
				}
				for i := range rows {
					if err := w.WriteRow([]any{"Sent Mug to someone@client.example", money.Cents(-1000 - i), when, int64(i)}); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}
