package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/company"
	"teamfund/internal/testutil"
)

// pocketbaseSDK is the release of PocketBase's official JS SDK the test calls the server with.
const pocketbaseSDK = "pocketbase@0.28.1"

type sdkOutcome struct {
	OK      bool   `json:"ok"`
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// TestPocketBaseMailEndpointsThroughJSSDK: the SDK's requestPasswordReset puts Teamfund's
// reset mail (company name, link to Teamfund's page) in the outbox and the audit log; the
// verification, email-change and one-time-code requests are refused with where to go
// instead; PocketBase's own mail (linking to the dashboard) never goes out.
func TestPocketBaseMailEndpointsThroughJSSDK(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	users.OTP.Enabled = true // as a superuser might in the dashboard: Teamfund still has no page for it
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	before := resetMails(t, app)
	out := testutil.RunNode(t, testutil.NodeModules(t, pocketbaseSDK), "testdata/sdk_mail.cjs",
		"BASE="+srv.URL, "EMAIL="+f.Emails["memberA"], "PASSWORD="+testutil.Password)
	var got map[string]sdkOutcome
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &got); err != nil {
		t.Fatalf("SDK output %q: %v", out, err)
	}
	if !got["reset"].OK || !got["resetUnknown"].OK {
		t.Errorf("requestPasswordReset: %+v / unknown email %+v, want success for both", got["reset"], got["resetUnknown"])
	}
	if n := resetMails(t, app) - before; n != 1 {
		t.Fatalf("%d mails in the outbox, want the member's reset mail only", n)
	}
	c, err := company.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := app.FindRecordsByFilter("outbox", "to = {:to} && kind = 'password_reset'", "-created", 1, 0, dbx.Params{"to": f.Emails["memberA"]})
	if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].GetString("subject"), c.Name()) || strings.Contains(msgs[0].GetString("text"), "/_/") {
		t.Fatalf("the reset mail is not Teamfund's in the company's name: %v %v", msgs, err)
	}
	link := resetLink(t, app, f.Emails["memberA"])
	if res := do(t, srv.URL, http.MethodGet, link, "", nil); res.StatusCode != http.StatusOK {
		t.Errorf("the mailed link %s opens with %d, want Teamfund's reset page", link, res.StatusCode)
	}
	if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "user.password_reset_requested", "target_id": f.ID("memberA")}); n != 1 {
		t.Errorf("%d reset requests audited, want 1", n)
	}
	for name, want := range map[string]string{"verification": "accept their invite", "emailChange": "Login email", "otp": "no sign-in by one-time code"} {
		if o := got[name]; o.OK || o.Status != http.StatusBadRequest || !strings.Contains(o.Message, want) {
			t.Errorf("%s: %+v, want 400 saying %q", name, o, want)
		}
	}
	for _, m := range app.TestMailer.Messages() {
		if strings.Contains(m.HTML+m.Text, "/_/#/auth") {
			t.Errorf("PocketBase's own mail went out: %q", m.Subject)
		}
	}
}
