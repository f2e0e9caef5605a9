package figures

import "github.com/pocketbase/dbx"

// SinceQuery is the query accountsAt reads the entries of scope since the instants with.
func SinceQuery(scope Scope, by Grouping, instants ...string) (string, dbx.Params) {
	where, params := scope.where()
	return sinceQuery(by, where, params, instants), params
}
