package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// "Forgot your password?" mails whoever's email is typed: limit it like sign-in, per client
// IP. The label matches that path only; the link's page is guarded by its signed token.
const passwordResetLimit = "POST /password-reset"

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		for _, r := range s.RateLimits.Rules {
			if r.Label == passwordResetLimit {
				return nil
			}
		}
		s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: passwordResetLimit, MaxRequests: 5, Duration: 60})
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		var keep []core.RateLimitRule
		for _, r := range s.RateLimits.Rules {
			if r.Label != passwordResetLimit {
				keep = append(keep, r)
			}
		}
		s.RateLimits.Rules = keep
		return app.Save(s)
	})
}
