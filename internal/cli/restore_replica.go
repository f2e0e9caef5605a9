package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teamfund/internal/backup"
	"teamfund/internal/replica"
)

// addReplicaRestore gives the restore command (its ZIP form is in backup.go) a second
// source: `restore --from REPLICA [--at TIME] --dir NEWDIR` brings a data folder back from
// the replica that `serve --replica` kept. Kept apart from the ZIP restore so the two
// evolve separately; the ZIP form's FILE argument is then not wanted.
func addReplicaRestore(app *pocketbase.PocketBase, restore *cobra.Command) {
	var from, at string
	restore.Use = "restore (FILE.zip | --from REPLICA [--at TIME]) --dir NEWDIR"
	restore.Long += "\n\nWith --from, restores from the replica kept by `serve --replica` (a folder, s3://bucket/path?endpoint=...,\n" +
		"sftp://user@host/path; S3 credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): the latest state, or\n" +
		"with --at the state at that moment (RFC 3339, e.g. 2026-12-07T09:30:00Z; without a zone it is UTC)."
	restore.Flags().StringVar(&from, "from", "", "restore from this replica instead of a ZIP")
	restore.Flags().StringVar(&at, "at", "", "with --from: the moment to restore (default: the latest state)")
	zipArgs, zipRun := restore.Args, restore.RunE
	restore.Args = func(cmd *cobra.Command, args []string) error {
		if from == "" {
			return zipArgs(cmd, args)
		}
		return nil // checked in RunE, so a refusal exits non-zero like any failed restore
	}
	restore.RunE = func(cmd *cobra.Command, args []string) error {
		switch {
		case from == "" && at != "":
			return errors.New("--at needs --from: a point in time comes from a replica, a ZIP holds one moment")
		case from == "":
			return zipRun(cmd, args)
		case len(args) > 0:
			return errors.New("give either a ZIP file or --from REPLICA, not both")
		}
		return restoreFromReplica(cmd, app, from, at)
	}
}

// dataDirWasEmpty answers whether app's data folder holds nothing but what PocketBase's
// bootstrap wrote (the ZIP restore's rule, backup.CheckEmpty).
func dataDirWasEmpty(app core.App) (bool, error) {
	err := backup.CheckEmpty(app)
	if errors.Is(err, backup.ErrNotEmpty) {
		return false, nil
	}
	return err == nil, err
}

func restoreFromReplica(cmd *cobra.Command, app *pocketbase.PocketBase, from, at string) error {
	when, err := parseMoment(at)
	if err != nil {
		return err
	}
	empty, err := dataDirWasEmpty(app)
	if err != nil {
		return err
	}
	// PocketBase opened the databases it created in the folder; the restore replaces data.db.
	if err := app.ResetBootstrapState(); err != nil {
		return err
	}
	res, err := replica.Restore(cmd.Context(), replica.RestoreOptions{From: from, At: when, Dir: app.DataDir(), DirWasEmpty: empty})
	if bootErr := app.Bootstrap(); err == nil {
		err = bootErr
	}
	if err != nil {
		return err
	}
	name, users := restoredCompany(app)
	moment := "the latest state it holds"
	if !when.IsZero() {
		moment = "the state at " + when.UTC().Format(time.RFC3339)
	}
	uploads := "Uploaded files (storage/) are not kept in an S3 or SFTP replica; see docs/COMPANY.md."
	if res.UploadsKept {
		uploads = fmt.Sprintf("%d uploaded files copied back from the replica.", res.Uploads)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Restored data.db (%.1f MB) from %s into %s: %s (last change written %s): company %s, %d users.\n"+
		"%s Start it with `teamfund serve --dir %s`.\n",
		float64(res.Bytes)/(1<<20), res.Replica, app.DataDir(), moment, res.StateAt.UTC().Format(time.RFC3339), name, users, uploads, app.DataDir())
	return nil
}

// momentLayouts are the forms --at accepts; those without a zone are UTC.
var momentLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

func parseMoment(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range momentLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q is not a time: write it like 2026-12-07T09:30:00Z (or 2026-12-07 09:30, taken as UTC)", s)
}
