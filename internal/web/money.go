package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/team"
)

// Money routes (pages, then their JSON twins):
//
//	GET  /money                               showMoneyPage
//	GET  /money/summary                       showMoneySummary (fragment, live refresh)
//	GET  /money/requests                      showMoneyRequests (fragment, live refresh)
//	POST /money/transfer                      sendMoney
//	POST /money/requests                      askForMoney
//	POST /money/requests/{id}/{decision}      decideMoneyRequest (approve, decline, cancel)
//	GET  /money/team                          showTeamBalancesPage
//	POST /money/team/group                    grantGroupLimit
//	POST /money/team/balances                 adjustTeamBalances
//	GET  /money/admin                         showMoneyAdminPage
//	POST /money/admin/move                    moveMoneyAsAdmin
//	POST /money/admin/allocate                runAllocation
//	GET  /approvals/money                     showMoneyApprovals
//	GET  /events                              streamEvents (SSE)
//	GET  /api/tf/money/me                     apiMyMoney
//	POST /api/tf/money/transfer               apiSendMoney
//	POST /api/tf/money/requests               apiAskForMoney
//	POST /api/tf/money/requests/{id}/{decision} apiDecideMoneyRequest
//	POST /api/tf/money/group                  apiGrantGroupLimit
//	POST /api/tf/money/balances               apiAdjustTeamBalances
//	POST /api/tf/money/move                   apiMoveMoneyAsAdmin
//	POST /api/tf/budgets/run                  apiRunAllocation
func bindMoneyRoutes(pages, api routeGroup) {
	addNav(60, "Money", "/money", everyone)
	pages.GET("/money", showMoneyPage).BindFunc(requireUser)
	pages.GET("/money/summary", showMoneySummary).BindFunc(requireUser)
	pages.GET("/money/requests", showMoneyRequests).BindFunc(requireUser)
	pages.POST("/money/transfer", sendMoney).BindFunc(requireUser)
	pages.POST("/money/requests", askForMoney).BindFunc(requireUser)
	pages.POST("/money/requests/{id}/{decision}", decideMoneyRequest).BindFunc(requireUser)
	pages.GET("/money/team", showTeamBalancesPage).BindFunc(requireUser)
	pages.POST("/money/team/group", grantGroupLimit).BindFunc(requireUser)
	pages.POST("/money/team/balances", adjustTeamBalances).BindFunc(requireUser)
	pages.GET("/money/admin", showMoneyAdminPage).BindFunc(requireUser)
	pages.POST("/money/admin/move", moveMoneyAsAdmin).BindFunc(requireUser)
	pages.POST("/money/admin/allocate", runAllocation).BindFunc(requireUser)
	pages.GET("/approvals/money", showMoneyApprovals).BindFunc(requireUser)
	pages.GET("/events", streamEvents).BindFunc(requireUser)

	api.GET("/money/me", apiMyMoney)
	api.POST("/money/transfer", apiSendMoney)
	api.POST("/money/requests", apiAskForMoney)
	api.POST("/money/requests/{id}/{decision}", apiDecideMoneyRequest)
	api.POST("/money/group", apiGrantGroupLimit)
	api.POST("/money/balances", apiAdjustTeamBalances)
	api.POST("/money/move", apiMoveMoneyAsAdmin)
	api.POST("/budgets/run", apiRunAllocation)
}

// person is a user as offered in a select.
type person struct {
	ID    string `db:"id"`
	Label string `db:"label"`
}

// teamManagers names the managers of a team.
func teamManagers(app core.App, teamID string) []string {
	var names []string
	if teamID == "" {
		return names
	}
	var rows []person
	_ = app.DB().NewQuery(`SELECT id, COALESCE(NULLIF(name, ''), email) AS label FROM users
		WHERE team = {:team} AND role = 'manager' AND status = 'active' ORDER BY name COLLATE NOCASE`).
		Bind(dbx.Params{"team": teamID}).All(&rows)
	for _, r := range rows {
		names = append(names, r.Label)
	}
	return names
}

// amountForm is the input of every "who, how much, why" form.
type amountForm struct {
	Who    string
	From   string
	Amount string
	Reason string
	Errors FormErrors
}

func readAmountForm(e *core.RequestEvent, who string) amountForm {
	f := e.Request.PostFormValue
	return amountForm{Who: strings.TrimSpace(f(who)), From: strings.TrimSpace(f("from")),
		Amount: strings.TrimSpace(f("amount")), Reason: strings.TrimSpace(f("reason"))}
}

// cents validates the form: who (named whoField) is required, the amount is a positive decimal.
func (f amountForm) cents(whoField string, reasonRequired bool) (money.Cents, error) {
	amount, amountErr := money.Parse(f.Amount)
	errs := validation.Errors{
		whoField: validation.Validate(f.Who, validation.Required.Error("choose someone")),
		"reason": validation.Validate(f.Reason, validation.Length(0, 500),
			validation.When(reasonRequired, validation.Required.Error("give a reason"))),
	}
	if amountErr != nil {
		errs["amount"] = amountErr
	} else if amount == 0 {
		errs["amount"] = ledger.ErrZeroAmount
	}
	return amount, errs.Filter()
}

// amountJSON is the body of the JSON money endpoints; amounts are integer cents.
type amountJSON struct {
	To     string `json:"to"`
	From   string `json:"from"`
	Amount int64  `json:"amount"`
	Reason string `json:"reason"`
}

func (b amountJSON) validate(whoField, who string, reasonRequired bool) error {
	return validation.Errors{
		whoField: validation.Validate(who, validation.Required),
		"amount": validation.Validate(b.Amount, validation.Required.Error("must be a positive number of cents"),
			validation.Min(int64(1)), validation.Max(int64(money.MaxAmount))),
		"reason": validation.Validate(b.Reason, validation.Length(0, 500), validation.When(reasonRequired, validation.Required)),
	}.Filter()
}

// failForm re-renders a form page after err: field messages with 422, a domain refusal
// as a flash with its status, anything else as an error page.
func failForm(e *core.RequestEvent, err error, rerender func(status int, errs FormErrors) error) error {
	if errs, ok := formErrors(err); ok {
		return rerender(http.StatusUnprocessableEntity, errs)
	}
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		return pageError(e, err)
	}
	setFlashNow(e, "error", msg)
	return rerender(status, nil)
}

// flashKey carries a flash for the page rendered in this same response.
const flashKey = "teamfundFlashNow"

func setFlashNow(e *core.RequestEvent, kind, msg string) {
	e.Set(flashKey, &Flash{Kind: kind, Message: msg})
}

func flashNow(e *core.RequestEvent) *Flash {
	f, _ := e.Get(flashKey).(*Flash)
	return f
}

// teamName is team.NameOf for templates.
func teamName(app core.App, id string) string { return team.NameOf(app, id) }
