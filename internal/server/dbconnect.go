package server

import (
	"github.com/pocketbase/dbx"
)

// pragmas are PocketBase's own (core.DefaultDBConnect), kept in the same order
// (TestDBConnectKeepsPocketBasePragmas compares them), plus _txlock=immediate.
const pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
	"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)" +
	"&_txlock=immediate"

// DBConnect opens PocketBase's databases as core.DefaultDBConnect does, except that
// transactions begin IMMEDIATE: they take SQLite's write lock at BEGIN, where the 10 s busy
// timeout applies. A deferred transaction that has read gets SQLITE_BUSY at once, without
// waiting, if another connection holds the write lock when it first writes; under load a
// reader repairing the WAL index does for an instant, which showed as rare 500s on money
// transfers. Only the single writer connection runs transactions, so nothing else changes.
func DBConnect(dbPath string) (*dbx.DB, error) {
	return dbx.Open("sqlite", dbPath+pragmas)
}

// ReadConns is the size of the read pool, all of them kept open. PocketBase's default
// (120 open, 15 kept idle) closes and reopens connections under load, and each new one
// re-reads the whole schema and loses its prepared statements: at 64 concurrent clients
// that was a sixth of the server's CPU. Two cores gain nothing from more readers than this.
const ReadConns = 32
