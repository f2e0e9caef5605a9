package web

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// auditEntry is one audit row as people read it: a label instead of the action code,
// money formatted, and the actor and target linked to their pages while those exist.
type auditEntry struct {
	audit.Row
	ActionLabel string
	ActorHref   string
	Who         personRef // the actor by name and photo ("" ID: the system, or a deleted user)
	TargetKind  string
	TargetHref  string
	TargetName  string // a user's name now, when the entry is about a user who still exists
	Changes     []audit.Change
	Raw         bool // before/after are not objects: shown as they are
}

// auditActionLabels words the recorded actions; actions not listed are worded from their
// parts by auditActionLabel ("send.approve" → "Send approved").
var auditActionLabels = map[string]string{
	"company.export_all":            "Company data downloaded",
	"company.settings":              "Company settings changed",
	"company.setup":                 "Company set up",
	"company.transfer_ownership":    "Ownership transferred",
	"invite.accept":                 "Invite accepted",
	"invite.create":                 "Invite sent",
	"invite.import":                 "Invites imported from CSV",
	"invite_key.join":               "Joined with an invite key",
	"leave.request":                 "Asked to leave the team",
	"money.adjust":                  "Balances adjusted",
	"money.allocate":                "Monthly budgets given out",
	"money.group_grant":             "Money given to the team",
	"money.move":                    "Money moved",
	"money.request":                 "Money requested",
	"money.transfer":                "Money given",
	"webhook.test":                  "Webhook test event sent",
	"webhook.pause":                 "Webhook paused",
	"webhook.resume":                "Webhook resumed",
	"webhook.redeliver":             "Webhook delivery sent again",
	"collection.create":             "Collection created in the dashboard",
	"collection.update":             "Collection changed in the dashboard",
	"collection.delete":             "Collection deleted in the dashboard",
	"server.settings":               "Server settings changed",
	"user.password_changed":         "Password changed",
	"user.password_reset":           "Password reset",
	"user.password_reset_requested": "Password reset requested",
	"user.profile":                  "Profile updated",
	"user.role":                     "Role changed",
	"user.team":                     "Team changed",
	"user.email":                    "Login email changed",
	"user.permissions":              "Data permissions changed",
}

var auditVerbs = map[string]string{
	"accept": "accepted", "approve": "approved", "cancel": "cancelled", "create": "created",
	"decline": "declined", "delete": "deleted", "edit": "changed", "reject": "rejected",
	"resend": "resent", "revoke": "revoked", "update": "changed", "withdraw": "withdrawn",
	"deactivate": "deactivated", "reactivate": "reactivated", "join": "joined",
}

// auditActionLabel is what the audit page shows for an action code.
func auditActionLabel(action string) string {
	if l, ok := auditActionLabels[action]; ok {
		return l
	}
	i := strings.LastIndexByte(action, '.')
	if i < 0 {
		return label(action)
	}
	noun, verb := strings.ReplaceAll(action[:i], ".", " "), action[i+1:]
	if v, ok := auditVerbs[verb]; ok {
		verb = v
	} else {
		verb = strings.ReplaceAll(verb, "_", " ")
	}
	return label(noun) + " " + verb
}

// auditMoneyFields hold money in minor units in before/after.
var auditMoneyFields = map[string]bool{"amount": true, "amount_each": true, "balance": true, "cost": true,
	"returned": true, "total": true, "monthly_limit": true, "rollover_cap": true, "max_per_send": true,
	"approval_threshold": true}

// auditValue shows one before/after value: money formatted, codes and yes/no as words,
// record ids as the name of what they stand for (names: id → user email, team or touch name).
func auditValue(field, v, currency string, names map[string]string) string {
	switch {
	case v == "" || v == "null":
		return ""
	case auditMoneyFields[field]:
		if c, err := strconv.ParseInt(v, 10, 64); err == nil {
			return money.Format(money.Cents(c), currency)
		}
	case v == "true":
		return "Yes"
	case v == "false":
		return "No"
	case names[v] != "":
		return names[v]
	case field == "status" || field == "role" || field == "budget_mode" || field == "month_rule" || field == "record_visibility":
		return label(v)
	case auditTimestamp.MatchString(v):
		if t := formatTime(time.UTC, v, "2006-01-02 15:04 MST"); t != "" {
			return t // not "2026-12-14 04:07:41.446Z"
		}
	}
	return v
}

// auditTimestamp matches a stored date and time (an invite's expiry, a touch's dates).
var auditTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}`)

// looksLikeID matches PocketBase's record ids (15 lower-case letters and digits).
func looksLikeID(s string) bool {
	if len(s) != 15 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// recordNames maps the ids among values to what people call those records: a user's
// name (their email when they have none), a team's or a touch's name. Ids of deleted records stay unnamed.
func recordNames(app core.App, values []any) map[string]string {
	names := map[string]string{}
	if len(values) == 0 {
		return names
	}
	for table, column := range map[string]string{"users": "COALESCE(NULLIF(name, ''), email)", "teams": "name", "touches": "name"} {
		var rows []struct {
			ID   string `db:"id"`
			Name string `db:"name"`
		}
		if err := app.DB().Select("id", column+" AS name").From(table).Where(dbx.In("id", values...)).All(&rows); err != nil {
			continue
		}
		for _, r := range rows {
			names[r.ID] = r.Name
		}
	}
	return names
}

// auditTargetPaths are the pages of each kind of target, by id.
var auditTargetPaths = map[string]func(id string) string{
	"user":  func(id string) string { return "/users/" + id },
	"team":  func(id string) string { return "/teams/" + id },
	"touch": func(id string) string { return "/touches/" + id + "/edit" },
}

// auditEntries prepares rows for the page. Links go only to records that still exist, so
// an entry about a deleted user shows the label it kept but no dead link.
func auditEntries(app core.App, viewer *member.Member, rows []audit.Row, currency string) []auditEntry {
	var ids []any
	actors := make([]string, len(rows))
	for i, r := range rows {
		actors[i] = r.Actor
	}
	people := loadPeople(app, viewer, actors)
	changes := make([][]audit.Change, len(rows))
	for i, r := range rows {
		ids = append(ids, r.Actor, r.TargetID)
		changes[i] = r.Changes()
		for _, c := range changes[i] {
			for _, v := range []string{c.Before, c.After} {
				if looksLikeID(v) {
					ids = append(ids, v)
				}
			}
		}
	}
	names := recordNames(app, ids)
	out := make([]auditEntry, len(rows))
	for i, r := range rows {
		e := auditEntry{Row: r, ActionLabel: auditActionLabel(r.Action), TargetKind: label(strings.ReplaceAll(r.TargetType, "_", " "))}
		if r.Actor != "" && names[r.Actor] != "" {
			e.ActorHref = "/users/" + r.Actor
		}
		e.Who = people.Of(r.Actor, r.ActorEmail)
		if path, ok := auditTargetPaths[r.TargetType]; ok && names[r.TargetID] != "" {
			e.TargetHref = path(r.TargetID)
		}
		if r.TargetType == "user" {
			e.TargetName = names[r.TargetID] // people by name; the stored label (email) on hover
		}
		e.Raw = changes[i] == nil && (r.Before != "" || r.After != "")
		for _, c := range changes[i] {
			e.Changes = append(e.Changes, audit.Change{Field: label(c.Field),
				Before: auditValue(c.Field, c.Before, currency, names), After: auditValue(c.Field, c.After, currency, names)})
		}
		out[i] = e
	}
	return out
}
