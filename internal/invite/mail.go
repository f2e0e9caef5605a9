package invite

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/outbox"
)

// MailKind marks invite mails in the outbox.
const MailKind = "invite"

// Link returns the absolute URL of path on this server, from PocketBase's Application URL
// setting (dashboard → Settings → Application), because mail has no request to borrow a host from.
func Link(app core.App, path string) string {
	return strings.TrimRight(app.Settings().Meta.AppURL, "/") + path
}

// AcceptPath is the path of the page that accepts an invite with token.
func AcceptPath(token string) string { return "/invite/" + token }

// JoinPath is the path of the signup page of an invite key.
func JoinPath(token string) string { return "/join/" + token }

var inviteHTML = template.Must(template.New("invite").Parse(`<!doctype html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello{{if .Name}} {{.Name}}{{end}},</p>
<p>{{.Inviter}} invites you to join <strong>{{.Company}}</strong> on Teamfund{{if .Team}} (team {{.Team}}){{end}} as {{.Role}}.</p>
<p><a href="{{.Link}}">Accept the invitation</a></p>
<p>Or open this link: {{.Link}}</p>
<p>The link works once and expires on {{.Expires}}.</p>
<p>— {{.Company}}</p>
</body></html>`))

type inviteMailData struct {
	Name, Inviter, Company, Team, Role, Link, Expires string
}

// inviteMail composes the invitation for row with its link.
func inviteMail(c *company.Company, inviterName string, email, name, teamName, role, link string, expires time.Time) outbox.Message {
	d := inviteMailData{Name: name, Inviter: inviterName, Company: c.Name(), Team: teamName, Role: role, Link: link,
		Expires: expires.In(c.Location()).Format("2006-01-02 15:04 MST")}
	var text strings.Builder
	fmt.Fprintf(&text, "Hello%s,\n\n", prefixed(" ", d.Name))
	fmt.Fprintf(&text, "%s invites you to join %s on Teamfund", d.Inviter, d.Company)
	if d.Team != "" {
		fmt.Fprintf(&text, " (team %s)", d.Team)
	}
	fmt.Fprintf(&text, " as %s.\n\nAccept the invitation: %s\n\nThe link works once and expires on %s.\n\n— %s\n",
		d.Role, d.Link, d.Expires, d.Company)
	var html strings.Builder
	if err := inviteHTML.Execute(&html, d); err != nil {
		html.Reset() // the template is static and its data plain strings; keep the text version only
	}
	return outbox.Message{To: email, Subject: "You are invited to " + c.Name() + " on Teamfund",
		Text: text.String(), HTML: html.String(), Kind: MailKind}
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// KeyMailKind marks mailed invite keys in the outbox.
const KeyMailKind = "invite_key"

var keyHTML = template.Must(template.New("key").Parse(`<!doctype html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p>{{.Inviter}} invites you to join the team {{.Team}} at <strong>{{.Company}}</strong> on Teamfund.</p>
<p><a href="{{.Link}}">Sign up</a></p>
<p>Or open this link: {{.Link}}</p>
<p>The link expires on {{.Expires}}.</p>
<p>— {{.Company}}</p>
</body></html>`))

// keyMail composes the mail that hands an invite key's join link to email.
func keyMail(c *company.Company, inviterName, email, teamName, link string, expires time.Time) outbox.Message {
	d := inviteMailData{Inviter: inviterName, Company: c.Name(), Team: teamName, Link: link,
		Expires: expires.In(c.Location()).Format("2006-01-02 15:04 MST")}
	text := fmt.Sprintf("Hello,\n\n%s invites you to join the team %s at %s on Teamfund.\n\nSign up: %s\n\nThe link expires on %s.\n\n— %s\n",
		d.Inviter, d.Team, d.Company, d.Link, d.Expires, d.Company)
	var html strings.Builder
	if err := keyHTML.Execute(&html, d); err != nil {
		html.Reset() // static template, plain strings: keep the text version only
	}
	return outbox.Message{To: email, Subject: "Join " + teamName + " at " + c.Name() + " on Teamfund",
		Text: text, HTML: html.String(), Kind: KeyMailKind}
}
