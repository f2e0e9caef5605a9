package figures

import (
	"fmt"

	"github.com/pocketbase/dbx"
)

// SinceQuery is the query accountsAt reads the entries of scope since two instants with.
func SinceQuery(scope Scope, by Grouping, b0, b1 string) (string, dbx.Params) {
	where, params := scope.where()
	params["b0"], params["b1"] = b0, b1
	return fmt.Sprintf(sinceSQL, by, where, "(l.created >= {:b0}) + (l.created >= {:b1})"), params
}
