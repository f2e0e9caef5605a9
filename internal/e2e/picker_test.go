package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// TestSendsMemberPickerFindsAPersonByPartOfTheirName: with more people than a picker
// lists at first, an admin types part of a name into the Sends page's member filter, the
// search suggests the person, picking it and filtering shows only that person's sends.
func TestSendsMemberPickerFindsAPersonByPartOfTheirName(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		if err := seedHamper(app, f); err != nil {
			return err
		}
		hamper, err := app.FindRecordById("touches", hamperID)
		if err != nil {
			return err
		}
		hamper.Set("teams", []string{f.ID("alpha"), f.ID("beta")})
		hamper.Set("cost", 500)
		if err := app.Save(hamper); err != nil {
			return err
		}
		for _, who := range []struct{ key, recipient string }{
			{"memberA", "Rita Own"}, {"memberA2", "Rick Teammate"}, {"memberB", "Bob Beta"},
		} {
			if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(who.key), Amount: 1000, Kind: ledger.KindGrant, Reason: "e2e"}); err != nil {
				return err
			}
			sender, err := member.Find(app, f.ID(who.key))
			if err != nil {
				return err
			}
			email := strings.ToLower(strings.ReplaceAll(who.recipient, " ", ".")) + "@client.example"
			if _, err := send.Create(app, sender, send.Input{TouchID: hamperID, RecipientName: who.recipient, RecipientEmail: email}); err != nil {
				return err
			}
		}
		testutil.InsertUsers(t, app, 60) // Anna 00000 … : Mona is not among the first people listed
		return nil
	})

	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "admin")
	picker := `#send-member`
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/sends"), chromedp.WaitVisible(css(picker)))
	mona := f.Emails["memberA2"]
	if listed := e2e.Get(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#send-member-people option")].some(o => o.value === "`+mona+`")`)); listed {
		t.Fatal("Mona is among the first people already; the test would not show the search")
	}
	if n := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#send-member-people option").length`)); n > 20 {
		t.Errorf("the page lists %d people, want at most 20", n)
	}

	e2e.Do(t, ctx, chromedp.SendKeys(css(picker), "mon"))
	option := `[...document.querySelectorAll("#send-member-people option")].find(o => o.value === "` + mona + `")`
	waitUntil(t, ctx, `!!`+option+` && `+option+`.textContent.includes("Mona Member")`)
	e2e.Screenshot(t, ctx, "picker-1-suggestion")
	// Picking a suggestion puts its value (the email) in the field, as the browser's list does.
	e2e.Do(t, ctx, chromedp.SetValue(css(picker), mona), chromedp.Click(css(`#send-filter button[type=submit]`)))
	waitUntil(t, ctx, `location.search.includes("member=")`)
	e2e.Do(t, ctx, chromedp.WaitVisible(css(`#send-rows`)))
	rows := e2e.Text(t, ctx, `#send-rows tbody`)
	if !strings.Contains(rows, "Rick Teammate") || strings.Contains(rows, "Rita Own") || strings.Contains(rows, "Bob Beta") {
		t.Errorf("after picking Mona the sends are %q, want only Rick Teammate's", rows)
	}
	if v := e2e.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#send-member").value`)); v != mona {
		t.Errorf("the picker shows %q after filtering, want %q", v, mona)
	}
	e2e.Screenshot(t, ctx, "picker-2-filtered")
}
