package send_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// TestSendsWrittenTogether: sends that queue behind a busy writer are written in one
// transaction. Inside it, a send the balance no longer covers gives back the item its
// guard took (nothing of it is written), and a send whose record fails to save costs only
// itself: the batch is rolled back and each send written alone. Records of refused or
// failed sends are never announced as created.
func TestSendsWrittenTogether(t *testing.T) {
	const senders, items = 30, 25
	f := testutil.Fixtures(t)
	app, touchID := newCreateApp(t, true) // 10.00 per item; memberA holds 100.00
	defer app.Cleanup()
	if _, err := app.DB().NewQuery("UPDATE touches SET inventory = {:n} WHERE id = {:id}").
		Bind(dbx.Params{"n": items, "id": touchID}).Execute(); err != nil {
		t.Fatal(err)
	}
	actor, err := member.Find(app, f.ID("memberA"))
	if err != nil {
		t.Fatal(err)
	}
	// r7 is sent by someone else, whose balance covers it whatever the order.
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA2"), Amount: 1000, Kind: ledger.KindGrant, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	other, err := member.Find(app, f.ID("memberA2"))
	if err != nil {
		t.Fatal(err)
	}
	var batches []int
	send.ObserveBatches(t, func(n int) { batches = append(batches, n) })
	app.OnRecordCreate(send.Collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("recipient_email") == "r7@client.example" {
			return errors.New("hook refused r7")
		}
		return e.Next()
	})
	// A send is a record save (its create hooks fire); its spend is written with a prepared
	// statement and announced to records-API subscribers through the model hooks after the
	// commit (realtime.Announce), which happens only while someone subscribes to the ledger.
	var announced atomic.Int64
	app.OnRecordAfterCreateSuccess(send.Collection).BindFunc(func(e *core.RecordEvent) error {
		announced.Add(1)
		return e.Next()
	})
	app.OnModelAfterCreateSuccess(ledger.Collection).BindFunc(func(e *core.ModelEvent) error {
		announced.Add(1)
		return e.Next()
	})
	listener := subscriptions.NewDefaultClient()
	listener.Subscribe(ledger.Collection + "/*")
	app.SubscriptionsBroker().Register(listener)

	// Hold the writer so that every send queues behind it, then let them all through.
	release, held := make(chan struct{}), make(chan struct{})
	go app.RunInTransaction(func(tx core.App) error {
		close(held)
		<-release
		return nil
	})
	<-held
	var wg sync.WaitGroup
	errs := make([]error, senders)
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sender := actor
			if i == 7 {
				sender = other
			}
			_, errs[i] = send.Create(app, sender, send.Input{TouchID: touchID, RecipientName: "R", RecipientEmail: fmt.Sprintf("r%d@client.example", i)})
		}()
	}
	waitQueued(t, app, senders)
	close(release)
	wg.Wait()

	var sent, short, failed int
	for i, err := range errs {
		switch {
		case err == nil:
			sent++
		case errors.Is(err, send.ErrInsufficientBalance):
			short++
		case i == 7:
			failed++
		default:
			t.Errorf("send %d: %v", i, err)
		}
	}
	if sent != 10 || short != senders-11 || failed != 1 {
		t.Errorf("got %d sent, %d refused for balance, %d failed; want 10, %d, 1", sent, short, failed, senders-11)
	}
	t.Logf("batches: %v", batches)
	if len(batches) < 2 || batches[0] < 2 && batches[1] < 2 {
		t.Errorf("batches %v: the queued sends were not written together", batches)
	}
	var row struct {
		Sends     int `db:"sends"`
		Spends    int `db:"spends"`
		Inventory int `db:"inventory"`
	}
	if err := app.DB().NewQuery(`SELECT (SELECT COUNT(*) FROM sends) AS sends,
		(SELECT COUNT(*) FROM ledger_entries WHERE kind = 'spend') AS spends,
		(SELECT inventory FROM touches WHERE id = {:id}) AS inventory`).Bind(dbx.Params{"id": touchID}).One(&row); err != nil {
		t.Fatal(err)
	}
	if row.Sends != sent || row.Spends != sent || row.Inventory != items-sent {
		t.Errorf("stored %d sends, %d spends, %d items left; want %d, %d, %d", row.Sends, row.Spends, row.Inventory, sent, sent, items-sent)
	}
	if got := announced.Load(); got != int64(2*sent) {
		t.Errorf("%d records announced as created, want %d (a send and a spend each)", got, 2*sent)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %+v", err, bad)
	}
}

// waitQueued waits until n sends wait for the writer.
func waitQueued(t *testing.T, app core.App, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for send.Queued(app) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d sends queued", send.Queued(app), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestAPanicWhileWritingFailsItsBatchAndFreesTheQueue: a hook that panics while a batch
// is written fails that batch's sends (nothing of them is stored) and does not leave the
// sends queued behind it waiting forever.
func TestAPanicWhileWritingFailsItsBatchAndFreesTheQueue(t *testing.T) {
	f := testutil.Fixtures(t)
	app, touchID := newCreateApp(t, false)
	defer app.Cleanup()
	actor := testutil.Member(t, app, f.ID("memberA"))
	app.OnRecordCreate(send.Collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("recipient_email") == "panic@client.example" {
			panic("hook bug")
		}
		return e.Next()
	})
	create := func(email string) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panicked: %v", p)
			}
		}()
		_, err = send.Create(app, actor, send.Input{TouchID: touchID, RecipientName: "R", RecipientEmail: email})
		return err
	}
	release, held := make(chan struct{}), make(chan struct{})
	go app.RunInTransaction(func(tx core.App) error {
		close(held)
		<-release
		return nil
	})
	<-held
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i, email := range []string{"a@client.example", "panic@client.example", "b@client.example", "c@client.example"} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = create(email) }()
	}
	waitQueued(t, app, 4)
	close(release)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("sends still waiting after a panic while writing")
	}
	if errs[1] == nil {
		t.Error("the send whose hook panicked succeeded")
	}
	var stored, failed int
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM sends").Row(&stored); err != nil {
		t.Fatal(err)
	}
	if stored+failed != 4 {
		t.Errorf("%d stored and %d failed of 4: a failed send was stored or a stored one reported failed", stored, failed)
	}
	after := make(chan error, 1)
	go func() { after <- create("after@client.example") }()
	select {
	case err := <-after:
		if err != nil {
			t.Errorf("a send after the panic: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a send after the panic still waits for the writer")
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %+v", err, bad)
	}
}
