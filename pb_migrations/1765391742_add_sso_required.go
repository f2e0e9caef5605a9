package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// oauth2Limit caps single sign-on starts and callbacks per client IP like password sign-in.
const oauth2Limit = "GET /auth/oauth2/"

// company.sso_required: the owner's switch that makes everyone but the owner sign in
// through an OAuth2 provider configured on the users collection.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.BoolField{Name: "sso_required"})
		if err := app.Save(c); err != nil {
			return err
		}
		s := app.Settings()
		for _, r := range s.RateLimits.Rules {
			if r.Label == oauth2Limit {
				return nil
			}
		}
		s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: oauth2Limit, MaxRequests: 30, Duration: 60})
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		var keep []core.RateLimitRule
		for _, r := range s.RateLimits.Rules {
			if r.Label != oauth2Limit {
				keep = append(keep, r)
			}
		}
		s.RateLimits.Rules = keep
		if err := app.Save(s); err != nil {
			return err
		}
		c, err := app.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("sso_required")
		return app.Save(c)
	})
}
