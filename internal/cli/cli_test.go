package cli

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"
)

func TestFailedSubcommandIsRemembered(t *testing.T) {
	root := &cobra.Command{Use: "x"}
	sub := &cobra.Command{Use: "fail", RunE: func(*cobra.Command, []string) error { return errors.New("boom") }}
	root.AddCommand(sub)
	trackFailure(root)
	root.SetArgs([]string{"fail"})
	root.SilenceErrors, root.SilenceUsage = true, true
	if err := root.Execute(); err == nil {
		t.Fatal("want the command's error")
	}
	if !Failed() {
		t.Error("Failed() = false after a failing command, want true (main exits 1)")
	}
}
