package overview

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/member"
)

// Checklist is the setup checklist a new company sees on its overview. Every step is
// ticked from the data itself (a team exists, someone was invited, …), so it cannot fall
// out of step with what was really done; it is gone when every required step is done or an
// owner or admin dismissed it.
type Checklist struct {
	Steps []Step `json:"steps"`
	Done  int    `json:"done"`  // required steps done
	Total int    `json:"total"` // required steps
}

// Step is one item of the checklist.
type Step struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Hint     string `json:"hint"`
	Path     string `json:"path"`
	Done     bool   `json:"done"`
	Optional bool   `json:"optional,omitempty"`
}

// stepQueries tick the steps that are a question to the database. Each asks whether a row
// exists, not how many: counting the ledger's grants read every entry of a grown company.
var stepQueries = map[string]string{
	"team":    `SELECT EXISTS (SELECT 1 FROM teams)`,
	"invite":  `SELECT EXISTS (SELECT 1 FROM invites) OR EXISTS (SELECT 1 FROM invite_links) OR EXISTS (SELECT 1 FROM users WHERE role IN ('manager', 'member'))`,
	"budget":  `SELECT EXISTS (SELECT 1 FROM teams WHERE budget_mode = 'monthly' AND monthly_limit > 0) OR EXISTS (SELECT 1 FROM ledger_entries WHERE kind IN ('grant', 'monthly') AND amount > 0)`,
	"touch":   `SELECT EXISTS (SELECT 1 FROM touches)`,
	"webhook": `SELECT EXISTS (SELECT 1 FROM webhooks)`,
}

// LoadChecklist is the company's checklist, or nil when it is done or dismissed.
func LoadChecklist(app core.App) (*Checklist, error) {
	c, err := company.Load(app)
	if err != nil || c.GetBool(DismissedField) {
		return nil, err
	}
	steps := []Step{
		{Key: "team", Label: "Create your first team", Hint: "Teams group the people who share a budget.", Path: "/teams"},
		{Key: "invite", Label: "Invite people", Hint: "Send invites or share a team's join link.", Path: "/invites"},
		{Key: "budget", Label: "Set a budget", Hint: "Give a team a monthly limit, or hand out a one-time grant.", Path: "/teams"},
		{Key: "touch", Label: "Create the first touch", Hint: "A gift or campaign your teams can send.", Path: "/touches"},
		{Key: "smtp", Label: "Set up mail delivery (SMTP)", Hint: "Until then invites wait in the outbox for you to copy.", Path: "/_/#/settings/mail"},
		{Key: "sso", Label: "Single sign-on", Hint: "Optional: sign in with Google, Microsoft or your provider.", Path: "/_/#/collections", Optional: true},
		{Key: "webhook", Label: "Webhooks", Hint: "Optional: tell your other systems what happens.", Path: "/webhooks", Optional: true},
	}
	out := &Checklist{}
	for i := range steps {
		s := &steps[i]
		switch s.Key {
		case "smtp":
			s.Done = app.Settings().SMTP.Enabled
		case "sso":
			s.Done = len(member.SSOProviders(app)) > 0
		default:
			var n int
			if err := app.DB().NewQuery(stepQueries[s.Key]).Row(&n); err != nil {
				return nil, err
			}
			s.Done = n > 0
		}
		if !s.Optional {
			out.Total++
			if s.Done {
				out.Done++
			}
		}
	}
	if out.Done == out.Total {
		return nil, nil
	}
	out.Steps = steps
	return out, nil
}

// DismissedField is the company field that hides the checklist.
const DismissedField = "checklist_dismissed"

// DismissChecklist hides the checklist for the whole company.
func DismissChecklist(app core.App) error {
	c, err := company.Load(app)
	if err != nil {
		return err
	}
	c.Set(DismissedField, true)
	return app.Save(c)
}
