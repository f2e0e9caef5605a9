package e2e_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"teamfund/internal/e2e"
)

// TestFailedCommandsExitNonZero runs the built binary the way a script would: a missing
// argument, an unknown flag or an unknown command must exit 1 with the reason, while help
// exits 0. PocketBase ignores the root command's error, so these used to exit 0.
func TestFailedCommandsExitNonZero(t *testing.T) {
	bin := e2e.Binary(t)
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"restore"}, 1, "accepts 1 arg"},
		{[]string{"backup", "--no-such-flag"}, 1, "unknown flag: --no-such-flag"},
		{[]string{"frobnicate"}, 1, `unknown command "frobnicate"`},
		{[]string{"servee"}, 1, "Did you mean this?"},
		{[]string{"--help"}, 0, "Available Commands"},
		{[]string{}, 0, "Available Commands"},
		{[]string{"setup-link", "--help"}, 0, "Usage"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, append(c.args, "--dir", dir)...)
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if code != c.code || !strings.Contains(string(out), c.says) {
			t.Errorf("teamfund %s: exit %d, want %d with %q; output:\n%s", strings.Join(c.args, " "), code, c.code, c.says, out)
		}
	}
}
