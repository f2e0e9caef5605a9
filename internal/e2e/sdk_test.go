package e2e_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"teamfund/internal/e2e"
)

// sdkScript is docs/API.md's JS SDK example, run as written against the binary.
const sdkScript = `import PocketBase from "pocketbase";

const pb = new PocketBase(process.env.TF);
pb.beforeSend = (url, options) => {
  options.headers = { ...options.headers, Authorization: "Bearer " + process.env.TEAMFUND_KEY };
  return { url, options };
};
const teams = await pb.collection("teams").getList(1, 50, { sort: "name" });
const sends = await pb.send("/api/tf/sends", { query: { status: "pending", perPage: 100 } });
let refused = 0;
try { await pb.send("/api/tf/teams", { method: "POST", body: { name: "Gamma" } }); } catch (e) { refused = e.status; }
console.log(JSON.stringify({ teams: teams.totalItems, names: teams.items.map((t) => t.name), sendsPerPage: sends.perPage, refused }));
`

func TestTheJSSDKWorksWithAnAPIKey(t *testing.T) {
	s := e2e.Start(t)
	dir := t.TempDir()
	install := exec.Command("npm", "install", "--no-audit", "--no-fund", "pocketbase@0.28.1")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install pocketbase: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.mjs"), []byte(sdkScript), 0o644); err != nil {
		t.Fatal(err)
	}
	// the owner makes a read-only key through the API
	login, _ := http.Post(s.URL+"/api/collections/users/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"owner@acme.com","password":"password123"}`))
	var auth struct{ Token string }
	_ = json.NewDecoder(login.Body).Decode(&auth)
	login.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/tf/api-keys", strings.NewReader(`{"name":"SDK","role":"readonly"}`))
	req.Header.Set("Authorization", auth.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var key struct{ Key string }
	_ = json.NewDecoder(res.Body).Decode(&key)
	res.Body.Close()
	if key.Key == "" {
		t.Fatalf("no key created (%d)", res.StatusCode)
	}
	run := exec.Command("node", "example.mjs")
	run.Dir = dir
	run.Env = append(os.Environ(), "TF="+s.URL, "TEAMFUND_KEY="+key.Key)
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Teams        int
		Names        []string
		SendsPerPage int
		Refused      int
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	if got.Teams != 2 || strings.Join(got.Names, ",") != "Alpha,Beta" || got.SendsPerPage != 100 || got.Refused != 403 {
		t.Errorf("got %+v, want 2 teams (Alpha, Beta), sends paged by 100 and the read-only key's write refused with 403", got)
	}
}
