package e2e_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// run runs the built binary and returns its combined output and whether it succeeded.
func run(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	out, err := exec.Command(e2e.Binary(t), args...).CombinedOutput()
	return string(out), err == nil
}

// TestRestoreMovesAServingCompanyToANewFolder is the documented move to another server,
// done with the built binary: `teamfund backup` while folder A serves, `teamfund restore`
// into a new folder B, then B serves and its members sign in to the same balances, counts
// and photos.
func TestRestoreMovesAServingCompanyToANewFolder(t *testing.T) {
	f := testutil.Fixtures(t)
	a := e2e.Start(t)
	photo := make([]byte, 4096)
	rand.Read(photo)
	a.Seed(t, func(app core.App) error {
		for key, cents := range map[string]int64{"memberA": 12345, "memberB": 678, "managerA": 90} {
			if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: money.Cents(cents), Kind: ledger.KindGrant}); err != nil {
				return err
			}
		}
		u, err := app.FindRecordById("users", f.ID("memberA"))
		if err != nil {
			return err
		}
		file, err := filesystem.NewFileFromBytes(pngWith(photo), "photo.png")
		if err != nil {
			return err
		}
		u.Set("avatar", file)
		return app.Save(u)
	})

	zipPath := filepath.Join(t.TempDir(), "move.zip")
	if out, ok := run(t, "backup", "-o", zipPath, "--dir", a.DataDir); !ok {
		t.Fatalf("backup while serving: %s", out)
	}
	dirB := filepath.Join(t.TempDir(), "new-server", "pb_data")
	if out, ok := run(t, "restore", zipPath, "--dir", dirB); !ok || !strings.Contains(out, "Restored") {
		t.Fatalf("restore into a new folder: %s", out)
	}
	b := e2e.StartOn(t, dirB)

	for table, mustHave := range map[string]bool{"users": true, "teams": true, "ledger_entries": true, "company": true,
		"sends": false, "touches": false, "audit_log": false} {
		if na, nb := count(t, a.DataDir, table), count(t, dirB, table); na != nb || na == 0 && mustHave {
			t.Errorf("%s: %d rows in A, %d in B", table, na, nb)
		}
	}
	// Sessions made on A still work on B (same signing keys); memberA signs in anew.
	for _, key := range []string{"memberA", "memberB", "managerA", "owner"} {
		balA, balB := balance(t, a.URL, f.Token(key)), balance(t, b.URL, f.Token(key))
		if balA != balB {
			t.Errorf("%s: balance %v on A, %v on B", key, balA, balB)
		}
	}
	token := signIn(t, b.URL, f.Emails["memberA"])
	if got := balance(t, b.URL, token); got != 12345 {
		t.Errorf("memberA's balance on B = %v, want 12345", got)
	}
	gotPhoto := fetchPhoto(t, b.URL, token, f.ID("memberA"))
	if !bytes.Equal(gotPhoto, pngWith(photo)) {
		t.Errorf("the photo served by B (%d bytes) differs from the one uploaded on A", len(gotPhoto))
	}
}

// TestRestoreRefusesUnsafeBackupsAndWritesNothing feeds the built binary hostile and
// unfit backups: each is refused with a message saying why, and the new folder is not
// even created.
func TestRestoreRefusesUnsafeBackupsAndWritesNothing(t *testing.T) {
	zeros := make([]byte, 20<<20)
	noise := make([]byte, 2<<20)
	rand.Read(noise)
	cases := []struct {
		name    string
		entries []zipEntry
		args    []string
		want    string
	}{
		{"an entry climbing out with ..", []zipEntry{{name: "data.db"}, {name: "../escaped.txt"}}, nil, "outside the folder"},
		{"an absolute path", []zipEntry{{name: "data.db"}, {name: "/tmp/teamfund-absolute.txt"}}, nil, "outside the folder"},
		{"a symlink", []zipEntry{{name: "data.db"}, {name: "storage/link", mode: fs.ModeSymlink | 0o777, body: []byte("/etc/passwd")}}, nil, "link or special file"},
		{"more than the size limit", []zipEntry{{name: "data.db", body: noise}}, []string{"--max-size-mb", "1"}, "more than 1 MB"},
		{"a ZIP bomb", []zipEntry{{name: "data.db"}, {name: "storage/bomb", body: zeros}}, nil, "like a ZIP bomb"},
		{"not a backup", []zipEntry{{name: "readme.txt"}}, nil, "not a Teamfund backup"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			zipPath := writeZip(t, c.entries)
			dir := filepath.Join(t.TempDir(), "pb_data")
			out, ok := run(t, append([]string{"restore", zipPath, "--dir", dir}, c.args...)...)
			if ok || !strings.Contains(out, c.want) {
				t.Errorf("restore succeeded=%v, output %q; want a refusal saying %q", ok, out, c.want)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the refused restore left the folder %s behind (%v)", dir, err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(os.TempDir(), "teamfund-absolute.txt")); err == nil {
		t.Error("an absolute entry was written")
	}

	t.Run("a backup of a newer schema", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "pb_data")
		if err := os.CopyFS(src, os.DirFS(testutil.Fixtures(t).Dir)); err != nil {
			t.Fatal(err)
		}
		app := core.NewBaseApp(core.BaseAppConfig{DataDir: src})
		if err := app.Bootstrap(); err != nil {
			t.Fatal(err)
		}
		_, err := app.DB().Insert("_migrations", dbx.Params{"file": "1999999999_from_the_future.go", "applied": 1}).Execute()
		app.ResetBootstrapState()
		if err != nil {
			t.Fatal(err)
		}
		zipPath := filepath.Join(t.TempDir(), "future.zip")
		if out, ok := run(t, "backup", "-o", zipPath, "--dir", src); !ok {
			t.Fatalf("backup: %s", out)
		}
		dir := filepath.Join(t.TempDir(), "pb_data")
		out, ok := run(t, "restore", zipPath, "--dir", dir)
		if ok || !strings.Contains(out, "newer Teamfund") || !strings.Contains(out, "1999999999_from_the_future.go") {
			t.Errorf("restore of a newer schema: ok=%v %q", ok, out)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("the refused restore left the folder behind (%v)", err)
		}
	})

	t.Run("a folder that holds something", func(t *testing.T) {
		zipPath := filepath.Join(t.TempDir(), "ok.zip")
		if out, ok := run(t, "backup", "-o", zipPath, "--dir", copyOfFixtures(t)); !ok {
			t.Fatalf("backup: %s", out)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, ok := run(t, "restore", zipPath, "--dir", dir)
		if ok || !strings.Contains(out, "it holds notes.txt") {
			t.Errorf("restore into a used folder: ok=%v %q", ok, out)
		}
		// The same backup restores into an empty folder that exists already.
		empty := t.TempDir()
		if out, ok := run(t, "restore", zipPath, "--dir", empty); !ok {
			t.Errorf("restore into an existing empty folder: %s", out)
		}
	})
}

type zipEntry struct {
	name string
	mode fs.FileMode
	body []byte
}

func writeZip(t *testing.T, entries []zipEntry) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		body := e.body
		if body == nil {
			body = []byte("x")
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func copyOfFixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.CopyFS(dir, os.DirFS(testutil.Fixtures(t).Dir)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func count(t *testing.T, dir, table string) int {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	var n int
	if err := app.DB().Select("COUNT(*)").From(table).Row(&n); err != nil {
		t.Fatalf("counting %s in %s: %v", table, dir, err)
	}
	return n
}

func signIn(t *testing.T, base, email string) string {
	t.Helper()
	res, err := http.Post(base+"/api/collections/users/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"`+email+`","password":"`+testutil.Password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var auth struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&auth); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in of %s on %s: %d %v", email, base, res.StatusCode, err)
	}
	return auth.Token
}

func getWith(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	return body
}

func balance(t *testing.T, base, token string) float64 {
	t.Helper()
	var me struct {
		Balance float64 `json:"balance"`
	}
	body := getWith(t, base+"/api/tf/me", token)
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatalf("/api/tf/me: %v %s", err, body)
	}
	return me.Balance
}

// fetchPhoto downloads a user's photo the way the pages do, signed in (with a file token,
// which protected files need and public ones ignore).
func fetchPhoto(t *testing.T, base, token, id string) []byte {
	t.Helper()
	var user struct {
		Avatar string `json:"avatar"`
	}
	if err := json.Unmarshal(getWith(t, base+"/api/collections/users/records/"+id, token), &user); err != nil || user.Avatar == "" {
		t.Fatalf("user record: %v, avatar %q", err, user.Avatar)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/files/token", nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ft struct {
		Token string `json:"token"`
	}
	json.NewDecoder(res.Body).Decode(&ft)
	res.Body.Close()
	return getWith(t, base+"/api/files/users/"+id+"/"+user.Avatar+"?token="+ft.Token, token)
}

// pngWith is a real PNG image (the photo field takes images only) whose pixels are noise.
func pngWith(noise []byte) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	copy(img.Pix, noise)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
