package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var npmMu sync.Mutex

// NodeModules returns a node_modules folder holding the npm package spec ("name@version"),
// installed on first use into <user cache>/teamfund/npm/<spec> with npm, so that tests can
// run the reference client libraries (Standard Webhooks, PocketBase's JS SDK) with node.
// node and npm must be on the PATH: a test that needs them fails without them, it does
// not skip.
func NodeModules(tb testing.TB, spec string) string {
	tb.Helper()
	npmMu.Lock()
	defer npmMu.Unlock()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "teamfund", "npm", strings.ReplaceAll(spec, "/", "_"))
	modules := filepath.Join(dir, "node_modules")
	name := spec[:strings.LastIndex(spec, "@")]
	done := filepath.Join(dir, ".installed")
	if _, err := os.Stat(done); err == nil {
		return modules
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir, spec)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("npm install %s: %v\n%s", spec, err, out)
	}
	if _, err := os.Stat(filepath.Join(modules, name, "package.json")); err != nil {
		tb.Fatalf("npm install %s left no %s package: %v", spec, name, err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	return modules
}

// RunNode runs the script with node, with NODE_PATH set to modules and env added, and
// returns its output; a non-zero exit fails the test with that output.
func RunNode(tb testing.TB, modules, script string, env ...string) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Fatalf("node is needed for this test: %v", err)
	}
	cmd := exec.Command(node, script)
	cmd.Env = append(os.Environ(), append([]string{"NODE_PATH=" + modules}, env...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("node %s: %v\n%s", script, err, out)
	}
	return string(out)
}
