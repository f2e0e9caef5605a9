package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Closing the company asks for the owner's password: limit the form like sign-in, per
// client IP, so a borrowed session cannot be used to guess it.
const companyCloseLimit = "POST /company/close"

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		for _, r := range s.RateLimits.Rules {
			if r.Label == companyCloseLimit {
				return nil
			}
		}
		s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: companyCloseLimit, MaxRequests: 10, Duration: 60})
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		var keep []core.RateLimitRule
		for _, r := range s.RateLimits.Rules {
			if r.Label != companyCloseLimit {
				keep = append(keep, r)
			}
		}
		s.RateLimits.Rules = keep
		return app.Save(s)
	})
}
