package member

import "github.com/pocketbase/pocketbase/core"

// SSOProviders returns the OAuth2 providers enabled on the users collection in the
// dashboard, in the dashboard's order; none when OAuth2 is off there. Single sign-on
// settings live in the dashboard so that client secrets stay in PocketBase's own
// (optionally encrypted) settings storage.
func SSOProviders(app core.App) []core.OAuth2ProviderConfig {
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil || !col.OAuth2.Enabled {
		return nil
	}
	return col.OAuth2.Providers
}
