package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teamfund/internal/backup"
	"teamfund/internal/company"
)

func init() { commands = append(commands, newBackupCommand, newRestoreCommand) }

func newBackupCommand(app *pocketbase.PocketBase) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "backup -o FILE.zip",
		Short: "Copy the whole data folder (databases and uploaded files) into one ZIP, also while the server runs",
		Long: "Writes a consistent copy of the data folder: each database is copied from one snapshot, so the running\n" +
			"server keeps serving and writing meanwhile. Move the ZIP to the new server and run `teamfund restore`.\n" +
			"The layout is PocketBase's (data.db, auxiliary.db, storage/), so the dashboard can restore it too.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" || output == "-" {
				return errors.New("give the ZIP file to write with -o, e.g. -o teamfund-backup.zip")
			}
			var info backup.Info
			err := writeFileAtomically(output, func(w io.Writer) (err error) {
				info, err = backup.Create(app, w)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Backed up %d files (%.1f MB, schema of %d migrations) to %s.\n",
				info.Files, float64(info.Bytes)/(1<<20), info.Migrations, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "ZIP file to write (required)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

func newRestoreCommand(app *pocketbase.PocketBase) *cobra.Command {
	// PocketBase bootstraps the data folder (creating it and its empty databases) before any
	// command runs: a refused restore removes that again, so it leaves nothing behind.
	folderWasNew := false
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if _, err := os.Stat(e.App.DataDir()); errors.Is(err, fs.ErrNotExist) {
			folderWasNew = true
		}
		return e.Next()
	})
	limits := backup.DefaultLimits
	var maxMB int64
	cmd := &cobra.Command{
		Use:   "restore FILE.zip --dir NEWDIR",
		Short: "Restore a backup into a new, empty data folder (to move to another server)",
		Long: "Unpacks a ZIP made by `teamfund backup` (or a PocketBase dashboard backup) into the data folder given with\n" +
			"--dir, which must be new or empty. Refused, with nothing written: a backup made by a newer Teamfund (its schema\n" +
			"has migrations this program does not know), entries with `..` or absolute paths, links, more than --max-size-mb\n" +
			"unpacked, or a file compressed like a ZIP bomb. Then start the server on that folder:\n" +
			"`teamfund serve --dir NEWDIR`; everyone signs in with their old password.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			limits.MaxBytes = maxMB << 20
			info, err := backup.Restore(app, args[0], limits)
			if err != nil {
				if ferr := backup.Forget(app, folderWasNew); ferr != nil {
					return errors.Join(err, ferr)
				}
				return err
			}
			name, users := restoredCompany(app)
			fmt.Fprintf(cmd.ErrOrStderr(), "Restored %d files (%.1f MB) into %s: company %s, %d users, schema of %d migrations.\n",
				info.Files, float64(info.Bytes)/(1<<20), app.DataDir(), name, users, info.Migrations)
			return nil
		},
	}
	cmd.Flags().Int64Var(&maxMB, "max-size-mb", backup.DefaultLimits.MaxBytes>>20, "refuse a backup that unpacks to more than this many MB")
	return cmd
}

// restoredCompany names what a restore brought back: the company ("(not set up)" for a
// folder without one) and how many users it has.
func restoredCompany(app core.App) (name string, users int64) {
	name = "(not set up)"
	if c, err := company.Load(app); err == nil {
		name = c.Name()
	}
	users, _ = app.CountRecords("users")
	return name, users
}
