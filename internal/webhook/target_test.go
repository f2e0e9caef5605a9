package webhook_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/testutil"
	"teamfund/internal/webhook"
)

// fakeDNS answers made-up names with the addresses a test sets, and can change its
// answer between the save and the delivery, as DNS rebinding does.
type fakeDNS struct {
	mu      sync.Mutex
	answers map[string][]netip.Addr
}

func (d *fakeDNS) set(host string, addrs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.answers[host] = nil
	for _, a := range addrs {
		d.answers[host] = append(d.answers[host], netip.MustParseAddr(a))
	}
}

func (d *fakeDNS) resolve(_ context.Context, host string) ([]netip.Addr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.answers[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func setAllowInternal(t *testing.T, app core.App, on bool) {
	t.Helper()
	c, err := company.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	s := c.CurrentSettings()
	s.AllowInternalWebhooks = on
	if err := company.UpdateSettings(app, testutil.Member(t, app, testutil.Fixtures(t).ID("owner")), s); err != nil {
		t.Fatal(err)
	}
}

// TestTargetCheckedWhenConnecting proves the check at connect time: no connection is
// ever opened here (the dial step only records what it was asked), and a name that
// resolved to a public address when saved but to an internal one at delivery (DNS
// rebinding) is refused before any connect.
func TestTargetCheckedWhenConnecting(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	dns := &fakeDNS{answers: map[string][]netip.Addr{}}
	webhook.SetResolver(app, dns.resolve)
	var dials []string
	var dialMu sync.Mutex
	webhook.SetDial(app, func(_ context.Context, _, address string) (net.Conn, error) {
		dialMu.Lock()
		defer dialMu.Unlock()
		dials = append(dials, address)
		return nil, errors.New("test: no connection is ever opened")
	})
	dialed := func() []string {
		dialMu.Lock()
		defer dialMu.Unlock()
		return append([]string(nil), dials...)
	}
	admin := testutil.Member(t, app, f.ID("admin"))

	dns.set("crm.rebind.test", "203.0.113.10") // public (documentation range) when saved
	ep, _, err := webhook.Create(app, admin, webhook.Input{URL: "https://crm.rebind.test/hook", Events: []string{webhook.AllEvents}})
	if err != nil {
		t.Fatalf("a public target was refused: %v", err)
	}
	deliver := func(want string) {
		t.Helper()
		if err := webhook.SendTest(app, admin, ep.Id); err != nil {
			t.Fatal(err)
		}
		if _, err := webhook.DeliverDue(app, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var reason string
		err := app.DB().NewQuery("SELECT error FROM webhook_deliveries WHERE webhook = {:id} ORDER BY created DESC, rowid DESC LIMIT 1").
			Bind(dbx.Params{"id": ep.Id}).Row(&reason)
		if err != nil || reason != want {
			t.Errorf("delivery reason %q (%v), want %q", reason, err, want)
		}
	}

	deliver(webhook.ReasonUnreachable) // public: the checked address is dialled (and fails here)
	if got := dialed(); len(got) == 0 || got[0] != "203.0.113.10:443" {
		t.Fatalf("dialled %v, want the checked public address", got)
	}
	before := len(dialed())
	for _, internal := range []string{"10.0.0.1", "169.254.169.254", "127.0.0.1", "fd12::1", "::ffff:192.168.1.1"} {
		dns.set("crm.rebind.test", internal) // the name now points inside
		want := webhook.ReasonInternalTarget
		if internal == "169.254.169.254" {
			want = webhook.ReasonMetadata
		}
		deliver(want)
	}
	dns.set("crm.rebind.test", "203.0.113.10", "10.0.0.1") // one inside is enough to refuse
	deliver(webhook.ReasonInternalTarget)
	if got := dialed(); len(got) != before {
		t.Errorf("internal addresses were dialled: %v", got[before:])
	}

	setAllowInternal(t, app, true)
	dns.set("crm.rebind.test", "10.0.0.1")
	deliver(webhook.ReasonUnreachable) // allowed now: dialled (the test's dial fails)
	if got := dialed(); got[len(got)-1] != "10.0.0.1:443" {
		t.Errorf("with internal targets allowed, dialled %v", got)
	}
	n := len(dialed())
	dns.set("crm.rebind.test", "169.254.169.254")
	deliver(webhook.ReasonMetadata) // never, whatever the owner allows
	if len(dialed()) != n {
		t.Error("a metadata address was dialled with internal targets allowed")
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"NUL and 0xff", "boom\x00\xffafter"},
		{"half a rune at the cut", strings.Repeat("a", 9) + "€"},
		{"control characters", "a\x01b\x1bc"},
	} {
		got := webhook.CleanText(tc.in, 10)
		if !utf8.ValidString(got) || strings.ContainsRune(got, 0) || strings.ContainsAny(got, "\x01\x1b") || len(got) > 10 {
			t.Errorf("%s: %q", tc.name, got)
		}
	}
}

// TestSlowEndpointDoesNotDelayOthers: while one endpoint hangs on its first delivery,
// another endpoint gets every event at once.
func TestSlowEndpointDoesNotDelayOthers(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	setAllowInternal(t, app, true)
	release := make(chan struct{})
	var slowCalls, fastCalls atomic.Int32
	slow := testutil.NewHTTPServer(t, func(ctx context.Context) {
		slowCalls.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
		}
	})
	fast := testutil.NewHTTPServer(t, func(context.Context) { fastCalls.Add(1) })
	defer close(release)
	admin := testutil.Member(t, app, f.ID("admin"))
	for _, url := range []string{slow, fast} {
		if _, _, err := webhook.Create(app, admin, webhook.Input{URL: url, Events: []string{webhook.BudgetRun}}); err != nil {
			t.Fatal(err)
		}
	}
	const events = 5
	for i := range events {
		if err := app.RunInTransaction(func(tx core.App) error {
			return webhook.Emit(tx, webhook.Event{Type: webhook.BudgetRun, Data: map[string]any{"n": i}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && fastCalls.Load() < events; time.Sleep(20 * time.Millisecond) {
	}
	if fastCalls.Load() != events || slowCalls.Load() != 1 {
		t.Errorf("while the slow endpoint hangs on its first delivery (%d calls), the fast one got %d of %d", slowCalls.Load(), fastCalls.Load(), events)
	}
}
