package web

import (
	"net/http"
	"strconv"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/transfer"
)

// moneyAdminPage is the owner's and admins' page: move money between any users and run
// the monthly allocation for a month.
type moneyAdminPage struct {
	Page
	Move         amountForm
	MoveInactive bool // the refused move was to a deactivated user: ask to confirm
	Month        string
	MonthErrors  FormErrors
	Runs         []budget.MonthRun
	HandedOut    money.Cents // what the company has handed out, net of returns (a positive figure)
	People       []pickable  // the first people of the pickers; typing searches for more
}

func loadMoneyAdminPage(e *core.RequestEvent) (*moneyAdminPage, error) {
	if err := access.Check(currentUser(e), access.MoveAnyMoney, ""); err != nil {
		return nil, err
	}
	p := &moneyAdminPage{Page: Page{Title: "Money administration"}, Month: string(budget.MonthOf(time.Now(), companyLoc(e.App)))}
	var err error
	if p.Runs, err = budget.RecentRuns(e.App, 12); err != nil {
		return nil, err
	}
	if p.People, err = people(e.App, currentUser(e), pickMove, "", ""); err != nil {
		return nil, err
	}
	p.HandedOut, err = ledger.CompanyHandedOut(e.App)
	p.Flash = flashNow(e)
	return p, err
}

func showMoneyAdminPage(e *core.RequestEvent) error {
	p, err := loadMoneyAdminPage(e)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "money/admin", p)
}

// userByEmail resolves an email typed into an admin form to a user id ("" when unknown).
func userByEmail(app core.App, email string) string {
	m, err := member.FindByEmail(app, email)
	if err != nil {
		return ""
	}
	return m.Id
}

func moveMoneyAsAdmin(e *core.RequestEvent) error {
	in := readAmountForm(e, "to")
	amount, err := in.cents("to", true)
	if err == nil {
		from, to := resolvePerson(e.App, in.From), resolvePerson(e.App, in.Who)
		if from == "" || to == "" {
			unknown := validation.Errors{}
			for field, id := range map[string]string{"from": from, "to": to} {
				if id == "" {
					unknown[field] = validation.NewError("unknown_person", "no active user has that email or name; pick someone from the list")
				}
			}
			err = unknown
		} else if e.Request.PostFormValue("confirm_inactive") != "on" && len(inactiveRecipients(e.App, []string{to})) > 0 {
			p, lerr := loadMoneyAdminPage(e)
			if lerr != nil {
				return pageError(e, lerr)
			}
			p.Move, p.MoveInactive = in, true
			return render(e, http.StatusConflict, "money/admin", p)
		} else {
			_, err = transfer.AdminMove(e.App, currentUser(e), from, to, amount, in.Reason)
		}
	}
	if err != nil {
		return failForm(e, err, func(status int, errs FormErrors) error {
			p, lerr := loadMoneyAdminPage(e)
			if lerr != nil {
				return pageError(e, lerr)
			}
			in.Errors = errs
			p.Move = in
			return render(e, status, "money/admin", p)
		})
	}
	setFlash(e, "ok", "Moved "+money.Format(amount, currencyOf(e.App))+" from "+in.From+" to "+in.Who+".")
	return redirect(e, "/money/admin")
}

func runAllocation(e *core.RequestEvent) error {
	u := currentUser(e)
	month, err := budget.ParseMonth(e.Request.PostFormValue("month"))
	var run budget.Run
	if err == nil {
		err = access.Check(u, access.RunAllocation, "")
	}
	if err == nil {
		run, err = budget.RunMonth(e.App, month, time.Now(), budget.TriggerAdmin, u)
	}
	if err != nil {
		return failForm(e, err, func(status int, errs FormErrors) error {
			p, lerr := loadMoneyAdminPage(e)
			if lerr != nil {
				return pageError(e, lerr)
			}
			p.Month = e.Request.PostFormValue("month")
			return render(e, status, "money/admin", p)
		})
	}
	setFlash(e, "ok", "Monthly allocation for "+month.Label()+": "+plural(run.Entries, "member")+", "+
		money.Format(run.Total, currencyOf(e.App))+" in total.")
	return redirect(e, "/money/admin")
}

func apiMoveMoneyAsAdmin(e *core.RequestEvent) error {
	if err := refuseRole(e, access.MoveAnyMoney); err != nil {
		return apiError(e, err)
	}
	var b amountJSON
	if err := e.BindBody(&b); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	if err := b.validate("to", b.To, true); err != nil {
		return apiError(e, err)
	}
	res, err := transfer.AdminMove(e.App, currentUser(e), b.From, b.To, money.Cents(b.Amount), b.Reason)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, res)
}

// runJSON is the body of POST /api/tf/budgets/run.
type runJSON struct {
	Month string `json:"month"`
}

func apiRunAllocation(e *core.RequestEvent) error {
	u := currentUser(e)
	if err := access.Check(u, access.RunAllocation, ""); err != nil {
		return apiError(e, err)
	}
	var b runJSON
	if err := e.BindBody(&b); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	month := budget.MonthOf(time.Now(), companyLoc(e.App))
	if b.Month != "" {
		var err error
		if month, err = budget.ParseMonth(b.Month); err != nil {
			return apiError(e, err)
		}
	}
	run, err := budget.RunMonth(e.App, month, time.Now(), budget.TriggerAdmin, u)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, map[string]any{"month": run.Month, "entries": run.Entries, "total": run.Total})
}

func itoa(n int) string { return strconv.Itoa(n) }
