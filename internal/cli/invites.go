package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
)

func init() { commands = append(commands, newInvitesCommand) }

func newInvitesCommand(app *pocketbase.PocketBase) *cobra.Command {
	cmd := &cobra.Command{Use: "invites", Short: "Invitations"}
	var (
		dryRun bool
		as     string
	)
	imp := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Invite everyone in a CSV file (email,name,role,team), exactly like the web upload",
		Long: "Checks every row with the same rules as the web preview, invites all valid rows in one transaction\n" +
			"and lists each refused row with its line number and reason. --dry-run only previews.\n" +
			"The import acts as --as EMAIL (default: the owner), whose role and team limit what may be invited.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			return importInvites(app, cmd.OutOrStdout(), args[0], as, dryRun)
		},
	}
	imp.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report, invite nobody")
	imp.Flags().StringVar(&as, "as", "", "email of the user the import acts as (default: the owner)")
	cmd.AddCommand(imp)
	return cmd
}

// importInvites runs the CSV import of path as the user with email as (owner when empty)
// and writes a report to out; mail is delivered before it returns.
func importInvites(app core.App, out io.Writer, path, as string, dryRun bool) error {
	actor, err := importActor(app, as)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cands, err := invite.ParseCSV(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var rows []invite.Row
	var mailIDs []string
	if dryRun {
		if rows, err = invite.Preview(app, actor, cands); err != nil {
			return err
		}
	} else {
		rep, err := invite.Import(app, actor, cands)
		if err != nil {
			return err
		}
		rows, mailIDs = rep.Rows, rep.MailIDs
	}
	valid, refused := 0, 0
	for _, r := range rows {
		if r.Warning != "" {
			fmt.Fprintf(out, "line %d: %s: warning: %s\n", r.Line, r.Email, r.Warning)
		}
		if r.Valid() {
			valid++
			continue
		}
		refused++
		fmt.Fprintf(out, "line %d: %s: refused: %s\n", r.Line, r.Email, r.Reason())
	}
	failed := outbox.Deliver(app, mailIDs...)
	verb := "invited"
	if dryRun {
		verb = "would be invited (dry run, nothing written)"
	}
	fmt.Fprintf(out, "%d %s, %d refused.\n", valid, verb, refused)
	if failed > 0 {
		fmt.Fprintf(out, "%d invitation mails could not be sent; they are in the outbox.\n", failed)
	}
	return nil
}

// importActor is the user with email, or the owner.
func importActor(app core.App, email string) (*member.Member, error) {
	if email != "" {
		m, err := member.FindByEmail(app, email)
		if err != nil {
			return nil, fmt.Errorf("--as %s: no such user", email)
		}
		return m, nil
	}
	r, err := app.FindFirstRecordByData(member.Collection, "role", string(member.RoleOwner))
	if err != nil {
		return nil, errors.New("no owner yet: set up the company first (open the web UI)")
	}
	return member.Wrap(r), nil
}
