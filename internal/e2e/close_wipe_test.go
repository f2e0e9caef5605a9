package e2e_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestClosingLeavesNothingReadableOnDisk closes a company on the running binary and reads
// the raw database files while it keeps serving: within seconds neither data.db, its WAL,
// nor auxiliary.db (the logs) holds the company's name, an email, a password hash or the
// webhook secret — also not after more requests, whose late log lines are not the
// company's.
func TestClosingLeavesNothingReadableOnDisk(t *testing.T) {
	f := testutil.Fixtures(t)
	s := e2e.Start(t)
	const name, secret = "Zyxwvut Canary Outreach", "whsec_canary0123456789abcdef"
	s.Seed(t, func(app core.App) error {
		c, err := app.FindFirstRecordByFilter("company", "id != ''")
		if err != nil {
			return err
		}
		c.Set("name", name)
		if err := app.Save(c); err != nil {
			return err
		}
		settings := app.Settings()
		settings.Meta.AppName, settings.Meta.SenderName = name, name
		if err := app.Save(settings); err != nil {
			return err
		}
		hooks, err := app.FindCollectionByNameOrId("webhooks")
		if err != nil {
			return err
		}
		h := core.NewRecord(hooks)
		h.Set("url", "https://hooks.example.com/teamfund")
		h.Set("secret", secret)
		h.Set("active", true)
		return app.Save(h)
	})
	// Traffic before the close, so the logs hold lines about the company's people.
	for _, key := range []string{"owner", "memberA", "managerA"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/", nil)
		req.Header.Set("Cookie", f.CookieHeaders(key)["Cookie"])
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}
	canaries := []string{name, secret, "$2a$"}
	for _, email := range f.Emails {
		canaries = append(canaries, email)
	}
	if found := canariesOnDisk(t, s.DataDir, canaries); len(found) == 0 {
		t.Fatal("the canaries are not on disk before the close: the check below would prove nothing")
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body := url.Values{"company_name": {name}, "password": {testutil.Password}, "csrf_token": {f.CSRFToken("owner")}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/company/close", strings.NewReader(body.Encode()))
	for k, v := range f.FormHeaders("owner") {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d, want 303", res.StatusCode)
	}
	// More traffic after the close, with the old session: the server keeps serving.
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/", nil)
		req.Header.Set("Cookie", f.CookieHeaders("memberA")["Cookie"])
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	// The logger writes its batch every few seconds: watch the files for longer than that.
	deadline := time.Now().Add(8 * time.Second)
	for {
		found := canariesOnDisk(t, s.DataDir, canaries)
		if len(found) == 0 && time.Now().After(deadline) {
			break
		}
		if len(found) > 0 && time.Now().After(deadline) {
			t.Fatalf("after the close the files still hold %v", found)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// canariesOnDisk lists "file: text" for each canary found in the raw database files.
func canariesOnDisk(t *testing.T, dir string, canaries []string) []string {
	t.Helper()
	var found []string
	for _, name := range []string{"data.db", "data.db-wal", "auxiliary.db", "auxiliary.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue // no WAL at this moment
		}
		for _, c := range canaries {
			if bytes.Contains(b, []byte(c)) {
				found = append(found, name+": "+c)
			}
		}
	}
	return found
}
