package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/team"
)

// memberBalance is one row of the team balances table.
type memberBalance struct {
	ID      string      `db:"id"`
	Name    string      `db:"name"`
	Email   string      `db:"email"`
	Role    string      `db:"role"`
	Status  string      `db:"status"`
	Balance money.Cents `db:"balance"`
}

// teamBalancesPage is where managers (own team) and admins (any team) give money: the same
// amount to everyone ("group limit") or chosen amounts to chosen members ("team balances").
type teamBalancesPage struct {
	Page
	Teams    []person
	Team     *team.Team
	Members  []memberBalance
	Total    money.Cents
	Group    amountForm
	Reason   string
	Amounts  map[string]string
	Errors   FormErrors
	Refusals []budget.Refusal
	// Inactive names the deactivated members the refused form would have given money to;
	// the form asks to confirm (confirm_inactive) before it does.
	Inactive []string
}

// chosenTeam is the team a money page acts on: a manager's own, or for admins the one asked
// for (default: the first team by name).
func chosenTeam(app core.App, u *member.Member, asked string) string {
	if !u.Role().IsAdmin() {
		return u.TeamID()
	}
	if asked != "" {
		return asked
	}
	var first person
	_ = app.DB().NewQuery("SELECT id, name AS label FROM teams ORDER BY name COLLATE NOCASE LIMIT 1").One(&first)
	return first.ID
}

func allTeams(app core.App) []person {
	var out []person
	_ = app.DB().NewQuery("SELECT id, name AS label FROM teams ORDER BY name COLLATE NOCASE").All(&out)
	return out
}

func loadTeamBalancesPage(e *core.RequestEvent, teamID string) (*teamBalancesPage, error) {
	u := currentUser(e)
	if err := access.Check(u, access.MoveTeamMoney, teamID); err != nil {
		return nil, err
	}
	t, err := team.Find(e.App, teamID)
	if err != nil {
		return nil, err
	}
	p := &teamBalancesPage{Page: Page{Title: "Team balances · " + t.Name()}, Team: t, Amounts: map[string]string{}}
	if u.Role().IsAdmin() {
		p.Teams = allTeams(e.App)
	}
	err = e.App.DB().NewQuery(`SELECT id, COALESCE(NULLIF(name, ''), email) AS name, email, role, status, balance
		FROM users WHERE team = {:team} ORDER BY name COLLATE NOCASE`).Bind(dbx.Params{"team": teamID}).All(&p.Members)
	for _, m := range p.Members {
		p.Total += m.Balance
	}
	p.Flash = flashNow(e)
	return p, err
}

func showTeamBalancesPage(e *core.RequestEvent) error {
	teamID := chosenTeam(e.App, currentUser(e), e.Request.URL.Query().Get("team"))
	if teamID == "" {
		return renderError(e, http.StatusForbidden, "You are not in a team, so there are no team balances to manage.")
	}
	p, err := loadTeamBalancesPage(e, teamID)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "money/team", p)
}

func teamBalancesURL(teamID string) string { return "/money/team?team=" + url.QueryEscape(teamID) }

func grantGroupLimit(e *core.RequestEvent) error {
	teamID := chosenTeam(e.App, currentUser(e), e.Request.PostFormValue("team"))
	in := readAmountForm(e, "team")
	in.Who = teamID
	amount, err := in.cents("team", false)
	var res struct{ Entries int }
	if err == nil {
		r, gerr := budget.GroupGrant(e.App, currentUser(e), teamID, amount, in.Reason)
		res.Entries, err = r.Entries, gerr
	}
	if err != nil {
		return failForm(e, err, func(status int, errs FormErrors) error {
			p, lerr := loadTeamBalancesPage(e, teamID)
			if lerr != nil {
				return pageError(e, lerr)
			}
			in.Errors = errs
			p.Group = in
			return render(e, status, "money/team", p)
		})
	}
	setFlash(e, "ok", "Gave "+money.Format(amount, currencyOf(e.App))+" to each of "+plural(res.Entries, "member")+".")
	return redirect(e, teamBalancesURL(teamID))
}

// inactiveRecipients names the deactivated users among ids. The money pages ask before
// giving money to someone who can no longer sign in to spend it.
func inactiveRecipients(app core.App, ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var names []string
	_ = app.DB().Select("COALESCE(NULLIF(name, ''), email)").From(member.Collection).
		Where(dbx.In("id", in...)).AndWhere(dbx.HashExp{"status": member.StatusDeactivated}).
		OrderBy("name").Column(&names)
	return names
}

// parseSigned reads "12.50", "+12.50" or "-12.50" into signed cents.
func parseSigned(s string) (money.Cents, error) {
	s = strings.TrimSpace(s)
	sign := money.Cents(1)
	if strings.HasPrefix(s, "-") {
		sign, s = -1, s[1:]
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	c, err := money.Parse(s)
	return sign * c, err
}

func adjustTeamBalances(e *core.RequestEvent) error {
	u := currentUser(e)
	teamID := chosenTeam(e.App, u, e.Request.PostFormValue("team"))
	if err := e.Request.ParseForm(); err != nil {
		return renderError(e, http.StatusBadRequest, "Unreadable form.")
	}
	reason := strings.TrimSpace(e.Request.PostFormValue("reason"))
	amounts := map[string]string{}
	var changes []budget.Change
	verrs := validation.Errors{}
	for key, vals := range e.Request.PostForm {
		id, ok := strings.CutPrefix(key, "amount_")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		amounts[id] = vals[0]
		c, err := parseSigned(vals[0])
		if err != nil {
			verrs[key] = err
			continue
		}
		changes = append(changes, budget.Change{UserID: id, Amount: c})
	}
	var err error = verrs.Filter()
	if err == nil && e.Request.PostFormValue("confirm_inactive") != "on" {
		var gaining []string
		for _, c := range changes {
			if c.Amount > 0 {
				gaining = append(gaining, c.UserID)
			}
		}
		if inactive := inactiveRecipients(e.App, gaining); len(inactive) > 0 {
			p, lerr := loadTeamBalancesPage(e, teamID)
			if lerr != nil {
				return pageError(e, lerr)
			}
			p.Reason, p.Amounts, p.Inactive = reason, amounts, inactive
			return render(e, http.StatusConflict, "money/team", p)
		}
	}
	if err == nil {
		err = budget.AdjustBalances(e.App, u, teamID, changes, reason)
	}
	if err != nil {
		return failForm(e, err, func(status int, errs FormErrors) error {
			p, lerr := loadTeamBalancesPage(e, teamID)
			if lerr != nil {
				return pageError(e, lerr)
			}
			p.Reason, p.Amounts, p.Errors = reason, amounts, errs
			var refusal *budget.RefusalError
			if errors.As(err, &refusal) {
				p.Refusals = refusal.Rows
			}
			return render(e, status, "money/team", p)
		})
	}
	setFlash(e, "ok", "Balances updated for "+plural(len(changes), "member")+".")
	return redirect(e, teamBalancesURL(teamID))
}

// groupJSON is the body of POST /api/tf/money/group.
type groupJSON struct {
	Team   string `json:"team"`
	Amount int64  `json:"amount"`
	Reason string `json:"reason"`
}

func apiGrantGroupLimit(e *core.RequestEvent) error {
	if err := refuseRole(e, access.MoveTeamMoney); err != nil {
		return apiError(e, err)
	}
	var b groupJSON
	if err := e.BindBody(&b); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	if err := (amountJSON{Amount: b.Amount, Reason: b.Reason}).validate("team", b.Team, false); err != nil {
		return apiError(e, err)
	}
	res, err := budget.GroupGrant(e.App, currentUser(e), b.Team, money.Cents(b.Amount), b.Reason)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, map[string]any{"entries": res.Entries, "total": res.Total, "ref": res.Ref})
}

// balancesJSON is the body of POST /api/tf/money/balances.
type balancesJSON struct {
	Team    string          `json:"team"`
	Changes []budget.Change `json:"changes"`
	Reason  string          `json:"reason"`
}

func apiAdjustTeamBalances(e *core.RequestEvent) error {
	if err := refuseRole(e, access.MoveTeamMoney); err != nil {
		return apiError(e, err)
	}
	var b balancesJSON
	if err := e.BindBody(&b); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	if err := (validation.Errors{"team": validation.Validate(b.Team, validation.Required)}).Filter(); err != nil {
		return apiError(e, err)
	}
	err := budget.AdjustBalances(e.App, currentUser(e), b.Team, b.Changes, b.Reason)
	var refusal *budget.RefusalError
	if errors.As(err, &refusal) {
		return e.JSON(http.StatusConflict, map[string]any{"status": http.StatusConflict, "message": refusal.Error(),
			"data": map[string]any{"refused": refusal.Rows}})
	}
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, map[string]any{"changed": len(b.Changes)})
}
