package member

import "github.com/pocketbase/dbx"

func dbxRoleIs(r Role) dbx.Expression { return dbx.HashExp{"role": string(r)} }
