package company

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/inflight"
	"teamfund/internal/member"
	"teamfund/internal/realtime"
)

// CloseInput is the close-the-company form: the company's name typed again and the
// owner's password, so a stolen session or a slip cannot close it.
type CloseInput struct {
	CompanyName string `json:"company_name"`
	Password    string `json:"password"`
	KeepBackups bool   `json:"keep_backups"` // keep pb_data/backups (PocketBase's scheduled backups)
}

// closingMarker is the file, in the data folder, that says a closing was decided and not
// finished. It is written before anything is deleted and removed when all is gone, so a
// crash in between makes the next start finish the job (FinishClosing).
const closingMarker = ".teamfund-closing.json"

// closing is the marker's content.
type closing struct {
	KeepBackups bool      `json:"keep_backups"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
}

// Close deletes the company: every record of every collection (users, superusers and
// their sign-in records included), every uploaded file, the logs and — unless
// in.KeepBackups — the local backups; everyone is signed out and the next visitor sees the
// first-run setup. Only the owner may, with the company's name and their password; a
// mistake is a validation.Errors naming the field, and nothing is written.
//
// Crash safety: the marker is written (and synced) first, then the records go in one
// transaction, then the files. A crash before the marker leaves everything; after it, the
// next start (FinishClosing, bound to bootstrap) completes the closing.
func Close(app core.App, owner *member.Member, in CloseInput) error {
	if err := access.Check(owner, access.CloseCompany, ""); err != nil {
		return err
	}
	c, err := Load(app)
	if err != nil {
		return err
	}
	errs := validation.Errors{}
	if strings.TrimSpace(in.CompanyName) != c.Name() {
		errs["company_name"] = validation.NewError("close_name", fmt.Sprintf("type the company name exactly as shown: %s", c.Name()))
	}
	fresh, err := app.FindRecordById(member.Collection, owner.Id)
	if err != nil {
		return err
	}
	if in.Password == "" || !fresh.ValidatePassword(in.Password) {
		errs["password"] = validation.NewError("close_password", "that is not your password")
	}
	if len(errs) > 0 {
		return errs
	}
	// Requests in flight finish first (or the close is refused with inflight.ErrBusy); new
	// ones are refused until the wipe is done, so nothing writes after it.
	return inflight.For(app).Exclusive(1, closeWait, "The company is being closed.", func() error {
		if err := markClosing(app, closing{KeepBackups: in.KeepBackups, By: owner.Email(), At: time.Now().UTC()}); err != nil {
			return err
		}
		return FinishClosing(app)
	})
}

// closeWait bounds how long a close waits for the requests in flight (the close request
// itself is one of them).
const closeWait = 30 * time.Second

// Closing reports whether a closing was decided and is not finished yet.
func Closing(app core.App) bool {
	_, err := os.Stat(filepath.Join(app.DataDir(), closingMarker))
	return err == nil
}

// markClosing writes the marker durably: a temporary file synced, renamed into place, and
// the folder synced, so after a crash it is either wholly there or not at all.
func markClosing(app core.App, c closing) error { return writeMarker(app.DataDir(), c) }

func writeMarker(dir string, c closing) error {
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, closingMarker+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, closingMarker)); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// FinishClosing completes a closing whose marker is in the data folder (a crash stopped
// it, or Close just wrote it); without a marker it does nothing. Every step may run
// again: the records go in one transaction, files and backups that are gone stay gone.
func FinishClosing(app core.App) error {
	markerPath := filepath.Join(app.DataDir(), closingMarker)
	body, err := os.ReadFile(markerPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var c closing
	if err := json.Unmarshal(body, &c); err != nil {
		return fmt.Errorf("closing marker %s: %w", markerPath, err)
	}
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		return err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		for _, col := range cols {
			if _, err := tx.DB().NewQuery("DELETE FROM {{" + col.Name + "}}").Execute(); err != nil {
				return fmt.Errorf("emptying %s: %w", col.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	realtime.DisconnectAll(app)
	if err := deleteFiles(app, cols, c.KeepBackups); err != nil {
		return err
	}
	if err := forgetTheName(app); err != nil {
		return err
	}
	// Log lines of requests that started before now are dropped even when the logger writes
	// them later (dropLogsOfTheClosedCompany).
	app.Store().Set(closedAtKey, time.Now())
	if _, err := app.AuxDB().NewQuery("DELETE FROM {{_logs}}").Execute(); err != nil {
		return fmt.Errorf("emptying the logs: %w", err)
	}
	scrub(app)
	if err := os.Remove(markerPath); err != nil {
		return err
	}
	// note: no name or email here: this line outlives the company in the logs.
	app.Logger().Info("the company was closed: every record, upload and log deleted", slog.Bool("backups kept", c.KeepBackups))
	return nil
}

// forgetTheName puts PocketBase's application and sender names (the company's since setup,
// in the settings table that survives the close) back to PocketBase's defaults.
func forgetTheName(app core.App) error {
	s := app.Settings()
	s.Meta.AppName = "Acme"       // PocketBase's default
	s.Meta.SenderName = "Support" // PocketBase's default
	return app.Save(s)
}

// scrub makes the deleted rows unreadable on disk: they stay in free pages until VACUUM
// rewrites the file, and VACUUM itself goes through the write-ahead log, which keeps
// every old page until a checkpoint copies it back and TRUNCATE empties it.
func scrub(app core.App) {
	for name, db := range map[string]dbx.Builder{"data.db": app.NonconcurrentDB(), "auxiliary.db": app.AuxNonconcurrentDB()} {
		for _, sql := range []string{"VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"} {
			if _, err := db.NewQuery(sql).Execute(); err != nil {
				app.Logger().Warn("closing the company: scrubbing the database", slog.String("db", name),
					slog.String("step", sql), slog.Any("error", err))
			}
		}
	}
}

// closedAtKey is the app store entry holding when the company was last closed.
const closedAtKey = "teamfund.closedAt"

// dropLogsOfTheClosedCompany keeps out of the logs table what PocketBase's logger writes
// after a close about work that started before it: the logger batches lines and writes
// them seconds later, so the close request's own line (and any other in flight) would land
// in the emptied table.
func dropLogsOfTheClosedCompany(e *core.ModelEvent) error {
	closedAt, ok := e.App.Store().Get(closedAtKey).(time.Time)
	l, isLog := e.Model.(*core.Log)
	if !ok || !isLog {
		return e.Next()
	}
	started := l.Created.Time()
	if ms, ok := l.Data["execTime"].(float64); ok {
		started = started.Add(-time.Duration(ms * float64(time.Millisecond)))
	}
	if started.Before(closedAt) {
		return nil // not written
	}
	return e.Next()
}

// deleteFiles removes every uploaded file (on local disk or S3) and, unless keepBackups,
// every backup.
func deleteFiles(app core.App, cols []*core.Collection, keepBackups bool) error {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	for _, col := range cols {
		if errs := fsys.DeletePrefix(col.BaseFilesPath()); len(errs) > 0 {
			return fmt.Errorf("deleting the files of %s: %w", col.Name, errors.Join(errs...))
		}
	}
	if keepBackups {
		return nil
	}
	bfs, err := app.NewBackupsFilesystem()
	if err != nil {
		return err
	}
	defer bfs.Close()
	files, err := bfs.List("")
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := bfs.Delete(f.Key); err != nil {
			return fmt.Errorf("deleting the backup %s: %w", f.Key, err)
		}
	}
	return nil
}

// BindClosing finishes, when the app starts, a closing that a crash interrupted, and keeps
// late log lines of a closed company out of the logs.
func BindClosing(app core.App) {
	app.OnModelCreate(core.LogsTableName).BindFunc(dropLogsOfTheClosedCompany)
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return FinishClosing(e.App)
	})
}
