package stmt

import "github.com/pocketbase/pocketbase/core"

// IsPrepared reports whether query is prepared on app's writer pool.
func IsPrepared(app core.App, query string) bool {
	c, _ := app.Store().Get(storeKey).(*cache)
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query] != nil
}
