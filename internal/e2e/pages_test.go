package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
	"teamfund/internal/webhook"
)

// seedActivity gives the fixture company something on every page: balances, touches in
// several states, sends (one waiting for approval) and a money request.
func seedActivity(t *testing.T, s *e2e.Server) {
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		if _, err := app.DB().NewQuery("UPDATE teams SET approval_threshold = 2000 WHERE id = {:id}").
			Bind(map[string]any{"id": f.ID("alpha")}).Execute(); err != nil {
			return err
		}
		for _, key := range []string{"memberA", "memberA2", "managerA", "memberB"} {
			if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: 10000, Kind: ledger.KindGrant, Reason: "Welcome budget"}); err != nil {
				return err
			}
		}
		col, err := app.FindCollectionByNameOrId("touches")
		if err != nil {
			return err
		}
		for _, tc := range []struct {
			id, name, status string
			cost             int
		}{
			{"touchmug0000001", "Coffee mug with the company logo", "active", 1000},
			{"touchhamper0001", "Holiday hamper", "active", 3000},
			{"touchempty00001", "Conference tickets", "paused_no_inventory", 5000},
		} {
			r := core.NewRecord(col)
			r.Id = tc.id
			r.Load(map[string]any{"name": tc.name, "cost": tc.cost, "status": tc.status, "description": "Sent by post within a week.",
				"teams": []string{f.ID("alpha"), f.ID("beta")}, "track_inventory": tc.status != "active", "inventory": 0})
			if err := app.Save(r); err != nil {
				return err
			}
		}
		who := func(key string) *member.Member {
			m, _ := member.Find(app, f.ID(key))
			return m
		}
		for _, sd := range []struct{ key, touch, name string }{
			{"memberA", "touchmug0000001", "Carla Client"}, {"memberA", "touchhamper0001", "Pat Prospect"},
			{"memberA2", "touchmug0000001", "Rick Reseller"}, {"memberB", "touchmug0000001", "Bea's client"},
		} {
			if _, err := send.Create(app, who(sd.key), send.Input{TouchID: sd.touch, RecipientName: sd.name,
				RecipientEmail: strings.ToLower(strings.Fields(sd.name)[0]) + "@client.example"}); err != nil {
				return err
			}
		}
		if _, err = transfer.Ask(app, who("memberA2"), f.ID("memberA"), 1500, "Lunch with a prospect"); err != nil {
			return err
		}
		hooks, err := app.FindCollectionByNameOrId(webhook.Collection)
		if err != nil {
			return err
		}
		hook := core.NewRecord(hooks)
		hook.Id = seededWebhookID
		hook.Load(map[string]any{"url": "https://hooks.zapier.com/hooks/catch/123/abcdef/", "secret": "whsec_0123456789abcdef",
			"events": []string{webhook.SendCreated, webhook.MoneyMoved}, "active": true, "description": "Zapier → CRM"})
		if err := app.Save(hook); err != nil {
			return err
		}
		// One answered delivery, listed with its status and code (the worker cannot reach
		// the URL from a test, so the row is written as it would end).
		_, err = app.DB().NewQuery(`INSERT INTO webhook_deliveries (id, webhook, event, event_id, payload, status, attempts,
			next_attempt_at, response_code, error, delivered_at, created)
			VALUES ('deliveryseed001', {:hook}, 'send.created', 'e1', '{}', 'failed', 6, '', 500,
			'answered with an error status', '', {:now})`).
			Bind(map[string]any{"hook": seededWebhookID, "now": time.Now().UTC().Format("2006-01-02 15:04:05.000Z")}).Execute()
		return err
	})
}

// seededWebhookID is the endpoint seedActivity adds, for the webhook pages.
const seededWebhookID = "webhookseed0001"

// pagesOf lists what each role can open: every menu page plus the pages behind buttons.
// {team} and {user} are the fixture team alpha's page and member A's.
var pagesOf = map[string][]string{
	"memberA": {"/", "/profile", "/teams", "/teams/{team}", "/touches", "/sends", "/sends/new", "/sends/new?touch=touchmug0000001",
		"/sends/new?touch=touchempty00001", "/money", "/approvals/money", "/ledger"},
	"managerA": {"/", "/profile", "/teams", "/teams/{team}", "/users", "/users/{user}", "/invites", "/touches", "/touches/assignments", "/sends",
		"/sends/new", "/approvals/sends", "/approvals/money", "/approvals/leave", "/money", "/money/team", "/usage", "/ledger"},
	"admin": {"/", "/profile", "/teams", "/teams/{team}", "/users", "/users/{user}", "/invites", "/touches", "/touches/new", "/touches/touchmug0000001/edit",
		"/touches/assignments", "/sends", "/approvals/sends", "/money", "/money/team", "/money/admin", "/usage", "/ledger",
		"/audit", "/outbox", "/webhooks", "/webhooks/" + seededWebhookID + "/edit"},
	"owner": {"/", "/profile", "/settings", "/teams/{team}", "/users/{user}", "/users", "/invites", "/audit", "/outbox", "/usage", "/money/admin", "/webhooks", "/company/close"},
}

// TestEveryPageFitsAndPassesAxe opens every page of every role at 1280 px and 390 px and
// fails when the page is wider than the window, when a table scrolls inside its card (the
// company holds 40-character names, 60-character touch names and 50-character emails
// too), when it answers an error, when a link on it leads to an error, or when axe-core
// finds a serious or critical violation in the light theme or the dark one. A screenshot
// of each page goes to the artifacts.
func TestEveryPageFitsAndPassesAxe(t *testing.T) {
	s := e2e.Start(t)
	seedActivity(t, s)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error { return e2e.SeedLongValues(app, f.ID("alpha"), f.ID("memberA")) })
	checked := map[string]int{} // link → status, shared by every page
	for _, who := range []string{"memberA", "managerA", "admin", "owner"} {
		for _, width := range []int{1280, 390} {
			t.Run(fmt.Sprintf("%s at %d px", who, width), func(t *testing.T) {
				ctx := e2e.NewBrowserFor(t, 10*time.Minute)
				e2e.Do(t, ctx, chromedp.EmulateViewport(int64(width), 844))
				e2e.Login(t, ctx, s, who)
				ids := strings.NewReplacer("{team}", f.ID("alpha"), "{user}", f.ID("memberA"))
				for _, path := range pagesOf[who] {
					path := ids.Replace(path)
					res, err := chromedp.RunResponse(ctx, chromedp.Navigate(s.URL+path))
					if err != nil {
						t.Errorf("%s: %v", path, err)
						continue
					}
					if res.Status >= 400 {
						t.Errorf("%s answers %d", path, res.Status)
					}
					name := fmt.Sprintf("pages-%s-%d-%s", who, width, pageName(path))
					e2e.Screenshot(t, ctx, name)
					wide := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
					if wide > 1 {
						t.Errorf("%s is %d px wider than the %d px window", path, wide, width)
					}
					checkTablesFit(t, ctx, path, width)
					// Both themes at both widths: a phone's stacked rows and collapsed menu
					// have colours of their own.
					for _, theme := range []string{"light", "dark"} {
						// What ui/theme.js does for the user menu's switch or a dark system setting;
						// Tabler's colour transitions are then finished at once (axe would measure
						// colours half-way).
						e2e.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.setAttribute("data-bs-theme", "`+theme+`");
							document.getAnimations().forEach(a => { if (a instanceof CSSTransition) a.finish(); })`))
						for _, v := range e2e.Axe(t, ctx) {
							if known(v) {
								t.Logf("%s (%s theme): axe (known, reported): %s", path, theme, v)
								continue
							}
							t.Errorf("%s (%s theme): axe: %s", path, theme, v)
						}
						if theme == "dark" && width < 1280 {
							e2e.Screenshot(t, ctx, name+"-dark") // a phone in the dark, to look at
						}
					}
					checkLinks(t, ctx, path, checked)
				}
			})
		}
	}
}

// checkTablesFit fails when a table of the page open in ctx scrolls inside its card: at a
// laptop's width every column (who, what, amount, status, the row's actions) shows side
// by side, and on a phone the rows stack.
func checkTablesFit(t *testing.T, ctx context.Context, path string, width int) {
	t.Helper()
	over := e2e.Get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".table-responsive"))
		.filter(box => box.querySelector("table") && box.scrollWidth > box.clientWidth + 1)
		.map(box => (box.querySelector("table").id || box.getAttribute("aria-label") || "a table") + ": " + box.scrollWidth + " px in " + box.clientWidth)`))
	for _, o := range over {
		t.Errorf("%s at %d px: %s scrolls inside its card", path, width, o)
	}
}

// knownIssues are violations axe finds in the app shell (layout and navigation), reported
// to its owner and not fixed yet; each entry is a rule id and a selector its targets
// contain. Remove an entry once fixed: the test then guards it.
var knownIssues = []struct{ rule, target string }{}

func known(v e2e.AxeViolation) bool {
	for _, k := range knownIssues {
		if v.ID != k.rule {
			continue
		}
		all := len(v.Targets) > 0
		for _, target := range v.Targets {
			all = all && strings.Contains(target, k.target)
		}
		if all {
			return true
		}
	}
	return false
}

// checkLinks fetches, once per run, every same-origin link of the page open in ctx.
func checkLinks(t *testing.T, ctx context.Context, page string, checked map[string]int) {
	t.Helper()
	links := e2e.Get(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href^="/"]'))
		.map(a => a.getAttribute('href')).filter(h => !h.startsWith('/logout') && !h.startsWith('/export') && !h.startsWith('/api/'))`))
	for _, href := range links {
		if _, ok := checked[href]; ok {
			continue
		}
		status := e2e.Get(t, ctx, chromedp.Evaluate[int](`fetch(`+jsString(href)+`, {credentials: "same-origin"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
		checked[href] = status
		if status >= 400 {
			t.Errorf("%s links to %s, which answers %d", page, href, status)
		}
	}
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func pageName(path string) string {
	name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path), "-")
	if name == "" {
		return "dashboard"
	}
	return name
}
