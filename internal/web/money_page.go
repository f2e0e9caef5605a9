package web

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/transfer"
)

// moneyPage is a member's own money page: balance, team, this month, requests, history, forms.
type moneyPage struct {
	Page
	Me          *member.Member
	TeamName    string
	Managers    []string
	Month       budget.Month
	Usage       figures.Statement
	Incoming    []transfer.Request
	Outgoing    []transfer.Request
	Entries     []ledger.Row
	Teammates   []pickable // the first teammates, for the transfer and request pickers
	Transfer    amountForm
	Ask         amountForm
	ManagesTeam bool
	IsAdmin     bool
}

func companyLoc(app core.App) *time.Location {
	if c, err := company.Load(app); err == nil {
		return c.Location()
	}
	return time.UTC
}

// loadMoneyPage reads everything the money page shows for the signed-in user, fresh from the
// database (the session's user record may predate a balance change).
func loadMoneyPage(e *core.RequestEvent) (*moneyPage, error) {
	me, err := member.Find(e.App, currentUser(e).Id)
	if err != nil {
		return nil, err
	}
	loc := companyLoc(e.App)
	p := &moneyPage{Page: Page{Title: "Money"}, Me: me, TeamName: teamName(e.App, me.TeamID()),
		Managers: teamManagers(e.App, me.TeamID()), Month: budget.MonthOf(time.Now(), loc),
		ManagesTeam: me.Role() == member.RoleManager && me.TeamID() != "", IsAdmin: me.Role().IsAdmin()}
	if mayPick(me, pickTeammate) {
		if p.Teammates, err = people(e.App, me, pickTeammate, "", ""); err != nil {
			return nil, err
		}
	}
	if p.Usage, err = figures.OfMonth(e.App, figures.Scope{Member: me.Id}, p.Month, loc); err != nil {
		return nil, err
	}
	if p.Incoming, p.Outgoing, err = transfer.Pending(e.App, me.Id); err != nil {
		return nil, err
	}
	p.Entries, err = ledger.List(e.App, me, ledger.Filter{Member: me.Id}, loc, 15, 0)
	p.Flash = flashNow(e)
	return p, err
}

func showMoneyPage(e *core.RequestEvent) error {
	if currentUser(e).Role().IsAdmin() && e.Request.URL.Query().Get("view") != "mine" {
		return showCompanyMoneyPage(e)
	}
	p, err := loadMoneyPage(e)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "money/money", p)
}

func showMoneySummary(e *core.RequestEvent) error {
	p, err := loadMoneyPage(e)
	if err != nil {
		return pageError(e, err)
	}
	return renderFragment(e, http.StatusOK, "money/money", "money_summary", p)
}

func showMoneyRequests(e *core.RequestEvent) error {
	p, err := loadMoneyPage(e)
	if err != nil {
		return pageError(e, err)
	}
	return renderFragment(e, http.StatusOK, "money/money", "money_requests", p)
}

// rerenderMoneyPage shows the money page again with the submitted forms and their errors.
func rerenderMoneyPage(e *core.RequestEvent, status int, fill func(p *moneyPage)) error {
	p, err := loadMoneyPage(e)
	if err != nil {
		return pageError(e, err)
	}
	fill(p)
	return render(e, status, "money/money", p)
}

func sendMoney(e *core.RequestEvent) error {
	in := readAmountForm(e, "to")
	amount, err := in.cents("to", false)
	if err == nil {
		var to picked
		if to, err = resolvePicked(e.App, currentUser(e), pickTeammate, "to", in.Who); err == nil {
			_, err = transfer.Send(e.App, currentUser(e), to.ID, amount, in.Reason)
		}
	}
	if err != nil {
		return failForm(e, err, func(status int, errs FormErrors) error {
			in.Errors = errs
			return rerenderMoneyPage(e, status, func(p *moneyPage) { p.Transfer = in })
		})
	}
	setFlash(e, "ok", "Sent "+money.Format(amount, currencyOf(e.App))+".")
	return redirect(e, "/money")
}

func askForMoney(e *core.RequestEvent) error {
	in := readAmountForm(e, "giver")
	amount, err := in.cents("giver", false)
	if err == nil {
		var giver picked
		if giver, err = resolvePicked(e.App, currentUser(e), pickTeammate, "giver", in.Who); err == nil {
			_, err = transfer.Ask(e.App, currentUser(e), giver.ID, amount, in.Reason)
		}
	}
	if err != nil {
		return failForm(e, err, func(status int, errs FormErrors) error {
			in.Errors = errs
			return rerenderMoneyPage(e, status, func(p *moneyPage) { p.Ask = in })
		})
	}
	setFlash(e, "ok", "Request for "+money.Format(amount, currencyOf(e.App))+" sent. It waits for an answer.")
	return redirect(e, "/money")
}

// decisions maps the {decision} path value to the domain action.
var decisions = map[string]func(core.App, *member.Member, string) (transfer.Request, error){
	"approve": transfer.Approve,
	"decline": transfer.Decline,
	"cancel":  transfer.Cancel,
}

var decisionDone = map[string]string{"approve": "Request approved and paid.", "decline": "Request declined.", "cancel": "Request cancelled."}

func decideMoneyRequest(e *core.RequestEvent) error {
	decide, ok := decisions[e.Request.PathValue("decision")]
	if !ok {
		return renderError(e, http.StatusNotFound, "Not found.")
	}
	back := "/money"
	if next := e.Request.PostFormValue("next"); next == "/approvals/money" {
		back = next
	}
	if _, err := decide(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		status, msg := statusOf(err)
		if status == http.StatusInternalServerError {
			return pageError(e, err)
		}
		setFlash(e, "error", msg)
		return redirect(e, back)
	}
	setFlash(e, "ok", decisionDone[e.Request.PathValue("decision")])
	return redirect(e, back)
}

func currencyOf(app core.App) string {
	if c, err := company.Load(app); err == nil {
		return c.Currency()
	}
	return company.DefaultCurrency
}

// myMoneyJSON is the signed-in user's money summary.
type myMoneyJSON struct {
	Balance  money.Cents        `json:"balance"`
	Team     string             `json:"team"`
	Month    budget.Month       `json:"month"`
	Usage    figures.Statement  `json:"usage"`
	Incoming []transfer.Request `json:"incoming"`
	Outgoing []transfer.Request `json:"outgoing"`
	Entries  []ledger.Row       `json:"entries"`
}

func apiMyMoney(e *core.RequestEvent) error {
	p, err := loadMoneyPage(e)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, myMoneyJSON{Balance: p.Me.Balance(), Team: p.Me.TeamID(), Month: p.Month, Usage: p.Usage,
		Incoming: nonNil(p.Incoming), Outgoing: nonNil(p.Outgoing), Entries: nonNil(p.Entries)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func apiSendMoney(e *core.RequestEvent) error {
	var b amountJSON
	if err := e.BindBody(&b); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	if err := b.validate("to", b.To, false); err != nil {
		return apiError(e, err)
	}
	res, err := transfer.Send(e.App, currentUser(e), b.To, money.Cents(b.Amount), b.Reason)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, res)
}

func apiAskForMoney(e *core.RequestEvent) error {
	var b amountJSON
	if err := e.BindBody(&b); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	if err := b.validate("from", b.From, false); err != nil {
		return apiError(e, err)
	}
	req, err := transfer.Ask(e.App, currentUser(e), b.From, money.Cents(b.Amount), b.Reason)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusCreated, req)
}

func apiDecideMoneyRequest(e *core.RequestEvent) error {
	decide, ok := decisions[e.Request.PathValue("decision")]
	if !ok {
		return e.NotFoundError("", nil)
	}
	req, err := decide(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, req)
}

// showMoneyApprovals lists the requests waiting for the signed-in user's answer, and for
// managers and admins the team's (or every team's) other pending requests.
type moneyApprovalsPage struct {
	Page
	Mine     []transfer.Request
	Others   []transfer.Request
	TeamWide bool
}

func showMoneyApprovals(e *core.RequestEvent) error {
	u := currentUser(e)
	incoming, _, err := transfer.Pending(e.App, u.Id)
	if err != nil {
		return pageError(e, err)
	}
	p := &moneyApprovalsPage{Page: Page{Title: "Money requests"}, Mine: incoming}
	if access.Can(u, access.ViewTeamRecords, u.TeamID()) || u.Role().IsAdmin() {
		teamID := u.TeamID()
		if u.Role().IsAdmin() {
			teamID = ""
		}
		all, err := transfer.TeamPending(e.App, teamID)
		if err != nil {
			return pageError(e, err)
		}
		for _, r := range all {
			if r.Giver != u.Id {
				p.Others = append(p.Others, r)
			}
		}
		p.TeamWide = true
	}
	return render(e, http.StatusOK, "money/approvals", p)
}
