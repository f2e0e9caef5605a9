package web

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/webhook"
)

// bindDashboardAudit records in the audit log what a superuser writes through the records
// API (the PocketBase dashboard, or a superuser token): Teamfund's own pages audit their
// actions, and a role change or deactivation made in the dashboard is just as
// administrative. The entry commits with the change, or neither does. Bound after
// bindRecordsAPIRules, so a refused write is neither run nor audited.
func bindDashboardAudit(app core.App) {
	app.OnSettingsUpdateRequest().BindFunc(auditServerSettings)

	app.OnRecordCreateRequest().BindFunc(func(e *core.RecordRequestEvent) error { return auditSuperuserWrite(e, "create") })
	app.OnRecordUpdateRequest().BindFunc(func(e *core.RecordRequestEvent) error { return auditSuperuserWrite(e, "update") })
	app.OnRecordDeleteRequest().BindFunc(func(e *core.RecordRequestEvent) error { return auditSuperuserWrite(e, "delete") })
}

// auditSuperuserWrite runs the write of a superuser's request in a transaction together
// with its audit entry (and, for a deactivation, its webhook event).
func auditSuperuserWrite(e *core.RecordRequestEvent, op string) error {
	col := e.Record.Collection()
	if !e.HasSuperuserAuth() || col.IsView() || col.System || col.Name == audit.Collection {
		return e.Next()
	}
	var before map[string]any
	if op != "create" {
		before = auditedFields(e.Record.Original())
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		var after map[string]any
		if op != "delete" {
			after = auditedFields(e.Record)
		}
		before, after := onlyChanged(before, after)
		if op == "update" && len(after) == 0 && len(before) == 0 {
			return nil
		}
		kind := auditKind(col.Name)
		entry := audit.Entry{Action: superuserAction(kind, op, before, after), TargetType: kind,
			TargetID: e.Record.Id, TargetLabel: recordLabel(e.Record)}
		if before != nil {
			entry.Before = before
		}
		if after != nil {
			entry.After = after
		}
		if err := audit.RecordBySuperuser(tx, e.Auth.Email(), entry); err != nil {
			return err
		}
		if kind == "user" && after["status"] == member.StatusDeactivated {
			u := member.Wrap(e.Record)
			return webhook.Emit(tx, webhook.Event{Type: webhook.UserDeactivated, TeamID: u.TeamID(), Data: map[string]any{
				"user": u.Id, "email": u.Email(), "name": u.Name(), "team": u.TeamID(), "by": e.Auth.Email()}})
		}
		return nil
	})
}

// auditedFields is what the audit keeps of a record: every field but secrets (passwords,
// token keys, hidden fields such as mail bodies) and timestamps.
func auditedFields(r *core.Record) map[string]any {
	out := map[string]any{}
	for _, f := range r.Collection().Fields {
		switch f.(type) {
		case *core.PasswordField, *core.AutodateField:
			continue
		}
		if f.GetHidden() || f.GetName() == core.FieldNameTokenKey || f.GetName() == core.FieldNameId {
			continue
		}
		out[f.GetName()] = r.Get(f.GetName())
	}
	return out
}

// onlyChanged keeps, for an update, only the fields whose value changed.
func onlyChanged(before, after map[string]any) (map[string]any, map[string]any) {
	if before == nil || after == nil {
		return before, after
	}
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			b[k], a[k] = before[k], v
		}
	}
	return b, a
}

// auditKinds name a collection's records as Teamfund's own audit entries do; other
// collections keep their name.
var auditKinds = map[string]string{
	member.Collection: "user", "teams": "team", "touches": "touch", "invites": "invite",
	"invite_links": "invite_key", "sends": "send", "money_requests": "money_request",
	"leave_requests": "leave_request", "webhooks": "webhook", "webhook_deliveries": "webhook_delivery",
	"budget_runs": "month",
}

func auditKind(collection string) string {
	if k, ok := auditKinds[collection]; ok {
		return k
	}
	return collection
}

// superuserAction names a superuser's write like the pages name theirs, so the audit
// filter finds a role change whoever made it.
func superuserAction(kind, op string, before, after map[string]any) string {
	if kind == "company" && op == "update" {
		return "company.settings"
	}
	if kind != "user" || op != "update" {
		return kind + "." + op
	}
	switch {
	case after["role"] != nil:
		return "user.role"
	case after["status"] == member.StatusActive:
		return "user.reactivate"
	case after["status"] != nil:
		return "user.deactivate"
	case after["email"] != nil:
		return "user.email"
	}
	return "user.update"
}

// recordLabel is how people know a record: its email or name, else its id.
func recordLabel(r *core.Record) string {
	for _, f := range []string{"email", "name", "touch_name", "recipient_email"} {
		if v := r.GetString(f); v != "" {
			return v
		}
	}
	return r.Id
}

// settingsSections name the sections of PocketBase's settings as its dashboard does.
var settingsSections = map[string]string{
	"meta": "Application", "smtp": "Mail", "s3": "File storage", "backups": "Backups",
	"rateLimits": "Rate limits", "trustedProxy": "Trusted proxy", "batch": "Batch API",
	"logs": "Logs", "superuserIPs": "Superuser IPs",
}

// auditServerSettings records which sections of PocketBase's settings (mail, backups,
// rate limits, application URL, ...) a superuser changed in the dashboard. Values are left
// out: they hold passwords and keys.
func auditServerSettings(e *core.SettingsUpdateRequestEvent) error {
	before, _ := json.Marshal(e.OldSettings) // PocketBase leaves the secrets out
	if err := e.Next(); err != nil {
		return err
	}
	after, _ := json.Marshal(e.NewSettings)
	var old, cur map[string]json.RawMessage
	_ = json.Unmarshal(before, &old)
	_ = json.Unmarshal(after, &cur)
	var changed []string
	for section, v := range cur {
		if string(old[section]) != string(v) {
			name := settingsSections[section]
			if name == "" {
				name = section
			}
			changed = append(changed, name)
		}
	}
	if len(changed) == 0 || e.Auth == nil {
		return nil
	}
	slices.Sort(changed)
	err := audit.RecordBySuperuser(e.App, e.Auth.Email(), audit.Entry{Action: "server.settings", TargetType: "server",
		TargetLabel: "PocketBase settings", After: map[string]any{"sections": changed}})
	if err != nil {
		e.App.Logger().Error("audit: cannot record a settings change", slog.Any("error", err))
	}
	return nil
}
