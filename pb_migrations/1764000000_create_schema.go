package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// API rule fragments. Every write to domain data goes through Teamfund's own endpoints,
// so create/update/delete rules stay nil (superusers only) except a user's own profile.
const (
	signedIn  = "@request.auth.id != '' && @request.auth.collectionName = 'users'"
	isAdmin   = "(@request.auth.role = 'owner' || @request.auth.role = 'admin')"
	isManager = "@request.auth.role = 'manager'"
	// seesTeam: the caller may see records of their own team (managers, or members with the team-records permission).
	seesTeam = "(" + isManager + " || @request.auth.record_visibility = 'team')"
)

func rule(expr string) *string { return types.Pointer(expr) }

func num(name string, min float64) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true, Min: types.Pointer(min)}
}

func signedNum(name string) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true}
}

func timestamps(c *core.Collection) {
	c.Fields.Add(
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
}

func init() {
	m.Register(createSchema, dropSchema)
}

func createSchema(app core.App) error {
	company := core.NewBaseCollection("company")
	company.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 100},
		&core.TextField{Name: "currency", Required: true, Max: 3, Pattern: "^[A-Z]{3}$"},
		&core.TextField{Name: "timezone", Required: true, Max: 64},
		num("seat_limit", 0),
		&core.NumberField{Name: "invite_ttl_hours", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(24.0 * 365)},
		&core.BoolField{Name: "domain_rule"},
		&core.TextField{Name: "domain", Max: 253},
	)
	timestamps(company)
	company.ListRule = rule(signedIn)
	company.ViewRule = rule(signedIn)
	if err := app.Save(company); err != nil {
		return err
	}

	teams := core.NewBaseCollection("teams")
	teams.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 100},
		&core.TextField{Name: "description", Max: 1000},
		&core.SelectField{Name: "budget_mode", Required: true, MaxSelect: 1, Values: []string{"monthly", "one_time"}},
		num("monthly_limit", 0),
		&core.SelectField{Name: "month_rule", Required: true, MaxSelect: 1, Values: []string{"rollover", "reset"}},
		num("rollover_cap", 0),
		num("max_per_send", 0),
		num("approval_threshold", 0),
		&core.BoolField{Name: "leave_needs_approval"},
	)
	timestamps(teams)
	teams.AddIndex("idx_teams_name", true, "name COLLATE NOCASE", "")
	teams.ListRule = rule(signedIn)
	teams.ViewRule = rule(signedIn)
	if err := app.Save(teams); err != nil {
		return err
	}

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.Fields.Add(
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{"owner", "admin", "manager", "member"}},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"active", "deactivated"}},
		num("balance", 0),
		&core.BoolField{Name: "may_export"},
		&core.SelectField{Name: "record_visibility", Required: true, MaxSelect: 1, Values: []string{"own", "team"}},
		&core.TextField{Name: "phone", Max: 40},
	)
	users.AddIndex("idx_users_team", false, "team", "")
	users.AddIndex("idx_users_role", false, "role", "")
	users.AddIndex("idx_users_status", false, "status", "")
	users.AddIndex("idx_users_name", false, "name COLLATE NOCASE", "")
	users.ListRule = rule(signedIn + " && (id = @request.auth.id || " + isAdmin +
		" || (team != '' && team = @request.auth.team && " + seesTeam + "))")
	users.ViewRule = users.ListRule
	users.CreateRule = nil
	users.DeleteRule = nil
	users.ManageRule = nil
	// A user edits only their own name, avatar, phone (and password via PocketBase's own flow).
	users.UpdateRule = rule("id = @request.auth.id" +
		" && @request.body.role:isset = false && @request.body.team:isset = false" +
		" && @request.body.status:isset = false && @request.body.balance:isset = false" +
		" && @request.body.may_export:isset = false && @request.body.record_visibility:isset = false" +
		" && @request.body.email:isset = false && @request.body.verified:isset = false")
	users.AuthRule = rule("status = 'active'")
	if err := app.Save(users); err != nil {
		return err
	}

	invites := core.NewBaseCollection("invites")
	invites.Fields.Add(
		&core.EmailField{Name: "email", Required: true},
		&core.TextField{Name: "name", Max: 100},
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{"admin", "manager", "member"}},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "accepted", "revoked"}},
		&core.TextField{Name: "token_hash", Hidden: true, Max: 128},
		&core.DateField{Name: "expires", Required: true},
		&core.RelationField{Name: "invited_by", CollectionId: users.Id, MaxSelect: 1},
		&core.RelationField{Name: "accepted_user", CollectionId: users.Id, MaxSelect: 1},
		&core.DateField{Name: "sent_at"},
	)
	timestamps(invites)
	invites.AddIndex("idx_invites_pending_email", true, "email COLLATE NOCASE", "status = 'pending'")
	invites.AddIndex("idx_invites_token", false, "token_hash", "")
	invites.AddIndex("idx_invites_team_status", false, "team, status", "")
	invites.ListRule = rule(signedIn + " && (" + isAdmin + " || (" + isManager + " && team != '' && team = @request.auth.team))")
	invites.ViewRule = invites.ListRule
	if err := app.Save(invites); err != nil {
		return err
	}

	links := core.NewBaseCollection("invite_links")
	links.Fields.Add(
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
		&core.TextField{Name: "token_hash", Hidden: true, Max: 128},
		&core.DateField{Name: "expires", Required: true},
		&core.BoolField{Name: "revoked"},
		num("uses", 0),
		&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1},
	)
	timestamps(links)
	links.AddIndex("idx_invite_links_token", true, "token_hash", "")
	links.ListRule = invites.ListRule
	links.ViewRule = invites.ListRule
	if err := app.Save(links); err != nil {
		return err
	}

	touches := core.NewBaseCollection("touches")
	touches.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 200},
		&core.TextField{Name: "description", Max: 2000},
		num("cost", 0),
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"active", "scheduled", "completed", "paused_no_inventory"}},
		&core.BoolField{Name: "track_inventory"},
		num("inventory", 0),
		&core.DateField{Name: "starts_at"},
		&core.DateField{Name: "ends_at"},
		&core.RelationField{Name: "teams", CollectionId: teams.Id, MaxSelect: 10000},
	)
	timestamps(touches)
	touches.AddIndex("idx_touches_status", false, "status", "")
	touches.ListRule = rule(signedIn + " && (" + isAdmin + " || " + isManager + " || teams.id ?= @request.auth.team)")
	touches.ViewRule = touches.ListRule
	if err := app.Save(touches); err != nil {
		return err
	}

	sends := core.NewBaseCollection("sends")
	sends.Fields.Add(
		&core.RelationField{Name: "touch", CollectionId: touches.Id, MaxSelect: 1},
		&core.TextField{Name: "touch_name", Max: 200},
		&core.RelationField{Name: "sender", CollectionId: users.Id, MaxSelect: 1},
		&core.TextField{Name: "sender_email", Max: 255},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1},
		&core.TextField{Name: "recipient_name", Required: true, Max: 200},
		&core.EmailField{Name: "recipient_email", Required: true},
		num("cost", 0),
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "sent", "rejected", "cancelled"}},
		&core.RelationField{Name: "decided_by", CollectionId: users.Id, MaxSelect: 1},
		&core.DateField{Name: "decided_at"},
	)
	timestamps(sends)
	sends.AddIndex("idx_sends_sender", false, "sender, created", "")
	sends.AddIndex("idx_sends_team", false, "team, created", "")
	sends.AddIndex("idx_sends_status", false, "status", "")
	sends.AddIndex("idx_sends_touch", false, "touch", "")
	sends.ListRule = rule(signedIn + " && (" + isAdmin + " || sender = @request.auth.id" +
		" || (team != '' && team = @request.auth.team && " + seesTeam + "))")
	sends.ViewRule = sends.ListRule
	if err := app.Save(sends); err != nil {
		return err
	}

	// Ledger rows reference users and teams by plain id so that deleting either never
	// rewrites history; user_email keeps who it was.
	ledger := core.NewBaseCollection("ledger_entries")
	ledger.Fields.Add(
		&core.TextField{Name: "account", Required: true, Max: 40},
		&core.TextField{Name: "user_email", Max: 255},
		&core.TextField{Name: "team", Max: 40},
		signedNum("amount"),
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{
			"grant", "monthly", "return", "adjust", "transfer_in", "transfer_out", "spend", "refund"}},
		&core.TextField{Name: "reason", Max: 500},
		&core.TextField{Name: "actor", Max: 40},
		&core.TextField{Name: "actor_email", Max: 255},
		&core.TextField{Name: "period", Max: 7},
		signedNum("balance_after"),
		&core.TextField{Name: "ref", Max: 100},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	ledger.AddIndex("idx_ledger_account", false, "account, created", "")
	ledger.AddIndex("idx_ledger_team", false, "team, created", "")
	ledger.AddIndex("idx_ledger_period", false, "period", "")
	ledger.AddIndex("idx_ledger_monthly_once", true, "account, period", "kind = 'monthly'")
	ledger.ListRule = rule(signedIn + " && (" + isAdmin + " || account = @request.auth.id" +
		" || (team != '' && team = @request.auth.team && " + seesTeam + "))")
	ledger.ViewRule = ledger.ListRule
	if err := app.Save(ledger); err != nil {
		return err
	}

	requests := core.NewBaseCollection("money_requests")
	requests.Fields.Add(
		&core.RelationField{Name: "requester", CollectionId: users.Id, MaxSelect: 1},
		&core.RelationField{Name: "giver", CollectionId: users.Id, MaxSelect: 1},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1},
		num("amount", 1),
		&core.TextField{Name: "reason", Max: 500},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "approved", "declined", "cancelled"}},
		&core.DateField{Name: "decided_at"},
	)
	timestamps(requests)
	requests.AddIndex("idx_money_requests_requester", false, "requester, status", "")
	requests.AddIndex("idx_money_requests_giver", false, "giver, status", "")
	requests.ListRule = rule(signedIn + " && (" + isAdmin + " || requester = @request.auth.id || giver = @request.auth.id" +
		" || (" + isManager + " && team != '' && team = @request.auth.team))")
	requests.ViewRule = requests.ListRule
	if err := app.Save(requests); err != nil {
		return err
	}

	leaves := core.NewBaseCollection("leave_requests")
	leaves.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, CascadeDelete: true},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "approved", "declined"}},
		&core.RelationField{Name: "decided_by", CollectionId: users.Id, MaxSelect: 1},
		&core.DateField{Name: "decided_at"},
	)
	timestamps(leaves)
	leaves.AddIndex("idx_leave_requests_team", false, "team, status", "")
	leaves.ListRule = rule(signedIn + " && (" + isAdmin + " || user = @request.auth.id" +
		" || (" + isManager + " && team = @request.auth.team))")
	leaves.ViewRule = leaves.ListRule
	if err := app.Save(leaves); err != nil {
		return err
	}

	audit := core.NewBaseCollection("audit_log")
	audit.Fields.Add(
		&core.TextField{Name: "actor", Max: 40},
		&core.TextField{Name: "actor_email", Max: 255},
		&core.TextField{Name: "action", Required: true, Max: 64},
		&core.TextField{Name: "target_type", Max: 32},
		&core.TextField{Name: "target_id", Max: 40},
		&core.TextField{Name: "target_label", Max: 255},
		&core.JSONField{Name: "before", MaxSize: 1 << 20},
		&core.JSONField{Name: "after", MaxSize: 1 << 20},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	audit.AddIndex("idx_audit_created", false, "created", "")
	audit.AddIndex("idx_audit_action", false, "action, created", "")
	audit.AddIndex("idx_audit_actor", false, "actor, created", "")
	audit.AddIndex("idx_audit_target", false, "target_id, created", "")
	audit.ListRule = rule(signedIn + " && " + isAdmin)
	audit.ViewRule = audit.ListRule
	if err := app.Save(audit); err != nil {
		return err
	}

	outbox := core.NewBaseCollection("outbox")
	outbox.Fields.Add(
		&core.TextField{Name: "to", Required: true, Max: 255},
		&core.TextField{Name: "subject", Required: true, Max: 255},
		&core.TextField{Name: "text", Max: 100000},
		&core.TextField{Name: "html", Max: 200000},
		&core.TextField{Name: "kind", Max: 32},
		&core.SelectField{Name: "delivery", Required: true, MaxSelect: 1, Values: []string{"sent", "stored", "failed"}},
		&core.TextField{Name: "error", Max: 1000},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	outbox.AddIndex("idx_outbox_created", false, "created", "")
	outbox.ListRule = rule(signedIn + " && " + isAdmin)
	outbox.ViewRule = outbox.ListRule
	return app.Save(outbox)
}

func dropSchema(app core.App) error {
	for _, name := range []string{"outbox", "audit_log", "leave_requests", "money_requests", "ledger_entries",
		"sends", "touches", "invite_links", "invites"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	for _, f := range []string{"role", "team", "status", "balance", "may_export", "record_visibility", "phone"} {
		users.Fields.RemoveByName(f)
	}
	for _, idx := range []string{"idx_users_team", "idx_users_role", "idx_users_status", "idx_users_name"} {
		users.RemoveIndex(idx)
	}
	if err := app.Save(users); err != nil {
		return err
	}
	for _, name := range []string{"teams", "company"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return nil
}
