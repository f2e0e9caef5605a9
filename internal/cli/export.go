package cli

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teamfund/internal/export"
	"teamfund/internal/member"
)

func init() { commands = append(commands, newExportCommand) }

// exportFlagHelp describes each filter flag; the flags are the list pages' query parameters.
var exportFlagHelp = map[string]string{
	"team":   "team name or id, or \"none\" for rows without a team",
	"role":   "users: owner, admin, manager or member",
	"status": "users: active or deactivated; sends: pending, sent, rejected or cancelled",
	"q":      "users: email or name prefix",
	"member": "ledger: the account (email, also of a deleted user, or id); sends: the sender (email or id)",
	"kind":   "ledger: grant, monthly, return, adjust, transfer_in, transfer_out, spend or refund",
	"from":   "first day included, YYYY-MM-DD in the company time zone (usage: first month, YYYY-MM)",
	"to":     "last day included, YYYY-MM-DD in the company time zone (usage: last month, YYYY-MM)",
	"month":  "usage: one month, YYYY-MM (default: the current month)",
}

func newExportCommand(app *pocketbase.PocketBase) *cobra.Command {
	var format, output string
	filters := map[string]*string{}
	cmd := &cobra.Command{
		Use:   "export users|ledger|sends|usage|all -o FILE [--format csv|xlsx] [filters]",
		Short: "Export the users list, the ledger or the sends to a CSV or XLSX file, or everything to a ZIP",
		Long: "Writes the same file as the Download buttons of the Users, Ledger and Sends pages, with the same filters.\n" +
			"`export all -o FILE.zip` writes the owner's \"Download everything\" (every kind of record as CSV and XLSX; no filters).\n" +
			"It runs as the operator of the server, so it sees every row (no user's permissions apply).\n" +
			"The format defaults to the file's extension; -o - writes CSV (or --format) to standard output.\n" +
			"Filters per list: users " + strings.Join(export.Params(export.Users), ", ") +
			"; ledger " + strings.Join(export.Params(export.Ledger), ", ") +
			"; sends " + strings.Join(export.Params(export.Sends), ", ") +
			"; usage " + strings.Join(export.Params(export.Usage), ", ") + ".",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "all" {
				return exportAll(app, cmd, output)
			}
			ds, err := export.ParseDataset(args[0])
			if err != nil {
				return err
			}
			f, err := exportFormat(format, output)
			if err != nil {
				return err
			}
			// Like serve: a data folder from an older binary gets the indexes the export walks.
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			q, err := exportQuery(app, cmd, ds, filters)
			if err != nil {
				return err
			}
			viewer, err := export.System(app)
			if err != nil {
				return err
			}
			n, err := writeExport(app, output, cmd.OutOrStdout(), export.Request{Dataset: ds, Format: f, Query: q, Viewer: viewer})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Exported %d rows of %s to %s.\n", n, ds, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (required; - for standard output)")
	cmd.Flags().StringVar(&format, "format", "", "csv or xlsx (default: from the file extension)")
	for _, name := range []string{"team", "role", "status", "q", "member", "kind", "from", "to", "month"} {
		filters[name] = cmd.Flags().String(name, "", exportFlagHelp[name])
	}
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

// exportAll writes the download of everything to output (not standard output: it is a
// ZIP) and audits it as done by the system.
func exportAll(app *pocketbase.PocketBase, cmd *cobra.Command, output string) error {
	for _, name := range []string{"format", "team", "role", "status", "q", "member", "kind", "from", "to", "month"} {
		if cmd.Flags().Changed(name) {
			return fmt.Errorf("export all takes no --%s: it always writes every record as CSV and XLSX in one ZIP", name)
		}
	}
	if output == "-" {
		return errors.New("export all writes a ZIP: give a file name with -o, e.g. -o teamfund.zip")
	}
	if err := app.RunAllMigrations(); err != nil {
		return err
	}
	var sum export.AllSummary
	err := writeFileAtomically(output, func(w io.Writer) (err error) {
		sum, err = export.WriteAll(app, w, time.Now())
		return err
	})
	if aerr := export.AuditAll(app, nil, sum, err == nil); aerr != nil && err == nil {
		err = aerr
	}
	if err != nil {
		return err
	}
	total := 0
	for _, n := range sum {
		total += n
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Exported everything (%d rows in %d kinds of record) to %s.\n", total, len(sum), output)
	return nil
}

// exportFormat is --format, or the output file's extension (CSV for standard output).
func exportFormat(flag, output string) (export.Format, error) {
	if flag == "" && output == "-" {
		flag = string(export.CSV)
	}
	if flag == "" {
		flag = strings.TrimPrefix(filepath.Ext(output), ".")
	}
	return export.ParseFormat(flag)
}

// exportQuery turns the filter flags into the page query string, refusing flags the list
// does not have and resolving team names (and, for sends, member emails) to ids; the ledger
// filter takes an email itself, so deleted users' entries stay findable.
func exportQuery(app core.App, cmd *cobra.Command, ds export.Dataset, filters map[string]*string) (url.Values, error) {
	allowed := map[string]bool{}
	for _, p := range export.Params(ds) {
		allowed[p] = true
	}
	q := url.Values{}
	for name, val := range filters {
		if !cmd.Flags().Changed(name) {
			continue
		}
		if !allowed[name] {
			return nil, fmt.Errorf("--%s is not a filter of the %s list (filters: %s)", name, ds, strings.Join(export.Params(ds), ", "))
		}
		q.Set(name, strings.TrimSpace(*val))
	}
	if t := q.Get("team"); t != "" && t != member.TeamNone {
		id, err := lookupID(app, "teams", "name", t)
		if err != nil {
			return nil, fmt.Errorf("--team %q: %w", t, err)
		}
		q.Set("team", id)
	}
	if m := q.Get("member"); m != "" && ds == export.Sends {
		id, err := lookupID(app, member.Collection, "email", member.NormalizeEmail(m))
		if err != nil {
			return nil, fmt.Errorf("--member %q: %w", m, err)
		}
		q.Set("member", id)
	}
	return q, nil
}

// lookupID finds a record id of collection by the value of field (case-insensitive) or by id.
func lookupID(app core.App, collection, field, value string) (string, error) {
	var id string
	err := app.DB().Select("id").From(collection).
		Where(dbx.Or(dbx.HashExp{"id": value}, dbx.NewExp("[["+field+"]] = {:v} COLLATE NOCASE", dbx.Params{"v": value}))).
		Limit(1).Row(&id)
	if err != nil {
		return "", errors.New("not found")
	}
	return id, nil
}

// writeExport writes to stdout for "-", else to the file through writeFileAtomically.
func writeExport(app core.App, output string, stdout io.Writer, req export.Request) (int, error) {
	if output == "-" {
		return export.Write(app, stdout, req)
	}
	var n int
	err := writeFileAtomically(output, func(w io.Writer) (err error) {
		n, err = export.Write(app, w, req)
		return err
	})
	return n, err
}

// writeFileAtomically writes to a temporary file beside output, renamed into place at the
// end, so a failed export never leaves a half-written file behind.
func writeFileAtomically(output string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(output), ".teamfund-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), output)
}
