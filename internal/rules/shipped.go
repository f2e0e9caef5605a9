// Package rules knows the records API rules Teamfund ships for the collections that hold
// people, money and mail. A superuser can change any rule in the dashboard (and one empty
// rule opens a collection to everyone), so the app compares the rules in force with these
// and warns owners and admins, naming the rule and showing the one to put back.
package rules

import (
	"github.com/pocketbase/pocketbase/core"
)

// Rule fragments, as pb_migrations/1764000000_create_schema.go writes them.
const (
	signedIn    = "@request.auth.id != '' && @request.auth.collectionName = 'users'"
	isAdmin     = "(@request.auth.role = 'owner' || @request.auth.role = 'admin')"
	teamVisible = "(team != '' && team = @request.auth.team && (@request.auth.role = 'manager' || @request.auth.record_visibility = 'team'))"
)

func rule(s string) *string { return &s }

// Shipped are the rules Teamfund ships, by collection and rule name (nil: superusers only).
// TestShippedRulesAreTheMigrations keeps them equal to what the migrations leave.
var Shipped = []Rule{
	{"users", "listRule", rule(signedIn + " && (id = @request.auth.id || " + isAdmin + " || " + teamVisible + ")")},
	{"users", "viewRule", rule(signedIn + " && (id = @request.auth.id || " + isAdmin + " || " + teamVisible + ")")},
	{"users", "createRule", nil},
	{"users", "updateRule", rule("id = @request.auth.id && @request.body.role:isset = false && @request.body.team:isset = false" +
		" && @request.body.status:isset = false && @request.body.balance:isset = false && @request.body.may_export:isset = false" +
		" && @request.body.record_visibility:isset = false && @request.body.email:isset = false && @request.body.verified:isset = false")},
	{"users", "deleteRule", nil},
	{"users", "authRule", rule("status = 'active'")},
	{"users", "manageRule", nil},
	{"ledger_entries", "listRule", rule(signedIn + " && (" + isAdmin + " || account = @request.auth.id || " + teamVisible + ")")},
	{"ledger_entries", "viewRule", rule(signedIn + " && (" + isAdmin + " || account = @request.auth.id || " + teamVisible + ")")},
	{"ledger_entries", "createRule", nil},
	{"ledger_entries", "updateRule", nil},
	{"ledger_entries", "deleteRule", nil},
	{"sends", "listRule", rule(signedIn + " && (" + isAdmin + " || sender = @request.auth.id || " + teamVisible + ")")},
	{"sends", "viewRule", rule(signedIn + " && (" + isAdmin + " || sender = @request.auth.id || " + teamVisible + ")")},
	{"sends", "createRule", nil},
	{"sends", "updateRule", nil},
	{"sends", "deleteRule", nil},
	{"money_requests", "listRule", rule(signedIn + " && (" + isAdmin + " || requester = @request.auth.id || giver = @request.auth.id" +
		" || (@request.auth.role = 'manager' && team != '' && team = @request.auth.team))")},
	{"money_requests", "viewRule", rule(signedIn + " && (" + isAdmin + " || requester = @request.auth.id || giver = @request.auth.id" +
		" || (@request.auth.role = 'manager' && team != '' && team = @request.auth.team))")},
	{"money_requests", "createRule", nil},
	{"money_requests", "updateRule", nil},
	{"money_requests", "deleteRule", nil},
	{"outbox", "listRule", rule(signedIn + " && " + isAdmin)},
	{"outbox", "viewRule", rule(signedIn + " && " + isAdmin)},
	{"outbox", "createRule", nil},
	{"outbox", "updateRule", nil},
	{"outbox", "deleteRule", nil},
}

// Rule is one API rule of a collection.
type Rule struct {
	Collection string
	Name       string  // as PocketBase's collection JSON names it: listRule, viewRule, ...
	Expr       *string // nil: superusers only
}

// Drift is a shipped rule that differs from the one in force.
type Drift struct {
	Collection string
	Name       string
	Shipped    *string
	Current    *string
}

// Of returns collection c's rule called name (nil: superusers only).
func Of(c *core.Collection, name string) *string {
	switch name {
	case "listRule":
		return c.ListRule
	case "viewRule":
		return c.ViewRule
	case "createRule":
		return c.CreateRule
	case "updateRule":
		return c.UpdateRule
	case "deleteRule":
		return c.DeleteRule
	case "authRule":
		return c.AuthRule
	case "manageRule":
		return c.ManageRule
	}
	return nil
}

// Check returns every shipped rule that differs from the one in force (a missing
// collection counts as a difference of each of its rules).
func Check(app core.App) []Drift {
	var out []Drift
	for _, r := range Shipped {
		c, err := app.FindCachedCollectionByNameOrId(r.Collection)
		var current *string
		if err == nil {
			current = Of(c, r.Name)
		}
		if err != nil || !same(current, r.Expr) {
			out = append(out, Drift{Collection: r.Collection, Name: r.Name, Shipped: r.Expr, Current: current})
		}
	}
	return out
}

func same(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Describe is a rule for people: its expression, or what nil and empty mean.
func Describe(expr *string) string {
	switch {
	case expr == nil:
		return "superusers only (locked)"
	case *expr == "":
		return "anyone, even signed out (empty rule)"
	}
	return *expr
}

// ShippedText is the shipped rule for people.
func (d Drift) ShippedText() string { return Describe(d.Shipped) }

// CurrentText is the rule in force for people.
func (d Drift) CurrentText() string { return Describe(d.Current) }
