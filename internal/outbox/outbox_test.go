package outbox_test

import (
	"fmt"
	"testing"

	"teamfund/internal/outbox"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestStoreManyKeepsEveryMessageInOrder(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	msgs := make([]outbox.Message, 450) // more than two INSERT chunks
	for i := range msgs {
		msgs[i] = outbox.Message{To: fmt.Sprintf("p%d@acme.com", i), Subject: "Hello", Text: "text", HTML: "<p>html</p>", Kind: "invite"}
	}
	ids, err := outbox.StoreMany(app, msgs)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		r, err := app.FindRecordById(outbox.Collection, id)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if r.GetString("to") != msgs[i].To || r.GetString("delivery") != outbox.Stored || r.GetString("created") == "" || seen[id] {
			t.Errorf("message %d stored as %v", i, r)
		}
		seen[id] = true
	}
	if outbox.Deliver(app, ids...) != 0 || app.TestMailer.TotalSend() != 0 {
		t.Error("Deliver sent mail without SMTP")
	}
}
