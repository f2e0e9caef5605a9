// Package e2e drives the real Teamfund binary in Debian's Chromium (chromedp) for the
// browser flows. The binary is built once per test run and serves a copy of the test
// fixtures (or an empty data folder) on a free loopback port.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/testutil"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// Main runs a browser test package: tests, then the browser and fixtures are torn down.
//
//	func TestMain(m *testing.M) { e2e.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if browserCancel != nil {
		browserCancel()
	}
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	testutil.Cleanup()
	os.Exit(code)
}

// ensureChromium installs Debian's chromium when it is missing (CI machines start without
// it); the test fails rather than skips when that is impossible.
func ensureChromium(t testing.TB) {
	t.Helper()
	installOnce.Do(func() {
		if _, err := os.Stat(chromiumPath); err == nil {
			return
		}
		cmd := exec.Command("sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium")
		out, err := cmd.CombinedOutput()
		if err != nil {
			installErr = fmt.Errorf("installing chromium: %v\n%s", err, out)
		}
	})
	if installErr != nil {
		t.Fatal(installErr)
	}
}

var (
	installOnce sync.Once
	installErr  error

	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error

	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel context.CancelFunc
	browserErr    error
)

// moduleRoot finds the folder with go.mod, so screenshots land in <root>/artifacts.
func moduleRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "."
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// Binary builds the teamfund binary once per test run and returns its path.
func Binary(t testing.TB) string { return buildBinary(t) }

func buildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		// note: not under the temp dir — PocketBase treats binaries there as `go run` and
		// turns on dev mode, which logs every SQL statement and slows the server down.
		binDir, buildErr = os.MkdirTemp(filepath.Join(moduleRoot(), ".cache"), "e2e-bin-")
		if errors.Is(buildErr, fs.ErrNotExist) {
			if buildErr = os.MkdirAll(filepath.Join(moduleRoot(), ".cache"), 0o755); buildErr == nil {
				binDir, buildErr = os.MkdirTemp(filepath.Join(moduleRoot(), ".cache"), "e2e-bin-")
			}
		}
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "teamfund")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Server is a running Teamfund binary.
type Server struct {
	URL     string
	DataDir string
	cmd     *exec.Cmd
}

// Start runs the binary on a copy of the test fixtures (see testutil: owner, admin,
// managerA, memberA, ... all with password testutil.Password). The fixture users have
// already seen the guided tour, so it does not cover what other tests click; a tour test
// clears users.tour_seen with Seed.
func Start(t testing.TB) *Server {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.CopyFS(dir, os.DirFS(testutil.Fixtures(t).Dir)); err != nil {
		t.Fatal(err)
	}
	s := startOn(t, dir)
	s.Seed(t, func(app core.App) error {
		_, err := app.DB().NewQuery("UPDATE users SET tour_seen = role").Execute()
		return err
	})
	return s
}

// StartEmpty runs the binary on an empty data folder (first run).
func StartEmpty(t testing.TB) *Server {
	t.Helper()
	return startOn(t, filepath.Join(t.TempDir(), "pb_data"))
}

// StartOn runs the binary on an existing data folder (e.g. one filled by `teamfund demo`).
func StartOn(t testing.TB, dataDir string) *Server { return startOn(t, dataDir) }

func startOn(t testing.TB, dataDir string) *Server {
	t.Helper()
	bin := buildBinary(t)
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", dataDir)
	logFile, err := os.Create(filepath.Join(filepath.Dir(dataDir), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + addr, DataDir: dataDir, cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logFile.Name()); err == nil {
				t.Logf("server log:\n%s", tail(string(b), 4000))
			}
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.URL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("server did not answer /api/health on %s", addr)
	return nil
}

// setupLinkPattern finds a setup link in the server's console output.
var setupLinkPattern = regexp.MustCompile(`https?://\S+/setup\?token=\S+`)

// ConsoleOutput is what the server printed so far (standard output and error).
func (s *Server) ConsoleOutput(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(filepath.Dir(s.DataDir), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// SetupLink waits for the server to print a setup link on its console after the first
// `after` links, and returns it: the operator's way to the first-run form.
func (s *Server) SetupLink(t testing.TB, after int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		links := setupLinkPattern.FindAllString(s.ConsoleOutput(t), -1)
		if len(links) > after {
			return links[len(links)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server printed no setup link (%d seen):\n%s", len(links), tail(s.ConsoleOutput(t), 2000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// NewBrowser returns a chromedp context in a fresh browser context (its own cookie jar),
// closed when the test ends. All actions on it time out after two minutes.
func NewBrowser(t testing.TB) context.Context {
	t.Helper()
	return NewBrowserFor(t, 2*time.Minute)
}

// NewBrowserFor is NewBrowser with another time limit, for tests that walk many pages.
func NewBrowserFor(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	ensureChromium(t)
	browserOnce.Do(func() {
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.WindowSize(1280, 900),
		}
		alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
		browserCtx, browserCancel = chromedp.NewContext(alloc)
		browserErr = chromedp.Do(browserCtx)
	})
	if browserErr != nil {
		t.Fatalf("starting chromium: %v", browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	return ctx
}

// NewBrowser is a method form of the package function, for readability in tests.
func (s *Server) NewBrowser(t testing.TB) context.Context { return NewBrowser(t) }

// Do runs chromedp actions in order and fails the test, with a screenshot, on error.
// Selectors are chromedp.CSS("...") (chromedp v0.23's generic API).
func Do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		Screenshot(t, ctx, "failure-"+sanitize(t.Name()))
		t.Fatal(err)
	}
}

// Get runs one value-returning action (chromedp.Text, chromedp.Location, ...) and
// fails the test, with a screenshot, on error.
func Get[T any](t testing.TB, ctx context.Context, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		Screenshot(t, ctx, "failure-"+sanitize(t.Name()))
		t.Fatal(err)
	}
	return v
}

// Text returns the visible text of the first element matching the CSS selector.
func Text(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	return Get(t, ctx, chromedp.Text(chromedp.CSS(css)))
}

// Login signs in fixture user key through the login form and waits for the dashboard.
func Login(t testing.TB, ctx context.Context, s *Server, key string) {
	t.Helper()
	LoginAs(t, ctx, s, testutil.Fixtures(t).Emails[key], testutil.Password)
}

// LoginAs signs in with email and password through the login form and waits for the dashboard.
func LoginAs(t testing.TB, ctx context.Context, s *Server, email, password string) {
	t.Helper()
	Do(t, ctx,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#dashboard`)),
	)
}

// SignOut opens the user menu and clicks "Sign out", as a person would.
func SignOut(t testing.TB, ctx context.Context) {
	t.Helper()
	Do(t, ctx,
		chromedp.Click(chromedp.CSS(`#user-menu-button`)),
		chromedp.WaitVisible(chromedp.CSS(`#logout`)),
		chromedp.Click(chromedp.CSS(`#logout`)),
	)
}

// DialogShown is a condition that holds once the confirmation dialog has finished opening:
// its fade-in is over and the focus is on its safe answer (app.js does that on
// shown.bs.modal). Before that the dialog is still sliding in, so a click can miss it,
// and Bootstrap ignores Escape and hide() while it opens.
const DialogShown = `!!document.activeElement && document.activeElement.matches("#confirm-modal.show [data-bs-dismiss=modal]")`

// WaitDialogShown waits until the confirmation dialog has finished opening.
func WaitDialogShown(t testing.TB, ctx context.Context) {
	t.Helper()
	Get(t, ctx, chromedp.Poll[bool](DialogShown, chromedp.WithPollingTimeout(30*time.Second)))
}

// Confirm clicks the button of the confirmation dialog that a data-confirm button opened.
func Confirm(t testing.TB, ctx context.Context) {
	t.Helper()
	WaitDialogShown(t, ctx)
	Do(t, ctx, chromedp.Click(chromedp.CSS(`#confirm-modal #confirm-accept`)))
}

// ArtifactsDir is where screenshots go: $TEAMFUND_ARTIFACTS or <module>/artifacts.
func ArtifactsDir() string {
	if d := os.Getenv("TEAMFUND_ARTIFACTS"); d != "" {
		return d
	}
	return filepath.Join(moduleRoot(), "artifacts")
}

// Screenshot saves a full-page PNG (quality 100 = PNG) as <artifacts>/screenshots/<name>.png.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join(ArtifactsDir(), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot dir: %v", err)
		return
	}
	path := filepath.Join(dir, sanitize(name)+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// PageText saves what a person reads on the page — the main area's text, then each
// button and link that looks like a button with its colour — as <artifacts>/text/<name>.txt,
// so the copy of every page can be read (and searched) word by word next to its screenshot.
func PageText(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const main = document.querySelector("main") || document.body;
		const buttons = [...main.querySelectorAll(".btn")].filter(b => b.offsetParent !== null).map(b => {
			const colour = (b.className.match(/btn-(outline-)?(primary|danger|secondary|success|warning|info|ghost-\w+|link)/) || ["", "", "plain"])[2];
			return colour + ": " + b.textContent.replace(/\s+/g, " ").trim();
		});
		return main.innerText + "\n\n--- buttons\n" + buttons.join("\n");
	})()`))
	if err != nil {
		t.Logf("page text %s: %v", name, err)
		return
	}
	dir := filepath.Join(ArtifactsDir(), "text")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("page text dir: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, sanitize(name)+".txt"), []byte(text), 0o644); err != nil {
		t.Logf("page text %s: %v", name, err)
	}
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// Seed changes the running server's data with Go code (SQLite takes writes from this
// second process): fn gets an app bootstrapped on the server's data folder, for setup
// the UI under test does not cover (team settings, grants, touches).
func (s *Server) Seed(t testing.TB, fn func(app core.App) error) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: s.DataDir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if err := fn(app); err != nil {
		t.Fatal(err)
	}
}
