package invite_test

import (
	"fmt"
	"strings"
	"testing"

	"teamfund/internal/invite"
	"teamfund/internal/testutil"
)

// csv10k is a 10,000-row file: realistic names, all four columns, every row valid.
func csv10k() string {
	var b strings.Builder
	b.WriteString("email,name,role,team\r\n")
	for i := range 10_000 {
		team := "Alpha"
		if i%2 == 1 {
			team = "Beta"
		}
		fmt.Fprintf(&b, "person%05d@acme.com,Person Number %d,member,%s\r\n", i, i, team)
	}
	return b.String()
}

// BenchmarkPreview10k parses and checks a 10,000-row file (what POST /invites/preview does).
func BenchmarkPreview10k(b *testing.B) {
	app := testutil.NewApp(b)
	defer app.Cleanup()
	admin := actor(b, app, "admin")
	text := csv10k()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		cands, err := invite.ParseCSV(strings.NewReader(text))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := invite.Preview(app, admin, cands)
		if err != nil || !rows[len(rows)-1].Valid() {
			b.Fatal(err, rows[len(rows)-1].Reason())
		}
	}
}

// BenchmarkImport10k parses and imports a 10,000-row file in one transaction (what POST
// /invites/import does): 10,000 invites, 10,000 outbox mails, one audit entry.
func BenchmarkImport10k(b *testing.B) {
	text := csv10k()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		b.StopTimer()
		app := testutil.NewApp(b)
		admin := actor(b, app, "admin")
		b.StartTimer()
		cands, err := invite.ParseCSV(strings.NewReader(text))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := invite.Import(app, admin, cands)
		if err != nil || rep.Invited != 10_000 {
			b.Fatal(err, rep)
		}
		b.StopTimer()
		app.Cleanup()
		b.StartTimer()
	}
}
