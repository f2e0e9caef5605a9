// Package notify tells people by mail that something waits for them. Its messages go
// through the outbox like every other mail.
package notify

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/outbox"
)

// MailKind marks approval notices in the outbox.
const MailKind = "approval"

// OptOutField is the users field that turns approval notices off for that user.
const OptOutField = "approval_mail_off"

// Approval is something waiting for a decision.
type Approval struct {
	TeamID      string      // whose managers decide ("" = the admins)
	RequesterID string      // never told about their own request
	ApproverID  string      // when one person decides (a money request's giver), only them
	What        string      // e.g. "Max Member's send"
	Amount      money.Cents // shown after What in the company's currency, when not 0
	Detail      string      // shown in brackets, e.g. "Gift box → ann@example.com"
	Path        string      // the page where it is decided, e.g. "/approvals/sends"
}

// ApprovalWaiting stores a notice for everyone who may decide a (the approver, or the
// active managers of the team, or — when the team has none — the admins), except people
// who turned these mails off, and delivers them after tx commits. Call it inside the
// transaction that creates the pending item, so a rolled-back request mails nobody.
func ApprovalWaiting(tx core.App, a Approval) error {
	to, err := approvers(tx, a)
	if err != nil || len(to) == 0 {
		return err
	}
	c, err := company.Load(tx)
	if err != nil {
		return err
	}
	link := strings.TrimRight(tx.Settings().Meta.AppURL, "/") + a.Path
	what := a.What
	if a.Amount != 0 {
		what += " of " + money.Format(a.Amount, c.Currency())
	}
	if a.Detail != "" {
		what += " (" + a.Detail + ")"
	}
	msgs := make([]outbox.Message, len(to))
	for i, u := range to {
		msgs[i] = approvalMail(c.Name(), u, what, link)
	}
	ids, err := outbox.StoreMany(tx, msgs)
	if err != nil {
		return err
	}
	outbox.DeliverAfterCommit(tx, ids...)
	return nil
}

type recipient struct {
	Name  string `db:"name"`
	Email string `db:"email"`
}

func approvers(tx core.App, a Approval) ([]recipient, error) {
	base := func() *dbx.SelectQuery {
		return tx.DB().Select("name", "email").From(member.Collection).
			Where(dbx.HashExp{"status": member.StatusActive, OptOutField: false}).
			AndWhere(dbx.NewExp("id != {:requester}", dbx.Params{"requester": a.RequesterID})).
			OrderBy("email")
	}
	var out []recipient
	if a.ApproverID != "" {
		err := base().AndWhere(dbx.HashExp{"id": a.ApproverID}).All(&out)
		return out, err
	}
	if a.TeamID != "" {
		if err := base().AndWhere(dbx.HashExp{"team": a.TeamID, "role": string(member.RoleManager)}).All(&out); err != nil {
			return nil, err
		}
		var managers int
		err := tx.DB().Select("COUNT(*)").From(member.Collection).
			Where(dbx.HashExp{"team": a.TeamID, "role": string(member.RoleManager), "status": member.StatusActive}).
			AndWhere(dbx.NewExp("id != {:requester}", dbx.Params{"requester": a.RequesterID})).Row(&managers)
		if err != nil || managers > 0 {
			return out, err // managers who turned the mail off are not replaced by admins
		}
	}
	err := base().AndWhere(dbx.In("role", string(member.RoleOwner), string(member.RoleAdmin))).All(&out)
	return out, err
}

var approvalHTML = template.Must(template.New("approval").Parse(`<!doctype html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello {{.Name}},</p>
<p>{{.What}} waits for your approval at <strong>{{.Company}}</strong>.</p>
<p><a href="{{.Link}}">Approve or decline</a></p>
<p>Or open this link: {{.Link}}</p>
<p style="color:#667382;font-size:small">You get this mail because you may approve it. Turn these mails off under My profile in Teamfund.</p>
</body></html>`))

func approvalMail(companyName string, to recipient, what, link string) outbox.Message {
	name := to.Name
	if name == "" {
		name = to.Email
	}
	d := struct{ Name, What, Company, Link string }{name, what, companyName, link}
	text := fmt.Sprintf("Hello %s,\n\n%s waits for your approval at %s.\n\nApprove or decline: %s\n\n"+
		"You get this mail because you may approve it. Turn these mails off under My profile in Teamfund.\n", name, what, companyName, link)
	var html strings.Builder
	if err := approvalHTML.Execute(&html, d); err != nil {
		html.Reset() // static template, plain strings: keep the text version only
	}
	return outbox.Message{To: to.Email, Subject: "Waiting for your approval: " + what + " — " + companyName,
		Text: text, HTML: html.String(), Kind: MailKind}
}

// SetApprovalMail turns the approval notices of user on or off; only the user decides.
func SetApprovalMail(app core.App, user *member.Member, on bool) error {
	r, err := app.FindRecordById(member.Collection, user.Id)
	if err != nil {
		return err
	}
	r.Set(OptOutField, !on)
	return app.Save(r)
}

// ApprovalMailOn reports whether user gets approval notices.
func ApprovalMailOn(user *member.Member) bool { return !user.GetBool(OptOutField) }
