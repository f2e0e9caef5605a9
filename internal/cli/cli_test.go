package cli

import (
	"errors"
	"testing"

	pbcmd "github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teamfund/internal/web"
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

// TestServeNotesWhetherItSpeaksHTTPS runs PocketBase's own serve command (its flags and
// arguments, with the server start replaced) under the root hook Register installs.
func TestServeNotesWhetherItSpeaksHTTPS(t *testing.T) {
	cases := []struct {
		args []string
		want bool
	}{
		{[]string{"serve"}, false},
		{[]string{"serve", "--http", "127.0.0.1:9000"}, false},
		{[]string{"serve", "--http", "0.0.0.0:80", "--https", "0.0.0.0:443"}, true},
		{[]string{"serve", "teamfund.example.com"}, true},
	}
	for _, c := range cases {
		app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
		root := &cobra.Command{Use: "teamfund"}
		root.PersistentPreRunE = noteServeTLS(app)
		serve := pbcmd.NewServeCommand(app, false)
		serve.RunE = func(*cobra.Command, []string) error { return nil }
		root.AddCommand(serve)
		root.SetArgs(c.args)
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got := web.ServesTLS(app); got != c.want {
			t.Errorf("%v: serves TLS = %v, want %v", c.args, got, c.want)
		}
	}
}
