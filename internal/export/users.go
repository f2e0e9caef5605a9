package export

import (
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/money"
)

// usersSource is the Users page as a file: filters team, role, status and q (email or name).
var usersSource = source{
	sheet: "Users",
	columns: []Column{
		{"Email", Text}, {"Name", Text}, {"Role", Text}, {"Status", Text}, {"Team", Text},
		{"Balance", Money}, {"May export", Text}, {"Record visibility", Text}, {"Phone", Text},
		{"Created", Time},
	},
	validate: func(f Filter) error {
		return validation.ValidateStruct(&f,
			validation.Field(&f.Role, validation.In(stringsOf(member.Roles)...).Error("must be owner, admin, manager or member")),
			validation.Field(&f.Status, validation.In(member.StatusActive, member.StatusDeactivated).Error("must be active or deactivated")),
		)
	},
	query: func(app core.App, f Filter, s Scope, _ *time.Location) *dbx.SelectQuery {
		q := app.DB().Select("u.email", "u.name", "u.role", "u.status", "t.name AS team_name", "u.balance",
			"u.may_export", "u.record_visibility", "u.phone", "u.created").
			From(member.Collection+" u").
			LeftJoin("teams t", dbx.NewExp("t.id = u.team")).
			Where(s.where("u.id", "u.team")).
			AndWhere(teamCond("u.team", f.Team)).
			OrderBy("u.name COLLATE NOCASE", "u.email")
		if f.Role != "" {
			q.AndWhere(dbx.HashExp{"u.role": f.Role})
		}
		if f.Status != "" {
			q.AndWhere(dbx.HashExp{"u.status": f.Status})
		}
		if f.Q != "" {
			q.AndWhere(dbx.Or(dbx.Like("u.email", f.Q), dbx.Like("u.name", f.Q)))
		}
		return q
	},
	read: func(rows *dbx.Rows, cells []any) error {
		var r struct {
			Email      string  `db:"email"`
			Name       string  `db:"name"`
			Role       string  `db:"role"`
			Status     string  `db:"status"`
			Team       *string `db:"team_name"`
			Balance    int64   `db:"balance"`
			MayExport  bool    `db:"may_export"`
			Visibility string  `db:"record_visibility"`
			Phone      string  `db:"phone"`
			Created    string  `db:"created"`
		}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		cells[0], cells[1], cells[2], cells[3] = r.Email, r.Name, member.Role(r.Role).Label(), r.Status
		cells[4] = deref(r.Team)
		cells[5] = money.Cents(r.Balance)
		cells[6] = yesNo(r.MayExport)
		cells[7], cells[8], cells[9] = r.Visibility, r.Phone, parseTime(r.Created)
		return nil
	},
}

func stringsOf(roles []member.Role) []any {
	out := make([]any, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
