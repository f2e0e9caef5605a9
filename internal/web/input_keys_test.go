package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// TestEveryJSONRouteRefusesDuplicateKeys walks every state-changing /api/tf/ route of the
// real router and sends JSON bodies that repeat a key — exactly, with other capitals, with
// the Kelvin sign that encoding/json folds to "k", and deep inside arrays and objects:
// each gets a 400 whose message and field name the repeated key, before any handler runs.
func TestEveryJSONRouteRefusesDuplicateKeys(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	routes := teamfundRoutes(t)
	srv := testutil.Serve(t, app)
	bodies := []struct{ body, key string }{
		{`{"amount":100,"amount":900}`, "amount"},
		{`{"name":"a","Name":"b"}`, "Name"},
		{`{"kind":"a","\u212aind":"b"}`, "\u212aind"},
		{`{"items":[{"email":"a@x.com"},{"email":"b@x.com","EMAIL":"c@x.com"}]}`, "items[1].EMAIL"},
		{`[{"a":{"b":{"c":1,"C":2}}}]`, "[0].a.b.C"},
	}
	checked := 0
	for _, rt := range routes {
		if !strings.HasPrefix(rt.path, "/api/tf/") {
			continue
		}
		switch rt.method {
		case http.MethodGet, http.MethodHead, "":
			continue
		}
		checked++
		for _, b := range bodies {
			req := httptest.NewRequest(rt.method, srv.URL+concrete(rt.path), strings.NewReader(b.body))
			req.RequestURI = ""
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", f.Token("owner"))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var got struct {
				Message string                    `json:"message"`
				Data    map[string]map[string]any `json:"data"`
			}
			_ = json.Unmarshal(raw, &got)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(got.Message, `"`+b.key+`"`) || got.Data[b.key] == nil {
				t.Errorf("%s %s with %s: got %d %s, want 400 naming %q", rt.method, rt.path, b.body, res.StatusCode, raw, b.key)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d state-changing /api/tf/ routes found; the route walker is broken", checked)
	}
	t.Logf("checked %d state-changing /api/tf/ routes", checked)
}

func TestDuplicateJSONKeysWriteNothing(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name: "admin creating a team with name and NAME gets a 400 and no team", Method: http.MethodPost,
			URL: "/api/tf/teams", Body: jsonBody(`{"name":"Gamma","NAME":"Delta"}`), Headers: f.AuthHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 2),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`Duplicate key \"NAME\"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "admin creating a team with unique keys, the same ones in another object, is served", Method: http.MethodPost,
			URL: "/api/tf/teams", Body: jsonBody(`{"name":"Gamma","description":"x","settings":{"name":"y"}}`), Headers: f.AuthHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 3),
			ExpectedStatus: http.StatusCreated, ExpectedContent: []string{`"Gamma"`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
