package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The CSV preview and import of the JSON API parse the same up-to-4-MB files as the web
// forms (POST /invites/preview, /invites/import, limited since 1764600000): limit them alike,
// or the API would be the way around the limit.
var csvAPILimits = []string{"POST /api/tf/invites/preview", "POST /api/tf/invites/import"}

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		for _, label := range csvAPILimits {
			if !hasRateLimit(s, label) {
				s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: label, MaxRequests: 10, Duration: 60})
			}
		}
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		var keep []core.RateLimitRule
		for _, r := range s.RateLimits.Rules {
			if r.Label != csvAPILimits[0] && r.Label != csvAPILimits[1] {
				keep = append(keep, r)
			}
		}
		s.RateLimits.Rules = keep
		return app.Save(s)
	})
}

func hasRateLimit(s *core.Settings, label string) bool {
	for _, r := range s.RateLimits.Rules {
		if r.Label == label {
			return true
		}
	}
	return false
}
