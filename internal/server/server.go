// Package server binds all of Teamfund onto a PocketBase app: the invariants below the
// API, the domain hooks and jobs, and the web routes. main and the tests share it.
package server

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
	"teamfund/internal/realtime"
	"teamfund/internal/stmt"
	"teamfund/internal/text"
	"teamfund/internal/touch"
	"teamfund/internal/web"
	"teamfund/internal/webhook"
)

// Bind registers every Teamfund hook and route on app.
func Bind(app core.App) {
	member.BindInvariants(app)
	member.BindSessionEnd(app)
	ledger.BindInvariants(app)
	ledger.BindAmountBounds(app)
	ledger.BindHolds(app)
	company.BindInvariants(app)
	company.BindSSOSessionEnd(app)
	text.BindInvariants(app)
	realtime.Bind(app)
	budget.BindSchedule(app)
	touch.BindSchedule(app)
	outbox.Bind(app)
	webhook.Bind(app)
	web.Register(app)
	bindDrain(app)
	stmt.Bind(app)
	bindTrustedProxy(app)
	bindProfile(app)
	company.BindClosing(app)
}
