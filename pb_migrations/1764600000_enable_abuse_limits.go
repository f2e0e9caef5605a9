package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Rate limits on by default for the endpoints people could brute-force or flood
// (per client IP, fixed window; superusers are exempt; editable in the dashboard),
// and nightly local backups keeping a week.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = []core.RateLimitRule{
			{Label: "POST /login", MaxRequests: 10, Duration: 60},
			{Label: "POST /setup", MaxRequests: 10, Duration: 60},
			{Label: "POST /invite/", MaxRequests: 10, Duration: 60},
			{Label: "POST /join/", MaxRequests: 10, Duration: 60},
			{Label: "POST /invites/import", MaxRequests: 10, Duration: 60},
			{Label: "POST /invites/preview", MaxRequests: 10, Duration: 60},
			{Label: "*:auth", MaxRequests: 5, Duration: 10},
			{Label: "*:requestPasswordReset", MaxRequests: 3, Duration: 60},
			{Label: "*:requestVerification", MaxRequests: 3, Duration: 60},
			{Label: "/api/batch", MaxRequests: 3, Duration: 1},
		}
		s.Backups.Cron = "0 3 * * *"
		s.Backups.CronMaxKeep = 7
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Enabled = false
		s.Backups.Cron = ""
		return app.Save(s)
	})
}
